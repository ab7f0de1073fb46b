// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PostgreSQL content engine behind blob.h: record i of content `cid`
 * is the row chunk(cid, i, data) of pg/schema.c, written through the
 * store handle's connection inside the caller's transaction.  So its
 * writes become durable with the metadata's commit (with_meta: sync is
 * never needed) and vanish with a rollback; a record is one row, written
 * whole or not at all.  A backup of such a store copies the database,
 * content included: the backup calls (stamp, copy, uncopy) refuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

_Static_assert(BLOB_RECORD == 4096, "pgb_write's SQL cuts 4096-byte records");

/* A handle is the content id: rows are found by it at each call. */
struct blob {
	unsigned char cid[16];
};

static int pgb_open(struct store *st, const unsigned char cid[16],
		    bool create, struct blob **out)
{
	struct blob *b;
	int64_t v;
	int rc;

	*out = NULL;
	/* Created: no row is an empty object already. */
	if (!create) {
		rc = pg_int(st, &v,
			    "SELECT EXISTS (SELECT 1 FROM chunk"
			    " WHERE cid = $1)::int",
			    "b", cid, (size_t)16);
		if (rc)
			return rc;
		if (!v)
			return -ENOENT;
	}
	b = malloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	memcpy(b->cid, cid, 16);
	*out = b;
	return 0;
}

static void pgb_close(struct blob *b)
{
	free(b);
}

static int pgb_read(struct store *st, struct blob *b, uint64_t first,
		    size_t n, unsigned char *out, size_t *got)
{
	PGresult *r;
	size_t have = 0;
	int i, rows, rc;

	if (n == 0) {
		*got = 0;
		return 0;
	}
	rc = pg_q(st, &r,
		  "SELECT idx, data FROM chunk WHERE cid = $1"
		  " AND idx >= $2::bigint AND idx < $2::bigint + $3::bigint"
		  " ORDER BY idx",
		  "bii", b->cid, (size_t)16, (int64_t)first, (int64_t)n);
	if (rc)
		return rc;
	rows = PQntuples(r);
	/* The records from `first` on, up to the first missing or not
	 * whole (as a file's end: what follows is not read). */
	for (i = 0; i < rows; i++) {
		size_t len;
		const void *p = pg_col_blob(r, i, 1, &len);

		if (pg_col_int(r, i, 0) != (int64_t)(first + have) ||
		    len != BLOB_RECORD)
			break;
		memcpy(out + have * BLOB_RECORD, p, BLOB_RECORD);
		have++;
	}
	PQclear(r);
	*got = have;
	return 0;
}

/* From now on (on) or no longer (!on) in the open transaction, every
 * statement runs on a generic plan (sent ahead).  For a statement that
 * binds much data (a chunk's INSERT, up to 1 MiB): a custom plan copies
 * the value into a new plan at each call, and what that costs swung
 * sequential writes by a fifth with the server's memory state.  Not for
 * all of a writer's statements: some triggers' and history's queries
 * plan worse generically (a benchmark run with them generic lost half
 * its speed at removing and copying in files). */
static int plan_generic(struct store *st, bool on)
{
	if (!pg_txn_active(st))
		return 0;
	return pg_ahead(st,
			on ? "SET LOCAL plan_cache_mode = force_generic_plan"
			   : "SET LOCAL plan_cache_mode = auto",
			"");
}

/* One statement for all n records: the server cuts them out of one
 * bytea parameter. */
static int pgb_write(struct store *st, struct blob *b, uint64_t first,
		     size_t n, const unsigned char *recs)
{
	int rc;

	if (n == 0)
		return 0;
	if (n > INT32_MAX / BLOB_RECORD)
		return store_fail(st, -EFBIG, "content: too many records in "
				  "one write (%zu)", n);
	/* Planned once: the records are not copied into a plan at each
	 * call (plan_generic). */
	rc = plan_generic(st, true);
	if (rc == 0)
		rc = pg_run(st,
			    "INSERT INTO chunk (cid, idx, data)"
			    " SELECT $1, $2::bigint + i,"
			    " substring($3::bytea FROM i * 4096 + 1 FOR 4096)"
			    " FROM generate_series(0, $4::int - 1) AS i"
			    " ON CONFLICT (cid, idx) DO UPDATE SET"
			    " data = EXCLUDED.data",
			    "bibi", b->cid, (size_t)16, (int64_t)first, recs,
			    n * BLOB_RECORD, (int64_t)n);
	if (rc == 0)
		rc = plan_generic(st, false);
	return rc;
}

static int pgb_truncate(struct store *st, struct blob *b, uint64_t n)
{
	return pg_run(st, "DELETE FROM chunk WHERE cid = $1 AND idx >= $2",
		      "bi", b->cid, (size_t)16, (int64_t)n);
}

/* Never called (with_meta): the commit makes the rows durable. */
static int pgb_sync(struct store *st, struct blob *b)
{
	(void)st;
	(void)b;
	return 0;
}

static int pgb_remove(struct store *st, const unsigned char cid[16])
{
	return pg_run(st, "DELETE FROM chunk WHERE cid = $1", "b", cid,
		      (size_t)16);
}

static int pgb_each(struct store *st, blob_each_fn fn, void *arg)
{
	PGresult *r;
	int i, rows, rc;

	/* The distinct content ids by the primary key's index, one probe
	 * each, not a scan of every record. */
	rc = pg_q(st, &r,
		  "WITH RECURSIVE c(cid) AS ("
		  " (SELECT cid FROM chunk ORDER BY cid LIMIT 1)"
		  " UNION ALL SELECT (SELECT k.cid FROM chunk k"
		  " WHERE k.cid > c.cid ORDER BY k.cid LIMIT 1)"
		  " FROM c WHERE c.cid IS NOT NULL)"
		  " SELECT cid FROM c WHERE cid IS NOT NULL",
		  "");
	if (rc)
		return rc;
	rows = PQntuples(r);
	for (i = 0; rc == 0 && i < rows; i++) {
		size_t len;
		const void *p = pg_col_blob(r, i, 0, &len);
		unsigned char cid[16];

		if (len != 16)
			continue;
		memcpy(cid, p, 16);
		rc = fn(arg, cid);
	}
	PQclear(r);
	return rc;
}

/* A backup of a store on PostgreSQL is the database's (with_meta): the
 * content is not copied object by object. */
static int pgb_stamp(struct store *st, const unsigned char cid[16],
		     struct blob_stamp *now)
{
	(void)cid;
	(void)now;
	return store_fail(st, -ENOTSUP, "content in the database is backed "
			  "up with it, not object by object (a bug)");
}

static int pgb_copy(struct store *st, const unsigned char cid[16],
		    struct blob_copy *job)
{
	(void)cid;
	snprintf(job->err, sizeof(job->err), "content in the database is "
		 "backed up with it, not object by object (a bug)");
	return store_fail(st, -ENOTSUP, "%s", job->err);
}

static void pgb_uncopy(const char *dest, const unsigned char cid[16])
{
	(void)dest;
	(void)cid;
}

const struct blob_ops pg_blob_engine = {
	.version = BLOB_OPS_VERSION,
	.name = "postgresql",
	.with_meta = true,
	.dir = NULL,
	.open = pgb_open,
	.close = pgb_close,
	.read = pgb_read,
	.write = pgb_write,
	.truncate = pgb_truncate,
	.sync = pgb_sync,
	.remove = pgb_remove,
	.each = pgb_each,
	.stamp = pgb_stamp,
	.copy = pgb_copy,
	.uncopy = pgb_uncopy,
};
