// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's groups, membership, PIM items, members/ and
 * mailbox calls (backend/pg/group.c, pim.c) on a throwaway cluster
 * (tests/pg/cluster.sh): the round trips the rules make (add then find,
 * list, change, remove), -ENOENT for no row, and -EEXIST for a taken
 * name, space or membership without aborting the transaction, as the
 * SQLite engine lets callers go on.  Skipped (TAP SKIP) only when the
 * PostgreSQL server binaries are absent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_support.h"
#include "pgdb.h"
#include "tap.h"

static char conninfo[256];

static struct shared sh = {.origin = 7, .hooks = &pgt_hooks};

static struct store st = {.sh = &sh};

static int64_t add_account(int64_t plan, const char *name)
{
	int64_t id = 0;

	if (pg_int(&st, &id,
		   "INSERT INTO account (username, first, last, email,"
		   " plan_id, created) VALUES ($1, upper($1), 'Doe',"
		   " $1 || '@example.org', $2, 100) RETURNING id",
		   "ti", name, plan))
		diag("add_account: %s", st.errmsg);
	return id;
}

/* A node of `space`: a folder or a regular file, with mtime and ctime. */
static int64_t add_node(int64_t space, bool dir, int64_t mtime,
			int64_t ctime)
{
	int64_t id = 0;

	if (pg_int(&st, &id,
		   "INSERT INTO node (space_id, tool, mode, atime, mtime,"
		   " ctime) VALUES ($1, 1, $2, 0, $3, $4) RETURNING id",
		   "iiii", space, (int64_t)(dir ? 040755 : 0100644), mtime,
		   ctime))
		diag("add_node: %s", st.errmsg);
	return id;
}

static int name_node(int64_t parent, const char *name, int64_t child)
{
	return pg_run(&st,
		      "INSERT INTO dirent (parent, name, child)"
		      " VALUES ($1, $2, $3)",
		      "iti", parent, name, child);
}

/* Groups, spaces and membership (pg/group.c). */
static void groups(int64_t plan)
{
	int64_t ann, bob, cy, gid, g2, v, space, space2, priv, d[6], node;
	struct meta_space_dirs dirs;
	struct store_group_settings set = {0};
	struct store_member *mem = NULL;
	struct grp g, *gl = NULL;
	char user[64], email[128];
	int64_t *ids = NULL;
	size_t n, i;
	int role;

	is_errno(pg_begin(&st, true), 0, "begin");
	ann = add_account(plan, "ann");
	bob = add_account(plan, "bob");
	cy = add_account(plan, "cy");

	is_errno(pg_group_add(&st, "Alpha", "alpha", 1000, &gid), 0,
		 "group_add: %s", st.errmsg);
	v = -1;
	is_errno(pg_group_add(&st, "ALPHA", "alpha", 1001, &v), -EEXIST,
		 "group_add of a taken key: -EEXIST");
	is_int(v, -1, "... *id untouched");
	is_errno(pg_group_id(&st, "alpha", &v), 0,
		 "the transaction goes on after -EEXIST: %s", st.errmsg);
	is_int(v, gid, "group_id finds it");
	is_errno(pg_group_id(&st, "nope", &v), -ENOENT, "group_id: -ENOENT");
	is_errno(pg_group_add(&st, "Beta", "beta", 1002, &g2), 0, "a second");

	is_errno(pg_space_add(&st, true, gid, &space), 0, "space_add: %s",
		 st.errmsg);
	v = -1;
	is_errno(pg_space_add(&st, true, gid, &v), -EEXIST,
		 "a second space for the group: -EEXIST");
	is_int(v, -1, "... *space untouched");
	is_errno(pg_space_add(&st, true, g2, &space2), 0,
		 "the transaction goes on: %s", st.errmsg);
	is_errno(pg_space_add(&st, false, ann, &priv), 0, "a private space");
	is_errno(pg_space_private(&st, ann, &v), 0, "space_private");
	is_int(v, priv, "... is ann's");
	is_errno(pg_space_private(&st, bob, &v), -ENOENT,
		 "bob has none: -ENOENT");
	for (i = 0; i < 6; i++)
		d[i] = add_node(space, true, 0, 0);
	dirs = (struct meta_space_dirs){d[0], d[1], d[2], d[3], d[4], d[5]};
	pg_run(&st, "UPDATE space SET files = 5 WHERE id = $1", "i", space);
	is_errno(pg_space_set_dirs(&st, space, &dirs), 0, "space_set_dirs");
	is_int(pgt_one(&st, "SELECT files FROM space WHERE id = $1", space), 0,
	       "... its entries' count to 0");
	is_int(pgt_one(&st, "SELECT members_dir FROM space WHERE id = $1",
		       space),
	       d[5], "... members/ set");
	is_errno(pg_space_drop_dir(&st, space, &v), 0, "space_drop_dir");
	is_int(v, d[4], "... drop/");
	is_errno(pg_space_drop_dir(&st, 99999, &v), -ENOENT, "no space");
	node = add_node(space, false, 0, 0);
	pg_run(&st, "UPDATE node SET size = 42 WHERE id = $1", "i", node);
	is_errno(pg_space_used(&st, space, &v), 0, "space_used");
	is_int(v, 42, "... counts the file's bytes");
	is_errno(pg_space_used(&st, 99999, &v), -ENOENT, "no space");

	set.published = 1;
	set.business = 1;
	set.open = 1;
	snprintf(set.description, sizeof(set.description), "the A team");
	snprintf(set.sector, sizeof(set.sector), "Retail");
	snprintf(set.language, sizeof(set.language), "fr");
	is_errno(pg_group_set_settings(&st, gid, &set), 0, "set_settings: %s",
		 st.errmsg);

	is_errno(pg_membership_add_admin(&st, gid, ann, 2000), 0, "add_admin");
	is_errno(pg_membership_add_admin(&st, gid, bob, 2000), -EEXIST,
		 "a second administrator: -EEXIST");
	is_errno(pg_membership_add_admin(&st, g2, bob, 2000), 0,
		 "the transaction goes on: %s", st.errmsg);
	pg_run(&st,
	       "INSERT INTO invitation (group_id, account_id, invited_by,"
	       " created, last_sent) VALUES ($1, $2, $3, 10, 10),"
	       " ($1, $4, $3, 11, 11)",
	       "iiii", gid, bob, ann, cy);
	is_errno(pg_group_headcount(&st, gid, &v), 0, "headcount");
	is_int(v, 3, "one member and two invitations");
	is_errno(pg_group_invitation_count(&st, gid, &v), 0, "invitations");
	is_int(v, 2, "two");
	is_errno(pg_membership_join(&st, gid, bob, 3000), 0, "bob joins");
	is_errno(pg_group_invitation_count(&st, gid, &v), 0, "invitations");
	is_int(v, 1, "bob's invitation is used up");
	is_errno(pg_membership_join(&st, gid, bob, 3001), -EEXIST,
		 "joining twice: -EEXIST");
	is_errno(pg_membership_role(&st, gid, bob, &role), 0,
		 "the transaction goes on: %s", st.errmsg);
	is_int(role, STORE_ROLE_MEMBER, "bob is a member");
	is_int(pgt_one(&st,
		       "SELECT joined FROM membership WHERE account_id = $1"
		       " AND group_id = (SELECT id FROM grp"
		       " WHERE name = 'Alpha')",
		       bob),
	       3000, "... since his first join");
	role = -1;
	is_errno(pg_membership_role(&st, gid, cy, &role), -ENOENT,
		 "cy is none: -ENOENT");
	is_int(role, -1, "... *role untouched");

	memset(&g, 0, sizeof(g));
	is_errno(pg_group_find(&st, "alpha", bob, &g), 0, "group_find: %s",
		 st.errmsg);
	ok(g.id == gid && g.space == space && strcmp(g.name, "Alpha") == 0,
	   "id, space and name");
	ok(g.s.published == 1 && g.s.business == 1 && g.s.open == 1 &&
		   g.s.members_published == 0,
	   "its flags");
	is_str(g.s.description, "the A team", "description");
	is_str(g.s.sector, "Retail", "sector");
	is_str(g.s.language, "fr", "language");
	is_int(g.created, 1000, "created");
	is_int(g.admin, ann, "its administrator");
	is_int(g.role, STORE_ROLE_MEMBER, "as bob sees it");
	is_errno(pg_group_find(&st, "alpha", cy, &g), 0, "as cy sees it");
	is_int(g.role, STORE_ROLE_NONE, "no role");
	is_errno(pg_group_find(&st, "gamma", ann, &g), -ENOENT,
		 "group_find: -ENOENT");

	is_errno(pg_group_list(&st, bob, true, &gl, &n), 0, "list all");
	ok(n == 2 && gl[0].id == gid && gl[1].id == g2, "both, by key");
	ok(n == 2 && gl[0].role == STORE_ROLE_MEMBER &&
		   gl[1].role == STORE_ROLE_ADMIN,
	   "with bob's roles");
	free(gl);
	is_errno(pg_group_list(&st, cy, false, &gl, &n), 0, "cy's groups");
	ok(n == 0 && gl == NULL, "none: NULL and 0");
	is_errno(pg_group_list(&st, ann, false, &gl, &n), 0, "ann's groups");
	ok(n == 1 && gl[0].id == gid && gl[0].role == STORE_ROLE_ADMIN,
	   "Alpha, administered");
	free(gl);
	is_errno(pg_group_search(&st, cy, "lph", 1, "rETAIL", "fr", &gl, &n),
		 0, "search: %s", st.errmsg);
	ok(n == 1 && gl[0].id == gid, "a substring of the key, the sector "
	   "in any case");
	free(gl);
	is_errno(pg_group_search(&st, cy, "", -1, "", "", &gl, &n), 0,
		 "search for anything");
	ok(n == 1 && gl[0].id == gid, "published groups only");
	free(gl);
	is_errno(pg_group_search(&st, cy, "", 0, "", "", &gl, &n), 0,
		 "search non-business");
	is_int((long long)n, 0, "none");
	free(gl);
	is_errno(pg_group_search(&st, cy, "", -1, "", "de", &gl, &n), 0,
		 "search in German");
	is_int((long long)n, 0, "none");
	free(gl);

	user[0] = '\0';
	is_errno(pg_group_admin_contact(&st, ann, user, sizeof(user), email,
					sizeof(email)),
		 0, "admin_contact");
	is_str(user, "ann", "user name");
	is_str(email, "ann@example.org", "email");
	is_errno(pg_group_admin_contact(&st, bob, NULL, 0, email,
					sizeof(email)),
		 0, "admin_contact without the user name");
	is_str(email, "bob@example.org", "email");
	is_errno(pg_group_admin_contact(&st, 99999, NULL, 0, email,
					sizeof(email)),
		 -ENOENT, "no such account");

	is_errno(pg_membership_join(&st, gid, cy, 4000), 0, "cy joins");
	is_errno(pg_membership_count(&st, gid, &v), 0, "count");
	is_int(v, 3, "three members");
	is_errno(pg_membership_admin_count(&st, bob, &v), 0, "admin_count");
	is_int(v, 1, "bob administers Beta");
	is_errno(pg_membership_set_role(&st, gid, cy, STORE_ROLE_COADMIN), 0,
		 "set_role");
	is_errno(pg_membership_list(&st, gid, &mem, &n), 0, "list: %s",
		 st.errmsg);
	ok(n == 3 && strcmp(mem[0].username, "ann") == 0 &&
		   strcmp(mem[1].username, "cy") == 0 &&
		   strcmp(mem[2].username, "bob") == 0,
	   "by role, then user name");
	ok(n == 3 && mem[0].role == STORE_ROLE_ADMIN &&
		   mem[1].role == STORE_ROLE_COADMIN && mem[2].joined == 3000,
	   "roles and joined");
	ok(n == 3 && strcmp(mem[1].first, "CY") == 0 &&
		   strcmp(mem[1].last, "Doe") == 0 &&
		   strcmp(mem[1].email, "cy@example.org") == 0,
	   "every field");
	free(mem);
	is_errno(pg_membership_others(&st, gid, &ids, &n), 0, "others");
	ok(n == 2 && ids[0] != ann && ids[1] != ann, "all but the admin");
	free(ids);
	is_errno(pg_membership_handover(&st, gid, ann, bob), 0, "handover");
	is_errno(pg_membership_role(&st, gid, ann, &role), 0, "ann");
	is_int(role, STORE_ROLE_MEMBER, "ann stays a member");
	is_errno(pg_membership_role(&st, gid, bob, &role), 0, "bob");
	is_int(role, STORE_ROLE_ADMIN, "bob administers");

	/* Rights granted to cy by name in the space, and elsewhere. */
	pg_run(&st, "INSERT INTO acl (node, perm) VALUES ($1, 1), ($2, 1)",
	       "ii", d[1], d[0]);
	pg_run(&st, "INSERT INTO acl_member (node, perm, account_id)"
	       " VALUES ($1, 1, $3), ($2, 1, $3)", "iii", d[1], d[0], cy);
	v = add_node(space2, false, 0, 0);
	pg_run(&st, "INSERT INTO acl (node, perm) VALUES ($1, 1)", "i", v);
	pg_run(&st, "INSERT INTO acl_member (node, perm, account_id)"
	       " VALUES ($1, 1, $2)", "ii", v, cy);
	pg_run(&st, "INSERT INTO editor (node, account_id) VALUES ($1, $3),"
	       " ($2, $3)", "iii", node, v, cy);
	is_errno(pg_membership_end(&st, gid, space, cy), 0, "cy leaves: %s",
		 st.errmsg);
	is_errno(pg_membership_role(&st, gid, cy, &role), -ENOENT,
		 "no member any more");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM acl_member WHERE account_id = $1",
		       cy),
	       1, "ACL entries in the space went, the other stays");
	is_int(pgt_one(&st, "SELECT count(*) FROM editor WHERE account_id = $1",
		       cy),
	       1, "editor rows likewise");

	/* Calendar grants: ann -> bob through Alpha and Beta, bob -> ann
	 * through Alpha only, ann -> cy through Alpha. */
	pg_run(&st, "INSERT INTO membership (group_id, account_id, role,"
	       " joined) VALUES ($1, $2, 1, 0)", "ii", g2, ann);
	pg_run(&st, "INSERT INTO cal_grant (owner_id, grantee_id, rights)"
	       " VALUES ($1, $2, 1), ($2, $1, 1), ($1, $3, 1)", "iii", ann,
	       bob, cy);
	pg_run(&st, "INSERT INTO cal_grant_via (owner_id, grantee_id,"
	       " group_id) VALUES ($1, $2, $3), ($1, $2, $4), ($2, $1, $3),"
	       " ($1, $5, $3)", "iiiii", ann, bob, gid, g2, cy);
	is_errno(pg_membership_grants_end(&st, gid, bob), 0, "grants_end: %s",
		 st.errmsg);
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM cal_grant WHERE owner_id = $1",
		       bob),
	       0, "bob's grant carried by Alpha alone went");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM cal_grant_via"
		       " WHERE grantee_id = $1",
		       bob),
	       1, "ann's to bob is left through Beta");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM cal_grant WHERE grantee_id = $1",
		       cy),
	       1, "cy's grant untouched");

	is_errno(pg_group_delete(&st, gid), 0, "group_delete: %s", st.errmsg);
	is_errno(pg_group_id(&st, "alpha", &v), -ENOENT, "the group is gone");
	is_int(pgt_one(&st, "SELECT count(*) FROM space WHERE id = $1", space),
	       0, "with its space");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM cal_grant WHERE grantee_id = $1",
		       cy),
	       0, "and the grant no group carries any more");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM cal_grant WHERE grantee_id = $1",
		       bob),
	       1, "a grant Beta carries stays");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);
	is_errno(pg_group_id(&st, "beta", &v), 0, "committed");
	is_int(v, g2, "Beta is there");
}

/* Items, members/ and the mailbox (pg/pim.c). */
static void pim(int64_t plan)
{
	unsigned char u1[META_UID_BYTES], u2[META_UID_BYTES];
	int64_t ann, bob, gid, space, priv, dir, cal, f1, f2, f3, v, parent;
	unsigned char photo[5] = {0xff, 0xd8, 0, 1, 2};
	struct meta_space_account *sa = NULL;
	struct meta_calendar_stamp stamp;
	struct store_account acct;
	struct store_letter let;
	struct meta_item *items = NULL;
	int64_t *ids = NULL;
	char name[256], *data = NULL;
	void *ph = NULL;
	size_t n, len;
	int64_t gen0;

	memset(u1, 1, sizeof(u1));
	memset(u2, 2, sizeof(u2));
	is_errno(pg_begin(&st, true), 0, "begin");
	ann = add_account(plan, "dee");
	bob = add_account(plan, "eve");
	pg_group_add(&st, "Gamma", "gamma", 5, &gid);
	pg_space_add(&st, true, gid, &space);
	pg_space_add(&st, false, ann, &priv);
	pg_membership_add_admin(&st, gid, ann, 6);
	dir = add_node(space, true, 0, 0);
	f1 = add_node(space, false, 0, 0);
	f2 = add_node(space, false, 0, 0);
	f3 = add_node(space, false, 0, 0);
	name_node(dir, "a.ics", f1);
	name_node(dir, "B.ICS", f2);
	name_node(dir, "c.txt", f3);

	/* ---- items ---- */
	is_errno(pg_item_claim(&st, f1, dir, u1, 1), 0, "claim: %s",
		 st.errmsg);
	is_errno(pg_item_uid_taken(&st, dir, u1, f2, 0, name, sizeof(name)),
		 0, "uid_taken");
	is_str(name, "a.ics", "by a.ics");
	is_errno(pg_item_uid_taken(&st, dir, u1, f1, 0, name, sizeof(name)),
		 -ENOENT, "not by the item itself");
	is_errno(pg_item_uid_taken(&st, dir, u1, 0, f1, name, sizeof(name)),
		 -ENOENT, "nor by the one replaced");
	is_errno(pg_item_find_uid(&st, dir, u1, name, sizeof(name)), 0,
		 "find_uid");
	is_str(name, "a.ics", "a.ics");
	is_errno(pg_item_claim(&st, f2, dir, u1, 1), 0,
		 "another item claims the UID: %s", st.errmsg);
	is_errno(pg_item_find_uid(&st, dir, u1, name, sizeof(name)), 0,
		 "find_uid");
	is_str(name, "B.ICS", "the UID moved; .ICS matches as SQLite's LIKE");
	is_int(pgt_one(&st, "SELECT count(*) FROM item WHERE node = $1", f1), 0,
	       "the first lost its row with it");
	is_errno(pg_item_claim(&st, f1, dir, u2, 2), 0, "claim again");
	is_errno(pg_item_claim(&st, f1, dir, u2, 2), 0,
		 "the same claim twice replaces");
	is_errno(pg_item_claim(&st, f3, dir, u2, 1), 0, "c.txt takes u2");
	is_errno(pg_item_find_uid(&st, dir, u2, name, sizeof(name)), -ENOENT,
		 "find_uid only finds .ics and .vcf");
	is_errno(pg_item_claim(&st, f3, dir, NULL, 1), 0, "no UID: %s",
		 st.errmsg);
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM item WHERE node = $1 AND uid IS"
		       " NULL",
		       f3),
	       1, "its row replaced, without a UID");
	is_errno(pg_item_claim(&st, f1, dir, u2, 2), 0, "f1 takes u2 back");
	is_errno(pg_item_list(&st, dir, &items, &n), 0, "item_list");
	ok(n == 3 && strcmp(items[0].name, "B.ICS") == 0 &&
		   items[0].ino == f2 && strcmp(items[1].name, "a.ics") == 0 &&
		   strcmp(items[2].name, "c.txt") == 0,
	   "by name, bytewise");
	free(items);
	is_errno(pg_item_nodes(&st, dir, 1, &ids, &n), 0, "item_nodes");
	ok(n == 2 && ids[0] == f2 && ids[1] == f3, "kind 1, by node");
	free(ids);
	is_errno(pg_item_release(&st, f3), 0, "release");
	is_errno(pg_item_release(&st, f3), 0, "again: no row is 0");
	is_errno(pg_item_nodes(&st, dir, 1, &ids, &n), 0, "item_nodes");
	ok(n == 1 && ids[0] == f2, "f2 alone");
	free(ids);

	/* ---- members/ ---- */
	is_errno(pg_member_dir(&st, space, &v), 0, "member_dir");
	is_int(v, 0, "none yet");
	is_errno(pg_member_dir(&st, 99999, &v), -ENOENT, "no such space");
	pg_run(&st, "UPDATE space SET members_dir = $1 WHERE id = $2", "ii",
	       dir, space);
	is_errno(pg_member_missing(&st, &sa, &n), 0, "member_missing");
	ok(n == 1 && sa[0].space == space && sa[0].account == ann,
	   "dee has no entry");
	free(sa);
	name_node(dir, "dee", add_node(space, true, 0, 0));
	is_errno(pg_member_missing(&st, &sa, &n), 0, "member_missing");
	ok(n == 0 && sa == NULL, "none missing");
	is_errno(pg_member_mark(&st, f1, 5), 0, "member_mark");
	is_int(pgt_one(&st, "SELECT gen FROM node WHERE id = $1", f1), 5,
	       "gen set");
	cal = add_node(priv, true, 50, 50);
	pg_run(&st, "UPDATE space SET calendar = $1 WHERE id = $2", "ii", cal,
	       priv);
	is_errno(pg_member_calendar(&st, ann, &v), 0, "member_calendar");
	is_int(v, cal, "the private space's calendar");
	is_errno(pg_member_calendar(&st, bob, &v), -ENOENT, "eve has none");
	is_errno(pg_member_calendar_stamp(&st, cal, &stamp), 0, "stamp");
	ok(stamp.mtime == 50 && stamp.max_mtime == 0 && stamp.max_ctime == 0 &&
		   stamp.count == 0,
	   "an empty folder");
	name_node(cal, "x.ics", add_node(priv, false, 70, 90));
	name_node(cal, "y.ics", add_node(priv, false, 80, 60));
	is_errno(pg_member_calendar_stamp(&st, cal, &stamp), 0, "stamp");
	ok(stamp.mtime == 50 && stamp.max_mtime == 80 &&
		   stamp.max_ctime == 90 && stamp.count == 2,
	   "two entries: %lld %lld %lld %lld", (long long)stamp.mtime,
	   (long long)stamp.max_mtime, (long long)stamp.max_ctime,
	   (long long)stamp.count);
	is_errno(pg_member_calendar_stamp(&st, 99999, &stamp), 0,
		 "stamp of no node: never -ENOENT");
	is_errno(pg_member_calendar_mtime(&st, cal, &v), 0, "calendar_mtime");
	is_int(v, 80, "its entries' latest");
	pg_run(&st, "UPDATE node SET mtime = 100 WHERE id = $1", "i", cal);
	is_errno(pg_member_calendar_mtime(&st, cal, &v), 0, "calendar_mtime");
	is_int(v, 100, "the folder's own when later");
	is_errno(pg_member_calendar_mtime(&st, 99999, &v), -ENOENT,
		 "no such node");

	is_errno(pg_member_photo_type(&st, ann, name, sizeof(name)), 0,
		 "photo_type");
	is_str(name, "", "none");
	is_errno(pg_member_photo_type(&st, 99999, name, sizeof(name)),
		 -ENOENT, "no such account");
	is_errno(pg_member_email(&st, bob, name, sizeof(name)), 0, "email");
	is_str(name, "eve@example.org", "eve's");
	is_errno(pg_member_photo(&st, ann, &data, &len), -ENOENT,
		 "no photo: -ENOENT");
	ok(data == NULL, "... *data NULL");
	memset(&acct, 0, sizeof(acct));
	acct.unix_uid = 77;
	is_errno(pg_member_card(&st, ann, &acct, &ph, &len), 0, "card");
	ok(ph == NULL && len == 0, "no photo");
	pg_run(&st, "UPDATE account SET photo = $1, photo_type = 'image/jpeg',"
	       " org = 'Acme' WHERE id = $2", "bi", photo, sizeof(photo), ann);
	is_errno(pg_member_card(&st, ann, &acct, &ph, &len), 0, "card");
	is_str(acct.username, "dee", "username");
	is_str(acct.first, "DEE", "first");
	is_str(acct.org, "Acme", "org");
	is_str(acct.email, "dee@example.org", "email");
	is_str(acct.photo_type, "image/jpeg", "photo type");
	is_int(acct.unix_uid, 77, "other fields untouched");
	ok(len == sizeof(photo) && ph && memcmp(ph, photo, len) == 0,
	   "the photo, byte for byte");
	free(ph);
	is_errno(pg_member_card(&st, 99999, &acct, &ph, &len), -ENOENT,
		 "no such account");
	is_errno(pg_member_photo(&st, ann, &data, &len), 0, "photo");
	ok(len == sizeof(photo) && data && memcmp(data, photo, len) == 0,
	   "byte for byte");
	free(data);

	/* ---- mail/ ---- */
	is_errno(pg_mail_missing(&st, &sa, &n), 0, "mail_missing");
	for (len = 0, v = 0; len < n; len++)
		if (sa[len].space == space && sa[len].account == ann)
			v = 1;
	ok(v == 1, "Gamma has no mail/, with dee its administrator");
	free(sa);
	is_errno(pg_mail_root(&st, space, &v), 0, "mail_root");
	is_int(v, 0, "none made");
	is_errno(pg_mail_root(&st, 99999, &v), -ENOENT, "no such space");
	is_errno(pg_mail_root_set(&st, space, dir), 0, "mail_root_set");
	is_errno(pg_mail_root(&st, space, &v), 0, "mail_root");
	is_int(v, dir, "recorded");
	is_errno(pg_mail_missing(&st, &sa, &n), 0, "mail_missing");
	for (len = 0, v = 0; len < n; len++)
		v += sa[len].space == space;
	is_int(v, 0, "Gamma is not missing any more");
	free(sa);
	pg_rights_gen(&st, &gen0);
	is_errno(pg_mail_acl_members(&st, dir, 2), 0, "mail_acl_members");
	is_int(pgt_one(&st,
		       "SELECT all_members FROM acl WHERE node = $1"
		       " AND perm = 2",
		       dir),
	       1, "every member holds it");
	is_errno(pg_rights_gen(&st, &v), 0, "rights_gen");
	ok(v > gen0, "the rights generation moved");
	is_errno(pg_mail_entry(&st, f2, &parent, name, sizeof(name)), 0,
		 "mail_entry");
	ok(parent == dir && strcmp(name, "B.ICS") == 0, "its folder and name");
	is_errno(pg_mail_entry(&st, cal, &parent, name, sizeof(name)),
		 -ENOENT, "a node without a name");

	is_errno(pg_mail_address_set(&st, gid, "Team@Example.org"), 0,
		 "address_set: %s", st.errmsg);
	is_errno(pg_mail_address_get(&st, gid, name, sizeof(name)), 0, "get");
	is_str(name, "Team@Example.org", "as given");
	is_errno(pg_mail_address_owner(&st, "team@EXAMPLE.org", &v), 0,
		 "owner, in any case (SQLite: NOCASE)");
	is_int(v, gid, "Gamma");
	is_errno(pg_mail_address_group(&st, "TEAM@example.ORG", name,
				       sizeof(name)),
		 0, "address_group");
	is_str(name, "Gamma", "its name");
	is_errno(pg_mail_address_set(&st, gid, "gamma@example.org"), 0,
		 "a new address replaces");
	is_errno(pg_mail_address_owner(&st, "team@example.org", &v), -ENOENT,
		 "the old one is nobody's");
	{
		int64_t g3, s3;

		pg_group_add(&st, "Delta", "delta", 5, &g3);
		pg_space_add(&st, true, g3, &s3);
		is_errno(pg_mail_address_set(&st, g3, "GAMMA@example.org"), 0,
			 "another group takes the address: %s", st.errmsg);
		is_errno(pg_mail_address_owner(&st, "gamma@example.org", &v),
			 0, "owner");
		is_int(v, g3, "Delta's now");
		is_errno(pg_mail_address_get(&st, gid, name, sizeof(name)),
			 -ENOENT, "Gamma lost it");
		is_errno(pg_mail_address_del(&st, g3), 0, "address_del");
		is_errno(pg_mail_address_get(&st, g3, name, sizeof(name)),
			 -ENOENT, "Delta has none");
		is_errno(pg_mail_address_del(&st, g3), 0, "none: 0");
	}

	is_errno(pg_mail_config_get(&st, "from", name, sizeof(name)), -ENOENT,
		 "config not set");
	is_errno(pg_mail_config_set(&st, "from", "a@b"), 0, "config_set");
	is_errno(pg_mail_config_set(&st, "from", "c@d"), 0, "set again: %s",
		 st.errmsg);
	is_errno(pg_mail_config_get(&st, "from", name, sizeof(name)), 0,
		 "config_get");
	is_str(name, "c@d", "the last value");
	is_errno(pg_mail_config_del(&st, "from"), 0, "config_del");
	is_errno(pg_mail_config_get(&st, "from", name, sizeof(name)), -ENOENT,
		 "unset");
	is_errno(pg_mail_config_del(&st, "from"), 0, "not set: 0");

	is_errno(pg_mail_letter(&st, gid, bob, &let), -ENOENT,
		 "no invitation: -ENOENT");
	pg_run(&st,
	       "INSERT INTO invitation (group_id, account_id, invited_by,"
	       " created, last_sent, sent) VALUES ($1, $2, $3, 500, 600, 2)",
	       "iii", gid, bob, ann);
	memset(&let, 0, sizeof(let));
	let.group[0] = 'X';
	is_errno(pg_mail_letter(&st, gid, bob, &let), 0, "mail_letter: %s",
		 st.errmsg);
	is_str(let.to, "eve@example.org", "to");
	is_str(let.invitee, "eve", "invitee");
	is_str(let.inviter, "dee", "inviter");
	is_str(let.inviter_name, "DEE Doe", "inviter's name");
	ok(let.created == 500 && let.sent == 2, "created and sent");
	ok(let.group[0] == 'X', "other fields untouched");
	pg_run(&st, "UPDATE invitation SET invited_by = NULL", "");
	is_errno(pg_mail_letter(&st, gid, bob, &let), 0, "mail_letter");
	ok(let.inviter[0] == '\0' && let.inviter_name[0] == '\0',
	   "the inviter gone: \"\"");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);
}

int main(void)
{
	int64_t plan = 0;
	int rc;

	rc = pgt_setup(&st, conninfo, sizeof(conninfo));
	if (rc)
		return rc == 77 ? 0 : done_testing();
	is_errno(pg_int(&st, &plan,
			"INSERT INTO plan (name, max_groups, max_members,"
			" group_bytes, private_bytes) VALUES ('p', 9, 9,"
			" 1000, 1000) RETURNING id",
			""),
		 0, "a plan");
	is_errno(pg_commit(&st), 0, "commit");

	groups(plan);
	pim(plan);

	pg_close(&st);
	pgt_cluster_stop();
	return done_testing();
}
