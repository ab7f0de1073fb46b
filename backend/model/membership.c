// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Membership: the members list and who may see it, joining open groups,
 * leaving, removal by the administrator, co-administrators and the
 * hand-over of the administrator role against the new administrator's
 * plan.  A member who leaves or is removed loses every right at once; the
 * content they added stays.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Everything that ends when `account` stops being a member of `g`:
 * the membership, rights granted to them by name in the group, and the
 * personal-calendar grants held through this group in either direction. */
int member_cleanup(struct store *st, const struct grp *g, int64_t account)
{
	int rc;

	rc = meta_membership_end(st, g->id, g->space, account);
	if (rc == 0)
		rc = meta_membership_grants_end(st, g->id, account);
	return rc;
}

/* A new member gets their drop folder (or finds the one they had). */
int member_added(struct store *st, const struct grp *g, int64_t account)
{
	char name[STORE_USERNAME_MAX + 1];
	int64_t drop, ino;
	int rc;

	rc = account_name(st, account, name, sizeof(name));
	if (rc == 0)
		rc = meta_space_drop_dir(st, g->space, &drop);
	if (rc)
		return rc;
	/* A member's drop folder is the group's doing: not one of its
	 * entries (the space.files trigger skips drop/'s own folders). */
	if (node_child(st, drop, name, &ino) != 0)
		rc = node_new(st, g->space, TOOL_DROP, drop, name, 040755,
			      account, &ino);
	if (rc == 0)
		rc = members_ensure(st, g->space, account);
	return rc;
}

int store_group_members(struct store *st, const struct store_caller *c,
			const char *group, struct store_member **out,
			size_t *n)
{
	struct store_member *v = NULL;
	size_t len = 0, i;
	struct grp g;
	bool full;
	int rc;

	st->errmsg[0] = '\0';
	rc = grp_find(st, c, group, &g);
	if (rc)
		return rc;
	full = g.role != STORE_ROLE_NONE || c->operator;
	if (!full && !g.s.published)
		return store_fail(st, -ENOENT, "no group named %s", group);
	if (!full && !g.s.members_published)
		return store_fail(st, -EACCES,
				  "%s: the members list is not published",
				  g.name);
	rc = meta_membership_list(st, g.id, &v, &len);
	if (rc)
		return rc;
	/* Contact details are for members and the operator only. */
	for (i = 0; !full && i < len; i++) {
		v[i].org[0] = '\0';
		v[i].email[0] = '\0';
		v[i].photo_type[0] = '\0';
	}
	*out = v;
	*n = len;
	return 0;
}

static int leave_locked(struct store *st, const struct store_caller *c,
			const char *group)
{
	struct grp g;
	int rc;

	rc = grp_member(st, c, group, &g);
	if (rc)
		return rc;
	if (g.role == STORE_ROLE_ADMIN)
		return store_fail(st, -EPERM,
				  "%s: the administrator cannot leave the "
				  "group; hand the role over to another member "
				  "first",
				  g.name);
	return member_cleanup(st, &g, c->account);
}

int store_group_leave(struct store *st, const struct store_caller *c,
		      const char *group)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = need_account(st, c);
	if (rc == 0)
		rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, leave_locked(st, c, group));
}

/* The member limit of the administrator's plan, for one more head. */
static int room_for_one(struct store *st, const struct grp *g,
			int64_t already_counted)
{
	struct limits lim;
	int64_t heads = grp_headcount(st, g->id) - already_counted;
	int rc = limits_of(st, g->admin, &lim);

	if (rc)
		return rc;
	if (heads + 1 > lim.max_members)
		return store_fail(st, -EDQUOT,
				  "%s: the plan of its administrator (%s) allows "
				  "%lld members, pending invitations included",
				  g->name, lim.plan, (long long)lim.max_members);
	return 0;
}

static int join_locked(struct store *st, const struct store_caller *c,
		       const char *group)
{
	struct grp g;
	bool invited;
	int rc;

	rc = grp_find(st, c, group, &g);
	if (rc)
		return rc;
	if (g.role != STORE_ROLE_NONE)
		return store_fail(st, -EEXIST, "%s: you are already a member",
				  g.name);
	invited = meta_invitation_find(st, g.id, c->account) == 0;
	if (!invited) {
		if (!g.s.published)
			return store_fail(st, -ENOENT, "no group named %s",
					  group);
		if (!g.s.open) {
			char email[STORE_EMAIL_MAX + 1] = "";

			meta_group_admin_contact(st, g.admin, NULL, 0, email,
						 sizeof(email));
			return store_fail(st, -EACCES,
					  "%s: closed group: ask its "
					  "administrator (%s) for an invitation",
					  g.name, email);
		}
		rc = room_for_one(st, &g, 0);
		if (rc)
			return rc;
	}
	rc = meta_membership_join(st, g.id, c->account, now_sec());
	if (rc == 0)
		rc = member_added(st, &g, c->account);
	return rc;
}

int store_group_join(struct store *st, const struct store_caller *c,
		     const char *group)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = need_account(st, c);
	if (rc == 0)
		rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, join_locked(st, c, group));
}

/* A member of `g` other than the caller, for the administrator's acts. */
static int other_member(struct store *st, const struct store_caller *c,
			const struct grp *g, const char *username, int64_t *id,
			enum store_role *role)
{
	int rc = account_id(st, username, id);

	if (rc)
		return rc;
	*role = grp_role(st, g->id, *id);
	if (*role == STORE_ROLE_NONE)
		return store_fail(st, -ENOENT, "%s: %s is not a member", g->name,
				  username);
	if (*id == c->account)
		return store_fail(st, -EPERM,
				  "%s: the administrator cannot do this to "
				  "themself",
				  g->name);
	return 0;
}

static int remove_locked(struct store *st, const struct store_caller *c,
			 const char *group, const char *username)
{
	enum store_role role;
	struct grp g;
	int64_t id;
	int rc;

	rc = grp_admin(st, c, group, &g, "remove members");
	if (rc == 0)
		rc = other_member(st, c, &g, username, &id, &role);
	if (rc == 0)
		rc = member_cleanup(st, &g, id);
	return rc;
}

int store_group_remove(struct store *st, const struct store_caller *c,
		       const char *group, const char *username)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, remove_locked(st, c, group, username));
}

static int remove_all_locked(struct store *st, const struct store_caller *c,
			     const char *group, size_t *removed)
{
	int64_t *ids = NULL;
	size_t n = 0, i;
	struct grp g;
	int rc;

	rc = grp_admin(st, c, group, &g, "remove members");
	if (rc)
		return rc;
	rc = meta_membership_others(st, g.id, &ids, &n);
	if (rc)
		return rc;
	for (i = 0; rc == 0 && i < n; i++)
		rc = member_cleanup(st, &g, ids[i]);
	free(ids);
	if (rc == 0)
		*removed = n;
	return rc;
}

int store_group_remove_all(struct store *st, const struct store_caller *c,
			   const char *group, size_t *removed)
{
	size_t n = 0;
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st, remove_all_locked(st, c, group, &n));
	if (rc == 0 && removed)
		*removed = n;
	return rc;
}

static int coadmin_locked(struct store *st, const struct store_caller *c,
			  const char *group, const char *username, bool on)
{
	enum store_role role;
	struct grp g;
	int64_t id;
	int rc;

	rc = grp_admin(st, c, group, &g,
		       on ? "add co-administrators"
			  : "remove co-administrators");
	if (rc == 0)
		rc = other_member(st, c, &g, username, &id, &role);
	if (rc)
		return rc;
	/* Demotion drops only what the role gave: rights granted by name
	 * are rows of their own and stay. */
	return meta_membership_set_role(st, g.id, id,
					on ? STORE_ROLE_COADMIN
					   : STORE_ROLE_MEMBER);
}

int store_group_set_coadmin(struct store *st, const struct store_caller *c,
			    const char *group, const char *username, bool on)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, coadmin_locked(st, c, group, username, on));
}

static int handover_locked(struct store *st, const struct store_caller *c,
			   const char *group, const char *username)
{
	enum store_role role;
	struct limits lim;
	struct grp g;
	int64_t id, admins, used, heads;
	int rc;

	rc = grp_admin(st, c, group, &g, "hand over the administrator role");
	if (rc == 0)
		rc = other_member(st, c, &g, username, &id, &role);
	if (rc == 0)
		rc = limits_of(st, id, &lim);
	if (rc == 0)
		rc = meta_membership_admin_count(st, id, &admins);
	if (rc == 0)
		rc = meta_space_used(st, g.space, &used);
	if (rc)
		return rc;
	heads = grp_headcount(st, g.id);
	if (admins + 1 > lim.max_groups)
		return store_fail(st, -EDQUOT,
				  "%s: the plan of %s (%s) allows administering "
				  "%lld group%s; %s already administers %lld",
				  g.name, username, lim.plan,
				  (long long)lim.max_groups,
				  lim.max_groups == 1 ? "" : "s", username,
				  (long long)admins);
	if (heads > lim.max_members)
		return store_fail(st, -EDQUOT,
				  "%s: the plan of %s (%s) allows %lld members; "
				  "the group has %lld, pending invitations "
				  "included",
				  g.name, username, lim.plan,
				  (long long)lim.max_members, (long long)heads);
	if (used > lim.group_bytes) {
		char a[32], b[32];

		store_format_size(lim.group_bytes, a, sizeof(a));
		store_format_size(used, b, sizeof(b));
		return store_fail(st, -EDQUOT,
				  "%s: the plan of %s (%s) holds %s per group; "
				  "the group uses %s",
				  g.name, username, lim.plan, a, b);
	}
	return meta_membership_handover(st, g.id, c->account, id);
}

int store_group_handover(struct store *st, const struct store_caller *c,
			 const char *group, const char *username)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, handover_locked(st, c, group, username));
}
