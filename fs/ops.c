// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The FUSE request handlers: each finds the caller, makes one backend call
 * and sends exactly one reply as its last statement.  Policy lives in the
 * backend; here are only the translation of requests and results, the
 * kernel's cache timeouts and lookup counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "groupfs.h"

#define NOBODY 65534

static struct fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* This thread's store handle for a request that needs no caller, with no
 * message left from an earlier request (NULL when it cannot be opened). */
static struct store *store_of(fuse_req_t req)
{
	struct store *st = fs_store(fs_of(req));

	if (st)
		store_clear_errmsg(st);
	return st;
}

/* The caller of `req`; -EACCES when the store cannot be reached. */
static int caller_of(fuse_req_t req, struct store **st,
		     struct store_caller *c)
{
	struct fs *fs = fs_of(req);
	int rc;

	*st = fs_store(fs);
	if (!*st)
		return -EIO;
	/* A refusal of this request logs this request's rule alone. */
	store_clear_errmsg(*st);
	if (fs->have_as) {
		*c = fs->as;
	} else {
		rc = store_caller_for_uid(*st, fuse_req_ctx(req)->uid, NULL, c);
		if (rc)
			return rc;
		/* The operator needs no powers in the tree. */
		c->operator = false;
	}
	c->rights_in_mode = fs->single;
	return 0;
}

/* The primary group of a Unix user, cached: a shared mount shows an item
 * owned by its creator's user and group, so that rsync -a and cp -a by the
 * creator find nothing to change. */
static gid_t group_of(uid_t uid)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct {
		uid_t uid;
		gid_t gid;
		bool used;
	} cache[64];
	struct passwd pw, *res = NULL;
	char buf[4096];
	size_t i = uid % 64;
	gid_t gid = NOBODY;

	pthread_mutex_lock(&lock);
	if (cache[i].used && cache[i].uid == uid) {
		gid = cache[i].gid;
		pthread_mutex_unlock(&lock);
		return gid;
	}
	pthread_mutex_unlock(&lock);
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		gid = res->pw_gid;
	pthread_mutex_lock(&lock);
	cache[i].uid = uid;
	cache[i].gid = gid;
	cache[i].used = true;
	pthread_mutex_unlock(&lock);
	return gid;
}

static void fill_stat(struct fs *fs, const struct store_attr *a,
		      struct stat *s)
{
	memset(s, 0, sizeof(*s));
	s->st_ino = a->ino;
	s->st_mode = a->mode;
	s->st_nlink = a->nlink;
	s->st_size = (off_t)a->size;
	s->st_blksize = 128 * 1024; /* fewer, larger requests */
	s->st_blocks = (blkcnt_t)((a->size + 511) / 512);
	s->st_atim.tv_sec = a->atime_ns / 1000000000;
	s->st_atim.tv_nsec = a->atime_ns % 1000000000;
	s->st_mtim.tv_sec = a->mtime_ns / 1000000000;
	s->st_mtim.tv_nsec = a->mtime_ns % 1000000000;
	s->st_ctim.tv_sec = a->ctime_ns / 1000000000;
	s->st_ctim.tv_nsec = a->ctime_ns % 1000000000;
	if (fs->single) {
		s->st_uid = fs->uid;
		s->st_gid = fs->gid;
	} else {
		s->st_uid = a->uid >= 0 ? (uid_t)a->uid : NOBODY;
		s->st_gid = a->uid >= 0 ? group_of((uid_t)a->uid) : NOBODY;
	}
}

/* What the kernel may cache, and for how long. */
static double ttl(struct fs *fs, const struct store_attr *a)
{
	if (a->uncached)
		return 0.0;
	return a->per_caller && !fs->single ? 0.0 : fs->timeout;
}

static void fill_entry(struct fs *fs, const struct store_attr *a,
		       struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = a->ino;
	e->generation = 1;
	e->attr_timeout = ttl(fs, a);
	e->entry_timeout = ttl(fs, a);
	fill_stat(fs, a, &e->attr);
}

/* Whether error `rc` is the backend saying no to the caller (rights,
 * capacity, the rules of items and trees), rather than a name that is not
 * there or an answer the request expects. */
static bool is_refusal(int rc)
{
	switch (-rc) {
	case EACCES:
	case EPERM:
	case ENOSPC:
	case EDQUOT:
	case EXDEV:
	case EFBIG:
	case EINVAL:
	case EBUSY:
	case EROFS: /* a newer groupfs upgraded the store */
		return true;
	}
	return false;
}

/* Any member can make refusals as fast as they like: at most this many
 * lines a second reach the log, and the next line says how many were
 * left out, so that nobody fills the disk of a log file. */
#define REFUSALS_PER_SECOND 50

static bool refusal_log_allowed(unsigned long *skipped)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static time_t second;
	static unsigned long count, dropped;
	time_t now = time(NULL);
	bool ok;

	pthread_mutex_lock(&lock);
	if (now != second) {
		second = now;
		count = 0;
	}
	ok = count++ < REFUSALS_PER_SECOND;
	*skipped = 0;
	if (!ok)
		dropped++;
	else {
		*skipped = dropped;
		dropped = 0;
	}
	pthread_mutex_unlock(&lock);
	return ok;
}

/* Before any reply: the request's store handle goes back to the pool
 * (loop.c), so that the next request, which the reply lets the caller
 * send at once, finds the connection whose cache is warm.  After a reply,
 * a request that still needs the store takes a handle again with
 * fs_store(); a `st` from before is no longer this request's. */
static fuse_req_t done(fuse_req_t req)
{
	fs_store_done(fs_of(req));
	return req;
}

/* A refusal in the log, with the rule the backend named; store_errmsg()
 * is cleared for the next request.  `who`: "for uid N" when NULL. */
static void log_refusal(fuse_req_t req, int rc, const char *op,
			const char *who)
{
	struct store *st = fs_store(fs_of(req));
	const char *rule = st ? store_errmsg(st) : "";
	char line[768], uid[32];

	unsigned long skipped;

	if (is_refusal(rc) && refusal_log_allowed(&skipped)) {
		if (skipped) {
			snprintf(line, sizeof(line),
				 "%lu refusals not logged (more than %d a "
				 "second)",
				 skipped, REFUSALS_PER_SECOND);
			fs_log(NULL, STORE_LOG_INFO, line);
		}
		if (strncmp(op, "gfs_", 4) == 0)
			op += 4;
		if (!who) {
			snprintf(uid, sizeof(uid), "for uid %u",
				 (unsigned)fuse_req_ctx(req)->uid);
			who = uid;
		}
		snprintf(line, sizeof(line), "refused %s %s: %s (%s)", op, who,
			 rule[0] ? rule : strerror(-rc), strerrorname_np(-rc));
		fs_log(NULL, STORE_LOG_INFO, line);
	}
	if (st)
		store_clear_errmsg(st);
}

/* Reply with error `rc` (negative errno); a refusal is logged first with
 * the rule the backend named, the request and who asked, so that the log
 * tells a user and their administrator why, not only "Permission denied". */
static void reply_error(fuse_req_t req, int rc, const char *op)
{
	log_refusal(req, rc, op, NULL);
	fuse_reply_err(done(req), -rc);
}
#define reply_err(req, rc) reply_error((req), (rc), __func__)

/* Reply to a request that made the kernel learn an inode. */
static void reply_entry_in(fuse_req_t req, int rc, const struct store_attr *a,
			   const char *op)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;

	if (rc) {
		reply_error(req, rc, op);
		return;
	}
	fill_entry(fs, a, &e);
	fs_known_add(fs->known, a->ino, 1);
	if (fuse_reply_entry(done(req), &e) != 0)
		fs_known_forget(fs->known, a->ino, 1);
}
#define reply_entry(req, rc, a) reply_entry_in((req), (rc), (a), __func__)

static struct store_file *file_of(struct fuse_file_info *fi)
{
	return (struct store_file *)(uintptr_t)fi->fh;
}

/* After a refused write or new version: the kernel forgets what it
 * cached of the item, and its name when a new item went away. */
static void refused(struct fs *fs, uint64_t ino, struct store_file *f)
{
	uint64_t parent;
	const char *name;

	fs_notify_inode(fs, ino);
	if (f && store_fs_file_gone(f, &parent, &name))
		fs_notify_entry(fs, parent, name);
}

static void gfs_init(void *userdata, struct fuse_conn_info *conn)
{
	const struct fs *fs = userdata;

	/* No kernel write cache: with it a write refused for quota reaches
	 * us only at writeback, the kernel keeps trusting the size it
	 * computed, and the refused bytes come back with the next write of
	 * the same page.  Each write is answered here, at once. */
	conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE;
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
	if (conn->capable & FUSE_CAP_HANDLE_KILLPRIV)
		conn->want |= FUSE_CAP_HANDLE_KILLPRIV;
	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
	if (conn->capable & FUSE_CAP_ASYNC_READ)
		conn->want |= FUSE_CAP_ASYNC_READ;
	/* O_TRUNC comes with the open: a calendar item's new version then
	 * starts empty while the stored one stays until it is checked. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->max_write = 1024 * 1024;
	conn->max_readahead =
		fs->read_ahead > FS_READAHEAD ? fs->read_ahead : FS_READAHEAD;
	conn->time_gran = 1;
}

static void gfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	struct store_caller c;
	struct store_attr a;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_lookup(st, &c, parent, name, &a);
	if (rc == -ENOENT && fs->single) {
		/* A single-account mount may cache the absence too. */
		struct fuse_entry_param e = {.entry_timeout = fs->timeout};

		fuse_reply_entry(done(req), &e);
		return;
	}
	reply_entry(req, rc, &a);
}

static void gfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	fs_known_forget(fs_of(req)->known, ino, nlookup);
	fuse_reply_none(req);
}

static void gfs_forget_multi(fuse_req_t req, size_t count,
			     struct fuse_forget_data *forgets)
{
	size_t i;

	for (i = 0; i < count; i++)
		fs_known_forget(fs_of(req)->known, forgets[i].ino,
				forgets[i].nlookup);
	fuse_reply_none(req);
}

static void gfs_getattr(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct store_caller c;
	struct store_attr a;
	struct store *st;
	struct stat s;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = fi ? store_fs_fgetattr(st, file_of(fi), &a)
			: store_fs_getattr(st, &c, ino, &a);
	if (rc) {
		reply_err(req, rc);
		return;
	}
	fill_stat(fs, &a, &s);
	fuse_reply_attr(done(req), &s, ttl(fs, &a));
}

/* The owner the mount shows for an item (store_setattr.shown_owner). */
static void shown_owner(void *arg, const struct store_attr *a, int64_t *uid,
			int64_t *gid)
{
	struct stat s;

	fill_stat(arg, a, &s);
	*uid = s.st_uid;
	*gid = s.st_gid;
}

static void gfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			int to_set, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct store_setattr set = {0};
	struct store_caller c;
	struct store_attr a;
	struct store *st;
	struct stat now;
	int rc = caller_of(req, &st, &c);

	/* chown to the owner shown is a no-op, to anyone else EPERM. */
	set.shown_owner = shown_owner;
	set.shown_arg = fs;
	if (rc) {
		reply_err(req, rc);
		return;
	}
	if (to_set & FUSE_SET_ATTR_MODE) {
		set.valid |= STORE_SET_MODE;
		set.mode = attr->st_mode;
	}
	if (to_set & FUSE_SET_ATTR_UID) {
		set.valid |= STORE_SET_UID;
		set.uid = attr->st_uid;
	}
	if (to_set & FUSE_SET_ATTR_GID) {
		set.valid |= STORE_SET_GID;
		set.gid = attr->st_gid;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		set.valid |= STORE_SET_SIZE;
		set.size = (uint64_t)attr->st_size;
	}
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		set.valid |= STORE_SET_ATIME_NOW;
	else if (to_set & FUSE_SET_ATTR_ATIME) {
		set.valid |= STORE_SET_ATIME;
		set.atime_ns = attr->st_atim.tv_sec * 1000000000LL +
			       attr->st_atim.tv_nsec;
	}
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		set.valid |= STORE_SET_MTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_MTIME) {
		set.valid |= STORE_SET_MTIME;
		set.mtime_ns = attr->st_mtim.tv_sec * 1000000000LL +
			       attr->st_mtim.tv_nsec;
	}
	rc = store_fs_setattr(st, &c, ino, &set,
			      fi ? (struct store_file *)(uintptr_t)fi->fh : NULL,
			      &a);
	if (rc) {
		reply_err(req, rc);
		return;
	}
	fill_stat(fs, &a, &now);
	fuse_reply_attr(done(req), &now, ttl(fs, &a));
}

static void gfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	char buf[STORE_PATH_MAX];
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_readlink(st, &c, ino, buf, sizeof(buf));
	if (rc)
		reply_err(req, rc);
	else
		fuse_reply_readlink(done(req), buf);
}

static void gfs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, dev_t rdev)
{
	struct store_caller c;
	struct store_attr a;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_mknod(st, &c, parent, name, mode, &a);
	reply_entry(req, rc, &a);
}

static void gfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode)
{
	struct store_caller c;
	struct store_attr a;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_mkdir(st, &c, parent, name, mode, &a);
	reply_entry(req, rc, &a);
}

static void gfs_symlink(fuse_req_t req, const char *target, fuse_ino_t parent,
			const char *name)
{
	struct store_caller c;
	struct store_attr a;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_symlink(st, &c, parent, name, target, &a);
	reply_entry(req, rc, &a);
}

static void gfs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		     const char *newname)
{
	struct store_caller c;
	struct store_attr a;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_link(st, &c, ino, newparent, newname, &a);
	reply_entry(req, rc, &a);
}

static void gfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_unlink(st, &c, parent, name);
	reply_err(req, rc);
}

static void gfs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_rmdir(st, &c, parent, name);
	reply_err(req, rc);
}

static void gfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		       fuse_ino_t newparent, const char *newname,
		       unsigned int flags)
{
	struct fs *fs = fs_of(req);
	struct store_rename r = {0};
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0 && (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE)))
		rc = -EINVAL;
	if (rc == 0)
		rc = store_fs_rename(st, &c, parent, name, newparent, newname,
				     (flags & RENAME_NOREPLACE
					      ? STORE_RENAME_NOREPLACE
					      : 0) |
					     (flags & RENAME_EXCHANGE
						      ? STORE_RENAME_EXCHANGE
						      : 0),
				     &r);
	if (rc == 0 && r.kept) {
		/* The kernel will think newname is the source's inode; the
		 * target kept its own.  Its entry can only be dropped once the
		 * reply is out (the rename holds the folder's lock).  Until
		 * then the source's inode answers as the target (an alias):
		 * its cached attributes go now, a call that takes no lock, so
		 * that the very next stat asks and learns the target's inode
		 * number. */
		fuse_lowlevel_notify_inval_inode(fs->se, r.source, -1, 0);
		fs_notify_entry(fs, newparent, newname);
		fs_notify_inode(fs, r.kept);
		fs_notify_inode(fs, r.source);
	}
	reply_err(req, rc);
}

static void gfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct store_file *f = NULL;
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_open(st, &c, ino, fi->flags, &f);
	if (rc) {
		reply_err(req, rc);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)f;
	/* Other processes' changes reach the kernel as invalidations, so
	 * what it cached stays true across opens; generated files change
	 * without writes. */
	fi->keep_cache = store_fs_file_cacheable(f);
	/* Only a handle writing a calendar or contact item has something
	 * to report at close (flush checks and commits its new version):
	 * no FLUSH round trip for any other close, which cp, tar, rsync and
	 * a mail client pay once per file. */
	fi->noflush = !store_fs_file_flushes(f);
	if (fuse_reply_open(done(req), fi) != 0)
		store_fs_release(fs_store(fs_of(req)), f, NULL);
}

static void gfs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct store_file *f = NULL;
	struct fuse_entry_param e;
	struct store_caller c;
	struct store_attr a;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0 && !S_ISREG(mode))
		rc = -EPERM;
	if (rc == 0)
		rc = store_fs_create(st, &c, parent, name, mode, fi->flags, &a,
				     &f);
	if (rc) {
		reply_err(req, rc);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)f;
	fi->keep_cache = 1;
	fi->noflush = !store_fs_file_flushes(f);
	fill_entry(fs, &a, &e);
	fs_known_add(fs->known, a.ino, 1);
	if (fuse_reply_create(done(req), &e, fi) != 0) {
		fs_known_forget(fs->known, a.ino, 1);
		store_fs_release(fs_store(fs), f, NULL);
	}
}

static void gfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct store *st = store_of(req);
	char *room = fs_uring_reply_room(size);
	char *buf = room ? room : malloc(size ? size : 1);
	size_t got = 0;
	int rc = st && buf ? 0 : -ENOMEM;

	if (rc == 0)
		rc = store_fs_read(st, file_of(fi), (uint64_t)off, size, buf,
				   &got);
	if (rc)
		reply_err(req, rc);
	else
		fuse_reply_buf(done(req), buf, got);
	if (!room)
		free(buf);
}

static void gfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		      size_t size, off_t off, struct fuse_file_info *fi)
{
	struct store *st = store_of(req);
	size_t wrote = 0;
	int rc = st ? 0 : -EIO;

	if (rc == 0)
		rc = store_fs_write(st, file_of(fi), (uint64_t)off, buf, size,
				    &wrote);
	/* With the writeback cache the kernel already grew its size: make
	 * it ask again. */
	if (rc)
		fs_notify_inode(fs_of(req), ino);
	if (rc)
		reply_err(req, rc);
	else
		fuse_reply_write(done(req), wrote);
}

/*
 * A new version of an item took effect: the kernel's attributes of the
 * inode go, before the reply, so that the next stat or read sees the new
 * size.  A listing answered while the version was pending gave the old
 * size, and the kernel trusts the server's size over its own.  Only the
 * attributes (offset -1): no page lock, no inode lock is taken, so this
 * is safe within the request.
 */
static void took_effect(struct fs *fs, fuse_ino_t ino, struct store_file *f)
{
	if (store_fs_file_took_effect(f))
		fuse_lowlevel_notify_inval_inode(fs->se, ino, -1, 0);
}

static void gfs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct store *st = store_of(req);
	int rc = st ? store_fs_flush(st, file_of(fi)) : -EIO;

	/* A refused new version of an item: drop what the kernel cached of
	 * it (the stored version stays). */
	if (rc)
		refused(fs_of(req), ino, file_of(fi));
	else
		took_effect(fs_of(req), ino, file_of(fi));
	/* ENOSYS would tell the kernel flush is not implemented at all. */
	reply_err(req, rc == -ENOSYS ? -EIO : rc);
}

static void gfs_release(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct store *st = store_of(req);

	if (st) {
		struct store_gone gone = {0};
		int rc;

		/* Last close: an unchecked item is checked now; one refused
		 * leaves the kernel's caches, and the log says why (the
		 * writer, who has closed, cannot be told). */
		rc = store_fs_release(st, file_of(fi), &gone);
		if (rc) {
			/* The kernel sends a release without the closer's
			 * credentials: the inode says which. */
			char who[64];

			snprintf(who, sizeof(who), "of inode %llu (last close)",
				 (unsigned long long)ino);
			log_refusal(req, rc, "release", who);
		}
		if (gone.name[0]) {
			fs_notify_inode(fs_of(req), ino);
			fs_notify_entry(fs_of(req), gone.parent, gone.name);
		}
	}
	fuse_reply_err(done(req), 0);
}

static void gfs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		      struct fuse_file_info *fi)
{
	struct store *st = store_of(req);
	int rc = st ? store_fs_fsync(st, file_of(fi), datasync) : -EIO;

	if (rc)
		refused(fs_of(req), ino, file_of(fi));
	else
		took_effect(fs_of(req), ino, file_of(fi));
	reply_err(req, rc);
}

/* ---- directories ---- */

struct dirh {
	char *last;	   /* name of the last entry sent */
	off_t last_off;	   /* its offset */
	bool cached;	   /* the kernel keeps what it is sent */
};

struct fill {
	struct fs *fs;
	fuse_req_t req;
	char *buf;
	size_t size, used;
	off_t off;
	bool plus;
	struct dirh *dh;
};

static int add_entry(void *arg, const char *name, const struct store_attr *a)
{
	struct fill *fl = arg;
	struct fuse_entry_param e;
	size_t n;

	fill_entry(fl->fs, a, &e);
	if (fl->plus)
		n = fuse_add_direntry_plus(fl->req, fl->buf + fl->used,
					   fl->size - fl->used, name, &e,
					   fl->off + 1);
	else
		n = fuse_add_direntry(fl->req, fl->buf + fl->used,
				      fl->size - fl->used, name, &e.attr,
				      fl->off + 1);
	if (n > fl->size - fl->used)
		return 1;
	if (fl->plus)
		fs_known_add(fl->fs->known, a->ino, 1);
	fl->used += n;
	fl->off++;
	free(fl->dh->last);
	fl->dh->last = strdup(name);
	fl->dh->last_off = fl->off;
	return 0;
}

/*
 * A folder's listing, alike for all callers, stays in the kernel's cache
 * (cache_readdir) as long as the entries it sent with it (READDIRPLUS)
 * may be cached: one timeout.  An open after that has the kernel drop it
 * (no keep_cache) and ask again, so that the attributes come back with
 * the names in one request instead of one lookup each.  Changes drop it
 * sooner: the kernel's own for changes through this mount, the journal's
 * notifications for changes elsewhere.  A folder whose slot another took
 * is asked again: a request more, never a stale listing.
 */
static size_t listed_slot(struct fs *fs, uint64_t ino)
{
	return ino % (sizeof(fs->listed.v) / sizeof(fs->listed.v[0]));
}

static bool listed_recently(struct fs *fs, uint64_t ino)
{
	struct timespec now;
	bool fresh;
	size_t i = listed_slot(fs, ino);

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&fs->listed.lock);
	fresh = fs->listed.v[i].ino == ino &&
		(double)(now.tv_sec - fs->listed.v[i].at.tv_sec) +
				(now.tv_nsec - fs->listed.v[i].at.tv_nsec) /
					1e9 <
			fs->timeout;
	pthread_mutex_unlock(&fs->listed.lock);
	return fresh;
}

/* The kernel fills its cache of `ino`'s listing from this reply on. */
static void listed_now(struct fs *fs, uint64_t ino)
{
	size_t i = listed_slot(fs, ino);

	pthread_mutex_lock(&fs->listed.lock);
	fs->listed.v[i].ino = ino;
	clock_gettime(CLOCK_MONOTONIC, &fs->listed.v[i].at);
	pthread_mutex_unlock(&fs->listed.lock);
}

static void gfs_opendir(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct store_caller c;
	struct store *st;
	struct dirh *dh;
	bool alike = false;
	int rc = caller_of(req, &st, &c);

	/* The folder the kernel holds under the name may be gone (removed
	 * and made anew through another mount): ESTALE has it walk the path
	 * again, where a listing would fail on a descriptor. */
	if (rc == 0)
		rc = store_fs_opendir(st, &c, ino, &alike);
	if (rc) {
		reply_err(req, rc);
		return;
	}
	dh = calloc(1, sizeof(*dh));
	if (!dh) {
		fuse_reply_err(done(req), ENOMEM);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)dh;
	/* Each open still asks here, so that a caller who may no longer
	 * see the folder is refused whatever the kernel keeps. */
	dh->cached = alike && fs_of(req)->timeout > 0;
	fi->cache_readdir = dh->cached;
	fi->keep_cache = dh->cached && listed_recently(fs_of(req), ino);
	if (fuse_reply_open(done(req), fi) != 0)
		free(dh);
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi, bool plus)
{
	struct dirh *dh = (struct dirh *)(uintptr_t)fi->fh;
	struct fill fl = {.fs = fs_of(req), .req = req, .size = size,
			  .off = off, .plus = plus, .dh = dh};
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	fl.buf = malloc(size);
	if (!fl.buf)
		rc = -ENOMEM;
	/* "." and ".." first, at offsets 1 and 2; not counted as lookups.
	 * One backend call decides whether the caller may list the folder:
	 * made even when they fill the reply, so its refusal is the answer. */
	while (rc == 0 && fl.off < 2) {
		const char *dot = fl.off == 0 ? "." : "..";
		struct fuse_entry_param e = {
			.attr = {.st_ino = ino, .st_mode = S_IFDIR}};
		size_t n = plus ? fuse_add_direntry_plus(req, fl.buf + fl.used,
							 size - fl.used, dot,
							 &e, fl.off + 1)
				: fuse_add_direntry(req, fl.buf + fl.used,
						    size - fl.used, dot,
						    &e.attr, fl.off + 1);

		if (n > size - fl.used)
			break;
		fl.used += n;
		fl.off++;
	}
	if (rc == 0) {
		bool resume = dh->last && off == dh->last_off && off > 2;

		rc = store_fs_readdir(st, &c, ino, resume ? dh->last : NULL,
				      resume ? 0 : (uint64_t)(off > 2 ? off - 2 : 0),
				      add_entry, &fl);
	}
	if (rc == 0 && off == 0 && dh->cached)
		listed_now(fl.fs, ino);
	if (rc)
		reply_err(req, rc);
	else
		fuse_reply_buf(done(req), fl.buf, fl.used);
	free(fl.buf);
}

static void gfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, false);
}

static void gfs_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			    off_t off, struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, true);
}

static void gfs_releasedir(fuse_req_t req, fuse_ino_t ino,
			   struct fuse_file_info *fi)
{
	struct dirh *dh = (struct dirh *)(uintptr_t)fi->fh;

	free(dh->last);
	free(dh);
	fuse_reply_err(done(req), 0);
}

static void gfs_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
			 struct fuse_file_info *fi)
{
	struct store *st = store_of(req);
	int rc = st ? store_fs_sync(st) : -EIO;

	reply_err(req, rc);
}

static void gfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv = {0};
	struct store_statfs sf;
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_statfs(st, &c, ino, &sf);
	if (rc) {
		reply_err(req, rc);
		return;
	}
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_blocks = (fsblkcnt_t)((sf.capacity + 4095) / 4096);
	sv.f_bfree = sf.capacity > sf.used
			     ? (fsblkcnt_t)((sf.capacity - sf.used) / 4096)
			     : 0;
	sv.f_bavail = sv.f_bfree;
	/* df -i: the entries the space's capacity allows. */
	if (sf.max_files > 0) {
		sv.f_files = (fsfilcnt_t)(sf.max_files > sf.files ? sf.max_files
								  : sf.files);
		sv.f_ffree = (fsfilcnt_t)(sf.max_files > sf.files
						  ? sf.max_files - sf.files
						  : 0);
	} else {
		sv.f_files = (fsfilcnt_t)sf.files + 1000000;
		sv.f_ffree = 1000000;
	}
	sv.f_favail = sv.f_ffree;
	sv.f_namemax = 255;
	fuse_reply_statfs(done(req), &sv);
}

/* ---- extended attributes and access ---- */

static void gfs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			 const char *value, size_t size, int flags)
{
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_setxattr(st, &c, ino, name, value, size, flags);
	reply_err(req, rc);
}

static void gfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			 size_t size)
{
	struct store_caller c;
	struct store *st;
	char *buf = size ? malloc(size) : NULL;
	size_t len = 0;
	int rc = caller_of(req, &st, &c);

	if (rc == 0 && size && !buf)
		rc = -ENOMEM;
	if (rc == 0)
		rc = store_fs_getxattr(st, &c, ino, name, buf, size, &len);
	if (rc)
		reply_err(req, rc);
	else if (size == 0)
		fuse_reply_xattr(done(req), len);
	else
		fuse_reply_buf(done(req), buf, len);
	free(buf);
}

static void gfs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct store_caller c;
	struct store *st;
	char *buf = size ? malloc(size) : NULL;
	size_t len = 0;
	int rc = caller_of(req, &st, &c);

	if (rc == 0 && size && !buf)
		rc = -ENOMEM;
	if (rc == 0)
		rc = store_fs_listxattr(st, &c, ino, buf, size, &len);
	if (rc)
		reply_err(req, rc);
	else if (size == 0)
		fuse_reply_xattr(done(req), len);
	else
		fuse_reply_buf(done(req), buf, len);
	free(buf);
}

static void gfs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_removexattr(st, &c, ino, name);
	reply_err(req, rc);
}

static void gfs_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct store_caller c;
	struct store *st;
	int rc = caller_of(req, &st, &c);

	if (rc == 0)
		rc = store_fs_access(st, &c, ino, mask);
	fuse_reply_err(done(req), -rc);
}

const struct fuse_lowlevel_ops fs_ops = {
	.init = gfs_init,
	.lookup = gfs_lookup,
	.forget = gfs_forget,
	.forget_multi = gfs_forget_multi,
	.getattr = gfs_getattr,
	.setattr = gfs_setattr,
	.readlink = gfs_readlink,
	.mknod = gfs_mknod,
	.mkdir = gfs_mkdir,
	.symlink = gfs_symlink,
	.link = gfs_link,
	.unlink = gfs_unlink,
	.rmdir = gfs_rmdir,
	.rename = gfs_rename,
	.open = gfs_open,
	.create = gfs_create,
	.read = gfs_read,
	.write = gfs_write,
	.flush = gfs_flush,
	.release = gfs_release,
	.fsync = gfs_fsync,
	.opendir = gfs_opendir,
	.readdir = gfs_readdir,
	.readdirplus = gfs_readdirplus,
	.releasedir = gfs_releasedir,
	.fsyncdir = gfs_fsyncdir,
	.statfs = gfs_statfs,
	.setxattr = gfs_setxattr,
	.getxattr = gfs_getxattr,
	.listxattr = gfs_listxattr,
	.removexattr = gfs_removexattr,
	.access = gfs_access,
};
