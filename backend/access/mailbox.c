// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shape of a group's mailbox, <group>/mail/, and its rights (SPEC.md
 * section 7): a Maildir (cur/, new/, tmp/) with Maildir++ folders (.Name/,
 * each with its own cur/, new/, tmp/ and an optional maildirfolder file).
 *
 * Rights, set on the tool (mail) only: *add* files a message in (creates
 * it in any of cur/, new/, tmp/, links or renames it from tmp/) and makes
 * folders; *delete* expunges (unlink) and removes folders; *edit* changes
 * a message's flags, which everyone shares: a rename within one folder
 * that keeps the part of the name before ':' (new/ to cur/ included).
 * With *add* alone a member still finishes their own delivery: they
 * rename, link and unlink what they created in tmp/.  A message's content
 * is never changed in place, but by the member who wrote it (a delivery
 * in progress); what the MTA delivered has no such member.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

int mail_root(struct store *st, int64_t space, int64_t *root)
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
