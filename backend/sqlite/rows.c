// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for moving a store between engines:
 * tables, their references, and rows as they are (store/migrate.c).  The
 * statements are made per table and column list, so they are prepared
 * here, not in the statement cache (whose identity is a literal's
 * address).
 */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prepare `sql` (uncached); NULL on error with the message set. */
static sqlite3_stmt *prep(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->eng->db, sql, -1, &s, NULL);

	if (rc != SQLITE_OK) {
		db_error(st, rc, "prepare");
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

int sq_tables(struct store *st, char ***names, size_t *n)
{
	return db_texts(st, names, n,
			"SELECT name FROM sqlite_master WHERE type = 'table'"
			" AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
			" ORDER BY name",
			"");
}

int sq_table_refs(struct store *st, const char *table, char ***names,
		  size_t *n)
{
	if (sql_name_check(st, table))
		return -EINVAL;
	return db_texts(st, names, n,
			"SELECT DISTINCT \"table\" FROM"
			" pragma_foreign_key_list(?1) WHERE \"table\" <> ?1",
			"t", table);
}

int sq_rows(struct store *st, const char *table, meta_row_fn fn, void *arg)
{
	char sql[160];
	const char **cols = NULL;
	struct meta_value *vals = NULL;
	sqlite3_stmt *s;
	int i, ncols, rc;

	if (sql_name_check(st, table))
		return -EINVAL;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY 1", table);
	s = prep(st, sql);
	if (!s)
		return -EIO;
	ncols = sqlite3_column_count(s);
	cols = calloc((size_t)ncols, sizeof(*cols));
	vals = calloc((size_t)ncols, sizeof(*vals));
	rc = cols && vals ? 0 : store_fail(st, -ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < ncols; i++)
		cols[i] = sqlite3_column_name(s, i);
	while (rc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < ncols; i++) {
			struct meta_value *v = &vals[i];

			memset(v, 0, sizeof(*v));
			switch (sqlite3_column_type(s, i)) {
			case SQLITE_NULL:
				v->type = META_NULL;
				break;
			case SQLITE_INTEGER:
				v->type = META_INT;
				v->i = sqlite3_column_int64(s, i);
				break;
			case SQLITE_BLOB:
				v->type = META_BLOB;
				v->p = sqlite3_column_blob(s, i);
				v->len = (size_t)sqlite3_column_bytes(s, i);
				break;
			default: /* text; the schema holds no reals */
				v->type = META_TEXT;
				v->p = sqlite3_column_text(s, i);
				v->len = (size_t)sqlite3_column_bytes(s, i);
				break;
			}
		}
		rc = fn(arg, (size_t)ncols, cols, vals);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = db_error(st, rc, table);
	sqlite3_finalize(s);
	free(cols);
	free(vals);
	return rc;
}

static int bind_values(struct store *st, sqlite3_stmt *s, size_t n,
		       const struct meta_value *vals, int first)
{
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		const struct meta_value *v = &vals[i];
		int at = first + (int)i;

		switch (v->type) {
		case META_NULL:
			rc = sqlite3_bind_null(s, at);
			break;
		case META_INT:
			rc = sqlite3_bind_int64(s, at, v->i);
			break;
		case META_TEXT:
			rc = sqlite3_bind_text(s, at, v->p, (int)v->len,
					       SQLITE_TRANSIENT);
			break;
		case META_BLOB:
			rc = sqlite3_bind_blob(s, at, v->len ? v->p : "",
					       (int)v->len, SQLITE_TRANSIENT);
			break;
		}
	}
	return rc == SQLITE_OK ? 0 : db_error(st, rc, "bind");
}

/* Run a statement made of `table` and cols; `set` makes an UPDATE of
 * cols[1..] by cols[0], else an INSERT. */
static int change(struct store *st, const char *table, size_t ncols,
		  const char *const *cols, const struct meta_value *vals,
		  bool set)
{
	sqlite3_stmt *s;
	char *sql = NULL;
	size_t len, i;
	int rc;

	if (sql_name_check(st, table))
		return -EINVAL;
	for (i = 0; i < ncols; i++)
		if (sql_name_check(st, cols[i]))
			return -EINVAL;
	/* The statement, made of the schema's names (checked above). */
	{
		FILE *f = open_memstream(&sql, &len);

		if (!f)
			return store_fail(st, -ENOMEM, "out of memory");
		if (set) {
			fprintf(f, "UPDATE %s SET ", table);
			for (i = 1; i < ncols; i++)
				fprintf(f, "%s%s = ?%zu", i > 1 ? ", " : "",
					cols[i], i + 1);
			fprintf(f, " WHERE %s = ?1", cols[0]);
		} else {
			fprintf(f, "INSERT INTO %s (", table);
			for (i = 0; i < ncols; i++)
				fprintf(f, "%s%s", i ? ", " : "", cols[i]);
			fprintf(f, ") VALUES (");
			for (i = 0; i < ncols; i++)
				fprintf(f, "%s?%zu", i ? ", " : "", i + 1);
			fprintf(f, ")");
		}
		if (fclose(f) != 0 || !sql) {
			free(sql);
			return store_fail(st, -ENOMEM, "out of memory");
		}
	}
	s = prep(st, sql);
	free(sql);
	if (!s)
		return -EIO;
	st->wseq++;
	st->eng->writes++;
	rc = bind_values(st, s, ncols, vals, 1);
	if (rc == 0) {
		rc = sqlite3_step(s);
		rc = rc == SQLITE_DONE ? 0 : db_error(st, rc, table);
	}
	if (rc == 0 && set && sqlite3_changes(st->eng->db) == 0)
		rc = -ENOENT;
	sqlite3_finalize(s);
	return rc;
}

int sq_row_add(struct store *st, const char *table, size_t ncols,
	       const char *const *cols, const struct meta_value *vals)
{
	return change(st, table, ncols, cols, vals, false);
}

int sq_row_set(struct store *st, const char *table, size_t ncols,
	       const char *const *cols, const struct meta_value *vals)
{
	return change(st, table, ncols, cols, vals, true);
}

int sq_rows_clear(struct store *st, const char *table)
{
	char sql[96];

	if (sql_name_check(st, table))
		return -EINVAL;
	snprintf(sql, sizeof(sql), "DELETE FROM %s", table);
	st->wseq++;
	st->eng->writes++;
	return db_exec(st, sql);
}

int sq_listen(struct store *st, int *fd)
{
	/* Nothing is announced: the daemons poll the journal. */
	(void)st;
	*fd = -1;
	return 0;
}

int sq_rows_loaded(struct store *st)
{
	/* AUTOINCREMENT's sqlite_sequence follows the largest id added. */
	(void)st;
	return 0;
}
