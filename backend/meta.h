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
struct grp;
struct store_group_settings;
struct store_member;

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
/* 0 when `account` holds an invitation to group `gid`; -ENOENT when not. */
int meta_group_invited(struct store *st, int64_t gid, int64_t account);
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
/* Set the role (enum store_role) of member `account` of group `gid`. */
int meta_membership_set_role(struct store *st, int64_t gid, int64_t account,
			     int role);
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


/* ---- history: the view (sqlite/histview.c) --------------------------- */
/* (histview) */


/* ---- the mounted tree's changes and open files (sqlite/vfs.c) -------- */
/* (vfs) */


/* ---- PIM items, members/, mail (sqlite/pim.c) ------------------------ */
/* (pim) */


/* ---- the store: content rows, check, backup (sqlite/store.c) --------- */
/* (store) */


#endif
