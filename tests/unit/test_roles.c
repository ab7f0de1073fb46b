// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of roles (SPEC.md section 1, "Roles"): one administrator at a
 * time, what only the administrator may do, what co-administrators may do
 * and lose on demotion (keeping rights granted by name), the hand-over and
 * its plan checks, and the removal of one or all members, who lose all
 * access at once while their content stays.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"

static int count_admins(struct fixture *fx, const struct store_caller *c,
			const char *group)
{
	struct store_member *m = NULL;
	size_t n = 0, i;
	int admins = 0;

	if (store_group_members(fx->st, c, group, &m, &n))
		return -1;
	for (i = 0; i < n; i++)
		if (m[i].role == STORE_ROLE_ADMIN)
			admins++;
	free(m);
	return admins;
}

static void single_admin(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	char *snap;

	fx_account(fx, "alice", FX_BIG);
	fx_group(fx, &boss, "Team", 0);
	fx_join(fx, &boss, "Team", "alice");
	fx_coadmin(fx, &boss, "Team", "alice");
	is_int(count_admins(fx, &boss, "Team"), 1, "exactly one administrator");
	snap = fx_snapshot(fx);
	ok(store_group_set_coadmin(fx->st, &boss, "Team", "boss", true) < 0,
	   "the administrator cannot also be co-administrator");
	ok(*store_errmsg(fx->st), "with a message");
	unchanged(fx, snap, "the refusal changed nothing");
	succeeds(fx, store_group_handover(fx->st, &boss, "Team", "alice"),
		 "hand over to alice");
	is_int(count_admins(fx, &boss, "Team"), 1,
	       "still exactly one administrator");
	is_int(fx_role(fx, &boss, "Team", "alice"), STORE_ROLE_ADMIN,
	       "alice is administrator, not co-administrator");
}

/* boss administers Team; co is co-administrator; alice and bob members. */
static void team(struct fixture *fx, struct store_caller *boss,
		 struct store_caller *co, struct store_caller *alice,
		 struct store_caller *bob)
{
	*boss = fx_account(fx, "boss", FX_BIG);
	*co = fx_account(fx, "co", NULL);
	*alice = fx_account(fx, "alice", NULL);
	*bob = fx_account(fx, "bob", NULL);
	fx_group(fx, boss, "Team", 0);
	fx_join(fx, boss, "Team", "co");
	fx_join(fx, boss, "Team", "alice");
	fx_join(fx, boss, "Team", "bob");
	fx_coadmin(fx, boss, "Team", "co");
}

static void coadmin_powers(struct fixture *fx)
{
	struct store_caller boss, co, alice, bob;
	struct store_attr a;
	uint64_t root, cal, contacts, dir, sub;
	struct store_invitation *inv = NULL;
	size_t n = 0;

	team(fx, &boss, &co, &alice, &bob);
	is_int(fx_role(fx, &boss, "Team", "co"), STORE_ROLE_COADMIN,
	       "co is co-administrator");
	root = fx_root(fx, &co, "Team", STORE_TOOL_DOCUMENTS);
	cal = fx_root(fx, &co, "Team", STORE_TOOL_CALENDAR);
	contacts = fx_root(fx, &co, "Team", STORE_TOOL_CONTACTS);
	fx_rights(fx, &boss, "Team", "documents", STORE_RIGHT_ADD, false,
		  "alice", NULL);
	dir = fx_mkdir(fx, &alice, root, "alices");
	sub = fx_mkdir(fx, &alice, dir, "deeper");
	fx_create(fx, &alice, sub, "deep.txt");
	fx_create(fx, &alice, root, "alice.txt");

	succeeds(fx, store_may(fx->st, &co, root, STORE_RIGHT_ADD),
		 "co may add in documents");
	succeeds(fx, store_may(fx->st, &co, sub, STORE_RIGHT_ADD),
		 "co may add in any folder");
	succeeds(fx, store_may(fx->st, &co, sub, STORE_RIGHT_DELETE),
		 "co may delete in any folder");
	succeeds(fx, store_may(fx->st, &co, cal, STORE_RIGHT_ADD),
		 "co may add in the calendar");
	succeeds(fx, store_may(fx->st, &co, contacts, STORE_RIGHT_DELETE),
		 "co may delete in the contacts");
	succeeds(fx, store_fs_mkdir(fx->st, &co, sub, "by-co", 0755, &a),
		 "co creates a folder in alice's folder");
	succeeds(fx, store_fs_unlink(fx->st, &co, sub, "deep.txt"),
		 "co deletes alice's item deep in the tree");
	succeeds(fx, store_fs_unlink(fx->st, &co, root, "alice.txt"),
		 "co deletes alice's item at the top");
	succeeds(fx,
		 store_rights_set(fx->st, &co, "Team", "calendar",
				  STORE_RIGHT_ADD, true, NULL, 0),
		 "co changes rights at tool level");
	succeeds(fx,
		 store_rights_set(fx->st, &co, "Team", "documents/alices",
				  STORE_RIGHT_DELETE, true, NULL, 0),
		 "co changes rights at folder level");
	succeeds(fx,
		 store_rights_inherit(fx->st, &co, "Team", "documents/alices",
				      STORE_RIGHT_DELETE),
		 "co resets a folder's rights to inherited");
	succeeds(fx, store_group_invitations(fx->st, &co, "Team", &inv, &n),
		 "co lists pending invitations");
	free(inv);
}

static void coadmin_limits(struct fixture *fx)
{
	struct store_caller boss, co, alice, bob;
	struct store_group_settings s;
	size_t removed = 0;
	char *snap;

	team(fx, &boss, &co, &alice, &bob);
	fx_account(fx, "dave", NULL);
	fx_account(fx, "erin", NULL);
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "erin"),
		 "boss invites erin");
	memset(&s, 0, sizeof(s));
	strcpy(s.description, "by co");
	snap = fx_snapshot(fx);
	refused(fx,
		store_group_edit(fx->st, &co, "Team", &s,
				 STORE_GROUP_DESCRIPTION),
		-EACCES, KW_ADMIN, "co changes settings");
	refused(fx, store_group_invite(fx->st, &co, "Team", "dave"), -EACCES,
		KW_ADMIN, "co invites");
	refused(fx, store_group_resend(fx->st, &co, "Team", "erin"), -EACCES,
		KW_ADMIN, "co sends an invitation again");
	refused(fx, store_group_cancel(fx->st, &co, "Team", "erin"), -EACCES,
		KW_ADMIN, "co cancels an invitation");
	refused(fx, store_group_set_coadmin(fx->st, &co, "Team", "alice", true),
		-EACCES, KW_ADMIN, "co makes another member co-administrator");
	refused(fx, store_group_set_coadmin(fx->st, &co, "Team", "co", false),
		-EACCES, KW_ADMIN, "co removes a co-administrator");
	refused(fx, store_group_remove(fx->st, &co, "Team", "alice"), -EACCES,
		KW_ADMIN, "co removes a member");
	refused(fx, store_group_remove_all(fx->st, &co, "Team", &removed),
		-EACCES, KW_ADMIN, "co removes all members");
	refused(fx, store_group_handover(fx->st, &co, "Team", "co"), -EACCES,
		KW_ADMIN, "co takes the administrator role");
	refused(fx, store_group_handover(fx->st, &co, "Team", "alice"), -EACCES,
		KW_ADMIN, "co hands the administrator role over");
	refused(fx, store_group_delete(fx->st, &co, "Team"), -EACCES, KW_ADMIN,
		"co deletes the group");
	unchanged(fx, snap, "the co-administrator's refusals changed nothing");

	snap = fx_snapshot(fx);
	refused(fx, store_group_invite(fx->st, &alice, "Team", "dave"), -EACCES,
		KW_ADMIN, "a member invites");
	refused(fx,
		store_group_set_coadmin(fx->st, &alice, "Team", "bob", true),
		-EACCES, KW_ADMIN, "a member makes a co-administrator");
	refused(fx, store_group_remove(fx->st, &alice, "Team", "bob"), -EACCES,
		KW_ADMIN, "a member removes a member");
	refused(fx,
		store_rights_set(fx->st, &alice, "Team", "documents",
				 STORE_RIGHT_ADD, true, NULL, 0),
		-EACCES, KW_ADMIN, "a member changes rights");
	refused(fx,
		store_rights_set(fx->st, &alice, "Team", "calendar",
				 STORE_RIGHT_DELETE, true, NULL, 0),
		-EACCES, KW_ADMIN, "a member changes calendar rights");
	unchanged(fx, snap, "the members' refusals changed nothing");
}

static void set_coadmin_rules(struct fixture *fx)
{
	struct store_caller boss, co, alice, bob;
	char *snap;

	team(fx, &boss, &co, &alice, &bob);
	fx_account(fx, "carol", NULL);
	snap = fx_snapshot(fx);
	refused2(fx,
		 store_group_set_coadmin(fx->st, &boss, "Team", "carol", true),
		 -ENOENT, -EINVAL, "member",
		 "a non-member cannot be co-administrator");
	refused(fx,
		store_group_set_coadmin(fx->st, &boss, "Team", "nosuch", true),
		-ENOENT, NULL, "an unknown account cannot be co-administrator");
	unchanged(fx, snap, "the refusals changed nothing");
	succeeds(fx,
		 store_group_set_coadmin(fx->st, &boss, "Team", "alice", true),
		 "a second co-administrator");
	is_int(fx_role(fx, &boss, "Team", "alice"), STORE_ROLE_COADMIN,
	       "alice is co-administrator");
	is_int(fx_role(fx, &boss, "Team", "co"), STORE_ROLE_COADMIN,
	       "and co still is");
	succeeds(fx,
		 store_group_set_coadmin(fx->st, &boss, "Team", "co", false),
		 "demote co");
	is_int(fx_role(fx, &boss, "Team", "co"), STORE_ROLE_MEMBER,
	       "co is a member again");
}

static void demotion(struct fixture *fx)
{
	struct store_caller boss, co, alice, bob;
	struct store_attr a;
	struct store_rights r;
	uint64_t root, cal, f, g, h;

	team(fx, &boss, &co, &alice, &bob);
	root = fx_root(fx, &boss, "Team", STORE_TOOL_DOCUMENTS);
	cal = fx_root(fx, &boss, "Team", STORE_TOOL_CALENDAR);
	f = fx_mkdir(fx, &boss, root, "f");
	g = fx_mkdir(fx, &boss, root, "g");
	h = fx_mkdir(fx, &boss, root, "h");

	/* A right by name before the promotion, one during it. */
	fx_rights(fx, &boss, "Team", "documents/f", STORE_RIGHT_ADD, false,
		  "alice", NULL);
	fx_coadmin(fx, &boss, "Team", "alice");
	fx_rights(fx, &boss, "Team", "documents/g", STORE_RIGHT_DELETE, false,
		  "alice", NULL);
	succeeds(fx, store_may(fx->st, &alice, h, STORE_RIGHT_ADD),
		 "as co-administrator alice may add anywhere");
	succeeds(fx,
		 store_group_set_coadmin(fx->st, &boss, "Team", "alice", false),
		 "demote alice");
	is_int(fx_role(fx, &boss, "Team", "alice"), STORE_ROLE_MEMBER,
	       "alice is a member");

	succeeds(fx, store_may(fx->st, &alice, f, STORE_RIGHT_ADD),
		 "alice keeps add on f, granted by name before");
	succeeds(fx, store_may(fx->st, &alice, g, STORE_RIGHT_DELETE),
		 "alice keeps delete on g, granted by name while co-admin");
	is_errno(store_may(fx->st, &alice, f, STORE_RIGHT_DELETE), -EACCES,
		 "alice lost delete on f");
	is_errno(store_may(fx->st, &alice, g, STORE_RIGHT_ADD), -EACCES,
		 "alice lost add on g");
	is_errno(store_may(fx->st, &alice, h, STORE_RIGHT_ADD), -EACCES,
		 "alice lost add on h");
	is_errno(store_may(fx->st, &alice, root, STORE_RIGHT_ADD), -EACCES,
		 "alice lost add at the top of documents");
	is_errno(store_may(fx->st, &alice, cal, STORE_RIGHT_ADD), -EACCES,
		 "alice lost add in the calendar");
	refused(fx, store_fs_mkdir(fx->st, &alice, h, "x", 0755, &a), -EACCES,
		"add|right|may|permission", "alice creates in h");
	is_errno(store_fs_lookup(fx->st, &boss, h, "x", &a), -ENOENT,
		 "the refused folder does not exist");
	succeeds(fx, store_fs_mkdir(fx->st, &alice, f, "x", 0755, &a),
		 "alice creates in f");
	refused(fx,
		store_rights_set(fx->st, &alice, "Team", "documents/h",
				 STORE_RIGHT_ADD, true, NULL, 0),
		-EACCES, KW_ADMIN, "alice no longer changes rights");

	memset(&r, 0, sizeof(r));
	if (succeeds(
		    fx,
		    store_rights_get(fx->st, &alice, "Team", "documents/f", &r),
		    "rights of f")) {
		ok(r.add.named.n == 1 && !strcmp(r.add.named.name[0], "alice"),
		   "f still names alice for add");
		store_rights_release(&r);
	}
}

static void handover_refusals(struct fixture *fx)
{
	struct store_caller boss, co, alice, bob;
	char *snap;

	team(fx, &boss, &co, &alice, &bob);
	fx_account(fx, "carol", FX_BIG);
	snap = fx_snapshot(fx);
	refused(fx, store_group_handover(fx->st, &alice, "Team", "bob"),
		-EACCES, KW_ADMIN, "a member hands over");
	refused2(fx, store_group_handover(fx->st, &boss, "Team", "carol"),
		 -ENOENT, -EINVAL, "member", "hand over to a non-member");
	refused(fx, store_group_handover(fx->st, &boss, "Team", "nosuch"),
		-ENOENT, NULL, "hand over to an unknown account");
	/* alice and bob are on the free tier: no group at all. */
	refused(fx, store_group_handover(fx->st, &boss, "Team", "alice"),
		-EDQUOT, KW_PLAN, "hand over to a free-tier member");
	unchanged(fx, snap, "the refused hand-overs changed nothing");

	/* A plan whose single group is taken. */
	fx_plan(fx, "one", 1, 100, FX_GIB, FX_GIB);
	{
		struct store_account a;

		memset(&a, 0, sizeof(a));
		strcpy(a.plan, "one");
		succeeds(fx,
			 store_account_edit(fx->st, &fx->op, "bob", &a,
					    STORE_ACCOUNT_PLAN),
			 "bob moves to plan one");
	}
	fx_group(fx, &bob, "Bobs", 0);
	snap = fx_snapshot(fx);
	refused(fx, store_group_handover(fx->st, &boss, "Team", "bob"), -EDQUOT,
		KW_PLAN, "hand over to a member whose plan has no group left");
	unchanged(fx, snap, "the refused hand-over changed nothing");

	/* A plan too small for the members: 4 members, limit 3. */
	fx_plan(fx, "three", 5, 3, FX_GIB, FX_GIB);
	{
		struct store_account a;

		memset(&a, 0, sizeof(a));
		strcpy(a.plan, "three");
		succeeds(fx,
			 store_account_edit(fx->st, &fx->op, "co", &a,
					    STORE_ACCOUNT_PLAN),
			 "co moves to plan three");
	}
	snap = fx_snapshot(fx);
	refused(fx, store_group_handover(fx->st, &boss, "Team", "co"), -EDQUOT,
		KW_PLAN,
		"hand over to a member whose plan holds 3 of 4 members");
	unchanged(fx, snap, "the refused hand-over changed nothing");

	/* 4 members and 1 pending invitation: a plan of 4 is too small. */
	fx_plan(fx, "three", 5, 4, FX_GIB, FX_GIB);
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "carol"),
		 "invite carol (pending)");
	snap = fx_snapshot(fx);
	refused(fx, store_group_handover(fx->st, &boss, "Team", "co"), -EDQUOT,
		KW_PLAN, "pending invitations count against the new plan");
	unchanged(fx, snap, "the refused hand-over changed nothing");
	succeeds(fx, store_group_cancel(fx->st, &boss, "Team", "carol"),
		 "cancel carol's invitation");
	succeeds(fx, store_group_handover(fx->st, &boss, "Team", "co"),
		 "now the group fits co's plan");
}

static void handover_success(struct fixture *fx)
{
	struct store_caller boss, alice;
	struct store_group_settings nos;
	struct store_group g;
	int64_t id;
	char *snap;

	memset(&nos, 0, sizeof(nos));
	fx_plan(fx, "one", 1, 50, FX_GIB, FX_GIB);
	fx_plan(fx, "mid", 2, 10, 2 * FX_GIB, FX_GIB);
	boss = fx_account(fx, "boss", "one");
	alice = fx_account(fx, "alice", "mid");
	fx_account(fx, "bob", NULL);
	fx_account(fx, "carol", NULL);
	fx_group(fx, &boss, "Team", 0);
	fx_join(fx, &boss, "Team", "alice");
	fx_join(fx, &boss, "Team", "bob");
	fx_coadmin(fx, &boss, "Team", "alice");

	succeeds(fx, store_group_handover(fx->st, &boss, "Team", "alice"),
		 "boss hands Team over to alice");
	succeeds(fx, store_group_get(fx->st, &boss, "Team", &g), "get");
	is_str(g.admin, "alice", "alice is the administrator");
	is_int(g.role, STORE_ROLE_MEMBER, "boss stays, as a member");
	is_int(g.capacity, 2 * FX_GIB, "capacity now from alice's plan");
	is_int(g.max_members, 10, "member limit now from alice's plan");
	is_int(fx_role(fx, &alice, "Team", "alice"), STORE_ROLE_ADMIN,
	       "the members list shows alice as administrator");
	is_int(fx_role(fx, &alice, "Team", "boss"), STORE_ROLE_MEMBER,
	       "and boss as member");
	is_int(count_admins(fx, &alice, "Team"), 1, "one administrator");

	snap = fx_snapshot(fx);
	refused(fx, store_group_invite(fx->st, &boss, "Team", "carol"), -EACCES,
		KW_ADMIN, "the former administrator invites");
	unchanged(fx, snap, "the refusal changed nothing");
	succeeds(fx, store_group_invite(fx->st, &alice, "Team", "carol"),
		 "the new administrator invites");
	succeeds(fx, store_group_create(fx->st, &boss, "Another", &nos, 0, &id),
		 "boss's plan has room for a group again");
	refused(fx, store_group_leave(fx->st, &alice, "Team"), -EPERM, KW_ADMIN,
		"the new administrator cannot leave");
	{
		uint64_t docs =
			fx_root(fx, &boss, "Team", STORE_TOOL_DOCUMENTS);

		is_errno(store_may(fx->st, &boss, docs, STORE_RIGHT_ADD),
			 -EACCES, "the former administrator lost add");
		is_errno(
			store_may(fx->st, &boss, docs, STORE_RIGHT_DELETE),
			-EACCES, "and delete");
		succeeds(fx,
			 store_may(fx->st, &alice, docs, STORE_RIGHT_ADD),
			 "the new administrator may add");
	}
	succeeds(fx, store_group_leave(fx->st, &boss, "Team"),
		 "the former administrator can leave");
}

static void remove_member(struct fixture *fx)
{
	struct store_caller boss, co, alice, bob;
	struct store_group g;
	struct store_attr a;
	struct store_editors e;
	uint64_t root, dir, file, ino;
	char *snap;

	team(fx, &boss, &co, &alice, &bob);
	fx_account(fx, "carol", NULL);
	fx_rights(fx, &boss, "Team", "documents", STORE_RIGHT_ADD, true, NULL);
	root = fx_root(fx, &bob, "Team", STORE_TOOL_DOCUMENTS);
	dir = fx_mkdir(fx, &bob, root, "bobs");
	file = fx_create(fx, &bob, dir, "report.txt");

	snap = fx_snapshot(fx);
	refused(fx, store_group_remove(fx->st, &co, "Team", "bob"), -EACCES,
		KW_ADMIN, "a co-administrator removes a member");
	refused(fx, store_group_remove(fx->st, &alice, "Team", "bob"), -EACCES,
		KW_ADMIN, "a member removes a member");
	refused(fx, store_group_remove(fx->st, &bob, "Team", "bob"), -EACCES,
		KW_ADMIN, "a member removes themself (that is leaving)");
	ok(store_group_remove(fx->st, &boss, "Team", "boss") < 0,
	   "the administrator cannot remove themself");
	ok(*store_errmsg(fx->st), "with a message");
	refused(fx, store_group_remove(fx->st, &boss, "Team", "carol"), -ENOENT,
		NULL, "removing a non-member");
	refused(fx, store_group_remove(fx->st, &boss, "Team", "nosuch"),
		-ENOENT, NULL, "removing an unknown account");
	unchanged(fx, snap, "the refused removals changed nothing");

	succeeds(fx, store_group_remove(fx->st, &boss, "Team", "bob"),
		 "the administrator removes bob");
	is_int(fx_role(fx, &boss, "Team", "bob"), STORE_ROLE_NONE,
	       "bob is not in the members list");
	refused(fx, store_group_get(fx->st, &bob, "Team", &g), -ENOENT, NULL,
		"bob no longer sees the private group");
	ok(store_tool_root(fx->st, &bob, "Team", STORE_TOOL_DOCUMENTS, &ino) <
		   0,
	   "bob has no tool root");
	ok(store_fs_lookup(fx->st, &bob, root, "bobs", &a) < 0,
	   "bob's next lookup through a root he held fails");
	ok(store_may(fx->st, &bob, file, STORE_RIGHT_EDIT) < 0,
	   "bob may no longer edit his own file");
	ok(store_fs_mknod(fx->st, &bob, dir, "more.txt", S_IFREG | 0644, &a) < 0,
	   "bob cannot create in the folder he held");
	ok(store_fs_unlink(fx->st, &bob, dir, "report.txt") < 0,
	   "bob cannot delete his own file");
	succeeds(fx,
		 store_resolve(fx->st, &boss, "Team",
				    "documents/bobs/report.txt", &a),
		 "the content bob added stays in the group");
	memset(&e, 0, sizeof(e));
	if (succeeds(fx,
		     store_editors_get(fx->st, &boss, "Team",
				       "documents/bobs/report.txt", &e),
		     "its editors")) {
		is_str(e.creator, "bob", "bob is still its creator");
		store_editors_release(&e);
	}

	succeeds(fx, store_group_remove(fx->st, &boss, "Team", "co"),
		 "the administrator removes the co-administrator");
	fx_join(fx, &boss, "Team", "co");
	is_int(fx_role(fx, &boss, "Team", "co"), STORE_ROLE_MEMBER,
	       "invited again, co comes back as a plain member");
}

static void remove_all(struct fixture *fx)
{
	struct store_caller boss, co, alice, bob;
	struct store_group g;
	size_t removed = 0;
	uint64_t ino;
	char *snap;

	team(fx, &boss, &co, &alice, &bob);
	snap = fx_snapshot(fx);
	refused(fx, store_group_remove_all(fx->st, &co, "Team", &removed),
		-EACCES, KW_ADMIN, "a co-administrator removes all");
	refused(fx, store_group_remove_all(fx->st, &alice, "Team", &removed),
		-EACCES, KW_ADMIN, "a member removes all");
	unchanged(fx, snap, "the refusals changed nothing");
	succeeds(fx, store_group_remove_all(fx->st, &boss, "Team", &removed),
		 "the administrator removes all");
	is_int(removed, 3, "three members removed");
	is_int(fx_members(fx, &boss, "Team"), 1, "the administrator remains");
	is_int(fx_role(fx, &boss, "Team", "boss"), STORE_ROLE_ADMIN,
	       "still administrator");
	is_errno(store_group_get(fx->st, &co, "Team", &g), -ENOENT,
		 "co lost the group");
	is_errno(store_group_get(fx->st, &alice, "Team", &g), -ENOENT,
		 "alice lost the group");
	ok(store_tool_root(fx->st, &bob, "Team", STORE_TOOL_CALENDAR, &ino) < 0,
	   "bob has no calendar root");
	succeeds(fx, store_group_remove_all(fx->st, &boss, "Team", &removed),
		 "remove all again");
	is_int(removed, 0, "nobody left to remove");
}

int main(void)
{
	fx_run("a single administrator", single_admin);
	fx_run("co-administrator powers", coadmin_powers);
	fx_run("what co-administrators and members may not do", coadmin_limits);
	fx_run("setting co-administrators", set_coadmin_rules);
	fx_run("demotion keeps rights given by name", demotion);
	fx_run("hand-over refusals", handover_refusals);
	fx_run("hand-over", handover_success);
	fx_run("remove a member", remove_member);
	fx_run("remove all members", remove_all);
	return done_testing();
}
