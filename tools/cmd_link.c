// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl link: public links to a group's calendar, documents and
 * folders, served by groupfs-web (SPEC.md section 6).
 *
 * create prints the URL once: the store keeps only a hash of the token, so
 * no later command can show it again.  The URL's base is --base-url, else
 * the one groupfs-web recorded in the store (its --base-url), else
 * http://localhost:8080.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "groupctl.h"

enum { LC_EXPIRES, LC_BASE_URL };

static const struct cmd_option create_options[] = {
	[LC_EXPIRES] = {"expires", "DATE",
			"the link stops working at DATE: YYYY-MM-DD (the end "
			"of that day), 'YYYY-MM-DD HH:MM[:SS]' (local time), "
			"+N[smhd] from now, or @UNIXTIME"},
	[LC_BASE_URL] = {"base-url", "URL",
			 "print the URL under this base (default: what "
			 "groupfs-web recorded, else http://localhost:8080)"},
	{NULL, NULL, NULL},
};

/* The furthest --expires +N may reach. */
#define MAX_EXPIRY_SECONDS (100LL * 366 * 86400)

/* Parse --expires into unix seconds: 0, -EINVAL, or -ERANGE for +N beyond
 * MAX_EXPIRY_SECONDS (checked before multiplying: no overflow). */
static int parse_expiry(const char *s, int64_t *out)
{
	struct tm tm;
	char *end;
	long long v, unit;
	time_t t;

	if (s[0] == '@' || s[0] == '+') {
		if (!isdigit((unsigned char)s[1]))
			return -EINVAL;
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno == ERANGE && s[0] == '+') {
			/* Digits beyond long long: too far, if well formed. */
			while (isdigit((unsigned char)*end))
				end++;
			if (!*end || (strchr("smhd", *end) && !end[1]))
				return -ERANGE;
		}
		if (errno || end == s + 1 || v < 0)
			return -EINVAL;
		if (s[0] == '@') {
			if (*end)
				return -EINVAL;
			*out = v;
			return 0;
		}
		switch (*end) {
		case 'd':
			unit = 86400;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'm':
			unit = 60;
			break;
		case 's':
		case '\0':
			unit = 1;
			break;
		default:
			return -EINVAL;
		}
		if (*end)
			end++;
		if (*end)
			return -EINVAL;
		if (v > MAX_EXPIRY_SECONDS / unit)
			return -ERANGE;
		*out = (int64_t)time(NULL) + v * unit;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end)
		return -EINVAL;
	if (*end == '\0') {
		/* The whole day counts: it ends at the next midnight. */
		tm.tm_mday++;
	} else {
		if (*end != ' ' && *end != 'T')
			return -EINVAL;
		end = strptime(end + 1, "%H:%M", &tm);
		if (end && *end == ':')
			end = strptime(end + 1, "%S", &tm);
		if (!end || *end)
			return -EINVAL;
	}
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*out = (int64_t)t;
	return 0;
}

static int run_link_create(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	char token[STORE_LINK_TOKEN_LEN + 1], base[1100], path[STORE_PATH_MAX];
	const char *target = a->pos[1];
	int64_t expires = 0, id = 0;
	int status, rc;

	rc = a->opt[LC_EXPIRES] ? parse_expiry(a->opt[LC_EXPIRES], &expires)
				: 0;
	if (rc == -ERANGE)
		return cmd_usage_error(ctx,
				       "--expires: '%s' is too far: at most "
				       "100 years from now",
				       a->opt[LC_EXPIRES]);
	if (rc)
		return cmd_usage_error(ctx,
				       "--expires: '%s' is not YYYY-MM-DD, "
				       "'YYYY-MM-DD HH:MM', +N[smhd] or "
				       "@UNIXTIME",
				       a->opt[LC_EXPIRES]);
	if (a->opt[LC_BASE_URL] &&
	    strncmp(a->opt[LC_BASE_URL], "http://", 7) != 0 &&
	    strncmp(a->opt[LC_BASE_URL], "https://", 8) != 0)
		return cmd_usage_error(ctx,
				       "--base-url: '%s' is not an "
				       "http:// or https:// URL",
				       a->opt[LC_BASE_URL]);
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	if (a->opt[LC_BASE_URL]) {
		if (cmd_copy(base, sizeof(base), a->opt[LC_BASE_URL],
			     "--base-url"))
			return CMD_USAGE;
		for (size_t n = strlen(base); n > 0 && base[n - 1] == '/'; n--)
			base[n - 1] = '\0';
	} else {
		rc = store_link_base_url(ctx->st, base, sizeof(base));
		if (rc < 0)
			return cmd_refused(ctx, rc);
	}
	/* A trailing '/' names the same folder. */
	if (cmd_copy(path, sizeof(path), target, "the target"))
		return CMD_USAGE;
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	rc = store_link_create(ctx->st, &ctx->caller, a->pos[0], path, expires,
			       token, &id);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		struct cmd_json j;
		char url[1200];

		snprintf(url, sizeof(url), "%s/l/%s", base, token);
		cmd_json_init(&j, stdout);
		cmd_json_object(&j, NULL);
		cmd_json_int(&j, "id", id);
		cmd_json_string(&j, "url", url);
		if (expires)
			cmd_json_int(&j, "expires", expires);
		else
			cmd_json_null(&j, "expires");
		cmd_json_end_object(&j);
		cmd_json_finish(&j);
	} else {
		printf("%s/l/%s\n", base, token);
	}
	return CMD_OK;
}

static int run_link_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_link *v = NULL;
	struct cmd_table t;
	struct cmd_json j;
	size_t n = 0, i;
	int rc;

	rc = store_link_list(ctx->st, &ctx->caller, a->npos ? a->pos[0] : NULL,
			     &v, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_int(&j, "id", v[i].id);
			cmd_json_string(&j, "space", v[i].space);
			cmd_json_string_or_null(&j, "owner", v[i].owner);
			cmd_json_string(&j, "target", v[i].target);
			cmd_json_string(&j, "kind",
					strcmp(v[i].target, "calendar") == 0
						? "calendar"
					: v[i].folder ? "folder"
						      : "file");
			cmd_json_string_or_null(&j, "created_by",
						v[i].created_by);
			cmd_json_int(&j, "created", v[i].created);
			if (v[i].expires)
				cmd_json_int(&j, "expires", v[i].expires);
			else
				cmd_json_null(&j, "expires");
			cmd_json_bool(&j, "expired", v[i].expired);
			cmd_json_end_object(&j);
		}
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
		free(v);
		return CMD_OK;
	}
	cmd_table_init(&t, 7, "ID", "SPACE", "TARGET", "CREATED_BY", "CREATED",
		       "EXPIRES", "STATE");
	for (i = 0; i < n; i++) {
		char id[24], created[32], expires[32],
			target[STORE_PATH_MAX + 2];

		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		snprintf(target, sizeof(target), "%s%s", v[i].target,
			 v[i].folder ? "/" : "");
		cmd_table_row(
			&t, id, v[i].space, target,
			v[i].created_by[0] ? v[i].created_by : NULL,
			cmd_format_time(v[i].created, created, sizeof(created)),
			v[i].expires ? cmd_format_time(v[i].expires, expires,
						       sizeof(expires))
				     : "never",
			v[i].expired ? "expired" : "active");
	}
	free(v);
	return cmd_table_flush(&t);
}

static int run_link_revoke(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int64_t id;
	int status, rc;

	if (cmd_parse_count(a->pos[0], &id) || id <= 0)
		return cmd_usage_error(ctx,
				       "'%s' is not a link number "
				       "(see groupctl link list)",
				       a->pos[0]);
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	rc = store_link_revoke(ctx->st, &ctx->caller, id);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	return CMD_OK;
}

const struct cmd cmd_link_commands[] = {
	{
		.noun = "link",
		.verb = "create",
		.synopsis = "GROUP (calendar | documents[/PATH]) "
			    "[--expires DATE] [--base-url URL]",
		.summary = "publish a calendar, file or folder at a URL "
			   "anyone can open",
		.help = "GROUP is a group (its administrator and "
			"co-administrators) or Private (your own space). "
			"Prints the URL, with a random token of 192 bits; it "
			"is shown only now (the store keeps a hash of it). "
			"groupfs-web(8) serves it read-only until the link is "
			"revoked or expires, or its target is deleted.",
		.options = create_options,
		.min_args = 2,
		.max_args = 2,
		.flags = CMD_OWN_STORE,
		.run = run_link_create,
	},
	{
		.noun = "link",
		.verb = "list",
		.synopsis = "[GROUP | Private]",
		.summary = "list the public links you may see",
		.help = "Members see their groups' links, each account its "
			"private ones, the operator all. The URLs are not "
			"shown: the store does not know them.",
		.min_args = 0,
		.max_args = 1,
		.run = run_link_list,
	},
	{
		.noun = "link",
		.verb = "revoke",
		.synopsis = "ID",
		.summary = "revoke a public link (as for create)",
		.help = "ID is the number link list shows. The URL answers "
			"404 from the next request on.",
		.min_args = 1,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_link_revoke,
	},
	{NULL},
};
