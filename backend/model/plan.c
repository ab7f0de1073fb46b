// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Subscription plans: the capacities an account's subscription gives (groups
 * it may administer, members and bytes per such group, bytes of private
 * space).  The default tiers are written when a store is created; the
 * operator lists, edits, adds and removes plans.
 */
#include "internal.h"

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

	for (i = 0; rc == 0 && i < ARRAY_SIZE(default_plans); i++)
		rc = meta_plan_add(st, &default_plans[i]);
	return rc;
}

int store_plan_list(struct store *st, struct store_plan **out, size_t *n)
{
	return meta_plan_list(st, out, n);
}

int store_plan_get(struct store *st, const char *name, struct store_plan *out)
{
	int rc = meta_plan_get(st, name, out);

	if (rc == -ENOENT)
		return store_fail(st, -ENOENT, "no plan named %s", name);
	return rc;
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
	return meta_plan_set(st, &cur);
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
		rc = meta_plan_remove(st, name);
	return txn_end(st, rc);
}

int limits_of(struct store *st, int64_t account, struct limits *out)
{
	return meta_plan_limits(st, account, out);
}
