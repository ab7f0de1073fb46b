// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Open items and their content: handles, reads and writes against the
 * space's capacity, truncation, durability, attributes, statfs, access(2),
 * and the journal through which a mount learns what other processes
 * changed.  A handle keeps its caller; when rights change anywhere in the
 * store (the rights generation moves), its next operation checks again, so
 * a removed member's open descriptors stop working.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define JOURNAL_KEEP 100000
/* The largest file: its chunk records, a page each, fit in an off_t. */
#define FILE_MAX (INT64_MAX / 4096 * CHUNK)


/* ---- statfs ---- */

int store_fs_statfs(struct store *st, const struct store_caller *c,
		    uint64_t ino, struct store_statfs *out)
{
	struct node_info n;
	struct room r;
	int64_t root;
	int rc;

	st->errmsg[0] = '\0';
	if (HIST_IS_VIEW(ino)) {
		int64_t space;

		rc = hist_view_space(st, c, ino, &space);
		if (rc == 0)
			rc = meta_space_root(st, space, &root);
		if (rc)
			return rc;
		ino = (uint64_t)root;
	}
	rc = node_named(st, c, (int64_t)ino, &n);
	if (rc)
		return rc;
	if (ino == STORE_ROOT_INO) {
		memset(out, 0, sizeof(*out));
		if (c->account <= 0)
			return 0;
		rc = meta_space_private_root(st, c->account, &root);
		if (rc == 0)
			rc = node_info(st, root, &n);
		if (rc)
			return rc;
	}
	rc = space_room(st, n.space, &r);
	if (rc)
		return rc;
	/* Metadata takes room as content does: df shows both. */
	out->capacity = r.capacity;
	out->used = r.used + r.meta;
	out->files = r.files;
	out->max_files = r.max_files;
	return 0;
}

/* ---- handles ---- */

static int64_t rights_gen(struct store *st)
{
	int64_t v = 0;

	meta_rights_gen(st, &v);
	return v;
}

/* The generation of rights, and whether `ino` was consumed by a
 * save-pattern rename (an alias of the file that kept its identity). */
static int64_t rights_gen_alias(struct store *st, uint64_t ino, bool *alias)
{
	int64_t v = 0;

	*alias = false;
	meta_rights_gen_alias(st, (int64_t)ino, &v, alias);
	return v;
}

/* The slow part of the checks below: the rights moved since the handle
 * last passed, or its inode is an alias now.  n: the handle's node, read
 * (rc: how that went). */
static int recheck(struct store *st, struct store_file *f, bool write,
		   bool alias, int64_t gen, int rc, struct node_info *n)
{
	if (rc == 0 && n->nlink > 0)
		rc = node_visible(st, &f->caller, n->ino, n);
	else if (rc == 0 && !(n->kind == SPACE_GROUP &&
			      grp_role(st, n->group, f->caller.account)) &&
		 !(n->kind == SPACE_PRIVATE && n->owner == f->caller.account))
		rc = -EACCES;
	if (rc == 0 && f->writable && (write || !alias))
		rc = node_allows(st, &f->caller, n->ino, STORE_RIGHT_EDIT);
	if (rc)
		return -EACCES;
	f->rights_gen = gen;
	return 0;
}

/* The handle's caller still may do what the handle was opened for.  A
 * handle on the source of a save-pattern rename reaches the target now:
 * each of its operations is checked against the target, and it writes
 * only where its caller may edit the target. */
static int check_gen(struct store *st, struct store_file *f, bool write,
		     int64_t gen, bool alias)
{
	struct node_info n;

	if (write && !f->writable)
		return -EBADF;
	if (gen == f->rights_gen && !alias)
		return 0;
	return recheck(st, f, write, alias, gen,
		       node_info(st, (int64_t)f->is->ino, &n), &n);
}

int check_handle(struct store *st, struct store_file *f, bool write)
{
	bool alias;
	int64_t gen = rights_gen_alias(st, f->is->ino, &alias);

	return check_gen(st, f, write, gen, alias);
}

/* check_handle in a transaction, for a caller who reads the handle's node
 * next, into *n.  The transaction keeps both what it asks: the rights
 * generation, and the node (node_info's memo, which a write that just
 * created the file fills); the node read through an alias is the target,
 * another inode. */
static int check_handle_node(struct store *st, struct store_file *f,
			     bool write, struct node_info *n)
{
	int64_t gen = rights_gen(st);
	bool alias;
	int rc;

	if (write && !f->writable)
		return -EBADF;
	rc = node_info(st, (int64_t)f->is->ino, n);
	if (rc)
		return rc;
	alias = n->ino != (int64_t)f->is->ino;
	if (gen == f->rights_gen && !alias)
		return 0;
	return recheck(st, f, write, alias, gen, 0, n);
}

static int open_locked(struct store *st, const struct store_caller *c,
		       int64_t ino, int flags, struct node_info *n,
		       bool *writable)
{
	int rc = node_named(st, c, ino, n);

	if (rc)
		return rc;
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode))
		return -EINVAL;
	*writable = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	if (*writable)
		return node_allows(st, c, ino, STORE_RIGHT_EDIT);
	return 0;
}

static int new_handle(struct store *st, const struct store_caller *c,
		      uint64_t ino, bool writable, struct store_file **out)
{
	struct store_file *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->is = istate_get(st, ino);
	if (!f->is) {
		free(f);
		return -ENOMEM;
	}
	f->caller = *c;
	f->writable = writable;
	f->rights_gen = rights_gen(st);
	pthread_mutex_lock(&st->sh->lock);
	f->next = st->sh->files;
	if (f->next)
		f->next->prev = f;
	st->sh->files = f;
	pthread_mutex_unlock(&st->sh->lock);
	*out = f;
	return 0;
}

static void forget_handle(struct store *st, struct store_file *f)
{
	pthread_mutex_lock(&st->sh->lock);
	if (f->prev)
		f->prev->next = f->next;
	else
		st->sh->files = f->next;
	if (f->next)
		f->next->prev = f->prev;
	pthread_mutex_unlock(&st->sh->lock);
}

int store_fs_open(struct store *st, const struct store_caller *c,
		  uint64_t ino, int flags, struct store_file **out)
{
	struct node_info n;
	bool writable = false;
	int rc;

	struct store_file *f = NULL;
	int64_t mtime;

	st->errmsg[0] = '\0';
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	if (HIST_IS_VIEW(ino)) {
		/* A file of history: read-only. */
		rc = hist_view_node(st, c, ino, &n);
		if (rc == 0 && ((flags & O_ACCMODE) != O_RDONLY ||
				(flags & O_TRUNC)))
			rc = -EROFS;
		if (rc == 0 && !S_ISREG(n.mode))
			rc = -EINVAL;
		if (rc == 0)
			rc = new_handle(st, c, (uint64_t)n.ino, false, &f);
		txn_read_end(st);
		if (rc == 0)
			*out = f;
		return rc;
	}
	rc = open_locked(st, c, (int64_t)ino, flags, &n, &writable);
	/* n.ino, not ino: an alias opens the node it stands for. */
	if (rc == 0)
		rc = new_handle(st, c, (uint64_t)n.ino, writable, &f);
	if (rc == 0 && n.gen)
		/* Generated: this handle reads one snapshot. */
		rc = members_content(st, &n, &f->gen, &f->glen, &mtime);
	else if (rc == 0)
		rc = fitem_open(st, f, &n, flags);
	txn_read_end(st);
	if (rc == 0 && writable && (flags & O_TRUNC) && !f->item) {
		struct store_setattr set = {.valid = STORE_SET_SIZE};
		struct store_attr a;

		rc = store_fs_setattr(st, c, ino, &set, f, &a);
	}
	if (rc && f)
		store_fs_release(st, f, NULL);
	else if (rc == 0)
		*out = f;
	return rc;
}

bool store_fs_file_cacheable(const struct store_file *f)
{
	return !f->gen;
}

bool store_fs_file_flushes(const struct store_file *f)
{
	return f->item != 0;
}

bool store_fs_file_took_effect(struct store_file *f)
{
	bool was = f->took_effect;

	f->took_effect = false;
	return was;
}

int store_fs_create(struct store *st, const struct store_caller *c,
		    uint64_t parent, const char *name, uint32_t mode,
		    int flags, struct store_attr *attr,
		    struct store_file **out)
{
	struct node_info dir;
	int rc = node_make(st, c, (int64_t)parent, name, S_IFREG | (mode & 07777),
			   NULL, attr, &dir);

	if (rc == -EEXIST && !(flags & O_EXCL)) {
		/* Lost a race with another creator: open what is there.  A
		 * name the caller may not see (someone else's drop) stays
		 * taken. */
		rc = store_fs_lookup(st, c, parent, name, attr);
		if (rc == -ENOENT)
			return store_fail(st, -EEXIST, "%s is taken", name);
		if (rc == 0)
			rc = store_fs_open(st, c, attr->ino, flags, out);
		return rc;
	}
	if (rc)
		return rc;
	rc = new_handle(st, c, attr->ino, true, out);
	if (rc == 0)
		fitem_created(*out, dir.ino, item_type(&dir, name));
	return rc;
}

uint64_t store_fs_file_ino(const struct store_file *f)
{
	return f->is->ino;
}

/*
 * A read again under the store's write lock.  The lock is taken with the
 * item's released and the item's is then only tried: a daemon's batch
 * (group commit) holds the write lock across requests that take item
 * locks, so waiting for one while holding the other could wait forever.
 */
static int reread(struct store *st, struct store_file *f, uint64_t off,
		  size_t size, void *buf, size_t *got)
{
	struct content ct;
	int rc;

	for (;;) {
		rc = txn_begin(st);
		if (rc)
			return rc;
		if (pthread_rwlock_tryrdlock(&f->is->rw) == 0)
			break;
		txn_end(st, -EAGAIN);
		/* A writer of this item has it: let it finish first. */
		pthread_rwlock_rdlock(&f->is->rw);
		pthread_rwlock_unlock(&f->is->rw);
	}
	*got = 0;
	rc = content_load(st, (int64_t)f->is->ino, &ct);
	if (rc == 0)
		rc = content_read(st, f->is, &ct, off, size, buf, got);
	content_free(&ct);
	pthread_rwlock_unlock(&f->is->rw);
	txn_end(st, -EAGAIN);
	return rc;
}

int store_fs_read(struct store *st, struct store_file *f, uint64_t off,
		  size_t size, void *buf, size_t *got)
{
	struct content ct;
	int64_t gen = 0;
	bool alias = false;
	int rc;

	*got = 0;
	memset(&ct, 0, sizeof(ct));
	pthread_rwlock_rdlock(&f->is->rw);
	/* The content, and what says whether the handle may still read
	 * it, in one read (one round trip on a database server).  Where
	 * that read fails, the check asks on its own, and the content is
	 * read again below. */
	rc = meta_content_gen(st, (int64_t)f->is->ino, &ct, &gen, &alias);
	if (rc == 0)
		rc = check_gen(st, f, false, gen, alias);
	else if (rc == -EIO && (rc = check_handle(st, f, false)) == 0)
		rc = -EIO;
	if (rc == 0 && !fitem_read(f, off, size, buf, got))
		rc = content_read(st, f->is, &ct, off, size, buf, got);
	content_free(&ct);
	pthread_rwlock_unlock(&f->is->rw);
	/* Another process may be mid-write: read again once no writer
	 * holds the store. */
	return rc == -EIO ? reread(st, f, off, size, buf, got) : rc;
}

/* content_load, and the room of the content's space for check_room next
 * (one round trip less on a database server). */
static int content_load_room(struct store *st, int64_t ino,
			     struct content *ct)
{
	struct room r;
	bool has_room;
	int rc;

	memset(ct, 0, sizeof(*ct));
	rc = meta_content_room(st, ino, ct, &r, &has_room);
	if (rc == 0 && has_room)
		space_room_memo(st, ct->space, &r);
	return rc;
}

static int write_locked(struct store *st, struct store_file *f, uint64_t off,
			const void *buf, size_t size, bool *keeping)
{
	struct node_info n;
	struct content ct;
	int64_t t = now_ns();
	int rc;

	rc = check_handle_node(st, f, true, &n);
	if (rc == 0 && !content_known(st, n.ino, &ct))
		rc = content_load_room(st, n.ino, &ct);
	if (rc)
		return rc;
	if (off + size > (uint64_t)FILE_MAX)
		rc = store_fail(st, -EFBIG, "a file holds at most %lld bytes",
				(long long)FILE_MAX);
	/* The first change through this handle keeps what was stored as an
	 * earlier version: taken whole when this write replaces it all. */
	if (rc == 0 && !f->kept && ct.size > 0) {
		bool whole = off == 0 && size >= (uint64_t)ct.size, kept;

		rc = hist_version(st, n.ino, whole ? HIST_MOVE : HIST_COPY,
				  f->caller.account, &kept);
		content_free(&ct);
		if (rc == 0)
			rc = content_load(st, n.ino, &ct);
		if (rc)
			return rc;
	}
	/* Kept only once this write commits (store_fs_write): a refused
	 * write rolls the version back with it. */
	*keeping = rc == 0;
	if (rc == 0)
		rc = check_room(st, &n, ct.size, (int64_t)(off + size));
	ct.touch = t;
	if (rc == 0)
		rc = content_update(st, f->is, &ct, off, buf, size, -1);
	content_free(&ct);
	return rc;
}

int store_fs_write(struct store *st, struct store_file *f, uint64_t off,
		   const void *buf, size_t size, size_t *done)
{
	int rc;

	*done = 0;
	pthread_rwlock_wrlock(&f->is->rw);
	if (f->item) {
		rc = fitem_write(st, f, off, buf, size);
	} else {
		bool keeping = false;

		rc = txn_begin(st);
		if (rc == 0)
			rc = txn_end(st, write_locked(st, f, off, buf, size,
						     &keeping));
		if (rc == 0 && keeping)
			f->kept = true;
	}
	pthread_rwlock_unlock(&f->is->rw);
	if (st->hist_freed) {
		st->hist_freed = false;
		content_empty_trash(st);
	}
	if (rc == 0)
		*done = size;
	return rc;
}

int store_fs_sync(struct store *st)
{
	int rc;

	/* A batch commits first: the engine changes how durable its
	 * commits are only outside a transaction.  With synchronous=FULL
	 * that commit is durable already. */
	rc = store_batch_commit(st);
	if (rc || !st->sh->fast_commit)
		return rc;
	/* A durable commit makes every commit before it durable too. */
	rc = meta_durable(st, true);
	if (rc)
		return rc;
	rc = txn_begin(st);
	if (rc == 0)
		rc = txn_end(st, meta_sync_mark(st));
	/* In batch mode the mark opened a batch of its own. */
	if (rc == 0)
		rc = store_batch_commit(st);
	meta_durable(st, false);
	return rc;
}

int store_fs_fgetattr(struct store *st, struct store_file *f,
		      struct store_attr *out)
{
	struct node_info n;
	int rc = check_handle(st, f, false);

	if (rc == 0)
		rc = node_info(st, (int64_t)f->is->ino, &n);
	if (rc == 0)
		rc = node_attr(st, &f->caller, &n, out);
	/* The handle's own view: its new version or its snapshot. */
	if (rc == 0 && f->item && f->loaded)
		out->size = f->plen;
	if (rc == 0 && f->gen)
		out->size = f->glen;
	return rc;
}

int store_fs_fsync(struct store *st, struct store_file *f, bool datasync)
{
	struct content ct;
	int rc;

	rc = check_handle(st, f, false);
	if (rc == 0)
		rc = fitem_commit(st, f, false);
	if (rc)
		return rc;
	pthread_rwlock_rdlock(&f->is->rw);
	rc = content_load(st, (int64_t)f->is->ino, &ct);
	if (rc == 0)
		rc = content_sync(st, f->is, &ct);
	content_free(&ct);
	pthread_rwlock_unlock(&f->is->rw);
	if (rc == 0)
		rc = store_fs_sync(st);
	return rc;
}

int store_fs_flush(struct store *st, struct store_file *f)
{
	return fitem_commit(st, f, false);
}

bool store_fs_file_gone(const struct store_file *f, uint64_t *parent,
			const char **name)
{
	if (!f->gone[0])
		return false;
	*parent = (uint64_t)f->dir;
	*name = f->gone;
	return true;
}

int store_fs_release(struct store *st, struct store_file *f,
		     struct store_gone *gone)
{
	uint64_t ino = f->is->ino;
	int64_t nlink = 1;
	bool last;
	int refused;

	/* What was never checked is checked now; a refusal here cannot
	 * reach the writer (only a log), and leaves the stored version (or
	 * no new item). */
	refused = fitem_commit(st, f, true);
	if (gone && f->gone[0]) {
		gone->parent = (uint64_t)f->dir;
		copy_str(gone->name, sizeof(gone->name), f->gone);
	}
	fitem_free(f);
	forget_handle(st, f);
	/* An item unlinked by another process while open here is freed here
	 * too, at the last close, unless yet another daemon holds it. */
	if (istate_put(st, f->is, &last) ||
	    (last && meta_node_nlink(st, (int64_t)ino, &nlink) == 0 &&
	     nlink == 0 && !open_elsewhere(st, ino))) {
		/* The last close of an unlinked item frees it. */
		if (txn_begin(st) == 0) {
			int rc = meta_node_free_unlinked(st, (int64_t)ino);

			if (txn_end(st, rc) == 0)
				content_empty_trash(st);
		}
	}
	free(f);
	return refused;
}

size_t store_fs_release_all(struct store *st)
{
	struct store_file *f;
	size_t n = 0;

	for (;;) {
		pthread_mutex_lock(&st->sh->lock);
		f = st->sh->files;
		pthread_mutex_unlock(&st->sh->lock);
		if (!f)
			return n;
		if (store_fs_release(st, f, NULL))
			store_log(st, STORE_LOG_INFO,
				  "refused at unmount, a new version of an "
				  "item: %s",
				  store_errmsg(st));
		n++;
	}
}

/* ---- attributes ---- */

/* chmod, utimensat and user xattrs: on files the edit right; on folders
 * edit or add (rsync and cp -a set the times of folders they fill). */
static int may_set_attrs(struct store *st, const struct store_caller *c,
			 const struct node_info *n)
{
	/* A group's own folder and its drop/, which nobody adds to or
	 * edits: its administrators set their times and mode (rsync -a of a
	 * copy into the group). */
	if ((n->ino == n->space_root || n->ino == n->drop_dir) &&
	    n->kind == SPACE_GROUP &&
	    grp_role(st, n->group, c->account) >= STORE_ROLE_COADMIN)
		return 0;
	if (S_ISDIR(n->mode) &&
	    node_allows(st, c, n->ino, STORE_RIGHT_ADD) == 0)
		return 0;
	return node_allows(st, c, n->ino, STORE_RIGHT_EDIT);
}

static int setattr_locked(struct store *st, const struct store_caller *c,
			  int64_t ino, const struct store_setattr *set,
			  struct store_file *f, struct node_info *n,
			  bool *keeping)
{
	unsigned v = set->valid;
	int64_t t = now_ns();
	struct meta_node_attrs attrs;
	struct node_info after;
	struct content ct;
	int rc;

	rc = node_named(st, c, ino, n);
	if (rc)
		return rc;
	if (v & (STORE_SET_UID | STORE_SET_GID)) {
		struct store_attr a;
		int64_t uid = -1, gid = -1;

		rc = node_attr(st, c, n, &a);
		if (rc)
			return rc;
		if (set->shown_owner)
			set->shown_owner(set->shown_arg, &a, &uid, &gid);
		if (((v & STORE_SET_UID) && set->uid != uid) ||
		    ((v & STORE_SET_GID) && set->gid != gid))
			return store_fail(st, -EPERM,
					  "owners are not changed: rights "
					  "come from the group");
	}
	if (ino == STORE_ROOT_INO && (v & ~(STORE_SET_UID | STORE_SET_GID)))
		return -EACCES;
	if ((v & STORE_SET_SIZE) && f && f->item &&
	    f->is->ino == (uint64_t)ino) {
		rc = fitem_truncate(st, f, set->size);
		if (rc)
			return rc;
		v &= ~(unsigned)STORE_SET_SIZE;
	}
	if ((v & STORE_SET_SIZE) && !f) {
		bool done = false;

		rc = node_allows(st, c, ino, STORE_RIGHT_EDIT);
		if (rc == 0)
			rc = fitem_truncate_path(st, c, n, set->size, &done);
		if (rc)
			return rc;
		if (done)
			v &= ~(unsigned)STORE_SET_SIZE;
	}
	if (v & STORE_SET_SIZE) {
		if (!S_ISREG(n->mode))
			return S_ISDIR(n->mode) ? -EISDIR : -EINVAL;
		if (!(f && f->writable && f->is->ino == (uint64_t)ino))
			rc = node_allows(st, c, ino, STORE_RIGHT_EDIT);
		else
			rc = check_handle(st, f, true);
		/* POSIX: a length past the largest file is EFBIG, whatever
		 * the room left. */
		if (rc == 0 && set->size > (uint64_t)FILE_MAX)
			rc = store_fail(st, -EFBIG,
					"a file holds at most %lld bytes",
					(long long)FILE_MAX);
		if (rc == 0)
			rc = content_load(st, ino, &ct);
		if (rc)
			return rc;
		/* Cutting stored bytes keeps them as an earlier version. */
		if (set->size < (uint64_t)ct.size && !(f && f->kept)) {
			bool kept;

			content_free(&ct);
			rc = hist_version(st, ino,
					  set->size ? HIST_COPY : HIST_MOVE,
					  c->account, &kept);
			if (rc == 0)
				rc = content_load(st, ino, &ct);
			if (rc)
				return rc;
			if (f && f->is->ino == (uint64_t)ino)
				*keeping = true; /* kept once committed */
		}
		rc = check_room(st, n, ct.size, (int64_t)set->size);
		if (rc == 0 && (uint64_t)ct.size != set->size)
			rc = content_update(st, f ? f->is : NULL, &ct, 0, NULL,
					    0, (int64_t)set->size);
		content_free(&ct);
		if (rc == 0)
			rc = meta_node_mtime_set(st, ino, t);
		if (rc)
			return rc;
	}
	if (v & (STORE_SET_MODE | STORE_SET_ATIME | STORE_SET_MTIME |
		 STORE_SET_ATIME_NOW | STORE_SET_MTIME_NOW)) {
		rc = may_set_attrs(st, c, n);
		/* POSIX: chmod and explicit times by one who may not are
		 * EPERM; "now" without write permission is EACCES. */
		if (rc == -EACCES &&
		    (v & (STORE_SET_MODE | STORE_SET_ATIME | STORE_SET_MTIME)))
			rc = -EPERM;
		if (rc)
			return rc;
	}
	if (!(v & (STORE_SET_MODE | STORE_SET_ATIME | STORE_SET_ATIME_NOW |
		   STORE_SET_MTIME | STORE_SET_MTIME_NOW)))
		return 0;
	/* One change: a false flag keeps the column. */
	attrs.set_mode = (v & STORE_SET_MODE) != 0;
	attrs.mode = set->mode & 07777;
	attrs.set_atime = (v & (STORE_SET_ATIME | STORE_SET_ATIME_NOW)) != 0;
	attrs.atime = (v & STORE_SET_ATIME_NOW) ? t : set->atime_ns;
	attrs.set_mtime = (v & (STORE_SET_MTIME | STORE_SET_MTIME_NOW)) != 0;
	attrs.mtime = (v & STORE_SET_MTIME_NOW) ? t : set->mtime_ns;
	attrs.ctime = t;
	rc = meta_node_attrs_set(st, ino, &attrs, &after);
	/* The request answers with the node as it is now, without asking
	 * again (an alias's own row is not its node's). */
	if (rc == 0 && after.ino == n->ino) {
		node_remember(st, &after);
		*n = after;
	}
	return rc;
}

int store_fs_setattr(struct store *st, const struct store_caller *c,
		     uint64_t ino, const struct store_setattr *set,
		     struct store_file *f, struct store_attr *out)
{
	struct node_info n;
	bool keeping = false;
	int rc;

	st->errmsg[0] = '\0';
	if (f)
		pthread_rwlock_wrlock(&f->is->rw);
	rc = txn_begin(st);
	if (rc == 0) {
		rc = setattr_locked(st, c, (int64_t)ino, set, f, &n, &keeping);
		if (rc == 0)
			rc = node_attr(st, c, &n, out);
		rc = txn_end(st, rc);
	}
	if (f && rc == 0 && keeping)
		f->kept = true;
	if (st->hist_freed) {
		st->hist_freed = false;
		content_empty_trash(st);
	}
	if (f)
		pthread_rwlock_unlock(&f->is->rw);
	return rc;
}

int store_fs_access(struct store *st, const struct store_caller *c,
		    uint64_t ino, int mask)
{
	struct node_info n;
	int rc;

	st->errmsg[0] = '\0';
	if (HIST_IS_VIEW(ino)) {
		int64_t space;

		rc = hist_view_space(st, c, ino, &space);
		return rc ? rc : (mask & W_OK) ? -EROFS : 0;
	}
	rc = node_named(st, c, (int64_t)ino, &n);
	if (rc)
		return rc;
	if ((mask & X_OK) && !S_ISDIR(n.mode) && !(n.mode & 0111))
		return -EACCES;
	if (!(mask & W_OK))
		return 0;
	if (S_ISDIR(n.mode))
		return node_allows(st, c, n.ino, STORE_RIGHT_ADD) == 0 ||
				       node_allows(st, c, n.ino,
						   STORE_RIGHT_DELETE) == 0
			       ? 0
			       : -EACCES;
	return node_allows(st, c, n.ino, STORE_RIGHT_EDIT);
}

/* ---- crash recovery and the journal ---- */

int store_fs_recover(struct store *st)
{
	bool alone;
	int rc = daemons_join(st, &alone);

	if (rc)
		return rc;
	rc = txn_begin(st);
	if (rc)
		return rc;
	/* Unlinked nodes are freed by the daemon that held them open; ones
	 * left by a crash, only while no other daemon may hold them. */
	if (alone)
		rc = meta_nodes_free_unlinked(st);
	if (rc == 0)
		rc = members_ensure_all(st);
	if (rc == 0)
		rc = mail_ensure_all(st);
	if (rc == 0)
		rc = invitations_ensure_all(st);
	rc = txn_end(st, rc);
	if (rc == 0)
		rc = content_empty_trash(st);
	return rc;
}

int store_fs_changes_fd(struct store *st, bool *arrived)
{
	int fd = -1, rc = meta_listen(st, &fd);

	*arrived = rc > 0;
	return rc >= 0 ? fd : -1;
}

int store_fs_changes(struct store *st, uint64_t *cursor, store_change_fn fn,
		     void *arg)
{
	struct meta_change *ch = NULL;
	int64_t last = 0, first = 0;
	size_t i, n = 0;
	int rc;

	/* One snapshot: where nothing of others came after the cursor, it
	 * moves to the journal's end as of that same moment.  Read apart,
	 * a change committed between the two reads would be passed over. */
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	if (*cursor == 0) {
		rc = meta_journal_end(st, &last);
		txn_read_end(st);
		if (rc == 0)
			*cursor = (uint64_t)last;
		return rc;
	}
	rc = meta_journal_since(st, (int64_t)*cursor, st->sh->origin, &ch, &n);
	if (rc == 0 && n == 0)
		rc = meta_journal_end(st, &last);
	if (rc == 0)
		rc = meta_journal_first(st, &first);
	txn_read_end(st);
	if (rc < 0) {
		while (n)
			free(ch[--n].name);
		free(ch);
		return rc;
	}
	/* Rows after the cursor were trimmed before this reader read them
	 * (it was stopped for long while others wrote much): what they
	 * said is lost, so everything goes, as after a change of rights. */
	if (first > 0 && (uint64_t)first > *cursor + 1)
		fn(arg, 0, 0, NULL);
	for (i = 0; i < n; i++) {
		last = ch[i].seq;
		fn(arg, (uint64_t)ch[i].ino, (uint64_t)ch[i].parent,
		   ch[i].name);
		free(ch[i].name);
	}
	free(ch);
	/* Rows every mount has long read (they poll ten times a second):
	 * keep the last JOURNAL_KEEP. */
	if ((uint64_t)last / JOURNAL_KEEP != *cursor / JOURNAL_KEEP &&
	    last > JOURNAL_KEEP)
		meta_journal_trim(st, last - JOURNAL_KEEP);
	if ((uint64_t)last > *cursor)
		*cursor = (uint64_t)last;
	return 0;
}
