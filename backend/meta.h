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
/* The model's vocabulary: enum store_tool, struct store_attr and the sizes
 * of names the structs below hold. */
#include "store.h"

struct node_info;

/* Node `ino` (through its alias, see RESOLVE in internal.h) with its space
 * and its first folder, into *out (all of it: node.c's memo keeps it). */
int meta_node_get(struct store *st, int64_t ino, struct node_info *out);
/* What the mount shows of node `ino` (through its alias): mode, nlink,
 * size, times and the creator's Unix uid (-1: none), into *out, all of
 * whose other fields are zero but ino. */
int meta_node_attr(struct store *st, int64_t ino, struct store_attr *out);
/* Node `ino`'s creator, 0 when it has none. */
int meta_node_creator(struct store *st, int64_t ino, int64_t *creator);
/* A new node, with no name yet (see meta_dirent_add). */
struct meta_node_new {
	int64_t space;
	int tool; /* enum node_tool */
	uint32_t mode;
	int64_t nlink;
	int64_t creator;	  /* 0: none */
	int64_t time_ns;	  /* its atime, mtime and ctime */
	const unsigned char *cid; /* its content's id, cid_len bytes */
	size_t cid_len;
	int cipher;
};
/* Add node `n`; *ino: its id, never one used before. */
int meta_node_add(struct store *st, const struct meta_node_new *n,
		  int64_t *ino);
/* Folder `dir` changed: nlink moves by `nlink_delta`, mtime and ctime
 * become `time_ns`. */
int meta_node_touch_dir(struct store *st, int64_t dir, int nlink_delta,
			int64_t time_ns);
/* Node `ino`'s ctime becomes `time_ns`. */
int meta_node_set_ctime(struct store *st, int64_t ino, int64_t time_ns);

/* The child named `name` in folder `parent`. */
int meta_dirent_find(struct store *st, int64_t parent, const char *name,
		     int64_t *child);
/* Name `child` in folder `parent`.  -EEXIST: the name is taken. */
int meta_dirent_add(struct store *st, int64_t parent, const char *name,
		    int64_t child);
/* A folder that holds node `child` (any one, when it has several names).
 * -ENOENT: it has no name. */
int meta_dirent_parent(struct store *st, int64_t child, int64_t *parent);
/* A folder that holds `child` (any one) and the name it has there, into
 * name (len bytes).  -ENAMETOOLONG: the name does not fit (nothing is
 * copied).  -ENOENT: it has no name. */
int meta_dirent_up(struct store *st, int64_t child, int64_t *parent, char *name,
		   size_t len);
/* As meta_dirent_up, but always the name in the folder of lowest id;
 * parent may be NULL. */
int meta_dirent_first(struct store *st, int64_t child, int64_t *parent,
		      char *name, size_t len);
/* *reaches: whether `ancestor` is `node` or a folder above it, through
 * any of the names of each. */
int meta_dirent_reaches(struct store *st, int64_t node, int64_t ancestor,
			bool *reaches);
/* The newest mtime or ctime of the entries of folder `dir`, 0 when it is
 * empty. */
int meta_dirent_newest(struct store *st, int64_t dir, int64_t *ns);
/* An entry as a folder lists it. */
struct meta_dirent {
	char *name; /* malloc'd */
	int64_t ino;
	/* The fields below are not filled by meta_root_list. */
	struct store_attr a; /* as meta_node_attr, of the entry's own node */
	int64_t creator;     /* 0: none */
	bool editors_all;    /* all members may edit it */
	bool editor;	     /* the account given is one of its editors */
};
/* The entries of folder `dir` in name order: names after `after` ("" for
 * all), at most `max`, skipping the first `offset`.  `account`: whose
 * editorship fills .editor.  *out: malloc'd, *n entries; the caller frees
 * each name and the array. */
int meta_dirent_list(struct store *st, int64_t dir, int64_t account,
		     const char *after, size_t max, uint64_t offset,
		     struct meta_dirent **out, size_t *n);
/* The same for the mount's root as `account` sees it: "Private" for its
 * private space and the name of each of its groups, with the root folder
 * of each space as ino. */
int meta_root_list(struct store *st, int64_t account, const char *after,
		   size_t max, uint64_t offset, struct meta_dirent **out,
		   size_t *n);

/* The root folder of private space of `account`. */
int meta_space_private_root(struct store *st, int64_t account, int64_t *root);
/* The root folder of the space of group `name`, of which `account` is a
 * member.  -ENOENT: no such group, or not a member. */
int meta_space_group_root(struct store *st, const char *name, int64_t account,
			  int64_t *root);
/* The private space of `account`. */
int meta_space_private(struct store *st, int64_t account, int64_t *space);
/* The folder of tool `tool` in space `space` (0 when it has none).
 * -EINVAL: a tool spaces do not hold. */
int meta_space_tool(struct store *st, int64_t space, enum store_tool tool,
		    int64_t *folder);

/* Value of extended attribute `name` of node `node`: *len its length; it
 * is copied to buf when it fits `size` bytes.  -ENOENT: no such
 * attribute. */
int meta_xattr_get(struct store *st, int64_t node, const char *name, void *buf,
		   size_t size, size_t *len);
/* The length of that value.  -ENOENT: no such attribute. */
int meta_xattr_size(struct store *st, int64_t node, const char *name,
		    int64_t *len);
/* The names of node's attributes in order: *out malloc'd strings in a
 * malloc'd array of *n; the caller frees them. */
int meta_xattr_names(struct store *st, int64_t node, char ***out, size_t *n);
/* Set (add or replace) an attribute; value may be NULL when size is 0. */
int meta_xattr_set(struct store *st, int64_t node, const char *name,
		   const void *value, size_t size);
/* Remove an attribute.  -ENOENT: it had none of that name. */
int meta_xattr_remove(struct store *st, int64_t node, const char *name);
/* The usernames of node's editors but `except`, in order, as
 * meta_xattr_names. */
int meta_editor_names(struct store *st, int64_t node, int64_t except,
		      char ***out, size_t *n);

/* A public link with what serving it needs. */
struct meta_link {
	int64_t id, space, node, expires, created;
	int tool;	    /* enum store_tool */
	int64_t created_by; /* 0: unknown */
	int64_t group;	    /* 0 for a private space */
	int64_t owner;	    /* private space: its account */
	int64_t docroot;    /* the space's documents folder */
	int64_t reader;	    /* the space's administrator or owner, 0:
			       none */
	char group_name[STORE_GROUPNAME_BYTES + 1]; /* "" if private */
};
/* The link whose token hashes to `hash` (hash_len bytes). */
int meta_link_by_hash(struct store *st, const unsigned char *hash,
		      size_t hash_len, struct meta_link *out);
/* Link `id`. */
int meta_link_get(struct store *st, int64_t id, struct meta_link *out);
/* The links of space `space` (0: of all spaces) by id: *out malloc'd,
 * *n of them; the caller frees it. */
int meta_link_list(struct store *st, int64_t space, struct meta_link **out,
		   size_t *n);
/* A new link; *id its id. */
int meta_link_add(struct store *st, const unsigned char *hash, size_t hash_len,
		  int64_t space, int64_t node, enum store_tool tool,
		  int64_t created_by, int64_t created, int64_t expires,
		  int64_t *id);
/* End link `id` (no error when there is none). */
int meta_link_remove(struct store *st, int64_t id);
/* The links' base URL: set it, or read it into buf (len bytes, cut to
 * fit).  -ENOENT: none was set. */
int meta_link_base_url_set(struct store *st, const char *url);
int meta_link_base_url_get(struct store *st, char *buf, size_t len);

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


/* ---- the store: content rows, check, backup (sqlite/store.c) --------- */
/* (store) */


#endif
