// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Quotas: what a space may hold.  Every byte a member can store counts
 * against the space's capacity (its administrator's plan): file content at
 * its apparent size (space.used) and metadata (space.meta: the names and
 * values of extended attributes, the targets of symbolic links).  The
 * number of entries (names of files, folders and links that members put
 * there: space.files) is bounded by the capacity too, so nobody grows the
 * database by megabytes at 0 bytes used.  The engine keeps the three
 * counters; this file holds the limits and the refusals.
 *
 * One errno for each kind of limit, everywhere (SPEC.md, Quotas):
 *  - ENOSPC: a space is full: content bytes, metadata bytes or entries
 *    (this file, and only this file, says so);
 *  - EDQUOT: a plan's count is reached: groups administered, members
 *    (pending invitations included), invitations (model/);
 *  - EFBIG: one object is larger than any may be: a file past the largest
 *    offset, a calendar or contact item, an account photo, a message
 *    (vfs/, pim/, model/account.c, mail/).
 * The file system passes each to the caller as it is; groupctl prints
 * the reason with it.
 */
#include "internal.h"

/* One entry per ENTRY_BYTES of capacity, never fewer than ENTRY_FLOOR: an
 * entry costs the database a few hundred bytes (its node, its name of up
 * to 255 bytes, their indexes), so the metadata of a full space stays a
 * fraction of its capacity, while real trees (whose files average tens
 * of KiB and more) never meet the limit. */
#define ENTRY_BYTES 2048
#define ENTRY_FLOOR 1024

int64_t quota_max_entries(int64_t capacity)
{
	int64_t n = capacity / ENTRY_BYTES;

	return n > ENTRY_FLOOR ? n : ENTRY_FLOOR;
}

static void room_memo(struct store *st, int64_t space, const struct room *r,
		      bool bytes_only)
{
	struct memo *m = st->memo;

	if (st->txn_depth <= 0 || space <= 0)
		return;
	m->room.wseq = st->wseq;
	m->room.space = space;
	m->room.bytes_only = bytes_only;
	m->room.room = *r;
	m->room.room.max_files = quota_max_entries(r->capacity);
}

/* The room of `space` as remembered in this transaction (only its bytes
 * unless `whole`), or false. */
static bool room_known(struct store *st, int64_t space, bool whole,
		       struct room *out)
{
	struct memo *m = st->memo;

	if (st->txn_depth <= 0 || space <= 0 || m->room.space != space ||
	    m->room.wseq != st->wseq || (whole && m->room.bytes_only))
		return false;
	*out = m->room.room;
	return true;
}

void space_room_memo(struct store *st, int64_t space, const struct room *r)
{
	room_memo(st, space, r, false);
}

void space_bytes_memo(struct store *st, int64_t space, const struct room *r)
{
	room_memo(st, space, r, true);
}

int space_room(struct store *st, int64_t space, struct room *out)
{
	int rc;

	if (room_known(st, space, true, out))
		return 0;
	rc = meta_space_room(st, space, out);
	if (rc == 0) {
		out->max_files = quota_max_entries(out->capacity);
		room_memo(st, space, out, false);
	}
	return rc;
}

/* May the space take `grow` more bytes of content or metadata? */
static int check_bytes(struct store *st, int64_t space, int64_t grow,
		       const char *what)
{
	struct room r;
	int rc;

	if (grow <= 0 || space <= 0)
		return 0;
	/* Its bytes may be all that is known (space_bytes_memo). */
	rc = room_known(st, space, false, &r) ? 0 : space_room(st, space, &r);
	if (rc)
		return rc;
	if (r.used + r.meta + grow > r.capacity)
		return store_fail(st, -ENOSPC,
				  "the space is full: %s count against its "
				  "capacity, set by the administrator's plan",
				  what);
	/* History lives in the free room only: it gives way. */
	if (r.hist > 0 && r.used + r.meta + r.hist + grow > r.capacity)
		return hist_make_room(st, space, grow);
	return 0;
}

int check_room(struct store *st, const struct node_info *n, int64_t from,
	       int64_t to)
{
	return check_bytes(st, n->space, to - from,
			   "file contents at their apparent size");
}

int check_meta_room(struct store *st, int64_t space, int64_t grow,
		    const char *what)
{
	return check_bytes(st, space, grow, what);
}

int check_entries(struct store *st, int64_t space, int64_t parent)
{
	struct room r;
	int rc;

	if (space <= 0)
		return 0;
	rc = space_room(st, space, &r);
	if (rc)
		return rc;
	/* The space's own folders (its tools, the members' drop folders)
	 * are the group's doing, not entries of a member's. */
	if (r.root == 0 || parent == r.root || parent == r.drop_dir)
		return 0;
	if (r.files > r.max_files)
		return store_fail(st, -ENOSPC,
				  "the space holds its maximum of %lld entries "
				  "(files, folders and links: one per %d KiB "
				  "of capacity, at least %d)",
				  (long long)r.max_files, ENTRY_BYTES / 1024,
				  ENTRY_FLOOR);
	return 0;
}

bool entry_fits(const struct room *before)
{
	return before->files + 1 <= quota_max_entries(before->capacity);
}

int check_restore_room(struct store *st, int64_t space, int64_t grow)
{
	struct room r;
	int rc;

	if (grow <= 0 || space <= 0)
		return 0;
	rc = space_room(st, space, &r);
	if (rc == 0 && r.used + r.meta + grow > r.capacity)
		rc = store_fail(st, -ENOSPC,
				"the space is full: what is restored counts "
				"against its capacity");
	return rc;
}

int hist_make_room(struct store *st, int64_t space, int64_t grow)
{
	struct room r;
	int64_t id;
	int rc;

	for (;;) {
		rc = space_room(st, space, &r);
		if (rc || r.hist <= 0 ||
		    r.used + r.meta + r.hist + grow <= r.capacity)
			return rc;
		/* The oldest entry gives way (each costs room: its bytes,
		 * its metadata, ENTRY_COST); one still open would only move
		 * its bytes to live use. */
		rc = meta_hist_oldest(st, space, &id);
		if (rc == -ENOENT)
			return 0;
		if (rc == 0)
			rc = meta_hist_remove(st, id);
		if (rc)
			return rc;
		st->hist_freed = true;
	}
}
