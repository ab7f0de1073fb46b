// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * History: what a member deletes or overwrites is kept (SPEC.md section 5).
 * A deleted file keeps its node, content and all, detached from the tree
 * (node.hist names its entry, nlink 0); an overwritten or truncated file
 * leaves its previous content to a new detached node, its earlier version.
 * Neither copies bytes, except a version of a file changed in place
 * (a write into its middle), which needs the old bytes and the new side by
 * side.  Each entry sits in a folder of the read-only history view
 * (hist_dir, histview.c): trash/<tool>/<path of its folder>/ for deleted
 * items, versions/<tool>/<path of the item>/ for versions.
 *
 * History bytes are counted apart (space.hist_used, kept by the triggers
 * of node) and use only the space's free capacity: when live content
 * needs the room, the oldest entries go first (hist_make_room).  The
 * group's keep_days and keep_versions bound them too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define NS_PER_DAY (86400LL * 1000000000LL)
/* What an entry costs beside its content (hist.cost, with its item's
 * link target and extended attributes): the database's cost of an entry,
 * as quota.c ENTRY_BYTES and the migration that made hist.cost. */
#define ENTRY_COST 2048

int hist_keep(struct store *st, int64_t space, struct hist_keep *out)
{
	return hist_keep_dir(st, space, 0, out);
}

int hist_keep_dir(struct store *st, int64_t space, int64_t dir,
		  struct hist_keep *out)
{
	int rc;

	out->days = HIST_KEEP_DAYS;
	out->versions = HIST_KEEP_VERSIONS;
	out->fits = false;
	out->dir_exists = false;
	/* One row: a deletion asks it every time (rm -rf asks it for each
	 * name), so the room an entry needs (SPACE_CAPACITY, quota: capacity
	 * from the plan of the group's administrator, or of the private
	 * space's owner) comes with the settings. */
	rc = meta_hist_keep(st, space, HIST_KEEP_DAYS, HIST_KEEP_VERSIONS,
			    ENTRY_COST, dir, out);
	return rc == -ENOENT ? 0 : rc;
}

int64_t hist_cutoff(const struct hist_keep *k)
{
	return now_ns() - k->days * NS_PER_DAY;
}

int hist_dir_child(struct store *st, int64_t space, uint64_t parent,
		   const char *name, bool create, uint64_t *out)
{
	int64_t id;
	int rc;

	rc = meta_hist_dir_find(st, parent, name, &id);
	if (rc == -ENOENT && create)
		rc = meta_hist_dir_add(st, space, parent, name, &id);
	if (rc == 0)
		*out = HIST_DIR_INO(id);
	return rc;
}

/* The view folder top/<path>: made, with its parents, when `create`. */
static int hist_dir_path(struct store *st, int64_t space, int top,
			 const char *path, bool create, uint64_t *out)
{
	char *copy = strdup(path), *save = NULL, *part;
	uint64_t cur = HIST_TOP_INO(top, space);
	int rc = copy ? 0 : -ENOMEM;

	for (part = rc ? NULL : strtok_r(copy, "/", &save); part && rc == 0;
	     part = strtok_r(NULL, "/", &save))
		rc = hist_dir_child(st, space, cur, part, create, &cur);
	free(copy);
	if (rc == 0)
		*out = cur;
	return rc;
}

int hist_trash_folder(struct store *st, int64_t space, const char *path,
		      const char *name, uint64_t *hdir)
{
	int rc = hist_dir_path(st, space, HIST_TOP_TRASH, path, true, hdir);

	return rc ? rc : hist_dir_child(st, space, *hdir, name, true, hdir);
}

/* Entries older than the group keeps them go (content files after the
 * commit, with content_empty_trash). */
static int expire(struct store *st, int64_t space, const struct hist_keep *k)
{
	bool gone = false;
	int rc = meta_hist_expire(st, space, hist_cutoff(k), &gone);

	if (rc == 0 && gone)
		st->hist_freed = true;
	return rc;
}

/* Who may see an entry of a drop folder: its owner and its depositor. */
static void drop_people(struct store *st, const struct node_info *n,
			int64_t *owner, int64_t *dropper)
{
	int depth = 0;

	*owner = *dropper = 0;
	if (n->tool != TOOL_DROP || n->kind != SPACE_GROUP)
		return;
	if (drop_place(st, n, &depth, owner, dropper) != 0)
		*owner = *dropper = 0;
	if (depth == 2 && !*dropper)
		*dropper = n->creator;
}

/* hold_ctime: not 0, item `node` now belongs to the entry (see
 * meta_hist_entry). */
static int add_entry(struct store *st, const struct node_info *n,
		     const struct hist_keep *k, int kind, uint64_t hdir,
		     const char *name, int64_t dir, int64_t actor,
		     int64_t node, int64_t hold_ctime, int64_t *id)
{
	struct meta_hist_entry e = {
		.space = n->space,
		.kind = kind,
		.hdir = hdir,
		.name = name,
		.is_dir = S_ISDIR(n->mode),
		.tool = n->tool,
		.dir = dir,
		.actor = actor,
		.node = node,
		.cost = ENTRY_COST,
		.hold_ctime = hold_ctime,
	};
	int rc = 0;

	drop_people(st, n, &e.drop_owner, &e.dropper);
	/* Room first: an entry costs ENTRY_COST more than its item did
	 * live (its bytes and metadata move from live to history). */
	if (!k->fits)
		rc = hist_make_room(st, n->space, ENTRY_COST);
	if (rc == 0) {
		e.at = now_ns();
		rc = meta_hist_add(st, &e, id);
	}
	return rc;
}

static uint64_t tree_gen; /* atomic: moves when a folder is renamed */

void hist_tree_changed(void)
{
	__atomic_add_fetch(&tree_gen, 1, __ATOMIC_RELAXED);
}

/*
 * The view folder of the trash for items of live folder `parent`, and
 * how long the space keeps them.  The group's retention is read each time
 * (one row by key: an administrator's change applies to the very next
 * deletion, from any process); rm -rf removes a folder's names one by one,
 * so the view folder is remembered for a second, while no folder moved,
 * and checked to exist (a transaction that made it may have rolled back).
 */
static int trash_dir(struct store *st, const struct node_info *n,
		     int64_t parent, struct hist_keep *k, uint64_t *hdir)
{
	char path[STORE_PATH_MAX];
	int64_t t = now_ns();
	uint64_t gen = __atomic_load_n(&tree_gen, __ATOMIC_RELAXED);
	bool memo = st->hist_memo.dir == parent &&
		    st->hist_memo.space == n->space &&
		    st->hist_memo.tree_gen == gen &&
		    t - st->hist_memo.at < 1000000000;
	int rc;

	/* The remembered view folder is checked with the settings. */
	rc = hist_keep_dir(st, n->space,
			   memo ? (int64_t)(st->hist_memo.hdir &
					    ((1ULL << 48) - 1))
				: 0,
			   k);
	if (rc || k->days <= 0)
		return rc;
	if (memo && k->dir_exists) {
		*hdir = st->hist_memo.hdir;
		return 0;
	}
	st->hist_memo.dir = 0;
	rc = node_path(st, parent, path, sizeof(path));
	if (rc == 0)
		rc = hist_dir_path(st, n->space, HIST_TOP_TRASH, path, true,
				   hdir);
	if (rc == 0) {
		st->hist_memo.dir = parent;
		st->hist_memo.space = n->space;
		st->hist_memo.hdir = *hdir;
		st->hist_memo.at = t;
		st->hist_memo.tree_gen = gen;
	}
	return rc;
}

static int trash_in(struct store *st, const struct node_info *n,
		    int64_t parent, const char *name, int64_t actor, bool *kept)
{
	struct hist_keep k;
	uint64_t hdir = 0;
	int64_t id;
	int rc;

	*kept = false;
	if (n->kind == 0 || n->held || n->tool == TOOL_MEMBERS ||
	    n->tool == TOOL_NONE ||
	    !(S_ISREG(n->mode) || S_ISDIR(n->mode) || S_ISLNK(n->mode)))
		return 0;
	rc = trash_dir(st, n, parent, &k, &hdir);
	if (rc || k.days <= 0)
		return rc;
	/* A folder's entry sits in its own view folder: an empty folder
	 * shows, and one with deleted content merges with it. */
	if (rc == 0 && S_ISDIR(n->mode))
		rc = hist_dir_child(st, n->space, hdir, name, true, &hdir);
	/* An item goes with its entry (a folder's entry holds none). */
	if (rc == 0)
		rc = add_entry(st, n, &k, HIST_TRASH, hdir, name, parent, actor,
			       S_ISDIR(n->mode) ? 0 : n->ino,
			       S_ISDIR(n->mode) ? 0 : now_ns(), &id);
	if (rc == 0 && !S_ISDIR(n->mode))
		*kept = true;
	/* What is past keeping goes, once a second at most. */
	if (rc == 0 && (st->hist_memo.expired == 0 ||
			now_ns() - st->hist_memo.expired > 1000000000)) {
		rc = expire(st, n->space, &k);
		st->hist_memo.expired = now_ns();
	}
	return rc;
}

/* Give node `to` a copy of the content of `from`, sealed afresh under its
 * own content id. */
static int copy_content(struct store *st, int64_t from, int64_t to)
{
	struct content src, dst;
	unsigned char *buf = NULL;
	uint64_t off = 0;
	size_t got, step = 64 * CHUNK;
	int rc;

	rc = content_load(st, from, &src);
	if (rc)
		return rc;
	rc = content_load(st, to, &dst);
	buf = rc ? NULL : malloc(step);
	if (rc == 0 && !buf)
		rc = -ENOMEM;
	while (rc == 0 && off < (uint64_t)src.size) {
		rc = content_read(st, NULL, &src, off, step, buf, &got);
		if (rc == 0 && got == 0)
			rc = -EIO;
		if (rc == 0)
			rc = content_update(st, NULL, &dst, off, buf, got, -1);
		off += got;
	}
	free(buf);
	content_free(&src);
	content_free(&dst);
	return rc;
}

static int version_in(struct store *st, int64_t ino, enum hist_how how,
		      int64_t actor, bool *kept)
{
	char path[STORE_PATH_MAX], name[256];
	unsigned char cid[16];
	struct node_info n;
	struct hist_keep k;
	int64_t size = 0, parent, id, vid;
	uint64_t hdir;
	bool gone = false;
	int rc;

	*kept = false;
	rc = node_info(st, ino, &n);
	if (rc || n.kind == 0 || n.held || n.nlink == 0 || !S_ISREG(n.mode) ||
	    n.tool == TOOL_MEMBERS || n.tool == TOOL_NONE || n.gen)
		return rc;
	rc = meta_hist_node_size(st, n.ino, &size);
	if (rc || size == 0)
		return rc;
	rc = hist_keep(st, n.space, &k);
	if (rc || k.days <= 0 || k.versions <= 0)
		return rc;
	rc = meta_hist_node_name(st, n.ino, &parent, name, sizeof(name));
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	rc = node_path(st, n.ino, path, sizeof(path));
	if (rc == 0)
		rc = hist_dir_path(st, n.space, HIST_TOP_VERSIONS, path, true,
				   &hdir);
	if (rc == 0)
		rc = add_entry(st, &n, &k, HIST_VERSION, hdir, name, parent, actor,
			       0, 0, &id);
	/* The version is a detached node with the item's attributes; it
	 * takes the content (or, for COPY, a copy of it). */
	content_new_cid(cid);
	if (rc == 0)
		rc = meta_hist_version_node(st, n.ino, how == HIST_COPY, cid,
					    id, &vid);
	if (rc == 0 && how == HIST_COPY)
		rc = copy_content(st, n.ino, vid);
	if (rc == 0 && how == HIST_MOVE) {
		content_new_cid(cid);
		rc = meta_hist_node_empty(st, n.ino, cid);
	}
	/* At most keep_versions per item, the newest. */
	if (rc == 0)
		rc = meta_hist_trim(st, hdir, k.versions, &gone);
	if (rc == 0 && gone)
		st->hist_freed = true;
	if (rc == 0)
		rc = expire(st, n.space, &k);
	if (rc == 0 && how == HIST_COPY)
		rc = hist_make_room(st, n.space, 0);
	if (rc == 0)
		*kept = true;
	return rc;
}

/*
 * History never makes a write fail (SPEC.md section 5): what went wrong
 * while keeping (a path too long for the view, a broken entry) is logged,
 * what was half made is rolled back (a savepoint), and the change goes on
 * without keeping.  Only what would fail the change anyway (no memory, an
 * I/O error, a busy database) is returned.
 */
static int kept_or_not(struct store *st, int rc, const char *what,
		       int64_t ino, bool *kept)
{
	int r;

	if (rc == 0)
		return meta_savepoint_end(st, true);
	r = meta_savepoint_end(st, false);
	*kept = false;
	if (r || rc == -ENOMEM || rc == -EIO || rc == -EBUSY)
		return r ? r : rc;
	store_log(st, STORE_LOG_WARNING,
		  "history: item %lld not kept (%s): %s", (long long)ino, what,
		  strerror(-rc));
	return 0;
}

int hist_trash(struct store *st, const struct node_info *n, int64_t parent,
	       const char *name, int64_t actor, bool *kept)
{
	int rc = meta_savepoint(st);

	*kept = false;
	if (rc)
		return rc;
	rc = trash_in(st, n, parent, name, actor, kept);
	return kept_or_not(st, rc, "deleted", n->ino, kept);
}

int hist_version(struct store *st, int64_t ino, enum hist_how how,
		 int64_t actor, bool *kept)
{
	int rc = meta_savepoint(st);

	*kept = false;
	if (rc)
		return rc;
	rc = version_in(st, ino, how, actor, kept);
	return kept_or_not(st, rc, "earlier version", ino, kept);
}

int hist_prune_dirs(struct store *st)
{
	int64_t space = st->hist_gone.space, parent;
	uint64_t hdir;
	int i, rc = 0;

	if (!st->hist_gone.n && !st->hist_gone.all)
		return 0;
	st->hist_memo.dir = 0;
	/* Many folders: every emptied one of the space, leaves up. */
	if (st->hist_gone.all)
		return meta_hist_dirs_prune(st, space);
	for (i = 0; i < st->hist_gone.n && rc == 0; i++)
		for (hdir = st->hist_gone.hdir[i];
		     rc == 0 && (hdir >> HIST_INO_SHIFT) == 1;
		     hdir = (uint64_t)parent) {
			int64_t id = (int64_t)(hdir & ((1ULL << 48) - 1));

			rc = meta_hist_dir_prune(st, id, &parent);
			if (rc == -ENOENT) {
				rc = 0; /* not empty (or gone): stop here */
				break;
			}
		}
	return rc;
}

/* txn_end's hook: prune at a commit, forget at any end. */
static int hist_txn_end(struct store *st, bool commit)
{
	int rc = commit ? hist_prune_dirs(st) : 0;

	st->hist_gone.n = 0;
	st->hist_gone.all = false;
	return rc;
}

void hist_note_gone(struct store *st, int64_t space, uint64_t hdir)
{
	int i;

	st->at_txn_end = hist_txn_end;
	if (st->hist_gone.n == 0 && !st->hist_gone.all)
		st->hist_gone.space = space;
	else if (st->hist_gone.space != space)
		st->hist_gone.space = -1;
	for (i = 0; i < st->hist_gone.n; i++)
		if (st->hist_gone.hdir[i] == hdir)
			return;
	if (st->hist_gone.n < (int)ARRAY_SIZE(st->hist_gone.hdir))
		st->hist_gone.hdir[st->hist_gone.n++] = hdir;
	else
		st->hist_gone.all = true;
}

int gtrash_info_ensure(struct store *st, int64_t space)
{
	int64_t root, owner, ino;
	int rc;

	rc = meta_space_root_if_private(st, space, &root);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	if (node_child(st, root, GTRASH_INFO_FOLDER, &ino) == 0)
		return 0;
	rc = meta_private_owner(st, space, &owner);
	return rc ? rc
		  : node_new(st, space, TOOL_NONE, root, GTRASH_INFO_FOLDER,
			     S_IFDIR | 0700, owner, &ino);
}
