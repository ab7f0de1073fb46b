// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Invitations: the administrator invites accounts (a pending invitation
 * counts against the member limit), sends reminders and cancels; the
 * invitee lists, accepts or declines.
 */
#include "internal.h"

static int invite_locked(struct store *st, const struct store_caller *c,
			 const char *group, const char *username)
{
	struct limits lim;
	struct grp g;
	int64_t id;
	int rc;

	rc = grp_admin(st, c, group, &g, "invite members");
	if (rc == 0)
		rc = account_id(st, username, &id);
	if (rc)
		return rc;
	if (grp_role(st, g.id, id) != STORE_ROLE_NONE)
		return store_fail(st, -EEXIST, "%s: %s is already a member",
				  g.name, username);
	if (meta_invitation_find(st, g.id, id) == 0)
		return store_fail(st, -EEXIST,
				  "%s: %s is already invited (send a reminder "
				  "with resend)",
				  g.name, username);
	rc = limits_of(st, g.admin, &lim);
	if (rc)
		return rc;
	if (grp_headcount(st, g.id) + 1 > lim.max_members)
		return store_fail(st, -EDQUOT,
				  "%s: the plan of its administrator (%s) allows "
				  "%lld members, pending invitations included",
				  g.name, lim.plan, (long long)lim.max_members);
	rc = meta_invitation_add(st, g.id, id, c->account, now_sec());
	/* Private/invitations/GROUP.txt (a trigger takes it away). */
	if (rc == 0)
		rc = invitations_add(st, id);
	return rc;
}

int store_group_invite(struct store *st, const struct store_caller *c,
		       const char *group, const char *username)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, invite_locked(st, c, group, username));
}

int store_group_invitations(struct store *st, const struct store_caller *c,
			    const char *group, struct store_invitation **out,
			    size_t *n)
{
	struct grp g;
	int rc;

	st->errmsg[0] = '\0';
	rc = grp_member(st, c, group, &g);
	if (rc == -EACCES && c->operator)
		rc = 0;
	if (rc)
		return rc;
	if (g.role < STORE_ROLE_COADMIN && !c->operator)
		return store_fail(st, -EACCES,
				  "%s: only the administrator and "
				  "co-administrators may see pending "
				  "invitations",
				  g.name);
	return meta_invitation_list_group(st, g.id, out, n);
}

/* The pending invitation of `username` to `g`, by its administrator. */
static int pending(struct store *st, const struct store_caller *c,
		   const char *group, const char *username, const char *what,
		   struct grp *g, int64_t *id)
{
	int rc;

	rc = grp_admin(st, c, group, g, what);
	if (rc == 0)
		rc = account_id(st, username, id);
	if (rc)
		return rc;
	if (meta_invitation_find(st, g->id, *id))
		return store_fail(st, -ENOENT,
				  "%s: no pending invitation for %s", g->name,
				  username);
	return 0;
}

static int resend_locked(struct store *st, const struct store_caller *c,
			 const char *group, const char *username)
{
	struct grp g;
	int64_t id;
	int rc = pending(st, c, group, username, "send invitations", &g, &id);

	if (rc)
		return rc;
	return meta_invitation_resend(st, g.id, id, now_sec());
}

int store_group_resend(struct store *st, const struct store_caller *c,
		       const char *group, const char *username)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, resend_locked(st, c, group, username));
}

static int cancel_locked(struct store *st, const struct store_caller *c,
			 const char *group, const char *username)
{
	struct grp g;
	int64_t id;
	int rc = pending(st, c, group, username, "cancel invitations", &g,
			 &id);

	if (rc)
		return rc;
	return meta_invitation_remove(st, g.id, id);
}

int store_group_cancel(struct store *st, const struct store_caller *c,
		       const char *group, const char *username)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, cancel_locked(st, c, group, username));
}

int store_invitation_list(struct store *st, const struct store_caller *c,
			  struct store_invitation **out, size_t *n)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = need_account(st, c);
	if (rc)
		return rc;
	return meta_invitation_list_account(st, c->account, out, n);
}

/* The caller's own invitation to `group`: -ENOENT when there is none. */
static int own_invitation(struct store *st, const struct store_caller *c,
			  const char *group, struct grp *g)
{
	int rc;

	rc = need_account(st, c);
	if (rc == 0)
		rc = grp_find(st, c, group, g);
	if (rc == -ENOENT ||
	    (rc == 0 && meta_invitation_find(st, g->id, c->account) != 0))
		return store_fail(st, -ENOENT,
				  "no pending invitation to a group named %s",
				  group);
	return rc;
}

static int answer_locked(struct store *st, const struct store_caller *c,
			 const char *group, bool accept)
{
	struct grp g;
	int rc = own_invitation(st, c, group, &g);

	if (rc)
		return rc;
	/* The invitation already counted against the member limit. */
	if (accept)
		rc = meta_invitation_accept(st, g.id, c->account, now_sec());
	else
		rc = meta_invitation_remove(st, g.id, c->account);
	if (rc == 0 && accept)
		rc = member_added(st, &g, c->account);
	return rc;
}

int store_invitation_accept(struct store *st, const struct store_caller *c,
			    const char *group)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, answer_locked(st, c, group, true));
}

int store_invitation_decline(struct store *st, const struct store_caller *c,
			     const char *group)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, answer_locked(st, c, group, false));
}
