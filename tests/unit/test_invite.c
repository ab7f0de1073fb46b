// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of invitations (SPEC.md section 1, "Invitations"): only the
 * administrator invites, sends again and cancels; the invitee accepts or
 * declines; members and pending invitees cannot be invited twice; pending
 * invitations count against the member limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* boss administers Team; co is co-administrator; alice a member. */
static void team(struct fixture *fx, struct store_caller *boss,
		 struct store_caller *co, struct store_caller *alice)
{
	*boss = fx_account(fx, "boss", FX_BIG);
	*co = fx_account(fx, "co", NULL);
	*alice = fx_account(fx, "alice", NULL);
	fx_group(fx, boss, "Team", 0);
	fx_join(fx, boss, "Team", "co");
	fx_join(fx, boss, "Team", "alice");
	fx_coadmin(fx, boss, "Team", "co");
}

static const struct store_invitation *find(const struct store_invitation *v,
					   size_t n, const char *user)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].username, user))
			return &v[i];
	return NULL;
}

static void admin_only(struct fixture *fx)
{
	struct store_caller boss, co, alice, carol;
	char *snap;

	team(fx, &boss, &co, &alice);
	carol = fx_account(fx, "carol", NULL);
	fx_account(fx, "dave", NULL);
	snap = fx_snapshot(fx);
	refused(fx, store_group_invite(fx->st, &co, "Team", "dave"), -EACCES,
		KW_ADMIN, "a co-administrator invites");
	refused(fx, store_group_invite(fx->st, &alice, "Team", "dave"), -EACCES,
		KW_ADMIN, "a member invites");
	refused(fx, store_group_invite(fx->st, &carol, "Team", "dave"), -ENOENT,
		NULL, "a stranger invites into a private group");
	unchanged(fx, snap, "the refused invitations changed nothing");
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "dave"),
		 "the administrator invites");
}

static void invite_refusals(struct fixture *fx)
{
	struct store_caller boss, co, alice;
	char *snap;

	team(fx, &boss, &co, &alice);
	fx_account(fx, "dave", NULL);
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "dave"),
		 "invite dave");
	snap = fx_snapshot(fx);
	refused(fx, store_group_invite(fx->st, &boss, "Team", "alice"), -EEXIST,
		"member", "inviting a member");
	refused(fx, store_group_invite(fx->st, &boss, "Team", "co"), -EEXIST,
		"member", "inviting a co-administrator");
	refused(fx, store_group_invite(fx->st, &boss, "Team", "boss"), -EEXIST,
		"member|administrator", "inviting the administrator");
	refused(fx, store_group_invite(fx->st, &boss, "Team", "dave"), -EEXIST,
		"invit", "inviting a pending invitee again");
	refused(fx, store_group_invite(fx->st, &boss, "Team", "nosuch"),
		-ENOENT, NULL, "inviting an unknown account");
	refused(fx, store_group_invite(fx->st, &boss, "Nosuch", "dave"),
		-ENOENT, NULL, "inviting into an unknown group");
	unchanged(fx, snap, "the refused invitations changed nothing");
}

static void lists(struct fixture *fx)
{
	struct store_caller boss, co, alice, carol, dave;
	struct store_invitation *v = NULL;
	const struct store_invitation *i;
	struct store_group g;
	uint64_t ino;
	size_t n = 0;

	team(fx, &boss, &co, &alice);
	carol = fx_account(fx, "carol", NULL);
	dave = fx_account(fx, "dave", NULL);
	fx_account(fx, "erin", NULL);
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "dave"),
		 "invite dave");
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "erin"),
		 "invite erin");

	succeeds(fx, store_group_invitations(fx->st, &boss, "Team", &v, &n),
		 "the administrator lists pending invitations");
	is_int(n, 2, "two pending");
	i = find(v, n, "dave");
	ok(i != NULL, "dave's invitation is listed");
	if (i) {
		is_str(i->group, "Team", "its group");
		is_str(i->invited_by, "boss", "who invited");
		is_int(i->sent, 1, "sent once");
		ok(i->created > 0, "a creation time");
		ok(i->last_sent >= i->created, "last sent not before created");
	}
	free(v);
	v = NULL;
	succeeds(fx, store_group_invitations(fx->st, &co, "Team", &v, &n),
		 "a co-administrator lists pending invitations");
	is_int(n, 2, "two pending");
	free(v);
	v = NULL;
	refused(fx, store_group_invitations(fx->st, &alice, "Team", &v, &n),
		-EACCES, "administrator", "a member lists pending invitations");
	refused(fx, store_group_invitations(fx->st, &carol, "Team", &v, &n),
		-ENOENT, NULL, "a stranger lists pending invitations");

	succeeds(fx, store_invitation_list(fx->st, &dave, &v, &n),
		 "dave lists his invitations");
	ok(n == 1 && !strcmp(v[0].group, "Team") &&
		   !strcmp(v[0].username, "dave") &&
		   !strcmp(v[0].invited_by, "boss"),
	   "dave sees the invitation to Team from boss");
	free(v);
	v = NULL;
	succeeds(fx, store_invitation_list(fx->st, &carol, &v, &n),
		 "carol lists her invitations");
	is_int(n, 0, "carol has none");
	free(v);

	is_int(fx_members(fx, &boss, "Team"), 3,
	       "pending invitees are not members");
	succeeds(fx, store_group_get(fx->st, &boss, "Team", &g), "get");
	is_int(g.invitations, 2, "the administrator sees two pending");
	is_int(g.members, 3, "and three members");
	ok(store_tool_root(fx->st, &dave, "Team", STORE_TOOL_DOCUMENTS, &ino) <
		   0,
	   "an invitee has no access to the tools yet");
	succeeds(fx, store_group_get(fx->st, &alice, "Team", &g), "get");
	is_int(g.invitations, -1, "a plain member does not see invitations");
}

static void resend(struct fixture *fx)
{
	struct store_caller boss, co, alice, dave;
	struct store_invitation *v = NULL;
	int64_t last = 0;
	size_t n = 0;
	char *snap;

	team(fx, &boss, &co, &alice);
	fx_account(fx, "dave", NULL);
	fx_account(fx, "carol", NULL);
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "dave"),
		 "invite dave");
	succeeds(fx, store_group_invitations(fx->st, &boss, "Team", &v, &n),
		 "list");
	if (n == 1)
		last = v[0].last_sent;
	free(v);
	v = NULL;
	succeeds(fx, store_group_resend(fx->st, &boss, "Team", "dave"),
		 "send again");
	succeeds(fx, store_group_resend(fx->st, &boss, "Team", "dave"),
		 "and again");
	succeeds(fx, store_group_invitations(fx->st, &boss, "Team", &v, &n),
		 "list");
	ok(n == 1, "still one invitation");
	if (n == 1) {
		is_int(v[0].sent, 3, "sent three times");
		ok(v[0].last_sent >= last, "last sent moved on (or stayed)");
	}
	free(v);
	v = NULL;
	dave = fx_caller(fx, "dave");
	succeeds(fx, store_invitation_list(fx->st, &dave, &v, &n),
		 "dave's list");
	ok(n == 1 && v[0].sent == 3, "dave sees one invitation, sent 3 times");
	free(v);

	snap = fx_snapshot(fx);
	refused(fx, store_group_resend(fx->st, &alice, "Team", "dave"), -EACCES,
		KW_ADMIN, "a member sends again");
	refused(fx, store_group_resend(fx->st, &boss, "Team", "carol"), -ENOENT,
		"invit", "sending again what was never sent");
	refused(fx, store_group_resend(fx->st, &boss, "Team", "alice"), -ENOENT,
		"invit", "sending an invitation again to a member");
	unchanged(fx, snap, "the refusals changed nothing");
}

static void cancel(struct fixture *fx)
{
	struct store_caller boss, co, alice, dave;
	struct store_invitation *v = NULL;
	size_t n = 0;
	char *snap;

	team(fx, &boss, &co, &alice);
	dave = fx_account(fx, "dave", NULL);
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "dave"),
		 "invite dave");
	snap = fx_snapshot(fx);
	refused(fx, store_group_cancel(fx->st, &alice, "Team", "dave"), -EACCES,
		KW_ADMIN, "a member cancels");
	refused2(fx, store_group_cancel(fx->st, &dave, "Team", "dave"), -ENOENT,
		 -EACCES, NULL, "the invitee cancels");
	unchanged(fx, snap, "the refusals changed nothing");
	succeeds(fx, store_group_cancel(fx->st, &boss, "Team", "dave"),
		 "the administrator cancels");
	succeeds(fx, store_group_invitations(fx->st, &boss, "Team", &v, &n),
		 "list");
	is_int(n, 0, "no invitation pending");
	free(v);
	v = NULL;
	succeeds(fx, store_invitation_list(fx->st, &dave, &v, &n),
		 "dave's list");
	is_int(n, 0, "dave's invitation is gone");
	free(v);
	snap = fx_snapshot(fx);
	refused(fx, store_invitation_accept(fx->st, &dave, "Team"), -ENOENT,
		"invit", "accepting a cancelled invitation");
	refused(fx, store_group_cancel(fx->st, &boss, "Team", "dave"), -ENOENT,
		"invit", "cancelling again");
	unchanged(fx, snap, "the refusals changed nothing");
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "dave"),
		 "dave can be invited again");
}

static void accept(struct fixture *fx)
{
	struct store_caller boss, co, alice, dave;
	struct store_invitation *v = NULL;
	struct store_group g;
	uint64_t ino;
	size_t n = 0;
	char *snap;

	team(fx, &boss, &co, &alice);
	dave = fx_account(fx, "dave", NULL);
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "dave"),
		 "invite dave");
	succeeds(fx, store_invitation_accept(fx->st, &dave, "Team"),
		 "dave accepts");
	is_int(fx_role(fx, &boss, "Team", "dave"), STORE_ROLE_MEMBER,
	       "dave is a member");
	succeeds(fx, store_group_get(fx->st, &dave, "Team", &g),
		 "dave sees the group");
	is_int(g.role, STORE_ROLE_MEMBER, "as a member");
	succeeds(fx,
		 store_tool_root(fx->st, &dave, "Team", STORE_TOOL_DOCUMENTS,
				 &ino),
		 "dave reaches the documents");
	succeeds(fx, store_invitation_list(fx->st, &dave, &v, &n), "list");
	is_int(n, 0, "the invitation is used up");
	free(v);
	v = NULL;
	succeeds(fx, store_group_invitations(fx->st, &boss, "Team", &v, &n),
		 "list");
	is_int(n, 0, "nothing pending");
	free(v);
	snap = fx_snapshot(fx);
	refused2(fx, store_invitation_accept(fx->st, &dave, "Team"), -ENOENT,
		 -EEXIST, NULL, "accepting twice");
	unchanged(fx, snap, "the refusal changed nothing");
}

static void decline(struct fixture *fx)
{
	struct store_caller boss, co, alice, erin;
	struct store_invitation *v = NULL;
	struct store_group g;
	size_t n = 0;
	char *snap;

	team(fx, &boss, &co, &alice);
	erin = fx_account(fx, "erin", NULL);
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "erin"),
		 "invite erin");
	succeeds(fx, store_invitation_decline(fx->st, &erin, "Team"),
		 "erin declines");
	is_int(fx_role(fx, &boss, "Team", "erin"), STORE_ROLE_NONE,
	       "erin is not a member");
	is_errno(store_group_get(fx->st, &erin, "Team", &g), -ENOENT,
		 "the private group stays invisible to erin");
	succeeds(fx, store_group_invitations(fx->st, &boss, "Team", &v, &n),
		 "list");
	is_int(n, 0, "the declined invitation is gone");
	free(v);
	snap = fx_snapshot(fx);
	refused(fx, store_invitation_decline(fx->st, &erin, "Team"), -ENOENT,
		NULL, "declining twice");
	refused(fx, store_invitation_accept(fx->st, &erin, "Team"), -ENOENT,
		NULL, "accepting after declining");
	unchanged(fx, snap, "the refusals changed nothing");
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "erin"),
		 "erin can be invited again");
}

static void limit(struct fixture *fx)
{
	struct store_caller boss, dave;
	char *snap;

	fx_plan(fx, "pair", 1, 2, FX_GIB, FX_GIB);
	boss = fx_account(fx, "boss", "pair");
	dave = fx_account(fx, "dave", NULL);
	fx_account(fx, "erin", NULL);
	fx_group(fx, &boss, "Duo", 0);
	succeeds(fx, store_group_invite(fx->st, &boss, "Duo", "dave"),
		 "invite dave: 2 of 2 with the administrator");
	snap = fx_snapshot(fx);
	refused(fx, store_group_invite(fx->st, &boss, "Duo", "erin"), -EDQUOT,
		KW_PLAN, "an invitation past the member limit");
	unchanged(fx, snap, "the refusal changed nothing");
	succeeds(fx, store_invitation_accept(fx->st, &dave, "Duo"),
		 "dave accepts within the limit");
	refused(fx, store_group_invite(fx->st, &boss, "Duo", "erin"), -EDQUOT,
		KW_PLAN, "still full with dave a member");
	succeeds(fx, store_group_remove(fx->st, &boss, "Duo", "dave"),
		 "remove dave");
	succeeds(fx, store_group_invite(fx->st, &boss, "Duo", "erin"),
		 "room for erin now");
}

static void no_invitation(struct fixture *fx)
{
	struct store_caller boss, co, alice, carol;
	char *snap;

	team(fx, &boss, &co, &alice);
	carol = fx_account(fx, "carol", NULL);
	snap = fx_snapshot(fx);
	refused(fx, store_invitation_accept(fx->st, &carol, "Team"), -ENOENT,
		NULL, "accepting without an invitation");
	refused(fx, store_invitation_decline(fx->st, &carol, "Team"), -ENOENT,
		NULL, "declining without an invitation");
	refused(fx, store_invitation_accept(fx->st, &carol, "Nosuch"), -ENOENT,
		NULL, "accepting into an unknown group");
	unchanged(fx, snap, "the refusals changed nothing");
}

int main(void)
{
	fx_run("only the administrator invites", admin_only);
	fx_run("members and invitees are not invited twice", invite_refusals);
	fx_run("pending invitations", lists);
	fx_run("send again", resend);
	fx_run("cancel", cancel);
	fx_run("accept", accept);
	fx_run("decline", decline);
	fx_run("the member limit counts invitations", limit);
	fx_run("answering without an invitation", no_invitation);
	return done_testing();
}
