// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupfs-web STORE --listen ADDR:PORT [--base-url URL]
 *             [--tls-cert F --tls-key F] [-f] [--log-file F] ...
 *
 * The daemon of public links: opens the store as its operator, records the
 * base URL that groupctl prints links under, starts libmicrohttpd with a
 * pool of threads (each its own store handle, opened after the fork, as
 * store_detach requires) and serves until SIGTERM, SIGINT or SIGHUP.  In
 * the background it logs to syslog; with -f to stderr; --log-file
 * appends to a file either way.  The parent of a background daemon
 * returns once the daemon listens, printing where.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "web.h"

#ifndef GROUPFS_VERSION
#define GROUPFS_VERSION "unknown"
#endif

/* Limits against one client taking the server down: see start(). */
#define PER_IP_LIMIT	   32
#define CONNECTION_TIMEOUT 20
#define CONNECTION_MAX	   4000

struct options {
	const char *store;
	const char *listen;
	const char *base_url;
	const char *tls_cert, *tls_key;
	const char *passphrase_file;
	const char *log_file;
	const char *pid_file;
	const char *mime_types;
	unsigned threads;
	unsigned per_ip; /* connections from one address; 0: no limit */
	bool foreground;
};

static struct store *base;
static pthread_key_t store_key;
static bool log_syslog;
static int log_fd = -1;
static bool log_stderr = true;

static void close_store(void *p)
{
	store_close(p);
}

void web_log(int priority, const char *fmt, ...)
{
	char line[1024], stamp[64];
	struct tm tm;
	time_t now;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_syslog)
		syslog(priority, "%s", line);
	if (log_fd >= 0) {
		char out[1200];

		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm);
		n = snprintf(out, sizeof(out), "%s groupfs-web[%d]: %s\n",
			     stamp, (int)getpid(), line);
		/* One write per line: lines of threads never interleave. */
		if (n > 0 &&
		    write(log_fd, out,
			  (size_t)n < sizeof(out) ? (size_t)n
						  : sizeof(out) - 1) < 0)
			log_stderr = true;
	}
	if (log_stderr && !log_syslog)
		fprintf(stderr, "groupfs-web: %s\n", line);
}

static void backend_log(void *arg, enum store_log_level level, const char *msg)
{
	web_log(level == STORE_LOG_ERR	     ? LOG_ERR
		: level == STORE_LOG_WARNING ? LOG_WARNING
					     : LOG_INFO,
		"%s", msg);
}

/*
 * libmicrohttpd's own messages: mostly one per connection a client drops
 * half-way ("closed with incomplete request", timeouts, limits), which a
 * single client can make by the thousand.  At most MHD_LOG_BURST a minute
 * reach the log, then one line saying how many were left out.  Each one
 * is shown to serve.c first: the status of an error answer the library
 * sends itself goes in that request's access line, whatever the limit.
 */
#define MHD_LOG_BURST 10

static pthread_mutex_t mhd_log_lock = PTHREAD_MUTEX_INITIALIZER;

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	static time_t window;
	static unsigned logged, dropped;
	char line[512];
	unsigned was_dropped = 0;
	bool show;
	time_t now = time(NULL);
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	web_library_message(line);
	pthread_mutex_lock(&mhd_log_lock);
	if (now - window >= 60) {
		was_dropped = dropped;
		window = now;
		logged = dropped = 0;
	}
	show = logged < MHD_LOG_BURST;
	if (show)
		logged++;
	else
		dropped++;
	pthread_mutex_unlock(&mhd_log_lock);
	if (was_dropped)
		web_log(LOG_WARNING,
			"%u more connection messages left out in a minute",
			was_dropped);
	if (!show)
		return;
	web_log(LOG_WARNING, "%s", line);
}

struct store *web_store(void)
{
	struct store *st = pthread_getspecific(store_key);

	if (st)
		return st;
	if (store_clone(base, &st) != 0)
		return NULL;
	store_set_logger(st, backend_log, NULL);
	pthread_setspecific(store_key, st);
	return st;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: groupfs-web STORE [--listen ADDR:PORT] [options]\n"
		"Serve the public links of a groupfs store over HTTP/1.1, "
		"read-only.\n\n"
		"  -l, --listen ADDR:PORT  where to listen (default "
		"localhost:8080; [::1]:8080 for IPv6;\n"
		"                          :PORT for every address; port 0 "
		"picks a free one)\n"
		"  -b, --base-url URL      the URL clients reach this server "
		"at, recorded in the\n"
		"                          store: groupctl link create prints "
		"links under it\n"
		"      --tls-cert FILE     serve HTTPS with this certificate "
		"(PEM) ...\n"
		"      --tls-key FILE      ... and its private key (PEM)\n"
		"      --passphrase-file F the passphrase of a wrapped master "
		"key\n"
		"  -t, --threads N         threads serving requests (default "
		"8)\n"
		"      --per-ip-limit N    connections from one address at "
		"once (default 32;\n"
		"                          0: no limit)\n"
		"  -f, --foreground        stay in the foreground, log to "
		"stderr\n"
		"      --log-file FILE     also append the log to FILE\n"
		"      --pid-file FILE     write the daemon's process id to "
		"FILE\n"
		"      --mime-types FILE   file types (default "
		"/etc/mime.types)\n"
		"  -h, --help              print this help\n"
		"  -V, --version           print the version\n"
		"See groupfs-web(8).\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{"listen", required_argument, NULL, 'l'},
		{"base-url", required_argument, NULL, 'b'},
		{"tls-cert", required_argument, NULL, 'c'},
		{"tls-key", required_argument, NULL, 'k'},
		{"passphrase-file", required_argument, NULL, 'p'},
		{"threads", required_argument, NULL, 't'},
		{"foreground", no_argument, NULL, 'f'},
		{"log-file", required_argument, NULL, 'L'},
		{"pid-file", required_argument, NULL, 'P'},
		{"mime-types", required_argument, NULL, 'M'},
		{"per-ip-limit", required_argument, NULL, 'I'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	long v;
	int c;

	o->listen = "localhost:8080";
	o->threads = 8;
	o->per_ip = PER_IP_LIMIT;
	o->mime_types = "/etc/mime.types";
	while ((c = getopt_long(argc, argv, "l:b:t:fhV", longs, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->listen = optarg;
			break;
		case 'b':
			o->base_url = optarg;
			break;
		case 'c':
			o->tls_cert = optarg;
			break;
		case 'k':
			o->tls_key = optarg;
			break;
		case 'p':
			o->passphrase_file = optarg;
			break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 1024) {
				fprintf(stderr, "groupfs-web: --threads: 1 to "
						"1024\n");
				return 2;
			}
			o->threads = (unsigned)v;
			break;
		case 'I':
			v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 65535) {
				fprintf(stderr, "groupfs-web: --per-ip-limit: "
						"0 to 65535\n");
				return 2;
			}
			o->per_ip = (unsigned)v;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'L':
			o->log_file = optarg;
			break;
		case 'P':
			o->pid_file = optarg;
			break;
		case 'M':
			o->mime_types = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("groupfs-web %s\n", GROUPFS_VERSION);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "groupfs-web: give one STORE\n");
		usage(stderr);
		return 2;
	}
	o->store = argv[optind];
	if (!o->tls_cert != !o->tls_key) {
		fprintf(stderr, "groupfs-web: --tls-cert and --tls-key go "
				"together\n");
		return 2;
	}
	return 0;
}

/* "host:port", "[v6]:port" or ":port" into an address to bind. */
static int resolve_listen(const char *spec, struct sockaddr_storage *ss,
			  socklen_t *len)
{
	struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	const char *colon = strrchr(spec, ':');
	char host[256];
	size_t n;
	int rc;

	if (!colon || !colon[1])
		return -1;
	n = (size_t)(colon - spec);
	if (n && spec[0] == '[' && spec[n - 1] == ']') {
		spec++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, spec, n);
	host[n] = '\0';
	rc = getaddrinfo(n ? host : NULL, colon + 1, &hints, &res);
	if (rc) {
		fprintf(stderr, "groupfs-web: %s: %s\n", spec,
			gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, len = 0, got;

	if (!f) {
		fprintf(stderr, "groupfs-web: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			char *p = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int open_store(const struct options *o)
{
	char pass[1024] = "", err[512];
	struct store_caller c = {0};
	bool wrapped = false;
	int rc;

	if (store_key_is_wrapped(o->store, &wrapped) == 0 && wrapped) {
		FILE *f;

		if (!o->passphrase_file) {
			fprintf(stderr,
				"groupfs-web: %s: the master key is "
				"wrapped; give --passphrase-file\n",
				o->store);
			return -1;
		}
		f = strcmp(o->passphrase_file, "-") == 0
			    ? stdin
			    : fopen(o->passphrase_file, "re");
		if (!f || !fgets(pass, sizeof(pass), f))
			pass[0] = '\0';
		if (f && f != stdin)
			fclose(f);
		pass[strcspn(pass, "\r\n")] = '\0';
	}
	rc = store_open(o->store, 0, NULL, 0, &base, err, sizeof(err));
	if (rc) {
		explicit_bzero(pass, sizeof(pass));
		fprintf(stderr, "groupfs-web: %s\n", err);
		return -1;
	}
	store_set_logger(base, backend_log, NULL);
	rc = store_caller_for_uid(base, getuid(), NULL, &c);
	if (rc == 0 && !c.operator)
		rc = -EPERM;
	if (rc) {
		explicit_bzero(pass, sizeof(pass));
		fprintf(stderr,
			"groupfs-web: %s: runs as the store's operator "
			"(its owner or root)\n",
			o->store);
		return -1;
	}
	rc = store_load_key(base, wrapped ? pass : NULL, strlen(pass));
	explicit_bzero(pass, sizeof(pass));
	if (rc) {
		fprintf(stderr, "groupfs-web: %s\n", store_errmsg(base));
		return -1;
	}
	if (o->base_url) {
		rc = store_link_set_base_url(base, &c, o->base_url);
		if (rc) {
			fprintf(stderr, "groupfs-web: %s\n",
				store_errmsg(base));
			return -1;
		}
	}
	/* A daemon among the store's daemons: an item it streams stays
	 * readable when its last name goes elsewhere. */
	rc = store_fs_recover(base);
	if (rc) {
		fprintf(stderr, "groupfs-web: %s\n", store_errmsg(base));
		return -1;
	}
	return 0;
}

/* The listening socket, made before privileges go (a port below 1024). */
static int listen_on(const struct sockaddr_storage *ss, socklen_t len,
		     const char *spec)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd >= 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
	    bind(fd, (const struct sockaddr *)ss, len) == 0 &&
	    listen(fd, 256) == 0)
		return fd;
	fprintf(stderr, "groupfs-web: cannot listen on %s: %s\n", spec,
		strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Started by root for a store that belongs to another user: become that
 * user, the store's operator, once the socket is bound and the TLS key
 * read; a network daemon keeps no more than it needs.  Anyone but root
 * and the store's owner is refused here, with the rule, rather than by
 * the store's files. */
static int become_operator(const char *store)
{
	struct passwd *pw;
	struct stat sb;

	if (stat(store, &sb) != 0) {
		fprintf(stderr, "groupfs-web: %s: %s\n", store,
			strerror(errno));
		return -1;
	}
	if (geteuid() != 0) {
		if (sb.st_uid == geteuid())
			return 0;
		pw = getpwuid(sb.st_uid);
		fprintf(stderr,
			"groupfs-web: %s: runs as the store's operator (its "
			"owner, %s, or root), not as uid %u\n",
			store, pw ? pw->pw_name : "?", (unsigned)geteuid());
		return -1;
	}
	if (sb.st_uid == 0)
		return 0;
	pw = getpwuid(sb.st_uid);
	if ((pw ? initgroups(pw->pw_name, sb.st_gid)
		: setgroups(1, &sb.st_gid)) != 0 ||
	    setgid(sb.st_gid) != 0 || setuid(sb.st_uid) != 0) {
		fprintf(stderr, "groupfs-web: cannot become uid %u: %s\n",
			(unsigned)sb.st_uid, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * One client must not take the server down: at most PER_IP_LIMIT
 * connections from one address, CONNECTION_TIMEOUT seconds of silence
 * before one is closed, and all of them together within the open files
 * this process may have (raised to its hard limit at start): each
 * connection is a socket and, while it downloads, an open file of the
 * store; the store's handles (one a thread) and the rest keep a reserve.
 * (PER_IP_LIMIT, CONNECTION_TIMEOUT and CONNECTION_MAX: at the top.)
 */

static unsigned connection_limit(unsigned threads)
{
	struct rlimit rl;
	rlim_t reserve = 64 + (rlim_t)threads * 16, n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 256;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit up = {rl.rlim_max, rl.rlim_max};

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	n = rl.rlim_cur == RLIM_INFINITY ? CONNECTION_MAX * 2 : rl.rlim_cur;
	n = n > reserve ? (n - reserve) / 2 : 0;
	if (n > CONNECTION_MAX)
		n = CONNECTION_MAX;
	if (n < 16)
		n = 16;
	return (unsigned)n;
}

static struct MHD_Daemon *start(const struct options *o, int lfd,
				const struct sockaddr_storage *ss,
				const char *cert, const char *key)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
			 MHD_USE_ERROR_LOG;
	unsigned limit = connection_limit(o->threads);

	if (limit < o->threads * 4)
		limit = o->threads * 4; /* MHD splits it among the threads */
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cert)
		flags |= MHD_USE_TLS;
	return MHD_start_daemon(
		flags, 0, NULL, NULL, web_handle, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, lfd, MHD_OPTION_THREAD_POOL_SIZE,
		o->threads, MHD_OPTION_URI_LOG_CALLBACK, web_request_begin,
		NULL, MHD_OPTION_NOTIFY_COMPLETED, web_completed, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, web_connection, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, web_unescape, NULL,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
		MHD_OPTION_CONNECTION_LIMIT, limit,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip,
		cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
		MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
}

/* The background daemon's parent: wait for "PORT" or an error on the
 * pipe and report it. */
static int parent_wait(int fd, const char *scheme, const char *host)
{
	char msg[600];
	ssize_t n = read(fd, msg, sizeof(msg) - 1);

	close(fd);
	if (n <= 0) {
		fprintf(stderr, "groupfs-web: the daemon did not start\n");
		return 1;
	}
	msg[n] = '\0';
	if (msg[0] != 'P') {
		fprintf(stderr, "groupfs-web: %s\n", msg + 1);
		return 1;
	}
	printf("groupfs-web: listening on %s://%s:%s/\n", scheme, host,
	       msg + 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {0};
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	struct MHD_Daemon *d = NULL;
	unsigned port = 0;
	int lfd = -1;
	char *cert = NULL, *key = NULL, host[256] = "";
	int pipefd[2] = {-1, -1}, ret = 1, sig, rc;
	sigset_t set;
	char msg[600];

	rc = parse_options(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (resolve_listen(o.listen, &ss, &sslen)) {
		fprintf(stderr, "groupfs-web: --listen %s: not ADDR:PORT\n",
			o.listen);
		return 2;
	}
	/* For the ready line's URL: an IPv6 address in brackets. */
	getnameinfo((struct sockaddr *)&ss, sslen, host + 1, sizeof(host) - 2,
		    NULL, 0, NI_NUMERICHOST);
	if (strchr(host + 1, ':')) {
		host[0] = '[';
		strcat(host, "]");
	} else {
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	if (o.tls_cert) {
		cert = read_text(o.tls_cert);
		key = cert ? read_text(o.tls_key) : NULL;
		if (!key)
			goto out;
	}
	lfd = listen_on(&ss, sslen, o.listen);
	if (lfd < 0 || become_operator(o.store))
		goto out;
	if (getsockname(lfd, (struct sockaddr *)&ss, &sslen) == 0)
		port = ntohs(ss.ss_family == AF_INET6
				     ? ((struct sockaddr_in6 *)&ss)->sin6_port
				     : ((struct sockaddr_in *)&ss)->sin_port);
	if (pthread_key_create(&store_key, close_store) != 0)
		goto out;
	if (open_store(&o))
		goto out_store;
	web_types_load(o.mime_types);
	if (o.log_file) {
		log_fd = open(o.log_file,
			      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (log_fd < 0) {
			fprintf(stderr, "groupfs-web: %s: %s\n", o.log_file,
				strerror(errno));
			goto out_store;
		}
	}
	/* Every connection is opened after the fork, by the thread that
	 * uses it. */
	store_detach(base);
	if (!o.foreground) {
		pid_t pid;

		if (pipe2(pipefd, O_CLOEXEC) != 0)
			goto out_store;
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			goto out_store;
		if (pid > 0) {
			close(pipefd[1]);
			ret = parent_wait(pipefd[0], cert ? "https" : "http",
					  host);
			/* The daemon owns the store now: nothing to undo. */
			fflush(NULL);
			_exit(ret);
		}
		close(pipefd[0]);
		pipefd[0] = -1;
		setsid();
		if (chdir("/") != 0)
			goto out_store;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
		log_stderr = false;
		log_syslog = true;
		openlog("groupfs-web", LOG_PID, LOG_DAEMON);
	}
	/* Signals go to this thread alone, which waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = start(&o, lfd, &ss, cert, key);
	if (!d) {
		snprintf(msg, sizeof(msg), "Ecannot listen on %s: %s", o.listen,
			 strerror(errno));
		web_log(LOG_ERR, "%s", msg + 1);
		if (pipefd[1] >= 0 && write(pipefd[1], msg, strlen(msg)) < 0)
			ret = 1;
		goto out_store;
	}
	lfd = -1; /* the daemon's now */
	if (o.pid_file) {
		FILE *f = fopen(o.pid_file, "we");

		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	web_log(LOG_INFO, "serving %s on %s:%u (%s, %u threads)", o.store, host,
		port, cert ? "https" : "http", o.threads);
	snprintf(msg, sizeof(msg), "P%u", port);
	if (pipefd[1] >= 0) {
		if (write(pipefd[1], msg, strlen(msg)) < 0)
			web_log(LOG_WARNING, "cannot tell the parent: %s",
				strerror(errno));
		close(pipefd[1]);
		pipefd[1] = -1;
	} else {
		printf("groupfs-web: listening on %s://%s:%s/\n",
		       cert ? "https" : "http", host, msg + 1);
		fflush(stdout);
	}
	do
		rc = sigwait(&set, &sig);
	while (rc == EINTR);
	web_log(LOG_INFO, "stopping on signal %d", sig);
	MHD_stop_daemon(d);
	ret = 0;
out_store:
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	/* The main thread's handle, if it made one. */
	store_close(pthread_getspecific(store_key));
	pthread_setspecific(store_key, NULL);
	store_close(base);
out:
	if (lfd >= 0)
		close(lfd);
	if (key)
		explicit_bzero(key, strlen(key));
	free(cert);
	free(key);
	if (log_fd >= 0)
		close(log_fd);
	return ret;
}
