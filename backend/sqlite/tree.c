// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the tree: nodes, names, extended
 * attributes and public links (node.c, xattr.c, link.c).
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- nodes ---- */

#define INFO_COLS                                                              \
	" n.tool, n.mode, n.creator,"                                          \
	" n.editors_all, s.group_id, s.account_id, s.root, s.drop_dir,"        \
	" n.nlink, n.gen, coalesce(n.hist, 0), n.size, n.atime, n.mtime,"      \
	" n.ctime, a.unix_uid FROM node n"                                     \
	" LEFT JOIN space s ON s.id = n.space_id"                              \
	" LEFT JOIN account a ON a.id = n.creator"                             \
	" WHERE n.id = " RESOLVE
#define FIRST_PARENT "(SELECT parent FROM dirent WHERE child = n.id LIMIT 1)"
#define INFO_SQL                                                               \
	"SELECT n.id, n.space_id, coalesce(" FIRST_PARENT ", 0)," INFO_COLS
/* The node reached by a name in folder ?2: a folder, or an item whose
 * link count is 1, has that name alone (the store keeps the count equal
 * to the names; groupctl check's "link count"), so its parent is ?2
 * without a search of the names by child (a page apart, cold in a large
 * group: a lookup among a million files read one page less). */
#define INFO_IN_SQL                                                            \
	"SELECT n.id, n.space_id, CASE WHEN n.id = ?1 AND (n.nlink = 1 OR"     \
	" n.mode & 61440 = 16384) THEN ?2 ELSE coalesce(" FIRST_PARENT ", 0)"  \
	" END," INFO_COLS

/* The slot of node `ino` in the engine's rows: folders apart from items,
 * so that the items of a folder, whose numbers run on, never put it out,
 * and many more of them, so that a walk over a large tree finds the
 * folder of each name it looks up again in its slot. */
static unsigned row_slot(int64_t ino, bool dir)
{
	return dir ? (unsigned)((uint64_t)ino % FOLDER_ROWS)
		   : FOLDER_ROWS + (unsigned)((uint64_t)ino % ITEM_ROWS);
}

/* Node `ino` as meta_node_get gives it; `parent` when it was reached by a
 * name in that folder, else 0. */
static int node_get(struct store *st, int64_t ino, int64_t parent,
		    struct node_info *out)
{
	unsigned slot;
	sqlite3_stmt *s;
	int rc;

	if (st->eng) {
		slot = row_slot(ino, true);
		if (st->eng->nodes[slot].ino != ino)
			slot = row_slot(ino, false);
		if (st->eng->nodes[slot].ino == ino &&
		    sq_unchanged_since(st, &st->eng->nodes[slot].mark)) {
			*out = st->eng->nodes[slot].info;
			return 0;
		}
	}
	s = parent ? db_q(st, INFO_IN_SQL, "ii", ino, parent)
		   : db_q(st, INFO_SQL, "i", ino);
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
	out->size = sqlite3_column_int64(s, 14);
	out->atime_ns = sqlite3_column_int64(s, 15);
	out->mtime_ns = sqlite3_column_int64(s, 16);
	out->ctime_ns = sqlite3_column_int64(s, 17);
	out->uid = sqlite3_column_type(s, 18) == SQLITE_NULL
			   ? -1
			   : sqlite3_column_int64(s, 18);
	out->attr = true;
	db_done(s);
	slot = row_slot(ino, S_ISDIR(out->mode));
	st->eng->nodes[slot].ino =
		db_mark(st, &st->eng->nodes[slot].mark) ? ino : 0;
	st->eng->nodes[slot].info = *out;
	return 0;
}

int sq_node_get(struct store *st, int64_t ino, struct node_info *out)
{
	return node_get(st, ino, 0, out);
}

/* The node's query brings these columns too (node_info.attr). */
int sq_node_attr(struct store *st, int64_t ino, struct store_attr *out)
{
	struct node_info n;
	int rc = sq_node_get(st, ino, &n);

	if (rc == 0)
		node_info_attr(&n, (uint64_t)ino, out);
	return rc;
}

int sq_node_creator(struct store *st, int64_t ino, int64_t *creator)
{
	return db_int(st, creator,
		      "SELECT coalesce(creator, 0) FROM node WHERE id = ?", "i",
		      ino);
}

int sq_node_add(struct store *st, const struct meta_node_new *n, int64_t *ino)
{
	int rc;

	rc = db_run(st,
		    "INSERT INTO node (space_id, tool, mode, nlink, creator,"
		    " atime, mtime, ctime, cid, cipher) VALUES (?1, ?2, ?3,"
		    " ?4, nullif(?5, 0), ?6, ?6, ?6, ?7, ?8)",
		    "iiiiiibi", n->space, (int64_t)n->tool, (int64_t)n->mode,
		    n->nlink, n->creator, n->time_ns, n->cid, n->cid_len,
		    (int64_t)n->cipher);
	if (rc == 0)
		*ino = db_last_id(st);
	return rc;
}

int sq_node_touch_dir(struct store *st, int64_t dir, int nlink_delta,
			int64_t time_ns)
{
	return db_run(st,
		      "UPDATE node SET nlink = nlink + ?, mtime = ?, ctime = ?"
		      " WHERE id = ?",
		      "iiii", (int64_t)nlink_delta, time_ns, time_ns, dir);
}

int sq_node_set_ctime(struct store *st, int64_t ino, int64_t time_ns)
{
	return db_run(st, "UPDATE node SET ctime = ? WHERE id = ?", "ii",
		      time_ns, ino);
}

/* ---- names ---- */

int sq_dirent_find(struct store *st, int64_t parent, const char *name,
		     int64_t *child)
{
	return db_int(st, child,
		      "SELECT child FROM dirent WHERE parent = ? AND name = ?",
		      "it", parent, name);
}

/* Two queries: in-process, a join saves nothing. */
int sq_dirent_find_node(struct store *st, int64_t parent, const char *name,
			int64_t *child, struct node_info *out)
{
	int64_t c;
	int rc = sq_dirent_find(st, parent, name, &c);

	if (rc == 0)
		rc = node_get(st, c, parent, out);
	if (rc == 0)
		*child = c;
	return rc;
}

/* The name first: its query starts the transaction's snapshot, under which
 * the folder's row read by an earlier request may still hold. */
int sq_dirent_find_pair(struct store *st, int64_t dir, const char *name,
			struct node_info *folder, int64_t *child,
			struct node_info *out)
{
	int64_t c = 0;
	int rc = sq_dirent_find(st, dir, name, &c);

	*child = 0;
	if (rc && rc != -ENOENT)
		return rc;
	rc = sq_node_get(st, dir, folder);
	if (rc)
		return rc; /* -ENOENT: no folder */
	/* `dir` an alias: the name is looked up in what it resolves to. */
	if (folder->ino != dir)
		rc = sq_dirent_find(st, folder->ino, name, &c);
	else if (!c)
		rc = -ENOENT;
	if (rc == 0)
		rc = node_get(st, c, folder->ino, out);
	if (rc == 0)
		*child = c;
	return rc == -ENOENT ? 0 : rc;
}

int sq_dirent_add(struct store *st, int64_t parent, const char *name,
		    int64_t child)
{
	return db_run(st,
		      "INSERT INTO dirent (parent, name, child) VALUES (?,?,?)",
		      "iti", parent, name, child);
}

/* The calls in turn: in-process, one statement saves nothing. */
/* The room before: not read (in-process, check_entries's read after
 * costs as much). */
int sq_node_add_named(struct store *st, const struct meta_node_new *n,
		      int64_t parent, const char *name, int nlink_delta,
		      int64_t *ino, struct node_info *out, struct room *before,
		      bool *has_before)
{
	int rc = sq_node_add(st, n, ino);

	(void)before;
	*has_before = false;
	if (rc == 0)
		rc = sq_dirent_add(st, parent, name, *ino);
	if (rc == 0)
		rc = sq_node_touch_dir(st, parent, nlink_delta, n->time_ns);
	if (rc == 0)
		rc = node_get(st, *ino, parent, out);
	return rc;
}

int sq_dirent_parent(struct store *st, int64_t child, int64_t *parent)
{
	return db_int(st, parent,
		      "SELECT parent FROM dirent WHERE child = ? LIMIT 1", "i",
		      child);
}

/* The row of statement s (parent in column pcol unless pcol < 0, the name
 * in column ncol) into the caller's parent and name. */
static int name_row(struct store *st, sqlite3_stmt *s, int pcol, int ncol,
		    int64_t *parent, char *name, size_t len)
{
	const char *t;
	size_t n;
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	t = col_text(s, ncol);
	n = strlen(t);
	if (n + 1 > len) {
		db_done(s);
		return -ENAMETOOLONG;
	}
	memcpy(name, t, n + 1);
	if (pcol >= 0)
		*parent = sqlite3_column_int64(s, pcol);
	db_done(s);
	return 0;
}

int sq_dirent_up(struct store *st, int64_t child, int64_t *parent, char *name,
		   size_t len)
{
	return name_row(st,
			db_q(st,
			     "SELECT parent, name FROM dirent WHERE"
			     " child = ? LIMIT 1",
			     "i", child),
			0, 1, parent, name, len);
}

int sq_dirent_first(struct store *st, int64_t child, int64_t *parent,
		      char *name, size_t len)
{
	if (!parent)
		return name_row(st,
				db_q(st,
				     "SELECT name FROM dirent WHERE child = ?"
				     " ORDER BY parent LIMIT 1",
				     "i", child),
				-1, 0, NULL, name, len);
	return name_row(st,
			db_q(st,
			     "SELECT parent, name FROM dirent WHERE"
			     " child = ? ORDER BY parent LIMIT 1",
			     "i", child),
			0, 1, parent, name, len);
}

int sq_dirent_reaches(struct store *st, int64_t node, int64_t ancestor,
			bool *reaches)
{
	int64_t one = 0;
	int rc;

	rc = db_int(st, &one,
		    "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT"
		    " d.parent FROM dirent d JOIN up ON d.child = up.id)"
		    " SELECT 1 FROM up WHERE id = ?2 LIMIT 1",
		    "ii", node, ancestor);
	if (rc == -ENOENT) {
		*reaches = false;
		return 0;
	}
	if (rc == 0)
		*reaches = true;
	return rc;
}

int sq_dirent_newest(struct store *st, int64_t dir, int64_t *ns)
{
	return db_int(st, ns,
		      "SELECT max(max(n.mtime), max(n.ctime)) FROM dirent"
		      " d JOIN node n ON n.id = d.child WHERE d.parent = "
		      "?",
		      "i", dir);
}

static void dirents_free(struct meta_dirent *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Collect the rows of s: name, ino and, with `full`, the attributes and
 * editorship that sq_dirent_list selects. */
static int dirents_read(struct store *st, sqlite3_stmt *s, bool full,
			struct meta_dirent **out, size_t *n)
{
	struct meta_dirent *v = NULL, *e;
	size_t cap = 0;
	size_t len = 0;
	int rc;

	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap) ||
		    !(v[len].name = strdup(col_text(s, 0)))) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		e = &v[len++];
		e->ino = sqlite3_column_int64(s, 1);
		if (!full)
			continue;
		memset(&e->a, 0, sizeof(e->a));
		e->a.ino = (uint64_t)e->ino;
		e->a.mode = (uint32_t)sqlite3_column_int64(s, 2);
		e->a.nlink = (uint32_t)sqlite3_column_int64(s, 3);
		e->a.size = (uint64_t)sqlite3_column_int64(s, 4);
		e->a.atime_ns = sqlite3_column_int64(s, 5);
		e->a.mtime_ns = sqlite3_column_int64(s, 6);
		e->a.ctime_ns = sqlite3_column_int64(s, 7);
		e->a.uid = sqlite3_column_type(s, 8) == SQLITE_NULL
				   ? -1
				   : sqlite3_column_int64(s, 8);
		e->creator = sqlite3_column_int64(s, 9);
		e->editors_all = sqlite3_column_int(s, 10) != 0;
		e->editor = sqlite3_column_int(s, 11) != 0;
	}
	if (rc < 0) {
		dirents_free(v, len);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_dirent_list(struct store *st, int64_t dir, int64_t account,
		     const char *after, size_t max, uint64_t offset,
		     struct meta_dirent **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return dirents_read(
		st,
		db_q(st,
		     "SELECT d.name, d.child, n.mode, n.nlink, n.size,"
		     " n.atime, n.mtime, n.ctime, a.unix_uid, n.creator,"
		     " n.editors_all, EXISTS (SELECT 1 FROM editor e WHERE"
		     " e.node = n.id AND e.account_id = ?5) FROM dirent d"
		     " JOIN node n ON n.id = d.child LEFT JOIN account a"
		     " ON a.id = n.creator WHERE d.parent = ?1 AND d.name > ?2"
		     " ORDER BY d.name LIMIT ?3 OFFSET ?4",
		     "itiii", dir, after, (int64_t)max, (int64_t)offset,
		     account),
		true, out, n);
}

int sq_root_list(struct store *st, int64_t account, const char *after,
		   size_t max, uint64_t offset, struct meta_dirent **out,
		   size_t *n)
{
	*out = NULL;
	*n = 0;
	return dirents_read(
		st,
		db_q(st,
		     "SELECT name, root FROM (SELECT 'Private' AS name,"
		     " s.root AS root FROM space s WHERE s.account_id = ?1"
		     " UNION ALL SELECT g.name, s.root FROM grp g"
		     " JOIN space s ON s.group_id = g.id"
		     " JOIN membership m ON m.group_id = g.id"
		     " WHERE m.account_id = ?1) WHERE name > ?2"
		     " ORDER BY name LIMIT ?3 OFFSET ?4",
		     "itii", account, after, (int64_t)max, (int64_t)offset),
		false, out, n);
}

/* ---- spaces ---- */

int sq_space_private_root(struct store *st, int64_t account, int64_t *root)
{
	return db_int(st, root, "SELECT root FROM space WHERE account_id = ?",
		      "i", account);
}

int sq_space_group_root(struct store *st, const char *name, int64_t account,
			  int64_t *root)
{
	return db_int(
		st, root,
		"SELECT s.root FROM grp g JOIN space s ON s.group_id = g.id"
		" JOIN membership m ON m.group_id = g.id"
		" WHERE g.name = ? AND m.account_id = ?",
		"ti", name, account);
}

int sq_space_tool(struct store *st, int64_t space, enum store_tool tool,
		    int64_t *folder)
{
	static const char *const col[] = {
		[STORE_TOOL_DOCUMENTS] =
			"SELECT documents FROM space WHERE id = ?",
		[STORE_TOOL_CALENDAR] =
			"SELECT calendar FROM space WHERE id = ?",
		[STORE_TOOL_CONTACTS] =
			"SELECT contacts FROM space WHERE id = ?",
		[STORE_TOOL_MAIL] = "SELECT mail FROM space WHERE id = ?",
	};

	if ((size_t)tool >= ARRAY_SIZE(col) || !col[tool])
		return -EINVAL;
	return db_int(st, folder, col[tool], "i", space);
}

/* ---- extended attributes ---- */

int sq_xattr_get(struct store *st, int64_t node, const char *name, void *buf,
		   size_t size, size_t *len)
{
	sqlite3_stmt *s;
	size_t n;
	int rc;

	s = db_q(st, "SELECT value FROM xattr WHERE node = ? AND name = ?",
		 "it", node, name);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	n = (size_t)sqlite3_column_bytes(s, 0);
	if (n && n <= size)
		memcpy(buf, sqlite3_column_blob(s, 0), n);
	db_done(s);
	*len = n;
	return 0;
}

int sq_xattr_size(struct store *st, int64_t node, const char *name,
		    int64_t *len)
{
	return db_int(st, len,
		      "SELECT length(CAST(value AS BLOB)) FROM xattr WHERE"
		      " node = ? AND name = ?",
		      "it", node, name);
}

int sq_xattr_names(struct store *st, int64_t node, char ***out, size_t *n)
{
	return db_texts(st, out, n,
			"SELECT name FROM xattr WHERE node = ? ORDER BY name",
			"i", node);
}

int sq_xattr_set(struct store *st, int64_t node, const char *name,
		   const void *value, size_t size)
{
	return db_run(
		st,
		"INSERT INTO xattr (node, name, value) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (node, name) DO UPDATE SET value = ?3",
		"itb", node, name, value ? value : "", size);
}

int sq_xattr_remove(struct store *st, int64_t node, const char *name)
{
	int rc = db_run(st, "DELETE FROM xattr WHERE node = ? AND name = ?",
			"it", node, name);

	if (rc == 0 && db_changes(st) == 0)
		rc = -ENOENT;
	return rc;
}

int sq_editor_names(struct store *st, int64_t node, int64_t except,
		      char ***out, size_t *n)
{
	return db_texts(
		st, out, n,
		"SELECT a.username FROM editor e JOIN account a ON a.id ="
		" e.account_id WHERE e.node = ? AND e.account_id <> ?"
		" ORDER BY a.username",
		"ii", node, except);
}

/* ---- public links ---- */

#define ROW_COLS                                                               \
	"SELECT l.id, l.space_id, l.node, l.tool, l.expires, l.created,"       \
	" coalesce(l.created_by, 0), coalesce(s.group_id, 0),"                 \
	" coalesce(s.account_id, 0), s.documents, coalesce(g.name, ''),"       \
	" coalesce((SELECT m.account_id FROM membership m WHERE"               \
	" m.group_id = s.group_id AND m.role = 3), s.account_id, 0)"           \
	" FROM link l JOIN space s ON s.id = l.space_id"                       \
	" LEFT JOIN grp g ON g.id = s.group_id"

static void link_read(sqlite3_stmt *s, struct meta_link *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->space = sqlite3_column_int64(s, 1);
	r->node = sqlite3_column_int64(s, 2);
	r->tool = sqlite3_column_int(s, 3);
	r->expires = sqlite3_column_int64(s, 4);
	r->created = sqlite3_column_int64(s, 5);
	r->created_by = sqlite3_column_int64(s, 6);
	r->group = sqlite3_column_int64(s, 7);
	r->owner = sqlite3_column_int64(s, 8);
	r->docroot = sqlite3_column_int64(s, 9);
	copy_str(r->group_name, sizeof(r->group_name), col_text(s, 10));
	r->reader = sqlite3_column_int64(s, 11);
}

/* The one row of s, if any, into *out. */
static int link_one(struct store *st, sqlite3_stmt *s, struct meta_link *out)
{
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	link_read(s, out);
	db_done(s);
	return 0;
}

int sq_link_by_hash(struct store *st, const unsigned char *hash,
		      size_t hash_len, struct meta_link *out)
{
	return link_one(st,
			db_q(st, ROW_COLS " WHERE l.token_hash = ?", "b", hash,
			     hash_len),
			out);
}

int sq_link_get(struct store *st, int64_t id, struct meta_link *out)
{
	return link_one(st, db_q(st, ROW_COLS " WHERE l.id = ?", "i", id), out);
}

int sq_link_list(struct store *st, int64_t space, struct meta_link **out,
		   size_t *n)
{
	struct meta_link *v = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	s = db_q(st, ROW_COLS " WHERE ?1 = 0 OR l.space_id = ?1 ORDER BY l.id",
		 "i", space);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		link_read(s, &v[len++]);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_link_add(struct store *st, const unsigned char *hash, size_t hash_len,
		  int64_t space, int64_t node, enum store_tool tool,
		  int64_t created_by, int64_t created, int64_t expires,
		  int64_t *id)
{
	int rc;

	rc = db_run(st,
		    "INSERT INTO link (token_hash, space_id, node, tool,"
		    " created_by, created, expires) VALUES (?, ?, ?, ?, ?, ?,"
		    " ?)",
		    "biiiiii", hash, hash_len, space, node, (int64_t)tool,
		    created_by, created, expires);
	if (rc == 0)
		*id = db_last_id(st);
	return rc;
}

int sq_link_remove(struct store *st, int64_t id)
{
	return db_run(st, "DELETE FROM link WHERE id = ?", "i", id);
}

int sq_link_base_url_set(struct store *st, const char *url)
{
	return db_run(st,
		      "INSERT INTO link_setting (k, v) VALUES ('base_url', ?1)"
		      " ON CONFLICT (k) DO UPDATE SET v = ?1",
		      "t", url);
}

int sq_link_base_url_get(struct store *st, char *buf, size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, "SELECT v FROM link_setting WHERE k = 'base_url'", "");
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(buf, len, col_text(s, 0));
	db_done(s);
	return 0;
}
