// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of groups (SPEC.md section 1, "Group" and the joining rules):
 * creation and the name rules, settings and who may change them, deletion
 * with its contents, the three ways in (open, closed published, private),
 * leaving, and what non-members may see of a group and its members list.
 * Roles and hand-over are in test_roles.c, invitations in test_invite.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const struct store_group_settings nosettings;

static char *repeat(const char *unit, int times)
{
	size_t len = strlen(unit);
	char *s = malloc(len * times + 1);
	int i;

	if (!s)
		abort();
	for (i = 0; i < times; i++)
		memcpy(s + i * len, unit, len);
	s[len * times] = '\0';
	return s;
}

/* `unit` `times` times, then `tail`. */
static char *repeat_then(const char *unit, int times, const char *tail)
{
	char *s = repeat(unit, times);
	char *t = malloc(strlen(s) + strlen(tail) + 1);

	if (!t)
		abort();
	strcpy(t, s);
	strcat(t, tail);
	free(s);
	return t;
}

static void create_defaults(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_group g, *list = NULL;
	size_t n = 0;
	int64_t id = 0;

	succeeds(fx,
		 store_group_create(fx->st, &alice, "Sales", &nosettings, 0,
				    &id),
		 "create Sales with default settings");
	ok(id > 0, "the group has an id");
	succeeds(fx, store_group_get(fx->st, &alice, "Sales", &g), "get Sales");
	is_str(g.name, "Sales", "the name as given");
	is_int(g.id, id, "the id");
	is_str(g.admin, "alice", "the creator is administrator");
	is_int(g.role, STORE_ROLE_ADMIN, "the creator's role");
	is_int(g.members, 1, "one member: the creator");
	is_int(g.invitations, 0, "no invitation");
	ok(!g.settings.published, "not published by default");
	ok(!g.settings.members_published, "members list not published");
	ok(!g.settings.open, "not open by default");
	is_int(g.used, 0, "no content");
	is_int(g.capacity, FX_GIB, "capacity from the creator's plan");
	is_int(g.max_members, 100, "member limit from the creator's plan");
	is_int(fx_role(fx, &alice, "Sales", "alice"), STORE_ROLE_ADMIN,
	       "the members list shows the administrator");
	succeeds(fx, store_group_list(fx->st, &alice, &list, &n), "list");
	ok(n == 1 && !strcmp(list[0].name, "Sales"),
	   "the creator's group list shows it");
	free(list);
}

static void name_valid(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	char *long_ascii = repeat("a", 64);
	char *long_utf8 = repeat("\xc3\xa9", 64); /* 64 x e-acute */
	/* 64 characters in 253 bytes: a directory name holds 255. */
	char *long_emoji = repeat_then("\xf0\x9f\x8e\xb5", 63, "a");
	const char *const names[] = {
		"a",
		"Sales",
		"Sales team 2024",
		"R&D (east)",
		"caf\xc3\xa9 cr\xc3\xa8me",
		"\xe6\x97\xa5\xe6\x9c\xac",
		"a.b",
		long_ascii,
		long_utf8,
		long_emoji,
	};
	struct store_group g;
	size_t i;
	int64_t id;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		succeeds(fx,
			 store_group_create(fx->st, &alice, names[i],
					    &nosettings, 0, &id),
			 "group name \"%.20s...\" (%zu bytes) is valid",
			 names[i], strlen(names[i]));
		if (succeeds(fx, store_group_get(fx->st, &alice, names[i], &g),
			     "and the group can be read back"))
			is_str(g.name, names[i], "with its exact name");
	}
	free(long_ascii);
	free(long_utf8);
	free(long_emoji);
}

static void name_invalid(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	char *long_ascii = repeat("a", 65);
	char *long_utf8 = repeat("\xc3\xa9", 65);
	/* 64 characters, but 256 bytes: not a valid directory name. */
	char *long_emoji = repeat("\xf0\x9f\x8e\xb5", 64);
	const struct {
		const char *name, *kw;
	} bad[] = {
		{"", "name|empty"},
		{long_ascii, "name|64|long"},
		{long_utf8, "name|64|long"},
		{long_emoji, "name|64|long|byte"},
		{"a/b", "name|/"},
		{"/", "name|/"},
		{"Private", "Private"},
		{"private", "Private"},
		{"PRIVATE", "Private"},
		{"pRiVaTe", "Private"},
		{".hidden", "name|."},
		{".", "name|."},
		{"..", "name|."},
		{"bad\xff\xfeutf8", "name|UTF"},
		{"\xc3", "name|UTF"},
	};
	size_t i;
	int64_t id;
	char *snap;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snap = fx_snapshot(fx);
		refused(fx,
			store_group_create(fx->st, &alice, bad[i].name,
					   &nosettings, 0, &id),
			-EINVAL, bad[i].kw,
			"group name \"%.20s\" (%zu bytes) is refused",
			bad[i].name, strlen(bad[i].name));
		unchanged(fx, snap, "the refused name changed nothing");
	}
	free(long_ascii);
	free(long_utf8);
	free(long_emoji);
}

static void name_unique(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_caller bob = fx_account(fx, "bob", FX_BIG);
	int64_t id;
	char *snap;

	fx_group(fx, &alice, "Sales", 0);
	fx_group(fx, &alice, "\xc3\x89quipe", 0); /* E-acute quipe */
	snap = fx_snapshot(fx);
	refused(fx,
		store_group_create(fx->st, &bob, "sales", &nosettings, 0, &id),
		-EEXIST, "name|exist|taken|already|use",
		"\"sales\" after \"Sales\" (another creator)");
	refused(fx,
		store_group_create(fx->st, &alice, "SALES", &nosettings, 0,
				   &id),
		-EEXIST, "name|exist|taken|already|use",
		"\"SALES\" after \"Sales\" (same creator)");
	refused(fx,
		store_group_create(fx->st, &bob, "Sales", &nosettings, 0, &id),
		-EEXIST, "name|exist|taken|already|use", "\"Sales\" again");
	refused(fx,
		store_group_create(fx->st, &bob, "\xc3\xa9QUIPE", &nosettings,
				   0, &id),
		-EEXIST, "name|exist|taken|already|use",
		"non-ASCII names are case-insensitively unique too");
	unchanged(fx, snap, "the refused names changed nothing");
}

static void name_never_changes(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_group_settings s;
	struct store_group g;

	fx_group(fx, &alice, "Sales", 0);
	memset(&s, 0, sizeof(s));
	strcpy(s.description, "renamed?");
	s.published = true;
	s.members_published = true;
	s.open = true;
	s.business = true;
	strcpy(s.sector, "retail");
	strcpy(s.language, "fr");
	succeeds(fx,
		 store_group_edit(
			 fx->st, &alice, "Sales", &s,
			 STORE_GROUP_DESCRIPTION | STORE_GROUP_PUBLISHED |
				 STORE_GROUP_MEMBERS_PUBLISHED |
				 STORE_GROUP_OPEN | STORE_GROUP_BUSINESS |
				 STORE_GROUP_SECTOR | STORE_GROUP_LANGUAGE),
		 "edit every setting");
	succeeds(fx, store_group_get(fx->st, &alice, "Sales", &g), "get");
	is_str(g.name, "Sales", "the name is unchanged");
	is_str(g.settings.description, "renamed?", "description set");
	ok(g.settings.published && g.settings.members_published &&
		   g.settings.open,
	   "published, members published and open");
	ok(g.settings.business, "business");
	is_str(g.settings.sector, "retail", "sector");
	is_str(g.settings.language, "fr", "language");
	is_errno(store_group_edit(fx->st, &alice, "Nosuch", &s,
				  STORE_GROUP_DESCRIPTION),
		 -ENOENT, "editing a group that does not exist");
}

static void settings_admin_only(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller co = fx_account(fx, "co", NULL);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_group_settings s;
	char *snap;

	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "co");
	fx_join(fx, &admin, "Team", "alice");
	fx_coadmin(fx, &admin, "Team", "co");
	memset(&s, 0, sizeof(s));
	strcpy(s.description, "changed");
	snap = fx_snapshot(fx);
	refused(fx,
		store_group_edit(fx->st, &co, "Team", &s,
				 STORE_GROUP_DESCRIPTION),
		-EACCES, KW_ADMIN, "a co-administrator changes settings");
	refused(fx,
		store_group_edit(fx->st, &alice, "Team", &s,
				 STORE_GROUP_DESCRIPTION),
		-EACCES, KW_ADMIN, "a member changes settings");
	refused(fx,
		store_group_edit(fx->st, &carol, "Team", &s,
				 STORE_GROUP_DESCRIPTION),
		-ENOENT, NULL, "a stranger changes a private group's settings");
	unchanged(fx, snap, "the refused edits changed nothing");
	succeeds(fx,
		 store_group_edit(fx->st, &admin, "Team", &s,
				  STORE_GROUP_DESCRIPTION),
		 "the administrator changes settings");
}

static void settings_rules(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_group_settings s;
	struct store_group g;
	int64_t id;
	char *snap;

	memset(&s, 0, sizeof(s));
	s.open = true;
	snap = fx_snapshot(fx);
	refused(fx,
		store_group_create(fx->st, &alice, "G1", &s, STORE_GROUP_OPEN,
				   &id),
		-EINVAL, "publish", "creating an open unpublished group");
	memset(&s, 0, sizeof(s));
	s.members_published = true;
	refused(fx,
		store_group_create(fx->st, &alice, "G1", &s,
				   STORE_GROUP_MEMBERS_PUBLISHED, &id),
		-EINVAL, "publish",
		"creating a group with members published but not itself");
	memset(&s, 0, sizeof(s));
	strcpy(s.sector, "retail");
	refused(fx,
		store_group_create(fx->st, &alice, "G1", &s, STORE_GROUP_SECTOR,
				   &id),
		-EINVAL, "business|sector",
		"creating a non-business group with a sector");
	unchanged(fx, snap, "the refused creations changed nothing");

	fx_group(fx, &alice, "G1", 0);
	memset(&s, 0, sizeof(s));
	s.open = true;
	snap = fx_snapshot(fx);
	refused(fx,
		store_group_edit(fx->st, &alice, "G1", &s, STORE_GROUP_OPEN),
		-EINVAL, "publish", "opening an unpublished group");
	s.members_published = true;
	refused(fx,
		store_group_edit(fx->st, &alice, "G1", &s,
				 STORE_GROUP_MEMBERS_PUBLISHED),
		-EINVAL, "publish",
		"publishing the members of an unpublished group");
	strcpy(s.sector, "retail");
	refused(fx,
		store_group_edit(fx->st, &alice, "G1", &s, STORE_GROUP_SECTOR),
		-EINVAL, "business|sector", "a sector on a non-business group");
	unchanged(fx, snap, "the refused edits changed nothing");

	/* Published, open, members published, business with a sector. */
	memset(&s, 0, sizeof(s));
	s.published = s.open = s.members_published = s.business = true;
	strcpy(s.sector, "retail");
	succeeds(fx,
		 store_group_edit(fx->st, &alice, "G1", &s,
				  STORE_GROUP_PUBLISHED | STORE_GROUP_OPEN |
					  STORE_GROUP_MEMBERS_PUBLISHED |
					  STORE_GROUP_BUSINESS |
					  STORE_GROUP_SECTOR),
		 "publish, open, publish members, business in one edit");
	memset(&s, 0, sizeof(s));
	succeeds(fx,
		 store_group_edit(fx->st, &alice, "G1", &s,
				  STORE_GROUP_PUBLISHED),
		 "unpublish");
	succeeds(fx, store_group_get(fx->st, &alice, "G1", &g), "get");
	ok(!g.settings.published, "unpublished");
	ok(!g.settings.members_published,
	   "unpublishing unpublishes the members list");
	ok(!g.settings.open, "unpublishing closes the group");
	ok(g.settings.business, "business kept");
	succeeds(fx,
		 store_group_edit(fx->st, &alice, "G1", &s,
				  STORE_GROUP_BUSINESS),
		 "leave business");
	succeeds(fx, store_group_get(fx->st, &alice, "G1", &g), "get");
	is_str(g.settings.sector, "", "leaving business clears the sector");

	/* Open and members published need published in the same edit. */
	memset(&s, 0, sizeof(s));
	s.published = true;
	s.open = true;
	succeeds(fx,
		 store_group_create(fx->st, &alice, "G2", &s,
				    STORE_GROUP_PUBLISHED | STORE_GROUP_OPEN,
				    &id),
		 "creating a published open group");
}

static void delete_group(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller co = fx_account(fx, "co", NULL);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller dave = fx_account(fx, "dave", NULL);
	struct store_invitation *inv = NULL;
	struct store_group g;
	struct store_attr a;
	uint64_t root, cal, folder, ino;
	unsigned problems = 99;
	size_t removed = 0;
	size_t n = 0;
	char *snap;

	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "co");
	fx_join(fx, &admin, "Team", "alice");
	fx_coadmin(fx, &admin, "Team", "co");
	root = fx_root(fx, &admin, "Team", STORE_TOOL_DOCUMENTS);
	cal = fx_root(fx, &admin, "Team", STORE_TOOL_CALENDAR);
	folder = fx_mkdir(fx, &admin, root, "Reports");
	fx_mkdir(fx, &admin, folder, "2024");
	ino = fx_create(fx, &admin, folder, "notes.txt");
	succeeds(fx, store_group_invite(fx->st, &admin, "Team", "dave"),
		 "invite dave (pending)");

	snap = fx_snapshot(fx);
	refused(fx, store_group_delete(fx->st, &co, "Team"), -EACCES, KW_ADMIN,
		"a co-administrator deletes the group");
	refused(fx, store_group_delete(fx->st, &alice, "Team"), -EACCES,
		KW_ADMIN, "a member deletes the group");
	refused(fx, store_group_delete(fx->st, &dave, "Team"), -ENOENT, NULL,
		"an invitee deletes the group");
	refused(fx, store_group_delete(fx->st, &admin, "Team"), -ENOTEMPTY,
		"member", "deleting a group that has other members");
	unchanged(fx, snap, "the refused deletions changed nothing");
	succeeds(fx, store_fs_lookup(fx->st, &admin, root, "Reports", &a),
		 "the contents are still there");

	succeeds(fx, store_group_remove_all(fx->st, &admin, "Team", &removed),
		 "remove every member");
	succeeds(fx, store_group_delete(fx->st, &admin, "Team"),
		 "the administrator deletes the group (invitation pending)");
	is_errno(store_group_get(fx->st, &admin, "Team", &g), -ENOENT,
		 "the group is gone");
	ok(store_fs_lookup(fx->st, &admin, root, "Reports", &a) < 0,
	   "its folder is gone (lookup in the old root)");
	ok(store_resolve(fx->st, &admin, "Team", "documents/Reports", &a) <
		   0,
	   "its folder is gone (resolve)");
	ok(store_fs_lookup(fx->st, &admin, folder, "notes.txt", &a) < 0,
	   "its file is gone");
	ok(store_may(fx->st, &admin, ino, STORE_RIGHT_EDIT) < 0,
	   "the file's inode answers nothing");
	ok(store_may(fx->st, &admin, cal, STORE_RIGHT_ADD) < 0,
	   "the calendar's root answers nothing");
	succeeds(fx, store_invitation_list(fx->st, &dave, &inv, &n),
		 "dave's invitations");
	is_int(n, 0, "the pending invitation went with the group");
	free(inv);
	succeeds(fx, store_check(fx->st, &fx->op, NULL, NULL, &problems),
		 "store check");
	is_int(problems, 0, "the store is consistent after the deletion");

	fx_group(fx, &admin, "Team", 0);
	succeeds(fx,
		 store_tool_root(fx->st, &admin, "Team", STORE_TOOL_DOCUMENTS,
				 &ino),
		 "the name is free again");
	is_errno(store_fs_lookup(fx->st, &admin, ino, "Reports", &a), -ENOENT,
		 "and a new group with that name is empty");
	is_errno(store_group_delete(fx->st, &admin, "Nosuch"), -ENOENT,
		 "deleting a group that does not exist");
}

static void join_open(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_group g;
	char *snap;

	fx_group(fx, &admin, "Club", FX_PUBLISHED | FX_OPEN);
	succeeds(fx, store_group_get(fx->st, &carol, "Club", &g),
		 "a stranger sees a published group");
	is_int(g.role, STORE_ROLE_NONE, "as a non-member");
	succeeds(fx, store_group_join(fx->st, &carol, "Club"),
		 "a stranger joins an open group directly");
	is_int(fx_role(fx, &admin, "Club", "carol"), STORE_ROLE_MEMBER,
	       "carol is a member");
	succeeds(fx, store_group_get(fx->st, &carol, "Club", &g), "get");
	is_int(g.role, STORE_ROLE_MEMBER, "carol's role");
	snap = fx_snapshot(fx);
	refused(fx, store_group_join(fx->st, &carol, "Club"), -EEXIST, NULL,
		"joining again");
	refused(fx, store_group_join(fx->st, &admin, "Club"), -EEXIST, NULL,
		"the administrator joins");
	refused(fx, store_group_join(fx->st, &carol, "Nosuch"), -ENOENT, NULL,
		"joining a group that does not exist");
	unchanged(fx, snap, "the refused joins changed nothing");
}

static void join_after_unpublish(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_caller dave = fx_account(fx, "dave", NULL);
	struct store_group_settings s;
	char *snap;

	fx_group(fx, &admin, "Club", FX_PUBLISHED | FX_OPEN);
	succeeds(fx, store_group_join(fx->st, &carol, "Club"), "carol joins");
	memset(&s, 0, sizeof(s));
	succeeds(fx,
		 store_group_edit(fx->st, &admin, "Club", &s, STORE_GROUP_OPEN),
		 "close the group");
	snap = fx_snapshot(fx);
	is_errno(store_group_join(fx->st, &dave, "Club"), -EACCES,
		 "a closed group cannot be joined directly");
	unchanged(fx, snap, "the refusal changed nothing");
	s.open = true;
	succeeds(fx,
		 store_group_edit(fx->st, &admin, "Club", &s, STORE_GROUP_OPEN),
		 "open it again");
	memset(&s, 0, sizeof(s));
	succeeds(fx,
		 store_group_edit(fx->st, &admin, "Club", &s,
				  STORE_GROUP_PUBLISHED),
		 "unpublish it");
	snap = fx_snapshot(fx);
	refused2(fx, store_group_join(fx->st, &dave, "Club"), -ENOENT, -EACCES,
		 NULL, "an unpublished group cannot be joined directly");
	unchanged(fx, snap, "the refusal changed nothing");
	is_int(fx_role(fx, &admin, "Club", "carol"), STORE_ROLE_MEMBER,
	       "carol, who joined while it was open, stays");
}

static void no_account(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller nobody = {0};
	int64_t id;
	char *snap;

	fx_group(fx, &admin, "Club", FX_PUBLISHED | FX_OPEN);
	fx_account(fx, "carol", NULL);
	snap = fx_snapshot(fx);
	ok(store_group_create(fx->st, &nobody, "Mine", &nosettings, 0, &id) < 0,
	   "a caller with no account creates no group");
	ok(store_group_join(fx->st, &nobody, "Club") < 0,
	   "a caller with no account joins no group");
	ok(store_group_create(fx->st, &fx->op, "Ops", &nosettings, 0, &id) < 0,
	   "the operator, with no account, creates no group");
	ok(store_group_invite(fx->st, &fx->op, "Club", "carol") < 0,
	   "the operator, with no account, does not invite");
	ok(store_group_delete(fx->st, &fx->op, "Club") < 0,
	   "the operator, with no account, does not delete a group");
	unchanged(fx, snap, "the refusals changed nothing");
}

static void join_closed(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_group g;
	const char *msg;
	char *snap;

	fx_group(fx, &admin, "Closed", FX_PUBLISHED);
	snap = fx_snapshot(fx);
	is_errno(store_group_join(fx->st, &carol, "Closed"), -EACCES,
		 "joining a closed published group");
	msg = store_errmsg(fx->st);
	ok(*msg, "the refusal has a message: %s", msg);
	unchanged(fx, snap, "the refused join changed nothing");
	succeeds(fx, store_group_get(fx->st, &carol, "Closed", &g),
		 "a stranger sees the closed published group");
	is_str(g.admin_email, "boss@example.org",
	       "it shows its administrator's email address");
	is_int(g.role, STORE_ROLE_NONE, "carol is not a member");
	is_int(g.invitations, -1, "a stranger does not see invitations");
	is_int(fx_members(fx, &admin, "Closed"), 1, "still one member");
}

static void join_private(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_group g;
	char *snap;

	fx_group(fx, &admin, "Secret", 0);
	snap = fx_snapshot(fx);
	refused2(fx, store_group_join(fx->st, &carol, "Secret"), -ENOENT,
		 -EACCES, NULL, "joining a private group uninvited");
	refused(fx, store_group_get(fx->st, &carol, "Secret", &g), -ENOENT,
		NULL, "a private group is invisible to a stranger");
	unchanged(fx, snap, "the refused join changed nothing");
	succeeds(fx, store_group_invite(fx->st, &admin, "Secret", "carol"),
		 "invite carol");
	succeeds(fx, store_group_join(fx->st, &carol, "Secret"),
		 "join accepts a pending invitation");
	is_int(fx_role(fx, &admin, "Secret", "carol"), STORE_ROLE_MEMBER,
	       "carol is a member");
	succeeds(fx, store_group_get(fx->st, &admin, "Secret", &g), "get");
	is_int(g.invitations, 0, "the invitation is used up");
}

static void members_visibility(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_member *m = NULL;
	struct store_group_settings s;
	size_t n = 0, i;

	fx_group(fx, &admin, "Private-ish", 0);
	fx_group(fx, &admin, "Pub", FX_PUBLISHED);
	fx_group(fx, &admin, "PubMembers", FX_PUBLISHED | FX_MEMBERS_PUBLISHED);
	fx_join(fx, &admin, "Private-ish", "alice");
	fx_join(fx, &admin, "Pub", "alice");
	fx_join(fx, &admin, "PubMembers", "alice");

	refused(fx, store_group_members(fx->st, &carol, "Private-ish", &m, &n),
		-ENOENT, NULL, "a stranger lists a private group's members");
	refused(fx, store_group_members(fx->st, &carol, "Pub", &m, &n), -EACCES,
		"publish|member",
		"a stranger lists an unpublished members list");
	succeeds(fx, store_group_members(fx->st, &carol, "PubMembers", &m, &n),
		 "a stranger lists a published members list");
	is_int(n, 2, "two members shown");
	for (i = 0; i < n; i++) {
		is_str(m[i].email, "", "a stranger sees no email (%s)",
		       m[i].username);
		is_str(m[i].org, "", "a stranger sees no organization (%s)",
		       m[i].username);
	}
	free(m);
	m = NULL;

	succeeds(fx, store_group_members(fx->st, &alice, "Pub", &m, &n),
		 "a member lists an unpublished members list");
	is_int(n, 2, "two members shown");
	for (i = 0; i < n; i++)
		if (!strcmp(m[i].username, "boss")) {
			is_str(m[i].email, "boss@example.org",
			       "a co-member sees the email");
			is_str(m[i].first, "First-boss",
			       "a co-member sees the first name");
			is_int(m[i].role, STORE_ROLE_ADMIN, "and the role");
		}
	free(m);
	m = NULL;

	/* Unpublishing the group takes the list away from strangers. */
	memset(&s, 0, sizeof(s));
	succeeds(fx,
		 store_group_edit(fx->st, &admin, "PubMembers", &s,
				  STORE_GROUP_PUBLISHED),
		 "unpublish PubMembers");
	refused(fx, store_group_members(fx->st, &carol, "PubMembers", &m, &n),
		-ENOENT, NULL, "the list is gone with the publication");
}

static void leave(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_group g, *list = NULL;
	size_t n = 0;
	uint64_t root, ino;
	struct store_attr a;
	char *snap;

	fx_group(fx, &admin, "Team", 0);
	fx_join(fx, &admin, "Team", "alice");
	root = fx_root(fx, &alice, "Team", STORE_TOOL_DOCUMENTS);
	fx_mkdir(fx, &admin, root, "f");
	fx_rights(fx, &admin, "Team", "documents", STORE_RIGHT_ADD, false,
		  "alice", NULL);
	fx_mkdir(fx, &alice, root, "alices");

	snap = fx_snapshot(fx);
	refused(fx, store_group_leave(fx->st, &admin, "Team"), -EPERM, KW_ADMIN,
		"the administrator leaves");
	refused(fx, store_group_leave(fx->st, &carol, "Team"), -ENOENT, NULL,
		"a stranger leaves");
	unchanged(fx, snap, "the refused departures changed nothing");

	succeeds(fx, store_group_leave(fx->st, &alice, "Team"), "alice leaves");
	refused(fx, store_group_get(fx->st, &alice, "Team", &g), -ENOENT, NULL,
		"alice no longer sees the private group");
	ok(store_tool_root(fx->st, &alice, "Team", STORE_TOOL_DOCUMENTS, &ino) <
		   0,
	   "alice has no tool root in it");
	ok(store_fs_lookup(fx->st, &alice, root, "f", &a) < 0,
	   "alice cannot look into its documents");
	succeeds(fx, store_fs_lookup(fx->st, &admin, root, "alices", &a),
		 "the folder alice added stays in the group");
	succeeds(fx, store_group_list(fx->st, &alice, &list, &n), "list");
	is_int(n, 0, "alice's group list is empty");
	free(list);
	is_int(fx_members(fx, &admin, "Team"), 1, "one member left");
}

static void group_lists(struct fixture *fx)
{
	struct store_caller admin = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_caller carol = fx_account(fx, "carol", NULL);
	struct store_group *g = NULL;
	size_t n = 0;

	fx_group(fx, &admin, "A", 0);
	fx_group(fx, &admin, "B", FX_PUBLISHED | FX_OPEN);
	fx_group(fx, &alice, "C", 0);
	fx_join(fx, &admin, "A", "alice");
	succeeds(fx, store_group_list(fx->st, &alice, &g, &n), "alice's list");
	is_int(n, 2, "alice belongs to A and C");
	free(g);
	g = NULL;
	succeeds(fx, store_group_list(fx->st, &carol, &g, &n), "carol's list");
	is_int(n, 0, "carol belongs to no group (B is published: no matter)");
	free(g);
	g = NULL;
	succeeds(fx, store_group_list(fx->st, &fx->op, &g, &n),
		 "the operator's list");
	is_int(n, 3, "the operator sees every group");
	free(g);
}

int main(void)
{
	fx_run("create and defaults", create_defaults);
	fx_run("valid group names", name_valid);
	fx_run("invalid group names", name_invalid);
	fx_run("case-insensitively unique names", name_unique);
	fx_run("the name never changes", name_never_changes);
	fx_run("settings: the administrator only", settings_admin_only);
	fx_run("settings: open and members list need published",
	       settings_rules);
	fx_run("delete: administrator, no member, contents go", delete_group);
	fx_run("join an open group", join_open);
	fx_run("join a closed published group", join_closed);
	fx_run("closing or unpublishing stops direct joins",
	       join_after_unpublish);
	fx_run("callers with no account", no_account);
	fx_run("join a private group", join_private);
	fx_run("members list visibility", members_visibility);
	fx_run("leave", leave);
	fx_run("group lists", group_lists);
	return done_testing();
}
