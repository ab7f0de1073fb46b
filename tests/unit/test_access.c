// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the access cache (backend/access/cache.c): a handle keeps
 * its callers' accounts, roles and rights across requests, and SPEC.md's
 * live rule still holds.  Each case warms the cache on the "mount" handle
 * (fx->st) with the very operation it checks, changes rights, membership,
 * an ACL, a folder's place or a Unix user's account, and checks that the
 * next operation on that handle sees the change: once with the change
 * made on the same handle, once on a handle of its own (as groupctl or
 * another daemon makes it: another connection, another process's state).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"

struct team {
	struct store_caller boss, co, alice, bob;
	uint64_t docs;
};

/* boss administers Team; co co-administrator; alice and bob members. */
static void team(struct fixture *fx, struct team *t)
{
	t->boss = fx_account(fx, "boss", FX_BIG);
	t->co = fx_account(fx, "co", NULL);
	t->alice = fx_account(fx, "alice", NULL);
	t->bob = fx_account(fx, "bob", NULL);
	fx_group(fx, &t->boss, "Team", 0);
	fx_join(fx, &t->boss, "Team", "co");
	fx_join(fx, &t->boss, "Team", "alice");
	fx_join(fx, &t->boss, "Team", "bob");
	fx_coadmin(fx, &t->boss, "Team", "co");
	t->docs = fx_root(fx, &t->boss, "Team", STORE_TOOL_DOCUMENTS);
}

/* The handle changes are made on: the mount's own, or one of their own
 * (a store opened again: its own connection and shared state). */
static struct store *changer(struct fixture *fx, bool other)
{
	struct store *st;
	char err[256];
	int rc;

	if (!other)
		return fx->st;
	rc = store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &st, err,
			sizeof(err));
	if (rc)
		fx_bail(fx, rc, "a second handle: %s", err);
	return st;
}

static void changer_done(struct fixture *fx, struct store *by)
{
	if (by != fx->st)
		store_close(by);
}

static const char *how(struct fixture *fx, struct store *by)
{
	return by == fx->st ? "same handle" : "another handle";
}

/* `c` adds a folder `name` in `dir` on the mount's handle. */
static int add(struct fixture *fx, const struct store_caller *c, uint64_t dir,
	       const char *name)
{
	struct store_attr a;

	return store_fs_mkdir(fx->st, c, dir, name, 0755, &a);
}

#define MAY(fx, c, ino, right) store_may((fx)->st, (c), (ino), (right))

static int rights(struct store *by, const struct store_caller *c,
		  const char *target, enum store_right right, bool all,
		  const char *user)
{
	const char *users[1] = {user};

	return store_rights_set(by, c, "Team", target, right, all, users,
				user ? 1 : 0);
}

static void grant_and_revoke(struct fixture *fx, bool other)
{
	struct store *by;
	struct team t;

	team(fx, &t);
	by = changer(fx, other);
	/* Grant: alice's role and the documents' node are known. */
	is_errno(MAY(fx, &t.alice, t.docs, STORE_RIGHT_ADD), -EACCES,
		 "%s: alice may not add", how(fx, by));
	refused(fx, add(fx, &t.alice, t.docs, "a0"), -EACCES, "add",
		"%s: nor add a folder", how(fx, by));
	succeeds(fx, rights(by, &t.boss, "documents", STORE_RIGHT_ADD, false,
			    "alice"),
		 "%s: boss gives alice add", how(fx, by));
	succeeds(fx, add(fx, &t.alice, t.docs, "a1"),
		 "%s: the next add by alice is allowed", how(fx, by));
	succeeds(fx, add(fx, &t.alice, t.docs, "a2"),
		 "%s: and the one after (the cache holds it)", how(fx, by));
	succeeds(fx, MAY(fx, &t.alice, t.docs, STORE_RIGHT_ADD),
		 "%s: store_may agrees", how(fx, by));
	/* Revoke: alice holds add, as the cache knows. */
	succeeds(fx, rights(by, &t.boss, "documents", STORE_RIGHT_ADD, false,
			    NULL),
		 "%s: boss takes add back", how(fx, by));
	refused(fx, add(fx, &t.alice, t.docs, "a3"), -EACCES, "add",
		"%s: the next add by alice is refused", how(fx, by));
	is_errno(MAY(fx, &t.alice, t.docs, STORE_RIGHT_ADD), -EACCES,
		 "%s: store_may agrees", how(fx, by));
	changer_done(fx, by);
}

static void role_change(struct fixture *fx, bool other)
{
	struct store *by;
	struct team t;

	team(fx, &t);
	by = changer(fx, other);
	succeeds(fx, add(fx, &t.co, t.docs, "c1"),
		 "%s: the co-administrator adds", how(fx, by));
	succeeds(fx, MAY(fx, &t.co, t.docs, STORE_RIGHT_DELETE),
		 "%s: and may delete", how(fx, by));
	succeeds(fx, store_group_set_coadmin(by, &t.boss, "Team", "co", false),
		 "%s: co becomes a plain member", how(fx, by));
	refused(fx, add(fx, &t.co, t.docs, "c2"), -EACCES, "add",
		"%s: the next add by co is refused", how(fx, by));
	is_errno(MAY(fx, &t.co, t.docs, STORE_RIGHT_DELETE), -EACCES,
		 "%s: and co may not delete", how(fx, by));
	succeeds(fx, store_group_set_coadmin(by, &t.boss, "Team", "bob", true),
		 "%s: bob becomes co-administrator", how(fx, by));
	succeeds(fx, add(fx, &t.bob, t.docs, "b1"),
		 "%s: the next add by bob is allowed", how(fx, by));
	changer_done(fx, by);
}

static void member_removed(struct fixture *fx, bool other)
{
	struct store_attr a;
	struct store *by;
	struct team t;
	uint64_t x;

	team(fx, &t);
	by = changer(fx, other);
	fx_rights(fx, &t.boss, "Team", "documents", STORE_RIGHT_ADD, true,
		  NULL);
	x = fx_mkdir(fx, &t.boss, t.docs, "x");
	succeeds(fx, store_fs_lookup(fx->st, &t.bob, t.docs, "x", &a),
		 "%s: bob looks x up", how(fx, by));
	succeeds(fx, store_fs_getattr(fx->st, &t.bob, x, &a),
		 "%s: and reads its attributes", how(fx, by));
	succeeds(fx, add(fx, &t.bob, x, "b1"), "%s: and adds in it",
		 how(fx, by));
	succeeds(fx, store_group_remove(by, &t.boss, "Team", "bob"),
		 "%s: boss removes bob", how(fx, by));
	/* The folder itself is out of his sight: the kernel, told so,
	 * walks the path again and finds nothing at the group's name. */
	is_errno(store_fs_lookup(fx->st, &t.bob, t.docs, "x", &a), -ESTALE,
		 "%s: bob's next lookup finds his folder gone", how(fx, by));
	is_errno(store_fs_lookup(fx->st, &t.bob, STORE_ROOT_INO, "Team", &a),
		 -ENOENT, "%s: and the group's name, nothing", how(fx, by));
	is_errno(store_fs_getattr(fx->st, &t.bob, x, &a), -ESTALE,
		 "%s: nor his next getattr", how(fx, by));
	ok(add(fx, &t.bob, x, "b2") != 0, "%s: nor may he add",
	   how(fx, by));
	succeeds(fx, add(fx, &t.alice, x, "a1"),
		 "%s: alice still adds (all members)", how(fx, by));
	changer_done(fx, by);
}

static void acl_change(struct fixture *fx, bool other)
{
	struct store *by;
	struct team t;
	uint64_t a, b;

	team(fx, &t);
	by = changer(fx, other);
	fx_rights(fx, &t.boss, "Team", "documents", STORE_RIGHT_ADD, true,
		  NULL);
	a = fx_mkdir(fx, &t.boss, t.docs, "a");
	b = fx_mkdir(fx, &t.boss, a, "b");
	succeeds(fx, add(fx, &t.alice, b, "x1"),
		 "%s: alice adds in a/b, which inherits documents",
		 how(fx, by));
	succeeds(fx, rights(by, &t.boss, "documents/a", STORE_RIGHT_ADD,
			    false, "bob"),
		 "%s: a gets a setting of its own: bob only", how(fx, by));
	refused(fx, add(fx, &t.alice, b, "x2"), -EACCES, "add",
		"%s: alice's next add in a/b is refused", how(fx, by));
	succeeds(fx, add(fx, &t.bob, b, "x3"), "%s: bob's is allowed",
		 how(fx, by));
	succeeds(fx,
		 store_rights_inherit(by, &t.boss, "Team", "documents/a",
				      STORE_RIGHT_ADD),
		 "%s: a inherits again", how(fx, by));
	succeeds(fx, add(fx, &t.alice, b, "x4"),
		 "%s: alice's next add in a/b is allowed", how(fx, by));
	changer_done(fx, by);
}

/* Rights are inherited along the folders: a folder that moves takes the
 * setting of its new place, and so does everything below it (whose own
 * folder did not change). */
static void folder_moves(struct fixture *fx, bool other)
{
	struct store_rename r;
	struct store *by;
	struct team t;
	uint64_t open, closed, x, y;

	team(fx, &t);
	by = changer(fx, other);
	open = fx_mkdir(fx, &t.boss, t.docs, "open");
	closed = fx_mkdir(fx, &t.boss, t.docs, "closed");
	fx_rights(fx, &t.boss, "Team", "documents/open", STORE_RIGHT_ADD, true,
		  NULL);
	x = fx_mkdir(fx, &t.boss, open, "x");
	y = fx_mkdir(fx, &t.boss, x, "y");
	succeeds(fx, add(fx, &t.alice, x, "a1"), "%s: alice adds in open/x",
		 how(fx, by));
	succeeds(fx, add(fx, &t.alice, y, "a2"),
		 "%s: and in open/x/y", how(fx, by));
	refused(fx, add(fx, &t.alice, closed, "a3"), -EACCES, "add",
		"%s: not in closed", how(fx, by));
	succeeds(fx,
		 store_fs_rename(by, &t.boss, open, "x", closed, "x", 0, &r),
		 "%s: boss moves x into closed", how(fx, by));
	refused(fx, add(fx, &t.alice, x, "a4"), -EACCES, "add",
		"%s: alice's next add in closed/x is refused", how(fx, by));
	refused(fx, add(fx, &t.alice, y, "a5"), -EACCES, "add",
		"%s: and in closed/x/y, whose own folder stayed",
		how(fx, by));
	succeeds(fx,
		 store_fs_rename(by, &t.boss, closed, "x", open, "x2", 0, &r),
		 "%s: boss moves it back, renamed", how(fx, by));
	succeeds(fx, add(fx, &t.alice, y, "a6"),
		 "%s: alice's next add in open/x2/y is allowed", how(fx, by));
	changer_done(fx, by);
}

static void editors(struct fixture *fx, bool other)
{
	const char *bob = "bob";
	struct store *by;
	struct team t;
	uint64_t f;

	team(fx, &t);
	by = changer(fx, other);
	fx_rights(fx, &t.boss, "Team", "documents", STORE_RIGHT_ADD, true,
		  NULL);
	f = fx_create(fx, &t.alice, t.docs, "f.txt");
	succeeds(fx,
		 store_editors_set(by, &t.alice, "Team", "documents/f.txt",
				   false, &bob, 1),
		 "%s: alice names bob an editor", how(fx, by));
	succeeds(fx, MAY(fx, &t.bob, f, STORE_RIGHT_EDIT),
		 "%s: bob may edit", how(fx, by));
	succeeds(fx,
		 store_editors_set(by, &t.alice, "Team", "documents/f.txt",
				   false, NULL, 0),
		 "%s: alice names nobody", how(fx, by));
	is_errno(MAY(fx, &t.bob, f, STORE_RIGHT_EDIT), -EACCES,
		 "%s: bob's next edit is refused", how(fx, by));
	changer_done(fx, by);
}

static int64_t caller_of(struct fixture *fx, uid_t uid)
{
	struct store_caller c;

	memset(&c, 0xff, sizeof(c));
	if (!succeeds(fx, store_caller_for_uid(fx->st, uid, NULL, &c),
		      "the caller of uid %u", (unsigned)uid))
		return -1;
	return c.account;
}

static int bind(struct store *by, struct fixture *fx, const char *user,
		int64_t uid)
{
	struct store_account a;

	memset(&a, 0, sizeof(a));
	a.unix_uid = uid;
	return store_account_edit(by, &fx->op, user, &a,
				  STORE_ACCOUNT_UNIX_UID);
}

static void unix_users(struct fixture *fx, bool other)
{
	const uid_t u1 = 54321, u2 = 54322;
	struct store_caller alice, bob;
	struct store_account a;
	struct store *by;
	int64_t id;

	alice = fx_account(fx, "alice", NULL);
	bob = fx_account(fx, "bob", NULL);
	by = changer(fx, other);
	succeeds(fx, bind(by, fx, "alice", u1), "%s: alice is uid %u",
		 how(fx, by), (unsigned)u1);
	is_int(caller_of(fx, u1), alice.account, "%s: uid %u is alice",
	       how(fx, by), (unsigned)u1);
	is_int(caller_of(fx, u1), alice.account, "%s: still, asked again",
	       how(fx, by));
	succeeds(fx, bind(by, fx, "alice", -1), "%s: alice is unbound",
		 how(fx, by));
	is_int(caller_of(fx, u1), 0, "%s: uid %u has no account at once",
	       how(fx, by), (unsigned)u1);
	succeeds(fx, bind(by, fx, "bob", u1), "%s: bob is uid %u",
		 how(fx, by), (unsigned)u1);
	is_int(caller_of(fx, u1), bob.account, "%s: uid %u is bob at once",
	       how(fx, by), (unsigned)u1);
	succeeds(fx, store_account_remove(by, &fx->op, "bob"),
		 "%s: bob's account is removed", how(fx, by));
	is_int(caller_of(fx, u1), 0, "%s: uid %u has no account at once",
	       how(fx, by), (unsigned)u1);
	/* An account that comes bound to a Unix user. */
	is_int(caller_of(fx, u2), 0, "%s: uid %u has no account",
	       how(fx, by), (unsigned)u2);
	memset(&a, 0, sizeof(a));
	snprintf(a.username, sizeof(a.username), "carol");
	snprintf(a.first, sizeof(a.first), "Carol");
	snprintf(a.last, sizeof(a.last), "C");
	snprintf(a.email, sizeof(a.email), "carol@example.org");
	a.unix_uid = u2;
	succeeds(fx,
		 store_account_add(by, &fx->op, &a,
				   STORE_ACCOUNT_FIRST | STORE_ACCOUNT_LAST |
					   STORE_ACCOUNT_EMAIL |
					   STORE_ACCOUNT_UNIX_UID,
				   NULL, 0, &id),
		 "%s: carol is added as uid %u", how(fx, by), (unsigned)u2);
	is_int(caller_of(fx, u2), id, "%s: uid %u is carol at once",
	       how(fx, by), (unsigned)u2);
	changer_done(fx, by);
}

/* The cache answers by itself while the access generation stands: a
 * change no groupfs code could make (a membership gone with its trigger
 * dropped first, by another connection) goes unseen until the generation
 * moves, and is seen by the very next request after. */
static void answers_from_cache(struct fixture *fx)
{
	char sq[256], pg[256];
	struct store_attr a;
	struct team t;

	team(fx, &t);
	succeeds(fx, store_fs_getattr(fx->st, &t.bob, t.docs, &a),
		 "bob reads the documents' attributes");
	snprintf(sq, sizeof(sq),
		 "DROP TRIGGER membership_delete_rights;"
		 "DELETE FROM membership WHERE account_id = %lld;",
		 (long long)t.bob.account);
	snprintf(pg, sizeof(pg),
		 "DROP TRIGGER membership_delete_rights ON membership;"
		 "DELETE FROM membership WHERE account_id = %lld;",
		 (long long)t.bob.account);
	ok(fx_sql(fx, sq, pg) == 0,
	   "bob's membership goes behind the generation's back");
	succeeds(fx, store_fs_getattr(fx->st, &t.bob, t.docs, &a),
		 "the cache still knows bob as a member");
	ok(fx_sql(fx, "UPDATE meta SET v = v + 1 WHERE k = 'rights'",
		  "UPDATE meta SET v = v + 1 WHERE k = 'rights'") == 0,
	   "the rights generation moves");
	is_errno(store_fs_getattr(fx->st, &t.bob, t.docs, &a), -ESTALE,
		 "bob's next request sees he is no member");
}

/* A lookup answers from the rows of a folder and an item that an earlier
 * request read only while nothing can have changed them (on SQLite): a
 * change through any handle shows at the next lookup. */
static void lookups_see_changes(struct fixture *fx, bool other)
{
	struct store_setattr set = {.valid = STORE_SET_SIZE, .size = 5};
	struct store_rename r;
	struct store_attr a;
	struct store *by;
	struct team t;
	uint64_t f, x;
	int i;

	team(fx, &t);
	by = changer(fx, other);
	f = fx_mkdir(fx, &t.boss, t.docs, "f");
	x = fx_create(fx, &t.boss, f, "x");
	for (i = 0; i < 2; i++) {
		succeeds(fx, store_fs_lookup(fx->st, &t.alice, f, "x", &a),
			 "%s: alice looks f/x up (%d)", how(fx, by), i + 1);
		ok(a.ino == x && a.size == 0, "%s: x, empty", how(fx, by));
	}
	succeeds(fx, store_fs_setattr(by, &t.boss, x, &set, NULL, &a),
		 "%s: boss makes x 5 bytes long", how(fx, by));
	succeeds(fx, store_fs_lookup(fx->st, &t.alice, f, "x", &a),
		 "%s: alice looks f/x up again", how(fx, by));
	is_int(a.size, 5, "%s: and sees its new size", how(fx, by));
	succeeds(fx, store_fs_rename(by, &t.boss, f, "x", f, "y", 0, &r),
		 "%s: boss renames x to y", how(fx, by));
	is_errno(store_fs_lookup(fx->st, &t.alice, f, "x", &a), -ENOENT,
		 "%s: alice finds no x", how(fx, by));
	succeeds(fx, store_fs_lookup(fx->st, &t.alice, f, "y", &a), "%s: but y",
		 how(fx, by));
	ok(a.ino == x && a.size == 5, "%s: the same item", how(fx, by));
	changer_done(fx, by);
}

/* Whether `c` opening folder `ino` is told every caller sees the same. */
static bool alike(struct fixture *fx, const struct store_caller *c,
		  uint64_t ino)
{
	bool same = true; /* must be written either way */
	int rc = store_fs_opendir(fx->st, c, ino, &same);

	if (rc)
		fx_bail(fx, rc, "opendir %llu", (unsigned long long)ino);
	return same;
}

/* The daemon lets the kernel keep a listing for every caller only where
 * each who may open the folder is shown the same entries. */
static void listings_alike(struct fixture *fx)
{
	uint64_t group, sub, drop, members, priv;
	struct team t;

	team(fx, &t);
	group = fx_lookup(fx, &t.bob, STORE_ROOT_INO, "Team");
	sub = fx_mkdir(fx, &t.boss, t.docs, "sub");
	drop = fx_lookup(fx, &t.bob, group, "drop");
	members = fx_lookup(fx, &t.bob, group, "members");
	priv = fx_root(fx, &t.bob, NULL, STORE_TOOL_DOCUMENTS);
	ok(alike(fx, &t.bob, t.docs), "documents/: alike");
	ok(alike(fx, &t.alice, sub), "a folder in it: alike");
	ok(alike(fx, &t.bob,
		 fx_root(fx, &t.bob, "Team", STORE_TOOL_CALENDAR)),
	   "calendar/: alike");
	ok(!alike(fx, &t.bob, STORE_ROOT_INO), "the root: per caller");
	ok(!alike(fx, &t.bob, group),
	   "the group's folder (with history/): per caller");
	ok(!alike(fx, &t.bob, drop), "drop/: per caller");
	ok(!alike(fx, &t.bob, fx_lookup(fx, &t.bob, drop, "alice")),
	   "a member's drop folder: per caller");
	ok(!alike(fx, &t.bob, members), "members/: per caller");
	ok(!alike(fx, &t.bob, fx_lookup(fx, &t.bob, members, "alice")),
	   "a member's folder in members/: per caller");
	ok(!alike(fx, &t.bob, priv), "a private space's folder: per caller");
	ok(!alike(fx, &t.bob, fx_lookup(fx, &t.bob, group, "history")),
	   "history/: per caller");
	succeeds(fx, store_fs_opendir(fx->st, &t.bob, sub, NULL),
		 "the answer may be left unasked");
}

#define BOTH(fn)                                                               \
	static void fn##_same(struct fixture *fx)                              \
	{                                                                      \
		fn(fx, false);                                                 \
	}                                                                      \
	static void fn##_other(struct fixture *fx)                             \
	{                                                                      \
		fn(fx, true);                                                  \
	}

BOTH(grant_and_revoke)
BOTH(role_change)
BOTH(member_removed)
BOTH(acl_change)
BOTH(folder_moves)
BOTH(editors)
BOTH(unix_users)
BOTH(lookups_see_changes)

int main(void)
{
	fx_run("grant and revoke, same handle", grant_and_revoke_same);
	fx_run("grant and revoke, another handle", grant_and_revoke_other);
	fx_run("role change, same handle", role_change_same);
	fx_run("role change, another handle", role_change_other);
	fx_run("member removed, same handle", member_removed_same);
	fx_run("member removed, another handle", member_removed_other);
	fx_run("ACL change, same handle", acl_change_same);
	fx_run("ACL change, another handle", acl_change_other);
	fx_run("folder moves, same handle", folder_moves_same);
	fx_run("folder moves, another handle", folder_moves_other);
	fx_run("editors, same handle", editors_same);
	fx_run("editors, another handle", editors_other);
	fx_run("Unix users, same handle", unix_users_same);
	fx_run("Unix users, another handle", unix_users_other);
	fx_run("the cache answers while the generation stands",
	       answers_from_cache);
	fx_run("listings alike for every caller", listings_alike);
	fx_run("lookups see changes, same handle", lookups_see_changes_same);
	fx_run("lookups see changes, another handle",
	       lookups_see_changes_other);
	return done_testing();
}
