// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for history's read-only view
 * (histview.c).
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Visible to account ?2, kept until ?3 (hist row h). */
#define VISIBLE                                                                \
	" h.at >= ?3 AND (h.tool <> 4 OR ((h.drop_owner = ?2 OR"               \
	" h.dropper = ?2) AND EXISTS (SELECT 1 FROM membership m JOIN space"   \
	" s2 ON s2.group_id = m.group_id WHERE s2.id = h.space_id AND"         \
	" m.account_id = h.drop_owner)))"

int sq_hview_space_owner(struct store *st, int64_t space, int64_t *group,
			   int64_t *owner)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT coalesce(group_id, 0), coalesce(account_id, 0)"
		 " FROM space WHERE id = ?",
		 "i", space);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*group = sqlite3_column_int64(s, 0);
	*owner = sqlite3_column_int64(s, 1);
	db_done(s);
	return 0;
}

int sq_hview_dir_up(struct store *st, int64_t id, int64_t *space,
		      uint64_t *parent)
{
	sqlite3_stmt *s = db_q(st,
			       "SELECT space_id, parent FROM hist_dir"
			       " WHERE id = ?",
			       "i", id);
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*space = sqlite3_column_int64(s, 0);
	*parent = (uint64_t)sqlite3_column_int64(s, 1);
	db_done(s);
	return 0;
}

int sq_hview_dir_name(struct store *st, int64_t id, uint64_t *parent,
			char *name, size_t len)
{
	sqlite3_stmt *s = db_q(st,
			       "SELECT parent, name FROM hist_dir"
			       " WHERE id = ?",
			       "i", id);
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*parent = (uint64_t)sqlite3_column_int64(s, 0);
	copy_str(name, len, col_text(s, 1));
	db_done(s);
	return 0;
}

/* The rows of `s` (id, name, and at in column `at_col` when >= 0) into
 * *out. */
static int names_collect(struct store *st, sqlite3_stmt *s, int at_col,
			 struct meta_hview_name **out, size_t *n)
{
	struct meta_hview_name *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		v[len].id = sqlite3_column_int64(s, 0);
		copy_str(v[len].name, sizeof(v[len].name), col_text(s, 1));
		v[len].at = at_col >= 0 ? sqlite3_column_int64(s, at_col) : 0;
		len++;
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_hview_dirs(struct store *st, uint64_t parent, const char *only,
		    const char *base, struct meta_hview_name **out, size_t *n)
{
	sqlite3_stmt *s;

	*out = NULL;
	*n = 0;
	s = db_q(st,
		 "SELECT id, name FROM hist_dir WHERE parent = ?1 AND"
		 " (?2 IS NULL OR name IN (?2, ?3)) ORDER BY name",
		 "itt", (int64_t)parent, only, base);
	if (!s)
		return -EIO;
	return names_collect(st, s, -1, out, n);
}

int sq_hview_files(struct store *st, uint64_t hdir, int64_t account,
		     int64_t cutoff, const char *name,
		     struct meta_hview_name **out, size_t *n)
{
	sqlite3_stmt *s;

	*out = NULL;
	*n = 0;
	s = db_q(st,
		 "SELECT h.id, h.name, h.node, h.at FROM hist h WHERE"
		 " h.hdir = ?1 AND h.is_dir = 0 AND h.node IS NOT NULL AND"
		 " (?4 IS NULL OR h.name = ?4 OR h.kind = 2) AND" VISIBLE
		 " ORDER BY h.name, h.at DESC, h.id DESC",
		 "iiit", (int64_t)hdir, account, cutoff, name);
	if (!s)
		return -EIO;
	return names_collect(st, s, 3, out, n);
}

int sq_hview_subtree_any(struct store *st, uint64_t hdir, int64_t account,
			   int64_t cutoff)
{
	int64_t one;

	return db_int(st, &one,
		      "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL"
		      " SELECT (1 << 48) | x.id FROM hist_dir x JOIN sub"
		      " ON x.parent = sub.id) SELECT 1 FROM hist h"
		      " WHERE h.hdir IN (SELECT id FROM sub) AND" VISIBLE
		      " LIMIT 1",
		      "iii", (int64_t)hdir, account, cutoff);
}

int sq_hview_subtree_others(struct store *st, uint64_t hdir, int64_t account,
			      int64_t cutoff, bool *others)
{
	sqlite3_stmt *s;
	bool found = false;
	int rc;

	s = db_q(
		st,
		"WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL"
		" SELECT (1 << 48) | x.id FROM hist_dir x JOIN sub"
		" ON x.parent = sub.id) SELECT h.id, h.is_dir AND h.hdir = ?1"
		" FROM hist h WHERE h.hdir IN (SELECT id FROM sub) AND" VISIBLE,
		"iii", (int64_t)hdir, account, cutoff);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (!sqlite3_column_int(s, 1)) {
			db_done(s);
			found = true;
			rc = 0;
			break;
		}
	}
	if (rc == 0)
		*others = found;
	return rc;
}

int sq_hview_own_any(struct store *st, uint64_t hdir, int64_t account,
		       int64_t cutoff, int64_t *id)
{
	return db_int(st, id,
		      "SELECT h.id FROM hist h WHERE h.hdir = ?1 AND"
		      " h.is_dir = 1 AND" VISIBLE " LIMIT 1",
		      "iii", (int64_t)hdir, account, cutoff);
}

int sq_hview_own_next(struct store *st, uint64_t hdir, int64_t account,
			int64_t cutoff, int64_t after, int64_t *id)
{
	sqlite3_stmt *s;
	int rc;

	if (!after)
		s = db_q(st,
			 "SELECT h.id FROM hist h WHERE h.hdir = ?1 AND"
			 " h.is_dir = 1 AND" VISIBLE " ORDER BY h.at",
			 "iii", (int64_t)hdir, account, cutoff);
	else
		s = db_q(st,
			 "SELECT h.id FROM hist h WHERE h.hdir = ?1 AND"
			 " h.is_dir = 1 AND h.id > ?4 AND" VISIBLE
			 " ORDER BY h.id",
			 "iiii", (int64_t)hdir, account, cutoff, after);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*id = sqlite3_column_int64(s, 0);
	db_done(s);
	return 0;
}

int sq_hview_entry_visible_node(struct store *st, int64_t id, int64_t account,
				  int64_t cutoff, int64_t *node)
{
	return db_int(st, node,
		      "SELECT h.node FROM hist h WHERE h.id = ?1 AND"
		      " h.node IS NOT NULL AND" VISIBLE,
		      "iii", id, account, cutoff);
}

int sq_hview_entry_space(struct store *st, int64_t id, int64_t *space)
{
	return db_int(st, space, "SELECT space_id FROM hist WHERE id = ?", "i",
		      id);
}

int sq_hview_entry_tool(struct store *st, int64_t id, int64_t *tool)
{
	return db_int(st, tool, "SELECT tool FROM hist WHERE id = ?", "i", id);
}

int sq_hview_entry_hdir(struct store *st, int64_t id, uint64_t *hdir)
{
	int64_t v;
	int rc = db_int(st, &v, "SELECT hdir FROM hist WHERE id = ?", "i", id);

	if (rc == 0)
		*hdir = (uint64_t)v;
	return rc;
}

int sq_hview_entry_place(struct store *st, int64_t id, uint64_t *hdir,
			   char *name, size_t len, int64_t *node)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT hdir, name, coalesce(node, 0), is_dir FROM hist"
		 " WHERE id = ?",
		 "i", id);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*hdir = (uint64_t)sqlite3_column_int64(s, 0);
	copy_str(name, len, col_text(s, 1));
	*node = sqlite3_column_int64(s, 2);
	db_done(s);
	return 0;
}

int sq_hview_entry_origin(struct store *st, int64_t id,
			    struct meta_hview_origin *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT h.space_id, coalesce(s.group_id, 0), h.dir,"
		 " h.drop_owner, h.dropper, h.hdir, h.kind, h.tool, h.is_dir"
		 " FROM hist h JOIN space s ON s.id = h.space_id"
		 " WHERE h.id = ?",
		 "i", id);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	out->space = sqlite3_column_int64(s, 0);
	out->group = sqlite3_column_int64(s, 1);
	out->dir = sqlite3_column_int64(s, 2);
	out->drop_owner = sqlite3_column_int64(s, 3);
	out->dropper = sqlite3_column_int64(s, 4);
	out->hdir = (uint64_t)sqlite3_column_int64(s, 5);
	out->kind = sqlite3_column_int(s, 6);
	out->tool = sqlite3_column_int(s, 7);
	out->is_dir = sqlite3_column_int(s, 8) != 0;
	db_done(s);
	return 0;
}

int sq_hview_entry_detail(struct store *st, int64_t id,
			    struct meta_hview_detail *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT h.kind, h.is_dir, h.at, coalesce(a.username, ''),"
		 " coalesce(n.size, 0), h.hdir, h.name FROM hist h LEFT JOIN"
		 " account a ON a.id = h.actor LEFT JOIN node n ON n.id ="
		 " h.node WHERE h.id = ?",
		 "i", id);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	out->kind = sqlite3_column_int(s, 0);
	out->is_dir = sqlite3_column_int(s, 1) != 0;
	out->at = sqlite3_column_int64(s, 2);
	copy_str(out->by, sizeof(out->by), col_text(s, 3));
	out->size = sqlite3_column_int64(s, 4);
	out->hdir = (uint64_t)sqlite3_column_int64(s, 5);
	copy_str(out->name, sizeof(out->name), col_text(s, 6));
	db_done(s);
	return 0;
}

int sq_hview_entry_release(struct store *st, int64_t id)
{
	int rc =
		db_run(st, "UPDATE hist SET node = NULL WHERE id = ?", "i", id);

	if (rc == 0)
		rc = db_run(st, "DELETE FROM hist WHERE id = ?", "i", id);
	return rc;
}

int sq_hview_node_relink(struct store *st, int64_t node, int tool,
			   int64_t ctime, int64_t parent, const char *name)
{
	int rc = db_run(st,
			"UPDATE node SET hist = NULL, nlink = 1, tool = ?,"
			" ctime = ? WHERE id = ?",
			"iii", (int64_t)tool, ctime, node);

	if (rc == 0)
		rc = db_run(st,
			    "INSERT INTO dirent (parent, name, child)"
			    " VALUES (?, ?, ?)",
			    "iti", parent, name, node);
	return rc;
}

int sq_hview_node_unhold(struct store *st, int64_t node)
{
	return db_run(st, "UPDATE node SET hist = NULL WHERE id = ?", "i",
		      node);
}

int sq_hview_content_take(struct store *st, int64_t live, int64_t from,
			    int64_t ctime)
{
	int rc = db_run(st,
			"UPDATE node SET (cid, cipher, chunked, size,"
			" mtime, ctime) = (SELECT cid, cipher,"
			" chunked, size, mtime, ?1 FROM node WHERE id = ?2)"
			" WHERE id = ?3",
			"iii", ctime, from, live);

	if (rc == 0)
		rc = sq_inline_copy(st, from, live);
	if (rc == 0)
		rc = sq_node_content_clear(st, from);
	if (rc == 0)
		rc = db_run(st, "DELETE FROM node WHERE id = ?", "i", from);
	return rc;
}

int sq_hview_gtrash_has(struct store *st, int64_t account, const char *name,
			  int64_t hist)
{
	int64_t one;

	return db_int(st, &one,
		      "SELECT 1 FROM gtrash_item WHERE"
		      " account_id = ? AND name = ? AND"
		      " hist = ?",
		      "iti", account, name, hist);
}

int sq_hview_keep_set(struct store *st, int64_t gid, int64_t days,
			int64_t versions)
{
	return db_run(st,
		      "UPDATE grp SET keep_days = iif(?1 < 0, keep_days,"
		      " ?1), keep_versions = iif(?2 < 0, keep_versions,"
		      " ?2) WHERE id = ?3",
		      "iii", days, versions, gid);
}

int sq_hview_keep_prune(struct store *st, int64_t space, int64_t cutoff,
			  int64_t versions)
{
	return db_run(st,
		      "DELETE FROM hist WHERE space_id = ?1 AND (at < ?2"
		      " OR (kind = 2 AND id NOT IN (SELECT id FROM (SELECT"
		      " id, row_number() OVER (PARTITION BY hdir ORDER BY"
		      " at DESC, id DESC) AS r FROM hist WHERE space_id ="
		      " ?1 AND kind = 2) WHERE r <= ?3)))",
		      "iii", space, cutoff, versions);
}
