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
struct room;
struct store_names;
struct store_cal_grant;

/* Add `node`'s own setting of right `perm` (enum store_right) as a new
 * folder's: not for all members, nobody named (the administrators hold
 * it still). */
int meta_acl_add_default(struct store *st, int64_t node, int perm);
/* The folder whose setting governs `perm` on folder `node`: the nearest
 * one upwards (itself included) with a setting, into *owner.  -ENOENT:
 * none up to the top. */
int meta_acl_owner(struct store *st, int64_t node, int perm, int64_t *owner);
/* Whether `node`'s own setting of `perm` grants it to `account` (all
 * members, or named), into *yes.  -ENOENT: `node` has no such setting. */
int meta_acl_grants(struct store *st, int64_t node, int perm, int64_t account,
		    bool *yes);
/* Whether `node`'s own setting of `perm` is for all members, into *all.
 * -ENOENT: `node` has no such setting. */
int meta_acl_all(struct store *st, int64_t node, int perm, bool *all);
/* The members named in `node`'s setting of `perm`, by username, into
 * *out (out->name malloc'd, the caller's to free; NULL when none). */
int meta_acl_members(struct store *st, int64_t node, int perm,
		     struct store_names *out);
/* Replace `node`'s setting of `perm`: for all members (all) and/or the
 * `n` accounts in `ids` (a repeated id counts once). */
int meta_acl_set(struct store *st, int64_t node, int perm, bool all,
		 const int64_t *ids, size_t n);
/* Drop `node`'s own setting of `perm` (it inherits again); 0 when it had
 * none. */
int meta_acl_clear(struct store *st, int64_t node, int perm);
/* 0 when `account` is named among item `node`'s editors, -ENOENT when
 * not. */
int meta_editor_has(struct store *st, int64_t node, int64_t account);
/* How many of `node` and, for a folder, the nodes below it `account`
 * does not edit by their own setting (creator, all members, named), into
 * *count. */
int meta_editor_missing(struct store *st, int64_t node, int64_t account,
			int64_t *count);
/* Item `node`'s named editors, by username, into *out (out->name
 * malloc'd, the caller's to free; NULL when none). */
int meta_editors_list(struct store *st, int64_t node, struct store_names *out);
/* Replace item `node`'s editors: all members (all) and the `n` accounts
 * in `ids` (a repeated id counts once). */
int meta_editors_set(struct store *st, int64_t node, bool all,
		     const int64_t *ids, size_t n);
/* The name of the group whose space holds `node`, into buf (len bytes).
 * -ENOENT: no such node, or a private space's. */
int meta_node_group_name(struct store *st, int64_t node, char *buf,
			 size_t len);
/* 0 when `node` is the root folder of `space`, -ENOENT when not. */
int meta_space_root_is(struct store *st, int64_t space, int64_t node);
/* The space's counters, its root and drop folder and its capacity (its
 * administrator's or owner's plan) into *out; max_files is left to the
 * caller.  -ENOENT: no such space. */
int meta_space_room(struct store *st, int64_t space, struct room *out);

/* End `owner`'s calendar grant to `grantee` (0 when there was none). */
int meta_cal_grant_drop(struct store *st, int64_t owner, int64_t grantee);
/* Set `owner`'s grant of `rights` (STORE_CAL_*) to `grantee`, held
 * through every group the two share now (added to the ones it held);
 * *links: the groups it is held through after. */
int meta_cal_grant_set(struct store *st, int64_t owner, int64_t grantee,
		       unsigned rights, int64_t *links);
/* The grants `account` made or holds, ordered by owner then grantee,
 * into *out (malloc'd, *n of them; the caller frees). */
int meta_cal_grant_list(struct store *st, int64_t account,
			struct store_cal_grant **out, size_t *n);
/* The rights `owner` grants `grantee` while a group link holds the
 * grant, into *rights.  -ENOENT: no grant, or none held. */
int meta_cal_grant_rights(struct store *st, int64_t owner, int64_t grantee,
			  unsigned *rights);


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


/* ---- the store: content rows, check, backup (sqlite/store.c) --------- */
/* (store) */
struct content;

/* Item `ino`'s content row (an alias resolved to the node it stands for)
 * into *ct: its id, space, size, content id, cipher, whether chunked and,
 * when inline, a malloc'd copy of the sealed blob (ct->inline_blob, the
 * caller's to free: content_free).  Other fields are left as they were.
 * -ENOENT: no such node. */
int meta_content_get(struct store *st, int64_t ino, struct content *ct);
/* Item `ino`'s content is now inline: the sealed `blob` (len bytes; NULL
 * and 0 for none), content id `cid`, `size` bytes; with touch != 0 (ns)
 * its mtime and ctime too. */
int meta_content_set_inline(struct store *st, int64_t ino,
			    const unsigned char *blob, size_t len,
			    const unsigned char cid[16], int64_t size,
			    int64_t touch);
/* Item `ino`'s content is now in the content file of `cid`, `size`
 * bytes; with touch != 0 (ns) its mtime and ctime too. */
int meta_content_set_chunked(struct store *st, int64_t ino,
			     const unsigned char cid[16], int64_t size,
			     int64_t touch);
/* The content id of one content file whose deletion committed, into cid
 * (malformed rows are dropped on the way).  -ENOENT: none left. */
int meta_trash_next(struct store *st, unsigned char cid[16]);
/* Forget the content file of `cid`: it is removed. */
int meta_trash_drop(struct store *st, const unsigned char cid[16]);

/* The model's invariants that meta_check_rule looks for rows breaking
 * (check.c names each rule for the report). */
enum meta_rule {
	META_RULE_GROUP_ADMIN,
	META_RULE_GROUP_SPACE,
	META_RULE_ACCOUNT_SPACE,
	META_RULE_TOOL_ACL,
	META_RULE_INVITED_MEMBER,
	META_RULE_GRANT_UNLINKED,
	META_RULE_GRANT_LEFT,
	META_RULE_ACL_NONMEMBER,
	META_RULE_EDITOR_NONMEMBER,
	META_RULE_DIRENT_PARENT,
	META_RULE_NLINK_FILE,
	META_RULE_NLINK_DIR,
	META_RULE_NODE_UNNAMED,
	META_RULE_SPACE_USED,
	META_RULE_SPACE_HIST,
	META_RULE_HIST_DIR_EMPTY,
	META_RULE_HIST_NODE,
	META_RULE_SPACE_META,
	META_RULE_UNLINKED_NAMED,
	META_RULE_UNREACHABLE,
	META_RULE_DIR_TWICE,
	META_RULE_BAD_NAME,
	META_RULE_PIM_NOT_FILE,
	META_RULE_DROP_NOT_DIR,
	META_RULE_DROP_MISSING,
	META_RULE_LINK_ACROSS,
	META_RULE_ALIAS_NAMED,
	META_RULE_ALIAS_LOOP,
	META_RULE_GROUP_NAME_KEY,
	META_RULE_SPACE_FILES,
	META_RULES /* how many */
};
/*
 * The store's check (check.c), in a read transaction (meta_begin) so that
 * every call sees one state.  Each returns one malloc'd text per problem
 * found in *out (a malloc'd array of *n; the caller frees both; an entry
 * is NULL where the row names nothing).
 *  - meta_check_integrity: the engine's own check of its files, indexes
 *    and records (its messages);
 *  - meta_check_references: rows pointing to rows that are not there
 *    (the tables holding them);
 *  - meta_check_rule: the rows breaking `rule` (the group, account, item,
 *    entry or space each names).
 */
int meta_check_integrity(struct store *st, char ***out, size_t *n);
int meta_check_references(struct store *st, char ***out, size_t *n);
int meta_check_rule(struct store *st, enum meta_rule rule, char ***out,
		    size_t *n);
/* Every group's name, in order of id, into *out (malloc'd strings in a
 * malloc'd array of *n; the caller frees both). */
int meta_check_group_names(struct store *st, char ***out, size_t *n);
/* The ids of every regular file of a space still linked (nlink > 0),
 * ascending, into *out (malloc'd, *n of them; the caller frees). */
int meta_check_files(struct store *st, int64_t **out, size_t *n);

/*
 * An online copy of a store's database file, for backup.c.  It runs on
 * connections of its own (not a store's), so that the store may go on
 * writing while it copies:
 *  - meta_backup_open: before the store's write lock, open `src` and the
 *    copy `dest` (an empty file the caller made, whose mode the engine's
 *    own files next to it take);
 *  - meta_backup_snapshot: under the lock, fix the instant the copy is of
 *    (a read transaction on `src`);
 *  - meta_backup_run: after the lock, copy that snapshot, calling
 *    step(arg, done, total) as it goes (units of the engine's choosing);
 *  - meta_backup_end: end the snapshot and close the copy, complete in
 *    its one file;
 *  - meta_backup_close: free it, whatever came before (NULL: nothing).
 * Each returns 0 or -EIO (-ENOMEM) with the engine's reason in why (len
 * bytes; the caller names the copy); meta_backup_end says no reason.
 */
struct meta_backup;
int meta_backup_open(const char *src, const char *dest,
		     struct meta_backup **out, char *why, size_t len);
int meta_backup_snapshot(struct meta_backup *b, char *why, size_t len);
int meta_backup_run(struct meta_backup *b,
		    void (*step)(void *arg, uint64_t done, uint64_t total),
		    void *arg, char *why, size_t len);
int meta_backup_end(struct meta_backup *b);
void meta_backup_close(struct meta_backup *b);
/* 0 when the database file at `path` opens read-only (nothing written
 * next to it) and passes the engine's quick check of itself; -EINVAL when
 * not, -ENOMEM. */
int meta_backup_sound(const char *path);
/* The account whose Unix user is `uid`, into *id.  -ENOENT: none. */
int meta_caller_account(struct store *st, int64_t uid, int64_t *id);


#endif
