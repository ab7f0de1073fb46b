// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the store as a whole: content rows,
 * the check, backup (content.c, check.c, backup.c, store.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Set mtime and ctime to parameter N when it is not 0. */
#define TOUCH(N)                                                   \
	"mtime = iif(?" #N " <> 0, ?" #N ", mtime),"               \
	" ctime = iif(?" #N " <> 0, ?" #N ", ctime)"

/* The content columns of node n, from column 0 (content_row), and where
 * they come from: a small item's sealed content is a row of its own. */
#define CONTENT_COLS                                                   \
	"n.space_id, n.size, n.cid, n.chunked, i.data, n.id, n.cipher"
#define CONTENT_FROM "node n LEFT JOIN node_inline i ON i.node = n.id"

/* Step s (from db_q: NULL when it failed) to its one row and read its
 * CONTENT_COLS into *ct.  On 0 s stays on that row, for the caller's
 * further columns and db_done; otherwise it is done.  -ENOENT: no row. */
static int content_row(struct store *st, sqlite3_stmt *s, struct content *ct)
{
	int rc;

	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	ct->ino = sqlite3_column_int64(s, 5);
	ct->space = sqlite3_column_int64(s, 0);
	ct->size = sqlite3_column_int64(s, 1);
	if (sqlite3_column_bytes(s, 2) == 16)
		memcpy(ct->cid, sqlite3_column_blob(s, 2), 16);
	ct->chunked = sqlite3_column_int(s, 3) != 0;
	ct->cipher = sqlite3_column_int(s, 6);
	ct->inline_len = (size_t)sqlite3_column_bytes(s, 4);
	if (ct->inline_len) {
		ct->inline_blob = malloc(ct->inline_len);
		if (!ct->inline_blob) {
			db_done(s);
			return -ENOMEM;
		}
		memcpy(ct->inline_blob, sqlite3_column_blob(s, 4),
		       ct->inline_len);
	}
	return 0;
}

int sq_content_get(struct store *st, int64_t ino, struct content *ct)
{
	sqlite3_stmt *s = db_q(st, "SELECT " CONTENT_COLS " FROM " CONTENT_FROM
			       " WHERE n.id = " RESOLVE, "i", ino);
	int rc = content_row(st, s, ct);

	if (rc == 0)
		db_done(s);
	return rc;
}

int sq_content_gen(struct store *st, int64_t ino, struct content *ct,
		   int64_t *gen, bool *alias)
{
	sqlite3_stmt *s = db_q(st, "SELECT " CONTENT_COLS ", (SELECT v FROM"
			       " meta WHERE k = 'rights'), (SELECT alias"
			       " FROM node WHERE id = ?1) FROM " CONTENT_FROM
			       " WHERE n.id = " RESOLVE, "i", ino);
	int rc = content_row(st, s, ct);

	if (rc)
		return rc;
	*gen = sqlite3_column_int64(s, 7);
	*alias = sqlite3_column_type(s, 8) != SQLITE_NULL;
	db_done(s);
	return 0;
}

int sq_content_room(struct store *st, int64_t ino, struct content *ct,
		    struct room *room, bool *has_room)
{
	int rc = sq_content_get(st, ino, ct);

	*has_room = false;
	if (rc == 0 && ct->space > 0 && sq_space_room(st, ct->space, room) == 0)
		*has_room = true;
	return rc;
}

int sq_inline_drop(struct store *st, int64_t ino)
{
	return db_run(st, "DELETE FROM node_inline WHERE node = ?", "i", ino);
}

int sq_inline_copy(struct store *st, int64_t src, int64_t dst)
{
	int rc = sq_inline_drop(st, dst);

	if (rc == 0)
		rc = db_run(st,
			    "INSERT INTO node_inline (node, data) SELECT ?1,"
			    " data FROM node_inline WHERE node = ?2",
			    "ii", dst, src);
	return rc;
}

int sq_content_set_inline(struct store *st, int64_t ino,
			    const unsigned char *blob, size_t len,
			    const unsigned char cid[16], int64_t size,
			    int64_t touch)
{
	int rc = db_run(st,
			"UPDATE node SET chunked = 0, cid = ?1, size = ?2, "
			TOUCH(3) " WHERE id = ?4",
			"biii", cid, (size_t)16, size, touch, ino);

	if (rc == 0 && blob && len)
		rc = db_run(st,
			    "INSERT INTO node_inline (node, data) VALUES (?, ?)"
			    " ON CONFLICT (node) DO UPDATE SET data ="
			    " excluded.data",
			    "ib", ino, blob, len);
	else if (rc == 0)
		rc = sq_inline_drop(st, ino);
	return rc;
}

int sq_content_set_chunked(struct store *st, int64_t ino,
			     const unsigned char cid[16], int64_t size,
			     int64_t touch)
{
	int rc = db_run(st,
			"UPDATE node SET chunked = 1, cid = ?1, size = ?2, "
			TOUCH(3) " WHERE id = ?4",
			"biii", cid, (size_t)16, size, touch, ino);

	return rc ? rc : sq_inline_drop(st, ino);
}

int sq_trash_next(struct store *st, unsigned char cid[16])
{
	sqlite3_stmt *s;
	int rc;

	for (;;) {
		s = db_q(st, "SELECT cid FROM trash LIMIT 1", "");
		if (!s)
			return -EIO;
		rc = db_row(st, s);
		if (rc <= 0)
			return rc < 0 ? rc : -ENOENT;
		if (sqlite3_column_bytes(s, 0) == 16)
			break;
		db_done(s);
		rc = db_run(st, "DELETE FROM trash WHERE length(cid) <> 16",
			    "");
		if (rc)
			return rc;
	}
	memcpy(cid, sqlite3_column_blob(s, 0), 16);
	db_done(s);
	return 0;
}

int sq_trash_drop(struct store *st, const unsigned char cid[16])
{
	return db_run(st, "DELETE FROM trash WHERE cid = ?", "b", cid,
		      (size_t)16);
}

/* The rows breaking each rule of sq_check_rule; column 0 names them. */
static const struct {
	enum meta_rule rule;
	const char *sql;
} rule_sql[] = {
	{META_RULE_GROUP_ADMIN,
	 "SELECT g.name FROM grp g WHERE (SELECT count(*) FROM membership m"
	 " WHERE m.group_id = g.id AND m.role = 3) <> 1"},
	{META_RULE_GROUP_SPACE,
	 "SELECT g.name FROM grp g WHERE NOT EXISTS (SELECT 1 FROM space s"
	 " WHERE s.group_id = g.id)"},
	{META_RULE_ACCOUNT_SPACE,
	 "SELECT a.username FROM account a WHERE NOT EXISTS (SELECT 1 FROM"
	 " space s WHERE s.account_id = a.id)"},
	{META_RULE_TOOL_ACL,
	 "SELECT g.name FROM grp g JOIN space s ON s.group_id = g.id"
	 " WHERE (SELECT count(*) FROM acl a WHERE a.node IN (s.documents,"
	 " s.calendar, s.contacts)) <> 6"},
	{META_RULE_INVITED_MEMBER,
	 "SELECT g.name || '/' || a.username FROM invitation i"
	 " JOIN membership m USING (group_id, account_id)"
	 " JOIN grp g ON g.id = i.group_id JOIN account a"
	 " ON a.id = i.account_id"},
	{META_RULE_GRANT_UNLINKED,
	 "SELECT o.username || ' -> ' || e.username FROM cal_grant c"
	 " JOIN account o ON o.id = c.owner_id JOIN account e"
	 " ON e.id = c.grantee_id WHERE NOT EXISTS (SELECT 1 FROM"
	 " cal_grant_via v WHERE v.owner_id = c.owner_id AND v.grantee_id ="
	 " c.grantee_id)"},
	{META_RULE_GRANT_LEFT,
	 "SELECT g.name FROM cal_grant_via v JOIN grp g ON g.id = v.group_id"
	 " WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.group_id ="
	 " v.group_id AND m.account_id = v.owner_id) OR NOT EXISTS (SELECT 1"
	 " FROM membership m WHERE m.group_id = v.group_id AND m.account_id ="
	 " v.grantee_id)"},
	{META_RULE_ACL_NONMEMBER,
	 "SELECT a.username FROM acl_member x JOIN account a"
	 " ON a.id = x.account_id JOIN node n ON n.id = x.node JOIN space s"
	 " ON s.id = n.space_id WHERE s.group_id IS NOT NULL AND NOT EXISTS"
	 " (SELECT 1 FROM membership m WHERE m.group_id = s.group_id AND"
	 " m.account_id = x.account_id)"},
	{META_RULE_EDITOR_NONMEMBER,
	 "SELECT a.username FROM editor x JOIN account a ON a.id = x.account_id"
	 " JOIN node n ON n.id = x.node JOIN space s ON s.id = n.space_id"
	 " WHERE s.group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
	 " membership m WHERE m.group_id = s.group_id AND m.account_id ="
	 " x.account_id)"},
	{META_RULE_DIRENT_PARENT,
	 "SELECT d.name FROM dirent d JOIN node p ON p.id = d.parent JOIN node c"
	 " ON c.id = d.child WHERE (p.mode & 61440) <> 16384 OR"
	 " p.space_id IS NOT c.space_id"},
	{META_RULE_NLINK_FILE,
	 "SELECT n.id FROM node n WHERE n.id <> 1 AND (n.mode & 61440) <> 16384"
	 " AND n.nlink <> (SELECT count(*) FROM dirent d WHERE d.child ="
	 " n.id) AND n.nlink <> 0"},
	{META_RULE_NLINK_DIR,
	 "SELECT n.id FROM node n WHERE n.id <> 1 AND (n.mode & 61440) = 16384"
	 " AND n.nlink <> 2 + (SELECT count(*) FROM dirent d JOIN node c"
	 " ON c.id = d.child WHERE d.parent = n.id AND (c.mode & 61440) ="
	 " 16384)"},
	{META_RULE_NODE_UNNAMED,
	 "SELECT n.id FROM node n WHERE n.id <> 1 AND n.nlink > 0 AND NOT"
	 " EXISTS (SELECT 1 FROM dirent d WHERE d.child = n.id) AND NOT EXISTS"
	 " (SELECT 1 FROM space s WHERE s.root = n.id)"},
	{META_RULE_SPACE_USED,
	 "SELECT s.id FROM space s WHERE s.used <> coalesce((SELECT sum(size)"
	 " FROM node n WHERE n.space_id = s.id AND (n.mode & 61440) = 32768"
	 " AND n.hist IS NULL), 0)"},
	{META_RULE_SPACE_HIST,
	 "SELECT s.id FROM space s WHERE s.hist_used <> coalesce((SELECT"
	 " sum(size) FROM node n WHERE n.space_id = s.id AND (n.mode & 61440)"
	 " = 32768 AND n.hist IS NOT NULL), 0) + coalesce((SELECT sum(cost)"
	 " FROM hist h WHERE h.space_id = s.id), 0)"},
	{META_RULE_HIST_DIR_EMPTY,
	 "SELECT d.id FROM hist_dir d WHERE NOT EXISTS (SELECT 1 FROM hist"
	 " WHERE hdir = ((1 << 48) | d.id)) AND NOT EXISTS (SELECT 1 FROM"
	 " hist_dir c WHERE c.parent = ((1 << 48) | d.id)) AND NOT EXISTS"
	 " (SELECT 1 FROM gtrash g WHERE g.hdir = ((1 << 48) | d.id)) AND NOT"
	 " EXISTS (SELECT 1 FROM gtrash_dir g WHERE g.hdir = ((1 << 48) |"
	 " d.id))"},
	{META_RULE_HIST_NODE,
	 "SELECT n.id FROM node n WHERE n.hist IS NOT NULL AND NOT EXISTS"
	 " (SELECT 1 FROM hist h WHERE h.id = n.hist AND h.node = n.id)"},
	{META_RULE_SPACE_META,
	 "SELECT s.id FROM space s WHERE s.meta <> coalesce((SELECT"
	 " sum(length(CAST(x.name AS BLOB)) + length(CAST(x.value AS BLOB)))"
	 " FROM xattr x JOIN node n ON n.id = x.node WHERE n.space_id = s.id"
	 " AND n.hist IS NULL), 0) + coalesce((SELECT"
	 " sum(length(CAST(n.target AS BLOB))) FROM node n WHERE n.space_id ="
	 " s.id AND n.target IS NOT NULL AND n.hist IS NULL), 0)"},
	{META_RULE_UNLINKED_NAMED,
	 "SELECT n.id FROM node n WHERE n.nlink = 0 AND EXISTS (SELECT 1 FROM"
	 " dirent d WHERE d.child = n.id)"},
	{META_RULE_UNREACHABLE,
	 "WITH RECURSIVE r(id, depth) AS (SELECT root, 0 FROM space"
	 " UNION SELECT d.child, r.depth + 1 FROM r JOIN dirent d"
	 " ON d.parent = r.id WHERE r.depth < 4096)"
	 " SELECT n.id FROM node n WHERE n.space_id IS NOT NULL"
	 " AND n.nlink > 0 AND n.id NOT IN (SELECT id FROM r)"},
	{META_RULE_DIR_TWICE,
	 "SELECT d.child FROM dirent d JOIN node c ON c.id = d.child"
	 " WHERE (c.mode & 61440) = 16384 GROUP BY d.child"
	 " HAVING count(*) > 1"},
	{META_RULE_BAD_NAME,
	 "SELECT d.parent || '/' || quote(d.name) FROM dirent d"
	 " WHERE d.name = '' OR d.name IN ('.', '..') OR instr(d.name, '/')"
	 " OR length(CAST(d.name AS BLOB)) > 255"},
	{META_RULE_PIM_NOT_FILE,
	 "SELECT d.name FROM dirent d JOIN node p ON p.id = d.parent"
	 " JOIN node c ON c.id = d.child JOIN space s ON s.id = p.space_id"
	 " WHERE p.id IN (s.calendar, s.contacts)"
	 " AND (c.mode & 61440) <> 32768"},
	{META_RULE_DROP_NOT_DIR,
	 "SELECT d.name FROM dirent d JOIN space s ON s.drop_dir = d.parent"
	 " JOIN node c ON c.id = d.child WHERE (c.mode & 61440) <> 16384"},
	{META_RULE_DROP_MISSING,
	 "SELECT g.name || '/' || a.username FROM membership m"
	 " JOIN grp g ON g.id = m.group_id JOIN account a"
	 " ON a.id = m.account_id JOIN space s ON s.group_id = g.id"
	 " WHERE NOT EXISTS (SELECT 1 FROM dirent d JOIN node c"
	 " ON c.id = d.child WHERE d.parent = s.drop_dir AND d.name ="
	 " a.username AND (c.mode & 61440) = 16384)"},
	{META_RULE_LINK_ACROSS,
	 "WITH RECURSIVE up(child, cur, depth) AS (SELECT d.child, d.parent,"
	 " 0 FROM dirent d JOIN node c ON c.id = d.child"
	 " WHERE (c.mode & 61440) <> 16384 AND c.nlink > 1"
	 " UNION SELECT up.child, p.parent, up.depth + 1 FROM up"
	 " JOIN dirent p ON p.child = up.cur JOIN node n ON n.id = up.cur"
	 " JOIN space s ON s.id = n.space_id"
	 " WHERE p.parent NOT IN (s.root, s.drop_dir) AND up.depth < 4096)"
	 " SELECT up.child FROM up JOIN node n ON n.id = up.cur"
	 " JOIN space s ON s.id = n.space_id JOIN dirent p ON p.child = up.cur"
	 " WHERE p.parent IN (s.root, s.drop_dir)"
	 " GROUP BY up.child HAVING count(DISTINCT up.cur) > 1"},
	{META_RULE_ALIAS_NAMED,
	 "SELECT n.id FROM node n WHERE n.alias IS NOT NULL AND n.nlink > 0"},
	{META_RULE_ALIAS_LOOP,
	 "WITH RECURSIVE w(start, cur, depth) AS (SELECT id, alias, 0 FROM"
	 " node WHERE alias IS NOT NULL UNION SELECT w.start, n.alias,"
	 " w.depth + 1 FROM w JOIN node n ON n.id = w.cur"
	 " WHERE n.alias IS NOT NULL AND w.depth < 64)"
	 " SELECT DISTINCT start FROM w WHERE depth >= 64"},
	{META_RULE_GROUP_NAME_KEY,
	 "SELECT g.name FROM grp g WHERE g.name_key IS NOT gfs_fold(g.name)"},
	{META_RULE_SPACE_FILES,
	 "SELECT s.id FROM space s WHERE s.files <> (SELECT count(*) FROM"
	 " dirent d JOIN node c ON c.id = d.child WHERE c.space_id = s.id"
	 " AND c.tool <> 5 AND d.parent NOT IN (s.root, s.drop_dir)"
	 " AND NOT (d.parent = s.mail AND d.name IN ('cur', 'new', 'tmp')))"},
};

static void texts_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Column 0 of every row of `sql` (uncached: each runs once per check),
 * NULL where it is NULL; with skip_ok, rows saying "ok" are left out. */
static int check_texts(struct store *st, const char *sql, bool skip_ok,
		       char ***out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	char **v = NULL;
	size_t cap = 0;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v2(st->eng->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_error(st, rc, "check");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *item = (const char *)sqlite3_column_text(s, 0);

		if (skip_ok && item && strcmp(item, "ok") == 0)
			continue;
		if (ARRAY_GROW(v, len, cap)) {
			rc = SQLITE_NOMEM;
			break;
		}
		v[len] = item ? strdup(item) : NULL;
		if (item && !v[len]) {
			rc = SQLITE_NOMEM;
			break;
		}
		len++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		texts_free(v, len);
		return rc == SQLITE_NOMEM ? -ENOMEM : db_error(st, rc, "check");
	}
	*out = v;
	*n = len;
	return 0;
}

int sq_check_integrity(struct store *st, char ***out, size_t *n)
{
	return check_texts(st, "PRAGMA integrity_check", true, out, n);
}

int sq_check_references(struct store *st, char ***out, size_t *n)
{
	return check_texts(st, "PRAGMA foreign_key_check", false, out, n);
}

int sq_check_rule(struct store *st, enum meta_rule rule, char ***out,
		    size_t *n)
{
	size_t i;

	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(rule_sql); i++)
		if (rule_sql[i].rule == rule)
			return check_texts(st, rule_sql[i].sql, false, out, n);
	return store_fail(st, -EINVAL, "check: unknown rule %d", (int)rule);
}

int sq_check_group_names(struct store *st, char ***out, size_t *n)
{
	return db_texts(st, out, n, "SELECT name FROM grp ORDER BY id", "");
}

int sq_check_files(struct store *st, int64_t **out, size_t *n)
{
	int64_t *ids = NULL;
	size_t cap = 0;
	size_t len = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	s = db_q(st,
		 "SELECT id FROM node WHERE space_id IS NOT NULL AND"
		 " (mode & 61440) = 32768 AND nlink > 0 ORDER BY id",
		 "");
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(ids, len, cap)) {
			db_done(s);
			free(ids);
			return -ENOMEM;
		}
		ids[len++] = sqlite3_column_int64(s, 0);
	}
	if (rc < 0) {
		free(ids);
		return rc;
	}
	*out = ids;
	*n = len;
	return 0;
}

/* The copy: a read transaction on the source (`in`) begun while the store
 * holds its write lock, then copied with SQLite's online backup API once
 * the lock is released.  (SQLite's backup refuses a source connection
 * inside a write transaction: a second one reads.) */
struct meta_backup {
	sqlite3 *in, *out;
	sqlite3_backup *b;
};

#define BACKUP_STEP_PAGES 1024

int meta_backup_open(const char *src, const char *dest,
		     struct meta_backup **out, char *why, size_t len)
{
	struct meta_backup *b = calloc(1, sizeof(*b));
	int r;

	*out = NULL;
	if (!b)
		return -ENOMEM;
	r = sqlite3_open_v2(src, &b->in,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (r == SQLITE_OK) {
		sqlite3_busy_timeout(b->in, 30000);
		r = sqlite3_open_v2(dest, &b->out,
				    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				    NULL);
	}
	if (r != SQLITE_OK) {
		snprintf(why, len, "%s",
			 b->out  ? sqlite3_errmsg(b->out)
			 : b->in ? sqlite3_errmsg(b->in)
				 : sqlite3_errstr(r));
		meta_backup_close(b);
		return -EIO;
	}
	*out = b;
	return 0;
}

int meta_backup_snapshot(struct meta_backup *b, char *why, size_t len)
{
	int r = sqlite3_exec(b->in, "BEGIN; SELECT count(*) FROM "
			     "sqlite_master;", NULL, NULL, NULL);

	if (r == SQLITE_OK)
		b->b = sqlite3_backup_init(b->out, "main", b->in, "main");
	if (r != SQLITE_OK || !b->b) {
		snprintf(why, len, "%s",
			 r != SQLITE_OK ? sqlite3_errmsg(b->in)
					: sqlite3_errmsg(b->out));
		return -EIO;
	}
	return 0;
}

int meta_backup_run(struct meta_backup *b,
		    void (*step)(void *arg, uint64_t done, uint64_t total),
		    void *arg, char *why, size_t len)
{
	uint64_t total;
	int r;

	do {
		r = sqlite3_backup_step(b->b, BACKUP_STEP_PAGES);
		total = (uint64_t)sqlite3_backup_pagecount(b->b);
		step(arg, total - (uint64_t)sqlite3_backup_remaining(b->b),
		     total);
	} while (r == SQLITE_OK);
	r = sqlite3_backup_finish(b->b);
	b->b = NULL;
	if (r != SQLITE_OK) {
		snprintf(why, len, "%s", sqlite3_errmsg(b->out));
		return -EIO;
	}
	return 0;
}

int meta_backup_end(struct meta_backup *b)
{
	int r;

	sqlite3_exec(b->in, "COMMIT", NULL, NULL, NULL);
	/* A copy in WAL mode folds its log into the file when closed. */
	r = sqlite3_close(b->out);
	b->out = NULL;
	return r == SQLITE_OK ? 0 : -EIO;
}

void meta_backup_close(struct meta_backup *b)
{
	if (!b)
		return;
	if (b->b)
		sqlite3_backup_finish(b->b);
	if (b->out)
		sqlite3_close(b->out);
	if (b->in)
		sqlite3_close(b->in);
	free(b);
}

/* `path` as an SQLite URI opening it read-only and immutable: nothing is
 * written next to it (no -shm or -wal file in the backup). */
static char *ro_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *u = malloc(strlen(path) * 3 + 32), *o = u;
	const unsigned char *p;

	if (!u)
		return NULL;
	o += sprintf(o, "file:");
	for (p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	strcpy(o, "?mode=ro&immutable=1");
	return u;
}

int meta_backup_sound(const char *path)
{
	char *uri = ro_uri(path);
	sqlite3_stmt *q = NULL;
	sqlite3 *d = NULL;
	int rc = -EINVAL;

	if (!uri)
		return -ENOMEM;
	if (sqlite3_open_v2(uri, &d,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(d, "PRAGMA quick_check", -1, &q, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW &&
	    !strcmp((const char *)sqlite3_column_text(q, 0) ?: "", "ok"))
		rc = 0;
	sqlite3_finalize(q);
	sqlite3_close(d);
	free(uri);
	return rc;
}


/* Items open here are marked in db/open.lock (daemons.c), which every
 * process of this engine reads: nothing to keep in the database. */
int sq_node_hold(struct store *st, int64_t ino, bool open)
{
	(void)st;
	(void)ino;
	(void)open;
	return 0;
}

int sq_node_held(struct store *st, int64_t ino, bool *held)
{
	(void)st;
	(void)ino;
	*held = false;
	return 0;
}
