/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pgfloor: PostgreSQL's own floor under groupfs-pg (issue 11).
 *
 *   pgfloor CONNINFO [MIB] [ROUND_TRIPS]
 *
 * What a store on PostgreSQL cannot beat, measured on the server it runs
 * against, with libpq alone and none of groupfs:
 *
 *  - a round trip: a prepared `SELECT 1`, ROUND_TRIPS times (20,000).  A
 *    request that waits for k statements costs at least k of these;
 *  - writing content: MIB MiB (512) of 4096-byte records into a table
 *    shaped as the store's chunk table, by the statement pg/blob.c sends
 *    (256 records cut out of one 1 MiB parameter, ON CONFLICT, a generic
 *    plan), in one transaction, committed;
 *  - reading it back by pg/blob.c's query, 256 records a statement.
 *
 * The table (pgfloor_chunk) is made and dropped by the run; nothing else
 * in the database is touched.  Build and use (a throwaway server:
 * tests/pg/cluster.sh prints its conninfo):
 *
 *   cc -O2 -o pgfloor bench/pgfloor.c \
 *      $(pkg-config --cflags --libs libpq)
 *   ./pgfloor "$(tests/pg/cluster.sh start /dev/shm/pgf)"
 *   tests/pg/cluster.sh stop /dev/shm/pgf
 *
 * bench/results/2026-12-06-pgfloor.md has its figures beside groupfs on
 * PostgreSQL and on SQLite.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECORD 4096
#define PER_STATEMENT 256 /* records: 1 MiB, as FUSE's largest write */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void fail(PGconn *c, const char *what)
{
	fprintf(stderr, "pgfloor: %s: %s", what, PQerrorMessage(c));
	PQfinish(c);
	exit(1);
}

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail(c, sql);
	PQclear(r);
}

static void prepare(PGconn *c, const char *name, const char *sql)
{
	PGresult *r = PQprepare(c, name, sql, 0, NULL);

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail(c, name);
	PQclear(r);
}

static double round_trips(PGconn *c, long n)
{
	double t0;
	long i;

	prepare(c, "one", "SELECT 1");
	t0 = now();
	for (i = 0; i < n; i++) {
		PGresult *r = PQexecPrepared(c, "one", 0, NULL, NULL, NULL, 1);

		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fail(c, "SELECT 1");
		PQclear(r);
	}
	return (now() - t0) / (double)n;
}

static double write_chunks(PGconn *c, const unsigned char *cid,
			   const unsigned char *buf, long mib)
{
	char first[32], count[16];
	const char *v[4] = {(const char *)cid, first, (const char *)buf,
			    count};
	int len[4] = {16, 0, PER_STATEMENT * RECORD, 0};
	int fmt[4] = {1, 0, 1, 0};
	double t0;
	long m;

	snprintf(count, sizeof(count), "%d", PER_STATEMENT);
	t0 = now();
	exec_ok(c, "BEGIN");
	exec_ok(c, "SET LOCAL plan_cache_mode = force_generic_plan");
	prepare(c, "w",
		"INSERT INTO pgfloor_chunk (cid, idx, data)"
		" SELECT $1, $2::bigint + i,"
		" substring($3::bytea FROM i * 4096 + 1 FOR 4096)"
		" FROM generate_series(0, $4::int - 1) AS i"
		" ON CONFLICT (cid, idx) DO UPDATE SET data = EXCLUDED.data");
	for (m = 0; m < mib; m++) {
		PGresult *r;

		snprintf(first, sizeof(first), "%ld", m * PER_STATEMENT);
		r = PQexecPrepared(c, "w", 4, v, len, fmt, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail(c, "INSERT");
		PQclear(r);
	}
	exec_ok(c, "COMMIT");
	return now() - t0;
}

static double read_chunks(PGconn *c, const unsigned char *cid, long mib)
{
	char first[32];
	const char *v[2] = {(const char *)cid, first};
	int len[2] = {16, 0};
	int fmt[2] = {1, 0};
	double t0;
	long m;

	prepare(c, "r",
		"SELECT idx, data FROM pgfloor_chunk WHERE cid = $1"
		" AND idx >= $2::bigint AND idx < $2::bigint + 256"
		" ORDER BY idx");
	t0 = now();
	for (m = 0; m < mib; m++) {
		PGresult *r;

		snprintf(first, sizeof(first), "%ld", m * PER_STATEMENT);
		r = PQexecPrepared(c, "r", 2, v, len, fmt, 1);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fail(c, "SELECT");
		if (PQntuples(r) != PER_STATEMENT ||
		    PQgetlength(r, 0, 1) != RECORD) {
			fprintf(stderr, "pgfloor: read back %d records\n",
				PQntuples(r));
			exit(1);
		}
		PQclear(r);
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	long mib = argc > 2 ? atol(argv[2]) : 512;
	long trips = argc > 3 ? atol(argv[3]) : 20000;
	unsigned char cid[16], *buf;
	double rt, w, r;
	PGconn *c;
	size_t i;

	if (argc < 2 || mib <= 0 || trips <= 0) {
		fprintf(stderr, "usage: pgfloor CONNINFO [MIB] [ROUND_TRIPS]\n");
		return 2;
	}
	c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK)
		fail(c, "connect");
	buf = malloc(PER_STATEMENT * RECORD);
	if (!buf)
		return 1;
	/* Sealed records look random: nothing to compress. */
	srand(1);
	for (i = 0; i < PER_STATEMENT * RECORD; i++)
		buf[i] = (unsigned char)rand();
	memset(cid, 0x5a, sizeof(cid));

	exec_ok(c, "SET client_min_messages = warning");
	exec_ok(c, "DROP TABLE IF EXISTS pgfloor_chunk");
	exec_ok(c, "CREATE TABLE pgfloor_chunk (cid bytea NOT NULL,"
		   " idx bigint NOT NULL, data bytea NOT NULL,"
		   " PRIMARY KEY (cid, idx))");
	exec_ok(c, "ALTER TABLE pgfloor_chunk ALTER COLUMN data"
		   " SET STORAGE EXTERNAL");
	rt = round_trips(c, trips);
	w = write_chunks(c, cid, buf, mib);
	r = read_chunks(c, cid, mib);
	exec_ok(c, "DROP TABLE pgfloor_chunk");

	printf("round trip          %8.1f us  (%ld prepared SELECT 1)\n",
	       rt * 1e6, trips);
	printf("content write       %8.1f MiB/s  (%ld MiB in %.3f s, "
	       "committed)\n", (double)mib / w, mib, w);
	printf("content read        %8.1f MiB/s  (%ld MiB in %.3f s)\n",
	       (double)mib / r, mib, r);
	free(buf);
	PQfinish(c);
	return 0;
}
