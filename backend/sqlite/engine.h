/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the SQLite engine's files share, and nothing outside backend/sqlite/
 * includes: the connection, the cache of prepared statements and the
 * statement helpers every query of the engine goes through.  The rules
 * above see the engine only through meta.h.
 */
#ifndef GROUPFS_SQLITE_ENGINE_H
#define GROUPFS_SQLITE_ENGINE_H

#include <sqlite3.h>

#include "internal.h"
#include "meta.h"
#include "sq_calls.h" /* this engine's meta.h: sq_X for meta_X */

#define STMT_CACHE_SLOTS 256
/* Node rows kept per connection (struct engine.nodes): folders, items. */
#define FOLDER_ROWS 256
#define ITEM_ROWS   8

/* A space's capacity (the plan of the group's administrator, or of the
 * private space's owner), for queries on `space s`: SELECT ...
 * SPACE_CAPACITY ... FROM space s SPACE_PLAN WHERE ... */
#define SPACE_PLAN                                                            \
	" JOIN account qa ON qa.id = coalesce((SELECT m.account_id FROM"      \
	" membership m WHERE m.group_id = s.group_id AND m.role = 3),"        \
	" s.account_id) JOIN plan qp ON qp.id = qa.plan_id"
#define SPACE_CAPACITY                                                        \
	" CASE WHEN s.group_id IS NULL THEN qp.private_bytes"                 \
	" ELSE qp.group_bytes END"

/* A node consumed by a save-pattern rename answers, until the kernel has
 * learnt the target's inode, as the node that kept its identity: queries
 * by inode number go through RESOLVE (the parameter is ?1). */
#define RESOLVE "coalesce((SELECT alias FROM node WHERE id = ?1), ?1)"

struct stmt_slot {
	const char *sql; /* identity: callers pass string literals */
	sqlite3_stmt *stmt;
};

/* One connection (struct store.eng). */
struct engine {
	sqlite3 *db;
	struct stmt_slot cache[STMT_CACHE_SLOTS];
	/* For meta_unchanged_since: this connection's statements that may
	 * change rows, rollbacks and errors; and the rollbacks and errors
	 * that may have undone some of them.  writes at BEGIN and at the
	 * last SAVEPOINT: a rollback of nothing written undoes nothing. */
	uint64_t writes, resets, writes_at_begin, writes_at_savepoint;
	/* Where the connection stood when it last found the schema one it
	 * knows (sq_schema_current); schema_ok false: not yet. */
	uint64_t schema_version_seen;
	bool schema_ok;
	/* Node rows read (sq_node_get) and where the connection stood then:
	 * one holds in a later transaction while nothing can have changed
	 * since (sq_unchanged_since), so a run of lookups in one folder reads
	 * the folder once.  Slot by inode number; ino 0: empty.  About
	 * 50 KiB a connection. */
	struct {
		int64_t ino;
		struct meta_mark mark;
		struct node_info info;
	} nodes[FOLDER_ROWS + ITEM_ROWS];
};

/* SQLite result code `rc` as a negative errno, with a message naming
 * `what` (store_fail); 0 for SQLITE_OK, ROW and DONE. */
int db_error(struct store *st, int rc, const char *what);
/* Run SQL text of one or more statements, uncached. */
int db_exec(struct store *st, const char *sql);
sqlite3_stmt *db_stmt(struct store *st, const char *sql);
/* Where the connection stands now, for sq_unchanged_since; false outside
 * a transaction or before its first statement (no snapshot yet). */
bool db_mark(struct store *st, struct meta_mark *mark);
/* Prepare (cached) and bind: fmt chars i=int64 t=text (NULL binds NULL)
 * b=blob,size_t n=NULL.  NULL on error, with errmsg set. */
sqlite3_stmt *db_q(struct store *st, const char *sql, const char *fmt, ...);
/* Step: 1 for a row, 0 when done (statement reset), negative errno. */
int db_row(struct store *st, sqlite3_stmt *s);
void db_done(sqlite3_stmt *s);
/* Run to completion; returns 0 or a negative errno. */
int db_run(struct store *st, const char *sql, const char *fmt, ...);
/* First column of the first row as an integer: -ENOENT when no row. */
int db_int(struct store *st, int64_t *out, const char *sql, const char *fmt,
	   ...);
/* The first column of every row as an integer, into *out (malloc'd, *n
 * of them; NULL and 0 on error). */
int db_ints(struct store *st, int64_t **out, size_t *n, const char *sql,
	    const char *fmt, ...);
/* The first two columns of every row as integers, into *out (malloc'd,
 * *n rows; NULL and 0 on error), so that the caller may write to the
 * store for each row once the query is done. */
int db_pairs(struct store *st, int64_t (**out)[2], size_t *n, const char *sql,
	     const char *fmt, ...);
/* The first column of every row as text, into *out (malloc'd strings in a
 * malloc'd array, *n of them; NULL and 0 on error). */
int db_texts(struct store *st, char ***out, size_t *n, const char *sql,
	     const char *fmt, ...);
/* Rows the last statement changed, and the last row id it inserted. */
int64_t db_changes(struct store *st);
int64_t db_last_id(struct store *st);
/* With GROUPFS_SQL_PROFILE set, profile this connection's statements
 * (profile.c). */
void db_profile_attach(struct store *st);
/* Column i as text, "" for NULL. */
const char *col_text(sqlite3_stmt *s, int i);

/* A small item's sealed content is a row of node_inline (store.c): drop
 * `ino`'s; make `dst`'s a copy of `src`'s (none when `src` has none). */
int sq_inline_drop(struct store *st, int64_t ino);
int sq_inline_copy(struct store *st, int64_t src, int64_t dst);

#endif
