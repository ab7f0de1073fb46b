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
	int rc = meta_plan_id(st, name, id);

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
	rc = meta_account_by_uid(st, uid, &id);
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

	if (meta_account_id(st, a->username, &existing) == 0)
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
	rc = meta_account_add(st, a, (mask & STORE_ACCOUNT_ORG) ? a->org : "",
			      pw ? hash : NULL, plan, now_sec(), uid, id);
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
		rc = meta_account_set_text(st, id, STORE_ACCOUNT_FIRST,
					   a->first);
	if (rc == 0 && (mask & STORE_ACCOUNT_LAST))
		rc = meta_account_set_text(st, id, STORE_ACCOUNT_LAST, a->last);
	if (rc == 0 && (mask & STORE_ACCOUNT_ORG))
		rc = meta_account_set_text(st, id, STORE_ACCOUNT_ORG, a->org);
	if (rc == 0 && (mask & STORE_ACCOUNT_EMAIL))
		rc = meta_account_set_text(st, id, STORE_ACCOUNT_EMAIL,
					   a->email);
	if (rc == 0 && (mask & STORE_ACCOUNT_PLAN)) {
		rc = plan_id(st, a->plan, &plan);
		if (rc == 0)
			rc = meta_account_set_plan(st, id, plan);
	}
	if (rc == 0 && (mask & STORE_ACCOUNT_UNIX_UID)) {
		rc = uid_free(st, a->unix_uid, id);
		if (rc == 0)
			rc = meta_account_set_uid(st, id, a->unix_uid);
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

/* Hide from `a` what only the account itself and the operator see. */
static void hide_private(struct store_account *a)
{
	memset(a->plan, 0, sizeof(a->plan));
	a->unix_uid = -1;
	a->has_password = false;
	a->created = -1;
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
	rc = meta_account_get(st, id, out);
	if (rc == 0 && vis != 1)
		hide_private(out);
	return rc;
}

int store_account_list(struct store *st, const struct store_caller *c,
		       struct store_account **out, size_t *n)
{
	struct store_account *v = NULL;
	size_t len = 0, i;
	int rc;

	st->errmsg[0] = '\0';
	rc = meta_account_list(st, c->operator, c->account, &v, &len);
	if (rc)
		return rc;
	for (i = 0; i < len; i++)
		if (!c->operator && v[i].id != c->account)
			hide_private(&v[i]);
	*out = v;
	*n = len;
	return 0;
}

static int remove_locked(struct store *st, const char *username)
{
	char group[STORE_GROUPNAME_BYTES + 1];
	int64_t id;
	int rc;

	rc = account_id(st, username, &id);
	if (rc)
		return rc;
	rc = meta_account_admin_of(st, id, group, sizeof(group));
	if (rc == 0)
		return store_fail(st, -EBUSY,
				  "%s administers the group %s: hand it over "
				  "or delete it first",
				  username, group);
	if (rc != -ENOENT)
		return rc;
	/* Grants made through groups go with the memberships (cascade);
	 * the private space and its content go with the account. */
	return meta_account_remove(st, id);
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
	return meta_account_set_photo(st, id, data, len, type);
}

int store_account_photo(struct store *st, const struct store_caller *c,
			const char *username, void **data, size_t *len,
			char type[16])
{
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
	rc = meta_account_photo(st, id, data, len, type);
	if (rc == -ENOENT)
		return store_fail(st, -ENOENT, "%s has no photo", username);
	return rc;
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
		return meta_account_set_pwhash(st, id, NULL);
	rc = hash_password(st, password, pwlen, hash);
	if (rc == 0)
		rc = meta_account_set_pwhash(st, id, hash);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int store_account_verify_password(struct store *st, const char *username,
				  const char *password, size_t pwlen)
{
	char hash[crypto_pwhash_STRBYTES] = "";
	int rc;

	st->errmsg[0] = '\0';
	rc = meta_account_pwhash(st, username, hash, sizeof(hash));
	if (rc < 0 && rc != -ENOENT)
		return rc;
	if (rc == -ENOENT ||
	    crypto_pwhash_str_verify(hash, password, pwlen) != 0)
		return store_fail(st, -EACCES, "wrong username or password");
	return 0;
}
