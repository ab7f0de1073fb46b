// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for calendar and contact items,
 * members/, the mailbox (item.c, gen.c, pimapi.c, mail.c); sqlite/pim.c
 * query by query.  Where they differ: SQLite's INSERT OR REPLACE is ON
 * CONFLICT (key) DO UPDATE, with the rows another unique key would have
 * replaced deleted first; mail_address.address, COLLATE NOCASE in SQLite,
 * is compared lower(address) = lower($1); SQLite's LIKE (ASCII case
 * insensitive) is ILIKE; its scalar max(a, b) is greatest(a, b).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

/* The first column of the first row of result `r` as text into out (len
 * bytes); `r` is freed.  rc: the query's; -ENOENT when there is no row. */
static int one_text(int rc, PGresult *r, char *out, size_t len)
{
	if (rc)
		return rc;
	if (PQntuples(r) < 1)
		rc = -ENOENT;
	else
		copy_str(out, len, pg_col_text(r, 0, 0));
	PQclear(r);
	return rc;
}

/* A query's pairs of integers as spaces and accounts. */
static int space_accounts(struct store *st, const char *sql,
			  struct meta_space_account **out, size_t *n)
{
	struct meta_space_account *v = NULL;
	int64_t(*p)[2];
	size_t k, i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = pg_pairs(st, &p, &k, sql, "");
	if (rc)
		return rc;
	if (k) {
		v = malloc(k * sizeof(*v));
		if (!v) {
			free(p);
			return store_fail(st, -ENOMEM, "out of memory");
		}
	}
	for (i = 0; i < k; i++) {
		v[i].space = p[i][0];
		v[i].account = p[i][1];
	}
	free(p);
	*out = v;
	*n = k;
	return 0;
}

/* ---- items ---- */

int pg_item_uid_taken(struct store *st, int64_t dir, const unsigned char *uid,
		      int64_t ino, int64_t replacing, char *name, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT d.name FROM item i JOIN dirent d ON"
		  " d.child = i.node AND d.parent = i.dir WHERE"
		  " i.dir = $1 AND i.uid = $2 AND i.node NOT IN ($3, $4)"
		  " LIMIT 1",
		  "ibii", dir, uid, (size_t)META_UID_BYTES, ino, replacing);
	return one_text(rc, r, name, len);
}

int pg_item_claim(struct store *st, int64_t ino, int64_t dir,
		  const unsigned char *uid, int kind)
{
	int rc;

	if (!uid)
		return pg_run(st,
			      "INSERT INTO item (node, dir, uid, kind)"
			      " VALUES ($1, $2, NULL, $3) ON CONFLICT (node)"
			      " DO UPDATE SET dir = EXCLUDED.dir,"
			      " uid = EXCLUDED.uid, kind = EXCLUDED.kind",
			      "iii", ino, dir, (int64_t)kind);
	/* The other key SQLite's REPLACE would clear: (dir, uid). */
	rc = pg_run(st,
		    "DELETE FROM item WHERE dir = $1 AND uid = $2"
		    " AND node <> $3",
		    "ibi", dir, uid, (size_t)META_UID_BYTES, ino);
	if (rc == 0)
		rc = pg_run(st,
			    "INSERT INTO item (node, dir, uid, kind)"
			    " VALUES ($1, $2, $3, $4) ON CONFLICT (node)"
			    " DO UPDATE SET dir = EXCLUDED.dir,"
			    " uid = EXCLUDED.uid, kind = EXCLUDED.kind",
			    "iibi", ino, dir, uid, (size_t)META_UID_BYTES,
			    (int64_t)kind);
	return rc;
}

int pg_item_find_uid(struct store *st, int64_t dir, const unsigned char *uid,
		     char *name, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT d.name FROM item i JOIN dirent d ON"
		  " d.child = i.node AND d.parent = i.dir WHERE"
		  " i.dir = $1 AND i.uid = $2 AND (d.name ILIKE"
		  " '%.ics' OR d.name ILIKE '%.vcf') LIMIT 1",
		  "ib", dir, uid, (size_t)META_UID_BYTES);
	return one_text(rc, r, name, len);
}

int pg_item_release(struct store *st, int64_t ino)
{
	return pg_run(st, "DELETE FROM item WHERE node = $1", "i", ino);
}

int pg_item_list(struct store *st, int64_t dir, struct meta_item **out,
		 size_t *n)
{
	struct meta_item *v = NULL;
	PGresult *r;
	int i, k, rc;

	*out = NULL;
	*n = 0;
	rc = pg_q(st, &r,
		  "SELECT d.name, d.child FROM dirent d JOIN item i ON"
		  " i.node = d.child AND i.dir = d.parent WHERE d.parent = $1"
		  " ORDER BY d.name",
		  "i", dir);
	if (rc)
		return rc;
	k = PQntuples(r);
	if (k > 0) {
		v = malloc((size_t)k * sizeof(*v));
		if (!v) {
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
	}
	for (i = 0; i < k; i++) {
		copy_str(v[i].name, sizeof(v[i].name), pg_col_text(r, i, 0));
		v[i].ino = pg_col_int(r, i, 1);
	}
	PQclear(r);
	*out = v;
	*n = (size_t)k;
	return 0;
}

int pg_item_nodes(struct store *st, int64_t dir, int kind, int64_t **out,
		  size_t *n)
{
	return pg_ints(st, out, n,
		       "SELECT i.node FROM item i WHERE i.dir = $1 AND"
		       " i.kind = $2 ORDER BY i.node",
		       "ii", dir, (int64_t)kind);
}

/* ---- members/ ---- */

int pg_member_dir(struct store *st, int64_t space, int64_t *dir)
{
	return pg_int(st, dir, "SELECT members_dir FROM space WHERE id = $1",
		      "i", space);
}

int pg_member_mark(struct store *st, int64_t ino, int gen)
{
	return pg_run(st, "UPDATE node SET gen = $1 WHERE id = $2", "ii",
		      (int64_t)gen, ino);
}

int pg_member_missing(struct store *st, struct meta_space_account **out,
		      size_t *n)
{
	return space_accounts(st,
			      "SELECT s.id, m.account_id FROM membership m"
			      " JOIN space s ON s.group_id = m.group_id JOIN"
			      " account a ON a.id = m.account_id WHERE"
			      " s.members_dir <> 0 AND NOT EXISTS (SELECT 1"
			      " FROM dirent d WHERE d.parent = s.members_dir"
			      " AND d.name = a.username)",
			      out, n);
}

int pg_member_calendar(struct store *st, int64_t account, int64_t *root)
{
	return pg_int(st, root,
		      "SELECT calendar FROM space WHERE account_id = $1", "i",
		      account);
}

int pg_member_calendar_stamp(struct store *st, int64_t root,
			     struct meta_calendar_stamp *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT (SELECT mtime FROM node WHERE id = $1),"
		  " coalesce(max(n.mtime), 0), coalesce(max(n.ctime), 0),"
		  " count(*) FROM dirent d JOIN node n ON n.id = d.child"
		  " WHERE d.parent = $1",
		  "i", root);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	out->mtime = pg_col_int(r, 0, 0);
	out->max_mtime = pg_col_int(r, 0, 1);
	out->max_ctime = pg_col_int(r, 0, 2);
	out->count = pg_col_int(r, 0, 3);
	PQclear(r);
	return 0;
}

int pg_member_calendar_mtime(struct store *st, int64_t root, int64_t *mtime)
{
	return pg_int(st, mtime,
		      "SELECT greatest(mtime, coalesce((SELECT max(n.mtime)"
		      " FROM dirent d JOIN node n ON n.id = d.child WHERE"
		      " d.parent = $1), 0)) FROM node WHERE id = $1",
		      "i", root);
}

int pg_member_photo_type(struct store *st, int64_t account, char *type,
			 size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT photo_type FROM account WHERE id = $1", "i",
		  account);
	return one_text(rc, r, type, len);
}

int pg_member_email(struct store *st, int64_t account, char *email, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT email FROM account WHERE id = $1", "i",
		  account);
	return one_text(rc, r, email, len);
}

int pg_member_card(struct store *st, int64_t account, struct store_account *out,
		   void **photo, size_t *photo_len)
{
	const void *p;
	PGresult *r;
	size_t len;
	int rc;

	*photo = NULL;
	rc = pg_q(st, &r,
		  "SELECT username, first, last, org, email, photo, photo_type"
		  " FROM account WHERE id = $1",
		  "i", account);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	copy_str(out->username, sizeof(out->username), pg_col_text(r, 0, 0));
	copy_str(out->first, sizeof(out->first), pg_col_text(r, 0, 1));
	copy_str(out->last, sizeof(out->last), pg_col_text(r, 0, 2));
	copy_str(out->org, sizeof(out->org), pg_col_text(r, 0, 3));
	copy_str(out->email, sizeof(out->email), pg_col_text(r, 0, 4));
	copy_str(out->photo_type, sizeof(out->photo_type),
		 pg_col_text(r, 0, 6));
	p = pg_col_blob(r, 0, 5, &len);
	if (len) {
		*photo = malloc(len);
		if (*photo)
			memcpy(*photo, p, len);
		else
			len = 0;
	}
	PQclear(r);
	*photo_len = len;
	return 0;
}

int pg_member_photo(struct store *st, int64_t account, char **data, size_t *len)
{
	const void *p;
	PGresult *r;
	size_t k;
	int rc;

	*data = NULL;
	rc = pg_q(st, &r,
		  "SELECT photo FROM account WHERE id = $1 AND"
		  " photo IS NOT NULL",
		  "i", account);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	p = pg_col_blob(r, 0, 0, &k);
	*data = malloc(k ? k : 1);
	if (*data && k)
		memcpy(*data, p, k);
	PQclear(r);
	if (!*data)
		return store_fail(st, -ENOMEM, "out of memory");
	*len = k;
	return 0;
}

/* ---- mail/ ---- */

int pg_mail_root(struct store *st, int64_t space, int64_t *mail)
{
	return pg_int(st, mail, "SELECT mail FROM space WHERE id = $1", "i",
		      space);
}

int pg_mail_root_set(struct store *st, int64_t space, int64_t mail)
{
	return pg_run(st, "UPDATE space SET mail = $1 WHERE id = $2", "ii",
		      mail, space);
}

int pg_mail_acl_members(struct store *st, int64_t node, int perm)
{
	return pg_run(st,
		      "INSERT INTO acl (node, perm, all_members)"
		      " VALUES ($1, $2, 1)",
		      "ii", node, (int64_t)perm);
}

int pg_mail_missing(struct store *st, struct meta_space_account **out,
		    size_t *n)
{
	return space_accounts(st,
			      "SELECT s.id, coalesce((SELECT account_id FROM"
			      " membership m WHERE m.group_id = s.group_id AND"
			      " m.role = 3), 0) FROM space s WHERE s.group_id"
			      " IS NOT NULL AND s.mail = 0",
			      out, n);
}

int pg_mail_entry(struct store *st, int64_t ino, int64_t *parent, char *name,
		  size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT parent, name FROM dirent WHERE child = $1 LIMIT 1",
		  "i", ino);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	*parent = pg_col_int(r, 0, 0);
	copy_str(name, len, pg_col_text(r, 0, 1));
	PQclear(r);
	return 0;
}

int pg_mail_address_group(struct store *st, const char *address, char *name,
			  size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT g.name FROM mail_address m JOIN grp g ON"
		  " g.id = m.group_id WHERE lower(m.address) = lower($1::text)",
		  "t", address);
	return one_text(rc, r, name, len);
}

int pg_mail_address_owner(struct store *st, const char *address, int64_t *group)
{
	return pg_int(st, group,
		      "SELECT group_id FROM mail_address"
		      " WHERE lower(address) = lower($1::text)",
		      "t", address);
}

int pg_mail_address_get(struct store *st, int64_t group, char *addr, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT address FROM mail_address WHERE group_id = $1", "i",
		  group);
	return one_text(rc, r, addr, len);
}

int pg_mail_address_set(struct store *st, int64_t group, const char *addr)
{
	int rc;

	/* The other key SQLite's REPLACE would clear: another group's
	 * row with the same address. */
	rc = pg_run(st,
		    "DELETE FROM mail_address WHERE lower(address) ="
		    " lower($2::text) AND group_id <> $1",
		    "it", group, addr);
	if (rc == 0)
		rc = pg_run(st,
			    "INSERT INTO mail_address (group_id, address)"
			    " VALUES ($1, $2) ON CONFLICT (group_id)"
			    " DO UPDATE SET address = EXCLUDED.address",
			    "it", group, addr);
	return rc;
}

int pg_mail_address_del(struct store *st, int64_t group)
{
	return pg_run(st, "DELETE FROM mail_address WHERE group_id = $1", "i",
		      group);
}

int pg_mail_config_get(struct store *st, const char *key, char *out, size_t len)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r, "SELECT v FROM mail_config WHERE k = $1", "t", key);
	return one_text(rc, r, out, len);
}

int pg_mail_config_set(struct store *st, const char *key, const char *value)
{
	return pg_run(st,
		      "INSERT INTO mail_config (k, v) VALUES ($1, $2)"
		      " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v",
		      "tt", key, value);
}

int pg_mail_config_del(struct store *st, const char *key)
{
	return pg_run(st, "DELETE FROM mail_config WHERE k = $1", "t", key);
}

int pg_mail_letter(struct store *st, int64_t group, int64_t account,
		   struct store_letter *out)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT a.email, a.username, coalesce(b.username, ''),"
		  " coalesce(b.first || ' ' || b.last, ''), i.created, i.sent"
		  " FROM invitation i JOIN account a ON a.id = i.account_id"
		  " LEFT JOIN account b ON b.id = i.invited_by"
		  " WHERE i.group_id = $1 AND i.account_id = $2",
		  "ii", group, account);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	copy_str(out->to, sizeof(out->to), pg_col_text(r, 0, 0));
	copy_str(out->invitee, sizeof(out->invitee), pg_col_text(r, 0, 1));
	copy_str(out->inviter, sizeof(out->inviter), pg_col_text(r, 0, 2));
	copy_str(out->inviter_name, sizeof(out->inviter_name),
		 pg_col_text(r, 0, 3));
	out->created = pg_col_int(r, 0, 4);
	out->sent = pg_col_int(r, 0, 5);
	PQclear(r);
	return 0;
}
