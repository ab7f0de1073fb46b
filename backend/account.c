// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Accounts: usernames, profile data (what co-members see), the plan, the
 * Unix user an account is bound to, argon2id passwords and photos.  Who may
 * see what of an account is decided here.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqlite/engine.h" /* until its SQL moves behind meta.h */

int account_id(struct store *st, const char *username, int64_t *id)
{
	int rc = db_int(st, id, "SELECT id FROM account WHERE username = ?",
			"t", username);

	if (rc == -ENOENT)
		return store_fail(st, -ENOENT, "no account named %s",
				  username);
	return rc;
}

int account_name(struct store *st, int64_t id, char *buf, size_t len)
{
	sqlite3_stmt *s = db_q(st, "SELECT username FROM account WHERE id = ?",
			       "i", id);
	int rc;

	buf[0] = '\0';
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

int need_account(struct store *st, const struct store_caller *c)
{
	if (c->account > 0)
		return 0;
	return store_fail(st, -EACCES,
			  "no groupfs account is bound to this Unix user");
}

bool co_members(struct store *st, int64_t a, int64_t b)
{
	int64_t one;

	if (a <= 0 || b <= 0)
		return false;
	return db_int(st, &one,
		      "SELECT 1 FROM membership m1 JOIN membership m2"
		      " ON m2.group_id = m1.group_id"
		      " WHERE m1.account_id = ? AND m2.account_id = ? LIMIT 1",
		      "ii", a, b) == 0;
}

static int check_fields(struct store *st, const struct store_account *a,
			unsigned mask)
{
	if ((mask & STORE_ACCOUNT_FIRST) &&
	    !valid_text(a->first, STORE_TEXT_MAX, false))
		return store_fail(st, -EINVAL,
				  "the first name must be 1 to %d characters "
				  "of text",
				  STORE_TEXT_MAX);
	if ((mask & STORE_ACCOUNT_LAST) &&
	    !valid_text(a->last, STORE_TEXT_MAX, false))
		return store_fail(st, -EINVAL,
				  "the last name must be 1 to %d characters "
				  "of text",
				  STORE_TEXT_MAX);
	if ((mask & STORE_ACCOUNT_ORG) &&
	    !valid_text(a->org, STORE_TEXT_MAX, true))
		return store_fail(st, -EINVAL,
				  "the organization must be at most %d "
				  "characters of text",
				  STORE_TEXT_MAX);
	if ((mask & STORE_ACCOUNT_EMAIL) && !valid_email(a->email))
		return store_fail(st, -EINVAL, "invalid email address '%s'",
				  a->email);
	if ((mask & STORE_ACCOUNT_UNIX_UID) && a->unix_uid < -1)
		return store_fail(st, -EINVAL, "invalid Unix uid");
	return 0;
}

static int plan_id(struct store *st, const char *name, int64_t *id)
{
	int rc = db_int(st, id, "SELECT id FROM plan WHERE name = ?", "t",
			name);

	if (rc == -ENOENT)
		return store_fail(st, -ENOENT, "no plan named %s", name);
	return rc;
}

static int uid_free(struct store *st, int64_t uid, int64_t self)
{
	char other[STORE_USERNAME_MAX + 1];
	int64_t id;
	int rc;

	if (uid < 0)
		return 0;
	rc = db_int(st, &id, "SELECT id FROM account WHERE unix_uid = ?", "i",
		    uid);
	if (rc == -ENOENT || (rc == 0 && id == self))
		return 0;
	if (rc)
		return rc;
	account_name(st, id, other, sizeof(other));
	return store_fail(st, -EEXIST,
			  "Unix uid %lld is already bound to account %s",
			  (long long)uid, other);
}

static int hash_password(struct store *st, const char *pw, size_t len,
			 char out[crypto_pwhash_STRBYTES])
{
	if (crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return store_fail(st, -ENOMEM, "argon2id: out of memory");
	return 0;
}

static int add_locked(struct store *st, const struct store_account *a,
		      unsigned mask, const char *pw, size_t pwlen, int64_t *id)
{
	char hash[crypto_pwhash_STRBYTES];
	int64_t plan, existing, space;
	int64_t uid = (mask & STORE_ACCOUNT_UNIX_UID) ? a->unix_uid : -1;
	int rc;

	if (db_int(st, &existing, "SELECT id FROM account WHERE username = ?",
		   "t", a->username) == 0)
		return store_fail(st, -EEXIST, "the username %s is taken",
				  a->username);
	rc = plan_id(st, (mask & STORE_ACCOUNT_PLAN) ? a->plan : "free",
		     &plan);
	if (rc == 0)
		rc = uid_free(st, uid, 0);
	if (rc == 0 && pw)
		rc = hash_password(st, pw, pwlen, hash);
	if (rc)
		return rc;
	rc = db_run(st,
		    "INSERT INTO account (username, first, last, org, email,"
		    " pwhash, plan_id, created) VALUES (?,?,?,?,?,?,?,?)",
		    "ttttttii", a->username, a->first, a->last,
		    (mask & STORE_ACCOUNT_ORG) ? a->org : "", a->email,
		    pw ? hash : NULL, plan, now_sec());
	if (rc)
		return rc;
	*id = db_last_id(st);
	if (uid >= 0)
		rc = db_run(st, "UPDATE account SET unix_uid = ? WHERE id = ?",
			    "ii", uid, *id);
	if (rc == 0)
		rc = space_create(st, SPACE_PRIVATE, *id, *id, &space);
	return rc;
}

int store_account_add(struct store *st, const struct store_caller *c,
		      const struct store_account *a, unsigned mask,
		      const char *password, size_t pwlen, int64_t *id)
{
	const unsigned need =
		STORE_ACCOUNT_FIRST | STORE_ACCOUNT_LAST | STORE_ACCOUNT_EMAIL;
	int64_t new_id = 0;
	int rc;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator may add accounts");
	if (!valid_username(a->username))
		return store_fail(st, -EINVAL,
				  "invalid username '%s': a lower-case letter, "
				  "then up to 31 of a-z 0-9 . _ -",
				  a->username);
	if ((mask & need) != need)
		return store_fail(st, -EINVAL,
				  "an account needs a first name, a last name "
				  "and an email address");
	rc = check_fields(st, a, mask);
	if (rc)
		return rc;
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st, add_locked(st, a, mask, password, pwlen, &new_id));
	if (rc == 0 && id)
		*id = new_id;
	return rc;
}

static int edit_locked(struct store *st, int64_t id,
		       const struct store_account *a, unsigned mask)
{
	int64_t plan;
	int rc = 0;

	if (mask & STORE_ACCOUNT_FIRST)
		rc = db_run(st, "UPDATE account SET first = ? WHERE id = ?",
			    "ti", a->first, id);
	if (rc == 0 && (mask & STORE_ACCOUNT_LAST))
		rc = db_run(st, "UPDATE account SET last = ? WHERE id = ?",
			    "ti", a->last, id);
	if (rc == 0 && (mask & STORE_ACCOUNT_ORG))
		rc = db_run(st, "UPDATE account SET org = ? WHERE id = ?",
			    "ti", a->org, id);
	if (rc == 0 && (mask & STORE_ACCOUNT_EMAIL))
		rc = db_run(st, "UPDATE account SET email = ? WHERE id = ?",
			    "ti", a->email, id);
	if (rc == 0 && (mask & STORE_ACCOUNT_PLAN)) {
		rc = plan_id(st, a->plan, &plan);
		if (rc == 0)
			rc = db_run(st,
				    "UPDATE account SET plan_id = ? WHERE id = ?",
				    "ii", plan, id);
	}
	if (rc == 0 && (mask & STORE_ACCOUNT_UNIX_UID)) {
		rc = uid_free(st, a->unix_uid, id);
		if (rc == 0 && a->unix_uid < 0)
			rc = db_run(st,
				    "UPDATE account SET unix_uid = NULL"
				    " WHERE id = ?",
				    "i", id);
		else if (rc == 0)
			rc = db_run(st,
				    "UPDATE account SET unix_uid = ?"
				    " WHERE id = ?",
				    "ii", a->unix_uid, id);
	}
	return rc;
}

int store_account_edit(struct store *st, const struct store_caller *c,
		       const char *username, const struct store_account *a,
		       unsigned mask)
{
	int64_t id;
	int rc;

	st->errmsg[0] = '\0';
	rc = account_id(st, username, &id);
	if (rc)
		return rc;
	if (!c->operator && c->account != id)
		return store_fail(st, -EACCES,
				  "%s: only the account itself or the store "
				  "operator may edit it",
				  username);
	if (!c->operator && (mask & (STORE_ACCOUNT_PLAN |
				     STORE_ACCOUNT_UNIX_UID)))
		return store_fail(st, -EPERM,
				  "only the store operator may change an "
				  "account's plan or Unix user");
	rc = check_fields(st, a, mask);
	if (rc)
		return rc;
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, edit_locked(st, id, a, mask));
}

#define ACCOUNT_COLS                                                         \
	"SELECT a.id, a.username, a.first, a.last, a.org, a.email, p.name,"   \
	" a.unix_uid, a.pwhash IS NOT NULL, a.created, a.photo_type,"         \
	" length(a.photo) FROM account a JOIN plan p ON p.id = a.plan_id"

/* Fill `out` from a row, hiding what the caller may not see. */
static void account_row(sqlite3_stmt *s, bool full, struct store_account *out)
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
	out->unix_uid = -1;
	out->created = -1;
	if (!full)
		return;
	copy_str(out->plan, sizeof(out->plan), col_text(s, 6));
	if (sqlite3_column_type(s, 7) != SQLITE_NULL)
		out->unix_uid = sqlite3_column_int64(s, 7);
	out->has_password = sqlite3_column_int(s, 8) != 0;
	out->created = sqlite3_column_int64(s, 9);
}

/* 1: full view, 0: profile only, -ENOENT: nothing. */
static int visibility(struct store *st, const struct store_caller *c,
		      int64_t id)
{
	if (c->operator || c->account == id)
		return 1;
	if (co_members(st, c->account, id))
		return 0;
	return -ENOENT;
}

int store_account_get(struct store *st, const struct store_caller *c,
		      const char *username, struct store_account *out)
{
	sqlite3_stmt *s;
	int64_t id;
	int rc, vis;

	st->errmsg[0] = '\0';
	rc = account_id(st, username, &id);
	if (rc)
		return rc;
	vis = visibility(st, c, id);
	if (vis < 0)
		return store_fail(st, -ENOENT,
				  "no account named %s among your co-members",
				  username);
	s = db_q(st, ACCOUNT_COLS " WHERE a.id = ?", "i", id);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		account_row(s, vis == 1, out);
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

int store_account_list(struct store *st, const struct store_caller *c,
		       struct store_account **out, size_t *n)
{
	struct store_account *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

	st->errmsg[0] = '\0';
	if (c->operator)
		s = db_q(st, ACCOUNT_COLS " ORDER BY a.username", "");
	else
		s = db_q(st,
			 ACCOUNT_COLS " WHERE a.id = ?1 OR a.id IN"
				      " (SELECT m2.account_id FROM membership m1"
				      " JOIN membership m2"
				      " ON m2.group_id = m1.group_id"
				      " WHERE m1.account_id = ?1)"
				      " ORDER BY a.username",
			 "i", c->account);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		account_row(s, c->operator ||
				       sqlite3_column_int64(s, 0) == c->account,
			    &v[len++]);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

static int remove_locked(struct store *st, const char *username)
{
	sqlite3_stmt *s;
	int64_t id;
	int rc;

	rc = account_id(st, username, &id);
	if (rc)
		return rc;
	s = db_q(st,
		 "SELECT g.name FROM membership m JOIN grp g"
		 " ON g.id = m.group_id WHERE m.account_id = ? AND m.role = 3"
		 " ORDER BY g.name LIMIT 1",
		 "i", id);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		rc = store_fail(st, -EBUSY,
				"%s administers the group %s: hand it over or "
				"delete it first",
				username, col_text(s, 0));
		db_done(s);
		return rc;
	}
	if (rc < 0)
		return rc;
	/* Grants made through groups go with the memberships (cascade);
	 * the private space and its content go with the account. */
	return db_run(st, "DELETE FROM account WHERE id = ?", "i", id);
}

int store_account_remove(struct store *st, const struct store_caller *c,
			 const char *username)
{
	int rc;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator may remove accounts");
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, remove_locked(st, username));
}

static const char *photo_kind(const unsigned char *p, size_t len)
{
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G',
					     0x0d, 0x0a, 0x1a, 0x0a};

	if (len >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= 8 && memcmp(p, png, 8) == 0)
		return "image/png";
	return NULL;
}

int store_account_set_photo(struct store *st, const struct store_caller *c,
			    const char *username, const void *data,
			    size_t len)
{
	const char *type = NULL;
	int64_t id;
	int rc;

	st->errmsg[0] = '\0';
	rc = account_id(st, username, &id);
	if (rc)
		return rc;
	if (!c->operator && c->account != id)
		return store_fail(st, -EACCES,
				  "%s: only the account itself or the store "
				  "operator may change its photo",
				  username);
	if (data) {
		if (len > STORE_PHOTO_MAX)
			return store_fail(st, -EFBIG,
					  "a photo may be at most 1 MiB");
		type = photo_kind(data, len);
		if (!type)
			return store_fail(st, -EINVAL,
					  "a photo must be a JPEG or PNG image");
	}
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

int store_account_photo(struct store *st, const struct store_caller *c,
			const char *username, void **data, size_t *len,
			char type[16])
{
	sqlite3_stmt *s;
	int64_t id;
	int rc;

	st->errmsg[0] = '\0';
	rc = account_id(st, username, &id);
	if (rc)
		return rc;
	if (visibility(st, c, id) < 0)
		return store_fail(st, -ENOENT,
				  "no account named %s among your co-members",
				  username);
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
	return rc < 0 ? rc
		      : store_fail(st, -ENOENT, "%s has no photo", username);
}

int store_account_set_password(struct store *st, const struct store_caller *c,
			       const char *username, const char *password,
			       size_t pwlen)
{
	char hash[crypto_pwhash_STRBYTES];
	int64_t id;
	int rc;

	st->errmsg[0] = '\0';
	rc = account_id(st, username, &id);
	if (rc)
		return rc;
	if (!c->operator && c->account != id)
		return store_fail(st, -EACCES,
				  "%s: only the account itself or the store "
				  "operator may set its password",
				  username);
	if (!password)
		return db_run(st, "UPDATE account SET pwhash = NULL WHERE id = ?",
			      "i", id);
	rc = hash_password(st, password, pwlen, hash);
	if (rc == 0)
		rc = db_run(st, "UPDATE account SET pwhash = ? WHERE id = ?",
			    "ti", hash, id);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int store_account_verify_password(struct store *st, const char *username,
				  const char *password, size_t pwlen)
{
	char hash[crypto_pwhash_STRBYTES] = "";
	sqlite3_stmt *s;
	int rc;

	st->errmsg[0] = '\0';
	s = db_q(st, "SELECT pwhash FROM account WHERE username = ?"
		     " AND pwhash IS NOT NULL",
		 "t", username);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		copy_str(hash, sizeof(hash), col_text(s, 0));
		db_done(s);
	}
	if (rc < 0)
		return rc;
	if (rc == 0 ||
	    crypto_pwhash_str_verify(hash, password, pwlen) != 0)
		return store_fail(st, -EACCES, "wrong username or password");
	return 0;
}
