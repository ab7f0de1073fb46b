/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fill: put many empty files into a group's documents through the backend
 * directly (no mount), for the scale benchmarks of bench/run.
 *
 *   fill [--max-seconds S] STORE ACCOUNT GROUP DIR NDIRS PERDIR
 *
 * creates documents/DIR/dNNNNN/fNNNNNNN (NDIRS folders of PERDIR files; with
 * NDIRS 0, PERDIR files straight in documents/DIR) as ACCOUNT, through
 * store_fs_mkdir and store_fs_mknod of store.h alone: every rule of the
 * mount is checked and each call is its own transaction (about 6,000
 * files a second on a small machine: a million in under three minutes).
 * --max-seconds stops early; the last line printed on stdout is
 * JSON: {"files": N, "dirs": D, "seconds": S, "rate": R, "complete": B}.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: fill [--max-seconds S] STORE "
			"ACCOUNT GROUP DIR NDIRS PERDIR\n");
	exit(2);
}

static struct store *st;
/* The folder `name` in `parent`, made if missing. */
static uint64_t folder(const struct store_caller *c, uint64_t parent,
		       const char *name)
{
	struct store_attr a;
	int rc;

	rc = store_fs_lookup(st, c, parent, name, &a);
	if (rc == -ENOENT) {
		rc = store_fs_mkdir(st, c, parent, name, 0755, &a);
	}
	if (rc) {
		fprintf(stderr, "fill: %s: %s (%s)\n", name, strerror(-rc),
			store_errmsg(st));
		exit(1);
	}
	return a.ino;
}

int main(int argc, char **argv)
{
	struct store_caller c;
	struct store_attr a;
	char err[512], name[64];
	uint64_t docs, top, dir;
	long ndirs, perdir, d, f, files = 0, dirs = 0;
	double max_seconds = 0, t0, t, last;
	int rc, i = 1;
	bool complete = true;

	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		if (strcmp(argv[i], "--max-seconds") == 0 && i + 1 < argc)
			max_seconds = atof(argv[i + 1]);
		else
			usage();
		i += 2;
	}
	if (argc - i != 6)
		usage();
	ndirs = atol(argv[i + 4]);
	perdir = atol(argv[i + 5]);
	rc = store_open(argv[i], STORE_OPEN_KEY | STORE_OPEN_FAST_COMMIT, NULL,
			0, &st, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "fill: %s\n", err);
		return 1;
	}
	rc = store_caller_for_uid(st, getuid(), argv[i + 1], &c);
	if (rc == 0)
		rc = store_tool_root(st, &c, argv[i + 2], STORE_TOOL_DOCUMENTS,
				     &docs);
	if (rc) {
		fprintf(stderr, "fill: %s\n", store_errmsg(st));
		return 1;
	}
	top = folder(&c, docs, argv[i + 3]);
	t0 = last = now();
	for (d = 0; d < (ndirs ? ndirs : 1) && complete; d++) {
		if (ndirs) {
			snprintf(name, sizeof(name), "d%05ld", d);
			dir = folder(&c, top, name);
			dirs++;
		} else {
			dir = top;
		}
		for (f = 0; f < perdir; f++) {
			snprintf(name, sizeof(name), "f%07ld", f);
			rc = store_fs_mknod(st, &c, dir, name, 0100644, &a);
			if (rc && rc != -EEXIST) {
				fprintf(stderr, "fill: %s: %s (%s)\n", name,
					strerror(-rc), store_errmsg(st));
				return 1;
			}
			files++;
			if ((files & 1023) == 0) {
				t = now();
				if (t - last >= 10) {
					fprintf(stderr,
						"fill: %ld files, %.0f/s\n",
						files, files / (t - t0));
					last = t;
				}
				if (max_seconds > 0 && t - t0 > max_seconds) {
					complete = f + 1 == perdir &&
						   d + 1 == (ndirs ? ndirs : 1);
					break;
				}
			}
		}
	}
	t = now() - t0;
	printf("{\"files\": %ld, \"dirs\": %ld, \"seconds\": %.3f, "
	       "\"rate\": %.1f, \"complete\": %s}\n",
	       files, dirs, t, files / (t > 0 ? t : 1), complete ? "true" : "false");
	store_close(st);
	return 0;
}
