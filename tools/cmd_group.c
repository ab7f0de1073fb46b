// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl group: creating, listing, showing, editing and deleting groups,
 * their members list and the directory search.
 *
 * The settings options of create and edit are one table, so the two
 * commands accept the same words; which combinations make sense (members
 * published only when published, a sector only for business) is the
 * backend's rule, except for flags that contradict each other on the same
 * line, which are usage errors here.  Membership changes live in
 * cmd_member.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "groupctl.h"

enum {
	SET_DESCRIPTION,
	SET_PUBLISH,
	SET_NO_PUBLISH,
	SET_PUBLISH_MEMBERS,
	SET_NO_PUBLISH_MEMBERS,
	SET_OPEN,
	SET_CLOSED,
	SET_BUSINESS,
	SET_NO_BUSINESS,
	SET_SECTOR,
	SET_LANGUAGE,
	SET_MAIL_ADDRESS,
	SET_KEEP_DAYS,
	SET_KEEP_VERSIONS,
};

static const struct cmd_option settings_options[] = {
	[SET_DESCRIPTION] = {"description", "TEXT", "what the group is for"},
	[SET_PUBLISH] = {"publish", NULL, "list the group in the directory"},
	[SET_NO_PUBLISH] = {"no-publish", NULL,
			    "keep the group private (the default); also "
			    "unpublishes the members list and "
			    "closes the group"},
	[SET_PUBLISH_MEMBERS] = {"publish-members", NULL,
				 "show the members list in the directory "
				 "(published groups only)"},
	[SET_NO_PUBLISH_MEMBERS] = {"no-publish-members", NULL,
				    "hide the members list"},
	[SET_OPEN] = {"open", NULL, "let anyone join (published groups only)"},
	[SET_CLOSED] = {"closed", NULL,
			"join by invitation only (the default)"},
	[SET_BUSINESS] = {"business", NULL, "a business group"},
	[SET_NO_BUSINESS] = {"no-business", NULL,
			     "not a business group (clears the sector)"},
	[SET_SECTOR] = {"sector", "SECTOR",
			"business sector (business groups only)"},
	[SET_LANGUAGE] = {"language", "CODE",
			  "ISO 639 language code, e.g. en, fr"},
	[SET_MAIL_ADDRESS] = {"mail-address", "ADDR",
			      "the group's mail address ('': none), for "
			      "mail deliver and Reply-To"},
	[SET_KEEP_DAYS] = {"keep-days", "N",
			   "keep deleted items and earlier versions N days "
			   "in history/ (default 30; 0 keeps nothing)"},
	[SET_KEEP_VERSIONS] = {"keep-versions", "N",
			       "keep at most N earlier versions of each item "
			       "(default 20)"},
	{NULL, NULL, NULL},
};

/* A yes/no setting given by a pair of flags. */
static int settings_flag(struct cmd_ctx *ctx, const struct cmd_args *a, int yes,
			 int no, bool *value, unsigned field, unsigned *mask)
{
	if (a->opt[yes] && a->opt[no])
		return cmd_usage_error(ctx, "--%s and --%s conflict",
				       settings_options[yes].name,
				       settings_options[no].name);
	if (!a->opt[yes] && !a->opt[no])
		return CMD_OK;
	*value = a->opt[yes] != NULL;
	*mask |= field;
	return CMD_OK;
}

static int settings_parse(struct cmd_ctx *ctx, const struct cmd_args *a,
			  struct store_group_settings *s, unsigned *mask)
{
	int status;

	memset(s, 0, sizeof(*s));
	*mask = 0;
	status = settings_flag(ctx, a, SET_PUBLISH, SET_NO_PUBLISH,
			       &s->published, STORE_GROUP_PUBLISHED, mask);
	if (status == CMD_OK)
		status = settings_flag(ctx, a, SET_PUBLISH_MEMBERS,
				       SET_NO_PUBLISH_MEMBERS,
				       &s->members_published,
				       STORE_GROUP_MEMBERS_PUBLISHED, mask);
	if (status == CMD_OK)
		status = settings_flag(ctx, a, SET_OPEN, SET_CLOSED, &s->open,
				       STORE_GROUP_OPEN, mask);
	if (status == CMD_OK)
		status =
			settings_flag(ctx, a, SET_BUSINESS, SET_NO_BUSINESS,
				      &s->business, STORE_GROUP_BUSINESS, mask);
	if (status != CMD_OK)
		return status;
	if (a->opt[SET_SECTOR] && a->opt[SET_NO_BUSINESS])
		return cmd_usage_error(ctx, "--sector and --no-business "
					    "conflict");
	if (a->opt[SET_DESCRIPTION]) {
		if (cmd_copy(s->description, sizeof(s->description),
			     a->opt[SET_DESCRIPTION], "description") < 0)
			return CMD_REFUSED;
		*mask |= STORE_GROUP_DESCRIPTION;
	}
	if (a->opt[SET_SECTOR]) {
		if (cmd_copy(s->sector, sizeof(s->sector), a->opt[SET_SECTOR],
			     "sector") < 0)
			return CMD_REFUSED;
		*mask |= STORE_GROUP_SECTOR;
	}
	if (a->opt[SET_LANGUAGE]) {
		if (cmd_copy(s->language, sizeof(s->language),
			     a->opt[SET_LANGUAGE], "language") < 0)
			return CMD_REFUSED;
		*mask |= STORE_GROUP_LANGUAGE;
	}
	return CMD_OK;
}

/* --keep-days, --keep-versions: -1 where not given. */
static int keep_parse(struct cmd_ctx *ctx, const struct cmd_args *a,
		      int64_t *days, int64_t *versions)
{
	*days = *versions = -1;
	if (a->opt[SET_KEEP_DAYS] &&
	    cmd_parse_count(a->opt[SET_KEEP_DAYS], days))
		return cmd_usage_error(ctx, "--keep-days wants a number of "
					    "days, not '%s'",
				       a->opt[SET_KEEP_DAYS]);
	if (a->opt[SET_KEEP_VERSIONS] &&
	    cmd_parse_count(a->opt[SET_KEEP_VERSIONS], versions))
		return cmd_usage_error(ctx, "--keep-versions wants a number, "
					    "not '%s'",
				       a->opt[SET_KEEP_VERSIONS]);
	return CMD_OK;
}

static int run_create(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_group_settings s;
	unsigned mask;
	int status, rc;
	int64_t days, versions;

	status = settings_parse(ctx, a, &s, &mask);
	if (status == CMD_OK)
		status = keep_parse(ctx, a, &days, &versions);
	if (status != CMD_OK)
		return status;
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	rc = store_group_create(ctx->st, &ctx->caller, a->pos[0], &s, mask,
				NULL);
	if (rc >= 0 && (days >= 0 || versions >= 0))
		rc = store_group_set_keep(ctx->st, &ctx->caller, a->pos[0],
					  days, versions);
	if (rc >= 0 && a->opt[SET_MAIL_ADDRESS])
		rc = store_group_set_mail_address(ctx->st, &ctx->caller,
						  a->pos[0],
						  a->opt[SET_MAIL_ADDRESS]);
	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

static int run_edit(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_group_settings s;
	unsigned mask;
	int status, rc;
	int64_t days, versions;

	status = settings_parse(ctx, a, &s, &mask);
	if (status == CMD_OK)
		status = keep_parse(ctx, a, &days, &versions);
	if (status != CMD_OK)
		return status;
	if (!mask && !a->opt[SET_MAIL_ADDRESS] && days < 0 && versions < 0)
		return cmd_usage_error(ctx, "nothing to change");
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	rc = mask ? store_group_edit(ctx->st, &ctx->caller, a->pos[0], &s,
				     mask)
		  : 0;
	if (rc >= 0 && (days >= 0 || versions >= 0))
		rc = store_group_set_keep(ctx->st, &ctx->caller, a->pos[0],
					  days, versions);
	if (rc >= 0 && a->opt[SET_MAIL_ADDRESS])
		rc = store_group_set_mail_address(ctx->st, &ctx->caller,
						  a->pos[0],
						  a->opt[SET_MAIL_ADDRESS]);
	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

static int run_delete(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int rc = store_group_delete(ctx->st, &ctx->caller, a->pos[0]);

	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

static const char *role_or_null(enum store_role role)
{
	return role == STORE_ROLE_NONE ? NULL : store_role_name(role);
}

/* `mail_address`: NULL leaves it out (listings), "" is null. */
static void group_json(struct cmd_json *j, const struct store_group *g,
		       const char *mail_address)
{
	const struct store_group_settings *s = &g->settings;

	cmd_json_object(j, NULL);
	cmd_json_string(j, "name", g->name);
	cmd_json_string(j, "description", s->description);
	cmd_json_string_or_null(j, "admin", g->admin);
	cmd_json_string_or_null(j, "admin_email", g->admin_email);
	cmd_json_string(j, "role", role_or_null(g->role));
	cmd_json_bool(j, "published", s->published);
	cmd_json_bool(j, "members_published", s->members_published);
	cmd_json_bool(j, "open", s->open);
	cmd_json_bool(j, "business", s->business);
	cmd_json_string_or_null(j, "sector", s->sector);
	cmd_json_string_or_null(j, "language", s->language);
	cmd_json_count(j, "members", g->members);
	cmd_json_count(j, "invitations", g->invitations);
	cmd_json_count(j, "max_members", g->max_members);
	cmd_json_count(j, "used", g->used);
	cmd_json_count(j, "capacity", g->capacity);
	cmd_json_count(j, "created", g->created);
	if (mail_address)
		cmd_json_string_or_null(j, "mail_address", mail_address);
	cmd_json_end_object(j);
}

static void groups_json(const struct store_group *g, size_t n)
{
	struct cmd_json j;
	size_t i;

	cmd_json_init(&j, stdout);
	cmd_json_array(&j, NULL);
	for (i = 0; i < n; i++)
		group_json(&j, &g[i], NULL);
	cmd_json_end_array(&j);
	cmd_json_finish(&j);
}

static const char *count_text(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

static int run_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_group *g = NULL;
	struct cmd_table t;
	size_t n = 0, i;
	int status = CMD_OK, rc;

	rc = store_group_list(ctx->st, &ctx->caller, &g, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		groups_json(g, n);
		goto free_groups;
	}
	cmd_table_init(&t, 7, "NAME", "ROLE", "ADMIN", "MEMBERS", "PENDING",
		       "USED", "CAPACITY");
	for (i = 0; i < n; i++) {
		char members[24], pending[24], used[32], cap[32];

		cmd_table_row(
			&t, g[i].name, role_or_null(g[i].role), g[i].admin,
			count_text(g[i].members, members, sizeof(members)),
			count_text(g[i].invitations, pending, sizeof(pending)),
			cmd_format_size(g[i].used, used, sizeof(used)),
			cmd_format_size(g[i].capacity, cap, sizeof(cap)));
	}
	status = cmd_table_flush(&t);
free_groups:
	free(g);
	return status;
}

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static int run_show(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const struct store_group_settings *s;
	char buf[64], buf2[64], addr[STORE_EMAIL_MAX + 1];
	struct store_group g;
	struct cmd_json j;
	int rc;

	rc = store_group_get(ctx->st, &ctx->caller, a->pos[0], &g);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	/* Members see the group's mail address. */
	if (store_group_mail_address(ctx->st, &ctx->caller, a->pos[0], addr,
				     sizeof(addr)) < 0)
		addr[0] = '\0';
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		group_json(&j, &g, addr);
		cmd_json_finish(&j);
		return CMD_OK;
	}
	s = &g.settings;
	cmd_show("name", "%s", g.name);
	cmd_show("description", "%s", s->description);
	cmd_show("administrator", "%s", g.admin);
	cmd_show("administrator email", "%s", g.admin_email);
	cmd_show("your role", "%s",
		 g.role == STORE_ROLE_NONE ? "none" : store_role_name(g.role));
	cmd_show("published", "%s", yes_no(s->published));
	cmd_show("members list published", "%s", yes_no(s->members_published));
	cmd_show("open", "%s", yes_no(s->open));
	cmd_show("activity", "%s", s->business ? "business" : "not business");
	cmd_show("sector", "%s", s->sector);
	cmd_show("language", "%s", s->language);
	if (g.members >= 0 && g.max_members >= 0)
		cmd_show("members", "%lld of at most %lld",
			 (long long)g.members, (long long)g.max_members);
	else
		cmd_show("members", "%s",
			 count_text(g.members, buf, sizeof(buf)) ?: "");
	if (g.invitations >= 0)
		cmd_show("pending invitations", "%lld",
			 (long long)g.invitations);
	cmd_show("used", "%s of %s", cmd_format_size(g.used, buf, sizeof(buf)),
		 cmd_format_size(g.capacity, buf2, sizeof(buf2)));
	cmd_show("created", "%s", cmd_format_time(g.created, buf, sizeof(buf)));
	cmd_show("mail address", "%s", addr);
	return CMD_OK;
}

static int run_members(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_member *m = NULL;
	struct cmd_table t;
	struct cmd_json j;
	size_t n = 0, i;
	int status = CMD_OK, rc;

	rc = store_group_members(ctx->st, &ctx->caller, a->pos[0], &m, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_string(&j, "username", m[i].username);
			cmd_json_string(&j, "role", role_or_null(m[i].role));
			cmd_json_string(&j, "first", m[i].first);
			cmd_json_string(&j, "last", m[i].last);
			cmd_json_string_or_null(&j, "org", m[i].org);
			cmd_json_string_or_null(&j, "email", m[i].email);
			cmd_json_string_or_null(&j, "photo_type",
						m[i].photo_type);
			cmd_json_count(&j, "joined", m[i].joined);
			cmd_json_end_object(&j);
		}
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
		goto free_members;
	}
	cmd_table_init(&t, 6, "USERNAME", "ROLE", "NAME", "ORGANIZATION",
		       "EMAIL", "JOINED");
	for (i = 0; i < n; i++) {
		char name[2 * STORE_TEXT_MAX + 2], joined[32];

		snprintf(name, sizeof(name), "%s %s", m[i].first, m[i].last);
		cmd_table_row(
			&t, m[i].username, role_or_null(m[i].role), name,
			m[i].org, m[i].email,
			cmd_format_time(m[i].joined, joined, sizeof(joined)));
	}
	status = cmd_table_flush(&t);
free_members:
	free(m);
	return status;
}

enum {
	SEARCH_NAME,
	SEARCH_BUSINESS,
	SEARCH_NO_BUSINESS,
	SEARCH_SECTOR,
	SEARCH_LANGUAGE
};

static const struct cmd_option search_options[] = {
	[SEARCH_NAME] = {"name", "TEXT",
			 "part of the name (at least 3 characters)"},
	[SEARCH_BUSINESS] = {"business", NULL, "business groups"},
	[SEARCH_NO_BUSINESS] = {"no-business", NULL,
				"groups that are not business"},
	[SEARCH_SECTOR] = {"sector", "SECTOR", "business sector"},
	[SEARCH_LANGUAGE] = {"language", "CODE", "ISO 639 language code"},
	{NULL, NULL, NULL},
};

static int run_search(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_search q = {.business = -1};
	struct store_group *g = NULL;
	struct cmd_table t;
	size_t n = 0, i;
	int status = CMD_OK, rc;

	if (a->opt[SEARCH_BUSINESS] && a->opt[SEARCH_NO_BUSINESS])
		return cmd_usage_error(ctx, "--business and --no-business "
					    "conflict");
	q.name = a->opt[SEARCH_NAME];
	if (a->opt[SEARCH_BUSINESS])
		q.business = 1;
	else if (a->opt[SEARCH_NO_BUSINESS])
		q.business = 0;
	q.sector = a->opt[SEARCH_SECTOR];
	q.language = a->opt[SEARCH_LANGUAGE];
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	rc = store_group_search(ctx->st, &ctx->caller, &q, &g, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		groups_json(g, n);
		goto free_groups;
	}
	cmd_table_init(&t, 8, "NAME", "ACCESS", "MEMBERS", "ACTIVITY", "SECTOR",
		       "LANGUAGE", "CONTACT", "DESCRIPTION");
	for (i = 0; i < n; i++) {
		char members[24];

		cmd_table_row(
			&t, g[i].name, g[i].settings.open ? "open" : "closed",
			count_text(g[i].members, members, sizeof(members)),
			g[i].settings.business ? "business" : "other",
			g[i].settings.sector, g[i].settings.language,
			g[i].admin_email, g[i].settings.description);
	}
	status = cmd_table_flush(&t);
free_groups:
	free(g);
	return status;
}

#define SETTINGS_SYNOPSIS                                                      \
	"[--description TEXT] [--publish | --no-publish] "                     \
	"[--publish-members | --no-publish-members] [--open | --closed] "      \
	"[--business [--sector SECTOR] | --no-business] [--language CODE] "   \
	"[--keep-days N] [--keep-versions N]"

const struct cmd cmd_group_commands[] = {
	{
		.noun = "group",
		.verb = "create",
		.synopsis = "NAME " SETTINGS_SYNOPSIS,
		.summary = "create a group with you as its administrator",
		.help = "The name (1 to 64 characters, unique whatever the "
			"case) can never be changed. A group is private unless "
			"published; creating one counts against your plan.",
		.options = settings_options,
		.min_args = 1,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_create,
	},
	{
		.noun = "group",
		.verb = "list",
		.synopsis = "",
		.summary = "list your groups",
		.help = "The operator with no account of its own sees every "
			"group.",
		.run = run_list,
	},
	{
		.noun = "group",
		.verb = "show",
		.synopsis = "NAME",
		.summary = "show a group's settings and figures",
		.help = "Members see it whole; anyone sees a published group's "
			"public face.",
		.min_args = 1,
		.max_args = 1,
		.run = run_show,
	},
	{
		.noun = "group",
		.verb = "edit",
		.synopsis = "NAME " SETTINGS_SYNOPSIS,
		.summary = "change a group's settings (the administrator only)",
		.help = "Unpublishing also unpublishes the members list and "
			"closes the group.",
		.options = settings_options,
		.min_args = 1,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_edit,
	},
	{
		.noun = "group",
		.verb = "delete",
		.synopsis = "NAME",
		.summary = "delete a group and all its contents (the "
			   "administrator only)",
		.help = "Refused while any member other than the administrator "
			"remains (see 'group remove-all').",
		.min_args = 1,
		.max_args = 1,
		.run = run_delete,
	},
	{
		.noun = "group",
		.verb = "members",
		.synopsis = "NAME",
		.summary = "list a group's members and roles",
		.help = "Members see the list; others only where it is "
			"published.",
		.min_args = 1,
		.max_args = 1,
		.run = run_members,
	},
	{
		.noun = "group",
		.verb = "search",
		.synopsis = "[--name TEXT] [--business | --no-business] "
			    "[--sector SECTOR] [--language CODE]",
		.summary = "search the directory of published groups",
		.help = "Give at least two criteria. Private groups never "
			"appear.",
		.options = search_options,
		.flags = CMD_OWN_STORE,
		.run = run_search,
	},
	{NULL},
};
