// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for history: recording what goes and
 * the file managers' trash (history.c, gtrash.c).
 */
#include "engine.h"

/* ---- recording (history.c) ---- */

static int hist_dir_exists(struct store *st, int64_t id)
{
	int64_t one;

	return db_int(st, &one, "SELECT 1 FROM hist_dir WHERE id = ?", "i", id);
}

int sq_hist_keep(struct store *st, int64_t space, int64_t days,
		 int64_t versions, int64_t cost, int64_t dir,
		 struct hist_keep *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT coalesce(g.keep_days, ?2), coalesce(g.keep_versions,"
		 " ?3), s.used + s.meta + s.hist_used + ?4 <=" SPACE_CAPACITY
		 " FROM space s" SPACE_PLAN " LEFT JOIN grp g"
		 " ON g.id = s.group_id WHERE s.id = ?1",
		 "iiii", space, days, versions, cost);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	out->days = sqlite3_column_int64(s, 0);
	out->versions = sqlite3_column_int64(s, 1);
	out->fits = sqlite3_column_int(s, 2) != 0;
	db_done(s);
	out->dir_exists = false;
	if (dir) {
		rc = hist_dir_exists(st, dir);
		if (rc && rc != -ENOENT)
			return rc;
		out->dir_exists = rc == 0;
	}
	return 0;
}

int sq_hist_dir_find(struct store *st, uint64_t parent, const char *name,
		       int64_t *id)
{
	return db_int(st, id,
		      "SELECT id FROM hist_dir WHERE parent = ? AND name = ?",
		      "it", (int64_t)parent, name);
}

int sq_hist_dir_add(struct store *st, int64_t space, uint64_t parent,
		      const char *name, int64_t *id)
{
	int rc = db_run(st,
			"INSERT INTO hist_dir (space_id, parent, name)"
			" VALUES (?, ?, ?)",
			"iit", space, (int64_t)parent, name);

	if (rc == 0)
		*id = db_last_id(st);
	return rc;
}

int sq_hist_expire(struct store *st, int64_t space, int64_t before,
		     bool *gone)
{
	int rc = db_run(st, "DELETE FROM hist WHERE space_id = ? AND at < ?",
			"ii", space, before);

	if (rc == 0)
		*gone = db_changes(st) > 0;
	return rc;
}

int sq_hist_add(struct store *st, const struct meta_hist_entry *e,
		  int64_t *id)
{
	int rc = db_run(st,
			"INSERT INTO hist (space_id, kind, hdir, name, is_dir,"
			" tool, dir, at, actor, drop_owner, dropper, node,"
			" cost) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
			" ?10, ?11, nullif(?12, 0), ?13 + coalesce((SELECT"
			" length(CAST(target AS BLOB)) FROM node WHERE id ="
			" ?12), 0) + coalesce((SELECT sum(length(CAST(name"
			" AS BLOB)) + length(CAST(value AS BLOB))) FROM xattr"
			" WHERE node = ?12), 0))",
			"iiitiiiiiiiii", e->space, (int64_t)e->kind,
			(int64_t)e->hdir, e->name, (int64_t)e->is_dir,
			(int64_t)e->tool, e->dir, e->at, e->actor,
			e->drop_owner, e->dropper, e->node, e->cost);

	if (rc == 0)
		*id = db_last_id(st);
	if (rc == 0 && e->hold_ctime)
		rc = db_run(st,
			    "UPDATE node SET hist = ?, nlink = 0, ctime = ?"
			    " WHERE id = ?",
			    "iii", *id, e->hold_ctime, e->node);
	return rc;
}

int sq_hist_node_size(struct store *st, int64_t node, int64_t *size)
{
	return db_int(st, size, "SELECT size FROM node WHERE id = ?", "i",
		      node);
}

int sq_hist_node_name(struct store *st, int64_t node, int64_t *parent,
			char *name, size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, "SELECT parent, name FROM dirent WHERE child = ? LIMIT 1",
		 "i", node);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*parent = sqlite3_column_int64(s, 0);
	copy_str(name, len, col_text(s, 1));
	db_done(s);
	return 0;
}

int sq_hist_version_node(struct store *st, int64_t node, bool fresh,
			   const unsigned char *cid, int64_t hist, int64_t *vid)
{
	int64_t id;
	int rc;

	rc = db_run(st,
		    "INSERT INTO node (space_id, tool, mode, nlink, size,"
		    " creator, editors_all, atime, mtime, ctime, cid,"
		    " chunked, cipher, hist) SELECT space_id,"
		    " tool, mode, 0, iif(?2, 0, size), creator,"
		    " editors_all, atime, mtime, ctime, iif(?2, ?3, cid),"
		    " iif(?2, 0, chunked), cipher, ?4 FROM node WHERE id = ?1",
		    "iibi", node, (int64_t)fresh, cid, (size_t)16, hist);
	/* No such node: no row, and the last id is another's. */
	if (rc == 0 && db_changes(st) != 1)
		return -ENOENT;
	id = db_last_id(st);
	if (rc == 0 && !fresh)
		rc = sq_inline_copy(st, node, id);
	if (rc == 0)
		rc = db_run(st, "UPDATE hist SET node = ? WHERE id = ?", "ii",
			    id, hist);
	if (rc == 0)
		*vid = id;
	return rc;
}

int sq_hist_node_empty(struct store *st, int64_t node,
			 const unsigned char *cid)
{
	int rc = db_run(st,
			"UPDATE node SET cid = ?, chunked = 0, size = 0"
			" WHERE id = ?",
			"bi", cid, (size_t)16, node);

	return rc ? rc : sq_inline_drop(st, node);
}

int sq_hist_trim(struct store *st, uint64_t hdir, int64_t keep, bool *gone)
{
	int rc = db_run(st,
			"DELETE FROM hist WHERE hdir = ?1 AND kind = 2 AND"
			" id NOT IN (SELECT id FROM hist WHERE hdir = ?1"
			" AND kind = 2 ORDER BY at DESC, id DESC LIMIT ?2)",
			"ii", (int64_t)hdir, keep);

	if (rc == 0)
		*gone = db_changes(st) > 0;
	return rc;
}

int sq_hist_oldest(struct store *st, int64_t space, int64_t *id)
{
	return db_int(st, id,
		      "SELECT id FROM hist WHERE space_id = ? AND"
		      " (node IS NULL OR NOT gfs_node_open(node))"
		      " ORDER BY at, id LIMIT 1",
		      "i", space);
}

int sq_hist_remove(struct store *st, int64_t id)
{
	return db_run(st, "DELETE FROM hist WHERE id = ?", "i", id);
}

int sq_hist_last_id(struct store *st, int64_t *id)
{
	return db_int(st, id, "SELECT coalesce(max(id), 0) FROM hist", "");
}

int sq_hist_node(struct store *st, int64_t hist, int64_t *node)
{
	return db_int(st, node,
		      "SELECT coalesce(node, 0) FROM hist"
		      " WHERE id = ?",
		      "i", hist);
}

/* Is view folder `ino` (a hist_dir) empty: no entry in it, no folder
 * below it, none of .Trash-UID's entries showing it? */
#define HDIR_EMPTY                                                             \
	" NOT EXISTS (SELECT 1 FROM hist WHERE hdir = ((1 << 48) | d.id))"     \
	" AND NOT EXISTS (SELECT 1 FROM hist_dir c"                            \
	" WHERE c.parent = ((1 << 48) | d.id))"                                \
	" AND NOT EXISTS (SELECT 1 FROM gtrash g"                              \
	" WHERE g.hdir = ((1 << 48) | d.id))"                                  \
	" AND NOT EXISTS (SELECT 1 FROM gtrash_dir g"                          \
	" WHERE g.hdir = ((1 << 48) | d.id))"

int sq_hist_dir_prune(struct store *st, int64_t id, int64_t *parent)
{
	int64_t up;
	int rc;

	rc = db_int(st, &up,
		    "SELECT d.parent FROM hist_dir d WHERE"
		    " d.id = ? AND" HDIR_EMPTY,
		    "i", id);
	if (rc == 0)
		rc = db_run(st, "DELETE FROM hist_dir WHERE id = ?", "i", id);
	if (rc == 0)
		*parent = up;
	return rc;
}

int sq_hist_dirs_prune(struct store *st, int64_t space)
{
	int rc;

	do
		rc = db_run(st,
			    "DELETE FROM hist_dir AS d WHERE (?1 < 0 OR"
			    " d.space_id = ?1) AND" HDIR_EMPTY,
			    "i", space);
	while (rc == 0 && db_changes(st) > 0);
	return rc;
}

/* ---- the file managers' trash (gtrash.c) ---- */

int sq_gtrash_uid(struct store *st, int64_t account, int64_t *uid)
{
	return db_int(st, uid,
		      "SELECT coalesce(unix_uid, -1) FROM account"
		      " WHERE id = ?",
		      "i", account);
}

int sq_gtrash_info_folder(struct store *st, int64_t account, int64_t *ino)
{
	return db_int(st, ino,
		      "SELECT d.child FROM space s JOIN dirent d ON"
		      " d.parent = s.root AND d.name = '" GTRASH_INFO_FOLDER
		      "' WHERE s.account_id = ?",
		      "i", account);
}

int sq_gtrash_dir_get(struct store *st, int64_t id, int64_t account,
			char *name, size_t len, uint64_t *hdir)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT name, hdir FROM gtrash_dir WHERE id = ? AND"
		 " account_id = ?",
		 "ii", id, account);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(name, len, col_text(s, 0));
	*hdir = (uint64_t)sqlite3_column_int64(s, 1);
	db_done(s);
	return 0;
}

int sq_gtrash_dir_live(struct store *st, int64_t account, const char *name,
			 uint64_t hdir)
{
	int64_t one;

	return db_int(st, &one,
		      "WITH RECURSIVE sub(id) AS (SELECT ?3 UNION ALL"
		      " SELECT (1 << 48) | x.id FROM hist_dir x JOIN sub"
		      " ON x.parent = sub.id) SELECT 1 FROM gtrash_item i"
		      " JOIN hist h ON h.id = i.hist WHERE i.account_id = ?1"
		      " AND i.name = ?2 AND h.hdir IN (SELECT id FROM sub)"
		      " LIMIT 1",
		      "iti", account, name, (int64_t)hdir);
}

int sq_gtrash_find(struct store *st, int64_t account, const char *name,
		     int64_t *hist, uint64_t *hdir, int64_t *dir)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT coalesce(g.hist, 0), coalesce(g.hdir, 0),"
		 " coalesce((SELECT d.id FROM gtrash_dir d WHERE"
		 " d.account_id = g.account_id AND d.name = g.name AND"
		 " d.hdir = g.hdir), 0) FROM gtrash g"
		 " WHERE g.account_id = ? AND g.name = ?",
		 "it", account, name);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*hist = sqlite3_column_int64(s, 0);
	*hdir = (uint64_t)sqlite3_column_int64(s, 1);
	*dir = sqlite3_column_int64(s, 2);
	db_done(s);
	return 0;
}

int sq_gtrash_child_dir(struct store *st, int64_t account, const char *gtname,
			  uint64_t hdir, const char *child, int64_t *id)
{
	return db_int(st, id,
		      "SELECT g.id FROM gtrash_dir g JOIN hist_dir x ON"
		      " ((1 << 48) | x.id) = g.hdir WHERE g.account_id = ? AND"
		      " g.name = ? AND x.parent = ? AND x.name = ?",
		      "itit", account, gtname, (int64_t)hdir, child);
}

int sq_gtrash_child_file(struct store *st, int64_t account,
			   const char *gtname, uint64_t hdir, const char *child,
			   int64_t *hist)
{
	return db_int(st, hist,
		      "SELECT h.id FROM hist h JOIN gtrash_item i ON"
		      " i.hist = h.id WHERE i.account_id = ? AND i.name = ?"
		      " AND h.hdir = ? AND h.name = ? AND h.is_dir = 0 AND"
		      " h.node IS NOT NULL ORDER BY h.at DESC, h.id DESC"
		      " LIMIT 1",
		      "itit", account, gtname, (int64_t)hdir, child);
}

int sq_gtrash_dir_names(struct store *st, int64_t account, const char *gtname,
			  uint64_t hdir, const char *after, char ***names,
			  size_t *n)
{
	return db_texts(st, names, n,
			"SELECT x.name FROM gtrash_dir g JOIN hist_dir x ON"
			" ((1 << 48) | x.id) = g.hdir WHERE g.account_id = ?1"
			" AND g.name = ?2 AND x.parent = ?3 AND x.name > ?4"
			" UNION SELECT h.name FROM hist h JOIN gtrash_item i"
			" ON i.hist = h.id WHERE i.account_id = ?1 AND"
			" i.name = ?2 AND h.hdir = ?3 AND h.is_dir = 0 AND"
			" h.node IS NOT NULL AND h.name > ?4 ORDER BY 1",
			"itit", account, gtname, (int64_t)hdir,
			after ? after : "");
}

int sq_gtrash_names(struct store *st, int64_t account, const char *after,
		      char ***names, size_t *n)
{
	return db_texts(st, names, n,
			"SELECT name FROM gtrash WHERE account_id = ? AND"
			" name > ? ORDER BY name",
			"it", account, after ? after : "");
}

int sq_gtrash_some_child(struct store *st, int64_t dir, char *name,
			   size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, "SELECT name FROM dirent WHERE parent = ? LIMIT 1", "i",
		 dir);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(name, len, col_text(s, 0));
	db_done(s);
	return 0;
}

int sq_gtrash_tree_count(struct store *st, int64_t ino, int64_t limit,
			   int64_t *count)
{
	return db_int(st, count,
		      "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL"
		      " SELECT d.child FROM dirent d JOIN sub ON"
		      " d.parent = sub.id LIMIT ?2) SELECT count(*)"
		      " FROM sub",
		      "ii", ino, limit);
}

int sq_gtrash_node_hist(struct store *st, int64_t ino, int64_t *hist)
{
	return db_int(st, hist,
		      "SELECT coalesce(hist, 0) FROM node"
		      " WHERE id = ?",
		      "i", ino);
}

int sq_gtrash_add(struct store *st, int64_t account, const char *name,
		    int64_t space, int64_t hist, uint64_t hdir, int64_t at)
{
	return db_run(st,
		      "INSERT OR REPLACE INTO gtrash (account_id, name,"
		      " space_id, hist, hdir, at) VALUES (?, ?, ?,"
		      " nullif(?, 0), nullif(?, 0), ?)",
		      "itiiii", account, name, space, hist, (int64_t)hdir, at);
}

int sq_gtrash_add_tree(struct store *st, int64_t account, const char *name,
			 int64_t space, int64_t first, uint64_t hdir,
			 int64_t *dir)
{
	int rc;

	rc = db_run(st,
		    "INSERT OR IGNORE INTO gtrash_item (account_id,"
		    " name, hist) SELECT ?, ?, id FROM hist WHERE"
		    " id > ? AND space_id = ? AND kind = ?",
		    "itiii", account, name, first, space, (int64_t)HIST_TRASH);
	if (rc == 0)
		rc = db_run(st,
			    "WITH RECURSIVE up(d) AS (SELECT h.hdir FROM hist h"
			    " JOIN gtrash_item i ON i.hist = h.id WHERE"
			    " i.account_id = ?1 AND i.name = ?2 UNION"
			    " SELECT x.parent FROM hist_dir x JOIN up ON"
			    " ((1 << 48) | x.id) = up.d WHERE up.d <> ?3)"
			    " INSERT OR IGNORE INTO gtrash_dir (account_id,"
			    " name, hdir) SELECT ?1, ?2, d FROM up"
			    " UNION SELECT ?1, ?2, ?3",
			    "iti", account, name, (int64_t)hdir);
	if (rc == 0)
		rc = db_int(st, dir,
			    "SELECT id FROM gtrash_dir WHERE"
			    " account_id = ? AND name = ? AND"
			    " hdir = ?",
			    "iti", account, name, (int64_t)hdir);
	return rc;
}

int sq_gtrash_space(struct store *st, int64_t account, const char *name,
		      int64_t *space)
{
	return db_int(st, space,
		      "SELECT space_id FROM gtrash"
		      " WHERE account_id = ? AND"
		      " name = ?",
		      "it", account, name);
}

int sq_gtrash_remove(struct store *st, int64_t account, const char *name)
{
	return db_run(st,
		      "DELETE FROM gtrash WHERE account_id = ? AND"
		      " name = ?",
		      "it", account, name);
}

int sq_gtrash_dir_holds(struct store *st, int64_t account, const char *name,
			  uint64_t hdir)
{
	int64_t one;

	return db_int(st, &one,
		      "WITH RECURSIVE sub(id) AS (SELECT ?3 UNION ALL"
		      " SELECT (1 << 48) | x.id FROM hist_dir x JOIN sub"
		      " ON x.parent = sub.id) SELECT 1 FROM gtrash_item i"
		      " JOIN hist h ON h.id = i.hist WHERE i.account_id = ?1"
		      " AND i.name = ?2 AND h.hdir IN (SELECT id FROM sub) AND"
		      " NOT (h.is_dir = 1 AND h.hdir = ?3) LIMIT 1",
		      "iti", account, name, (int64_t)hdir);
}

int sq_gtrash_dir_entry(struct store *st, int64_t account, const char *name,
			  uint64_t hdir, int64_t *hist)
{
	return db_int(st, hist,
		      "SELECT h.id FROM gtrash_item i JOIN hist h ON"
		      " h.id = i.hist WHERE i.account_id = ? AND i.name = ?"
		      " AND h.hdir = ? LIMIT 1",
		      "iti", account, name, (int64_t)hdir);
}
