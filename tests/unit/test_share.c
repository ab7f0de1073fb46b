// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of grants on a personal calendar (SPEC.md sections 1 and 2,
 * "Private data"): only to co-members, exactly the rights given, and gone
 * the moment the last group through which they were granted is no longer
 * shared: when the granter leaves, when the grantee leaves or is removed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define ALL (STORE_CAL_VIEW | STORE_CAL_ADD | STORE_CAL_EDIT | STORE_CAL_DELETE)

struct cast {
	struct store_caller boss, olga, alice, bob, carol;
};

/* boss administers G1 and G2; olga, alice and bob are members of G1;
 * carol is a stranger. */
static void cast(struct fixture *fx, struct cast *c)
{
	c->boss = fx_account(fx, "boss", FX_BIG);
	c->olga = fx_account(fx, "olga", NULL);
	c->alice = fx_account(fx, "alice", NULL);
	c->bob = fx_account(fx, "bob", NULL);
	c->carol = fx_account(fx, "carol", NULL);
	fx_group(fx, &c->boss, "G1", 0);
	fx_group(fx, &c->boss, "G2", 0);
	fx_join(fx, &c->boss, "G1", "olga");
	fx_join(fx, &c->boss, "G1", "alice");
	fx_join(fx, &c->boss, "G1", "bob");
}

/* The rights `c` holds on owner's calendar; -1 when refused otherwise than
 * by -ENOENT (which means none). */
static long rights(struct fixture *fx, const struct store_caller *c,
		   const char *owner)
{
	unsigned r = 0;
	int rc = store_calendar_rights(fx->st, c, owner, &r);

	if (rc == -ENOENT)
		return 0;
	if (rc) {
		diag("  store_calendar_rights: %d (%s): %s", rc,
		     tap_errno_name(rc), store_errmsg(fx->st));
		return -1;
	}
	return r;
}

static int share(struct fixture *fx, const struct store_caller *c,
		 const char *user, unsigned r)
{
	const char *users[] = {user};

	return store_share_calendar(fx->st, c, users, 1, r);
}

/* The grant owner -> grantee as `c` lists it, or NULL. */
static bool find_grant(struct fixture *fx, const struct store_caller *c,
		       const char *owner, const char *grantee,
		       struct store_cal_grant *out)
{
	struct store_cal_grant *g = NULL;
	size_t n = 0, i;
	bool found = false;

	if (store_calendar_grants(fx->st, c, &g, &n))
		return false;
	for (i = 0; i < n; i++)
		if (!strcmp(g[i].owner, owner) &&
		    !strcmp(g[i].grantee, grantee)) {
			*out = g[i];
			found = true;
		}
	free(g);
	return found;
}

static void exact_rights(struct fixture *fx)
{
	const char *const both[] = {"alice", "bob"};
	struct store_cal_grant g;
	struct cast c;
	char *snap;

	cast(fx, &c);
	is_int(rights(fx, &c.olga, "olga"), ALL, "an owner holds every right");
	is_int(rights(fx, &c.alice, "olga"), 0,
	       "a co-member holds none by default");
	succeeds(fx,
		 share(fx, &c.olga, "alice", STORE_CAL_VIEW | STORE_CAL_ADD),
		 "olga gives alice view and add");
	is_int(rights(fx, &c.alice, "olga"), STORE_CAL_VIEW | STORE_CAL_ADD,
	       "alice holds exactly view and add");
	is_int(rights(fx, &c.bob, "olga"), 0, "bob holds nothing");
	is_int(rights(fx, &c.olga, "alice"), 0,
	       "a grant does not go the other way");
	ok(find_grant(fx, &c.olga, "olga", "alice", &g),
	   "olga's list shows the grant");
	is_int(g.rights, STORE_CAL_VIEW | STORE_CAL_ADD, "with its rights");
	is_int(g.groups, 1, "held through one group");
	ok(find_grant(fx, &c.alice, "olga", "alice", &g),
	   "alice's list shows the grant made to her");
	ok(!find_grant(fx, &c.bob, "olga", "alice", &g),
	   "bob's list does not show it");

	succeeds(fx, share(fx, &c.olga, "alice", STORE_CAL_EDIT),
		 "olga gives alice edit only");
	is_int(rights(fx, &c.alice, "olga"), STORE_CAL_EDIT,
	       "the grant is replaced, not added to");
	succeeds(fx,
		 store_share_calendar(fx->st, &c.olga, both, 2,
				      STORE_CAL_VIEW | STORE_CAL_DELETE),
		 "olga gives alice and bob view and delete");
	is_int(rights(fx, &c.alice, "olga"), STORE_CAL_VIEW | STORE_CAL_DELETE,
	       "alice's rights");
	is_int(rights(fx, &c.bob, "olga"), STORE_CAL_VIEW | STORE_CAL_DELETE,
	       "bob's rights");

	snap = fx_snapshot(fx);
	refused(fx, share(fx, &c.olga, "alice", 1u << 6), -EINVAL, NULL,
		"an unknown right");
	unchanged(fx, snap, "the refusal changed nothing");

	succeeds(fx, share(fx, &c.olga, "alice", 0), "olga revokes alice");
	is_int(rights(fx, &c.alice, "olga"), 0, "alice holds nothing");
	ok(!find_grant(fx, &c.olga, "olga", "alice", &g),
	   "the grant is gone from olga's list");
	is_int(rights(fx, &c.bob, "olga"), STORE_CAL_VIEW | STORE_CAL_DELETE,
	       "bob keeps his");
}

static void co_members_only(struct fixture *fx)
{
	const char *const mixed[] = {"alice", "carol"};
	struct store_caller nobody = {0};
	struct cast c;
	char *snap;

	cast(fx, &c);
	snap = fx_snapshot(fx);
	refused2(fx, share(fx, &c.olga, "carol", STORE_CAL_VIEW), -EINVAL,
		 -ENOENT, "member", "a grant to a stranger");
	refused2(
		fx,
		store_share_calendar(fx->st, &c.olga, mixed, 2, STORE_CAL_VIEW),
		-EINVAL, -ENOENT, "member",
		"a grant to a co-member and a stranger");
	refused2(fx, share(fx, &c.olga, "nosuch", STORE_CAL_VIEW), -EINVAL,
		 -ENOENT, NULL, "a grant to an unknown account");
	ok(share(fx, &nobody, "alice", STORE_CAL_VIEW) < 0,
	   "a caller with no account grants nothing");
	unchanged(fx, snap, "the refusals changed nothing");
	is_int(rights(fx, &c.alice, "olga"), 0,
	       "alice got nothing from the refused grant");
	is_int(rights(fx, &c.carol, "olga"), 0, "carol holds nothing");

	/* An invitee is not a co-member yet. */
	succeeds(fx, store_group_invite(fx->st, &c.boss, "G1", "carol"),
		 "invite carol");
	refused2(fx, share(fx, &c.olga, "carol", STORE_CAL_VIEW), -EINVAL,
		 -ENOENT, "member", "a grant to a pending invitee");
}

static void granter_leaves(struct fixture *fx)
{
	struct store_cal_grant g;
	struct cast c;

	cast(fx, &c);
	succeeds(fx, share(fx, &c.olga, "alice", ALL), "olga gives alice all");
	succeeds(fx, share(fx, &c.alice, "olga", STORE_CAL_VIEW),
		 "alice gives olga view");
	succeeds(fx, store_group_leave(fx->st, &c.olga, "G1"), "olga leaves");
	is_int(rights(fx, &c.alice, "olga"), 0,
	       "the rights olga granted end when she leaves");
	ok(!find_grant(fx, &c.olga, "olga", "alice", &g),
	   "her list no longer shows them");
	is_int(rights(fx, &c.olga, "alice"), 0,
	       "the rights granted to her end too");
	ok(!find_grant(fx, &c.alice, "alice", "olga", &g),
	   "alice's list no longer shows them");
	fx_join(fx, &c.boss, "G1", "olga");
	is_int(rights(fx, &c.alice, "olga"), 0,
	       "joining again brings nothing back");
}

static void grantee_leaves(struct fixture *fx)
{
	struct cast c;

	cast(fx, &c);
	succeeds(fx, share(fx, &c.olga, "alice", STORE_CAL_VIEW),
		 "olga gives alice view");
	succeeds(fx, share(fx, &c.olga, "bob", STORE_CAL_VIEW),
		 "olga gives bob view");
	succeeds(fx, store_group_leave(fx->st, &c.alice, "G1"), "alice leaves");
	is_int(rights(fx, &c.alice, "olga"), 0,
	       "the grant to alice ends when she leaves");
	is_int(rights(fx, &c.bob, "olga"), STORE_CAL_VIEW,
	       "the grant to bob stays");
}

static void removed(struct fixture *fx)
{
	struct cast c;
	size_t n = 0;

	cast(fx, &c);
	succeeds(fx, share(fx, &c.olga, "alice", STORE_CAL_VIEW),
		 "olga gives alice view");
	succeeds(fx, share(fx, &c.bob, "olga", STORE_CAL_EDIT),
		 "bob gives olga edit");
	succeeds(fx, share(fx, &c.alice, "bob", STORE_CAL_ADD),
		 "alice gives bob add");
	succeeds(fx, store_group_remove(fx->st, &c.boss, "G1", "alice"),
		 "boss removes alice");
	is_int(rights(fx, &c.alice, "olga"), 0,
	       "the grant to the removed member ends");
	is_int(rights(fx, &c.bob, "alice"), 0,
	       "the grant by the removed member ends");
	is_int(rights(fx, &c.olga, "bob"), STORE_CAL_EDIT,
	       "grants between others stay");
	succeeds(fx, store_group_remove_all(fx->st, &c.boss, "G1", &n),
		 "boss removes everyone");
	is_int(rights(fx, &c.olga, "bob"), 0,
	       "remove-all ends the grants between the removed");
}

static void two_groups(struct fixture *fx)
{
	struct store_cal_grant g;
	struct cast c;

	cast(fx, &c);
	fx_join(fx, &c.boss, "G2", "olga");
	fx_join(fx, &c.boss, "G2", "alice");
	succeeds(fx,
		 share(fx, &c.olga, "alice", STORE_CAL_VIEW | STORE_CAL_EDIT),
		 "olga gives alice view and edit");
	ok(find_grant(fx, &c.olga, "olga", "alice", &g), "the grant");
	is_int(g.groups, 2, "held through both groups");
	succeeds(fx, store_group_leave(fx->st, &c.olga, "G1"),
		 "olga leaves G1");
	is_int(rights(fx, &c.alice, "olga"), STORE_CAL_VIEW | STORE_CAL_EDIT,
	       "still held through G2");
	ok(find_grant(fx, &c.olga, "olga", "alice", &g), "the grant");
	is_int(g.groups, 1, "held through one group now");
	succeeds(fx, store_group_remove(fx->st, &c.boss, "G2", "alice"),
		 "boss removes alice from G2");
	is_int(rights(fx, &c.alice, "olga"), 0,
	       "gone with the last shared group");
}

static void later_group(struct fixture *fx)
{
	struct cast c;

	cast(fx, &c);
	succeeds(fx, share(fx, &c.olga, "alice", STORE_CAL_VIEW),
		 "olga gives alice view while they share G1");
	fx_join(fx, &c.boss, "G2", "olga");
	fx_join(fx, &c.boss, "G2", "alice");
	succeeds(fx, store_group_leave(fx->st, &c.olga, "G1"),
		 "olga leaves G1");
	is_int(rights(fx, &c.alice, "olga"), 0,
	       "a group shared after the grant does not carry it");
}

int main(void)
{
	fx_run("exact rights", exact_rights);
	fx_run("co-members only", co_members_only);
	fx_run("the granter leaves", granter_leaves);
	fx_run("the grantee leaves", grantee_leaves);
	fx_run("removed members", removed);
	fx_run("held while another group is shared", two_groups);
	fx_run("a group joined later does not carry a grant", later_group);
	return done_testing();
}
