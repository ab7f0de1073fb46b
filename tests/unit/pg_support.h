/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the unit programs of the PostgreSQL engine (test_pg*.c) share: a
 * throwaway cluster (tests/pg/cluster.sh) started once a program and
 * stopped whatever way the program ends, a store connected to it with
 * the schema made, hooks that do nothing for the tests that record no
 * call back, a node written in SQL and a one-integer query.
 */
#ifndef GROUPFS_PG_SUPPORT_H
#define GROUPFS_PG_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgdb.h"

/* node_open answers false (no item held open anywhere), hist_gone does
 * nothing: for a struct shared whose test counts neither. */
extern const struct meta_hooks pgt_hooks;
/* pgt_hooks' node_open, for the hooks of a test that counts hist_gone. */
bool pgt_node_open(struct store *st, uint64_t ino);

/*
 * Start a cluster in a new /tmp/gfspg.XXXXXX with the script named by
 * GROUPFS_PG_CLUSTER (tests/pg/cluster.sh when unset, from the source
 * tree), its conninfo into `conninfo` (`size` bytes, "" when none).
 * 0: started; the cluster is stopped and its directory removed at exit,
 * and on SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGABRT or SIGSEGV (exit
 * status 128 + signal), unless pgt_cluster_stop() did it before; a
 * SIGINT, SIGTERM or SIGHUP during the start waits for its end.  A
 * watchdog process stops it when the program dies any other way
 * (SIGKILL, a sanitizer's report).
 * 77: no PostgreSQL server binaries; the TAP plan "1..0 # SKIP" and its
 * reason are printed, the program has only to return 0.
 * 1: it failed (mkdtemp, or cluster.sh, which said why on stderr).
 * Once a program.
 */
int pgt_cluster_start(char *conninfo, size_t size);

/*
 * pgt_cluster_start(), then `st` connected to the cluster and the schema
 * made, in a transaction left open for the caller to go on with or
 * commit; each step a check ("a throwaway cluster starts", "connect",
 * "begin", "migrate").  0: done; 77: skipped, as pgt_cluster_start's;
 * 1: a step failed, its check says which (the caller ends with
 * done_testing()).
 */
int pgt_setup(struct store *st, char *conninfo, size_t size);

/* Stop the cluster and remove its directory; nothing when there is none
 * (never started, or stopped already). */
void pgt_cluster_stop(void);

/* A node of `space` written in SQL, as a row another area's calls would
 * make: a folder, or a regular file of `size` bytes; its id, 0 when the
 * INSERT fails (said in a diag). */
int64_t pgt_node(struct store *st, int64_t space, bool dir, int64_t size);

/* The first column of the first row of `sql` as an integer, `arg` bound
 * as $1 when `sql` has a $1 (else unused); -999 when the query fails,
 * said in a diag with the store's message. */
int64_t pgt_one(struct store *st, const char *sql, int64_t arg);

#endif
