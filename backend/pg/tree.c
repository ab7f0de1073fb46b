// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for the tree: nodes, names,
 * extended attributes and public links (node.c, xattr.c, link.c); query
 * by query the translation of sqlite/tree.c.
 *
 * Where it differs from SQLite: a name taken (meta_dirent_add) must not
 * abort the transaction, so the INSERT is ON CONFLICT DO NOTHING and its
 * -EEXIST comes from the count of rows it made; LIMIT takes no negative
 * number (SQLite's "no limit"), so the lists clamp theirs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

/* A node consumed by a save-pattern rename answers as the node that kept
 * its identity (sqlite/engine.h): queries by inode number go through
 * RESOLVE (the parameter is $1). */
#define RESOLVE                                                                \
	"coalesce((SELECT alias FROM node WHERE id = $1::bigint), $1::bigint)"

/* A count for LIMIT or OFFSET: PostgreSQL refuses a negative one. */
static int64_t count_arg(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* ---- nodes ---- */

/* node_info's columns, of node n with its space s and creator a. */
#define INFO_COLS_WITH(parent)                                                 \
	"n.id, n.space_id, " parent ", n.tool, n.mode, n.creator,"             \
	" n.editors_all, s.group_id, s.account_id, s.root, s.drop_dir,"        \
	" n.nlink, n.gen, coalesce(n.hist, 0), n.size, n.atime, n.mtime,"      \
	" n.ctime, a.unix_uid"
#define INFO_COLS                                                              \
	INFO_COLS_WITH("coalesce((SELECT parent FROM dirent WHERE child = n.id" \
		       " LIMIT 1), 0)")
#define INFO_JOINS                                                             \
	" LEFT JOIN space s ON s.id = n.space_id"                              \
	" LEFT JOIN account a ON a.id = n.creator"

/* Row `row` of a query of INFO_COLS, from column 0, into *out. */
static void info_row(const PGresult *r, int row, struct node_info *out)
{
	memset(out, 0, sizeof(*out));
	out->ino = pg_col_int(r, row, 0);
	out->space = pg_col_int(r, row, 1);
	out->parent = pg_col_int(r, row, 2);
	out->tool = (int)pg_col_int(r, row, 3);
	out->mode = (uint32_t)pg_col_int(r, row, 4);
	out->creator = pg_col_int(r, row, 5);
	out->editors_all = pg_col_int(r, row, 6) != 0;
	if (!pg_col_null(r, row, 7)) {
		out->kind = SPACE_GROUP;
		out->group = pg_col_int(r, row, 7);
	} else if (!pg_col_null(r, row, 8)) {
		out->kind = SPACE_PRIVATE;
		out->owner = pg_col_int(r, row, 8);
	}
	out->space_root = pg_col_int(r, row, 9);
	out->drop_dir = pg_col_int(r, row, 10);
	out->nlink = pg_col_int(r, row, 11);
	out->gen = (int)pg_col_int(r, row, 12);
	out->held = pg_col_int(r, row, 13);
	out->size = pg_col_int(r, row, 14);
	out->atime_ns = pg_col_int(r, row, 15);
	out->mtime_ns = pg_col_int(r, row, 16);
	out->ctime_ns = pg_col_int(r, row, 17);
	out->uid = pg_col_null(r, row, 18) ? -1 : pg_col_int(r, row, 18);
	out->attr = true;
}

/* The first row of a query of INFO_COLS (rc: the query's outcome) into
 * *out, and column 19 into *extra when not NULL; -ENOENT: no row. */
static int info_first(int rc, PGresult *r, struct node_info *out,
		      int64_t *extra)
{
	if (rc)
		return rc;
	if (PQntuples(r) < 1)
		rc = -ENOENT;
	else
		info_row(r, 0, out);
	if (rc == 0 && extra)
		*extra = pg_col_int(r, 0, 19);
	PQclear(r);
	return rc;
}

int pg_node_get(struct store *st, int64_t ino, struct node_info *out)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      "SELECT " INFO_COLS " FROM node n" INFO_JOINS
		      " WHERE n.id = " RESOLVE,
		      "i", ino);

	return info_first(rc, r, out, NULL);
}

int pg_node_attr(struct store *st, int64_t ino, struct store_attr *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT n.mode, n.nlink, n.size, n.atime, n.mtime, n.ctime,"
		  " a.unix_uid FROM node n LEFT JOIN account a"
		  " ON a.id = n.creator WHERE n.id = " RESOLVE,
		  "i", ino);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	memset(out, 0, sizeof(*out));
	out->ino = (uint64_t)ino;
	out->mode = (uint32_t)pg_col_int(r, 0, 0);
	out->nlink = (uint32_t)pg_col_int(r, 0, 1);
	out->size = (uint64_t)pg_col_int(r, 0, 2);
	out->atime_ns = pg_col_int(r, 0, 3);
	out->mtime_ns = pg_col_int(r, 0, 4);
	out->ctime_ns = pg_col_int(r, 0, 5);
	out->uid = pg_col_null(r, 0, 6) ? -1 : pg_col_int(r, 0, 6);
	PQclear(r);
	return 0;
}

int pg_node_creator(struct store *st, int64_t ino, int64_t *creator)
{
	return pg_int(st, creator,
		      "SELECT coalesce(creator, 0) FROM node WHERE id = $1",
		      "i", ino);
}

int pg_node_add(struct store *st, const struct meta_node_new *n, int64_t *ino)
{
	return pg_int(st, ino,
		      "INSERT INTO node (space_id, tool, mode, nlink, creator,"
		      " atime, mtime, ctime, cid, cipher) VALUES ($1, $2, $3,"
		      " $4, nullif($5::bigint, 0), $6::bigint, $6::bigint,"
		      " $6::bigint, $7, $8) RETURNING id",
		      "iiiiiibi", n->space, (int64_t)n->tool, (int64_t)n->mode,
		      n->nlink, n->creator, n->time_ns, n->cid, n->cid_len,
		      (int64_t)n->cipher);
}

static int name_taken(struct store *st, int64_t parent, const char *name)
{
	return store_fail(st, -EEXIST,
			  "database: the name %s is taken in folder %lld",
			  name, (long long)parent);
}

/* One round trip where there were four.  The name goes in only where
 * it is free and the folder changes only with it; the node's row comes
 * back from the INSERT itself (a statement's parts do not see each
 * other's rows), joined to its space and creator. */
/* One statement; its snapshot's space row is the room before (columns
 * 20-27: its id and pg_room_row's, NULL without a space). */
int pg_node_add_named(struct store *st, const struct meta_node_new *n,
		      int64_t parent, const char *name, int nlink_delta,
		      int64_t *ino, struct node_info *out, struct room *before,
		      bool *has_before)
{
	int64_t named = 0;
	PGresult *r;
	int rc;

	*has_before = false;
	rc = pg_q(st, &r,
		  "WITH n AS (INSERT INTO node (space_id, tool, mode, nlink,"
		  " creator, atime, mtime, ctime, cid, cipher) VALUES ($1, $2,"
		  " $3, $4, nullif($5::bigint, 0), $6::bigint, $6::bigint,"
		  " $6::bigint, $7, $8) RETURNING *),"
		  " d AS (INSERT INTO dirent (parent, name, child)"
		  " SELECT $9, $10, id FROM n ON CONFLICT (parent, name)"
		  " DO NOTHING RETURNING child),"
		  " t AS (UPDATE node SET nlink = nlink + $11::bigint,"
		  " mtime = $6, ctime = $6 WHERE id = $9"
		  " AND EXISTS (SELECT 1 FROM d))"
		  " SELECT " INFO_COLS_WITH("$9::bigint") ","
		  " (SELECT count(*) FROM d), r.* FROM n" INFO_JOINS
		  " LEFT JOIN LATERAL (SELECT s.id," PG_ROOM_COLS " FROM space s"
		  PG_SPACE_PLAN " WHERE s.id = $1) r ON true",
		  "iiiiiibiiti", n->space, (int64_t)n->tool, (int64_t)n->mode,
		  n->nlink, n->creator, n->time_ns, n->cid, n->cid_len,
		  (int64_t)n->cipher, parent, name, (int64_t)nlink_delta);
	if (rc == 0 && PQntuples(r) > 0 && !pg_col_null(r, 0, 20)) {
		pg_room_row(r, 0, 21, before);
		*has_before = true;
	}
	rc = info_first(rc, r, out, &named);
	if (rc == 0 && !named)
		rc = name_taken(st, parent, name);
	if (rc == 0)
		*ino = out->ino;
	return rc;
}

/* One statement: the UPDATE (a flag of 0 keeps the column), and the row
 * it made. */
int pg_node_attrs_set(struct store *st, int64_t ino,
		      const struct meta_node_attrs *a, struct node_info *after)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      "WITH n AS (UPDATE node SET"
		      " mode = CASE WHEN $1::bigint <> 0"
		      " THEN (mode & ~4095) | $2::bigint ELSE mode END,"
		      " atime = CASE WHEN $3::bigint <> 0 THEN $4::bigint"
		      " ELSE atime END,"
		      " mtime = CASE WHEN $5::bigint <> 0 THEN $6::bigint"
		      " ELSE mtime END,"
		      " ctime = $7 WHERE id = $8 RETURNING *)"
		      " SELECT " INFO_COLS " FROM n" INFO_JOINS,
		      "iiiiiiii", (int64_t)a->set_mode,
		      (int64_t)(a->mode & 07777), (int64_t)a->set_atime,
		      a->atime, (int64_t)a->set_mtime, a->mtime, a->ctime, ino);

	return info_first(rc, r, after, NULL);
}

int pg_node_touch_dir(struct store *st, int64_t dir, int nlink_delta,
		      int64_t time_ns)
{
	return pg_run(st,
		      "UPDATE node SET nlink = nlink + $1::bigint, mtime = $2,"
		      " ctime = $3 WHERE id = $4",
		      "iiii", (int64_t)nlink_delta, time_ns, time_ns, dir);
}

int pg_node_set_ctime(struct store *st, int64_t ino, int64_t time_ns)
{
	return pg_run(st, "UPDATE node SET ctime = $1 WHERE id = $2", "ii",
		      time_ns, ino);
}

/* ---- names ---- */

int pg_dirent_find(struct store *st, int64_t parent, const char *name,
		   int64_t *child)
{
	return pg_int(
		st, child,
		"SELECT child FROM dirent WHERE parent = $1 AND name = $2",
		"it", parent, name);
}

/* One round trip for the name and its node. */
int pg_dirent_find_node(struct store *st, int64_t parent, const char *name,
			int64_t *child, struct node_info *out)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      "SELECT " INFO_COLS ", d.child FROM dirent d"
		      " JOIN node n ON n.id = d.child" INFO_JOINS
		      " WHERE d.parent = $1 AND d.name = $2",
		      "it", parent, name);

	return info_first(rc, r, out, child);
}

/* One round trip for the folder and the name: the folder's row first
 * (column 20: 0), then the name's (1), if any. */
int pg_dirent_find_pair(struct store *st, int64_t dir, const char *name,
			struct node_info *folder, int64_t *child,
			struct node_info *out)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      "WITH f AS (SELECT " RESOLVE " AS id)"
		      " SELECT " INFO_COLS ", 0::bigint, 0 AS k FROM node n"
		      INFO_JOINS " WHERE n.id = (SELECT id FROM f)"
		      " UNION ALL SELECT " INFO_COLS ", d.child, 1 FROM dirent d"
		      " JOIN node n ON n.id = d.child" INFO_JOINS
		      " WHERE d.parent = (SELECT id FROM f) AND d.name = $2"
		      " ORDER BY k",
		      "it", dir, name);
	int rows;

	*child = 0;
	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows < 1 || pg_col_int(r, 0, 20) != 0) {
		PQclear(r);
		return -ENOENT;
	}
	info_row(r, 0, folder);
	if (rows > 1) {
		info_row(r, 1, out);
		*child = pg_col_int(r, 1, 19);
	}
	PQclear(r);
	return 0;
}

int pg_dirent_add(struct store *st, int64_t parent, const char *name,
		  int64_t child)
{
	int rc;

	/* A name taken is -EEXIST and the transaction goes on, as with
	 * SQLite, where the failed INSERT undoes only itself. */
	rc = pg_run(st,
		    "INSERT INTO dirent (parent, name, child) VALUES ($1, $2,"
		    " $3) ON CONFLICT (parent, name) DO NOTHING",
		    "iti", parent, name, child);
	if (rc == 0 && pg_changes(st) == 0)
		rc = name_taken(st, parent, name);
	return rc;
}

int pg_dirent_parent(struct store *st, int64_t child, int64_t *parent)
{
	return pg_int(st, parent,
		      "SELECT parent FROM dirent WHERE child = $1 LIMIT 1", "i",
		      child);
}

/* The row of r (parent in column pcol unless pcol < 0, the name in
 * column ncol) into the caller's parent and name; frees r. */
static int name_row(PGresult *r, int pcol, int ncol, int64_t *parent,
		    char *name, size_t len)
{
	const char *t;
	size_t n;
	int rc = 0;

	if (PQntuples(r) < 1) {
		rc = -ENOENT;
		goto out;
	}
	t = pg_col_text(r, 0, ncol);
	n = strlen(t);
	if (n + 1 > len) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	memcpy(name, t, n + 1);
	if (pcol >= 0)
		*parent = pg_col_int(r, 0, pcol);
out:
	PQclear(r);
	return rc;
}

int pg_dirent_up(struct store *st, int64_t child, int64_t *parent, char *name,
		 size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT parent, name FROM dirent WHERE child = $1 LIMIT 1",
		  "i", child);
	return rc ? rc : name_row(r, 0, 1, parent, name, len);
}

int pg_dirent_first(struct store *st, int64_t child, int64_t *parent,
		    char *name, size_t len)
{
	PGresult *r;
	int rc;

	if (!parent) {
		rc = pg_q(st, &r,
			  "SELECT name FROM dirent WHERE child = $1"
			  " ORDER BY parent LIMIT 1",
			  "i", child);
		return rc ? rc : name_row(r, -1, 0, NULL, name, len);
	}
	rc = pg_q(st, &r,
		  "SELECT parent, name FROM dirent WHERE child = $1"
		  " ORDER BY parent LIMIT 1",
		  "i", child);
	return rc ? rc : name_row(r, 0, 1, parent, name, len);
}

int pg_dirent_reaches(struct store *st, int64_t node, int64_t ancestor,
		      bool *reaches)
{
	int64_t one = 0;
	int rc;

	/* Wrapped in a SELECT: a statement that starts with WITH would
	 * count as a write (pgdb.c) and end the caches' memos. */
	rc = pg_int(st, &one,
		    "SELECT 1 FROM (WITH RECURSIVE up(id) AS (SELECT"
		    " $1::bigint UNION SELECT d.parent FROM dirent d JOIN up"
		    " ON d.child = up.id) SELECT id FROM up WHERE"
		    " id = $2::bigint LIMIT 1) r",
		    "ii", node, ancestor);
	if (rc == -ENOENT) {
		*reaches = false;
		return 0;
	}
	if (rc == 0)
		*reaches = true;
	return rc;
}

int pg_dirent_newest(struct store *st, int64_t dir, int64_t *ns)
{
	/* SQLite's max(a, b) is NULL when either is; both are NULL
	 * together here (an empty folder), where greatest() agrees. */
	return pg_int(st, ns,
		      "SELECT greatest(max(n.mtime), max(n.ctime)) FROM dirent"
		      " d JOIN node n ON n.id = d.child WHERE d.parent = $1",
		      "i", dir);
}

static void dirents_free(struct meta_dirent *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Collect the rows of r (freed): name, ino and, with `full`, the
 * attributes and editorship that pg_dirent_list selects. */
static int dirents_read(struct store *st, PGresult *r, bool full,
			struct meta_dirent **out, size_t *n)
{
	struct meta_dirent *v = NULL, *e;
	int i, rows = PQntuples(r);

	if (rows > 0 && !(v = calloc((size_t)rows, sizeof(*v)))) {
		PQclear(r);
		return store_fail(st, -ENOMEM, "out of memory");
	}
	for (i = 0; i < rows; i++) {
		e = &v[i];
		if (!(e->name = strdup(pg_col_text(r, i, 0)))) {
			dirents_free(v, (size_t)i);
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
		e->ino = pg_col_int(r, i, 1);
		if (!full)
			continue;
		e->a.ino = (uint64_t)e->ino;
		e->a.mode = (uint32_t)pg_col_int(r, i, 2);
		e->a.nlink = (uint32_t)pg_col_int(r, i, 3);
		e->a.size = (uint64_t)pg_col_int(r, i, 4);
		e->a.atime_ns = pg_col_int(r, i, 5);
		e->a.mtime_ns = pg_col_int(r, i, 6);
		e->a.ctime_ns = pg_col_int(r, i, 7);
		e->a.uid = pg_col_null(r, i, 8) ? -1 : pg_col_int(r, i, 8);
		e->creator = pg_col_int(r, i, 9);
		e->editors_all = pg_col_int(r, i, 10) != 0;
		e->editor = pg_col_int(r, i, 11) != 0;
	}
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return 0;
}

int pg_dirent_list(struct store *st, int64_t dir, int64_t account,
		   const char *after, size_t max, uint64_t offset,
		   struct meta_dirent **out, size_t *n)
{
	PGresult *r;
	int rc;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  "SELECT d.name, d.child, n.mode, n.nlink, n.size,"
		  " n.atime, n.mtime, n.ctime, a.unix_uid, n.creator,"
		  " n.editors_all, EXISTS (SELECT 1 FROM editor e WHERE"
		  " e.node = n.id AND e.account_id = $5) FROM dirent d"
		  " JOIN node n ON n.id = d.child LEFT JOIN account a"
		  " ON a.id = n.creator WHERE d.parent = $1 AND d.name > $2"
		  " ORDER BY d.name LIMIT $3 OFFSET $4",
		  "itiii", dir, after, count_arg(max), count_arg(offset),
		  account);
	return rc ? rc : dirents_read(st, r, true, out, n);
}

int pg_root_list(struct store *st, int64_t account, const char *after,
		 size_t max, uint64_t offset, struct meta_dirent **out,
		 size_t *n)
{
	PGresult *r;
	int rc;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  "SELECT name, root FROM (SELECT 'Private' COLLATE \"C\""
		  " AS name, s.root AS root FROM space s WHERE"
		  " s.account_id = $1 UNION ALL SELECT g.name, s.root"
		  " FROM grp g JOIN space s ON s.group_id = g.id"
		  " JOIN membership m ON m.group_id = g.id"
		  " WHERE m.account_id = $1) r WHERE name > $2"
		  " ORDER BY name LIMIT $3 OFFSET $4",
		  "itii", account, after, count_arg(max), count_arg(offset));
	return rc ? rc : dirents_read(st, r, false, out, n);
}

/* ---- spaces ---- */

int pg_space_private_root(struct store *st, int64_t account, int64_t *root)
{
	return pg_int(st, root, "SELECT root FROM space WHERE account_id = $1",
		      "i", account);
}

int pg_space_group_root(struct store *st, const char *name, int64_t account,
			int64_t *root)
{
	return pg_int(
		st, root,
		"SELECT s.root FROM grp g JOIN space s ON s.group_id = g.id"
		" JOIN membership m ON m.group_id = g.id"
		" WHERE g.name = $1 AND m.account_id = $2",
		"ti", name, account);
}

int pg_space_tool(struct store *st, int64_t space, enum store_tool tool,
		  int64_t *folder)
{
	static const char *const col[] = {
		[STORE_TOOL_DOCUMENTS] =
			"SELECT documents FROM space WHERE id = $1",
		[STORE_TOOL_CALENDAR] =
			"SELECT calendar FROM space WHERE id = $1",
		[STORE_TOOL_CONTACTS] =
			"SELECT contacts FROM space WHERE id = $1",
		[STORE_TOOL_MAIL] = "SELECT mail FROM space WHERE id = $1",
	};

	if ((size_t)tool >= ARRAY_SIZE(col) || !col[tool])
		return -EINVAL;
	return pg_int(st, folder, col[tool], "i", space);
}

/* ---- extended attributes ---- */

int pg_xattr_get(struct store *st, int64_t node, const char *name, void *buf,
		 size_t size, size_t *len)
{
	return pg_blob(st, buf, size, len,
		       "SELECT value FROM xattr WHERE node = $1 AND name = $2",
		       "it", node, name);
}

int pg_xattr_size(struct store *st, int64_t node, const char *name,
		  int64_t *len)
{
	return pg_int(st, len,
		      "SELECT octet_length(value) FROM xattr WHERE"
		      " node = $1 AND name = $2",
		      "it", node, name);
}

int pg_xattr_names(struct store *st, int64_t node, char ***out, size_t *n)
{
	return pg_texts(st, out, n,
			"SELECT name FROM xattr WHERE node = $1 ORDER BY name",
			"i", node);
}

int pg_xattr_set(struct store *st, int64_t node, const char *name,
		 const void *value, size_t size)
{
	return pg_run(
		st,
		"INSERT INTO xattr (node, name, value) VALUES ($1, $2, $3)"
		" ON CONFLICT (node, name) DO UPDATE SET value = $3",
		"itb", node, name, value ? value : "", size);
}

int pg_xattr_remove(struct store *st, int64_t node, const char *name)
{
	int rc = pg_run(st, "DELETE FROM xattr WHERE node = $1 AND name = $2",
			"it", node, name);

	if (rc == 0 && pg_changes(st) == 0)
		rc = -ENOENT;
	return rc;
}

int pg_editor_names(struct store *st, int64_t node, int64_t except, char ***out,
		    size_t *n)
{
	return pg_texts(
		st, out, n,
		"SELECT a.username FROM editor e JOIN account a ON a.id ="
		" e.account_id WHERE e.node = $1 AND e.account_id <> $2"
		" ORDER BY a.username",
		"ii", node, except);
}

/* ---- public links ---- */

#define ROW_COLS                                                               \
	"SELECT l.id, l.space_id, l.node, l.tool, l.expires, l.created,"       \
	" coalesce(l.created_by, 0), coalesce(s.group_id, 0),"                 \
	" coalesce(s.account_id, 0), s.documents, coalesce(g.name, ''),"       \
	" coalesce((SELECT m.account_id FROM membership m WHERE"               \
	" m.group_id = s.group_id AND m.role = 3), s.account_id, 0)"           \
	" FROM link l JOIN space s ON s.id = l.space_id"                       \
	" LEFT JOIN grp g ON g.id = s.group_id"

static void link_read(const PGresult *r, int i, struct meta_link *l)
{
	memset(l, 0, sizeof(*l));
	l->id = pg_col_int(r, i, 0);
	l->space = pg_col_int(r, i, 1);
	l->node = pg_col_int(r, i, 2);
	l->tool = (int)pg_col_int(r, i, 3);
	l->expires = pg_col_int(r, i, 4);
	l->created = pg_col_int(r, i, 5);
	l->created_by = pg_col_int(r, i, 6);
	l->group = pg_col_int(r, i, 7);
	l->owner = pg_col_int(r, i, 8);
	l->docroot = pg_col_int(r, i, 9);
	copy_str(l->group_name, sizeof(l->group_name), pg_col_text(r, i, 10));
	l->reader = pg_col_int(r, i, 11);
}

/* The one row of r (freed), if any, into *out. */
static int link_one(PGresult *r, struct meta_link *out)
{
	int rc = 0;

	if (PQntuples(r) < 1)
		rc = -ENOENT;
	else
		link_read(r, 0, out);
	PQclear(r);
	return rc;
}

int pg_link_by_hash(struct store *st, const unsigned char *hash,
		    size_t hash_len, struct meta_link *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, ROW_COLS " WHERE l.token_hash = $1", "b", hash,
		  hash_len);
	return rc ? rc : link_one(r, out);
}

int pg_link_get(struct store *st, int64_t id, struct meta_link *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, ROW_COLS " WHERE l.id = $1", "i", id);
	return rc ? rc : link_one(r, out);
}

int pg_link_list(struct store *st, int64_t space, struct meta_link **out,
		 size_t *n)
{
	struct meta_link *v = NULL;
	PGresult *r;
	int i, rows, rc;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  ROW_COLS " WHERE $1::bigint = 0 OR l.space_id = $1::bigint"
			   " ORDER BY l.id",
		  "i", space);
	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows > 0 && !(v = malloc(sizeof(*v) * (size_t)rows))) {
		PQclear(r);
		return store_fail(st, -ENOMEM, "out of memory");
	}
	for (i = 0; i < rows; i++)
		link_read(r, i, &v[i]);
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return 0;
}

int pg_link_add(struct store *st, const unsigned char *hash, size_t hash_len,
		int64_t space, int64_t node, enum store_tool tool,
		int64_t created_by, int64_t created, int64_t expires,
		int64_t *id)
{
	return pg_int(st, id,
		      "INSERT INTO link (token_hash, space_id, node, tool,"
		      " created_by, created, expires) VALUES ($1, $2, $3, $4,"
		      " $5, $6, $7) RETURNING id",
		      "biiiiii", hash, hash_len, space, node, (int64_t)tool,
		      created_by, created, expires);
}

int pg_link_remove(struct store *st, int64_t id)
{
	return pg_run(st, "DELETE FROM link WHERE id = $1", "i", id);
}

int pg_link_base_url_set(struct store *st, const char *url)
{
	return pg_run(st,
		      "INSERT INTO link_setting (k, v) VALUES ('base_url', $1)"
		      " ON CONFLICT (k) DO UPDATE SET v = $1",
		      "t", url);
}

int pg_link_base_url_get(struct store *st, char *buf, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT v FROM link_setting WHERE k = 'base_url'",
		  "");
	if (rc)
		return rc;
	if (PQntuples(r) < 1)
		rc = -ENOENT;
	else
		copy_str(buf, len, pg_col_text(r, 0, 0));
	PQclear(r);
	return rc;
}
