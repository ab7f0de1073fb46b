// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the model: accounts, plans,
 * invitations (account.c, plan.c, invite.c, invitations.c).
 */
#include <stdlib.h>

#include "engine.h"

/* ---- plans (plan.c) ---- */

int meta_plan_add(struct store *st, const struct store_plan *p)
{
	return db_run(st,
		      "INSERT INTO plan (name, max_groups, max_members,"
		      " group_bytes, private_bytes) VALUES (?,?,?,?,?)",
		      "tiiii", p->name, p->max_groups, p->max_members,
		      (int64_t)p->group_bytes, (int64_t)p->private_bytes);
}

int meta_plan_set(struct store *st, const struct store_plan *p)
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

int meta_plan_list(struct store *st, struct store_plan **out, size_t *n)
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

int meta_plan_get(struct store *st, const char *name, struct store_plan *out)
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

int meta_plan_remove(struct store *st, const char *name)
{
	return db_run(st, "DELETE FROM plan WHERE name = ?", "t", name);
}

int meta_plan_id(struct store *st, const char *name, int64_t *id)
{
	return db_int(st, id, "SELECT id FROM plan WHERE name = ?", "t", name);
}

int meta_plan_limits(struct store *st, int64_t account, struct limits *out)
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
