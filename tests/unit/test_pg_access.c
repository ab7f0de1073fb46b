// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's access and model calls (backend/pg/access.c,
 * model.c) on a throwaway cluster (tests/pg/cluster.sh): plans, accounts,
 * invitations and their files, rights, editors, a space's room and
 * calendar grants, each through the round trips the rules make (add then
 * find, list, change, remove, -ENOENT), and -EEXIST where a key is taken
 * without failing the transaction, which then commits.  Rows the other
 * areas' calls would make (groups, spaces, nodes, names) are written here
 * in SQL.  Skipped (TAP SKIP) only when the server binaries are absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_support.h"
#include "pgdb.h"
#include "tap.h"

static char conninfo[256];

static struct shared sh = {.origin = 7, .hooks = &pgt_hooks};

static struct store st = {.sh = &sh};

static int64_t rights_gen(void)
{
	int64_t v = -999;

	if (pg_rights_gen(&st, &v))
		diag("rights_gen: %s", st.errmsg);
	return v;
}

/* A node of `space` (a folder, or a file of `size` bytes); named `name`
 * in `parent` unless parent is 0. */
static int64_t node(int64_t space, bool dir, int64_t size, int64_t parent,
		    const char *name)
{
	int64_t id = pgt_node(&st, space, dir, size);

	if (parent &&
	    pg_run(&st, "INSERT INTO dirent (parent, name, child)"
		   " VALUES ($1, $2, $3)", "iti", parent, name, id))
		diag("dirent: %s", st.errmsg);
	return id;
}

/* A space of group `group` or of account `account` (the other 0), with a
 * root folder, into *root. */
static int64_t space_of(int64_t group, int64_t account, int64_t *root)
{
	int64_t id = 0;

	if (group)
		pg_int(&st, &id, "INSERT INTO space (group_id) VALUES ($1)"
		       " RETURNING id", "i", group);
	else
		pg_int(&st, &id, "INSERT INTO space (account_id) VALUES ($1)"
		       " RETURNING id", "i", account);
	*root = node(id, true, 0, 0, NULL);
	pg_run(&st, "UPDATE space SET root = $1, drop_dir = $2 WHERE id = $3",
	       "iii", *root, *root + 1000, id);
	return id;
}

static int64_t group_add(const char *name, const char *key)
{
	int64_t id = 0;

	if (pg_int(&st, &id, "INSERT INTO grp (name, name_key, created)"
		   " VALUES ($1, $2, 0) RETURNING id", "tt", name, key))
		diag("group: %s", st.errmsg);
	return id;
}

static void member_add(int64_t group, int64_t account, int role)
{
	if (pg_run(&st, "INSERT INTO membership (group_id, account_id, role,"
		   " joined) VALUES ($1, $2, $3, 0)", "iii", group, account,
		   (int64_t)role))
		diag("membership: %s", st.errmsg);
}

static int64_t account_add(const char *username, const char *pwhash,
			   int64_t plan, int64_t uid, int *rc)
{
	struct store_account a = {0};
	int64_t id = -1;

	snprintf(a.username, sizeof(a.username), "%s", username);
	snprintf(a.first, sizeof(a.first), "%c", username[0] - 32);
	snprintf(a.last, sizeof(a.last), "N");
	snprintf(a.email, sizeof(a.email), "%s@example.org", username);
	*rc = pg_account_add(&st, &a, "Org", pwhash, plan, 1000, uid, &id);
	return id;
}

static void plans(void)
{
	struct store_plan p = {.name = "free", .group_bytes = 0,
			       .private_bytes = 1000};
	struct store_plan *v = NULL;
	size_t n = 0;
	int64_t id;

	is_errno(pg_plan_add(&st, &p), 0, "plan free added: %s", st.errmsg);
	p = (struct store_plan){"pro", 5, 25, 10000, 20000, 0};
	is_errno(pg_plan_add(&st, &p), 0, "plan pro added");
	p.max_groups = 99;
	is_errno(pg_plan_add(&st, &p), -EEXIST, "pro again: -EEXIST");
	is_errno(pg_plan_id(&st, "pro", &id), 0,
		 "the transaction goes on after it: %s", st.errmsg);
	p = (struct store_plan){"pro", 6, 25, 10000, 20000, 0};
	is_errno(pg_plan_set(&st, &p), 0, "pro's limits set");
	p = (struct store_plan){"mid", 2, 10, 5000, 5000, 0};
	is_errno(pg_plan_set(&st, &p), 0, "set adds plan mid");
	is_errno(pg_plan_get(&st, "pro", &p), 0, "pro read back");
	ok(p.max_groups == 6 && p.max_members == 25 &&
	   p.group_bytes == 10000 && p.private_bytes == 20000 &&
	   p.accounts == 0, "with the limits set (%lld groups)",
	   (long long)p.max_groups);
	is_errno(pg_plan_get(&st, "none", &p), -ENOENT, "no plan none");
	is_errno(pg_plan_list(&st, &v, &n), 0, "plans listed");
	ok(n == 3 && v && strcmp(v[0].name, "free") == 0 &&
	   strcmp(v[1].name, "mid") == 0 && strcmp(v[2].name, "pro") == 0,
	   "three, smallest group capacity first");
	free(v);
	is_errno(pg_plan_remove(&st, "mid"), 0, "mid removed");
	is_errno(pg_plan_remove(&st, "mid"), 0, "removing none is 0");
	is_errno(pg_plan_id(&st, "mid", &id), -ENOENT, "mid is gone");
}

int main(void)
{
	struct store_account acc;
	struct store_invitation *inv = NULL;
	struct meta_invitation_unfiled *unf = NULL;
	struct meta_invitation_file file;
	struct store_cal_grant *cg = NULL;
	struct store_names names = {0};
	struct store_plan *pv = NULL;
	struct store_account *av = NULL;
	struct limits lim;
	struct room room;
	int64_t free_plan, pro, ann, bob, cat, dan, eve, team, two, gsp, groot;
	int64_t csp, croot, cdir, docs, sub, f2, f3, id, gen, links, *ints;
	unsigned char photo[6] = {0x89, 'P', 0, 'G', 0, 0xff};
	char buf[64], type[16];
	unsigned rights;
	uint64_t wseq;
	size_t n = 0, len = 0;
	void *data = NULL;
	bool yes;
	int rc;

	rc = pgt_setup(&st, conninfo, sizeof(conninfo));
	if (rc)
		return rc == 77 ? 0 : done_testing();
	is_errno(pg_commit(&st), 0, "commit the schema");

	/* ---- plans ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	plans();
	pg_plan_id(&st, "free", &free_plan);
	pg_plan_id(&st, "pro", &pro);

	/* ---- accounts ---- */
	ann = account_add("ann", "h1", free_plan, 1001, &rc);
	is_errno(rc, 0, "ann added: %s", st.errmsg);
	bob = account_add("bob", NULL, free_plan, -1, &rc);
	is_errno(rc, 0, "bob added");
	cat = account_add("cat", NULL, free_plan, -1, &rc);
	is_errno(rc, 0, "cat added");
	eve = account_add("eve", NULL, free_plan, -1, &rc);
	is_errno(rc, 0, "eve added");
	id = account_add("ann", NULL, free_plan, -1, &rc);
	is_errno(rc, -EEXIST, "a second ann: -EEXIST");
	is_int(id, -1, "*id untouched");
	dan = account_add("dan", NULL, free_plan, 1001, &rc);
	is_errno(rc, -EEXIST, "dan with ann's uid: -EEXIST");
	is_errno(pg_account_id(&st, "dan", &dan), 0,
		 "dan's row stays in the transaction, as with SQLite: %s",
		 st.errmsg);
	is_errno(pg_account_remove(&st, dan), 0, "dan removed");
	is_errno(pg_account_id(&st, "dan", &id), -ENOENT, "dan is gone");
	is_errno(pg_account_id(&st, "ann", &id), 0, "ann by name");
	is_int(id, ann, "her id");
	is_errno(pg_account_by_uid(&st, 1001, &id), 0, "ann by uid");
	is_int(id, ann, "her id");
	is_errno(pg_account_by_uid(&st, 1002, &id), -ENOENT, "uid 1002: none");
	is_errno(pg_account_set_uid(&st, bob, 1001), -EEXIST,
		 "ann's uid for bob: -EEXIST");
	is_errno(pg_account_set_uid(&st, ann, 1001), 0, "ann's own again");
	is_errno(pg_account_set_uid(&st, bob, 1002), 0, "bob bound to 1002");
	is_errno(pg_account_by_uid(&st, 1002, &id), 0, "found by it");
	is_int(id, bob, "bob");
	is_errno(pg_account_set_uid(&st, bob, -1), 0, "bob unbound");
	is_errno(pg_account_by_uid(&st, 1002, &id), -ENOENT, "1002: none");
	is_errno(pg_account_name(&st, ann, buf, sizeof(buf)), 0, "name");
	is_str(buf, "ann", "of ann");
	is_errno(pg_account_name(&st, 9999, buf, sizeof(buf)), -ENOENT,
		 "no account 9999");
	is_errno(pg_account_set_text(&st, ann, STORE_ACCOUNT_FIRST, "Anna"),
		 0, "first name set");
	is_errno(pg_account_set_text(&st, ann, STORE_ACCOUNT_EMAIL, "a@b.c"),
		 0, "email set");
	is_errno(pg_account_set_text(&st, ann, 1u << 30, "x"), -EINVAL,
		 "another field: -EINVAL");
	is_errno(pg_account_set_plan(&st, bob, pro), 0, "bob on pro");
	is_errno(pg_account_get(&st, ann, &acc), 0, "ann read");
	ok(acc.id == ann && strcmp(acc.first, "Anna") == 0 &&
	   strcmp(acc.last, "N") == 0 && strcmp(acc.org, "Org") == 0 &&
	   strcmp(acc.email, "a@b.c") == 0 && strcmp(acc.plan, "free") == 0 &&
	   acc.unix_uid == 1001 && acc.has_password && acc.created == 1000 &&
	   acc.photo_size == 0 && acc.photo_type[0] == '\0',
	   "every field: %s %s <%s> %s uid %lld", acc.first, acc.last,
	   acc.email, acc.plan, (long long)acc.unix_uid);
	is_errno(pg_account_get(&st, bob, &acc), 0, "bob read");
	ok(acc.unix_uid == -1 && !acc.has_password &&
	   strcmp(acc.plan, "pro") == 0, "no uid, no password, plan pro");
	is_errno(pg_account_get(&st, 9999, &acc), -ENOENT, "no 9999");
	{
		struct store_plan p;

		pg_plan_get(&st, "pro", &p);
		is_int(p.accounts, 1, "pro counts bob");
		pg_plan_get(&st, "free", &p);
		is_int(p.accounts, 3, "free counts ann, cat, eve");
	}
	is_errno(pg_plan_limits(&st, bob, &lim), 0, "bob's limits");
	ok(strcmp(lim.plan, "pro") == 0 && lim.max_groups == 6 &&
	   lim.max_members == 25 && lim.group_bytes == 10000 &&
	   lim.private_bytes == 20000, "pro's");
	is_errno(pg_plan_limits(&st, 9999, &lim), -ENOENT, "no account");

	is_errno(pg_account_set_photo(&st, ann, photo, sizeof(photo),
				      "image/png"), 0, "a photo");
	is_errno(pg_account_get(&st, ann, &acc), 0, "ann read");
	ok(acc.photo_size == sizeof(photo) &&
	   strcmp(acc.photo_type, "image/png") == 0, "its size and type");
	is_errno(pg_account_photo(&st, ann, &data, &len, type), 0, "read");
	ok(data && len == sizeof(photo) && memcmp(data, photo, len) == 0 &&
	   strcmp(type, "image/png") == 0, "byte for byte, NULs included");
	free(data);
	is_errno(pg_account_set_photo(&st, ann, NULL, 0, NULL), 0, "removed");
	is_errno(pg_account_photo(&st, ann, &data, &len, type), -ENOENT,
		 "no photo");
	ok(data == NULL, "*data NULL");
	is_errno(pg_account_set_pwhash(&st, bob, "h2"), 0, "bob's password");
	is_errno(pg_account_pwhash(&st, "bob", buf, sizeof(buf)), 0, "read");
	is_str(buf, "h2", "the hash");
	is_errno(pg_account_set_pwhash(&st, ann, NULL), 0, "ann's removed");
	is_errno(pg_account_pwhash(&st, "ann", buf, sizeof(buf)), -ENOENT,
		 "ann has none");
	is_errno(pg_account_pwhash(&st, "zed", buf, sizeof(buf)), -ENOENT,
		 "no zed");

	/* ---- groups (rows the group area makes) ---- */
	team = group_add("Team", "team");
	two = group_add("Two", "two");
	member_add(team, ann, 3);
	member_add(team, bob, 1);
	member_add(two, ann, 1);
	member_add(two, bob, 3);
	is_errno(pg_account_co_members(&st, ann, bob), 0, "ann, bob share");
	is_errno(pg_account_co_members(&st, ann, cat), -ENOENT,
		 "ann, cat do not");
	is_errno(pg_account_list(&st, true, 0, &av, &n), 0, "all accounts");
	ok(n == 4 && av && strcmp(av[0].username, "ann") == 0 &&
	   strcmp(av[3].username, "eve") == 0 && av[1].unix_uid == -1,
	   "four, by username (%zu)", n);
	free(av);
	is_errno(pg_account_list(&st, false, ann, &av, &n), 0, "ann's");
	ok(n == 2 && av && strcmp(av[0].username, "ann") == 0 &&
	   strcmp(av[1].username, "bob") == 0, "ann and bob (%zu)", n);
	free(av);
	is_errno(pg_account_list(&st, false, cat, &av, &n), 0, "cat's");
	ok(n == 1 && av && av[0].id == cat, "cat alone");
	free(av);
	is_errno(pg_account_admin_of(&st, ann, buf, sizeof(buf)), 0,
		 "ann administers");
	is_str(buf, "Team", "Team");
	is_errno(pg_account_admin_of(&st, cat, buf, sizeof(buf)), -ENOENT,
		 "cat administers nothing");

	/* ---- invitations ---- */
	is_errno(pg_invitation_add(&st, team, cat, ann, 100), 0,
		 "cat invited to Team");
	is_errno(pg_invitation_add(&st, team, cat, ann, 150), -EEXIST,
		 "again: -EEXIST");
	is_errno(pg_invitation_find(&st, team, cat), 0,
		 "found (the transaction goes on)");
	is_errno(pg_invitation_find(&st, two, cat), -ENOENT, "not to Two");
	is_errno(pg_invitation_resend(&st, team, cat, 200), 0, "resent");
	is_errno(pg_invitation_list_group(&st, team, &inv, &n), 0, "Team's");
	ok(n == 1 && inv && strcmp(inv[0].group, "Team") == 0 &&
	   strcmp(inv[0].username, "cat") == 0 &&
	   strcmp(inv[0].invited_by, "ann") == 0 && inv[0].created == 100 &&
	   inv[0].last_sent == 200 && inv[0].sent == 2,
	   "one: cat by ann, sent twice");
	free(inv);
	is_errno(pg_invitation_list_account(&st, bob, &inv, &n), 0, "bob's");
	ok(n == 0 && inv == NULL, "none");

	/* Private/invitations/ */
	csp = space_of(0, cat, &croot);
	gsp = space_of(team, 0, &groot);
	is_errno(pg_invitations_dir(&st, cat, &cdir), -ENOENT,
		 "cat has no invitations/ yet");
	is_errno(pg_invitations_unmade(&st, &ints, &n), 0, "unmade");
	ok(n == 1 && ints && ints[0] == csp, "cat's space lacks it");
	free(ints);
	cdir = node(csp, true, 0, croot, "invitations");
	node(csp, true, 0, croot, ".trash-info");
	is_errno(pg_invitations_dir(&st, cat, &id), 0, "now it has");
	is_int(id, cdir, "that folder");
	is_errno(pg_invitations_unmade(&st, &ints, &n), 0, "unmade");
	is_int((long long)n, 0, "none left");
	free(ints);
	is_errno(pg_space_root_if_private(&st, csp, &id), 0, "private root");
	is_int(id, croot, "cat's root");
	is_errno(pg_space_root_if_private(&st, gsp, &id), -ENOENT,
		 "a group's space is not private");
	is_errno(pg_private_owner(&st, csp, &id), 0, "owner");
	is_int(id, cat, "cat");
	is_errno(pg_private_owner(&st, gsp, &id), 0, "owner of a group's");
	is_int(id, 0, "none: 0");
	is_errno(pg_invitation_unfiled(&st, cat, &unf, &n), 0, "unfiled");
	ok(n == 1 && unf && unf[0].group == team &&
	   strcmp(unf[0].name, "Team") == 0, "Team's invitation");
	free(unf);
	f3 = node(csp, false, 0, cdir, "Team.txt");
	is_errno(pg_invitation_file_add(&st, f3, team, cat), 0, "its file");
	is_errno(pg_invitation_file_add(&st, f3, team, cat), -EEXIST,
		 "again: -EEXIST");
	is_int(pgt_one(&st, "SELECT gen FROM node WHERE id = $1", f3),
	       GEN_INVITATION,
	       "the node shows an invitation (the transaction goes on)");
	is_errno(pg_invitation_unfiled(&st, cat, &unf, &n), 0, "unfiled");
	ok(n == 0 && unf == NULL, "none");
	is_errno(pg_invitation_file_get(&st, f3, &file), 0, "the file");
	ok(strcmp(file.group, "Team") == 0 && strcmp(file.by, "ann") == 0 &&
	   strcmp(file.by_name, "Anna N") == 0 && file.created == 100 &&
	   file.last_sent == 200 && file.sent == 2 && file.description[0] == 0,
	   "shows Team, by %s (%s)", file.by, file.by_name);
	is_errno(pg_invitation_file_get(&st, croot, &file), -ENOENT,
		 "another node shows none");
	is_errno(pg_invitation_accept(&st, team, cat, 300), 0, "cat accepts");
	is_errno(pg_invitation_find(&st, team, cat), -ENOENT,
		 "the invitation went");
	is_errno(pg_account_co_members(&st, ann, cat), 0, "cat is a member");
	is_int(pgt_one(&st,
		       "SELECT joined FROM membership WHERE account_id = $1",
		       cat),
	       300, "since 300");
	is_errno(pg_invitation_file_get(&st, f3, &file), -ENOENT,
		 "its file shows nothing any more");
	is_errno(pg_invitation_add(&st, team, bob, ann, 400), 0,
		 "bob invited");
	is_errno(pg_invitation_accept(&st, team, bob, 400), -EEXIST,
		 "bob, a member already, accepts: -EEXIST");
	is_errno(pg_invitation_find(&st, team, bob), -ENOENT,
		 "the invitation went, as with SQLite");
	is_errno(pg_invitation_add(&st, two, cat, bob, 500), 0,
		 "cat invited to Two");
	is_errno(pg_invitation_remove(&st, two, cat), 0, "declined");
	is_errno(pg_invitation_remove(&st, two, cat), 0, "none: 0");
	is_errno(pg_invitation_list_account(&st, cat, &inv, &n), 0, "cat's");
	ok(n == 0, "none left");
	free(inv);
	is_errno(pg_commit(&st), 0, "everything above commits: %s",
		 st.errmsg);

	/* ---- rights ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	docs = node(gsp, true, 0, groot, "Documents");
	sub = node(gsp, true, 0, docs, "sub");
	f2 = node(gsp, false, 100, sub, "f.txt");
	is_errno(pg_acl_owner(&st, sub, STORE_RIGHT_ADD, &id), -ENOENT,
		 "no setting up to the top");
	gen = rights_gen();
	is_errno(pg_acl_add_default(&st, docs, STORE_RIGHT_ADD), 0,
		 "Documents' own setting");
	is_errno(pg_acl_add_default(&st, docs, STORE_RIGHT_ADD), -EEXIST,
		 "again: -EEXIST");
	ok(rights_gen() > gen,
	   "the rights generation moved (the transaction goes on)");
	is_errno(pg_acl_owner(&st, f2, STORE_RIGHT_ADD, &id), 0,
		 "the file's governing folder");
	is_int(id, docs, "Documents");
	is_errno(pg_acl_owner(&st, docs, STORE_RIGHT_ADD, &id), 0, "itself");
	is_int(id, docs, "Documents");
	is_errno(pg_acl_owner(&st, sub, STORE_RIGHT_DELETE, &id), -ENOENT,
		 "another right: none");
	yes = true;
	is_errno(pg_acl_all(&st, docs, STORE_RIGHT_ADD, &yes), 0, "all?");
	ok(!yes, "not for all members");
	yes = true;
	is_errno(pg_acl_grants(&st, docs, STORE_RIGHT_ADD, bob, &yes), 0,
		 "bob?");
	ok(!yes, "not bob");
	is_errno(pg_acl_grants(&st, sub, STORE_RIGHT_ADD, bob, &yes), -ENOENT,
		 "sub has no setting");
	{
		int64_t ids[] = {bob, cat, bob};

		is_errno(pg_acl_set(&st, docs, STORE_RIGHT_ADD, false, ids, 3),
			 0, "bob and cat named (bob twice)");
	}
	is_errno(pg_acl_grants(&st, docs, STORE_RIGHT_ADD, bob, &yes), 0,
		 "bob?");
	ok(yes, "granted");
	is_errno(pg_acl_grants(&st, docs, STORE_RIGHT_ADD, ann, &yes), 0,
		 "ann?");
	ok(!yes, "not named");
	is_errno(pg_acl_members(&st, docs, STORE_RIGHT_ADD, &names), 0,
		 "named members");
	ok(names.n == 2 && names.name && strcmp(names.name[0], "bob") == 0 &&
	   strcmp(names.name[1], "cat") == 0, "bob, cat (%zu)", names.n);
	free(names.name);
	names = (struct store_names){0};
	is_errno(pg_acl_set(&st, docs, STORE_RIGHT_ADD, true, NULL, 0), 0,
		 "for all members");
	is_errno(pg_acl_all(&st, docs, STORE_RIGHT_ADD, &yes), 0, "all?");
	ok(yes, "yes");
	is_errno(pg_acl_grants(&st, docs, STORE_RIGHT_ADD, eve, &yes), 0,
		 "eve?");
	ok(yes, "all members: the setting grants anyone asked about");
	is_errno(pg_acl_members(&st, docs, STORE_RIGHT_ADD, &names), 0,
		 "named");
	ok(names.n == 0 && names.name == NULL, "nobody");
	wseq = st.wseq;
	is_errno(pg_acl_clear(&st, docs, STORE_RIGHT_ADD), 0, "cleared");
	ok(st.wseq != wseq, "wseq moved");
	is_errno(pg_acl_owner(&st, f2, STORE_RIGHT_ADD, &id), -ENOENT,
		 "it inherits again: none");
	is_errno(pg_acl_clear(&st, docs, STORE_RIGHT_ADD), 0, "none: 0");

	/* ---- editors ---- */
	is_errno(pg_editor_missing(&st, docs, bob, &id), 0, "missing");
	is_int(id, 3, "bob edits none of Documents, sub, f.txt");
	{
		int64_t ids[] = {bob, bob};

		is_errno(pg_editors_set(&st, sub, false, ids, 2), 0,
			 "bob edits sub");
	}
	is_errno(pg_editor_has(&st, sub, bob), 0, "bob named on sub");
	is_errno(pg_editor_has(&st, docs, bob), -ENOENT, "not on Documents");
	is_errno(pg_editors_list(&st, sub, &names), 0, "sub's editors");
	ok(names.n == 1 && names.name && strcmp(names.name[0], "bob") == 0,
	   "bob");
	free(names.name);
	names = (struct store_names){0};
	is_errno(pg_editor_missing(&st, docs, bob, &id), 0, "missing");
	is_int(id, 2, "Documents and f.txt");
	is_errno(pg_editors_set(&st, docs, true, NULL, 0), 0,
		 "all members edit Documents");
	is_errno(pg_editor_missing(&st, docs, bob, &id), 0, "missing");
	is_int(id, 1, "f.txt");
	pg_run(&st, "UPDATE node SET creator = $1 WHERE id = $2", "ii", bob,
	       f2);
	is_errno(pg_editor_missing(&st, docs, bob, &id), 0, "missing");
	is_int(id, 0, "bob made f.txt: none");
	is_errno(pg_editor_missing(&st, docs, ann, &id), 0, "ann's");
	is_int(id, 2, "sub and f.txt");
	is_errno(pg_editors_set(&st, sub, false, NULL, 0), 0, "sub: nobody");
	is_errno(pg_editors_list(&st, sub, &names), 0, "sub's editors");
	ok(names.n == 0 && names.name == NULL, "none");

	/* ---- where a node is, a space's room ---- */
	is_errno(pg_node_group_name(&st, f2, buf, sizeof(buf)), 0, "group");
	is_str(buf, "Team", "of f.txt");
	is_errno(pg_node_group_name(&st, cdir, buf, sizeof(buf)), -ENOENT,
		 "a private space's node: -ENOENT");
	is_errno(pg_node_group_name(&st, 99999, buf, sizeof(buf)), -ENOENT,
		 "no node");
	is_errno(pg_space_root_is(&st, gsp, groot), 0, "the root");
	is_errno(pg_space_root_is(&st, gsp, docs), -ENOENT, "not the root");
	memset(&room, 0, sizeof(room));
	is_errno(pg_space_room(&st, gsp, &room), 0, "Team's room");
	ok(room.used == 100 && room.files == 2 && room.root == groot &&
	   room.drop_dir == groot + 1000 && room.capacity == 0 &&
	   room.hist == 0 && room.meta == 0,
	   "used %lld, files %lld (not the root's names), capacity %lld "
	   "(ann's plan, free)",
	   (long long)room.used, (long long)room.files,
	   (long long)room.capacity);
	pg_account_set_plan(&st, ann, pro);
	is_errno(pg_space_room(&st, gsp, &room), 0, "again");
	is_int(room.capacity, 10000, "the administrator's plan: pro's");
	is_errno(pg_space_room(&st, csp, &room), 0, "cat's room");
	is_int(room.capacity, 1000, "cat's plan's private bytes");
	is_errno(pg_space_room(&st, 99999, &room), -ENOENT, "no space");

	/* ---- calendar grants ---- */
	is_errno(pg_cal_grant_set(&st, ann, bob, 3, &links), 0, "ann to bob");
	is_int(links, 2, "held through Team and Two");
	is_errno(pg_cal_grant_rights(&st, ann, bob, &rights), 0, "rights");
	is_int(rights, 3, "3");
	is_errno(pg_cal_grant_set(&st, ann, bob, 5, &links), 0, "changed");
	is_int(links, 2, "still two links");
	is_errno(pg_cal_grant_rights(&st, ann, bob, &rights), 0, "rights");
	is_int(rights, 5, "5");
	is_errno(pg_cal_grant_set(&st, bob, ann, 1, &links), 0, "bob to ann");
	is_errno(pg_cal_grant_set(&st, ann, eve, 1, &links), 0,
		 "ann to eve, who shares no group");
	is_int(links, 0, "no link");
	is_errno(pg_cal_grant_rights(&st, ann, eve, &rights), -ENOENT,
		 "no link holds it");
	is_errno(pg_cal_grant_rights(&st, cat, bob, &rights), -ENOENT,
		 "no grant");
	is_errno(pg_cal_grant_list(&st, ann, &cg, &n), 0, "ann's grants");
	ok(n == 3 && cg && strcmp(cg[0].owner, "ann") == 0 &&
	   strcmp(cg[0].grantee, "bob") == 0 && cg[0].rights == 5 &&
	   cg[0].groups == 2 && strcmp(cg[1].grantee, "eve") == 0 &&
	   cg[1].groups == 0 && strcmp(cg[2].owner, "bob") == 0 &&
	   cg[2].rights == 1, "by owner then grantee (%zu)", n);
	free(cg);
	is_errno(pg_cal_grant_drop(&st, ann, bob), 0, "dropped");
	is_errno(pg_cal_grant_rights(&st, ann, bob, &rights), -ENOENT, "gone");
	is_errno(pg_cal_grant_drop(&st, ann, bob), 0, "none: 0");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- an account removed ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_account_remove(&st, cat), 0, "cat removed");
	is_errno(pg_private_owner(&st, csp, &id), -ENOENT,
		 "its private space went with it");
	is_errno(pg_commit(&st), 0, "commit");
	is_errno(pg_plan_list(&st, &pv, &n), 0, "read outside a transaction");
	is_int((long long)n, 2, "two plans");
	free(pv);

	pg_close(&st);
	pgt_cluster_stop();
	return done_testing();
}
