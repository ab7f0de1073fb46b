/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The storage seam: every call the rules make on the store's metadata.
 * An engine implements all of it under its own prefix (the SQLite engine,
 * backend/sqlite/: sq_node_get for meta_node_get); the rules above name no
 * database, no SQL and no engine type.  Nothing outside backend/ includes
 * this header.
 *
 * Each call taking the store first goes through the table of the engine
 * the store opened with (st->ops, chosen by meta_open in core/engine.c).
 * The table, the calls through it and each engine's prototypes are made
 * from this header at build time (scripts/gen-meta-ops), so a call is
 * written here once, with its contract, and an engine that misses one or
 * types it otherwise does not build.
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
 *  - the access generation (meta_access_gen): it moves with the rights
 *    generation, a folder's move to another folder, an account's
 *    addition and removal;
 *  - the journal: one row per change of a node or a name, tagged with this
 *    process's origin (shared.origin), for the daemons' cache invalidation;
 *    an engine may leave out the rows of nodes and names while
 *    st->journal_quiet is set (a write transaction with no other daemon
 *    to read them: txn.c), never those of rights (SQLite tags those with
 *    the origin negated then; readers skip both signs of their own);
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

#include "store.h"

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
/* In a write transaction: 0 while the store's schema is one this groupfs
 * knows; -EROFS with a message (store_schema_newer) once a newer groupfs
 * has upgraded it, since this handle opened it, to a schema whose rows
 * this one would write wrong.  Cheap in a transaction like any other:
 * SQLite asks only after another connection's commit, PostgreSQL reads it
 * with the generations sent ahead with the BEGIN. */
int meta_schema_current(struct store *st);
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
/* Where a connection stood when it read the access generation: what
 * meta_unchanged_since compares.  The engine's own figures. */
struct meta_mark {
	uint64_t version; /* moves with every commit, of any process */
	uint64_t writes;  /* this connection's changes, rollbacks, errors */
	uint64_t resets;  /* this connection's rollbacks and errors */
};
/* The access generation, what the access cache (access/cache.c) holds
 * its answers against: it moves with the rights generation and besides
 * when a folder moves to another folder (what its contents inherit
 * changes) and when an account is added or removed (a Unix user gains or
 * loses one).  *mark: where st stood when it was read. */
int meta_access_gen(struct store *st, int64_t *gen, struct meta_mark *mark);
/* Without a query: whether nothing can have changed since `mark` as st
 * sees the store now (no commit by any process, no change, rollback or
 * error on st).  false when the engine cannot tell: outside a
 * transaction, and in one before its first statement. */
bool meta_unchanged_since(struct store *st, const struct meta_mark *mark);
/* Whether a transaction is open on st (the engine may end one by itself
 * on some errors: a full disk, an I/O error). */
bool meta_txn_active(struct store *st);

/* ---- the tree: nodes, names, xattrs, links (sqlite/tree.c) ----------- */
/* (tree) */
/* The model's vocabulary: enum store_tool, struct store_attr and the sizes
 * of names the structs below hold. */

struct node_info;
struct room;

/* Node `ino` (through its alias, see RESOLVE in sqlite/engine.h) with its space
 * and its first folder, into *out (all of it: node.c's memo keeps it);
 * with the columns of meta_node_attr too when the engine chooses
 * (node_info.attr). */
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
/* The same, and the child's node as meta_node_get gives it (without its
 * alias: a name never leads to a node consumed by a rename), in one
 * query where the engine can. */
int meta_dirent_find_node(struct store *st, int64_t parent, const char *name,
			  int64_t *child, struct node_info *out);
/* A name looked up: folder `dir` as meta_node_get gives it into *folder,
 * and the child named `name` in it (in folder->ino, once resolved) as
 * meta_dirent_find_node gives it: *child 0 when there is none.  In one
 * query where the engine can.  -ENOENT: there is no folder `dir`. */
int meta_dirent_find_pair(struct store *st, int64_t dir, const char *name,
			  struct node_info *folder, int64_t *child,
			  struct node_info *out);
/* Name `child` in folder `parent`.  -EEXIST: the name is taken. */
int meta_dirent_add(struct store *st, int64_t parent, const char *name,
		    int64_t child);
/* A new node with its first name, in one query where the engine can:
 * meta_node_add(n), meta_dirent_add(parent, name) and
 * meta_node_touch_dir(parent, nlink_delta, n->time_ns), then *ino its id
 * and *out the node as meta_node_get gives it, and, where the engine
 * reads it in the same query, the room of n->space as meta_space_room
 * gave it before (*has_before; max_files left to the caller).  -EEXIST:
 * the name is taken, and the node may have been added without it: the
 * caller's transaction must fail. */
int meta_node_add_named(struct store *st, const struct meta_node_new *n,
			int64_t parent, const char *name, int nlink_delta,
			int64_t *ino, struct node_info *out,
			struct room *before, bool *has_before);
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
/* meta_space_private (model: groups and membership) gives the private
 * space of an account. */
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

struct limits;

/* A new plan (plans_seed): -EEXIST when one has its name already. */
int meta_plan_add(struct store *st, const struct store_plan *p);
/* Make plan p->name hold p's four limits, adding it if there is none. */
int meta_plan_set(struct store *st, const struct store_plan *p);
/* Plan `name`, with the count of accounts on it. */
int meta_plan_get(struct store *st, const char *name, struct store_plan *out);
/* Every plan, smallest group capacity first: *out (malloc'd, *n). */
int meta_plan_list(struct store *st, struct store_plan **out, size_t *n);
/* Remove plan `name` (nothing when there is none). */
int meta_plan_remove(struct store *st, const char *name);
/* The id of plan `name`. */
int meta_plan_id(struct store *st, const char *name, int64_t *id);
/* The plan limits of `account`: -ENOENT when there is no such account. */
int meta_plan_limits(struct store *st, int64_t account, struct limits *out);

/* The id of the account named `username` (no message on -ENOENT). */
int meta_account_id(struct store *st, const char *username, int64_t *id);
/* The username of account `id`, into buf (len bytes). */
int meta_account_name(struct store *st, int64_t id, char *buf, size_t len);
/* The account bound to Unix uid `uid`. */
int meta_account_by_uid(struct store *st, int64_t uid, int64_t *id);
/* 0 when accounts a and b are members of one group, -ENOENT when not. */
int meta_account_co_members(struct store *st, int64_t a, int64_t b);
/* A new account: a's username, first, last and email with `org`, the
 * password hash `pwhash` (NULL: none), plan id `plan`, creation time
 * `created` and Unix uid `unix_uid` (-1: none); *id: its id.  -EEXIST: the
 * username or the uid is taken. */
int meta_account_add(struct store *st, const struct store_account *a,
		     const char *org, const char *pwhash, int64_t plan,
		     int64_t created, int64_t unix_uid, int64_t *id);
/* Set one text field of account `id`: `field` is STORE_ACCOUNT_FIRST,
 * _LAST, _ORG or _EMAIL (-EINVAL for any other). */
int meta_account_set_text(struct store *st, int64_t id, unsigned field,
			  const char *value);
/* Put account `id` on plan id `plan`. */
int meta_account_set_plan(struct store *st, int64_t id, int64_t plan);
/* Bind account `id` to Unix uid `uid` (-1: unbind).  -EEXIST: another
 * account has it. */
int meta_account_set_uid(struct store *st, int64_t id, int64_t uid);
/* Account `id`, every field filled (the rules hide what a caller may not
 * see). */
int meta_account_get(struct store *st, int64_t id, struct store_account *out);
/* By username: every account (all), else `account` and its co-members;
 * every field filled.  *out: malloc'd, *n of them. */
int meta_account_list(struct store *st, bool all, int64_t account,
		      struct store_account **out, size_t *n);
/* The name of the first group (by name) account `id` administers, into
 * buf (len bytes): -ENOENT when it administers none. */
int meta_account_admin_of(struct store *st, int64_t id, char *buf, size_t len);
/* Remove account `id`; its memberships, grants, private space and content
 * go with it. */
int meta_account_remove(struct store *st, int64_t id);
/* Set the photo of account `id` (`len` bytes of MIME type `type`), or
 * remove it when data is NULL. */
int meta_account_set_photo(struct store *st, int64_t id, const void *data,
			   size_t len, const char *type);
/* The photo of account `id`: *data (malloc'd, the caller frees), *len and
 * its MIME type.  -ENOENT: it has none. */
int meta_account_photo(struct store *st, int64_t id, void **data, size_t *len,
		       char type[16]);
/* Set the password hash of account `id` (NULL: no password). */
int meta_account_set_pwhash(struct store *st, int64_t id, const char *hash);
/* The password hash of the account named `username`, into buf (len
 * bytes): -ENOENT when there is no such account or it has no password. */
int meta_account_pwhash(struct store *st, const char *username, char *buf,
			size_t len);

/* 0 when account `account` has a pending invitation to group `group`,
 * -ENOENT when not. */
int meta_invitation_find(struct store *st, int64_t group, int64_t account);
/* Invite `account` to `group`, by account `by`, at time `now` (its first
 * sending).  -EEXIST: it is invited already. */
int meta_invitation_add(struct store *st, int64_t group, int64_t account,
			int64_t by, int64_t now);
/* The pending invitations to `group`, by invitee's username, or of
 * `account`, by group name: *out (malloc'd, *n of them). */
int meta_invitation_list_group(struct store *st, int64_t group,
			       struct store_invitation **out, size_t *n);
int meta_invitation_list_account(struct store *st, int64_t account,
				 struct store_invitation **out, size_t *n);
/* Count one more sending of the invitation of `account` to `group`, at
 * time `now`. */
int meta_invitation_resend(struct store *st, int64_t group, int64_t account,
			   int64_t now);
/* Remove the invitation of `account` to `group` (nothing when there is
 * none). */
int meta_invitation_remove(struct store *st, int64_t group, int64_t account);
/* The invitation of `account` to `group` accepted: it goes, and `account`
 * joins `group` as a member at time `now`.  -EEXIST: it is a member
 * already. */
int meta_invitation_accept(struct store *st, int64_t group, int64_t account,
			   int64_t now);

/* Private/invitations/ (invitations.c). */
/* The root folder of space `space`: -ENOENT when it is not a private
 * space. */
int meta_space_root_if_private(struct store *st, int64_t space,
				int64_t *root);
/* The account of space `space` (0 for a group's space). */
int meta_private_owner(struct store *st, int64_t space, int64_t *owner);
/* The invitations/ folder of the private space of `account`: -ENOENT when
 * it has none. */
int meta_invitations_dir(struct store *st, int64_t account, int64_t *dir);
/* The private spaces that lack invitations/ or .trash-info: *out
 * (malloc'd, *n of them). */
int meta_invitations_unmade(struct store *st, int64_t **out, size_t *n);
/* A pending invitation that has no file yet. */
struct meta_invitation_unfiled {
	int64_t group;
	char name[STORE_GROUPNAME_BYTES + 1]; /* the group's */
};
/* The pending invitations of `account` that have no file: *out (malloc'd,
 * *n of them). */
int meta_invitation_unfiled(struct store *st, int64_t account,
			    struct meta_invitation_unfiled **out, size_t *n);
/* Node `ino` becomes the file (GEN_INVITATION) that shows the invitation
 * of `account` to `group`; it goes with the invitation. */
int meta_invitation_file_add(struct store *st, int64_t ino, int64_t group,
			     int64_t account);
/* What the file `ino` shows of its invitation. */
struct meta_invitation_file {
	char group[STORE_GROUPNAME_BYTES + 1];
	char description[STORE_DESC_MAX + 1]; /* the group's */
	char by[STORE_USERNAME_MAX + 1];      /* "" when the inviter is gone */
	char by_name[2 * STORE_TEXT_MAX + 2]; /* "first last", or "" */
	int64_t created, last_sent, sent;
};
/* -ENOENT: `ino` shows no invitation (any more). */
int meta_invitation_file_get(struct store *st, int64_t ino,
			     struct meta_invitation_file *out);


/* ---- model: groups and membership (sqlite/group.c) ------------------- */
/* (group) */
struct grp;

/* Group `key` (its name's casefold()) as account `account` sees it, into
 * *out (role STORE_ROLE_NONE where `account` is no member).  -ENOENT: no
 * group has that key. */
int meta_group_find(struct store *st, const char *key, int64_t account,
		    struct grp *out);
/* Every group (all) or the groups `account` is a member of, by name key,
 * each with `account`'s role: *out (malloc'd, *n of them; NULL when none)
 * the caller frees. */
int meta_group_list(struct store *st, int64_t account, bool all,
		    struct grp **out, size_t *n);
/* The published groups matching every criterion given, by name key, each
 * with `account`'s role, as meta_group_list: `key` ("" any) a substring of
 * the name key, `business` (-1 any) 0 or 1, `sector` ("" any, compared
 * case-insensitively), `language` ("" any) an ISO 639 code. */
int meta_group_search(struct store *st, int64_t account, const char *key,
		      int business, const char *sector, const char *language,
		      struct grp **out, size_t *n);
/* The id of the group named by `key`.  -ENOENT: none. */
int meta_group_id(struct store *st, const char *key, int64_t *id);
/* A new group `name` (`key`: its casefold()) created at `created`, with
 * the default settings; its id into *id.  -EEXIST: the key is taken. */
int meta_group_add(struct store *st, const char *name, const char *key,
		   int64_t created, int64_t *id);
/* Store settings `s` of group `gid`. */
int meta_group_set_settings(struct store *st, int64_t gid,
			    const struct store_group_settings *s);
/* Delete group `gid` with its space, contents, invitations, rights and
 * grants, then every personal-calendar grant no group carries any more. */
int meta_group_delete(struct store *st, int64_t gid);
/* Members plus pending invitations of group `gid`, into *n. */
int meta_group_headcount(struct store *st, int64_t gid, int64_t *n);
/* Pending invitations of group `gid`, into *n. */
int meta_group_invitation_count(struct store *st, int64_t gid, int64_t *n);
/* The user name (unless `username` is NULL) and email of account `admin`,
 * a group's administrator, into the buffers.  -ENOENT: no such account. */
int meta_group_admin_contact(struct store *st, int64_t admin, char *username,
			     size_t ulen, char *email, size_t elen);

/* A space's top folders (space_create). */
struct meta_space_dirs {
	int64_t root, documents, calendar, contacts, drop, members;
};
/* A new space owned by group `owner` (group) or by account `owner`; its
 * id into *space.  -EEXIST: the owner has one. */
int meta_space_add(struct store *st, bool group, int64_t owner,
		   int64_t *space);
/* Set the top folders of `space`, and its count of entries to 0. */
int meta_space_set_dirs(struct store *st, int64_t space,
			const struct meta_space_dirs *d);
/* The private space of `account`, into *space.  -ENOENT: none. */
int meta_space_private(struct store *st, int64_t account, int64_t *space);
/* The content bytes `space` uses (space.used), into *used.  -ENOENT: no
 * such space. */
int meta_space_used(struct store *st, int64_t space, int64_t *used);
/* The drop/ folder of `space`, into *drop.  -ENOENT: no such space. */
int meta_space_drop_dir(struct store *st, int64_t space, int64_t *drop);

/* The role (enum store_role) of `account` in group `gid`, into *role.
 * -ENOENT: not a member. */
int meta_membership_role(struct store *st, int64_t gid, int64_t account,
			 int *role);
/* Members of group `gid`, into *n. */
int meta_membership_count(struct store *st, int64_t gid, int64_t *n);
/* Groups `account` administers, into *n. */
int meta_membership_admin_count(struct store *st, int64_t account,
				int64_t *n);
/* The members of group `gid`, by role (highest first) then user name,
 * every field filled: *out (malloc'd, *n of them; NULL when none) the
 * caller frees. */
int meta_membership_list(struct store *st, int64_t gid,
			 struct store_member **out, size_t *n);
/* The accounts of the members of group `gid` other than its
 * administrator: *ids (malloc'd, *n of them; NULL when none) the caller
 * frees. */
int meta_membership_others(struct store *st, int64_t gid, int64_t **ids,
			   size_t *n);
/* `account` becomes the administrator of the new group `gid`, joined at
 * `joined`.  -EEXIST: it is a member already. */
int meta_membership_add_admin(struct store *st, int64_t gid, int64_t account,
			      int64_t joined);
/* `account` joins group `gid` as a member at `joined`; its invitation to
 * the group, if any, is used up.  -EEXIST: it is a member already. */
int meta_membership_join(struct store *st, int64_t gid, int64_t account,
			 int64_t joined);
/* Set the role of member `account` of group `gid`. */
int meta_membership_set_role(struct store *st, int64_t gid, int64_t account,
			     enum store_role role);
/* The administrator role of group `gid` passes from member `from` (who
 * stays a member) to member `to`. */
int meta_membership_handover(struct store *st, int64_t gid, int64_t from,
			     int64_t to);
/* The membership of `account` in group `gid` ends, with the rights (ACL
 * entries, editor rows) granted to it by name in the group's `space`. */
int meta_membership_end(struct store *st, int64_t gid, int64_t space,
			int64_t account);
/* The personal-calendar grants held through group `gid` between `account`
 * and anyone, in either direction, end; so do the grants of `account`,
 * either way, that no group carries any more. */
int meta_membership_grants_end(struct store *st, int64_t gid,
			       int64_t account);


/* ---- history: recording, trash (sqlite/history.c) -------------------- */
/* (history) */
struct hist_keep;

/* How space `space` keeps history: its group's keep_days and
 * keep_versions, `days` and `versions` where the group sets none (and for
 * a private space); out->fits: whether `cost` more bytes fit in the
 * space's capacity beside what it holds live, as metadata and in history;
 * out->dir_exists: whether view folder `dir` (a hist_dir id; 0: none is
 * asked about) exists.  -ENOENT: no such space. */
int meta_hist_keep(struct store *st, int64_t space, int64_t days,
		   int64_t versions, int64_t cost, int64_t dir,
		   struct hist_keep *out);
/* View folder `name` in view folder `parent` (an inode number of the
 * view): its hist_dir id.  -ENOENT: none. */
int meta_hist_dir_find(struct store *st, uint64_t parent, const char *name,
		       int64_t *id);
/* Make it, in `space`: *id its new hist_dir id.  -EEXIST: it exists. */
int meta_hist_dir_add(struct store *st, int64_t space, uint64_t parent,
		      const char *name, int64_t *id);
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
	/* Not 0: `node`, an item, now belongs to the entry (its hist), with
	 * no link left and this ctime (ns). */
	int64_t hold_ctime;
};
/* Record entry `e`, and its node's change (e->hold_ctime) in the same
 * query where the engine can: *id its id. */
int meta_hist_add(struct store *st, const struct meta_hist_entry *e,
		  int64_t *id);
/* The content size of node `node`.  -ENOENT: no such node. */
int meta_hist_node_size(struct store *st, int64_t node, int64_t *size);
/* One name of node `node`: its folder and the name (cut to `len`).
 * -ENOENT: it has none. */
int meta_hist_node_name(struct store *st, int64_t node, int64_t *parent,
			char *name, size_t len);
/* A detached copy of node `node`'s row for entry `hist`, which names it
 * after (hist.node): *vid its id.  With `fresh`, it has no content yet,
 * under content id `cid` (16 bytes); else it takes the node's, inline
 * content included.  -ENOENT: no such node. */
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
/*
 * History's view (histview.c).  Folders of the view are rows of hist_dir,
 * named here by their id (the low 48 bits of their inode number) or by
 * their inode number (uint64_t hdir).  "Visible" below: an entry account
 * `account` sees, kept until `cutoff` (ns): not older than the cutoff and,
 * for a drop folder's entry, only to the drop folder's owner and its
 * depositor while the owner is still a member of the space's group.
 */
/* A name of the view with its entry (or view folder) id and time. */
struct meta_hview_name {
	int64_t id;
	int64_t at;	/* ns (files only) */
	char name[256]; /* an entry name: 255 bytes at most */
};
/* What deciding a purge needs of a history entry. */
struct meta_hview_origin {
	int64_t space, group;	     /* group 0: a private space */
	int64_t dir;		     /* the live folder it came from */
	int64_t drop_owner, dropper; /* 0 outside drop folders */
	uint64_t hdir;		     /* its view folder */
	int kind, tool;		     /* HIST_TRASH or HIST_VERSION; TOOL_* */
	bool is_dir;
};
/* What groupctl shows of a history entry. */
struct meta_hview_detail {
	int kind; /* HIST_TRASH or HIST_VERSION */
	bool is_dir;
	int64_t at;
	char by[STORE_USERNAME_MAX + 1]; /* the actor's username, "" */
	int64_t size;	 /* of its node, 0 without one */
	uint64_t hdir;
	char name[256];
};
/* Space `space`'s group (0 for a private space) and owner (0 for a group's
 * space). */
int meta_hview_space_owner(struct store *st, int64_t space, int64_t *group,
			   int64_t *owner);
/* View folder `id`: its space and its parent's inode number. */
int meta_hview_dir_up(struct store *st, int64_t id, int64_t *space,
		      uint64_t *parent);
/* View folder `id`: its parent's inode number and its name (into `name`,
 * `len` bytes, truncated to fit). */
int meta_hview_dir_name(struct store *st, int64_t id, uint64_t *parent,
			char *name, size_t len);
/* The view folders in view folder `parent`, by name (at is 0); with `only`
 * set, the ones called `only` or `base`.  *out: malloc'd, *n of them, the
 * caller frees; NULL and 0 on error. */
int meta_hview_dirs(struct store *st, uint64_t parent, const char *only,
		    const char *base, struct meta_hview_name **out, size_t *n);
/* The visible entries of files in view folder `hdir` whose node history
 * keeps, by name and then latest first; with `name` set, the ones called
 * `name` and every version.  *out as for meta_hview_dirs. */
int meta_hview_files(struct store *st, uint64_t hdir, int64_t account,
		     int64_t cutoff, const char *name,
		     struct meta_hview_name **out, size_t *n);
/* 0 when an entry at or below view folder `hdir` is visible; -ENOENT when
 * none is. */
int meta_hview_subtree_any(struct store *st, uint64_t hdir, int64_t account,
			   int64_t cutoff);
/* *others: a visible entry at or below view folder `hdir` is not one of
 * that folder's own entries (the deleted folder's). */
int meta_hview_subtree_others(struct store *st, uint64_t hdir, int64_t account,
			      int64_t cutoff, bool *others);
/* A visible own entry of view folder `hdir` (a deletion of the folder):
 * -ENOENT when none is left. */
int meta_hview_own_any(struct store *st, uint64_t hdir, int64_t account,
		       int64_t cutoff, int64_t *id);
/* Its visible own entries one by one: `after` 0, the earliest; else the
 * next by id after entry `after`.  -ENOENT: no more. */
int meta_hview_own_next(struct store *st, uint64_t hdir, int64_t account,
			int64_t cutoff, int64_t after, int64_t *id);
/* History entry `id`'s node when it holds one and is visible; -ENOENT
 * otherwise. */
int meta_hview_entry_visible_node(struct store *st, int64_t id, int64_t account,
				  int64_t cutoff, int64_t *node);
/* History entry `id`: its space, its tool, its view folder. */
int meta_hview_entry_space(struct store *st, int64_t id, int64_t *space);
int meta_hview_entry_tool(struct store *st, int64_t id, int64_t *tool);
int meta_hview_entry_hdir(struct store *st, int64_t id, uint64_t *hdir);
/* History entry `id`: its view folder, its name (into `name`, `len`
 * bytes) and its node (0 when none). */
int meta_hview_entry_place(struct store *st, int64_t id, uint64_t *hdir,
			   char *name, size_t len, int64_t *node);
/* History entry `id` with its space's group, for a purge. */
int meta_hview_entry_origin(struct store *st, int64_t id,
			    struct meta_hview_origin *out);
/* History entry `id` with its actor's name and its node's size. */
int meta_hview_entry_detail(struct store *st, int64_t id,
			    struct meta_hview_detail *out);
/* Remove history entry `id`, its node left out of it (the caller makes
 * the node live again or frees it). */
int meta_hview_entry_release(struct store *st, int64_t id);
/* Node `node`, which history no longer holds, live again as `name` in
 * folder `parent` of tool `tool`, changed at `ctime`.  -EEXIST: the name
 * is taken. */
int meta_hview_node_relink(struct store *st, int64_t node, int tool,
			   int64_t ctime, int64_t parent, const char *name);
/* Node `node` no longer held by history. */
int meta_hview_node_unhold(struct store *st, int64_t node);
/* Node `live` takes the content of node `from` (changed at `ctime`);
 * `from` goes, its content now `live`'s. */
int meta_hview_content_take(struct store *st, int64_t live, int64_t from,
			    int64_t ctime);
/* 0 when the move to `account`'s .Trash-UID/files/`name` made history
 * entry `hist`; -ENOENT otherwise. */
int meta_hview_gtrash_has(struct store *st, int64_t account, const char *name,
			  int64_t hist);
/* Group `gid` keeps history `days` and `versions` (a negative value
 * leaves that setting as it is). */
int meta_hview_keep_set(struct store *st, int64_t gid, int64_t days,
			int64_t versions);
/* Remove the entries of `space` older than `cutoff` and the versions past
 * the `versions` latest of each item. */
int meta_hview_keep_prune(struct store *st, int64_t space, int64_t cutoff,
			  int64_t versions);


/* ---- the mounted tree's changes and open files (sqlite/vfs.c) -------- */
/* (vfs) */
/* Names and links (fsdir.c). */
/* meta_dirent_add and meta_dirent_parent: see the tree. */
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
/* Name `name` of node `ino` goes from folder `parent`, in one query where
 * the engine can: meta_dirent_del(parent, name), then
 * meta_node_touch_dir(parent, nlink_delta, time_ns), and node `ino` stops
 * being an item of folder `parent` when it no longer has an item name
 * (NAME.ics, NAME.vcf) there. */
int meta_dirent_unname(struct store *st, int64_t parent, const char *name,
		       int64_t ino, int nlink_delta, int64_t time_ns);
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
/* Node `ino`'s mode bits and times as `a` says, in one change; *after:
 * the node then, as meta_node_get would give node `ino` (without its
 * alias where the engine reads it in the same query: its ino says). */
int meta_node_attrs_set(struct store *st, int64_t ino,
			const struct meta_node_attrs *a,
			struct node_info *after);
/* Into *root, the root folder of space `space`.  -ENOENT: no such
 * space. */
int meta_space_root(struct store *st, int64_t space, int64_t *root);
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
/* Changes are announced (PostgreSQL: NOTIFY at each journal row's
 * commit): make sure this connection listens, consume what arrived, and
 * set *fd to a descriptor that becomes readable at the next announcement;
 * -1 when the engine announces nothing (SQLite: the journal is polled).
 * 1: an announcement of another process's change had arrived (since the
 * last call), which the descriptor will not show again: read the journal
 * before waiting.  This process's own announcements are consumed and
 * count for nothing.
 * Call it again before each wait: a connection made anew listens again. */
int meta_listen(struct store *st, int *fd);
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
/* Into *seq, the first journal row's number (0 when the journal is
 * empty): rows before it were trimmed. */
int meta_journal_first(struct store *st, int64_t *seq);
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
 * (its record never moves back).  An engine whose daemons may run on
 * several machines also marks, from the daemon's session, that it runs
 * (meta_daemon_behind's `alive`). */
int meta_daemon_ack(struct store *st, int64_t pid, int64_t origin, int64_t seq);
/* Daemon `pid` of origin `origin` has stopped: its record goes. */
int meta_daemon_leave(struct store *st, int64_t pid, int64_t origin);
/* A daemon's record, as meta_daemon_behind reads it. */
struct meta_daemon {
	int64_t pid; /* its process on its machine; 0: the record names none */
	int64_t origin; /* its origin (shared.origin); 0: the record names none */
	/* 1: the engine knows the daemon runs, 0: knows it has stopped
	 * (PostgreSQL: whether its session's mark is held, whichever
	 * machine it is on); -1: the engine cannot tell, and every daemon
	 * of its stores runs on this machine (SQLite): ask the kernel. */
	int alive;
};
/* Into *out (*n of them), the daemons whose record is behind `seq`.  The
 * caller frees the array. */
int meta_daemon_behind(struct store *st, int64_t seq,
		       struct meta_daemon **out, size_t *n);


/* ---- PIM items, members/, mail (sqlite/pim.c) ------------------------ */
/* (pim) */

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
struct content;

/* Item `ino`'s content row (an alias resolved to the node it stands for)
 * into *ct: its id, space, size, content id, cipher, whether chunked and,
 * when inline, a malloc'd copy of the sealed blob (ct->inline_blob, the
 * caller's to free: content_free).  Other fields are left as they were.
 * -ENOENT: no such node. */
int meta_content_get(struct store *st, int64_t ino, struct content *ct);
/* meta_content_get(ino) with the rights generation and whether `ino` is
 * an alias (meta_rights_gen_alias), in one read: what a read of an open
 * file asks before it reads the content. */
int meta_content_gen(struct store *st, int64_t ino, struct content *ct,
		     int64_t *gen, bool *alias);
/* meta_content_get(ino) and meta_space_room(ct->space) together, in one
 * query where the engine can (what a write reads before it checks its
 * room).  *has_room: whether *room was filled (the node has a space). */
int meta_content_room(struct store *st, int64_t ino, struct content *ct,
		      struct room *room, bool *has_room);
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
 * (malformed rows are dropped on the way).  -ENOENT: none left.  An
 * engine whose processes share the trash across machines (PostgreSQL)
 * may answer -ENOENT without asking when this handle sent nothing there
 * since it last found none: what another process trashes is that
 * process's to empty, and what a crashed one left is found by the next
 * connection. */
int meta_trash_next(struct store *st, unsigned char cid[16]);
/* Forget the content file of `cid`: it is removed. */
int meta_trash_drop(struct store *st, const unsigned char cid[16]);

/* Items open on several machines.  Mark item `ino` as open (open) or no
 * longer open (!open) by this process, for other machines' deletes; a
 * mark is the process's, not the handle's (any of its handles may end it),
 * nests (as many ends as marks) and ends with the process, killed or
 * not.  An engine whose processes share one machine's lock file
 * (db/open.lock, daemons.c) may do nothing.  May run outside a
 * transaction, or in one whose result it does not change. */
int meta_node_hold(struct store *st, int64_t ino, bool open);
/* Into *held, whether any process (this one included) holds item `ino`
 * open by meta_node_hold; always false from an engine whose
 * meta_node_hold does nothing. */
int meta_node_held(struct store *st, int64_t ino, bool *held);

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

/* ---- rows as they are, to move a store between engines ----------------
 * (store/migrate.c; sqlite/rows.c, pg/rows.c).  Both engines keep the
 * same tables and columns, so a store moves row by row, ids and all;
 * table and column names here are the schema's own ([a-z_0-9]+). */
enum meta_vtype { META_NULL, META_INT, META_TEXT, META_BLOB };
/* One column's value: i for META_INT, p and len (bytes; text without a
 * terminating NUL) for META_TEXT and META_BLOB. */
struct meta_value {
	enum meta_vtype type;
	int64_t i;
	const void *p;
	size_t len;
};
/* The store's tables (engine-private ones left out: its schema version,
 * content chunks) into *names (malloc'd strings in a malloc'd array). */
int meta_tables(struct store *st, char ***names, size_t *n);
/* The tables `table` refers to (its foreign keys), itself left out. */
int meta_table_refs(struct store *st, const char *table, char ***names,
		    size_t *n);
/* Each row of `table`, by its first column: fn(arg, ncols, cols, vals),
 * all columns; fn returning nonzero stops the walk, which returns it.
 * The values live until fn returns. */
typedef int (*meta_row_fn)(void *arg, size_t ncols, const char *const *cols,
			   const struct meta_value *vals);
int meta_rows(struct store *st, const char *table, meta_row_fn fn,
	      void *arg);
/* Add a row to `table` as it is, ids included (the engine's duties run
 * as for any insert: the caller sets the counters they moved afterwards,
 * meta_row_set). */
int meta_row_add(struct store *st, const char *table, size_t ncols,
		 const char *const *cols, const struct meta_value *vals);
/* In the row of `table` whose cols[0] is vals[0], set cols[1..] to
 * vals[1..]; -ENOENT when there is none. */
int meta_row_set(struct store *st, const char *table, size_t ncols,
		 const char *const *cols, const struct meta_value *vals);
/* Remove every row of `table`. */
int meta_rows_clear(struct store *st, const char *table);
/* Rows were added with their own ids: new rows' ids follow theirs. */
int meta_rows_loaded(struct store *st);

#endif
