// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl backup, restore and migrate: a consistent copy of a store while
 * it is mounted and in use, a new store from such a copy, checked, and a
 * store moved to the other engine (SQLite, PostgreSQL), checked.  How a
 * copy is made consistent is the backend's business (store_backup,
 * store_migrate); here are the command lines and the progress shown on
 * standard error.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "groupctl.h"

enum { BK_PROGRESS };
enum { MG_TO_POSTGRES, MG_TO_SQLITE };

static const struct cmd_option migrate_options[] = {
	[MG_TO_POSTGRES] = {"to-postgres", "CONNINFO",
			    "move the store into the empty PostgreSQL "
			    "database CONNINFO (a libpq connection string)"},
	[MG_TO_SQLITE] = {"to-sqlite", "DIR",
			  "copy the store on PostgreSQL to a new store on "
			  "SQLite in DIR"},
	{NULL, NULL, NULL},
};

static const struct cmd_option backup_options[] = {
	[BK_PROGRESS] = {"progress", NULL,
			 "show progress on standard error even when it is "
			 "not a terminal"},
	{NULL, NULL, NULL},
};

struct shown {
	bool on;
	bool tty;
	time_t start;
	uint64_t locked_us; /* how long the store's writers waited */
	uint64_t tries;	    /* times the final pass took the lock */
};

static void show_progress(void *arg, const char *phase, uint64_t done,
			  uint64_t total)
{
	struct shown *s = arg;
	char d[32], t[32];
	bool pages = strcmp(phase, "database") == 0;

	if (strcmp(phase, "locked") == 0) {
		s->locked_us = done;
		return;
	}
	/* Under the store's write lock: nothing written that could block. */
	if (strcmp(phase, "lock") == 0) {
		s->tries = done;
		return;
	}
	if (!s->on)
		return;
	if (strcmp(phase, "done") == 0) {
		fprintf(stderr, "%sgroupctl: done in %lds\n",
			s->tty ? "\r\033[K" : "",
			(long)(time(NULL) - s->start));
		return;
	}
	if (pages) {
		snprintf(d, sizeof(d), "%llu", (unsigned long long)done);
		snprintf(t, sizeof(t), "%llu pages",
			 (unsigned long long)total);
	} else {
		store_format_size((int64_t)done, d, sizeof(d));
		store_format_size((int64_t)total, t, sizeof(t));
	}
	/* On a terminal one line, rewritten; elsewhere one line each. */
	fprintf(stderr, "%sgroupctl: %s %s of %s%s", s->tty ? "\r\033[K" : "",
		phase, d, t, s->tty ? "" : "\n");
}

static void progress_init(struct shown *s, const struct cmd_args *a)
{
	s->tty = isatty(STDERR_FILENO);
	s->on = s->tty || a->opt[BK_PROGRESS];
	s->start = time(NULL);
}

static int run_backup(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct shown s = {0};
	int rc;

	progress_init(&s, a);
	rc = store_backup(ctx->st, &ctx->caller, a->pos[0], show_progress, &s);
	if (rc < 0) {
		if (s.on && s.tty)
			fputs("\r\033[K", stderr);
		return cmd_refused(ctx, rc);
	}
	if (s.tries > 1)
		printf("backup of %s written to %s (%llu tries; writers waited "
		       "%.3f s)\n",
		       ctx->store_dir, a->pos[0], (unsigned long long)s.tries,
		       (double)s.locked_us / 1e6);
	else
		printf("backup of %s written to %s (writers waited %.3f s)\n",
		       ctx->store_dir, a->pos[0], (double)s.locked_us / 1e6);
	return CMD_OK;
}

static void print_problem(void *arg, const char *problem)
{
	(void)arg;
	cmd_say("restored copy: ", problem);
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *f)
{
	(void)sb;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* The highest folder missing on the way to `dir` (restore makes it and
 * those below it); NULL when `dir` exists.  free() it. */
static char *missing_top(const char *dir)
{
	char *p = strdup(dir), *top = NULL, *slash;
	struct stat sb;

	while (p && lstat(p, &sb) != 0 && errno == ENOENT) {
		free(top);
		top = strdup(p);
		slash = strrchr(p, '/');
		while (slash && slash > p && slash[1] == '\0') {
			*slash = '\0'; /* a trailing slash */
			slash = strrchr(p, '/');
		}
		if (!slash || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return top;
}

/* A restore that failed after the copy: DIR was new or empty (restore
 * refuses any other), so all that is in it is the restore's, and so are
 * the folders it made above it (from `made` down). */
static void undo_restore(struct cmd_ctx *ctx, const char *dir,
			 const char *made)
{
	if (ctx->st)
		store_close(ctx->st);
	ctx->st = NULL;
	if (!made) {
		DIR *d = opendir(dir);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			char *p = NULL;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			    asprintf(&p, "%s/%s", dir, e->d_name) < 0)
				continue;
			nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
			free(p);
		}
		if (d)
			closedir(d);
	} else {
		nftw(made, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

static int run_restore(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	unsigned problems = 0;
	char err[1024];
	struct shown s = {0};
	char *made = missing_top(a->pos[1]);
	int rc, status;

	progress_init(&s, a);
	rc = store_restore(a->pos[0], a->pos[1], show_progress, &s, err,
			   sizeof(err));
	if (rc < 0) {
		free(made);
		return cmd_fail("%s", err[0] ? err : strerror(-rc));
	}
	/* The copy as a store: it opens, and groupctl check finds it
	 * clean (content too, with a plain master key).  A copy that does
	 * not open or cannot be checked is removed; one with problems is
	 * left for the operator to look at. */
	ctx->store_dir = a->pos[1];
	status = cmd_open_store(ctx);
	if (status != CMD_OK) {
		undo_restore(ctx, a->pos[1], made);
		free(made);
		return status;
	}
	rc = store_check(ctx->st, &ctx->caller, print_problem, NULL,
			 &problems);
	if (rc < 0) {
		status = cmd_refused(ctx, rc);
		undo_restore(ctx, a->pos[1], made);
		free(made);
		return status;
	}
	free(made);
	if (problems)
		return cmd_fail("%s restored, but its check found %u "
				"problem%s (see above)",
				a->pos[1], problems, problems == 1 ? "" : "s");
	printf("store restored in %s from %s and checked\n", a->pos[1],
	       a->pos[0]);
	return CMD_OK;
}

static void print_moved(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

static int run_migrate(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *to_pg = a->opt[MG_TO_POSTGRES];
	const char *to_sq = a->opt[MG_TO_SQLITE];
	unsigned problems = 0;
	char err[1024] = "";
	int status, rc;

	if (!to_pg == !to_sq) {
		fprintf(stderr, "groupctl: migrate: give one of --to-postgres "
			"CONNINFO and --to-sqlite DIR\n");
		return CMD_USAGE;
	}
	/* Only the store's operator moves it. */
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	if (!ctx->caller.operator) {
		store_close(ctx->st);
		ctx->st = NULL;
		return cmd_fail("only the store operator may move the store");
	}
	store_close(ctx->st);
	ctx->st = NULL;
	rc = store_migrate(ctx->store_dir, to_pg, to_sq, print_moved, NULL,
			   err, sizeof(err));
	if (rc < 0)
		return cmd_fail("%s", err[0] ? err : strerror(-rc));
	/* The store where it is now, as 'groupctl check' sees it. */
	if (to_sq)
		ctx->store_dir = to_sq;
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	rc = store_check(ctx->st, &ctx->caller, print_problem, NULL,
			 &problems);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (problems)
		return cmd_fail("%s: moved, but its check found %u problem%s "
				"(see above)",
				ctx->store_dir, problems,
				problems == 1 ? "" : "s");
	printf("%s checked: no problems\n", ctx->store_dir);
	return CMD_OK;
}

const struct cmd cmd_backup_commands[] = {
	{
		.noun = "backup",
		.synopsis = "DEST [--progress]",
		.summary = "copy the store, consistently, while it is in use "
			   "(operator only)",
		.help = "DEST is made (with any folder missing above it, "
			"0700, as mkdir -p), or must be an empty directory. "
			"Content "
			"is copied first, in passes, while mounts and groupctl "
			"go on writing; then, holding the store's write lock "
			"(writers wait, briefly), every content file that "
			"changed since its copy is copied again (when more "
			"than 64 MiB or 1024 files changed, the lock is "
			"released, another pass catches up, and it tries "
			"again, five times at most) and a snapshot "
			"of the database is taken, which SQLite's online backup "
			"API copies once the lock is released: the copy is the "
			"store at that instant. Content stays encrypted and the "
			"master key file is copied as it is: keep the copy as "
			"safe as the store (it is made 0600, folders 0700). "
			"Progress goes to standard error when it is a terminal, "
			"or with --progress. A store on PostgreSQL is copied "
			"from one snapshot of its database (nobody waits), as "
			"a store on SQLite with the same master key: restore "
			"makes it a store, 'migrate --to-postgres' puts it "
			"back.",
		.options = backup_options,
		.min_args = 1,
		.max_args = 1,
		.run = run_backup,
	},
	{
		.noun = "migrate",
		.synopsis = "--to-postgres CONNINFO | --to-sqlite DIR",
		.summary = "move the store to PostgreSQL, or copy it back to "
			   "SQLite (operator only)",
		.help = "--to-postgres moves the store into the PostgreSQL "
			"database CONNINFO, which must exist and hold no "
			"store (createdb; see 'Several machines' in the "
			"README): every row and every sealed record of "
			"content, as they are, in one transaction. The store "
			"directory then keeps its master key and the "
			"connection string; its SQLite files are kept in "
			"sqlite-moved/ until you remove them. Unmount the "
			"store first: a store being served is refused. "
			"--to-sqlite DIR copies a store on PostgreSQL to a new "
			"store on SQLite in DIR (new or empty), with the same "
			"master key; the store on PostgreSQL stays. Either "
			"way the result is then checked as 'groupctl check' "
			"does; exits 1 when the check finds problems.",
		.options = migrate_options,
		.flags = CMD_OWN_STORE,
		.run = run_migrate,
	},
	{
		.noun = "restore",
		.synopsis = "SRC DIR [--progress]",
		.summary = "make a new store in DIR from the backup SRC, and "
			   "check it",
		.help = "DIR is made (with any folder missing above it), or "
			"must be an empty directory, and may "
			"not be inside SRC nor hold it; SRC must hold a master "
			"key file and a sound database. The new store belongs "
			"to the one who runs restore (0600, folders 0700); a "
			"restore that fails leaves nothing in DIR. The copy "
			"is then checked as 'groupctl check' does (content too "
			"when the master key is not wrapped); exits 1 when the "
			"check finds problems. Bind Unix users again with "
			"'account edit --unix-user' if they differ on this "
			"machine, and give a --unix-group's rights again "
			"(chgrp, chmod) if the store had one.",
		.options = backup_options,
		.min_args = 2,
		.max_args = 2,
		.flags = CMD_NEW_STORE,
		.run = run_restore,
	},
	{NULL},
};
