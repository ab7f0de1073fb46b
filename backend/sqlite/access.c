// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for access: rights, calendar grants and
 * quota (rights.c, share.c, quota.c).
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

int sq_acl_add_default(struct store *st, int64_t node, int perm)
{
	return db_run(st, "INSERT INTO acl (node, perm) VALUES (?, ?)", "ii",
		      node, (int64_t)perm);
}

int sq_acl_owner(struct store *st, int64_t node, int perm, int64_t *owner)
{
	return db_int(st, owner,
		      "WITH RECURSIVE up(id, depth) AS (SELECT ?1, 0"
		      " UNION ALL SELECT d.parent, up.depth + 1 FROM up"
		      " JOIN dirent d ON d.child = up.id"
		      " WHERE up.depth < 4096 AND NOT EXISTS (SELECT 1 FROM"
		      " acl a WHERE a.node = up.id AND a.perm = ?2))"
		      " SELECT up.id FROM up JOIN acl a ON a.node = up.id"
		      " AND a.perm = ?2 ORDER BY up.depth LIMIT 1",
		      "ii", node, (int64_t)perm);
}

int sq_acl_grants(struct store *st, int64_t node, int perm, int64_t account,
		    bool *yes)
{
	int64_t v = 0;
	int rc = db_int(st, &v,
			"SELECT a.all_members OR EXISTS (SELECT 1 FROM"
			" acl_member m WHERE m.node = a.node AND m.perm ="
			" a.perm AND m.account_id = ?3) FROM acl a"
			" WHERE a.node = ?1 AND a.perm = ?2",
			"iii", node, (int64_t)perm, account);

	if (rc == 0)
		*yes = v != 0;
	return rc;
}

int sq_acl_all(struct store *st, int64_t node, int perm, bool *all)
{
	int64_t v = 0;
	int rc = db_int(st, &v,
			"SELECT all_members FROM acl WHERE node = ? AND"
			" perm = ?",
			"ii", node, (int64_t)perm);

	if (rc == 0)
		*all = v != 0;
	return rc;
}

/* The usernames in column 0 of `s`'s rows. */
static int names_of(struct store *st, sqlite3_stmt *s, struct store_names *out)
{
	char(*v)[STORE_USERNAME_MAX + 1] = NULL;
	size_t cap = 0;
	size_t len = 0;
	int rc;

	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		copy_str(v[len++], sizeof(*v), col_text(s, 0));
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	out->n = len;
	out->name = v;
	return 0;
}

int sq_acl_members(struct store *st, int64_t node, int perm,
		     struct store_names *out)
{
	sqlite3_stmt *s = db_q(st,
			       "SELECT a.username FROM acl_member m JOIN"
			       " account a ON a.id = m.account_id WHERE"
			       " m.node = ? AND m.perm = ? ORDER BY a.username",
			       "ii", node, (int64_t)perm);

	return names_of(st, s, out);
}

int sq_acl_set(struct store *st, int64_t node, int perm, bool all,
		 const int64_t *ids, size_t n)
{
	size_t i;
	int rc;

	rc = db_run(st, "DELETE FROM acl WHERE node = ? AND perm = ?", "ii",
		    node, (int64_t)perm);
	if (rc == 0)
		rc = db_run(st,
			    "INSERT INTO acl (node, perm, all_members)"
			    " VALUES (?, ?, ?)",
			    "iii", node, (int64_t)perm, (int64_t)all);
	for (i = 0; rc == 0 && i < n; i++)
		rc = db_run(st,
			    "INSERT OR IGNORE INTO acl_member (node, perm,"
			    " account_id) VALUES (?, ?, ?)",
			    "iii", node, (int64_t)perm, ids[i]);
	return rc;
}

int sq_acl_clear(struct store *st, int64_t node, int perm)
{
	return db_run(st, "DELETE FROM acl WHERE node = ? AND perm = ?", "ii",
		      node, (int64_t)perm);
}

int sq_editor_has(struct store *st, int64_t node, int64_t account)
{
	int64_t one;

	return db_int(st, &one,
		      "SELECT 1 FROM editor WHERE node = ? AND account_id = ?",
		      "ii", node, account);
}

int sq_editor_missing(struct store *st, int64_t node, int64_t account,
			int64_t *count)
{
	return db_int(st, count,
		      "WITH RECURSIVE sub(id, depth) AS (SELECT ?1, 0"
		      " UNION SELECT d.child, sub.depth + 1 FROM sub"
		      " JOIN dirent d ON d.parent = sub.id WHERE"
		      " sub.depth < 4096)"
		      " SELECT count(*) FROM sub JOIN node n ON n.id = sub.id"
		      " WHERE coalesce(n.creator, 0) <> ?2 AND NOT"
		      " n.editors_all"
		      " AND NOT EXISTS (SELECT 1 FROM editor e WHERE"
		      " e.node = n.id AND e.account_id = ?2)",
		      "ii", node, account);
}

int sq_editors_list(struct store *st, int64_t node, struct store_names *out)
{
	return names_of(st,
			db_q(st,
			     "SELECT a.username FROM editor e JOIN"
			     " account a ON a.id = e.account_id"
			     " WHERE e.node = ? ORDER BY a.username",
			     "i", node),
			out);
}

int sq_editors_set(struct store *st, int64_t node, bool all,
		     const int64_t *ids, size_t n)
{
	size_t i;
	int rc;

	rc = db_run(st, "UPDATE node SET editors_all = ? WHERE id = ?", "ii",
		    (int64_t)all, node);
	if (rc == 0)
		rc = db_run(st, "DELETE FROM editor WHERE node = ?", "i", node);
	for (i = 0; rc == 0 && i < n; i++)
		rc = db_run(st,
			    "INSERT OR IGNORE INTO editor (node, account_id)"
			    " VALUES (?, ?)",
			    "ii", node, ids[i]);
	return rc;
}

int sq_node_group_name(struct store *st, int64_t node, char *buf,
			 size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT g.name FROM node n JOIN space sp ON sp.id = n.space_id"
		 " JOIN grp g ON g.id = sp.group_id WHERE n.id = ?",
		 "i", node);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(buf, len, col_text(s, 0));
	db_done(s);
	return 0;
}

int sq_space_root_is(struct store *st, int64_t space, int64_t node)
{
	int64_t one;

	return db_int(st, &one, "SELECT 1 FROM space WHERE id = ? AND root = ?",
		      "ii", space, node);
}

int sq_space_room(struct store *st, int64_t space, struct room *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT s.used, s.meta, s.files, s.root, s.drop_dir,"
		 " s.hist_used," SPACE_CAPACITY " FROM space s" SPACE_PLAN
		 " WHERE s.id = ?",
		 "i", space);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	out->used = sqlite3_column_int64(s, 0);
	out->meta = sqlite3_column_int64(s, 1);
	out->files = sqlite3_column_int64(s, 2);
	out->root = sqlite3_column_int64(s, 3);
	out->drop_dir = sqlite3_column_int64(s, 4);
	out->hist = sqlite3_column_int64(s, 5);
	out->capacity = sqlite3_column_int64(s, 6);
	db_done(s);
	return 0;
}

int sq_cal_grant_drop(struct store *st, int64_t owner, int64_t grantee)
{
	return db_run(st,
		      "DELETE FROM cal_grant WHERE owner_id = ? AND"
		      " grantee_id = ?",
		      "ii", owner, grantee);
}

int sq_cal_grant_set(struct store *st, int64_t owner, int64_t grantee,
		       unsigned rights, int64_t *links)
{
	int rc;

	rc = db_run(st,
		    "INSERT INTO cal_grant (owner_id, grantee_id, rights)"
		    " VALUES (?1, ?2, ?3) ON CONFLICT (owner_id, grantee_id)"
		    " DO UPDATE SET rights = ?3",
		    "iii", owner, grantee, (int64_t)rights);
	if (rc == 0)
		rc = db_run(st,
			    "INSERT OR IGNORE INTO cal_grant_via (owner_id,"
			    " grantee_id, group_id) SELECT ?1, ?2, m1.group_id"
			    " FROM membership m1 JOIN membership m2 ON"
			    " m2.group_id = m1.group_id AND m2.account_id = ?2"
			    " WHERE m1.account_id = ?1",
			    "ii", owner, grantee);
	if (rc == 0)
		rc = db_int(st, links,
			    "SELECT count(*) FROM cal_grant_via WHERE owner_id"
			    " = ? AND grantee_id = ?",
			    "ii", owner, grantee);
	return rc;
}

int sq_cal_grant_list(struct store *st, int64_t account,
			struct store_cal_grant **out, size_t *n)
{
	struct store_cal_grant *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	s = db_q(st,
		 "SELECT o.username, e.username, g.rights, (SELECT count(*)"
		 " FROM cal_grant_via v WHERE v.owner_id = g.owner_id AND"
		 " v.grantee_id = g.grantee_id) FROM cal_grant g"
		 " JOIN account o ON o.id = g.owner_id"
		 " JOIN account e ON e.id = g.grantee_id"
		 " WHERE g.owner_id = ?1 OR g.grantee_id = ?1"
		 " ORDER BY o.username, e.username",
		 "i", account);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		memset(&v[len], 0, sizeof(*v));
		copy_str(v[len].owner, sizeof(v[len].owner), col_text(s, 0));
		copy_str(v[len].grantee, sizeof(v[len].grantee),
			 col_text(s, 1));
		v[len].rights = (unsigned)sqlite3_column_int(s, 2);
		v[len].groups = (size_t)sqlite3_column_int64(s, 3);
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

int sq_cal_grant_rights(struct store *st, int64_t owner, int64_t grantee,
			  unsigned *rights)
{
	int64_t r = 0;
	int rc = db_int(st, &r,
			"SELECT rights FROM cal_grant g WHERE owner_id = ? AND"
			" grantee_id = ? AND EXISTS (SELECT 1 FROM"
			" cal_grant_via v WHERE v.owner_id = g.owner_id AND"
			" v.grantee_id = g.grantee_id)",
			"ii", owner, grantee);

	if (rc == 0)
		*rights = (unsigned)r;
	return rc;
}
