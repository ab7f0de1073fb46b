// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Looking the tree up as the mount shows it: the attributes of a node for
 * its caller (the mode bits follow the caller's rights), lookups and
 * listings, with the mount's generated root (Private and one folder per
 * group), members/, history's view and the file managers' trash joined
 * in.  Every answer goes through node_visible first.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* What the mount shows of node n, as meta_node_attr: node_info's columns
 * when the engine reads them there (node_info.attr), from node.c's memo
 * when nothing was written since (the `n` a request holds may be older
 * than its own changes). */
static int stored_attr(struct store *st, const struct node_info *n,
		       struct store_attr *out)
{
	struct node_info f;
	int rc;

	if (!n->attr || HIST_IS_VIEW(n->ino))
		return meta_node_attr(st, n->ino, out);
	rc = node_info(st, n->ino, &f);
	if (rc == 0)
		node_info_attr(&f, (uint64_t)f.ino, out);
	return rc;
}

/* The attributes of a visible node as this caller's mount shows them. */
int node_attr(struct store *st, const struct store_caller *c,
	      const struct node_info *n, struct store_attr *out)
{
	int rc = stored_attr(st, n, out);

	if (rc)
		return rc;
	if (n->ino == STORE_ROOT_INO) {
		out->mode = S_IFDIR | 0555;
		out->per_caller = true;
		return 0;
	}
	/* History: read-only, and gone when purged or given way. */
	if (n->held) {
		out->mode &= ~0222u;
		out->uncached = true;
		return 0;
	}
	/* The root's children and drop folders differ between callers. */
	out->per_caller = n->ino == n->space_root ||
			  (n->tool == TOOL_DROP && n->ino != n->drop_dir) ||
			  n->gen == GEN_CALVIEW;
	if ((n->gen >= GEN_CARD && n->gen <= GEN_BUSY) ||
	    n->gen == GEN_INVITATION) {
		char *data = NULL;
		size_t len = 0;
		int64_t mtime;

		rc = members_content(st, n, &data, &len, &mtime);
		free(data);
		if (rc)
			return rc;
		/* Generated: the size is what a read returns now. */
		out->size = len;
		out->mtime_ns = out->ctime_ns = mtime;
		out->uncached = true;
		return 0;
	}
	if (!c->rights_in_mode || S_ISLNK(out->mode))
		return 0;
	if (S_ISDIR(out->mode)) {
		if (node_allows(st, c, n->ino, STORE_RIGHT_ADD) &&
		    node_allows(st, c, n->ino, STORE_RIGHT_DELETE))
			out->mode &= ~0222u;
	} else if (node_allows(st, c, n->ino, STORE_RIGHT_EDIT)) {
		out->mode &= ~0222u;
	}
	return 0;
}

int store_fs_getattr(struct store *st, const struct store_caller *c,
		     uint64_t ino, struct store_attr *out)
{
	struct node_info n;
	int rc;

	st->errmsg[0] = '\0';
	if (HIST_IS_VIEW(ino))
		return hist_view_getattr(st, c, ino, out);
	/* One read transaction, not one per statement. */
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = node_named(st, c, (int64_t)ino, &n);
	if (rc == 0)
		rc = node_attr(st, c, &n, out);
	txn_read_end(st);
	return rc;
}

/* The space root a caller reaches as `name` in the mount's root. */
static int root_child(struct store *st, const struct store_caller *c,
		      const char *name, int64_t *ino)
{
	if (c->account <= 0)
		return -ENOENT;
	if (strcmp(name, "Private") == 0)
		return meta_space_private_root(st, c->account, ino);
	return meta_space_group_root(st, name, c->account, ino);
}

/* `gone`: what a folder the caller may no longer see answers. */
static int dir_of(struct store *st, const struct store_caller *c, int64_t ino,
		  struct node_info *out, int gone)
{
	struct node_info view;
	int rc = node_visible(st, c, ino, out);

	if (rc == -ENOENT)
		return gone;
	if (rc || out->gen != GEN_CALVIEW)
		return rc;
	/* members/<u>/calendar/ is u's personal calendar. */
	view = *out;
	return members_calendar(st, &view, out);
}

int node_dir(struct store *st, const struct store_caller *c, int64_t ino,
	     struct node_info *out)
{
	return dir_of(st, c, ino, out, -ENOENT);
}

int node_parent(struct store *st, const struct store_caller *c, int64_t ino,
		struct node_info *out)
{
	return dir_of(st, c, ino, out, -ESTALE);
}

int node_named(struct store *st, const struct store_caller *c, int64_t ino,
	       struct node_info *out)
{
	int rc = node_visible(st, c, ino, out);

	return rc == -ENOENT ? -ESTALE : rc;
}

int node_lookup(struct store *st, const struct store_caller *c,
		int64_t parent, const char *name, struct node_info *child)
{
	struct node_info p;
	int64_t ino;
	int rc;

	if (parent != STORE_ROOT_INO)
		node_lookup_ahead(st, parent, name);
	rc = node_parent(st, c, parent, &p);
	if (rc)
		return rc;
	parent = p.ino;
	if (!S_ISDIR(p.mode))
		return -ENOTDIR;
	if (strlen(name) > 255)
		return -ENAMETOOLONG;
	if (parent == STORE_ROOT_INO)
		rc = root_child(st, c, name, &ino);
	else
		rc = node_child(st, parent, name, &ino);
	if (rc == 0)
		rc = node_visible(st, c, ino, child);
	return rc;
}

int store_fs_lookup(struct store *st, const struct store_caller *c,
		    uint64_t parent, const char *name, struct store_attr *out)
{
	struct node_info n;
	int rc;

	st->errmsg[0] = '\0';
	if (parent == STORE_ROOT_INO && gtrash_name(name))
		return gtrash_lookup_root(st, c, name, out);
	/* 1: not the view (a "history" that is no space's). */
	if (HIST_IS_VIEW(parent) || strcmp(name, "history") == 0) {
		rc = hist_view_lookup(st, c, parent, name, out);
		if (rc <= 0)
			return rc;
	}
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = node_lookup(st, c, (int64_t)parent, name, &n);
	if (rc == 0)
		rc = node_attr(st, c, &n, out);
	txn_read_end(st);
	return rc;
}

/* Feed one entry to the caller's callback; 1 when it asked to stop. */
static int emit(struct store *st, const struct store_caller *c, int64_t ino,
		const char *name, store_dirent_fn fn, void *arg)
{
	struct store_attr a;
	struct node_info n;
	int rc = node_visible(st, c, ino, &n);

	if (rc == -ENOENT)
		return 0; /* not for this caller's eyes */
	if (rc == 0)
		rc = node_attr(st, c, &n, &a);
	if (rc)
		return rc;
	return fn(arg, name, &a) ? 1 : 0;
}

/*
 * An entry of an ordinary folder (not the root, not in drop/): visible
 * when the folder is, and its attributes are in the row already.  Only
 * a folder's own rights need more queries, in single-account mounts.
 */
static int emit_fast(struct store *st, const struct store_caller *c,
		     const struct node_info *d, struct meta_dirent *e,
		     store_dirent_fn fn, void *arg)
{
	struct store_attr *a = &e->a;

	if (c->rights_in_mode && d->kind == SPACE_GROUP &&
	    !S_ISLNK(a->mode)) {
		if (S_ISDIR(a->mode) || d->ino == d->space_root) {
			struct node_info n;
			int rc = node_info(st, e->ino, &n);

			if (rc == 0)
				rc = node_attr(st, c, &n, a);
			if (rc)
				return rc;
		} else if (e->creator != c->account && !e->editors_all &&
			   !e->editor) {
			a->mode &= ~0222u;
		}
	}
	return fn(arg, e->name, a) ? 1 : 0;
}

static void entries_free(struct meta_dirent *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Read a directory's entries in name order, from after `after` or skipping
 * `skip`, at most `max`.  Collecting first keeps the statement short-lived:
 * the callback may run other queries. */
static int entries_read(struct store *st, const struct store_caller *c,
			int64_t ino, const char *after, uint64_t skip,
			size_t max, struct meta_dirent **out, size_t *n)
{
	if (ino == STORE_ROOT_INO)
		return meta_root_list(st, c->account, after ? after : "", max,
				      after ? 0 : skip, out, n);
	return meta_dirent_list(st, ino, c->account, after ? after : "", max,
				after ? 0 : skip, out, n);
}

/* A space's root lists history/ among its tools, in name order. */
struct with_history {
	struct store *st;
	const struct store_caller *c;
	uint64_t ino;
	const char *after;
	bool done;
	store_dirent_fn fn;
	void *arg;
};

static int history_first(struct with_history *w, const char *next)
{
	struct store_attr a;

	if (w->done || (next && strcmp(next, "history") < 0) ||
	    (w->after && strcmp(w->after, "history") >= 0))
		return 0;
	w->done = true;
	if (hist_view_lookup(w->st, w->c, w->ino, "history", &a) != 0)
		return 0;
	return w->fn(w->arg, "history", &a);
}

static int with_history_fn(void *arg, const char *name,
			   const struct store_attr *a)
{
	struct with_history *w = arg;
	int stop;

	/* A space's root holds its tools; dot-names are the file
	 * managers' (gtrash.c). */
	if (name[0] == '.')
		return 0;
	stop = history_first(w, name);

	return stop ? stop : w->fn(w->arg, name, a);
}

/* dir_of for a folder to list: -ENOTDIR where `ino` is something else. */
static int list_dir(struct store *st, const struct store_caller *c,
		    int64_t ino, struct node_info *d, int gone)
{
	int rc = dir_of(st, c, ino, d, gone);

	return rc == 0 && !S_ISDIR(d->mode) ? -ENOTDIR : rc;
}

int store_fs_opendir(struct store *st, const struct store_caller *c,
		     uint64_t ino, bool *alike)
{
	struct node_info d;
	int rc;

	st->errmsg[0] = '\0';
	if (alike)
		*alike = false;
	/* History's folders are views of what is kept: nothing replaces
	 * them under a name. */
	if (HIST_IS_VIEW(ino))
		return 0;
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	/* Gone: the kernel walks the path again (node_parent). */
	rc = list_dir(st, c, (int64_t)ino, &d, -ESTALE);
	txn_read_end(st);
	/* The space's root lists history/ too, whose entries come and go
	 * with what is kept; members/ and drop/ decide per entry. */
	if (rc == 0 && alike)
		*alike = d.kind == SPACE_GROUP && d.gen == GEN_NONE &&
			 !d.held && d.ino != d.space_root &&
			 d.tool != TOOL_DROP && d.tool != TOOL_MEMBERS;
	return rc;
}

int store_fs_readdir(struct store *st, const struct store_caller *c,
		     uint64_t ino, const char *after, uint64_t skip,
		     store_dirent_fn fn, void *arg)
{
	struct with_history w = {st, c, ino, after, false, fn, arg};
	struct meta_dirent *v = NULL;
	struct node_info d;
	char *last = NULL;
	size_t n = 0, i;
	bool slow, again = false;
	int rc;

	st->errmsg[0] = '\0';
	if (HIST_IS_VIEW(ino))
		return hist_view_readdir(st, c, ino, after, skip, fn, arg);
	/* The folder is checked in the first batch's transaction: the
	 * access cache needs no query of its own there. */
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = list_dir(st, c, (int64_t)ino, &d, -ENOENT);
	if (rc) {
		txn_read_end(st);
		return rc;
	}
	/* With an offset (no name to resume after) history/ stays out:
	 * offsets count stored entries. */
	if (d.ino == d.space_root && d.ino != STORE_ROOT_INO && !skip) {
		fn = with_history_fn;
		arg = &w;
	}
	ino = (uint64_t)d.ino;
	/* Entries of ordinary folders are seen by all who see the folder;
	 * the root, drop/ and members/ and someone else's calendar decide
	 * per entry. */
	slow = ino == STORE_ROOT_INO || d.tool == TOOL_DROP ||
	       d.tool == TOOL_MEMBERS ||
	       (d.kind == SPACE_PRIVATE && d.owner != c->account);
	/* Batches of entries, one read transaction each. */
	for (;; again = true) {
		rc = again ? txn_read_begin(st) : 0;
		if (rc)
			break;
		rc = entries_read(st, c, (int64_t)ino, last ? last : after,
				  last ? 0 : skip, 256, &v, &n);
		for (i = 0; rc == 0 && i < n; i++)
			rc = slow ? emit(st, c, v[i].ino, v[i].name, fn, arg)
				  : emit_fast(st, c, &d, &v[i], fn, arg);
		txn_read_end(st);
		if (rc == 0 && n == 256) {
			free(last);
			last = strdup(v[n - 1].name);
			if (!last)
				rc = -ENOMEM;
		}
		entries_free(v, n);
		v = NULL;
		if (rc != 0 || n < 256)
			break;
	}
	free(last);
	if (rc == 0 && fn == with_history_fn)
		rc = history_first(&w, NULL);
	return rc < 0 ? rc : 0;
}
