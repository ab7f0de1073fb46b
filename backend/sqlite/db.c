// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's core: opening the database with the settings the
 * store relies on (WAL, foreign keys, a busy timeout), the functions its
 * triggers call, a cache of prepared statements, the statement helpers the
 * engine's files share (engine.h), transactions, and the one place where
 * SQLite result codes become errnos.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"


int db_error(struct store *st, int rc, const char *what)
{
	int err;

	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	default:
		break;
	}
	/* SQLite may have rolled the transaction back by itself (not for a
	 * constraint: that undoes the statement alone). */
	if (st->eng && (rc & 0xff) != SQLITE_CONSTRAINT) {
		st->eng->writes++;
		st->eng->resets++;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		err = -EBUSY;
		break;
	case SQLITE_NOMEM:
		err = -ENOMEM;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		err = -EACCES;
		break;
	case SQLITE_FULL:
		err = -ENOSPC;
		break;
	case SQLITE_CONSTRAINT:
		err = -EEXIST;
		break;
	case SQLITE_CANTOPEN:
		err = -ENOENT;
		break;
	case SQLITE_TOOBIG:
		err = -EFBIG;
		break;
	default:
		err = -EIO;
		break;
	}
	if (err == -EIO || err == -ENOMEM)
		store_log(st, STORE_LOG_ERR, "database: %s: %s", what,
			  st->eng && st->eng->db ? sqlite3_errmsg(st->eng->db) : sqlite3_errstr(rc));
	return store_fail(st, err, "database: %s: %s", what,
			  st->eng && st->eng->db ? sqlite3_errmsg(st->eng->db) : sqlite3_errstr(rc));
}

int db_exec(struct store *st, const char *sql)
{
	int rc;

	st->wseq++;
	st->eng->writes++;
	rc = sqlite3_exec(st->eng->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : db_error(st, rc, "exec");
}

/* gfs_origin(): which process made a change, for the journal; negative
 * in a transaction that leaves out the rows of nodes and names
 * (st->journal_quiet, txn.c), whose triggers write only while it is
 * positive. */
static void origin_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store *st = sqlite3_user_data(ctx);

	sqlite3_result_int64(ctx, st->journal_quiet ? -st->sh->origin
						    : st->sh->origin);
}

/* gfs_node_open(id): whether node `id` is open, in this process or in
 * another daemon (open.lock): history must not free what a descriptor
 * still reads or writes. */
static void node_open_fn(sqlite3_context *ctx, int argc,
			 sqlite3_value **argv)
{
	struct store *st = sqlite3_user_data(ctx);
	uint64_t ino = (uint64_t)sqlite3_value_int64(argv[0]);

	sqlite3_result_int(ctx, st->sh->hooks->node_open(st, ino));
}

/* gfs_hist_gone(space, hdir): an entry of view folder `hdir` went. */
static void hist_gone_fn(sqlite3_context *ctx, int argc,
			 sqlite3_value **argv)
{
	struct store *st = sqlite3_user_data(ctx);
	int64_t space = sqlite3_value_int64(argv[0]);
	uint64_t hdir = (uint64_t)sqlite3_value_int64(argv[1]);
	sqlite3_result_null(ctx);
	st->sh->hooks->hist_gone(st, space, hdir);
}

/* gfs_fold(name): the key a group name is unique by (casefold()). */
static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in = sqlite3_value_text(argv[0]);
	char key[STORE_GROUPNAME_BYTES * 2 + 8];

	if (!in || strlen((const char *)in) > STORE_GROUPNAME_BYTES ||
	    casefold((const char *)in, key, sizeof(key)))
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, key, -1, SQLITE_TRANSIENT);
}

/* The original of every page a savepoint changes goes to the connection's
 * sub-journal, kept in memory up to this size and then in a file in the
 * temporary folder (/var/tmp, often another disk than the store) until the
 * transaction ends.  Every request runs in a savepoint of the shared
 * transaction, and an unlink's (its name, its node, its history entry and
 * their indexes) takes 64-128 KiB: with SQLite's 64 KiB half the
 * transactions of an rm -rf opened such a file and wrote every later
 * request's pages to it.  Not more: Debian 12's SQLite (3.40.1) fails a
 * sub-journal that goes to its file past 128 KiB in memory (SQLITE_FULL,
 * test_batch's journal case).  Freed when the savepoint ends. */
#define SUBJOURNAL_IN_MEMORY (128 * 1024)

/* Before SQLite's first use in the process: no memory statistics, which
 * nothing reads and which take a process-wide lock around every
 * allocation of every connection (a daemon's threads each have one), and
 * the sub-journal's size in memory.  Too late when SQLite is in use
 * already: it then keeps its defaults. */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, SUBJOURNAL_IN_MEMORY);
}

/* While another connection holds the lock: the wait hook first, then
 * SQLite's own busy wait's steps (ms) for up to 30 s. */
static int busy_wait(void *arg, int count)
{
	static const int step[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50};
	const int n = (int)ARRAY_SIZE(step), last = 100, limit = 30000;
	int waited = 0, ms, i;

	(void)arg;
	for (i = 0; i < count && i < n; i++)
		waited += step[i];
	if (count > n)
		waited += (count - n) * last;
	if (waited >= limit)
		return 0;
	if (count == 0)
		store_waiting();
	ms = count < n ? step[count] : last;
	if (ms > limit - waited)
		ms = limit - waited;
	sqlite3_sleep(ms);
	return 1;
}

int sq_open(struct store *st, const char *path, bool readonly, bool create)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
	int rc;

	pthread_once(&once, sqlite_setup);
	if (readonly)
		flags |= SQLITE_OPEN_READONLY;
	else
		flags |= SQLITE_OPEN_READWRITE;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	st->eng = calloc(1, sizeof(*st->eng));
	if (!st->eng)
		return store_fail(st, -ENOMEM, "out of memory");
	rc = sqlite3_open_v2(path, &st->eng->db, flags, NULL);
	if (rc != SQLITE_OK)
		return db_error(st, rc, path);
	sqlite3_extended_result_codes(st->eng->db, 1);
	/* Several processes (the daemon, groupctl) share the database: wait
	 * for a writer rather than fail. */
	sqlite3_busy_handler(st->eng->db, busy_wait, NULL);
	rc = sqlite3_create_function_v2(st->eng->db, "gfs_origin", 0,
					SQLITE_UTF8 | SQLITE_INNOCUOUS, st,
					origin_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(st, rc, "gfs_origin");
	rc = sqlite3_create_function_v2(st->eng->db, "gfs_node_open", 1,
					SQLITE_UTF8 | SQLITE_INNOCUOUS, st,
					node_open_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(st, rc, "gfs_node_open");
	rc = sqlite3_create_function_v2(st->eng->db, "gfs_hist_gone", 2,
					SQLITE_UTF8 | SQLITE_INNOCUOUS, st,
					hist_gone_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(st, rc, "gfs_hist_gone");
	rc = sqlite3_create_function_v2(st->eng->db, "gfs_fold", 1,
					SQLITE_UTF8 | SQLITE_DETERMINISTIC |
						SQLITE_INNOCUOUS,
					NULL, fold_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(st, rc, "gfs_fold");
	rc = db_exec(st, st->sh->fast_commit
				  ? "PRAGMA foreign_keys = ON;"
				    "PRAGMA synchronous = NORMAL;"
				    "PRAGMA trusted_schema = OFF;"
				  : "PRAGMA foreign_keys = ON;"
				    "PRAGMA synchronous = FULL;"
				    "PRAGMA trusted_schema = OFF;");
	if (rc)
		return rc;
	db_profile_attach(st);
	if (create && !readonly)
		rc = db_exec(st, "PRAGMA journal_mode = WAL;");
	return rc;
}

void sq_close(struct store *st)
{
	size_t i;

	if (!st->eng)
		return;
	for (i = 0; i < ARRAY_SIZE(st->eng->cache); i++) {
		if (st->eng->cache[i].stmt)
			sqlite3_finalize(st->eng->cache[i].stmt);
		st->eng->cache[i].stmt = NULL;
		st->eng->cache[i].sql = NULL;
	}
	if (st->eng->db)
		sqlite3_close(st->eng->db);
	free(st->eng);
	st->eng = NULL;
}

/* The cache keys statements by the address of their SQL text, which is
 * always a string literal: a pointer hash, no string compare. */
sqlite3_stmt *db_stmt(struct store *st, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE_SLOTS;
	size_t i;
	sqlite3_stmt *s = NULL;
	int rc;

	if (!st->eng) {
		store_fail(st, -EIO, "this store handle is detached (a bug)");
		return NULL;
	}

	for (i = 0; i < STMT_CACHE_SLOTS; i++) {
		struct stmt_slot *slot = &st->eng->cache[(h + i) % STMT_CACHE_SLOTS];

		if (slot->sql == sql)
			return slot->stmt;
		if (slot->sql == NULL) {
			rc = sqlite3_prepare_v3(st->eng->db, sql, -1,
						SQLITE_PREPARE_PERSISTENT, &s,
						NULL);
			if (rc != SQLITE_OK) {
				db_error(st, rc, "prepare");
				store_log(st, STORE_LOG_ERR, "prepare: %s",
					  sql);
				return NULL;
			}
			slot->sql = sql;
			slot->stmt = s;
			return s;
		}
	}
	/* Cache full (it should not be): prepare uncached would leak, so
	 * treat it as the bug it is. */
	store_fail(st, -ENOMEM, "statement cache full");
	return NULL;
}

static int bind_args(struct store *st, sqlite3_stmt *s, const char *fmt,
		     va_list ap)
{
	int i, rc = SQLITE_OK;

	for (i = 1; *fmt && rc == SQLITE_OK; fmt++, i++) {
		switch (*fmt) {
		case 'i':
			rc = sqlite3_bind_int64(s, i, va_arg(ap, int64_t));
			break;
		case 't': {
			const char *t = va_arg(ap, const char *);

			rc = t ? sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC)
			       : sqlite3_bind_null(s, i);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);

			rc = sqlite3_bind_blob64(s, i, p, n, SQLITE_STATIC);
			break;
		}
		case 'n':
			rc = sqlite3_bind_null(s, i);
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	return rc == SQLITE_OK ? 0 : db_error(st, rc, "bind");
}

static sqlite3_stmt *vquery(struct store *st, const char *sql,
			    const char *fmt, va_list ap)
{
	sqlite3_stmt *s = db_stmt(st, sql);

	if (!s)
		return NULL;
	/* What may change rows ends what the transaction remembers
	 * (ROLLBACK TO counts as read-only for SQLite). */
	if (strncmp(sql, "ROLLBACK", 8) == 0 &&
	    st->eng->writes != st->eng->writes_at_savepoint)
		st->eng->resets++;
	if (!sqlite3_stmt_readonly(s) || strncmp(sql, "ROLLBACK", 8) == 0) {
		st->wseq++;
		st->eng->writes++;
	}
	if (bind_args(st, s, fmt, ap)) {
		db_done(s);
		return NULL;
	}
	return s;
}

sqlite3_stmt *db_q(struct store *st, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *s;
	va_list ap;

	va_start(ap, fmt);
	s = vquery(st, sql, fmt, ap);
	va_end(ap);
	return s;
}

int db_row(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	db_done(s);
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(st, rc, "step");
}

void db_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

int db_run(struct store *st, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	s = vquery(st, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1)
		;
	return rc;
}

int db_int(struct store *st, int64_t *out, const char *sql, const char *fmt,
	   ...)
{
	sqlite3_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	s = vquery(st, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		*out = sqlite3_column_int64(s, 0);
		db_done(s);
		return 0;
	}
	return rc == 0 ? -ENOENT : rc;
}

int db_ints(struct store *st, int64_t **out, size_t *n, const char *sql,
	    const char *fmt, ...)
{
	int64_t *v = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *s;
	va_list ap;
	int rc;

	*out = NULL;
	*n = 0;
	va_start(ap, fmt);
	s = vquery(st, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		v[len++] = sqlite3_column_int64(s, 0);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int db_pairs(struct store *st, int64_t (**out)[2], size_t *n, const char *sql,
	     const char *fmt, ...)
{
	int64_t(*v)[2] = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *s;
	va_list ap;
	int rc;

	*out = NULL;
	*n = 0;
	va_start(ap, fmt);
	s = vquery(st, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		v[len][0] = sqlite3_column_int64(s, 0);
		v[len][1] = sqlite3_column_int64(s, 1);
		len++;
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int db_texts(struct store *st, char ***out, size_t *n, const char *sql,
	     const char *fmt, ...)
{
	char **v = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *s;
	va_list ap;
	int rc;

	*out = NULL;
	*n = 0;
	va_start(ap, fmt);
	s = vquery(st, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, len, cap) ||
		    !(v[len] = strdup(col_text(s, 0)))) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		len++;
	}
	if (rc < 0) {
		while (len)
			free(v[--len]);
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

/* A transaction's start or end, prepared once: every request has one, and
 * sqlite3_exec would parse and compile it each time (a tenth of the
 * daemon's own time in a lookup).  SQLITE_OK or the step's failure. */
static int txn_step(struct store *st, const char *sql)
{
	sqlite3_stmt *s = db_stmt(st, sql);
	int rc;

	if (!s)
		return SQLITE_ERROR;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int sq_begin(struct store *st, bool write)
{
	int rc;

	st->wseq++;
	st->eng->writes_at_begin = st->eng->writes;
	rc = txn_step(st, write ? "BEGIN IMMEDIATE" : "BEGIN");
	return rc == SQLITE_OK ? 0 : db_error(st, rc, "begin");
}

int sq_commit(struct store *st)
{
	int rc;

	st->wseq++;
	rc = txn_step(st, "COMMIT");
	return rc == SQLITE_OK ? 0 : db_error(st, rc, "commit");
}

void sq_rollback(struct store *st)
{
	int rc;

	st->wseq++;
	if (st->eng->writes != st->eng->writes_at_begin)
		st->eng->resets++;
	st->eng->writes++;
	rc = sqlite3_exec(st->eng->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc != SQLITE_OK && sqlite3_get_autocommit(st->eng->db) == 0)
		store_log(st, STORE_LOG_ERR, "rollback failed: %s",
			  sqlite3_errmsg(st->eng->db));
}

int sq_rights_gen(struct store *st, int64_t *out)
{
	return db_int(st, out, "SELECT v FROM meta WHERE k = 'rights'", "");
}

/* SQLite's data version of the main database as this connection sees it:
 * it moves when a transaction of any connection commits, and is brought
 * up to date when this connection starts reading. */
static uint64_t data_version(struct store *st)
{
	unsigned v = 0;

	sqlite3_file_control(st->eng->db, "main", SQLITE_FCNTL_DATA_VERSION,
			     &v);
	return v;
}

int sq_access_gen(struct store *st, int64_t *gen, struct meta_mark *mark)
{
	/* Both counters only grow: their sum moves when either does. */
	int rc = db_int(st, gen,
			"SELECT (SELECT v FROM meta WHERE k = 'rights')"
			" + coalesce((SELECT v FROM meta WHERE k = 'access'),"
			" 0)",
			"");

	if (rc)
		return rc;
	/* Read under the snapshot the sum came from (a statement outside a
	 * transaction leaves the version it saw). */
	mark->version = data_version(st);
	mark->writes = st->eng->writes;
	mark->resets = st->eng->resets;
	return 0;
}

bool db_mark(struct store *st, struct meta_mark *mark)
{
	if (!st->eng ||
	    sqlite3_txn_state(st->eng->db, "main") == SQLITE_TXN_NONE)
		return false;
	mark->version = data_version(st);
	mark->writes = st->eng->writes;
	mark->resets = st->eng->resets;
	return true;
}

bool sq_unchanged_since(struct store *st, const struct meta_mark *mark)
{
	/* Before its first statement a transaction has no snapshot yet: the
	 * version is the last one's. */
	if (!st->eng || sqlite3_txn_state(st->eng->db, "main") == SQLITE_TXN_NONE)
		return false;
	return st->eng->writes == mark->writes &&
	       data_version(st) == mark->version;
}

int64_t db_changes(struct store *st)
{
	return sqlite3_changes64(st->eng->db);
}

int64_t db_last_id(struct store *st)
{
	return sqlite3_last_insert_rowid(st->eng->db);
}

const char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

int sq_savepoint(struct store *st)
{
	st->eng->writes_at_savepoint = st->eng->writes;
	return db_run(st, "SAVEPOINT keep", "");
}

int sq_savepoint_end(struct store *st, bool keep)
{
	int rc;

	if (keep)
		return db_run(st, "RELEASE keep", "");
	rc = db_run(st, "ROLLBACK TO keep", "");
	return rc ? rc : db_run(st, "RELEASE keep", "");
}

bool sq_txn_active(struct store *st)
{
	return st->eng && sqlite3_get_autocommit(st->eng->db) == 0;
}
