// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl rights and share: who may add and delete in a group's tools and
 * folders, who may edit an item, and the grants on personal calendars.
 *
 * A right is a replacement setting: "rights set" states the whole list of
 * who holds it (named members and/or all members), "--none" leaves it to
 * the administrator and co-administrators, "--inherit" drops a folder's
 * own setting.  The same holds for the editors of an item and for a
 * calendar grant, which becomes exactly the flags given.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "groupctl.h"

/* "all members, alice, bob", or what holds when nobody is named. */
static void who_text(bool all_members, const struct store_names *names,
		     const char *nobody, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	if (all_members)
		used = (size_t)snprintf(buf, len, "all members");
	for (i = 0; i < names->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", names->name[i]);
	if (!buf[0])
		snprintf(buf, len, "%s", nobody);
}

static void acl_json(struct cmd_json *j, const char *key,
		     const struct store_acl *acl)
{
	cmd_json_object(j, key);
	cmd_json_bool(j, "own", acl->own);
	cmd_json_string(j, "from", acl->from);
	cmd_json_bool(j, "all_members", acl->all_members);
	cmd_json_names(j, "users", &acl->named);
	cmd_json_end_object(j);
}

static void rights_row(struct cmd_table *t, const char *target,
		       const char *right, const struct store_acl *acl)
{
	char who[2048];

	who_text(acl->all_members, &acl->named,
		 "administrator and co-administrators", who, sizeof(who));
	cmd_table_row(t, target, right, who,
		      acl->own || !acl->from[0] ? target : acl->from);
}

static int run_rights_show(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *tools[] = {store_tool_name(STORE_TOOL_DOCUMENTS),
			       store_tool_name(STORE_TOOL_CALENDAR),
			       store_tool_name(STORE_TOOL_CONTACTS),
			       store_tool_name(STORE_TOOL_MAIL)};
	const char *group = a->pos[0];
	const char *const *targets = a->npos > 1 ? &a->pos[1] : tools;
	size_t n = a->npos > 1 ? 1 : 4, i;
	struct store_rights r[4];
	struct cmd_table t;
	struct cmd_json j;
	int status = CMD_OK, rc;
	size_t got = 0;

	memset(r, 0, sizeof(r));
	for (got = 0; got < n; got++) {
		rc = store_rights_get(ctx->st, &ctx->caller, group,
				      targets[got], &r[got]);
		if (rc < 0) {
			status = cmd_refused(ctx, rc);
			goto release;
		}
	}
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		if (a->npos < 2)
			cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_string(&j, "group", group);
			cmd_json_string(&j, "target", targets[i]);
			acl_json(&j, "add", &r[i].add);
			acl_json(&j, "delete", &r[i].del);
			if (r[i].has_edit)
				acl_json(&j, "edit", &r[i].edit);
			cmd_json_end_object(&j);
		}
		if (a->npos < 2)
			cmd_json_end_array(&j);
		cmd_json_finish(&j);
		goto release;
	}
	cmd_table_init(&t, 4, "TARGET", "RIGHT", "WHO", "SET_ON");
	for (i = 0; i < n; i++) {
		rights_row(&t, targets[i], "add", &r[i].add);
		rights_row(&t, targets[i], "delete", &r[i].del);
		if (r[i].has_edit)
			rights_row(&t, targets[i], "edit", &r[i].edit);
	}
	status = cmd_table_flush(&t);
release:
	for (i = 0; i < got; i++)
		store_rights_release(&r[i]);
	return status;
}

enum { RS_ADD, RS_DELETE, RS_ALL_MEMBERS, RS_NONE, RS_INHERIT, RS_EDIT };

static const struct cmd_option rights_set_options[] = {
	[RS_ADD] = {"add", NULL, "set who may add"},
	[RS_DELETE] = {"delete", NULL, "set who may delete"},
	[RS_ALL_MEMBERS] = {"all-members", NULL,
			    "all members, those who join later included"},
	[RS_NONE] = {"none", NULL,
		     "nobody but the administrator and co-administrators"},
	[RS_INHERIT] = {"inherit", NULL,
			"drop a folder's own setting: its parent's applies"},
	[RS_EDIT] = {"edit", NULL,
		     "mail only: set who may change messages' flags"},
	{NULL, NULL, NULL},
};

static int run_rights_set(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	static const enum store_right which[] = {
		STORE_RIGHT_ADD, STORE_RIGHT_DELETE, STORE_RIGHT_EDIT};
	static const int opt_of[] = {RS_ADD, RS_DELETE, RS_EDIT};
	const char *group = a->pos[0], *target = a->pos[1];
	const char *const *users = &a->pos[2];
	size_t nusers = a->npos - 2, i;
	bool all = a->opt[RS_ALL_MEMBERS] != NULL;
	int status, rc;

	if (!a->opt[RS_ADD] && !a->opt[RS_DELETE] && !a->opt[RS_EDIT])
		return cmd_usage_error(ctx, "say which right: --add or --delete "
					    "(or --edit, in mail)");
	if ((a->opt[RS_NONE] || a->opt[RS_INHERIT]) && (nusers || all))
		return cmd_usage_error(ctx,
				       "--%s takes no USER nor "
				       "--all-members",
				       a->opt[RS_NONE] ? "none" : "inherit");
	if (a->opt[RS_NONE] && a->opt[RS_INHERIT])
		return cmd_usage_error(ctx, "--none and --inherit conflict");
	if (!nusers && !all && !a->opt[RS_NONE] && !a->opt[RS_INHERIT])
		return cmd_usage_error(ctx, "say who: USER..., --all-members, "
					    "--none or --inherit");
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	for (i = 0; i < 3; i++) {
		if (!a->opt[opt_of[i]])
			continue;
		if (a->opt[RS_INHERIT])
			rc = store_rights_inherit(ctx->st, &ctx->caller, group,
						  target, which[i]);
		else
			rc = store_rights_set(ctx->st, &ctx->caller, group,
					      target, which[i], all, users,
					      nusers);
		if (rc < 0)
			return cmd_refused(ctx, rc);
	}
	return CMD_OK;
}

enum { ED_ALL_MEMBERS, ED_ONLY_ME };

static const struct cmd_option editors_options[] = {
	[ED_ALL_MEMBERS] = {"all-members", NULL,
			    "every member may edit the item"},
	[ED_ONLY_ME] = {"only-me", NULL,
			"only the member who added it (the default)"},
	{NULL, NULL, NULL},
};

static int editors_show(struct cmd_ctx *ctx, const char *group,
			const char *path)
{
	struct store_editors e;
	struct cmd_json j;
	char who[2048];
	int rc;

	memset(&e, 0, sizeof(e));
	rc = store_editors_get(ctx->st, &ctx->caller, group, path, &e);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_object(&j, NULL);
		cmd_json_string(&j, "group", group);
		cmd_json_string(&j, "path", path);
		cmd_json_string_or_null(&j, "creator", e.creator);
		cmd_json_bool(&j, "all_members", e.all_members);
		cmd_json_names(&j, "users", &e.named);
		cmd_json_end_object(&j);
		cmd_json_finish(&j);
	} else {
		who_text(e.all_members, &e.named, "only the creator", who,
			 sizeof(who));
		cmd_show("item", "%s", path);
		cmd_show("creator", "%s",
			 e.creator[0] ? e.creator : "(account removed)");
		cmd_show("editors", "%s", who);
	}
	store_editors_release(&e);
	return CMD_OK;
}

static int run_editors(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *group = a->pos[0], *path = a->pos[1];
	bool all = a->opt[ED_ALL_MEMBERS] != NULL;
	size_t nusers = a->npos - 2;
	int status, rc;

	if (a->opt[ED_ONLY_ME] && (all || nusers))
		return cmd_usage_error(ctx, "--only-me takes no USER nor "
					    "--all-members");
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	if (!all && !nusers && !a->opt[ED_ONLY_ME])
		return editors_show(ctx, group, path);
	rc = store_editors_set(ctx->st, &ctx->caller, group, path, all,
			       &a->pos[2], nusers);
	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

/* ---- personal calendar grants ----------------------------------------- */

static const struct {
	unsigned bit;
	const char *name;
} cal_rights[] = {
	{STORE_CAL_VIEW, "view"},
	{STORE_CAL_ADD, "add"},
	{STORE_CAL_EDIT, "edit"},
	{STORE_CAL_DELETE, "delete"},
};

#define NCAL_RIGHTS (sizeof(cal_rights) / sizeof(cal_rights[0]))

/* Option indices follow cal_rights; --revoke comes after them. */
enum { SHARE_REVOKE = NCAL_RIGHTS };

static const struct cmd_option share_options[] = {
	{"view", NULL, "see the details of events"},
	{"add", NULL, "add events"},
	{"edit", NULL, "change events"},
	{"delete", NULL, "delete events"},
	[SHARE_REVOKE] = {"revoke", NULL, "take every right back"},
	{NULL, NULL, NULL},
};

static int run_share_calendar(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	unsigned rights = 0;
	int status, rc;
	size_t i;

	for (i = 0; i < NCAL_RIGHTS; i++)
		if (a->opt[i])
			rights |= cal_rights[i].bit;
	if (a->opt[SHARE_REVOKE] && rights)
		return cmd_usage_error(ctx, "--revoke takes no other right");
	if (!a->opt[SHARE_REVOKE] && !rights)
		return cmd_usage_error(ctx, "say which rights: --view, --add, "
					    "--edit, --delete or --revoke");
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	rc = store_share_calendar(ctx->st, &ctx->caller, a->pos, a->npos,
				  rights);
	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

static int run_share_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_cal_grant *g = NULL;
	struct cmd_table t;
	struct cmd_json j;
	size_t n = 0, i, k;
	int status = CMD_OK, rc;

	rc = store_calendar_grants(ctx->st, &ctx->caller, &g, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_string(&j, "owner", g[i].owner);
			cmd_json_string(&j, "grantee", g[i].grantee);
			cmd_json_array(&j, "rights");
			for (k = 0; k < NCAL_RIGHTS; k++)
				if (g[i].rights & cal_rights[k].bit)
					cmd_json_string(&j, NULL,
							cal_rights[k].name);
			cmd_json_end_array(&j);
			cmd_json_int(&j, "groups", (int64_t)g[i].groups);
			cmd_json_end_object(&j);
		}
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
		goto free_grants;
	}
	cmd_table_init(&t, 4, "OWNER", "GRANTEE", "RIGHTS", "GROUPS");
	for (i = 0; i < n; i++) {
		char rights[64] = "", groups[24];
		size_t used = 0;

		for (k = 0; k < NCAL_RIGHTS; k++)
			if (g[i].rights & cal_rights[k].bit)
				used += (size_t)snprintf(
					rights + used, sizeof(rights) - used,
					"%s%s", used ? "," : "",
					cal_rights[k].name);
		snprintf(groups, sizeof(groups), "%zu", g[i].groups);
		cmd_table_row(&t, g[i].owner, g[i].grantee, rights, groups);
	}
	status = cmd_table_flush(&t);
free_grants:
	free(g);
	return status;
}

const struct cmd cmd_rights_commands[] = {
	{
		.noun = "rights",
		.verb = "show",
		.synopsis = "GROUP [TOOL | documents/PATH]",
		.summary = "show who may add and delete (and edit, in mail)",
		.help = "TOOL is documents, calendar, contacts or mail; "
			"without a target, all four. SET_ON tells where a "
			"folder's setting comes from. mail also has edit: who "
			"changes messages' flags (default: all members). The "
			"administrator and co-administrators always hold "
			"every right.",
		.min_args = 1,
		.max_args = 2,
		.run = run_rights_show,
	},
	{
		.noun = "rights",
		.verb = "set",
		.synopsis = "GROUP (TOOL | documents/PATH) (--add | --delete | "
			    "--edit) (USER... | --all-members | --none | "
			    "--inherit)",
		.summary = "set who may add or delete (administrator and "
			   "co-administrators)",
		.help = "The setting is replaced: USER... and --all-members "
			"may be combined; --none leaves the right to the "
			"administrator and co-administrators; --inherit makes "
			"a folder follow its parent again. Named users must be "
			"members. --edit is for the tool mail only: who "
			"changes messages' flags.",
		.options = rights_set_options,
		.min_args = 2,
		.max_args = CMD_MANY,
		.flags = CMD_OWN_STORE,
		.run = run_rights_set,
	},
	{
		.noun = "rights",
		.verb = "editors",
		.synopsis = "GROUP PATH [USER... | --all-members | "
			    "--only-me]",
		.summary = "show or set who may edit an item",
		.help = "PATH is documents/..., calendar/NAME.ics or "
			"contacts/NAME.vcf. Without USER or flag, shows the "
			"editors. The member who added the item sets them; by "
			"default only they may edit it.",
		.options = editors_options,
		.min_args = 2,
		.max_args = CMD_MANY,
		.flags = CMD_OWN_STORE,
		.run = run_editors,
	},
	{
		.noun = "share",
		.verb = "calendar",
		.synopsis = "USER... (--view | --add | --edit | --delete | "
			    "--revoke)",
		.summary = "grant co-members rights on your personal calendar",
		.help = "The grant becomes exactly the flags given (they "
			"combine); --revoke alone takes it back. It holds "
			"while you share a group and ends with the last one. "
			"Every co-member always sees your busy times, never "
			"the details.",
		.options = share_options,
		.min_args = 1,
		.max_args = CMD_MANY,
		.flags = CMD_OWN_STORE,
		.run = run_share_calendar,
	},
	{
		.noun = "share",
		.verb = "list",
		.synopsis = "",
		.summary = "list the grants you made and received",
		.run = run_share_list,
	},
	{NULL},
};
