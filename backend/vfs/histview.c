// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The read-only view of history: <space>/history/ with trash/ and
 * versions/ (history.c records what they show).  Folders of the view are
 * rows of hist_dir, their inode numbers above 2^48 (HIST_DIR_INO); the
 * files are the kept nodes themselves.  A deleted name shows once under
 * its own name (its latest deletion) and once per earlier deletion as
 * NAME@TIME; versions of an item show as TIME plus the item's extension.
 * TIME is UTC, 2026-12-05T23.01.02.123456Z: it sorts, and holds no colon
 * (rsync would take it for a host).  Each caller sees the entries of what
 * they could read live: a group's members all, except in drop folders
 * (their owner and depositor only); Private's history, its owner.
 * Removing a file of the view purges it for good: the delete right on the
 * folder it came from (its nearest remaining ancestor when that is gone);
 * the administrator and co-administrators always may.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"
#include "pim.h"

#define TIME_LEN 27 /* 2026-12-05T23.01.02.123456Z */

struct view {
	uint64_t ino;
	int64_t space;
	int top;	   /* HIST_TOP_ROOT, _TRASH, _VERSIONS */
	int64_t cutoff;	   /* entries older are past keeping */
};

void hist_time_name(int64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d.%02d.%02d.%06dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(ns % 1000000000 / 1000));
}

/* Does `s` end in @TIME?  Then its length without it. */
static size_t time_suffix(const char *s)
{
	size_t n = strlen(s), i;
	const char *t;

	if (n < TIME_LEN + 2 || s[n - TIME_LEN - 1] != '@')
		return 0;
	t = s + n - TIME_LEN;
	for (i = 0; i < TIME_LEN; i++) {
		char want = "0000-00-00T00.00.00.000000Z"[i];

		if (want == '0' ? (t[i] < '0' || t[i] > '9') : t[i] != want)
			return 0;
	}
	return n - TIME_LEN - 1;
}

static bool gtrash_ino(uint64_t ino)
{
	int kind = (int)(ino >> HIST_INO_SHIFT);

	return kind == GT_ROOT || kind == GT_FILES || kind == GT_EXPUNGED ||
	       kind == GT_DIR;
}

static int space_access(struct store *st, const struct store_caller *c,
			int64_t space)
{
	int64_t group = 0, owner = 0;
	int rc;

	if (c->account <= 0)
		return -ENOENT;
	rc = meta_hview_space_owner(st, space, &group, &owner);
	if (rc)
		return rc;
	if (group)
		return grp_role(st, group, c->account) != STORE_ROLE_NONE
			       ? 0
			       : -ENOENT;
	return owner == c->account ? 0 : -ENOENT;
}

/* What view folder `ino` is, when the caller may see its space. */
static int view_of(struct store *st, const struct store_caller *c,
		   uint64_t ino, struct view *v)
{
	uint64_t cur = ino;
	struct hist_keep k;
	int depth = 0, rc;

	memset(v, 0, sizeof(*v));
	v->ino = ino;
	while (cur >> HIST_INO_SHIFT == 1 && depth++ < 4096) {
		rc = meta_hview_dir_up(st, (int64_t)(cur & ((1ULL << 48) - 1)),
				       &v->space, &cur);
		if (rc)
			return rc;
	}
	v->top = (int)(cur >> HIST_INO_SHIFT);
	if (v->top < HIST_TOP_ROOT || v->top > HIST_TOP_VERSIONS)
		return -ENOENT;
	v->space = (int64_t)(cur & ((1ULL << 48) - 1));
	rc = space_access(st, c, v->space);
	if (rc == 0)
		rc = hist_keep(st, v->space, &k);
	if (rc == 0)
		v->cutoff = hist_cutoff(&k);
	return rc;
}

int hist_view_space(struct store *st, const struct store_caller *c,
		    uint64_t ino, int64_t *space)
{
	struct view v;
	int rc;

	if (gtrash_ino(ino)) {
		struct store_attr a;

		rc = gtrash_getattr(st, c, ino, &a);
		return rc ? rc
			  : meta_space_private(st, c->account, space);
	}
	if ((int)(ino >> HIST_INO_SHIFT) == HIST_FILE) {
		struct node_info n;

		rc = hist_view_node(st, c, ino, &n);
		if (rc == 0)
			*space = n.space;
		return rc;
	}
	rc = view_of(st, c, ino, &v);
	if (rc == 0)
		*space = v.space;
	return rc;
}

int hist_view_node(struct store *st, const struct store_caller *c,
		   uint64_t ino, struct node_info *n)
{
	struct hist_keep k;
	int64_t id = (int64_t)(ino & ((1ULL << 48) - 1)), space, node;
	int rc;

	if ((int)(ino >> HIST_INO_SHIFT) != HIST_FILE)
		return -EROFS;
	rc = meta_hview_entry_space(st, id, &space);
	if (rc == 0)
		rc = space_access(st, c, space);
	if (rc == 0)
		rc = hist_keep(st, space, &k);
	if (rc == 0)
		rc = meta_hview_entry_visible_node(st, id, c->account,
						   hist_cutoff(&k), &node);
	if (rc == 0)
		rc = node_info(st, node, n);
	return rc;
}

/* The attributes of history file `ino` (HIST_FILE_INO). */
static int file_attr(struct store *st, const struct store_caller *c,
		     uint64_t ino, struct store_attr *out)
{
	struct node_info n;
	int rc = hist_view_node(st, c, ino, &n);

	if (rc == 0)
		rc = node_attr(st, c, &n, out);
	if (rc == 0)
		out->ino = ino;
	return rc;
}

/* Is anything below view folder `ino` visible to the caller? */
static bool subtree_visible(struct store *st, const struct store_caller *c,
			    const struct view *v, uint64_t ino)
{
	return meta_hview_subtree_any(st, ino, c->account, v->cutoff) == 0;
}

struct ventry {
	char *name;
	uint64_t ino;
	int64_t hist;	/* the entry (files) */
	bool dir;
};

static void ventries_free(struct ventry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

static int ventry_add(struct ventry **e, size_t *n, size_t *cap,
		      const char *name, uint64_t ino, int64_t hist, bool dir)
{
	if (ARRAY_GROW(*e, *n, *cap))
		return -ENOMEM;
	(*e)[*n].name = strdup(name);
	if (!(*e)[*n].name)
		return -ENOMEM;
	(*e)[*n].ino = ino;
	(*e)[*n].hist = hist;
	(*e)[*n].dir = dir;
	(*n)++;
	return 0;
}

static int ventry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ventry *)a)->name,
		      ((const struct ventry *)b)->name);
}

/* A version's name: its time, and the item's extension for applications. */
static void version_name(const char *item, int64_t at, char *buf,
			 size_t len)
{
	const char *dot = strrchr(item, '.');
	char t[40];

	hist_time_name(at, t, sizeof(t));
	if (dot && dot != item && strlen(dot) <= 16)
		snprintf(buf, len, "%s%s", t, dot);
	else
		snprintf(buf, len, "%s", t);
}

/*
 * The entries of view folder `v` the caller sees, sorted by name.  With
 * `only` set, the ones that may be called `only` (a look-up).
 */
static int view_list(struct store *st, const struct store_caller *c,
		     const struct view *v, const char *only,
		     struct ventry **out, size_t *n)
{
	struct ventry *e = NULL;
	struct meta_hview_name *r = NULL;
	size_t len = 0, cap = 0, dirs, nr = 0, i, j;
	char base[256] = "", prev[256] = "", name[320];
	int rc = 0;

	if (only) {
		size_t b = time_suffix(only);

		copy_str(base, sizeof(base), only);
		if (b && b < sizeof(base))
			base[b] = '\0';
	}
	if (v->top == HIST_TOP_ROOT) {
		if (!only || strcmp(only, "trash") == 0)
			rc = ventry_add(&e, &len, &cap, "trash",
					HIST_TOP_INO(HIST_TOP_TRASH, v->space),
					0, true);
		if (rc == 0 && (!only || strcmp(only, "versions") == 0))
			rc = ventry_add(&e, &len, &cap, "versions",
					HIST_TOP_INO(HIST_TOP_VERSIONS,
						     v->space),
					0, true);
		goto out;
	}
	rc = meta_hview_dirs(st, v->ino, only, only ? base : NULL, &r, &nr);
	for (j = 0; rc == 0 && j < nr; j++)
		rc = ventry_add(&e, &len, &cap, r[j].name,
				HIST_DIR_INO(r[j].id), 0, true);
	free(r);
	/* Folders with nothing the caller may see are not there. */
	for (i = 0; rc == 0 && i < len;) {
		if (subtree_visible(st, c, v, e[i].ino)) {
			i++;
			continue;
		}
		free(e[i].name);
		e[i] = e[--len];
	}
	dirs = len;
	if (rc)
		goto out;
	rc = meta_hview_files(st, v->ino, c->account, v->cutoff,
			      only ? base : NULL, &r, &nr);
	for (j = 0; rc == 0 && j < nr; j++) {
		const char *item = r[j].name;
		int64_t at = r[j].at;
		bool shadowed = false;

		if (v->top == HIST_TOP_VERSIONS) {
			version_name(item, at, name, sizeof(name));
		} else {
			for (i = 0; i < dirs; i++)
				shadowed |= strcmp(e[i].name, item) == 0;
			if (strcmp(prev, item) == 0 || shadowed) {
				char t[40];

				hist_time_name(at, t, sizeof(t));
				snprintf(name, sizeof(name), "%s@%s", item, t);
			} else {
				copy_str(name, sizeof(name), item);
			}
			copy_str(prev, sizeof(prev), item);
		}
		if (only && strcmp(name, only) != 0)
			continue;
		rc = ventry_add(&e, &len, &cap, name, HIST_FILE_INO(r[j].id),
				r[j].id, false);
	}
	free(r);
out:
	if (rc < 0) {
		ventries_free(e, len);
		return rc;
	}
	if (len > 1)
		qsort(e, len, sizeof(*e), ventry_cmp);
	*out = e;
	*n = len;
	return 0;
}

static void dir_attr(uint64_t ino, struct store_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->mode = S_IFDIR | 0555;
	a->nlink = 2;
	a->atime_ns = a->mtime_ns = a->ctime_ns = now_ns();
	a->uid = -1;
	a->per_caller = true;
	a->uncached = true;
}

static int entry_attr(struct store *st, const struct store_caller *c,
		      const struct ventry *e, struct store_attr *out)
{
	if (e->dir) {
		dir_attr(e->ino, out);
		return 0;
	}
	return file_attr(st, c, e->ino, out);
}

int hist_view_getattr(struct store *st, const struct store_caller *c,
		      uint64_t ino, struct store_attr *out)
{
	struct view v;
	int rc;

	if (gtrash_ino(ino))
		return gtrash_getattr(st, c, ino, out);
	rc = txn_read_begin(st);
	if (rc == 0 && (int)(ino >> HIST_INO_SHIFT) == HIST_FILE) {
		rc = file_attr(st, c, ino, out);
		txn_read_end(st);
		return rc;
	}

	if (rc)
		return rc;
	rc = view_of(st, c, ino, &v);
	if (rc == 0 && ino >> HIST_INO_SHIFT == 1 &&
	    !subtree_visible(st, c, &v, ino))
		rc = -ENOENT;
	if (rc == 0)
		dir_attr(ino, out);
	txn_read_end(st);
	return rc;
}

/* The entry `name` of view folder `parent`. */
static int view_find(struct store *st, const struct store_caller *c,
		     uint64_t parent, const char *name, struct view *v,
		     struct ventry *out)
{
	struct ventry *e = NULL;
	size_t n = 0;
	int rc;

	rc = view_of(st, c, parent, v);
	if (rc == 0)
		rc = view_list(st, c, v, name, &e, &n);
	if (rc == 0 && n == 0)
		rc = -ENOENT;
	if (rc == 0) {
		*out = e[0];
		e[0].name = NULL;
	}
	if (rc == 0 || e)
		ventries_free(e, n);
	return rc;
}

int hist_view_lookup(struct store *st, const struct store_caller *c,
		     uint64_t parent, const char *name,
		     struct store_attr *out)
{
	struct node_info p;
	struct ventry e;
	struct view v;
	int rc;

	if (gtrash_ino(parent))
		return gtrash_lookup(st, c, parent, name, out);
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	if (!HIST_IS_VIEW(parent)) {
		/* history/ in a space's root (Private or a group); anywhere
		 * else the name is an ordinary one (1). */
		rc = node_visible(st, c, (int64_t)parent, &p) == 0 &&
				     p.ino == p.space_root && p.kind != 0 &&
				     space_access(st, c, p.space) == 0
			     ? 0
			     : 1;
		if (rc == 0)
			dir_attr(HIST_TOP_INO(HIST_TOP_ROOT, p.space), out);
		txn_read_end(st);
		return rc;
	}
	rc = view_find(st, c, parent, name, &v, &e);
	if (rc == 0) {
		rc = entry_attr(st, c, &e, out);
		free(e.name);
	}
	txn_read_end(st);
	return rc;
}

int hist_view_readdir(struct store *st, const struct store_caller *c,
		      uint64_t ino, const char *after, uint64_t skip,
		      store_dirent_fn fn, void *arg)
{
	struct ventry *e = NULL;
	struct store_attr a;
	struct view v;
	size_t n = 0, i;
	int rc;

	if (gtrash_ino(ino)) {
		rc = txn_read_begin(st);
		if (rc == 0)
			rc = gtrash_readdir(st, c, ino, after, skip, fn, arg);
		txn_read_end(st);
		return rc;
	}
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = view_of(st, c, ino, &v);
	if (rc == 0)
		rc = view_list(st, c, &v, NULL, &e, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		if (after ? strcmp(e[i].name, after) <= 0 : i < skip)
			continue;
		rc = entry_attr(st, c, &e[i], &a);
		if (rc == 0 && fn(arg, e[i].name, &a))
			break;
	}
	ventries_free(e, n);
	txn_read_end(st);
	return rc < 0 ? rc : 0;
}

/* The live path a view folder stands for: "documents/a/b" (no top). */
static int view_path(struct store *st, uint64_t ino, char *buf, size_t len)
{
	char tmp[STORE_PATH_MAX], name[256];
	int depth = 0;

	buf[0] = '\0';
	while (ino >> HIST_INO_SHIFT == 1 && depth++ < 4096) {
		int rc = meta_hview_dir_name(
			st, (int64_t)(ino & ((1ULL << 48) - 1)), &ino, name,
			sizeof(name));

		if (rc)
			return rc;
		if (buf[0])
			snprintf(tmp, sizeof(tmp), "%s/%s", name, buf);
		else
			copy_str(tmp, sizeof(tmp), name);
		copy_str(buf, len, tmp);
	}
	return 0;
}

/* The deepest live folder along `path` from the space's root. */
static int nearest_folder(struct store *st, int64_t space, const char *path,
			  int64_t *out)
{
	char *copy = strdup(path), *save = NULL, *part;
	int64_t cur, next;
	int rc;

	if (!copy)
		return -ENOMEM;
	rc = meta_space_root(st, space, &cur);
	for (part = rc ? NULL : strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		struct node_info n;

		if (node_child(st, cur, part, &next) != 0 ||
		    node_info(st, next, &n) != 0 || !S_ISDIR(n.mode))
			break;
		cur = next;
	}
	free(copy);
	if (rc == 0)
		*out = cur;
	return rc;
}

int hist_may_purge(struct store *st, const struct store_caller *c,
		   int64_t hist)
{
	char path[STORE_PATH_MAX];
	struct meta_hview_origin h;
	struct node_info d;
	int64_t folder;
	int rc;

	rc = meta_hview_entry_origin(st, hist, &h);
	if (rc)
		return rc;
	if (!h.group || grp_role(st, h.group, c->account) >= STORE_ROLE_COADMIN)
		return 0;
	if (h.tool == TOOL_DROP)
		return h.drop_owner == c->account || h.dropper == c->account
			       ? 0
			       : store_fail(st, -EACCES,
					    "only the drop folder's owner and "
					    "the depositor remove it from "
					    "history");
	/* The folder it came from, or what remains of its path. */
	if (node_info(st, h.dir, &d) == 0 && !d.held && d.space == h.space &&
	    (d.nlink > 0 || d.ino == d.space_root)) {
		folder = h.dir;
	} else {
		rc = view_path(st, h.hdir, path, sizeof(path));
		if (rc == 0 && (h.kind == HIST_VERSION || h.is_dir)) {
			char *slash = strrchr(path, '/');

			if (slash)
				*slash = '\0';
		}
		if (rc == 0)
			rc = nearest_folder(st, h.space, path, &folder);
		if (rc)
			return rc;
	}
	rc = node_allows(st, c, folder, STORE_RIGHT_DELETE);
	if (rc == -EACCES)
		return store_fail(st, -EACCES,
				  "removing it from history needs the delete "
				  "right on the folder it came from");
	return rc;
}

int hist_view_remove(struct store *st, const struct store_caller *c,
		     uint64_t parent, const char *name, bool want_dir)
{
	struct ventry e = {0};
	struct view v;
	int64_t id;
	bool others = false;
	int rc;

	if (gtrash_ino(parent))
		return gtrash_remove(st, c, parent, name);
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = view_find(st, c, parent, name, &v, &e);
	if (rc == 0 && v.top == HIST_TOP_ROOT)
		rc = store_fail(st, -EROFS, "history is read-only");
	if (rc == 0 && e.dir != want_dir)
		rc = e.dir ? -EISDIR : -ENOTDIR;
	if (rc == 0 && !e.dir)
		rc = hist_may_purge(st, c, e.hist);
	if (rc == 0 && !e.dir)
		rc = meta_hist_remove(st, e.hist);
	if (rc || !e.dir)
		goto out;
	/* A folder goes when only its own entries (it was deleted empty)
	 * remain for the caller: they are purged with it. */
	rc = meta_hview_subtree_others(st, e.ino, c->account, v.cutoff,
				       &others);
	if (rc == 0 && others)
		rc = -ENOTEMPTY;
	while (rc == 0 &&
	       meta_hview_own_any(st, e.ino, c->account, v.cutoff, &id) == 0) {
		rc = hist_may_purge(st, c, id);
		if (rc == 0)
			rc = meta_hist_remove(st, id);
	}
out:
	free(e.name);
	rc = txn_end(st, rc);
	if (rc == 0)
		content_empty_trash(st);
	return rc;
}

/* ---- groupctl history: list, restore, purge ---- */

static int hist_space(struct store *st, const struct store_caller *c,
		      const char *group, int64_t *space)
{
	struct grp g;
	int rc;

	if (!group) {
		rc = need_account(st, c);
		return rc ? rc
			  : meta_space_private(st, c->account, space);
	}
	rc = grp_member(st, c, group, &g);
	if (rc == 0)
		*space = g.space;
	return rc;
}

/* A path of the view, from history/: "" is history/ itself. */
static int resolve(struct store *st, const struct store_caller *c,
		   int64_t space, const char *path, struct ventry *out)
{
	char buf[STORE_PATH_MAX + 16], *save = NULL, *part;
	struct ventry e = {NULL, HIST_TOP_INO(HIST_TOP_ROOT, space), 0, true};
	struct view v;
	int rc;

	while (*path == '/')
		path++;
	if (strlen(path) >= STORE_PATH_MAX)
		return -ENAMETOOLONG;
	if (*path && strncmp(path, "trash", 5) != 0 &&
	    strncmp(path, "versions", 8) != 0)
		snprintf(buf, sizeof(buf), "trash/%s", path);
	else
		copy_str(buf, sizeof(buf), path);
	rc = view_of(st, c, e.ino, &v);
	for (part = rc ? NULL : strtok_r(buf, "/", &save); part && rc == 0;
	     part = strtok_r(NULL, "/", &save)) {
		struct ventry next;

		if (!e.dir) {
			rc = -ENOTDIR;
			break;
		}
		rc = view_find(st, c, e.ino, part, &v, &next);
		if (rc == 0) {
			free(e.name);
			e = next;
		}
	}
	if (rc == -ENOENT || rc == -ENOTDIR)
		rc = store_fail(st, -ENOENT, "no %s in history", path);
	if (rc) {
		free(e.name);
		return rc;
	}
	*out = e;
	return 0;
}

/* Every entry at or below `e` (with its view path `path`): files, and
 * the deleted folders' own entries. */
struct walk {
	struct store *st;
	const struct store_caller *c;
	struct store_hist_entry *v;
	int64_t *ids;
	size_t n, cap, icap;
};

static int walk_add(struct walk *w, int64_t id, const char *path)
{
	struct store_hist_entry *x;
	struct store *st = w->st;
	char origin[STORE_PATH_MAX];
	struct meta_hview_detail d;
	int rc, k;

	if (ARRAY_GROW(w->v, w->n, w->cap) ||
	    ARRAY_GROW(w->ids, w->n, w->icap))
		return -ENOMEM;
	x = &w->v[w->n];
	memset(x, 0, sizeof(*x));
	rc = meta_hview_entry_detail(st, id, &d);
	if (rc)
		return rc;
	x->version = d.kind == HIST_VERSION;
	x->dir = d.is_dir;
	x->at = d.at;
	copy_str(x->by, sizeof(x->by), d.by);
	x->size = d.size;
	rc = view_path(st, d.hdir, origin, sizeof(origin));
	if (rc == 0 && !x->version && !x->dir) {
		k = snprintf(x->origin, sizeof(x->origin), "%s/%s", origin,
			     d.name);
		if (k < 0 || (size_t)k >= sizeof(x->origin))
			rc = -ENAMETOOLONG;
	} else if (rc == 0)
		copy_str(x->origin, sizeof(x->origin), origin);
	copy_str(x->path, sizeof(x->path), path);
	w->ids[w->n++] = id;
	return rc;
}

static int walk(struct walk *w, const struct ventry *e, const char *path,
		int depth)
{
	char sub[STORE_PATH_MAX + 300];
	struct ventry *v = NULL;
	struct view view;
	int64_t id = 0;
	size_t n = 0, i;
	int rc;

	if (!e->dir)
		return walk_add(w, e->hist, path);
	if (depth > 4096)
		return -ELOOP;
	rc = view_of(w->st, w->c, e->ino, &view);
	/* A deleted folder's own entries. */
	while (rc == 0) {
		rc = meta_hview_own_next(w->st, e->ino, w->c->account,
					 view.cutoff, id, &id);
		if (rc == -ENOENT) {
			rc = 0;
			break;
		}
		if (rc == 0)
			rc = walk_add(w, id, path);
	}
	if (rc == 0)
		rc = view_list(w->st, w->c, &view, NULL, &v, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		int len = snprintf(sub, sizeof(sub), "%s%s%s", path,
				   *path ? "/" : "", v[i].name);

		rc = len < 0 || (size_t)len >= sizeof(sub)
			     ? -ENAMETOOLONG
			     : walk(w, &v[i], sub, depth + 1);
	}
	ventries_free(v, n);
	return rc;
}

static int walk_path(struct store *st, const struct store_caller *c,
		     const char *group, const char *path, struct walk *w)
{
	char shown[STORE_PATH_MAX + 16];
	struct ventry e;
	int64_t space;
	int rc;

	memset(w, 0, sizeof(*w));
	w->st = st;
	w->c = c;
	rc = hist_space(st, c, group, &space);
	if (rc == 0)
		rc = resolve(st, c, space, path ? path : "", &e);
	if (rc)
		return rc;
	while (path && *path == '/')
		path++;
	if (path && *path && strncmp(path, "trash", 5) != 0 &&
	    strncmp(path, "versions", 8) != 0)
		snprintf(shown, sizeof(shown), "trash/%s", path);
	else
		copy_str(shown, sizeof(shown), path ? path : "");
	while (*shown && shown[strlen(shown) - 1] == '/')
		shown[strlen(shown) - 1] = '\0';
	rc = walk(w, &e, shown, 0);
	free(e.name);
	return rc;
}

static void walk_free(struct walk *w)
{
	free(w->v);
	free(w->ids);
}

static int at_cmp(const void *a, const void *b)
{
	const struct store_hist_entry *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

int store_history_list(struct store *st, const struct store_caller *c,
		       const char *group, const char *path,
		       struct store_hist_entry **out, size_t *n)
{
	struct walk w;
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = walk_path(st, c, group, path, &w);
	txn_read_end(st);
	if (rc) {
		walk_free(&w);
		return rc;
	}
	if (w.n > 1)
		qsort(w.v, w.n, sizeof(*w.v), at_cmp);
	free(w.ids);
	*out = w.v;
	*n = w.n;
	return 0;
}

int store_history_purge(struct store *st, const struct store_caller *c,
			const char *group, const char *path, size_t *done)
{
	struct walk w;
	size_t i;
	int rc;

	st->errmsg[0] = '\0';
	*done = 0;
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = walk_path(st, c, group, path, &w);
	for (i = 0; rc == 0 && i < w.n; i++) {
		rc = hist_may_purge(st, c, w.ids[i]);
		if (rc == 0)
			rc = meta_hist_remove(st, w.ids[i]);
	}
	rc = txn_end(st, rc);
	if (rc == 0) {
		*done = w.n;
		content_empty_trash(st);
	}
	walk_free(&w);
	return rc;
}

/* The live folder at `path` of the space, made where missing (the add
 * right on its parent). */
/* The rules an entry of mode `mode` called `name` obeys to go into folder
 * `d` (what a mkdir or a rename there checks, besides the add right). */
static int restore_rules(struct store *st, const struct store_caller *c,
			 const struct node_info *d, const char *name,
			 uint32_t mode)
{
	int64_t owner, dropper;
	int depth, rc = 0;

	if ((d->tool == TOOL_CALENDAR || d->tool == TOOL_CONTACTS) &&
	    !S_ISREG(mode))
		return store_fail(st, -EPERM,
				  "the calendar and contacts hold items only, "
				  "no folders or links");
	if (d->tool == TOOL_MAIL)
		return mail_shape(st, d, name, mode);
	if (d->tool == TOOL_DROP && S_ISDIR(mode) &&
	    d->kind == SPACE_GROUP) {
		rc = drop_place(st, d, &depth, &owner, &dropper);
		if (rc == 0 && depth == 1 && owner != c->account)
			rc = store_fail(st, -EACCES,
					"only its owner puts folders in a "
					"drop folder");
	}
	return rc;
}

static int live_folder(struct store *st, const struct store_caller *c,
		       int64_t space, const char *path, struct node_info *out)
{
	char *copy = strdup(path), *save = NULL, *part;
	struct node_info d;
	int64_t cur, next;
	int rc;

	if (!copy)
		return -ENOMEM;
	rc = meta_space_root(st, space, &cur);
	if (rc == 0)
		rc = node_info(st, cur, &d);
	for (part = rc ? NULL : strtok_r(copy, "/", &save); part && rc == 0;
	     part = strtok_r(NULL, "/", &save)) {
		if (node_child(st, cur, part, &next) != 0) {
			if (cur == d.space_root)
				rc = -ENOENT;
			else
				rc = node_allows(st, c, cur, STORE_RIGHT_ADD);
			if (rc == 0)
				rc = restore_rules(st, c, &d, part, S_IFDIR);
			if (rc == 0)
				rc = node_new(st, space, d.tool, cur, part,
					      S_IFDIR | 0755, c->account,
					      &next);
		}
		if (rc == 0)
			rc = node_visible(st, c, next, &d);
		if (rc == 0 && !S_ISDIR(d.mode))
			rc = store_fail(st, -ENOTDIR, "%s is not a folder",
					path);
		cur = next;
	}
	free(copy);
	if (rc == 0)
		*out = d;
	return rc;
}

static int restore_into(struct store *st, const struct store_caller *c,
			int64_t space, int64_t id, int64_t node,
			const struct node_info *dp, const char *name);

static int restore_trash(struct store *st, const struct store_caller *c,
			 int64_t space, int64_t id)
{
	char path[STORE_PATH_MAX], name[256];
	struct node_info d;
	int64_t node;
	uint64_t hdir;
	int rc;

	rc = meta_hview_entry_place(st, id, &hdir, name, sizeof(name), &node);
	if (rc)
		return rc;
	rc = view_path(st, hdir, path, sizeof(path));
	if (rc == 0)
		rc = live_folder(st, c, space, path, &d);
	if (rc == 0 && !node)
		/* A folder: it is there again. */
		return meta_hist_remove(st, id);
	return rc ? rc : restore_into(st, c, space, id, node, &d, name);
}

int hist_restore_to(struct store *st, const struct store_caller *c,
		    int64_t hist, int64_t parent, const char *name)
{
	struct node_info d;
	int64_t node = 0, space = 0;
	int rc;

	rc = node_parent(st, c, parent, &d);
	if (rc == 0 && !S_ISDIR(d.mode))
		rc = -ENOTDIR;
	if (rc == 0)
		rc = meta_hist_node(st, hist, &node);
	if (rc == 0)
		rc = meta_hview_entry_space(st, hist, &space);
	if (rc == 0 && (!node || d.space != space || d.kind == 0 ||
			d.ino == d.space_root || d.tool == TOOL_MEMBERS))
		rc = store_fail(st, -EXDEV,
				"an item goes back into a tool of its own "
				"space");
	if (rc == 0 && !valid_entry_name(name))
		rc = -EINVAL;
	return rc ? rc : restore_into(st, c, space, hist, node, &d, name);
}

/* History entry `id`, node `node`, back as `name` in folder `d`. */
static int restore_into(struct store *st, const struct store_caller *c,
			int64_t space, int64_t id, int64_t node,
			const struct node_info *dp, const char *name)
{
	struct node_info d = *dp, n;
	struct pim_info info;
	int64_t other, size = 0, tool = 0;
	int type, rc = 0;

	if (node_child(st, d.ino, name, &other) == 0)
		rc = store_fail(st, -EEXIST, "%s exists", name);
	/* Into another tool it is a copy (EXDEV: GIO and mv then copy,
	 * and the copy meets that tool's rules), as a rename would be. */
	if (rc == 0)
		rc = meta_hview_entry_tool(st, id, &tool);
	if (rc == 0 && tool != (int64_t)d.tool)
		rc = store_fail(st, -EXDEV,
				"an item goes back into the tool it came "
				"from");
	if (rc == 0)
		rc = node_allows(st, c, d.ino, STORE_RIGHT_ADD);
	if (rc == 0)
		rc = node_info(st, node, &n);
	if (rc == 0)
		rc = restore_rules(st, c, &d, name, n.mode);
	if (rc == 0)
		rc = meta_hist_node_size(st, node, &size);
	if (rc == 0)
		rc = check_restore_room(st, space, S_ISREG(n.mode) ? size : 0);
	type = rc == 0 ? item_type(&d, name) : 0;
	if (type) {
		rc = item_validate_node(st, node, type, &info);
		if (rc == 0)
			rc = item_claim(st, node, &d, &info, 0);
	}
	/* The node is live again, with its inode, creator and content. */
	if (rc == 0)
		rc = meta_hview_entry_release(st, id);
	if (rc == 0)
		rc = meta_hview_node_relink(st, node, d.tool, now_ns(), d.ino,
					    name);
	if (rc == 0)
		rc = node_touch_dir(st, d.ino, 0);
	if (rc == 0)
		rc = check_entries(st, space, d.ino);
	if (rc == 0)
		rc = hist_make_room(st, space, 0);
	return rc;
}

static int restore_version(struct store *st, const struct store_caller *c,
			   int64_t space, int64_t id)
{
	char path[STORE_PATH_MAX];
	struct node_info n, d;
	struct pim_info info;
	int64_t node, live, vsize = 0, lsize = 0;
	uint64_t hdir;
	bool kept = false;
	int type, rc;

	rc = meta_hist_node(st, id, &node);
	if (rc == 0)
		rc = meta_hview_entry_hdir(st, id, &hdir);
	if (rc == 0)
		rc = view_path(st, hdir, path, sizeof(path));
	if (rc == 0)
		rc = meta_space_root(st, space, &live);
	if (rc == 0 && node_walk(st, live, path, &live) != 0)
		rc = store_fail(st, -ENOENT,
				"%s is not there: restore it from the trash "
				"first, or copy the version",
				path);
	if (rc == 0)
		rc = node_visible(st, c, live, &n);
	if (rc == 0 && !S_ISREG(n.mode))
		rc = store_fail(st, -EISDIR, "%s is not a file", path);
	if (rc == 0)
		rc = node_allows(st, c, live, STORE_RIGHT_EDIT);
	if (rc == 0)
		rc = meta_hist_node_size(st, node, &vsize);
	if (rc == 0)
		rc = meta_hist_node_size(st, live, &lsize);
	if (rc == 0)
		rc = check_restore_room(st, space, vsize - lsize);
	if (rc == 0)
		rc = node_info(st, n.parent, &d);
	type = rc == 0 ? item_type(&d, strrchr(path, '/') + 1) : 0;
	if (type) {
		rc = item_validate_node(st, node, type, &info);
		if (rc == 0)
			rc = item_claim(st, live, &d, &info, live);
	}
	/* The version leaves history first (keep_versions could take it),
	 * then the item's content becomes a version and takes its place. */
	if (rc == 0)
		rc = meta_hview_entry_release(st, id);
	if (rc == 0)
		rc = meta_hview_node_unhold(st, node);
	if (rc == 0)
		rc = hist_version(st, live, HIST_TAKE, c->account, &kept);
	if (rc == 0 && !kept)
		rc = meta_node_content_trash(st, live);
	if (rc == 0)
		rc = meta_hview_content_take(st, live, node, now_ns());
	if (rc == 0)
		rc = hist_make_room(st, space, 0);
	return rc;
}

/* A folder: its folders, then the latest entry of each name; a name
 * taken live is left in history (*skipped). */
static int restore_walk(struct store *st, const struct store_caller *c,
			int64_t space, const struct walk *w, size_t *done,
			size_t *skipped)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < w->n; i++) {
		if (w->v[i].version)
			rc = store_fail(st, -EISDIR,
					"name one version to restore");
		else if (w->v[i].dir)
			rc = restore_trash(st, c, space, w->ids[i]);
	}
	for (i = 0; rc == 0 && i < w->n; i++) {
		const char *base = strrchr(w->v[i].path, '/');

		if (w->v[i].dir || time_suffix(base ? base + 1 : w->v[i].path))
			continue;
		rc = restore_trash(st, c, space, w->ids[i]);
		if (rc == -EEXIST) {
			(*skipped)++;
			rc = 0;
			st->errmsg[0] = '\0';
		} else if (rc == 0) {
			(*done)++;
		}
	}
	return rc;
}

int hist_tree_apply(struct store *st, const struct store_caller *c,
		    uint64_t hdir, bool restore, const char *gtname)
{
	struct ventry e = {NULL, hdir, 0, true};
	struct view v;
	struct walk w;
	size_t done = 0, skipped = 0, i;
	int rc;

	memset(&w, 0, sizeof(w));
	w.st = st;
	w.c = c;
	rc = view_of(st, c, hdir, &v);
	if (rc == 0)
		rc = walk(&w, &e, "trash", 0);
	for (i = 0, done = 0; rc == 0 && gtname && i < w.n; i++) {
		rc = meta_hview_gtrash_has(st, c->account, gtname, w.ids[i]);
		if (rc == -ENOENT) {
			rc = 0; /* an earlier deletion at the same path */
			continue;
		}
		w.v[done] = w.v[i];
		w.ids[done++] = w.ids[i];
	}
	if (rc == 0 && gtname)
		w.n = done;
	done = 0;
	if (rc == 0 && restore)
		rc = restore_walk(st, c, v.space, &w, &done, &skipped);
	for (i = 0; rc == 0 && !restore && i < w.n; i++) {
		rc = hist_may_purge(st, c, w.ids[i]);
		if (rc == 0)
			rc = meta_hist_remove(st, w.ids[i]);
	}
	walk_free(&w);
	return rc;
}

int hist_dir_origin(struct store *st, uint64_t hdir, char *buf, size_t len)
{
	return view_path(st, hdir, buf, len);
}

int store_history_restore(struct store *st, const struct store_caller *c,
			  const char *group, const char *path, size_t *done)
{
	struct walk w;
	int64_t space = 0;
	size_t skipped = 0;
	int rc;

	st->errmsg[0] = '\0';
	*done = 0;
	if (!path || !*path)
		return store_fail(st, -EINVAL, "name what to restore");
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = hist_space(st, c, group, &space);
	if (rc == 0)
		rc = walk_path(st, c, group, path, &w);
	if (rc == 0 && w.n == 1 && !w.v[0].dir) {
		rc = w.v[0].version ? restore_version(st, c, space, w.ids[0])
				    : restore_trash(st, c, space, w.ids[0]);
		*done = rc == 0;
		goto out;
	}
	if (rc == 0)
		rc = restore_walk(st, c, space, &w, done, &skipped);
out:
	rc = txn_end(st, rc);
	if (rc == 0 && skipped)
		store_log(st, STORE_LOG_INFO,
			  "history restore: %zu names were taken, left in "
			  "history", skipped);
	if (rc == 0)
		content_empty_trash(st);
	if (space)
		walk_free(&w);
	return rc;
}

int store_group_get_keep(struct store *st, const struct store_caller *c,
			 const char *group, int64_t *days, int64_t *versions)
{
	struct hist_keep k;
	struct grp g;
	int rc;

	st->errmsg[0] = '\0';
	rc = grp_member(st, c, group, &g);
	if (rc == 0)
		rc = hist_keep(st, g.space, &k);
	if (rc == 0) {
		*days = k.days;
		*versions = k.versions;
	}
	return rc;
}

int store_group_set_keep(struct store *st, const struct store_caller *c,
			 const char *group, int64_t days, int64_t versions)
{
	struct hist_keep k;
	struct grp g;
	int rc;

	st->errmsg[0] = '\0';
	if (days > 36500 || versions > 10000)
		return store_fail(st, -EINVAL,
				  "keep at most 36500 days and 10000 versions");
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = grp_admin(st, c, group, &g,
		       "set how long history is kept");
	if (rc == 0)
		rc = meta_hview_keep_set(st, g.id, days, versions);
	/* What is past keeping now goes at once. */
	if (rc == 0)
		rc = hist_keep(st, g.space, &k);
	if (rc == 0)
		rc = meta_hview_keep_prune(
			st, g.space, k.days > 0 ? hist_cutoff(&k) : INT64_MAX,
			k.versions);
	rc = txn_end(st, rc);
	if (rc == 0)
		content_empty_trash(st);
	return rc;
}
