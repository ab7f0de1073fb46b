// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the mounted tree's changes, open
 * files and daemons (fsdir.c, fsfile.c, fsitem.c, daemons.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* ---- names and links ---- */

int sq_dirent_del(struct store *st, int64_t parent, const char *name)
{
	return db_run(st, "DELETE FROM dirent WHERE parent = ? AND name = ?",
		      "it", parent, name);
}

int sq_dirent_set_child(struct store *st, int64_t parent, const char *name,
			  int64_t child)
{
	return db_run(st,
		      "UPDATE dirent SET child = ? WHERE parent = ? AND"
		      " name = ?",
		      "iit", child, parent, name);
}

int sq_dirent_move(struct store *st, int64_t parent, const char *name,
		     int64_t newparent, const char *newname)
{
	return db_run(st,
		      "UPDATE dirent SET parent = ?, name = ? WHERE"
		      " parent = ? AND name = ?",
		      "itit", newparent, newname, parent, name);
}

int sq_dirent_any(struct store *st, int64_t parent)
{
	int64_t one;

	return db_int(st, &one, "SELECT 1 FROM dirent WHERE parent = ? LIMIT 1",
		      "i", parent);
}

int sq_dirent_name(struct store *st, int64_t parent, int64_t child,
		     char *name, size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, "SELECT name FROM dirent WHERE child = ? AND parent = ?",
		 "ii", child, parent);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	copy_str(name, len, col_text(s, 0));
	db_done(s);
	return 0;
}

int sq_node_nlink_add(struct store *st, int64_t ino, int delta, int64_t ctime)
{
	if (delta > 0)
		return db_run(st,
			      "UPDATE node SET nlink = nlink + 1, ctime = ?"
			      " WHERE id = ?",
			      "ii", ctime, ino);
	return db_run(st,
		      "UPDATE node SET nlink = nlink - 1, ctime = ?"
		      " WHERE id = ?",
		      "ii", ctime, ino);
}

int sq_node_unlinked(struct store *st, int64_t ino, int64_t ctime)
{
	return db_run(st,
		      "UPDATE node SET nlink = 0, ctime = ? WHERE"
		      " id = ?",
		      "ii", ctime, ino);
}

int sq_node_del(struct store *st, int64_t ino)
{
	return db_run(st, "DELETE FROM node WHERE id = ?", "i", ino);
}

static int item_drop_unnamed(struct store *st, int64_t ino, int64_t dir)
{
	return db_run(st,
		      "DELETE FROM item WHERE node = ?1 AND dir = ?2 AND"
		      " NOT EXISTS (SELECT 1 FROM dirent WHERE child = ?1"
		      " AND parent = ?2 AND (name LIKE '%.ics' OR name"
		      " LIKE '%.vcf'))",
		      "ii", ino, dir);
}

int sq_dirent_unname(struct store *st, int64_t parent, const char *name,
		     int64_t ino, int nlink_delta, int64_t time_ns)
{
	int rc = sq_dirent_del(st, parent, name);

	if (rc == 0)
		rc = sq_node_touch_dir(st, parent, nlink_delta, time_ns);
	if (rc == 0)
		rc = item_drop_unnamed(st, ino, parent);
	return rc;
}

int sq_node_target_set(struct store *st, int64_t ino, const char *target)
{
	return db_run(st, "UPDATE node SET target = ?, size = ? WHERE id = ?",
		      "tii", target, (int64_t)strlen(target), ino);
}

int sq_node_target(struct store *st, int64_t ino, char *buf, size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, "SELECT target FROM node WHERE id = ?", "i", ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	if (strlen(col_text(s, 0)) >= len)
		rc = -ENAMETOOLONG;
	else
		copy_str(buf, len, col_text(s, 0));
	db_done(s);
	return rc < 0 ? rc : 0;
}

int sq_node_tool_set(struct store *st, int64_t ino, int tool, int64_t ctime)
{
	return db_run(st, "UPDATE node SET ctime = ?, tool = ? WHERE id = ?",
		      "iii", ctime, (int64_t)tool, ino);
}

int sq_node_content_trash(struct store *st, int64_t ino)
{
	return db_run(st,
		      "INSERT OR IGNORE INTO trash (cid) SELECT cid FROM"
		      " node WHERE id = ? AND chunked = 1 AND cid IS NOT"
		      " NULL",
		      "i", ino);
}

int sq_node_content_take(struct store *st, int64_t src, int64_t dst,
			   int64_t ctime)
{
	int rc = db_run(st,
			"UPDATE node SET (cid, cipher, chunked,"
			" size, mode, atime, mtime, ctime) = (SELECT cid,"
			" cipher, chunked, size, mode, atime, mtime,"
			" ?1 FROM node WHERE id = ?2) WHERE id = ?3",
			"iii", ctime, src, dst);

	return rc ? rc : sq_inline_copy(st, src, dst);
}

int sq_xattr_move(struct store *st, int64_t src, int64_t dst)
{
	int rc = db_run(st, "DELETE FROM xattr WHERE node = ?", "i", dst);

	if (rc == 0)
		rc = db_run(st, "UPDATE xattr SET node = ? WHERE node = ?",
			    "ii", dst, src);
	return rc;
}

int sq_node_content_clear(struct store *st, int64_t ino)
{
	int rc = db_run(st,
			"UPDATE node SET cid = NULL, chunked = 0, size = 0"
			" WHERE id = ?",
			"i", ino);

	return rc ? rc : sq_inline_drop(st, ino);
}

int sq_node_alias(struct store *st, int64_t src, int64_t dst, int64_t ctime)
{
	return db_run(st,
		      "UPDATE node SET nlink = 0, alias = ?, ctime = ? WHERE"
		      " id = ?",
		      "iii", dst, ctime, src);
}

/* ---- open files and attributes ---- */

int sq_rights_gen_alias(struct store *st, int64_t ino, int64_t *gen,
			  bool *alias)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT (SELECT v FROM meta WHERE k = 'rights'),"
		 " (SELECT alias FROM node WHERE id = ?)",
		 "i", ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	*gen = sqlite3_column_int64(s, 0);
	*alias = sqlite3_column_type(s, 1) != SQLITE_NULL;
	db_done(s);
	return 0;
}

int sq_node_nlink(struct store *st, int64_t ino, int64_t *nlink)
{
	return db_int(st, nlink, "SELECT nlink FROM node WHERE id = ?", "i",
		      ino);
}

int sq_node_free_unlinked(struct store *st, int64_t ino)
{
	return db_run(st,
		      "DELETE FROM node WHERE id = ? AND"
		      " nlink = 0 AND hist IS NULL",
		      "i", ino);
}

int sq_nodes_free_unlinked(struct store *st)
{
	return db_run(st,
		      "DELETE FROM node WHERE nlink = 0 AND"
		      " hist IS NULL",
		      "");
}

int sq_node_mtime_set(struct store *st, int64_t ino, int64_t t)
{
	return db_run(st,
		      "UPDATE node SET mtime = ?1, ctime = ?1 WHERE"
		      " id = ?2",
		      "ii", t, ino);
}

int sq_node_attrs_set(struct store *st, int64_t ino,
		      const struct meta_node_attrs *a, struct node_info *after)
{
	/* One UPDATE: a flag of 0 keeps the column. */
	int rc = db_run(st,
			"UPDATE node SET"
			" mode = iif(?1, (mode & ~4095) | ?2, mode),"
			" atime = iif(?3, ?4, atime), mtime = iif(?5, ?6, mtime),"
			" ctime = ?7 WHERE id = ?8",
			"iiiiiiii", (int64_t)a->set_mode,
			(int64_t)(a->mode & 07777), (int64_t)a->set_atime,
			a->atime, (int64_t)a->set_mtime, a->mtime, a->ctime,
			ino);

	return rc ? rc : sq_node_get(st, ino, after);
}

int sq_space_root(struct store *st, int64_t space, int64_t *root)
{
	return db_int(st, root,
		      "SELECT root FROM space WHERE"
		      " id = ?",
		      "i", space);
}

int sq_private_tool(struct store *st, int64_t account, int tool, int64_t *ino)
{
	static const char *const col[] = {
		[STORE_TOOL_DOCUMENTS] =
			"SELECT documents FROM space WHERE account_id = ?",
		[STORE_TOOL_CALENDAR] =
			"SELECT calendar FROM space WHERE account_id = ?",
		[STORE_TOOL_CONTACTS] =
			"SELECT contacts FROM space WHERE account_id = ?",
	};

	if (tool < 0 || (size_t)tool >= ARRAY_SIZE(col) || !col[tool])
		return -EINVAL;
	return db_int(st, ino, col[tool], "i", account);
}

int sq_item_place(struct store *st, int64_t ino, int64_t *parent, char *name,
		    size_t len)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT parent, name FROM dirent WHERE child = ?"
		 " ORDER BY (name LIKE '%.ics' OR name LIKE '%.vcf') DESC"
		 " LIMIT 1",
		 "i", ino);
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

int sq_item_is(struct store *st, int64_t ino)
{
	int64_t one;

	return db_int(st, &one, "SELECT 1 FROM item WHERE node = ?", "i", ino);
}

int sq_durable(struct store *st, bool full)
{
	int rc;

	if (!full) {
		sqlite3_exec(st->eng->db, "PRAGMA synchronous = NORMAL", NULL,
			     NULL, NULL);
		return 0;
	}
	rc = sqlite3_exec(st->eng->db, "PRAGMA synchronous = FULL", NULL, NULL,
			  NULL);
	return rc == SQLITE_OK ? 0 : db_error(st, rc, "sync");
}

int sq_sync_mark(struct store *st)
{
	return db_run(st, "UPDATE meta SET v = v + 1 WHERE k = 'sync'", "");
}

/* ---- the journal and the daemons ---- */

int sq_journal_end(struct store *st, int64_t *seq)
{
	return db_int(st, seq, "SELECT coalesce(max(seq), 0) FROM journal", "");
}

int sq_journal_first(struct store *st, int64_t *seq)
{
	return db_int(st, seq, "SELECT coalesce(min(seq), 0) FROM journal",
		      "");
}

static void changes_free(struct meta_change *v, size_t n)
{
	while (n)
		free(v[--n].name);
	free(v);
}

int sq_journal_since(struct store *st, int64_t seq, int64_t origin,
		       struct meta_change **out, size_t *n)
{
	struct meta_change *v = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	s = db_q(st,
		 "SELECT seq, ino, parent, name FROM journal WHERE seq > ?1 AND"
		 " origin NOT IN (?2, -?2) ORDER BY seq LIMIT 4096",
		 "ii", seq, origin);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		v[len].seq = sqlite3_column_int64(s, 0);
		v[len].ino = sqlite3_column_int64(s, 1);
		v[len].parent = sqlite3_column_int64(s, 2);
		v[len].name = NULL;
		if (sqlite3_column_type(s, 3) != SQLITE_NULL &&
		    !(v[len].name = strdup(col_text(s, 3)))) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		len++;
	}
	if (rc < 0) {
		changes_free(v, len);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_journal_trim(struct store *st, int64_t seq)
{
	return db_run(st, "DELETE FROM journal WHERE seq <= ?", "i", seq);
}

int sq_journal_last_of(struct store *st, int64_t origin, int64_t *seq)
{
	return db_int(
		st, seq,
		"SELECT seq FROM journal WHERE origin = ? ORDER BY seq DESC"
		" LIMIT 1",
		"i", origin);
}

/* A daemon's record is the meta row "daemon:PID:ORIGIN" (daemons.c). */
static void daemon_key(char *buf, size_t len, int64_t pid, int64_t origin)
{
	snprintf(buf, len, "daemon:%ld:%lld", (long)pid, (long long)origin);
}

int sq_daemon_ack(struct store *st, int64_t pid, int64_t origin, int64_t seq)
{
	char key[64];

	daemon_key(key, sizeof(key), pid, origin);
	return db_run(st,
		      "INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k)"
		      " DO UPDATE SET v = excluded.v WHERE excluded.v > v",
		      "ti", key, seq);
}

int sq_daemon_leave(struct store *st, int64_t pid, int64_t origin)
{
	char key[64];

	daemon_key(key, sizeof(key), pid, origin);
	return db_run(st, "DELETE FROM meta WHERE k = ?", "t", key);
}

int sq_daemon_behind(struct store *st, int64_t seq, struct meta_daemon **out,
		     size_t *n)
{
	struct meta_daemon *v = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *s;
	long long origin;
	long pid;
	int rc;

	*out = NULL;
	*n = 0;
	s = db_q(st,
		 "SELECT k FROM meta WHERE k >= 'daemon:' AND"
		 " k < 'daemon;' AND v < ?",
		 "i", seq);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		if (sscanf(col_text(s, 0), "daemon:%ld:%lld", &pid, &origin) !=
		    2)
			pid = origin = 0;
		/* One machine: the kernel tells. */
		v[len++] = (struct meta_daemon){
			.pid = pid, .origin = origin, .alive = -1};
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}
