// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Nodes: the folders and items of each space, and who may see them.  A
 * node's id is its inode number (AUTOINCREMENT: never reused); directory
 * entries are rows of their own, so an item may have several names (hard
 * links).  The mount's root (node 1) is generated per caller: "Private"
 * and one folder per group.  In a drop folder a member other than its
 * owner sees only what they dropped.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

int node_info(struct store *st, int64_t ino, struct node_info *out)
{
	int rc;

	struct memo *m = st->memo;
	unsigned slot = (unsigned)((uint64_t)ino % MEMO_NODES);

	/* The history view is read-only: no node to change there. */
	if (HIST_IS_VIEW(ino))
		return -EROFS;
	if (st->txn_depth > 0 && m->node[slot].wseq == st->wseq &&
	    m->node[slot].info.ino == ino) {
		*out = m->node[slot].info;
		return 0;
	}
	rc = meta_node_get(st, ino, out);
	if (rc)
		return rc;
	if (st->txn_depth > 0) {
		m->node[slot].info = *out;
		m->node[slot].wseq = st->wseq;
	}
	return 0;
}

int node_new(struct store *st, int64_t space, int tool, int64_t parent,
	     const char *name, uint32_t mode, int64_t creator, int64_t *ino)
{
	unsigned char cid[16];
	struct meta_node_new n = {
		.space = space,
		.tool = tool,
		.mode = mode,
		.nlink = S_ISDIR(mode) ? 2 : 1,
		.creator = creator,
		.time_ns = now_ns(),
		.cid = cid,
		.cid_len = S_ISREG(mode) ? 16 : 0,
		.cipher = CIPHER_DEFAULT,
	};
	int rc;

	content_new_cid(cid);
	rc = meta_node_add(st, &n, ino);
	if (rc)
		return rc;
	/* No creator (0 in the new row): no UPDATE of it, which would count
	 * as a change of rights and make groupctl wait for the mounts. */
	if (!parent)
		return rc;
	rc = meta_dirent_add(st, parent, name, *ino);
	if (rc == 0)
		rc = node_touch_dir(st, parent, S_ISDIR(mode) ? 1 : 0);
	/* What members put there counts (a trigger keeps space.files) and
	 * is bounded; the generated members/ is not theirs. */
	if (rc == 0 && tool != TOOL_MEMBERS)
		rc = check_entries(st, space, parent);
	return rc;
}

int node_touch_dir(struct store *st, int64_t dir, int nlink_delta)
{
	return meta_node_touch_dir(st, dir, nlink_delta, now_ns());
}

int node_path(struct store *st, int64_t ino, char *buf, size_t len)
{
	char *tmp = malloc(len);
	size_t used = 0;
	int depth = 0, rc = 0;

	if (!tmp)
		return -ENOMEM;
	buf[0] = '\0';
	while (depth++ < 4096) {
		char name[256]; /* names are at most 255 bytes (util.c) */
		int64_t parent;
		size_t n;

		rc = meta_dirent_up(st, ino, &parent, name, sizeof(name));
		if (rc)
			break;
		n = strlen(name);
		if (used + n + 2 > len) {
			rc = -ENAMETOOLONG;
			break;
		}
		/* Prepend "name/" to what we have. */
		memcpy(tmp, buf, used + 1);
		memcpy(buf, name, n);
		if (used) {
			buf[n] = '/';
			memcpy(buf + n + 1, tmp, used + 1);
			used += n + 1;
		} else {
			buf[n] = '\0';
			used = n;
		}
		ino = parent;
	}
	free(tmp);
	/* -ENOENT: the top, a node with no name. */
	return rc == -ENOENT ? 0 : rc;
}

int node_child(struct store *st, int64_t parent, const char *name,
	       int64_t *child)
{
	return meta_dirent_find(st, parent, name, child);
}

int node_walk(struct store *st, int64_t root, const char *path, int64_t *ino)
{
	char *copy = strdup(path), *save = NULL, *part;
	int64_t cur = root;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0) {
			rc = -EINVAL;
			break;
		}
		rc = node_child(st, cur, part, &cur);
		if (rc)
			break;
	}
	free(copy);
	if (rc == 0)
		*ino = cur;
	return rc;
}

int target_resolve(struct store *st, const struct store_caller *c,
		   const char *group, const char *path, struct grp *g,
		   int64_t *ino)
{
	char tool[16];
	const char *rest = strchr(path, '/');
	size_t n = rest ? (size_t)(rest - path) : strlen(path);
	enum store_tool t;
	int64_t root;
	int rc;

	rc = grp_member(st, c, group, g);
	if (rc)
		return rc;
	if (n >= sizeof(tool) || n == 0)
		goto bad;
	memcpy(tool, path, n);
	tool[n] = '\0';
	t = store_tool_parse(tool);
	if (!t)
		goto bad;
	rc = meta_space_tool(st, g->space, t, &root);
	if (rc)
		return rc;
	rc = node_walk(st, root, rest ? rest : "", ino);
	if (rc == -ENOENT)
		return store_fail(st, -ENOENT, "%s: no %s in the group", g->name,
				  path);
	if (rc == -EINVAL)
		goto bad;
	return rc;
bad:
	return store_fail(st, -EINVAL,
			  "%s: '%s' is not documents, calendar, contacts, "
			  "mail or a path below one of them",
			  g->name, path);
}

/*
 * Where a drop-folder node sits: depth 0 is drop/ itself, 1 a member's
 * folder drop/<u>, 2 an item dropped in it, and so on.  *owner is the
 * folder's member, *dropper the creator of the depth-2 ancestor.
 */
int drop_place(struct store *st, const struct node_info *n, int *depth,
	       int64_t *owner, int64_t *dropper)
{
	int64_t path[64];
	int64_t cur = n->ino, parent = n->parent;
	int k = 0, rc;

	*owner = *dropper = 0;
	while (cur != n->drop_dir) {
		if (k == (int)ARRAY_SIZE(path) || parent == 0)
			return -EIO;
		path[k++] = cur;
		cur = parent;
		if (cur == n->drop_dir)
			break;
		rc = meta_dirent_parent(st, cur, &parent);
		if (rc)
			return rc == -ENOENT ? -EIO : rc;
	}
	*depth = k;
	if (k >= 1)
		meta_node_creator(st, path[k - 1], owner);
	if (k >= 2)
		meta_node_creator(st, path[k - 2], dropper);
	return 0;
}

/* A private space is its owner's; a co-member they granted rights on
 * their personal calendar reaches its folder, and its items with *view*. */
static int private_visible(struct store *st, const struct store_caller *c,
			   const struct node_info *n)
{
	char owner[STORE_USERNAME_MAX + 1];
	unsigned rights = 0;

	if (n->owner == c->account)
		return 0;
	if (n->tool != TOOL_CALENDAR || n->ino == n->space_root ||
	    account_name(st, n->owner, owner, sizeof(owner)) ||
	    store_calendar_rights(st, c, owner, &rights) || !rights)
		return -ENOENT;
	if (n->parent == n->space_root || (rights & STORE_CAL_VIEW))
		return 0;
	return -ENOENT;
}

int node_visible(struct store *st, const struct store_caller *c, int64_t ino,
		 struct node_info *n)
{
	int64_t owner, dropper;
	int depth, rc;

	rc = node_info(st, ino, n);
	if (rc)
		return rc;
	if (ino == STORE_ROOT_INO)
		return 0;
	if (c->account <= 0)
		return -ENOENT;
	/* Deleted: history shows it under an inode number of its own.
	 * Only descriptors still open on it reach it here (fstat). */
	if (n->held)
		return istate_open(st, (uint64_t)ino) &&
				       ((n->kind == SPACE_GROUP &&
					 grp_role(st, n->group, c->account)) ||
					(n->kind == SPACE_PRIVATE &&
					 n->owner == c->account))
			       ? 0
			       : -ENOENT;
	if (n->kind == SPACE_PRIVATE)
		return private_visible(st, c, n);
	if (n->kind != SPACE_GROUP ||
	    grp_role(st, n->group, c->account) == STORE_ROLE_NONE)
		return -ENOENT;
	if (n->tool == TOOL_MEMBERS)
		return members_visible(st, c, n);
	if (n->tool != TOOL_DROP)
		return 0;
	rc = drop_place(st, n, &depth, &owner, &dropper);
	if (rc || depth == 0)
		return rc;
	/* A former member's drop folder is hidden until they return. */
	if (grp_role(st, n->group, owner) == STORE_ROLE_NONE)
		return -ENOENT;
	if (depth == 1 || owner == c->account || dropper == c->account)
		return 0;
	return -ENOENT;
}

/* The attributes of a visible node as this caller's mount shows them. */
int node_attr(struct store *st, const struct store_caller *c,
	      const struct node_info *n, struct store_attr *out)
{
	int rc = meta_node_attr(st, n->ino, out);

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
	rc = node_visible(st, c, (int64_t)ino, &n);
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

int node_dir(struct store *st, const struct store_caller *c, int64_t ino,
	     struct node_info *out)
{
	struct node_info view;
	int rc = node_visible(st, c, ino, out);

	if (rc || out->gen != GEN_CALVIEW)
		return rc;
	/* members/<u>/calendar/ is u's personal calendar. */
	view = *out;
	return members_calendar(st, &view, out);
}

int node_lookup(struct store *st, const struct store_caller *c,
		int64_t parent, const char *name, struct node_info *child)
{
	struct node_info p;
	int64_t ino;
	int rc;

	rc = node_dir(st, c, parent, &p);
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

int store_fs_readdir(struct store *st, const struct store_caller *c,
		     uint64_t ino, const char *after, uint64_t skip,
		     store_dirent_fn fn, void *arg)
{
	struct with_history w = {st, c, ino, after, false, fn, arg};
	struct meta_dirent *v = NULL;
	struct node_info d;
	char *last = NULL;
	size_t n = 0, i;
	bool slow;
	int rc;

	st->errmsg[0] = '\0';
	if (HIST_IS_VIEW(ino))
		return hist_view_readdir(st, c, ino, after, skip, fn, arg);
	rc = node_dir(st, c, (int64_t)ino, &d);
	if (rc)
		return rc;
	if (!S_ISDIR(d.mode))
		return -ENOTDIR;
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
	for (;;) {
		rc = txn_read_begin(st);
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
