// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Invitations: the administrator invites accounts (a pending invitation
 * counts against the member limit), sends reminders and cancels; the
 * invitee lists, accepts or declines.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqlite/engine.h" /* until its SQL moves behind meta.h */

static int invite_locked(struct store *st, const struct store_caller *c,
			 const char *group, const char *username)
{
	struct limits lim;
	struct grp g;
	int64_t id, one;
	int rc;

	rc = grp_admin(st, c, group, &g, "invite members");
	if (rc == 0)
		rc = account_id(st, username, &id);
	if (rc)
		return rc;
	if (grp_role(st, g.id, id) != STORE_ROLE_NONE)
		return store_fail(st, -EEXIST, "%s: %s is already a member",
				  g.name, username);
	if (db_int(st, &one,
		   "SELECT 1 FROM invitation WHERE group_id = ? AND"
		   " account_id = ?",
		   "ii", g.id, id) == 0)
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
	rc = db_run(st,
		    "INSERT INTO invitation (group_id, account_id, invited_by,"
		    " created, last_sent) VALUES (?1, ?2, ?3, ?4, ?4)",
		    "iiii", g.id, id, c->account, now_sec());
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

#define INVITE_COLS                                                          \
	"SELECT g.name, a.username, coalesce(b.username, ''), i.created,"     \
	" i.last_sent, i.sent FROM invitation i"                              \
	" JOIN grp g ON g.id = i.group_id"                                    \
	" JOIN account a ON a.id = i.account_id"                              \
	" LEFT JOIN account b ON b.id = i.invited_by"

static int invite_rows(struct store *st, sqlite3_stmt *s,
		       struct store_invitation **out, size_t *n)
{
	struct store_invitation *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	int rc;

	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		struct store_invitation *inv;

		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		inv = &v[len++];
		memset(inv, 0, sizeof(*inv));
		copy_str(inv->group, sizeof(inv->group), col_text(s, 0));
		copy_str(inv->username, sizeof(inv->username), col_text(s, 1));
		copy_str(inv->invited_by, sizeof(inv->invited_by),
			 col_text(s, 2));
		inv->created = sqlite3_column_int64(s, 3);
		inv->last_sent = sqlite3_column_int64(s, 4);
		inv->sent = sqlite3_column_int64(s, 5);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
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
	return invite_rows(st,
			   db_q(st, INVITE_COLS " WHERE i.group_id = ?"
						" ORDER BY a.username",
				"i", g.id),
			   out, n);
}

/* The pending invitation of `username` to `g`, by its administrator. */
static int pending(struct store *st, const struct store_caller *c,
		   const char *group, const char *username, const char *what,
		   struct grp *g, int64_t *id)
{
	int64_t one;
	int rc;

	rc = grp_admin(st, c, group, g, what);
	if (rc == 0)
		rc = account_id(st, username, id);
	if (rc)
		return rc;
	if (db_int(st, &one,
		   "SELECT 1 FROM invitation WHERE group_id = ? AND"
		   " account_id = ?",
		   "ii", g->id, *id))
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
	return db_run(st,
		      "UPDATE invitation SET sent = sent + 1, last_sent = ?"
		      " WHERE group_id = ? AND account_id = ?",
		      "iii", now_sec(), g.id, id);
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
	return db_run(st,
		      "DELETE FROM invitation WHERE group_id = ? AND"
		      " account_id = ?",
		      "ii", g.id, id);
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
	return invite_rows(st,
			   db_q(st, INVITE_COLS " WHERE i.account_id = ?"
						" ORDER BY g.name_key",
				"i", c->account),
			   out, n);
}

/* The caller's own invitation to `group`: -ENOENT when there is none. */
static int own_invitation(struct store *st, const struct store_caller *c,
			  const char *group, struct grp *g)
{
	int64_t one;
	int rc;

	rc = need_account(st, c);
	if (rc == 0)
		rc = grp_find(st, c, group, g);
	if (rc == -ENOENT || (rc == 0 &&
			      db_int(st, &one,
				     "SELECT 1 FROM invitation WHERE group_id"
				     " = ? AND account_id = ?",
				     "ii", g->id, c->account) != 0))
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
	rc = db_run(st,
		    "DELETE FROM invitation WHERE group_id = ? AND account_id = ?",
		    "ii", g.id, c->account);
	/* The invitation already counted against the member limit. */
	if (rc == 0 && accept)
		rc = db_run(st,
			    "INSERT INTO membership (group_id, account_id, role,"
			    " joined) VALUES (?, ?, 1, ?)",
			    "iii", g.id, c->account, now_sec());
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
