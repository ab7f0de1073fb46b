// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Changes to the tree: creating folders, items and links, removing them,
 * and renaming, each mapped onto the rights of SPEC.md section 3 (add on
 * the folder an entry goes into, delete on the folder it leaves, edit on
 * an item renamed within its folder) inside one transaction.  A rename of
 * a file the caller created over a file they may edit is an edit of the
 * target: it keeps its identity and takes the new content (the save
 * pattern of editors and rsync).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "pim.h"

static int check_name(struct store *st, const char *name)
{
	if (strlen(name) > 255)
		return -ENAMETOOLONG;
	if (!valid_entry_name(name))
		return store_fail(st, -EINVAL, "invalid name '%s'", name);
	return 0;
}

/* Only its owner puts folders in a drop folder: others drop files. */
static int drop_folder_rule(struct store *st, const struct store_caller *c,
			    const struct node_info *p, uint32_t mode)
{
	int64_t owner, dropper;
	int depth, rc;

	if (p->tool != TOOL_DROP || !S_ISDIR(mode) || p->kind != SPACE_GROUP)
		return 0;
	rc = drop_place(st, p, &depth, &owner, &dropper);
	if (rc)
		return rc;
	if (depth == 1 && owner != c->account)
		return store_fail(st, -EACCES,
				  "only its owner puts folders in a drop "
				  "folder");
	return 0;
}

/* A folder that may receive a new entry of type `mode`. */
static int check_parent(struct store *st, const struct store_caller *c,
			int64_t parent, uint32_t mode, struct node_info *p)
{
	int rc;

	rc = node_parent(st, c, parent, p);
	if (rc)
		return rc;
	if (!S_ISDIR(p->mode))
		return -ENOTDIR;
	if (p->tool == TOOL_MEMBERS)
		return store_fail(st, -EACCES,
				  "members/ is generated from the group: "
				  "read-only");
	if (parent == STORE_ROOT_INO)
		return store_fail(st, -EACCES,
				  "groups are created with groupctl, not in "
				  "the mount");
	if (p->ino == p->space_root)
		return store_fail(st, -EACCES, "%s",
				  p->kind == SPACE_PRIVATE
					  ? "Private holds only its tools"
					  : "a group's folder holds only its "
					    "tools");
	if ((p->tool == TOOL_CALENDAR || p->tool == TOOL_CONTACTS) &&
	    !S_ISREG(mode))
		return store_fail(st, -EPERM,
				  "the calendar and contacts hold items only, "
				  "no folders or links");
	rc = drop_folder_rule(st, c, p, mode);
	if (rc)
		return rc;
	return node_allows(st, c, p->ino, STORE_RIGHT_ADD);
}

static int make_locked(struct store *st, const struct store_caller *c,
		       int64_t parent, const char *name, uint32_t mode,
		       const char *target, struct node_info *p,
		       struct node_info *out)
{
	int64_t ino;
	int rc;

	rc = check_name(st, name);
	if (rc == 0 && parent != STORE_ROOT_INO)
		node_lookup_ahead(st, parent, name);
	if (rc == 0)
		rc = check_parent(st, c, parent, mode, p);
	if (rc == 0 && p->tool == TOOL_MAIL)
		rc = mail_shape(st, p, name, mode);
	if (rc)
		return rc;
	if (node_child(st, p->ino, name, &ino) == 0)
		return store_fail(st, -EEXIST, "%s exists", name);
	if (target)
		rc = check_meta_room(st, p->space, (int64_t)strlen(target),
				     "symbolic link targets");
	if (rc)
		return rc;
	rc = node_new(st, p->space, p->tool, p->ino, name, mode, c->account,
		      &ino);
	if (rc == 0 && target)
		rc = meta_node_target_set(st, ino, target);
	if (rc == 0)
		rc = node_info(st, ino, out);
	return rc;
}

int node_make(struct store *st, const struct store_caller *c, int64_t parent,
	      const char *name, uint32_t mode, const char *target,
	      struct store_attr *out, struct node_info *dir)
{
	struct node_info n, p;
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = make_locked(st, c, parent, name, mode, target, &p, &n);
	if (rc == 0 && out)
		rc = node_attr(st, c, &n, out);
	if (rc == 0 && dir)
		*dir = p;
	return txn_end(st, rc);
}

int store_fs_mkdir(struct store *st, const struct store_caller *c,
		   uint64_t parent, const char *name, uint32_t mode,
		   struct store_attr *out)
{
	return node_make(st, c, (int64_t)parent, name, S_IFDIR | (mode & 07777),
			 NULL, out, NULL);
}

int store_fs_mknod(struct store *st, const struct store_caller *c,
		   uint64_t parent, const char *name, uint32_t mode,
		   struct store_attr *out)
{
	if (!S_ISREG(mode) && (mode & S_IFMT) != 0)
		return store_fail(st, -EPERM,
				  "device nodes, FIFOs and sockets are not "
				  "stored");
	return node_make(st, c, (int64_t)parent, name, S_IFREG | (mode & 07777),
			 NULL, out, NULL);
}

int store_fs_symlink(struct store *st, const struct store_caller *c,
		     uint64_t parent, const char *name, const char *target,
		     struct store_attr *out)
{
	if (strlen(target) >= STORE_PATH_MAX || !*target)
		return -ENAMETOOLONG;
	return node_make(st, c, (int64_t)parent, name, S_IFLNK | 0777, target,
			 out, NULL);
}

int store_fs_readlink(struct store *st, const struct store_caller *c,
		      uint64_t ino, char *buf, size_t len)
{
	struct node_info n;
	int rc;

	rc = HIST_IS_VIEW(ino) ? hist_view_node(st, c, ino, &n)
			       : node_named(st, c, (int64_t)ino, &n);
	if (rc)
		return rc;
	if (!S_ISLNK(n.mode))
		return -EINVAL;
	return meta_node_target(st, n.ino, buf, len);
}

static int link_locked(struct store *st, const struct store_caller *c,
		       int64_t ino, int64_t newparent, const char *newname,
		       struct node_info *out)
{
	struct node_info n, p;
	struct pim_info info;
	int64_t other;
	int type, rc;

	rc = node_named(st, c, ino, &n);
	if (rc == 0)
		rc = check_name(st, newname);
	if (rc)
		return rc;
	if (S_ISDIR(n.mode))
		return store_fail(st, -EPERM, "folders cannot be hard-linked");
	rc = check_parent(st, c, newparent, n.mode, &p);
	if (rc == 0 && p.tool == TOOL_MAIL)
		rc = mail_shape(st, &p, newname, n.mode);
	if (rc)
		return rc;
	newparent = p.ino;
	if (p.space != n.space || p.tool != n.tool)
		return store_fail(st, -EXDEV,
				  "hard links stay within one tool of one "
				  "group");
	rc = node_may_link_into(st, &n, &p);
	if (rc)
		return rc;
	if (node_child(st, newparent, newname, &other) == 0)
		return store_fail(st, -EEXIST, "%s exists", newname);
	/* Linking a scratch file to NAME.ics puts an item in place (the
	 * way khal creates one): it must be one. */
	type = item_type(&p, newname);
	if (type) {
		rc = item_validate_node(st, ino, type, &info);
		if (rc == 0)
			rc = item_claim(st, ino, &p, &info, 0);
		if (rc)
			return rc;
	}
	rc = meta_dirent_add(st, newparent, newname, ino);
	/* A name is an entry like any other: bounded by the capacity. */
	if (rc == 0)
		rc = check_entries(st, p.space, newparent);
	if (rc == 0)
		rc = node_touch_dir(st, newparent, 0);
	if (rc == 0)
		rc = meta_node_nlink_add(st, ino, 1, now_ns());
	if (rc == 0)
		rc = node_info(st, ino, out);
	return rc;
}

/*
 * Before the write lock: an item put in place by a rename or a link (the
 * vdir clients' atomic writes) is checked first, with no store lock held,
 * so that nobody waits on its parse.  A refusal is the answer (nothing has
 * changed); an accepted item's verdict is kept by item_check, and the check
 * the transaction repeats on the same bytes is a look-up.  What cannot be
 * seen or is no item is left to the transaction, which decides.
 */
static int precheck_item(struct store *st, const struct store_caller *c,
			 int64_t ino, int64_t newparent, const char *newname)
{
	struct node_info dir, n;
	struct pim_info info;
	int type, rc;

	if (txn_read_begin(st) != 0)
		return 0;
	rc = node_visible(st, c, newparent, &dir);
	type = rc == 0 ? item_type(&dir, newname) : 0;
	if (type && node_visible(st, c, ino, &n) == 0 && S_ISREG(n.mode))
		rc = item_validate_node(st, n.ino, type, &info);
	txn_read_end(st);
	return type && (rc == -EINVAL || rc == -EFBIG) ? rc : 0;
}

int store_fs_link(struct store *st, const struct store_caller *c,
		  uint64_t ino, uint64_t newparent, const char *newname,
		  struct store_attr *out)
{
	struct node_info n;
	int rc;

	st->errmsg[0] = '\0';
	rc = precheck_item(st, c, (int64_t)ino, (int64_t)newparent, newname);
	if (rc)
		return rc;
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = link_locked(st, c, (int64_t)ino, (int64_t)newparent, newname, &n);
	if (rc == 0)
		rc = node_attr(st, c, &n, out);
	return txn_end(st, rc);
}

int node_drop_entry(struct store *st, int64_t parent, const char *name,
		    const struct node_info *n)
{
	return node_remove_name(st, parent, name, n, 0, true);
}

int node_remove_name(struct store *st, int64_t parent, const char *name,
		     const struct node_info *n, int64_t actor, bool keep)
{
	bool dir = S_ISDIR(n->mode), kept = false;
	int rc = 0;

	/* Its last name: the item goes to the trash (history.c). */
	if (keep && (dir || n->nlink <= 1))
		rc = hist_trash(st, n, parent, name, actor, &kept);
	/* An item with no item name left in its folder is no item. */
	if (rc == 0)
		rc = meta_dirent_unname(st, parent, name, n->ino, dir ? -1 : 0,
					now_ns());
	if (rc)
		return rc;
	if (!dir && n->nlink > 1)
		return meta_node_nlink_add(st, n->ino, -1, now_ns());
	if (kept) {
		/* History holds it now (nlink 0); a handle still open on it
		 * reads and writes what the trash shows. */
		istate_orphan(st, (uint64_t)n->ino);
		return 0;
	}
	if (!dir && (istate_orphan(st, (uint64_t)n->ino) ||
		     open_elsewhere(st, (uint64_t)n->ino)))
		/* Open (here or in another daemon): it lives on, nameless,
		 * until its last close. */
		return meta_node_unlinked(st, n->ino, now_ns());
	return meta_node_del(st, n->ino);
}

static int remove_locked(struct store *st, const struct store_caller *c,
			 int64_t parent, const char *name, bool want_dir)
{
	struct node_info p, n;
	int rc;

	if (parent != STORE_ROOT_INO)
		node_lookup_ahead(st, parent, name);
	rc = node_parent(st, c, parent, &p);
	if (rc == 0)
		rc = node_lookup(st, c, p.ino, name, &n);
	if (rc)
		return rc;
	parent = p.ino;
	if (p.tool == TOOL_MEMBERS)
		return store_fail(st, -EACCES,
				  "members/ is generated from the group: "
				  "read-only");
	/* The tools (members/ among them) are the space's fixed tree. */
	if (p.ino == p.space_root)
		return store_fail(st, -EACCES, "%s",
				  p.kind == SPACE_PRIVATE
					  ? "the tools of Private are fixed: "
					    "none is removed"
					  : "the tools of a group are fixed: "
					    "none is removed");
	if (want_dir && !S_ISDIR(n.mode))
		return -ENOTDIR;
	if (!want_dir && S_ISDIR(n.mode))
		return -EISDIR;
	/* The clients' atomic writers make a scratch file, link or rename it
	 * into place and remove what is left: a member who may add removes
	 * their own scratch files in the calendar and contacts. */
	if (!((p.tool == TOOL_CALENDAR || p.tool == TOOL_CONTACTS) &&
	      S_ISREG(n.mode) && n.creator == c->account &&
	      item_type(&p, name) == ITEM_NONE))
		rc = node_may_delete(st, c, &p, &n);
	if (rc)
		return rc;
	if (want_dir && meta_dirent_any(st, n.ino) == 0)
		return store_fail(st, -ENOTEMPTY, "%s is not empty", name);
	return node_remove_name(st, parent, name, &n, c->account, true);
}

static int remove_entry(struct store *st, const struct store_caller *c,
			uint64_t parent, const char *name, bool want_dir)
{
	int rc;

	st->errmsg[0] = '\0';
	if (HIST_IS_VIEW(parent))
		return hist_view_remove(st, c, parent, name, want_dir);
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st, remove_locked(st, c, (int64_t)parent, name, want_dir));
	if (rc == 0)
		content_empty_trash(st);
	return rc;
}

int store_fs_unlink(struct store *st, const struct store_caller *c,
		    uint64_t parent, const char *name)
{
	return remove_entry(st, c, parent, name, false);
}

int store_fs_rmdir(struct store *st, const struct store_caller *c,
		   uint64_t parent, const char *name)
{
	return remove_entry(st, c, parent, name, true);
}

/* Is `dir` the folder `ancestor` or below it? */
static bool is_below(struct store *st, int64_t dir, int64_t ancestor)
{
	int depth = 0;

	while (dir && depth++ < 4096) {
		if (dir == ancestor)
			return true;
		if (meta_dirent_parent(st, dir, &dir))
			return false;
	}
	return false;
}

/* The save pattern: the caller's own fresh file replaces the content of
 * an item they may edit, which keeps its inode, creator and editors. */
static int save_over(struct store *st, const struct node_info *src,
		     const struct node_info *dst, int64_t parent,
		     const char *name, int64_t newparent, int64_t actor)
{
	int64_t t = now_ns();
	bool kept = false;
	int rc;

	/* What it replaces becomes an earlier version (history.c). */
	rc = hist_version(st, dst->ino, HIST_TAKE, actor, &kept);
	if (rc == 0 && !kept)
		rc = meta_node_content_trash(st, dst->ino);
	/* The new version brings its content, mode bits, times and user
	 * attributes (rsync -a -X sets them on its temporary file); the
	 * target keeps its inode, creator and editors.  Attributes asked
	 * for by the source's inode until the kernel learns the target's
	 * are the target's: the source is an alias now. */
	if (rc == 0)
		rc = meta_node_content_take(st, src->ino, dst->ino, t);
	if (rc == 0)
		rc = meta_xattr_move(st, src->ino, dst->ino);
	/* The source gives its content away: its row must not trash it.
	 * Until the kernel learns that newname is the target (an
	 * invalidation that can only follow our reply), the source's inode
	 * answers as the target: it becomes an alias, removed at the next
	 * mount. */
	if (rc == 0)
		rc = meta_node_content_clear(st, src->ino);
	if (rc == 0)
		rc = meta_dirent_del(st, parent, name);
	if (rc == 0)
		rc = node_touch_dir(st, parent, 0);
	if (rc == 0)
		rc = meta_node_alias(st, src->ino, dst->ino, t);
	if (rc == 0)
		istate_orphan(st, (uint64_t)src->ino);
	if (rc == 0 && newparent != parent)
		rc = node_touch_dir(st, newparent, 0);
	return rc;
}

static int exchange(struct store *st, const struct store_caller *c,
		    const struct node_info *p, const struct node_info *np,
		    const struct node_info *src, const struct node_info *dst,
		    const char *name, const char *newname)
{
	int delta;
	int rc;

	/* An exchange is two renames at once.  In documents rename's rules
	 * come down to rights on the two folders or items; elsewhere each
	 * side would be an item put in place (checked, its UID indexed), a
	 * folder in a tool that holds none, or a change of who sees and
	 * edits it in a drop folder.  Rather than a second copy of those
	 * rules, the flag is refused there, as many file systems do. */
	if (p->tool != TOOL_DOCUMENTS || np->tool != TOOL_DOCUMENTS ||
	    src->tool != TOOL_DOCUMENTS || dst->tool != TOOL_DOCUMENTS)
		return store_fail(st, -EINVAL,
				  "RENAME_EXCHANGE works in documents only");
	if ((S_ISDIR(src->mode) && is_below(st, np->ino, src->ino)) ||
	    (S_ISDIR(dst->mode) && is_below(st, p->ino, dst->ino)))
		return store_fail(st, -EINVAL,
				  "a folder cannot move into itself");
	if (S_ISDIR(src->mode) || S_ISDIR(dst->mode))
		hist_tree_changed();
	if (p->ino == np->ino) {
		rc = node_allows(st, c, src->ino, STORE_RIGHT_EDIT);
		if (rc == 0)
			rc = node_allows(st, c, dst->ino, STORE_RIGHT_EDIT);
	} else {
		rc = node_may_delete(st, c, p, src);
		if (rc == 0)
			rc = node_may_delete(st, c, np, dst);
		if (rc == 0)
			rc = node_allows(st, c, p->ino, STORE_RIGHT_ADD);
		if (rc == 0)
			rc = node_allows(st, c, np->ino, STORE_RIGHT_ADD);
	}
	if (rc == 0)
		rc = meta_dirent_set_child(st, p->ino, name, dst->ino);
	if (rc == 0)
		rc = meta_dirent_set_child(st, np->ino, newname, src->ino);
	delta = (S_ISDIR(src->mode) ? 1 : 0) - (S_ISDIR(dst->mode) ? 1 : 0);
	if (rc == 0)
		rc = node_touch_dir(st, p->ino, p->ino == np->ino ? 0 : -delta);
	if (rc == 0 && p->ino != np->ino)
		rc = node_touch_dir(st, np->ino, delta);
	return rc;
}

static int rename_locked(struct store *st, const struct store_caller *c,
			 int64_t parent, const char *name, int64_t newparent,
			 const char *newname, unsigned flags,
			 struct store_rename *out)
{
	struct node_info p, np, src, dst;
	struct pim_info info;
	int64_t dst_ino = 0;
	bool have_dst, same, mail;
	int type, rc;

	if (parent != STORE_ROOT_INO && newparent != STORE_ROOT_INO) {
		node_lookup_ahead(st, parent, name);
		node_lookup_ahead(st, newparent, newname);
	}
	rc = node_parent(st, c, parent, &p);
	if (rc == 0)
		rc = node_parent(st, c, newparent, &np);
	if (rc == 0)
		rc = check_name(st, newname);
	if (rc)
		return rc;
	if (!S_ISDIR(p.mode) || !S_ISDIR(np.mode))
		return -ENOTDIR;
	if (parent == STORE_ROOT_INO || newparent == STORE_ROOT_INO)
		return store_fail(st, -EPERM, "a group is never renamed");
	if (p.tool == TOOL_MEMBERS || np.tool == TOOL_MEMBERS)
		return store_fail(st, -EACCES,
				  "members/ is generated from the group: "
				  "read-only");
	parent = p.ino;
	newparent = np.ino;
	rc = node_lookup(st, c, parent, name, &src);
	if (rc)
		return rc;
	if (p.space != np.space)
		return store_fail(st, -EXDEV,
				  "items move within one group only");
	if ((flags & STORE_RENAME_EXCHANGE) &&
	    (p.tool != TOOL_DOCUMENTS || np.tool != TOOL_DOCUMENTS))
		return store_fail(st, -EINVAL,
				  "RENAME_EXCHANGE works in documents only");
	if (src.tool != np.tool && S_ISDIR(src.mode))
		return store_fail(st, -EXDEV,
				  "folders move within one tool only");
	/* The mailbox decides its renames itself (Maildir shape, flags). */
	mail = p.tool == TOOL_MAIL || np.tool == TOOL_MAIL;
	if (mail) {
		rc = mail_may_rename(st, c, &p, &np, &src, name, newname);
		if (rc)
			return rc;
	}
	have_dst = node_child(st, newparent, newname, &dst_ino) == 0;
	if (have_dst && node_visible(st, c, dst_ino, &dst) != 0)
		return store_fail(st, -EEXIST,
				  "%s is taken by someone else's drop",
				  newname);
	if (have_dst && dst.ino == src.ino)
		return 0;
	if ((flags & STORE_RENAME_NOREPLACE) && have_dst)
		return store_fail(st, -EEXIST, "%s exists", newname);
	if (flags & STORE_RENAME_EXCHANGE) {
		if (!have_dst)
			return -ENOENT;
		return exchange(st, c, &p, &np, &src, &dst, name, newname);
	}
	if (S_ISDIR(src.mode) && is_below(st, newparent, src.ino))
		return store_fail(st, -EINVAL,
				  "a folder cannot move into itself");
	if (S_ISDIR(src.mode))
		hist_tree_changed();
	if (have_dst) {
		if (S_ISDIR(src.mode) && !S_ISDIR(dst.mode))
			return -ENOTDIR;
		if (!S_ISDIR(src.mode) && S_ISDIR(dst.mode))
			return -EISDIR;
		if (S_ISDIR(dst.mode) && meta_dirent_any(st, dst.ino) == 0)
			return -ENOTEMPTY;
	}
	same = parent == newparent;
	out->source = (uint64_t)src.ino;
	rc = drop_folder_rule(st, c, &np, src.mode);
	if (rc == 0)
		rc = node_may_move_into(st, c, &p, &np, &src);
	if (rc)
		return rc;
	/* Renaming into NAME.ics / NAME.vcf puts an item in place (an
	 * update, or a new item): it must be one; what it replaces stays
	 * if not.  Nothing has changed yet. */
	type = item_type(&np, newname);
	if (type && !S_ISREG(src.mode))
		return store_fail(st, -EPERM,
				  "the calendar and contacts hold items only");
	if (type)
		rc = item_validate_node(st, src.ino, type, &info);
	if (rc)
		return rc;
	/* The save pattern replaces the content of a file with one name:
	 * over a file with other hard links (cp -al, rsync --link-dest) it
	 * is a plain rename, and the other names keep the old content. */
	if (!mail && have_dst && S_ISREG(src.mode) && S_ISREG(dst.mode) &&
	    src.creator == c->account && src.nlink == 1 && dst.nlink == 1 &&
	    src.tool == dst.tool &&
	    node_allows(st, c, dst.ino, STORE_RIGHT_EDIT) == 0 &&
	    (same || node_may_delete(st, c, &p, &src) == 0)) {
		out->kept = (uint64_t)dst.ino;
		rc = save_over(st, &src, &dst, parent, name, newparent,
			       c->account);
		if (rc == 0)
			rc = item_release(st, src.ino);
		if (rc == 0 && type)
			rc = item_claim(st, dst.ino, &np, &info, src.ino);
		return rc;
	}
	if (mail)
		rc = 0; /* mail_may_rename decided */
	else if (same)
		rc = node_allows(st, c, src.ino, STORE_RIGHT_EDIT);
	else {
		rc = node_may_delete(st, c, &p, &src);
		if (rc == 0)
			rc = node_allows(st, c, newparent, STORE_RIGHT_ADD);
	}
	if (rc == 0 && have_dst)
		rc = node_may_delete(st, c, &np, &dst);
	if (rc == 0 && have_dst)
		rc = node_remove_name(st, newparent, newname, &dst, c->account,
				      true);
	if (rc == 0)
		rc = meta_dirent_move(st, parent, name, newparent, newname);
	if (rc == 0)
		rc = node_touch_dir(st, parent,
				    !same && S_ISDIR(src.mode) ? -1 : 0);
	if (rc == 0 && !same)
		rc = node_touch_dir(st, newparent, S_ISDIR(src.mode) ? 1 : 0);
	if (rc == 0)
		rc = meta_node_tool_set(st, src.ino, np.tool, now_ns());
	if (rc == 0)
		rc = type ? item_claim(st, src.ino, &np, &info,
				       have_dst ? dst.ino : 0)
			  : item_release(st, src.ino);
	return rc;
}

int store_fs_rename(struct store *st, const struct store_caller *c,
		    uint64_t parent, const char *name, uint64_t newparent,
		    const char *newname, unsigned flags,
		    struct store_rename *out)
{
	struct store_rename r = {0};
	int64_t src;
	int rc;

	st->errmsg[0] = '\0';
	/* Into or out of the file managers' trash (gtrash.c); history is
	 * read-only otherwise. */
	if (HIST_IS_VIEW(parent) || HIST_IS_VIEW(newparent)) {
		rc = gtrash_rename(st, c, parent, name, newparent, newname,
				   &r);
		if (rc == 0 && out)
			*out = r;
		return rc;
	}
	if (node_child(st, (int64_t)parent, name, &src) == 0) {
		rc = precheck_item(st, c, src, (int64_t)newparent, newname);
		if (rc)
			return rc;
	}
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st, rename_locked(st, c, (int64_t)parent, name,
				      (int64_t)newparent, newname, flags, &r));
	if (rc == 0) {
		content_empty_trash(st);
		if (out)
			*out = r;
	}
	return rc;
}

/* ---- the path-based calls of the public API (tests, groupctl) ---- */

int store_tool_root(struct store *st, const struct store_caller *c,
		    const char *group, enum store_tool tool, uint64_t *ino)
{
	struct grp g;
	int64_t id;
	int rc;

	st->errmsg[0] = '\0';
	if ((tool < STORE_TOOL_DOCUMENTS || tool > STORE_TOOL_CONTACTS) &&
	    !(tool == STORE_TOOL_MAIL && group))
		return store_fail(st, -EINVAL, "unknown tool");
	if (group) {
		rc = target_resolve(st, c, group, store_tool_name(tool), &g, &id);
	} else {
		rc = need_account(st, c);
		if (rc == 0)
			rc = meta_private_tool(st, c->account, (int)tool, &id);
	}
	if (rc == 0)
		*ino = (uint64_t)id;
	return rc;
}

int store_resolve(struct store *st, const struct store_caller *c,
		  const char *group, const char *path, struct store_attr *out)
{
	struct node_info n;
	struct grp g;
	int64_t ino;
	int rc;

	st->errmsg[0] = '\0';
	rc = target_resolve(st, c, group, path, &g, &ino);
	if (rc == 0)
		rc = node_visible(st, c, ino, &n);
	if (rc == 0)
		rc = node_attr(st, c, &n, out);
	return rc;
}

int store_may(struct store *st, const struct store_caller *c, uint64_t ino,
	      enum store_right right)
{
	struct node_info n;
	int rc;

	st->errmsg[0] = '\0';
	rc = node_visible(st, c, (int64_t)ino, &n);
	if (rc)
		return rc;
	return node_allows(st, c, (int64_t)ino, right);
}
