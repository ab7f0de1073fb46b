/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The storage seam: every call the rules make on the store's metadata.
 * An engine implements all of it (the SQLite engine: backend/sqlite/); the
 * rules above name no database, no SQL and no engine type.  Nothing outside
 * backend/ includes this header.
 *
 * Conventions, for every call below unless its comment says otherwise:
 *  - Returns 0 or a negative errno.  -ENOENT: no such row.  -EEXIST: a
 *    uniqueness the engine keeps (a name in a folder, a group name) would
 *    break.  -EBUSY: the store stayed locked.  -EIO: the engine failed; a
 *    message is set (store_fail) and logged.
 *  - Out-parameters hold their result only on 0; on error they are left
 *    as they were, except that pointers a call allocates are NULL.
 *  - Lists come back as malloc'd arrays the caller frees (and, for texts,
 *    each string in them); no statement stays open across calls, so the
 *    caller may write while it walks a list.
 *  - A call that changes rows must run inside a write transaction
 *    (txn_begin, backend/txn.c); a read outside one sees one statement's
 *    snapshot only.
 *  - st->wseq moves with every call that may change rows and at every
 *    transaction boundary: caches above the engine compare it.
 *
 * What every engine keeps by itself, inside the transaction that makes the
 * change (the SQLite engine does it with triggers, backend/sqlite/schema.c):
 *  - space.used and space.hist_used: the bytes and entries each space holds
 *    live and in history (quota.c reads them, never recounts);
 *  - the folder counts (a folder's files and subfolders);
 *  - the rights generation (meta_rights_gen): it moves with every change of
 *    rights, membership, ACLs, editors, calendar grants, plans and an
 *    account's plan or Unix user;
 *  - the journal: one row per change of a node or a name, tagged with this
 *    process's origin (shared.origin), for the daemons' cache invalidation;
 *  - a node's public links end when the node loses its last name;
 *  - the xattr byte counts of a node;
 *  - history's folders: hooks->hist_gone when a view folder's entry goes;
 *    a node still open (hooks->node_open) is never freed with its history.
 */
#ifndef GROUPFS_META_H
#define GROUPFS_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* What the engine asks of the rules (set once per store: shared.hooks). */
struct meta_hooks {
	/* Whether item `ino` is open here or in another daemon: history
	 * must not free what a descriptor still reads or writes. */
	bool (*node_open)(struct store *st, uint64_t ino);
	/* An entry of history's view folder `hdir` in `space` went. */
	void (*hist_gone)(struct store *st, int64_t space, uint64_t hdir);
};

/* ---- connection, schema, transactions (sqlite/db.c, sqlite/schema.c) -- */
/* Open the metadata at `path` (create: a new store). */
int meta_open(struct store *st, const char *path, bool readonly, bool create);
/* Close; st->eng is NULL after (a detached handle). */
void meta_close(struct store *st);
/* Whether the store's schema is older than this groupfs (-EPROTO, with a
 * message, when it is newer). */
int meta_schema_behind(struct store *st, bool *behind);
/* In a write transaction: bring the schema up to date.  *fresh: the store
 * was empty (its default rows are the caller's to add). */
int meta_migrate(struct store *st, bool *fresh);
/* The engine's own transaction; txn.c adds the rules' part around it. */
int meta_begin(struct store *st, bool write);
int meta_commit(struct store *st);
void meta_rollback(struct store *st);
/* A savepoint in the current transaction, and its end: kept (keep) or
 * rolled back to and released. */
int meta_savepoint(struct store *st);
int meta_savepoint_end(struct store *st, bool keep);
/* The rights generation (see above). */
int meta_rights_gen(struct store *st, int64_t *out);

/* ---- the tree: nodes, names, xattrs, links (sqlite/tree.c) ----------- */
/* (tree) */


/* ---- access: rights, calendar grants, quota (sqlite/access.c) -------- */
/* (access) */


/* ---- model: accounts, plans, invitations (sqlite/model.c) ------------ */
/* (model) */


/* ---- model: groups and membership (sqlite/group.c) ------------------- */
/* (group) */


/* ---- history: recording, trash (sqlite/history.c) -------------------- */
/* (history) */


/* ---- history: the view (sqlite/histview.c) --------------------------- */
/* (histview) */


/* ---- the mounted tree's changes and open files (sqlite/vfs.c) -------- */
/* (vfs) */


/* ---- PIM items, members/, mail (sqlite/pim.c) ------------------------ */
/* (pim) */
struct store_account;
struct store_letter;

/* The bytes of an item's keyed UID hash (item.c): the engine stores it,
 * never the UID. */
#define META_UID_BYTES 16

/* An item of a folder, by name. */
struct meta_item {
	char name[256];
	int64_t ino;
};

/* A space and an account (an account to make something for there). */
struct meta_space_account {
	int64_t space, account;
};

/* What changes when a calendar folder does: the folder's mtime, its
 * entries' largest mtime and ctime (0 when none) and their count. */
struct meta_calendar_stamp {
	int64_t mtime, max_mtime, max_ctime, count;
};

/* The name in `dir` of an item other than `ino` and `replacing` whose
 * UID hashes to `uid` (META_UID_BYTES), into name (len bytes); -ENOENT
 * when none. */
int meta_item_uid_taken(struct store *st, int64_t dir, const unsigned char *uid,
			int64_t ino, int64_t replacing, char *name, size_t len);
/* Record node `ino` as an item of `dir` of `kind` (enum pim_kind), its UID
 * hash `uid` (META_UID_BYTES; NULL: it has none), replacing what `ino` had.
 * With a hash, any other item of `dir` with it (a nameless item, still
 * open) loses it first. */
int meta_item_claim(struct store *st, int64_t ino, int64_t dir,
		    const unsigned char *uid, int kind);
/* The name of an item of `dir` named NAME.ics or NAME.vcf whose UID hashes
 * to `uid` (META_UID_BYTES), into name (len bytes); -ENOENT when none. */
int meta_item_find_uid(struct store *st, int64_t dir, const unsigned char *uid,
		       char *name, size_t len);
/* Node `ino` is no item any more (no row: 0). */
int meta_item_release(struct store *st, int64_t ino);
/* The named items of folder `dir`, by name: *out (malloc'd, *n of them;
 * the caller frees it). */
int meta_item_list(struct store *st, int64_t dir, struct meta_item **out,
		   size_t *n);
/* The items of `dir` of `kind` (enum pim_kind), by node: *out (malloc'd,
 * *n of them; the caller frees it). */
int meta_item_nodes(struct store *st, int64_t dir, int kind, int64_t **out,
		    size_t *n);

/* The members/ folder of `space` into *dir (0: the space has none). */
int meta_member_dir(struct store *st, int64_t space, int64_t *dir);
/* Mark node `ino` as generated content `gen` (enum node_gen). */
int meta_member_mark(struct store *st, int64_t ino, int gen);
/* Every membership of a group whose space has a members/ folder that has
 * no entry named after the member: *out (malloc'd, *n of them; the
 * caller frees it). */
int meta_member_missing(struct store *st, struct meta_space_account **out,
			size_t *n);
/* The personal calendar folder of `account` into *root; -ENOENT when the
 * account has no private space. */
int meta_member_calendar(struct store *st, int64_t account, int64_t *root);
/* What changes when calendar folder `root` does (never -ENOENT). */
int meta_member_calendar_stamp(struct store *st, int64_t root,
			       struct meta_calendar_stamp *out);
/* The latest mtime of calendar folder `root` and of its entries into
 * *mtime; -ENOENT when there is no such node. */
int meta_member_calendar_mtime(struct store *st, int64_t root, int64_t *mtime);
/* The photo's type of `account` ("" when it has none) into type (len
 * bytes); -ENOENT when no such account. */
int meta_member_photo_type(struct store *st, int64_t account, char *type,
			   size_t len);
/* The email of `account` into email (len bytes); -ENOENT when no such
 * account. */
int meta_member_email(struct store *st, int64_t account, char *email,
		      size_t len);
/* The profile of `account` for its card: out's username, first, last,
 * org, email and photo_type (its other fields untouched), and its photo
 * into *photo (malloc'd, *photo_len bytes, the caller frees it; NULL and 0
 * when it has none or no memory was left for it: the card goes without).
 * -ENOENT when no such account. */
int meta_member_card(struct store *st, int64_t account,
		     struct store_account *out, void **photo,
		     size_t *photo_len);
/* The photo of `account` into *data (malloc'd, *len bytes, the caller
 * frees it); -ENOENT when it has none. */
int meta_member_photo(struct store *st, int64_t account, char **data,
		      size_t *len);

/* The mail/ folder of `space` into *mail (0: none made yet); -ENOENT when
 * no such space. */
int meta_mail_root(struct store *st, int64_t space, int64_t *mail);
/* The root folder of `space` into *root; -ENOENT when no such space. */
int meta_mail_space_root(struct store *st, int64_t space, int64_t *root);
/* Record `mail` as the mail/ folder of `space`. */
int meta_mail_root_set(struct store *st, int64_t space, int64_t mail);
/* Every member holds right `perm` (enum store_right) on node `node`. */
int meta_mail_acl_members(struct store *st, int64_t node, int perm);
/* Every group space with no mail/ yet, with its administrator (0: none):
 * *out (malloc'd, *n of them; the caller frees it). */
int meta_mail_missing(struct store *st, struct meta_space_account **out,
		      size_t *n);
/* One entry of folder `ino`: its parent into *parent, its name into name
 * (len bytes); -ENOENT when it has none. */
int meta_mail_entry(struct store *st, int64_t ino, int64_t *parent, char *name,
		    size_t len);
/* The name of the group with mail address `address` into name (len
 * bytes); -ENOENT when none has it. */
int meta_mail_address_group(struct store *st, const char *address, char *name,
			    size_t len);
/* The group with mail address `address` into *group; -ENOENT when none. */
int meta_mail_address_owner(struct store *st, const char *address,
			    int64_t *group);
/* The mail address of group `group` into addr (len bytes); -ENOENT when
 * it has none. */
int meta_mail_address_get(struct store *st, int64_t group, char *addr,
			  size_t len);
/* Set the mail address of group `group`.  Another group's row with the
 * same address is replaced: the caller checks first (_owner). */
int meta_mail_address_set(struct store *st, int64_t group, const char *addr);
/* Group `group` has no mail address any more (none: 0). */
int meta_mail_address_del(struct store *st, int64_t group);
/* The setting `key` of how the store sends mail into out (len bytes);
 * -ENOENT when it is not set. */
int meta_mail_config_get(struct store *st, const char *key, char *out,
			 size_t len);
/* Set the setting `key` to `value`. */
int meta_mail_config_set(struct store *st, const char *key, const char *value);
/* Unset the setting `key` (not set: 0). */
int meta_mail_config_del(struct store *st, const char *key);
/* The pending invitation of `account` to group `group`: out's to,
 * invitee, inviter, inviter_name ("" when the inviter is gone), created
 * and sent (its other fields untouched); -ENOENT when none is pending. */
int meta_mail_letter(struct store *st, int64_t group, int64_t account,
		     struct store_letter *out);


/* ---- the store: content rows, check, backup (sqlite/store.c) --------- */
/* (store) */


#endif
