// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Access rights in group spaces.  *add* and *delete* are set per tool and
 * per documents folder (a folder without its own setting inherits its
 * parent's), for named members and/or all members; the administrator and
 * co-administrators always hold them.  *edit* is per item: its creator, and
 * whoever the creator names.  In a private space the owner holds every
 * right and a grantee what the owner granted on the personal calendar.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

int acl_default(struct store *st, int64_t node)
{
	int rc = meta_acl_add_default(st, node, STORE_RIGHT_ADD);

	if (rc == 0)
		rc = meta_acl_add_default(st, node, STORE_RIGHT_DELETE);
	return rc;
}

/*
 * The folder whose setting governs `perm` on folder `ino`: the nearest one
 * upwards with an acl row.  Folders have one parent, so the walk is a line.
 */
static int acl_owner(struct store *st, int64_t ino, int perm, int64_t *owner)
{
	int rc = meta_acl_owner(st, ino, perm, owner);

	return rc == -ENOENT ? -EACCES : rc;
}

static int acl_grants(struct store *st, int64_t node, int perm,
		      int64_t account)
{
	bool yes = false;
	int rc = meta_acl_grants(st, node, perm, account, &yes);

	if (rc)
		return rc == -ENOENT ? -EACCES : rc;
	return yes ? 0 : -EACCES;
}

int acl_holds(struct store *st, int64_t node, int perm, int64_t account)
{
	return acl_grants(st, node, perm, account);
}

static int may_edit(struct store *st, const struct node_info *n,
		    int64_t account)
{
	if (n->creator == account || n->editors_all)
		return 0;
	if (meta_editor_has(st, n->ino, account) == 0)
		return 0;
	return -EACCES;
}

/* A refusal naming the rule, the group and the place. */
static int refuse_at(struct store *st, int64_t ino, enum store_right right)
{
	char path[STORE_PATH_MAX] = "", where[STORE_GROUPNAME_BYTES + 16];

	if (meta_node_group_name(st, ino, where, sizeof(where)) != 0)
		copy_str(where, sizeof(where), "Private");
	node_path(st, ino, path, sizeof(path));
	return store_fail(st, -EACCES, "%s: %s %s needs the %s right", where,
			  right == STORE_RIGHT_ADD      ? "adding to"
			  : right == STORE_RIGHT_DELETE ? "deleting in"
							: "changing",
			  path[0] ? path : "its top folder",
			  right == STORE_RIGHT_ADD      ? "add"
			  : right == STORE_RIGHT_DELETE ? "delete"
							: "edit");
}

/* The refusals of the drop folders' rules (SPEC.md section 3), naming
 * the rule and whose folder it is.  depth: 0 drop/, 1 drop/<owner>, 2 and
 * more inside it. */
static int refuse_drop(struct store *st, int depth, int64_t owner)
{
	char who[STORE_USERNAME_MAX + 1] = "its owner";

	if (depth == 0)
		return store_fail(st, -EACCES,
				  "drop/ holds one folder per member, made and "
				  "removed with the membership: drop into "
				  "drop/USER/");
	if (owner > 0)
		account_name(st, owner, who, sizeof(who));
	if (depth == 1)
		return store_fail(st, -EACCES,
				  "drop/%s is %s's drop folder: others drop "
				  "files into it, nobody renames or changes it",
				  who, who);
	return store_fail(st, -EACCES,
			  "in %s's drop folder only %s and the member who "
			  "dropped an item change or remove it",
			  who, who);
}

/* Drop folders: the owner manages everything in drop/<owner>/; another
 * member drops files into it and manages only what they dropped. */
static int drop_allows(struct store *st, const struct store_caller *c,
		       const struct node_info *n, enum store_right right)
{
	int64_t owner, dropper;
	int depth, rc;

	rc = drop_place(st, n, &depth, &owner, &dropper);
	if (rc)
		return rc;
	if (depth == 0)
		return refuse_drop(st, 0, 0); /* one folder per member */
	if (depth == 1) {
		if (right == STORE_RIGHT_ADD)
			return 0;
		if (right == STORE_RIGHT_DELETE && owner == c->account)
			return 0;
		return refuse_drop(st, 1, owner); /* not renamed or edited */
	}
	return owner == c->account || dropper == c->account
		       ? 0
		       : refuse_drop(st, depth, owner);
}

/* A co-member on someone's personal calendar: what they were granted. */
static int granted(struct store *st, const struct store_caller *c,
		   const struct node_info *n, enum store_right right)
{
	char owner[STORE_USERNAME_MAX + 1];
	unsigned cal = 0;

	if (n->tool != TOOL_CALENDAR ||
	    account_name(st, n->owner, owner, sizeof(owner)) ||
	    store_calendar_rights(st, c, owner, &cal))
		return -EACCES;
	switch (right) {
	case STORE_RIGHT_ADD:
		return (cal & STORE_CAL_ADD) && S_ISDIR(n->mode) ? 0 : -EACCES;
	case STORE_RIGHT_DELETE:
		return (cal & STORE_CAL_DELETE) && S_ISDIR(n->mode) ? 0
								    : -EACCES;
	case STORE_RIGHT_EDIT:
		return (cal & STORE_CAL_EDIT) ? 0 : -EACCES;
	}
	return -EACCES;
}

/* *named: the refusal already names its rule (store_fail). */
static int decide(struct store *st, const struct store_caller *c, int64_t ino,
		  const struct node_info *n, enum store_right right,
		  bool *named)
{
	enum store_role role;
	int64_t owner;
	int rc;

	if (n->held)
		return -EROFS; /* history is read-only */
	if (c->account <= 0 || n->ino == n->space_root || n->kind == 0)
		return -EACCES;
	if (n->kind == SPACE_PRIVATE) {
		/* Private/invitations/ is generated: read-only. */
		if (n->tool == TOOL_MEMBERS)
			return -EACCES;
		/* The tool folders themselves are fixed. */
		if (n->parent == n->space_root && right == STORE_RIGHT_EDIT)
			return -EACCES;
		if (n->owner == c->account)
			return 0;
		return granted(st, c, n, right);
	}
	role = grp_role(st, n->group, c->account);
	if (role == STORE_ROLE_NONE || n->tool == TOOL_MEMBERS)
		return -EACCES;
	if (n->tool == TOOL_DROP) {
		*named = true;
		return drop_allows(st, c, n, right);
	}
	if (n->tool == TOOL_MAIL)
		return mail_allows(st, c, n, role, right);
	if (right == STORE_RIGHT_EDIT)
		return n->parent == n->space_root ? -EACCES
						: may_edit(st, n, c->account);
	if (!S_ISDIR(n->mode))
		return -EACCES;
	if (role >= STORE_ROLE_COADMIN)
		return 0;
	rc = acl_owner(st, ino, right, &owner);
	if (rc == 0)
		rc = acl_grants(st, owner, right, c->account);
	return rc;
}

/* What decide() allowed is kept (cache.c); a refusal is decided again,
 * to name its reason. */
static int allows(struct store *st, const struct store_caller *c, int64_t ino,
		  enum store_right right, bool *named)
{
	struct node_info n;
	int rc;

	rc = node_info(st, ino, &n);
	if (rc)
		return rc;
	if (ac_holds(st, c->account, &n, right))
		return 0;
	rc = decide(st, c, ino, &n, right, named);
	if (rc == 0)
		ac_holds_put(st, c->account, &n, right);
	return rc;
}

int node_allows(struct store *st, const struct store_caller *c, int64_t ino,
		enum store_right right)
{
	bool named = false;
	int rc = allows(st, c, ino, right, &named);

	return rc == -EACCES && !named ? refuse_at(st, ino, right) : rc;
}

int node_may_delete(struct store *st, const struct store_caller *c,
		    const struct node_info *parent,
		    const struct node_info *child)
{
	int64_t owner, dropper;
	int depth, rc;

	if (parent->tool == TOOL_MAIL)
		return mail_may_delete(st, c, parent, child);
	if (parent->tool != TOOL_DROP || parent->kind != SPACE_GROUP ||
	    c->account <= 0)
		return node_allows(st, c, parent->ino, STORE_RIGHT_DELETE);
	rc = drop_place(st, parent, &depth, &owner, &dropper);
	if (rc)
		return rc;
	if (depth >= 1 && grp_role(st, parent->group, c->account) &&
	    (owner == c->account ||
	     (depth == 1 ? child->creator : dropper) == c->account))
		return 0;
	/* Removing drop/<u> itself, or an item of someone else's. */
	return refuse_drop(st, depth == 0 ? 0 : 2, owner);
}

/* The member whose drop folder holds node `n` (0: drop/ itself, or not in
 * a drop folder). */
static int drop_owner(struct store *st, const struct node_info *n,
		      int64_t *owner)
{
	int64_t dropper;
	int depth;

	*owner = 0;
	if (n->tool != TOOL_DROP || n->kind != SPACE_GROUP)
		return 0;
	return drop_place(st, n, &depth, owner, &dropper);
}

/*
 * The owner of a drop folder edits everything in it.  An item that arrives
 * from elsewhere (documents, the calendar, another member's drop folder)
 * must therefore be one the mover edits by its own setting: otherwise
 * delete and add rights (or owning the drop folder it leaves) would turn
 * into the edit right on someone else's item.  Moves within one drop
 * folder change nothing of who edits.
 */
int node_may_move_into(struct store *st, const struct store_caller *c,
		       const struct node_info *from,
		       const struct node_info *to,
		       const struct node_info *n)
{
	int64_t to_owner, from_owner, bad = 0;
	int rc;

	if (to->tool != TOOL_DROP || to->kind != SPACE_GROUP)
		return 0;
	rc = drop_owner(st, to, &to_owner);
	if (rc == 0)
		rc = drop_owner(st, from, &from_owner);
	if (rc)
		return rc;
	if (from->tool == TOOL_DROP && from_owner == to_owner)
		return 0;
	/* The node and, for a folder, everything below it. */
	rc = meta_editor_missing(st, n->ino, c->account, &bad);
	if (rc)
		return rc;
	if (bad)
		return store_fail(st, -EACCES,
				  "moving an item into a drop folder needs the "
				  "edit right on it (for a folder, on "
				  "everything in it): the folder's owner "
				  "edits what it holds");
	return 0;
}

/* Each drop folder shows its owner what it holds: a second name in another
 * one would show an item to a member it was not dropped for, out of reach
 * of the folder's owner. */
int node_may_link_into(struct store *st, const struct node_info *n,
		       const struct node_info *to)
{
	int64_t n_owner, to_owner;
	int rc;

	if (to->tool != TOOL_DROP && n->tool != TOOL_DROP)
		return 0;
	rc = drop_owner(st, n, &n_owner);
	if (rc == 0)
		rc = drop_owner(st, to, &to_owner);
	if (rc)
		return rc;
	if (to->tool != n->tool || n_owner != to_owner)
		return store_fail(st, -EXDEV,
				  "hard links stay within one drop folder");
	return 0;
}

static int acl_read(struct store *st, int64_t ino, int perm,
		    struct store_acl *out)
{
	bool all = false;
	int64_t owner;
	int rc;

	rc = acl_owner(st, ino, perm, &owner);
	if (rc == -EACCES)
		return store_fail(st, -EIO, "damaged rights: no setting above "
					    "this folder");
	if (rc == 0)
		rc = node_path(st, owner, out->from, sizeof(out->from));
	if (rc == 0)
		rc = meta_acl_all(st, owner, perm, &all);
	if (rc)
		return rc;
	out->own = owner == ino;
	out->all_members = all;
	return meta_acl_members(st, owner, perm, &out->named);
}

void store_rights_release(struct store_rights *r)
{
	free(r->add.named.name);
	free(r->del.named.name);
	free(r->edit.named.name);
	r->add.named.name = r->del.named.name = r->edit.named.name = NULL;
	r->add.named.n = r->del.named.n = r->edit.named.n = 0;
}

/* A folder target in a group: a tool root or a documents folder. */
static int folder_target(struct store *st, const struct store_caller *c,
			 const char *group, const char *target, struct grp *g,
			 int64_t *ino, bool *tool_root)
{
	struct node_info n;
	int rc;

	rc = target_resolve(st, c, group, target, g, ino);
	if (rc == 0)
		rc = node_info(st, *ino, &n);
	if (rc)
		return rc;
	if (!S_ISDIR(n.mode))
		return store_fail(st, -ENOTDIR,
				  "%s: %s is not a folder: rights are set on "
				  "tools and folders",
				  g->name, target);
	*tool_root = n.parent != 0 &&
		     meta_space_root_is(st, n.space, n.parent) == 0;
	if (n.tool == TOOL_MAIL && !*tool_root)
		return store_fail(st, -EINVAL,
				  "%s: the mailbox's rights are set on the "
				  "tool: mail",
				  g->name);
	return 0;
}

int store_rights_get(struct store *st, const struct store_caller *c,
		     const char *group, const char *target,
		     struct store_rights *out)
{
	struct store_rights r;
	struct grp g;
	bool tool_root;
	int64_t ino;
	int rc;

	st->errmsg[0] = '\0';
	memset(&r, 0, sizeof(r));
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = folder_target(st, c, group, target, &g, &ino, &tool_root);
	if (rc == 0)
		rc = acl_read(st, ino, STORE_RIGHT_ADD, &r.add);
	if (rc == 0)
		rc = acl_read(st, ino, STORE_RIGHT_DELETE, &r.del);
	r.has_edit = rc == 0 && tool_root &&
		     store_tool_parse(target) == STORE_TOOL_MAIL;
	if (r.has_edit)
		rc = acl_read(st, ino, STORE_RIGHT_EDIT, &r.edit);
	rc = txn_end(st, rc);
	if (rc) {
		store_rights_release(&r);
		return rc;
	}
	*out = r;
	return 0;
}

static int may_set_rights(struct store *st, const struct grp *g)
{
	if (g->role >= STORE_ROLE_COADMIN)
		return 0;
	return store_fail(st, -EACCES,
			  "%s: only the administrator and co-administrators "
			  "may change access rights",
			  g->name);
}

/* Resolve `users` to members of `g`, into `ids` (n entries). */
static int member_ids(struct store *st, const struct grp *g,
		      const char *const *users, size_t n, int64_t *ids)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = account_id(st, users[i], &ids[i]);
		if (rc)
			return rc;
		if (grp_role(st, g->id, ids[i]) == STORE_ROLE_NONE)
			return store_fail(st, -EINVAL, "%s: %s is not a member",
					  g->name, users[i]);
	}
	return 0;
}

static int perm_check(struct store *st, const char *target,
		      enum store_right right)
{
	if (right == STORE_RIGHT_ADD || right == STORE_RIGHT_DELETE)
		return 0;
	/* A message's flags are shared: who changes them is the tool's. */
	if (right == STORE_RIGHT_EDIT &&
	    store_tool_parse(target) == STORE_TOOL_MAIL)
		return 0;
	return store_fail(st, -EINVAL,
			  "only add and delete are set on tools and folders "
			  "(and edit on mail)");
}

static int rights_set_locked(struct store *st, const struct store_caller *c,
			     const char *group, const char *target,
			     enum store_right right, bool all,
			     const char *const *users, size_t n, int64_t *ids)
{
	struct grp g;
	bool tool_root;
	int64_t ino;
	int rc;

	rc = folder_target(st, c, group, target, &g, &ino, &tool_root);
	if (rc == 0)
		rc = may_set_rights(st, &g);
	if (rc == 0)
		rc = member_ids(st, &g, users, n, ids);
	if (rc == 0)
		rc = meta_acl_set(st, ino, right, all, ids, n);
	return rc;
}

int store_rights_set(struct store *st, const struct store_caller *c,
		     const char *group, const char *target,
		     enum store_right right, bool all_members,
		     const char *const *users, size_t n)
{
	int64_t *ids;
	int rc;

	st->errmsg[0] = '\0';
	rc = perm_check(st, target, right);
	if (rc)
		return rc;
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	rc = txn_begin(st);
	if (rc == 0)
		rc = txn_end(st, rights_set_locked(st, c, group, target, right,
						  all_members, users, n, ids));
	free(ids);
	return rc;
}

static int inherit_locked(struct store *st, const struct store_caller *c,
			  const char *group, const char *target,
			  enum store_right right)
{
	struct grp g;
	bool tool_root = false;
	int64_t ino;
	int rc;

	rc = folder_target(st, c, group, target, &g, &ino, &tool_root);
	if (rc == 0)
		rc = may_set_rights(st, &g);
	if (rc)
		return rc;
	if (tool_root)
		return store_fail(st, -EINVAL,
				  "%s: %s is a tool: it has a setting of its "
				  "own and inherits from nothing",
				  g.name, target);
	return meta_acl_clear(st, ino, right);
}

int store_rights_inherit(struct store *st, const struct store_caller *c,
			 const char *group, const char *target,
			 enum store_right right)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = perm_check(st, target, right);
	if (rc == 0)
		rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, inherit_locked(st, c, group, target, right));
}

void store_editors_release(struct store_editors *e)
{
	free(e->named.name);
	e->named.name = NULL;
	e->named.n = 0;
}

/* An item in a group (not a tool root). */
static int item_target(struct store *st, const struct store_caller *c,
		       const char *group, const char *path, struct grp *g,
		       struct node_info *n)
{
	int64_t ino;
	int rc;

	rc = target_resolve(st, c, group, path, g, &ino);
	if (rc == 0)
		rc = node_info(st, ino, n);
	if (rc)
		return rc;
	if (meta_space_root_is(st, n->space, n->parent) == 0)
		return store_fail(st, -EINVAL,
				  "%s: %s is a tool, not an item: its items "
				  "have editors",
				  g->name, path);
	return 0;
}

int store_editors_get(struct store *st, const struct store_caller *c,
		      const char *group, const char *path,
		      struct store_editors *out)
{
	struct store_editors e;
	struct node_info n;
	struct grp g;
	int rc;

	st->errmsg[0] = '\0';
	memset(&e, 0, sizeof(e));
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = item_target(st, c, group, path, &g, &n);
	if (rc == 0) {
		if (n.creator)
			account_name(st, n.creator, e.creator,
				     sizeof(e.creator));
		e.all_members = n.editors_all;
		rc = meta_editors_list(st, n.ino, &e.named);
	}
	rc = txn_end(st, rc);
	if (rc) {
		store_editors_release(&e);
		return rc;
	}
	*out = e;
	return 0;
}

static int editors_set_locked(struct store *st, const struct store_caller *c,
			      const char *group, const char *path, bool all,
			      const char *const *users, size_t n, int64_t *ids)
{
	struct node_info node;
	struct grp g;
	int rc;

	rc = item_target(st, c, group, path, &g, &node);
	if (rc)
		return rc;
	if (node.creator != c->account || c->account <= 0)
		return store_fail(st, -EACCES,
				  "%s: only the member who added %s may decide "
				  "who edits it",
				  g.name, path);
	rc = member_ids(st, &g, users, n, ids);
	if (rc == 0)
		rc = meta_editors_set(st, node.ino, all, ids, n);
	return rc;
}

int store_editors_set(struct store *st, const struct store_caller *c,
		      const char *group, const char *path, bool all_members,
		      const char *const *users, size_t n)
{
	int64_t *ids;
	int rc;

	st->errmsg[0] = '\0';
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	rc = txn_begin(st);
	if (rc == 0)
		rc = txn_end(st, editors_set_locked(st, c, group, path,
						   all_members, users, n, ids));
	free(ids);
	return rc;
}
