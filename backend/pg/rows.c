// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL engine's part of meta.h for moving a store between
 * engines: tables, their references, and rows as they are
 * (store/migrate.c).  Statements are made per table and column list, so
 * they run unprepared (pg_dyn).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

#define OID_BYTEA 17
#define OID_TEXT 25
#define OID_VARCHAR 1043

int pg_tables(struct store *st, char ***names, size_t *n)
{
	return pg_texts(st, names, n,
			"SELECT table_name::text FROM information_schema.tables"
			" WHERE table_schema = current_schema()"
			" AND table_type = 'BASE TABLE'"
			" AND table_name NOT IN ('gfs_schema', 'chunk')"
			" ORDER BY 1",
			"");
}

int pg_table_refs(struct store *st, const char *table, char ***names,
		  size_t *n)
{
	if (sql_name_check(st, table))
		return -EINVAL;
	return pg_texts(st, names, n,
			"SELECT DISTINCT c.confrelid::regclass::text FROM"
			" pg_constraint c WHERE c.contype = 'f'"
			" AND c.conrelid = $1::text::regclass"
			" AND c.confrelid <> c.conrelid",
			"t", table);
}

int pg_rows(struct store *st, const char *table, meta_row_fn fn, void *arg)
{
	char sql[160];
	const char **cols = NULL;
	struct meta_value *vals = NULL;
	PGresult *r = NULL;
	int ncols, nrows, i, j, rc;

	if (sql_name_check(st, table))
		return -EINVAL;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY 1", table);
	rc = pg_dyn(st, &r, sql, 0, NULL, NULL, NULL);
	if (rc)
		return rc;
	ncols = PQnfields(r);
	nrows = PQntuples(r);
	cols = calloc((size_t)ncols + 1, sizeof(*cols));
	vals = calloc((size_t)ncols + 1, sizeof(*vals));
	if (!cols || !vals)
		rc = store_fail(st, -ENOMEM, "out of memory");
	for (j = 0; rc == 0 && j < ncols; j++)
		cols[j] = PQfname(r, j);
	for (i = 0; rc == 0 && i < nrows; i++) {
		for (j = 0; j < ncols; j++) {
			struct meta_value *v = &vals[j];
			Oid t = PQftype(r, j);

			memset(v, 0, sizeof(*v));
			if (pg_col_null(r, i, j)) {
				v->type = META_NULL;
			} else if (t == OID_BYTEA) {
				v->type = META_BLOB;
				v->p = pg_col_blob(r, i, j, &v->len);
			} else if (t == OID_TEXT || t == OID_VARCHAR) {
				v->type = META_TEXT;
				v->p = PQgetvalue(r, i, j);
				v->len = (size_t)PQgetlength(r, i, j);
			} else {
				v->type = META_INT;
				v->i = pg_col_int(r, i, j);
			}
		}
		rc = fn(arg, (size_t)ncols, cols, vals);
	}
	PQclear(r);
	free(cols);
	free(vals);
	return rc;
}

/* Run a statement made of `table` and cols; `set` makes an UPDATE of
 * cols[1..] by cols[0], else an INSERT. */
static int change(struct store *st, const char *table, size_t ncols,
		  const char *const *cols, const struct meta_value *vals,
		  bool set)
{
	size_t len, i;
	const char **pv = calloc(ncols + 1, sizeof(*pv));
	int *lens = calloc(ncols + 1, sizeof(*lens));
	int *fmts = calloc(ncols + 1, sizeof(*fmts));
	char (*nums)[24] = calloc(ncols + 1, sizeof(*nums));
	char **texts = calloc(ncols + 1, sizeof(*texts));
	char *sql = NULL;
	PGresult *r = NULL;
	int rc = 0;

	if (!pv || !lens || !fmts || !nums || !texts) {
		rc = store_fail(st, -ENOMEM, "out of memory");
		goto out;
	}
	rc = sql_name_check(st, table);
	if (rc)
		goto out;
	for (i = 0; i < ncols; i++) {
		const struct meta_value *v = &vals[i];

		rc = sql_name_check(st, cols[i]);
		if (rc)
			goto out;
		switch (v->type) {
		case META_NULL:
			break;
		case META_INT:
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64, v->i);
			pv[i] = nums[i];
			break;
		case META_TEXT:
			/* Text parameters end at a NUL. */
			texts[i] = strndup(v->p ? v->p : "", v->len);
			if (!texts[i]) {
				rc = store_fail(st, -ENOMEM, "out of memory");
				goto out;
			}
			pv[i] = texts[i];
			break;
		case META_BLOB:
			pv[i] = v->len ? v->p : "";
			lens[i] = (int)v->len;
			fmts[i] = 1;
			break;
		}
	}
	/* The statement, made of the schema's names (checked above). */
	{
		FILE *f = open_memstream(&sql, &len);

		if (!f) {
			rc = store_fail(st, -ENOMEM, "out of memory");
			goto out;
		}
		if (set) {
			fprintf(f, "UPDATE %s SET ", table);
			for (i = 1; i < ncols; i++)
				fprintf(f, "%s%s = $%zu", i > 1 ? ", " : "",
					cols[i], i + 1);
			fprintf(f, " WHERE %s = $1", cols[0]);
		} else {
			fprintf(f, "INSERT INTO %s (", table);
			for (i = 0; i < ncols; i++)
				fprintf(f, "%s%s", i ? ", " : "", cols[i]);
			fprintf(f, ") OVERRIDING SYSTEM VALUE VALUES (");
			for (i = 0; i < ncols; i++)
				fprintf(f, "%s$%zu", i ? ", " : "", i + 1);
			fprintf(f, ")");
		}
		if (fclose(f) != 0 || !sql) {
			rc = store_fail(st, -ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = pg_dyn(st, &r, sql, (int)ncols, pv, lens, fmts);
	if (rc == 0 && set && pg_changes(st) == 0)
		rc = -ENOENT;
	PQclear(r);
out:
	for (i = 0; texts && i < ncols; i++)
		free(texts[i]);
	free(texts);
	free(sql);
	free(pv);
	free(lens);
	free(fmts);
	free(nums);
	return rc;
}

int pg_row_add(struct store *st, const char *table, size_t ncols,
	       const char *const *cols, const struct meta_value *vals)
{
	return change(st, table, ncols, cols, vals, false);
}

int pg_row_set(struct store *st, const char *table, size_t ncols,
	       const char *const *cols, const struct meta_value *vals)
{
	return change(st, table, ncols, cols, vals, true);
}

int pg_rows_clear(struct store *st, const char *table)
{
	char sql[96];
	PGresult *r = NULL;
	int rc;

	if (sql_name_check(st, table))
		return -EINVAL;
	snprintf(sql, sizeof(sql), "DELETE FROM %s", table);
	rc = pg_dyn(st, &r, sql, 0, NULL, NULL, NULL);
	PQclear(r);
	return rc;
}

int pg_rows_loaded(struct store *st)
{
	return pg_run(st, "SELECT gfs_reset_ids()", "");
}
