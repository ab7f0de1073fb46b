// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's core (backend/pg/pgdb.c, schema.c) on a
 * throwaway cluster (tests/pg/cluster.sh): the schema and its migration,
 * the triggers' duties (space counters, folder counts, rights generation,
 * journal and its NOTIFY, history's hooks), the statement helpers, and
 * the errors the rules rely on: -EEXIST for a uniqueness, -EAGAIN for a
 * serialization failure, -EIO and a reconnection for a lost connection.
 * Skipped (TAP SKIP) only when the PostgreSQL server binaries are absent.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_support.h"
#include "pgdb.h"
#include "tap.h"

static char conninfo[256];

/* The hooks the engine calls back. */
static int gone_calls;
static int64_t gone_space;
static uint64_t gone_hdir;

static void hook_hist_gone(struct store *st, int64_t space, uint64_t hdir)
{
	gone_calls++;
	gone_space = space;
	gone_hdir = hdir;
}

static const struct meta_hooks hooks = {
	.node_open = pgt_node_open,
	.hist_gone = hook_hist_gone,
};

static struct shared sh = {.origin = 4242, .hooks = &hooks};

static int64_t used(struct store *st, int64_t space)
{
	return pgt_one(st, "SELECT used FROM space WHERE id = $1", space);
}

static int64_t files(struct store *st, int64_t space)
{
	return pgt_one(st, "SELECT files FROM space WHERE id = $1", space);
}

static int64_t meta_bytes(struct store *st, int64_t space)
{
	return pgt_one(st, "SELECT meta FROM space WHERE id = $1", space);
}

static int64_t hist_used(struct store *st, int64_t space)
{
	return pgt_one(st, "SELECT hist_used FROM space WHERE id = $1", space);
}

static int add_dirent(struct store *st, int64_t parent, const char *name,
		      int64_t child)
{
	return pg_run(st, "INSERT INTO dirent (parent, name, child)"
		      " VALUES ($1, $2, $3)", "iti", parent, name, child);
}

/* Wait (poll, up to 10 s) for the journal's notification of a change by
 * origin `want`. */
static bool await_notify(struct store *st, int64_t want)
{
	int64_t origin = 0;
	int i, rc;

	for (i = 0; i < 100; i++) {
		struct pollfd pfd = {.fd = pg_socket(st), .events = POLLIN};

		while ((rc = pg_notify_next(st, &origin)) == 1)
			if (origin == want)
				return true;
		if (rc < 0 || poll(&pfd, 1, 100) < 0)
			return false;
	}
	return false;
}

int main(void)
{
	struct store st = {.sh = &sh}, st2 = {.sh = &sh};
	int64_t plan, acct, space, root, docs, f1, f2, v, gen, seq, pid, v2;
	int64_t *ints = NULL;
	char **texts = NULL;
	unsigned char blob[6] = {0, 1, 2, 0, 255, 7}, back[16];
	size_t n, len;
	bool behind, fresh;
	int rc;

	rc = pgt_cluster_start(conninfo, sizeof(conninfo));
	if (rc == 77)
		return 0;
	if (!ok(rc == 0, "a throwaway cluster starts: %s", conninfo))
		return done_testing();

	/* ---- connection and schema ---- */
	is_errno(pg_open(&st, conninfo, false, true), 0, "connect: %s", st.errmsg);
	is_errno(pg_schema_behind(&st, &behind), 0, "schema version read");
	ok(behind, "an empty database is behind");
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_migrate(&st, &fresh), 0, "migrate: %s", st.errmsg);
	ok(fresh, "the first migration says the store is fresh");
	is_errno(pg_commit(&st), 0, "commit the schema");
	is_errno(pg_schema_behind(&st, &behind), 0, "schema version read");
	ok(!behind, "migrated: not behind");
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_migrate(&st, &fresh), 0, "migrate again");
	ok(!fresh, "a second migration finds the schema");
	is_errno(pg_commit(&st), 0, "commit");
	/* A store made by the groupfs before entry 4 (its entries are
	 * idempotent, so it runs again here as on such a store). */
	is_errno(pg_run(&st, "UPDATE gfs_schema SET version = 3", ""), 0,
		 "a store at schema version 3");
	is_errno(pg_schema_behind(&st, &behind), 0, "schema version read");
	ok(behind, "is behind");
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_migrate(&st, &fresh), 0, "migrates: %s", st.errmsg);
	ok(!fresh, "  and is not fresh");
	is_errno(pg_commit(&st), 0, "commit");
	is_int(pgt_one(&st,
		       "SELECT (l.lanname = 'plpgsql')::int FROM pg_proc p"
		       " JOIN pg_language l ON l.oid = p.prolang"
		       " WHERE p.proname = 'gfs_files_move'",
		       0),
	       1, "gfs_files_move is PL/pgSQL (its plan kept)");
	is_int(pgt_one(&st,
		       "SELECT (attstorage = 'e')::int FROM pg_attribute"
		       " WHERE attrelid = 'node_inline'::regclass"
		       " AND attname = 'data'",
		       0),
	       1, "node_inline.data is stored uncompressed");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM pg_trigger t JOIN pg_class c"
		       " ON c.oid = t.tgrelid WHERE NOT t.tgisinternal",
		       0),
	       53,
	       "SQLite's 51 triggers, the journal's NOTIFY, the generations'"
	       " notice");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
		       " AND NOT (condeferrable AND condeferred)",
		       0),
	       0, "every foreign key is checked at the commit (migration 7)");
	ok(pgt_one(&st, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'",
		   0) >= 30,
	   "  and the schema has its foreign keys");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM pg_trigger WHERE tgname ="
		       " 'journal_notify' AND pg_get_triggerdef(oid) LIKE"
		       " '%WHEN%groupfs.announced%'",
		       0),
	       1, "the journal's NOTIFY is called for a transaction's first"
	       " row of an origin (migration 8)");
	is_int(pgt_one(&st, "SELECT count(*) FROM node", 0), 1,
	       "the root node");
	is_int(pgt_one(&st, "SELECT v FROM meta WHERE k = 'rights'", 0), 0,
	       "rights generation starts at 0");

	/* ---- the statement helpers ---- */
	is_errno(pg_int(&st, &v, "SELECT id FROM node WHERE id = $1", "i",
			(int64_t)999),
		 -ENOENT, "no row is -ENOENT");
	is_int(pgt_one(&st, "SELECT 12345678901234::numeric", 0),
	       12345678901234, "numeric read as an integer");
	is_int(pgt_one(&st, "SELECT (-98765432109)::numeric(20,3)", 0),
	       -98765432109, "negative numeric with a scale");
	is_int(pgt_one(&st, "SELECT true", 0), 1, "boolean read as 1");
	is_int(pgt_one(&st, "SELECT 7::smallint + 0::smallint", 0), 7,
	       "smallint");
	is_int(pgt_one(&st, "SELECT '42'::text", 0), 42,
	       "text holding a number");
	is_errno(pg_blob(&st, back, sizeof(back), &len, "SELECT $1::bytea",
			 "b", blob, sizeof(blob)),
		 0, "bytea round trip");
	ok(len == sizeof(blob) && memcmp(back, blob, len) == 0,
	   "bytea comes back byte for byte, NULs included");
	{
		char *t = NULL;

		is_errno(pg_text(&st, &t, "SELECT $1::text", "t",
				 "caf\xe9 \xff"),
			 0, "text of bytes that are not UTF-8");
		is_str(t, "caf\xe9 \xff", "kept as given (SQL_ASCII)");
		free(t);
	}

	/* ---- a space and its counters ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	pg_int(&st, &plan, "INSERT INTO plan (name, max_groups, max_members,"
	       " group_bytes, private_bytes) VALUES ('p', 1, 1, 1000, 1000)"
	       " RETURNING id", "");
	is_int(pgt_one(&st, "SELECT v FROM meta WHERE k = 'rights'", 0), 1,
	       "a plan moves the rights generation");
	pg_int(&st, &acct, "INSERT INTO account (username, first, last,"
	       " email, plan_id, created) VALUES ('ann', 'A', 'N', 'a@x', $1,"
	       " gfs_now()) RETURNING id", "i", plan);
	is_errno(pg_int(&st, &space, "INSERT INTO space (account_id) VALUES"
			" ($1) RETURNING id", "i", acct),
		 0, "a space: %s", st.errmsg);
	root = pgt_node(&st, space, true, 0);
	ok(root > 1, "node ids go on after the root's (%lld)",
	   (long long)root);
	docs = pgt_node(&st, space, true, 0);
	pg_run(&st, "UPDATE space SET root = $1, documents = $2 WHERE id = $3",
	       "iii", root, docs, space);
	is_errno(add_dirent(&st, root, "Documents", docs), 0,
		 "the space's own folder named");
	is_int(files(&st, space), 0, "a name in the space's root is not "
	       "a member's file");
	f1 = pgt_node(&st, space, false, 100);
	is_int(used(&st, space), 100, "a file's bytes count in used");
	is_errno(add_dirent(&st, docs, "a.txt", f1), 0, "name a file");
	is_int(files(&st, space), 1, "a member's name counts in files");
	pg_run(&st, "UPDATE node SET size = 250 WHERE id = $1", "i", f1);
	is_int(used(&st, space), 250, "a size change moves used");
	pg_run(&st, "UPDATE dirent SET parent = $1 WHERE child = $2", "ii",
	       root, f1);
	is_int(files(&st, space), 0, "moved to the root: no longer counted");
	pg_run(&st, "UPDATE dirent SET parent = $1 WHERE child = $2", "ii",
	       docs, f1);
	is_int(files(&st, space), 1, "moved back: counted");
	pg_run(&st, "INSERT INTO xattr (node, name, value) VALUES ($1,"
	       " 'user.k', $2)", "ib", f1, blob, sizeof(blob));
	is_int(meta_bytes(&st, space), 6 + 6, "an xattr's bytes in meta");
	f2 = pgt_node(&st, space, false, 0);
	pg_run(&st, "UPDATE node SET target = 'abc' WHERE id = $1", "i", f2);
	is_int(meta_bytes(&st, space), 12 + 3, "a link target's bytes too");
	pg_run(&st, "UPDATE node SET hist = 1 WHERE id = $1", "i", f1);
	is_int(used(&st, space), 0, "kept by history: out of used");
	is_int(hist_used(&st, space), 250, "... into hist_used");
	is_int(meta_bytes(&st, space), 3, "... and its xattr out of meta");
	pg_run(&st, "UPDATE node SET hist = NULL WHERE id = $1", "i", f1);
	is_int(meta_bytes(&st, space), 15, "restored: its xattr back");
	pg_run(&st, "DELETE FROM dirent WHERE child = $1", "i", f1);
	is_int(files(&st, space), 0, "unnamed: files back to 0");
	pg_run(&st, "DELETE FROM node WHERE id = $1", "i", f1);
	is_int(used(&st, space), 0, "deleted: used back to 0");
	is_int(meta_bytes(&st, space), 3, "its xattr went with it");
	gen = pgt_one(&st, "SELECT v FROM meta WHERE k = 'rights'", 0);
	is_errno(pg_rights_gen(&st, &v), 0, "pg_rights_gen");
	is_int(v, gen, "  reads it");
	pg_run(&st, "INSERT INTO acl (node, perm, all_members) VALUES ($1, 1,"
	       " 1)", "i", docs);
	is_int(pgt_one(&st, "SELECT v FROM meta WHERE k = 'rights'", 0),
	       gen + 1, "an ACL change moves the rights generation");
	is_errno(pg_rights_gen(&st, &v), 0, "pg_rights_gen");
	is_int(v, gen + 1, "  which pg_rights_gen, read once per "
	       "transaction, knows (the trigger's notice)");
	is_int(pgt_one(&st,
		       "SELECT origin FROM journal ORDER BY seq DESC"
		       " LIMIT 1",
		       0),
	       4242, "journal rows carry our origin");
	pg_run(&st, "UPDATE node SET editors_all = 1 WHERE id = $1", "i",
	       docs);
	is_int(pgt_one(&st, "SELECT v FROM meta WHERE k = 'rights'", 0),
	       gen + 2, "editors moves it too");
	is_errno(pg_commit(&st), 0, "commit: %s", st.errmsg);

	/* ---- history's hooks ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	f1 = pgt_node(&st, space, false, 10);
	pg_run(&st, "INSERT INTO hist (id, space_id, kind, hdir, name, node,"
	       " tool, dir, at, cost) VALUES (77, $1, 1, 281474976710657,"
	       " 'x', $2, 1, $3, 0, 2048)", "iii", space, f1, docs);
	pg_run(&st, "UPDATE node SET hist = 77 WHERE id = $1", "i", f1);
	is_int(hist_used(&st, space), 10 + 2048, "an entry's cost in "
	       "hist_used");
	gone_calls = 0;
	pg_run(&st, "DELETE FROM hist WHERE id = 77", "");
	is_int(gone_calls, 1, "a history entry gone calls hist_gone");
	ok(gone_space == space && gone_hdir == 281474976710657ULL,
	   "with its space and view folder");
	is_errno(pg_int(&st, &v, "SELECT id FROM node WHERE id = $1", "i",
			f1), -ENOENT, "its item, not open, went with it");
	is_int(hist_used(&st, space), 0, "hist_used back to 0");
	is_errno(pg_commit(&st), 0, "commit");

	/* ---- a second connection: open items, NOTIFY ---- */
	is_errno(pg_open(&st2, conninfo, false, false), 0, "a second connection");
	is_errno(pg_begin(&st, true), 0, "begin");
	f1 = pgt_node(&st, space, false, 10);
	pg_run(&st, "INSERT INTO hist (id, space_id, kind, hdir, name, node,"
	       " tool, dir, at) VALUES (78, $1, 1, 5, 'y', $2, 1, $3, 0)",
	       "iii", space, f1, docs);
	pg_run(&st, "UPDATE node SET hist = 78 WHERE id = $1", "i", f1);
	is_errno(pg_commit(&st), 0, "commit");
	is_errno(pg_node_hold(&st2, (uint64_t)f1, true), 0,
		 "the other session holds the item open");
	is_int(pgt_one(&st, "SELECT count(*) FROM node WHERE gfs_node_open(id)",
		       0),
	       1, "gfs_node_open sees it, and only it");
	is_errno(pg_listen_start(&st2), 0, "LISTEN");
	is_errno(pg_begin(&st, true), 0, "begin");
	pg_run(&st, "DELETE FROM hist WHERE id = 78", "");
	is_int(pgt_one(&st,
		       "SELECT nlink * 10 + (hist IS NULL)::int FROM node"
		       " WHERE id = (SELECT max(id) FROM node)",
		       0),
	       1, "history let go of an open item: unlinked, hist NULL");
	is_errno(pg_commit(&st), 0, "commit");
	ok(await_notify(&st2, sh.origin),
	   "the commit's journal rows are announced to the listener, with "
	   "the writer's origin");
	is_errno(pg_node_hold(&st2, (uint64_t)f1, false), 0, "released");
	{
		bool held = true;

		is_errno(pg_node_held(&st, f1, &held), 0, "node_held");
		ok(!held, "pg_node_held waits for the release sent ahead");
	}
	is_int(pgt_one(&st, "SELECT count(*) FROM node WHERE gfs_node_open(id)",
		       0),
	       0, "no item open any more");
	/* A writer's new item: its hold goes ahead, and is in place once
	 * the writer commits (what others would look for it by). */
	is_errno(pg_begin(&st2, true), 0, "a writer");
	is_errno(pg_node_hold(&st2, (uint64_t)f1, true), 0,
		 "held in a writer's transaction");
	is_errno(pg_commit(&st2), 0, "its commit");
	is_int(pgt_one(&st, "SELECT count(*) FROM node WHERE gfs_node_open(id)",
		       0),
	       1, "the hold is in place once the writer committed");
	is_errno(pg_node_hold(&st2, (uint64_t)f1, false), 0, "released");
	pg_holds_settle(&st);
	is_int(pgt_one(&st, "SELECT count(*) FROM node WHERE gfs_node_open(id)",
		       0),
	       0, "and released once settled");

	/* A process's own announcements wake its poll but count for
	 * nothing: it never reads its own changes back.  Another origin's
	 * count. */
	{
		struct pollfd pfd = {.events = POLLIN};
		int fd = -1, got[2] = {-1, -1}, k;

		while (pg_notify_next(&st2, &seq) > 0)
			;
		ok(pg_listen(&st2, &fd) >= 0 && fd >= 0, "listening");
		for (k = 0; k < 2; k++) {
			is_errno(pg_begin(&st, true), 0, "begin");
			pg_run(&st, "INSERT INTO journal (origin, ino, parent, at)"
			       " VALUES ($1, 1, 0, 0)", "i",
			       k ? (int64_t)7 : sh.origin);
			is_errno(pg_commit(&st), 0, "a change by %s",
				 k ? "another process" : "this process");
			pfd.fd = fd;
			ok(poll(&pfd, 1, 10000) == 1, "  the socket wakes");
			got[k] = pg_listen(&st2, &fd);
		}
		is_int(got[0], 0, "pg_listen: this process's change is nothing");
		is_int(got[1], 1, "pg_listen: another's has arrived");
	}

	/* A transaction announces each origin of its journal rows once (its
	 * first row of that origin: migration 8), a savepoint rolled back
	 * takes its announcement with it, and the next transaction
	 * announces again. */
	{
		char seen[64] = "";
		int k;

		while (pg_notify_next(&st2, &seq) > 0)
			;
		for (k = 0; k < 2; k++) {
			is_errno(pg_begin(&st, true), 0, "begin");
			pg_run(&st, "INSERT INTO journal (origin, ino, parent,"
			       " at) VALUES (7, 1, 0, 0), (7, 2, 0, 0)", "");
			pg_run(&st, "INSERT INTO journal (origin, ino, parent,"
			       " at) VALUES (7, 3, 0, 0)", "");
			is_errno(pg_savepoint(&st), 0, "savepoint");
			pg_run(&st, "INSERT INTO journal (origin, ino, parent,"
			       " at) VALUES (9, 1, 0, 0)", "");
			is_errno(pg_savepoint_end(&st, false), 0,
				 "its origin 9 rolled back");
			pg_run(&st, "INSERT INTO journal (origin, ino, parent,"
			       " at) VALUES (8, 1, 0, 0)", "");
			is_errno(pg_commit(&st), 0, "rows of origins 7 and 8");
		}
		/* Collect what arrives until the second transaction's 8. */
		for (k = 0; k < 200 && strlen(seen) < sizeof(seen) - 4; k++) {
			struct pollfd pfd = {.fd = pg_socket(&st2),
					     .events = POLLIN};
			int rc2;

			while ((rc2 = pg_notify_next(&st2, &seq)) == 1)
				snprintf(seen + strlen(seen),
					 sizeof(seen) - strlen(seen), "%lld ",
					 (long long)seq);
			if (rc2 < 0 || strcmp(seen, "7 8 7 8 ") == 0 ||
			    strlen(seen) >= 8)
				break;
			poll(&pfd, 1, 50);
		}
		is_str(seen, "7 8 7 8 ",
		       "each transaction announced 7 and 8 once, 9 never");
	}

	/* An announcement that comes in while the listener reads (its
	 * journal, a read-only COMMIT sent ahead) is consumed from the
	 * socket by that read or by pg_listen: pg_listen says so, or poll
	 * would wait for the next one. */
	{
		struct pollfd pfd = {.events = POLLIN};
		int fd = -1, arrived, woke = 0;

		ok(pg_listen(&st2, &fd) >= 0 && fd >= 0, "listening");
		is_errno(pg_begin(&st, true), 0, "begin");
		pg_run(&st, "INSERT INTO journal (origin, ino, parent, at)"
		       " VALUES (1, 1, 0, 0)", "");
		is_errno(pg_commit(&st), 0, "a change is announced");
		is_errno(pg_begin(&st2, false), 0, "the listener reads");
		is_errno(pg_int(&st2, &v, "SELECT 1", ""), 0, "  a statement");
		is_errno(pg_commit(&st2), 0, "  (its COMMIT sent ahead)");
		arrived = pg_listen(&st2, &fd);
		ok(arrived >= 0, "pg_listen: %s", st2.errmsg);
		if (arrived == 0) {
			pfd.fd = fd;
			woke = poll(&pfd, 1, 10000) > 0;
		}
		ok(arrived == 1 || woke,
		   "the announcement is reported (%d) or still to be polled",
		   arrived);
		while (pg_notify_next(&st2, &seq) > 0)
			;
	}

	/* ---- errors ---- */
	/* A row referring to a missing one (a bug of the rules) is let
	 * through by its statement and fails the commit, which keeps
	 * nothing of the transaction. */
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(add_dirent(&st, docs, "dangling", 987654321), 0,
		 "a name of a missing node: the statement passes");
	is_errno(pg_commit(&st), -EEXIST, "the commit fails: %s", st.errmsg);
	ok(strstr(st.errmsg, "foreign key") != NULL,
	   "  and says it is a foreign key: %s", st.errmsg);
	ok(!pg_txn_active(&st), "no transaction after");
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM dirent WHERE name = 'dangling'", 0),
	       0, "nothing of it was kept");
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(add_dirent(&st, docs, "taken", root), 0, "a name");
	is_errno(add_dirent(&st, docs, "taken", root), -EEXIST,
		 "the same name again: -EEXIST");
	is_errno(pg_int(&st, &v, "SELECT 1", ""), -EEXIST,
		 "the failed transaction answers its first error again");
	is_errno(pg_commit(&st), -EEXIST, "and its commit too");
	ok(!pg_txn_active(&st), "no transaction after");
	is_int(pgt_one(&st, "SELECT count(*) FROM dirent WHERE name = 'taken'",
		       0),
	       0, "nothing of it was kept");
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(add_dirent(&st, docs, "taken", root), 0, "a name");
	is_errno(pg_savepoint(&st), 0, "savepoint");
	is_errno(add_dirent(&st, docs, "taken", root), -EEXIST, "-EEXIST");
	is_errno(pg_savepoint_end(&st, false), 0, "rolled back to it");
	is_errno(add_dirent(&st, docs, "taken 2", root), 0,
		 "the transaction goes on");
	is_errno(pg_commit(&st), 0, "and commits: %s", st.errmsg);
	is_int(pgt_one(&st,
		       "SELECT count(*) FROM dirent WHERE name LIKE"
		       " 'taken%'",
		       0),
	       2, "both names kept");
	is_errno(pg_texts(&st, &texts, &n, "SELECT name FROM dirent WHERE"
			  " parent = $1 ORDER BY name", "i", docs),
		 0, "names in order");
	ok(n == 2 && strcmp(texts[0], "taken") == 0 &&
	   strcmp(texts[1], "taken 2") == 0, "%zu names", n);
	while (n)
		free(texts[--n]);
	free(texts);
	pg_run(&st, "INSERT INTO dirent (parent, name, child) VALUES ($1,"
	       " 'B', $2), ($1, 'a', $2)", "ii", docs, root);
	is_errno(pg_texts(&st, &texts, &n, "SELECT name FROM dirent WHERE"
			  " parent = $1 ORDER BY name", "i", docs),
		 0, "names in byte order");
	ok(n == 4 && strcmp(texts[0], "B") == 0 && strcmp(texts[1], "a") == 0,
	   "'B' sorts before 'a' (COLLATE \"C\", as SQLite's BINARY)");
	while (n)
		free(texts[--n]);
	free(texts);

	/* Two writers, as on two machines: one at a time on the whole
	 * store.  The second waits for the first (here: gives up after its
	 * lock_timeout, -EBUSY at its first statement, its BEGIN having
	 * gone ahead; its rollback leaves no transaction open), then writes
	 * on top of the first's committed change. */
	is_errno(pg_run(&st2, "SET lock_timeout = '200ms'", ""), 0,
		 "writer 2 waits 200 ms at most");
	is_errno(pg_begin(&st, true), 0, "writer 1 begins");
	v = used(&st, space);
	is_errno(pg_begin(&st2, true), 0, "writer 2's BEGIN goes ahead");
	is_errno(pg_int(&st2, &v2, "SELECT 1", ""), -EBUSY,
		 "writer 2 cannot write while writer 1 writes");
	is_errno(pg_commit(&st2), -EBUSY, "  nor commit");
	ok(!pg_txn_active(&st2), "  and has no transaction open after");
	is_errno(pg_run(&st, "UPDATE space SET used = used + 1 WHERE id = $1",
			"i", space), 0, "writer 1 writes");
	is_errno(pg_commit(&st), 0, "writer 1 commits");
	is_errno(pg_begin(&st2, true), 0, "writer 2 begins after it");
	is_errno(pg_run(&st2, "UPDATE space SET used = used + 1 WHERE id = $1",
			"i", space), 0, "and writes");
	is_errno(pg_commit(&st2), 0, "and commits");
	is_int(used(&st, space), v + 2, "both increments kept");
	is_errno(pg_run(&st2, "SET lock_timeout = '30s'", ""), 0,
		 "writer 2 waits as long as before");

	/* A read-only transaction refuses writes. */
	is_errno(pg_begin(&st, false), 0, "read transaction");
	is_errno(pg_run(&st, "UPDATE space SET used = 0", ""), -EACCES,
		 "a write in it is -EACCES");
	pg_rollback(&st);

	/* ---- a lost connection ---- */
	pid = pgt_one(&st, "SELECT pg_backend_pid()", 0);
	{
		uint64_t gen0 = pg_conn_gen(&st);

		is_errno(pg_begin(&st, true), 0, "begin");
		is_errno(pg_int(&st, &v, "SELECT 1", ""), 0,
			 "a first statement");
		is_errno(pg_run(&st2, "SELECT pg_terminate_backend($1::int)",
				"i", pid), 0, "the server ends our session");
		is_errno(pg_int(&st, &v, "SELECT 1", ""), -EIO,
			 "a statement then is -EIO");
		is_errno(pg_int(&st, &v, "SELECT 1", ""), -EIO,
			 "and stays -EIO within the transaction");
		ok(pg_txn_active(&st), "the transaction is open until the "
		   "caller rolls back");
		pg_rollback(&st);
		is_errno(pg_begin(&st, true), 0, "the next begin reconnects");
		ok(pg_conn_gen(&st) == gen0 + 1, "a new connection");
		is_int(pgt_one(&st, "SELECT count(*) FROM node WHERE id = 1",
			       0),
		       1, "and works (statements prepared again)");
		is_errno(pg_commit(&st), 0, "commit");
		pid = pgt_one(&st, "SELECT pg_backend_pid()", 0);
		pg_run(&st2, "SELECT pg_terminate_backend($1::int)", "i", pid);
		is_errno(pg_begin(&st, true), 0, "a begin on a connection "
			 "lost while idle reconnects");
		is_int(pgt_one(&st, "SELECT count(*) FROM node WHERE id = 1",
			       0),
		       1, "  by the transaction's first statement, which "
		       "begins it again");
		ok(pg_conn_gen(&st) == gen0 + 2, "  on a new connection");
		is_errno(pg_commit(&st), 0, "  and commits");
		/* The same with a savepoint gone ahead too (a batch's). */
		pid = pgt_one(&st, "SELECT pg_backend_pid()", 0);
		is_errno(pg_begin(&st, true), 0, "begin");
		is_errno(pg_savepoint(&st), 0, "savepoint");
		pg_run(&st2, "SELECT pg_terminate_backend($1::int)", "i", pid);
		is_errno(pg_run(&st, "UPDATE space SET used = used WHERE id = "
				"$1", "i", space), 0,
			 "a lost connection under a fresh savepoint: the "
			 "statement runs on a new one");
		is_errno(pg_savepoint_end(&st, false), 0,
			 "  under the savepoint made again");
		is_errno(pg_commit(&st), 0, "  and commits");
	}

	/* ---- cascades ---- */
	is_errno(pg_begin(&st, true), 0, "begin");
	is_errno(pg_run(&st, "DELETE FROM account WHERE id = $1", "i", acct),
		 0, "deleting an account cascades to its space and nodes: %s",
		 st.errmsg);
	is_int(pgt_one(&st, "SELECT count(*) FROM node", 0), 1,
	       "only the root node is left");
	is_errno(pg_ints(&st, &ints, &n, "SELECT id FROM space", ""), 0,
		 "list");
	is_int((long long)n, 0, "no space left");
	free(ints);
	is_errno(pg_commit(&st), 0, "commit");

	pg_close(&st2);
	pg_close(&st);
	ok(st.eng == NULL, "closed: the handle is detached");
	pgt_cluster_stop();
	return done_testing();
}
