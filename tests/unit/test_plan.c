// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of plans (SPEC.md section 1, "Plan"): the default tiers, plan
 * set and remove by the operator only, and the limits a plan puts on its
 * accounts: groups administered, members per group (pending invitations
 * included), capacities, all following plan changes at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const struct store_plan *find_plan(const struct store_plan *p, size_t n,
					  const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

static void defaults(struct fixture *fx)
{
	struct store_plan *p = NULL, one;
	const struct store_plan *free_plan, *big = NULL;
	size_t n = 0, i;
	bool positive = true;

	succeeds(fx, store_plan_list(fx->st, &p, &n), "plan list");
	ok(n >= 4, "at least four default tiers (got %zu)", n);
	free_plan = find_plan(p, n, "free");
	ok(free_plan != NULL, "a plan named free exists");
	if (free_plan) {
		is_int(free_plan->max_groups, 0,
		       "the free tier may administer no group");
		succeeds(fx, store_plan_get(fx->st, "free", &one),
			 "plan get free");
		is_int(one.max_groups, free_plan->max_groups,
		       "plan get agrees with plan list");
		is_int(one.private_bytes, free_plan->private_bytes,
		       "plan get agrees on private bytes");
	}
	for (i = 0; i < n; i++) {
		if (!big || p[i].max_groups > big->max_groups)
			big = &p[i];
		if (p[i].private_bytes == 0)
			positive = false;
	}
	ok(positive, "every tier has a private space");
	ok(big && big->max_groups > 1 && big->max_members > 2 &&
		   big->group_bytes > 0,
	   "a large tier administers several groups of several members");
	if (free_plan && big)
		ok(big->group_bytes >= free_plan->group_bytes,
		   "the large tier holds at least as much as the free one");
	free(p);
}

static void get_unknown(struct fixture *fx)
{
	struct store_plan p;

	is_errno(store_plan_get(fx->st, "nosuchplan", &p), -ENOENT,
		 "plan get of an unknown plan");
}

static void set_create_edit(struct fixture *fx)
{
	struct store_plan p, got, free_plan;
	bool created = false;
	int rc;

	memset(&p, 0, sizeof(p));
	strcpy(p.name, "team");
	p.max_groups = 3;
	p.max_members = 12;
	p.group_bytes = 5 * FX_GIB;
	p.private_bytes = 2 * FX_GIB;
	rc = store_plan_set(fx->st, &fx->op, &p,
			    STORE_PLAN_MAX_GROUPS | STORE_PLAN_MAX_MEMBERS |
				    STORE_PLAN_GROUP_BYTES |
				    STORE_PLAN_PRIVATE_BYTES,
			    &created);
	succeeds(fx, rc, "operator creates plan team");
	ok(created, "plan set reports the plan created");
	succeeds(fx, store_plan_get(fx->st, "team", &got), "plan get team");
	is_int(got.max_groups, 3, "max_groups stored");
	is_int(got.max_members, 12, "max_members stored");
	is_int(got.group_bytes, 5 * FX_GIB, "group_bytes stored");
	is_int(got.private_bytes, 2 * FX_GIB, "private_bytes stored");

	memset(&p, 0, sizeof(p));
	strcpy(p.name, "team");
	p.max_members = 20;
	p.max_groups = 99; /* not in the mask: ignored */
	created = true;
	rc = store_plan_set(fx->st, &fx->op, &p, STORE_PLAN_MAX_MEMBERS,
			    &created);
	succeeds(fx, rc, "operator edits plan team");
	ok(!created, "plan set reports the plan changed, not created");
	succeeds(fx, store_plan_get(fx->st, "team", &got), "plan get team");
	is_int(got.max_members, 20, "max_members changed");
	is_int(got.max_groups, 3, "max_groups outside the mask kept");
	is_int(got.group_bytes, 5 * FX_GIB,
	       "group_bytes outside the mask kept");

	/* A new plan takes the free tier's values outside the mask. */
	succeeds(fx, store_plan_get(fx->st, "free", &free_plan),
		 "plan get free");
	memset(&p, 0, sizeof(p));
	strcpy(p.name, "partial");
	p.private_bytes = 7 * FX_GIB;
	succeeds(fx,
		 store_plan_set(fx->st, &fx->op, &p, STORE_PLAN_PRIVATE_BYTES,
				NULL),
		 "operator creates a plan with one field");
	memset(&got, 0, sizeof(got));
	succeeds(fx, store_plan_get(fx->st, "partial", &got),
		 "plan get partial");
	is_int(got.private_bytes, 7 * FX_GIB, "the field given is set");
	is_int(got.max_groups, free_plan.max_groups,
	       "max_groups from the free tier");
	is_int(got.max_members, free_plan.max_members,
	       "max_members from the free tier");
	is_int(got.group_bytes, free_plan.group_bytes,
	       "group_bytes from the free tier");

	memset(&p, 0, sizeof(p));
	refused(fx,
		store_plan_set(fx->st, &fx->op, &p, STORE_PLAN_MAX_GROUPS,
			       NULL),
		-EINVAL, NULL, "a plan with an empty name");
}

static void operator_only(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_plan p, got;
	char *snap;

	memset(&p, 0, sizeof(p));
	strcpy(p.name, FX_BIG);
	p.max_groups = 1000;
	snap = fx_snapshot(fx);
	refused(fx,
		store_plan_set(fx->st, &alice, &p, STORE_PLAN_MAX_GROUPS, NULL),
		-EPERM, KW_OPERATOR, "an account edits its own plan");
	strcpy(p.name, "mine");
	refused(fx,
		store_plan_set(fx->st, &alice, &p, STORE_PLAN_MAX_GROUPS, NULL),
		-EPERM, KW_OPERATOR, "an account creates a plan");
	refused(fx, store_plan_remove(fx->st, &alice, "free"), -EPERM,
		KW_OPERATOR, "an account removes a plan");
	unchanged(fx, snap, "refused plan changes changed nothing");
	is_errno(store_plan_get(fx->st, "mine", &got), -ENOENT,
		 "the refused plan was not created");
}

static void remove_plan(struct fixture *fx)
{
	struct store_plan got;
	char *snap;

	fx_plan(fx, "spare", 1, 5, FX_GIB, FX_GIB);
	succeeds(fx, store_plan_remove(fx->st, &fx->op, "spare"),
		 "operator removes an unused plan");
	is_errno(store_plan_get(fx->st, "spare", &got), -ENOENT,
		 "the removed plan is gone");

	fx_plan(fx, "used", 1, 5, FX_GIB, FX_GIB);
	fx_account(fx, "alice", "used");
	snap = fx_snapshot(fx);
	refused2(fx, store_plan_remove(fx->st, &fx->op, "used"), -EBUSY,
		 -ENOTEMPTY, NULL, "removing a plan an account uses");
	unchanged(fx, snap, "the refused removal changed nothing");
	is_errno(store_plan_remove(fx->st, &fx->op, "nosuchplan"), -ENOENT,
		 "removing an unknown plan");
}

static void accounts_count(struct fixture *fx)
{
	struct store_plan got;

	fx_plan(fx, "counted", 1, 5, FX_GIB, FX_GIB);
	fx_account(fx, "alice", "counted");
	fx_account(fx, "bob", "counted");
	fx_account(fx, "carol", NULL);
	succeeds(fx, store_plan_get(fx->st, "counted", &got), "plan get");
	is_int(got.accounts, 2, "the plan counts its accounts");
}

static void free_tier_no_group(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", "free");
	struct store_group_settings s;
	struct store_group *g = NULL;
	size_t n = 0;
	int64_t id = 0;
	char *snap;

	memset(&s, 0, sizeof(s));
	snap = fx_snapshot(fx);
	refused(fx, store_group_create(fx->st, &alice, "Sales", &s, 0, &id),
		-EDQUOT, KW_PLAN, "the free tier creates a group");
	unchanged(fx, snap, "the refused creation changed nothing");
	succeeds(fx, store_group_list(fx->st, &fx->op, &g, &n), "group list");
	is_int(n, 0, "no group exists");
	free(g);
}

static void max_groups(struct fixture *fx)
{
	struct store_caller alice;
	struct store_group_settings s;
	int64_t id = 0;
	char *snap;

	fx_plan(fx, "two", 2, 10, FX_GIB, FX_GIB);
	alice = fx_account(fx, "alice", "two");
	memset(&s, 0, sizeof(s));
	succeeds(fx, store_group_create(fx->st, &alice, "g1", &s, 0, &id),
		 "first group within the plan");
	succeeds(fx, store_group_create(fx->st, &alice, "g2", &s, 0, &id),
		 "second group within the plan");
	snap = fx_snapshot(fx);
	refused(fx, store_group_create(fx->st, &alice, "g3", &s, 0, &id),
		-EDQUOT, KW_PLAN, "a third group past max_groups 2");
	unchanged(fx, snap, "the refused creation changed nothing");
	succeeds(fx, store_group_delete(fx->st, &alice, "g1"), "delete g1");
	succeeds(fx, store_group_create(fx->st, &alice, "g3", &s, 0, &id),
		 "a deleted group frees its place in the plan");

	/* Raising the plan takes effect at once. */
	fx_plan(fx, "two", 3, 10, FX_GIB, FX_GIB);
	succeeds(fx, store_group_create(fx->st, &alice, "g4", &s, 0, &id),
		 "a raised max_groups applies at once");
}

static void max_members(struct fixture *fx)
{
	struct store_caller alice, bob, dave;
	struct store_group g;
	char *snap;

	fx_plan(fx, "small", 1, 3, FX_GIB, FX_GIB);
	alice = fx_account(fx, "alice", "small");
	fx_account(fx, "bob", NULL);
	fx_account(fx, "carol", NULL);
	dave = fx_account(fx, "dave", NULL);
	fx_group(fx, &alice, "club", FX_PUBLISHED | FX_OPEN);
	fx_join(fx, &alice, "club", "bob");
	succeeds(fx, store_group_invite(fx->st, &alice, "club", "carol"),
		 "invite the third member (pending)");
	succeeds(fx, store_group_get(fx->st, &alice, "club", &g), "group get");
	is_int(g.max_members, 3, "the group's limit is the admin's plan");
	is_int(g.members, 2, "two members");
	is_int(g.invitations, 1, "one pending invitation");

	snap = fx_snapshot(fx);
	refused(fx, store_group_invite(fx->st, &alice, "club", "dave"), -EDQUOT,
		KW_PLAN, "an invitation past the member limit");
	refused(fx, store_group_join(fx->st, &dave, "club"), -EDQUOT, KW_PLAN,
		"joining an open group at its member limit");
	unchanged(fx, snap, "the refusals changed nothing");

	bob = fx_caller(fx, "bob");
	succeeds(fx, store_group_leave(fx->st, &bob, "club"), "bob leaves");
	succeeds(fx, store_group_join(fx->st, &dave, "club"),
		 "joining once there is room");
	is_int(fx_role(fx, &alice, "club", "dave"), STORE_ROLE_MEMBER,
	       "dave is a member");

	/* Raising the plan's member limit applies at once. */
	fx_plan(fx, "small", 1, 4, FX_GIB, FX_GIB);
	succeeds(fx, store_group_get(fx->st, &alice, "club", &g), "group get");
	is_int(g.max_members, 4, "the group follows its admin's plan");
	succeeds(fx, store_group_invite(fx->st, &alice, "club", "bob"),
		 "an invitation within the raised limit");
}

static void plan_lowered(struct fixture *fx)
{
	struct store_caller alice, dave;
	struct store_group g;
	char *snap;

	fx_plan(fx, "roomy", 2, 10, FX_GIB, FX_GIB);
	alice = fx_account(fx, "alice", "roomy");
	fx_account(fx, "bob", NULL);
	fx_account(fx, "carol", NULL);
	dave = fx_account(fx, "dave", NULL);
	fx_group(fx, &alice, "club", FX_PUBLISHED | FX_OPEN);
	fx_group(fx, &alice, "other", 0);
	fx_join(fx, &alice, "club", "bob");
	fx_join(fx, &alice, "club", "carol");

	/* The plan shrinks under the group: 3 members, limit 2. */
	fx_plan(fx, "roomy", 1, 2, FX_GIB, FX_GIB);
	succeeds(fx, store_group_get(fx->st, &alice, "club", &g), "get");
	is_int(g.members, 3, "every member stays");
	is_int(g.max_members, 2, "the limit is the new one");
	snap = fx_snapshot(fx);
	refused(fx, store_group_invite(fx->st, &alice, "club", "dave"), -EDQUOT,
		KW_PLAN, "no invitation over the lowered limit");
	refused(fx, store_group_join(fx->st, &dave, "club"), -EDQUOT, KW_PLAN,
		"no join over the lowered limit");
	unchanged(fx, snap, "the refusals changed nothing");
	succeeds(fx, store_group_get(fx->st, &alice, "other", &g),
		 "the group past the lowered group count stays");
}

static void plan_values(struct fixture *fx)
{
	struct store_plan p;
	char *snap = fx_snapshot(fx);

	memset(&p, 0, sizeof(p));
	strcpy(p.name, "neg");
	p.max_groups = -1;
	refused(fx,
		store_plan_set(fx->st, &fx->op, &p, STORE_PLAN_MAX_GROUPS,
			       NULL),
		-EINVAL, NULL, "a negative group count");
	p.max_groups = 1;
	p.max_members = -3;
	refused(fx,
		store_plan_set(fx->st, &fx->op, &p,
			       STORE_PLAN_MAX_GROUPS | STORE_PLAN_MAX_MEMBERS,
			       NULL),
		-EINVAL, NULL, "a negative member count");
	unchanged(fx, snap, "the refusals changed nothing");
}

static void plan_change_of_account(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", "free");
	struct store_account a;
	struct store_group g;
	char *snap;

	fx_plan(fx, "pro", 2, 7, 3 * FX_GIB, FX_GIB);
	memset(&a, 0, sizeof(a));
	strcpy(a.plan, "pro");
	snap = fx_snapshot(fx);
	refused(fx,
		store_account_edit(fx->st, &alice, "alice", &a,
				   STORE_ACCOUNT_PLAN),
		-EPERM, KW_OPERATOR, "an account changes its own plan");
	unchanged(fx, snap, "the refused plan change changed nothing");
	succeeds(fx,
		 store_account_edit(fx->st, &fx->op, "alice", &a,
				    STORE_ACCOUNT_PLAN),
		 "the operator changes alice's plan");
	succeeds(fx, store_account_get(fx->st, &alice, "alice", &a),
		 "alice reads her account");
	is_str(a.plan, "pro", "alice is on plan pro");
	fx_group(fx, &alice, "Lab", 0);
	succeeds(fx, store_group_get(fx->st, &alice, "Lab", &g), "group get");
	is_int(g.max_members, 7, "members limit from plan pro");
	is_int(g.capacity, 3 * FX_GIB, "capacity from plan pro");

	strcpy(a.plan, "nosuchplan");
	snap = fx_snapshot(fx);
	refused2(fx,
		 store_account_edit(fx->st, &fx->op, "alice", &a,
				    STORE_ACCOUNT_PLAN),
		 -ENOENT, -EINVAL, "plan", "moving an account to no plan");
	unchanged(fx, snap, "the refused plan change changed nothing");
}

static void usage(struct fixture *fx)
{
	struct store_caller alice, bob;
	struct store_usage *u = NULL;
	size_t n = 0, i;
	bool saw_private = false, saw_group = false;

	fx_plan(fx, "mid", 2, 6, 3 * FX_GIB, 2 * FX_GIB);
	alice = fx_account(fx, "alice", "mid");
	bob = fx_account(fx, "bob", NULL);
	fx_group(fx, &alice, "Lab", 0);
	fx_join(fx, &alice, "Lab", "bob");
	succeeds(fx, store_usage(fx->st, &alice, NULL, &u, &n), "usage");
	for (i = 0; i < n; i++) {
		if (!strcmp(u[i].name, "Private")) {
			saw_private = true;
			is_int(u[i].capacity, 2 * FX_GIB,
			       "private capacity is the plan's");
			is_int(u[i].members, -1,
			       "private space has no members");
		} else if (!strcmp(u[i].name, "Lab")) {
			saw_group = true;
			is_int(u[i].capacity, 3 * FX_GIB,
			       "group capacity is the admin's plan's");
			is_int(u[i].members, 2, "group members");
			is_int(u[i].max_members, 6, "group member limit");
			is_int(u[i].used, 0, "an empty group uses nothing");
		}
	}
	ok(saw_private, "usage lists the private space");
	ok(saw_group, "usage lists the group");
	free(u);

	/* A member sees the group at its administrator's capacity. */
	u = NULL;
	n = 0;
	succeeds(fx, store_usage(fx->st, &bob, "Lab", &u, &n),
		 "usage of Lab by bob");
	ok(n == 1 && u[0].capacity == (int64_t)(3 * FX_GIB),
	   "a member's view of the group capacity is the admin's plan");
	free(u);
}

int main(void)
{
	fx_run("default tiers", defaults);
	fx_run("unknown plan", get_unknown);
	fx_run("plan set creates and edits", set_create_edit);
	fx_run("plans are the operator's", operator_only);
	fx_run("plan remove", remove_plan);
	fx_run("accounts per plan", accounts_count);
	fx_run("the free tier administers no group", free_tier_no_group);
	fx_run("groups administered limit", max_groups);
	fx_run("members limit counts pending invitations", max_members);
	fx_run("a plan lowered under its groups", plan_lowered);
	fx_run("plan values", plan_values);
	fx_run("an account's plan change", plan_change_of_account);
	fx_run("usage follows plans", usage);
	return done_testing();
}
