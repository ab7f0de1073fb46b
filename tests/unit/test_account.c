// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of accounts (SPEC.md section 1, "Account" and "Profile data
 * shown to co-members"): the username format and its uniqueness, the
 * operator-only operations, the profile visible to co-members only, Unix
 * uid binding, passwords, photos, and removal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* A real 1x1 PNG. */
static const unsigned char png1x1[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
	0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
	0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00,
	0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static int add(struct fixture *fx, const struct store_caller *c,
	       const char *user, unsigned mask, int64_t uid)
{
	struct store_account a;
	int64_t id = 0;

	memset(&a, 0, sizeof(a));
	snprintf(a.username, sizeof(a.username), "%s", user);
	strcpy(a.first, "Ann");
	strcpy(a.last, "Example");
	strcpy(a.email, "ann@example.org");
	a.unix_uid = uid;
	if (uid >= 0)
		mask |= STORE_ACCOUNT_UNIX_UID;
	return store_account_add(fx->st, c, &a, mask, NULL, 0, &id);
}

#define NAMES_MASK                                                             \
	(STORE_ACCOUNT_FIRST | STORE_ACCOUNT_LAST | STORE_ACCOUNT_EMAIL)

static void username_format(struct fixture *fx)
{
	static const char *const good[] = {
		"a",	 "alice",
		"a1",	 "j.doe",
		"j_doe", "j-doe",
		"z9._-", "abcdefghijklmnopqrstuvwxyz012345", /* 32 */
	};
	static const char *const bad[] = {
		"",	"Alice", "1abc", "_abc", ".abc",       "-abc",
		"ab/c", "ab c",	 "ab@c", "abC",	 "al\xc3\xa9", "a\tb",
	};
	/* 33 characters do not fit struct store_account: not testable. */
	struct store_account a;
	size_t i;
	char *snap;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		succeeds(fx, add(fx, &fx->op, good[i], NAMES_MASK, -1),
			 "username \"%s\" is valid", good[i]);
		succeeds(fx, store_account_get(fx->st, &fx->op, good[i], &a),
			 "account \"%s\" exists", good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snap = fx_snapshot(fx);
		refused(fx, add(fx, &fx->op, bad[i], NAMES_MASK, -1), -EINVAL,
			"username", "username \"%s\" is refused", bad[i]);
		unchanged(fx, snap, "refusing \"%s\" changed nothing", bad[i]);
	}
}

static void username_unique(struct fixture *fx)
{
	char *snap;

	succeeds(fx, add(fx, &fx->op, "alice", NAMES_MASK, -1), "add alice");
	snap = fx_snapshot(fx);
	refused(fx, add(fx, &fx->op, "alice", NAMES_MASK, -1), -EEXIST,
		"alice|exist|taken|already|use",
		"a second account alice is refused");
	unchanged(fx, snap, "the refused account changed nothing");
}

static void required_fields(struct fixture *fx)
{
	char *snap = fx_snapshot(fx);

	refused(fx,
		add(fx, &fx->op, "nofirst",
		    STORE_ACCOUNT_LAST | STORE_ACCOUNT_EMAIL, -1),
		-EINVAL, "first|name|required",
		"an account without first name");
	refused(fx,
		add(fx, &fx->op, "nolast",
		    STORE_ACCOUNT_FIRST | STORE_ACCOUNT_EMAIL, -1),
		-EINVAL, "last|name|required", "an account without last name");
	refused(fx,
		add(fx, &fx->op, "noemail",
		    STORE_ACCOUNT_FIRST | STORE_ACCOUNT_LAST, -1),
		-EINVAL, "email|mail|required", "an account without email");
	unchanged(fx, snap, "the refused accounts changed nothing");
}

static void operator_only(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_account a;
	char *snap;

	fx_account(fx, "bob", NULL);
	snap = fx_snapshot(fx);
	refused(fx, add(fx, &alice, "carol", NAMES_MASK, -1), -EPERM,
		KW_OPERATOR, "an account adds an account");
	refused(fx, store_account_remove(fx->st, &alice, "bob"), -EPERM,
		KW_OPERATOR, "an account removes another");
	refused(fx, store_account_remove(fx->st, &alice, "alice"), -EPERM,
		KW_OPERATOR, "an account removes itself");
	memset(&a, 0, sizeof(a));
	a.unix_uid = 4242;
	refused(fx,
		store_account_edit(fx->st, &alice, "alice", &a,
				   STORE_ACCOUNT_UNIX_UID),
		-EPERM, KW_OPERATOR, "an account binds itself to a Unix uid");
	unchanged(fx, snap, "the refusals changed nothing");
}

static void profile_visibility(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_caller bob = fx_account(fx, "bob", NULL);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_account a, *list = NULL;
	size_t n = 0, i;
	bool saw_carol = false, saw_alice = false;

	memset(&a, 0, sizeof(a));
	a.unix_uid = 5001;
	succeeds(fx,
		 store_account_edit(fx->st, &fx->op, "alice", &a,
				    STORE_ACCOUNT_UNIX_UID),
		 "operator binds alice to uid 5001");
	succeeds(fx,
		 store_account_set_password(fx->st, &alice, "alice", "pw", 2),
		 "alice sets a password");
	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "alice");
	fx_join(fx, &admin, "Team", "bob");

	memset(&a, 0, sizeof(a));
	succeeds(fx, store_account_get(fx->st, &bob, "alice", &a),
		 "a co-member reads alice's profile");
	is_str(a.username, "alice", "co-member sees the username");
	is_str(a.first, "First-alice", "co-member sees the first name");
	is_str(a.last, "Last-alice", "co-member sees the last name");
	is_str(a.org, "Org-alice", "co-member sees the organization");
	is_str(a.email, "alice@example.org", "co-member sees the email");
	is_str(a.plan, "", "co-member does not see the plan");
	is_int(a.unix_uid, -1, "co-member does not see the Unix uid");
	ok(!a.has_password, "co-member does not see the password flag");
	ok(a.created <= 0, "co-member does not see the creation time");

	memset(&a, 0, sizeof(a));
	succeeds(fx, store_account_get(fx->st, &alice, "alice", &a),
		 "alice reads her own account");
	is_str(a.plan, FX_BIG, "alice sees her plan");
	is_int(a.unix_uid, 5001, "alice sees her uid");
	ok(a.has_password, "alice sees she has a password");

	memset(&a, 0, sizeof(a));
	succeeds(fx, store_account_get(fx->st, &fx->op, "alice", &a),
		 "the operator reads alice");
	is_str(a.plan, FX_BIG, "the operator sees the plan");
	is_int(a.unix_uid, 5001, "the operator sees the uid");

	refused(fx, store_account_get(fx->st, &carol, "alice", &a), -ENOENT,
		NULL, "a stranger cannot see alice");
	refused(fx, store_account_get(fx->st, &carol, "nosuchuser", &a),
		-ENOENT, NULL, "nor an account that does not exist");

	succeeds(fx, store_account_list(fx->st, &carol, &list, &n),
		 "a stranger lists accounts");
	for (i = 0; i < n; i++) {
		if (!strcmp(list[i].username, "carol"))
			saw_carol = true;
		else
			ok(0, "carol's list shows %s", list[i].username);
	}
	ok(saw_carol, "carol's list shows carol");
	free(list);
	list = NULL;
	n = 0;
	succeeds(fx, store_account_list(fx->st, &bob, &list, &n),
		 "bob lists accounts");
	for (i = 0; i < n; i++) {
		if (!strcmp(list[i].username, "carol"))
			ok(0, "bob's list shows the stranger carol");
		if (!strcmp(list[i].username, "alice")) {
			saw_alice = true;
			is_str(list[i].plan, "", "the list hides alice's plan");
			is_int(list[i].unix_uid, -1,
			       "the list hides alice's uid");
		}
	}
	ok(saw_alice, "bob's list shows his co-member alice");
	is_int(n, 3, "bob's list: boss, alice, bob");
	free(list);

	/* Visibility ends with the shared group. */
	succeeds(fx, store_group_leave(fx->st, &bob, "Team"), "bob leaves");
	refused(fx, store_account_get(fx->st, &bob, "alice", &a), -ENOENT, NULL,
		"a former co-member cannot see alice any more");
}

static void edit(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller bob = fx_account(fx, "bob", NULL);
	struct store_account a;
	char *snap;

	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "alice");
	fx_join(fx, &admin, "Team", "bob");
	memset(&a, 0, sizeof(a));
	strcpy(a.first, "Alicia");
	strcpy(a.org, "Acme");
	succeeds(fx,
		 store_account_edit(fx->st, &alice, "alice", &a,
				    STORE_ACCOUNT_FIRST | STORE_ACCOUNT_ORG),
		 "alice edits her profile");
	succeeds(fx, store_account_get(fx->st, &bob, "alice", &a),
		 "bob reads alice");
	is_str(a.first, "Alicia", "the new first name shows");
	is_str(a.org, "Acme", "the new organization shows");
	is_str(a.last, "Last-alice", "the last name outside the mask kept");

	memset(&a, 0, sizeof(a));
	strcpy(a.first, "Mallory");
	snap = fx_snapshot(fx);
	refused2(fx,
		 store_account_edit(fx->st, &bob, "alice", &a,
				    STORE_ACCOUNT_FIRST),
		 -EACCES, -EPERM, NULL, "a co-member edits alice");
	refused2(fx,
		 store_account_edit(fx->st, &admin, "alice", &a,
				    STORE_ACCOUNT_FIRST),
		 -EACCES, -EPERM, NULL, "the group administrator edits alice");
	unchanged(fx, snap, "the refused edits changed nothing");
	succeeds(fx,
		 store_account_edit(fx->st, &fx->op, "alice", &a,
				    STORE_ACCOUNT_FIRST),
		 "the operator edits alice");
}

static void unix_uid(struct fixture *fx)
{
	struct store_account a;
	char *snap;

	succeeds(fx, add(fx, &fx->op, "alice", NAMES_MASK, 6000),
		 "add alice bound to uid 6000");
	fx_account(fx, "bob", NULL);
	snap = fx_snapshot(fx);
	refused(fx, add(fx, &fx->op, "carol", NAMES_MASK, 6000), -EEXIST, NULL,
		"a second account on uid 6000");
	memset(&a, 0, sizeof(a));
	a.unix_uid = 6000;
	refused(fx,
		store_account_edit(fx->st, &fx->op, "bob", &a,
				   STORE_ACCOUNT_UNIX_UID),
		-EEXIST, NULL, "binding bob to alice's uid");
	unchanged(fx, snap, "the refusals changed nothing");
	a.unix_uid = -1;
	succeeds(fx,
		 store_account_edit(fx->st, &fx->op, "alice", &a,
				    STORE_ACCOUNT_UNIX_UID),
		 "unbind alice");
	a.unix_uid = 6000;
	succeeds(fx,
		 store_account_edit(fx->st, &fx->op, "bob", &a,
				    STORE_ACCOUNT_UNIX_UID),
		 "bob takes the freed uid");
	succeeds(fx, store_account_get(fx->st, &fx->op, "alice", &a),
		 "get alice");
	is_int(a.unix_uid, -1, "alice is unbound");
}

static void password(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller bob = fx_account(fx, "bob", NULL);
	struct store_account a;
	char *snap;

	is_errno(store_account_verify_password(fx->st, "alice", "x", 1),
		 -EACCES, "no password: nothing verifies");
	succeeds(fx,
		 store_account_set_password(fx->st, &alice, "alice", "s3cret",
					    6),
		 "alice sets her password");
	succeeds(fx,
		 store_account_verify_password(fx->st, "alice", "s3cret", 6),
		 "the right password verifies");
	is_errno(store_account_verify_password(fx->st, "alice", "s3creT", 6),
		 -EACCES, "a wrong password does not");
	is_errno(store_account_verify_password(fx->st, "alice", "s3cret", 5),
		 -EACCES, "a prefix does not");
	is_errno(store_account_verify_password(fx->st, "nosuch", "s3cret", 6),
		 -EACCES, "an unknown account does not");
	snap = fx_snapshot(fx);
	ok(store_account_set_password(fx->st, &bob, "alice", "x", 1) < 0,
	   "bob cannot set alice's password");
	unchanged(fx, snap, "the refusal changed nothing");
	succeeds(fx,
		 store_account_verify_password(fx->st, "alice", "s3cret", 6),
		 "alice's password still verifies");
	succeeds(fx, store_account_get(fx->st, &alice, "alice", &a), "get");
	ok(a.has_password, "has_password is set");
	succeeds(fx,
		 store_account_set_password(fx->st, &fx->op, "alice", NULL, 0),
		 "the operator clears alice's password");
	is_errno(store_account_verify_password(fx->st, "alice", "s3cret", 6),
		 -EACCES, "a cleared password verifies nothing");
}

static void photo(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller bob = fx_account(fx, "bob", NULL);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_account a;
	unsigned char *big;
	void *data = NULL;
	size_t len = 0;
	char type[16] = "";
	char *snap;

	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "alice");
	fx_join(fx, &admin, "Team", "bob");
	succeeds(fx,
		 store_account_set_photo(fx->st, &alice, "alice", png1x1,
					 sizeof(png1x1)),
		 "alice sets a PNG photo");
	succeeds(fx, store_account_get(fx->st, &bob, "alice", &a),
		 "bob reads alice");
	is_str(a.photo_type, "image/png", "co-member sees the photo type");
	is_int(a.photo_size, sizeof(png1x1), "co-member sees the photo size");
	succeeds(fx,
		 store_account_photo(fx->st, &bob, "alice", &data, &len, type),
		 "co-member reads the photo");
	ok(data && len == sizeof(png1x1) && !memcmp(data, png1x1, len),
	   "the photo comes back byte for byte");
	is_str(type, "image/png", "photo type");
	free(data);
	data = NULL;
	refused(fx,
		store_account_photo(fx->st, &carol, "alice", &data, &len, type),
		-ENOENT, NULL, "a stranger cannot read the photo");

	snap = fx_snapshot(fx);
	refused(fx,
		store_account_set_photo(fx->st, &alice, "alice", "GIF89a", 6),
		-EINVAL, "jpeg|png|photo|image",
		"a photo that is not JPEG/PNG");
	big = calloc(1, STORE_PHOTO_MAX + 1);
	if (big) {
		memcpy(big, png1x1, sizeof(png1x1));
		refused2(fx,
			 store_account_set_photo(fx->st, &alice, "alice", big,
						 STORE_PHOTO_MAX + 1),
			 -EINVAL, -EFBIG, "MiB|large|big|size|1",
			 "a photo over 1 MiB");
		free(big);
	}
	ok(store_account_set_photo(fx->st, &bob, "alice", png1x1,
				   sizeof(png1x1)) < 0,
	   "bob cannot set alice's photo");
	unchanged(fx, snap, "the refused photos changed nothing");

	succeeds(fx, store_account_set_photo(fx->st, &alice, "alice", NULL, 0),
		 "alice clears her photo");
	is_errno(
		store_account_photo(fx->st, &alice, "alice", &data, &len, type),
		-ENOENT, "no photo after clearing");
}

static void remove_account(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller bob = fx_account(fx, "bob", NULL);
	struct store_account a;
	struct store_editors e;
	struct store_attr at;
	uint64_t root;
	char *snap;

	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "bob");
	fx_rights(fx, &admin, "Team", "documents", STORE_RIGHT_ADD, true, NULL);
	root = fx_root(fx, &bob, "Team", STORE_TOOL_DOCUMENTS);
	fx_mkdir(fx, &bob, root, "bobs-folder");

	snap = fx_snapshot(fx);
	ok(store_account_remove(fx->st, &fx->op, "boss") < 0,
	   "an account that administers a group cannot be removed");
	ok(*store_errmsg(fx->st), "the refusal has a message");
	unchanged(fx, snap, "the refusal changed nothing");

	succeeds(fx, store_account_remove(fx->st, &fx->op, "bob"),
		 "the operator removes bob");
	is_errno(store_account_get(fx->st, &fx->op, "bob", &a), -ENOENT,
		 "bob is gone");
	is_int(fx_members(fx, &admin, "Team"), 1, "bob left the group");
	succeeds(fx,
		 store_resolve(fx->st, &admin, "Team",
				    "documents/bobs-folder", &at),
		 "the folder bob added stays");
	memset(&e, 0, sizeof(e));
	if (succeeds(fx,
		     store_editors_get(fx->st, &admin, "Team",
				       "documents/bobs-folder", &e),
		     "editors of bob's folder")) {
		is_str(e.creator, "",
		       "its creator reads \"\" once bob is gone");
		store_editors_release(&e);
	}
	is_errno(store_account_remove(fx->st, &fx->op, "bob"), -ENOENT,
		 "removing bob again");
}

static void remove_account_links(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_cal_grant *g = NULL;
	struct store_group grp;
	const char *const to_alice[] = {"alice"};
	const char *const to_bob[] = {"bob"};
	struct store_caller bob;
	unsigned problems = 99;
	size_t n = 0;

	bob = fx_account(fx, "bob", NULL);
	fx_account(fx, "dave", NULL);
	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "alice");
	fx_join(fx, &admin, "Team", "bob");
	fx_rights(fx, &admin, "Team", "documents", STORE_RIGHT_ADD, false,
		  "bob", NULL);
	succeeds(
		fx,
		store_share_calendar(fx->st, &bob, to_alice, 1, STORE_CAL_VIEW),
		"bob shares his calendar with alice");
	succeeds(
		fx,
		store_share_calendar(fx->st, &alice, to_bob, 1, STORE_CAL_EDIT),
		"alice shares hers with bob");
	succeeds(fx, store_group_invite(fx->st, &admin, "Team", "dave"),
		 "invite dave");
	succeeds(fx, store_account_remove(fx->st, &fx->op, "bob"),
		 "remove bob");
	succeeds(fx, store_account_remove(fx->st, &fx->op, "dave"),
		 "remove dave, a pending invitee");
	succeeds(fx, store_calendar_grants(fx->st, &alice, &g, &n),
		 "alice's grants");
	is_int(n, 0, "the grants to and from bob are gone");
	free(g);
	succeeds(fx, store_group_get(fx->st, &admin, "Team", &grp), "get");
	is_int(grp.members, 2, "two members left");
	is_int(grp.invitations, 0, "dave's invitation is gone");
	succeeds(fx, store_check(fx->st, &fx->op, NULL, NULL, &problems),
		 "check");
	is_int(problems, 0, "no problem after removing accounts");
}

static void invitee_sees_no_profile(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller dave = fx_account(fx, "dave", NULL);
	struct store_account a;

	fx_account(fx, "alice", NULL);
	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "alice");
	succeeds(fx, store_group_invite(fx->st, &admin, "Team", "dave"),
		 "invite dave");
	refused(fx, store_account_get(fx->st, &dave, "alice", &a), -ENOENT,
		NULL, "a pending invitee is not a co-member");
	succeeds(fx, store_invitation_accept(fx->st, &dave, "Team"),
		 "dave accepts");
	succeeds(fx, store_account_get(fx->st, &dave, "alice", &a),
		 "now he sees alice's profile");
}

int main(void)
{
	fx_run("username format", username_format);
	fx_run("usernames are unique", username_unique);
	fx_run("first, last and email are required", required_fields);
	fx_run("accounts are the operator's", operator_only);
	fx_run("profile shown to co-members only", profile_visibility);
	fx_run("account edit", edit);
	fx_run("unix uid binding", unix_uid);
	fx_run("password", password);
	fx_run("photo", photo);
	fx_run("account remove", remove_account);
	fx_run("account remove: grants and invitations go",
	       remove_account_links);
	fx_run("a pending invitee sees no profile", invitee_sees_no_profile);
	return done_testing();
}
