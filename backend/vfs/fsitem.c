// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing calendar and contact items through the mount.  What a client
 * writes to NAME.ics or NAME.vcf is kept aside with its handle and takes
 * effect at close or fsync, whole, once it is checked: one that does not
 * parse, holds the wrong kind or number of items, or reuses another item's
 * UID is refused (-EINVAL, -EEXIST; -EFBIG past the size of pim.h) and
 * the previous version stays as it was.  A new item that never held a
 * valid version goes away.  The check runs before the store's write lock
 * is taken, holding only this item's lock as a reader (its writers wait,
 * nobody else); the store step re-checks what it stores, which for the
 * same bytes is a look-up (item.c).  Scratch
 * files (any other name) are written through as usual, and the clients'
 * rename or link of one into place is checked in fsdir.c.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "pim.h"

/* What a handle may hold of a new version: an item's limit (pim.h). */
#define ITEM_MAX PIM_MAX_BYTES

/* The folder and name an item is reached by (its first name). */
static int item_place(struct store *st, int64_t ino, struct node_info *dir,
		      char *name, size_t len)
{
	int64_t parent;
	int rc;

	rc = meta_item_place(st, ino, &parent, name, len);
	if (rc)
		return rc;
	return node_info(st, parent, dir);
}

static int setup(struct store *st, struct store_file *f,
		 const struct node_info *dir, const char *name)
{
	f->item = item_type(dir, name);
	if (!f->item)
		return 0;
	f->dir = dir->ino;
	f->fresh = meta_item_is(st, (int64_t)f->is->ino) != 0;
	return 0;
}

int fitem_open(struct store *st, struct store_file *f,
	       const struct node_info *n, int flags)
{
	char name[256];
	struct node_info dir;
	int rc;

	if (!f->writable || n->nlink == 0)
		return 0;
	rc = item_place(st, n->ino, &dir, name, sizeof(name));
	if (rc == -ENOENT)
		return 0;
	if (rc == 0)
		rc = setup(st, f, &dir, name);
	if (rc == 0 && f->item && (flags & O_TRUNC)) {
		/* O_TRUNC starts an empty new version; the stored one
		 * stays until the new one is checked. */
		f->loaded = true;
		f->dirty = true;
	}
	return rc;
}

void fitem_created(struct store_file *f, int64_t dir, int item)
{
	f->item = item;
	if (!item)
		return;
	f->dir = dir;
	f->fresh = true;
	f->loaded = true;
	f->dirty = true;
}

static int load(struct store *st, struct store_file *f)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc;

	if (f->loaded)
		return 0;
	rc = item_read(st, (int64_t)f->is->ino, &data, &len);
	if (rc)
		return rc;
	free(f->pending);
	f->pending = data;
	f->plen = f->pcap = len;
	f->loaded = true;
	return 0;
}

static int reserve(struct store *st, struct store_file *f, size_t size)
{
	unsigned char *p;
	size_t cap = f->pcap ? f->pcap : 4096;

	if (size > ITEM_MAX)
		return store_fail(st, -EFBIG, "an item holds at most %d MiB",
				  ITEM_MAX >> 20);
	if (size <= f->pcap)
		return 0;
	while (cap < size)
		cap *= 2;
	p = realloc(f->pending, cap);
	if (!p)
		return -ENOMEM;
	f->pending = p;
	f->pcap = cap;
	return 0;
}

int fitem_read(struct store_file *f, uint64_t off, size_t size, void *buf,
	       size_t *got)
{
	const void *src = f->gen ? (const void *)f->gen : f->pending;
	size_t len = f->gen ? f->glen : f->plen;

	*got = 0;
	if (!f->gen && !(f->item && f->loaded))
		return 0;
	if (off < len) {
		*got = len - off < size ? len - (size_t)off : size;
		memcpy(buf, (const char *)src + off, *got);
	}
	return 1;
}

int fitem_write(struct store *st, struct store_file *f, uint64_t off,
		const void *buf, size_t size)
{
	int rc = check_handle(st, f, true);

	if (rc == 0)
		rc = load(st, f);
	if (rc == 0 && off + size > f->plen)
		rc = reserve(st, f, (size_t)(off + size));
	if (rc)
		return rc;
	if (off > f->plen)
		memset(f->pending + f->plen, 0, (size_t)off - f->plen);
	memcpy(f->pending + off, buf, size);
	if (off + size > f->plen)
		f->plen = (size_t)(off + size);
	f->dirty = true;
	f->written = true;
	return 0;
}

int fitem_truncate(struct store *st, struct store_file *f, uint64_t size)
{
	int rc = check_handle(st, f, true);

	if (rc == 0)
		rc = load(st, f);
	if (rc == 0 && size > f->plen)
		rc = reserve(st, f, (size_t)size);
	if (rc)
		return rc;
	if (size > f->plen)
		memset(f->pending + f->plen, 0, (size_t)size - f->plen);
	f->plen = (size_t)size;
	f->dirty = true;
	f->written = true;
	return 0;
}

/* Store `data` as the whole new content of item `n` in folder `dir`. */
static int put_version(struct store *st, const struct node_info *n,
		       const struct node_info *dir, int type,
		       struct istate *is, const unsigned char *data,
		       size_t len, int64_t actor)
{
	struct pim_info info;
	struct content ct;
	int64_t t = now_ns();
	int rc;

	rc = item_check(st, type, data, len, &info);
	if (rc == 0)
		rc = item_claim(st, n->ino, dir, &info, 0);
	if (rc == 0)
		rc = content_load(st, n->ino, &ct);
	if (rc)
		return rc;
	/* The stored version becomes an earlier one (history.c). */
	if (ct.size > 0) {
		bool kept = false;

		content_free(&ct);
		rc = hist_version(st, n->ino, HIST_MOVE, actor, &kept);
		if (rc == 0)
			rc = content_load(st, n->ino, &ct);
		if (rc)
			return rc;
	}
	rc = check_room(st, n, ct.size, (int64_t)len);
	if (rc == 0)
		rc = content_update(st, is, &ct, 0, NULL, 0, 0);
	if (rc == 0 && len)
		rc = content_update(st, is, &ct, 0, data, len, -1);
	content_free(&ct);
	if (rc == 0)
		rc = meta_node_mtime_set(st, n->ino, t);
	return rc;
}

static int commit_locked(struct store *st, struct store_file *f)
{
	struct node_info n, dir;
	int rc;

	rc = check_handle(st, f, true);
	if (rc == 0)
		rc = node_info(st, (int64_t)f->is->ino, &n);
	if (rc == 0)
		rc = node_info(st, f->dir, &dir);
	if (rc == 0)
		rc = put_version(st, &n, &dir, f->item, f->is, f->pending,
				 f->plen, f->caller.account);
	return rc;
}

/* A new item refused before it ever held a valid version goes away. */
static void drop_fresh(struct store *st, struct store_file *f)
{
	char saved[sizeof(st->errmsg)];
	struct node_info n;
	char name[256] = "";
	int rc;

	memcpy(saved, st->errmsg, sizeof(saved));
	if (txn_begin(st))
		return;
	rc = node_info(st, (int64_t)f->is->ino, &n);
	if (rc == 0 &&
	    meta_dirent_name(st, f->dir, n.ino, name, sizeof(name)) == 0)
		rc = node_remove_name(st, f->dir, name, &n, 0, false);
	if (txn_end(st, rc) == 0)
		copy_str(f->gone, sizeof(f->gone), name);
	memcpy(st->errmsg, saved, sizeof(saved));
}

/*
 * `last` is the release (the last close); otherwise a close(2) or fsync.
 * A close before anything was written (a shell's `> file` dups the
 * descriptor and closes the first one before the write) checks nothing
 * yet: the version is checked when something was written, or at release.
 */
int fitem_commit(struct store *st, struct store_file *f, bool last)
{
	struct pim_info info;
	int rc;

	if (!f->item || !f->dirty || (!last && !f->written))
		return 0;
	f->written = false;
	/* The check first, with no store lock held: others go on. */
	pthread_rwlock_rdlock(&f->is->rw);
	rc = item_check(st, f->item, f->pending, f->plen, &info);
	pthread_rwlock_unlock(&f->is->rw);
	if (rc == 0) {
		pthread_rwlock_wrlock(&f->is->rw);
		rc = txn_begin(st);
		if (rc == 0)
			rc = txn_end(st, commit_locked(st, f));
		pthread_rwlock_unlock(&f->is->rw);
	}
	f->dirty = false;
	if (rc == 0) {
		f->fresh = false;
		f->took_effect = true;
		content_empty_trash(st);
		return 0;
	}
	/* Refused: the new version is dropped, the stored one stays. */
	if (f->pending)
		sodium_memzero(f->pending, f->pcap);
	f->plen = 0;
	f->loaded = false;
	if (f->fresh)
		drop_fresh(st, f);
	return rc;
}

/* truncate(2) by name on an item: the shortened item must still be one. */
int fitem_truncate_path(struct store *st, const struct store_caller *c,
			const struct node_info *n, uint64_t size, bool *done)
{
	unsigned char *data = NULL;
	struct node_info dir;
	char name[256];
	size_t len = 0;
	int type, rc;

	*done = false;
	rc = item_place(st, n->ino, &dir, name, sizeof(name));
	if (rc == -ENOENT)
		return 0;
	type = rc ? ITEM_NONE : item_type(&dir, name);
	if (rc || !type)
		return rc;
	if (size > ITEM_MAX)
		return store_fail(st, -EFBIG, "an item holds at most %d MiB",
				  ITEM_MAX >> 20);
	rc = item_read(st, n->ino, &data, &len);
	if (rc == 0 && size > len) {
		unsigned char *p = realloc(data, (size_t)size);

		if (!p)
			rc = -ENOMEM;
		else {
			memset(p + len, 0, (size_t)size - len);
			data = p;
		}
	}
	if (rc == 0)
		rc = put_version(st, n, &dir, type, NULL, data, (size_t)size,
				 c->account);
	free(data);
	*done = rc == 0;
	return rc;
}

int item_put_version(struct store *st, const struct node_info *n,
		     const struct node_info *dir, int type, const void *data,
		     size_t len)
{
	return put_version(st, n, dir, type, NULL, data, len, 0);
}

void fitem_free(struct store_file *f)
{
	if (f->pending)
		sodium_memzero(f->pending, f->pcap);
	free(f->pending);
	free(f->gen);
	f->pending = NULL;
	f->gen = NULL;
}
