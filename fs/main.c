// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupfs: mounts a groupfs store.  This file owns the command line (the
 * standard libfuse options plus ours, also as -o options for mount(8) and
 * fstab), opening the store, the session and its signal handlers, the
 * readiness signal and logging (stderr in the foreground, syslog
 * otherwise, or a log file, reopened on SIGUSR1).  Requests are served by
 * loop.c.
 *
 *   groupfs [options] STORE MOUNTPOINT
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "groupfs.h"

#ifndef GROUPFS_VERSION
#define GROUPFS_VERSION "unknown"
#endif

struct options {
	char *store;
	char *as;
	char *passphrase_file;
	char *log_file;
	int ready_fd;
	int allow_other;
	int show_help;
	int show_version;
	int nonopts;
	double timeout;
	int commit_ms;
	int no_uring;
	int read_ahead;	      /* KiB; 0: the kernel's own */
	int read_ahead_given; /* else by the transport (FS_READAHEAD*) */
};

enum { KEY_HELP, KEY_VERSION, KEY_ALLOW_OTHER };

#define OPT(t, p) {t, offsetof(struct options, p), 1}
static const struct fuse_opt opt_spec[] = {
	OPT("--as=%s", as),
	OPT("as=%s", as),
	OPT("--passphrase-file=%s", passphrase_file),
	OPT("passphrase_file=%s", passphrase_file),
	OPT("--ready-fd=%d", ready_fd),
	OPT("--log-file=%s", log_file),
	OPT("log_file=%s", log_file),
	OPT("cache_timeout=%lf", timeout),
	OPT("commit_ms=%d", commit_ms),
	OPT("no_uring", no_uring),
	OPT("read_ahead=%d", read_ahead),
	OPT("read_ahead=", read_ahead_given),
	FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END,
};

static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *outargs)
{
	struct options *o = data;

	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		/* The first bare argument is the store; the mount point goes
		 * on to libfuse. */
		if (o->nonopts++ == 0) {
			o->store = strdup(arg);
			return 0;
		}
		return 1;
	case KEY_ALLOW_OTHER:
		o->allow_other = 1;
		return 1;
	case KEY_HELP:
		o->show_help = 1;
		return 0;
	case KEY_VERSION:
		o->show_version = 1;
		return 0;
	}
	return 1;
}

static void usage(const char *prog)
{
	printf("usage: %s [options] STORE MOUNTPOINT\n\n"
	       "Mount the groups of a groupfs store.\n\n"
	       "groupfs options:\n"
	       "    --as=ACCOUNT           serve one account (store operator "
	       "only; -o as=ACCOUNT)\n"
	       "    --passphrase-file=F    read the store's passphrase from F "
	       "('-': stdin;\n"
	       "                           -o passphrase_file=F)\n"
	       "    --ready-fd=N           write \"ready\\n\" to fd N once "
	       "mounted\n"
	       "    --log-file=PATH        log there, not to syslog or stderr "
	       "(-o log_file=PATH;\n"
	       "                           SIGUSR1 reopens it)\n"
	       "    -o cache_timeout=T     seconds the kernel may cache "
	       "entries,\n"
	       "                           attributes and listings "
	       "(default 1)\n"
	       "    -o commit_ms=N         group commit: changes of up to N "
	       "ms share one\n"
	       "                           commit (default 5; 0: one commit "
	       "per change)\n"
	       "    -o no_uring            requests through /dev/fuse even "
	       "where the kernel\n"
	       "                           offers FUSE over io_uring\n"
	       "    -o read_ahead=KIB      the kernel's readahead for the "
	       "mount, when root\n"
	       "                           (default 4096, 1024 over "
	       "io_uring; 0: the\n"
	       "                           kernel's own, 128)\n"

	       "    -h, --help             this help\n"
	       "    -V, --version          the version\n\n"
	       "See groupfs(8).  FUSE options:\n",
	       prog);
	fuse_cmdline_help();
	printf("    (groupfs runs its own request loop: max_threads sets its "
	       "threads;\n     clone_fd and max_idle_threads have no effect)\n");
	fuse_lowlevel_help();
}

static bool log_syslog;
static int log_fd = -1; /* -o log_file: one write(2) per line, appended */
static char *log_path;	/* its absolute path, for reopen_log */

/*
 * SIGUSR1: the log file again by its name, so that it can be rotated
 * (renamed, then SIGUSR1).  dup3() puts the new file behind the same
 * descriptor at once: a line written meanwhile goes whole to the old file
 * or to the new one.  open, dup3 and close are async-signal-safe.
 */
static void reopen_log(int sig)
{
	int saved = errno, fd;

	(void)sig;
	if (log_fd < 0 || !log_path)
		return;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd >= 0) {
		if (dup3(fd, log_fd, O_CLOEXEC) < 0) {
			/* The old file stays. */
		}
		close(fd);
	}
	errno = saved;
}

/* The log file's path as an absolute one: the daemon leaves its working
 * directory, and reopens the file by name. */
static char *absolute(const char *path)
{
	char *cwd, *p = NULL;

	if (path[0] == '/')
		return strdup(path);
	cwd = get_current_dir_name();
	if (!cwd || asprintf(&p, "%s/%s", cwd, path) < 0)
		p = NULL;
	free(cwd);
	return p;
}

/* msg with control characters (a newline in a name a user chose would
 * forge a log line) written as \xNN, into buf. */
static const char *escape_line(const char *msg, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)msg; *p && o + 5 < len; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		} else {
			buf[o++] = (char)*p;
		}
	}
	buf[o] = '\0';
	return buf;
}

void fs_log(void *arg, enum store_log_level level, const char *raw)
{
	char msg[1024];

	(void)arg;
	escape_line(raw, msg, sizeof(msg));
	if (log_fd >= 0) {
		char line[1200], stamp[32];
		struct tm tm;
		time_t now = time(NULL);
		int n;

		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S",
			 localtime_r(&now, &tm));
		n = snprintf(line, sizeof(line), "%s groupfs[%ld]: %s%s\n",
			     stamp, (long)getpid(),
			     level == STORE_LOG_ERR	  ? "error: "
			     : level == STORE_LOG_WARNING ? "warning: "
							  : "",
			     msg);
		if (n > (int)sizeof(line) - 1) {
			/* Cut, but still one line. */
			n = (int)sizeof(line) - 1;
			line[n - 1] = '\n';
		}
		if (n > 0 && write(log_fd, line, (size_t)n) < 0) {
			/* Nowhere left to say it. */
		}
		return;
	}
	if (log_syslog)
		syslog(level == STORE_LOG_ERR       ? LOG_ERR
		       : level == STORE_LOG_WARNING ? LOG_WARNING
						    : LOG_INFO,
		       "%s", msg);
	else
		fprintf(stderr, "groupfs: %s\n", msg);
}

static void close_store(void *p)
{
	store_close(p);
}

struct store *fs_store_open(struct fs *fs)
{
	struct store *st;

	if (store_clone(fs->base, &st) != 0)
		return NULL;
	store_set_logger(st, fs_log, NULL);
	return st;
}

/* The passphrase, from a file or standard input ('-'): its first line. */
static int read_passphrase(const char *path, char *buf, size_t len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	size_t n;

	if (!f) {
		fprintf(stderr, "groupfs: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	if (f != stdin)
		fclose(f);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

static int open_store(struct fs *fs, const struct options *o)
{
	char pass[1024] = "", err[512];
	bool wrapped = false;
	struct store_caller c;
	int rc;

	if (store_key_is_wrapped(o->store, &wrapped) == 0 && wrapped) {
		if (!o->passphrase_file) {
			fprintf(stderr, "groupfs: %s: the master key is wrapped; "
					"give --passphrase-file\n",
				o->store);
			return -1;
		}
		if (read_passphrase(o->passphrase_file, pass, sizeof(pass)))
			return -1;
	}
	rc = store_open(o->store, STORE_OPEN_FAST_COMMIT, NULL, 0, &fs->base,
			err, sizeof(err));
	if (rc) {
		explicit_bzero(pass, sizeof(pass));
		fprintf(stderr, "groupfs: %s\n", err);
		return -1;
	}
	store_set_logger(fs->base, fs_log, NULL);
	/* Who is served first: a refusal of --as says so, not "key". */
	if (o->as) {
		rc = store_caller_for_uid(fs->base, getuid(), o->as, &c);
		if (rc) {
			explicit_bzero(pass, sizeof(pass));
			fprintf(stderr, "groupfs: %s\n", store_errmsg(fs->base));
			return -1;
		}
		fs->have_as = true;
		fs->as = c;
	}
	rc = store_load_key(fs->base, wrapped ? pass : NULL, strlen(pass));
	explicit_bzero(pass, sizeof(pass));
	if (rc) {
		fprintf(stderr, "groupfs: %s\n", store_errmsg(fs->base));
		return -1;
	}
	rc = store_fs_recover(fs->base);
	if (rc) {
		fprintf(stderr, "groupfs: recovery failed: %s\n",
			store_errmsg(fs->base));
		return -1;
	}
	return 0;
}

/* mount(8) shows "STORE on MOUNTPOINT type fuse.groupfs". */
static int add_name_opts(struct fuse_args *args, const char *store)
{
	char *real = realpath(store, NULL);
	char *opt = NULL;
	size_t i, n = 0;
	int rc;

	if (!real)
		return -1;
	opt = malloc(strlen(real) * 2 + 32);
	if (!opt) {
		free(real);
		return -1;
	}
	n = (size_t)sprintf(opt, "-osubtype=groupfs,fsname=");
	for (i = 0; real[i]; i++) {
		if (real[i] == ',' || real[i] == '\\')
			opt[n++] = '\\';
		opt[n++] = real[i];
	}
	opt[n] = '\0';
	rc = fuse_opt_add_arg(args, opt);
	free(opt);
	free(real);
	return rc;
}

static void signal_ready(int fd)
{
	if (fd <= 0)
		return;
	if (write(fd, "ready\n", 6) != 6)
		fprintf(stderr, "groupfs: readiness fd %d: %s\n", fd,
			strerror(errno));
	close(fd);
}

/* Accept "--as ACCOUNT" as well as "--as=ACCOUNT" (fuse_opt knows only
 * the second form for long options). */
static int join_long_options(int argc, char *argv[], struct fuse_args *out)
{
	static const char *const joined[] = {"--as", "--passphrase-file",
					     "--ready-fd", "--log-file"};
	int i;
	size_t k;

	for (i = 0; i < argc; i++) {
		char buf[4096];
		bool done = false;

		for (k = 0; k < sizeof(joined) / sizeof(joined[0]); k++) {
			if (strcmp(argv[i], joined[k]) != 0 || i + 1 >= argc)
				continue;
			snprintf(buf, sizeof(buf), "%s=%s", argv[i], argv[i + 1]);
			if (fuse_opt_add_arg(out, buf) != 0)
				return -1;
			i++;
			done = true;
			break;
		}
		if (!done && fuse_opt_add_arg(out, argv[i]) != 0)
			return -1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct options o = {.timeout = 1.0, .commit_ms = 5};
	struct fuse_cmdline_opts cl = {0};
	struct fs fs = {0};
	bool key_made = false, mounted = false, signals = false;
	unsigned threads;
	int ret = 1;

	if (join_long_options(argc, argv, &args) != 0 ||
	    fuse_opt_parse(&args, &o, opt_spec, opt_proc) != 0)
		goto out_args;
	if (o.show_version) {
		printf("groupfs %s (FUSE %s)\n", GROUPFS_VERSION,
		       fuse_pkgversion());
		ret = 0;
		goto out_args;
	}
	if (o.show_help) {
		usage(argv[0]);
		ret = 0;
		goto out_args;
	}
	if (fuse_parse_cmdline(&args, &cl) != 0)
		goto out_args;
	if (o.store) {
		/* The daemon leaves its working directory (chdir "/"). */
		char *abs = realpath(o.store, NULL);

		if (abs) {
			free(o.store);
			o.store = abs;
		}
	}
	if (!o.store || !cl.mountpoint) {
		fprintf(stderr, "usage: %s [options] STORE MOUNTPOINT "
				"(see --help)\n",
			argv[0]);
		ret = 2;
		goto out_cl;
	}
	fs.timeout = o.timeout;
	if (o.commit_ms < 0 || o.commit_ms > 1000) {
		fprintf(stderr, "groupfs: commit_ms must be 0 to 1000\n");
		ret = 2;
		goto out_cl;
	}
	if (o.read_ahead < 0 || o.read_ahead > 65536) {
		fprintf(stderr, "groupfs: read_ahead must be 0 to 65536 "
				"(KiB)\n");
		ret = 2;
		goto out_cl;
	}
	/* -s: one worker; otherwise libfuse's max_threads (10 unless
	 * -o max_threads=N says otherwise). */
	threads = cl.singlethread ? 1 : cl.max_threads;
	fs.batch.ms = o.commit_ms;
	fs.no_uring = o.no_uring;
	if (o.read_ahead_given)
		fs.read_ahead = (unsigned)o.read_ahead * 1024;
	else if (fs_uring_wanted(&fs, threads))
		fs.read_ahead = FS_READAHEAD;
	else
		fs.read_ahead = FS_READAHEAD_DEV;
	fs.uid = getuid();
	fs.gid = getgid();
	if (open_store(&fs, &o))
		goto out_store;
	/* Without allow_other only the mounting user can enter the mount:
	 * it serves one account, like --as. */
	fs.single = fs.have_as || !o.allow_other;
	if (pthread_key_create(&fs.store_key, close_store) != 0)
		goto out_store;
	key_made = true;
	fs.known = fs_known_new();
	if (!fs.known)
		goto out_store;
	pthread_mutex_init(&fs.listed.lock, NULL);
	if (add_name_opts(&args, o.store) != 0)
		goto out_store;
	fs.se = fuse_session_new(&args, &fs_ops, sizeof(fs_ops), &fs);
	if (!fs.se)
		goto out_store;
	if (fuse_set_signal_handlers(fs.se) != 0)
		goto out_session;
	signals = true;
	if (fuse_session_mount(fs.se, cl.mountpoint) != 0)
		goto out_session;
	mounted = true;
	log_syslog = !cl.foreground;
	if (log_syslog)
		openlog("groupfs", LOG_PID, LOG_DAEMON);
	if (o.log_file) {
		log_path = absolute(o.log_file);
		log_fd = open(o.log_file,
			      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (!log_path || log_fd < 0) {
			fprintf(stderr, "groupfs: %s: %s\n", o.log_file,
				strerror(log_path ? errno : ENOMEM));
			goto out_session;
		}
	}
	{
		/* Installed without a log file too: SIGUSR1 never kills a
		 * daemon that a logrotate script signals. */
		struct sigaction sa = {.sa_handler = reopen_log,
				       .sa_flags = SA_RESTART};

		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, NULL);
	}
	/* In the background the log goes to syslog, through /dev/log: on a
	 * machine without it, nothing would ever say why a request was
	 * refused.  Said while standard error is still the starter's. */
	if (!cl.foreground && !o.log_file && access("/dev/log", F_OK) != 0)
		fprintf(stderr, "groupfs: warning: there is no /dev/log: in "
				"the background nothing will be logged; give "
				"-o log_file=PATH (or -f)\n");
	fs_read_ahead(&fs, cl.mountpoint);
	/* Every connection is opened after the fork, when a request or a
	 * thread first needs it (see store_detach, loop.c). */
	store_detach(fs.base);
	if (fuse_daemonize(cl.foreground) != 0)
		goto out_session;
	/* The threads started from here on leave the end signals to this
	 * one, which waits for them in fs_loop. */
	fs_block_end_signals(true);
	if (fs_notify_start(&fs) != 0)
		goto out_session;
	signal_ready(o.ready_fd);
	ret = fs_loop(&fs, threads);
	if (ret) {
		char msg[96];

		snprintf(msg, sizeof(msg), "reading requests failed: %s",
			 strerror(-ret));
		fs_log(NULL, STORE_LOG_ERR, msg);
	}
	ret = ret != 0;
	{
		/* Every worker is gone: what the kernel left open. */
		struct store *st = fs_store(&fs);
		size_t n = st ? store_fs_release_all(st) : 0;
		char msg[96];

		if (n) {
			snprintf(msg, sizeof(msg),
				 "released %zu file(s) still open at unmount",
				 n);
			fs_log(NULL, STORE_LOG_INFO, msg);
		}
	}
	fs_notify_stop(&fs);
out_session:
	if (mounted)
		fuse_session_unmount(fs.se);
	if (signals)
		fuse_remove_signal_handlers(fs.se);
	fuse_session_destroy(fs.se);
	fs_uring_free(fs.uring);
out_store:
	fs_known_free(fs.known);
	if (key_made) {
		/* The main thread's handle, if the single-threaded loop or
		 * the notify thread's setup made one. */
		store_close(pthread_getspecific(fs.store_key));
		pthread_setspecific(fs.store_key, NULL);
	}
	store_close(fs.base);
out_cl:
	free(cl.mountpoint);
out_args:
	fuse_opt_free_args(&args);
	free(o.store);
	free(o.as);
	free(o.passphrase_file);
	free(o.log_file);
	signal(SIGUSR1, SIG_IGN); /* reopen_log no more */
	if (log_fd >= 0)
		close(log_fd);
	free(log_path);
	return ret;
}
