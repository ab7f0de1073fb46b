// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl history: a space's trash and earlier versions (SPEC.md section
 * 5), the same entries a member sees in <group>/history/ of the mount.
 * GROUP is a group or Private (your own space); PATH is a path of that
 * view (trash/..., versions/...), or a tool path, which means the trash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groupctl.h"

/* A group, or NULL for Private. */
static const char *space_arg(const char *s)
{
	return strcmp(s, "Private") == 0 ? NULL : s;
}

static void when(int64_t ns, char *buf, size_t len)
{
	cmd_format_time(ns / 1000000000, buf, len);
}

static int run_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_hist_entry *v = NULL;
	struct cmd_table t;
	struct cmd_json j;
	size_t n = 0, i;
	int rc;

	rc = store_history_list(ctx->st, &ctx->caller, space_arg(a->pos[0]),
				a->npos > 1 ? a->pos[1] : NULL, &v, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_string(&j, "path", v[i].path);
			cmd_json_string(&j, "origin", v[i].origin);
			cmd_json_string(&j, "kind",
					v[i].version ? "version"
					: v[i].dir   ? "folder"
						     : "deleted");
			cmd_json_int(&j, "at_ns", v[i].at);
			cmd_json_string_or_null(&j, "by",
						v[i].by[0] ? v[i].by : NULL);
			cmd_json_int(&j, "size", v[i].size);
			cmd_json_end_object(&j);
		}
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
		free(v);
		return CMD_OK;
	}
	cmd_table_init(&t, 5, "WHEN", "KIND", "BY", "SIZE", "PATH");
	for (i = 0; i < n; i++) {
		char at[32], size[32];

		when(v[i].at, at, sizeof(at));
		cmd_table_row(&t, at,
			      v[i].version ? "version"
			      : v[i].dir   ? "folder"
					   : "deleted",
			      v[i].by[0] ? v[i].by : NULL,
			      v[i].dir ? "-"
				       : cmd_format_size(v[i].size, size,
							 sizeof(size)),
			      v[i].path);
	}
	free(v);
	return cmd_table_flush(&t);
}

static int run_restore(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	size_t done = 0;
	int rc;

	rc = store_history_restore(ctx->st, &ctx->caller, space_arg(a->pos[0]),
				   a->pos[1], &done);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	return CMD_OK;
}

static int run_purge(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	size_t done = 0;
	int rc;

	rc = store_history_purge(ctx->st, &ctx->caller, space_arg(a->pos[0]),
				 a->npos > 1 ? a->pos[1] : NULL, &done);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	return CMD_OK;
}

const struct cmd cmd_history_commands[] = {
	{
		.noun = "history",
		.verb = "list",
		.synopsis = "GROUP|Private [PATH]",
		.summary = "list deleted items and earlier versions",
		.help = "What you could read live: all of a group's tools, in "
			"drop folders only your own drops (or all, in your "
			"own drop folder). PATH is a path of history/ as the "
			"mount shows it (trash/documents/a, "
			"versions/documents/a.txt) or a tool path, which "
			"means the trash. Oldest first.",
		.min_args = 1,
		.max_args = 2,
		.run = run_list,
	},
	{
		.noun = "history",
		.verb = "restore",
		.synopsis = "GROUP|Private PATH",
		.summary = "put a deleted item or folder back, or make a "
			   "version current",
		.help = "A deleted item goes back where it was, folders made "
			"again where missing: the add right there; a name "
			"taken since is refused (a folder's restore leaves "
			"those entries in history). A version "
			"(versions/PATH/TIME) becomes the item's content: the "
			"edit right on it; what it replaces becomes a "
			"version.",
		.min_args = 2,
		.max_args = 2,
		.run = run_restore,
	},
	{
		.noun = "history",
		.verb = "purge",
		.synopsis = "GROUP|Private [PATH]",
		.summary = "remove entries from history for good",
		.help = "Needs the delete right on the folder each entry came "
			"from; the administrator and co-administrators always "
			"may. Without PATH, everything you see. Any refusal "
			"removes nothing.",
		.min_args = 1,
		.max_args = 2,
		.run = run_purge,
	},
	{NULL},
};
