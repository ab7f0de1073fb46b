// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The group's shared mailbox, <group>/mail/: a Maildir (cur/, new/, tmp/)
 * with Maildir++ folders (.Name/, each with its own cur/, new/, tmp/ and
 * an optional maildirfolder file).  This file makes its folders, takes
 * deliveries from an MTA, keeps the groups' addresses and says how the
 * store sends mail; its shape and rights are mailbox.c's.  Messages are
 * content like any other: sealed at rest, counted against the capacity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "internal.h"

/* ---- the folders of mail/ ---- */

int mail_ensure(struct store *st, int64_t space, int64_t creator)
{
	static const char *const boxes[] = {"cur", "new", "tmp"};
	int64_t root = 0, have = 0, box;
	size_t i;
	int rc;

	rc = meta_mail_root(st, space, &have);
	if (rc || have)
		return rc;
	rc = meta_space_root(st, space, &root);
	if (rc == 0)
		rc = node_new(st, space, TOOL_MAIL, root, "mail", 040755,
			      creator, &have);
	/* Known before its boxes are made: they are no member's entries. */
	if (rc == 0)
		rc = meta_mail_root_set(st, space, have);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(boxes); i++)
		rc = node_new(st, space, TOOL_MAIL, have, boxes[i], 040755,
			      creator, &box);
	if (rc == 0)
		rc = acl_default(st, have);
	/* Reading mail marks it seen: by default every member may. */
	if (rc == 0)
		rc = meta_mail_acl_members(st, have, STORE_RIGHT_EDIT);
	return rc;
}

int mail_ensure_all(struct store *st)
{
	struct meta_space_account *v;
	size_t n, i;
	int rc;

	rc = meta_mail_missing(st, &v, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = mail_ensure(st, v[i].space, v[i].account);
	free(v);
	return rc;
}

/* ---- delivery ---- */

/* An RFC 5322 message: header fields from the first line, an empty line
 * ending them.  Returns where the message starts (after a leading mbox
 * "From " line), or -EINVAL with the reason. */
static int message_check(struct store *st, const unsigned char *m, size_t len,
			 size_t *start)
{
	const unsigned char *p, *end = m + len, *eol;
	bool first = true;

	if (len > STORE_MAIL_MAX)
		return store_fail(st, -EFBIG,
				  "the message is larger than %d MiB",
				  STORE_MAIL_MAX / (1024 * 1024));
	if (memchr(m, '\0', len))
		return store_fail(st, -EINVAL,
				  "not a message: it holds a NUL byte");
	p = m;
	if (len >= 5 && !memcmp(m, "From ", 5)) {
		eol = memchr(m, '\n', len);
		p = eol ? eol + 1 : end;
	}
	*start = (size_t)(p - m);
	while (p < end) {
		const unsigned char *q = p;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end; /* a last line without its newline */
		if (eol == p || (eol == p + 1 && *p == '\r'))
			return first ? store_fail(st, -EINVAL,
						  "not a message: no header")
				     : 0;
		if (*p == ' ' || *p == '\t') {
			if (first)
				break;
		} else {
			while (q<eol && * q> 32 && *q < 127 && *q != ':')
				q++;
			if (q == p || q == eol || *q != ':')
				break;
		}
		first = false;
		p = eol < end ? eol + 1 : end;
	}
	/* A header and no body: RFC 5322 allows it. */
	if (p >= end && !first)
		return 0;
	return store_fail(st, -EINVAL,
			  first ? "not a message: it does not start with a "
				  "header field"
				: "not a message: no empty line between its "
				  "header and its body");
}

/* A group by name or by its recorded address. */
static int mail_group(struct store *st, const struct store_caller *c,
		      const char *group, struct grp *g)
{
	char name[STORE_GROUPNAME_BYTES + 1] = "";
	int rc;

	if (!strchr(group, '@'))
		return grp_find(st, c, group, g);
	rc = meta_mail_address_group(st, group, name, sizeof(name));
	if (rc && rc != -ENOENT)
		return rc;
	if (!name[0])
		return store_fail(st, -ENOENT, "no group has the address %s",
				  group);
	return grp_find(st, c, name, g);
}

/* "SECONDS.MUSECPPIDQSEQ.HOST", unique on this host (Maildir's rule):
 * '/' and ':' in the host name are written \057 and \072. */
static void unique_name(char *out, size_t len)
{
	static unsigned seq; /* per process: groupctl delivers once */
	char host[128] = "localhost", safe[160];
	struct timeval tv;
	size_t i, k = 0;

	gettimeofday(&tv, NULL);
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i] && k + 5 < sizeof(safe); i++) {
		if (host[i] == '/' || host[i] == ':') {
			k += (size_t)snprintf(safe + k, sizeof(safe) - k,
					      "\\%03o", host[i]);
			continue;
		}
		safe[k++] = host[i];
	}
	safe[k] = '\0';
	snprintf(out, len, "%lld.M%06ldP%dQ%u.%s", (long long)tv.tv_sec,
		 (long)tv.tv_usec, (int)getpid(),
		 __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED), safe);
}

static int deliver_locked(struct store *st, const struct store_caller *c,
			  const char *group, const unsigned char *m, size_t len,
			  char *name, size_t namelen)
{
	struct node_info n;
	struct content ct;
	struct grp g;
	int64_t root, newdir, ino, other;
	int tries, rc;

	rc = mail_group(st, c, group, &g);
	if (rc == 0)
		rc = mail_ensure(st, g.space, g.admin);
	if (rc == 0)
		rc = mail_root(st, g.space, &root);
	if (rc)
		return rc;
	if (node_child(st, root, "new", &newdir))
		return store_fail(st, -EIO, "%s: no mail/new", g.name);
	for (tries = 0;; tries++) {
		unique_name(name, namelen);
		if (node_child(st, newdir, name, &other) != 0)
			break;
		if (tries == 100)
			return store_fail(st, -EBUSY, "no unique name free");
	}
	rc = node_new(st, g.space, TOOL_MAIL, newdir, name, S_IFREG | 0644, 0,
		      &ino);
	if (rc == 0)
		rc = node_info(st, ino, &n);
	if (rc == 0)
		rc = check_room(st, &n, 0, (int64_t)len);
	if (rc)
		return rc;
	rc = content_load(st, ino, &ct);
	if (rc)
		return rc;
	if (len)
		rc = content_update(st, NULL, &ct, 0, m, len, -1);
	content_free(&ct);
	return rc;
}

int store_mail_deliver(struct store *st, const struct store_caller *c,
		       const char *group, const void *msg, size_t len,
		       char *name, size_t namelen)
{
	char tmp[256];
	size_t start = 0;
	int rc;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator delivers mail (an "
				  "MTA's pipe transport)");
	rc = message_check(st, msg, len, &start);
	if (rc)
		return rc;
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st, deliver_locked(st, c, group,
				       (const unsigned char *)msg + start,
				       len - start, tmp, sizeof(tmp)));
	if (rc == 0)
		copy_str(name, namelen, tmp);
	return rc;
}

/* ---- addresses and the store's sender ---- */

static int set_address_locked(struct store *st, const struct store_caller *c,
			      const char *group, const char *addr)
{
	struct grp g;
	int64_t other;
	int rc;

	rc = grp_admin(st, c, group, &g, "set the group's mail address");
	if (rc)
		return rc;
	if (!addr[0])
		return meta_mail_address_del(st, g.id);
	if (!valid_email(addr))
		return store_fail(st, -EINVAL, "%s: '%s' is not a mail address",
				  g.name, addr);
	if (meta_mail_address_owner(st, addr, &other) == 0 && other != g.id)
		return store_fail(st, -EEXIST,
				  "%s: another group has the address %s",
				  g.name, addr);
	return meta_mail_address_set(st, g.id, addr);
}

int store_group_set_mail_address(struct store *st, const struct store_caller *c,
				 const char *group, const char *addr)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, set_address_locked(st, c, group, addr));
}

static int address_of(struct store *st, int64_t gid, char *addr, size_t len)
{
	int rc;

	addr[0] = '\0';
	rc = meta_mail_address_get(st, gid, addr, len);
	return rc == -ENOENT ? 0 : rc;
}

int store_group_mail_address(struct store *st, const struct store_caller *c,
			     const char *group, char *addr, size_t len)
{
	struct grp g;
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = grp_member(st, c, group, &g);
	if (rc == 0)
		rc = address_of(st, g.id, addr, len);
	txn_read_end(st);
	return rc;
}

static void config_value(struct store *st, const char *k, char *out, size_t len)
{
	/* Unset, or unreadable: the store sends as if it were unset. */
	out[0] = '\0';
	meta_mail_config_get(st, k, out, len);
}

int store_mail_config_get(struct store *st, struct store_mail_config *out)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	config_value(st, "from", out->from, sizeof(out->from));
	config_value(st, "sendmail", out->sendmail, sizeof(out->sendmail));
	txn_read_end(st);
	return 0;
}

static int config_put(struct store *st, const char *k, const char *v)
{
	if (!v[0])
		return meta_mail_config_del(st, k);
	return meta_mail_config_set(st, k, v);
}

int store_mail_config_set(struct store *st, const struct store_caller *c,
			  const char *from, const char *sendmail)
{
	int rc = 0;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator sets how the store "
				  "sends mail");
	if (from && from[0] && !valid_email(from))
		return store_fail(st, -EINVAL, "'%s' is not a mail address",
				  from);
	if (sendmail && sendmail[0] &&
	    (sendmail[0] != '/' || strlen(sendmail) >= STORE_PATH_MAX))
		return store_fail(st, -EINVAL,
				  "the sendmail program is given by its "
				  "absolute path");
	rc = txn_begin(st);
	if (rc)
		return rc;
	if (from)
		rc = config_put(st, "from", from);
	if (rc == 0 && sendmail)
		rc = config_put(st, "sendmail", sendmail);
	return txn_end(st, rc);
}

/* ---- invitation letters ---- */

static int letter_locked(struct store *st, const struct store_caller *c,
			 const char *group, const char *username,
			 struct store_letter *out)
{
	struct grp g;
	int64_t id;
	int rc;

	rc = grp_find(st, c, group, &g);
	if (rc)
		return rc;
	if (g.role < STORE_ROLE_COADMIN)
		return store_fail(st, -EACCES,
				  "%s: only the administrator and "
				  "co-administrators see invitations",
				  g.name);
	rc = account_id(st, username, &id);
	if (rc)
		return rc;
	rc = meta_mail_letter(st, g.id, id, out);
	if (rc == -ENOENT)
		return store_fail(st, -ENOENT,
				  "%s: %s has no pending invitation", g.name,
				  username);
	if (rc)
		return rc;
	copy_str(out->group, sizeof(out->group), g.name);
	copy_str(out->description, sizeof(out->description), g.s.description);
	rc = address_of(st, g.id, out->group_address,
			sizeof(out->group_address));
	if (rc)
		return rc;
	config_value(st, "from", out->config.from, sizeof(out->config.from));
	config_value(st, "sendmail", out->config.sendmail,
		     sizeof(out->config.sendmail));
	return 0;
}

int store_invitation_letter(struct store *st, const struct store_caller *c,
			    const char *group, const char *username,
			    struct store_letter *out)
{
	struct store_letter l;
	int rc;

	st->errmsg[0] = '\0';
	memset(&l, 0, sizeof(l));
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = letter_locked(st, c, group, username, &l);
	txn_read_end(st);
	if (rc == 0)
		*out = l;
	return rc;
}
