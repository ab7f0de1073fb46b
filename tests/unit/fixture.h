/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test fixture shared by the unit tests: each test case runs on a fresh
 * store in its own temporary directory, removed afterwards (kept when
 * GROUPFS_KEEP_TMP is set, to look at a failure).  Helpers create plans,
 * accounts, groups and memberships in one line each; a setup step that
 * fails ends the current case with a failing check that shows the store's
 * message, so one broken call does not cascade into pages of noise.
 *
 * fx_snapshot() renders everything the public API shows about the store
 * (plans, accounts, groups, members, invitations, tool rights, the trees
 * of the tools, calendar grants) as text, so that a test can check that a
 * refused operation changed nothing.
 */
#ifndef GROUPFS_FIXTURE_H
#define GROUPFS_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"
#include "tap.h"

struct fixture {
	char tmp[PATH_MAX]; /* the temporary directory of the case */
	char dir[PATH_MAX]; /* the store: tmp/store */
	struct store *st;
	struct store_caller op; /* the store operator, no account */
	bool big_plan;		/* FX_BIG exists */
	/* On PostgreSQL (GROUPFS_TEST_PG): the case's own database, and the
	 * connection string of its store. */
	char pg_db[64];
	char pg_conninfo[1024];
};

/* The connection string of a new, empty PostgreSQL database for a store
 * into fx->pg_conninfo, when the tests run on PostgreSQL (GROUPFS_TEST_PG,
 * set by tests/pg/with-cluster.sh): NULL when they run on SQLite.  The
 * case's teardown drops it. */
const char *fx_postgres(struct fixture *fx);
/* Whether the cases run on PostgreSQL (GROUPFS_TEST_PG). */
bool fx_on_postgres(void);
/* Run raw SQL on the case's database, behind the store's back (what a
 * bug, a crash or a hand edit could do): `sqlite` on SQLite, `pg` on
 * PostgreSQL (each engine's dialect).  0, or -EIO with a diagnostic. */
int fx_sql(struct fixture *fx, const char *sqlite, const char *pg);

/* A plan for administrators: 100 groups of 100 members, 1 GiB each. */
#define FX_BIG "fxbig"
#define FX_GIB (1024ULL * 1024 * 1024)

enum fx_group_flags {
	FX_PUBLISHED = 1 << 0,
	FX_MEMBERS_PUBLISHED = 1 << 1,
	FX_OPEN = 1 << 2,
};

/* Run `fn` on a fresh store; the case's name goes to the log first. */
void fx_run(const char *name, void (*fn)(struct fixture *fx));
/* End the current case with a failing check: a setup step failed. */
__attribute__((noreturn, format(printf, 3, 4))) void
fx_bail(struct fixture *fx, int rc, const char *fmt, ...);
/* Remove a directory tree (nftw); 0 or -errno. */
int fx_rmtree(const char *path);
/* A fresh temporary directory (mkdtemp under $TMPDIR or /tmp). */
void fx_mkdtemp(char *buf, size_t len);

/* Create or change a plan as the operator. */
void fx_plan(struct fixture *fx, const char *name, int64_t max_groups,
	     int64_t max_members, uint64_t group_bytes, uint64_t private_bytes);
/* Add an account (first, last, email; `plan`, NULL for the default; no
 * password) as the operator; its caller. */
struct store_caller fx_account(struct fixture *fx, const char *user,
			       const char *plan);
/* The caller of an existing account. */
struct store_caller fx_caller(struct fixture *fx, const char *user);
/* Create a group administered by `admin` (flags: fx_group_flags). */
int64_t fx_group(struct fixture *fx, const struct store_caller *admin,
		 const char *name, unsigned flags);
/* Invite `user` into `group` and accept: a plain member. */
void fx_join(struct fixture *fx, const struct store_caller *admin,
	     const char *group, const char *user);
void fx_coadmin(struct fixture *fx, const struct store_caller *admin,
		const char *group, const char *user);
/* The role of `user` in `group` as `c` sees the members list. */
enum store_role fx_role(struct fixture *fx, const struct store_caller *c,
			const char *group, const char *user);
/* Number of members of `group` as `c` sees it, -1 when refused. */
long fx_members(struct fixture *fx, const struct store_caller *c,
		const char *group);

uint64_t fx_root(struct fixture *fx, const struct store_caller *c,
		 const char *group, enum store_tool tool);
/* The inode of `name` in folder `parent` as `c` looks it up (bails when
 * the lookup fails). */
uint64_t fx_lookup(struct fixture *fx, const struct store_caller *c,
		   uint64_t parent, const char *name);
uint64_t fx_mkdir(struct fixture *fx, const struct store_caller *c,
		  uint64_t parent, const char *name);
uint64_t fx_create(struct fixture *fx, const struct store_caller *c,
		   uint64_t parent, const char *name);
/* store_rights_set with a NULL-terminated list of names. */
void fx_rights(struct fixture *fx, const struct store_caller *c,
	       const char *group, const char *target, enum store_right right,
	       bool all_members, ...);

/* What the public API shows of the whole store; free() it. */
char *fx_snapshot(struct fixture *fx);

/*
 * A refusal: rc is `e1` (or `e2`), and store_errmsg() is not empty and
 * contains one of `keywords` ('|'-separated, any case; NULL: any text).
 * Two checks.
 */
bool fx_refused_at(struct fixture *fx, int rc, int e1, int e2,
		   const char *keywords, const char *file, int line,
		   const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* The store looks as in `before` (freed). */
bool fx_unchanged_at(struct fixture *fx, char *before, const char *file,
		     int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* rc is 0; otherwise the diagnostic shows the errno and the message. */
bool fx_ok_at(struct fixture *fx, int rc, const char *file, int line,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define refused(fx, rc, e, kw, ...)                                            \
	fx_refused_at((fx), (rc), (e), (e), (kw), __FILE__, __LINE__,          \
		      __VA_ARGS__)
#define refused2(fx, rc, e1, e2, kw, ...)                                      \
	fx_refused_at((fx), (rc), (e1), (e2), (kw), __FILE__, __LINE__,        \
		      __VA_ARGS__)
#define unchanged(fx, before, ...)                                             \
	fx_unchanged_at((fx), (before), __FILE__, __LINE__, __VA_ARGS__)
#define succeeds(fx, rc, ...)                                                  \
	fx_ok_at((fx), (rc), __FILE__, __LINE__, __VA_ARGS__)

/* Keywords that name the rules, for refused(). */
#define KW_ADMIN    "administrator"
#define KW_OPERATOR "operator"
#define KW_PLAN	    "plan|limit|at most|maximum"

#endif
