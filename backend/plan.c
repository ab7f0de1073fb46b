// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Subscription plans: the capacities an account's subscription gives (groups
 * it may administer, members and bytes per such group, bytes of private
 * space).  The default tiers are written when a store is created; the
 * operator lists, edits, adds and removes plans.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqlite/engine.h" /* until its SQL moves behind meta.h */

#define MiB (1024LL * 1024)
#define GiB (1024LL * MiB)

static const struct store_plan default_plans[] = {
	/* name      groups members group bytes  private bytes */
	{"free", 0, 0, 0, 1 * GiB, 0},
	{"entry", 1, 5, 1 * GiB, 5 * GiB, 0},
	{"pro", 5, 25, 10 * GiB, 20 * GiB, 0},
	{"ultra", 20, 200, 100 * GiB, 50 * GiB, 0},
};

int plans_seed(struct store *st)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < ARRAY_SIZE(default_plans); i++) {
		const struct store_plan *p = &default_plans[i];

		rc = db_run(st,
			    "INSERT INTO plan (name, max_groups, max_members,"
			    " group_bytes, private_bytes) VALUES (?,?,?,?,?)",
			    "tiiii", p->name, p->max_groups, p->max_members,
			    (int64_t)p->group_bytes, (int64_t)p->private_bytes);
	}
	return rc;
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

int store_plan_list(struct store *st, struct store_plan **out, size_t *n)
{
	struct store_plan *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

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

int store_plan_get(struct store *st, const char *name, struct store_plan *out)
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
	return rc < 0 ? rc : store_fail(st, -ENOENT, "no plan named %s", name);
}

static int plan_set_locked(struct store *st, const struct store_plan *p,
			   unsigned mask, bool *created)
{
	struct store_plan cur;
	int rc;

	rc = store_plan_get(st, p->name, &cur);
	if (rc == -ENOENT) {
		cur = default_plans[0];
		copy_str(cur.name, sizeof(cur.name), p->name);
		*created = true;
	} else if (rc) {
		return rc;
	} else {
		*created = false;
	}
	if (mask & STORE_PLAN_MAX_GROUPS)
		cur.max_groups = p->max_groups;
	if (mask & STORE_PLAN_MAX_MEMBERS)
		cur.max_members = p->max_members;
	if (mask & STORE_PLAN_GROUP_BYTES)
		cur.group_bytes = p->group_bytes;
	if (mask & STORE_PLAN_PRIVATE_BYTES)
		cur.private_bytes = p->private_bytes;
	if (cur.max_groups < 0 || cur.max_members < 0 ||
	    (int64_t)cur.group_bytes < 0 || (int64_t)cur.private_bytes < 0)
		return store_fail(st, -EINVAL,
				  "plan %s: limits cannot be negative",
				  p->name);
	if (cur.max_groups > 0 && cur.max_members < 1)
		return store_fail(st, -EINVAL,
				  "plan %s: a plan that allows groups must "
				  "allow at least 1 member (the administrator)",
				  p->name);
	return db_run(st,
		      "INSERT INTO plan (name, max_groups, max_members,"
		      " group_bytes, private_bytes) VALUES (?1,?2,?3,?4,?5)"
		      " ON CONFLICT (name) DO UPDATE SET max_groups = ?2,"
		      " max_members = ?3, group_bytes = ?4, private_bytes = ?5",
		      "tiiii", cur.name, cur.max_groups, cur.max_members,
		      (int64_t)cur.group_bytes, (int64_t)cur.private_bytes);
}

int store_plan_set(struct store *st, const struct store_caller *c,
		   const struct store_plan *p, unsigned mask, bool *created)
{
	bool made = false;
	int rc;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator may change plans");
	if (!valid_username(p->name))
		return store_fail(st, -EINVAL,
				  "invalid plan name '%s': use [a-z][a-z0-9._-]"
				  " (at most 32)",
				  p->name);
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st, plan_set_locked(st, p, mask, &made));
	if (rc == 0 && created)
		*created = made;
	return rc;
}

int store_plan_remove(struct store *st, const struct store_caller *c,
		      const char *name)
{
	struct store_plan p;
	int rc;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator may remove plans");
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = store_plan_get(st, name, &p);
	if (rc == 0 && p.accounts > 0)
		rc = store_fail(st, -EBUSY,
				"plan %s: %lld accounts use it; move them to "
				"another plan first",
				name, (long long)p.accounts);
	if (rc == 0)
		rc = db_run(st, "DELETE FROM plan WHERE name = ?", "t", name);
	return txn_end(st, rc);
}

int limits_of(struct store *st, int64_t account, struct limits *out)
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
