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
struct hist_keep;

/* How space `space` keeps history: its group's keep_days and
 * keep_versions, `days` and `versions` where the group sets none (and for
 * a private space); out->fits: whether `cost` more bytes fit in the
 * space's capacity beside what it holds live, as metadata and in history.
 * -ENOENT: no such space. */
int meta_hist_keep(struct store *st, int64_t space, int64_t days,
		   int64_t versions, int64_t cost, struct hist_keep *out);
/* View folder `name` in view folder `parent` (an inode number of the
 * view): its hist_dir id.  -ENOENT: none. */
int meta_hist_dir_find(struct store *st, uint64_t parent, const char *name,
		       int64_t *id);
/* Make it, in `space`: *id its new hist_dir id.  -EEXIST: it exists. */
int meta_hist_dir_add(struct store *st, int64_t space, uint64_t parent,
		      const char *name, int64_t *id);
/* 0 when view folder `id` (a hist_dir id) exists, else -ENOENT. */
int meta_hist_dir_exists(struct store *st, int64_t id);
/* Remove the entries of `space` recorded before `before` (ns); *gone:
 * whether any went. */
int meta_hist_expire(struct store *st, int64_t space, int64_t before,
		     bool *gone);
/* A new history entry (meta_hist_add). */
struct meta_hist_entry {
	int64_t space;
	int kind;      /* HIST_TRASH, HIST_VERSION */
	uint64_t hdir; /* its view folder */
	const char *name;
	bool is_dir;
	int tool;
	int64_t dir; /* the live folder it was in */
	int64_t at;  /* ns */
	int64_t actor;
	int64_t drop_owner, dropper; /* a drop folder's; 0: none */
	int64_t node;		     /* its node; 0: none (yet) */
	/* What it costs beside its content; the engine adds its node's
	 * link target and extended attributes. */
	int64_t cost;
};
/* Record entry `e`: *id its id. */
int meta_hist_add(struct store *st, const struct meta_hist_entry *e,
		  int64_t *id);
/* Node `node` now belongs to entry `hist`: no link left, ctime `ctime`. */
int meta_hist_hold_node(struct store *st, int64_t node, int64_t hist,
			int64_t ctime);
/* The content size of node `node`.  -ENOENT: no such node. */
int meta_hist_node_size(struct store *st, int64_t node, int64_t *size);
/* One name of node `node`: its folder and the name (cut to `len`).
 * -ENOENT: it has none. */
int meta_hist_node_name(struct store *st, int64_t node, int64_t *parent,
			char *name, size_t len);
/* A detached copy of node `node`'s row for entry `hist`, which names it
 * after (hist.node): *vid its id.  With `fresh`, it has no content yet,
 * under content id `cid` (16 bytes); else it takes the node's. */
int meta_hist_version_node(struct store *st, int64_t node, bool fresh,
			   const unsigned char *cid, int64_t hist,
			   int64_t *vid);
/* Node `node` left empty, under new content id `cid` (16 bytes). */
int meta_hist_node_empty(struct store *st, int64_t node,
			 const unsigned char *cid);
/* Keep the newest `keep` versions in view folder `hdir`, remove the
 * others; *gone: whether any went. */
int meta_hist_trim(struct store *st, uint64_t hdir, int64_t keep, bool *gone);
/* The oldest entry of `space` whose node (if any) is not open.  -ENOENT:
 * none. */
int meta_hist_oldest(struct store *st, int64_t space, int64_t *id);
/* Remove entry `id` for good; its node goes with it (one still open
 * lives on unlinked until closed). */
int meta_hist_remove(struct store *st, int64_t id);
/* The largest entry id so far (0: none); ids only grow. */
int meta_hist_last_id(struct store *st, int64_t *id);
/* The node of entry `hist` (0: none).  -ENOENT: no such entry. */
int meta_hist_node(struct store *st, int64_t hist, int64_t *node);
/* Remove view folder `id` when empty (no entry in it, no folder below
 * it, no entry of .Trash-UID showing it): *parent its parent (an inode
 * number of the view).  -ENOENT: not empty, or gone. */
int meta_hist_dir_prune(struct store *st, int64_t id, int64_t *parent);
/* Remove every emptied view folder of `space` (-1: of every space),
 * leaves up, until none is left. */
int meta_hist_dirs_prune(struct store *st, int64_t space);


/* ---- history: the view (sqlite/histview.c) --------------------------- */
/* (histview) */


/* ---- the mounted tree's changes and open files (sqlite/vfs.c) -------- */
/* (vfs) */


/* ---- PIM items, members/, mail (sqlite/pim.c) ------------------------ */
/* (pim) */


/* ---- the store: content rows, check, backup (sqlite/store.c) --------- */
/* (store) */


#endif
