// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The file managers' trash (the freedesktop trash layout GIO uses for a
 * mount: $topdir/.Trash-$UID/{files,info}), mapped onto history.
 *
 * .Trash-UID at the mount's root exists for the caller whose account is
 * bound to UID, and for nobody else; it is the caller's, mode 0700.  Its
 * info/ is a real folder of the caller's private space (".trash-info",
 * outside the tools): GIO writes NAME.trashinfo there before it moves an
 * item.  files/ is a view: a rename into it is "Move to Trash", the item
 * going to its space's history like any deletion (the delete right where
 * it was, on each folder of a folder it moves) and listed there under the
 * name GIO chose (gtrash).  A rename out of files/ puts a file back (the
 * add right where it goes); unlink there, or the move into expunged/ with
 * which gvfs empties the trash, removes it from history for good
 * (hist_may_purge); expunged/ stays empty.  Where a group keeps no
 * history, the move is EXDEV: GIO then offers to delete for good.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* The most entries one move to the trash takes in its one transaction;
 * beyond, EXDEV: GIO then deletes the tree item by item. */
#define GT_TREE_MAX 10000

static int64_t caller_uid(struct store *st, const struct store_caller *c)
{
	int64_t uid = -1;

	if (c->account <= 0 || meta_gtrash_uid(st, c->account, &uid))
		return -1;
	return uid;
}

static void gt_attr(struct store *st, const struct store_caller *c,
		    uint64_t ino, struct store_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->mode = S_IFDIR | 0700;
	a->nlink = 2;
	a->atime_ns = a->mtime_ns = a->ctime_ns = now_ns();
	a->uid = caller_uid(st, c);
	a->per_caller = true;
	a->uncached = true;
}

bool gtrash_name(const char *name)
{
	return strncmp(name, ".Trash-", 7) == 0;
}

int gtrash_lookup_root(struct store *st, const struct store_caller *c,
		       const char *name, struct store_attr *out)
{
	char want[32];
	int64_t uid = caller_uid(st, c);

	if (uid < 0)
		return -ENOENT;
	snprintf(want, sizeof(want), ".Trash-%lld", (long long)uid);
	if (strcmp(name, want) != 0)
		return -ENOENT;
	gt_attr(st, c, HIST_TOP_INO(GT_ROOT, c->account), out);
	return 0;
}

/* The caller's info/ folder.  Made with the private space and for every
 * account at mount time (gtrash_info_ensure): a look-up or a listing,
 * which run in read transactions, never writes. */
static int info_folder(struct store *st, const struct store_caller *c,
		       int64_t *ino)
{
	return meta_gtrash_info_folder(st, c->account, ino);
}

/* Whether view inode `ino` is the caller's .Trash-UID (GT_ROOT) or its
 * files/ (GT_FILES): 0, else -ENOENT. */
static int gt_mine(const struct store_caller *c, uint64_t ino, int kind)
{
	return (int)(ino >> HIST_INO_SHIFT) == kind &&
			       (int64_t)(ino & ((1ULL << 48) - 1)) ==
				       c->account &&
			       c->account > 0
		       ? 0
		       : -ENOENT;
}

struct gt_dir {
	char name[256]; /* the entry of files/ it belongs to */
	uint64_t hdir;	/* the view folder it shows a part of */
};

/* View folder `ino` (GT_DIR) of an entry of the caller's files/, when
 * something the caller sees of that move is still at or below it. */
static int gt_dir(struct store *st, const struct store_caller *c,
		  uint64_t ino, struct gt_dir *d)
{
	int rc;

	if ((int)(ino >> HIST_INO_SHIFT) != GT_DIR || c->account <= 0)
		return -ENOENT;
	rc = meta_gtrash_dir_get(st, (int64_t)(ino & ((1ULL << 48) - 1)),
				 c->account, d->name, sizeof(d->name),
				 &d->hdir);
	if (rc)
		return rc;
	/* Gone from history meanwhile (expired, purged): gone here. */
	return meta_gtrash_dir_live(st, c->account, d->name, d->hdir);
}

int gtrash_getattr(struct store *st, const struct store_caller *c,
		   uint64_t ino, struct store_attr *out)
{
	struct gt_dir d;
	int rc;

	if ((int)(ino >> HIST_INO_SHIFT) == GT_DIR) {
		rc = gt_dir(st, c, ino, &d);
		if (rc == 0) {
			gt_attr(st, c, ino, out);
			out->mode = S_IFDIR | 0500;
		}
		return rc;
	}
	rc = gt_mine(c, ino, (int)(ino >> HIST_INO_SHIFT));

	if (rc == 0)
		gt_attr(st, c, ino, out);
	return rc;
}

/* An entry of files/: its hist entry (a file) or view folder. */
struct gt_entry {
	int64_t hist;
	uint64_t hdir;
	uint64_t dir; /* its GT_DIR folder; 0 before gtrash_dir existed */
};

static int gt_find(struct store *st, const struct store_caller *c,
		   const char *name, struct gt_entry *e)
{
	int64_t dir;
	int rc;

	rc = meta_gtrash_find(st, c->account, name, &e->hist, &e->hdir, &dir);
	if (rc)
		return rc;
	e->dir = dir ? HIST_TOP_INO(GT_DIR, dir) : 0;
	return 0;
}

static int gt_entry_attr(struct store *st, const struct store_caller *c,
			 const struct gt_entry *e, struct store_attr *out)
{
	if (!e->hist && e->dir)
		return gtrash_getattr(st, c, e->dir, out);
	return hist_view_getattr(st, c,
				 e->hist ? HIST_FILE_INO(e->hist) : e->hdir, out);
}

/* Child `name` of GT_DIR folder `d`: a folder (*dir) or the move's
 * latest entry of that name (*hist). */
static int gt_child(struct store *st, const struct store_caller *c,
		    const struct gt_dir *d, const char *name, uint64_t *dir,
		    int64_t *hist)
{
	int64_t id;
	int rc;

	*dir = 0;
	*hist = 0;
	rc = meta_gtrash_child_dir(st, c->account, d->name, d->hdir, name, &id);
	if (rc == 0) {
		*dir = HIST_TOP_INO(GT_DIR, id);
		return 0;
	}
	if (rc != -ENOENT)
		return rc;
	return meta_gtrash_child_file(st, c->account, d->name, d->hdir, name,
				      hist);
}

static int gt_child_attr(struct store *st, const struct store_caller *c,
			 uint64_t dir, int64_t hist, struct store_attr *out)
{
	return dir ? gtrash_getattr(st, c, dir, out)
		   : hist_view_getattr(st, c, HIST_FILE_INO(hist), out);
}

/* The names in GT_DIR folder `d`, sorted, each once. */
static int gt_dir_names(struct store *st, const struct store_caller *c,
			const struct gt_dir *d, const char *after,
			char ***out, size_t *n)
{
	return meta_gtrash_dir_names(st, c->account, d->name, d->hdir, after,
				     out, n);
}

int gtrash_lookup(struct store *st, const struct store_caller *c,
		  uint64_t parent, const char *name, struct store_attr *out)
{
	struct gt_entry e;
	struct node_info n;
	int64_t ino;
	int rc;

	if (gt_mine(c, parent, GT_ROOT) == 0) {
		if (strcmp(name, "files") == 0 ||
		    strcmp(name, "expunged") == 0) {
			gt_attr(st, c,
				HIST_TOP_INO(name[0] == 'f' ? GT_FILES
							    : GT_EXPUNGED,
					     c->account),
				out);
			return 0;
		}
		if (strcmp(name, "info") != 0)
			return -ENOENT;
		rc = info_folder(st, c, &ino);
		if (rc == 0)
			rc = node_visible(st, c, ino, &n);
		return rc ? rc : node_attr(st, c, &n, out);
	}
	if ((int)(parent >> HIST_INO_SHIFT) == GT_DIR) {
		struct gt_dir d;
		uint64_t dir;
		int64_t hist;

		rc = gt_dir(st, c, parent, &d);
		if (rc == 0)
			rc = gt_child(st, c, &d, name, &dir, &hist);
		return rc ? rc : gt_child_attr(st, c, dir, hist, out);
	}
	rc = gt_mine(c, parent, GT_FILES);
	if (rc == 0)
		rc = gt_find(st, c, name, &e);
	if (rc == 0)
		rc = gt_entry_attr(st, c, &e, out);
	return rc;
}

int gtrash_readdir(struct store *st, const struct store_caller *c,
		   uint64_t ino, const char *after, uint64_t skip,
		   store_dirent_fn fn, void *arg)
{
	struct store_attr a;
	struct gt_entry e;
	char **names = NULL;
	size_t n = 0, i;
	int rc;

	if (gt_mine(c, ino, GT_ROOT) == 0) {
		if ((!after || strcmp(after, "files") < 0) && skip < 1 &&
		    gtrash_lookup(st, c, ino, "files", &a) == 0 &&
		    fn(arg, "files", &a))
			return 0;
		if ((!after || strcmp(after, "info") < 0) && skip < 2 &&
		    gtrash_lookup(st, c, ino, "info", &a) == 0)
			fn(arg, "info", &a);
		return 0;
	}
	if (gt_mine(c, ino, GT_EXPUNGED) == 0)
		return 0;
	if ((int)(ino >> HIST_INO_SHIFT) == GT_DIR) {
		struct gt_dir d;
		uint64_t dir;
		int64_t hist;

		rc = gt_dir(st, c, ino, &d);
		if (rc == 0)
			rc = gt_dir_names(st, c, &d, after, &names, &n);
		for (i = 0; rc == 0 && i < n; i++) {
			if (!after && i < skip)
				continue;
			if (gt_child(st, c, &d, names[i], &dir, &hist) != 0 ||
			    gt_child_attr(st, c, dir, hist, &a) != 0)
				continue;
			if (fn(arg, names[i], &a))
				break;
		}
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return rc < 0 ? rc : 0;
	}
	rc = gt_mine(c, ino, GT_FILES);
	if (rc)
		return rc;
	rc = meta_gtrash_names(st, c->account, after, &names, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		if (!after && i < skip)
			continue;
		/* Gone from history meanwhile: not in the trash either. */
		if (gt_find(st, c, names[i], &e) != 0 ||
		    gt_entry_attr(st, c, &e, &a) != 0)
			continue;
		if (fn(arg, names[i], &a))
			break;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc < 0 ? rc : 0;
}

/* Move `n` (`name` in folder `p`) and, for a folder, all below it to the
 * trash, each name with the delete right on its folder. */
static int trash_tree(struct store *st, const struct store_caller *c,
		      const struct node_info *p, const char *name,
		      const struct node_info *n, int depth)
{
	struct node_info child;
	char sub[256];
	int rc;

	if (depth > 4096)
		return -ELOOP;
	rc = node_may_delete(st, c, p, n);
	while (rc == 0 && S_ISDIR(n->mode)) {
		rc = meta_gtrash_some_child(st, n->ino, sub, sizeof(sub));
		if (rc) {
			if (rc == -ENOENT)
				rc = 0;
			break;
		}
		rc = node_lookup(st, c, n->ino, sub, &child);
		if (rc == -ENOENT) /* someone else's drop: not ours to move */
			rc = store_fail(st, -EACCES,
					"the folder holds what you cannot "
					"see: it cannot go to your trash");
		if (rc == 0)
			rc = trash_tree(st, c, n, sub, &child, depth + 1);
	}
	if (rc < 0)
		return rc;
	return node_remove_name(st, p->ino, name, n, c->account, true);
}

static int put_locked(struct store *st, const struct store_caller *c,
		      int64_t parent, const char *name, const char *newname,
		      struct store_rename *out)
{
	char path[STORE_PATH_MAX];
	struct hist_keep k;
	struct node_info p, n;
	int64_t hist = 0, first = 0, dir = 0;
	uint64_t hdir = 0;
	int rc;

	rc = node_parent(st, c, parent, &p);
	if (rc == 0)
		rc = node_lookup(st, c, p.ino, name, &n);
	if (rc)
		return rc;
	if (p.kind == 0 || p.tool == TOOL_NONE || p.tool == TOOL_MEMBERS ||
	    p.ino == p.space_root)
		return store_fail(st, -EACCES,
				  "only items of the tools go to the trash");
	rc = hist_keep(st, p.space, &k);
	if (rc == 0 && k.days <= 0)
		return store_fail(st, -EXDEV,
				  "this space keeps no history: delete for "
				  "good instead");
	if (rc == 0)
		rc = node_path(st, p.ino, path, sizeof(path));
	if (rc == 0 && S_ISDIR(n.mode)) {
		int64_t count = 0;

		rc = meta_gtrash_tree_count(st, n.ino, GT_TREE_MAX + 1, &count);
		if (rc == 0 && count > GT_TREE_MAX)
			rc = store_fail(st, -EXDEV,
					"over %d items: they go to the trash "
					"one by one",
					GT_TREE_MAX);
	}
	/* hist ids only grow (AUTOINCREMENT) and this is the only writer:
	 * the trash entries above `first` in this space are this move's. */
	if (rc == 0)
		rc = meta_hist_last_id(st, &first);
	if (rc == 0)
		rc = trash_tree(st, c, &p, name, &n, 0);
	if (rc)
		return rc;
	if (S_ISDIR(n.mode)) {
		rc = hist_trash_folder(st, p.space, path, name, &hdir);
	} else {
		rc = meta_gtrash_node_hist(st, n.ino, &hist);
		if (rc == 0 && !hist)
			rc = store_fail(st, -EXDEV,
					"this item cannot be kept: delete it "
					"for good instead");
	}
	if (rc == 0)
		rc = meta_gtrash_add(st, c->account, newname, p.space, hist,
				     hdir, now_ns());
	/* A folder: what this move put in history, and the view folders
	 * that lead to it (an earlier deletion at the same path is not
	 * this entry's). */
	if (rc == 0 && hdir)
		rc = meta_gtrash_add_tree(st, c->account, newname, p.space,
					  first, hdir, &dir);
	/* The kernel moved the item's name into files/; what it names
	 * there is history's, under another inode number. */
	out->source = (uint64_t)n.ino;
	out->kept = hist ? HIST_FILE_INO(hist) : HIST_TOP_INO(GT_DIR, dir);
	return rc;
}

/* A file of files/ back into folder `parent` as `newname`. */
static int take_locked(struct store *st, const struct store_caller *c,
		       const char *name, int64_t parent, const char *newname,
		       struct store_rename *out)
{
	struct gt_entry e;
	int64_t node = 0;
	int rc = gt_find(st, c, name, &e);

	if (rc)
		return rc;
	if (!e.hist) {
		/* A folder goes back where it was (elsewhere, EXDEV: GIO
		 * copies it). */
		char from[STORE_PATH_MAX], to[STORE_PATH_MAX + 256];
		struct node_info d;
		int64_t space;

		rc = hist_dir_origin(st, e.hdir, from, sizeof(from));
		if (rc == 0)
			rc = node_parent(st, c, parent, &d);
		if (rc == 0)
			rc = node_path(st, d.ino, to, sizeof(to) - 256);
		if (rc == 0)
			rc = meta_gtrash_space(st, c->account, name, &space);
		if (rc)
			return rc;
		strcat(to, "/");
		strncat(to, newname, 255);
		if (d.space != space || strcmp(from, to) != 0)
			return -EXDEV;
		rc = hist_tree_apply(st, c, e.hdir, true,
				     e.dir ? name : NULL);
	} else {
		rc = meta_hist_node(st, e.hist, &node);
		if (rc == 0)
			rc = hist_restore_to(st, c, e.hist, parent, newname);
	}
	out->source = e.hist ? HIST_FILE_INO(e.hist) : e.dir ? e.dir : e.hdir;
	out->kept = node ? (uint64_t)node : out->source;
	if (rc == 0)
		rc = meta_gtrash_remove(st, c->account, name);
	return rc;
}

static int purge_locked(struct store *st, const struct store_caller *c,
			const char *name)
{
	struct gt_entry e;
	int rc = gt_find(st, c, name, &e);

	if (rc == 0 && e.hist)
		rc = hist_may_purge(st, c, e.hist);
	if (rc == 0 && e.hist)
		rc = meta_hist_remove(st, e.hist);
	if (rc == 0 && !e.hist)
		rc = hist_tree_apply(st, c, e.hdir, false,
				     e.dir ? name : NULL);
	if (rc == 0)
		rc = meta_gtrash_remove(st, c->account, name);
	return rc;
}

/* Unlink or rmdir of `name` inside an entry of files/ (GIO deleting
 * what it copied back): a file is that move's entry, purged; a folder
 * goes when only that move's entries of deleted folders remain below. */
static int purge_child(struct store *st, const struct store_caller *c,
		       uint64_t parent, const char *name)
{
	struct gt_dir d, sub;
	uint64_t dir;
	int64_t hist;
	int rc;

	rc = gt_dir(st, c, parent, &d);
	if (rc == 0)
		rc = gt_child(st, c, &d, name, &dir, &hist);
	if (rc == 0 && !dir)
		rc = hist_may_purge(st, c, hist);
	if (rc == 0 && !dir)
		return meta_hist_remove(st, hist);
	if (rc == 0)
		rc = gt_dir(st, c, dir, &sub);
	if (rc)
		return rc;
	if (meta_gtrash_dir_holds(st, c->account, sub.name, sub.hdir) == 0)
		return -ENOTEMPTY;
	while (rc == 0 && meta_gtrash_dir_entry(st, c->account, sub.name,
						sub.hdir, &hist) == 0) {
		rc = hist_may_purge(st, c, hist);
		if (rc == 0)
			rc = meta_hist_remove(st, hist);
	}
	return rc;
}

int gtrash_rename(struct store *st, const struct store_caller *c,
		  uint64_t parent, const char *name, uint64_t newparent,
		  const char *newname, struct store_rename *out)
{
	int rc;

	if (gt_mine(c, parent, GT_FILES) == 0 &&
	    gt_mine(c, newparent, GT_EXPUNGED) == 0) {
		/* gvfs empties the trash this way. */
		rc = txn_begin(st);
		if (rc == 0)
			rc = txn_end(st, purge_locked(st, c, name));
	} else if (gt_mine(c, newparent, GT_FILES) == 0 &&
		   !HIST_IS_VIEW(parent)) {
		rc = txn_begin(st);
		if (rc == 0)
			rc = txn_end(st, put_locked(st, c, (int64_t)parent,
						   name, newname, out));
	} else if (gt_mine(c, parent, GT_FILES) == 0 &&
		   !HIST_IS_VIEW(newparent)) {
		rc = txn_begin(st);
		if (rc == 0)
			rc = txn_end(st, take_locked(st, c, name,
						    (int64_t)newparent,
						    newname, out));
	} else {
		return -EROFS;
	}
	if (rc == 0)
		content_empty_trash(st);
	return rc;
}

int gtrash_remove(struct store *st, const struct store_caller *c,
		  uint64_t parent, const char *name)
{
	int rc;

	if ((int)(parent >> HIST_INO_SHIFT) == GT_DIR) {
		rc = txn_begin(st);
		if (rc == 0)
			rc = txn_end(st, purge_child(st, c, parent, name));
		if (rc == 0)
			content_empty_trash(st);
		return rc;
	}
	if (gt_mine(c, parent, GT_FILES) != 0)
		return gt_mine(c, parent, GT_EXPUNGED) == 0 ? -ENOENT : -EROFS;
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st, purge_locked(st, c, name));
	if (rc == 0)
		content_empty_trash(st);
	return rc;
}
