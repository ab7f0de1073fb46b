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
#include "store.h" /* the sizes of the structs below */

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
int meta_private_root(struct store *st, int64_t space, int64_t *root);
/* The account of space `space` (0 for a group's space). */
int meta_private_owner(struct store *st, int64_t space, int64_t *owner);
/* The private space of `account`. */
int meta_private_space(struct store *st, int64_t account, int64_t *space);
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
