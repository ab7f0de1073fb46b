// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A developer's profile of the statements a process runs: with
 * GROUPFS_SQL_PROFILE=PATH in the environment, every connection reports
 * each statement it finishes (sqlite3_trace_v2, SQLITE_TRACE_PROFILE), and
 * at exit the process writes PATH.PID: per statement text, how many times
 * it ran, the total and the mean time, the most costly first.  Used to
 * find what a hot path costs (bench/README.md); off, it costs nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

#define PROFILE_SLOTS 2048

struct prof {
	char *sql;
	uint64_t count, ns;
};

static pthread_mutex_t prof_lock = PTHREAD_MUTEX_INITIALIZER;
static struct prof prof[PROFILE_SLOTS];
static bool prof_armed;

static int by_cost(const void *a, const void *b)
{
	const struct prof *x = a, *y = b;

	/* Empty slots last: the report ends at the first. */
	if (!x->sql || !y->sql)
		return !x->sql - !y->sql;
	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void prof_write(void)
{
	const char *path = getenv("GROUPFS_SQL_PROFILE");
	char name[4096];
	uint64_t count = 0, ns = 0;
	FILE *f;
	size_t i;

	snprintf(name, sizeof(name), "%s.%d", path, (int)getpid());
	f = fopen(name, "w");
	if (!f)
		return;
	pthread_mutex_lock(&prof_lock);
	qsort(prof, PROFILE_SLOTS, sizeof(prof[0]), by_cost);
	for (i = 0; i < PROFILE_SLOTS && prof[i].sql; i++) {
		count += prof[i].count;
		ns += prof[i].ns;
	}
	fprintf(f, "# %llu statements, %.3f ms\n# count total_ms mean_us sql\n",
		(unsigned long long)count, ns / 1e6);
	for (i = 0; i < PROFILE_SLOTS && prof[i].sql; i++)
		fprintf(f, "%llu %.3f %.2f %s\n",
			(unsigned long long)prof[i].count, prof[i].ns / 1e6,
			prof[i].ns / 1e3 / (double)prof[i].count, prof[i].sql);
	pthread_mutex_unlock(&prof_lock);
	fclose(f);
}

static int prof_trace(unsigned type, void *ctx, void *p, void *x)
{
	const char *sql = sqlite3_sql(p);
	size_t h = 5381, i;

	(void)type;
	(void)ctx;
	if (!sql)
		return 0;
	for (i = 0; sql[i]; i++)
		h = h * 33 + (unsigned char)sql[i];
	pthread_mutex_lock(&prof_lock);
	for (i = 0; i < PROFILE_SLOTS; i++) {
		struct prof *e = &prof[(h + i) % PROFILE_SLOTS];

		if (!e->sql) {
			e->sql = strdup(sql);
			if (!e->sql)
				break;
		}
		if (strcmp(e->sql, sql) == 0) {
			e->count++;
			e->ns += *(sqlite3_int64 *)x;
			break;
		}
	}
	pthread_mutex_unlock(&prof_lock);
	return 0;
}

void db_profile_attach(struct store *st)
{
	if (!getenv("GROUPFS_SQL_PROFILE"))
		return;
	pthread_mutex_lock(&prof_lock);
	if (!prof_armed) {
		prof_armed = true;
		atexit(prof_write);
	}
	pthread_mutex_unlock(&prof_lock);
	sqlite3_trace_v2(st->eng->db, SQLITE_TRACE_PROFILE, prof_trace, NULL);
}
