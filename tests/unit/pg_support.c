// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The throwaway cluster of the PostgreSQL unit programs and their small
 * helpers (pg_support.h).  The cluster's directory is a static, so that
 * the exit handler and the signal handlers can stop it; only the process
 * that started it stops it, or its watchdog when it died another way.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pg_support.h"
#include "tap.h"

static char cluster_dir[64];
static pid_t cluster_owner;
/* The write end of the watchdog's pipe (-1: none). */
static int watchdog_fd = -1;

bool pgt_node_open(struct store *st, uint64_t ino)
{
	return false;
}

static void hook_hist_gone(struct store *st, int64_t space, uint64_t hdir)
{
}

const struct meta_hooks pgt_hooks = {
	.node_open = pgt_node_open,
	.hist_gone = hook_hist_gone,
};

static const char *script(void)
{
	const char *s = getenv("GROUPFS_PG_CLUSTER");

	return s ? s : "tests/pg/cluster.sh";
}

static int stop_cmd(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s stop %s", script(), cluster_dir);
	return system(cmd);
}

void pgt_cluster_stop(void)
{
	if (!cluster_dir[0] || getpid() != cluster_owner)
		return;
	if (stop_cmd() != 0)
		diag("could not stop the cluster in %s", cluster_dir);
	cluster_dir[0] = '\0';
	/* Stopped: the watchdog goes without doing anything. */
	if (watchdog_fd >= 0) {
		if (write(watchdog_fd, "x", 1) != 1)
			diag("watchdog: %m");
		close(watchdog_fd);
		watchdog_fd = -1;
	}
}

/* A test that dies where no handler runs (SIGKILL; UBSan's and ASan's
 * reports end with _exit) leaves no server behind either: a child
 * process waits on a pipe whose only writer is the test, and stops the
 * cluster when the pipe ends without the word that the test did. */
static void watchdog(void)
{
	int fds[2], null;
	ssize_t n;
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid > 0) {
		close(fds[0]);
		watchdog_fd = fds[1];
		return;
	}
	close(fds[1]);
	/* Not the test's TAP output, and not stopped with it by a signal
	 * the test handles itself. */
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	while ((n = read(fds[0], &c, 1)) < 0 && errno == EINTR)
		;
	if (n == 0)
		stop_cmd();
	_exit(0);
}

static void on_signal(int sig)
{
	pgt_cluster_stop();
	_exit(128 + sig);
}

int pgt_cluster_start(char *conninfo, size_t size)
{
	char cmd[512];
	sigset_t stops, old;
	FILE *p;
	int status = -1;
	size_t n;

	conninfo[0] = '\0';
	snprintf(cluster_dir, sizeof(cluster_dir), "/tmp/gfspg.XXXXXX");
	if (!mkdtemp(cluster_dir)) {
		diag("mkdtemp %s: %m", cluster_dir);
		cluster_dir[0] = '\0';
		return 1;
	}
	cluster_owner = getpid();
	atexit(pgt_cluster_stop);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	/* Nor one whose reader went (meson test killed: its TAP pipe). */
	signal(SIGPIPE, on_signal);
	/* A test that crashes leaves no server behind either. */
	signal(SIGSEGV, on_signal);
	signal(SIGABRT, on_signal);
	/*
	 * A stop while cluster.sh starts the server would race it (the
	 * server could come up in a directory just removed): SIGINT,
	 * SIGTERM and SIGHUP wait until the start is over (cluster.sh
	 * inherits the mask and leaves nothing behind on failure; the
	 * server unblocks them), then stop what it started.
	 */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &old);
	snprintf(cmd, sizeof(cmd), "%s start %s", script(), cluster_dir);
	p = popen(cmd, "r");
	if (p) {
		n = fread(conninfo, 1, size - 1, p);
		conninfo[n] = '\0';
		conninfo[strcspn(conninfo, "\n")] = '\0';
		status = pclose(p);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!p)
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		watchdog();
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		rmdir(cluster_dir);
		cluster_dir[0] = '\0';
		printf("1..0 # SKIP no PostgreSQL server binaries "
		       "(Debian: postgresql)\n");
		return 77;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int pgt_setup(struct store *st, char *conninfo, size_t size)
{
	bool fresh;
	int rc = pgt_cluster_start(conninfo, size);

	if (rc == 77)
		return 77;
	if (!ok(rc == 0, "a throwaway cluster starts: %s", conninfo) ||
	    !is_errno(pg_open(st, conninfo, false, true), 0, "connect: %s",
		      st->errmsg) ||
	    !is_errno(pg_begin(st, true), 0, "begin") ||
	    !is_errno(pg_migrate(st, &fresh), 0, "migrate: %s", st->errmsg))
		return 1;
	return 0;
}

int64_t pgt_node(struct store *st, int64_t space, bool dir, int64_t size)
{
	int64_t id = 0;

	if (pg_int(st, &id,
		   "INSERT INTO node (space_id, tool, mode, size, atime,"
		   " mtime, ctime) VALUES ($1, 1, $2, $3, 0, 0, 0)"
		   " RETURNING id",
		   "iii", space, (int64_t)(dir ? 040755 : 0100644), size))
		diag("node: %s", st->errmsg);
	return id;
}

int64_t pgt_one(struct store *st, const char *sql, int64_t arg)
{
	int64_t v = -999;
	int rc = strstr(sql, "$1") ? pg_int(st, &v, sql, "i", arg)
				   : pg_int(st, &v, sql, "");

	if (rc)
		diag("%s: %s", sql, st->errmsg);
	return v;
}
