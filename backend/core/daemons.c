// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemons serving a store, as the other processes see them.
 *
 * Each daemon holds a shared flock on db/daemons.lock while it serves, so a
 * starting daemon knows whether another one may hold unlinked files open.
 *
 * Each daemon marks the items it holds open with a read lock on byte `ino`
 * of db/open.lock (an open file description lock: the kernel drops it with
 * the process, crash or not), so that a final unlink elsewhere keeps the
 * item, nameless, for that daemon's descriptors (SPEC: an unlinked open file
 * stays readable), and the daemon frees it at its last close.  Every
 * process also marks them through the engine (meta_node_hold), for the
 * processes of other machines, which cannot see this one's open.lock
 * (PostgreSQL: session advisory locks), and open_elsewhere asks it too.
 *
 * Each daemon also keeps a record in the store, by process id and origin
 * (meta_daemon_ack), with how far it has applied the journal (its kernel
 * caches dropped).  A process that changes rights or membership (groupctl)
 * waits, after its commit, until every live daemon has applied the
 * change: SPEC's "a removed member loses all access at once (open files
 * included: their next operation fails)" then holds for the very next
 * read, which the kernel's page cache would otherwise answer for up to one
 * poll of the journal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define DAEMONS_LOCK "db/daemons.lock"
#define OPEN_LOCK "db/open.lock"
/* How long a writer of rights waits for the daemons, at most: a daemon
 * confirms within one poll of the journal (100 ms) when it runs, and may
 * need seconds on a machine whose disk or CPU is saturated; a stopped or
 * hung one is reported.  GROUPFS_RIGHTS_WAIT (milliseconds) overrides. */
#define WAIT_MS 10000

static int wait_ms(void)
{
	const char *v = getenv("GROUPFS_RIGHTS_WAIT");
	char *end;
	long ms;

	if (!v || !*v)
		return WAIT_MS;
	ms = strtol(v, &end, 10);
	return *end || ms < 0 || ms > 3600 * 1000 ? WAIT_MS : (int)ms;
}

int daemons_join(struct store *st, bool *alone)
{
	char path[4096];
	int fd, rc = 0;

	*alone = false;
	if (st->sh->daemons_fd >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", st->sh->dir, DAEMONS_LOCK);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660);
	if (fd < 0)
		return store_fail(st, -errno, "cannot open %s: %s", path,
				  strerror(errno));
	/* Exclusive for a moment: no other daemon serves.  flock() locks
	 * belong to the open file, so the share survives the daemon's fork. */
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		*alone = true;
	else if (errno != EWOULDBLOCK)
		rc = store_fail(st, -errno, "cannot lock %s: %s", path,
				strerror(errno));
	if (rc == 0 && flock(fd, LOCK_SH) != 0)
		rc = store_fail(st, -errno, "cannot lock %s: %s", path,
				strerror(errno));
	if (rc) {
		close(fd);
		return rc;
	}
	st->sh->daemons_fd = fd;
	/* Made by root, the lock files still belong to the store's owner:
	 * a set-user-id groupctl must read them. */
	if (geteuid() == 0 && fchown(fd, st->sh->owner_uid, (gid_t)-1) != 0)
		store_log(st, STORE_LOG_WARNING, "cannot give %s to the store's "
			  "owner: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", st->sh->dir, OPEN_LOCK);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660);
	if (fd < 0)
		return store_fail(st, -errno, "cannot open %s: %s", path,
				  strerror(errno));
	if (geteuid() == 0 && fchown(fd, st->sh->owner_uid, (gid_t)-1) != 0)
		store_log(st, STORE_LOG_WARNING, "cannot give %s to the store's "
			  "owner: %s", path, strerror(errno));
	pthread_mutex_lock(&st->sh->lock);
	if (st->sh->open_fd < 0)
		st->sh->open_fd = fd;
	else
		close(fd);
	pthread_mutex_unlock(&st->sh->lock);
	return 0;
}

static void byte_lock(struct flock *l, short type, uint64_t ino)
{
	memset(l, 0, sizeof(*l));
	l->l_type = type;
	l->l_whence = SEEK_SET;
	l->l_start = (off_t)(ino & INT64_MAX);
	l->l_len = 1;
}

void open_mark(struct store *st, uint64_t ino, bool open)
{
	struct flock l;
	int rc;

	/* For other machines (an engine they share: PostgreSQL), in every
	 * process: history's triggers ask the engine, not open.lock. */
	rc = meta_node_hold(st, (int64_t)ino, open);
	if (rc)
		store_log(st, STORE_LOG_WARNING, "item %llu held open: %s",
			  (unsigned long long)ino, strerror(-rc));
	if (st->sh->daemons_fd < 0 || st->sh->open_fd < 0)
		return;
	byte_lock(&l, open ? F_RDLCK : F_UNLCK, ino);
	if (fcntl(st->sh->open_fd, F_OFD_SETLK, &l) != 0)
		store_log(st, STORE_LOG_WARNING, "open.lock: item %llu: %s",
			  (unsigned long long)ino, strerror(errno));
}

/* Whether a process on any machine holds `ino` open (meta_node_hold);
 * true when that cannot be known. */
static bool held_by_engine(struct store *st, uint64_t ino)
{
	bool held = true;

	return meta_node_held(st, (int64_t)ino, &held) != 0 || held;
}

bool open_elsewhere(struct store *st, uint64_t ino)
{
	struct shared *sh = st->sh;
	struct flock l;
	char path[4096];
	int fd;

	pthread_mutex_lock(&sh->lock);
	if (sh->open_fd < 0) {
		snprintf(path, sizeof(path), "%s/%s", sh->dir, OPEN_LOCK);
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno == EACCES)
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			int e = errno;

			pthread_mutex_unlock(&sh->lock);
			/* No daemon ever served this store from this machine:
			 * none here holds it. */
			return e != ENOENT || held_by_engine(st, ino);
		}
		sh->open_fd = fd;
	}
	pthread_mutex_unlock(&sh->lock);
	byte_lock(&l, F_WRLCK, ino);
	if (fcntl(sh->open_fd, F_OFD_GETLK, &l) != 0)
		return true;
	if (l.l_type != F_UNLCK)
		return true;
	return held_by_engine(st, ino);
}

int store_fs_ack(struct store *st, uint64_t cursor)
{
	int rc;

	rc = txn_begin(st);
	if (rc == 0)
		rc = meta_daemon_ack(st, (int64_t)getpid(), st->sh->origin,
				     (int64_t)cursor);
	return txn_end(st, rc);
}

void store_fs_leave(struct store *st)
{
	int rc;

	rc = txn_begin(st);
	if (rc == 0)
		rc = meta_daemon_leave(st, (int64_t)getpid(), st->sh->origin);
	txn_end(st, rc);
}

/* A row's daemon still runs (a killed one leaves its row behind). */
static bool row_alive(int64_t pid)
{
	if (pid <= 0)
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* Whether a recorded daemon runs: the engine knows when daemons may run
 * on other machines (a process id is only this machine's); else the
 * kernel tells. */
static bool daemon_runs(const struct meta_daemon *d)
{
	return d->alive > 0 || (d->alive < 0 && row_alive(d->pid));
}

/* Live daemons that have not applied the journal up to seq. */
static int behind(struct store *st, int64_t seq, int *count)
{
	struct meta_daemon *d;
	size_t i, n;
	int rc;

	*count = 0;
	rc = meta_daemon_behind(st, seq, &d, &n);
	if (rc)
		return rc;
	for (i = 0; i < n; i++)
		if (daemon_runs(&d[i]))
			(*count)++;
	free(d);
	return 0;
}

bool daemons_other(struct store *st)
{
	struct meta_daemon *d;
	bool other = false;
	size_t i, n;

	if (meta_daemon_behind(st, INT64_MAX, &d, &n) != 0)
		return true;
	for (i = 0; i < n && !other; i++)
		other = d[i].origin != st->sh->origin && daemon_runs(&d[i]);
	free(d);
	return other;
}

void daemons_wait(struct store *st)
{
	struct timespec pause = {0, 5 * 1000000L};
	int64_t seq = 0;
	int waited, limit = wait_ms(), n = 0;

	if (st->sh->daemons_fd >= 0)
		return; /* a daemon never waits on the others */
	/* Our own last change: a daemon's cursor moves over the rows of
	 * others only, and may stop short of rows that came after ours. */
	if (meta_journal_last_of(st, st->sh->origin, &seq) != 0)
		return;
	for (waited = 0;; waited += 5) {
		if (behind(st, seq, &n) != 0 || n == 0)
			return;
		if (waited >= limit)
			break;
		nanosleep(&pause, NULL);
	}
	store_log(st, STORE_LOG_WARNING,
		  "%d mount(s) of this store did not confirm a change of "
		  "rights within %d ms: their kernel caches may answer "
		  "from before it until they do",
		  n, limit);
}
