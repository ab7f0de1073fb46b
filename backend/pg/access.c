// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for access: rights, calendar
 * grants and quota (rights.c, share.c, quota.c); sqlite/access.c query by
 * query.
 */
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

int pg_acl_add_default(struct store *st, int64_t node, int perm)
{
	/* As SQLite, a setting there already is -EEXIST, but one that does
	 * not abort the transaction (PostgreSQL would). */
	int rc = pg_run(st,
			"INSERT INTO acl (node, perm) VALUES ($1, $2)"
			" ON CONFLICT DO NOTHING",
			"ii", node, (int64_t)perm);

	if (rc == 0 && pg_changes(st) == 0)
		return store_fail(st, -EEXIST, "database: folder %lld has its "
				  "own setting of that right already",
				  (long long)node);
	return rc;
}

int pg_acl_owner(struct store *st, int64_t node, int perm, int64_t *owner)
{
	return pg_int(st, owner,
		      "WITH RECURSIVE up(id, depth) AS (SELECT $1::bigint, 0"
		      " UNION ALL SELECT d.parent, up.depth + 1 FROM up"
		      " JOIN dirent d ON d.child = up.id"
		      " WHERE up.depth < 4096 AND NOT EXISTS (SELECT 1 FROM"
		      " acl a WHERE a.node = up.id AND a.perm = $2))"
		      " SELECT up.id FROM up JOIN acl a ON a.node = up.id"
		      " AND a.perm = $2 ORDER BY up.depth LIMIT 1",
		      "ii", node, (int64_t)perm);
}

int pg_acl_grants(struct store *st, int64_t node, int perm, int64_t account,
		  bool *yes)
{
	int64_t v = 0;
	int rc = pg_int(st, &v,
			"SELECT a.all_members <> 0 OR EXISTS (SELECT 1 FROM"
			" acl_member m WHERE m.node = a.node AND m.perm ="
			" a.perm AND m.account_id = $3) FROM acl a"
			" WHERE a.node = $1 AND a.perm = $2",
			"iii", node, (int64_t)perm, account);

	if (rc == 0)
		*yes = v != 0;
	return rc;
}

int pg_acl_all(struct store *st, int64_t node, int perm, bool *all)
{
	int64_t v = 0;
	int rc = pg_int(st, &v,
			"SELECT all_members FROM acl WHERE node = $1 AND"
			" perm = $2",
			"ii", node, (int64_t)perm);

	if (rc == 0)
		*all = v != 0;
	return rc;
}

/* The usernames in column 0 of the rows of `r` (freed here), after a
 * query that returned `rc`. */
static int names_of(struct store *st, int rc, PGresult *r,
		    struct store_names *out)
{
	char(*v)[STORE_USERNAME_MAX + 1] = NULL;
	int i, rows;

	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows > 0) {
		v = calloc((size_t)rows, sizeof(*v));
		if (!v) {
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
	}
	for (i = 0; i < rows; i++)
		copy_str(v[i], sizeof(*v), pg_col_text(r, i, 0));
	PQclear(r);
	out->n = (size_t)rows;
	out->name = v;
	return 0;
}

int pg_acl_members(struct store *st, int64_t node, int perm,
		   struct store_names *out)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      "SELECT a.username FROM acl_member m JOIN"
		      " account a ON a.id = m.account_id WHERE"
		      " m.node = $1 AND m.perm = $2 ORDER BY a.username",
		      "ii", node, (int64_t)perm);

	return names_of(st, rc, r, out);
}

int pg_acl_set(struct store *st, int64_t node, int perm, bool all,
	       const int64_t *ids, size_t n)
{
	size_t i;
	int rc;

	rc = pg_run(st, "DELETE FROM acl WHERE node = $1 AND perm = $2", "ii",
		    node, (int64_t)perm);
	if (rc == 0)
		rc = pg_run(st,
			    "INSERT INTO acl (node, perm, all_members)"
			    " VALUES ($1, $2, $3)",
			    "iii", node, (int64_t)perm, (int64_t)all);
	for (i = 0; rc == 0 && i < n; i++)
		rc = pg_run(st,
			    "INSERT INTO acl_member (node, perm, account_id)"
			    " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			    "iii", node, (int64_t)perm, ids[i]);
	return rc;
}

int pg_acl_clear(struct store *st, int64_t node, int perm)
{
	return pg_run(st, "DELETE FROM acl WHERE node = $1 AND perm = $2",
		      "ii", node, (int64_t)perm);
}

int pg_editor_has(struct store *st, int64_t node, int64_t account)
{
	int64_t one;

	return pg_int(st, &one,
		      "SELECT 1 FROM editor WHERE node = $1 AND"
		      " account_id = $2",
		      "ii", node, account);
}

int pg_editor_missing(struct store *st, int64_t node, int64_t account,
		      int64_t *count)
{
	return pg_int(st, count,
		      "WITH RECURSIVE sub(id, depth) AS (SELECT $1::bigint, 0"
		      " UNION SELECT d.child, sub.depth + 1 FROM sub"
		      " JOIN dirent d ON d.parent = sub.id WHERE"
		      " sub.depth < 4096)"
		      " SELECT count(*) FROM sub JOIN node n ON n.id = sub.id"
		      " WHERE coalesce(n.creator, 0) <> $2 AND"
		      " n.editors_all = 0"
		      " AND NOT EXISTS (SELECT 1 FROM editor e WHERE"
		      " e.node = n.id AND e.account_id = $2)",
		      "ii", node, account);
}

int pg_editors_list(struct store *st, int64_t node, struct store_names *out)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      "SELECT a.username FROM editor e JOIN"
		      " account a ON a.id = e.account_id"
		      " WHERE e.node = $1 ORDER BY a.username",
		      "i", node);

	return names_of(st, rc, r, out);
}

int pg_editors_set(struct store *st, int64_t node, bool all,
		   const int64_t *ids, size_t n)
{
	size_t i;
	int rc;

	rc = pg_run(st, "UPDATE node SET editors_all = $1 WHERE id = $2", "ii",
		    (int64_t)all, node);
	if (rc == 0)
		rc = pg_run(st, "DELETE FROM editor WHERE node = $1", "i",
			    node);
	for (i = 0; rc == 0 && i < n; i++)
		rc = pg_run(st,
			    "INSERT INTO editor (node, account_id)"
			    " VALUES ($1, $2) ON CONFLICT DO NOTHING",
			    "ii", node, ids[i]);
	return rc;
}

int pg_node_group_name(struct store *st, int64_t node, char *buf, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT g.name FROM node n JOIN space sp"
		  " ON sp.id = n.space_id JOIN grp g ON g.id = sp.group_id"
		  " WHERE n.id = $1",
		  "i", node);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	copy_str(buf, len, pg_col_text(r, 0, 0));
	PQclear(r);
	return 0;
}

int pg_space_root_is(struct store *st, int64_t space, int64_t node)
{
	int64_t one;

	return pg_int(st, &one,
		      "SELECT 1 FROM space WHERE id = $1 AND root = $2", "ii",
		      space, node);
}

int pg_space_room(struct store *st, int64_t space, struct room *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT" PG_ROOM_COLS " FROM space s" PG_SPACE_PLAN
		  " WHERE s.id = $1",
		  "i", space);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	pg_room_row(r, 0, 0, out);
	PQclear(r);
	return 0;
}

void pg_room_row(const PGresult *r, int row, int col, struct room *out)
{
	out->used = pg_col_int(r, row, col);
	out->meta = pg_col_int(r, row, col + 1);
	out->files = pg_col_int(r, row, col + 2);
	out->root = pg_col_int(r, row, col + 3);
	out->drop_dir = pg_col_int(r, row, col + 4);
	out->hist = pg_col_int(r, row, col + 5);
	out->capacity = pg_col_int(r, row, col + 6);
}

int pg_cal_grant_drop(struct store *st, int64_t owner, int64_t grantee)
{
	return pg_run(st,
		      "DELETE FROM cal_grant WHERE owner_id = $1 AND"
		      " grantee_id = $2",
		      "ii", owner, grantee);
}

int pg_cal_grant_set(struct store *st, int64_t owner, int64_t grantee,
		     unsigned rights, int64_t *links)
{
	int rc;

	rc = pg_run(st,
		    "INSERT INTO cal_grant (owner_id, grantee_id, rights)"
		    " VALUES ($1, $2, $3) ON CONFLICT (owner_id, grantee_id)"
		    " DO UPDATE SET rights = $3",
		    "iii", owner, grantee, (int64_t)rights);
	if (rc == 0)
		rc = pg_run(st,
			    "INSERT INTO cal_grant_via (owner_id, grantee_id,"
			    " group_id) SELECT $1::bigint, $2::bigint,"
			    " m1.group_id FROM membership m1 JOIN membership m2"
			    " ON m2.group_id = m1.group_id AND"
			    " m2.account_id = $2 WHERE m1.account_id = $1"
			    " ON CONFLICT DO NOTHING",
			    "ii", owner, grantee);
	if (rc == 0)
		rc = pg_int(st, links,
			    "SELECT count(*) FROM cal_grant_via WHERE"
			    " owner_id = $1 AND grantee_id = $2",
			    "ii", owner, grantee);
	return rc;
}

int pg_cal_grant_list(struct store *st, int64_t account,
		      struct store_cal_grant **out, size_t *n)
{
	struct store_cal_grant *v = NULL;
	PGresult *r;
	int i, rows, rc;

	*out = NULL;
	rc = pg_q(st, &r,
		  "SELECT o.username, e.username, g.rights, (SELECT count(*)"
		  " FROM cal_grant_via v WHERE v.owner_id = g.owner_id AND"
		  " v.grantee_id = g.grantee_id) FROM cal_grant g"
		  " JOIN account o ON o.id = g.owner_id"
		  " JOIN account e ON e.id = g.grantee_id"
		  " WHERE g.owner_id = $1 OR g.grantee_id = $1"
		  " ORDER BY o.username, e.username",
		  "i", account);
	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows > 0) {
		v = calloc((size_t)rows, sizeof(*v));
		if (!v) {
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
	}
	for (i = 0; i < rows; i++) {
		copy_str(v[i].owner, sizeof(v[i].owner), pg_col_text(r, i, 0));
		copy_str(v[i].grantee, sizeof(v[i].grantee),
			 pg_col_text(r, i, 1));
		v[i].rights = (unsigned)pg_col_int(r, i, 2);
		v[i].groups = (size_t)pg_col_int(r, i, 3);
	}
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return 0;
}

int pg_cal_grant_rights(struct store *st, int64_t owner, int64_t grantee,
			unsigned *rights)
{
	int64_t v = 0;
	int rc = pg_int(st, &v,
			"SELECT rights FROM cal_grant g WHERE owner_id = $1"
			" AND grantee_id = $2 AND EXISTS (SELECT 1 FROM"
			" cal_grant_via v WHERE v.owner_id = g.owner_id AND"
			" v.grantee_id = g.grantee_id)",
			"ii", owner, grantee);

	if (rc == 0)
		*rights = (unsigned)v;
	return rc;
}
