// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backup and restore of a whole store, while daemons and groupctl keep
 * using it.  This file owns the copy of a store directory: the database
 * through SQLite's online backup API, every other file (the master key,
 * the content files under data/) as bytes, still sealed.
 *
 * A copy is consistent at one instant, the moment the final pass holds the
 * store's write lock (BEGIN IMMEDIATE): every write to the database and to
 * content files happens inside such a transaction (content.c), so while it
 * is held nothing changes.  Holding it for the whole copy would make every
 * writer wait past its busy timeout on a large store, so the bulk of the
 * content is copied first without the lock, and the final pass copies the
 * database and only the files that changed since their copy:
 *
 *  - each copied file gets the source's mtime (as read before the copy
 *    began) and, as its atime, the time its copy began;
 *  - under the lock, a copy is kept only when the source still has that
 *    size and mtime, and the copy began long enough after that mtime that
 *    a later write moves the mtime: file systems stamp times from a clock
 *    that ticks every few milliseconds (SETTLE_NS is far above it), or in
 *    whole seconds, 2 s for some (an mtime with no nanoseconds: SETTLE_S);
 *  - files the source no longer has are removed from the copy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define SETTLE_NS 100000000LL	/* see above */
#define SETTLE_S 3LL
#define DB_REL "db/store.db"  /* the database, copied by SQLite */
#define KEY_REL "master.key"
#define COPY_BUF (1 << 20)
#define DB_STEP_PAGES 1024

struct copier {
	struct store *st;      /* NULL in a restore */
	const char *src, *dst; /* directories */
	bool skip_db;	       /* db/ is SQLite's (backup) */
	bool locked;	       /* the final pass, under the write lock */
	store_progress_fn fn;
	void *arg;
	const char *phase;
	uint64_t done, total;
	struct timespec last; /* of the last progress report */
	char *buf;
	char err[512];
};

static void progress(struct copier *cp, bool force)
{
	struct timespec now;

	if (!cp->fn)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && now.tv_sec == cp->last.tv_sec &&
	    now.tv_nsec - cp->last.tv_nsec < 250000000)
		return;
	cp->last = now;
	cp->fn(cp->arg, cp->phase, cp->done, cp->total);
}

static int fail(struct copier *cp, int err, const char *what,
		const char *rel)
{
	snprintf(cp->err, sizeof(cp->err), "%s %s: %s", what, rel,
		 strerror(-err));
	return err;
}

static char *path_of(const char *dir, const char *rel)
{
	char *p = NULL;

	if (asprintf(&p, "%s%s%s", dir, rel[0] ? "/" : "", rel) < 0)
		return NULL;
	return p;
}

/* Copy one regular file; the copy carries the source's mode and mtime and,
 * as its atime, the time the copy began. */
static int copy_file(struct copier *cp, const char *rel)
{
	char *sp = path_of(cp->src, rel), *dp = path_of(cp->dst, rel);
	struct timespec start, times[2];
	int in = -1, out = -1, rc = 0;
	struct stat sb;

	if (!sp || !dp) {
		rc = -ENOMEM;
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &start);
	in = open(sp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0) {
		/* A content file freed since the listing: nothing to copy
		 * (the final pass removes any earlier copy). */
		rc = errno == ENOENT ? 0 : fail(cp, -errno, "cannot read", sp);
		goto out;
	}
	if (fstat(in, &sb) != 0) {
		rc = fail(cp, -errno, "cannot read", sp);
		goto out;
	}
	out = open(dp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		   0600);
	if (out < 0) {
		rc = fail(cp, -errno, "cannot write", dp);
		goto out;
	}
	for (;;) {
		ssize_t n = read(in, cp->buf, COPY_BUF), w = 0;

		if (n < 0) {
			rc = fail(cp, -errno, "cannot read", sp);
			goto out;
		}
		if (n == 0)
			break;
		while (w < n) {
			ssize_t k = write(out, cp->buf + w, (size_t)(n - w));

			if (k < 0) {
				rc = fail(cp, -errno, "cannot write", dp);
				goto out;
			}
			w += k;
		}
		cp->done += (uint64_t)n;
		progress(cp, false);
	}
	times[0] = start;
	times[1] = sb.st_mtim;
	if (fchmod(out, sb.st_mode & 07777) != 0 ||
	    futimens(out, times) != 0 || fsync(out) != 0) {
		rc = fail(cp, -errno, "cannot write", dp);
		goto out;
	}
	if (close(out) != 0) {
		out = -1;
		rc = fail(cp, -errno, "cannot write", dp);
		goto out;
	}
	out = -1;
out:
	if (out >= 0)
		close(out);
	if (in >= 0)
		close(in);
	free(sp);
	free(dp);
	return rc;
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* Whether the copy of a file whose source is `s` is still the source
 * (its atime: when its copy began). */
static bool copy_current(const char *dp, const struct stat *s)
{
	struct stat d;

	if (lstat(dp, &d) != 0 || !S_ISREG(d.st_mode))
		return false;
	return d.st_size == s->st_size &&
	       d.st_mtim.tv_sec == s->st_mtim.tv_sec &&
	       d.st_mtim.tv_nsec == s->st_mtim.tv_nsec &&
	       ns_of(&d.st_atim) - ns_of(&s->st_mtim) >=
		       (s->st_mtim.tv_nsec ? SETTLE_NS : SETTLE_S * 1000000000LL);
}

static int walk(struct copier *cp, const char *rel);
static void rm_tree(const char *dir);

static int visit(struct copier *cp, const char *rel)
{
	char *sp = path_of(cp->src, rel), *dp = path_of(cp->dst, rel);
	struct stat s;
	int rc = 0;

	if (!sp || !dp) {
		rc = -ENOMEM;
		goto out;
	}
	if (lstat(sp, &s) != 0) {
		if (errno != ENOENT)
			rc = fail(cp, -errno, "cannot read", sp);
		goto out;
	}
	if (S_ISDIR(s.st_mode)) {
		if (mkdir(dp, 0700) != 0 && errno != EEXIST) {
			rc = fail(cp, -errno, "cannot make", dp);
			goto out;
		}
		rc = walk(cp, rel);
		/* Its mode last: a read-only folder is still filled. */
		if (rc == 0 && chmod(dp, s.st_mode & 07777) != 0)
			rc = fail(cp, -errno, "cannot write", dp);
	} else if (S_ISREG(s.st_mode)) {
		if (!copy_current(dp, &s))
			rc = copy_file(cp, rel);
		else
			cp->done += (uint64_t)s.st_size;
	}
	/* Sockets, pipes, links: no store file is one. */
out:
	free(sp);
	free(dp);
	return rc;
}

/* Files of the copy the source no longer has (final pass only). */
static int prune(struct copier *cp, const char *rel)
{
	char *sp = path_of(cp->src, rel), *dp = path_of(cp->dst, rel);
	struct dirent *e;
	DIR *d = NULL;
	int rc = 0;

	if (!sp || !dp) {
		rc = -ENOMEM;
		goto out;
	}
	d = opendir(dp);
	if (!d)
		goto out;
	while ((e = readdir(d))) {
		char *r = NULL, *s = NULL;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (cp->skip_db && !rel[0] && !strcmp(e->d_name, "db")))
			continue;
		if (asprintf(&r, "%s%s%s", rel, rel[0] ? "/" : "",
			     e->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		s = path_of(cp->src, r);
		if (s && lstat(s, &st) != 0 && errno == ENOENT) {
			char *x = path_of(cp->dst, r);

			if (x && unlink(x) != 0 && errno == EISDIR)
				rm_tree(x);
			free(x);
		} else if (s && S_ISDIR(st.st_mode)) {
			rc = prune(cp, r);
		}
		free(s);
		free(r);
		if (rc)
			break;
	}
out:
	if (d)
		closedir(d);
	free(sp);
	free(dp);
	return rc;
}

static int walk(struct copier *cp, const char *rel)
{
	char *sp = path_of(cp->src, rel);
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (!sp)
		return -ENOMEM;
	d = opendir(sp);
	if (!d) {
		rc = errno == ENOENT ? 0 : fail(cp, -errno, "cannot read", sp);
		free(sp);
		return rc;
	}
	while ((e = readdir(d))) {
		char *r = NULL;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (cp->skip_db && !rel[0] && !strcmp(e->d_name, "db"))
			continue;
		if (asprintf(&r, "%s%s%s", rel, rel[0] ? "/" : "",
			     e->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		rc = visit(cp, r);
		free(r);
		if (rc)
			break;
	}
	closedir(d);
	free(sp);
	return rc;
}

static uint64_t tree_bytes;
static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;

static int add_one(const char *path, const struct stat *s, int flag,
		   struct FTW *f)
{
	(void)path;
	(void)f;
	if (flag == FTW_F && S_ISREG(s->st_mode))
		tree_bytes += (uint64_t)s->st_size;
	return 0;
}

/* Bytes of the regular files under `dir`, for progress (nftw has no
 * argument for its callback: one walk at a time). */
static uint64_t bytes_under(const char *dir)
{
	uint64_t n;

	pthread_mutex_lock(&tree_lock);
	tree_bytes = 0;
	nftw(dir, add_one, 16, FTW_PHYS);
	n = tree_bytes;
	pthread_mutex_unlock(&tree_lock);
	return n;
}

static int rm_one(const char *path, const struct stat *s, int flag,
		  struct FTW *f)
{
	(void)s;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* `dir` is missing (made here, *made set) or an empty directory. */
static int empty_dir(const char *dir, mode_t mode, bool *made, char *err,
		     size_t errlen)
{
	struct dirent *e;
	DIR *d;
	int rc = 0;

	*made = false;
	if (mkdir(dir, mode) == 0) {
		*made = true;
		return 0;
	}
	if (errno != EEXIST) {
		rc = -errno;
		snprintf(err, errlen, "cannot make %s: %s", dir,
			 strerror(errno));
		return rc;
	}
	d = opendir(dir);
	if (!d) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return rc;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			rc = -ENOTEMPTY;
			snprintf(err, errlen, "%s is not empty: give a new or "
				 "empty directory", dir);
			break;
		}
	closedir(d);
	if (rc == 0 && chmod(dir, mode) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	}
	return rc;
}

/* Empty what a failed copy left in `dir`, and `dir` itself if made here. */
static void undo_dir(const char *dir, bool made)
{
	struct dirent *e;
	DIR *d;

	if (made) {
		rm_tree(dir);
		return;
	}
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = path_of(dir, e->d_name);
		if (p)
			rm_tree(p);
		free(p);
	}
	closedir(d);
}

/* The database through SQLite's online backup API, while `st` holds the
 * write lock. */
static int copy_db(struct copier *cp)
{
	struct stat s;
	char *dir = path_of(cp->dst, "db"), *dp = path_of(cp->dst, DB_REL);
	char *sdir = path_of(cp->src, "db"), *sp = path_of(cp->src, DB_REL);
	sqlite3_backup *b = NULL;
	sqlite3 *in = NULL, *out = NULL;
	int rc = 0, r;

	if (!dir || !dp || !sdir || !sp) {
		rc = -ENOMEM;
		goto out;
	}
	if (stat(sdir, &s) != 0) {
		rc = fail(cp, -errno, "cannot read", sdir);
		goto out;
	}
	if (mkdir(dir, s.st_mode & 07777) != 0 && errno != EEXIST) {
		rc = fail(cp, -errno, "cannot make", dir);
		goto out;
	}
	unlink(dp);
	/* SQLite's backup refuses a source connection inside a write
	 * transaction: read through a second one, while the first holds the
	 * lock. */
	r = sqlite3_open_v2(sp, &in, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL);
	if (r == SQLITE_OK)
		r = sqlite3_open_v2(dp, &out,
				    SQLITE_OPEN_READWRITE |
					    SQLITE_OPEN_CREATE |
					    SQLITE_OPEN_NOMUTEX,
				    NULL);
	if (r == SQLITE_OK)
		b = sqlite3_backup_init(out, "main", in, "main");
	if (!b) {
		snprintf(cp->err, sizeof(cp->err), "cannot copy the database "
			 "to %s: %s", dp, out ? sqlite3_errmsg(out)
				       : in ? sqlite3_errmsg(in)
					    : sqlite3_errstr(r));
		rc = -EIO;
		goto out;
	}
	cp->phase = "database";
	cp->done = 0;
	cp->total = 0;
	do {
		r = sqlite3_backup_step(b, DB_STEP_PAGES);
		cp->total = (uint64_t)sqlite3_backup_pagecount(b);
		cp->done = cp->total - (uint64_t)sqlite3_backup_remaining(b);
		progress(cp, false);
	} while (r == SQLITE_OK);
	r = sqlite3_backup_finish(b);
	if (r != SQLITE_OK) {
		snprintf(cp->err, sizeof(cp->err), "cannot copy the database "
			 "to %s: %s", dp, sqlite3_errmsg(out));
		rc = -EIO;
		goto out;
	}
	progress(cp, true);
	/* A copy in WAL mode folds its log into the file when closed. */
	r = sqlite3_close(out);
	out = NULL;
	if (r != SQLITE_OK || chmod(dp, 0600) != 0) {
		snprintf(cp->err, sizeof(cp->err), "cannot write %s", dp);
		rc = -EIO;
	}
out:
	if (out)
		sqlite3_close(out);
	if (in)
		sqlite3_close(in);
	free(dir);
	free(dp);
	free(sdir);
	free(sp);
	return rc;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* The copy's directories (the top, db/, data/ and its fan-out) on disk. */
static int sync_dirs(const char *top)
{
	struct dirent *e;
	char *data = path_of(top, "data"), *db = path_of(top, "db");
	DIR *d;
	int rc = 0;

	if (!data || !db) {
		rc = -ENOMEM;
		goto out;
	}
	d = opendir(data);
	while (d && (e = readdir(d)) && rc == 0) {
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = path_of(data, e->d_name);
		rc = p ? sync_dir(p) : -ENOMEM;
		free(p);
	}
	if (d)
		closedir(d);
	if (rc == 0 && access(data, F_OK) == 0)
		rc = sync_dir(data);
	if (rc == 0 && access(db, F_OK) == 0)
		rc = sync_dir(db);
	if (rc == 0)
		rc = sync_dir(top);
out:
	free(data);
	free(db);
	return rc;
}

/* Whether `dest` (which may not exist yet) lies inside `dir`: a copy
 * there would copy itself. */
static bool inside(const char *dir, const char *dest)
{
	char *d = realpath(dir, NULL), *parent = strdup(dest), *p = NULL;
	char *slash;
	bool in = false;

	if (!d || !parent)
		goto out;
	/* The deepest existing folder on the way to dest. */
	while (!(p = realpath(parent, NULL))) {
		slash = strrchr(parent, '/');
		if (!slash || slash == parent)
			break;
		*slash = '\0';
	}
	if (!p && parent[0] != '/')
		p = realpath(".", NULL);
	if (p)
		in = strcmp(p, d) == 0 ||
		     (strncmp(p, d, strlen(d)) == 0 && p[strlen(d)] == '/');
out:
	free(d);
	free(parent);
	free(p);
	return in;
}

int store_backup(struct store *st, const struct store_caller *c,
		 const char *dest, store_progress_fn fn, void *arg)
{
	struct copier cp = {.st = st, .src = st->sh->dir, .dst = dest,
			    .skip_db = true, .fn = fn, .arg = arg};
	struct stat s;
	bool made = false, locked = false;
	struct timespec t0, t1;
	char *db = NULL;
	int rc, pass;

	if (!c->operator)
		return store_fail(st, -EPERM, "only the store operator may "
				  "back up the store");
	if (stat(st->sh->dir, &s) != 0)
		return store_fail(st, -errno, "%s: %s", st->sh->dir,
				  strerror(errno));
	if (inside(st->sh->dir, dest))
		return store_fail(st, -EINVAL, "%s is inside the store: back "
				  "it up elsewhere", dest);
	rc = empty_dir(dest, s.st_mode & 07777, &made, cp.err,
		       sizeof(cp.err));
	if (rc)
		return store_fail(st, rc, "%s", cp.err);
	cp.buf = malloc(COPY_BUF);
	db = path_of(st->sh->dir, "db");
	if (!cp.buf || !db) {
		rc = -ENOMEM;
		goto undo;
	}
	/* Without the lock: all of it, then what changed meanwhile. */
	for (pass = 0; pass < 2; pass++) {
		cp.phase = "content";
		cp.done = 0;
		cp.total = bytes_under(st->sh->dir);
		cp.total -= bytes_under(db);
		rc = walk(&cp, "");
		if (rc)
			goto undo;
	}
	/* The instant the copy is of. */
	rc = db_begin(st);
	if (rc)
		goto undo;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	locked = true;
	cp.locked = true;
	rc = copy_db(&cp);
	if (rc)
		goto undo;
	cp.phase = "changes";
	cp.done = 0;
	rc = walk(&cp, "");
	if (rc == 0)
		rc = prune(&cp, "");
	if (rc)
		goto undo;
	db_end(st, 0);
	locked = false;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* How long writers waited, for the one who runs it. */
	cp.phase = "locked";
	cp.done = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
			     (t1.tv_nsec - t0.tv_nsec) / 1000);
	cp.total = 0;
	progress(&cp, true);
	rc = sync_dirs(dest);
	if (rc) {
		snprintf(cp.err, sizeof(cp.err), "cannot write %s: %s", dest,
			 strerror(-rc));
		goto undo;
	}
	cp.phase = "done";
	progress(&cp, true);
	free(cp.buf);
	free(db);
	return 0;
undo:
	if (locked)
		db_end(st, 0);
	undo_dir(dest, made);
	free(cp.buf);
	free(db);
	if (!cp.err[0])
		snprintf(cp.err, sizeof(cp.err), "%s", strerror(-rc));
	return store_fail(st, rc, "backup to %s failed: %s", dest, cp.err);
}

int store_restore(const char *src, const char *dir, store_progress_fn fn,
		  void *arg, char *err, size_t errlen)
{
	struct copier cp = {.src = src, .dst = dir, .fn = fn, .arg = arg};
	char *key = path_of(src, KEY_REL), *db = path_of(src, DB_REL);
	struct stat s;
	bool made = false;
	int rc = 0;

	err[0] = '\0';
	if (!key || !db) {
		rc = -ENOMEM;
		goto out;
	}
	if (stat(src, &s) != 0 || access(key, F_OK) != 0 ||
	    access(db, F_OK) != 0) {
		rc = -ENOENT;
		snprintf(err, errlen, "%s is not a backup of a store (no %s "
			 "and %s in it)", src, KEY_REL, DB_REL);
		goto out;
	}
	rc = empty_dir(dir, s.st_mode & 07777, &made, err, errlen);
	if (rc)
		goto out;
	cp.buf = malloc(COPY_BUF);
	if (!cp.buf) {
		rc = -ENOMEM;
		goto undo;
	}
	cp.phase = "restore";
	cp.total = bytes_under(src);
	rc = walk(&cp, "");
	if (rc == 0)
		rc = sync_dirs(dir);
	if (rc)
		goto undo;
	cp.phase = "done";
	progress(&cp, true);
	goto out;
undo:
	undo_dir(dir, made);
	snprintf(err, errlen, "restore into %s failed: %s", dir,
		 cp.err[0] ? cp.err : strerror(-rc));
out:
	free(cp.buf);
	free(key);
	free(db);
	return rc;
}
