/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PostgreSQL engine's core, shared by the files of backend/pg/ and
 * included by nothing outside it: the libpq connection, the cache of
 * prepared statements, the statement helpers every query of the engine
 * goes through, transactions, and the one place where SQLSTATEs become
 * errnos (pgdb.c).  It plays the part sqlite/engine.h and sqlite/db.c
 * play for SQLite, so that an area file of sqlite/ translates into pg/
 * query by query: db_run -> pg_run, db_int -> pg_int, db_q/db_row/col_* ->
 * pg_q and pg_col_*, db_last_id -> INSERT ... RETURNING id with pg_int.
 *
 * Conventions (those of meta.h, which the pg_* meta calls implement):
 * every int-returning call returns 0 or a negative errno, with a message
 * set (store_fail) on every error and -EIO/-ENOMEM also logged; out-
 * parameters hold their result only on 0 (pointers a call allocates are
 * NULL on error); lists are malloc'd and no result stays open across
 * calls.  SQLSTATE -> errno (pg_error):
 *   23xxx integrity (unique 23505, foreign key, check, not null)
 *                                         -EEXIST (as SQLite's CONSTRAINT)
 *   40001 serialization failure, 40P01 deadlock
 *                                         -EAGAIN: the transaction cannot
 *        commit; the caller rolls it back (pg_rollback) and retries the
 *        WHOLE transaction from its BEGIN.
 *   55P03 lock not available (lock_timeout, 30 s as SQLite's busy
 *         timeout), 57014 query canceled     -EBUSY
 *   connection lost (class 08, 57P01-57P03, PQstatus bad)
 *                                         -EIO; the connection is
 *        dropped and made again by the next pg_begin or by the next
 *        statement run outside a transaction
 *   53100 disk full -ENOSPC; 53200 out of memory -ENOMEM;
 *   42501 privilege, 25006 read-only transaction -EACCES;
 *   22021/22P05 bytes the database's encoding refuses -EILSEQ;
 *   54000 program limit (a value too large) -EFBIG;
 *   anything else                         -EIO, logged with the SQL
 *   no row where one was asked for (pg_int, pg_text, pg_blob)  -ENOENT
 *
 * Unlike SQLite, PostgreSQL aborts the whole transaction at the first
 * failed statement: every later statement of it fails until ROLLBACK (or
 * ROLLBACK TO a savepoint taken before the failure).  The helpers below
 * then return the errno of that first failure again, without a round
 * trip, so -EAGAIN keeps meaning "retry it all".  So a statement whose
 * failure the caller means to survive (a name that may be taken: -EEXIST
 * and carry on) must not fail: write it INSERT ... ON CONFLICT DO NOTHING
 * and test pg_changes(st) == 0, or wrap it in pg_savepoint /
 * pg_savepoint_end (two more round trips).
 *
 * SQL text: $1, $2 ... for parameters (SQLite's ?1 ... become $1 ...; a
 * bare ? must be numbered).  Every statement is a string literal (the
 * cache keys statements by the address of their text, as db.c does) and
 * is always called with the same fmt.
 *
 * Parameters (fmt, one char per parameter, as db.c's):
 *   'i' int64_t          sent as text with its type inferred by the server
 *                        from where it stands, so it fits a bigint, an
 *                        integer or a boolean column alike; where the
 *                        server cannot infer a type (SELECT $1, $1 + $2,
 *                        coalesce($1, $2)) cast it in the SQL: $1::bigint
 *   't' const char *     text, NULL binds NULL (type inferred as for 'i')
 *   'b' const void *, size_t   bytea, sent binary (no escaping); a NULL
 *                        pointer binds NULL
 *   'n' (no argument)    NULL (type inferred)
 * Results always come back in binary: pg_col_int reads any integer,
 * boolean, numeric (sum() of bigint is numeric) or float column and text
 * holding a number; pg_col_text reads text columns (cast others ::text);
 * pg_col_blob reads bytea without unescaping.
 *
 * The schema's own translations of SQLite (schema.c says more): integer
 * flags stay 0/1 bigints (queries bind and compare them as integers), text
 * columns are COLLATE "C" (byte order, as SQLite's BINARY), iif(a, b, c)
 * is CASE WHEN a <> 0 THEN b ELSE c END, unixepoch() is gfs_now(),
 * gfs_origin() exists as an SQL function, INSERT OR IGNORE is ON CONFLICT
 * DO NOTHING, INSERT OR REPLACE is ON CONFLICT (key) DO UPDATE, IS NOT
 * between values is IS DISTINCT FROM, mail_address.address (SQLite:
 * COLLATE NOCASE) is unique by lower(address) and looked up with
 * lower(address) = lower($1), gfs_fold() does not exist (fold in C).
 */
#ifndef GROUPFS_PG_PGDB_H
#define GROUPFS_PG_PGDB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "meta.h"
#include "pg_calls.h" /* this engine's meta.h: pg_X for meta_X */

#define PG_STMT_SLOTS 512

/* The channel the journal's trigger notifies (payload: the writer's
 * origin, in decimal); daemons LISTEN on it (pg_listen). */
#define PG_JOURNAL_CHANNEL "groupfs_journal"

struct pg_slot {
	const char *sql; /* identity: callers pass string literals */
	int nparams;	 /* strlen(fmt) at the first call */
	bool write;	 /* may change rows: st->wseq moves */
	unsigned id;	 /* prepared as "g<id>" on this connection */
};

/* One connection (struct store.eng points at it: pgdb(st)). */
struct pgdb {
	PGconn *conn;	 /* NULL: none (not connected, or lost) */
	char *conninfo;	 /* to connect again */
	bool readonly;
	bool txn;	 /* pg_begin'd, not yet committed or rolled back */
	struct store *st;   /* for the notice receiver (hist_gone) */
	int txn_err;	    /* the errno the open transaction failed with */
	int savepoints;	    /* savepoints open in the transaction */
	int64_t changes;    /* rows the last statement changed */
	uint64_t conn_gen;  /* connections made so far (pg_conn_gen) */
	uint64_t txns;	    /* transactions begun (pg_unchanged_since) */
	uint64_t listening; /* conn_gen LISTEN was sent on (pg_listen) */
	uint64_t gen_moves; /* generations moved here, and rollbacks */
	/* The rights generation read in transaction rights_txn (pg_txns)
	 * when gen_moves was rights_moves (pg_rights_gen). */
	int64_t rights;
	uint64_t rights_txn, rights_moves;
	/* The trash may hold a row this session has not seen: a new
	 * connection, or content trashed since pg_trash_next last found the
	 * table empty (pg_trash_next). */
	bool trash_unknown;
	bool txn_write;	    /* the open transaction was begun to write */
	/* The daemon whose session this is holds its mark since connection
	 * runs_gen (pg_daemon_ack; 0: none). */
	uint64_t runs_gen;
	int64_t runs_origin;
	/* Statements sent ahead (pgdb.c): their Syncs not read yet.
	 * While any is, the connection is in libpq's pipeline mode. */
	int ahead;
	/* The generations sent ahead with the transaction's BEGIN (pgdb.c,
	 * gens_ahead): gens_slot is their place among what is ahead (1: the
	 * first; 0: read, or none sent), gens_txn the transaction (txns)
	 * they belong to when gens_read, and gens_moves gen_moves then;
	 * gens_on: sent with every BEGIN. */
	int gens_slot;
	bool gens_on, gens_read;
	uint64_t gens_txn, gens_moves;
	int64_t gens_rights, gens_access, gens_schema;
	/* The transaction's BEGIN went ahead and none of its statements
	 * has come back yet: a connection found lost may begin again. */
	bool fresh;
	unsigned next_id;   /* names of prepared statements */
	struct pg_slot cache[PG_STMT_SLOTS];
};

/* A space's capacity (the plan of the group's administrator, or of the
 * private space's owner), for queries on `space s`: SELECT ...
 * PG_SPACE_CAPACITY ... FROM space s PG_SPACE_PLAN WHERE ... (as
 * sqlite/engine.h's SPACE_PLAN and SPACE_CAPACITY). */
#define PG_SPACE_PLAN                                                         \
	" JOIN account qa ON qa.id = coalesce((SELECT m.account_id FROM"      \
	" membership m WHERE m.group_id = s.group_id AND m.role = 3),"        \
	" s.account_id) JOIN plan qp ON qp.id = qa.plan_id"
#define PG_SPACE_CAPACITY                                                     \
	" CASE WHEN s.group_id IS NULL THEN qp.private_bytes"                 \
	" ELSE qp.group_bytes END"
/* A space's room (struct room, but max_files) from column 0: SELECT
 * PG_ROOM_COLS ... FROM space s PG_SPACE_PLAN (pg_room_row). */
#define PG_ROOM_COLS                                                          \
	" s.used, s.meta, s.files, s.root, s.drop_dir, s.hist_used,"          \
	PG_SPACE_CAPACITY
void pg_room_row(const PGresult *r, int row, int col, struct room *out);

/* After "WITH u AS (...)", the rest of a statement that makes node $3's
 * inline content a copy of node $2's, none when $2 has none: the two
 * changes never touch the same row, as one statement requires. */
#define PG_INLINE_COPY                                                        \
	", d AS (DELETE FROM node_inline WHERE node = $3 AND NOT EXISTS"      \
	" (SELECT 1 FROM node_inline WHERE node = $2))"                       \
	" INSERT INTO node_inline (node, data) SELECT $3, data FROM"          \
	" node_inline WHERE node = $2 ON CONFLICT (node) DO UPDATE SET"       \
	" data = excluded.data"

/* The engine's connection of store handle `st`. */
static inline struct pgdb *pgdb(struct store *st)
{
	return (struct pgdb *)(void *)st->eng;
}

/* ---- the meta.h calls of this engine (its table of calls points here) */

/* Connect to `conninfo` (a libpq connection string or URI) and set the
 * session up: search_path as given, this process's origin for the
 * journal (gfs_origin()), lock_timeout 30 s, synchronous_commit off when
 * st->sh->fast_commit (SQLite's synchronous=NORMAL), every transaction
 * read-only when `readonly`.  The schema is not checked (pg_schema_behind,
 * pg_migrate).  -EIO: the server could not be reached or refused us (the
 * message says libpq's reason).  On error st->eng is left set: pg_close
 * frees it. */
int pg_open(struct store *st, const char *conninfo, bool readonly,
	    bool create);
/* Disconnect and free; st->eng is NULL after.  An open transaction is
 * rolled back by the server. */
void pg_close(struct store *st);
/* meta_schema_behind: whether the database's schema (gfs_schema.version)
 * is older than this groupfs's; -EPROTO, with a message, when newer.  An
 * empty database is behind. */
int pg_schema_behind(struct store *st, bool *behind);
/* The schema's version as the generations sent ahead with the open
 * transaction's BEGIN brought it (pgdb.c); false when none came. */
bool pg_schema_ahead(struct store *st, int64_t *version);
/* meta_migrate, in a write transaction (pg_begin(st, true)): bring the
 * schema up to date; *fresh: the database held no groupfs schema (its
 * default rows are the caller's).  Two processes migrating at once: the
 * loser gets -EAGAIN and retries, finding the schema made.  Warns (log)
 * when the database's encoding is not SQL_ASCII: names that are not
 * UTF-8 will then be refused (-EILSEQ) where SQLite keeps them. */
int pg_migrate(struct store *st, bool *fresh);
/* meta_begin: BEGIN, sent ahead.  write: READ COMMITTED after taking the
 * store's writer lock (an advisory lock: one writer at a time, whichever
 * machine it is on, so what the rules read stays true until the commit,
 * and no writer waits on another's rows); otherwise REPEATABLE READ READ
 * ONLY: one snapshot, as SQLite's read transaction.  Connects again
 * first when the connection is known lost; one found lost by the
 * transaction's first statement is made again and the transaction begun
 * again there (nothing of it had run).  The writer lock not had within
 * lock_timeout is -EBUSY at that first statement. */
int pg_begin(struct store *st, bool write);
/* meta_commit: COMMIT.  A transaction that had failed is rolled back and
 * its first error returned; -EAGAIN: a serialization failure at commit
 * (rolled back: retry).  -EIO with the connection lost: the outcome is
 * unknown.  A read-only transaction's COMMIT is sent ahead (it changes
 * nothing that could be lost).  No transaction is open after, whatever
 * it returns. */
int pg_commit(struct store *st);
/* meta_rollback: ROLLBACK when a transaction is open; never fails (a
 * lost connection has no transaction left). */
void pg_rollback(struct store *st);
/* meta_savepoint / meta_savepoint_end: SAVEPOINT keep (they nest, the
 * innermost first), and RELEASE keep (keep) or ROLLBACK TO keep; RELEASE
 * keep.  Rolling back to a savepoint also clears a failure that happened
 * after it: the transaction goes on. */
int pg_savepoint(struct store *st);
int pg_savepoint_end(struct store *st, bool keep);
/* meta_txn_active: whether a transaction is open: begun and not yet
 * committed or rolled back, failed or not, even when its connection was
 * lost (statements then fail with -EIO until pg_rollback). */
bool pg_txn_active(struct store *st);
/* meta_rights_gen: meta 'rights'. */
int pg_rights_gen(struct store *st, int64_t *out);

/* ---- statements --------------------------------------------------------
 * Each prepares `sql` once per connection (PQprepare, cached), binds the
 * parameters fmt describes and runs it (PQexecPrepared, binary results).
 * st->wseq moves for every statement that does not start with SELECT and
 * at every transaction boundary (meta.h).  A statement outside a
 * transaction runs in its own (autocommit). */

/* Run; *res: the result (its rows: PQntuples; read them with pg_col_*),
 * which the caller frees with PQclear.  *res is NULL on error. */
int pg_q(struct store *st, PGresult **res, const char *sql, const char *fmt,
	 ...);
/* Run for its effect; pg_changes(st) then tells the rows it changed. */
int pg_run(struct store *st, const char *sql, const char *fmt, ...);
/* Run `sql` made at run time (not prepared, not cached: its text need not
 * be a literal) with n parameters as PQexecParams takes them; *res: the
 * result, binary, as pg_q's. */
int pg_dyn(struct store *st, PGresult **res, const char *sql, int n,
	   const char *const *vals, const int *lens, const int *fmts);
/* Rows the last statement (pg_q, pg_run or any helper below) inserted,
 * updated or deleted (or, for a SELECT, returned). */
int64_t pg_changes(struct store *st);
/* The first column of the first row as an integer (0 for NULL).
 * -ENOENT: no row.  For an id made by an INSERT: INSERT ... RETURNING
 * id (SQLite's last_insert_rowid). */
int pg_int(struct store *st, int64_t *out, const char *sql, const char *fmt,
	   ...);
/* The first column of the first row as a malloc'd string ("" for
 * NULL), which the caller frees.  -ENOENT: no row. */
int pg_text(struct store *st, char **out, const char *sql, const char *fmt,
	    ...);
/* The first column of the first row (bytea or text): *len its length
 * (0 for NULL); copied to buf when it fits `size` bytes (buf may be NULL
 * when size is 0: a length query).  -ENOENT: no row. */
int pg_blob(struct store *st, void *buf, size_t size, size_t *len,
	    const char *sql, const char *fmt, ...);
/* The first column of every row as an integer, into *out (malloc'd, *n
 * of them; NULL and 0 on error or when there is no row). */
int pg_ints(struct store *st, int64_t **out, size_t *n, const char *sql,
	    const char *fmt, ...);
/* The first two columns of every row as integers, into *out (malloc'd,
 * *n rows; NULL and 0 on error). */
int pg_pairs(struct store *st, int64_t (**out)[2], size_t *n, const char *sql,
	     const char *fmt, ...);
/* The first column of every row as text, into *out (malloc'd strings in a
 * malloc'd array, *n of them; NULL and 0 on error). */
int pg_texts(struct store *st, char ***out, size_t *n, const char *sql,
	     const char *fmt, ...);
/* SQL text of one or more statements, unprepared and without
 * parameters (schema, SET).  st->wseq moves. */
int pg_exec(struct store *st, const char *sql);

/* ---- statements sent ahead ---------------------------------------------
 * A statement nothing waits on (a transaction's BEGIN, SAVEPOINT and
 * RELEASE, a read-only COMMIT) is sent at once and its result read later,
 * with the next statement's: the server runs it while this process goes
 * on, and no request waits a round trip for it (on a 2-core machine a
 * round trip over a Unix socket costs about 50 us, more than most
 * statements).  Sent ahead in libpq's pipeline mode, each with its own
 * Sync; the connection leaves pipeline mode once they are read.  A
 * failure among them is returned by the next statement instead of that
 * statement's own outcome when a transaction is open (the transaction has
 * failed: txn_err), and logged otherwise.  Every other call reads them
 * first.  A write is never sent ahead: its failure would reach whatever
 * request comes next.  The marks of items held open are (store.c, on a
 * session of their own), and settled before anything depends on them
 * (pg_holds_settle). */

/* Send statement `sql` (parameters as pg_q's) ahead, unprepared: its
 * failure comes back as above.  For what nothing reads the result of: a
 * lock kept by the session (store.c), a setting of the transaction
 * (blob.c).  Once PG_AHEAD_MAX results wait, they are read first: the
 * server would stop reading while its replies wait. */
#define PG_AHEAD_MAX 16
int pg_ahead(struct store *st, const char *sql, const char *fmt, ...);
/* Read what went ahead (waiting for what has not come): once it returns
 * 0, every statement sent ahead has taken effect.  Its failure is
 * logged.  -EIO: the connection was lost. */
int pg_settle(struct store *st);

/* ---- a result's columns (binary format; row and col from 0) ---------- */
/* As an integer: any integer type, boolean (0/1), numeric and float
 * (truncated toward zero), oid, or text holding a decimal number; 0 for
 * NULL. */
int64_t pg_col_int(const PGresult *r, int row, int col);
/* As text: "" for NULL; valid until PQclear.  For text columns (cast
 * others in the SQL: id::text). */
const char *pg_col_text(const PGresult *r, int row, int col);
/* The bytes of a bytea or text column, *len of them: NULL and 0 for
 * NULL; valid until PQclear. */
const void *pg_col_blob(const PGresult *r, int row, int col, size_t *len);
/* Whether the value is NULL. */
bool pg_col_null(const PGresult *r, int row, int col);

/* ---- errors ---------------------------------------------------------- */
/* The negative errno of a failed result (or of the connection, when `r`
 * is NULL), with a message naming `what` (store_fail) and, for -EIO and
 * -ENOMEM, a log line; a lost connection is dropped here.  0 when `r`
 * succeeded. */
int pg_error(struct store *st, const PGresult *r, const char *what);

/* ---- the journal's notifications (LISTEN/NOTIFY) ----------------------
 * Every row inserted into journal notifies PG_JOURNAL_CHANNEL at its
 * transaction's commit, with the row's origin as payload (so once per
 * transaction: equal notifications are delivered once), to every
 * session listening, this one included.  A session that reconnects has
 * lost its LISTEN and whatever was notified meanwhile: compare
 * pg_conn_gen, listen again and read the journal from the last seq
 * applied. */

/* LISTEN on PG_JOURNAL_CHANNEL (outside a transaction, or it takes
 * effect at its commit). */
int pg_listen_start(struct store *st);
/* The connection's socket, to poll for reading (-1: not connected); on
 * POLLIN call pg_notify_next until it returns 0. */
int pg_socket(struct store *st);
/* The next notification received: 1 and *origin its payload, 0 when
 * none is waiting (it never blocks), -EIO when the connection is lost.
 * Consumes input from the socket. */
int pg_notify_next(struct store *st, int64_t *origin);
/* How many connections this handle has made: it moves at each
 * reconnection, when session state (LISTEN, held items' locks) is gone. */
uint64_t pg_conn_gen(struct store *st);

/* ---- items held open (history must not free them; store.c) ----------- */
/* Settle (pg_settle) the session that holds this process's marks on st's
 * database (store.c, pg_node_hold), when it has any waiting: before a
 * writer's statements (pg_begin, pg_savepoint) and pg_node_held, so that
 * every mark this process took or ended before is in place for them. */
void pg_holds_settle(struct store *st);

/* ---- history's folders --------------------------------------------------
 * The trigger hist_dir_gone (a history entry removed) raises a NOTICE
 * with SQLSTATE PG_HIST_GONE_STATE and message "<space> <hdir>"; the
 * connection's notice receiver calls st->sh->hooks->hist_gone(st, space,
 * hdir) as the statement runs, as SQLite's gfs_hist_gone() does.  Other
 * notices are logged at info level. */
#define PG_HIST_GONE_STATE "GF001"
/* The rights or access generation moved in this session's transaction
 * (schema entry 3): pg_unchanged_since counts them. */
#define PG_GEN_MOVED_STATE "GF002"
/* A content id went to the trash in this session's transaction (schema
 * entry 5): pg_trash_next asks the table again. */
#define PG_TRASHED_STATE "GF003"

#endif
