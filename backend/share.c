// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rights on an account's personal calendar, granted to co-members: view
 * details, add, edit, delete.  A grant is held through the groups the two
 * accounts shared when it was made (cal_grant_via); leaving or being
 * removed from such a group drops that link, and the grant ends with its
 * last link, so no right outlives the group it was given through.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqlite/engine.h" /* until its SQL moves behind meta.h */

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
		return db_run(st,
			      "DELETE FROM cal_grant WHERE owner_id = ? AND"
			      " grantee_id = ?",
			      "ii", owner, id);
	if (!co_members(st, owner, id))
		return store_fail(st, -EINVAL,
				  "%s shares no group with you: a calendar is "
				  "shared with co-members only",
				  user);
	rc = db_run(st,
		    "INSERT INTO cal_grant (owner_id, grantee_id, rights)"
		    " VALUES (?1, ?2, ?3) ON CONFLICT (owner_id, grantee_id)"
		    " DO UPDATE SET rights = ?3",
		    "iii", owner, id, (int64_t)rights);
	if (rc == 0)
		rc = db_run(st,
			    "INSERT OR IGNORE INTO cal_grant_via (owner_id,"
			    " grantee_id, group_id) SELECT ?1, ?2, m1.group_id"
			    " FROM membership m1 JOIN membership m2 ON"
			    " m2.group_id = m1.group_id AND m2.account_id = ?2"
			    " WHERE m1.account_id = ?1",
			    "ii", owner, id);
	if (rc == 0)
		rc = db_int(st, &links,
			    "SELECT count(*) FROM cal_grant_via WHERE owner_id"
			    " = ? AND grantee_id = ?",
			    "ii", owner, id);
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
	struct store_cal_grant *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

	st->errmsg[0] = '\0';
	rc = need_account(st, c);
	if (rc)
		return rc;
	s = db_q(st,
		 "SELECT o.username, e.username, g.rights, (SELECT count(*)"
		 " FROM cal_grant_via v WHERE v.owner_id = g.owner_id AND"
		 " v.grantee_id = g.grantee_id) FROM cal_grant g"
		 " JOIN account o ON o.id = g.owner_id"
		 " JOIN account e ON e.id = g.grantee_id"
		 " WHERE g.owner_id = ?1 OR g.grantee_id = ?1"
		 " ORDER BY o.username, e.username",
		 "i", c->account);
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

int store_calendar_rights(struct store *st, const struct store_caller *c,
			  const char *owner, unsigned *rights)
{
	int64_t id, r = 0;
	int rc;

	rc = account_id(st, owner, &id);
	if (rc)
		return rc;
	if (c->account == id && id > 0) {
		*rights = STORE_CAL_VIEW | STORE_CAL_ADD | STORE_CAL_EDIT |
			  STORE_CAL_DELETE;
		return 0;
	}
	rc = db_int(st, &r,
		    "SELECT rights FROM cal_grant g WHERE owner_id = ? AND"
		    " grantee_id = ? AND EXISTS (SELECT 1 FROM cal_grant_via v"
		    " WHERE v.owner_id = g.owner_id AND v.grantee_id ="
		    " g.grantee_id)",
		    "ii", id, c->account);
	if (rc && rc != -ENOENT)
		return rc;
	*rights = (unsigned)r;
	return 0;
}
