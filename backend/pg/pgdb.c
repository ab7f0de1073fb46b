// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's core (pgdb.h): the connection and its session
 * settings, the notice receiver that carries history's folders back to the
 * rules, the cache of prepared statements, the statement helpers and what
 * goes ahead in a pipeline, transactions, and the one place where
 * SQLSTATEs become errnos.  A result's columns: cols.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

/* The type oid of bytea parameters (pg_type.dat). */
#define OID_BYTEA 17

#define MAX_PARAMS 32

/* ---- errors ---- */

/* A SQLSTATE as an errno; *lost: the connection is gone. */
static int state_errno(const char *state, bool *lost)
{
	*lost = false;
	if (!state || !*state)
		return -EIO;
	if (strncmp(state, "23", 2) == 0)
		return -EEXIST;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return -EAGAIN;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return -EBUSY;
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0) {
		*lost = true;
		return -EIO;
	}
	if (strcmp(state, "53100") == 0)
		return -ENOSPC;
	if (strcmp(state, "53200") == 0)
		return -ENOMEM;
	if (strcmp(state, "42501") == 0 || strcmp(state, "25006") == 0)
		return -EACCES;
	if (strcmp(state, "22021") == 0 || strcmp(state, "22P05") == 0)
		return -EILSEQ;
	if (strcmp(state, "54000") == 0)
		return -EFBIG;
	return -EIO;
}

/* The connection is gone: drop it (the server ended its transaction);
 * the next pg_begin or autocommit statement connects again. */
static void drop_conn(struct pgdb *db)
{
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
	db->txn_err = 0;
	db->ahead = 0;
	db->gens_slot = 0;
	db->gens_read = false;
	/* savepoints stay counted: a transaction whose BEGIN went ahead
	 * begins again with them (begin_again). */
}

/* A message on one line: libpq's may hold several, and end with one. */
static void trim(char *s)
{
	size_t n = strlen(s);
	char *p;

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (p = s; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

int pg_error(struct store *st, const PGresult *r, const char *what)
{
	struct pgdb *db = pgdb(st);
	const char *state = NULL, *msg = NULL;
	char text[400];
	bool lost;
	int err;

	if (r) {
		ExecStatusType s = PQresultStatus(r);

		if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
			return 0;
		state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	}
	if (!msg || !*msg)
		msg = db && db->conn ? PQerrorMessage(db->conn) : "no connection";
	copy_str(text, sizeof(text), msg);
	trim(text);
	err = state_errno(state, &lost);
	/* No SQLSTATE and a dead socket: the server went away. */
	if (db && (!db->conn || PQstatus(db->conn) == CONNECTION_BAD))
		lost = true, err = -EIO;
	if (lost && db)
		drop_conn(db);
	if (err == -EIO || err == -ENOMEM)
		store_log(st, STORE_LOG_ERR, "database: %s: %s%s%s", what, text,
			  state ? " SQLSTATE " : "", state ? state : "");
	return store_fail(st, err, "database: %s: %s", what, text);
}

/* ---- the connection ---- */

/* The trigger hist_dir_gone speaks through NOTICE (pgdb.h). */
static void notice_fn(void *arg, const PGresult *r)
{
	struct store *st = arg;
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	long long space;
	unsigned long long hdir;

	if (state && strcmp(state, PG_HIST_GONE_STATE) == 0 && msg &&
	    sscanf(msg, "%lld %llu", &space, &hdir) == 2) {
		if (st->sh && st->sh->hooks && st->sh->hooks->hist_gone)
			st->sh->hooks->hist_gone(st, space, hdir);
		return;
	}
	if (state && strcmp(state, PG_GEN_MOVED_STATE) == 0) {
		struct pgdb *db = pgdb(st);

		if (db)
			db->gen_moves++;
		return;
	}
	if (state && strcmp(state, PG_TRASHED_STATE) == 0) {
		struct pgdb *db = pgdb(st);

		if (db)
			db->trash_unknown = true;
		return;
	}
	store_log(st, STORE_LOG_INFO, "database: %s", msg ? msg : "notice");
}

static int connect_db(struct store *st)
{
	struct pgdb *db = pgdb(st);
	const char *keys[] = {"dbname", "fallback_application_name", NULL};
	const char *vals[] = {db->conninfo, "groupfs", NULL};
	char setup[512];
	PGresult *r;
	size_t i;
	int rc;

	db->conn = PQconnectdbParams(keys, vals, 1);
	if (!db->conn)
		return store_fail(st, -ENOMEM, "out of memory");
	if (PQstatus(db->conn) != CONNECTION_OK) {
		char msg[400];

		copy_str(msg, sizeof(msg), PQerrorMessage(db->conn));
		trim(msg);
		PQfinish(db->conn);
		db->conn = NULL;
		store_log(st, STORE_LOG_ERR, "database: connect: %s", msg);
		return store_fail(st, -EIO, "database: cannot connect: %s",
				  msg);
	}
	db->conn_gen++;
	/* What others left in the trash is looked for once per session. */
	db->trash_unknown = true;
	/* Statements were prepared on the old session only. */
	for (i = 0; i < PG_STMT_SLOTS; i++)
		db->cache[i].id = 0;
	PQsetNoticeReceiver(db->conn, notice_fn, st);
	snprintf(setup, sizeof(setup),
		 "SET client_min_messages = notice;"
		 "SET lock_timeout = '30s';"
		 "SET groupfs.origin = '%lld';"
		 "SET synchronous_commit = %s;"
		 "SET default_transaction_read_only = %s;",
		 st->sh ? (long long)st->sh->origin : 0LL,
		 st->sh && st->sh->fast_commit ? "off" : "on",
		 db->readonly ? "on" : "off");
	r = PQexec(db->conn, setup);
	rc = pg_error(st, r, "session set-up");
	PQclear(r);
	return rc;
}

/* Connected, or connect again: before a transaction, or a statement run
 * outside one. */
static int ensure_conn(struct store *st)
{
	struct pgdb *db = pgdb(st);

	if (!db)
		return store_fail(st, -EIO,
				  "this store handle is detached (a bug)");
	if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	drop_conn(db);
	return connect_db(st);
}

int pg_open(struct store *st, const char *conninfo, bool readonly, bool create)
{
	struct pgdb *db = calloc(1, sizeof(*db));

	/* A new store's database is made by its operator (createdb); the
	 * schema is pg_migrate's. */
	(void)create;
	if (!db)
		return store_fail(st, -ENOMEM, "out of memory");
	st->eng = (struct engine *)(void *)db;
	db->st = st;
	db->readonly = readonly;
	db->conninfo = strdup(conninfo);
	if (!db->conninfo)
		return store_fail(st, -ENOMEM, "out of memory");
	return connect_db(st);
}

void pg_close(struct store *st)
{
	struct pgdb *db = pgdb(st);

	if (!db)
		return;
	drop_conn(db);
	free(db->conninfo);
	free(db);
	st->eng = NULL;
}

uint64_t pg_conn_gen(struct store *st)
{
	return pgdb(st) ? pgdb(st)->conn_gen : 0;
}

/* ---- statements ---- */

/* Whether the caller's transaction is open (pg_begin, not yet ended),
 * even when the connection that held it was lost. */
static bool in_txn(const struct pgdb *db)
{
	return db->txn;
}

/* The connection held by a transaction is gone: statements fail until
 * the caller rolls back. */
static int lost_in_txn(struct store *st)
{
	return store_fail(st, -EIO, "database: the connection was lost in "
			  "the transaction");
}

/* After an error: whether the server's transaction is now failed, and
 * what with (vquery answers it again). */
static void note_failure(struct pgdb *db, int rc)
{
	if (rc && db->conn && !db->txn_err &&
	    PQtransactionStatus(db->conn) == PQTRANS_INERROR)
		db->txn_err = rc;
}

/* ---- statements sent ahead (pgdb.h) ---- */

/* Read one Sync's worth of results: the statement's own into *own when
 * own is not NULL (the caller clears it), else its failure is returned.
 * A connection that breaks meanwhile is dropped (-EIO). */
static int read_segment(struct store *st, PGresult **own)
{
	struct pgdb *db = pgdb(st);
	int rc = 0, nulls = 0;

	while (db->conn) {
		PGresult *r = PQgetResult(db->conn);

		if (!r) {
			/* NULL ends each statement's results; two in a row,
			 * or a dead socket: nothing more will come. */
			if (PQstatus(db->conn) != CONNECTION_BAD && ++nulls < 2)
				continue;
			if (!rc)
				rc = store_fail(st, -EIO, "database: the "
						"connection was lost");
			drop_conn(db);
			break;
		}
		nulls = 0;
		switch (PQresultStatus(r)) {
		case PGRES_PIPELINE_SYNC:
			PQclear(r);
			return rc;
		case PGRES_PIPELINE_ABORTED:
			/* Skipped after an earlier failure: that one is
			 * what is reported. */
			if (!rc)
				rc = pg_error(st, r, "statement");
			PQclear(r);
			break;
		default:
			if (own && !*own) {
				*own = r;
				break;
			}
			if (!rc)
				rc = pg_error(st, r, "statement");
			PQclear(r);
		}
	}
	return rc ? rc : store_fail(st, -EIO, "database: the connection was "
				    "lost");
}

/* The generations' row (gens_ahead) read into db; its failure, or 0. */
static int gens_came(struct store *st, PGresult *r)
{
	struct pgdb *db = pgdb(st);
	int rc = r ? pg_error(st, r, "generations") : 0;

	if (rc == 0 && r && PQntuples(r) == 1) {
		db->gens_rights = pg_col_int(r, 0, 0);
		db->gens_access = pg_col_int(r, 0, 1);
		db->gens_schema = pg_col_int(r, 0, 2);
		db->gens_read = true;
	}
	PQclear(r);
	return rc;
}

/* Read the results of what was sent ahead; their first failure, or 0. */
static int read_ahead(struct store *st)
{
	struct pgdb *db = pgdb(st);
	int rc = 0, r, slot = 0;

	while (db->ahead > 0 && db->conn) {
		PGresult *own = NULL;

		db->ahead--;
		if (++slot == db->gens_slot) {
			r = read_segment(st, &own);
			if (!r)
				r = gens_came(st, own);
			else
				PQclear(own);
		} else {
			r = read_segment(st, NULL);
		}
		if (r && !rc)
			rc = r;
	}
	db->ahead = 0;
	db->gens_slot = 0;
	return rc;
}

/* Read what was sent ahead; its first failure, or 0.  The connection
 * leaves pipeline mode. */
static int collect_ahead(struct store *st)
{
	struct pgdb *db = pgdb(st);
	int rc = read_ahead(st);

	if (db->conn && PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF)
		PQexitPipelineMode(db->conn);
	if (rc && db->conn &&
	    PQtransactionStatus(db->conn) == PQTRANS_INERROR && !db->txn_err)
		db->txn_err = rc;
	return rc;
}

/* Whether no result waits to be read (and the connection is out of
 * pipeline mode). */
static bool nothing_ahead(const struct pgdb *db)
{
	return !db->ahead &&
	       (!db->conn || PQpipelineStatus(db->conn) == PQ_PIPELINE_OFF);
}

/* Before anything that cannot go in a pipeline (PQexec, PQprepare): what
 * was sent ahead is read.  In a transaction its failure is the caller's;
 * outside one it is only logged (it was a read-only COMMIT, which
 * changed nothing). */
static int settle_ahead(struct store *st)
{
	struct pgdb *db = pgdb(st);
	int rc;

	if (nothing_ahead(db))
		return 0;
	rc = collect_ahead(st);
	if (rc && !db->txn && db->conn) {
		store_log(st, STORE_LOG_INFO, "database: a statement sent "
			  "ahead failed: %s", st->errmsg);
		rc = 0;
	}
	return rc;
}

/* Into pipeline mode, to send ahead. */
static int pipeline_on(struct store *st)
{
	struct pgdb *db = pgdb(st);

	if (!db->conn)
		return store_fail(st, -EIO, "database: not connected");
	if (PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF ||
	    PQenterPipelineMode(db->conn))
		return 0;
	return pg_error(st, NULL, "pipeline");
}

/* Queued (pipeline_on) statement `sent` is followed by its Sync. */
static int sent_ahead(struct store *st, int sent)
{
	struct pgdb *db = pgdb(st);

	if (!sent || !PQpipelineSync(db->conn)) {
		int rc = pg_error(st, NULL, "send");

		if (db->conn)
			drop_conn(db); /* what was queued is unknown */
		return rc;
	}
	db->ahead++;
	return 0;
}

/* Send one statement of text (no parameters) ahead. */
static int text_ahead(struct store *st, const char *sql)
{
	struct pgdb *db = pgdb(st);
	int rc = pipeline_on(st);

	if (rc)
		return rc;
	return sent_ahead(st, PQsendQueryParams(db->conn, sql, 0, NULL, NULL,
						NULL, NULL, 1));
}

/* A statement's round trip: with nothing ahead, PQexecPrepared (name) or
 * PQexecParams (sql); else sent after what is ahead, whose results are
 * read first: *ahead_rc their failure.  The statement's result, or NULL
 * when it could not be had (the connection is lost). */
static PGresult *round_trip(struct store *st, int *ahead_rc,
			    const char *name, const char *sql, int n,
			    const char *const *vals, const int *lens,
			    const int *fmts)
{
	struct pgdb *db = pgdb(st);
	PGresult *own = NULL;
	int sent;

	*ahead_rc = 0;
	if (!db->ahead && PQpipelineStatus(db->conn) == PQ_PIPELINE_OFF)
		return name ? PQexecPrepared(db->conn, name, n, vals, lens,
					     fmts, 1)
			    : PQexecParams(db->conn, sql, n, NULL, vals, lens,
					   fmts, 1);
	sent = name ? PQsendQueryPrepared(db->conn, name, n, vals, lens, fmts,
					  1)
		    : PQsendQueryParams(db->conn, sql, n, NULL, vals, lens,
					fmts, 1);
	if (!sent || !PQpipelineSync(db->conn)) {
		*ahead_rc = pg_error(st, NULL, "send");
		if (db->conn)
			drop_conn(db);
		return NULL;
	}
	/* Ours is the last Sync: the ones before are what went ahead. */
	*ahead_rc = read_ahead(st);
	if (db->conn) {
		int r = read_segment(st, &own);

		if (r && !*ahead_rc)
			*ahead_rc = r;
	}
	if (db->conn && PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF)
		PQexitPipelineMode(db->conn);
	return own;
}

/* Whether `sql` may change rows: all but a SELECT. */
static bool sql_writes(const char *sql)
{
	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '(')
		sql++;
	return strncasecmp(sql, "SELECT", 6) != 0;
}

/* The slot of `sql`, prepared on this connection, into *out. */
static int prepare(struct store *st, const char *sql, const char *fmt,
		   struct pg_slot **out)
{
	struct pgdb *db = pgdb(st);
	size_t h = ((uintptr_t)sql >> 3) % PG_STMT_SLOTS;
	int nparams = (int)strlen(fmt);
	struct pg_slot *slot = NULL;
	Oid types[MAX_PARAMS];
	char name[16];
	PGresult *r;
	size_t i;
	int k, rc;

	for (i = 0; i < PG_STMT_SLOTS; i++) {
		struct pg_slot *s = &db->cache[(h + i) % PG_STMT_SLOTS];

		if (s->sql == sql || s->sql == NULL) {
			slot = s;
			break;
		}
	}
	/* Full (it should not be): more statements than slots is a bug. */
	if (!slot)
		return store_fail(st, -ENOMEM, "statement cache full");
	if (slot->sql && slot->nparams != nparams)
		return store_fail(st, -EINVAL, "statement called with %d "
				  "parameters, then %d (a bug): %.200s",
				  slot->nparams, nparams, sql);
	if (slot->sql && slot->id) {
		*out = slot;
		return 0;
	}
	if (nparams > MAX_PARAMS)
		return store_fail(st, -EINVAL, "too many parameters (a bug)");
	rc = settle_ahead(st);
	if (rc)
		return rc;
	for (k = 0; k < nparams; k++)
		types[k] = fmt[k] == 'b' ? OID_BYTEA : 0;
	if (!++db->next_id)
		db->next_id = 1;
	snprintf(name, sizeof(name), "g%u", db->next_id);
	r = PQprepare(db->conn, name, sql, nparams, types);
	rc = pg_error(st, r, "prepare");
	PQclear(r);
	if (rc) {
		store_log(st, STORE_LOG_ERR, "prepare: %.300s", sql);
		return rc;
	}
	slot->sql = sql;
	slot->nparams = nparams;
	slot->write = sql_writes(sql);
	slot->id = db->next_id;
	*out = slot;
	return 0;
}

/* Bind the parameters fmt describes (pgdb.h) into vals/lens/fmts; nums
 * holds the integers' text. */
static int bind_args(struct store *st, const char *fmt, va_list ap,
		const char **vals, int *lens, int *fmts,
		char (*nums)[24])
{
	int i;

	for (i = 0; fmt[i]; i++) {
		lens[i] = 0;
		fmts[i] = 0;
		switch (fmt[i]) {
		case 'i':
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64,
				 va_arg(ap, int64_t));
			vals[i] = nums[i];
			break;
		case 't':
			vals[i] = va_arg(ap, const char *);
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);

			if (n > INT32_MAX)
				return store_fail(st, -EFBIG,
						  "value too large");
			/* An empty bytea still needs a non-NULL value. */
			vals[i] = p ? (n ? p : "") : NULL;
			lens[i] = (int)n;
			fmts[i] = 1;
			break;
		}
		case 'n':
			vals[i] = NULL;
			break;
		default:
			return store_fail(st, -EINVAL, "bad parameter type "
					  "'%c' (a bug)", fmt[i]);
		}
	}
	return 0;
}

/* Prepare (cached), bind and run; *res: the successful result. */
static int vquery_once(struct store *st, PGresult **res, const char *sql,
		       const char *fmt, va_list ap);

/* Before a statement: a connection to run it on (a transaction's, or one
 * made anew outside one), and no earlier failure in the transaction (a
 * failed transaction fails every statement until its rollback: say its
 * first error again, without asking). */
static int ready(struct store *st)
{
	struct pgdb *db = pgdb(st);

	if (!db)
		return store_fail(st, -EIO,
				  "this store handle is detached (a bug)");
	if (!in_txn(db))
		return ensure_conn(st);
	if (!db->conn)
		return lost_in_txn(st);
	if (db->txn_err)
		return store_fail(st, db->txn_err, "database: the transaction "
				  "failed earlier: %s", strerror(-db->txn_err));
	return 0;
}

int pg_ahead(struct store *st, const char *sql, const char *fmt, ...)
{
	struct pgdb *db = pgdb(st);
	const char *vals[MAX_PARAMS];
	int lens[MAX_PARAMS], fmts[MAX_PARAMS];
	char nums[MAX_PARAMS][24];
	va_list ap;
	int rc;

	if (strlen(fmt) > MAX_PARAMS)
		return store_fail(st, -EINVAL, "too many parameters (a bug)");
	rc = ready(st);
	if (rc)
		return rc;
	va_start(ap, fmt);
	rc = bind_args(st, fmt, ap, vals, lens, fmts, nums);
	va_end(ap);
	if (rc == 0)
		rc = pipeline_on(st);
	if (rc == 0)
		rc = sent_ahead(st, PQsendQueryParams(db->conn, sql,
						      (int)strlen(fmt), NULL,
						      vals, lens, fmts, 1));
	/* Their results are read now and then: the server would stop
	 * reading while its replies wait. */
	if (rc == 0 && db->ahead >= PG_AHEAD_MAX)
		rc = collect_ahead(st);
	return rc;
}

/* After a statement: its error (logged with its text unless it is one
 * the rules expect), or its result into *res and the rows it changed.
 * ahead_rc: the failure of what went ahead of it (round_trip), which
 * fails a transaction before this statement ran in it. */
static int finished(struct store *st, PGresult *r, const char *sql,
		    PGresult **res, int ahead_rc)
{
	struct pgdb *db = pgdb(st);
	int rc;

	if (ahead_rc && (db->txn || !db->conn)) {
		PQclear(r);
		note_failure(db, ahead_rc);
		return ahead_rc;
	}
	if (ahead_rc)
		store_log(st, STORE_LOG_INFO, "database: a statement sent "
			  "ahead failed: %s", st->errmsg);
	rc = pg_error(st, r, "statement");
	if (rc) {
		PQclear(r);
		if (rc != -EEXIST && rc != -EAGAIN)
			store_log(st, rc == -EIO ? STORE_LOG_ERR :
				  STORE_LOG_INFO, "statement: %.300s", sql);
	} else {
		const char *n = PQcmdTuples(r);

		db->changes = *n ? strtoll(n, NULL, 10) : PQntuples(r);
		*res = r;
		db->fresh = false;
	}
	note_failure(db, rc);
	return rc;
}

static int begin_again(struct store *st);

/* The generations (meta_rights_gen, meta_access_gen) as the transaction
 * sees them.  Sent ahead right after its BEGIN (and a writer's lock), so
 * that they come back with its first statement's result: a request that
 * looks a name up waits for the folder and the name, not for the
 * generations first (one round trip of three).  A reader's snapshot is
 * that of its first statement, this one; a writer reads them once it
 * holds the writer lock, which they follow in the pipeline.  Sent once
 * the connection's handle has read them the usual way (gens_on): the
 * store's tables exist then (a store being made has none yet, and a
 * failed statement would fail its transaction).  The schema's version
 * comes with them, for a writer's check (pg_schema_current). */
static const char gens_sql[] =
	"SELECT (SELECT v FROM meta WHERE k = 'rights'),"
	" coalesce((SELECT v FROM meta WHERE k = 'access'), 0),"
	" (SELECT max(version) FROM gfs_schema)";

static int gens_ahead(struct store *st)
{
	struct pgdb *db = pgdb(st);
	struct pg_slot *slot;
	char name[16];
	int rc = prepare(st, gens_sql, "", &slot);

	if (rc == 0)
		rc = pipeline_on(st);
	if (rc)
		return rc;
	snprintf(name, sizeof(name), "g%u", slot->id);
	rc = sent_ahead(st, PQsendQueryPrepared(db->conn, name, 0, NULL, NULL,
						NULL, 1));
	if (rc == 0)
		db->gens_slot = db->ahead;
	return rc;
}

/* Into *rights and *access the generations sent ahead with the open
 * transaction's BEGIN, read now if they are not yet; false when there
 * are none to trust (outside a transaction, after a change of this
 * session's that moved one, or a failure). */
static bool gens_now(struct store *st, int64_t *rights, int64_t *access)
{
	struct pgdb *db = pgdb(st);

	if (!db || !in_txn(db) || !db->conn || db->txn_err ||
	    db->gens_txn != db->txns || db->gens_moves != db->gen_moves)
		return false;
	if (!db->gens_read && db->gens_slot && collect_ahead(st) != 0)
		return false;
	if (!db->gens_read || !db->conn)
		return false;
	*rights = db->gens_rights;
	*access = db->gens_access;
	return true;
}

bool pg_schema_ahead(struct store *st, int64_t *version)
{
	int64_t rights, access;

	if (!gens_now(st, &rights, &access))
		return false;
	*version = pgdb(st)->gens_schema;
	return true;
}

/* The generations: those sent ahead (gens_now), else read now, after
 * which they go ahead with every BEGIN (gens_on). */
static int gens_read(struct store *st, int64_t *rights, int64_t *access)
{
	struct pgdb *db = pgdb(st);
	PGresult *r;
	int rc;

	if (gens_now(st, rights, access))
		return 0;
	rc = pg_q(st, &r, gens_sql, "");
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return store_fail(st, -EIO, "database: no generations (the "
				  "store's meta table is damaged)");
	}
	*rights = pg_col_int(r, 0, 0);
	*access = pg_col_int(r, 0, 1);
	PQclear(r);
	if (db)
		db->gens_on = true;
	return 0;
}

/* A statement outside a transaction that finds the connection gone (the
 * server restarted while this one was idle) runs again once on a new
 * one: nothing was under way, so nothing is lost or done twice.  So does
 * the first statement of a transaction whose BEGIN went ahead, after
 * beginning it again. */
static int vquery(struct store *st, PGresult **res, const char *sql,
		  const char *fmt, va_list ap)
{
	struct pgdb *db = pgdb(st);
	va_list again;
	int rc;

	va_copy(again, ap);
	rc = vquery_once(st, res, sql, fmt, ap);
	if (rc == -EIO && db && !db->conn &&
	    (!in_txn(db) || (db->fresh && begin_again(st) == 0)))
		rc = vquery_once(st, res, sql, fmt, again);
	va_end(again);
	return rc;
}

static int vquery_once(struct store *st, PGresult **res, const char *sql,
		       const char *fmt, va_list ap)
{
	struct pgdb *db = pgdb(st);
	const char *vals[MAX_PARAMS];
	int lens[MAX_PARAMS], fmts[MAX_PARAMS];
	char nums[MAX_PARAMS][24];
	struct pg_slot *slot = NULL;
	char name[16];
	PGresult *r;
	int rc, ahead_rc;

	*res = NULL;
	rc = ready(st);
	if (rc)
		return rc;
	if (strlen(fmt) > MAX_PARAMS)
		return store_fail(st, -EINVAL, "too many parameters (a bug)");
	rc = bind_args(st, fmt, ap, vals, lens, fmts, nums);
	if (rc)
		return rc;
	rc = prepare(st, sql, fmt, &slot);
	if (rc)
		goto out;
	if (slot->write)
		st->wseq++;
	snprintf(name, sizeof(name), "g%u", slot->id);
	r = round_trip(st, &ahead_rc, name, NULL, slot->nparams, vals, lens,
		       fmts);
	return finished(st, r, sql, res, ahead_rc);
out:
	note_failure(db, rc);
	return rc;
}

int pg_dyn(struct store *st, PGresult **res, const char *sql, int n,
	   const char *const *vals, const int *lens, const int *fmts)
{
	PGresult *r;
	int rc, ahead_rc;

	*res = NULL;
	rc = ready(st);
	if (rc)
		return rc;
	if (sql_writes(sql))
		st->wseq++;
	r = round_trip(st, &ahead_rc, NULL, sql, n, vals, lens, fmts);
	return finished(st, r, sql, res, ahead_rc);
}

int pg_q(struct store *st, PGresult **res, const char *sql, const char *fmt,
	 ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vquery(st, res, sql, fmt, ap);
	va_end(ap);
	return rc;
}

int pg_run(struct store *st, const char *sql, const char *fmt, ...)
{
	PGresult *r;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vquery(st, &r, sql, fmt, ap);
	va_end(ap);
	PQclear(r);
	return rc;
}

int64_t pg_changes(struct store *st)
{
	return pgdb(st) ? pgdb(st)->changes : 0;
}

int pg_int(struct store *st, int64_t *out, const char *sql, const char *fmt,
	   ...)
{
	PGresult *r;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vquery(st, &r, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	if (PQntuples(r) < 1 || PQnfields(r) < 1)
		rc = -ENOENT;
	else
		*out = pg_col_int(r, 0, 0);
	PQclear(r);
	return rc;
}

int pg_text(struct store *st, char **out, const char *sql, const char *fmt,
	    ...)
{
	PGresult *r;
	va_list ap;
	int rc;

	*out = NULL;
	va_start(ap, fmt);
	rc = vquery(st, &r, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	if (PQntuples(r) < 1 || PQnfields(r) < 1)
		rc = -ENOENT;
	else if (!(*out = strdup(pg_col_text(r, 0, 0))))
		rc = store_fail(st, -ENOMEM, "out of memory");
	PQclear(r);
	return rc;
}

int pg_blob(struct store *st, void *buf, size_t size, size_t *len,
	    const char *sql, const char *fmt, ...)
{
	const void *p;
	PGresult *r;
	va_list ap;
	size_t n;
	int rc;

	va_start(ap, fmt);
	rc = vquery(st, &r, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	if (PQntuples(r) < 1 || PQnfields(r) < 1) {
		PQclear(r);
		return -ENOENT;
	}
	p = pg_col_blob(r, 0, 0, &n);
	if (n && n <= size)
		memcpy(buf, p, n);
	*len = n;
	PQclear(r);
	return 0;
}

int pg_ints(struct store *st, int64_t **out, size_t *n, const char *sql,
	    const char *fmt, ...)
{
	PGresult *r;
	va_list ap;
	int i, rows, rc;

	*out = NULL;
	*n = 0;
	va_start(ap, fmt);
	rc = vquery(st, &r, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows > 0) {
		*out = malloc(sizeof(**out) * (size_t)rows);
		if (!*out) {
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
		for (i = 0; i < rows; i++)
			(*out)[i] = pg_col_int(r, i, 0);
		*n = (size_t)rows;
	}
	PQclear(r);
	return 0;
}

int pg_pairs(struct store *st, int64_t (**out)[2], size_t *n, const char *sql,
	     const char *fmt, ...)
{
	PGresult *r;
	va_list ap;
	int i, rows, rc;

	*out = NULL;
	*n = 0;
	va_start(ap, fmt);
	rc = vquery(st, &r, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows > 0) {
		*out = malloc(sizeof(**out) * (size_t)rows);
		if (!*out) {
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
		for (i = 0; i < rows; i++) {
			(*out)[i][0] = pg_col_int(r, i, 0);
			(*out)[i][1] = pg_col_int(r, i, 1);
		}
		*n = (size_t)rows;
	}
	PQclear(r);
	return 0;
}

int pg_texts(struct store *st, char ***out, size_t *n, const char *sql,
	     const char *fmt, ...)
{
	char **v = NULL;
	PGresult *r;
	va_list ap;
	int i, rows, rc;

	*out = NULL;
	*n = 0;
	va_start(ap, fmt);
	rc = vquery(st, &r, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	rows = PQntuples(r);
	if (rows > 0) {
		v = calloc((size_t)rows, sizeof(*v));
		for (i = 0; v && i < rows; i++)
			if (!(v[i] = strdup(pg_col_text(r, i, 0))))
				break;
		if (!v || i < rows) {
			while (v && i > 0)
				free(v[--i]);
			free(v);
			PQclear(r);
			return store_fail(st, -ENOMEM, "out of memory");
		}
		*out = v;
		*n = (size_t)rows;
	}
	PQclear(r);
	return 0;
}

/* Run text `sql` with PQexec (several statements, no parameters), after
 * what went ahead. */
static int exec_text(struct store *st, const char *sql, const char *what)
{
	struct pgdb *db = pgdb(st);
	PGresult *r;
	int rc = settle_ahead(st);

	if (rc)
		return rc;
	if (!db->conn)
		return store_fail(st, -EIO, "database: the connection was "
				  "lost");
	r = PQexec(db->conn, sql);
	rc = pg_error(st, r, what);
	PQclear(r);
	return rc;
}

int pg_exec(struct store *st, const char *sql)
{
	struct pgdb *db = pgdb(st);
	int rc = ready(st);

	if (rc)
		return rc;
	st->wseq++;
	rc = exec_text(st, sql, "exec");
	note_failure(db, rc);
	return rc;
}

/* ---- transactions ---- */

int pg_begin(struct store *st, bool write)
{
	struct pgdb *db = pgdb(st);
	int rc, tries;

	st->wseq++;
	if (db && in_txn(db) && db->conn)
		return store_fail(st, -EIO, "database: begin: a transaction "
				  "is already open (a bug)");
	if (db)
		db->txn = false;
	/* A writer's statements find every mark this process took. */
	if (write)
		pg_holds_settle(st);
	/* A connection the server dropped while we were idle (a restart)
	 * shows only when used: nothing was under way, connect again (here
	 * when sending shows it, else at the first statement). */
	for (tries = 0; tries < 2; tries++) {
		rc = ensure_conn(st);
		if (rc)
			return rc;
		db->txn_err = 0;
		db->savepoints = 0;
		/* One writer at a time on the whole store, whichever machine
		 * it is on, as SQLite's BEGIN IMMEDIATE: a writer takes the
		 * store's advisory lock first and then reads committed rows,
		 * so it sees every earlier writer's work and no two writers
		 * ever conflict (no serialization failures to retry, and a
		 * group commit's batch cannot be lost to one).  Readers keep
		 * one snapshot. */
		if (write) {
			rc = text_ahead(st, "BEGIN ISOLATION LEVEL READ "
					    "COMMITTED");
			if (rc == 0)
				rc = text_ahead(st, "SELECT pg_advisory_xact_"
						    "lock(7453010373645841713)");
		} else {
			rc = text_ahead(st, "BEGIN ISOLATION LEVEL REPEATABLE "
					    "READ READ ONLY");
		}
		db->gens_read = false;
		if (rc == 0 && db->gens_on)
			rc = gens_ahead(st);
		if (rc != -EIO || db->conn)
			break;
	}
	db->txn = rc == 0;
	db->txn_write = write;
	db->fresh = rc == 0;
	if (rc == 0) {
		db->txns++;
		db->gens_txn = db->txns;
		db->gens_moves = db->gen_moves;
	}
	return rc;
}

/* The transaction's first statement found its connection lost: begin it
 * again on a new one, with as many savepoints (nothing of it had run). */
static int begin_again(struct store *st)
{
	struct pgdb *db = pgdb(st);
	int n = db->savepoints, rc, i;

	db->txn = false;
	rc = pg_begin(st, db->txn_write);
	for (i = 0; rc == 0 && i < n; i++)
		rc = pg_savepoint(st);
	return rc;
}

int pg_commit(struct store *st)
{
	struct pgdb *db = pgdb(st);
	PGresult *r;
	int rc, ahead_rc;

	st->wseq++;
	if (!db || !in_txn(db))
		return store_fail(st, -EIO, "database: commit: no "
				  "transaction is open (a bug)");
	if (!db->conn) {
		db->txn = false;
		return store_fail(st, -EIO, "database: commit: the "
				  "connection was lost");
	}
	if (db->txn_err) {
		rc = db->txn_err;
		pg_rollback(st);
		return store_fail(st, rc, "database: commit: the transaction "
				  "failed earlier: %s", strerror(-rc));
	}
	/* What it made shows once its items are held (pg_node_hold). */
	if (db->txn_write)
		pg_holds_settle(st);
	/* A snapshot's end: nothing to wait for. */
	if (!db->txn_write) {
		rc = text_ahead(st, "COMMIT");
		db->txn = false;
		db->savepoints = 0;
		return rc;
	}
	r = round_trip(st, &ahead_rc, NULL, "COMMIT", 0, NULL, NULL, NULL);
	rc = ahead_rc ? (PQclear(r), ahead_rc) : pg_error(st, r, "commit");
	/* A transaction the server had failed answers COMMIT with ROLLBACK
	 * and no error. */
	if (rc == 0 && r && strcmp(PQcmdStatus(r), "COMMIT") != 0)
		rc = store_fail(st, -EIO, "database: commit: rolled back");
	PQclear(r);
	if (db->conn && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		pg_rollback(st);
	db->txn = false;
	db->txn_err = 0;
	db->savepoints = 0;
	return rc;
}

void pg_rollback(struct store *st)
{
	struct pgdb *db = pgdb(st);
	PGresult *r;

	st->wseq++;
	if (!db)
		return;
	db->txn = false;
	db->txn_err = 0;
	db->savepoints = 0;
	db->fresh = false;
	if (db->ahead)
		collect_ahead(st); /* its failures are what is undone */
	if (!db->conn || PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	r = PQexec(db->conn, "ROLLBACK");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		store_log(st, STORE_LOG_ERR, "rollback failed: %s",
			  PQerrorMessage(db->conn));
		if (PQstatus(db->conn) == CONNECTION_BAD)
			drop_conn(db);
	}
	PQclear(r);
}

int pg_savepoint(struct store *st)
{
	struct pgdb *db = pgdb(st);
	int rc;

	if (!db || !db->conn || !in_txn(db))
		return store_fail(st, -EIO, "database: savepoint: no "
				  "transaction is open");
	if (db->txn_err)
		return store_fail(st, db->txn_err, "database: the transaction "
				  "failed earlier: %s", strerror(-db->txn_err));
	/* No row changes: st->wseq stays (as SQLite's, where SAVEPOINT is
	 * a read-only statement), and what the rules remember of this
	 * transaction (node.c's memo) holds from one request of a batch to
	 * the next. */
	/* This request's statements find every mark it relies on. */
	pg_holds_settle(st);
	rc = text_ahead(st, "SAVEPOINT keep");
	if (rc == 0)
		db->savepoints++;
	return rc;
}

int pg_savepoint_end(struct store *st, bool keep)
{
	struct pgdb *db = pgdb(st);
	int rc;

	if (!db || !db->conn || !in_txn(db) || db->savepoints <= 0)
		return store_fail(st, -EIO, "database: savepoint: none is "
				  "open");
	if (keep && db->txn_err)
		return store_fail(st, db->txn_err, "database: the transaction "
				  "failed earlier: %s", strerror(-db->txn_err));
	if (keep) {
		rc = text_ahead(st, "RELEASE keep");
		if (rc == 0)
			db->savepoints--;
		return rc;
	}
	/* What is undone may have moved a generation, and changed rows. */
	db->gen_moves++;
	st->wseq++;
	/* ROLLBACK TO is what a failed transaction accepts: it undoes the
	 * failure too, when it came after the savepoint (and so it does
	 * for a failure among what went ahead). */
	if (db->ahead)
		collect_ahead(st);
	if (!db->conn)
		return store_fail(st, -EIO, "database: the connection was "
				  "lost");
	rc = exec_text(st, "ROLLBACK TO keep; RELEASE keep", "rollback to");
	if (rc == 0) {
		db->txn_err = 0;
		db->savepoints--;
	}
	note_failure(db, rc);
	return rc;
}

bool pg_txn_active(struct store *st)
{
	struct pgdb *db = pgdb(st);

	return db && in_txn(db);
}

/* Read once per transaction: it moves in it only by this session's own
 * statements, which say so (gen_moves, as pg_unchanged_since). */
int pg_rights_gen(struct store *st, int64_t *out)
{
	struct pgdb *db = pgdb(st);
	int64_t access = 0;
	int rc;

	if (db && in_txn(db) && db->conn && !db->txn_err &&
	    db->rights_txn == db->txns && db->rights_moves == db->gen_moves) {
		*out = db->rights;
		return 0;
	}
	rc = gens_read(st, out, &access);
	if (rc == 0 && db && in_txn(db)) {
		db->rights = *out;
		db->rights_txn = db->txns;
		db->rights_moves = db->gen_moves;
	}
	return rc;
}

int pg_access_gen(struct store *st, int64_t *gen, struct meta_mark *mark)
{
	struct pgdb *db = pgdb(st);
	int64_t rights = 0, access = 0;
	int rc = gens_read(st, &rights, &access);

	if (rc)
		return rc;
	*gen = rights + access;
	mark->version = db && in_txn(db) ? db->txns : 0;
	mark->writes = db ? db->gen_moves : 0;
	mark->resets = 0;
	return 0;
}

/* Inside the transaction the generation was read in, nothing else can
 * have moved it: a reader keeps one snapshot, and a writer holds the
 * store's writer lock (pg_begin), so no other transaction commits while
 * it runs.  Its own statements that move it say so (a NOTICE, counted in
 * gen_moves), and so does a rollback to a savepoint, which may undo one:
 * other writes, which move no generation, leave the answer standing. */
bool pg_unchanged_since(struct store *st, const struct meta_mark *mark)
{
	struct pgdb *db = pgdb(st);

	return db && db->conn && in_txn(db) && !db->txn_err &&
	       mark->version != 0 && mark->version == db->txns &&
	       mark->writes == db->gen_moves;
}

/* ---- the journal's notifications, items held open ---- */

int pg_listen_start(struct store *st)
{
	return pg_exec(st, "LISTEN " PG_JOURNAL_CHANNEL);
}

int pg_listen(struct store *st, int *fd)
{
	struct pgdb *db = pgdb(st);
	bool arrived = false;
	int64_t origin;
	int rc;

	*fd = -1;
	if (!db)
		return store_fail(st, -EIO, "this store handle is detached "
				  "(a bug)");
	/* What went ahead is read, or its results would wake the poll. */
	rc = settle_ahead(st);
	if (rc == 0)
		rc = ensure_conn(st);
	if (rc)
		return rc;
	/* A connection made anew (after a loss) listens again. */
	if (db->listening != db->conn_gen) {
		rc = pg_listen_start(st);
		if (rc)
			return rc;
		db->listening = db->conn_gen;
	}
	/* What arrived is consumed: the socket will not show it again.
	 * This process's own changes are not read back (meta_journal_since
	 * skips its origin): nothing to wake for. */
	while ((rc = pg_notify_next(st, &origin)) > 0)
		if (!st->sh || origin != st->sh->origin)
			arrived = true;
	if (rc)
		return rc;
	*fd = pg_socket(st);
	return arrived;
}

int pg_socket(struct store *st)
{
	struct pgdb *db = pgdb(st);

	return db && db->conn ? PQsocket(db->conn) : -1;
}

int pg_notify_next(struct store *st, int64_t *origin)
{
	struct pgdb *db = pgdb(st);
	PGnotify *n;

	if (!db || !db->conn)
		return store_fail(st, -EIO, "database: not connected");
	if (!PQconsumeInput(db->conn))
		return pg_error(st, NULL, "notifications");
	while ((n = PQnotifies(db->conn))) {
		bool ours = strcmp(n->relname, PG_JOURNAL_CHANNEL) == 0;

		if (ours)
			*origin = strtoll(n->extra, NULL, 10);
		PQfreemem(n);
		if (ours)
			return 1;
	}
	return 0;
}

int pg_settle(struct store *st)
{
	int rc;

	if (!pgdb(st) || nothing_ahead(pgdb(st)))
		return 0;
	rc = collect_ahead(st);
	if (rc)
		store_log(st, STORE_LOG_WARNING, "database: %s", st->errmsg);
	return rc;
}
