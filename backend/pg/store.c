// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for the store as a whole:
 * content rows, the check (sqlite/store.c, query by query), and the items
 * a process holds open, for other machines' deletes (meta_node_hold).
 *
 * Where it differs from SQLite's:
 *  - meta_check_integrity: PostgreSQL has no integrity_check of its
 *    files; the server checks its pages (and data_checksums, when the
 *    cluster was made with them, every read): nothing to report.
 *  - meta_check_references: foreign keys are enforced at each commit
 *    (SQLite's may be switched off per connection): none can dangle.
 *  - META_RULE_GROUP_NAME_KEY: no gfs_fold() in SQL; names are folded
 *    here with casefold(), as SQLite's gfs_fold does.
 *  - META_RULE_BAD_NAME names a name with quote_literal, which writes a
 *    name holding a backslash as E'...' where SQLite's quote() does not.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

/* A node by inode number, through its alias (sqlite/engine.h's RESOLVE). */
#define RESOLVE "coalesce((SELECT alias FROM node WHERE id = $1), $1)"

/* Set mtime and ctime to parameter N when it is not 0. */
#define TOUCH(N)                                                          \
	"mtime = CASE WHEN $" #N "::bigint <> 0 THEN $" #N "::bigint"     \
	" ELSE mtime END, ctime = CASE WHEN $" #N "::bigint <> 0"         \
	" THEN $" #N "::bigint ELSE ctime END"

/* The content columns of a node (n), from column 0 (content_row). */
#define CONTENT_COLS                                                          \
	" n.space_id, n.size, n.cid, n.chunked, i.data, n.id, n.cipher"
/* Where they come from: a small item's sealed content is a row of its
 * own. */
#define CONTENT_FROM " node n LEFT JOIN node_inline i ON i.node = n.id"

/* The first row of r, of CONTENT_COLS, into *ct; -ENOENT: no row. */
static int content_row(struct store *st, PGresult *r, struct content *ct)
{
	const void *p;
	size_t len;

	if (PQntuples(r) < 1)
		return -ENOENT;
	ct->ino = pg_col_int(r, 0, 5);
	ct->space = pg_col_int(r, 0, 0);
	ct->size = pg_col_int(r, 0, 1);
	p = pg_col_blob(r, 0, 2, &len);
	if (len == 16)
		memcpy(ct->cid, p, 16);
	ct->chunked = pg_col_int(r, 0, 3) != 0;
	ct->cipher = (int)pg_col_int(r, 0, 6);
	p = pg_col_blob(r, 0, 4, &len);
	ct->inline_len = len;
	if (len) {
		ct->inline_blob = malloc(len);
		if (!ct->inline_blob)
			return store_fail(st, -ENOMEM, "out of memory");
		memcpy(ct->inline_blob, p, len);
	}
	return 0;
}

int pg_content_get(struct store *st, int64_t ino, struct content *ct)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT" CONTENT_COLS " FROM" CONTENT_FROM
		  " WHERE n.id = " RESOLVE,
		  "i", ino);
	if (rc)
		return rc;
	rc = content_row(st, r, ct);
	PQclear(r);
	return rc;
}

/* One round trip: the node's row beside the rights generation and its
 * own alias column (not resolved). */
int pg_content_gen(struct store *st, int64_t ino, struct content *ct,
		   int64_t *gen, bool *alias)
{
	PGresult *r;
	int rc;

	rc = pg_q(st, &r,
		  "SELECT" CONTENT_COLS ", (SELECT v FROM meta WHERE"
		  " k = 'rights'), (SELECT alias FROM node WHERE id = $1)"
		  " FROM" CONTENT_FROM " WHERE n.id = " RESOLVE,
		  "i", ino);
	if (rc)
		return rc;
	rc = content_row(st, r, ct);
	if (rc == 0) {
		*gen = pg_col_int(r, 0, 7);
		*alias = !pg_col_null(r, 0, 8);
	}
	PQclear(r);
	return rc;
}

/* One round trip: the node's row beside its space's. */
int pg_content_room(struct store *st, int64_t ino, struct content *ct,
		    struct room *room, bool *has_room)
{
	PGresult *r;
	int rc;

	*has_room = false;
	rc = pg_q(st, &r,
		  "SELECT" CONTENT_COLS ", s.id," PG_ROOM_COLS " FROM" CONTENT_FROM
		  " LEFT JOIN (space s" PG_SPACE_PLAN ") ON s.id = n.space_id"
		  " WHERE n.id = " RESOLVE,
		  "i", ino);
	if (rc)
		return rc;
	rc = content_row(st, r, ct);
	if (rc == 0 && !pg_col_null(r, 0, 7)) {
		pg_room_row(r, 0, 8, room);
		*has_room = true;
	}
	PQclear(r);
	return rc;
}

int pg_content_set_inline(struct store *st, int64_t ino,
			  const unsigned char *blob, size_t len,
			  const unsigned char cid[16], int64_t size,
			  int64_t touch)
{
	/* One round trip either way. */
	if (!blob || !len)
		return pg_run(st,
			      "WITH u AS (UPDATE node SET chunked = 0, cid = $1,"
			      " size = $2, " TOUCH(3) " WHERE id = $4)"
			      " DELETE FROM node_inline WHERE node = $4",
			      "biii", cid, (size_t)16, size, touch, ino);
	return pg_run(st,
		      "WITH u AS (UPDATE node SET chunked = 0, cid = $2,"
		      " size = $3, " TOUCH(4) " WHERE id = $5)"
		      " INSERT INTO node_inline (node, data) VALUES ($5, $1)"
		      " ON CONFLICT (node) DO UPDATE SET data = excluded.data",
		      "bbiii", blob, len, cid, (size_t)16, size, touch, ino);
}

int pg_content_set_chunked(struct store *st, int64_t ino,
			   const unsigned char cid[16], int64_t size,
			   int64_t touch)
{
	return pg_run(st,
		      "WITH u AS (UPDATE node SET chunked = 1,"
		      " cid = $1, size = $2, " TOUCH(3) " WHERE id = $4)"
		      " DELETE FROM node_inline WHERE node = $4",
		      "biii", cid, (size_t)16, size, touch, ino);
}

/* The table is asked only when this session may not have seen a row of
 * it: once per connection (what other processes left, crashed before
 * they emptied it), and after content went to the trash in this session
 * (a NOTICE from node_trash, or pg_node_content_trash).  Rows another
 * process trashes later are that process's to empty. */
int pg_trash_next(struct store *st, unsigned char cid[16])
{
	struct pgdb *db = pgdb(st);
	size_t len;
	int rc;

	if (db && !db->trash_unknown)
		return -ENOENT;
	for (;;) {
		rc = pg_blob(st, cid, 16, &len, "SELECT cid FROM trash LIMIT 1",
			     "");
		if (rc == -ENOENT && db)
			db->trash_unknown = false;
		if (rc)
			return rc;
		if (len == 16)
			return 0;
		rc = pg_run(st, "DELETE FROM trash WHERE octet_length(cid) <> 16",
			    "");
		if (rc)
			return rc;
	}
}

int pg_trash_drop(struct store *st, const unsigned char cid[16])
{
	return pg_run(st, "DELETE FROM trash WHERE cid = $1", "b", cid,
		      (size_t)16);
}

/* The rows breaking each rule of pg_check_rule; column 0, text, names
 * them.  sqlite/store.c's, translated: `1 << 48` is a bigint shift here
 * (an integer's would wrap at 32 bits), instr() is strpos(), quote() is
 * quote_literal(), length(CAST(x AS BLOB)) is octet_length(x).  NULL:
 * the rule is checked in C (check_name_keys). */
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
	 " p.space_id IS DISTINCT FROM c.space_id"},
	{META_RULE_NLINK_FILE,
	 "SELECT n.id::text FROM node n WHERE n.id <> 1"
	 " AND (n.mode & 61440) <> 16384"
	 " AND n.nlink <> (SELECT count(*) FROM dirent d WHERE d.child ="
	 " n.id) AND n.nlink <> 0"},
	{META_RULE_NLINK_DIR,
	 "SELECT n.id::text FROM node n WHERE n.id <> 1"
	 " AND (n.mode & 61440) = 16384"
	 " AND n.nlink <> 2 + (SELECT count(*) FROM dirent d JOIN node c"
	 " ON c.id = d.child WHERE d.parent = n.id AND (c.mode & 61440) ="
	 " 16384)"},
	{META_RULE_NODE_UNNAMED,
	 "SELECT n.id::text FROM node n WHERE n.id <> 1 AND n.nlink > 0"
	 " AND NOT EXISTS (SELECT 1 FROM dirent d WHERE d.child = n.id)"
	 " AND NOT EXISTS (SELECT 1 FROM space s WHERE s.root = n.id)"},
	{META_RULE_SPACE_USED,
	 "SELECT s.id::text FROM space s WHERE s.used <> coalesce((SELECT"
	 " sum(size) FROM node n WHERE n.space_id = s.id"
	 " AND (n.mode & 61440) = 32768 AND n.hist IS NULL), 0)"},
	{META_RULE_SPACE_HIST,
	 "SELECT s.id::text FROM space s WHERE s.hist_used <> coalesce((SELECT"
	 " sum(size) FROM node n WHERE n.space_id = s.id AND (n.mode & 61440)"
	 " = 32768 AND n.hist IS NOT NULL), 0) + coalesce((SELECT sum(cost)"
	 " FROM hist h WHERE h.space_id = s.id), 0)"},
	{META_RULE_HIST_DIR_EMPTY,
	 "SELECT d.id::text FROM hist_dir d WHERE NOT EXISTS (SELECT 1 FROM"
	 " hist WHERE hdir = ((1::bigint << 48) | d.id)) AND NOT EXISTS"
	 " (SELECT 1 FROM hist_dir c WHERE c.parent = ((1::bigint << 48) |"
	 " d.id)) AND NOT EXISTS (SELECT 1 FROM gtrash g WHERE g.hdir ="
	 " ((1::bigint << 48) | d.id)) AND NOT EXISTS (SELECT 1 FROM"
	 " gtrash_dir g WHERE g.hdir = ((1::bigint << 48) | d.id))"},
	{META_RULE_HIST_NODE,
	 "SELECT n.id::text FROM node n WHERE n.hist IS NOT NULL AND NOT EXISTS"
	 " (SELECT 1 FROM hist h WHERE h.id = n.hist AND h.node = n.id)"},
	{META_RULE_SPACE_META,
	 "SELECT s.id::text FROM space s WHERE s.meta <> coalesce((SELECT"
	 " sum(octet_length(x.name) + octet_length(x.value))"
	 " FROM xattr x JOIN node n ON n.id = x.node WHERE n.space_id = s.id"
	 " AND n.hist IS NULL), 0) + coalesce((SELECT"
	 " sum(octet_length(n.target)) FROM node n WHERE n.space_id ="
	 " s.id AND n.target IS NOT NULL AND n.hist IS NULL), 0)"},
	{META_RULE_UNLINKED_NAMED,
	 "SELECT n.id::text FROM node n WHERE n.nlink = 0 AND EXISTS (SELECT 1"
	 " FROM dirent d WHERE d.child = n.id)"},
	{META_RULE_UNREACHABLE,
	 "WITH RECURSIVE r(id, depth) AS (SELECT root, 0 FROM space"
	 " UNION SELECT d.child, r.depth + 1 FROM r JOIN dirent d"
	 " ON d.parent = r.id WHERE r.depth < 4096)"
	 " SELECT n.id::text FROM node n WHERE n.space_id IS NOT NULL"
	 " AND n.nlink > 0 AND n.id NOT IN (SELECT id FROM r)"},
	{META_RULE_DIR_TWICE,
	 "SELECT d.child::text FROM dirent d JOIN node c ON c.id = d.child"
	 " WHERE (c.mode & 61440) = 16384 GROUP BY d.child"
	 " HAVING count(*) > 1"},
	{META_RULE_BAD_NAME,
	 "SELECT d.parent || '/' || quote_literal(d.name) FROM dirent d"
	 " WHERE d.name = '' OR d.name IN ('.', '..')"
	 " OR strpos(d.name, '/') > 0 OR octet_length(d.name) > 255"},
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
	 " SELECT up.child::text FROM up JOIN node n ON n.id = up.cur"
	 " JOIN space s ON s.id = n.space_id JOIN dirent p ON p.child = up.cur"
	 " WHERE p.parent IN (s.root, s.drop_dir)"
	 " GROUP BY up.child HAVING count(DISTINCT up.cur) > 1"},
	{META_RULE_ALIAS_NAMED,
	 "SELECT n.id::text FROM node n WHERE n.alias IS NOT NULL"
	 " AND n.nlink > 0"},
	{META_RULE_ALIAS_LOOP,
	 "WITH RECURSIVE w(start, cur, depth) AS (SELECT id, alias, 0 FROM"
	 " node WHERE alias IS NOT NULL UNION SELECT w.start, n.alias,"
	 " w.depth + 1 FROM w JOIN node n ON n.id = w.cur"
	 " WHERE n.alias IS NOT NULL AND w.depth < 64)"
	 " SELECT DISTINCT start::text FROM w WHERE depth >= 64"},
	{META_RULE_GROUP_NAME_KEY, NULL},
	{META_RULE_SPACE_FILES,
	 "SELECT s.id::text FROM space s WHERE s.files <> (SELECT count(*) FROM"
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

/* Append a copy of `item` (NULL stays NULL) to *v. */
static int texts_add(char ***v, size_t *len, size_t *cap, const char *item)
{
	if (ARRAY_GROW(*v, *len, *cap))
		return -ENOMEM;
	(*v)[*len] = item ? strdup(item) : NULL;
	if (item && !(*v)[*len])
		return -ENOMEM;
	(*len)++;
	return 0;
}

/* Column 0 (text) of every row of `sql`, NULL where it is NULL. */
static int check_texts(struct store *st, const char *sql, char ***out,
		       size_t *n)
{
	char **v = NULL;
	size_t cap = 0, len = 0;
	PGresult *r;
	int i, rows, rc;

	*out = NULL;
	rc = pg_q(st, &r, sql, "");
	if (rc)
		return rc;
	rows = PQntuples(r);
	for (i = 0; rc == 0 && i < rows; i++)
		rc = texts_add(&v, &len, &cap,
			       pg_col_null(r, i, 0) ? NULL
						    : pg_col_text(r, i, 0));
	PQclear(r);
	if (rc) {
		texts_free(v, len);
		return store_fail(st, rc, "out of memory");
	}
	*out = v;
	*n = len;
	return 0;
}

/* META_RULE_GROUP_NAME_KEY: groups whose name_key is not their name
 * folded (SQLite's gfs_fold: NULL for a name too long or not
 * foldable, which no key equals). */
static int check_name_keys(struct store *st, char ***out, size_t *n)
{
	char key[STORE_GROUPNAME_BYTES * 2 + 8];
	char **v = NULL;
	size_t cap = 0, len = 0;
	PGresult *r;
	int i, rows, rc;

	*out = NULL;
	rc = pg_q(st, &r, "SELECT name, name_key FROM grp", "");
	if (rc)
		return rc;
	rows = PQntuples(r);
	for (i = 0; rc == 0 && i < rows; i++) {
		const char *name = pg_col_text(r, i, 0);

		if (strlen(name) <= STORE_GROUPNAME_BYTES &&
		    casefold(name, key, sizeof(key)) == 0 &&
		    strcmp(key, pg_col_text(r, i, 1)) == 0)
			continue;
		rc = texts_add(&v, &len, &cap, name);
	}
	PQclear(r);
	if (rc) {
		texts_free(v, len);
		return store_fail(st, rc, "out of memory");
	}
	*out = v;
	*n = len;
	return 0;
}

int pg_check_integrity(struct store *st, char ***out, size_t *n)
{
	(void)st;
	*out = NULL;
	*n = 0;
	return 0;
}

int pg_check_references(struct store *st, char ***out, size_t *n)
{
	(void)st;
	*out = NULL;
	*n = 0;
	return 0;
}

int pg_check_rule(struct store *st, enum meta_rule rule, char ***out,
		  size_t *n)
{
	size_t i;

	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(rule_sql); i++) {
		if (rule_sql[i].rule != rule)
			continue;
		if (!rule_sql[i].sql)
			return check_name_keys(st, out, n);
		return check_texts(st, rule_sql[i].sql, out, n);
	}
	return store_fail(st, -EINVAL, "check: unknown rule %d", (int)rule);
}

int pg_check_group_names(struct store *st, char ***out, size_t *n)
{
	return pg_texts(st, out, n, "SELECT name FROM grp ORDER BY id", "");
}

int pg_check_files(struct store *st, int64_t **out, size_t *n)
{
	return pg_ints(st, out, n,
		       "SELECT id FROM node WHERE space_id IS NOT NULL AND"
		       " (mode & 61440) = 32768 AND nlink > 0 ORDER BY id",
		       "");
}

/* ---- items held open ----------------------------------------------------
 * A process's marks are advisory locks (session_hold) on a connection
 * of its own, one per database: a store's handles each have their own
 * session, and an item opened through one handle may be closed through
 * another, which could not end a lock the first session holds.  The
 * marks are kept here too, to take them again on a new connection when
 * the old one was lost (its locks went with it). */
struct holder {
	struct holder *next;
	char *conninfo;
	struct shared sh;  /* the origin, for the session's set-up */
	struct store st;   /* its handle: the session holding the locks */
	uint64_t gen;	   /* pg_conn_gen when the marks were last taken */
	int64_t *inos;	   /* the marks held, one entry per mark */
	size_t n, cap;
};

static pthread_mutex_t holders_lock = PTHREAD_MUTEX_INITIALIZER;
static struct holder *holders;

/* The holder of st's database, made (connected) at its first use; under
 * holders_lock. */
static int holder_of(struct store *st, struct holder **out)
{
	const char *conninfo = pgdb(st) ? pgdb(st)->conninfo : NULL;
	struct holder *h;
	int rc;

	if (!conninfo)
		return store_fail(st, -EIO,
				  "this store handle is detached (a bug)");
	for (h = holders; h; h = h->next)
		if (strcmp(h->conninfo, conninfo) == 0) {
			*out = h;
			return 0;
		}
	h = calloc(1, sizeof(*h));
	if (!h || !(h->conninfo = strdup(conninfo))) {
		free(h);
		return store_fail(st, -ENOMEM, "out of memory");
	}
	h->sh.origin = st->sh ? st->sh->origin : 0;
	h->st.sh = &h->sh;
	rc = pg_open(&h->st, conninfo, false, false);
	if (rc) {
		store_fail(st, rc, "items held open: %s", h->st.errmsg);
		pg_close(&h->st);
		free(h->conninfo);
		free(h);
		return rc;
	}
	h->gen = pg_conn_gen(&h->st);
	h->next = holders;
	holders = h;
	*out = h;
	return 0;
}

/*
 * A mark is a session-level shared advisory lock keyed by the inode number
 * (what db/open.lock's byte locks are to SQLite): it ends with the
 * session, so a killed daemon or a lost connection holds nothing.  The SQL
 * function gfs_node_open(ino) (used by the trigger hist_delete and by
 * queries) is true while any session holds it.  Advisory locks of the
 * database's other users on the same 64-bit keys would count: give groupfs
 * its own database.  Every lock held takes a slot of the server's lock
 * table (max_locks_per_transaction x max_connections).  Sent ahead
 * (pg_ahead): the server takes it while the caller goes on, and
 * pg_settle tells when it has.
 */
static int session_hold(struct holder *h, uint64_t ino, bool open)
{
	return pg_ahead(&h->st,
			open ? "SELECT pg_advisory_lock_shared($1::bigint)"
			     : "SELECT pg_advisory_unlock_shared($1::bigint)",
			"i", (int64_t)ino);
}

/* The connection was made again since the marks were taken: take them
 * again, but `skip` (one mark of it, just taken on the new one). */
static void holder_retake(struct holder *h, int64_t skip)
{
	bool skipped = skip == 0;
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (!skipped && h->inos[i] == skip) {
			skipped = true;
			continue;
		}
		if (session_hold(h, (uint64_t)h->inos[i], true) != 0)
			break; /* lost again: the next call retakes them */
	}
	/* The connection they are on (the first call made it, when the
	 * old one was gone); 0: lost again, the next call retakes them. */
	h->gen = i < h->n ? 0 : pg_conn_gen(&h->st);
}

/* Whether st is in a writer's transaction: what it makes becomes visible
 * at its commit, which settles the marks first (pg_commit). */
static bool in_writer(struct store *st)
{
	struct pgdb *db = pgdb(st);

	return db && db->txn && db->txn_write;
}

int pg_node_hold(struct store *st, int64_t ino, bool open)
{
	struct holder *h = NULL;
	size_t i;
	int rc;

	pthread_mutex_lock(&holders_lock);
	rc = holder_of(st, &h);
	if (rc)
		goto out;
	if (open && ARRAY_GROW(h->inos, h->n, h->cap)) {
		rc = store_fail(st, -ENOMEM, "out of memory");
		goto out;
	}
	if (h->gen != pg_conn_gen(&h->st))
		holder_retake(h, 0);
	rc = session_hold(h, (uint64_t)ino, open);
	/* The lock is sent ahead (session_hold).  An item opened outside
	 * a writer's transaction is held before the caller goes on: anyone
	 * may look for the mark next.  A writer's new items are held before
	 * its commit shows them, and its next statements find every mark
	 * (pg_holds_settle); a release is waited for by what depends on
	 * it (pg_node_held, writers), and meanwhile only keeps an item
	 * longer. */
	if (rc == 0 && open && !in_writer(st))
		rc = pg_settle(&h->st);
	if (rc)
		store_fail(st, rc, "items held open: %s", h->st.errmsg);
	/* The mark is kept even when the server could not take it: the
	 * next call, on a new connection, takes it. */
	if (open) {
		h->inos[h->n++] = ino;
	} else {
		for (i = 0; i < h->n && h->inos[i] != ino; i++)
			;
		if (i < h->n)
			h->inos[i] = h->inos[--h->n];
	}
	if (rc == 0 && h->gen != pg_conn_gen(&h->st))
		holder_retake(h, open ? ino : 0);
out:
	pthread_mutex_unlock(&holders_lock);
	return rc;
}

void pg_holds_settle(struct store *st)
{
	const char *conninfo = pgdb(st) ? pgdb(st)->conninfo : NULL;
	struct holder *h;

	if (!conninfo)
		return;
	pthread_mutex_lock(&holders_lock);
	for (h = holders; h && strcmp(h->conninfo, conninfo) != 0;
	     h = h->next)
		;
	/* A connection lost meanwhile lost its marks: take them again on a
	 * new one (a failure is logged; the next pg_node_hold tries
	 * again).  Another failure leaves them as they are: taken twice,
	 * a mark would outlive its release. */
	if (h && pg_settle(&h->st) != 0 && h->n && !pgdb(&h->st)->conn) {
		holder_retake(h, 0);
		pg_settle(&h->st);
	}
	pthread_mutex_unlock(&holders_lock);
}

int pg_node_held(struct store *st, int64_t ino, bool *held)
{
	int64_t v;
	int rc;

	pg_holds_settle(st);
	rc = pg_int(st, &v, "SELECT gfs_node_open($1::bigint)::int", "i", ino);
	if (rc == 0)
		*held = v != 0;
	return rc;
}
