// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for the mounted tree's changes,
 * open files and daemons (fsdir.c, fsfile.c, fsitem.c, daemons.c); query
 * by query the translation of sqlite/vfs.c.
 *
 * Where it differs from SQLite: a rename onto a name taken
 * (meta_dirent_move) must not abort the transaction, so the UPDATE skips
 * it and -EEXIST comes from a second look; SQLite's LIKE ignores ASCII
 * case, so the item names' patterns are ILIKE; durability (meta_durable)
 * is the session's synchronous_commit, where SQLite's is synchronous.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

/* ---- names and links ---- */

int pg_dirent_del(struct store *st, int64_t parent, const char *name)
{
	return pg_run(st, "DELETE FROM dirent WHERE parent = $1 AND name = $2",
		      "it", parent, name);
}

int pg_dirent_set_child(struct store *st, int64_t parent, const char *name,
			int64_t child)
{
	return pg_run(st,
		      "UPDATE dirent SET child = $1 WHERE parent = $2 AND"
		      " name = $3",
		      "iit", child, parent, name);
}

int pg_dirent_move(struct store *st, int64_t parent, const char *name,
		   int64_t newparent, const char *newname)
{
	int64_t one;
	int rc;

	/* A name taken in newparent leaves the row as it is, and the
	 * transaction whole, as SQLite's failed UPDATE does. */
	rc = pg_run(st,
		    "UPDATE dirent SET parent = $1, name = $2 WHERE"
		    " parent = $3 AND name = $4 AND NOT EXISTS (SELECT 1"
		    " FROM dirent o WHERE o.parent = $1 AND o.name = $2 AND"
		    " (o.parent <> $3 OR o.name <> $4))",
		    "itit", newparent, newname, parent, name);
	if (rc || pg_changes(st) > 0)
		return rc;
	/* Nothing moved: no such name (0), or the new one is taken. */
	rc = pg_int(st, &one,
		    "SELECT 1 FROM dirent o WHERE o.parent = $1 AND"
		    " o.name = $2 AND (o.parent <> $3 OR o.name <> $4) AND"
		    " EXISTS (SELECT 1 FROM dirent WHERE parent = $3 AND"
		    " name = $4)",
		    "itit", newparent, newname, parent, name);
	if (rc == -ENOENT)
		return 0;
	if (rc == 0)
		rc = store_fail(st, -EEXIST,
				"database: the name %s is taken "
				"in folder %lld",
				newname, (long long)newparent);
	return rc;
}

int pg_dirent_any(struct store *st, int64_t parent)
{
	int64_t one;

	return pg_int(st, &one,
		      "SELECT 1 FROM dirent WHERE parent = $1 LIMIT 1", "i",
		      parent);
}

int pg_dirent_name(struct store *st, int64_t parent, int64_t child, char *name,
		   size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT name FROM dirent WHERE child = $1 AND parent = $2",
		  "ii", child, parent);
	if (rc)
		return rc;
	if (PQntuples(r) < 1)
		rc = -ENOENT;
	else
		copy_str(name, len, pg_col_text(r, 0, 0));
	PQclear(r);
	return rc;
}

int pg_node_nlink_add(struct store *st, int64_t ino, int delta, int64_t ctime)
{
	if (delta > 0)
		return pg_run(st,
			      "UPDATE node SET nlink = nlink + 1, ctime = $1"
			      " WHERE id = $2",
			      "ii", ctime, ino);
	return pg_run(st,
		      "UPDATE node SET nlink = nlink - 1, ctime = $1"
		      " WHERE id = $2",
		      "ii", ctime, ino);
}

int pg_node_unlinked(struct store *st, int64_t ino, int64_t ctime)
{
	return pg_run(st, "UPDATE node SET nlink = 0, ctime = $1 WHERE id = $2",
		      "ii", ctime, ino);
}

int pg_node_del(struct store *st, int64_t ino)
{
	return pg_run(st, "DELETE FROM node WHERE id = $1", "i", ino);
}

/* One statement: its parts share one snapshot, so the item's other
 * names are those but the one going. */
int pg_dirent_unname(struct store *st, int64_t parent, const char *name,
		     int64_t ino, int nlink_delta, int64_t time_ns)
{
	return pg_run(st,
		      "WITH d AS (DELETE FROM dirent WHERE parent = $1"
		      " AND name = $2), t AS (UPDATE node SET nlink = nlink"
		      " + $3::bigint, mtime = $4, ctime = $4 WHERE id = $1)"
		      " DELETE FROM item WHERE node = $5 AND dir = $1 AND"
		      " NOT EXISTS (SELECT 1 FROM dirent WHERE child = $5"
		      " AND parent = $1 AND name <> $2 AND (name ILIKE"
		      " '%.ics' OR name ILIKE '%.vcf'))",
		      "itiii", parent, name, (int64_t)nlink_delta, time_ns,
		      ino);
}

int pg_node_target_set(struct store *st, int64_t ino, const char *target)
{
	return pg_run(st,
		      "UPDATE node SET target = $1, size = $2 WHERE id = $3",
		      "tii", target, (int64_t)strlen(target), ino);
}

int pg_node_target(struct store *st, int64_t ino, char *buf, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT target FROM node WHERE id = $1", "i", ino);
	if (rc)
		return rc;
	if (PQntuples(r) < 1)
		rc = -ENOENT;
	else if (strlen(pg_col_text(r, 0, 0)) >= len)
		rc = -ENAMETOOLONG;
	else
		copy_str(buf, len, pg_col_text(r, 0, 0));
	PQclear(r);
	return rc;
}

int pg_node_tool_set(struct store *st, int64_t ino, int tool, int64_t ctime)
{
	return pg_run(st, "UPDATE node SET ctime = $1, tool = $2 WHERE id = $3",
		      "iii", ctime, (int64_t)tool, ino);
}

int pg_node_content_trash(struct store *st, int64_t ino)
{
	struct pgdb *db = pgdb(st);

	if (db)
		db->trash_unknown = true;
	return pg_run(st,
		      "INSERT INTO trash (cid) SELECT cid FROM node WHERE"
		      " id = $1 AND chunked = 1 AND cid IS NOT NULL"
		      " ON CONFLICT DO NOTHING",
		      "i", ino);
}

int pg_node_content_take(struct store *st, int64_t src, int64_t dst,
			 int64_t ctime)
{
	return pg_run(st,
		      "WITH u AS (UPDATE node SET (cid, cipher, chunked,"
		      " size, mode, atime, mtime, ctime) = (SELECT cid,"
		      " cipher, chunked, size, mode, atime, mtime,"
		      " $1::bigint FROM node WHERE id = $2) WHERE id = $3)"
		      PG_INLINE_COPY,
		      "iii", ctime, src, dst);
}

int pg_xattr_move(struct store *st, int64_t src, int64_t dst)
{
	int rc = pg_run(st, "DELETE FROM xattr WHERE node = $1", "i", dst);

	if (rc == 0)
		rc = pg_run(st, "UPDATE xattr SET node = $1 WHERE node = $2",
			    "ii", dst, src);
	return rc;
}

int pg_node_content_clear(struct store *st, int64_t ino)
{
	return pg_run(st,
		      "WITH u AS (UPDATE node SET cid = NULL,"
		      " chunked = 0, size = 0 WHERE id = $1)"
		      " DELETE FROM node_inline WHERE node = $1",
		      "i", ino);
}

int pg_node_alias(struct store *st, int64_t src, int64_t dst, int64_t ctime)
{
	return pg_run(st,
		      "UPDATE node SET nlink = 0, alias = $1, ctime = $2 WHERE"
		      " id = $3",
		      "iii", dst, ctime, src);
}

/* ---- open files and attributes ---- */

int pg_rights_gen_alias(struct store *st, int64_t ino, int64_t *gen,
			bool *alias)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT (SELECT v FROM meta WHERE k = 'rights'),"
		  " (SELECT alias FROM node WHERE id = $1)",
		  "i", ino);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		rc = -ENOENT;
	} else {
		*gen = pg_col_int(r, 0, 0);
		*alias = !pg_col_null(r, 0, 1);
	}
	PQclear(r);
	return rc;
}

int pg_node_nlink(struct store *st, int64_t ino, int64_t *nlink)
{
	return pg_int(st, nlink, "SELECT nlink FROM node WHERE id = $1", "i",
		      ino);
}

int pg_node_free_unlinked(struct store *st, int64_t ino)
{
	return pg_run(st,
		      "DELETE FROM node WHERE id = $1 AND nlink = 0 AND"
		      " hist IS NULL",
		      "i", ino);
}

int pg_nodes_free_unlinked(struct store *st)
{
	return pg_run(st, "DELETE FROM node WHERE nlink = 0 AND hist IS NULL",
		      "");
}

int pg_node_mtime_set(struct store *st, int64_t ino, int64_t t)
{
	return pg_run(st,
		      "UPDATE node SET mtime = $1, ctime = $1 WHERE id = $2",
		      "ii", t, ino);
}

int pg_space_root(struct store *st, int64_t space, int64_t *root)
{
	return pg_int(st, root, "SELECT root FROM space WHERE id = $1", "i",
		      space);
}

int pg_private_tool(struct store *st, int64_t account, int tool, int64_t *ino)
{
	static const char *const col[] = {
		[STORE_TOOL_DOCUMENTS] =
			"SELECT documents FROM space WHERE account_id = $1",
		[STORE_TOOL_CALENDAR] =
			"SELECT calendar FROM space WHERE account_id = $1",
		[STORE_TOOL_CONTACTS] =
			"SELECT contacts FROM space WHERE account_id = $1",
	};

	if (tool < 0 || (size_t)tool >= ARRAY_SIZE(col) || !col[tool])
		return -EINVAL;
	return pg_int(st, ino, col[tool], "i", account);
}

int pg_item_place(struct store *st, int64_t ino, int64_t *parent, char *name,
		  size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT parent, name FROM dirent WHERE child = $1"
		  " ORDER BY (name ILIKE '%.ics' OR name ILIKE '%.vcf') DESC"
		  " LIMIT 1",
		  "i", ino);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		rc = -ENOENT;
	} else {
		*parent = pg_col_int(r, 0, 0);
		copy_str(name, len, pg_col_text(r, 0, 1));
	}
	PQclear(r);
	return rc;
}

int pg_item_is(struct store *st, int64_t ino)
{
	int64_t one;

	return pg_int(st, &one, "SELECT 1 FROM item WHERE node = $1", "i", ino);
}

int pg_durable(struct store *st, bool full)
{
	/* A commit with synchronous_commit on flushes the write-ahead log
	 * up to its own record: every commit before it is durable too.  A
	 * reconnection sets the store's default again (pgdb.c). */
	if (!full) {
		pg_exec(st, "SET synchronous_commit = off");
		return 0;
	}
	return pg_exec(st, "SET synchronous_commit = on");
}

int pg_sync_mark(struct store *st)
{
	return pg_run(st, "UPDATE meta SET v = v + 1 WHERE k = 'sync'", "");
}

/* ---- the journal and the daemons ---- */

int pg_journal_end(struct store *st, int64_t *seq)
{
	return pg_int(st, seq, "SELECT coalesce(max(seq), 0) FROM journal", "");
}

int pg_journal_first(struct store *st, int64_t *seq)
{
	return pg_int(st, seq, "SELECT coalesce(min(seq), 0) FROM journal",
		      "");
}

static void changes_free(struct meta_change *v, size_t n)
{
	while (n)
		free(v[--n].name);
	free(v);
}

int pg_journal_since(struct store *st, int64_t seq, int64_t origin,
		     struct meta_change **out, size_t *n)
{
	struct meta_change *v = NULL;
	PGresult *r;
	int i, rows, rc;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  "SELECT seq, ino, parent, name FROM journal WHERE seq > $1"
		  " AND origin <> $2 ORDER BY seq LIMIT 4096",
		  "ii", seq, origin);
	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows > 0 && !(v = calloc((size_t)rows, sizeof(*v)))) {
		PQclear(r);
		return store_fail(st, -ENOMEM, "out of memory");
	}
	for (i = 0; i < rows; i++) {
		v[i].seq = pg_col_int(r, i, 0);
		v[i].ino = pg_col_int(r, i, 1);
		v[i].parent = pg_col_int(r, i, 2);
		if (!pg_col_null(r, i, 3) &&
		    !(v[i].name = strdup(pg_col_text(r, i, 3)))) {
			changes_free(v, (size_t)i);
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
	}
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return 0;
}

int pg_journal_trim(struct store *st, int64_t seq)
{
	return pg_run(st, "DELETE FROM journal WHERE seq <= $1", "i", seq);
}

int pg_journal_last_of(struct store *st, int64_t origin, int64_t *seq)
{
	return pg_int(st, seq,
		      "SELECT seq FROM journal WHERE origin = $1 ORDER BY seq"
		      " DESC LIMIT 1",
		      "i", origin);
}

/* A daemon's record is the meta row "daemon:PID:ORIGIN" (daemons.c). */
static void daemon_key(char *buf, size_t len, int64_t pid, int64_t origin)
{
	snprintf(buf, len, "daemon:%ld:%lld", (long)pid, (long long)origin);
}

/* That a daemon runs is a shared advisory lock its session holds, keyed
 * by its origin in the two-key form (objsubid 2: apart from the items
 * held open, pg_node_hold's one-key form): it goes with the session, so a
 * daemon killed or cut off, on whichever machine, holds nothing, where
 * its process id means nothing to another machine's kernel. */
#define DAEMON_RUNS                                                           \
	"EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory'"     \
	" AND l.objsubid = 2 AND l.granted AND l.database = (SELECT oid"      \
	" FROM pg_database WHERE datname = current_database())"              \
	" AND l.classid = ((o >> 32) & 4294967295)::oid"                     \
	" AND l.objid = (o & 4294967295)::oid)"

int pg_daemon_ack(struct store *st, int64_t pid, int64_t origin, int64_t seq)
{
	struct pgdb *db = pgdb(st);
	char key[64];
	int rc;

	daemon_key(key, sizeof(key), pid, origin);
	rc = pg_run(st,
		    "INSERT INTO meta (k, v) VALUES ($1, $2) ON CONFLICT (k)"
		    " DO UPDATE SET v = excluded.v WHERE excluded.v > meta.v",
		    "ti", key, seq);
	/* Once per connection (a new one has lost the old one's). */
	if (rc == 0 && (db->runs_gen != db->conn_gen ||
			db->runs_origin != origin)) {
		rc = pg_run(st, "SELECT pg_advisory_lock_shared($1::int,"
			    " $2::int)",
			    "ii", (int64_t)(int32_t)((uint64_t)origin >> 32),
			    (int64_t)(int32_t)(uint32_t)origin);
		if (rc == 0) {
			db->runs_gen = db->conn_gen;
			db->runs_origin = origin;
		}
	}
	return rc;
}

int pg_daemon_leave(struct store *st, int64_t pid, int64_t origin)
{
	struct pgdb *db = pgdb(st);
	char key[64];
	int rc;

	daemon_key(key, sizeof(key), pid, origin);
	rc = pg_run(st, "DELETE FROM meta WHERE k = $1", "t", key);
	if (rc == 0 && db->runs_gen == db->conn_gen &&
	    db->runs_origin == origin) {
		rc = pg_run(st, "SELECT pg_advisory_unlock_shared($1::int,"
			    " $2::int)",
			    "ii", (int64_t)(int32_t)((uint64_t)origin >> 32),
			    (int64_t)(int32_t)(uint32_t)origin);
		db->runs_gen = 0;
	}
	return rc;
}

int pg_daemon_behind(struct store *st, int64_t seq, struct meta_daemon **out,
		     size_t *n)
{
	struct meta_daemon *v = NULL;
	PGresult *r;
	long long origin;
	long pid;
	int rc, i, rows;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  "SELECT k, " DAEMON_RUNS "::int FROM (SELECT k, CASE WHEN"
		  " k ~ '^daemon:[0-9]+:-?[0-9]+$' THEN split_part(k, ':', 3)"
		  "::bigint END AS o FROM meta WHERE k >= 'daemon:' AND"
		  " k < 'daemon;' AND v < $1) d",
		  "i", seq);
	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows > 0 && !(v = malloc(sizeof(*v) * (size_t)rows)))
		rc = store_fail(st, -ENOMEM, "out of memory");
	for (i = 0; v && i < rows; i++) {
		if (sscanf(pg_col_text(r, i, 0), "daemon:%ld:%lld", &pid,
			   &origin) != 2)
			pid = origin = 0;
		v[i] = (struct meta_daemon){.pid = pid,
					    .origin = origin,
					    .alive = pg_col_int(r, i, 1) != 0};
	}
	PQclear(r);
	if (rc)
		return rc;
	*out = v;
	*n = (size_t)rows;
	return 0;
}
