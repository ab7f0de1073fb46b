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

/* The file managers' trash (gtrash.c).  `account` is the caller's; `name`
 * an entry of its .Trash-UID/files/. */
/* Account `account`'s Unix user (-1: none).  -ENOENT: no such account. */
int meta_gtrash_uid(struct store *st, int64_t account, int64_t *uid);
/* Account `account`'s GTRASH_INFO_FOLDER in its private space.
 * -ENOENT: none. */
int meta_gtrash_info_folder(struct store *st, int64_t account, int64_t *ino);
/* The root folder of private space `space`.  -ENOENT: no such private
 * space. */
int meta_gtrash_space_root(struct store *st, int64_t space, int64_t *root);
/* The account of space `space` (0: a group's).  -ENOENT: no such space. */
int meta_gtrash_space_owner(struct store *st, int64_t space, int64_t *account);
/* The entry (copied to `name`, `len` bytes) and view folder of GT_DIR
 * folder `id`.  -ENOENT: none of `account`'s. */
int meta_gtrash_dir_get(struct store *st, int64_t id, int64_t account,
			char *name, size_t len, uint64_t *hdir);
/* 0 when an entry the move to `name` made is still in view folder
 * `hdir` or below it; -ENOENT otherwise. */
int meta_gtrash_dir_live(struct store *st, int64_t account, const char *name,
			 uint64_t hdir);
/* Entry `name`: its history entry (a file; 0: none), view folder (a
 * folder; 0: none) and GT_DIR folder id (0: none). -ENOENT: no such
 * entry. */
int meta_gtrash_find(struct store *st, int64_t account, const char *name,
		     int64_t *hist, uint64_t *hdir, int64_t *dir);
/* The GT_DIR folder id of entry `gtname`'s view folder `child` in view
 * folder `hdir`.  -ENOENT: none. */
int meta_gtrash_child_dir(struct store *st, int64_t account, const char *gtname,
			  uint64_t hdir, const char *child, int64_t *id);
/* The latest file entry `child` in view folder `hdir` of the move to
 * `gtname`.  -ENOENT: none. */
int meta_gtrash_child_file(struct store *st, int64_t account,
			   const char *gtname, uint64_t hdir, const char *child,
			   int64_t *hist);
/* The names of the folders and files of the move to `gtname` in view
 * folder `hdir`, after `after` (NULL: all), sorted, each once. */
int meta_gtrash_dir_names(struct store *st, int64_t account, const char *gtname,
			  uint64_t hdir, const char *after, char ***names,
			  size_t *n);
/* The names of `account`'s files/ after `after` (NULL: all), sorted. */
int meta_gtrash_names(struct store *st, int64_t account, const char *after,
		      char ***names, size_t *n);
/* Some name in live folder `dir` (cut to `len`).  -ENOENT: it is empty. */
int meta_gtrash_some_child(struct store *st, int64_t dir, char *name,
			   size_t len);
/* How many items folder `ino` is with all below it, counting no further
 * than `limit`. */
int meta_gtrash_tree_count(struct store *st, int64_t ino, int64_t limit,
			   int64_t *count);
/* The history entry node `ino` belongs to (0: none).  -ENOENT: no such
 * node. */
int meta_gtrash_node_hist(struct store *st, int64_t ino, int64_t *hist);
/* Entry `name` now stands for history entry `hist` (a file) or view
 * folder `hdir` (a folder) of `space`, moved at `at`; an entry of that
 * name before is replaced. */
int meta_gtrash_add(struct store *st, int64_t account, const char *name,
		    int64_t space, int64_t hist, uint64_t hdir, int64_t at);
/* Folder entry `name` (view folder `hdir`): the trash entries of `space`
 * after entry `first` are its, and so are the view folders from them up
 * to `hdir`; *dir: the GT_DIR folder id of `hdir`. */
int meta_gtrash_add_tree(struct store *st, int64_t account, const char *name,
			 int64_t space, int64_t first, uint64_t hdir,
			 int64_t *dir);
/* The space entry `name` came from.  -ENOENT: no such entry. */
int meta_gtrash_space(struct store *st, int64_t account, const char *name,
		      int64_t *space);
/* Remove entry `name` (its history stays). */
int meta_gtrash_remove(struct store *st, int64_t account, const char *name);
/* 0 when the move to `name` has an entry in view folder `hdir` or below
 * other than the deleted folder `hdir` itself; -ENOENT otherwise. */
int meta_gtrash_dir_holds(struct store *st, int64_t account, const char *name,
			  uint64_t hdir);
/* One entry the move to `name` made in view folder `hdir`.  -ENOENT:
 * none. */
int meta_gtrash_dir_entry(struct store *st, int64_t account, const char *name,
			  uint64_t hdir, int64_t *hist);


/* ---- history: the view (sqlite/histview.c) --------------------------- */
/* (histview) */


/* ---- the mounted tree's changes and open files (sqlite/vfs.c) -------- */
/* (vfs) */


/* ---- PIM items, members/, mail (sqlite/pim.c) ------------------------ */
/* (pim) */


/* ---- the store: content rows, check, backup (sqlite/store.c) --------- */
/* (store) */


#endif
