// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's history calls (backend/pg/history.c and
 * histview.c) on a throwaway cluster (tests/pg/cluster.sh), call by call
 * against what the SQLite engine's answer: recording entries, versions
 * and view folders, trimming and pruning, the file managers' trash, the
 * view's reads and restores, -ENOENT for no row and -EEXIST for a name
 * taken without failing the transaction.  Rows the calls of other areas
 * would make (accounts, spaces, nodes) are made here with SQL.  Skipped
 * (TAP SKIP) only when the PostgreSQL server binaries are absent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_support.h"
#include "pgdb.h"
#include "tap.h"

static char conninfo[256];

static int gone_calls;

static void hook_hist_gone(struct store *st, int64_t space, uint64_t hdir)
{
	gone_calls++;
}

static const struct meta_hooks hooks = {
	.node_open = pgt_node_open,
	.hist_gone = hook_hist_gone,
};

static struct shared sh = {.origin = 7, .hooks = &hooks};

static struct store st = {.sh = &sh}, st2 = {.sh = &sh};

static int64_t add_node(int64_t space, bool dir, int64_t size)
{
	int64_t id = 0;

	if (pg_int(&st, &id,
		   "INSERT INTO node (space_id, tool, mode, size, atime,"
		   " mtime, ctime, cid) VALUES ($1, 1, $2, $3, 0, 0, 0,"
		   " '\\x0102'::bytea) RETURNING id",
		   "iii", space, (int64_t)(dir ? 040755 : 0100644), size))
		diag("add_node: %s", st.errmsg);
	return id;
}

static void name(int64_t parent, const char *nm, int64_t child)
{
	if (pg_run(&st,
		   "INSERT INTO dirent (parent, name, child)"
		   " VALUES ($1, $2, $3)",
		   "iti", parent, nm, child))
		diag("name %s: %s", nm, st.errmsg);
}

/* Not 0: entry() makes its node the entry's, with this ctime. */
static int64_t hold_ctime;

static int64_t entry(int64_t space, int kind, uint64_t hdir, const char *nm,
		     bool is_dir, int tool, int64_t at, int64_t node)
{
	struct meta_hist_entry e = {
		.space = space,
		.kind = kind,
		.hdir = hdir,
		.name = nm,
		.is_dir = is_dir,
		.tool = tool,
		.dir = 0,
		.at = at,
		.actor = 0,
		.node = node,
		.cost = 10,
		.hold_ctime = hold_ctime,
	};
	int64_t id = 0;

	if (pg_hist_add(&st, &e, &id))
		diag("hist_add %s: %s", nm, st.errmsg);
	return id;
}

static void free_texts(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

int main(void)
{
	int64_t plan, ann, bob, grp, gs, ps, groot, docs, proot, info, f1, f2;
	int64_t v, id, d1, d2, d3, e1, e2, e3, vid, parent, hist, dir;
	int64_t ids[5];
	uint64_t hdir, u;
	unsigned char cid[16];
	char nm[256], small[4], **texts = NULL;
	struct hist_keep k;
	struct meta_hview_name *names = NULL;
	struct meta_hview_origin o;
	struct meta_hview_detail det;
	bool gone, others;
	size_t n;
	int rc, i;

	rc = pgt_setup(&st, conninfo, sizeof(conninfo));
	if (rc)
		return rc == 77 ? 0 : done_testing();
	is_errno(pg_commit(&st), 0, "commit the schema");

	/* ---- the rows other areas make: a plan, two accounts, a group
	 * with its space, ann's private space ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	pg_int(&st, &plan,
	       "INSERT INTO plan (name, max_groups, max_members,"
	       " group_bytes, private_bytes) VALUES ('p', 5, 5, 10000, 500)"
	       " RETURNING id",
	       "");
	pg_int(&st, &ann,
	       "INSERT INTO account (username, first, last, email,"
	       " plan_id, unix_uid, created) VALUES ('ann', 'A', 'N', 'a@x',"
	       " $1, 1000, 0) RETURNING id",
	       "i", plan);
	pg_int(&st, &bob,
	       "INSERT INTO account (username, first, last, email,"
	       " plan_id, created) VALUES ('bob', 'B', 'O', 'b@x', $1, 0)"
	       " RETURNING id",
	       "i", plan);
	pg_int(&st, &grp,
	       "INSERT INTO grp (name, name_key, created,"
	       " keep_days, keep_versions) VALUES ('G', 'g', 0, 7, 3)"
	       " RETURNING id",
	       "");
	pg_run(&st,
	       "INSERT INTO membership (group_id, account_id, role,"
	       " joined) VALUES ($1, $2, 3, 0), ($1, $3, 1, 0)",
	       "iii", grp, ann, bob);
	pg_int(&st, &gs,
	       "INSERT INTO space (group_id) VALUES ($1)"
	       " RETURNING id",
	       "i", grp);
	pg_int(&st, &ps,
	       "INSERT INTO space (account_id) VALUES ($1)"
	       " RETURNING id",
	       "i", ann);
	groot = add_node(gs, true, 0);
	docs = add_node(gs, true, 0);
	name(groot, "Documents", docs);
	proot = add_node(ps, true, 0);
	info = add_node(ps, true, 0);
	name(proot, GTRASH_INFO_FOLDER, info);
	pg_run(&st, "UPDATE space SET root = $1, documents = $2 WHERE id = $3",
	       "iii", groot, docs, gs);
	pg_run(&st, "UPDATE space SET root = $1 WHERE id = $2", "ii", proot,
	       ps);
	f1 = add_node(gs, false, 100);
	name(docs, "report.txt", f1);
	pg_run(&st,
	       "INSERT INTO xattr (node, name, value) VALUES ($1,"
	       " 'user.k', '\\x010203'::bytea)",
	       "i", f1);
	is_errno(pg_commit(&st), 0, "the scene is set: %s", st.errmsg);

	/* ---- recording ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_hist_keep(&st, gs, 30, 20, 50, 0, &k), 0, "keep: %s",
		 st.errmsg);
	ok(k.days == 7 && k.versions == 3 && k.fits,
	   "a group's space keeps its group's settings (%lld days, %lld "
	   "versions); 50 bytes fit",
	   (long long)k.days, (long long)k.versions);
	is_errno(pg_hist_keep(&st, gs, 30, 20, 9892, 0, &k), 0, "keep");
	ok(!k.fits, "100 used + 9 of xattr + 9892 do not fit in 10000");
	is_errno(pg_hist_keep(&st, gs, 30, 20, 9891, 0, &k), 0, "keep");
	ok(k.fits, "100 used + 9 of xattr + 9891 fit exactly");
	is_errno(pg_hist_keep(&st, ps, 30, 20, 600, 0, &k), 0, "keep");
	ok(k.days == 30 && k.versions == 20 && !k.fits,
	   "a private space: the defaults given, the private capacity");
	k.days = -5;
	is_errno(pg_hist_keep(&st, 9999, 30, 20, 0, 0, &k), -ENOENT,
		 "no such space: -ENOENT");
	is_int(k.days, -5, "and *out untouched");

	v = -1;
	is_errno(pg_hist_dir_find(&st, HIST_TOP_INO(HIST_TOP_TRASH, gs), "a",
				  &v),
		 -ENOENT, "no view folder yet");
	is_errno(pg_hist_dir_add(&st, gs, HIST_TOP_INO(HIST_TOP_TRASH, gs), "a",
				 &d1),
		 0, "a view folder");
	is_errno(pg_hist_dir_find(&st, HIST_TOP_INO(HIST_TOP_TRASH, gs), "a",
				  &v),
		 0, "found");
	is_int(v, d1, "by its id");
	id = -7;
	is_errno(pg_hist_dir_add(&st, gs, HIST_TOP_INO(HIST_TOP_TRASH, gs), "a",
				 &id),
		 -EEXIST, "the same again: -EEXIST");
	is_int(id, -7, "*id untouched");
	is_errno(pg_hist_dir_add(&st, gs, HIST_DIR_INO(d1), "b", &d2), 0,
		 "the transaction goes on: a folder inside: %s", st.errmsg);
	is_errno(pg_hist_dir_add(&st, gs, HIST_DIR_INO(d2), "c", &d3), 0,
		 "and one more below");
	k.dir_exists = false;
	is_errno(pg_hist_keep(&st, gs, 30, 20, 0, d3, &k), 0,
		 "keep, asking for a view folder");
	ok(k.dir_exists && k.days == 7, "it exists, and the settings come");
	is_errno(pg_hist_keep(&st, gs, 30, 20, 0, d3 + 100, &k), 0, "keep");
	ok(!k.dir_exists, "no other");

	v = pgt_one(&st, "SELECT hist_used FROM space WHERE id = $1", gs);
	e1 = entry(gs, HIST_TRASH, HIST_DIR_INO(d3), "report.txt", false,
		   TOOL_DOCUMENTS, 1000, f1);
	ok(e1 > 0, "an entry recorded (%lld)", (long long)e1);
	is_int(pgt_one(&st, "SELECT cost FROM hist WHERE id = $1", e1),
	       10 + 6 + 3,
	       "its cost: the given 10, its xattr's name and value");
	is_int(pgt_one(&st, "SELECT hist_used FROM space WHERE id = $1", gs),
	       v + 19, "counted in hist_used");
	is_errno(pg_hist_node_name(&st, f1, &parent, nm, sizeof(nm)), 0,
		 "the item's name");
	ok(parent == docs && strcmp(nm, "report.txt") == 0, "%s in %lld", nm,
	   (long long)parent);
	is_errno(pg_hist_node_name(&st, f1, &parent, small, sizeof(small)), 0,
		 "cut to fit");
	is_str(small, "rep", "three bytes and a NUL");
	pg_run(&st, "DELETE FROM dirent WHERE child = $1", "i", f1);
	is_errno(pg_hist_node_name(&st, f1, &parent, nm, sizeof(nm)), -ENOENT,
		 "unnamed: -ENOENT");
	/* An entry that takes its item, in the same statement. */
	{
		int64_t f = pgt_node(&st, gs, false, 0), e;

		v = pgt_one(&st, "SELECT hist_used FROM space WHERE id = $1",
			    gs);
		hold_ctime = 555;
		e = entry(gs, HIST_TRASH, HIST_DIR_INO(d3), "held.txt", false,
			  TOOL_DOCUMENTS, 1000, f);
		hold_ctime = 0;
		ok(e > 0, "an entry that holds its item");
		is_int(pgt_one(&st,
			       "SELECT nlink * 1000 + ctime + (hist = 0)::int"
			       " FROM node WHERE id = $1",
			       f),
		       555, "no link, ctime set");
		is_int(pgt_one(&st, "SELECT hist FROM node WHERE id = $1", f),
		       e, "node.hist names the entry");
		is_int(pgt_one(&st, "SELECT hist_used FROM space WHERE id = $1",
			       gs),
		       v + 10, "its cost counted once");
		pg_run(&st, "DELETE FROM hist WHERE id = $1", "i", e);
	}
	pg_run(&st, "UPDATE node SET hist = $1, nlink = 0, ctime = 555 WHERE"
	       " id = $2", "ii", e1, f1);
	is_errno(pg_hist_node_size(&st, f1, &v), 0, "size");
	is_int(v, 100, "its size");
	is_errno(pg_hist_node_size(&st, 99999, &v), -ENOENT, "no node");
	is_errno(pg_hist_node(&st, e1, &v), 0, "the entry's node");
	is_int(v, f1, "is the item");
	e2 = entry(gs, HIST_TRASH, HIST_DIR_INO(d3), "b", true, TOOL_DOCUMENTS,
		   1001, 0);
	is_errno(pg_hist_node(&st, e2, &v), 0, "a folder's entry");
	is_int(v, 0, "has no node (0)");
	is_errno(pg_hist_node(&st, 99999, &v), -ENOENT, "no such entry");
	is_errno(pg_hist_last_id(&st, &v), 0, "last id");
	is_int(v, e2, "the latest entry");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- versions ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	f2 = add_node(gs, false, 40);
	name(docs, "v.txt", f2);
	memset(cid, 0xab, sizeof(cid));
	e3 = entry(gs, HIST_VERSION, HIST_TOP_INO(HIST_TOP_VERSIONS, gs),
		   "v.txt", false, TOOL_DOCUMENTS, 2000, 0);
	is_errno(pg_hist_version_node(&st, f2, true, cid, e3, &vid), 0,
		 "a fresh version: %s", st.errmsg);
	is_int(pgt_one(&st, "SELECT size * 10 + nlink FROM node WHERE id = $1",
		       vid),
	       0, "empty, no link");
	is_int(pgt_one(&st,
		       "SELECT (cid = '\\xabababababababababababababababab'"
		       "::bytea)::int FROM node WHERE id = $1",
		       vid),
	       1, "under the new content id");
	is_int(pgt_one(&st, "SELECT node FROM hist WHERE id = $1", e3), vid,
	       "the entry names it");
	is_int(pgt_one(&st, "SELECT hist FROM node WHERE id = $1", vid), e3,
	       "and it the entry");
	is_errno(pg_run(&st, "INSERT INTO node_inline (node, data) VALUES"
			" ($1, '\\x0a0b')", "i", f2),
		 0, "the item has inline content");
	is_errno(pg_hist_version_node(&st, f2, false, cid, e3, &vid), 0,
		 "a version taking the content");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM node_inline WHERE node = $1"
		       " AND data = '\\x0a0b'::bytea",
		       vid),
	       1, "  its inline content copied");
	is_int(pgt_one(&st, "SELECT size FROM node WHERE id = $1", vid), 40,
	       "it has the item's size");
	is_int(pgt_one(&st,
		       "SELECT (cid = '\\x0102'::bytea)::int FROM node WHERE"
		       " id = $1",
		       vid),
	       1, "and content id");
	is_errno(pg_hist_node_empty(&st, f2, cid), 0, "the item emptied");
	is_int(pgt_one(&st,
		       "SELECT size + 10 * (cid ="
		       " '\\xabababababababababababababababab'::bytea)::int"
		       " FROM node WHERE id = $1",
		       f2),
	       10, "size 0, the new content id");
	is_int(pgt_one(&st, "SELECT count(*) FROM node_inline WHERE node = $1",
		       f2),
	       0, "  and no inline content");
	v = -3;
	is_errno(pg_hist_version_node(&st, 99999, true, cid, e3, &v), -ENOENT,
		 "no such node: -ENOENT");
	is_int(v, -3, "*vid untouched");
	/* Five versions in one view folder, then trimmed. */
	for (i = 0; i < 5; i++)
		ids[i] = entry(gs, HIST_VERSION, HIST_DIR_INO(d2), "x", false,
			       TOOL_DOCUMENTS, 3000 + i, 0);
	is_errno(pg_hist_trim(&st, HIST_DIR_INO(d2), -1, &gone), 0,
		 "trim with no limit");
	ok(!gone, "nothing went");
	is_errno(pg_hist_trim(&st, HIST_DIR_INO(d2), 3, &gone), 0, "trim to 3");
	ok(gone, "some went");
	is_int(pgt_one(&st, "SELECT count(*) FROM hist WHERE hdir = $1",
		       (int64_t)HIST_DIR_INO(d2)),
	       3, "three left");
	is_int(pgt_one(&st, "SELECT min(id) FROM hist WHERE hdir = $1",
		       (int64_t)HIST_DIR_INO(d2)),
	       ids[2], "the newest three");
	is_errno(pg_hist_trim(&st, HIST_DIR_INO(d2), 3, &gone), 0, "again");
	ok(!gone, "nothing more went");
	is_errno(pg_hist_trim(&st, HIST_DIR_INO(d2), 0, &gone), 0, "to 0");
	ok(gone && pgt_one(&st, "SELECT count(*) FROM hist WHERE hdir = $1",
			   (int64_t)HIST_DIR_INO(d2)) == 0,
	   "all went");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- the oldest entry not open, expiry, removal ---- */
	is_errno(pg_open(&st2, conninfo, false, false), 0, "a second session");
	is_errno(pg_hist_oldest(&st, gs, &v), 0, "oldest");
	is_int(v, e1, "the earliest");
	is_errno(pg_node_hold(&st2, (uint64_t)f1, true), 0,
		 "another session holds its item open");
	is_errno(pg_hist_oldest(&st, gs, &v), 0, "oldest");
	is_int(v, e2, "the next (the first's item is open)");
	is_errno(pg_node_hold(&st2, (uint64_t)f1, false), 0, "released");
	is_errno(pg_hist_oldest(&st, ps, &v), -ENOENT, "none in ps");
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_hist_expire(&st, gs, 1000, &gone), 0, "expire before 1000");
	ok(!gone, "nothing that old");
	gone_calls = 0;
	is_errno(pg_hist_expire(&st, gs, 1001, &gone), 0, "before 1001");
	ok(gone && gone_calls == 1, "the first went (hist_gone called)");
	is_errno(pg_hist_node_size(&st, f1, &v), -ENOENT,
		 "and its item with it");
	is_errno(pg_hist_remove(&st, e2), 0, "remove the folder's entry");
	is_errno(pg_hist_node(&st, e2, &v), -ENOENT, "gone");
	is_errno(pg_commit(&st), 0, "commit");

	/* ---- view folders pruned ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	e1 = entry(gs, HIST_TRASH, HIST_DIR_INO(d3), "z", false, TOOL_DOCUMENTS,
		   4000, 0);
	is_errno(pg_hist_dir_prune(&st, d3, &v), -ENOENT,
		 "a folder holding an entry is not pruned");
	is_errno(pg_hist_dir_prune(&st, d2, &v), -ENOENT,
		 "nor one holding a folder");
	is_errno(pg_hist_remove(&st, e1), 0, "its entry goes");
	v = 0;
	is_errno(pg_hist_dir_prune(&st, d3, &v), 0, "now it is pruned");
	is_int(v, (int64_t)HIST_DIR_INO(d2), "its parent's inode number");
	is_errno(pg_hist_keep(&st, gs, 30, 20, 0, d3, &k), 0, "keep");
	ok(!k.dir_exists, "gone");
	is_errno(pg_hist_dir_add(&st, gs, HIST_DIR_INO(d2), "c", &d3), 0,
		 "made again");
	is_errno(pg_hist_dir_add(&st, ps, HIST_TOP_INO(HIST_TOP_TRASH, ps), "p",
				 &id),
		 0, "one in ann's space");
	is_errno(pg_hist_dirs_prune(&st, gs), 0, "prune the group's space");
	is_int(pgt_one(&st, "SELECT count(*) FROM hist_dir WHERE space_id = $1",
		       gs),
	       0, "its chain went, leaves up");
	is_errno(pg_hist_keep(&st, ps, 30, 20, 0, id, &k), 0, "keep");
	ok(k.dir_exists, "the other space's stays");
	is_errno(pg_hist_dirs_prune(&st, -1), 0, "prune every space");
	is_errno(pg_hist_keep(&st, ps, 30, 20, 0, id, &k), 0, "keep");
	ok(!k.dir_exists, "that one too");
	is_errno(pg_commit(&st), 0, "commit");

	/* ---- the file managers' trash ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_gtrash_uid(&st, ann, &v), 0, "ann's uid");
	is_int(v, 1000, "1000");
	is_errno(pg_gtrash_uid(&st, bob, &v), 0, "bob's uid");
	is_int(v, -1, "none: -1");
	is_errno(pg_gtrash_uid(&st, 9999, &v), -ENOENT, "no account");
	is_errno(pg_gtrash_info_folder(&st, ann, &v), 0, "info folder");
	is_int(v, info, "ann's");
	is_errno(pg_gtrash_info_folder(&st, bob, &v), -ENOENT, "bob has none");
	/* A deleted folder "top" with a file inside, moved to the trash. */
	pg_hist_dir_add(&st, gs, HIST_TOP_INO(HIST_TOP_TRASH, gs), "top", &d1);
	pg_hist_dir_add(&st, gs, HIST_DIR_INO(d1), "sub", &d2);
	is_errno(pg_hist_last_id(&st, &id), 0, "first");
	f1 = add_node(gs, false, 5);
	e1 = entry(gs, HIST_TRASH, HIST_DIR_INO(d2), "f.txt", false,
		   TOOL_DOCUMENTS, 5000, f1);
	pg_run(&st, "UPDATE node SET hist = $1, nlink = 0 WHERE id = $2", "ii",
	       e1, f1);
	e2 = entry(gs, HIST_TRASH, HIST_DIR_INO(d1), "sub", true,
		   TOOL_DOCUMENTS, 5001, 0);
	e3 = entry(gs, HIST_TRASH, HIST_TOP_INO(HIST_TOP_TRASH, gs), "top",
		   true, TOOL_DOCUMENTS, 5002, 0);
	is_errno(pg_gtrash_add(&st, ann, "top", gs, 0, HIST_DIR_INO(d1), 5003),
		 0, "a trash entry for the folder: %s", st.errmsg);
	is_errno(pg_gtrash_add_tree(&st, ann, "top", gs, id, HIST_DIR_INO(d1),
				    &dir),
		 0, "its tree: %s", st.errmsg);
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM gtrash_item WHERE account_id = $1",
		       ann),
	       3, "three entries are the move's");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM gtrash_dir WHERE account_id = $1",
		       ann),
	       3, "view folders top, sub, and the trash's top");
	is_errno(pg_gtrash_add_tree(&st, ann, "top", gs, id, HIST_DIR_INO(d1),
				    &v),
		 0, "again: nothing doubled");
	is_int(v, dir, "the same GT_DIR folder");
	is_errno(pg_gtrash_find(&st, ann, "top", &hist, &hdir, &v), 0, "find");
	ok(hist == 0 && hdir == HIST_DIR_INO(d1) && v == dir,
	   "a folder: no entry, its view folder and GT_DIR id");
	is_errno(pg_gtrash_find(&st, bob, "top", &hist, &hdir, &v), -ENOENT,
		 "not bob's");
	is_errno(pg_gtrash_dir_get(&st, dir, ann, nm, sizeof(nm), &u), 0,
		 "GT_DIR folder");
	ok(strcmp(nm, "top") == 0 && u == HIST_DIR_INO(d1), "%s", nm);
	is_errno(pg_gtrash_dir_get(&st, dir, bob, nm, sizeof(nm), &u), -ENOENT,
		 "not bob's");
	is_errno(pg_gtrash_dir_live(&st, ann, "top", HIST_DIR_INO(d1)), 0,
		 "the move's entries are under top");
	is_errno(pg_gtrash_dir_live(&st, ann, "top",
				    HIST_TOP_INO(HIST_TOP_ROOT, gs)),
		 -ENOENT, "not under an unrelated folder");
	is_errno(pg_gtrash_dir_holds(&st, ann, "top", HIST_DIR_INO(d1)), 0,
		 "top holds more than its own deletion");
	is_errno(pg_gtrash_child_dir(&st, ann, "top", HIST_DIR_INO(d1), "sub",
				     &v),
		 0, "child folder sub");
	is_int(v,
	       pgt_one(&st, "SELECT id FROM gtrash_dir WHERE hdir = $1",
		       (int64_t)HIST_DIR_INO(d2)),
	       "its GT_DIR id");
	is_errno(pg_gtrash_child_dir(&st, ann, "top", HIST_DIR_INO(d1), "no",
				     &v),
		 -ENOENT, "no such child folder");
	is_errno(pg_gtrash_child_file(&st, ann, "top", HIST_DIR_INO(d2),
				      "f.txt", &v),
		 0, "child file");
	is_int(v, e1, "its entry");
	is_errno(pg_gtrash_dir_entry(&st, ann, "top", HIST_DIR_INO(d2), &v), 0,
		 "an entry in sub");
	is_int(v, e1, "the file's");
	is_errno(pg_gtrash_dir_names(&st, ann, "top", HIST_DIR_INO(d1), NULL,
				     &texts, &n),
		 0, "names in top");
	ok(n == 1 && strcmp(texts[0], "sub") == 0, "sub (%zu)", n);
	free_texts(texts, n);
	is_errno(pg_gtrash_dir_names(&st, ann, "top", HIST_DIR_INO(d2), "a",
				     &texts, &n),
		 0, "names in sub after a");
	ok(n == 1 && strcmp(texts[0], "f.txt") == 0, "f.txt (%zu)", n);
	free_texts(texts, n);
	is_errno(pg_gtrash_dir_names(&st, ann, "top", HIST_DIR_INO(d2), "f.txt",
				     &texts, &n),
		 0, "after f.txt");
	ok(n == 0 && texts == NULL, "none, NULL");
	is_errno(pg_gtrash_add(&st, ann, "f.txt", gs, e1, 0, 5004), 0,
		 "a file's entry");
	is_errno(pg_gtrash_add(&st, ann, "B", gs, e1, 0, 5004), 0, "another");
	is_errno(pg_gtrash_names(&st, ann, NULL, &texts, &n), 0, "names");
	ok(n == 3 && strcmp(texts[0], "B") == 0 &&
		   strcmp(texts[1], "f.txt") == 0 &&
		   strcmp(texts[2], "top") == 0,
	   "in byte order (%zu)", n);
	free_texts(texts, n);
	is_errno(pg_gtrash_names(&st, ann, "f.txt", &texts, &n), 0, "after");
	ok(n == 1 && strcmp(texts[0], "top") == 0, "top");
	free_texts(texts, n);
	is_errno(pg_gtrash_space(&st, ann, "f.txt", &v), 0, "its space");
	is_int(v, gs, "the group's");
	is_errno(pg_gtrash_space(&st, ann, "nope", &v), -ENOENT, "no entry");
	is_errno(pg_hview_gtrash_has(&st, ann, "top", e1), 0,
		 "the move to top made e1");
	is_errno(pg_hview_gtrash_has(&st, ann, "f.txt", e1), -ENOENT,
		 "a file's entry has no items");
	/* Replaced: what the old entry had goes with it (SQLite's REPLACE
	 * cascades). */
	is_errno(pg_gtrash_add(&st, ann, "top", gs, e3, 0, 6000), 0,
		 "top replaced by a file's entry: %s", st.errmsg);
	is_errno(pg_gtrash_find(&st, ann, "top", &hist, &hdir, &v), 0, "find");
	ok(hist == e3 && hdir == 0 && v == 0, "the new entry alone");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM gtrash_item WHERE account_id = $1",
		       ann),
	       0, "its old items went");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM gtrash_dir WHERE account_id = $1",
		       ann),
	       0, "and its GT_DIR folders");
	is_errno(pg_gtrash_remove(&st, ann, "top"), 0, "remove");
	is_errno(pg_gtrash_space(&st, ann, "top", &v), -ENOENT, "gone");
	is_errno(pg_hist_node(&st, e3, &v), 0, "its history stays");
	/* Live folders. */
	is_errno(pg_gtrash_some_child(&st, docs, nm, sizeof(nm)), 0,
		 "a name in Documents");
	is_str(nm, "v.txt", "its only one");
	is_errno(pg_gtrash_some_child(&st, info, nm, sizeof(nm)), -ENOENT,
		 "an empty folder");
	is_errno(pg_gtrash_tree_count(&st, groot, 100, &v), 0, "tree count");
	is_int(v, 3, "root, Documents, v.txt");
	is_errno(pg_gtrash_tree_count(&st, groot, 2, &v), 0, "limited");
	is_int(v, 2, "no further than the limit");
	is_errno(pg_gtrash_tree_count(&st, groot, -1, &v), 0, "no limit");
	is_int(v, 3, "all of it");
	is_errno(pg_gtrash_node_hist(&st, f1, &v), 0, "node's entry");
	is_int(v, e1, "e1");
	is_errno(pg_gtrash_node_hist(&st, docs, &v), 0, "a live node's");
	is_int(v, 0, "none");
	is_errno(pg_gtrash_node_hist(&st, 99999, &v), -ENOENT, "no node");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- the view ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_hview_space_owner(&st, gs, &v, &id), 0, "owner");
	ok(v == grp && id == 0, "a group's space");
	is_errno(pg_hview_space_owner(&st, ps, &v, &id), 0, "owner");
	ok(v == 0 && id == ann, "a private space");
	is_errno(pg_hview_space_owner(&st, 9999, &v, &id), -ENOENT, "none");
	is_errno(pg_hview_dir_up(&st, d2, &v, &u), 0, "up");
	ok(v == gs && u == HIST_DIR_INO(d1), "sub is in top");
	is_errno(pg_hview_dir_name(&st, d2, &u, small, sizeof(small)), 0,
		 "name");
	ok(u == HIST_DIR_INO(d1) && strcmp(small, "sub") == 0, "%s", small);
	is_errno(pg_hview_dir_up(&st, 9999, &v, &u), -ENOENT, "none");
	is_errno(pg_hview_dir_name(&st, 9999, &u, nm, 9), -ENOENT, "none");
	pg_hist_dir_add(&st, gs, HIST_DIR_INO(d1), "alpha", &d3);
	pg_hist_dir_add(&st, gs, HIST_DIR_INO(d1), "sub.1", &id);
	is_errno(pg_hview_dirs(&st, HIST_DIR_INO(d1), NULL, NULL, &names, &n),
		 0, "folders in top");
	ok(n == 3 && strcmp(names[0].name, "alpha") == 0 &&
		   strcmp(names[1].name, "sub") == 0 && names[1].id == d2 &&
		   strcmp(names[2].name, "sub.1") == 0 && names[2].at == 0,
	   "by name (%zu)", n);
	free(names);
	is_errno(pg_hview_dirs(&st, HIST_DIR_INO(d1), "sub", "alpha", &names,
			       &n),
		 0, "only sub or alpha");
	ok(n == 2 && names[0].id == d3 && names[1].id == d2, "two (%zu)", n);
	free(names);
	is_errno(pg_hview_dirs(&st, HIST_DIR_INO(d3), NULL, NULL, &names, &n),
		 0, "an empty one");
	ok(n == 0 && names == NULL, "none, NULL");
	/* Files: versions of x in sub, one older than the cutoff, and a drop
	 * folder's entry only its owner and depositor see. */
	ids[0] = entry(gs, HIST_VERSION, HIST_DIR_INO(d2), "x", false,
		       TOOL_DOCUMENTS, 100, add_node(gs, false, 1));
	ids[1] = entry(gs, HIST_VERSION, HIST_DIR_INO(d2), "x", false,
		       TOOL_DOCUMENTS, 300, add_node(gs, false, 2));
	ids[2] = entry(gs, HIST_TRASH, HIST_DIR_INO(d2), "a", false,
		       TOOL_DOCUMENTS, 200, add_node(gs, false, 3));
	ids[3] = entry(gs, HIST_TRASH, HIST_DIR_INO(d2), "old", false,
		       TOOL_DOCUMENTS, 10, add_node(gs, false, 4));
	{
		struct meta_hist_entry e = {
			.space = gs,
			.kind = HIST_TRASH,
			.hdir = HIST_DIR_INO(d2),
			.name = "drop",
			.tool = 4,
			.at = 400,
			.drop_owner = ann,
			.dropper = bob,
			.node = add_node(gs, false, 5),
		};

		is_errno(pg_hist_add(&st, &e, &ids[4]), 0, "a drop entry");
	}
	is_errno(pg_hview_files(&st, HIST_DIR_INO(d2), bob, 50, NULL, &names,
				&n),
		 0, "files bob sees");
	ok(n == 5 && names[0].id == ids[2] && names[1].id == ids[4] &&
		   names[2].id == e1 && names[3].id == ids[1] &&
		   names[4].id == ids[0] && names[3].at == 300,
	   "by name, latest first, not the old one (%zu)", n);
	free(names);
	is_errno(
		pg_hview_files(&st, HIST_DIR_INO(d2), bob, 50, "a", &names, &n),
		0, "only a, and the versions");
	ok(n == 3 && names[0].id == ids[2] && names[1].id == ids[1],
	   "a and x's two (%zu)", n);
	free(names);
	pg_run(&st,
	       "INSERT INTO account (username, first, last, email,"
	       " plan_id, created) VALUES ('cy', 'C', 'Y', 'c@x', $1, 0)",
	       "i", plan);
	pg_int(&st, &id, "SELECT id FROM account WHERE username = 'cy'", "");
	is_errno(pg_hview_entry_visible_node(&st, ids[4], bob, 50, &v), 0,
		 "the depositor sees the drop entry");
	is_errno(pg_hview_entry_visible_node(&st, ids[4], id, 50, &v), -ENOENT,
		 "another account does not");
	is_errno(pg_hview_entry_visible_node(&st, ids[3], bob, 50, &v), -ENOENT,
		 "nor anyone an entry past the cutoff");
	is_errno(pg_hview_entry_visible_node(&st, ids[3], bob, 0, &v), 0,
		 "within it, yes");
	is_int(v, pgt_one(&st, "SELECT node FROM hist WHERE id = $1", ids[3]),
	       "its node");
	is_errno(pg_hview_subtree_any(&st, HIST_DIR_INO(d1), bob, 50), 0,
		 "something visible under top");
	is_errno(pg_hview_subtree_any(&st, HIST_DIR_INO(d3), bob, 0), -ENOENT,
		 "nothing under alpha");
	/* top's own deletion entry: a folder entry in top itself. */
	e2 = entry(gs, HIST_TRASH, HIST_DIR_INO(d3), "alpha", true,
		   TOOL_DOCUMENTS, 700, 0);
	e3 = entry(gs, HIST_TRASH, HIST_DIR_INO(d3), "alpha", true,
		   TOOL_DOCUMENTS, 600, 0);
	others = true;
	is_errno(
		pg_hview_subtree_others(&st, HIST_DIR_INO(d3), bob, 0, &others),
		0, "others under alpha");
	ok(!others, "only its own deletions");
	is_errno(
		pg_hview_subtree_others(&st, HIST_DIR_INO(d1), bob, 0, &others),
		0, "others under top");
	ok(others, "yes");
	is_errno(pg_hview_own_any(&st, HIST_DIR_INO(d3), bob, 0, &v), 0,
		 "an own entry");
	ok(v == e2 || v == e3, "one of the two");
	is_errno(pg_hview_own_next(&st, HIST_DIR_INO(d3), bob, 0, 0, &v), 0,
		 "the earliest");
	is_int(v, e3, "by time");
	is_errno(pg_hview_own_next(&st, HIST_DIR_INO(d3), bob, 0, e2, &v), 0,
		 "the next by id");
	is_int(v, e3, "after e2");
	is_errno(pg_hview_own_next(&st, HIST_DIR_INO(d3), bob, 0, e3, &v),
		 -ENOENT, "no more");
	is_errno(pg_hview_own_any(&st, HIST_DIR_INO(d3), bob, 650, &v), 0,
		 "with a cutoff");
	is_int(v, e2, "only the later");
	is_errno(pg_hview_entry_space(&st, ids[4], &v), 0, "space");
	is_int(v, gs, "gs");
	is_errno(pg_hview_entry_tool(&st, ids[4], &v), 0, "tool");
	is_int(v, 4, "drop");
	is_errno(pg_hview_entry_hdir(&st, ids[4], &u), 0, "hdir");
	ok(u == HIST_DIR_INO(d2), "sub");
	is_errno(pg_hview_entry_tool(&st, 99999, &v), -ENOENT, "none");
	is_errno(pg_hview_entry_place(&st, ids[4], &u, nm, sizeof(nm), &v), 0,
		 "place");
	ok(u == HIST_DIR_INO(d2) && strcmp(nm, "drop") == 0 && v > 0, "%s", nm);
	is_errno(pg_hview_entry_place(&st, e2, &u, nm, sizeof(nm), &v), 0,
		 "a folder's");
	is_int(v, 0, "no node");
	is_errno(pg_hview_entry_origin(&st, ids[4], &o), 0, "origin");
	ok(o.space == gs && o.group == grp && o.drop_owner == ann &&
		   o.dropper == bob && o.hdir == HIST_DIR_INO(d2) &&
		   o.kind == HIST_TRASH && o.tool == 4 && !o.is_dir,
	   "all of it");
	is_errno(pg_hview_entry_origin(&st, 99999, &o), -ENOENT, "none");
	pg_run(&st, "UPDATE hist SET actor = $1 WHERE id = $2", "ii", ann,
	       ids[1]);
	is_errno(pg_hview_entry_detail(&st, ids[1], &det), 0, "detail");
	ok(det.kind == HIST_VERSION && !det.is_dir && det.at == 300 &&
		   strcmp(det.by, "ann") == 0 && det.size == 2 &&
		   det.hdir == HIST_DIR_INO(d2) && strcmp(det.name, "x") == 0,
	   "by %s, %lld bytes", det.by, (long long)det.size);
	is_errno(pg_hview_entry_detail(&st, e2, &det), 0, "a folder's");
	ok(det.is_dir && det.by[0] == '\0' && det.size == 0, "no actor");
	is_errno(pg_hview_entry_detail(&st, 99999, &det), -ENOENT, "none");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- restores ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	v = pgt_one(&st, "SELECT node FROM hist WHERE id = $1", ids[2]);
	is_errno(pg_hview_entry_release(&st, ids[2]), 0, "release");
	is_errno(pg_hist_node(&st, ids[2], &id), -ENOENT, "the entry went");
	is_int(pgt_one(&st, "SELECT count(*) FROM node WHERE id = $1", v), 1,
	       "its node did not");
	is_errno(
		pg_hview_node_relink(&st, v, TOOL_DOCUMENTS, 77, docs, "v.txt"),
		-EEXIST, "relinked under a taken name: -EEXIST");
	is_errno(pg_hview_node_relink(&st, v, TOOL_DOCUMENTS, 77, docs, "a"), 0,
		 "the transaction goes on: relinked as a: %s", st.errmsg);
	is_int(pgt_one(&st,
		       "SELECT nlink * 1000 + ctime + (hist IS NULL)::int FROM"
		       " node WHERE id = $1",
		       v),
	       1078,
	       "live: a link, ctime, no"
	       " entry");
	is_int(pgt_one(&st,
		       "SELECT child FROM dirent WHERE name = 'a'"
		       " AND parent = $1",
		       docs),
	       v, "named");
	id = pgt_one(&st, "SELECT node FROM hist WHERE id = $1", ids[0]);
	is_errno(pg_hview_node_unhold(&st, id), 0, "unhold");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM node WHERE id = $1"
		       " AND hist IS NULL",
		       id),
	       1, "hist NULL");
	f1 = pgt_one(&st, "SELECT node FROM hist WHERE id = $1", ids[1]);
	pg_run(&st, "UPDATE hist SET node = NULL WHERE id = $1", "i", ids[1]);
	is_errno(pg_hview_content_take(&st, f2, f1, 999), 0,
		 "content taken: %s", st.errmsg);
	is_int(pgt_one(&st,
		       "SELECT size * 10000 + ctime FROM node WHERE id = $1",
		       f2),
	       20999, "the version's size, ctime given");
	is_errno(pg_hist_node_size(&st, f1, &v), -ENOENT, "the version went");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- keep settings ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_hview_keep_set(&st, grp, -1, 9), 0, "versions only");
	is_int(pgt_one(&st,
		       "SELECT keep_days * 100 + keep_versions FROM grp WHERE"
		       " id = $1",
		       grp),
	       709, "days kept, versions set");
	is_errno(pg_hview_keep_set(&st, grp, 2, -1), 0, "days only");
	is_int(pgt_one(&st,
		       "SELECT keep_days * 100 + keep_versions FROM grp WHERE"
		       " id = $1",
		       grp),
	       209, "days set, versions kept");
	for (i = 0; i < 4; i++)
		entry(gs, HIST_VERSION, HIST_DIR_INO(d3), "w", false,
		      TOOL_DOCUMENTS, 8000 + i, 0);
	entry(gs, HIST_VERSION, HIST_DIR_INO(d2), "w", false, TOOL_DOCUMENTS,
	      8000, 0);
	is_errno(pg_hview_keep_prune(&st, gs, 650, 2), 0, "prune: %s",
		 st.errmsg);
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM hist WHERE space_id = $1 AND"
		       " at < 650",
		       gs),
	       0, "nothing older than the cutoff");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM hist WHERE hdir = $1 AND kind = 2",
		       (int64_t)HIST_DIR_INO(d3)),
	       2, "two versions per folder");
	is_int(pgt_one(&st,
		       "SELECT min(at) FROM hist WHERE hdir = $1 AND kind = 2",
		       (int64_t)HIST_DIR_INO(d3)),
	       8002, "the latest two");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM hist WHERE hdir = $1 AND kind = 2",
		       (int64_t)HIST_DIR_INO(d2)),
	       1, "the other folder's one stays");
	is_int(pgt_one(&st, "SELECT count(*) FROM hist WHERE id = $1", e2), 1,
	       "a trash entry past the count stays");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	pg_close(&st2);
	pg_close(&st);
	pgt_cluster_stop();
	return done_testing();
}
