/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The groupfs store: the one public interface of the backend.
 *
 * A store is a directory holding a SQLite database and the store's master
 * key.  Everything of the group model (accounts, plans, groups, roles,
 * invitations, the directory, access rights, quotas) is decided here, so the
 * mounted filesystem and groupctl can never disagree.  No FUSE, SQLite,
 * libsodium or libical type appears in this header; handles are opaque.
 *
 * Conventions, for every function below unless its comment says otherwise:
 *  - it returns 0 on success or a negative errno;
 *  - on a refusal (-EACCES, -EPERM, -ENOENT, -EEXIST, -EINVAL, -ENOSPC,
 *    -EDQUOT, -EBUSY, ...) store_errmsg() names the rule that refused, for
 *    example "sales: only the administrator may invite members";
 *  - out-parameters are written only on success;
 *  - arrays returned through `T **out, size_t *n` are one malloc'd block
 *    that the caller frees with free(); an empty result is NULL, 0;
 *  - a struct store is used by one thread at a time (open one per thread);
 *  - every change is one transaction: it happens whole or not at all.
 */
#ifndef GROUPFS_STORE_H
#define GROUPFS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STORE_USERNAME_MAX 32	/* bytes, [a-z][a-z0-9._-]{0,31} */
#define STORE_GROUPNAME_MAX 64	/* characters (UTF-8), 1..64 */
#define STORE_GROUPNAME_BYTES (STORE_GROUPNAME_MAX * 4)
#define STORE_TEXT_MAX 128	/* first name, last name, organization */
#define STORE_EMAIL_MAX 254
#define STORE_DESC_MAX 1024	/* group description, bytes */
#define STORE_SECTOR_MAX 64
#define STORE_LANG_MAX 8
#define STORE_PHOTO_MAX (1024 * 1024)
#define STORE_PATH_MAX 4096

struct store;

/* ---- opening ---------------------------------------------------------- */

/*
 * Create a new store in `dir` (created if missing, must be empty if it
 * exists): the database with the default plans, and a random master key,
 * wrapped by `passphrase` through argon2id when passphrase is not NULL.
 * With `unix_group` set, the database may be used by that Unix group (for a
 * groupctl installed set-group-id); the master key stays readable only by
 * the owner.  With `postgres` (a libpq connection string) the metadata and
 * content go to that PostgreSQL database, which must exist and hold no
 * store; dir then keeps the key and the connection string (0600).
 * Errors: -EEXIST (dir holds a store or other files, or the database a
 * store), -EINVAL, -EIO (the database), -ENOSYS (no such engine here),
 * -errno of the file system.
 */
int store_init(const char *dir, const char *passphrase, size_t passlen,
	       const char *unix_group, const char *postgres, char *err,
	       size_t errlen);

/*
 * Move the store in `dir` to another engine (groupctl migrate, SPEC.md
 * section 8), every row and sealed content record as it is, in one
 * transaction of the target:
 *  - to_postgres: into that PostgreSQL database (it must exist and hold no
 *    store); the store in `dir` then opens on it, and its SQLite files are
 *    kept in dir/sqlite-moved/.  No daemon may serve it meanwhile (-EBUSY).
 *  - to_sqlite: a copy on SQLite in the new or empty directory
 *    `to_sqlite`, with the same master key; the store in `dir` (on
 *    PostgreSQL) stays as it is.
 * report(arg, line), when not NULL, says what moved.  Errors: -EINVAL
 * (neither or both targets, or the store is there already), -EEXIST (the
 * target holds a store or files), -EBUSY, -EIO.
 */
int store_migrate(const char *dir, const char *to_postgres,
		  const char *to_sqlite,
		  void (*report)(void *arg, const char *line), void *arg,
		  char *err, size_t errlen);

enum store_open_flags {
	/* Load the master key (needed for content); fails with -EACCES when
	 * the key is not readable and -EKEYREJECTED on a wrong passphrase. */
	STORE_OPEN_KEY = 1 << 0,
	/* Open the database read-only. */
	STORE_OPEN_READONLY = 1 << 1,
	/* For the daemon: commits are durable against a crash of the process
	 * at once, and against a crash of the machine after store_fs_fsync or
	 * store_fs_sync (SQLite synchronous=NORMAL). */
	STORE_OPEN_FAST_COMMIT = 1 << 2,
};

/*
 * Open the store in `dir`.  `passphrase` is needed only with STORE_OPEN_KEY
 * on a store whose key is wrapped.  On failure *out is NULL and `err` holds
 * a message.  Migrates the schema to the current version if needed.
 */
int store_open(const char *dir, unsigned flags, const char *passphrase,
	       size_t passlen, struct store **out, char *err, size_t errlen);
void store_close(struct store *st);
/* Whether the store's metadata is in this process (SQLite): reading it
 * then waits on nothing but the CPU and the local file system.  False on
 * PostgreSQL, where each query is a round trip to the server. */
bool store_in_process(const struct store *st);

/* The message of the last refusal or failure on `st` ("" if none).  Valid
 * until the next call on `st`. */
const char *store_errmsg(const struct store *st);
/* Forget that message: a caller that reports it per request (the daemon's
 * log) clears it first, so a refusal without a rule of its own is never
 * reported with an earlier one's. */
void store_clear_errmsg(struct store *st);

/* Load the master key into an open store (for content: the check of
 * content, calendar export).  The owner only; -EKEYREJECTED on a wrong or
 * missing passphrase for a wrapped key. */
int store_load_key(struct store *st, const char *passphrase, size_t passlen);

/* True when the store's master key is wrapped by a passphrase. */
int store_key_is_wrapped(const char *dir, bool *wrapped);

enum store_log_level { STORE_LOG_ERR, STORE_LOG_WARNING, STORE_LOG_INFO };
typedef void (*store_log_fn)(void *arg, enum store_log_level level,
			     const char *msg);
/* The backend never prints: it reports through this callback (default: a
 * line on stderr for errors and warnings). */
void store_set_logger(struct store *st, store_log_fn fn, void *arg);
/*
 * Called once per process, just before its first write transaction on the
 * store takes the write lock; a negative errno refuses that write.  groupctl
 * uses it to become, while it holds the lock, a process its caller cannot
 * stop (see its set-user-id install).
 */
typedef int (*store_write_hook_fn)(void *arg);
void store_set_write_hook(struct store *st, store_write_hook_fn fn,
			  void *arg);
/*
 * Called, for the whole process, in a thread of it that is about to wait
 * for a lock another thread or process holds: this process's write lock,
 * or the database's while another process writes (SQLite).  The daemon's
 * request loop then lets another worker read requests meanwhile.  Set it
 * before opening the store; NULL: none.
 */
void store_set_wait_hook(void (*fn)(void));

/* ---- who is asking ---------------------------------------------------- */

/*
 * The caller of an operation.  `account` is 0 for a caller with no account.
 * `operator` is true for the store's operator: root or the owner of the
 * store directory.  Operator-only operations: plans, adding and removing
 * accounts, binding Unix users, and acting as another account (--as).
 */
struct store_caller {
	int64_t account;
	bool operator;
	/* Mounts serving one account show its rights in the mode bits. */
	bool rights_in_mode;
};

/*
 * The caller for Unix user `uid`: the account bound to that uid, or, when
 * `as_user` is not NULL, that account (the store operator only: -EPERM
 * otherwise, -ENOENT when no such account).
 */
int store_caller_for_uid(struct store *st, uid_t uid, const char *as_user,
			 struct store_caller *out);

/* ---- plans ------------------------------------------------------------ */

struct store_plan {
	char name[STORE_USERNAME_MAX + 1];
	int64_t max_groups;	/* groups an account may administer */
	int64_t max_members;	/* per administered group, admin and
				   pending invitations included */
	uint64_t group_bytes;	/* capacity of each administered group */
	uint64_t private_bytes; /* capacity of the private space */
	int64_t accounts;	/* accounts on this plan (output only) */
};

enum store_plan_field {
	STORE_PLAN_MAX_GROUPS = 1 << 0,
	STORE_PLAN_MAX_MEMBERS = 1 << 1,
	STORE_PLAN_GROUP_BYTES = 1 << 2,
	STORE_PLAN_PRIVATE_BYTES = 1 << 3,
};

int store_plan_list(struct store *st, struct store_plan **out, size_t *n);
int store_plan_get(struct store *st, const char *name, struct store_plan *out);
/* Create or change plan p->name; only the fields in `mask` are set (a new
 * plan takes the free tier's values for the others).  Operator only.
 * *created tells which happened (may be NULL). */
int store_plan_set(struct store *st, const struct store_caller *c,
		   const struct store_plan *p, unsigned mask, bool *created);
/* Remove a plan no account uses.  Operator only. */
int store_plan_remove(struct store *st, const struct store_caller *c,
		      const char *name);

/* ---- accounts --------------------------------------------------------- */

struct store_account {
	int64_t id;
	char username[STORE_USERNAME_MAX + 1];
	char first[STORE_TEXT_MAX + 1];
	char last[STORE_TEXT_MAX + 1];
	char org[STORE_TEXT_MAX + 1];
	char email[STORE_EMAIL_MAX + 1];
	/* The fields below are shown only to the account itself and the
	 * operator; for co-members they read "", -1, false. */
	char plan[STORE_USERNAME_MAX + 1];
	int64_t unix_uid; /* -1 when not bound */
	bool has_password;
	int64_t created;  /* unix seconds */
	/* Shown to co-members too. */
	char photo_type[16]; /* "", "image/jpeg" or "image/png" */
	uint32_t photo_size;
};

enum store_account_field {
	STORE_ACCOUNT_FIRST = 1 << 0,
	STORE_ACCOUNT_LAST = 1 << 1,
	STORE_ACCOUNT_ORG = 1 << 2,
	STORE_ACCOUNT_EMAIL = 1 << 3,
	STORE_ACCOUNT_PLAN = 1 << 4,	 /* operator only */
	STORE_ACCOUNT_UNIX_UID = 1 << 5, /* operator only; -1 unbinds */
};

/* Add account a->username with the fields in `mask` (first, last and email
 * are required; plan defaults to "free").  Operator only.  `password` may
 * be NULL.  A Unix uid is bound to at most one account. */
int store_account_add(struct store *st, const struct store_caller *c,
		      const struct store_account *a, unsigned mask,
		      const char *password, size_t pwlen, int64_t *id);
/* Change the fields in `mask`: the account itself or the operator. */
int store_account_edit(struct store *st, const struct store_caller *c,
		       const char *username, const struct store_account *a,
		       unsigned mask);
/* One account: itself and the operator see all; co-members see the profile
 * (names, organization, email, photo); anyone else gets -ENOENT. */
int store_account_get(struct store *st, const struct store_caller *c,
		      const char *username, struct store_account *out);
/* The operator: every account.  Others: themselves and their co-members
 * (profile only). */
int store_account_list(struct store *st, const struct store_caller *c,
		       struct store_account **out, size_t *n);
/* Remove an account (operator only).  Refused while it administers a
 * group.  Content it added stays where it is. */
int store_account_remove(struct store *st, const struct store_caller *c,
			 const char *username);
/* Set (data != NULL) or clear the photo: JPEG or PNG, at most 1 MiB. */
int store_account_set_photo(struct store *st, const struct store_caller *c,
			    const char *username, const void *data,
			    size_t len);
/* The photo, visible where the profile is: *data is malloc'd; -ENOENT
 * when there is none. */
int store_account_photo(struct store *st, const struct store_caller *c,
			const char *username, void **data, size_t *len,
			char type[16]);
/* Set (argon2id) or clear (password NULL) the password. */
int store_account_set_password(struct store *st, const struct store_caller *c,
			       const char *username, const char *password,
			       size_t pwlen);
/* 0 when the password is right, -EACCES otherwise. */
int store_account_verify_password(struct store *st, const char *username,
				  const char *password, size_t pwlen);

/* ---- groups ----------------------------------------------------------- */

enum store_role {
	STORE_ROLE_NONE = 0,
	STORE_ROLE_MEMBER = 1,
	STORE_ROLE_COADMIN = 2,
	STORE_ROLE_ADMIN = 3,
};
const char *store_role_name(enum store_role role);

struct store_group_settings {
	char description[STORE_DESC_MAX + 1];
	bool published;		/* in the directory (default no) */
	bool members_published; /* only when published */
	bool open;		/* only when published: anyone may join */
	bool business;
	char sector[STORE_SECTOR_MAX + 1];  /* business groups only */
	char language[STORE_LANG_MAX + 1];  /* ISO 639 code, "" if unset */
};

enum store_group_field {
	STORE_GROUP_DESCRIPTION = 1 << 0,
	STORE_GROUP_PUBLISHED = 1 << 1,
	STORE_GROUP_MEMBERS_PUBLISHED = 1 << 2,
	STORE_GROUP_OPEN = 1 << 3,
	STORE_GROUP_BUSINESS = 1 << 4,
	STORE_GROUP_SECTOR = 1 << 5,
	STORE_GROUP_LANGUAGE = 1 << 6,
};

struct store_group {
	int64_t id;
	char name[STORE_GROUPNAME_BYTES + 1];
	struct store_group_settings settings;
	char admin[STORE_USERNAME_MAX + 1];
	/* Members see it; others only in a closed published group. */
	char admin_email[STORE_EMAIL_MAX + 1];
	enum store_role role; /* the caller's */
	/* -1 where the caller may not see them. */
	int64_t members;
	int64_t invitations;  /* pending: the administrator only */
	int64_t max_members;
	int64_t used;	      /* bytes of content */
	int64_t capacity;     /* bytes */
	int64_t created;
};

/* Create a group with the caller as administrator (counts against the
 * caller's plan).  Fields outside `mask` take their defaults. */
int store_group_create(struct store *st, const struct store_caller *c,
		       const char *name, const struct store_group_settings *s,
		       unsigned mask, int64_t *id);
/* Change the settings in `mask`: the administrator only.  Unpublishing a
 * group also unpublishes its members list and closes it; leaving business
 * clears the sector. */
int store_group_edit(struct store *st, const struct store_caller *c,
		     const char *name, const struct store_group_settings *s,
		     unsigned mask);
/* Delete a group and all its contents: the administrator only, and only
 * when no other member remains.  Pending invitations go with it. */
int store_group_delete(struct store *st, const struct store_caller *c,
		       const char *name);
/* The groups the caller belongs to (the operator with no account: all). */
int store_group_list(struct store *st, const struct store_caller *c,
		     struct store_group **out, size_t *n);
/* One group: members see it whole; anyone sees a published group's public
 * face; a private group is -ENOENT to non-members. */
int store_group_get(struct store *st, const struct store_caller *c,
		    const char *name, struct store_group *out);

struct store_member {
	char username[STORE_USERNAME_MAX + 1];
	char first[STORE_TEXT_MAX + 1];
	char last[STORE_TEXT_MAX + 1];
	/* Co-members only ("" otherwise). */
	char org[STORE_TEXT_MAX + 1];
	char email[STORE_EMAIL_MAX + 1];
	char photo_type[16];
	enum store_role role;
	int64_t joined;
};
/* Members see the members list; others only where it is published. */
int store_group_members(struct store *st, const struct store_caller *c,
			const char *group, struct store_member **out,
			size_t *n);

/* Leave: any member but the administrator.  Every calendar right the
 * leaver granted through this group ends, and every one granted to them
 * through it. */
int store_group_leave(struct store *st, const struct store_caller *c,
		      const char *group);
/* Join an open group directly (accepts a pending invitation too). */
int store_group_join(struct store *st, const struct store_caller *c,
		     const char *group);
/* Remove one member, or every member but the administrator: the
 * administrator only.  Content they added stays. */
int store_group_remove(struct store *st, const struct store_caller *c,
		       const char *group, const char *username);
int store_group_remove_all(struct store *st, const struct store_caller *c,
			   const char *group, size_t *removed);
/* Make a member co-administrator (true) or a plain member again (false):
 * the administrator only. */
int store_group_set_coadmin(struct store *st, const struct store_caller *c,
			    const char *group, const char *username, bool on);
/* Hand the administrator role to a member; the former administrator stays
 * as a member.  Refused when the new administrator's plan cannot hold the
 * group (groups administered, members, bytes in use). */
int store_group_handover(struct store *st, const struct store_caller *c,
			 const char *group, const char *username);

/* ---- invitations ------------------------------------------------------ */

struct store_invitation {
	char group[STORE_GROUPNAME_BYTES + 1];
	char username[STORE_USERNAME_MAX + 1];
	char invited_by[STORE_USERNAME_MAX + 1];
	int64_t created;
	int64_t last_sent;
	int64_t sent;	/* times sent: 1 + reminders */
};

/* Invite an account: the administrator only; refused for members, for a
 * pending invitee (use resend) and past the plan's member limit. */
int store_group_invite(struct store *st, const struct store_caller *c,
		       const char *group, const char *username);
/* Pending invitations of a group (administrator and co-administrators). */
int store_group_invitations(struct store *st, const struct store_caller *c,
			    const char *group, struct store_invitation **out,
			    size_t *n);
/* Send again (a reminder) or cancel: the administrator only. */
int store_group_resend(struct store *st, const struct store_caller *c,
		       const char *group, const char *username);
int store_group_cancel(struct store *st, const struct store_caller *c,
		       const char *group, const char *username);
/* The caller's own pending invitations, and their answer. */
int store_invitation_list(struct store *st, const struct store_caller *c,
			  struct store_invitation **out, size_t *n);
int store_invitation_accept(struct store *st, const struct store_caller *c,
			    const char *group);
int store_invitation_decline(struct store *st, const struct store_caller *c,
			     const char *group);

/* ---- the directory ---------------------------------------------------- */

struct store_search {
	const char *name;     /* NULL, or >= 3 characters: a substring */
	int business;	      /* -1 any, 0 not business, 1 business */
	const char *sector;   /* NULL or the sector (case-insensitive) */
	const char *language; /* NULL or an ISO 639 code */
};
/* Published groups matching at least two criteria (-EINVAL otherwise). */
int store_group_search(struct store *st, const struct store_caller *c,
		       const struct store_search *q, struct store_group **out,
		       size_t *n);

/* ---- access rights ---------------------------------------------------- */

enum store_tool {
	STORE_TOOL_DOCUMENTS = 1,
	STORE_TOOL_CALENDAR = 2,
	STORE_TOOL_CONTACTS = 3,
	/* A group's shared mailbox (Maildir): groups only. */
	STORE_TOOL_MAIL = 6,
};

enum store_right {
	STORE_RIGHT_ADD = 1 << 0,
	STORE_RIGHT_DELETE = 1 << 1,
	STORE_RIGHT_EDIT = 1 << 2,
};

struct store_names {
	size_t n;
	char (*name)[STORE_USERNAME_MAX + 1]; /* malloc'd */
};

struct store_acl {
	bool own;   /* set on this target; else inherited from `from` */
	char from[STORE_PATH_MAX]; /* "documents", "documents/a/b", ... */
	bool all_members;
	struct store_names named;
};

struct store_rights {
	struct store_acl add;
	struct store_acl del;
	/* mail only: who changes a message's flags (has_edit set). */
	bool has_edit;
	struct store_acl edit;
};
void store_rights_release(struct store_rights *r);

/*
 * `target` is a tool ("documents", "calendar", "contacts") or a folder
 * "documents/PATH".  Members may read the rights; the administrator and
 * co-administrators may set them.  Named users must be members.
 * store_rights_set replaces the setting: all_members and/or the named
 * users (neither: administrator and co-administrators only).
 * store_rights_inherit drops a folder's own setting.
 */
int store_rights_get(struct store *st, const struct store_caller *c,
		     const char *group, const char *target,
		     struct store_rights *out);
int store_rights_set(struct store *st, const struct store_caller *c,
		     const char *group, const char *target,
		     enum store_right right, bool all_members,
		     const char *const *users, size_t n);
int store_rights_inherit(struct store *st, const struct store_caller *c,
			 const char *group, const char *target,
			 enum store_right right);

struct store_editors {
	char creator[STORE_USERNAME_MAX + 1]; /* "" if the account is gone */
	bool all_members;
	struct store_names named;
};
void store_editors_release(struct store_editors *e);
/* Who may edit an item ("documents/PATH", "calendar/NAME.ics", ...).  The
 * member who added it sets it; n == 0 and !all_members: only them. */
int store_editors_get(struct store *st, const struct store_caller *c,
		      const char *group, const char *path,
		      struct store_editors *out);
int store_editors_set(struct store *st, const struct store_caller *c,
		      const char *group, const char *path, bool all_members,
		      const char *const *users, size_t n);

/* ---- private calendar grants ------------------------------------------ */

enum store_cal_right {
	STORE_CAL_VIEW = 1 << 0,
	STORE_CAL_ADD = 1 << 1,
	STORE_CAL_EDIT = 1 << 2,
	STORE_CAL_DELETE = 1 << 3,
};

struct store_cal_grant {
	char owner[STORE_USERNAME_MAX + 1];
	char grantee[STORE_USERNAME_MAX + 1];
	unsigned rights;
	size_t groups; /* groups through which the grant holds */
};

/* Grant co-members exactly `rights` on the caller's personal calendar
 * (0 revokes).  The grant holds through every group the two share at
 * that moment and ends with the last of them. */
int store_share_calendar(struct store *st, const struct store_caller *c,
			 const char *const *users, size_t n, unsigned rights);
/* Grants the caller made and grants made to the caller. */
int store_calendar_grants(struct store *st, const struct store_caller *c,
			  struct store_cal_grant **out, size_t *n);
/* The rights `c` holds on `owner`'s personal calendar (all for the owner
 * themself). */
int store_calendar_rights(struct store *st, const struct store_caller *c,
			  const char *owner, unsigned *rights);

/* ---- calendars and contacts ------------------------------------------- */

/*
 * A calendar or contacts folder: a group's (group set), the caller's own
 * (group NULL, owner NULL), or a co-member's personal calendar the caller
 * was granted rights on (owner set; calendar only).  These calls read and
 * write content, so they need the master key (store_load_key).
 */
struct store_pim_where {
	const char *group;
	const char *owner;
	enum store_tool tool; /* STORE_TOOL_CALENDAR or STORE_TOOL_CONTACTS */
};

struct store_occurrence {
	int64_t start, end;   /* unix seconds, UTC */
	bool all_day;
	char *summary, *location, *uid; /* malloc'd, may be NULL */
	char item[256];	      /* the item's file name */
};
void store_occurrences_free(struct store_occurrence *v, size_t n);
/* Events of a calendar within [from, to), recurrences expanded, sorted by
 * start.  Needs *view* on a shared personal calendar. */
int store_calendar_occurrences(struct store *st, const struct store_caller *c,
			       const struct store_pim_where *w, int64_t from,
			       int64_t to, struct store_occurrence **out,
			       size_t *n);
/* The whole folder as one VCALENDAR (VTIMEZONEs once each) or one .vcf
 * stream; *out is malloc'd. */
int store_pim_export(struct store *st, const struct store_caller *c,
		     const struct store_pim_where *w, char **out, size_t *len);

struct store_import_result {
	char name[256];	/* the item's file name (from its UID) */
	char uid[256];
	int err;	/* 0, -EINVAL, -EEXIST, -EACCES, -ENOSPC, ... */
	char why[256];	/* the reason when err != 0 */
};
/* Split an .ics (or .vcf) file into items and add each as NAME.ics (NAME
 * from its UID), checked like a write through the mount; an item whose
 * UID is already there replaces it (edit right).  One result per item; a
 * refused item does not stop the others.  -EINVAL when the file does not
 * parse at all. */
int store_pim_import(struct store *st, const struct store_caller *c,
		     const struct store_pim_where *w, const void *data,
		     size_t len, struct store_import_result **out, size_t *n);
/* One item, created or replaced, checked (the add or edit right). */
int store_pim_put(struct store *st, const struct store_caller *c,
		  const struct store_pim_where *w, const char *name,
		  const void *data, size_t len);

struct store_busy {
	int64_t start, end;
	bool tentative;
};
/* The busy times of `username` (the caller or a co-member): what their
 * members/<u>/busy.ics holds.  *ics (optional) gets the VFREEBUSY text. */
int store_busy_times(struct store *st, const struct store_caller *c,
		     const char *username, struct store_busy **out, size_t *n,
		     char **ics, size_t *ics_len);

/* ---- usage ------------------------------------------------------------ */

struct store_usage {
	char name[STORE_GROUPNAME_BYTES + 1]; /* "Private" for the own space */
	int64_t used;	   /* bytes of file content, at apparent size */
	int64_t metadata;  /* bytes of xattr names and values, link targets */
	int64_t capacity;  /* for used + metadata */
	int64_t files;	   /* entries: files, folders and links */
	int64_t max_files; /* the most entries the capacity allows */
	int64_t history;   /* bytes kept in history, in the free room only */
	int64_t members;     /* -1 for Private */
	int64_t max_members; /* -1 for Private */
};
/* With group NULL: the caller's private space and each of their groups. */
int store_usage(struct store *st, const struct store_caller *c,
		const char *group, struct store_usage **out, size_t *n);

/* ---- content nodes ---------------------------------------------------- */

/*
 * Nodes are the folders and items of the tree; their ids are the inode
 * numbers of the mount (stable, never reused, root = 1).
 */
struct store_attr {
	uint64_t ino;
	uint32_t mode;
	uint32_t nlink;
	uint64_t size;
	int64_t atime_ns, mtime_ns, ctime_ns;
	int64_t uid;	/* the creator's Unix uid, -1 when none */
	/* What this entry is depends on who asks (the root's groups, drop
	 * folders): a shared mount must not let the kernel cache it. */
	bool per_caller;
	/* Generated (members/): never cached, always current. */
	bool uncached;
};

/* The root folder of a tool in a group (group NULL: the caller's private
 * space).  Members only. */
int store_tool_root(struct store *st, const struct store_caller *c,
		    const char *group, enum store_tool tool, uint64_t *ino);
/* Resolve "documents/a/b" (or "calendar/x.ics", ...) in a group. */
int store_resolve(struct store *st, const struct store_caller *c,
		  const char *group, const char *path, struct store_attr *out);
/* 0 when the caller holds `right` (enum store_right) on the node: add and
 * delete on a folder, edit on an item; -EACCES otherwise. */
int store_may(struct store *st, const struct store_caller *c, uint64_t ino,
	      enum store_right right);

/* ---- the mounted tree ------------------------------------------------- */

/*
 * What fs/ needs, one call per request.  Every call checks that the caller
 * may see the node and holds the right the operation needs (SPEC.md
 * sections 2 and 3), and changes the store in one transaction: on any
 * error nothing of the request is left in the store.  Names are single
 * path components.  Errors are plain negative errnos; a refusal also sets
 * store_errmsg() (the rule, for the daemon's log).
 *
 * The contract every store_fs_* call keeps:
 *  -ENOENT        no such node or name, or one the caller may not see
 *                 (a group they are not in, another member's drop, a
 *                 history entry they could not read live): never -EACCES
 *                 for what they may not know exists.
 *  -EACCES        the caller sees the node but lacks the right (add,
 *                 delete, edit; administrator-only settings); a handle
 *                 whose caller lost access (removed member, right
 *                 revoked) answers it to its next read, write, fgetattr,
 *                 fsync and truncate, whatever was cached.
 *  -EPERM         what the tree's shape forbids whoever asks: device
 *                 nodes, FIFOs and sockets, folders or links in calendar/
 *                 and contacts/, anything but a tool in a group's folder,
 *                 a non-Maildir name in mail/, a hard link to a folder.
 *  -EROFS         history/ and the generated members/ files.
 *  -EXDEV         a rename or link between spaces or tools.
 *  -ENOSPC        a space's capacity (content at apparent size, extended
 *                 attributes and link targets) or its number of entries;
 *                 never for history, which gives way.  (-EDQUOT is the
 *                 plan's limit on groups and members, outside the tree.)
 *  -EFBIG         past the largest file (a write or truncate).
 *  -EINVAL        a calendar or contact item that does not parse, at the
 *                 call that makes it take effect (flush, fsync, rename or
 *                 link into place).
 *  -EIO           content whose authentication fails (tampered or
 *                 damaged) or whose content file is missing, and
 *                 database errors; nothing is returned from such content.
 *  -EBUSY         the database stayed locked by another process for 30 s.
 *  -ESTALE        the folder a name is resolved in (lookup, create, link,
 *                 unlink, rename), or the inode a call names itself
 *                 (getattr, setattr, access, open, opendir, readlink,
 *                 statfs, the xattr calls, link's source), is gone or
 *                 out of the caller's sight: the kernel walks the path
 *                 again (node_parent, node_named).
 * Reads are short only at the end of the file; a write either stores all
 * its bytes (*done = size) or none, and returns the error.
 */
#define STORE_ROOT_INO 1

/* Another handle on the same open store, for another thread: its own
 * database connection, the same master key and shared state. */
int store_clone(struct store *st, struct store **out);
/*
 * Before a fork: no database connection may cross one.  SQLite's locks are
 * POSIX locks, which a child does not inherit, so a connection used in the
 * child would let another process (groupctl) believe it is the last user
 * of the database and delete its write-ahead log under the child's feet.
 * store_detach() closes st's connection and keeps everything else (the
 * master key, the shared state): st then serves only as what store_clone()
 * copies, each clone opening its own connection in the process that calls
 * it.  Other calls on st itself answer -EIO.
 */
void store_detach(struct store *st);
/*
 * Group commit, for a daemon.  On a handle in batch mode, write
 * transactions that end well do not commit: they join one open
 * transaction, which store_batch_commit() commits.  Reads on that handle
 * see the batch; other handles and processes see it once committed (a
 * writer elsewhere waits for the commit: the batch holds the write lock).
 * Each call is still all or nothing within the batch.  The daemon commits
 * a batch after a few milliseconds, and store_fs_fsync/store_fs_sync
 * commit it durably; store_close commits what is left.  Turning the mode
 * off commits.
 */
void store_batch_mode(struct store *st, bool on);
/* Whether st holds changes of a batch not yet committed. */
bool store_batch_pending(const struct store *st);
/* Commit st's batch (0 when there is none).  On failure the batch is lost
 * (logged). */
int store_batch_commit(struct store *st);
/* Wait until no batch of any daemon holds uncommitted changes: what every
 * mount acknowledged before this call is then visible to st.  groupctl
 * calls it once, first. */
int store_settle(struct store *st);
/* A daemon starts serving the store: it joins the store's daemons (held
 * until st's shared state goes, across a fork) and cleans up after a
 * crash: content files left to delete and, when no other daemon serves,
 * unlinked nodes (another daemon may still hold some open).  Call once at
 * mount, before serving. */
int store_fs_recover(struct store *st);
/* The daemon has applied every change of the journal up to cursor (its
 * caches dropped); the first call registers it among the store's daemons,
 * whose confirmation a writer of rights (groupctl) awaits, and for whom
 * writers journal their changes of nodes and names.  At a clean stop,
 * store_fs_leave() takes the daemon out. */
int store_fs_ack(struct store *st, uint64_t cursor);
void store_fs_leave(struct store *st);

int store_fs_getattr(struct store *st, const struct store_caller *c,
		     uint64_t ino, struct store_attr *out);
int store_fs_lookup(struct store *st, const struct store_caller *c,
		    uint64_t parent, const char *name, struct store_attr *out);
/* An open of folder `ino`: 0 while the caller sees it; -ESTALE where it
 * is gone or out of sight (the kernel walks the path again and opens what
 * is there now, see the errors above); -ENOTDIR for anything else.  Who
 * may list it is store_fs_readdir's answer, asked at each call.
 * `*alike` (may be NULL) says whether every caller who may open it is
 * shown the same entries, so that the kernel may keep the listing for all
 * of them until the folder changes: a folder of a group's shared tools,
 * not its root, drop/, members/ or anything of a private space. */
int store_fs_opendir(struct store *st, const struct store_caller *c,
		     uint64_t ino, bool *alike);
/* Called per entry, in name order; return non-zero to stop (the entry is
 * then not consumed). */
typedef int (*store_dirent_fn)(void *arg, const char *name,
			       const struct store_attr *attr);
/* List `ino` from the entry after `after` (NULL: from the start, skipping
 * `skip` entries). */
int store_fs_readdir(struct store *st, const struct store_caller *c,
		     uint64_t ino, const char *after, uint64_t skip,
		     store_dirent_fn fn, void *arg);
int store_fs_mkdir(struct store *st, const struct store_caller *c,
		   uint64_t parent, const char *name, uint32_t mode,
		   struct store_attr *out);
/* Regular files only: device nodes, FIFOs and sockets are -EPERM. */
int store_fs_mknod(struct store *st, const struct store_caller *c,
		   uint64_t parent, const char *name, uint32_t mode,
		   struct store_attr *out);
int store_fs_symlink(struct store *st, const struct store_caller *c,
		     uint64_t parent, const char *name, const char *target,
		     struct store_attr *out);
/* The target, NUL-terminated, into buf (-ENAMETOOLONG if it does not fit). */
int store_fs_readlink(struct store *st, const struct store_caller *c,
		      uint64_t ino, char *buf, size_t len);
int store_fs_link(struct store *st, const struct store_caller *c,
		  uint64_t ino, uint64_t newparent, const char *newname,
		  struct store_attr *out);
int store_fs_unlink(struct store *st, const struct store_caller *c,
		    uint64_t parent, const char *name);
int store_fs_rmdir(struct store *st, const struct store_caller *c,
		   uint64_t parent, const char *name);

struct store_rename {
	/* Save pattern: the existing target kept its identity and took the
	 * source's content; `kept` is its inode and the source is gone. */
	uint64_t kept;
	uint64_t source;  /* the renamed (or consumed) node */
};
#define STORE_RENAME_NOREPLACE 1
#define STORE_RENAME_EXCHANGE 2
int store_fs_rename(struct store *st, const struct store_caller *c,
		    uint64_t parent, const char *name, uint64_t newparent,
		    const char *newname, unsigned flags,
		    struct store_rename *out);

enum store_setattr_valid {
	STORE_SET_MODE = 1 << 0,
	STORE_SET_UID = 1 << 1,
	STORE_SET_GID = 1 << 2,
	STORE_SET_SIZE = 1 << 3,
	STORE_SET_ATIME = 1 << 4,
	STORE_SET_MTIME = 1 << 5,
	STORE_SET_ATIME_NOW = 1 << 6,
	STORE_SET_MTIME_NOW = 1 << 7,
	STORE_SET_CTIME = 1 << 8,
};
struct store_setattr {
	unsigned valid;
	uint32_t mode;
	int64_t uid, gid; /* chown: accepted only where it changes nothing */
	uint64_t size;
	int64_t atime_ns, mtime_ns, ctime_ns;
	/* How the mount shows an item's owner (uid, gid), to tell a no-op
	 * chown from a refused one: called, for a chown only, with the
	 * node's attributes in the same transaction. */
	void (*shown_owner)(void *arg, const struct store_attr *a,
			    int64_t *uid, int64_t *gid);
	void *shown_arg;
};
struct store_file;
/* `f` (may be NULL) is the handle a truncate came through. */
int store_fs_setattr(struct store *st, const struct store_caller *c,
		     uint64_t ino, const struct store_setattr *set,
		     struct store_file *f, struct store_attr *out);

/* capacity and used in bytes (used: content and metadata); files: the
 * entries members made, at most max_files (derived from the capacity). */
struct store_statfs {
	int64_t capacity, used, files, max_files;
};
int store_fs_statfs(struct store *st, const struct store_caller *c,
		    uint64_t ino, struct store_statfs *out);
/* access(2): R_OK, W_OK, X_OK as the caller's real rights. */
int store_fs_access(struct store *st, const struct store_caller *c,
		    uint64_t ino, int mask);

/* Extended attributes: user.* are stored; user.groupfs.* are generated
 * and read-only; other namespaces are -ENOTSUP.  With size 0 the length
 * is returned in *len; -ERANGE when buf is too small. */
int store_fs_getxattr(struct store *st, const struct store_caller *c,
		      uint64_t ino, const char *name, void *buf, size_t size,
		      size_t *len);
int store_fs_listxattr(struct store *st, const struct store_caller *c,
		       uint64_t ino, char *buf, size_t size, size_t *len);
int store_fs_setxattr(struct store *st, const struct store_caller *c,
		      uint64_t ino, const char *name, const void *value,
		      size_t size, int flags);
int store_fs_removexattr(struct store *st, const struct store_caller *c,
			 uint64_t ino, const char *name);

/* Open items.  A handle remembers its caller; every read and write checks
 * again that the caller still may (a removed member's handles stop). */
int store_fs_open(struct store *st, const struct store_caller *c,
		  uint64_t ino, int flags, struct store_file **out);
int store_fs_create(struct store *st, const struct store_caller *c,
		    uint64_t parent, const char *name, uint32_t mode,
		    int flags, struct store_attr *attr,
		    struct store_file **out);
int store_fs_read(struct store *st, struct store_file *f, uint64_t off,
		  size_t size, void *buf, size_t *got);
int store_fs_write(struct store *st, struct store_file *f, uint64_t off,
		   const void *buf, size_t size, size_t *done);
/* The attributes of an open item (fstat): refused like a read once the
 * handle's caller lost access. */
int store_fs_fgetattr(struct store *st, struct store_file *f,
		      struct store_attr *out);
/* Make the item's data and metadata durable. */
int store_fs_fsync(struct store *st, struct store_file *f, bool datasync);
/* Make the store's metadata durable (fsync of a directory). */
int store_fs_sync(struct store *st);
/* close(2) of one descriptor.  For a calendar or contact item written
 * through it, the new version is checked and takes effect here (also at
 * fsync): -EINVAL (does not parse, wrong kind or count), -EEXIST (another
 * item has its UID), -ENOSPC; the previous version then stays. */
int store_fs_flush(struct store *st, struct store_file *f);
/* A new item refused at close is removed: its name, for the kernel's
 * cache. */
bool store_fs_file_gone(const struct store_file *f, uint64_t *parent,
			const char **name);
/* The last close of a handle (f is freed, whatever it returns).  A new
 * item version never checked (no write since the open) is checked first;
 * its refusal leaves the stored version, and is returned (as
 * store_fs_flush's, store_errmsg() saying why) for a log only: the
 * writer has closed.  A new item refused here is removed: when `gone` is
 * not NULL its name is put there (name "" when none), for the kernel's
 * cache. */
struct store_gone {
	uint64_t parent;
	char name[256];
};
int store_fs_release(struct store *st, struct store_file *f,
		     struct store_gone *gone);
/* A daemon's stop, once no request runs any more: the handles the kernel
 * never released (files still open at an unmount, whose RELEASE requests
 * the kernel had not sent yet) are released as store_fs_release() would
 * (a refusal logged), so that an unlinked item open only here is freed
 * now rather than at the next start.  Returns how many there were. */
size_t store_fs_release_all(struct store *st);
uint64_t store_fs_file_ino(const struct store_file *f);
/* May the kernel keep this item's pages across opens?  Not for generated
 * files (members/), whose content changes without writes. */
bool store_fs_file_cacheable(const struct store_file *f);
/* Whether a close of this handle has anything to do (store_fs_flush): only
 * a handle writing a calendar or contact item, whose new version is checked
 * and takes effect there.  Any other handle's writes are stored and counted
 * against the capacity as they come, so its close can report nothing. */
bool store_fs_file_flushes(const struct store_file *f);
/* Whether a new version of the item took effect (at flush or fsync) since
 * the last call: its stored size and times changed at once, while what
 * others were told of it meanwhile (a listing) still held the old ones. */
bool store_fs_file_took_effect(struct store_file *f);
/* The kernel holds `ino` no longer: an unlinked node with no open handle
 * is freed. */
int store_fs_forget(struct store *st, uint64_t ino);

/* Changes made by other processes (groupctl, other mounts) since *cursor:
 * fn(ino, 0, NULL) for a changed node, fn(0, parent, name) for a changed
 * entry, fn(0, 0, NULL) for a change of rights or membership.  The first
 * call (cursor 0) only positions the cursor; call store_fs_ack next: a
 * writer that began while no daemon was registered may leave its changes
 * of nodes and names out of the journal (SQLite).  Each call reads one
 * snapshot of the journal: a change committed while it runs is reported
 * by this call or the next, never passed over. */
typedef void (*store_change_fn)(void *arg, uint64_t ino, uint64_t parent,
				const char *name);
int store_fs_changes(struct store *st, uint64_t *cursor, store_change_fn fn,
		     void *arg);
/* A descriptor that becomes readable when a change is announced (a
 * store on PostgreSQL: LISTEN/NOTIFY), what arrived so far consumed; -1
 * when changes are not announced (SQLite: poll store_fs_changes).
 * *arrived: another process's announcement was consumed here, which the
 * descriptor will not show: call store_fs_changes before waiting.  This
 * process's own announcements wake the descriptor too, and count for
 * nothing here: call again when it wakes.  Call it before each wait, on
 * the handle that polls: a connection made anew listens again. */
int store_fs_changes_fd(struct store *st, bool *arrived);

/* ---- public links (SPEC.md section 6) ---------------------------------- */

/*
 * A link opens a group's calendar, or a document or folder of a group's
 * (or an account's private) documents, to anyone holding its URL,
 * BASE/l/TOKEN.  The token is 192 random bits; the store keeps only a hash
 * of it, so the token is shown once, by store_link_create.  Group links
 * belong to the group: its administrator and co-administrators make and
 * revoke them, its members list them; a private link only its owner (the
 * operator lists and revokes all).  A link dies when revoked, when it
 * expires, and when its group, account, folder or file is deleted (or
 * moved out of the documents tree); it follows its target through renames.
 * Deleted means gone from the tree: a file sent to the trash loses its
 * links for good, and restoring it does not publish it again.
 */
#define STORE_LINK_TOKEN_LEN 32	/* characters, base64url */

struct store_link {
	int64_t id;
	char space[STORE_GROUPNAME_BYTES + 1]; /* the group, or "Private" */
	char owner[STORE_USERNAME_MAX + 1];    /* Private: its account */
	/* "calendar" or "documents/PATH", where the target is now. */
	char target[STORE_PATH_MAX];
	bool folder;	/* a documents folder (else a file or calendar) */
	char created_by[STORE_USERNAME_MAX + 1]; /* "" if the account went */
	int64_t created;
	int64_t expires; /* unix seconds; 0: never */
	bool expired;
};

/* Publish `target` ("calendar" or "documents[/PATH]", a file or a folder,
 * not a symbolic link) of `group` ("Private": the caller's own space).
 * `expires` (unix seconds, 0: never) must be in the future.  On success
 * `token` holds the token (shown only now) and *id (may be NULL) the
 * link's number.  -EACCES for a member who is not administrator or
 * co-administrator, -ENOENT for no such group or path, -EINVAL for a bad
 * target or expiry. */
int store_link_create(struct store *st, const struct store_caller *c,
		      const char *group, const char *target, int64_t expires,
		      char token[STORE_LINK_TOKEN_LEN + 1], int64_t *id);
/* The live links the caller may see (expired ones included, marked), of
 * one group (or "Private") or, with group NULL, all of them. */
int store_link_list(struct store *st, const struct store_caller *c,
		    const char *group, struct store_link **out, size_t *n);
/* Revoke (delete) link `id`, whatever state its target is in: -ENOENT
 * when there is none or the caller cannot see it, -EACCES for a member
 * who may not manage the group's links. */
int store_link_revoke(struct store *st, const struct store_caller *c,
		      int64_t id);
/* The URL the links' web server is reached at (groupfs-web --base-url),
 * which groupctl prints links under.  Setting it: the operator only;
 * -EINVAL unless http:// or https://.  Reading it: "http://localhost:8080"
 * until set; never with a trailing '/'. */
int store_link_set_base_url(struct store *st, const struct store_caller *c,
			    const char *url);
int store_link_base_url(struct store *st, char *buf, size_t len);

/*
 * Serving (groupfs-web).  `token` is the URL's token; `rel` the path below
 * the linked folder ("" for the link itself), percent-decoded, components
 * separated by '/'.  A rel with an empty, "." or ".." component or a
 * leading '/' is refused; a symbolic link is followed only when its target
 * is relative and stays below the linked folder.  Every refusal, whatever
 * the cause (unknown, revoked or expired token, a path outside or missing),
 * is -ENOENT and sets no message: the public learns nothing.
 */
enum store_link_what {
	STORE_LINK_FEED = 1,	/* the calendar, one VCALENDAR */
	STORE_LINK_FILE = 2,
	STORE_LINK_FOLDER = 3,
};
struct store_link_hit {
	int64_t link;		  /* the link's id (for a log: not secret) */
	enum store_link_what what;
	struct store_attr attr;	  /* size, mtime_ns: of the file or folder;
				     the feed's newest change */
	char name[256];		  /* the file's name, "calendar.ics" */
	char etag[64];		  /* quoted strong validator: files (and the
				     feed, by store_link_feed); "" else */
};
int store_link_resolve(struct store *st, const char *token, const char *rel,
		       struct store_link_hit *out);
/* Resolve a file and open it for reading with store_fs_read; release it
 * with store_fs_release.  Each read checks again that the space's reader
 * may still read it.  -EISDIR for a folder or the calendar. */
int store_link_open(struct store *st, const char *token, const char *rel,
		    struct store_link_hit *out, struct store_file **f);
/* The entries of a linked folder, in name order, as store_fs_readdir
 * gives them (symbolic links as links).  -ENOTDIR for anything else. */
int store_link_readdir(struct store *st, const char *token, const char *rel,
		       store_dirent_fn fn, void *arg);
/* The calendar of a calendar link as one VCALENDAR (VTIMEZONEs once per
 * TZID), *ics malloc'd; out->etag is a hash of it and out->attr.size its
 * length.  Needs the master key.  -EISDIR for a documents link. */
int store_link_feed(struct store *st, const char *token,
		    struct store_link_hit *out, char **ics, size_t *len);

/* ---- integrity -------------------------------------------------------- */

typedef void (*store_check_fn)(void *arg, const char *problem);
/* Verify the database (SQLite integrity, foreign keys), the model's
 * invariants (one administrator per group, link counts, bytes in use
 * adding up, ...) and, when the master key can be loaded, every item's
 * content (each chunk present and authentic); each problem is reported
 * through `fn`.  *problems counts them.  Operator only. */
int store_check(struct store *st, const struct store_caller *c,
		store_check_fn fn, void *arg, unsigned *problems);

/* ---- backup and restore ----------------------------------------------- */

/* Progress of a long copy: `phase` ("content", "database", "changes",
 * "restore", "done") and how far it is (bytes, or database pages); "lock"
 * each time the final pass of a backup has taken the store's write lock,
 * `done` the try (1, 2, ...) of `total` at most: the callback runs under
 * the lock, so it must not block; once, "locked" with `done` the longest
 * time in microseconds the backup held the lock (how long writers waited
 * at most). */
typedef void (*store_progress_fn)(void *arg, const char *phase,
				  uint64_t done, uint64_t total);
/*
 * Write a copy of the store to `dest` (made if missing, with any folder
 * missing above it, each 0700; else it must be an empty directory),
 * consistent at one instant while daemons and groupctl
 * keep using the store: content files are copied first without any lock;
 * then, holding the store's write lock (every writer waits), every file
 * that changed since its copy is copied again and a snapshot of the
 * database is taken, which SQLite's online backup API copies once the lock
 * is released.  When more than 64 MiB or 1024 files changed, the lock is
 * released before copying them and taken again after another pass, five
 * times at most (the last copies all, with a warning in the log).  Content
 * stays sealed and the master key file is copied as it is (wrapped or
 * not): the copy is a store.  Operator only (-EPERM).  -ENOTEMPTY for a
 * non-empty `dest`.  On failure nothing is left in `dest`, and the folders
 * made for it are removed.  `fn` may be NULL.
 */
int store_backup(struct store *st, const struct store_caller *c,
		 const char *dest, store_progress_fn fn, void *arg);
/*
 * Copy the backup in `src` to the new store `dir` (made if missing, with
 * any folder missing above it, each 0700; else an empty directory;
 * -ENOTEMPTY otherwise), owned by the caller.
 * -ENOENT when `src` holds no master key and database.  The copy is not
 * checked here: open it and run store_check().  On failure `err` says why,
 * nothing is left in `dir`, and the folders made for it are removed.
 */
int store_restore(const char *src, const char *dir, store_progress_fn fn,
		  void *arg, char *err, size_t errlen);

/* ---- the shared mailbox and mail ------------------------------------ */

#define STORE_MAIL_MAX (32 * 1024 * 1024) /* bytes of one message */

/*
 * Deliver one RFC 5322 message into `group`'s mail/new/ (group: its name,
 * or an address recorded with store_group_set_mail_address): the store
 * operator only (-EPERM).  A leading mbox "From " line is dropped.  The
 * file's name (unique: "SECONDS.MUSECPPIDQSEQ.HOST") goes into `name`.
 * Errors: -EINVAL (not a message: no header field first, no empty line
 * ending the header, a NUL byte), -EFBIG (over STORE_MAIL_MAX), -ENOENT
 * (no such group), -ENOSPC (the group is at its capacity), -EBUSY.
 * Needs the master key.
 */
int store_mail_deliver(struct store *st, const struct store_caller *c,
		       const char *group, const void *msg, size_t len,
		       char *name, size_t namelen);
/* Record (addr "" clears) the group's mail address: the administrator
 * only; an address names one group at most (-EEXIST). */
int store_group_set_mail_address(struct store *st,
				 const struct store_caller *c,
				 const char *group, const char *addr);
/* The group's address ("" when none): its members. */
int store_group_mail_address(struct store *st, const struct store_caller *c,
			     const char *group, char *addr, size_t len);

/* How the store sends mail (invitations, reminders). */
struct store_mail_config {
	char from[STORE_EMAIL_MAX + 1]; /* "": the store sends no mail */
	char sendmail[STORE_PATH_MAX];	/* "" means /usr/sbin/sendmail */
};
/* Anyone may read it; the operator sets it (NULL leaves a field, "" clears
 * it).  The sendmail path must be absolute. */
int store_mail_config_get(struct store *st, struct store_mail_config *out);
int store_mail_config_set(struct store *st, const struct store_caller *c,
			  const char *from, const char *sendmail);

/* What an invitation mail says, for the one who sends it. */
struct store_letter {
	char to[STORE_EMAIL_MAX + 1];	/* the invitee's email */
	char invitee[STORE_USERNAME_MAX + 1];
	char inviter[STORE_USERNAME_MAX + 1];
	char inviter_name[2 * STORE_TEXT_MAX + 2]; /* "First Last" */
	char group[STORE_GROUPNAME_BYTES + 1];
	char description[STORE_DESC_MAX + 1];
	char group_address[STORE_EMAIL_MAX + 1]; /* "" when none */
	int64_t created;
	int64_t sent; /* 1: the invitation, more: a reminder */
	struct store_mail_config config;
};
/* The letter for `username`'s pending invitation to `group`: whoever may
 * list the group's invitations.  -ENOENT when none is pending. */
int store_invitation_letter(struct store *st, const struct store_caller *c,
			    const char *group, const char *username,
			    struct store_letter *out);

/* ---- history: trash and earlier versions (SPEC.md section 5) ---------- */

/*
 * What a space keeps of deleted and overwritten items, as the mount shows
 * it in <group>/history/ (group NULL: Private/history/).  Paths are those
 * of that view: "trash/documents/a/b.txt" (its latest deletion),
 * "trash/documents/a/b.txt@2026-12-05T23.01.02.123456Z" (an earlier one),
 * "versions/documents/a/b.txt/2026-12-05T23.01.02.123456Z.txt"; a path
 * that starts with a tool ("documents/a") means trash/ of it.  Each caller
 * sees exactly what they could read live.
 */
struct store_hist_entry {
	char path[STORE_PATH_MAX];   /* in history/ */
	char origin[STORE_PATH_MAX]; /* where it was: "documents/a/b.txt" */
	bool version;		     /* an earlier version, else deleted */
	bool dir;		     /* a deleted folder */
	int64_t at;		     /* ns: when deleted or replaced */
	char by[STORE_USERNAME_MAX + 1]; /* who, "" when unknown */
	int64_t size;
};
/* The entries at or below `path` (NULL: all), oldest first. */
int store_history_list(struct store *st, const struct store_caller *c,
		       const char *group, const char *path,
		       struct store_hist_entry **out, size_t *n);
/* Put a deleted item (or a folder, each latest entry below it) back where
 * it was, recreating missing folders: the add right there; a name taken
 * live is -EEXIST (a folder's restore skips it and counts the rest).  A
 * version becomes the item's content again (the edit right on the item),
 * and what it replaces becomes a version.  *done: how many entries. */
int store_history_restore(struct store *st, const struct store_caller *c,
			  const char *group, const char *path, size_t *done);
/* Remove entries for good (`path` NULL: all the caller sees): the delete
 * right on the folder each came from; the administrator and
 * co-administrators always.  Any refusal changes nothing. */
int store_history_purge(struct store *st, const struct store_caller *c,
			const char *group, const char *path, size_t *done);
/* How long a group keeps history (days, 0: nothing) and how many versions
 * per item; -1 leaves a setting as it is.  The administrator only. */
int store_group_set_keep(struct store *st, const struct store_caller *c,
			 const char *group, int64_t days, int64_t versions);
int store_group_get_keep(struct store *st, const struct store_caller *c,
			 const char *group, int64_t *days, int64_t *versions);

/* ---- helpers ---------------------------------------------------------- */

/* Parse "500M", "10G", "1.5T", "4096" into bytes (-EINVAL on junk). */
int store_parse_size(const char *s, int64_t *out);
/* Format bytes as "1.5G" (IEC units, shortest exact-enough form). */
void store_format_size(int64_t bytes, char *buf, size_t len);
/* Parse a tool name ("documents", "calendar", "contacts", "mail"): 0 if
 * unknown. */
enum store_tool store_tool_parse(const char *name);
const char *store_tool_name(enum store_tool tool);

#endif
