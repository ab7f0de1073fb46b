// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for the model: accounts, plans,
 * invitations (account.c, plan.c, invite.c, invitations.c); sqlite/model.c
 * query by query.
 */
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

/* The rows of `r` (freed here, after a query that returned *rc) as a
 * malloc'd array of `size`-byte elements, each filled by fill(r, row,
 * element), and *n; NULL when there is none or on error (*rc). */
static void *rows_of(struct store *st, int *rc, PGresult *r, size_t size,
		     void (*fill)(const PGresult *, int, void *), size_t *n)
{
	char *v = NULL;
	int i, rows;

	if (*rc)
		return NULL;
	rows = PQntuples(r);
	if (rows > 0) {
		v = calloc((size_t)rows, size);
		if (!v) {
			PQclear(r);
			*rc = store_fail(st, -ENOMEM, "out of memory");
			return NULL;
		}
	}
	for (i = 0; i < rows; i++)
		fill(r, i, v + (size_t)i * size);
	PQclear(r);
	*n = (size_t)rows;
	return v;
}

/* The text of the first row's column 0 of a query that returned `rc`
 * (`r` freed here) into buf (len bytes); -ENOENT: no row. */
static int text_of(int rc, PGresult *r, char *buf, size_t len)
{
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

/* A unique key that would break is -EEXIST, as SQLite's CONSTRAINT, but
 * must not fail the statement here: PostgreSQL would abort the whole
 * transaction, where SQLite goes on.  So such an INSERT is ON CONFLICT DO
 * NOTHING, and no row added (`rc` 0) says the key was taken. */
static int taken(struct store *st, int rc, const char *what)
{
	if (rc == 0 && pg_changes(st) == 0)
		return store_fail(st, -EEXIST, "database: %s exists already",
				  what);
	return rc;
}

/* ---- plans (plan.c) ---- */

int pg_plan_add(struct store *st, const struct store_plan *p)
{
	int rc = pg_run(st,
			"INSERT INTO plan (name, max_groups, max_members,"
			" group_bytes, private_bytes) VALUES ($1,$2,$3,$4,$5)"
			" ON CONFLICT DO NOTHING",
			"tiiii", p->name, p->max_groups, p->max_members,
			(int64_t)p->group_bytes, (int64_t)p->private_bytes);

	return taken(st, rc, "a plan of that name");
}

int pg_plan_set(struct store *st, const struct store_plan *p)
{
	return pg_run(st,
		      "INSERT INTO plan (name, max_groups, max_members,"
		      " group_bytes, private_bytes) VALUES ($1,$2,$3,$4,$5)"
		      " ON CONFLICT (name) DO UPDATE SET max_groups = $2,"
		      " max_members = $3, group_bytes = $4, private_bytes = $5",
		      "tiiii", p->name, p->max_groups, p->max_members,
		      (int64_t)p->group_bytes, (int64_t)p->private_bytes);
}

static void plan_row(const PGresult *r, int row, void *el)
{
	struct store_plan *p = el;

	copy_str(p->name, sizeof(p->name), pg_col_text(r, row, 0));
	p->max_groups = pg_col_int(r, row, 1);
	p->max_members = pg_col_int(r, row, 2);
	p->group_bytes = (uint64_t)pg_col_int(r, row, 3);
	p->private_bytes = (uint64_t)pg_col_int(r, row, 4);
	p->accounts = pg_col_int(r, row, 5);
}

#define PLAN_COLS                                                            \
	"SELECT name, max_groups, max_members, group_bytes, private_bytes,"   \
	" (SELECT count(*) FROM account a WHERE a.plan_id = plan.id) FROM plan"

int pg_plan_list(struct store *st, struct store_plan **out, size_t *n)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      PLAN_COLS " ORDER BY group_bytes, max_groups, name", "");

	*out = rows_of(st, &rc, r, sizeof(**out), plan_row, n);
	return rc;
}

int pg_plan_get(struct store *st, const char *name, struct store_plan *out)
{
	PGresult *r;
	int rc = pg_q(st, &r, PLAN_COLS " WHERE name = $1", "t", name);

	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	plan_row(r, 0, out);
	PQclear(r);
	return 0;
}

int pg_plan_remove(struct store *st, const char *name)
{
	return pg_run(st, "DELETE FROM plan WHERE name = $1", "t", name);
}

int pg_plan_id(struct store *st, const char *name, int64_t *id)
{
	return pg_int(st, id, "SELECT id FROM plan WHERE name = $1", "t",
		      name);
}

int pg_plan_limits(struct store *st, int64_t account, struct limits *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT p.name, p.max_groups, p.max_members, p.group_bytes,"
		  " p.private_bytes FROM account a JOIN plan p"
		  " ON p.id = a.plan_id WHERE a.id = $1",
		  "i", account);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	copy_str(out->plan, sizeof(out->plan), pg_col_text(r, 0, 0));
	out->max_groups = pg_col_int(r, 0, 1);
	out->max_members = pg_col_int(r, 0, 2);
	out->group_bytes = pg_col_int(r, 0, 3);
	out->private_bytes = pg_col_int(r, 0, 4);
	PQclear(r);
	return 0;
}

/* ---- accounts (account.c) ---- */

int pg_account_id(struct store *st, const char *username, int64_t *id)
{
	return pg_int(st, id, "SELECT id FROM account WHERE username = $1",
		      "t", username);
}

int pg_account_name(struct store *st, int64_t id, char *buf, size_t len)
{
	PGresult *r;
	int rc = pg_q(st, &r, "SELECT username FROM account WHERE id = $1",
		      "i", id);

	return text_of(rc, r, buf, len);
}

int pg_account_by_uid(struct store *st, int64_t uid, int64_t *id)
{
	return pg_int(st, id, "SELECT id FROM account WHERE unix_uid = $1",
		      "i", uid);
}

int pg_account_co_members(struct store *st, int64_t a, int64_t b)
{
	int64_t one;

	return pg_int(st, &one,
		      "SELECT 1 FROM membership m1 JOIN membership m2"
		      " ON m2.group_id = m1.group_id"
		      " WHERE m1.account_id = $1 AND m2.account_id = $2"
		      " LIMIT 1",
		      "ii", a, b);
}

int pg_account_add(struct store *st, const struct store_account *a,
		   const char *org, const char *pwhash, int64_t plan,
		   int64_t created, int64_t unix_uid, int64_t *id)
{
	int64_t new_id = 0;
	int rc;

	/* No row back: the username is taken (taken()). */
	rc = pg_int(st, &new_id,
		    "INSERT INTO account (username, first, last, org, email,"
		    " pwhash, plan_id, created) VALUES ($1,$2,$3,$4,$5,$6,$7,"
		    "$8) ON CONFLICT DO NOTHING RETURNING id",
		    "ttttttii", a->username, a->first, a->last, org, a->email,
		    pwhash, plan, created);
	if (rc == -ENOENT)
		rc = store_fail(st, -EEXIST, "database: an account named %s "
				"exists already", a->username);
	if (rc)
		return rc;
	if (unix_uid >= 0)
		rc = pg_account_set_uid(st, new_id, unix_uid);
	if (rc == 0)
		*id = new_id;
	return rc;
}

int pg_account_set_text(struct store *st, int64_t id, unsigned field,
			const char *value)
{
	const char *sql;

	switch (field) {
	case STORE_ACCOUNT_FIRST:
		sql = "UPDATE account SET first = $1 WHERE id = $2";
		break;
	case STORE_ACCOUNT_LAST:
		sql = "UPDATE account SET last = $1 WHERE id = $2";
		break;
	case STORE_ACCOUNT_ORG:
		sql = "UPDATE account SET org = $1 WHERE id = $2";
		break;
	case STORE_ACCOUNT_EMAIL:
		sql = "UPDATE account SET email = $1 WHERE id = $2";
		break;
	default:
		return -EINVAL;
	}
	return pg_run(st, sql, "ti", value, id);
}

int pg_account_set_plan(struct store *st, int64_t id, int64_t plan)
{
	return pg_run(st, "UPDATE account SET plan_id = $1 WHERE id = $2",
		      "ii", plan, id);
}

int pg_account_set_uid(struct store *st, int64_t id, int64_t uid)
{
	int64_t other;
	int rc;

	if (uid < 0)
		return pg_run(st,
			      "UPDATE account SET unix_uid = NULL"
			      " WHERE id = $1",
			      "i", id);
	/* An UPDATE has no ON CONFLICT: ask first (taken()). */
	rc = pg_int(st, &other,
		    "SELECT id FROM account WHERE unix_uid = $1 AND id <> $2",
		    "ii", uid, id);
	if (rc == 0)
		return store_fail(st, -EEXIST, "database: Unix uid %lld is "
				  "bound to another account", (long long)uid);
	if (rc != -ENOENT)
		return rc;
	return pg_run(st,
		      "UPDATE account SET unix_uid = $1"
		      " WHERE id = $2",
		      "ii", uid, id);
}

#define ACCOUNT_COLS                                                         \
	"SELECT a.id, a.username, a.first, a.last, a.org, a.email, p.name,"   \
	" a.unix_uid, a.pwhash IS NOT NULL, a.created, a.photo_type,"         \
	" octet_length(a.photo) FROM account a JOIN plan p"                   \
	" ON p.id = a.plan_id"

static void account_row(const PGresult *r, int row, void *el)
{
	struct store_account *out = el;

	memset(out, 0, sizeof(*out));
	out->id = pg_col_int(r, row, 0);
	copy_str(out->username, sizeof(out->username), pg_col_text(r, row, 1));
	copy_str(out->first, sizeof(out->first), pg_col_text(r, row, 2));
	copy_str(out->last, sizeof(out->last), pg_col_text(r, row, 3));
	copy_str(out->org, sizeof(out->org), pg_col_text(r, row, 4));
	copy_str(out->email, sizeof(out->email), pg_col_text(r, row, 5));
	copy_str(out->photo_type, sizeof(out->photo_type),
		 pg_col_text(r, row, 10));
	out->photo_size = (uint32_t)pg_col_int(r, row, 11);
	copy_str(out->plan, sizeof(out->plan), pg_col_text(r, row, 6));
	out->unix_uid = -1;
	if (!pg_col_null(r, row, 7))
		out->unix_uid = pg_col_int(r, row, 7);
	out->has_password = pg_col_int(r, row, 8) != 0;
	out->created = pg_col_int(r, row, 9);
}

int pg_account_get(struct store *st, int64_t id, struct store_account *out)
{
	PGresult *r;
	int rc = pg_q(st, &r, ACCOUNT_COLS " WHERE a.id = $1", "i", id);

	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	account_row(r, 0, out);
	PQclear(r);
	return 0;
}

int pg_account_list(struct store *st, bool all, int64_t account,
		    struct store_account **out, size_t *n)
{
	PGresult *r;
	int rc;

	if (all)
		rc = pg_q(st, &r, ACCOUNT_COLS " ORDER BY a.username", "");
	else
		rc = pg_q(st, &r,
			  ACCOUNT_COLS " WHERE a.id = $1 OR a.id IN"
				       " (SELECT m2.account_id FROM membership"
				       " m1 JOIN membership m2"
				       " ON m2.group_id = m1.group_id"
				       " WHERE m1.account_id = $1)"
				       " ORDER BY a.username",
			  "i", account);
	*out = rows_of(st, &rc, r, sizeof(**out), account_row, n);
	return rc;
}

int pg_account_admin_of(struct store *st, int64_t id, char *buf, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT g.name FROM membership m JOIN grp g"
		  " ON g.id = m.group_id WHERE m.account_id = $1 AND"
		  " m.role = 3 ORDER BY g.name LIMIT 1",
		  "i", id);
	return text_of(rc, r, buf, len);
}

int pg_account_remove(struct store *st, int64_t id)
{
	return pg_run(st, "DELETE FROM account WHERE id = $1", "i", id);
}

int pg_account_set_photo(struct store *st, int64_t id, const void *data,
			 size_t len, const char *type)
{
	if (data)
		return pg_run(st,
			      "UPDATE account SET photo = $1, photo_type = $2"
			      " WHERE id = $3",
			      "bti", data, len, type, id);
	return pg_run(st,
		      "UPDATE account SET photo = NULL, photo_type = ''"
		      " WHERE id = $1",
		      "i", id);
}

int pg_account_photo(struct store *st, int64_t id, void **data, size_t *len,
		     char type[16])
{
	const void *b;
	PGresult *r;
	size_t n;
	void *p;
	int rc;

	*data = NULL;
	rc = pg_q(st, &r,
		  "SELECT photo, photo_type FROM account WHERE id = $1"
		  " AND photo IS NOT NULL",
		  "i", id);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	b = pg_col_blob(r, 0, 0, &n);
	p = malloc(n ? n : 1);
	if (!p) {
		PQclear(r);
		return store_fail(st, -ENOMEM, "out of memory");
	}
	if (n)
		memcpy(p, b, n);
	copy_str(type, 16, pg_col_text(r, 0, 1));
	PQclear(r);
	*data = p;
	*len = n;
	return 0;
}

int pg_account_set_pwhash(struct store *st, int64_t id, const char *hash)
{
	if (!hash)
		return pg_run(st,
			      "UPDATE account SET pwhash = NULL WHERE id = $1",
			      "i", id);
	return pg_run(st, "UPDATE account SET pwhash = $1 WHERE id = $2", "ti",
		      hash, id);
}

int pg_account_pwhash(struct store *st, const char *username, char *buf,
		      size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT pwhash FROM account WHERE username = $1"
		  " AND pwhash IS NOT NULL",
		  "t", username);
	return text_of(rc, r, buf, len);
}

/* ---- invitations (invite.c) ---- */

int pg_invitation_find(struct store *st, int64_t group, int64_t account)
{
	int64_t one;

	return pg_int(st, &one,
		      "SELECT 1 FROM invitation WHERE group_id = $1 AND"
		      " account_id = $2",
		      "ii", group, account);
}

int pg_invitation_add(struct store *st, int64_t group, int64_t account,
		      int64_t by, int64_t now)
{
	int rc = pg_run(st,
			"INSERT INTO invitation (group_id, account_id,"
			" invited_by, created, last_sent)"
			" VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING",
			"iiii", group, account, by, now);

	return taken(st, rc, "the invitation");
}

#define INVITE_COLS                                                          \
	"SELECT g.name, a.username, coalesce(b.username, ''), i.created,"     \
	" i.last_sent, i.sent FROM invitation i"                              \
	" JOIN grp g ON g.id = i.group_id"                                    \
	" JOIN account a ON a.id = i.account_id"                              \
	" LEFT JOIN account b ON b.id = i.invited_by"

static void invite_row(const PGresult *r, int row, void *el)
{
	struct store_invitation *inv = el;

	memset(inv, 0, sizeof(*inv));
	copy_str(inv->group, sizeof(inv->group), pg_col_text(r, row, 0));
	copy_str(inv->username, sizeof(inv->username), pg_col_text(r, row, 1));
	copy_str(inv->invited_by, sizeof(inv->invited_by),
		 pg_col_text(r, row, 2));
	inv->created = pg_col_int(r, row, 3);
	inv->last_sent = pg_col_int(r, row, 4);
	inv->sent = pg_col_int(r, row, 5);
}

int pg_invitation_list_group(struct store *st, int64_t group,
			     struct store_invitation **out, size_t *n)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      INVITE_COLS " WHERE i.group_id = $1 ORDER BY a.username",
		      "i", group);

	*out = rows_of(st, &rc, r, sizeof(**out), invite_row, n);
	return rc;
}

int pg_invitation_list_account(struct store *st, int64_t account,
			       struct store_invitation **out, size_t *n)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      INVITE_COLS " WHERE i.account_id = $1 ORDER BY"
				  " g.name_key",
		      "i", account);

	*out = rows_of(st, &rc, r, sizeof(**out), invite_row, n);
	return rc;
}

int pg_invitation_resend(struct store *st, int64_t group, int64_t account,
			 int64_t now)
{
	return pg_run(st,
		      "UPDATE invitation SET sent = sent + 1, last_sent = $1"
		      " WHERE group_id = $2 AND account_id = $3",
		      "iii", now, group, account);
}

int pg_invitation_remove(struct store *st, int64_t group, int64_t account)
{
	return pg_run(st,
		      "DELETE FROM invitation WHERE group_id = $1 AND"
		      " account_id = $2",
		      "ii", group, account);
}

int pg_invitation_accept(struct store *st, int64_t group, int64_t account,
			 int64_t now)
{
	int rc = pg_invitation_remove(st, group, account);

	if (rc == 0)
		rc = taken(st,
			   pg_run(st,
				  "INSERT INTO membership (group_id,"
				  " account_id, role, joined)"
				  " VALUES ($1, $2, 1, $3)"
				  " ON CONFLICT DO NOTHING",
				  "iii", group, account, now),
			   "the membership");
	return rc;
}

/* ---- Private/invitations/ (invitations.c) ---- */

int pg_space_root_if_private(struct store *st, int64_t space, int64_t *root)
{
	return pg_int(st, root,
		      "SELECT root FROM space WHERE id = $1 AND"
		      " account_id IS NOT NULL",
		      "i", space);
}

int pg_private_owner(struct store *st, int64_t space, int64_t *owner)
{
	return pg_int(st, owner,
		      "SELECT account_id FROM space WHERE id = $1", "i",
		      space);
}

int pg_invitations_dir(struct store *st, int64_t account, int64_t *dir)
{
	return pg_int(st, dir,
		      "SELECT d.child FROM space s JOIN dirent d ON d.parent ="
		      " s.root AND d.name = 'invitations'"
		      " WHERE s.account_id = $1",
		      "i", account);
}

int pg_invitations_unmade(struct store *st, int64_t **out, size_t *n)
{
	return pg_ints(st, out, n,
		       "SELECT s.id FROM space s WHERE s.account_id IS NOT NULL"
		       " AND (NOT EXISTS (SELECT 1 FROM dirent d WHERE"
		       " d.parent = s.root AND d.name = 'invitations') OR NOT"
		       " EXISTS (SELECT 1 FROM dirent d WHERE d.parent = s.root"
		       " AND d.name = '.trash-info'))",
		       "");
}

static void unfiled_row(const PGresult *r, int row, void *el)
{
	struct meta_invitation_unfiled *u = el;

	u->group = pg_col_int(r, row, 0);
	copy_str(u->name, sizeof(u->name), pg_col_text(r, row, 1));
}

/* One query where sqlite/model.c asks for each group's name apart (a
 * round trip each here); the invitation's group always exists (its
 * foreign key cascades). */
int pg_invitation_unfiled(struct store *st, int64_t account,
			  struct meta_invitation_unfiled **out, size_t *n)
{
	PGresult *r;
	int rc = pg_q(st, &r,
		      "SELECT i.group_id, g.name FROM invitation i"
		      " JOIN grp g ON g.id = i.group_id WHERE"
		      " i.account_id = $1 AND NOT EXISTS (SELECT 1 FROM"
		      " invitation_file f WHERE f.group_id = i.group_id AND"
		      " f.account_id = i.account_id)",
		      "i", account);

	*out = rows_of(st, &rc, r, sizeof(**out), unfiled_row, n);
	return rc;
}

int pg_invitation_file_add(struct store *st, int64_t ino, int64_t group,
			   int64_t account)
{
	int rc = pg_run(st, "UPDATE node SET gen = $1 WHERE id = $2", "ii",
			(int64_t)GEN_INVITATION, ino);

	if (rc == 0)
		rc = taken(st,
			   pg_run(st,
				  "INSERT INTO invitation_file (node,"
				  " group_id, account_id) VALUES ($1, $2, $3)"
				  " ON CONFLICT DO NOTHING",
				  "iii", ino, group, account),
			   "the invitation's file");
	return rc;
}

int pg_invitation_file_get(struct store *st, int64_t ino,
			   struct meta_invitation_file *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT g.name, g.description, coalesce(b.username, ''),"
		  " coalesce(b.first || ' ' || b.last, ''), i.created,"
		  " i.last_sent, i.sent FROM invitation_file x"
		  " JOIN invitation i ON i.group_id = x.group_id AND"
		  " i.account_id = x.account_id JOIN grp g ON g.id = i.group_id"
		  " LEFT JOIN account b ON b.id = i.invited_by"
		  " WHERE x.node = $1",
		  "i", ino);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	copy_str(out->group, sizeof(out->group), pg_col_text(r, 0, 0));
	copy_str(out->description, sizeof(out->description),
		 pg_col_text(r, 0, 1));
	copy_str(out->by, sizeof(out->by), pg_col_text(r, 0, 2));
	copy_str(out->by_name, sizeof(out->by_name), pg_col_text(r, 0, 3));
	out->created = pg_col_int(r, 0, 4);
	out->last_sent = pg_col_int(r, 0, 5);
	out->sent = pg_col_int(r, 0, 6);
	PQclear(r);
	return 0;
}
