// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The group's shared mailbox, <group>/mail/: a Maildir (cur/, new/, tmp/)
 * with Maildir++ folders (.Name/, each with its own cur/, new/, tmp/ and
 * an optional maildirfolder file).  This file owns its shape, its rights,
 * delivery by an MTA, the groups' addresses and how the store sends mail.
 *
 * Rights, set on the tool (mail) only: *add* files a message in (creates
 * it in any of cur/, new/, tmp/, links or renames it from tmp/) and makes
 * folders; *delete* expunges (unlink) and removes folders; *edit* changes
 * a message's flags, which everyone shares: a rename within one folder
 * that keeps the part of the name before ':' (new/ to cur/ included).
 * With *add* alone a member still finishes their own delivery: they
 * rename, link and unlink what they created in tmp/.  A message's content
 * is never changed in place, but by the member who wrote it (a delivery
 * in progress); what the MTA delivered has no such member.  Messages are
 * content like any other: sealed at rest, counted against the capacity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "internal.h"

/* Where a folder of mail/ sits. */
enum mail_place {
	MAIL_TOP = 1,	 /* mail/ itself */
	MAIL_FOLDER = 2, /* mail/.Name/ */
	MAIL_BOX = 3,	 /* cur/, new/ or tmp/ of either */
};

struct mail_dir {
	enum mail_place place;
	int64_t maildir; /* mail/ or .Name/: the folder a box belongs to */
	char box[4];	 /* "cur", "new", "tmp" for a box */
};

static bool is_box(const char *name)
{
	return !strcmp(name, "cur") || !strcmp(name, "new") ||
	       !strcmp(name, "tmp");
}

static bool is_folder_name(const char *name)
{
	return name[0] == '.' && name[1] && strcmp(name, "..") != 0;
}

static int mail_root(struct store *st, int64_t space, int64_t *root)
{
	int rc = meta_mail_root(st, space, root);

	if (rc == 0 && *root == 0)
		rc = -ENOENT;
	return rc == -ENOENT ? store_fail(st, -EIO, "no mail/ in this space")
			     : rc;
}

/* The entry (parent, name) of folder `ino`. */
static int entry_of(struct store *st, int64_t ino, int64_t *parent, char *name,
		    size_t len)
{
	int rc = meta_mail_entry(st, ino, parent, name, len);

	return rc == -ENOENT ? -EIO : rc;
}

static int mail_where(struct store *st, const struct node_info *d,
		      struct mail_dir *out)
{
	char name[256], pname[256];
	int64_t root, parent, pparent;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = mail_root(st, d->space, &root);
	if (rc)
		return rc;
	if (d->ino == root) {
		out->place = MAIL_TOP;
		out->maildir = root;
		return 0;
	}
	rc = entry_of(st, d->ino, &parent, name, sizeof(name));
	if (rc)
		return rc;
	if (parent == root) {
		out->place = is_box(name) ? MAIL_BOX : MAIL_FOLDER;
		out->maildir = is_box(name) ? root : d->ino;
		copy_str(out->box, sizeof(out->box), is_box(name) ? name : "");
		return 0;
	}
	rc = entry_of(st, parent, &pparent, pname, sizeof(pname));
	if (rc)
		return rc;
	if (pparent != root || !is_box(name))
		return store_fail(st, -EIO, "mail/ is damaged here");
	out->place = MAIL_BOX;
	out->maildir = parent;
	copy_str(out->box, sizeof(out->box), name);
	return 0;
}

/* The tool's own setting of `right` (the administrator and co-administrators
 * always hold it). */
static int tool_right(struct store *st, const struct store_caller *c,
		      int64_t space, enum store_role role,
		      enum store_right right)
{
	int64_t root;
	int rc;

	if (c->account <= 0 || role == STORE_ROLE_NONE)
		return -EACCES;
	if (role >= STORE_ROLE_COADMIN)
		return 0;
	rc = mail_root(st, space, &root);
	if (rc == 0)
		rc = acl_holds(st, root, right, c->account);
	return rc;
}

int mail_allows(struct store *st, const struct store_caller *c,
		const struct node_info *n, enum store_role role,
		enum store_right right)
{
	if (right == STORE_RIGHT_EDIT)
		/* Content: only a delivery in progress, by its writer. */
		return S_ISREG(n->mode) && n->creator == c->account &&
				       c->account > 0
			       ? 0
			       : -EACCES;
	if (!S_ISDIR(n->mode))
		return -EACCES;
	return tool_right(st, c, n->space, role, right);
}

/* notmuch's database, where its default database.path puts it: the index
 * is each reader's own, and a shared Xapian database in the mailbox
 * would be every member's to break. */
static int refuse_notmuch(struct store *st, const char *name)
{
	if (strcmp(name, ".notmuch") != 0)
		return 0;
	return store_fail(st, -EPERM,
			  "mail/.notmuch: notmuch keeps its database outside "
			  "the shared mailbox; set database.path in your "
			  "notmuch config to a folder of your own");
}

int mail_shape(struct store *st, const struct node_info *p, const char *name,
	       uint32_t mode)
{
	struct mail_dir d;
	int rc = mail_where(st, p, &d);

	if (rc)
		return rc;
	switch (d.place) {
	case MAIL_TOP:
		rc = refuse_notmuch(st, name);
		if (rc)
			return rc;
		if (S_ISDIR(mode) && (is_box(name) || is_folder_name(name)))
			return 0;
		return store_fail(st, -EPERM,
				  "mail/ is a Maildir: it holds cur/, new/, "
				  "tmp/ and folders named .Name/ only");
	case MAIL_FOLDER:
		if ((S_ISDIR(mode) && is_box(name)) ||
		    (S_ISREG(mode) && !strcmp(name, "maildirfolder")))
			return 0;
		return store_fail(st, -EPERM,
				  "a mail folder holds cur/, new/, tmp/ and "
				  "maildirfolder only");
	case MAIL_BOX:
		if (S_ISREG(mode))
			return 0;
		return store_fail(st, -EPERM,
				  "mail %s/ holds messages only: no folders or "
				  "links",
				  d.box);
	}
	return -EIO;
}

static int refuse_mail(struct store *st, const char *what, const char *right)
{
	return store_fail(st, -EACCES, "%s in mail needs the %s right", what,
			  right);
}

int mail_may_delete(struct store *st, const struct store_caller *c,
		    const struct node_info *parent,
		    const struct node_info *child)
{
	enum store_role role = grp_role(st, parent->group, c->account);
	struct mail_dir d;
	int rc;

	rc = mail_where(st, parent, &d);
	if (rc)
		return rc;
	if (d.place == MAIL_TOP && S_ISDIR(child->mode)) {
		char name[256];
		int64_t p;

		rc = entry_of(st, child->ino, &p, name, sizeof(name));
		if (rc)
			return rc;
		if (is_box(name))
			return store_fail(st, -EPERM,
					  "mail/%s is part of the mailbox "
					  "itself",
					  name);
	}
	/* A delivery in progress is its writer's to finish or abandon. */
	if (d.place == MAIL_BOX && !strcmp(d.box, "tmp") && c->account > 0 &&
	    role != STORE_ROLE_NONE && child->creator == c->account)
		return 0;
	if (tool_right(st, c, parent->space, role, STORE_RIGHT_DELETE) == 0)
		return 0;
	return refuse_mail(st, "expunging or removing a folder", "delete");
}

/* The part of a Maildir name before its flags ("info", after ':'). */
static size_t base_len(const char *name)
{
	const char *colon = strchr(name, ':');

	return colon ? (size_t)(colon - name) : strlen(name);
}

static bool same_message(const char *a, const char *b)
{
	size_t n = base_len(a);

	return n == base_len(b) && memcmp(a, b, n) == 0;
}

int mail_may_rename(struct store *st, const struct store_caller *c,
		    const struct node_info *p, const struct node_info *np,
		    const struct node_info *src, const char *name,
		    const char *newname)
{
	struct mail_dir from, to;
	enum store_role role;
	int rc;

	if (p->tool != TOOL_MAIL || np->tool != TOOL_MAIL)
		return store_fail(st, -EXDEV,
				  "messages come into and leave mail/ by copy: "
				  "a rename does not cross its border");
	role = grp_role(st, p->group, c->account);
	rc = mail_where(st, p, &from);
	if (rc == 0)
		rc = mail_where(st, np, &to);
	if (rc)
		return rc;
	if (S_ISDIR(src->mode)) {
		/* Renaming a folder: .Old/ to .New/, at the top. */
		if (from.place != MAIL_TOP || to.place != MAIL_TOP ||
		    !is_folder_name(name) || !is_folder_name(newname))
			return store_fail(st, -EPERM,
					  "only mail folders (.Name/) are "
					  "renamed, within mail/");
		rc = refuse_notmuch(st, newname);
		if (rc)
			return rc;
		if (tool_right(st, c, p->space, role, STORE_RIGHT_ADD) ||
		    tool_right(st, c, p->space, role, STORE_RIGHT_DELETE))
			return refuse_mail(st, "renaming a folder",
					   "add and delete");
		return 0;
	}
	if (from.place != MAIL_BOX || to.place != MAIL_BOX) {
		/* maildirfolder, or a message leaving its box: Maildir
		 * shape first, then a move's rights. */
		rc = mail_shape(st, np, newname, src->mode);
		if (rc)
			return rc;
		if (tool_right(st, c, p->space, role, STORE_RIGHT_DELETE) ||
		    tool_right(st, c, p->space, role, STORE_RIGHT_ADD))
			return refuse_mail(st, "moving a file",
					   "delete and add");
		return 0;
	}
	/* The same message with other flags, or seen (new/ to cur/). */
	if (from.maildir == to.maildir && strcmp(from.box, "tmp") != 0 &&
	    strcmp(to.box, "tmp") != 0 && same_message(name, newname)) {
		if (tool_right(st, c, p->space, role, STORE_RIGHT_EDIT))
			return refuse_mail(st, "changing a message's flags",
					   "edit");
		return 0;
	}
	/* Filing one's own message in from tmp/. */
	if (!strcmp(from.box, "tmp") && c->account > 0 &&
	    src->creator == c->account) {
		if (tool_right(st, c, p->space, role, STORE_RIGHT_ADD))
			return refuse_mail(st, "filing a message in", "add");
		return 0;
	}
	/* Anything else moves a message: out of one place, into another. */
	if (tool_right(st, c, p->space, role, STORE_RIGHT_DELETE) ||
	    tool_right(st, c, p->space, role, STORE_RIGHT_ADD))
		return refuse_mail(st, "moving a message", "delete and add");
	return 0;
}

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
	rc = meta_mail_space_root(st, space, &root);
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
