// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the model: accounts, plans,
 * invitations (account.c, plan.c, invite.c, invitations.c).
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* ---- plans (plan.c) ---- */

int sq_plan_add(struct store *st, const struct store_plan *p)
{
	return db_run(st,
		      "INSERT INTO plan (name, max_groups, max_members,"
		      " group_bytes, private_bytes) VALUES (?,?,?,?,?)",
		      "tiiii", p->name, p->max_groups, p->max_members,
		      (int64_t)p->group_bytes, (int64_t)p->private_bytes);
}

int sq_plan_set(struct store *st, const struct store_plan *p)
{
	return db_run(st,
		      "INSERT INTO plan (name, max_groups, max_members,"
		      " group_bytes, private_bytes) VALUES (?1,?2,?3,?4,?5)"
		      " ON CONFLICT (name) DO UPDATE SET max_groups = ?2,"
		      " max_members = ?3, group_bytes = ?4, private_bytes = ?5",
		      "tiiii", p->name, p->max_groups, p->max_members,
		      (int64_t)p->group_bytes, (int64_t)p->private_bytes);
}

static void plan_row(sqlite3_stmt *s, struct store_plan *p)
{
	copy_str(p->name, sizeof(p->name), col_text(s, 0));
	p->max_groups = sqlite3_column_int64(s, 1);
	p->max_members = sqlite3_column_int64(s, 2);
	p->group_bytes = (uint64_t)sqlite3_column_int64(s, 3);
	p->private_bytes = (uint64_t)sqlite3_column_int64(s, 4);
	p->accounts = sqlite3_column_int64(s, 5);
}

#define PLAN_COLS                                                            \
	"SELECT name, max_groups, max_members, group_bytes, private_bytes,"   \
	" (SELECT count(*) FROM account a WHERE a.plan_id = plan.id) FROM plan"

int sq_plan_list(struct store *st, struct store_plan **out, size_t *n)
{
	struct store_plan *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	s = db_q(st, PLAN_COLS " ORDER BY group_bytes, max_groups, name", "");
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		plan_row(s, &v[len++]);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_plan_get(struct store *st, const char *name, struct store_plan *out)
{
	sqlite3_stmt *s = db_q(st, PLAN_COLS " WHERE name = ?", "t", name);
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		plan_row(s, out);
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

int sq_plan_remove(struct store *st, const char *name)
{
	return db_run(st, "DELETE FROM plan WHERE name = ?", "t", name);
}

int sq_plan_id(struct store *st, const char *name, int64_t *id)
{
	return db_int(st, id, "SELECT id FROM plan WHERE name = ?", "t", name);
}

int sq_plan_limits(struct store *st, int64_t account, struct limits *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT p.name, p.max_groups, p.max_members, p.group_bytes,"
		 " p.private_bytes FROM account a JOIN plan p"
		 " ON p.id = a.plan_id WHERE a.id = ?",
		 "i", account);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		copy_str(out->plan, sizeof(out->plan), col_text(s, 0));
		out->max_groups = sqlite3_column_int64(s, 1);
		out->max_members = sqlite3_column_int64(s, 2);
		out->group_bytes = sqlite3_column_int64(s, 3);
		out->private_bytes = sqlite3_column_int64(s, 4);
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

/* ---- accounts (account.c) ---- */

int sq_account_id(struct store *st, const char *username, int64_t *id)
{
	return db_int(st, id, "SELECT id FROM account WHERE username = ?", "t",
		      username);
}

int sq_account_name(struct store *st, int64_t id, char *buf, size_t len)
{
	sqlite3_stmt *s = db_q(st, "SELECT username FROM account WHERE id = ?",
			       "i", id);
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		copy_str(buf, len, col_text(s, 0));
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

int sq_account_by_uid(struct store *st, int64_t uid, int64_t *id)
{
	return db_int(st, id, "SELECT id FROM account WHERE unix_uid = ?", "i",
		      uid);
}

int sq_account_co_members(struct store *st, int64_t a, int64_t b)
{
	int64_t one;

	return db_int(st, &one,
		      "SELECT 1 FROM membership m1 JOIN membership m2"
		      " ON m2.group_id = m1.group_id"
		      " WHERE m1.account_id = ? AND m2.account_id = ? LIMIT 1",
		      "ii", a, b);
}

int sq_account_add(struct store *st, const struct store_account *a,
		     const char *org, const char *pwhash, int64_t plan,
		     int64_t created, int64_t unix_uid, int64_t *id)
{
	int64_t new_id;
	int rc;

	rc = db_run(st,
		    "INSERT INTO account (username, first, last, org, email,"
		    " pwhash, plan_id, created) VALUES (?,?,?,?,?,?,?,?)",
		    "ttttttii", a->username, a->first, a->last, org, a->email,
		    pwhash, plan, created);
	if (rc)
		return rc;
	new_id = db_last_id(st);
	if (unix_uid >= 0)
		rc = db_run(st, "UPDATE account SET unix_uid = ? WHERE id = ?",
			    "ii", unix_uid, new_id);
	if (rc == 0)
		*id = new_id;
	return rc;
}

int sq_account_set_text(struct store *st, int64_t id, unsigned field,
			  const char *value)
{
	const char *sql;

	switch (field) {
	case STORE_ACCOUNT_FIRST:
		sql = "UPDATE account SET first = ? WHERE id = ?";
		break;
	case STORE_ACCOUNT_LAST:
		sql = "UPDATE account SET last = ? WHERE id = ?";
		break;
	case STORE_ACCOUNT_ORG:
		sql = "UPDATE account SET org = ? WHERE id = ?";
		break;
	case STORE_ACCOUNT_EMAIL:
		sql = "UPDATE account SET email = ? WHERE id = ?";
		break;
	default:
		return -EINVAL;
	}
	return db_run(st, sql, "ti", value, id);
}

int sq_account_set_plan(struct store *st, int64_t id, int64_t plan)
{
	return db_run(st, "UPDATE account SET plan_id = ? WHERE id = ?", "ii",
		      plan, id);
}

int sq_account_set_uid(struct store *st, int64_t id, int64_t uid)
{
	if (uid < 0)
		return db_run(st,
			      "UPDATE account SET unix_uid = NULL"
			      " WHERE id = ?",
			      "i", id);
	return db_run(st,
		      "UPDATE account SET unix_uid = ?"
		      " WHERE id = ?",
		      "ii", uid, id);
}

#define ACCOUNT_COLS                                                         \
	"SELECT a.id, a.username, a.first, a.last, a.org, a.email, p.name,"   \
	" a.unix_uid, a.pwhash IS NOT NULL, a.created, a.photo_type,"         \
	" length(a.photo) FROM account a JOIN plan p ON p.id = a.plan_id"

static void account_row(sqlite3_stmt *s, struct store_account *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	copy_str(out->username, sizeof(out->username), col_text(s, 1));
	copy_str(out->first, sizeof(out->first), col_text(s, 2));
	copy_str(out->last, sizeof(out->last), col_text(s, 3));
	copy_str(out->org, sizeof(out->org), col_text(s, 4));
	copy_str(out->email, sizeof(out->email), col_text(s, 5));
	copy_str(out->photo_type, sizeof(out->photo_type), col_text(s, 10));
	out->photo_size = (uint32_t)sqlite3_column_int64(s, 11);
	copy_str(out->plan, sizeof(out->plan), col_text(s, 6));
	out->unix_uid = -1;
	if (sqlite3_column_type(s, 7) != SQLITE_NULL)
		out->unix_uid = sqlite3_column_int64(s, 7);
	out->has_password = sqlite3_column_int(s, 8) != 0;
	out->created = sqlite3_column_int64(s, 9);
}

int sq_account_get(struct store *st, int64_t id, struct store_account *out)
{
	sqlite3_stmt *s = db_q(st, ACCOUNT_COLS " WHERE a.id = ?", "i", id);
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		account_row(s, out);
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

int sq_account_list(struct store *st, bool all, int64_t account,
		      struct store_account **out, size_t *n)
{
	struct store_account *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	if (all)
		s = db_q(st, ACCOUNT_COLS " ORDER BY a.username", "");
	else
		s = db_q(st,
			 ACCOUNT_COLS " WHERE a.id = ?1 OR a.id IN"
				      " (SELECT m2.account_id FROM membership m1"
				      " JOIN membership m2"
				      " ON m2.group_id = m1.group_id"
				      " WHERE m1.account_id = ?1)"
				      " ORDER BY a.username",
			 "i", account);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		account_row(s, &v[len++]);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_account_admin_of(struct store *st, int64_t id, char *buf, size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT g.name FROM membership m JOIN grp g"
		 " ON g.id = m.group_id WHERE m.account_id = ? AND m.role = 3"
		 " ORDER BY g.name LIMIT 1",
		 "i", id);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		copy_str(buf, len, col_text(s, 0));
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

int sq_account_remove(struct store *st, int64_t id)
{
	return db_run(st, "DELETE FROM account WHERE id = ?", "i", id);
}

int sq_account_set_photo(struct store *st, int64_t id, const void *data,
			   size_t len, const char *type)
{
	if (data)
		return db_run(st,
			      "UPDATE account SET photo = ?, photo_type = ?"
			      " WHERE id = ?",
			      "bti", data, len, type, id);
	return db_run(st,
		      "UPDATE account SET photo = NULL, photo_type = ''"
		      " WHERE id = ?",
		      "i", id);
}

int sq_account_photo(struct store *st, int64_t id, void **data, size_t *len,
		       char type[16])
{
	sqlite3_stmt *s;
	int rc;

	*data = NULL;
	s = db_q(st, "SELECT photo, photo_type FROM account WHERE id = ?"
		     " AND photo IS NOT NULL",
		 "i", id);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		size_t n = (size_t)sqlite3_column_bytes(s, 0);
		void *p = malloc(n ? n : 1);

		if (!p) {
			db_done(s);
			return -ENOMEM;
		}
		memcpy(p, sqlite3_column_blob(s, 0), n);
		copy_str(type, 16, col_text(s, 1));
		db_done(s);
		*data = p;
		*len = n;
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

int sq_account_set_pwhash(struct store *st, int64_t id, const char *hash)
{
	if (!hash)
		return db_run(st,
			      "UPDATE account SET pwhash = NULL WHERE id = ?",
			      "i", id);
	return db_run(st, "UPDATE account SET pwhash = ? WHERE id = ?", "ti",
		      hash, id);
}

int sq_account_pwhash(struct store *st, const char *username, char *buf,
			size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, "SELECT pwhash FROM account WHERE username = ?"
		     " AND pwhash IS NOT NULL",
		 "t", username);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		copy_str(buf, len, col_text(s, 0));
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

/* ---- invitations (invite.c) ---- */

int sq_invitation_find(struct store *st, int64_t group, int64_t account)
{
	int64_t one;

	return db_int(st, &one,
		      "SELECT 1 FROM invitation WHERE group_id = ? AND"
		      " account_id = ?",
		      "ii", group, account);
}

int sq_invitation_add(struct store *st, int64_t group, int64_t account,
			int64_t by, int64_t now)
{
	return db_run(st,
		      "INSERT INTO invitation (group_id, account_id,"
		      " invited_by, created, last_sent)"
		      " VALUES (?1, ?2, ?3, ?4, ?4)",
		      "iiii", group, account, by, now);
}

#define INVITE_COLS                                                          \
	"SELECT g.name, a.username, coalesce(b.username, ''), i.created,"     \
	" i.last_sent, i.sent FROM invitation i"                              \
	" JOIN grp g ON g.id = i.group_id"                                    \
	" JOIN account a ON a.id = i.account_id"                              \
	" LEFT JOIN account b ON b.id = i.invited_by"

static int invite_rows(struct store *st, sqlite3_stmt *s,
		       struct store_invitation **out, size_t *n)
{
	struct store_invitation *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		struct store_invitation *inv;

		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		inv = &v[len++];
		memset(inv, 0, sizeof(*inv));
		copy_str(inv->group, sizeof(inv->group), col_text(s, 0));
		copy_str(inv->username, sizeof(inv->username), col_text(s, 1));
		copy_str(inv->invited_by, sizeof(inv->invited_by),
			 col_text(s, 2));
		inv->created = sqlite3_column_int64(s, 3);
		inv->last_sent = sqlite3_column_int64(s, 4);
		inv->sent = sqlite3_column_int64(s, 5);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_invitation_list_group(struct store *st, int64_t group,
			       struct store_invitation **out, size_t *n)
{
	return invite_rows(st,
			   db_q(st, INVITE_COLS " WHERE i.group_id = ?"
						" ORDER BY a.username",
				"i", group),
			   out, n);
}

int sq_invitation_list_account(struct store *st, int64_t account,
				 struct store_invitation **out, size_t *n)
{
	return invite_rows(st,
			   db_q(st, INVITE_COLS " WHERE i.account_id = ?"
						" ORDER BY g.name_key",
				"i", account),
			   out, n);
}

int sq_invitation_resend(struct store *st, int64_t group, int64_t account,
			   int64_t now)
{
	return db_run(st,
		      "UPDATE invitation SET sent = sent + 1, last_sent = ?"
		      " WHERE group_id = ? AND account_id = ?",
		      "iii", now, group, account);
}

int sq_invitation_remove(struct store *st, int64_t group, int64_t account)
{
	return db_run(st,
		      "DELETE FROM invitation WHERE group_id = ? AND"
		      " account_id = ?",
		      "ii", group, account);
}

int sq_invitation_accept(struct store *st, int64_t group, int64_t account,
			   int64_t now)
{
	int rc = sq_invitation_remove(st, group, account);

	if (rc == 0)
		rc = db_run(st,
			    "INSERT INTO membership (group_id, account_id, role,"
			    " joined) VALUES (?, ?, 1, ?)",
			    "iii", group, account, now);
	return rc;
}

/* ---- Private/invitations/ (invitations.c) ---- */

int sq_space_root_if_private(struct store *st, int64_t space,
				int64_t *root)
{
	return db_int(st, root,
		      "SELECT root FROM space WHERE id = ? AND"
		      " account_id IS NOT NULL",
		      "i", space);
}

int sq_private_owner(struct store *st, int64_t space, int64_t *owner)
{
	return db_int(st, owner, "SELECT account_id FROM space WHERE id = ?",
		      "i", space);
}

int sq_invitations_dir(struct store *st, int64_t account, int64_t *dir)
{
	return db_int(st, dir,
		      "SELECT d.child FROM space s JOIN dirent d ON d.parent ="
		      " s.root AND d.name = 'invitations'"
		      " WHERE s.account_id = ?",
		      "i", account);
}

int sq_invitations_unmade(struct store *st, int64_t **out, size_t *n)
{
	return db_ints(st, out, n,
		       "SELECT s.id FROM space s WHERE s.account_id IS NOT NULL"
		       " AND (NOT EXISTS (SELECT 1 FROM dirent d WHERE"
		       " d.parent = s.root AND d.name = 'invitations') OR NOT"
		       " EXISTS (SELECT 1 FROM dirent d WHERE d.parent = s.root"
		       " AND d.name = '.trash-info'))",
		       "");
}

int sq_invitation_unfiled(struct store *st, int64_t account,
			    struct meta_invitation_unfiled **out, size_t *n)
{
	struct meta_invitation_unfiled *v = NULL;
	int64_t(*p)[2] = NULL;
	size_t np = 0, i;
	int rc;

	*out = NULL;
	rc = db_pairs(st, &p, &np,
		      "SELECT i.group_id, i.created FROM invitation i WHERE"
		      " i.account_id = ? AND NOT EXISTS (SELECT 1 FROM"
		      " invitation_file f WHERE f.group_id = i.group_id AND"
		      " f.account_id = i.account_id)",
		      "i", account);
	if (rc == 0 && np > 0) {
		v = calloc(np, sizeof(*v));
		if (!v)
			rc = -ENOMEM;
	}
	for (i = 0; rc == 0 && i < np; i++) {
		sqlite3_stmt *g = db_q(st, "SELECT name FROM grp WHERE id = ?",
				       "i", p[i][0]);

		if (!g) {
			rc = -EIO;
			break;
		}
		rc = db_row(st, g);
		if (rc != 1) {
			rc = rc < 0 ? rc : -EIO;
			break;
		}
		v[i].group = p[i][0];
		copy_str(v[i].name, sizeof(v[i].name), col_text(g, 0));
		db_done(g);
		rc = 0;
	}
	free(p);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = np;
	return 0;
}

int sq_invitation_file_add(struct store *st, int64_t ino, int64_t group,
			     int64_t account)
{
	int rc = db_run(st, "UPDATE node SET gen = ? WHERE id = ?", "ii",
			(int64_t)GEN_INVITATION, ino);

	if (rc == 0)
		rc = db_run(st,
			    "INSERT INTO invitation_file (node, group_id,"
			    " account_id) VALUES (?, ?, ?)",
			    "iii", ino, group, account);
	return rc;
}

int sq_invitation_file_get(struct store *st, int64_t ino,
			     struct meta_invitation_file *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT g.name, g.description, coalesce(b.username, ''),"
		 " coalesce(b.first || ' ' || b.last, ''), i.created,"
		 " i.last_sent, i.sent FROM invitation_file x"
		 " JOIN invitation i ON i.group_id = x.group_id AND"
		 " i.account_id = x.account_id JOIN grp g ON g.id = i.group_id"
		 " LEFT JOIN account b ON b.id = i.invited_by WHERE x.node = ?",
		 "i", ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(out->group, sizeof(out->group), col_text(s, 0));
	copy_str(out->description, sizeof(out->description), col_text(s, 1));
	copy_str(out->by, sizeof(out->by), col_text(s, 2));
	copy_str(out->by_name, sizeof(out->by_name), col_text(s, 3));
	out->created = sqlite3_column_int64(s, 4);
	out->last_sent = sqlite3_column_int64(s, 5);
	out->sent = sqlite3_column_int64(s, 6);
	db_done(s);
	return 0;
}
