// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rights on an account's personal calendar, granted to co-members: view
 * details, add, edit, delete.  A grant is held through the groups the two
 * accounts shared when it was made (cal_grant_via); leaving or being
 * removed from such a group drops that link, and the grant ends with its
 * last link, so no right outlives the group it was given through.
 */
#include "internal.h"

static int share_one(struct store *st, int64_t owner, const char *user,
		     unsigned rights)
{
	int64_t id, links = 0;
	int rc;

	rc = account_id(st, user, &id);
	if (rc)
		return rc;
	if (id == owner)
		return store_fail(st, -EINVAL,
				  "your calendar is always yours: share it "
				  "with co-members");
	if (rights == 0)
		return meta_cal_grant_drop(st, owner, id);
	if (!co_members(st, owner, id))
		return store_fail(st, -EINVAL,
				  "%s shares no group with you: a calendar is "
				  "shared with co-members only",
				  user);
	rc = meta_cal_grant_set(st, owner, id, rights, &links);
	if (rc == 0 && links == 0)
		rc = store_fail(st, -EIO, "grant without a group link");
	return rc;
}

int store_share_calendar(struct store *st, const struct store_caller *c,
			 const char *const *users, size_t n, unsigned rights)
{
	size_t i;
	int rc;

	st->errmsg[0] = '\0';
	rc = need_account(st, c);
	if (rc)
		return rc;
	if (rights & ~(unsigned)(STORE_CAL_VIEW | STORE_CAL_ADD | STORE_CAL_EDIT |
				 STORE_CAL_DELETE))
		return store_fail(st, -EINVAL, "unknown calendar right");
	if (n == 0)
		return store_fail(st, -EINVAL, "share with whom?");
	rc = txn_begin(st);
	for (i = 0; rc == 0 && i < n; i++)
		rc = share_one(st, c->account, users[i], rights);
	return txn_end(st, rc);
}

int store_calendar_grants(struct store *st, const struct store_caller *c,
			  struct store_cal_grant **out, size_t *n)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = need_account(st, c);
	if (rc)
		return rc;
	return meta_cal_grant_list(st, c->account, out, n);
}

int store_calendar_rights(struct store *st, const struct store_caller *c,
			  const char *owner, unsigned *rights)
{
	unsigned r = 0;
	int64_t id;
	int rc;

	rc = account_id(st, owner, &id);
	if (rc)
		return rc;
	if (c->account == id && id > 0) {
		*rights = STORE_CAL_VIEW | STORE_CAL_ADD | STORE_CAL_EDIT |
			  STORE_CAL_DELETE;
		return 0;
	}
	rc = meta_cal_grant_rights(st, id, c->account, &r);
	if (rc && rc != -ENOENT)
		return rc;
	*rights = r;
	return 0;
}
