// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of access rights in groups (SPEC.md section 2): add and
 * delete per tool and per folder with inheritance, given to named members
 * and/or all members (later ones included), by default the administrator
 * and co-administrators only; edit per item, decided by the member who
 * added it; store_may as the one answer to "may I".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"

struct team {
	struct store_caller boss, co, alice, bob, carol;
	uint64_t docs, cal, contacts;
};

/* boss administers Team; co co-administrator; alice and bob members;
 * carol a stranger. */
static void team(struct fixture *fx, struct team *t)
{
	t->boss = fx_account(fx, "boss", FX_BIG);
	t->co = fx_account(fx, "co", NULL);
	t->alice = fx_account(fx, "alice", NULL);
	t->bob = fx_account(fx, "bob", NULL);
	t->carol = fx_account(fx, "carol", NULL);
	fx_group(fx, &t->boss, "Team", 0);
	fx_join(fx, &t->boss, "Team", "co");
	fx_join(fx, &t->boss, "Team", "alice");
	fx_join(fx, &t->boss, "Team", "bob");
	fx_coadmin(fx, &t->boss, "Team", "co");
	t->docs = fx_root(fx, &t->boss, "Team", STORE_TOOL_DOCUMENTS);
	t->cal = fx_root(fx, &t->boss, "Team", STORE_TOOL_CALENDAR);
	t->contacts = fx_root(fx, &t->boss, "Team", STORE_TOOL_CONTACTS);
}

static bool names_are(const struct store_names *nm, const char *list)
{
	char buf[512] = "";
	size_t i;

	for (i = 0; i < nm->n; i++) {
		if (i)
			strcat(buf, " ");
		strncat(buf, nm->name[i], sizeof(buf) - strlen(buf) - 2);
	}
	if (strcmp(buf, list))
		diag("  names: \"%s\", expected \"%s\"", buf, list);
	return !strcmp(buf, list);
}

#define MAY(fx, c, ino, right) store_may((fx)->st, (c), (ino), (right))

static void defaults(struct fixture *fx)
{
	static const char *const tools[] = {"documents", "calendar",
					    "contacts"};
	struct team t;
	struct store_rights r;
	struct store_attr a;
	uint64_t roots[3];
	size_t i;
	char *snap;

	team(fx, &t);
	roots[0] = t.docs;
	roots[1] = t.cal;
	roots[2] = t.contacts;
	for (i = 0; i < 3; i++) {
		memset(&r, 0, sizeof(r));
		if (succeeds(fx,
			     store_rights_get(fx->st, &t.alice, "Team",
					      tools[i], &r),
			     "a member reads the rights of %s", tools[i])) {
			ok(!r.add.all_members && r.add.named.n == 0,
			   "%s: add by default to nobody but the admins",
			   tools[i]);
			ok(!r.del.all_members && r.del.named.n == 0,
			   "%s: delete by default to nobody but the admins",
			   tools[i]);
			store_rights_release(&r);
		}
		succeeds(fx, MAY(fx, &t.boss, roots[i], STORE_RIGHT_ADD),
			 "%s: the administrator may add", tools[i]);
		succeeds(fx, MAY(fx, &t.boss, roots[i], STORE_RIGHT_DELETE),
			 "%s: the administrator may delete", tools[i]);
		succeeds(fx, MAY(fx, &t.co, roots[i], STORE_RIGHT_ADD),
			 "%s: a co-administrator may add", tools[i]);
		succeeds(fx, MAY(fx, &t.co, roots[i], STORE_RIGHT_DELETE),
			 "%s: a co-administrator may delete", tools[i]);
		is_errno(MAY(fx, &t.alice, roots[i], STORE_RIGHT_ADD), -EACCES,
			 "%s: a member may not add", tools[i]);
		is_errno(MAY(fx, &t.alice, roots[i], STORE_RIGHT_DELETE),
			 -EACCES, "%s: a member may not delete", tools[i]);
	}
	snap = fx_snapshot(fx);
	refused(fx, store_fs_mkdir(fx->st, &t.alice, t.docs, "x", 0755, &a),
		-EACCES, "add|right|may|permission",
		"a member creates a folder");
	refused(fx,
		store_fs_mknod(fx->st, &t.alice, t.docs, "x.txt", S_IFREG | 0644, &a),
		-EACCES, "add|right|may|permission", "a member creates a file");
	unchanged(fx, snap, "the refusals changed nothing");
	is_errno(store_fs_lookup(fx->st, &t.boss, t.docs, "x", &a), -ENOENT,
		 "no folder x");
	is_errno(store_fs_lookup(fx->st, &t.boss, t.docs, "x.txt", &a),
		 -ENOENT, "no file x.txt");
	fx_mkdir(fx, &t.boss, t.docs, "d");
	succeeds(fx, store_fs_lookup(fx->st, &t.alice, t.docs, "d", &a),
		 "every member reads everything");
	refused(fx, store_fs_rmdir(fx->st, &t.alice, t.docs, "d"), -EACCES,
		"delete|right|may|permission", "a member deletes a folder");
	succeeds(fx, store_fs_lookup(fx->st, &t.alice, t.docs, "d", &a),
		 "the folder is still there");
}

static void per_tool(struct fixture *fx)
{
	struct team t;
	struct store_rights r;

	team(fx, &t);
	fx_rights(fx, &t.boss, "Team", "documents", STORE_RIGHT_ADD, false,
		  "alice", NULL);
	succeeds(fx, MAY(fx, &t.alice, t.docs, STORE_RIGHT_ADD),
		 "alice, named, may add in documents");
	is_errno(MAY(fx, &t.bob, t.docs, STORE_RIGHT_ADD), -EACCES,
		 "bob may not");
	is_errno(MAY(fx, &t.alice, t.docs, STORE_RIGHT_DELETE), -EACCES,
		 "add does not give delete");
	is_errno(MAY(fx, &t.alice, t.cal, STORE_RIGHT_ADD), -EACCES,
		 "documents rights do not reach the calendar");
	succeeds(fx, MAY(fx, &t.boss, t.docs, STORE_RIGHT_ADD),
		 "the administrator still may add");
	succeeds(fx, MAY(fx, &t.co, t.docs, STORE_RIGHT_ADD),
		 "the co-administrator still may add");

	fx_rights(fx, &t.boss, "Team", "calendar", STORE_RIGHT_DELETE, true,
		  NULL);
	succeeds(fx, MAY(fx, &t.bob, t.cal, STORE_RIGHT_DELETE),
		 "all members may delete in the calendar");
	is_errno(MAY(fx, &t.bob, t.cal, STORE_RIGHT_ADD), -EACCES,
		 "but not add");
	is_errno(MAY(fx, &t.bob, t.contacts, STORE_RIGHT_DELETE), -EACCES,
		 "nor delete in the contacts");

	fx_rights(fx, &t.boss, "Team", "contacts", STORE_RIGHT_ADD, true,
		  "alice", NULL);
	memset(&r, 0, sizeof(r));
	if (succeeds(fx,
		     store_rights_get(fx->st, &t.bob, "Team", "contacts", &r),
		     "rights of contacts")) {
		ok(r.add.all_members, "all members");
		ok(names_are(&r.add.named, "alice"), "and alice by name");
		store_rights_release(&r);
	}
	succeeds(fx, MAY(fx, &t.bob, t.contacts, STORE_RIGHT_ADD),
		 "bob may add in the contacts");

	/* Neither all members nor names: back to the admins only. */
	fx_rights(fx, &t.boss, "Team", "documents", STORE_RIGHT_ADD, false,
		  NULL);
	is_errno(MAY(fx, &t.alice, t.docs, STORE_RIGHT_ADD), -EACCES,
		 "alice lost add in documents");
}

static void per_folder(struct fixture *fx)
{
	struct team t;
	struct store_rights r;
	uint64_t a, b, c;
	char *snap;

	team(fx, &t);
	a = fx_mkdir(fx, &t.boss, t.docs, "a");
	b = fx_mkdir(fx, &t.boss, a, "b");
	c = fx_mkdir(fx, &t.boss, t.docs, "c");
	fx_rights(fx, &t.boss, "Team", "documents/a", STORE_RIGHT_ADD, false,
		  "bob", NULL);

	succeeds(fx, MAY(fx, &t.bob, a, STORE_RIGHT_ADD), "bob may add in a");
	succeeds(fx, MAY(fx, &t.bob, b, STORE_RIGHT_ADD),
		 "bob may add in a/b, which inherits");
	is_errno(MAY(fx, &t.bob, t.docs, STORE_RIGHT_ADD), -EACCES,
		 "not at the top");
	is_errno(MAY(fx, &t.bob, c, STORE_RIGHT_ADD), -EACCES, "not in c");
	is_errno(MAY(fx, &t.bob, a, STORE_RIGHT_DELETE), -EACCES,
		 "add on a gives no delete on a");

	memset(&r, 0, sizeof(r));
	if (succeeds(
		    fx,
		    store_rights_get(fx->st, &t.bob, "Team", "documents/a", &r),
		    "rights of a")) {
		ok(r.add.own, "a has its own add setting");
		ok(names_are(&r.add.named, "bob"), "naming bob");
		ok(!r.del.own, "a's delete is inherited");
		is_str(r.del.from, "documents", "from documents");
		store_rights_release(&r);
	}
	memset(&r, 0, sizeof(r));
	if (succeeds(fx,
		     store_rights_get(fx->st, &t.bob, "Team", "documents/a/b",
				      &r),
		     "rights of a/b")) {
		ok(!r.add.own, "a/b has no add setting of its own");
		is_str(r.add.from, "documents/a", "it inherits from a");
		ok(names_are(&r.add.named, "bob"), "so it names bob");
		store_rights_release(&r);
	}
	memset(&r, 0, sizeof(r));
	if (succeeds(
		    fx,
		    store_rights_get(fx->st, &t.bob, "Team", "documents/c", &r),
		    "rights of c")) {
		ok(!r.add.own, "c inherits");
		is_str(r.add.from, "documents", "from documents");
		store_rights_release(&r);
	}

	/* A setting on a/b of its own: admins only. */
	fx_rights(fx, &t.boss, "Team", "documents/a/b", STORE_RIGHT_ADD, false,
		  NULL);
	is_errno(MAY(fx, &t.bob, b, STORE_RIGHT_ADD), -EACCES,
		 "a/b's own setting overrides a's");
	succeeds(fx, MAY(fx, &t.bob, a, STORE_RIGHT_ADD), "a unchanged");
	succeeds(fx, MAY(fx, &t.co, b, STORE_RIGHT_ADD),
		 "the co-administrator still may add in a/b");
	succeeds(fx,
		 store_rights_inherit(fx->st, &t.boss, "Team", "documents/a/b",
				      STORE_RIGHT_ADD),
		 "a/b inherits again");
	succeeds(fx, MAY(fx, &t.bob, b, STORE_RIGHT_ADD),
		 "bob may add in a/b again");
	memset(&r, 0, sizeof(r));
	if (succeeds(fx,
		     store_rights_get(fx->st, &t.bob, "Team", "documents/a/b",
				      &r),
		     "rights of a/b")) {
		ok(!r.add.own, "no own setting after inherit");
		is_str(r.add.from, "documents/a", "from a");
		store_rights_release(&r);
	}

	/* The tool's setting reaches every inheriting folder. */
	fx_rights(fx, &t.boss, "Team", "documents", STORE_RIGHT_ADD, true,
		  NULL);
	succeeds(fx, MAY(fx, &t.alice, c, STORE_RIGHT_ADD),
		 "all members may add in c through documents");
	is_errno(MAY(fx, &t.alice, b, STORE_RIGHT_ADD), -EACCES,
		 "but not in a/b, which inherits a's setting");
	succeeds(fx,
		 store_rights_inherit(fx->st, &t.boss, "Team", "documents/a",
				      STORE_RIGHT_ADD),
		 "a inherits again");
	succeeds(fx, MAY(fx, &t.alice, b, STORE_RIGHT_ADD),
		 "now a/b follows documents");

	snap = fx_snapshot(fx);
	refused(fx,
		store_rights_inherit(fx->st, &t.boss, "Team", "documents",
				     STORE_RIGHT_ADD),
		-EINVAL, NULL, "a tool has nothing to inherit from");
	unchanged(fx, snap, "the refusal changed nothing");
}

static void all_members_later(struct fixture *fx)
{
	struct team t;
	struct store_caller dave;
	struct store_rights r;
	uint64_t f;

	team(fx, &t);
	dave = fx_account(fx, "dave", NULL);
	f = fx_mkdir(fx, &t.boss, t.docs, "f");
	fx_rights(fx, &t.boss, "Team", "documents/f", STORE_RIGHT_ADD, true,
		  NULL);
	fx_rights(fx, &t.boss, "Team", "calendar", STORE_RIGHT_DELETE, true,
		  NULL);
	fx_join(fx, &t.boss, "Team", "dave");
	succeeds(fx, MAY(fx, &dave, f, STORE_RIGHT_ADD),
		 "a member who joined later may add in f");
	succeeds(fx, MAY(fx, &dave, t.cal, STORE_RIGHT_DELETE),
		 "and delete in the calendar");
	memset(&r, 0, sizeof(r));
	if (succeeds(fx,
		     store_rights_get(fx->st, &dave, "Team", "documents/f", &r),
		     "rights of f")) {
		ok(r.add.all_members, "all members");
		is_int(r.add.named.n, 0, "nobody named");
		store_rights_release(&r);
	}
}

static void named_members_only(struct fixture *fx)
{
	const char *const mixed[] = {"alice", "carol"};
	const char *const unknown[] = {"nosuch"};
	struct team t;
	struct store_rights r;
	uint64_t f;
	char *snap;

	team(fx, &t);
	f = fx_mkdir(fx, &t.boss, t.docs, "f");
	snap = fx_snapshot(fx);
	refused2(fx,
		 store_rights_set(fx->st, &t.boss, "Team", "documents",
				  STORE_RIGHT_ADD, false, mixed + 1, 1),
		 -EINVAL, -ENOENT, "member", "naming a stranger");
	refused2(fx,
		 store_rights_set(fx->st, &t.boss, "Team", "documents/f",
				  STORE_RIGHT_ADD, false, mixed, 2),
		 -EINVAL, -ENOENT, "member", "naming a member and a stranger");
	refused2(fx,
		 store_rights_set(fx->st, &t.boss, "Team", "documents/f",
				  STORE_RIGHT_DELETE, true, unknown, 1),
		 -EINVAL, -ENOENT, NULL, "naming an unknown account");
	unchanged(fx, snap, "the refusals changed nothing");
	memset(&r, 0, sizeof(r));
	if (succeeds(fx,
		     store_rights_get(fx->st, &t.boss, "Team", "documents/f",
				      &r),
		     "rights of f")) {
		ok(!r.add.own && !r.del.own, "f still has no setting");
		store_rights_release(&r);
	}
	is_errno(MAY(fx, &t.alice, f, STORE_RIGHT_ADD), -EACCES,
		 "alice got nothing from the refused setting");
}

static void who_sets(struct fixture *fx)
{
	struct team t;
	struct store_rights r;
	char *snap;

	team(fx, &t);
	fx_mkdir(fx, &t.boss, t.docs, "f");
	fx_rights(fx, &t.boss, "Team", "documents/f", STORE_RIGHT_ADD, true,
		  NULL);
	snap = fx_snapshot(fx);
	refused(fx,
		store_rights_set(fx->st, &t.alice, "Team", "documents",
				 STORE_RIGHT_ADD, true, NULL, 0),
		-EACCES, KW_ADMIN, "a member sets tool rights");
	refused(fx,
		store_rights_set(fx->st, &t.alice, "Team", "documents/f",
				 STORE_RIGHT_DELETE, true, NULL, 0),
		-EACCES, KW_ADMIN, "a member sets folder rights");
	refused(fx,
		store_rights_inherit(fx->st, &t.alice, "Team", "documents/f",
				     STORE_RIGHT_ADD),
		-EACCES, KW_ADMIN, "a member resets folder rights");
	refused(fx,
		store_rights_set(fx->st, &t.carol, "Team", "documents",
				 STORE_RIGHT_ADD, true, NULL, 0),
		-ENOENT, NULL, "a stranger sets rights");
	unchanged(fx, snap, "the refusals changed nothing");
	memset(&r, 0, sizeof(r));
	if (succeeds(fx,
		     store_rights_get(fx->st, &t.alice, "Team", "documents/f",
				      &r),
		     "a member reads the rights")) {
		ok(r.add.own && r.add.all_members, "f is unchanged");
		store_rights_release(&r);
	}
	refused(fx, store_rights_get(fx->st, &t.carol, "Team", "documents", &r),
		-ENOENT, NULL, "a stranger reads the rights");
	succeeds(fx,
		 store_rights_set(fx->st, &t.co, "Team", "contacts",
				  STORE_RIGHT_ADD, false, NULL, 0),
		 "a co-administrator sets rights");
}

static void targets(struct fixture *fx)
{
	const char *const alice[] = {"alice"};
	struct team t;
	struct store_rights r;
	char *snap;

	team(fx, &t);
	fx_create(fx, &t.boss, t.docs, "file.txt");
	snap = fx_snapshot(fx);
	refused2(fx, store_rights_get(fx->st, &t.boss, "Team", "bogus", &r),
		 -EINVAL, -ENOENT, NULL, "rights of an unknown tool");
	refused(fx,
		store_rights_get(fx->st, &t.boss, "Team", "documents/nosuch",
				 &r),
		-ENOENT, NULL, "rights of a missing folder");
	refused2(fx,
		 store_rights_set(fx->st, &t.boss, "Team", "documents/file.txt",
				  STORE_RIGHT_ADD, true, NULL, 0),
		 -EINVAL, -ENOTDIR, NULL, "add rights on a file");
	refused(fx,
		store_rights_set(fx->st, &t.boss, "Team", "documents",
				 STORE_RIGHT_EDIT, false, alice, 1),
		-EINVAL, NULL, "edit is not a tool or folder right");
	refused(fx,
		store_rights_get(fx->st, &t.boss, "Nosuch", "documents", &r),
		-ENOENT, NULL, "rights in an unknown group");
	unchanged(fx, snap, "the refusals changed nothing");
}

static void edit_per_item(struct fixture *fx)
{
	const char *const bob[] = {"bob"};
	const char *const carol[] = {"carol"};
	struct team t;
	struct store_caller dave;
	struct store_editors e;
	uint64_t a, b;
	char *snap;

	team(fx, &t);
	dave = fx_account(fx, "dave", NULL);
	fx_rights(fx, &t.boss, "Team", "documents", STORE_RIGHT_ADD, true,
		  NULL);
	a = fx_create(fx, &t.alice, t.docs, "a.txt");
	b = fx_create(fx, &t.alice, t.docs, "b.txt");

	memset(&e, 0, sizeof(e));
	if (succeeds(fx,
		     store_editors_get(fx->st, &t.bob, "Team",
				       "documents/a.txt", &e),
		     "a member reads who may edit")) {
		is_str(e.creator, "alice", "alice added it");
		ok(!e.all_members && e.named.n == 0,
		   "by default only she may edit");
		store_editors_release(&e);
	}
	succeeds(fx, MAY(fx, &t.alice, a, STORE_RIGHT_EDIT),
		 "the creator may edit");
	is_errno(MAY(fx, &t.bob, a, STORE_RIGHT_EDIT), -EACCES,
		 "a member may not");
	is_errno(MAY(fx, &t.boss, a, STORE_RIGHT_EDIT), -EACCES,
		 "the administrator may not edit a member's item");
	is_errno(MAY(fx, &t.co, a, STORE_RIGHT_EDIT), -EACCES,
		 "nor a co-administrator");
	succeeds(fx, MAY(fx, &t.boss, t.docs, STORE_RIGHT_DELETE),
		 "but the administrator may delete it");
	succeeds(fx, MAY(fx, &t.co, t.docs, STORE_RIGHT_DELETE),
		 "and so may a co-administrator");
	succeeds(fx, store_fs_unlink(fx->st, &t.boss, t.docs, "a.txt"),
		 "the administrator deletes what he may not edit");

	snap = fx_snapshot(fx);
	refused(fx,
		store_editors_set(fx->st, &t.boss, "Team", "documents/b.txt",
				  true, NULL, 0),
		-EACCES, "added|creator|edit",
		"the administrator decides who edits alice's item");
	refused(fx,
		store_editors_set(fx->st, &t.co, "Team", "documents/b.txt",
				  true, NULL, 0),
		-EACCES, "added|creator|edit", "so does a co-administrator");
	refused(fx,
		store_editors_set(fx->st, &t.bob, "Team", "documents/b.txt",
				  false, bob, 1),
		-EACCES, "added|creator|edit", "bob names himself editor");
	refused2(fx,
		 store_editors_set(fx->st, &t.alice, "Team", "documents/b.txt",
				   false, carol, 1),
		 -EINVAL, -ENOENT, "member", "alice names a stranger");
	unchanged(fx, snap, "the refusals changed nothing");
	is_errno(MAY(fx, &t.bob, b, STORE_RIGHT_EDIT), -EACCES,
		 "bob still may not edit b");

	succeeds(fx,
		 store_editors_set(fx->st, &t.alice, "Team", "documents/b.txt",
				   false, bob, 1),
		 "alice lets bob edit b");
	succeeds(fx, MAY(fx, &t.bob, b, STORE_RIGHT_EDIT), "bob may edit b");
	succeeds(fx, MAY(fx, &t.alice, b, STORE_RIGHT_EDIT), "alice still may");
	is_errno(MAY(fx, &t.boss, b, STORE_RIGHT_EDIT), -EACCES,
		 "the administrator still may not");
	memset(&e, 0, sizeof(e));
	if (succeeds(fx,
		     store_editors_get(fx->st, &t.alice, "Team",
				       "documents/b.txt", &e),
		     "editors of b")) {
		ok(names_are(&e.named, "bob"), "bob is named");
		store_editors_release(&e);
	}

	succeeds(fx,
		 store_editors_set(fx->st, &t.alice, "Team", "documents/b.txt",
				   true, NULL, 0),
		 "alice lets all members edit b");
	succeeds(fx, MAY(fx, &t.boss, b, STORE_RIGHT_EDIT),
		 "the administrator may edit b now");
	fx_join(fx, &t.boss, "Team", "dave");
	succeeds(fx, MAY(fx, &dave, b, STORE_RIGHT_EDIT),
		 "a member who joins later may edit b");

	succeeds(fx,
		 store_editors_set(fx->st, &t.alice, "Team", "documents/b.txt",
				   false, NULL, 0),
		 "alice takes it back: only her");
	is_errno(MAY(fx, &t.bob, b, STORE_RIGHT_EDIT), -EACCES,
		 "bob may not edit b any more");
	is_errno(MAY(fx, &dave, b, STORE_RIGHT_EDIT), -EACCES, "nor dave");
	succeeds(fx, MAY(fx, &t.alice, b, STORE_RIGHT_EDIT), "alice may");
}

static void delete_right(struct fixture *fx)
{
	struct team t;
	struct store_attr at;
	uint64_t a;

	team(fx, &t);
	a = fx_mkdir(fx, &t.boss, t.docs, "a");
	fx_rights(fx, &t.boss, "Team", "documents", STORE_RIGHT_ADD, true,
		  NULL);
	fx_create(fx, &t.alice, a, "x.txt");
	refused(fx, store_fs_unlink(fx->st, &t.alice, a, "x.txt"), -EACCES,
		"delete|right|may|permission",
		"alice deletes her own item without delete");
	succeeds(fx, store_fs_lookup(fx->st, &t.alice, a, "x.txt", &at),
		 "x.txt is still there");
	fx_rights(fx, &t.boss, "Team", "documents/a", STORE_RIGHT_DELETE, false,
		  "alice", NULL);
	succeeds(fx, MAY(fx, &t.boss, a, STORE_RIGHT_DELETE),
		 "the administrator may always delete, even when others are "
		 "named");
	succeeds(fx, MAY(fx, &t.co, a, STORE_RIGHT_DELETE),
		 "and so may co-administrators");
	is_errno(MAY(fx, &t.bob, a, STORE_RIGHT_DELETE), -EACCES,
		 "bob may not delete in a");
	succeeds(fx, store_fs_unlink(fx->st, &t.alice, a, "x.txt"),
		 "alice, named, deletes in a");
	is_errno(store_fs_lookup(fx->st, &t.alice, a, "x.txt", &at), -ENOENT,
		 "x.txt is gone");
}

static void strangers_and_private(struct fixture *fx)
{
	struct team t;
	struct store_attr a;
	uint64_t mine, ino;

	team(fx, &t);
	ino = fx_mkdir(fx, &t.boss, t.docs, "f");
	ok(MAY(fx, &t.carol, t.docs, STORE_RIGHT_ADD) < 0,
	   "a stranger may not add");
	ok(store_fs_lookup(fx->st, &t.carol, t.docs, "f", &a) < 0,
	   "a stranger cannot look into the group");
	fx_mkdir(fx, &t.boss, ino, "inner");
	ok(store_fs_lookup(fx->st, &t.carol, ino, "inner", &a) < 0,
	   "a stranger gets nothing from a folder's inode");
	ok(MAY(fx, &t.carol, ino, STORE_RIGHT_ADD) < 0, "nor any right on it");
	ok(store_tool_root(fx->st, &t.carol, "Team", STORE_TOOL_DOCUMENTS,
			   &ino) < 0,
	   "a stranger has no tool root");

	mine = fx_root(fx, &t.alice, NULL, STORE_TOOL_DOCUMENTS);
	succeeds(fx, MAY(fx, &t.alice, mine, STORE_RIGHT_ADD),
		 "alice may add in her private documents");
	succeeds(fx, MAY(fx, &t.alice, mine, STORE_RIGHT_DELETE),
		 "and delete there");
	fx_mkdir(fx, &t.alice, mine, "diary");
	ok(store_fs_lookup(fx->st, &t.bob, mine, "diary", &a) < 0,
	   "a co-member cannot look into alice's private space");
	ok(store_fs_lookup(fx->st, &t.boss, mine, "diary", &a) < 0,
	   "nor can her group's administrator");
	ok(MAY(fx, &t.bob, mine, STORE_RIGHT_ADD) < 0, "nor add in it");
	ok(store_fs_mkdir(fx->st, &t.bob, mine, "intruder", 0755, &a) < 0,
	   "a co-member cannot create in alice's private space");
	is_errno(store_fs_lookup(fx->st, &t.alice, mine, "intruder", &a),
		 -ENOENT, "nothing was created");
}

int main(void)
{
	fx_run("defaults: administrators only", defaults);
	fx_run("per tool", per_tool);
	fx_run("per folder, with inheritance", per_folder);
	fx_run("all members includes later members", all_members_later);
	fx_run("named users must be members", named_members_only);
	fx_run("who may set rights", who_sets);
	fx_run("targets", targets);
	fx_run("edit per item", edit_per_item);
	fx_run("delete right", delete_right);
	fx_run("strangers and private spaces", strangers_and_private);
	return done_testing();
}
