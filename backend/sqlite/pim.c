// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for calendar and contact items,
 * members/, the mailbox (item.c, gen.c, pimapi.c, mail.c).
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* The first column of the first row as text into out (len bytes):
 * -ENOENT when there is no row. */
static int one_text(struct store *st, char *out, size_t len, sqlite3_stmt *s)
{
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(out, len, col_text(s, 0));
	db_done(s);
	return 0;
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
	rc = db_pairs(st, &p, &k, sql, "");
	if (rc)
		return rc;
	if (k) {
		v = malloc(k * sizeof(*v));
		if (!v) {
			free(p);
			return -ENOMEM;
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

int sq_item_uid_taken(struct store *st, int64_t dir, const unsigned char *uid,
			int64_t ino, int64_t replacing, char *name, size_t len)
{
	return one_text(st, name, len,
			db_q(st,
			     "SELECT d.name FROM item i JOIN dirent d ON"
			     " d.child = i.node AND d.parent = i.dir WHERE"
			     " i.dir = ? AND i.uid = ? AND i.node NOT IN"
			     " (?, ?) LIMIT 1",
			     "ibii", dir, uid, (size_t)META_UID_BYTES, ino,
			     replacing));
}

int sq_item_claim(struct store *st, int64_t ino, int64_t dir,
		    const unsigned char *uid, int kind)
{
	int rc;

	if (!uid)
		return db_run(
			st,
			"INSERT OR REPLACE INTO item (node, dir, uid, kind)"
			" VALUES (?, ?, NULL, ?)",
			"iii", ino, dir, (int64_t)kind);
	rc = db_run(st,
		    "DELETE FROM item WHERE dir = ? AND uid = ? AND node <> ?",
		    "ibi", dir, uid, (size_t)META_UID_BYTES, ino);
	if (rc == 0)
		rc = db_run(st,
			    "INSERT OR REPLACE INTO item (node, dir, uid, kind)"
			    " VALUES (?, ?, ?, ?)",
			    "iibi", ino, dir, uid, (size_t)META_UID_BYTES,
			    (int64_t)kind);
	return rc;
}

int sq_item_find_uid(struct store *st, int64_t dir, const unsigned char *uid,
		       char *name, size_t len)
{
	return one_text(st, name, len,
			db_q(st,
			     "SELECT d.name FROM item i JOIN dirent d ON"
			     " d.child = i.node AND d.parent = i.dir WHERE"
			     " i.dir = ? AND i.uid = ? AND (d.name LIKE"
			     " '%.ics' OR d.name LIKE '%.vcf') LIMIT 1",
			     "ib", dir, uid, (size_t)META_UID_BYTES));
}

int sq_item_release(struct store *st, int64_t ino)
{
	return db_run(st, "DELETE FROM item WHERE node = ?", "i", ino);
}

int sq_item_list(struct store *st, int64_t dir, struct meta_item **out,
		   size_t *n)
{
	struct meta_item *v = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	s = db_q(st,
		 "SELECT d.name, d.child FROM dirent d JOIN item i ON i.node ="
		 " d.child AND i.dir = d.parent WHERE d.parent = ?"
		 " ORDER BY d.name",
		 "i", dir);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		copy_str(v[len].name, sizeof(v[len].name), col_text(s, 0));
		v[len].ino = sqlite3_column_int64(s, 1);
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

int sq_item_nodes(struct store *st, int64_t dir, int kind, int64_t **out,
		    size_t *n)
{
	return db_ints(st, out, n,
		       "SELECT i.node FROM item i WHERE i.dir = ? AND"
		       " i.kind = ? ORDER BY i.node",
		       "ii", dir, (int64_t)kind);
}

/* ---- members/ ---- */

int sq_member_dir(struct store *st, int64_t space, int64_t *dir)
{
	return db_int(st, dir, "SELECT members_dir FROM space WHERE id = ?",
		      "i", space);
}

int sq_member_mark(struct store *st, int64_t ino, int gen)
{
	return db_run(st, "UPDATE node SET gen = ? WHERE id = ?", "ii",
		      (int64_t)gen, ino);
}

int sq_member_missing(struct store *st, struct meta_space_account **out,
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

int sq_member_calendar(struct store *st, int64_t account, int64_t *root)
{
	return db_int(st, root,
		      "SELECT calendar FROM space WHERE account_id = ?", "i",
		      account);
}

int sq_member_calendar_stamp(struct store *st, int64_t root,
			       struct meta_calendar_stamp *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT (SELECT mtime FROM node WHERE id = ?1),"
		 " coalesce(max(n.mtime), 0), coalesce(max(n.ctime), 0),"
		 " count(*) FROM dirent d JOIN node n ON n.id = d.child"
		 " WHERE d.parent = ?1",
		 "i", root);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	out->mtime = sqlite3_column_int64(s, 0);
	out->max_mtime = sqlite3_column_int64(s, 1);
	out->max_ctime = sqlite3_column_int64(s, 2);
	out->count = sqlite3_column_int64(s, 3);
	db_done(s);
	return 0;
}

int sq_member_calendar_mtime(struct store *st, int64_t root, int64_t *mtime)
{
	return db_int(st, mtime,
		      "SELECT max(mtime, coalesce((SELECT max(n.mtime) FROM"
		      " dirent d JOIN node n ON n.id = d.child WHERE"
		      " d.parent = ?1), 0)) FROM node WHERE id = ?1",
		      "i", root);
}

int sq_member_photo_type(struct store *st, int64_t account, char *type,
			   size_t len)
{
	return one_text(st, type, len,
			db_q(st, "SELECT photo_type FROM account WHERE id = ?",
			     "i", account));
}

int sq_member_email(struct store *st, int64_t account, char *email,
		      size_t len)
{
	return one_text(st, email, len,
			db_q(st, "SELECT email FROM account WHERE id = ?", "i",
			     account));
}

int sq_member_card(struct store *st, int64_t account,
		     struct store_account *out, void **photo, size_t *photo_len)
{
	sqlite3_stmt *s;
	size_t len;
	int rc;

	*photo = NULL;
	s = db_q(st,
		 "SELECT username, first, last, org, email, photo, photo_type"
		 " FROM account WHERE id = ?",
		 "i", account);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(out->username, sizeof(out->username), col_text(s, 0));
	copy_str(out->first, sizeof(out->first), col_text(s, 1));
	copy_str(out->last, sizeof(out->last), col_text(s, 2));
	copy_str(out->org, sizeof(out->org), col_text(s, 3));
	copy_str(out->email, sizeof(out->email), col_text(s, 4));
	copy_str(out->photo_type, sizeof(out->photo_type), col_text(s, 6));
	len = (size_t)sqlite3_column_bytes(s, 5);
	if (len) {
		*photo = malloc(len);
		if (*photo)
			memcpy(*photo, sqlite3_column_blob(s, 5), len);
		else
			len = 0;
	}
	db_done(s);
	*photo_len = len;
	return 0;
}

int sq_member_photo(struct store *st, int64_t account, char **data,
		      size_t *len)
{
	sqlite3_stmt *s = db_q(st,
			       "SELECT photo FROM account WHERE id = ? AND"
			       " photo IS NOT NULL",
			       "i", account);
	size_t k;
	int rc;

	*data = NULL;
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	k = (size_t)sqlite3_column_bytes(s, 0);
	*data = malloc(k ? k : 1);
	if (*data)
		memcpy(*data, sqlite3_column_blob(s, 0), k);
	db_done(s);
	if (!*data)
		return -ENOMEM;
	*len = k;
	return 0;
}

/* ---- mail/ ---- */

int sq_mail_root(struct store *st, int64_t space, int64_t *mail)
{
	return db_int(st, mail, "SELECT mail FROM space WHERE id = ?", "i",
		      space);
}

int sq_mail_root_set(struct store *st, int64_t space, int64_t mail)
{
	return db_run(st, "UPDATE space SET mail = ? WHERE id = ?", "ii", mail,
		      space);
}

int sq_mail_acl_members(struct store *st, int64_t node, int perm)
{
	return db_run(st,
		      "INSERT INTO acl (node, perm, all_members)"
		      " VALUES (?, ?, 1)",
		      "ii", node, (int64_t)perm);
}

int sq_mail_missing(struct store *st, struct meta_space_account **out,
		      size_t *n)
{
	return space_accounts(st,
			      "SELECT s.id, coalesce((SELECT account_id FROM"
			      " membership m WHERE m.group_id = s.group_id AND"
			      " m.role = 3), 0) FROM space s WHERE s.group_id"
			      " IS NOT NULL AND s.mail = 0",
			      out, n);
}

int sq_mail_entry(struct store *st, int64_t ino, int64_t *parent, char *name,
		    size_t len)
{
	sqlite3_stmt *s = db_q(st,
			       "SELECT parent, name FROM dirent WHERE child = ?"
			       " LIMIT 1",
			       "i", ino);
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*parent = sqlite3_column_int64(s, 0);
	copy_str(name, len, col_text(s, 1));
	db_done(s);
	return 0;
}

int sq_mail_address_group(struct store *st, const char *address, char *name,
			    size_t len)
{
	return one_text(st, name, len,
			db_q(st,
			     "SELECT g.name FROM mail_address m JOIN grp g ON"
			     " g.id = m.group_id WHERE m.address = ?",
			     "t", address));
}

int sq_mail_address_owner(struct store *st, const char *address,
			    int64_t *group)
{
	return db_int(st, group,
		      "SELECT group_id FROM mail_address WHERE address = ?",
		      "t", address);
}

int sq_mail_address_get(struct store *st, int64_t group, char *addr,
			  size_t len)
{
	return one_text(st, addr, len,
			db_q(st,
			     "SELECT address FROM mail_address WHERE"
			     " group_id = ?",
			     "i", group));
}

int sq_mail_address_set(struct store *st, int64_t group, const char *addr)
{
	return db_run(st,
		      "INSERT OR REPLACE INTO mail_address (group_id, address)"
		      " VALUES (?, ?)",
		      "it", group, addr);
}

int sq_mail_address_del(struct store *st, int64_t group)
{
	return db_run(st, "DELETE FROM mail_address WHERE group_id = ?", "i",
		      group);
}

int sq_mail_config_get(struct store *st, const char *key, char *out,
			 size_t len)
{
	return one_text(
		st, out, len,
		db_q(st, "SELECT v FROM mail_config WHERE k = ?", "t", key));
}

int sq_mail_config_set(struct store *st, const char *key, const char *value)
{
	return db_run(st,
		      "INSERT OR REPLACE INTO mail_config (k, v) VALUES"
		      " (?, ?)",
		      "tt", key, value);
}

int sq_mail_config_del(struct store *st, const char *key)
{
	return db_run(st, "DELETE FROM mail_config WHERE k = ?", "t", key);
}

int sq_mail_letter(struct store *st, int64_t group, int64_t account,
		     struct store_letter *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT a.email, a.username, coalesce(b.username, ''),"
		 " coalesce(b.first || ' ' || b.last, ''), i.created, i.sent"
		 " FROM invitation i JOIN account a ON a.id = i.account_id"
		 " LEFT JOIN account b ON b.id = i.invited_by"
		 " WHERE i.group_id = ? AND i.account_id = ?",
		 "ii", group, account);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(out->to, sizeof(out->to), col_text(s, 0));
	copy_str(out->invitee, sizeof(out->invitee), col_text(s, 1));
	copy_str(out->inviter, sizeof(out->inviter), col_text(s, 2));
	copy_str(out->inviter_name, sizeof(out->inviter_name), col_text(s, 3));
	out->created = sqlite3_column_int64(s, 4);
	out->sent = sqlite3_column_int64(s, 5);
	db_done(s);
	return 0;
}
