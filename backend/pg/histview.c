// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for history's read-only view
 * (histview.c): query by query the translation of sqlite/histview.c.
 * Where they differ: a view folder's inode number is (1::bigint << 48) |
 * id (an int4 shifted by 48 is not); flags are bigints, so `h.is_dir AND
 * ...` is `h.is_dir <> 0 AND ...`; a name that may be taken (node_relink)
 * is ON CONFLICT DO NOTHING and -EEXIST when no row came in, so the
 * transaction goes on as it does on SQLite.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "pgdb.h"

/* The inode number of view folder x (a hist_dir row): HIST_DIR_INO. */
#define HDIR_X "((1::bigint << 48) | x.id)"

/* Visible to account $2, kept until $3 (hist row h). */
#define VISIBLE                                                                \
	" h.at >= $3 AND (h.tool <> 4 OR ((h.drop_owner = $2 OR"               \
	" h.dropper = $2) AND EXISTS (SELECT 1 FROM membership m JOIN space"   \
	" s2 ON s2.group_id = m.group_id WHERE s2.id = h.space_id AND"         \
	" m.account_id = h.drop_owner)))"

/* Whether `r` has a row; when it has none, `r` is freed (the caller
 * answers -ENOENT). */
static bool has_row(PGresult *r)
{
	if (PQntuples(r) > 0)
		return true;
	PQclear(r);
	return false;
}

int pg_hview_space_owner(struct store *st, int64_t space, int64_t *group,
			 int64_t *owner)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT coalesce(group_id, 0), coalesce(account_id, 0)"
		  " FROM space WHERE id = $1",
		  "i", space);
	if (rc)
		return rc;
	if (!has_row(r))
		return -ENOENT;
	*group = pg_col_int(r, 0, 0);
	*owner = pg_col_int(r, 0, 1);
	PQclear(r);
	return 0;
}

int pg_hview_dir_up(struct store *st, int64_t id, int64_t *space,
		    uint64_t *parent)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT space_id, parent FROM hist_dir WHERE id = $1",
		  "i", id);
	if (rc)
		return rc;
	if (!has_row(r))
		return -ENOENT;
	*space = pg_col_int(r, 0, 0);
	*parent = (uint64_t)pg_col_int(r, 0, 1);
	PQclear(r);
	return 0;
}

int pg_hview_dir_name(struct store *st, int64_t id, uint64_t *parent,
		      char *name, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT parent, name FROM hist_dir WHERE id = $1",
		  "i", id);
	if (rc)
		return rc;
	if (!has_row(r))
		return -ENOENT;
	*parent = (uint64_t)pg_col_int(r, 0, 0);
	copy_str(name, len, pg_col_text(r, 0, 1));
	PQclear(r);
	return 0;
}

/* The rows of `r` (id, name, and at in column `at_col` when >= 0) into
 * *out; frees `r`. */
static int names_collect(struct store *st, PGresult *r, int at_col,
			 struct meta_hview_name **out, size_t *n)
{
	struct meta_hview_name *v = NULL;
	int i, rows = PQntuples(r);

	if (rows > 0) {
		v = calloc((size_t)rows, sizeof(*v));
		if (!v) {
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
	}
	for (i = 0; i < rows; i++) {
		v[i].id = pg_col_int(r, i, 0);
		copy_str(v[i].name, sizeof(v[i].name), pg_col_text(r, i, 1));
		v[i].at = at_col >= 0 ? pg_col_int(r, i, at_col) : 0;
	}
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return 0;
}

int pg_hview_dirs(struct store *st, uint64_t parent, const char *only,
		  const char *base, struct meta_hview_name **out, size_t *n)
{
	PGresult *r;
	int rc;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  "SELECT id, name FROM hist_dir WHERE parent = $1 AND"
		  " ($2::text IS NULL OR name IN ($2::text, $3::text))"
		  " ORDER BY name",
		  "itt", (int64_t)parent, only, base);
	if (rc)
		return rc;
	return names_collect(st, r, -1, out, n);
}

int pg_hview_files(struct store *st, uint64_t hdir, int64_t account,
		   int64_t cutoff, const char *name,
		   struct meta_hview_name **out, size_t *n)
{
	PGresult *r;
	int rc;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  "SELECT h.id, h.name, h.node, h.at FROM hist h WHERE"
		  " h.hdir = $1 AND h.is_dir = 0 AND h.node IS NOT NULL AND"
		  " ($4::text IS NULL OR h.name = $4::text OR h.kind = 2)"
		  " AND" VISIBLE " ORDER BY h.name, h.at DESC, h.id DESC",
		  "iiit", (int64_t)hdir, account, cutoff, name);
	if (rc)
		return rc;
	return names_collect(st, r, 3, out, n);
}

int pg_hview_subtree_any(struct store *st, uint64_t hdir, int64_t account,
			 int64_t cutoff)
{
	int64_t one;

	return pg_int(st, &one,
		      "WITH RECURSIVE sub(id) AS (SELECT $1::bigint UNION ALL"
		      " SELECT " HDIR_X " FROM hist_dir x JOIN sub"
		      " ON x.parent = sub.id) SELECT 1 FROM hist h"
		      " WHERE h.hdir IN (SELECT id FROM sub) AND" VISIBLE
		      " LIMIT 1",
		      "iii", (int64_t)hdir, account, cutoff);
}

/* SQLite's walks the visible entries for one that is not the folder's
 * own; here the server looks for it. */
int pg_hview_subtree_others(struct store *st, uint64_t hdir, int64_t account,
			    int64_t cutoff, bool *others)
{
	int64_t found;
	int rc;

	rc = pg_int(
		st, &found,
		"WITH RECURSIVE sub(id) AS (SELECT $1::bigint UNION ALL"
		" SELECT " HDIR_X " FROM hist_dir x JOIN sub"
		" ON x.parent = sub.id) SELECT EXISTS (SELECT 1"
		" FROM hist h WHERE h.hdir IN (SELECT id FROM sub) AND" VISIBLE
		" AND NOT (h.is_dir <> 0 AND"
		" h.hdir = $1::bigint))",
		"iii", (int64_t)hdir, account, cutoff);
	if (rc == 0)
		*others = found != 0;
	return rc;
}

int pg_hview_own_any(struct store *st, uint64_t hdir, int64_t account,
		     int64_t cutoff, int64_t *id)
{
	return pg_int(st, id,
		      "SELECT h.id FROM hist h WHERE h.hdir = $1 AND"
		      " h.is_dir = 1 AND" VISIBLE " LIMIT 1",
		      "iii", (int64_t)hdir, account, cutoff);
}

int pg_hview_own_next(struct store *st, uint64_t hdir, int64_t account,
		      int64_t cutoff, int64_t after, int64_t *id)
{
	if (!after)
		return pg_int(st, id,
			      "SELECT h.id FROM hist h WHERE h.hdir = $1 AND"
			      " h.is_dir = 1 AND" VISIBLE " ORDER BY h.at"
			      " LIMIT 1",
			      "iii", (int64_t)hdir, account, cutoff);
	return pg_int(st, id,
		      "SELECT h.id FROM hist h WHERE h.hdir = $1 AND"
		      " h.is_dir = 1 AND h.id > $4 AND" VISIBLE
		      " ORDER BY h.id LIMIT 1",
		      "iiii", (int64_t)hdir, account, cutoff, after);
}

int pg_hview_entry_visible_node(struct store *st, int64_t id, int64_t account,
				int64_t cutoff, int64_t *node)
{
	return pg_int(st, node,
		      "SELECT h.node FROM hist h WHERE h.id = $1 AND"
		      " h.node IS NOT NULL AND" VISIBLE,
		      "iii", id, account, cutoff);
}

int pg_hview_entry_space(struct store *st, int64_t id, int64_t *space)
{
	return pg_int(st, space, "SELECT space_id FROM hist WHERE id = $1", "i",
		      id);
}

int pg_hview_entry_tool(struct store *st, int64_t id, int64_t *tool)
{
	return pg_int(st, tool, "SELECT tool FROM hist WHERE id = $1", "i", id);
}

int pg_hview_entry_hdir(struct store *st, int64_t id, uint64_t *hdir)
{
	int64_t v;
	int rc = pg_int(st, &v, "SELECT hdir FROM hist WHERE id = $1", "i", id);

	if (rc == 0)
		*hdir = (uint64_t)v;
	return rc;
}

int pg_hview_entry_place(struct store *st, int64_t id, uint64_t *hdir,
			 char *name, size_t len, int64_t *node)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT hdir, name, coalesce(node, 0), is_dir FROM hist"
		  " WHERE id = $1",
		  "i", id);
	if (rc)
		return rc;
	if (!has_row(r))
		return -ENOENT;
	*hdir = (uint64_t)pg_col_int(r, 0, 0);
	copy_str(name, len, pg_col_text(r, 0, 1));
	*node = pg_col_int(r, 0, 2);
	PQclear(r);
	return 0;
}

int pg_hview_entry_origin(struct store *st, int64_t id,
			  struct meta_hview_origin *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT h.space_id, coalesce(s.group_id, 0), h.dir,"
		  " h.drop_owner, h.dropper, h.hdir, h.kind, h.tool, h.is_dir"
		  " FROM hist h JOIN space s ON s.id = h.space_id"
		  " WHERE h.id = $1",
		  "i", id);
	if (rc)
		return rc;
	if (!has_row(r))
		return -ENOENT;
	out->space = pg_col_int(r, 0, 0);
	out->group = pg_col_int(r, 0, 1);
	out->dir = pg_col_int(r, 0, 2);
	out->drop_owner = pg_col_int(r, 0, 3);
	out->dropper = pg_col_int(r, 0, 4);
	out->hdir = (uint64_t)pg_col_int(r, 0, 5);
	out->kind = (int)pg_col_int(r, 0, 6);
	out->tool = (int)pg_col_int(r, 0, 7);
	out->is_dir = pg_col_int(r, 0, 8) != 0;
	PQclear(r);
	return 0;
}

int pg_hview_entry_detail(struct store *st, int64_t id,
			  struct meta_hview_detail *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT h.kind, h.is_dir, h.at, coalesce(a.username, ''),"
		  " coalesce(n.size, 0), h.hdir, h.name FROM hist h LEFT JOIN"
		  " account a ON a.id = h.actor LEFT JOIN node n ON n.id ="
		  " h.node WHERE h.id = $1",
		  "i", id);
	if (rc)
		return rc;
	if (!has_row(r))
		return -ENOENT;
	out->kind = (int)pg_col_int(r, 0, 0);
	out->is_dir = pg_col_int(r, 0, 1) != 0;
	out->at = pg_col_int(r, 0, 2);
	copy_str(out->by, sizeof(out->by), pg_col_text(r, 0, 3));
	out->size = pg_col_int(r, 0, 4);
	out->hdir = (uint64_t)pg_col_int(r, 0, 5);
	copy_str(out->name, sizeof(out->name), pg_col_text(r, 0, 6));
	PQclear(r);
	return 0;
}

int pg_hview_entry_release(struct store *st, int64_t id)
{
	int rc = pg_run(st, "UPDATE hist SET node = NULL WHERE id = $1", "i",
			id);

	if (rc == 0)
		rc = pg_run(st, "DELETE FROM hist WHERE id = $1", "i", id);
	return rc;
}

int pg_hview_node_relink(struct store *st, int64_t node, int tool,
			 int64_t ctime, int64_t parent, const char *name)
{
	int rc = pg_run(st,
			"UPDATE node SET hist = NULL, nlink = 1, tool = $1,"
			" ctime = $2 WHERE id = $3",
			"iii", (int64_t)tool, ctime, node);

	if (rc == 0)
		rc = pg_run(st,
			    "INSERT INTO dirent (parent, name, child)"
			    " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			    "iti", parent, name, node);
	if (rc == 0 && pg_changes(st) == 0)
		rc = store_fail(st, -EEXIST, "%s exists", name);
	return rc;
}

int pg_hview_node_unhold(struct store *st, int64_t node)
{
	return pg_run(st, "UPDATE node SET hist = NULL WHERE id = $1", "i",
		      node);
}

int pg_hview_content_take(struct store *st, int64_t live, int64_t from,
			  int64_t ctime)
{
	int rc = pg_run(st,
			"WITH u AS (UPDATE node SET (cid, cipher, chunked,"
			" size, mtime, ctime) = (SELECT cid, cipher,"
			" chunked, size, mtime, $1::bigint FROM node"
			" WHERE id = $2) WHERE id = $3)" PG_INLINE_COPY,
			"iii", ctime, from, live);

	if (rc == 0)
		rc = pg_node_content_clear(st, from);
	if (rc == 0)
		rc = pg_run(st, "DELETE FROM node WHERE id = $1", "i", from);
	return rc;
}

int pg_hview_gtrash_has(struct store *st, int64_t account, const char *name,
			int64_t hist)
{
	int64_t one;

	return pg_int(st, &one,
		      "SELECT 1 FROM gtrash_item WHERE account_id = $1 AND"
		      " name = $2 AND hist = $3",
		      "iti", account, name, hist);
}

int pg_hview_keep_set(struct store *st, int64_t gid, int64_t days,
		      int64_t versions)
{
	return pg_run(st,
		      "UPDATE grp SET keep_days = CASE WHEN $1::bigint < 0"
		      " THEN keep_days ELSE $1::bigint END, keep_versions ="
		      " CASE WHEN $2::bigint < 0 THEN keep_versions ELSE"
		      " $2::bigint END WHERE id = $3",
		      "iii", days, versions, gid);
}

int pg_hview_keep_prune(struct store *st, int64_t space, int64_t cutoff,
			int64_t versions)
{
	return pg_run(st,
		      "DELETE FROM hist WHERE space_id = $1 AND (at < $2"
		      " OR (kind = 2 AND id NOT IN (SELECT id FROM (SELECT"
		      " id, row_number() OVER (PARTITION BY hdir ORDER BY"
		      " at DESC, id DESC) AS r FROM hist WHERE space_id ="
		      " $1 AND kind = 2) AS v WHERE r <= $3)))",
		      "iii", space, cutoff, versions);
}
