// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backup and restore of a whole store, while daemons and groupctl keep
 * using it.  This file owns the copy of a store directory: the database
 * through the engine's online copy (meta.h), the content through the
 * content engine (blob.h: the files engine copies its files under data/ as
 * bytes, still sealed; an engine whose content lives with the metadata has
 * nothing to copy beside it), every other file (the master key) as bytes.
 *
 * A copy is consistent at one instant, the moment the final pass holds the
 * store's write lock (BEGIN IMMEDIATE): every write to the database and to
 * content files happens inside such a transaction (content.c), so while it
 * is held nothing changes.  Writers wait while it is held, so it is held
 * only for what cannot be done otherwise:
 *
 *  - the content is copied in passes without the lock: all of it, then
 *    again and again what changed meanwhile, until a pass finds few
 *    changes (FEW_FILES, FEW_BYTES) or after MAX_PASSES passes;
 *  - "changed since its copy" is decided from a record, in memory, of the
 *    source's stamp (struct blob_stamp: for a file, its size, mtime,
 *    ctime, inode and device) as it was when its copy began, trusted only
 *    when settled (files/copy.c says when);
 *  - under the lock (the final pass): the files and content that changed
 *    since their copy are copied again, those the source no longer has
 *    are removed from the copy, and a read transaction on the database
 *    begins (its snapshot is the instant of the copy); then the lock is
 *    released and the database is copied from that snapshot (WAL: writers
 *    go on meanwhile);
 *  - the final pass is bounded: one that would copy more than FEW_BYTES
 *    or LOCKED_FILES files (writers changed that much since the last
 *    pass, a large file rewritten without pause, say) stops, releases the
 *    lock, and an unlocked pass catches up before the next try; the last
 *    of LOCK_TRIES tries copies whatever it finds, and says so in the
 *    log.  So writers wait for at most about FEW_BYTES of copying at a
 *    time (mounts give up after 30 s), unless content keeps changing
 *    faster than the passes copy it.
 *
 * Every file and folder of a copy, and of a restored store, is the
 * runner's alone (0600, 0700) from the moment it is made, whatever the
 * store's modes (a --unix-group store's are group-accessible).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define MAX_PASSES 5		/* unlocked passes, the first included */
#define FEW_FILES 64		/* changes few enough to copy under the lock */
#define FEW_BYTES (64ULL << 20)
#define LOCK_TRIES 5		/* final passes, the last one unbounded */
#define LOCKED_FILES 1024	/* a bounded final pass copies at most these */
#define DB_REL "db/store.db"  /* the database, copied by the engine */
#define KEY_REL "master.key"
#define COPY_BUF (1 << 20)

/* The source of a copied file or content as it was when its copy began,
 * by its path in the store directory, or "/" and the content id in hex. */
struct rec {
	char *rel; /* NULL: a free slot */
	struct blob_stamp stamp;
	bool dir;      /* a folder, made in the copy */
	bool blob;     /* content, copied by the content engine */
	unsigned seen; /* the last pass that found it in the source */
};

struct copier {
	struct store *st;      /* NULL in a restore */
	const char *src, *dst; /* directories */
	bool skip_db;	       /* db/ is the engine's (backup) */
	store_progress_fn fn;
	void *arg;
	const char *phase;
	uint64_t done, total;
	uint64_t changed_files, changed_bytes; /* copied in this pass */
	/* A bounded final pass stops (-EAGAIN) rather than copy past these
	 * (0: no bound). */
	uint64_t max_files, max_bytes;
	unsigned pass;
	struct rec *recs;		       /* open addressing, by rel */
	size_t nrecs, cap;
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

static size_t rec_hash(const char *rel)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *rel; rel++)
		h = (h ^ (unsigned char)*rel) * 1099511628211ULL;
	return (size_t)h;
}

/* The record of `rel`: its slot (rel NULL when there is none yet). */
static struct rec *rec_slot(struct copier *cp, const char *rel)
{
	size_t i;

	if (!cp->cap)
		return NULL;
	for (i = rec_hash(rel) & (cp->cap - 1);; i = (i + 1) & (cp->cap - 1))
		if (!cp->recs[i].rel || !strcmp(cp->recs[i].rel, rel))
			return &cp->recs[i];
}

static int rec_put(struct copier *cp, const char *rel, const struct rec *r)
{
	struct rec *slot;

	if ((cp->nrecs + 1) * 2 > cp->cap) {
		size_t oldcap = cp->cap, i;
		struct rec *old = cp->recs;

		cp->cap = oldcap ? oldcap * 2 : 1024;
		cp->recs = calloc(cp->cap, sizeof(*cp->recs));
		if (!cp->recs) {
			cp->recs = old;
			cp->cap = oldcap;
			return -ENOMEM;
		}
		for (i = 0; i < oldcap; i++)
			if (old[i].rel)
				*rec_slot(cp, old[i].rel) = old[i];
		free(old);
	}
	slot = rec_slot(cp, rel);
	if (!slot->rel) {
		char *k = strdup(rel);

		if (!k)
			return -ENOMEM;
		*slot = *r;
		slot->rel = k;
		cp->nrecs++;
	} else {
		char *k = slot->rel;

		*slot = *r;
		slot->rel = k;
	}
	return 0;
}

static void recs_free(struct copier *cp)
{
	size_t i;

	for (i = 0; i < cp->cap; i++)
		free(cp->recs[i].rel);
	free(cp->recs);
	cp->recs = NULL;
	cp->cap = cp->nrecs = 0;
}

/* Whether the copy of `rel`, whose source's stamp is now `now`, is
 * still the source: its record says so. */
static bool copy_current(struct copier *cp, const char *rel,
			 const struct blob_stamp *now)
{
	struct rec *r = rec_slot(cp, rel);

	return r && r->rel && !r->dir && r->stamp.settled &&
	       blob_stamp_same(&r->stamp, now);
}

/* Bytes copied: progress, and what this pass has copied. */
static void copied(void *arg, uint64_t bytes)
{
	struct copier *cp = arg;

	cp->done += bytes;
	cp->changed_bytes += bytes;
	progress(cp, false);
}

/* Whether a bounded final pass may copy one more thing of `bytes`. */
static bool within_bounds(struct copier *cp, uint64_t bytes)
{
	return (!cp->max_files || cp->changed_files + 1 <= cp->max_files) &&
	       (!cp->max_bytes || cp->changed_bytes + bytes <= cp->max_bytes);
}

/* Copy one regular file, made 0600, and record its source as it was when
 * the copy began. */
static int copy_file(struct copier *cp, const char *rel)
{
	char *sp = path_of(cp->src, rel), *dp = path_of(cp->dst, rel);
	struct rec r = {0};
	int rc;

	if (!sp || !dp) {
		rc = -ENOMEM;
		goto out;
	}
	rc = files_copy(sp, dp, cp->buf, COPY_BUF, copied, cp, &r.stamp,
			cp->err, sizeof(cp->err));
	/* A file gone since the listing: nothing to copy (the final pass
	 * removes any earlier copy). */
	if (rc == -ENOENT)
		rc = 0;
	else if (rc == 0) {
		cp->changed_files++;
		rc = rec_put(cp, rel, &r);
	}
out:
	free(sp);
	free(dp);
	return rc;
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
		struct rec *r = rec_slot(cp, rel);

		/* The runner's alone, whatever the source's mode; made once
		 * (the final pass touches the copy only for changes). */
		if (!r || !r->rel || !r->dir) {
			struct rec d = {.dir = true};

			if (mkdir(dp, 0700) != 0 && errno != EEXIST) {
				rc = fail(cp, -errno, "cannot make", dp);
				goto out;
			}
			rc = rec_put(cp, rel, &d);
			if (rc)
				goto out;
		}
		rec_slot(cp, rel)->seen = cp->pass;
		rc = walk(cp, rel);
	} else if (S_ISREG(s.st_mode)) {
		struct blob_stamp now;
		struct rec *r;

		files_stamp(&s, &now);
		if (copy_current(cp, rel, &now))
			cp->done += now.bytes;
		else if (!within_bounds(cp, now.bytes))
			rc = -EAGAIN;
		else
			rc = copy_file(cp, rel);
		r = rec_slot(cp, rel);
		if (rc == 0 && r && r->rel)
			r->seen = cp->pass;
	}
	/* Sockets, pipes, links: no store file is one. */
out:
	free(sp);
	free(dp);
	return rc;
}

/* Files and folders of the copy that the source no longer has: those the
 * last pass did not find (final pass only; the copy itself is not read). */
static int prune(struct copier *cp)
{
	size_t i;

	for (i = 0; i < cp->cap; i++) {
		struct rec *r = &cp->recs[i];
		char *x;

		if (!r->rel || r->seen == cp->pass)
			continue;
		if (r->blob) {
			unsigned char cid[16];

			if (sodium_hex2bin(cid, sizeof(cid), r->rel + 1,
					   strlen(r->rel + 1), NULL, NULL,
					   NULL) == 0)
				cp->st->sh->blob->uncopy(cp->dst, cid);
			continue;
		}
		x = path_of(cp->dst, r->rel);
		if (!x)
			return -ENOMEM;
		if (r->dir)
			rm_tree(x);
		else
			unlink(x);
		free(x);
	}
	return 0;
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
		/* The content engine's folder: its objects are copied
		 * through it (blobs). */
		if (cp->st && !rel[0] && cp->st->sh->blob->dir &&
		    !strcmp(e->d_name, cp->st->sh->blob->dir))
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

/* Content `cid` of the source, recorded as "/" and its id in hex. */
static int visit_blob(void *arg, const unsigned char cid[16])
{
	const struct blob_ops *e;
	struct copier *cp = arg;
	struct blob_copy job;
	struct blob_stamp now;
	struct rec *r;
	char key[34];
	int rc;

	e = cp->st->sh->blob;
	key[0] = '/';
	sodium_bin2hex(key + 1, sizeof(key) - 1, cid, 16);
	rc = e->stamp(cp->st, cid, &now);
	if (rc == -ENOENT) /* freed since the listing */
		return 0;
	if (rc)
		return fail(cp, rc, "cannot read content", key + 1);
	if (copy_current(cp, key, &now)) {
		cp->done += now.bytes;
	} else if (!within_bounds(cp, now.bytes)) {
		return -EAGAIN;
	} else {
		job = (struct blob_copy){.dest = cp->dst, .buf = cp->buf,
					 .buflen = COPY_BUF, .step = copied,
					 .arg = cp};
		rc = e->copy(cp->st, cid, &job);
		if (rc == -ENOENT)
			return 0;
		if (rc) {
			snprintf(cp->err, sizeof(cp->err), "%s", job.err);
			return rc;
		}
		cp->changed_files++;
		rc = rec_put(cp, key, &(struct rec){.stamp = job.was,
						    .blob = true});
		if (rc)
			return rc;
	}
	r = rec_slot(cp, key);
	if (r && r->rel)
		r->seen = cp->pass;
	return 0;
}

/* One pass: the store directory's files (but the database and the
 * content engine's folder), then the content, through its engine. */
static int copy_pass(struct copier *cp)
{
	const struct blob_ops *e = cp->st->sh->blob;
	int rc = walk(cp, "");

	if (rc == 0 && !e->with_meta) {
		rc = e->each(cp->st, visit_blob, cp);
		if (rc && rc != -EAGAIN && !cp->err[0])
			fail(cp, rc, "cannot list the content of",
			     cp->st->sh->dir);
	}
	return rc;
}

static int add_blob(void *arg, const unsigned char cid[16])
{
	struct copier *cp = arg;
	struct blob_stamp now;

	if (cp->st->sh->blob->stamp(cp->st, cid, &now) == 0)
		cp->total += now.bytes;
	return 0;
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

/* Make `dir` 0700, and first each folder missing above it, 0700 too (as
 * `mkdir -p`, but the runner's alone: a backup's parent is made for it).
 * *top: the highest folder made here (NULL when none), which undo removes;
 * -EEXIST when `dir` was there already. */
static int make_dirs(const char *dir, char **top, char *err, size_t errlen)
{
	char *p = strdup(dir), *slash;
	int rc = 0;

	*top = NULL;
	if (!p)
		return -ENOMEM;
	if (!p[0]) {
		free(p);
		snprintf(err, errlen, "no directory given");
		return -ENOENT;
	}
	for (slash = p + strlen(p); slash > p + 1 && slash[-1] == '/';)
		*--slash = '\0';
	/* Each prefix in turn: "/backup", then "/backup/x" ... dir. */
	for (slash = strchr(p + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (mkdir(p, 0700) == 0) {
			if (!*top && !(*top = strdup(p))) {
				rc = -ENOMEM;
				break;
			}
		} else if (errno != EEXIST || !slash) {
			rc = -errno;
			if (rc != -EEXIST)
				snprintf(err, errlen, "cannot make %s: %s", p,
					 strerror(errno));
			break;
		}
		if (!slash)
			break;
		*slash = '/';
	}
	if (rc && *top) {
		rm_tree(*top);
		free(*top);
		*top = NULL;
	}
	free(p);
	return rc;
}

/* `dir` is missing (made here with what is missing above it; *top: the
 * highest folder made, for undo_dir) or an empty directory (*top NULL). */
static int empty_dir(const char *dir, mode_t mode, char **top, char *err,
		     size_t errlen)
{
	struct dirent *e;
	DIR *d;
	int rc;

	rc = make_dirs(dir, top, err, errlen);
	if (rc != -EEXIST)
		return rc;
	rc = 0;
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

/* Empty what a failed copy left in `dir`, or remove `top` (and so dir)
 * when the folders from `top` down were made here. */
static void undo_dir(const char *dir, const char *top)
{
	struct dirent *e;
	DIR *d;

	if (top) {
		rm_tree(top);
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

/* The database's copy: a snapshot of the source taken while `st` holds
 * the write lock (its instant is the copy's), copied by the engine
 * (meta_backup_*, meta.h) once the lock is released. */
struct db_copy {
	struct meta_backup *mb;
	char *dp;
};

static void db_copy_close(struct db_copy *dc)
{
	meta_backup_close(dc->mb);
	free(dc->dp);
	memset(dc, 0, sizeof(*dc));
}

/* Before the lock: both databases open, the copy made 0600 (the engine
 * gives its journal and WAL files the database file's mode). */
static int db_copy_open(struct copier *cp, struct db_copy *dc)
{
	char *dir = path_of(cp->dst, "db"), *sp = path_of(cp->src, DB_REL);
	char why[256];
	int rc = 0, fd;

	dc->dp = path_of(cp->dst, DB_REL);
	if (!dir || !dc->dp || !sp) {
		rc = -ENOMEM;
		goto out;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		rc = fail(cp, -errno, "cannot make", dir);
		goto out;
	}
	unlink(dc->dp);
	fd = open(dc->dp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		rc = fail(cp, -errno, "cannot write", dc->dp);
		goto out;
	}
	close(fd);
	rc = meta_backup_open(sp, dc->dp, &dc->mb, why, sizeof(why));
	if (rc == -EIO)
		snprintf(cp->err, sizeof(cp->err), "cannot copy the database "
			 "to %s: %s", dc->dp, why);
out:
	free(dir);
	free(sp);
	return rc;
}

/* Under the lock: the snapshot. */
static int db_copy_snapshot(struct copier *cp, struct db_copy *dc)
{
	char why[256];
	int rc = meta_backup_snapshot(dc->mb, why, sizeof(why));

	if (rc)
		snprintf(cp->err, sizeof(cp->err), "cannot copy the database "
			 "to %s: %s", dc->dp, why);
	return rc;
}

static void db_copy_step(void *arg, uint64_t done, uint64_t total)
{
	struct copier *cp = arg;

	cp->total = total;
	cp->done = done;
	progress(cp, false);
}

/* After the lock: the snapshot copied. */
static int db_copy_run(struct copier *cp, struct db_copy *dc)
{
	char why[256];
	int rc;

	cp->phase = "database";
	cp->done = 0;
	cp->total = 0;
	rc = meta_backup_run(dc->mb, db_copy_step, cp, why, sizeof(why));
	if (rc) {
		snprintf(cp->err, sizeof(cp->err), "cannot copy the database "
			 "to %s: %s", dc->dp, why);
		return rc;
	}
	progress(cp, true);
	rc = meta_backup_end(dc->mb);
	if (rc) {
		snprintf(cp->err, sizeof(cp->err), "cannot write %s", dc->dp);
		return rc;
	}
	return 0;
}

/* Everything written to `top`'s file system on disk. */
static int sync_tree(const char *top)
{
	int fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (syncfs(fd) != 0)
		rc = -errno;
	close(fd);
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

/* Bytes a pass copies at most, for progress: the store directory's
 * files but the database and the content engine's folder, and the
 * content. */
static void pass_total(struct copier *cp)
{
	const struct blob_ops *e = cp->st->sh->blob;
	struct dirent *ent;
	DIR *d = opendir(cp->src);

	cp->total = 0;
	while (d && (ent = readdir(d))) {
		struct stat s;
		char *p;

		if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..") ||
		    !strcmp(ent->d_name, "db") ||
		    (e->dir && !strcmp(ent->d_name, e->dir)))
			continue;
		p = path_of(cp->src, ent->d_name);
		if (p && lstat(p, &s) == 0) {
			if (S_ISREG(s.st_mode))
				cp->total += (uint64_t)s.st_size;
			else if (S_ISDIR(s.st_mode))
				cp->total += bytes_under(p);
		}
		free(p);
	}
	if (d)
		closedir(d);
	if (!e->with_meta)
		e->each(cp->st, add_blob, cp);
}

/* One pass without the lock: what changed since its copy (all of it, the
 * first time). */
static int pass_unlocked(struct copier *cp)
{
	cp->phase = "content";
	cp->done = 0;
	pass_total(cp);
	cp->changed_files = 0;
	cp->changed_bytes = 0;
	cp->max_files = 0;
	cp->max_bytes = 0;
	cp->pass++;
	return copy_pass(cp);
}

static uint64_t us_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)((t1.tv_sec - t0->tv_sec) * 1000000 +
			  (t1.tv_nsec - t0->tv_nsec) / 1000);
}

int store_backup(struct store *st, const struct store_caller *c,
		 const char *dest, store_progress_fn fn, void *arg)
{
	struct copier cp = {.st = st, .src = st->sh->dir, .dst = dest,
			    .skip_db = true, .fn = fn, .arg = arg};
	struct db_copy dc = {0};
	bool locked = false;
	char *made = NULL;
	struct timespec t0;
	uint64_t held = 0, us;
	int rc, pass, try;

	if (!c->operator)
		return store_fail(st, -EPERM, "only the store operator may "
				  "back up the store");
	if (st->sh->conninfo) {
		/* A store on PostgreSQL: one snapshot of its database (no
		 * writer waits), written as a store on SQLite with the same
		 * master key, which restore makes a store again and
		 * migrate --to-postgres puts back. */
		char err[1024] = "";

		if (inside(st->sh->dir, dest))
			return store_fail(st, -EINVAL, "%s is inside the "
					  "store: back it up elsewhere", dest);
		rc = store_migrate(st->sh->dir, NULL, dest, NULL, NULL, err,
				   sizeof(err));
		return rc ? store_fail(st, rc, "%s", err) : 0;
	}
	if (access(st->sh->dir, F_OK) != 0)
		return store_fail(st, -errno, "%s: %s", st->sh->dir,
				  strerror(errno));
	if (inside(st->sh->dir, dest))
		return store_fail(st, -EINVAL, "%s is inside the store: back "
				  "it up elsewhere", dest);
	rc = empty_dir(dest, 0700, &made, cp.err, sizeof(cp.err));
	if (rc)
		return store_fail(st, rc, "%s", cp.err);
	cp.buf = malloc(COPY_BUF);
	if (!cp.buf) {
		rc = -ENOMEM;
		goto undo;
	}
	/* Without the lock: all of it, then what changed meanwhile, until
	 * little did. */
	for (pass = 0; pass < MAX_PASSES; pass++) {
		rc = pass_unlocked(&cp);
		if (rc)
			goto undo;
		if (pass > 0 && cp.changed_files < FEW_FILES &&
		    cp.changed_bytes < FEW_BYTES)
			break;
	}
	rc = db_copy_open(&cp, &dc);
	if (rc)
		goto undo;
	/* The final pass, under the lock: the instant the copy is of. */
	for (try = 1;; try++) {
		rc = txn_begin(st);
		if (rc)
			goto undo;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		locked = true;
		cp.phase = "lock";
		cp.done = (uint64_t)try;
		cp.total = LOCK_TRIES;
		progress(&cp, true);
		cp.phase = "changes";
		cp.done = 0;
		cp.changed_files = 0;
		cp.changed_bytes = 0;
		cp.max_files = try < LOCK_TRIES ? LOCKED_FILES : 0;
		cp.max_bytes = try < LOCK_TRIES ? FEW_BYTES : 0;
		cp.pass++;
		rc = copy_pass(&cp);
		if (rc != -EAGAIN)
			break;
		/* Too much to copy while writers wait: let them go on, catch
		 * up without the lock, and try again. */
		txn_end(st, 0);
		locked = false;
		us = us_since(&t0);
		held = us > held ? us : held;
		rc = pass_unlocked(&cp);
		if (rc)
			goto undo;
	}
	if (rc == 0)
		rc = prune(&cp);
	if (rc == 0)
		rc = db_copy_snapshot(&cp, &dc);
	if (rc)
		goto undo;
	txn_end(st, 0);
	locked = false;
	us = us_since(&t0);
	held = us > held ? us : held;
	if (cp.changed_bytes > FEW_BYTES || cp.changed_files > LOCKED_FILES)
		store_log(st, STORE_LOG_WARNING,
			  "backup: content kept changing faster than it was "
			  "copied: after %d tries, the final pass copied %llu "
			  "bytes in %llu file%s holding the store's write "
			  "lock, for %.3f s",
			  try, (unsigned long long)cp.changed_bytes,
			  (unsigned long long)cp.changed_files,
			  cp.changed_files == 1 ? "" : "s",
			  (double)us / 1e6);
	/* How long writers waited at most, for the one who runs it. */
	cp.phase = "locked";
	cp.done = held;
	cp.total = cp.changed_files;
	progress(&cp, true);
	rc = db_copy_run(&cp, &dc);
	if (rc)
		goto undo;
	db_copy_close(&dc);
	rc = sync_tree(dest);
	if (rc) {
		snprintf(cp.err, sizeof(cp.err), "cannot write %s: %s", dest,
			 strerror(-rc));
		goto undo;
	}
	cp.phase = "done";
	progress(&cp, true);
	recs_free(&cp);
	free(cp.buf);
	free(made);
	return 0;
undo:
	if (locked)
		txn_end(st, 0);
	db_copy_close(&dc);
	undo_dir(dest, made);
	recs_free(&cp);
	free(cp.buf);
	free(made);
	if (!cp.err[0])
		snprintf(cp.err, sizeof(cp.err), "%s", strerror(-rc));
	return store_fail(st, rc, "backup to %s failed: %s", dest, cp.err);
}

/* Whether `src` is a backup: a master key file (wrapped or not) and a
 * database that opens read-only and passes the engine's quick check. */
static int check_backup(const char *src, const char *key, const char *db,
			char *err, size_t errlen)
{
	bool wrapped;
	int rc = -EINVAL;

	if (key_is_wrapped(key, &wrapped) != 0) {
		snprintf(err, errlen, "%s is not a backup of a store: %s is "
			 "missing or not a groupfs master key file", src, key);
		return access(key, F_OK) != 0 ? -ENOENT : -EINVAL;
	}
	if (access(db, R_OK) == 0)
		rc = meta_backup_sound(db);
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		snprintf(err, errlen, "%s is not a backup of a store: %s is "
			 "missing or not a sound database", src, db);
	/* store.h: -ENOENT when there is no key or database at all. */
	if (rc && (access(key, F_OK) != 0 || access(db, F_OK) != 0))
		rc = -ENOENT;
	return rc;
}

int store_restore(const char *src, const char *dir, store_progress_fn fn,
		  void *arg, char *err, size_t errlen)
{
	struct copier cp = {.src = src, .dst = dir, .fn = fn, .arg = arg};
	char *key = path_of(src, KEY_REL), *db = path_of(src, DB_REL);
	struct stat s;
	char *made = NULL;
	int rc = 0;

	err[0] = '\0';
	if (!key || !db) {
		rc = -ENOMEM;
		goto out;
	}
	if (stat(src, &s) != 0 || !S_ISDIR(s.st_mode)) {
		rc = -ENOENT;
		snprintf(err, errlen, "%s is not a backup of a store (no %s "
			 "and %s in it)", src, KEY_REL, DB_REL);
		goto out;
	}
	/* Realpaths: a copy into itself would never end. */
	if (inside(src, dir)) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s is inside the backup %s: restore "
			 "into a directory outside it", dir, src);
		goto out;
	}
	if (inside(dir, src)) {
		rc = -EINVAL;
		snprintf(err, errlen, "the backup %s is inside %s: restore "
			 "into a directory that does not hold it", src, dir);
		goto out;
	}
	rc = check_backup(src, key, db, err, errlen);
	if (rc)
		goto out;
	rc = empty_dir(dir, 0700, &made, err, errlen);
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
		rc = sync_tree(dir);
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
	recs_free(&cp);
	free(cp.buf);
	free(key);
	free(db);
	free(made);
	return rc;
}
