// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the model: groups and membership
 * (group.c, membership.c).
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* A group's row as an account (?2) sees it: grp_row() reads it. */
#define GRP_COLS                                                             \
	"SELECT g.id, s.id, g.name, g.description, g.published,"             \
	" g.members_published, g.open, g.business, g.sector, g.language,"     \
	" g.created, (SELECT account_id FROM membership a"                    \
	"   WHERE a.group_id = g.id AND a.role = 3),"                         \
	" coalesce((SELECT role FROM membership m"                            \
	"   WHERE m.group_id = g.id AND m.account_id = ?2), 0)"               \
	" FROM grp g JOIN space s ON s.group_id = g.id"

static void grp_row(sqlite3_stmt *s, struct grp *g)
{
	memset(g, 0, sizeof(*g));
	g->id = sqlite3_column_int64(s, 0);
	g->space = sqlite3_column_int64(s, 1);
	copy_str(g->name, sizeof(g->name), col_text(s, 2));
	copy_str(g->s.description, sizeof(g->s.description), col_text(s, 3));
	g->s.published = sqlite3_column_int(s, 4);
	g->s.members_published = sqlite3_column_int(s, 5);
	g->s.open = sqlite3_column_int(s, 6);
	g->s.business = sqlite3_column_int(s, 7);
	copy_str(g->s.sector, sizeof(g->s.sector), col_text(s, 8));
	copy_str(g->s.language, sizeof(g->s.language), col_text(s, 9));
	g->created = sqlite3_column_int64(s, 10);
	g->admin = sqlite3_column_int64(s, 11);
	g->role = (enum store_role)sqlite3_column_int(s, 12);
}

int sq_group_find(struct store *st, const char *key, int64_t account,
		    struct grp *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, GRP_COLS " WHERE g.name_key = ?1", "ti", key, account);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		grp_row(s, out);
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

/* Every row of `s` (GRP_COLS ...) into a malloc'd array. */
static int grp_rows(struct store *st, sqlite3_stmt *s, struct grp **out,
		    size_t *n)
{
	struct grp *rows = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(rows, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		grp_row(s, &rows[len++]);
	}
	if (rc < 0) {
		free(rows);
		return rc;
	}
	*out = rows;
	*n = len;
	return 0;
}

int sq_group_list(struct store *st, int64_t account, bool all,
		    struct grp **out, size_t *n)
{
	sqlite3_stmt *s;

	if (all)
		s = db_q(st, GRP_COLS " ORDER BY g.name_key", "ii", (int64_t)0,
			 account);
	else
		s = db_q(st, GRP_COLS " WHERE g.id IN (SELECT group_id FROM"
				      " membership WHERE account_id = ?2)"
				      " ORDER BY g.name_key",
			 "ii", (int64_t)0, account);
	return grp_rows(st, s, out, n);
}

int sq_group_search(struct store *st, int64_t account, const char *key,
		      int business, const char *sector, const char *language,
		      struct grp **out, size_t *n)
{
	sqlite3_stmt *s;

	s = db_q(st,
		 GRP_COLS " WHERE g.published = 1"
			  " AND (?1 = '' OR instr(g.name_key, ?1) > 0)"
			  " AND (?3 < 0 OR g.business = ?3)"
			  " AND (?4 = '' OR lower(g.sector) = lower(?4))"
			  " AND (?5 = '' OR g.language = ?5)"
			  " ORDER BY g.name_key",
		 "tiitt", key, account, (int64_t)business, sector, language);
	return grp_rows(st, s, out, n);
}

int sq_group_id(struct store *st, const char *key, int64_t *id)
{
	return db_int(st, id, "SELECT id FROM grp WHERE name_key = ?", "t",
		      key);
}

int sq_group_add(struct store *st, const char *name, const char *key,
		   int64_t created, int64_t *id)
{
	int rc;

	rc = db_run(st,
		    "INSERT INTO grp (name, name_key, created) VALUES (?,?,?)",
		    "tti", name, key, created);
	if (rc == 0)
		*id = db_last_id(st);
	return rc;
}

int sq_group_set_settings(struct store *st, int64_t gid,
			    const struct store_group_settings *s)
{
	return db_run(st,
		      "UPDATE grp SET description = ?, published = ?,"
		      " members_published = ?, open = ?, business = ?,"
		      " sector = ?, language = ? WHERE id = ?",
		      "tiiiitti", s->description, (int64_t)s->published,
		      (int64_t)s->members_published, (int64_t)s->open,
		      (int64_t)s->business, s->sector, s->language, gid);
}

int sq_group_delete(struct store *st, int64_t gid)
{
	int rc;

	/* Contents, invitations, rights and grants go by cascade. */
	rc = db_run(st, "DELETE FROM grp WHERE id = ?", "i", gid);
	if (rc == 0)
		rc = db_run(st,
			    "DELETE FROM cal_grant WHERE NOT EXISTS (SELECT 1"
			    " FROM cal_grant_via v WHERE v.owner_id ="
			    " cal_grant.owner_id AND v.grantee_id ="
			    " cal_grant.grantee_id)",
			    "");
	return rc;
}

int sq_group_headcount(struct store *st, int64_t gid, int64_t *n)
{
	return db_int(st, n,
		      "SELECT (SELECT count(*) FROM membership"
		      " WHERE group_id = ?1)"
		      " + (SELECT count(*) FROM invitation"
		      " WHERE group_id = ?1)",
		      "i", gid);
}

int sq_group_invitation_count(struct store *st, int64_t gid, int64_t *n)
{
	return db_int(st, n,
		      "SELECT count(*) FROM invitation WHERE group_id = ?", "i",
		      gid);
}

int sq_group_admin_contact(struct store *st, int64_t admin, char *username,
			     size_t ulen, char *email, size_t elen)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, "SELECT username, email FROM account WHERE id = ?", "i",
		 admin);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc != 1)
		return rc < 0 ? rc : -ENOENT;
	if (username)
		copy_str(username, ulen, col_text(s, 0));
	copy_str(email, elen, col_text(s, 1));
	db_done(s);
	return 0;
}

int sq_space_add(struct store *st, bool group, int64_t owner,
		   int64_t *space)
{
	int rc;

	if (group)
		rc = db_run(st, "INSERT INTO space (group_id) VALUES (?)", "i",
			    owner);
	else
		rc = db_run(st, "INSERT INTO space (account_id) VALUES (?)",
			    "i", owner);
	if (rc == 0)
		*space = db_last_id(st);
	return rc;
}

int sq_space_set_dirs(struct store *st, int64_t space,
			const struct meta_space_dirs *d)
{
	return db_run(st,
		      "UPDATE space SET root = ?, documents = ?,"
		      " calendar = ?, contacts = ?, drop_dir = ?,"
		      " members_dir = ?, files = 0 WHERE id = ?",
		      "iiiiiii", d->root, d->documents, d->calendar,
		      d->contacts, d->drop, d->members, space);
}

int sq_space_private(struct store *st, int64_t account, int64_t *space)
{
	return db_int(st, space, "SELECT id FROM space WHERE account_id = ?",
		      "i", account);
}

int sq_space_used(struct store *st, int64_t space, int64_t *used)
{
	return db_int(st, used, "SELECT used FROM space WHERE id = ?", "i",
		      space);
}

int sq_space_drop_dir(struct store *st, int64_t space, int64_t *drop)
{
	return db_int(st, drop, "SELECT drop_dir FROM space WHERE id = ?", "i",
		      space);
}

int sq_membership_role(struct store *st, int64_t gid, int64_t account,
			 int *role)
{
	int64_t v;
	int rc;

	rc = db_int(st, &v,
		    "SELECT role FROM membership WHERE group_id = ?"
		    " AND account_id = ?",
		    "ii", gid, account);
	if (rc == 0)
		*role = (int)v;
	return rc;
}

int sq_membership_count(struct store *st, int64_t gid, int64_t *n)
{
	return db_int(st, n,
		      "SELECT count(*) FROM membership WHERE group_id = ?", "i",
		      gid);
}

int sq_membership_admin_count(struct store *st, int64_t account,
				int64_t *n)
{
	return db_int(st, n,
		      "SELECT count(*) FROM membership WHERE account_id ="
		      " ? AND role = 3",
		      "i", account);
}

int sq_membership_list(struct store *st, int64_t gid,
			 struct store_member **out, size_t *n)
{
	struct store_member *v = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	s = db_q(st,
		 "SELECT a.username, a.first, a.last, a.org, a.email,"
		 " a.photo_type, m.role, m.joined FROM membership m"
		 " JOIN account a ON a.id = m.account_id WHERE m.group_id = ?"
		 " ORDER BY m.role DESC, a.username",
		 "i", gid);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		struct store_member *m;

		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		m = &v[len++];
		memset(m, 0, sizeof(*m));
		copy_str(m->username, sizeof(m->username), col_text(s, 0));
		copy_str(m->first, sizeof(m->first), col_text(s, 1));
		copy_str(m->last, sizeof(m->last), col_text(s, 2));
		copy_str(m->org, sizeof(m->org), col_text(s, 3));
		copy_str(m->email, sizeof(m->email), col_text(s, 4));
		copy_str(m->photo_type, sizeof(m->photo_type), col_text(s, 5));
		m->role = (enum store_role)sqlite3_column_int(s, 6);
		m->joined = sqlite3_column_int64(s, 7);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_membership_others(struct store *st, int64_t gid, int64_t **ids,
			   size_t *n)
{
	return db_ints(st, ids, n,
		       "SELECT account_id FROM membership WHERE group_id = ?"
		       " AND role <> 3",
		       "i", gid);
}

int sq_membership_add_admin(struct store *st, int64_t gid, int64_t account,
			      int64_t joined)
{
	return db_run(st,
		      "INSERT INTO membership (group_id, account_id, role,"
		      " joined) VALUES (?, ?, 3, ?)",
		      "iii", gid, account, joined);
}

int sq_membership_join(struct store *st, int64_t gid, int64_t account,
			 int64_t joined)
{
	int rc;

	rc = db_run(st,
		    "DELETE FROM invitation WHERE group_id = ?"
		    " AND account_id = ?",
		    "ii", gid, account);
	if (rc == 0)
		rc = db_run(st,
			    "INSERT INTO membership (group_id, account_id,"
			    " role, joined) VALUES (?, ?, 1, ?)",
			    "iii", gid, account, joined);
	return rc;
}

int sq_membership_set_role(struct store *st, int64_t gid, int64_t account,
			     enum store_role role)
{
	return db_run(st,
		      "UPDATE membership SET role = ? WHERE group_id = ?"
		      " AND account_id = ?",
		      "iii", (int64_t)role, gid, account);
}

int sq_membership_handover(struct store *st, int64_t gid, int64_t from,
			     int64_t to)
{
	int rc;

	rc = db_run(st,
		    "UPDATE membership SET role = 1 WHERE group_id = ?"
		    " AND account_id = ?",
		    "ii", gid, from);
	if (rc == 0)
		rc = db_run(st,
			    "UPDATE membership SET role = 3 WHERE group_id = ?"
			    " AND account_id = ?",
			    "ii", gid, to);
	return rc;
}

int sq_membership_end(struct store *st, int64_t gid, int64_t space,
			int64_t account)
{
	int rc;

	rc = db_run(st,
		    "DELETE FROM membership WHERE group_id = ?"
		    " AND account_id = ?",
		    "ii", gid, account);
	if (rc == 0)
		rc = db_run(st,
			    "DELETE FROM acl_member WHERE account_id = ?1 AND"
			    " (SELECT space_id FROM node n"
			    "  WHERE n.id = acl_member.node) = ?2",
			    "ii", account, space);
	if (rc == 0)
		rc = db_run(st,
			    "DELETE FROM editor WHERE account_id = ?1 AND"
			    " (SELECT space_id FROM node n"
			    "  WHERE n.id = editor.node) = ?2",
			    "ii", account, space);
	return rc;
}

int sq_membership_grants_end(struct store *st, int64_t gid,
			       int64_t account)
{
	int rc;

	rc = db_run(st,
		    "DELETE FROM cal_grant_via WHERE group_id = ?1 AND"
		    " (owner_id = ?2 OR grantee_id = ?2)",
		    "ii", gid, account);
	if (rc == 0)
		rc = db_run(st,
			    "DELETE FROM cal_grant WHERE (owner_id = ?1 OR"
			    " grantee_id = ?1) AND NOT EXISTS (SELECT 1 FROM"
			    " cal_grant_via v WHERE v.owner_id ="
			    " cal_grant.owner_id AND v.grantee_id ="
			    " cal_grant.grantee_id)",
			    "i", account);
	return rc;
}
