// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's store-wide calls (backend/pg/store.c: content
 * rows, the content trash, the check's rules, items held open) and its
 * content engine (backend/pg/blob.c) on a throwaway cluster
 * (tests/pg/cluster.sh, started by pg_support.c).  Skipped (TAP SKIP)
 * only when the PostgreSQL server binaries are absent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pg_support.h"
#include "pgdb.h"
#include "tap.h"

static char conninfo[256];

static struct shared sh = {.origin = 4243, .hooks = &pgt_hooks};

static void texts_free(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* The rows breaking `rule`; -1 on error. */
static long long rule_count(struct store *st, enum meta_rule rule,
			    char **first)
{
	char **v = NULL;
	size_t n = 0;
	int rc = pg_check_rule(st, rule, &v, &n);

	if (rc) {
		diag("rule %d: %s", (int)rule, st->errmsg);
		return -1;
	}
	if (first)
		*first = n && v[0] ? strdup(v[0]) : NULL;
	texts_free(v, n);
	return (long long)n;
}

/* Record i of a test object: its bytes say which it is and how new. */
static void fill(unsigned char *rec, uint64_t i, int version)
{
	size_t k;

	for (k = 0; k < BLOB_RECORD; k++)
		rec[k] = (unsigned char)(i * 31 + k * 7 + (size_t)version);
}

static int each_count(void *arg, const unsigned char cid[16])
{
	int *n = arg;

	(void)cid;
	(*n)++;
	return 0;
}

static int each_stop(void *arg, const unsigned char cid[16])
{
	(void)arg;
	(void)cid;
	return 42;
}

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void test_content(struct store *st, int64_t space, int64_t docs)
{
	unsigned char cid[16], cid2[16], blob[5] = {1, 0, 2, 0, 3}, back[16];
	struct content ct;
	int64_t f, alias;
	size_t len;

	memset(cid, 0xab, sizeof(cid));
	memset(cid2, 0xcd, sizeof(cid2));
	is_errno(pg_begin(st, true), 0, "begin");
	f = pgt_node(st, space, false, 0);
	pg_run(st, "INSERT INTO dirent (parent, name, child) VALUES ($1,"
	       " 'c.txt', $2)", "ii", docs, f);
	is_errno(pg_content_set_inline(st, f, blob, sizeof(blob), cid, 5, 0),
		 0, "content set inline: %s", st->errmsg);
	memset(&ct, 0, sizeof(ct));
	is_errno(pg_content_get(st, f, &ct), 0, "content row read");
	ok(ct.ino == f && ct.space == space && ct.size == 5 && !ct.chunked &&
	   ct.cipher == 0 && !memcmp(ct.cid, cid, 16),
	   "its id, space, size, content id, not chunked");
	ok(ct.inline_len == sizeof(blob) && ct.inline_blob &&
	   !memcmp(ct.inline_blob, blob, sizeof(blob)),
	   "the inline blob byte for byte, NULs included");
	free(ct.inline_blob);
	{
		struct content both;
		struct room r1, r2;
		bool has = false;

		memset(&both, 0, sizeof(both));
		is_errno(pg_content_room(st, f, &both, &r1, &has), 0,
			 "content_room");
		is_errno(pg_space_room(st, space, &r2), 0, "space_room");
		ok(has && both.ino == f && both.size == 5 &&
		   both.inline_len == sizeof(blob) &&
		   r1.used == r2.used && r1.files == r2.files &&
		   r1.meta == r2.meta && r1.root == r2.root &&
		   r1.drop_dir == r2.drop_dir && r1.hist == r2.hist &&
		   r1.capacity == r2.capacity && r1.capacity > 0,
		   "  the content row, and the room as space_room gives it");
		free(both.inline_blob);
		is_errno(pg_content_room(st, 999999, &both, &r1, &has),
			 -ENOENT, "content_room: no such node");
	}
	is_int(pgt_one(st,
		       "SELECT mtime FROM node WHERE id = (SELECT max(id)"
		       " FROM node)",
		       0),
	       0, "touch 0 leaves mtime");
	/* A time in ns is past 32 bits: the parameter must be a bigint. */
	is_errno(pg_content_set_chunked(st, f, cid2, 100000,
					1700000000123456789LL),
		 0, "content set chunked, with a time: %s", st->errmsg);
	memset(&ct, 0, sizeof(ct));
	is_errno(pg_content_get(st, f, &ct), 0, "content row read");
	ok(ct.chunked && ct.size == 100000 && !memcmp(ct.cid, cid2, 16) &&
	   ct.inline_len == 0 && !ct.inline_blob,
	   "chunked, its new id and size, no inline blob");
	is_int(pgt_one(st,
		       "SELECT mtime + ctime FROM node WHERE id ="
		       " (SELECT max(id) FROM node)",
		       0),
	       2 * 1700000000123456789LL, "mtime and ctime are the touch");
	/* An alias stands for its node. */
	pg_int(st, &alias, "INSERT INTO node (space_id, tool, mode, nlink,"
	       " alias, atime, mtime, ctime) VALUES ($1, 1, 33188, 0, $2,"
	       " 0, 0, 0) RETURNING id", "ii", space, f);
	memset(&ct, 0, sizeof(ct));
	is_errno(pg_content_get(st, alias, &ct), 0, "through an alias");
	is_int(ct.ino, f, "the alias resolves to its node");
	{
		int64_t gen = -1, want = pgt_one(st, "SELECT v FROM meta"
						 " WHERE k = 'rights'", 0);
		bool is_alias = true;

		memset(&ct, 0, sizeof(ct));
		is_errno(pg_content_gen(st, f, &ct, &gen, &is_alias), 0,
			 "content_gen: %s", st->errmsg);
		ok(ct.ino == f && ct.size == 100000 && gen == want &&
		   !is_alias,
		   "  the content row, the rights generation, no alias");
		memset(&ct, 0, sizeof(ct));
		is_errno(pg_content_gen(st, alias, &ct, &gen, &is_alias), 0,
			 "content_gen through an alias");
		ok(ct.ino == f && is_alias,
		   "  the node's row, and the inode is an alias");
		is_errno(pg_content_gen(st, 999999, &ct, &gen, &is_alias),
			 -ENOENT, "content_gen: no such node");
	}
	pg_run(st, "DELETE FROM node WHERE id = $1", "i", alias);
	memset(&ct, 0, sizeof(ct));
	ct.size = 77;
	is_errno(pg_content_get(st, 999999, &ct), -ENOENT, "no such node");
	is_int(ct.size, 77, "out-parameter untouched");
	is_errno(pg_commit(st), 0, "commit");

	/* The trash: a chunked node deleted leaves its content id. */
	is_errno(pg_trash_next(st, back), -ENOENT, "the trash is empty");
	is_errno(pg_begin(st, true), 0, "begin");
	/* A malformed row, first in the table, is dropped on the way. */
	pg_run(st, "INSERT INTO trash (cid) VALUES ('\\x0102'::bytea)", "");
	pg_run(st, "DELETE FROM dirent WHERE child = $1", "i", f);
	pg_run(st, "DELETE FROM node WHERE id = $1", "i", f);
	is_errno(pg_commit(st), 0, "commit");
	is_errno(pg_trash_next(st, back), 0, "the trash names one");
	ok(!memcmp(back, cid2, 16), "the deleted node's content id");
	is_int(pgt_one(st, "SELECT count(*) FROM trash", 0), 1,
	       "the malformed row went");
	is_errno(pg_trash_drop(st, back), 0, "trash drop");
	is_errno(pg_trash_next(st, back), -ENOENT, "empty again");
	(void)len;
}

/* Each session empties what it trashed; a new one looks for what others
 * left once (pg_trash_next). */
static void test_trash_sessions(struct store *st, struct store *st2)
{
	static const unsigned char left[16] = {7, 7, 7};
	unsigned char back[16];

	is_errno(pg_trash_next(st, back), -ENOENT, "the trash is empty");
	is_errno(pg_begin(st2, true), 0, "begin");
	is_errno(pg_run(st2, "INSERT INTO trash (cid) VALUES ($1)", "b", left,
			(size_t)16),
		 0, "another process trashes content");
	is_errno(pg_commit(st2), 0, "and commits");
	is_errno(pg_trash_next(st, back), -ENOENT,
		 "this session, having found the trash empty, does not ask "
		 "again: the content is the other's to remove");
	is_int(pgt_one(st, "SELECT count(*) FROM trash", 0), 1,
	       "  it is still there");
	pg_close(st2);
	is_errno(pg_open(st2, conninfo, false, false), 0,
		 "the other process crashed; another connects");
	is_errno(pg_trash_next(st2, back), 0,
		 "  its first look finds what was left");
	ok(!memcmp(back, left, 16), "  that content id");
	is_errno(pg_trash_drop(st2, back), 0, "  and removes it");
	is_errno(pg_trash_next(st2, back), -ENOENT, "  empty");
}

static void test_blob(struct store *st)
{
	const struct blob_ops *e = &pg_blob_engine;
	unsigned char cid[16], other[16], *recs, *out;
	struct blob_stamp stamp;
	struct blob *b = NULL, *b2 = NULL;
	size_t got = 99, i;
	int n;
	bool same;

	ok(e->with_meta && e->dir == NULL && e->version == BLOB_OPS_VERSION,
	   "with the metadata, no folder of its own");
	memset(cid, 0x11, sizeof(cid));
	memset(other, 0x22, sizeof(other));
	recs = malloc(8 * BLOB_RECORD);
	out = malloc(8 * BLOB_RECORD);
	if (!recs || !out)
		return;
	is_errno(e->open(st, cid, false, &b), -ENOENT,
		 "open without create: not there");
	ok(b == NULL, "no handle");
	is_errno(pg_begin(st, true), 0, "begin");
	is_errno(e->open(st, cid, true, &b), 0, "open with create");
	is_errno(e->read(st, b, 0, 4, out, &got), 0, "read an empty object");
	is_int((long long)got, 0, "none held");
	for (i = 0; i < 5; i++)
		fill(recs + i * BLOB_RECORD, i, 1);
	is_errno(e->write(st, b, 0, 5, recs), 0, "write records 0..4: %s",
		 st->errmsg);
	is_int(pgt_one(st, "SELECT count(*) FROM chunk", 0), 5, "one row each");
	got = 0;
	is_errno(e->read(st, b, 0, 8, out, &got), 0, "read 8 from 0");
	is_int((long long)got, 5, "5 held: fewer past its end");
	ok(!memcmp(out, recs, 5 * BLOB_RECORD), "byte for byte");
	is_errno(e->read(st, b, 3, 2, out, &got), 0, "read 2 from 3");
	ok(got == 2 && !memcmp(out, recs + 3 * BLOB_RECORD, 2 * BLOB_RECORD),
	   "records 3 and 4");
	is_errno(e->read(st, b, 7, 1, out, &got), 0, "read past the end");
	is_int((long long)got, 0, "none");
	/* Overwrite 3..4 and grow to 6 in one write. */
	for (i = 3; i < 6; i++)
		fill(recs + i * BLOB_RECORD, i, 2);
	is_errno(e->write(st, b, 3, 3, recs + 3 * BLOB_RECORD), 0,
		 "write 3..5 over 3..4: %s", st->errmsg);
	is_errno(e->read(st, b, 0, 8, out, &got), 0, "read all");
	ok(got == 6 && !memcmp(out, recs, 6 * BLOB_RECORD),
	   "old 0..2, new 3..5");
	is_errno(e->truncate(st, b, 2), 0, "truncate to 2");
	is_errno(e->read(st, b, 0, 8, out, &got), 0, "read all");
	ok(got == 2 && !memcmp(out, recs, 2 * BLOB_RECORD), "2 left");
	is_errno(e->open(st, other, true, &b2), 0, "a second object");
	fill(recs, 9, 3);
	is_errno(e->write(st, b2, 0, 1, recs), 0, "one record");
	is_errno(pg_commit(st), 0, "commit");
	n = 0;
	is_errno(e->each(st, each_count, &n), 0, "each");
	is_int(n, 2, "each sees the 2 objects once");
	is_int(e->each(st, each_stop, NULL), 42, "each stops at nonzero");
	e->close(b2);
	b2 = NULL;
	is_errno(e->open(st, other, false, &b2), 0,
		 "open without create: there now");

	/* A rollback takes the rows with it. */
	is_errno(pg_begin(st, true), 0, "begin");
	fill(recs, 0, 4);
	is_errno(e->write(st, b, 0, 1, recs), 0, "overwrite record 0");
	pg_rollback(st);
	is_errno(e->read(st, b, 0, 1, out, &got), 0, "read after rollback");
	fill(recs, 0, 1);
	ok(got == 1 && !memcmp(out, recs, BLOB_RECORD),
	   "the record as committed");

	is_errno(pg_begin(st, true), 0, "begin");
	is_errno(e->remove(st, other), 0, "remove");
	is_errno(e->remove(st, other), 0, "remove again: 0, not there");
	is_errno(pg_commit(st), 0, "commit");
	n = 0;
	e->each(st, each_count, &n);
	is_int(n, 1, "each: one object left");
	e->close(b2);
	b2 = NULL;
	is_errno(e->open(st, other, false, &b2), -ENOENT, "removed: gone");
	ok(e->stamp(st, cid, &stamp) == -ENOTSUP,
	   "backup calls refuse: %s", st->errmsg);
	same = e->sync(st, b) == 0;
	ok(same, "sync: nothing to do");

	/* One statement per write against one per record: measured. */
	{
		enum { N = 256 };
		unsigned char *big = malloc(N * BLOB_RECORD);
		double t0, t1, t2;
		uint64_t k;

		if (big) {
			for (k = 0; k < N; k++)
				fill(big + k * BLOB_RECORD, k, 5);
			pg_begin(st, true);
			t0 = seconds();
			is_errno(e->write(st, b, 0, N, big), 0,
				 "%d records in one write", N);
			t1 = seconds();
			for (k = 0; k < N; k++)
				e->write(st, b, k, 1, big + k * BLOB_RECORD);
			t2 = seconds();
			diag("%d records: one write %.1f ms, one per record "
			     "%.1f ms", N, (t1 - t0) * 1e3, (t2 - t1) * 1e3);
			got = 0;
			e->read(st, b, 0, 8, out, &got);
			ok(got == 8 && !memcmp(out, big, 8 * BLOB_RECORD),
			   "read back");
			pg_commit(st);
			free(big);
		}
	}
	e->close(b);
	free(recs);
	free(out);
}

static void test_check(struct store *st, int64_t acct, int64_t space,
		       int64_t root, int64_t docs)
{
	char **v = NULL, *first = NULL;
	int64_t *ids = NULL, f, d, g;
	size_t n = 0;
	int i, bad;

	is_errno(pg_begin(st, false), 0, "a read transaction");
	is_errno(pg_check_integrity(st, &v, &n), 0, "integrity");
	is_int((long long)n, 0, "nothing to report");
	is_errno(pg_check_references(st, &v, &n), 0, "references");
	is_int((long long)n, 0, "nothing to report");
	for (bad = 0, i = 0; i < META_RULES; i++)
		if (rule_count(st, (enum meta_rule)i, NULL) < 0)
			bad++;
	is_int(bad, 0, "every rule's query runs");
	is_int(rule_count(st, META_RULE_SPACE_USED, NULL), 0,
	       "space used as counted");
	is_errno(pg_check_rule(st, META_RULES, &v, &n), -EINVAL,
		 "an unknown rule");
	pg_rollback(st);

	/* Break rules and see each named. */
	is_errno(pg_begin(st, true), 0, "begin");
	pg_run(st, "UPDATE space SET used = used + 1 WHERE id = $1", "i",
	       space);
	is_int(rule_count(st, META_RULE_SPACE_USED, &first), 1,
	       "space.used off by one");
	ok(first && atoll(first) == space, "names the space (%s)",
	   first ? first : "NULL");
	free(first);
	pg_run(st, "INSERT INTO hist_dir (space_id, parent, name)"
	       " VALUES ($1, 5, 'empty')", "i", space);
	is_int(rule_count(st, META_RULE_HIST_DIR_EMPTY, NULL), 1,
	       "an empty history folder (a 48-bit shift of a bigint)");
	f = pgt_node(st, space, false, 0);
	pg_run(st, "INSERT INTO dirent (parent, name, child) VALUES ($1,"
	       " 'a/b', $2)", "ii", docs, f);
	is_int(rule_count(st, META_RULE_BAD_NAME, &first), 1,
	       "a name holding a slash");
	{
		char want[64];

		snprintf(want, sizeof(want), "%lld/'a/b'", (long long)docs);
		is_str(first ? first : "NULL", want,
		       "named folder/'name', as SQLite's quote()");
	}
	free(first);
	is_int(rule_count(st, META_RULE_UNREACHABLE, NULL), 0,
	       "named in a reachable folder");
	d = pgt_node(st, space, true, 0);
	pg_run(st, "UPDATE node SET nlink = 2 WHERE id = $1", "i", d);
	is_int(rule_count(st, META_RULE_NODE_UNNAMED, &first), 1,
	       "a folder with no name");
	ok(first && atoll(first) == d, "names it (%s)", first ? first : "");
	free(first);
	is_int(rule_count(st, META_RULE_UNREACHABLE, NULL), 1,
	       "and unreachable");
	pg_int(st, &g, "INSERT INTO grp (name, name_key, created)"
	       " VALUES ('Team', 'team', 0) RETURNING id", "");
	pg_run(st, "INSERT INTO grp (name, name_key, created)"
	       " VALUES ('Crew', 'crew-x', 0)", "");
	is_int(rule_count(st, META_RULE_GROUP_NAME_KEY, &first), 1,
	       "a group whose key is not its name folded");
	is_str(first ? first : "NULL", "Crew", "names it");
	free(first);
	is_errno(pg_check_group_names(st, &v, &n), 0, "group names");
	ok(n == 2 && !strcmp(v[0], "Team") && !strcmp(v[1], "Crew"),
	   "in order of id");
	texts_free(v, n);
	is_errno(pg_check_files(st, &ids, &n), 0, "files");
	ok(n >= 1 && ids[n - 1] == f, "linked regular files by id, %zu", n);
	for (i = 1; i < (int)n; i++)
		if (ids[i] <= ids[i - 1])
			break;
	is_int(i, (long long)n, "ascending");
	free(ids);
	pg_rollback(st);
	(void)acct;
	(void)root;
	(void)g;
}

static void test_hold(struct store *st, struct store *st2, int64_t space)
{
	bool held = true;
	int64_t f;

	is_errno(pg_begin(st, true), 0, "begin");
	f = pgt_node(st, space, false, 0);
	is_errno(pg_commit(st), 0, "commit");
	is_errno(pg_node_held(st, f, &held), 0, "held?");
	ok(!held, "not held");
	is_errno(pg_node_hold(st2, f, true), 0, "held through one handle");
	is_errno(pg_node_held(st, f, &held), 0, "held?");
	ok(held, "seen held from another session");
	is_errno(pg_node_hold(st2, f, true), 0, "held twice");
	is_errno(pg_node_hold(st, f, false), 0,
		 "released once, through another handle");
	held = false;
	pg_node_held(st, f, &held);
	ok(held, "still held: marks nest");
	is_errno(pg_begin(st, true), 0, "begin");
	pg_run(st, "DELETE FROM node WHERE id = 1 AND id = 2", "");
	is_errno(pg_run(st, "INSERT INTO grp (id) VALUES (NULL)", ""), -EEXIST,
		 "a failed transaction");
	is_errno(pg_node_hold(st, f, false), 0,
		 "released in a failed transaction (its own session)");
	pg_rollback(st);
	is_errno(pg_node_held(st, f, &held), 0, "held?");
	ok(!held, "released");
	/* The holding session is killed: the marks are taken again. */
	is_errno(pg_node_hold(st, f, true), 0, "held");
	pg_run(st, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE"
	       " locktype = 'advisory' AND objid = $1::bigint::oid", "i", f);
	{
		int i;

		for (i = 0; i < 100 && pg_node_held(st, f, &held) == 0 && held;
		     i++)
			usleep(10000);
	}
	ok(!held, "its session killed: not held meanwhile");
	pg_node_hold(st, 1, true); /* may fail: the connection went */
	pg_node_hold(st, 1, true);
	held = false;
	is_errno(pg_node_held(st, f, &held), 0, "held?");
	ok(held, "held again on the new connection");
	pg_node_hold(st, 1, false);
	pg_node_hold(st, 1, false);
	pg_node_hold(st, f, false);
	pg_node_held(st, f, &held);
	ok(!held, "released");
}

int main(void)
{
	struct store st = {.sh = &sh}, st2 = {.sh = &sh};
	int64_t plan, acct, space, root, docs;
	int rc;

	rc = pgt_setup(&st, conninfo, sizeof(conninfo));
	if (rc)
		return rc == 77 ? 0 : done_testing();
	is_errno(pg_open(&st2, conninfo, false, false), 0, "a second one");
	pg_int(&st, &plan, "INSERT INTO plan (name, max_groups, max_members,"
	       " group_bytes, private_bytes) VALUES ('p', 1, 1, 10000000,"
	       " 10000000) RETURNING id", "");
	pg_int(&st, &acct, "INSERT INTO account (username, first, last,"
	       " email, plan_id, created) VALUES ('ann', 'A', 'N', 'a@x', $1,"
	       " gfs_now()) RETURNING id", "i", plan);
	pg_int(&st, &space, "INSERT INTO space (account_id) VALUES ($1)"
	       " RETURNING id", "i", acct);
	root = pgt_node(&st, space, true, 0);
	docs = pgt_node(&st, space, true, 0);
	pg_run(&st, "UPDATE node SET nlink = 3 WHERE id = $1", "i", root);
	pg_run(&st, "UPDATE space SET root = $1, documents = $2 WHERE id = $3",
	       "iii", root, docs, space);
	pg_run(&st, "INSERT INTO dirent (parent, name, child) VALUES ($1,"
	       " 'Documents', $2)", "ii", root, docs);
	is_errno(pg_commit(&st), 0, "a space: %s", st.errmsg);

	test_content(&st, space, docs);
	test_trash_sessions(&st, &st2);
	test_blob(&st);
	test_check(&st, acct, space, root, docs);
	test_hold(&st, &st2, space);

	pg_close(&st2);
	pg_close(&st);
	pgt_cluster_stop();
	return done_testing();
}
