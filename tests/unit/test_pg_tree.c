// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's tree and mounted-tree calls (backend/pg/tree.c,
 * vfs.c) on a throwaway cluster (tests/pg/cluster.sh): the round trips the
 * rules make (add then find, list, change, remove), their -ENOENT, and the
 * -EEXIST of a name taken that leaves the transaction going on, as SQLite
 * does.  Skipped (TAP SKIP) only when the server binaries are absent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg_support.h"
#include "pgdb.h"
#include "tap.h"

#define ORIGIN 4242

static char conninfo[256];

static struct shared sh = {.origin = ORIGIN, .hooks = &pgt_hooks,
			   .fast_commit = true};

static struct store st = {.sh = &sh};

/* A node of `space` through pg_node_add. */
static int64_t node(int64_t space, int tool, uint32_t mode, int64_t creator,
		    int64_t t)
{
	static const unsigned char cid[16] = {1, 2, 3};
	struct meta_node_new n = {
		.space = space, .tool = tool, .mode = mode,
		.nlink = S_ISDIR(mode) ? 2 : 1, .creator = creator,
		.time_ns = t, .cid = cid, .cid_len = S_ISREG(mode) ? 16 : 0,
		.cipher = 1,
	};
	int64_t ino = 0;

	if (pg_node_add(&st, &n, &ino))
		diag("node_add: %s", st.errmsg);
	return ino;
}

/* Whether daemons[] holds one with this pid and liveness. */
static bool daemon_is(const struct meta_daemon *d, size_t n, int64_t pid,
		      int alive)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].pid == pid && d[i].alive == alive)
			return true;
	return false;
}

static void texts_free(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

static void dirents_free(struct meta_dirent *v, size_t n)
{
	while (n)
		free(v[--n].name);
	free(v);
}

int main(void)
{
	int64_t plan, ann, bob, pspace, gspace, grp, proot, pdocs, pcal;
	int64_t groot, gdocs, f1, f2, f3, d1, v, v2, gen, id, seq;
	struct meta_dirent *ents = NULL;
	struct meta_link link, *links = NULL;
	struct meta_change *ch = NULL;
	struct node_info info;
	struct store_attr attr;
	unsigned char val[4] = {9, 0, 8, 7}, back[8];
	unsigned char hash1[32] = {1}, hash2[32] = {2};
	char **texts = NULL, name[256], small[4], *t = NULL;
	struct meta_daemon *daemons = NULL;
	size_t n, len;
	bool b;
	int rc;

	rc = pgt_setup(&st, conninfo, sizeof(conninfo));
	if (rc)
		return rc == 77 ? 0 : done_testing();
	is_errno(pg_commit(&st), 0, "commit the schema");

	/* ---- accounts, spaces, a group ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	pg_int(&st, &plan, "INSERT INTO plan (name, max_groups, max_members,"
	       " group_bytes, private_bytes) VALUES ('p', 9, 9, 1000000,"
	       " 1000000) RETURNING id", "");
	pg_int(&st, &ann, "INSERT INTO account (username, first, last, email,"
	       " plan_id, created, unix_uid) VALUES ('ann', 'A', 'N', 'a@x',"
	       " $1, 0, 1234) RETURNING id", "i", plan);
	pg_int(&st, &bob, "INSERT INTO account (username, first, last, email,"
	       " plan_id, created) VALUES ('bob', 'B', 'O', 'b@x', $1, 0)"
	       " RETURNING id", "i", plan);
	pg_int(&st, &pspace, "INSERT INTO space (account_id) VALUES ($1)"
	       " RETURNING id", "i", ann);
	pg_int(&st, &grp, "INSERT INTO grp (name, name_key, created) VALUES"
	       " ('Team', 'team', 0) RETURNING id", "");
	pg_int(&st, &gspace, "INSERT INTO space (group_id) VALUES ($1)"
	       " RETURNING id", "i", grp);
	pg_run(&st, "INSERT INTO membership (group_id, account_id, role,"
	       " joined) VALUES ($1, $2, 3, 0)", "ii", grp, ann);
	proot = node(pspace, 0, S_IFDIR | 0755, 0, 10);
	pdocs = node(pspace, 1, S_IFDIR | 0755, 0, 10);
	pcal = node(pspace, 2, S_IFDIR | 0755, 0, 10);
	groot = node(gspace, 0, S_IFDIR | 0755, 0, 10);
	gdocs = node(gspace, 1, S_IFDIR | 0755, 0, 10);
	ok(proot > 1 && pdocs > proot && gdocs > groot,
	   "node_add: new ids, never the root's (%lld)", (long long)proot);
	pg_run(&st, "UPDATE space SET root = $1, documents = $2, calendar = $3"
	       " WHERE id = $4", "iiii", proot, pdocs, pcal, pspace);
	pg_run(&st, "UPDATE space SET root = $1, documents = $2 WHERE id = $3",
	       "iii", groot, gdocs, gspace);
	is_errno(pg_dirent_add(&st, proot, "Documents", pdocs), 0,
		 "dirent_add: %s", st.errmsg);
	is_errno(pg_dirent_add(&st, proot, "Calendar", pcal), 0, "dirent_add");
	is_errno(pg_dirent_add(&st, groot, "Documents", gdocs), 0,
		 "dirent_add");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- nodes ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	f1 = node(gspace, 1, S_IFREG | 0644, ann, 100);
	is_errno(pg_node_get(&st, f1, &info), 0, "node_get");
	ok(info.ino == f1 && info.space == gspace && info.parent == 0 &&
	   info.tool == 1 && info.mode == (S_IFREG | 0644) &&
	   info.creator == ann && info.nlink == 1 && !info.editors_all &&
	   info.held == 0, "node_get: its row, no folder yet");
	ok(info.kind == SPACE_GROUP && info.group == grp &&
	   info.space_root == groot, "node_get: its group space");
	is_errno(pg_node_get(&st, pdocs, &info), 0, "node_get");
	ok(info.kind == SPACE_PRIVATE && info.owner == ann &&
	   info.parent == proot, "node_get: a private space's, named");
	is_errno(pg_node_get(&st, 999999, &info), -ENOENT,
		 "node_get: no such node");
	is_errno(pg_node_attr(&st, f1, &attr), 0, "node_attr");
	ok(attr.ino == (uint64_t)f1 && attr.uid == 1234 &&
	   attr.mtime_ns == 100 && attr.atime_ns == 100 &&
	   attr.ctime_ns == 100 && attr.nlink == 1,
	   "node_attr: times and the creator's uid");
	is_errno(pg_node_attr(&st, gdocs, &attr), 0, "node_attr");
	is_int(attr.uid, -1, "node_attr: no creator, uid -1");
	is_errno(pg_node_attr(&st, 999999, &attr), -ENOENT, "node_attr: none");
	v = -1;
	is_errno(pg_node_creator(&st, f1, &v), 0, "node_creator");
	is_int(v, ann, "its creator");
	is_errno(pg_node_creator(&st, gdocs, &v), 0, "node_creator");
	is_int(v, 0, "none: 0");
	is_errno(pg_node_touch_dir(&st, gdocs, 1, 500), 0, "node_touch_dir");
	pg_node_attr(&st, gdocs, &attr);
	ok(attr.nlink == 3 && attr.mtime_ns == 500 && attr.ctime_ns == 500,
	   "touch_dir: nlink and times");
	is_errno(pg_node_touch_dir(&st, gdocs, -1, 600), 0, "node_touch_dir");
	pg_node_attr(&st, gdocs, &attr);
	is_int(attr.nlink, 2, "touch_dir: nlink down");
	is_errno(pg_node_set_ctime(&st, f1, 700), 0, "node_set_ctime");
	pg_node_attr(&st, f1, &attr);
	is_int(attr.ctime_ns, 700, "ctime set");

	/* ---- names ---- */
	is_errno(pg_dirent_add(&st, gdocs, "a.txt", f1), 0, "dirent_add");
	is_errno(pg_dirent_add(&st, gdocs, "a.txt", f1), -EEXIST,
		 "dirent_add of a name taken: -EEXIST");
	ok(strstr(st.errmsg, "a.txt") != NULL, "the message names it: %s",
	   st.errmsg);
	is_errno(pg_dirent_find(&st, gdocs, "a.txt", &v), 0,
		 "the transaction goes on after -EEXIST");
	is_int(v, f1, "dirent_find");
	is_errno(pg_dirent_find(&st, gdocs, "A.txt", &v), -ENOENT,
		 "dirent_find: names are case-sensitive");
	{
		struct node_info byname, byid;

		v = 0;
		is_errno(pg_dirent_find_node(&st, gdocs, "a.txt", &v, &byname),
			 0, "dirent_find_node");
		is_int(v, f1, "  the child");
		is_errno(pg_node_get(&st, f1, &byid), 0, "node_get");
		ok(memcmp(&byname, &byid, sizeof(byid)) == 0,
		   "  and its node as node_get gives it, attributes too");
		ok(byname.attr && byname.ino == f1,
		   "  (with its attributes: node_info.attr)");
		is_errno(pg_dirent_find_node(&st, gdocs, "A.txt", &v, &byname),
			 -ENOENT, "dirent_find_node of no such name");
	}
	{
		struct node_info folder, byid, child;

		v = -1;
		is_errno(pg_dirent_find_pair(&st, gdocs, "a.txt", &folder, &v,
					     &child),
			 0, "dirent_find_pair");
		is_errno(pg_node_get(&st, gdocs, &byid), 0, "node_get");
		ok(memcmp(&folder, &byid, sizeof(byid)) == 0,
		   "  the folder as node_get gives it");
		is_errno(pg_node_get(&st, f1, &byid), 0, "node_get");
		ok(v == f1 && memcmp(&child, &byid, sizeof(byid)) == 0,
		   "  the child and its node as node_get gives it");
		v = -1;
		is_errno(pg_dirent_find_pair(&st, gdocs, "A.txt", &folder, &v,
					     &child),
			 0, "dirent_find_pair of no such name");
		ok(v == 0 && folder.ino == gdocs,
		   "  the folder, and child 0");
		is_errno(pg_dirent_find_pair(&st, 999999, "a.txt", &folder, &v,
					     &child),
			 -ENOENT, "dirent_find_pair of no such folder");
	}
	{
		static const unsigned char cid[16] = {4, 5, 6};
		struct meta_node_new nn = {
			.space = gspace, .tool = 1, .mode = S_IFREG | 0640,
			.nlink = 1, .creator = bob, .time_ns = 800,
			.cid = cid, .cid_len = 16, .cipher = 1,
		};
		struct node_info made, byid;
		struct room before, after;
		bool has = false;
		int64_t made_id = 0, files;

		is_errno(pg_space_room(&st, gspace, &before), 0, "space_room");
		files = before.files;
		memset(&before, 0, sizeof(before));
		is_errno(pg_node_add_named(&st, &nn, gdocs, "named.txt", 1,
					   &made_id, &made, &before, &has),
			 0, "node_add_named");
		is_errno(pg_space_room(&st, gspace, &after), 0, "space_room");
		ok(has && before.files == files && after.files == files + 1 &&
			   before.capacity == after.capacity &&
			   before.capacity > 0 && before.root == after.root,
		   "  the room before the name counted (%lld, now %lld)",
		   (long long)before.files, (long long)after.files);
		is_errno(pg_node_get(&st, made_id, &byid), 0, "  node_get of it");
		ok(memcmp(&made, &byid, sizeof(byid)) == 0 &&
			   made.parent == gdocs && made.creator == bob &&
			   made.mtime_ns == 800,
		   "  its node as node_get gives it");
		is_errno(pg_dirent_find(&st, gdocs, "named.txt", &v), 0,
			 "  named in its folder");
		is_int(v, made_id, "  by that name");
		pg_node_attr(&st, gdocs, &attr);
		ok(attr.nlink == 3 && attr.mtime_ns == 800 &&
			   attr.ctime_ns == 800,
		   "  the folder's nlink and times moved");
		nn.time_ns = 900;
		is_errno(pg_node_add_named(&st, &nn, gdocs, "named.txt", -1,
					   &made_id, &made, &before, &has),
			 -EEXIST, "node_add_named of a name taken: -EEXIST");
		ok(strstr(st.errmsg, "named.txt") != NULL,
		   "  the message names it: %s", st.errmsg);
		pg_node_attr(&st, gdocs, &attr);
		ok(attr.nlink == 3 && attr.mtime_ns == 800,
		   "  the folder did not change");
		is_errno(pg_dirent_find(&st, gdocs, "named.txt", &v), 0,
			 "  the name still leads");
		is_int(v, byid.ino, "  to the first node");
		is_errno(pg_dirent_del(&st, gdocs, "named.txt"), 0,
			 "  (its name goes again)");
		pg_node_touch_dir(&st, gdocs, -1, 800);
	}
	d1 = node(gspace, 1, S_IFDIR | 0755, bob, 200);
	is_errno(pg_dirent_add(&st, gdocs, "sub", d1), 0, "a folder");
	f2 = node(gspace, 1, S_IFREG | 0600, ann, 300);
	is_errno(pg_dirent_add(&st, d1, "b", f2), 0, "a file in it");
	is_errno(pg_dirent_add(&st, gdocs, "b-link", f2), 0,
		 "a second name");
	is_errno(pg_dirent_parent(&st, d1, &v), 0, "dirent_parent");
	is_int(v, gdocs, "its folder");
	is_errno(pg_dirent_parent(&st, groot, &v), -ENOENT,
		 "dirent_parent: no name");
	is_errno(pg_dirent_up(&st, d1, &v, name, sizeof(name)), 0,
		 "dirent_up");
	ok(v == gdocs && strcmp(name, "sub") == 0, "dirent_up: %s", name);
	v = -5;
	is_errno(pg_dirent_up(&st, d1, &v, small, 3), -ENAMETOOLONG,
		 "dirent_up: a name too long for the buffer");
	is_int(v, -5, "parent untouched on error");
	is_errno(pg_dirent_up(&st, groot, &v, name, sizeof(name)), -ENOENT,
		 "dirent_up: none");
	is_errno(pg_dirent_first(&st, f2, &v, name, sizeof(name)), 0,
		 "dirent_first");
	ok(v == (gdocs < d1 ? gdocs : d1) &&
	   strcmp(name, gdocs < d1 ? "b-link" : "b") == 0,
	   "dirent_first: the folder of lowest id (%lld %s)", (long long)v,
	   name);
	is_errno(pg_dirent_first(&st, f2, NULL, name, sizeof(name)), 0,
		 "dirent_first without parent");
	is_str(name, gdocs < d1 ? "b-link" : "b", "the same name");
	is_errno(pg_dirent_first(&st, groot, NULL, name, sizeof(name)),
		 -ENOENT, "dirent_first: none");
	b = false;
	is_errno(pg_dirent_reaches(&st, f2, groot, &b), 0, "dirent_reaches");
	ok(b, "a file reaches its space's root");
	is_errno(pg_dirent_reaches(&st, f2, f2, &b), 0, "dirent_reaches");
	ok(b, "a node reaches itself");
	is_errno(pg_dirent_reaches(&st, gdocs, d1, &b), 0, "dirent_reaches");
	ok(!b, "a folder does not reach its child");
	v = -1;
	is_errno(pg_dirent_newest(&st, d1, &v), 0, "dirent_newest");
	is_int(v, 300, "the newest entry's time");
	is_errno(pg_dirent_newest(&st, pcal, &v), 0, "dirent_newest: empty");
	is_int(v, 0, "0 for an empty folder");
	pg_run(&st, "INSERT INTO editor (node, account_id) VALUES ($1, $2)",
	       "ii", f1, bob);
	is_errno(pg_dirent_list(&st, gdocs, bob, "", 100, 0, &ents, &n), 0,
		 "dirent_list");
	ok(n == 3 && strcmp(ents[0].name, "a.txt") == 0 &&
	   strcmp(ents[1].name, "b-link") == 0 &&
	   strcmp(ents[2].name, "sub") == 0, "dirent_list: by name (%zu)", n);
	ok(n == 3 && ents[0].ino == f1 && ents[0].a.uid == 1234 &&
	   ents[0].a.size == 0 && ents[0].a.mtime_ns == 100 &&
	   ents[0].creator == ann && ents[0].editor && !ents[1].editor &&
	   ents[2].a.uid == -1 && S_ISDIR(ents[2].a.mode) &&
	   ents[2].a.nlink == 2 && ents[2].a.ino == (uint64_t)d1,
	   "dirent_list: attributes and editorship");
	dirents_free(ents, n);
	is_errno(pg_dirent_list(&st, gdocs, bob, "a.txt", 1, 0, &ents, &n), 0,
		 "dirent_list after a name, at most 1");
	ok(n == 1 && strcmp(ents[0].name, "b-link") == 0, "the next one");
	dirents_free(ents, n);
	is_errno(pg_dirent_list(&st, gdocs, bob, "", (size_t)-1, 2, &ents,
				&n), 0, "dirent_list: no limit, offset 2");
	ok(n == 1 && strcmp(ents[0].name, "sub") == 0, "the third one");
	dirents_free(ents, n);
	is_errno(pg_dirent_list(&st, pcal, ann, "", 10, 0, &ents, &n), 0,
		 "dirent_list: empty");
	ok(n == 0 && ents == NULL, "nothing");
	is_errno(pg_root_list(&st, ann, "", 10, 0, &ents, &n), 0,
		 "root_list");
	ok(n == 2 && strcmp(ents[0].name, "Private") == 0 &&
	   ents[0].ino == proot && strcmp(ents[1].name, "Team") == 0 &&
	   ents[1].ino == groot, "root_list: Private and the group, in "
	   "byte order");
	dirents_free(ents, n);
	is_errno(pg_root_list(&st, ann, "Private", 10, 0, &ents, &n), 0,
		 "root_list after Private");
	ok(n == 1 && strcmp(ents[0].name, "Team") == 0, "the group");
	dirents_free(ents, n);
	is_errno(pg_root_list(&st, bob, "", 10, 0, &ents, &n), 0,
		 "root_list of an account with no space");
	ok(n == 0, "nothing (%zu)", n);
	dirents_free(ents, n);

	/* ---- spaces ---- */
	is_errno(pg_space_private_root(&st, ann, &v), 0, "space_private_root");
	is_int(v, proot, "ann's root");
	is_errno(pg_space_private_root(&st, bob, &v), -ENOENT,
		 "space_private_root: none");
	is_errno(pg_space_group_root(&st, "Team", ann, &v), 0,
		 "space_group_root");
	is_int(v, groot, "the group's root");
	is_errno(pg_space_group_root(&st, "Team", bob, &v), -ENOENT,
		 "space_group_root: not a member");
	is_errno(pg_space_tool(&st, pspace, STORE_TOOL_CALENDAR, &v), 0,
		 "space_tool");
	is_int(v, pcal, "the calendar");
	is_errno(pg_space_tool(&st, pspace, STORE_TOOL_MAIL, &v), 0,
		 "space_tool: mail");
	is_int(v, 0, "none: 0");
	is_errno(pg_space_tool(&st, pspace, (enum store_tool)5, &v), -EINVAL,
		 "space_tool: not a tool of spaces");

	/* ---- extended attributes ---- */
	is_errno(pg_xattr_set(&st, f1, "user.b", val, sizeof(val)), 0,
		 "xattr_set");
	is_errno(pg_xattr_set(&st, f1, "user.a", NULL, 0), 0,
		 "xattr_set: empty value");
	is_errno(pg_xattr_get(&st, f1, "user.b", back, sizeof(back), &len), 0,
		 "xattr_get");
	ok(len == 4 && memcmp(back, val, 4) == 0, "its bytes, NUL included");
	len = 99;
	is_errno(pg_xattr_get(&st, f1, "user.b", NULL, 0, &len), 0,
		 "xattr_get: length only");
	is_int((long long)len, 4, "its length");
	is_errno(pg_xattr_get(&st, f1, "user.a", back, sizeof(back), &len), 0,
		 "xattr_get: empty");
	is_int((long long)len, 0, "length 0");
	is_errno(pg_xattr_get(&st, f1, "user.c", back, sizeof(back), &len),
		 -ENOENT, "xattr_get: none");
	is_errno(pg_xattr_set(&st, f1, "user.b", val, 2), 0,
		 "xattr_set: replace");
	is_errno(pg_xattr_size(&st, f1, "user.b", &v), 0, "xattr_size");
	is_int(v, 2, "the new size");
	is_errno(pg_xattr_size(&st, f1, "user.c", &v), -ENOENT,
		 "xattr_size: none");
	is_errno(pg_xattr_names(&st, f1, &texts, &n), 0, "xattr_names");
	ok(n == 2 && strcmp(texts[0], "user.a") == 0 &&
	   strcmp(texts[1], "user.b") == 0, "in order");
	texts_free(texts, n);
	is_errno(pg_xattr_remove(&st, f1, "user.a"), 0, "xattr_remove");
	is_errno(pg_xattr_remove(&st, f1, "user.a"), -ENOENT,
		 "xattr_remove: gone already");
	pg_run(&st, "INSERT INTO editor (node, account_id) VALUES ($1, $2)",
	       "ii", f1, ann);
	is_errno(pg_editor_names(&st, f1, 0, &texts, &n), 0, "editor_names");
	ok(n == 2 && strcmp(texts[0], "ann") == 0 &&
	   strcmp(texts[1], "bob") == 0, "both, by username");
	texts_free(texts, n);
	is_errno(pg_editor_names(&st, f1, ann, &texts, &n), 0,
		 "editor_names but ann");
	ok(n == 1 && strcmp(texts[0], "bob") == 0, "bob only");
	texts_free(texts, n);

	/* ---- public links ---- */
	is_errno(pg_link_base_url_get(&st, name, sizeof(name)), -ENOENT,
		 "link_base_url_get: none set");
	is_errno(pg_link_base_url_set(&st, "https://a.example"), 0,
		 "link_base_url_set");
	is_errno(pg_link_base_url_set(&st, "https://b.example/x"), 0,
		 "link_base_url_set again");
	is_errno(pg_link_base_url_get(&st, name, sizeof(name)), 0,
		 "link_base_url_get");
	is_str(name, "https://b.example/x", "the last one set");
	is_errno(pg_link_base_url_get(&st, small, sizeof(small)), 0,
		 "link_base_url_get: cut to fit");
	is_str(small, "htt", "cut");
	is_errno(pg_link_add(&st, hash1, sizeof(hash1), gspace, f1,
			     STORE_TOOL_DOCUMENTS, ann, 1000, 2000, &id), 0,
		 "link_add: %s", st.errmsg);
	is_errno(pg_link_add(&st, hash2, sizeof(hash2), pspace, pdocs,
			     STORE_TOOL_DOCUMENTS, ann, 1001, 0, &v), 0,
		 "link_add");
	ok(v > id, "ids grow");
	is_errno(pg_link_by_hash(&st, hash1, sizeof(hash1), &link), 0,
		 "link_by_hash");
	ok(link.id == id && link.space == gspace && link.node == f1 &&
	   link.tool == STORE_TOOL_DOCUMENTS && link.expires == 2000 &&
	   link.created == 1000 && link.created_by == ann &&
	   link.group == grp && link.owner == 0 && link.docroot == gdocs &&
	   link.reader == ann && strcmp(link.group_name, "Team") == 0,
	   "link_by_hash: every field");
	is_errno(pg_link_get(&st, v, &link), 0, "link_get");
	ok(link.group == 0 && link.owner == ann && link.reader == ann &&
	   link.group_name[0] == '\0' && link.docroot == pdocs,
	   "link_get: a private space's");
	is_errno(pg_link_by_hash(&st, hash1, 16, &link), -ENOENT,
		 "link_by_hash: no such hash");
	is_errno(pg_link_list(&st, 0, &links, &n), 0, "link_list: all");
	ok(n == 2 && links[0].id == id && links[1].id == v, "by id");
	free(links);
	is_errno(pg_link_list(&st, pspace, &links, &n), 0,
		 "link_list of a space");
	ok(n == 1 && links[0].id == v, "its own");
	free(links);
	is_errno(pg_link_remove(&st, v), 0, "link_remove");
	is_errno(pg_link_remove(&st, v), 0, "link_remove: none is fine");
	is_errno(pg_link_get(&st, v, &link), -ENOENT, "gone");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- vfs: names ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	f3 = node(gspace, 1, S_IFREG | 0644, ann, 400);
	is_errno(pg_dirent_add(&st, gdocs, "c", f3), 0, "dirent_add");
	is_errno(pg_dirent_move(&st, gdocs, "c", d1, "c2"), 0, "dirent_move");
	is_errno(pg_dirent_find(&st, d1, "c2", &v), 0, "found at its new name");
	is_int(v, f3, "the same node");
	is_errno(pg_dirent_find(&st, gdocs, "c", &v), -ENOENT,
		 "not at the old one");
	is_errno(pg_dirent_move(&st, d1, "c2", d1, "b"), -EEXIST,
		 "dirent_move onto a name taken: -EEXIST");
	is_errno(pg_dirent_find(&st, d1, "c2", &v), 0,
		 "the transaction goes on, the name stays");
	is_errno(pg_dirent_move(&st, d1, "c2", d1, "c2"), 0,
		 "dirent_move onto itself");
	is_errno(pg_dirent_move(&st, d1, "nosuch", d1, "b"), 0,
		 "dirent_move of no name: 0, as SQLite");
	is_errno(pg_dirent_move(&st, d1, "nosuch", d1, "new"), 0,
		 "dirent_move of no name: 0");
	is_errno(pg_dirent_set_child(&st, d1, "c2", f1), 0,
		 "dirent_set_child");
	is_errno(pg_dirent_find(&st, d1, "c2", &v), 0, "dirent_find");
	is_int(v, f1, "the name points at the other node");
	is_errno(pg_dirent_name(&st, d1, f1, name, sizeof(name)), 0,
		 "dirent_name");
	is_str(name, "c2", "its name there");
	is_errno(pg_dirent_name(&st, d1, f1, small, sizeof(small)), 0,
		 "dirent_name: cut to fit");
	is_str(small, "c2", "fits");
	is_errno(pg_dirent_name(&st, pcal, f1, name, sizeof(name)), -ENOENT,
		 "dirent_name: none there");
	is_errno(pg_dirent_del(&st, d1, "c2"), 0, "dirent_del");
	is_errno(pg_dirent_del(&st, d1, "c2"), 0, "dirent_del: none is 0");
	is_errno(pg_dirent_any(&st, d1), 0, "dirent_any: one left");
	is_errno(pg_dirent_any(&st, pcal), -ENOENT, "dirent_any: empty");
	is_errno(pg_node_nlink_add(&st, f3, 1, 800), 0, "node_nlink_add +1");
	is_errno(pg_node_nlink(&st, f3, &v), 0, "node_nlink");
	is_int(v, 2, "2 links");
	is_errno(pg_node_nlink_add(&st, f3, -1, 801), 0, "node_nlink_add -1");
	pg_node_attr(&st, f3, &attr);
	ok(attr.nlink == 1 && attr.ctime_ns == 801, "1 link, ctime moved");
	is_errno(pg_node_nlink(&st, 999999, &v), -ENOENT, "node_nlink: none");

	/* Items: NAME.ics, of any case as SQLite's LIKE. */
	pg_run(&st, "INSERT INTO item (node, dir, kind) VALUES ($1, $2, 1)",
	       "ii", f3, pcal);
	is_errno(pg_dirent_add(&st, pcal, "x.ICS", f3), 0, "an item name");
	is_errno(pg_dirent_add(&st, pcal, "scratch", f3), 0, "another name");
	is_errno(pg_item_is(&st, f3), 0, "item_is");
	is_errno(pg_item_place(&st, f3, &v, name, sizeof(name)), 0,
		 "item_place");
	ok(v == pcal && strcmp(name, "x.ICS") == 0,
	   "item_place prefers the item name: %s", name);
	pg_node_attr(&st, pcal, &attr);
	v = attr.nlink;
	is_errno(pg_dirent_unname(&st, pcal, "scratch", f3, 0, 900), 0,
		 "dirent_unname: scratch");
	is_errno(pg_dirent_find(&st, pcal, "scratch", &v2), -ENOENT,
		 "the name is gone");
	is_errno(pg_item_is(&st, f3), 0, "kept: it has an item name");
	pg_node_attr(&st, pcal, &attr);
	ok(attr.mtime_ns == 900 && attr.ctime_ns == 900 &&
		   (int64_t)attr.nlink == v,
	   "the folder was touched, its links as they were");
	is_errno(pg_dirent_unname(&st, pcal, "x.ICS", f3, 1, 901), 0,
		 "dirent_unname: its item name");
	is_errno(pg_item_is(&st, f3), -ENOENT,
		 "dropped: the name that went was its last item name");
	pg_node_attr(&st, pcal, &attr);
	ok(attr.mtime_ns == 901 && (int64_t)attr.nlink == v + 1,
	   "nlink_delta moves the folder's links");
	pg_node_touch_dir(&st, pcal, -1, 902);
	is_errno(pg_item_place(&st, groot, &v, name, sizeof(name)), -ENOENT,
		 "item_place: no name");

	/* Symbolic links, tools. */
	is_errno(pg_node_target_set(&st, f3, "../some/where"), 0,
		 "node_target_set");
	is_errno(pg_node_target(&st, f3, name, sizeof(name)), 0,
		 "node_target");
	is_str(name, "../some/where", "the target");
	pg_node_attr(&st, f3, &attr);
	is_int((long long)attr.size, 13, "size is the target's length");
	is_errno(pg_node_target(&st, f3, small, sizeof(small)), -ENAMETOOLONG,
		 "node_target: too long for the buffer");
	is_errno(pg_node_target(&st, 999999, name, sizeof(name)), -ENOENT,
		 "node_target: none");
	is_errno(pg_node_tool_set(&st, f3, 2, 900), 0, "node_tool_set");
	pg_node_get(&st, f3, &info);
	is_int(info.tool, 2, "tool set");

	/* The save pattern: f2 (in sub/b) takes f1's content and xattrs. */
	pg_run(&st, "UPDATE node SET chunked = 1, size = 77 WHERE id = $1",
	       "i", f2);
	is_errno(pg_node_content_trash(&st, f2), 0, "node_content_trash");
	is_errno(pg_node_content_trash(&st, f2), 0,
		 "node_content_trash twice: ignored");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM trash WHERE cid = (SELECT cid FROM"
		       " node WHERE id = $1)",
		       f2),
	       1, "its content in the trash");
	pg_run(&st, "UPDATE node SET size = 55, mode = $1, mtime = 42"
	       " WHERE id = $2", "ii", (int64_t)(S_IFREG | 0640), f1);
	is_errno(pg_node_content_take(&st, f1, f2, 1111), 0,
		 "node_content_take");
	pg_node_attr(&st, f2, &attr);
	ok(attr.size == 55 && attr.mode == (S_IFREG | 0640) &&
	   attr.mtime_ns == 42 && attr.ctime_ns == 1111,
	   "content, mode and times taken, ctime given");
	pg_xattr_set(&st, f2, "user.old", val, 1);
	is_errno(pg_xattr_move(&st, f1, f2), 0, "xattr_move");
	is_errno(pg_xattr_names(&st, f2, &texts, &n), 0, "xattr_names");
	ok(n == 1 && strcmp(texts[0], "user.b") == 0, "the source's xattrs "
	   "replaced the target's");
	texts_free(texts, n);
	is_errno(pg_xattr_names(&st, f1, &texts, &n), 0, "xattr_names");
	is_int((long long)n, 0, "the source has none left");
	is_errno(pg_node_content_clear(&st, f1), 0, "node_content_clear");
	pg_node_attr(&st, f1, &attr);
	is_int((long long)attr.size, 0, "empty");
	pg_dirent_del(&st, gdocs, "a.txt");
	is_errno(pg_node_alias(&st, f1, f2, 1212), 0, "node_alias");
	b = false;
	is_errno(pg_rights_gen_alias(&st, f1, &gen, &b), 0,
		 "rights_gen_alias");
	ok(b, "an alias");
	is_errno(pg_rights_gen(&st, &v), 0, "rights_gen");
	is_int(gen, v, "with the rights generation");
	is_errno(pg_rights_gen_alias(&st, f2, &gen, &b), 0,
		 "rights_gen_alias");
	ok(!b, "not an alias");
	is_errno(pg_rights_gen_alias(&st, 999999, &gen, &b), 0,
		 "rights_gen_alias: a missing node");
	ok(!b, "is no alias");
	is_errno(pg_node_get(&st, f1, &info), 0, "node_get of the alias");
	is_int(info.ino, f2, "answers as its target");
	is_errno(pg_node_attr(&st, f1, &attr), 0, "node_attr of the alias");
	ok(attr.ino == (uint64_t)f1 && attr.size == 55,
	   "the target's attributes under the alias's number");

	/* Freeing unlinked nodes. */
	is_errno(pg_node_free_unlinked(&st, f2), 0, "node_free_unlinked");
	is_errno(pg_node_nlink(&st, f2, &v), 0, "linked: kept");
	is_errno(pg_node_free_unlinked(&st, f1), 0, "node_free_unlinked");
	is_errno(pg_node_nlink(&st, f1, &v), -ENOENT, "unlinked: freed");
	v = node(gspace, 1, S_IFREG | 0644, ann, 1);
	is_errno(pg_node_unlinked(&st, v, 1300), 0, "node_unlinked");
	is_errno(pg_node_nlink(&st, v, &v2), 0, "node_nlink");
	is_int(v2, 0, "nlink 0");
	is_errno(pg_nodes_free_unlinked(&st), 0, "nodes_free_unlinked");
	is_errno(pg_node_nlink(&st, v, &v2), -ENOENT, "freed");
	v = node(gspace, 1, S_IFREG | 0644, ann, 1);
	is_errno(pg_node_del(&st, v), 0, "node_del");
	is_errno(pg_node_del(&st, v), 0, "node_del: none is 0");
	is_errno(pg_node_nlink(&st, v, &v2), -ENOENT, "deleted");

	/* Attributes. */
	is_errno(pg_node_mtime_set(&st, f2, 5000), 0, "node_mtime_set");
	pg_node_attr(&st, f2, &attr);
	ok(attr.mtime_ns == 5000 && attr.ctime_ns == 5000, "mtime and ctime");
	{
		struct meta_node_attrs a = {.set_mode = true, .mode = 0600,
					    .ctime = 6000};
		struct node_info after, byid;

		is_errno(pg_node_attrs_set(&st, f2, &a, &after), 0,
			 "node_attrs_set: mode");
		pg_node_attr(&st, f2, &attr);
		ok(attr.mode == (S_IFREG | 0600) && attr.mtime_ns == 5000 &&
		   attr.atime_ns == 100 && attr.ctime_ns == 6000,
		   "mode bits only, times kept, ctime set");
		is_errno(pg_node_get(&st, f2, &byid), 0, "node_get");
		ok(memcmp(&after, &byid, sizeof(byid)) == 0,
		   "  the node after, as node_get gives it");
		is_errno(pg_node_attrs_set(&st, 999999, &a, &after), -ENOENT,
			 "node_attrs_set: no such node");
		a = (struct meta_node_attrs){.set_atime = true, .atime = 7,
					     .set_mtime = true, .mtime = 8,
					     .mode = 0777, .ctime = 6001};
		is_errno(pg_node_attrs_set(&st, f2, &a, &after), 0,
			 "node_attrs_set: times");
		pg_node_attr(&st, f2, &attr);
		ok(attr.mode == (S_IFREG | 0600) && attr.atime_ns == 7 &&
		   attr.mtime_ns == 8 && attr.ctime_ns == 6001,
		   "times, mode kept");
	}
	is_errno(pg_space_root(&st, gspace, &v), 0, "space_root");
	is_int(v, groot, "the group's root");
	is_errno(pg_space_root(&st, 999999, &v), -ENOENT, "space_root: none");
	is_errno(pg_private_tool(&st, ann, STORE_TOOL_CALENDAR, &v), 0,
		 "private_tool");
	is_int(v, pcal, "ann's calendar");
	is_errno(pg_private_tool(&st, bob, STORE_TOOL_CALENDAR, &v), -ENOENT,
		 "private_tool: no private space");
	is_errno(pg_private_tool(&st, ann, STORE_TOOL_MAIL, &v), -EINVAL,
		 "private_tool: mail is no private tool");
	is_errno(pg_private_tool(&st, ann, -1, &v), -EINVAL,
		 "private_tool: -1");
	v = pgt_one(&st, "SELECT v FROM meta WHERE k = 'sync'", 0);
	is_errno(pg_sync_mark(&st), 0, "sync_mark");
	is_int(pgt_one(&st, "SELECT v FROM meta WHERE k = 'sync'", 0),
	       v + 1, "the mark moved");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* Durability: the session's synchronous_commit. */
	is_errno(pg_durable(&st, true), 0, "durable");
	pg_text(&st, &t, "SHOW synchronous_commit", "");
	is_str(t, "on", "synchronous_commit on");
	free(t);
	is_errno(pg_durable(&st, false), 0, "durable off");
	pg_text(&st, &t, "SHOW synchronous_commit", "");
	is_str(t, "off", "back to the fast commits");
	free(t);

	/* ---- the journal and the daemons ---- */
	is_errno(pg_journal_end(&st, &seq), 0, "journal_end");
	ok(seq > 0, "the changes above were journaled (%lld)",
	   (long long)seq);
	is_errno(pg_journal_last_of(&st, ORIGIN, &v), 0, "journal_last_of");
	is_int(v, seq, "our last row");
	is_errno(pg_journal_last_of(&st, 7, &v), -ENOENT,
		 "journal_last_of: another origin made none");
	is_errno(pg_journal_since(&st, 0, ORIGIN, &ch, &n), 0,
		 "journal_since, ours left out");
	ok(n == 0 && ch == NULL, "none of another origin");
	is_errno(pg_journal_since(&st, seq - 3, 7, &ch, &n), 0,
		 "journal_since");
	ok(n >= 1 && n <= 3 && ch[0].seq > seq - 3 && ch[n - 1].seq == seq &&
	   (n < 2 || ch[0].seq < ch[1].seq), "the rows after, in order (%zu)",
	   n);
	for (v = 0; v < (int64_t)n; v++)
		free(ch[v].name);
	free(ch);
	is_errno(pg_begin(&st, true), 0, "begin");
	pg_dirent_add(&st, d1, "named", f2);
	is_errno(pg_commit(&st), 0, "commit");
	is_errno(pg_journal_since(&st, seq, 7, &ch, &n), 0, "journal_since");
	ok(n >= 1, "the new name is journaled (%zu)", n);
	for (v = 0, b = false; v < (int64_t)n; v++) {
		if (ch[v].name && strcmp(ch[v].name, "named") == 0 &&
		    ch[v].parent == d1)
			b = true;
		free(ch[v].name);
	}
	free(ch);
	ok(b, "with its folder and name");
	is_errno(pg_journal_end(&st, &seq), 0, "journal_end");
	is_errno(pg_journal_trim(&st, seq - 1), 0,
		 "journal_trim outside a transaction");
	is_errno(pg_journal_since(&st, 0, 7, &ch, &n), 0, "journal_since");
	ok(n == 1 && ch[0].seq == seq, "only the last row left");
	for (v = 0; v < (int64_t)n; v++)
		free(ch[v].name);
	free(ch);

	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_daemon_ack(&st, 321, 9, 50), 0, "daemon_ack");
	is_errno(pg_daemon_ack(&st, 321, 9, 40), 0, "daemon_ack lower");
	is_int(pgt_one(&st, "SELECT v FROM meta WHERE k = 'daemon:321:9'", 0),
	       50, "the record never moves back");
	is_errno(pg_daemon_ack(&st, 321, 9, 60), 0, "daemon_ack higher");
	is_errno(pg_daemon_ack(&st, 654, 9, 10), 0, "another daemon");
	pg_run(&st, "INSERT INTO meta (k, v) VALUES ('daemon:x', 0)", "");
	is_errno(pg_daemon_behind(&st, 55, &daemons, &n), 0, "daemon_behind");
	ok(n == 2 && daemon_is(daemons, n, 654, 1) && daemon_is(daemons, n, 0, 0),
	   "the one behind, running (its session holds its mark), and 0, "
	   "not running, for a record naming no process");
	free(daemons);
	is_errno(pg_daemon_leave(&st, 654, 9), 0, "daemon_leave");
	is_errno(pg_daemon_behind(&st, 55, &daemons, &n), 0, "daemon_behind");
	ok(n == 1 && daemon_is(daemons, n, 0, 0), "gone");
	free(daemons);
	is_errno(pg_daemon_behind(&st, 0, &daemons, &n), 0, "daemon_behind");
	ok(n == 0 && daemons == NULL, "none behind");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* A daemon of another machine: its process id may name a process
	 * of this one (here: this very test), or none.  Whether it runs is
	 * its session's mark. */
	{
		struct shared sh2 = {.origin = -77, .hooks = &pgt_hooks};
		struct store other = {.sh = &sh2};

		is_errno(pg_open(&other, conninfo, false, false), 0,
			 "another machine's daemon connects");
		is_errno(pg_begin(&other, true), 0, "begin");
		is_errno(pg_daemon_ack(&other, getpid(), -77, 10), 0,
			 "it acks, under this test's process id");
		is_errno(pg_commit(&other), 0, "commit");
		is_errno(pg_begin(&st, false), 0, "read");
		is_errno(pg_daemon_behind(&st, 55, &daemons, &n), 0,
			 "daemon_behind");
		ok(daemon_is(daemons, n, getpid(), 1), "it runs");
		free(daemons);
		pg_commit(&st);
		/* Killed: its session ends (the server's backend exits, its
		 * locks with it, before pg_terminate_backend returns). */
		is_int(pgt_one(&st, "SELECT pg_terminate_backend($1::int,"
			       " 60000)::int",
			       pgt_one(&other, "SELECT pg_backend_pid()", 0)),
		       1, "its session is ended");
		is_errno(pg_begin(&st, false), 0, "read");
		is_errno(pg_daemon_behind(&st, 55, &daemons, &n), 0,
			 "daemon_behind");
		ok(daemon_is(daemons, n, getpid(), 0),
		   "killed (its record left), it does not run, though its "
		   "process id names a live process here");
		free(daemons);
		pg_commit(&st);
		pg_close(&other);
		is_errno(pg_begin(&st, true), 0, "begin");
		is_errno(pg_daemon_leave(&st, getpid(), -77), 0,
			 "its record goes");
		is_errno(pg_commit(&st), 0, "commit");
	}

	/* A read transaction: every call above that reads is a SELECT. */
	is_errno(pg_begin(&st, false), 0, "read transaction");
	v = st.wseq;
	pg_node_get(&st, f2, &info);
	pg_dirent_reaches(&st, f2, groot, &b);
	pg_dirent_list(&st, gdocs, ann, "", 10, 0, &ents, &n);
	dirents_free(ents, n);
	is_int(st.wseq, v, "reads leave wseq as it is");
	pg_rollback(&st);

	pg_close(&st);
	pgt_cluster_stop();
	return done_testing();
}
