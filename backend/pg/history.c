// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for history: recording what goes
 * and the file managers' trash (history.c, gtrash.c).  Query by query the
 * translation of sqlite/history.c; where they differ:
 *  - a view folder's inode number is (1::bigint << 48) | id: an integer
 *    literal is int4 in PostgreSQL, and int4 << 48 is not that (HDIR_X);
 *  - a name that may be taken (hist_dir_add) is ON CONFLICT DO NOTHING
 *    and -EEXIST when no row came in, so the transaction goes on as it
 *    does on SQLite;
 *  - INSERT OR REPLACE INTO gtrash deleted the old row in SQLite, and its
 *    gtrash_item and gtrash_dir rows with it (the foreign keys cascade):
 *    here a DELETE then an INSERT, to the same effect;
 *  - SQLite's LIMIT on a recursive CTE's recursive part (which PostgreSQL
 *    refuses) bounds the rows of the whole CTE: here a LIMIT on the query
 *    that reads it, which PostgreSQL evaluates no further than it reads;
 *  - a negative LIMIT (SQLite: none) is LIMIT NULL.
 */
#include <errno.h>

#include "pgdb.h"

/* The inode number of view folder x or d (a hist_dir row), as
 * HIST_DIR_INO makes it. */
#define HDIR_X "((1::bigint << 48) | x.id)"
#define HDIR_D "((1::bigint << 48) | d.id)"

/* A space's capacity (sqlite/engine.h's SPACE_PLAN, SPACE_CAPACITY). */
#define SPACE_PLAN                                                             \
	" JOIN account qa ON qa.id = coalesce((SELECT m.account_id FROM"       \
	" membership m WHERE m.group_id = s.group_id AND m.role = 3),"         \
	" s.account_id) JOIN plan qp ON qp.id = qa.plan_id"
#define SPACE_CAPACITY                                                         \
	" CASE WHEN s.group_id IS NULL THEN qp.private_bytes"                  \
	" ELSE qp.group_bytes END"

/* ---- recording (history.c) ---- */

int pg_hist_keep(struct store *st, int64_t space, int64_t days,
		 int64_t versions, int64_t cost, int64_t dir,
		 struct hist_keep *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT coalesce(g.keep_days, $2::bigint),"
		  " coalesce(g.keep_versions, $3::bigint), s.used + s.meta"
		  " + s.hist_used + $4::bigint <=" SPACE_CAPACITY ","
		  " EXISTS (SELECT 1 FROM hist_dir WHERE id = $5)"
		  " FROM space s" SPACE_PLAN " LEFT JOIN grp g"
		  " ON g.id = s.group_id WHERE s.id = $1",
		  "iiiii", space, days, versions, cost, dir);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	out->days = pg_col_int(r, 0, 0);
	out->versions = pg_col_int(r, 0, 1);
	out->fits = pg_col_int(r, 0, 2) != 0;
	out->dir_exists = pg_col_int(r, 0, 3) != 0;
	PQclear(r);
	return 0;
}

int pg_hist_dir_find(struct store *st, uint64_t parent, const char *name,
		     int64_t *id)
{
	return pg_int(st, id,
		      "SELECT id FROM hist_dir WHERE parent = $1 AND name = $2",
		      "it", (int64_t)parent, name);
}

int pg_hist_dir_add(struct store *st, int64_t space, uint64_t parent,
		    const char *name, int64_t *id)
{
	int rc = pg_int(st, id,
			"INSERT INTO hist_dir (space_id, parent, name)"
			" VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
			" RETURNING id",
			"iit", space, (int64_t)parent, name);

	if (rc == -ENOENT)
		rc = store_fail(st, -EEXIST, "view folder %s exists", name);
	return rc;
}

int pg_hist_expire(struct store *st, int64_t space, int64_t before, bool *gone)
{
	int rc = pg_run(st, "DELETE FROM hist WHERE space_id = $1 AND at < $2",
			"ii", space, before);

	if (rc == 0)
		*gone = pg_changes(st) > 0;
	return rc;
}

/* With its node's change (hold_ctime, $14): one statement, the node's
 * row and the entry's each written once; the triggers run after both. */
int pg_hist_add(struct store *st, const struct meta_hist_entry *e, int64_t *id)
{
	return pg_int(st, id,
		      "WITH h AS (INSERT INTO hist (space_id, kind, hdir, name,"
		      " is_dir, tool, dir, at, actor, drop_owner, dropper, node,"
		      " cost) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
		      " $11, nullif($12::bigint, 0), $13::bigint +"
		      " coalesce((SELECT octet_length(target) FROM node"
		      " WHERE id = $12::bigint), 0) + coalesce((SELECT"
		      " sum(octet_length(name) + octet_length(value)) FROM"
		      " xattr WHERE node = $12::bigint), 0)) RETURNING id),"
		      " n AS (UPDATE node SET hist = (SELECT id FROM h),"
		      " nlink = 0, ctime = $14 WHERE $14::bigint <> 0"
		      " AND id = $12::bigint) SELECT id FROM h",
		      "iiitiiiiiiiiii", e->space, (int64_t)e->kind,
		      (int64_t)e->hdir, e->name, (int64_t)e->is_dir,
		      (int64_t)e->tool, e->dir, e->at, e->actor, e->drop_owner,
		      e->dropper, e->node, e->cost, e->hold_ctime);
}

int pg_hist_node_size(struct store *st, int64_t node, int64_t *size)
{
	return pg_int(st, size, "SELECT size FROM node WHERE id = $1", "i",
		      node);
}

int pg_hist_node_name(struct store *st, int64_t node, int64_t *parent,
		      char *name, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT parent, name FROM dirent WHERE child = $1 LIMIT 1",
		  "i", node);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	*parent = pg_col_int(r, 0, 0);
	copy_str(name, len, pg_col_text(r, 0, 1));
	PQclear(r);
	return 0;
}

/* SQLite's version of this took last_insert_rowid() even when no row was
 * copied (no such node); here that is -ENOENT. */
int pg_hist_version_node(struct store *st, int64_t node, bool fresh,
			 const unsigned char *cid, int64_t hist, int64_t *vid)
{
	int64_t id;
	int rc;

	rc = pg_int(st, &id,
		    "WITH v AS (INSERT INTO node (space_id, tool, mode, nlink,"
		    " size, creator, editors_all, atime, mtime, ctime, cid,"
		    " chunked, cipher, hist) SELECT space_id,"
		    " tool, mode, 0, CASE WHEN $2::bigint <> 0 THEN 0"
		    " ELSE size END, creator, editors_all, atime, mtime,"
		    " ctime, CASE WHEN $2::bigint <> 0 THEN $3 ELSE cid END,"
		    " CASE WHEN $2::bigint <> 0 THEN 0 ELSE chunked END,"
		    " cipher, $4 FROM node WHERE id = $1 RETURNING id),"
		    " c AS (INSERT INTO node_inline (node, data) SELECT v.id,"
		    " i.data FROM v, node_inline i WHERE i.node = $1"
		    " AND $2::bigint = 0) SELECT id FROM v",
		    "iibi", node, (int64_t)fresh, cid, (size_t)16, hist);
	if (rc == 0)
		rc = pg_run(st, "UPDATE hist SET node = $1 WHERE id = $2", "ii",
			    id, hist);
	if (rc == 0)
		*vid = id;
	return rc;
}

int pg_hist_node_empty(struct store *st, int64_t node, const unsigned char *cid)
{
	return pg_run(st,
		      "WITH u AS (UPDATE node SET cid = $1,"
		      " chunked = 0, size = 0 WHERE id = $2)"
		      " DELETE FROM node_inline WHERE node = $2",
		      "bi", cid, (size_t)16, node);
}

int pg_hist_trim(struct store *st, uint64_t hdir, int64_t keep, bool *gone)
{
	int rc = pg_run(st,
			"DELETE FROM hist WHERE hdir = $1 AND kind = 2 AND"
			" id NOT IN (SELECT id FROM hist WHERE hdir = $1"
			" AND kind = 2 ORDER BY at DESC, id DESC LIMIT CASE"
			" WHEN $2::bigint < 0 THEN NULL ELSE $2::bigint END)",
			"ii", (int64_t)hdir, keep);

	if (rc == 0)
		*gone = pg_changes(st) > 0;
	return rc;
}

int pg_hist_oldest(struct store *st, int64_t space, int64_t *id)
{
	return pg_int(st, id,
		      "SELECT id FROM hist WHERE space_id = $1 AND"
		      " (node IS NULL OR NOT gfs_node_open(node))"
		      " ORDER BY at, id LIMIT 1",
		      "i", space);
}

int pg_hist_remove(struct store *st, int64_t id)
{
	return pg_run(st, "DELETE FROM hist WHERE id = $1", "i", id);
}

int pg_hist_last_id(struct store *st, int64_t *id)
{
	return pg_int(st, id, "SELECT coalesce(max(id), 0) FROM hist", "");
}

int pg_hist_node(struct store *st, int64_t hist, int64_t *node)
{
	return pg_int(st, node,
		      "SELECT coalesce(node, 0) FROM hist WHERE id = $1", "i",
		      hist);
}

/* Is view folder `ino` (a hist_dir) empty: no entry in it, no folder
 * below it, none of .Trash-UID's entries showing it? */
#define HDIR_EMPTY                                                             \
	" NOT EXISTS (SELECT 1 FROM hist WHERE hdir = " HDIR_D ")"             \
	" AND NOT EXISTS (SELECT 1 FROM hist_dir c"                            \
	" WHERE c.parent = " HDIR_D ")"                                        \
	" AND NOT EXISTS (SELECT 1 FROM gtrash g"                              \
	" WHERE g.hdir = " HDIR_D ")"                                          \
	" AND NOT EXISTS (SELECT 1 FROM gtrash_dir g"                          \
	" WHERE g.hdir = " HDIR_D ")"

int pg_hist_dir_prune(struct store *st, int64_t id, int64_t *parent)
{
	int64_t up;
	int rc;

	rc = pg_int(st, &up,
		    "SELECT d.parent FROM hist_dir d WHERE"
		    " d.id = $1 AND" HDIR_EMPTY,
		    "i", id);
	if (rc == 0)
		rc = pg_run(st, "DELETE FROM hist_dir WHERE id = $1", "i", id);
	if (rc == 0)
		*parent = up;
	return rc;
}

int pg_hist_dirs_prune(struct store *st, int64_t space)
{
	int rc;

	do
		rc = pg_run(st,
			    "DELETE FROM hist_dir AS d WHERE ($1::bigint < 0"
			    " OR d.space_id = $1::bigint) AND" HDIR_EMPTY,
			    "i", space);
	while (rc == 0 && pg_changes(st) > 0);
	return rc;
}

/* ---- the file managers' trash (gtrash.c) ---- */

int pg_gtrash_uid(struct store *st, int64_t account, int64_t *uid)
{
	return pg_int(st, uid,
		      "SELECT coalesce(unix_uid, -1) FROM account"
		      " WHERE id = $1",
		      "i", account);
}

int pg_gtrash_info_folder(struct store *st, int64_t account, int64_t *ino)
{
	return pg_int(st, ino,
		      "SELECT d.child FROM space s JOIN dirent d ON"
		      " d.parent = s.root AND d.name = '" GTRASH_INFO_FOLDER
		      "' WHERE s.account_id = $1",
		      "i", account);
}

int pg_gtrash_dir_get(struct store *st, int64_t id, int64_t account, char *name,
		      size_t len, uint64_t *hdir)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT name, hdir FROM gtrash_dir WHERE id = $1 AND"
		  " account_id = $2",
		  "ii", id, account);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	copy_str(name, len, pg_col_text(r, 0, 0));
	*hdir = (uint64_t)pg_col_int(r, 0, 1);
	PQclear(r);
	return 0;
}

int pg_gtrash_dir_live(struct store *st, int64_t account, const char *name,
		       uint64_t hdir)
{
	int64_t one;

	return pg_int(st, &one,
		      "WITH RECURSIVE sub(id) AS (SELECT $3::bigint UNION ALL"
		      " SELECT " HDIR_X " FROM hist_dir x JOIN sub"
		      " ON x.parent = sub.id) SELECT 1 FROM gtrash_item i"
		      " JOIN hist h ON h.id = i.hist WHERE i.account_id = $1"
		      " AND i.name = $2 AND h.hdir IN (SELECT id FROM sub)"
		      " LIMIT 1",
		      "iti", account, name, (int64_t)hdir);
}

int pg_gtrash_find(struct store *st, int64_t account, const char *name,
		   int64_t *hist, uint64_t *hdir, int64_t *dir)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT coalesce(g.hist, 0), coalesce(g.hdir, 0),"
		  " coalesce((SELECT d.id FROM gtrash_dir d WHERE"
		  " d.account_id = g.account_id AND d.name = g.name AND"
		  " d.hdir = g.hdir), 0) FROM gtrash g"
		  " WHERE g.account_id = $1 AND g.name = $2",
		  "it", account, name);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	*hist = pg_col_int(r, 0, 0);
	*hdir = (uint64_t)pg_col_int(r, 0, 1);
	*dir = pg_col_int(r, 0, 2);
	PQclear(r);
	return 0;
}

int pg_gtrash_child_dir(struct store *st, int64_t account, const char *gtname,
			uint64_t hdir, const char *child, int64_t *id)
{
	return pg_int(st, id,
		      "SELECT g.id FROM gtrash_dir g JOIN hist_dir x ON"
		      " " HDIR_X " = g.hdir WHERE g.account_id = $1"
		      " AND g.name = $2 AND x.parent = $3 AND x.name = $4",
		      "itit", account, gtname, (int64_t)hdir, child);
}

int pg_gtrash_child_file(struct store *st, int64_t account, const char *gtname,
			 uint64_t hdir, const char *child, int64_t *hist)
{
	return pg_int(st, hist,
		      "SELECT h.id FROM hist h JOIN gtrash_item i ON"
		      " i.hist = h.id WHERE i.account_id = $1 AND i.name = $2"
		      " AND h.hdir = $3 AND h.name = $4 AND h.is_dir = 0 AND"
		      " h.node IS NOT NULL ORDER BY h.at DESC, h.id DESC"
		      " LIMIT 1",
		      "itit", account, gtname, (int64_t)hdir, child);
}

int pg_gtrash_dir_names(struct store *st, int64_t account, const char *gtname,
			uint64_t hdir, const char *after, char ***names,
			size_t *n)
{
	return pg_texts(st, names, n,
			"SELECT x.name FROM gtrash_dir g JOIN hist_dir x ON"
			" " HDIR_X " = g.hdir WHERE"
			" g.account_id = $1 AND g.name = $2 AND"
			" x.parent = $3 AND x.name > $4"
			" UNION SELECT h.name FROM hist h JOIN gtrash_item i"
			" ON i.hist = h.id WHERE i.account_id = $1 AND"
			" i.name = $2 AND h.hdir = $3 AND h.is_dir = 0 AND"
			" h.node IS NOT NULL AND h.name > $4 ORDER BY 1",
			"itit", account, gtname, (int64_t)hdir,
			after ? after : "");
}

int pg_gtrash_names(struct store *st, int64_t account, const char *after,
		    char ***names, size_t *n)
{
	return pg_texts(st, names, n,
			"SELECT name FROM gtrash WHERE account_id = $1 AND"
			" name > $2 ORDER BY name",
			"it", account, after ? after : "");
}

int pg_gtrash_some_child(struct store *st, int64_t dir, char *name, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT name FROM dirent WHERE parent = $1 LIMIT 1",
		  "i", dir);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	copy_str(name, len, pg_col_text(r, 0, 0));
	PQclear(r);
	return 0;
}

int pg_gtrash_tree_count(struct store *st, int64_t ino, int64_t limit,
			 int64_t *count)
{
	return pg_int(st, count,
		      "WITH RECURSIVE sub(id) AS (SELECT $1::bigint UNION ALL"
		      " SELECT d.child FROM dirent d JOIN sub ON"
		      " d.parent = sub.id) SELECT count(*) FROM (SELECT id"
		      " FROM sub LIMIT CASE WHEN $2::bigint < 0 THEN NULL"
		      " ELSE $2::bigint END) AS t",
		      "ii", ino, limit);
}

int pg_gtrash_node_hist(struct store *st, int64_t ino, int64_t *hist)
{
	return pg_int(st, hist,
		      "SELECT coalesce(hist, 0) FROM node WHERE id = $1", "i",
		      ino);
}

int pg_gtrash_add(struct store *st, int64_t account, const char *name,
		  int64_t space, int64_t hist, uint64_t hdir, int64_t at)
{
	int rc;

	/* SQLite's REPLACE: the old entry goes, with what cascades. */
	rc = pg_run(st,
		    "DELETE FROM gtrash WHERE account_id = $1 AND name = $2",
		    "it", account, name);
	if (rc == 0)
		rc = pg_run(st,
			    "INSERT INTO gtrash (account_id, name, space_id,"
			    " hist, hdir, at) VALUES ($1, $2, $3,"
			    " nullif($4::bigint, 0), nullif($5::bigint, 0),"
			    " $6)",
			    "itiiii", account, name, space, hist, (int64_t)hdir,
			    at);
	return rc;
}

int pg_gtrash_add_tree(struct store *st, int64_t account, const char *name,
		       int64_t space, int64_t first, uint64_t hdir,
		       int64_t *dir)
{
	int rc;

	rc = pg_run(st,
		    "INSERT INTO gtrash_item (account_id, name, hist)"
		    " SELECT $1::bigint, $2::text, id FROM hist WHERE"
		    " id > $3 AND space_id = $4 AND kind = $5"
		    " ON CONFLICT DO NOTHING",
		    "itiii", account, name, first, space, (int64_t)HIST_TRASH);
	if (rc == 0)
		rc = pg_run(st,
			    "WITH RECURSIVE up(d) AS (SELECT h.hdir FROM hist h"
			    " JOIN gtrash_item i ON i.hist = h.id WHERE"
			    " i.account_id = $1 AND i.name = $2 UNION"
			    " SELECT x.parent FROM hist_dir x JOIN up ON"
			    " " HDIR_X " = up.d WHERE"
			    " up.d <> $3::bigint)"
			    " INSERT INTO gtrash_dir (account_id, name, hdir)"
			    " SELECT $1::bigint, $2::text, d FROM up"
			    " UNION SELECT $1::bigint, $2::text, $3::bigint"
			    " ON CONFLICT DO NOTHING",
			    "iti", account, name, (int64_t)hdir);
	if (rc == 0)
		rc = pg_int(st, dir,
			    "SELECT id FROM gtrash_dir WHERE account_id = $1"
			    " AND name = $2 AND hdir = $3",
			    "iti", account, name, (int64_t)hdir);
	return rc;
}

int pg_gtrash_space(struct store *st, int64_t account, const char *name,
		    int64_t *space)
{
	return pg_int(st, space,
		      "SELECT space_id FROM gtrash WHERE account_id = $1 AND"
		      " name = $2",
		      "it", account, name);
}

int pg_gtrash_remove(struct store *st, int64_t account, const char *name)
{
	return pg_run(st,
		      "DELETE FROM gtrash WHERE account_id = $1 AND name = $2",
		      "it", account, name);
}

int pg_gtrash_dir_holds(struct store *st, int64_t account, const char *name,
			uint64_t hdir)
{
	int64_t one;

	return pg_int(st, &one,
		      "WITH RECURSIVE sub(id) AS (SELECT $3::bigint UNION ALL"
		      " SELECT " HDIR_X " FROM hist_dir x JOIN sub"
		      " ON x.parent = sub.id) SELECT 1 FROM gtrash_item i"
		      " JOIN hist h ON h.id = i.hist WHERE i.account_id = $1"
		      " AND i.name = $2 AND h.hdir IN (SELECT id FROM sub) AND"
		      " NOT (h.is_dir = 1 AND h.hdir = $3::bigint) LIMIT 1",
		      "iti", account, name, (int64_t)hdir);
}

int pg_gtrash_dir_entry(struct store *st, int64_t account, const char *name,
			uint64_t hdir, int64_t *hist)
{
	return pg_int(st, hist,
		      "SELECT h.id FROM gtrash_item i JOIN hist h ON"
		      " h.id = i.hist WHERE i.account_id = $1 AND i.name = $2"
		      " AND h.hdir = $3 LIMIT 1",
		      "iti", account, name, (int64_t)hdir);
}
