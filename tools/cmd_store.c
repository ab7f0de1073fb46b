// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl commands about the store as a whole: init, plan, usage and
 * check.
 *
 * Plans are the operator's business (the backend refuses anyone else);
 * usage and check report what the backend measures.  None of these
 * commands decides anything itself: each is one backend call and its
 * output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "groupctl.h"

/* ---- init ------------------------------------------------------------- */

enum { INIT_PASSPHRASE_FILE, INIT_UNIX_GROUP, INIT_POSTGRES };

static const struct cmd_option init_options[] = {
	[INIT_PASSPHRASE_FILE] = {"passphrase-file", "FILE",
				  "wrap the master key with the passphrase "
				  "in FILE ('-': standard input)"},
	[INIT_UNIX_GROUP] = {"unix-group", "GROUP",
			     "let Unix group GROUP use the database (for a "
			     "set-group-id groupctl)"},
	[INIT_POSTGRES] = {"postgres", "CONNINFO",
			   "keep the store in the PostgreSQL database "
			   "CONNINFO (a libpq connection string; the "
			   "database must exist and be empty), for several "
			   "machines"},
	{NULL, NULL, NULL},
};

static int run_init(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *pass_file = a->opt[INIT_PASSPHRASE_FILE];
	char err[512] = "";
	char *pass = NULL;
	size_t passlen = 0;
	int status = CMD_OK, rc;

	if (pass_file) {
		if (cmd_read_secret(pass_file, &pass, &passlen) < 0)
			return CMD_REFUSED;
		if (passlen == 0) {
			status = cmd_fail("%s: the passphrase is empty",
					  pass_file);
			goto free_pass;
		}
	}
	if (cmd_make_parents(ctx->store_dir) < 0) {
		status = CMD_REFUSED;
		goto free_pass;
	}
	rc = store_init(ctx->store_dir, pass, passlen, a->opt[INIT_UNIX_GROUP],
			 a->opt[INIT_POSTGRES],
			err, sizeof(err));
	if (rc < 0) {
		status = cmd_fail("%s", err[0] ? err : strerror(-rc));
		goto free_pass;
	}
	printf("store created in %s\n", ctx->store_dir);
free_pass:
	cmd_free_secret(pass, passlen);
	return status;
}

/* ---- plans ------------------------------------------------------------ */

static void plan_json(struct cmd_json *j, const struct store_plan *p)
{
	cmd_json_object(j, NULL);
	cmd_json_string(j, "name", p->name);
	cmd_json_int(j, "max_groups", p->max_groups);
	cmd_json_int(j, "max_members", p->max_members);
	cmd_json_int(j, "group_bytes", (int64_t)p->group_bytes);
	cmd_json_int(j, "private_bytes", (int64_t)p->private_bytes);
	cmd_json_count(j, "accounts", p->accounts);
	cmd_json_end_object(j);
}

static int run_plan_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_plan *plans = NULL;
	struct cmd_table t;
	struct cmd_json j;
	size_t n = 0, i;
	int status = CMD_OK, rc;

	rc = store_plan_list(ctx->st, &plans, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++)
			plan_json(&j, &plans[i]);
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
		goto free_plans;
	}
	cmd_table_init(&t, 6, "PLAN", "GROUPS", "MEMBERS", "GROUP_SIZE",
		       "PRIVATE_SIZE", "ACCOUNTS");
	for (i = 0; i < n; i++) {
		char groups[24], members[24], gsize[32], psize[32], acc[24];

		snprintf(groups, sizeof(groups), "%lld",
			 (long long)plans[i].max_groups);
		snprintf(members, sizeof(members), "%lld",
			 (long long)plans[i].max_members);
		snprintf(acc, sizeof(acc), "%lld",
			 (long long)plans[i].accounts);
		cmd_table_row(&t, plans[i].name, groups, members,
			      cmd_format_size((int64_t)plans[i].group_bytes,
					      gsize, sizeof(gsize)),
			      cmd_format_size((int64_t)plans[i].private_bytes,
					      psize, sizeof(psize)),
			      plans[i].accounts < 0 ? NULL : acc);
	}
	status = cmd_table_flush(&t);
free_plans:
	free(plans);
	return status;
}

static int run_plan_show(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_plan p;
	struct cmd_json j;
	char size[32];
	int rc;

	rc = store_plan_get(ctx->st, a->pos[0], &p);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		plan_json(&j, &p);
		cmd_json_finish(&j);
		return CMD_OK;
	}
	cmd_show("name", "%s", p.name);
	cmd_show("max groups", "%lld", (long long)p.max_groups);
	cmd_show("max members", "%lld", (long long)p.max_members);
	cmd_show("group capacity", "%s",
		 cmd_format_size((int64_t)p.group_bytes, size, sizeof(size)));
	cmd_show("private capacity", "%s",
		 cmd_format_size((int64_t)p.private_bytes, size, sizeof(size)));
	if (p.accounts >= 0)
		cmd_show("accounts", "%lld", (long long)p.accounts);
	return CMD_OK;
}

enum {
	PLAN_MAX_GROUPS,
	PLAN_MAX_MEMBERS,
	PLAN_GROUP_BYTES,
	PLAN_PRIVATE_BYTES
};

static const struct cmd_option plan_set_options[] = {
	[PLAN_MAX_GROUPS] = {"max-groups", "N",
			     "groups an account may administer"},
	[PLAN_MAX_MEMBERS] = {"max-members", "N",
			      "members per administered group (administrator "
			      "and pending invitations included)"},
	[PLAN_GROUP_BYTES] = {"group-bytes", "SIZE",
			      "capacity of each administered group"},
	[PLAN_PRIVATE_BYTES] = {"private-bytes", "SIZE",
				"capacity of the private space"},
	{NULL, NULL, NULL},
};

static int run_plan_set(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_plan p;
	unsigned mask = 0;
	int status, rc;
	int64_t v;

	memset(&p, 0, sizeof(p));
	if (strlen(a->pos[0]) >= sizeof(p.name))
		return cmd_usage_error(ctx, "plan name too long: '%s'",
				       a->pos[0]);
	strcpy(p.name, a->pos[0]);
	if (a->opt[PLAN_MAX_GROUPS]) {
		if (cmd_parse_count(a->opt[PLAN_MAX_GROUPS], &v) < 0)
			return cmd_usage_error(ctx, "bad number '%s'",
					       a->opt[PLAN_MAX_GROUPS]);
		p.max_groups = v;
		mask |= STORE_PLAN_MAX_GROUPS;
	}
	if (a->opt[PLAN_MAX_MEMBERS]) {
		if (cmd_parse_count(a->opt[PLAN_MAX_MEMBERS], &v) < 0)
			return cmd_usage_error(ctx, "bad number '%s'",
					       a->opt[PLAN_MAX_MEMBERS]);
		p.max_members = v;
		mask |= STORE_PLAN_MAX_MEMBERS;
	}
	if (a->opt[PLAN_GROUP_BYTES]) {
		if (store_parse_size(a->opt[PLAN_GROUP_BYTES], &v) < 0 || v < 0)
			return cmd_usage_error(ctx,
					       "bad size '%s' (say 500M, "
					       "10G)",
					       a->opt[PLAN_GROUP_BYTES]);
		p.group_bytes = (uint64_t)v;
		mask |= STORE_PLAN_GROUP_BYTES;
	}
	if (a->opt[PLAN_PRIVATE_BYTES]) {
		if (store_parse_size(a->opt[PLAN_PRIVATE_BYTES], &v) < 0 ||
		    v < 0)
			return cmd_usage_error(ctx,
					       "bad size '%s' (say 500M, "
					       "10G)",
					       a->opt[PLAN_PRIVATE_BYTES]);
		p.private_bytes = (uint64_t)v;
		mask |= STORE_PLAN_PRIVATE_BYTES;
	}
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	rc = store_plan_set(ctx->st, &ctx->caller, &p, mask, NULL);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	return CMD_OK;
}

static int run_plan_remove(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int rc = store_plan_remove(ctx->st, &ctx->caller, a->pos[0]);

	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

/* ---- usage ------------------------------------------------------------ */

static int run_usage(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_usage *u = NULL;
	struct cmd_table t;
	struct cmd_json j;
	size_t n = 0, i;
	int status = CMD_OK, rc;

	rc = store_usage(ctx->st, &ctx->caller, a->npos ? a->pos[0] : NULL, &u,
			 &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_string(&j, "name", u[i].name);
			cmd_json_count(&j, "used", u[i].used);
			cmd_json_count(&j, "metadata", u[i].metadata);
			cmd_json_count(&j, "history", u[i].history);
			cmd_json_count(&j, "capacity", u[i].capacity);
			cmd_json_count(&j, "files", u[i].files);
			cmd_json_count(&j, "max_files", u[i].max_files);
			cmd_json_count(&j, "members", u[i].members);
			cmd_json_count(&j, "max_members", u[i].max_members);
			cmd_json_end_object(&j);
		}
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
		goto free_usage;
	}
	cmd_table_init(&t, 8, "NAME", "USED", "METADATA", "HISTORY",
		       "CAPACITY", "USE%", "FILES", "MEMBERS");
	for (i = 0; i < n; i++) {
		char used[32], meta[32], hist[32], cap[32], pct[24] = "";
		char files[48];
		char members[48];

		/* Content and metadata share the capacity, as df shows. */
		if (u[i].capacity > 0 && u[i].used >= 0)
			snprintf(pct, sizeof(pct), "%lld%%",
				 (long long)((u[i].used + u[i].metadata) * 100 /
					     u[i].capacity));
		snprintf(files, sizeof(files), "%lld/%lld",
			 (long long)u[i].files, (long long)u[i].max_files);
		members[0] = '\0';
		if (u[i].members >= 0 && u[i].max_members >= 0)
			snprintf(members, sizeof(members), "%lld/%lld",
				 (long long)u[i].members,
				 (long long)u[i].max_members);
		else if (u[i].members >= 0)
			snprintf(members, sizeof(members), "%lld",
				 (long long)u[i].members);
		cmd_table_row(&t, u[i].name,
			      cmd_format_size(u[i].used, used, sizeof(used)),
			      cmd_format_size(u[i].metadata, meta,
					      sizeof(meta)),
			      cmd_format_size(u[i].history, hist,
					      sizeof(hist)),
			      cmd_format_size(u[i].capacity, cap, sizeof(cap)),
			      pct, u[i].files < 0 ? NULL : files, members);
	}
	status = cmd_table_flush(&t);
free_usage:
	free(u);
	return status;
}

/* ---- check ------------------------------------------------------------ */

struct problems {
	char **line;
	size_t n, cap;
	bool failed;
};

static void collect_problem(void *arg, const char *problem)
{
	struct problems *p = arg;
	char *copy;

	if (p->failed)
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		char **line = realloc(p->line, cap * sizeof(*line));

		if (!line) {
			p->failed = true;
			return;
		}
		p->line = line;
		p->cap = cap;
	}
	copy = strdup(problem);
	if (!copy) {
		p->failed = true;
		return;
	}
	p->line[p->n++] = copy;
}

enum { CHECK_PASSPHRASE_FILE };

static const struct cmd_option check_options[] = {
	[CHECK_PASSPHRASE_FILE] = {"passphrase-file", "FILE",
				   "the passphrase of a wrapped master key, to "
				   "verify content too ('-': standard input)"},
	{NULL, NULL, NULL},
};

/* A wrapped master key is loaded only with its passphrase; without it
 * the backend checks all but content, and warns. */
static int load_key(struct cmd_ctx *ctx, const char *pass_file)
{
	char *pass = NULL;
	size_t passlen = 0;
	int status = CMD_OK, rc;

	if (cmd_read_secret(pass_file, &pass, &passlen) < 0)
		return CMD_REFUSED;
	rc = store_load_key(ctx->st, pass, passlen);
	if (rc < 0)
		status = cmd_refused(ctx, rc);
	cmd_free_secret(pass, passlen);
	return status;
}

static int run_check(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct problems p = {0};
	unsigned count = 0;
	struct cmd_json j;
	int status, rc;
	size_t i;

	if (a->opt[CHECK_PASSPHRASE_FILE]) {
		status = load_key(ctx, a->opt[CHECK_PASSPHRASE_FILE]);
		if (status != CMD_OK)
			return status;
	}
	rc = store_check(ctx->st, &ctx->caller, collect_problem, &p, &count);
	if (rc < 0) {
		status = cmd_refused(ctx, rc);
		goto free_problems;
	}
	if (p.failed) {
		status = cmd_fail("%s", strerror(ENOMEM));
		goto free_problems;
	}
	if (count < p.n)
		count = (unsigned)p.n;
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_object(&j, NULL);
		cmd_json_bool(&j, "consistent", count == 0);
		cmd_json_int(&j, "count", count);
		cmd_json_array(&j, "problems");
		for (i = 0; i < p.n; i++)
			cmd_json_string(&j, NULL, p.line[i]);
		cmd_json_end_array(&j);
		cmd_json_end_object(&j);
		cmd_json_finish(&j);
	} else {
		for (i = 0; i < p.n; i++)
			printf("%s\n", p.line[i]);
		if (count == 0)
			puts("store is consistent");
		else
			printf("%u problem%s\n", count, count == 1 ? "" : "s");
	}
	status = count ? CMD_REFUSED : CMD_OK;
free_problems:
	for (i = 0; i < p.n; i++)
		free(p.line[i]);
	free(p.line);
	return status;
}

const struct cmd cmd_store_commands[] = {
	{
		.noun = "init",
		.synopsis = "[--passphrase-file FILE] [--unix-group GROUP] "
			    "[--postgres CONNINFO]",
		.summary = "create a new store in the store directory",
		.help = "The directory (--store, or the default store) is "
			"created if missing and must be empty. The one who "
			"runs init owns the store and is its operator, with "
			"root. With --unix-group, members of that group may "
			"use the database through a groupctl installed "
			"set-group-id to it; the master key stays the owner's. "
			"With --postgres the store is kept in that PostgreSQL "
			"database (which must exist and hold no store), for "
			"several machines to mount at once: the directory "
			"then holds the master key and the connection string "
			"(see 'Several machines' in the README).",
		.options = init_options,
		.flags = CMD_NEW_STORE,
		.run = run_init,
	},
	{
		.noun = "plan",
		.verb = "list",
		.synopsis = "",
		.summary = "list the subscription plans",
		.run = run_plan_list,
	},
	{
		.noun = "plan",
		.verb = "show",
		.synopsis = "PLAN",
		.summary = "show one plan",
		.min_args = 1,
		.max_args = 1,
		.run = run_plan_show,
	},
	{
		.noun = "plan",
		.verb = "set",
		.synopsis = "PLAN [--max-groups N] [--max-members N] "
			    "[--group-bytes SIZE] [--private-bytes SIZE]",
		.summary = "create or change a plan (operator only)",
		.help = "A new plan takes the free tier's values for what is "
			"not given. SIZE is bytes or a number with a unit: "
			"500M, 10G, 1.5T.",
		.options = plan_set_options,
		.min_args = 1,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_plan_set,
	},
	{
		.noun = "plan",
		.verb = "remove",
		.synopsis = "PLAN",
		.summary = "remove a plan no account uses (operator "
			   "only)",
		.min_args = 1,
		.max_args = 1,
		.run = run_plan_remove,
	},
	{
		.noun = "usage",
		.synopsis = "[GROUP]",
		.summary = "show the bytes and entries used against capacities",
		.help = "Without GROUP: your private space and each of your "
			"groups.",
		.max_args = 1,
		.run = run_usage,
	},
	{
		.noun = "check",
		.synopsis = "[--passphrase-file FILE]",
		.summary = "verify the store's integrity (operator only)",
		.help = "Verifies the database, the rules of the model and the "
			"content of every item (each chunk present and "
			"authentic); a wrapped master key needs its passphrase "
			"for content, which is otherwise not verified (with a "
			"warning). Prints each problem found, then 'store is "
			"consistent' or 'N problems'; exits 1 when there are "
			"problems.",
		.options = check_options,
		.run = run_check,
	},
	{NULL},
};
