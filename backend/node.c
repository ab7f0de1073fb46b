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
#include "sqlite/engine.h" /* until its SQL moves behind meta.h */

#define INFO_SQL                                                             \
	"SELECT n.id, n.space_id, coalesce((SELECT parent FROM dirent"        \
	" WHERE child = n.id LIMIT 1), 0), n.tool, n.mode, n.creator,"        \
	" n.editors_all, s.group_id, s.account_id, s.root, s.drop_dir,"       \
	" n.nlink, n.gen, coalesce(n.hist, 0) FROM node n"                    \
	" LEFT JOIN space s ON s.id = n.space_id"                             \
	" WHERE n.id = " RESOLVE

int node_info(struct store *st, int64_t ino, struct node_info *out)
{
	sqlite3_stmt *s;
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
	s = db_q(st, INFO_SQL, "i", ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	memset(out, 0, sizeof(*out));
	out->ino = sqlite3_column_int64(s, 0);
	out->space = sqlite3_column_int64(s, 1);
	out->parent = sqlite3_column_int64(s, 2);
	out->tool = sqlite3_column_int(s, 3);
	out->mode = (uint32_t)sqlite3_column_int64(s, 4);
	out->creator = sqlite3_column_int64(s, 5);
	out->editors_all = sqlite3_column_int(s, 6) != 0;
	if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
		out->kind = SPACE_GROUP;
		out->group = sqlite3_column_int64(s, 7);
	} else if (sqlite3_column_type(s, 8) != SQLITE_NULL) {
		out->kind = SPACE_PRIVATE;
		out->owner = sqlite3_column_int64(s, 8);
	}
	out->space_root = sqlite3_column_int64(s, 9);
	out->drop_dir = sqlite3_column_int64(s, 10);
	out->nlink = sqlite3_column_int64(s, 11);
	out->gen = sqlite3_column_int(s, 12);
	out->held = sqlite3_column_int64(s, 13);
	db_done(s);
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
	int64_t t = now_ns();
	int rc;

	content_new_cid(cid);
	rc = db_run(st,
		    "INSERT INTO node (space_id, tool, mode, nlink, creator,"
		    " atime, mtime, ctime, cid, cipher) VALUES (?1, ?2, ?3,"
		    " ?4, nullif(?5, 0), ?6, ?6, ?6, ?7, ?8)",
		    "iiiiiibi", space, (int64_t)tool, (int64_t)mode,
		    (int64_t)(S_ISDIR(mode) ? 2 : 1), creator ? creator : 0, t,
		    cid, (size_t)(S_ISREG(mode) ? 16 : 0),
		    (int64_t)CIPHER_DEFAULT);
	if (rc)
		return rc;
	*ino = db_last_id(st);
	/* No creator (nullif above): no UPDATE of it, which would count as
	 * a change of rights and make groupctl wait for the mounts. */
	if (!parent)
		return rc;
	rc = db_run(st, "INSERT INTO dirent (parent, name, child) VALUES (?,?,?)",
		    "iti", parent, name, *ino);
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
	int64_t t = now_ns();

	return db_run(st,
		      "UPDATE node SET nlink = nlink + ?, mtime = ?, ctime = ?"
		      " WHERE id = ?",
		      "iiii", (int64_t)nlink_delta, t, t, dir);
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
		sqlite3_stmt *s = db_q(st,
				       "SELECT parent, name FROM dirent WHERE"
				       " child = ? LIMIT 1",
				       "i", ino);
		const char *name;
		size_t n;

		if (!s) {
			rc = -EIO;
			break;
		}
		rc = db_row(st, s);
		if (rc <= 0)
			break;
		name = col_text(s, 1);
		n = strlen(name);
		if (used + n + 2 > len) {
			db_done(s);
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
		ino = sqlite3_column_int64(s, 0);
		db_done(s);
	}
	free(tmp);
	return rc < 0 ? rc : 0;
}

int node_child(struct store *st, int64_t parent, const char *name,
	       int64_t *child)
{
	return db_int(st, child,
		      "SELECT child FROM dirent WHERE parent = ? AND name = ?",
		      "it", parent, name);
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
	static const char *const col[] = {
		[STORE_TOOL_DOCUMENTS] = "SELECT documents FROM space WHERE id = ?",
		[STORE_TOOL_CALENDAR] = "SELECT calendar FROM space WHERE id = ?",
		[STORE_TOOL_CONTACTS] = "SELECT contacts FROM space WHERE id = ?",
		[STORE_TOOL_MAIL] = "SELECT mail FROM space WHERE id = ?",
	};
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
	rc = db_int(st, &root, col[t], "i", g->space);
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
		rc = db_int(st, &parent,
			    "SELECT parent FROM dirent WHERE child = ? LIMIT 1",
			    "i", cur);
		if (rc)
			return rc == -ENOENT ? -EIO : rc;
	}
	*depth = k;
	if (k >= 1)
		db_int(st, owner,
		       "SELECT coalesce(creator, 0) FROM node WHERE id = ?", "i",
		       path[k - 1]);
	if (k >= 2)
		db_int(st, dropper,
		       "SELECT coalesce(creator, 0) FROM node WHERE id = ?", "i",
		       path[k - 2]);
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

static int attr_row(struct store *st, int64_t ino, struct store_attr *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT n.mode, n.nlink, n.size, n.atime, n.mtime, n.ctime,"
		 " a.unix_uid FROM node n LEFT JOIN account a"
		 " ON a.id = n.creator WHERE n.id = " RESOLVE,
		 "i", ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	memset(out, 0, sizeof(*out));
	out->ino = (uint64_t)ino;
	out->mode = (uint32_t)sqlite3_column_int64(s, 0);
	out->nlink = (uint32_t)sqlite3_column_int64(s, 1);
	out->size = (uint64_t)sqlite3_column_int64(s, 2);
	out->atime_ns = sqlite3_column_int64(s, 3);
	out->mtime_ns = sqlite3_column_int64(s, 4);
	out->ctime_ns = sqlite3_column_int64(s, 5);
	out->uid = sqlite3_column_type(s, 6) == SQLITE_NULL
			   ? -1
			   : sqlite3_column_int64(s, 6);
	db_done(s);
	return 0;
}

/* The attributes of a visible node as this caller's mount shows them. */
int node_attr(struct store *st, const struct store_caller *c,
	      const struct node_info *n, struct store_attr *out)
{
	int rc = attr_row(st, n->ino, out);

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
		return db_int(st, ino,
			      "SELECT root FROM space WHERE account_id = ?", "i",
			      c->account);
	return db_int(st, ino,
		      "SELECT s.root FROM grp g JOIN space s ON s.group_id = g.id"
		      " JOIN membership m ON m.group_id = g.id"
		      " WHERE g.name = ? AND m.account_id = ?",
		      "ti", name, c->account);
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

struct entry {
	char *name;
	int64_t ino;
	struct store_attr a;
	int64_t creator;
	bool editors_all, editor;
};

static void entry_row(sqlite3_stmt *s, struct entry *e)
{
	struct store_attr *a = &e->a;

	memset(a, 0, sizeof(*a));
	a->ino = (uint64_t)e->ino;
	a->mode = (uint32_t)sqlite3_column_int64(s, 2);
	a->nlink = (uint32_t)sqlite3_column_int64(s, 3);
	a->size = (uint64_t)sqlite3_column_int64(s, 4);
	a->atime_ns = sqlite3_column_int64(s, 5);
	a->mtime_ns = sqlite3_column_int64(s, 6);
	a->ctime_ns = sqlite3_column_int64(s, 7);
	a->uid = sqlite3_column_type(s, 8) == SQLITE_NULL
			 ? -1
			 : sqlite3_column_int64(s, 8);
	e->creator = sqlite3_column_int64(s, 9);
	e->editors_all = sqlite3_column_int(s, 10) != 0;
	e->editor = sqlite3_column_int(s, 11) != 0;
}

/*
 * An entry of an ordinary folder (not the root, not in drop/): visible
 * when the folder is, and its attributes are in the row already.  Only
 * a folder's own rights need more queries, in single-account mounts.
 */
static int emit_fast(struct store *st, const struct store_caller *c,
		     const struct node_info *d, struct entry *e,
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

static void entries_free(struct entry *v, size_t n)
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
			size_t max, struct entry **out, size_t *n)
{
	struct entry *v = NULL;
	size_t cap = 0;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

	if (ino == STORE_ROOT_INO)
		s = db_q(st,
			 "SELECT name, root FROM (SELECT 'Private' AS name,"
			 " s.root AS root FROM space s WHERE s.account_id = ?1"
			 " UNION ALL SELECT g.name, s.root FROM grp g"
			 " JOIN space s ON s.group_id = g.id"
			 " JOIN membership m ON m.group_id = g.id"
			 " WHERE m.account_id = ?1) WHERE name > ?2"
			 " ORDER BY name LIMIT ?3 OFFSET ?4",
			 "itii", c->account, after ? after : "",
			 (int64_t)max, (int64_t)(after ? 0 : skip));
	else
		s = db_q(st,
			 "SELECT d.name, d.child, n.mode, n.nlink, n.size,"
			 " n.atime, n.mtime, n.ctime, a.unix_uid, n.creator,"
			 " n.editors_all, EXISTS (SELECT 1 FROM editor e WHERE"
			 " e.node = n.id AND e.account_id = ?5) FROM dirent d"
			 " JOIN node n ON n.id = d.child LEFT JOIN account a"
			 " ON a.id = n.creator WHERE d.parent = ?1 AND d.name > ?2"
			 " ORDER BY d.name LIMIT ?3 OFFSET ?4",
			 "itiii", ino, after ? after : "", (int64_t)max,
			 (int64_t)(after ? 0 : skip), c->account);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap) ||
		    !(v[len].name = strdup(col_text(s, 0)))) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		v[len].ino = sqlite3_column_int64(s, 1);
		if (ino != STORE_ROOT_INO)
			entry_row(s, &v[len]);
		len++;
	}
	if (rc < 0) {
		entries_free(v, len);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
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
	struct entry *v = NULL;
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
