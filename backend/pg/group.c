// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for the model: groups and
 * membership (group.c, membership.c); sqlite/group.c query by query.
 *
 * Where SQLite lets an INSERT fail on a uniqueness and answers -EEXIST
 * (a group name taken, an owner's second space, a member joining twice),
 * the INSERT here is ON CONFLICT DO NOTHING and -EEXIST is said when no
 * row went in: a failed statement would abort the whole transaction, and
 * the contract lets a caller go on after -EEXIST.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

/* A group's row as an account (parameter `acct`, "$1" or "$2") sees it:
 * grp_row() reads it. */
#define GRP_COLS(acct)                                                         \
	"SELECT g.id, s.id, g.name, g.description, g.published,"               \
	" g.members_published, g.open, g.business, g.sector, g.language,"      \
	" g.created, (SELECT account_id FROM membership a"                     \
	"   WHERE a.group_id = g.id AND a.role = 3),"                          \
	" coalesce((SELECT role FROM membership m"                             \
	"   WHERE m.group_id = g.id AND m.account_id = " acct "::bigint), 0)"  \
	" FROM grp g JOIN space s ON s.group_id = g.id"

static void grp_row(const PGresult *r, int i, struct grp *g)
{
	memset(g, 0, sizeof(*g));
	g->id = pg_col_int(r, i, 0);
	g->space = pg_col_int(r, i, 1);
	copy_str(g->name, sizeof(g->name), pg_col_text(r, i, 2));
	copy_str(g->s.description, sizeof(g->s.description),
		 pg_col_text(r, i, 3));
	g->s.published = (int)pg_col_int(r, i, 4);
	g->s.members_published = (int)pg_col_int(r, i, 5);
	g->s.open = (int)pg_col_int(r, i, 6);
	g->s.business = (int)pg_col_int(r, i, 7);
	copy_str(g->s.sector, sizeof(g->s.sector), pg_col_text(r, i, 8));
	copy_str(g->s.language, sizeof(g->s.language), pg_col_text(r, i, 9));
	g->created = pg_col_int(r, i, 10);
	g->admin = pg_col_int(r, i, 11);
	g->role = (enum store_role)pg_col_int(r, i, 12);
}

int pg_group_find(struct store *st, const char *key, int64_t account,
		  struct grp *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, GRP_COLS("$2") " WHERE g.name_key = $1", "ti", key,
		  account);
	if (rc)
		return rc;
	if (PQntuples(r) < 1)
		rc = -ENOENT;
	else
		grp_row(r, 0, out);
	PQclear(r);
	return rc;
}

/* Every row of result `r` (GRP_COLS ...) into a malloc'd array; `r` is
 * freed.  rc: the query's. */
static int grp_rows(struct store *st, int rc, PGresult *r, struct grp **out,
		    size_t *n)
{
	struct grp *rows = NULL;
	int i, k;

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	k = PQntuples(r);
	if (k > 0) {
		rows = malloc((size_t)k * sizeof(*rows));
		if (!rows) {
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
		for (i = 0; i < k; i++)
			grp_row(r, i, &rows[i]);
	}
	PQclear(r);
	*out = rows;
	*n = (size_t)k;
	return 0;
}

int pg_group_list(struct store *st, int64_t account, bool all, struct grp **out,
		  size_t *n)
{
	PGresult *r;
	int rc;

	if (all)
		rc = pg_q(st, &r, GRP_COLS("$1") " ORDER BY g.name_key", "i",
			  account);
	else
		rc = pg_q(st, &r,
			  GRP_COLS("$1") " WHERE g.id IN (SELECT group_id FROM"
					 " membership WHERE account_id = $1)"
					 " ORDER BY g.name_key",
			  "i", account);
	return grp_rows(st, rc, r, out, n);
}

int pg_group_search(struct store *st, int64_t account, const char *key,
		    int business, const char *sector, const char *language,
		    struct grp **out, size_t *n)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  GRP_COLS("$2") " WHERE g.published = 1"
				 " AND ($1::text = ''"
				 " OR strpos(g.name_key, $1::text) > 0)"
				 " AND ($3::bigint < 0 OR g.business = $3)"
				 " AND ($4::text = ''"
				 " OR lower(g.sector) = lower($4::text))"
				 " AND ($5::text = '' OR g.language = $5)"
				 " ORDER BY g.name_key",
		  "tiitt", key, account, (int64_t)business, sector, language);
	return grp_rows(st, rc, r, out, n);
}

int pg_group_id(struct store *st, const char *key, int64_t *id)
{
	return pg_int(st, id, "SELECT id FROM grp WHERE name_key = $1", "t",
		      key);
}

int pg_group_add(struct store *st, const char *name, const char *key,
		 int64_t created, int64_t *id)
{
	int64_t v;
	int rc;

	rc = pg_int(st, &v,
		    "INSERT INTO grp (name, name_key, created) VALUES"
		    " ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id",
		    "tti", name, key, created);
	if (rc == -ENOENT)
		return store_fail(st, -EEXIST,
				  "database: group name key %s taken", key);
	if (rc == 0)
		*id = v;
	return rc;
}

int pg_group_set_settings(struct store *st, int64_t gid,
			  const struct store_group_settings *s)
{
	return pg_run(st,
		      "UPDATE grp SET description = $1, published = $2,"
		      " members_published = $3, open = $4, business = $5,"
		      " sector = $6, language = $7 WHERE id = $8",
		      "tiiiitti", s->description, (int64_t)s->published,
		      (int64_t)s->members_published, (int64_t)s->open,
		      (int64_t)s->business, s->sector, s->language, gid);
}

int pg_group_delete(struct store *st, int64_t gid)
{
	int rc;

	/* Contents, invitations, rights and grants go by cascade. */
	rc = pg_run(st, "DELETE FROM grp WHERE id = $1", "i", gid);
	if (rc == 0)
		rc = pg_run(st,
			    "DELETE FROM cal_grant WHERE NOT EXISTS (SELECT 1"
			    " FROM cal_grant_via v WHERE v.owner_id ="
			    " cal_grant.owner_id AND v.grantee_id ="
			    " cal_grant.grantee_id)",
			    "");
	return rc;
}

int pg_group_headcount(struct store *st, int64_t gid, int64_t *n)
{
	return pg_int(st, n,
		      "SELECT (SELECT count(*) FROM membership"
		      " WHERE group_id = $1)"
		      " + (SELECT count(*) FROM invitation"
		      " WHERE group_id = $1)",
		      "i", gid);
}

int pg_group_invitation_count(struct store *st, int64_t gid, int64_t *n)
{
	return pg_int(st, n,
		      "SELECT count(*) FROM invitation WHERE group_id = $1",
		      "i", gid);
}

int pg_group_admin_contact(struct store *st, int64_t admin, char *username,
			   size_t ulen, char *email, size_t elen)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT username, email FROM account WHERE id = $1",
		  "i", admin);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	if (username)
		copy_str(username, ulen, pg_col_text(r, 0, 0));
	copy_str(email, elen, pg_col_text(r, 0, 1));
	PQclear(r);
	return 0;
}

int pg_space_add(struct store *st, bool group, int64_t owner, int64_t *space)
{
	int64_t v;
	int rc;

	if (group)
		rc = pg_int(st, &v,
			    "INSERT INTO space (group_id) VALUES ($1)"
			    " ON CONFLICT DO NOTHING RETURNING id",
			    "i", owner);
	else
		rc = pg_int(st, &v,
			    "INSERT INTO space (account_id) VALUES ($1)"
			    " ON CONFLICT DO NOTHING RETURNING id",
			    "i", owner);
	if (rc == -ENOENT)
		return store_fail(st, -EEXIST, "database: %s %lld has a space",
				  group ? "group" : "account",
				  (long long)owner);
	if (rc == 0)
		*space = v;
	return rc;
}

int pg_space_set_dirs(struct store *st, int64_t space,
		      const struct meta_space_dirs *d)
{
	return pg_run(st,
		      "UPDATE space SET root = $1, documents = $2,"
		      " calendar = $3, contacts = $4, drop_dir = $5,"
		      " members_dir = $6, files = 0 WHERE id = $7",
		      "iiiiiii", d->root, d->documents, d->calendar,
		      d->contacts, d->drop, d->members, space);
}

int pg_space_private(struct store *st, int64_t account, int64_t *space)
{
	return pg_int(st, space, "SELECT id FROM space WHERE account_id = $1",
		      "i", account);
}

int pg_space_used(struct store *st, int64_t space, int64_t *used)
{
	return pg_int(st, used, "SELECT used FROM space WHERE id = $1", "i",
		      space);
}

int pg_space_drop_dir(struct store *st, int64_t space, int64_t *drop)
{
	return pg_int(st, drop, "SELECT drop_dir FROM space WHERE id = $1", "i",
		      space);
}

int pg_membership_role(struct store *st, int64_t gid, int64_t account,
		       int *role)
{
	int64_t v;
	int rc;

	rc = pg_int(st, &v,
		    "SELECT role FROM membership WHERE group_id = $1"
		    " AND account_id = $2",
		    "ii", gid, account);
	if (rc == 0)
		*role = (int)v;
	return rc;
}

int pg_membership_count(struct store *st, int64_t gid, int64_t *n)
{
	return pg_int(st, n,
		      "SELECT count(*) FROM membership WHERE group_id = $1",
		      "i", gid);
}

int pg_membership_admin_count(struct store *st, int64_t account, int64_t *n)
{
	return pg_int(st, n,
		      "SELECT count(*) FROM membership WHERE account_id = $1"
		      " AND role = 3",
		      "i", account);
}

int pg_membership_list(struct store *st, int64_t gid, struct store_member **out,
		       size_t *n)
{
	struct store_member *v = NULL;
	PGresult *r;
	int i, k, rc;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  "SELECT a.username, a.first, a.last, a.org, a.email,"
		  " a.photo_type, m.role, m.joined FROM membership m"
		  " JOIN account a ON a.id = m.account_id"
		  " WHERE m.group_id = $1 ORDER BY m.role DESC, a.username",
		  "i", gid);
	if (rc)
		return rc;
	k = PQntuples(r);
	if (k > 0) {
		v = calloc((size_t)k, sizeof(*v));
		if (!v) {
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
	}
	for (i = 0; i < k; i++) {
		struct store_member *m = &v[i];

		copy_str(m->username, sizeof(m->username),
			 pg_col_text(r, i, 0));
		copy_str(m->first, sizeof(m->first), pg_col_text(r, i, 1));
		copy_str(m->last, sizeof(m->last), pg_col_text(r, i, 2));
		copy_str(m->org, sizeof(m->org), pg_col_text(r, i, 3));
		copy_str(m->email, sizeof(m->email), pg_col_text(r, i, 4));
		copy_str(m->photo_type, sizeof(m->photo_type),
			 pg_col_text(r, i, 5));
		m->role = (enum store_role)pg_col_int(r, i, 6);
		m->joined = pg_col_int(r, i, 7);
	}
	PQclear(r);
	*out = v;
	*n = (size_t)k;
	return 0;
}

int pg_membership_others(struct store *st, int64_t gid, int64_t **ids,
			 size_t *n)
{
	return pg_ints(st, ids, n,
		       "SELECT account_id FROM membership WHERE group_id = $1"
		       " AND role <> 3",
		       "i", gid);
}

/* The membership just inserted ON CONFLICT DO NOTHING: -EEXIST when no
 * row went in (`account` is a member already or, for an administrator,
 * the group has one). */
static int membership_added(struct store *st, int rc, int64_t gid,
			    int64_t account, bool admin)
{
	if (rc == 0 && pg_changes(st) == 0)
		return store_fail(st, -EEXIST,
				  "database: account %lld a member of"
				  " group %lld already%s",
				  (long long)account, (long long)gid,
				  admin ? ", or the group has an administrator"
					: "");
	return rc;
}

int pg_membership_add_admin(struct store *st, int64_t gid, int64_t account,
			    int64_t joined)
{
	int rc;

	rc = pg_run(st,
		    "INSERT INTO membership (group_id, account_id, role,"
		    " joined) VALUES ($1, $2, 3, $3) ON CONFLICT DO NOTHING",
		    "iii", gid, account, joined);
	return membership_added(st, rc, gid, account, true);
}

int pg_membership_join(struct store *st, int64_t gid, int64_t account,
		       int64_t joined)
{
	int rc;

	rc = pg_run(st,
		    "DELETE FROM invitation WHERE group_id = $1"
		    " AND account_id = $2",
		    "ii", gid, account);
	if (rc == 0) {
		rc = pg_run(st,
			    "INSERT INTO membership (group_id, account_id,"
			    " role, joined) VALUES ($1, $2, 1, $3)"
			    " ON CONFLICT DO NOTHING",
			    "iii", gid, account, joined);
		rc = membership_added(st, rc, gid, account, false);
	}
	return rc;
}

int pg_membership_set_role(struct store *st, int64_t gid, int64_t account,
			   enum store_role role)
{
	return pg_run(st,
		      "UPDATE membership SET role = $1 WHERE group_id = $2"
		      " AND account_id = $3",
		      "iii", (int64_t)role, gid, account);
}

int pg_membership_handover(struct store *st, int64_t gid, int64_t from,
			   int64_t to)
{
	int rc;

	rc = pg_run(st,
		    "UPDATE membership SET role = 1 WHERE group_id = $1"
		    " AND account_id = $2",
		    "ii", gid, from);
	if (rc == 0)
		rc = pg_run(st,
			    "UPDATE membership SET role = 3 WHERE group_id = $1"
			    " AND account_id = $2",
			    "ii", gid, to);
	return rc;
}

int pg_membership_end(struct store *st, int64_t gid, int64_t space,
		      int64_t account)
{
	int rc;

	rc = pg_run(st,
		    "DELETE FROM membership WHERE group_id = $1"
		    " AND account_id = $2",
		    "ii", gid, account);
	if (rc == 0)
		rc = pg_run(st,
			    "DELETE FROM acl_member WHERE account_id = $1 AND"
			    " (SELECT space_id FROM node n"
			    "  WHERE n.id = acl_member.node) = $2",
			    "ii", account, space);
	if (rc == 0)
		rc = pg_run(st,
			    "DELETE FROM editor WHERE account_id = $1 AND"
			    " (SELECT space_id FROM node n"
			    "  WHERE n.id = editor.node) = $2",
			    "ii", account, space);
	return rc;
}

int pg_membership_grants_end(struct store *st, int64_t gid, int64_t account)
{
	int rc;

	rc = pg_run(st,
		    "DELETE FROM cal_grant_via WHERE group_id = $1 AND"
		    " (owner_id = $2 OR grantee_id = $2)",
		    "ii", gid, account);
	if (rc == 0)
		rc = pg_run(st,
			    "DELETE FROM cal_grant WHERE (owner_id = $1 OR"
			    " grantee_id = $1) AND NOT EXISTS (SELECT 1 FROM"
			    " cal_grant_via v WHERE v.owner_id ="
			    " cal_grant.owner_id AND v.grantee_id ="
			    " cal_grant.grantee_id)",
			    "i", account);
	return rc;
}
