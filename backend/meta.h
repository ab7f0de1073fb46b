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
/* Names and links (fsdir.c). */
/* Add the name `name` in folder `parent` for node `child`.  -EEXIST: the
 * folder holds that name already. */
int meta_dirent_add(struct store *st, int64_t parent, const char *name,
		    int64_t child);
/* Remove the name `name` from folder `parent` (0 when it held none). */
int meta_dirent_del(struct store *st, int64_t parent, const char *name);
/* Point the name `name` of folder `parent` at node `child` (0 when the
 * folder holds no such name). */
int meta_dirent_set_child(struct store *st, int64_t parent, const char *name,
			  int64_t child);
/* Move the name `name` of folder `parent` to `newname` in `newparent`.
 * -EEXIST: `newparent` holds `newname` already. */
int meta_dirent_move(struct store *st, int64_t parent, const char *name,
		     int64_t newparent, const char *newname);
/* 0 when folder `parent` holds at least one name; -ENOENT when it holds
 * none. */
int meta_dirent_any(struct store *st, int64_t parent);
/* Into *parent, a folder that holds a name of node `child` (any one, when
 * it has several).  -ENOENT: the node has no name. */
int meta_dirent_parent(struct store *st, int64_t child, int64_t *parent);
/* Into name (len bytes, cut to fit), the name node `child` has in folder
 * `parent` (any one, when it has several there).  -ENOENT: none. */
int meta_dirent_name(struct store *st, int64_t parent, int64_t child,
		     char *name, size_t len);
/* One more (delta 1) or one fewer (delta -1) link to node `ino`, changed
 * at `ctime` (ns). */
int meta_node_nlink_add(struct store *st, int64_t ino, int delta,
			int64_t ctime);
/* Node `ino` has lost its last name but stays, unlinked (nlink 0), for
 * the descriptors still open on it; changed at `ctime`. */
int meta_node_unlinked(struct store *st, int64_t ino, int64_t ctime);
/* Delete node `ino`'s row (0 when there was none); what depends on it
 * goes with it (its xattrs, its content to the trash). */
int meta_node_del(struct store *st, int64_t ino);
/* Node `ino` stops being an item of folder `dir` when it no longer has an
 * item name (NAME.ics, NAME.vcf) there (0 when nothing changed). */
int meta_item_drop_unnamed(struct store *st, int64_t ino, int64_t dir);
/* The symbolic link `ino` points at `target`; its size becomes the
 * target's length. */
int meta_node_target_set(struct store *st, int64_t ino, const char *target);
/* Into buf (len bytes), the target of symbolic link `ino`.  -ENOENT: no
 * such node; -ENAMETOOLONG (no message): the target does not fit. */
int meta_node_target(struct store *st, int64_t ino, char *buf, size_t len);
/* Node `ino`'s folder is of tool `tool` now (a rename), changed at
 * `ctime`. */
int meta_node_tool_set(struct store *st, int64_t ino, int tool, int64_t ctime);
/* The save pattern (fsdir.c save_over), in this order: */
/* The chunked content of node `ino`, if any, goes to the trash (emptied by
 * content_empty_trash after the commit). */
int meta_node_content_trash(struct store *st, int64_t ino);
/* Node `dst` takes node `src`'s content, mode bits and times, changed at
 * `ctime`; `src` still names the same content until
 * meta_node_content_clear. */
int meta_node_content_take(struct store *st, int64_t src, int64_t dst,
			   int64_t ctime);
/* Node `dst`'s xattrs are replaced by node `src`'s, which move. */
int meta_xattr_move(struct store *st, int64_t src, int64_t dst);
/* Node `ino` holds no content (empty) and its row no longer trashes any. */
int meta_node_content_clear(struct store *st, int64_t ino);
/* Node `src` is unlinked and answers as node `dst` (an alias, removed at
 * the next mount), changed at `ctime`. */
int meta_node_alias(struct store *st, int64_t src, int64_t dst, int64_t ctime);

/* Open files and attributes (fsfile.c, fsitem.c). */
/* Into *gen the rights generation (meta_rights_gen) and into *alias
 * whether node `ino` is an alias (meta_node_alias), in one read; a missing
 * node is no alias. */
int meta_rights_gen_alias(struct store *st, int64_t ino, int64_t *gen,
			  bool *alias);
/* Into *nlink, node `ino`'s link count.  -ENOENT: no such node. */
int meta_node_nlink(struct store *st, int64_t ino, int64_t *nlink);
/* Delete node `ino` if it has no link and history does not hold it (0
 * either way). */
int meta_node_free_unlinked(struct store *st, int64_t ino);
/* meta_node_free_unlinked for every such node of the store. */
int meta_nodes_free_unlinked(struct store *st);
/* Node `ino`'s mtime and ctime become `t` (ns). */
int meta_node_mtime_set(struct store *st, int64_t ino, int64_t t);
/* What meta_node_attrs_set changes: a false flag keeps the column. */
struct meta_node_attrs {
	bool set_mode, set_atime, set_mtime;
	uint32_t mode;		     /* permission bits only (07777) */
	int64_t atime, mtime, ctime; /* ns; ctime is always set */
};
/* Node `ino`'s mode bits and times as `a` says, in one change. */
int meta_node_attrs_set(struct store *st, int64_t ino,
			const struct meta_node_attrs *a);
/* Into *root, the root folder of space `space`.  -ENOENT: no such
 * space. */
int meta_space_root(struct store *st, int64_t space, int64_t *root);
/* Into *root, the root folder of account `account`'s private space.
 * -ENOENT: the account has none. */
int meta_private_root(struct store *st, int64_t account, int64_t *root);
/* Into *ino, the folder of `tool` (enum store_tool: documents, calendar
 * or contacts, else -EINVAL with no message) in account `account`'s
 * private space.  -ENOENT: the account has none. */
int meta_private_tool(struct store *st, int64_t account, int tool,
		      int64_t *ino);
/* Into *parent and name (len bytes, cut to fit), a name of node `ino`,
 * an item name (NAME.ics, NAME.vcf) if it has one.  -ENOENT: it has no
 * name. */
int meta_item_place(struct store *st, int64_t ino, int64_t *parent, char *name,
		    size_t len);
/* 0 when node `ino` is a stored item; -ENOENT when it is not. */
int meta_item_is(struct store *st, int64_t ino);
/* Durability of the next commits.  full: from the return on, a commit is
 * durable when it returns and makes every commit before it durable too
 * (SQLite: synchronous FULL syncs the write-ahead log).  !full: back to
 * the store's fast commits, durable by a later one; this always returns 0
 * (a failure only leaves commits slower, and is not reported).  Outside a
 * transaction. */
int meta_durable(struct store *st, bool full);
/* A write with no other effect, so that a transaction has a commit to
 * make durable (meta_durable). */
int meta_sync_mark(struct store *st);

/* The journal and the daemons (fsfile.c, daemons.c). */
/* At most this many journal rows per meta_journal_since. */
#define META_JOURNAL_BATCH 4096
/* A journal row (see the header): ino for a changed node; else parent
 * and name for a changed entry; all three 0/NULL for rights. */
struct meta_change {
	int64_t seq, ino, parent;
	char *name; /* malloc'd, or NULL */
};
/* Into *seq, the last journal row's number (0 when the journal is
 * empty). */
int meta_journal_end(struct store *st, int64_t *seq);
/* Into *out (*n of them, in order), the journal rows after `seq` made by
 * processes other than `origin`, at most META_JOURNAL_BATCH.  The caller
 * frees each name and the array. */
int meta_journal_since(struct store *st, int64_t seq, int64_t origin,
		       struct meta_change **out, size_t *n);
/* Delete the journal rows up to `seq`.  May run outside a transaction. */
int meta_journal_trim(struct store *st, int64_t seq);
/* Into *seq, the last journal row `origin` made.  -ENOENT: none. */
int meta_journal_last_of(struct store *st, int64_t origin, int64_t *seq);
/* Daemon `pid` of origin `origin` has applied the journal up to `seq`
 * (its record never moves back). */
int meta_daemon_ack(struct store *st, int64_t pid, int64_t origin, int64_t seq);
/* Daemon `pid` of origin `origin` has stopped: its record goes. */
int meta_daemon_leave(struct store *st, int64_t pid, int64_t origin);
/* Into *pids (*n of them), the daemons whose record is behind `seq`; a
 * record that names no process gives 0.  The caller frees the array. */
int meta_daemon_behind(struct store *st, int64_t seq, int64_t **pids,
		       size_t *n);


/* ---- PIM items, members/, mail (sqlite/pim.c) ------------------------ */
/* (pim) */


/* ---- the store: content rows, check, backup (sqlite/store.c) --------- */
/* (store) */


#endif
