// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl account: adding, listing, showing, editing and removing
 * accounts, their photo and their password.
 *
 * What an account may see of another (the profile of a co-member, all of
 * itself, everything for the operator) is the backend's decision; this
 * file only prints what it is given, showing the fields the backend hides
 * as "-" (null in JSON).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "groupctl.h"

/* The options of add and edit share their indices. */
enum {
	ACC_FIRST,
	ACC_LAST,
	ACC_EMAIL,
	ACC_ORG,
	ACC_PLAN,
	ACC_UNIX_USER,
	ACC_PASSWORD_FILE,
	ACC_NO_UNIX_USER,
	ACC_NO_PASSWORD,
};

static const struct cmd_option add_options[] = {
	[ACC_FIRST] = {"first", "NAME", "first name (required)"},
	[ACC_LAST] = {"last", "NAME", "last name (required)"},
	[ACC_EMAIL] = {"email", "ADDRESS", "email address (required)"},
	[ACC_ORG] = {"org", "NAME", "organization"},
	[ACC_PLAN] = {"plan", "PLAN", "subscription plan (default: free)"},
	[ACC_UNIX_USER] = {"unix-user", "USER",
			   "bind the account to a Unix user (name or uid)"},
	[ACC_PASSWORD_FILE] = {"password-file", "FILE",
			       "set the password read from FILE ('-': "
			       "standard input)"},
	{NULL, NULL, NULL},
};

static const struct cmd_option edit_options[] = {
	[ACC_FIRST] = {"first", "NAME", "first name"},
	[ACC_LAST] = {"last", "NAME", "last name"},
	[ACC_EMAIL] = {"email", "ADDRESS", "email address"},
	[ACC_ORG] = {"org", "NAME", "organization ('' clears it)"},
	[ACC_PLAN] = {"plan", "PLAN", "subscription plan (operator only)"},
	[ACC_UNIX_USER] = {"unix-user", "USER",
			   "bind to a Unix user, name or uid (operator "
			   "only)"},
	[ACC_PASSWORD_FILE] = {"password-file", "FILE",
			       "set the password read from FILE ('-': "
			       "standard input)"},
	[ACC_NO_UNIX_USER] = {"no-unix-user", NULL,
			      "unbind the Unix user (operator only)"},
	[ACC_NO_PASSWORD] = {"no-password", NULL, "remove the password"},
	{NULL, NULL, NULL},
};

/* Fill `acc` and `mask` from the options shared by add and edit. */
static int account_fields(struct cmd_ctx *ctx, const struct cmd_args *a,
			  struct store_account *acc, unsigned *mask)
{
	static const struct {
		int opt;
		size_t off, size;
		unsigned field;
		const char *what;
	} text[] = {
		{ACC_FIRST, offsetof(struct store_account, first),
		 sizeof(acc->first), STORE_ACCOUNT_FIRST, "first name"},
		{ACC_LAST, offsetof(struct store_account, last),
		 sizeof(acc->last), STORE_ACCOUNT_LAST, "last name"},
		{ACC_EMAIL, offsetof(struct store_account, email),
		 sizeof(acc->email), STORE_ACCOUNT_EMAIL, "email"},
		{ACC_ORG, offsetof(struct store_account, org), sizeof(acc->org),
		 STORE_ACCOUNT_ORG, "organization"},
		{ACC_PLAN, offsetof(struct store_account, plan),
		 sizeof(acc->plan), STORE_ACCOUNT_PLAN, "plan"},
	};
	size_t i;

	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		const char *v = a->opt[text[i].opt];

		if (!v)
			continue;
		if (cmd_copy((char *)acc + text[i].off, text[i].size, v,
			     text[i].what) < 0)
			return CMD_REFUSED;
		*mask |= text[i].field;
	}
	if (a->opt[ACC_UNIX_USER]) {
		if (cmd_parse_uid(a->opt[ACC_UNIX_USER], &acc->unix_uid) < 0)
			return cmd_usage_error(ctx, "no such Unix user '%s'",
					       a->opt[ACC_UNIX_USER]);
		*mask |= STORE_ACCOUNT_UNIX_UID;
	}
	return CMD_OK;
}

static int run_add(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_account acc;
	char *pw = NULL;
	size_t pwlen = 0;
	unsigned mask = 0;
	int status, rc;

	memset(&acc, 0, sizeof(acc));
	acc.unix_uid = -1;
	if (!a->opt[ACC_FIRST] || !a->opt[ACC_LAST] || !a->opt[ACC_EMAIL])
		return cmd_usage_error(ctx, "--first, --last and --email are "
					    "required");
	if (cmd_copy(acc.username, sizeof(acc.username), a->pos[0],
		     "user name") < 0)
		return CMD_REFUSED;
	status = account_fields(ctx, a, &acc, &mask);
	if (status != CMD_OK)
		return status;
	if (a->opt[ACC_PASSWORD_FILE] &&
	    cmd_read_secret(a->opt[ACC_PASSWORD_FILE], &pw, &pwlen) < 0)
		return CMD_REFUSED;
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		goto free_pw;
	rc = store_account_add(ctx->st, &ctx->caller, &acc, mask, pw, pwlen,
			       NULL);
	if (rc < 0)
		status = cmd_refused(ctx, rc);
free_pw:
	cmd_free_secret(pw, pwlen);
	return status;
}

static int run_edit(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *user = a->pos[0];
	struct store_account acc;
	char *pw = NULL;
	size_t pwlen = 0;
	unsigned mask = 0;
	int status, rc;

	memset(&acc, 0, sizeof(acc));
	acc.unix_uid = -1;
	if (a->opt[ACC_UNIX_USER] && a->opt[ACC_NO_UNIX_USER])
		return cmd_usage_error(ctx, "--unix-user and --no-unix-user "
					    "conflict");
	if (a->opt[ACC_PASSWORD_FILE] && a->opt[ACC_NO_PASSWORD])
		return cmd_usage_error(ctx, "--password-file and --no-password "
					    "conflict");
	status = account_fields(ctx, a, &acc, &mask);
	if (status != CMD_OK)
		return status;
	if (a->opt[ACC_NO_UNIX_USER])
		mask |= STORE_ACCOUNT_UNIX_UID; /* acc.unix_uid is -1 */
	if (!mask && !a->opt[ACC_PASSWORD_FILE] && !a->opt[ACC_NO_PASSWORD])
		return cmd_usage_error(ctx, "nothing to change");
	if (a->opt[ACC_PASSWORD_FILE] &&
	    cmd_read_secret(a->opt[ACC_PASSWORD_FILE], &pw, &pwlen) < 0)
		return CMD_REFUSED;
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		goto free_pw;
	if (mask) {
		rc = store_account_edit(ctx->st, &ctx->caller, user, &acc,
					mask);
		if (rc < 0) {
			status = cmd_refused(ctx, rc);
			goto free_pw;
		}
	}
	if (pw || a->opt[ACC_NO_PASSWORD]) {
		rc = store_account_set_password(ctx->st, &ctx->caller, user, pw,
						pwlen);
		if (rc < 0)
			status = cmd_refused(ctx, rc);
	}
free_pw:
	cmd_free_secret(pw, pwlen);
	return status;
}

/* The fields below `plan` in struct store_account are hidden from
 * co-members, who read "" there: a plan is never empty otherwise. */
static bool account_private_visible(const struct store_account *acc)
{
	return acc->plan[0] != '\0';
}

static void account_json(struct cmd_json *j, const struct store_account *acc)
{
	bool visible = account_private_visible(acc);
	char uname[64];

	cmd_json_object(j, NULL);
	cmd_json_string(j, "username", acc->username);
	cmd_json_string(j, "first", acc->first);
	cmd_json_string(j, "last", acc->last);
	cmd_json_string(j, "org", acc->org);
	cmd_json_string(j, "email", acc->email);
	cmd_json_string_or_null(j, "plan", acc->plan);
	if (visible && acc->unix_uid >= 0) {
		cmd_json_int(j, "unix_uid", acc->unix_uid);
		cmd_json_string(
			j, "unix_user",
			cmd_uid_name(acc->unix_uid, uname, sizeof(uname)));
	} else {
		cmd_json_null(j, "unix_uid");
		cmd_json_null(j, "unix_user");
	}
	if (visible) {
		cmd_json_bool(j, "has_password", acc->has_password);
		cmd_json_count(j, "created", acc->created);
	} else {
		cmd_json_null(j, "has_password");
		cmd_json_null(j, "created");
	}
	cmd_json_string_or_null(j, "photo_type", acc->photo_type);
	if (acc->photo_type[0])
		cmd_json_int(j, "photo_size", acc->photo_size);
	else
		cmd_json_null(j, "photo_size");
	cmd_json_end_object(j);
}

static int run_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_account *accs = NULL;
	struct cmd_table t;
	struct cmd_json j;
	size_t n = 0, i;
	int status = CMD_OK, rc;

	rc = store_account_list(ctx->st, &ctx->caller, &accs, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++)
			account_json(&j, &accs[i]);
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
		goto free_accs;
	}
	cmd_table_init(&t, 6, "USERNAME", "NAME", "ORGANIZATION", "EMAIL",
		       "PLAN", "UNIX_USER");
	for (i = 0; i < n; i++) {
		char name[2 * STORE_TEXT_MAX + 2], uname[64];

		snprintf(name, sizeof(name), "%s %s", accs[i].first,
			 accs[i].last);
		cmd_table_row(&t, accs[i].username, name, accs[i].org,
			      accs[i].email, accs[i].plan,
			      account_private_visible(&accs[i])
				      ? cmd_uid_name(accs[i].unix_uid, uname,
						     sizeof(uname))
				      : NULL);
	}
	status = cmd_table_flush(&t);
free_accs:
	free(accs);
	return status;
}

static int run_show(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_account acc;
	char buf[64], size[32];
	struct cmd_json j;
	int rc;

	rc = store_account_get(ctx->st, &ctx->caller, a->pos[0], &acc);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		account_json(&j, &acc);
		cmd_json_finish(&j);
		return CMD_OK;
	}
	cmd_show("username", "%s", acc.username);
	cmd_show("first name", "%s", acc.first);
	cmd_show("last name", "%s", acc.last);
	cmd_show("organization", "%s", acc.org);
	cmd_show("email", "%s", acc.email);
	if (acc.photo_type[0])
		cmd_show("photo", "%s, %s", acc.photo_type,
			 cmd_format_size(acc.photo_size, size, sizeof(size)));
	else
		cmd_show("photo", "none");
	if (!account_private_visible(&acc))
		return CMD_OK;
	cmd_show("plan", "%s", acc.plan);
	cmd_show("unix user", "%s",
		 acc.unix_uid >= 0
			 ? cmd_uid_name(acc.unix_uid, buf, sizeof(buf))
			 : "none");
	cmd_show("password", "%s", acc.has_password ? "set" : "none");
	cmd_show("created", "%s",
		 cmd_format_time(acc.created, buf, sizeof(buf)));
	return CMD_OK;
}

enum { PHOTO_CLEAR };

static const struct cmd_option photo_options[] = {
	[PHOTO_CLEAR] = {"clear", NULL, "remove the photo"},
	{NULL, NULL, NULL},
};

static int run_photo(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	char *data = NULL;
	size_t len = 0;
	int status = CMD_OK, rc;

	if (a->opt[PHOTO_CLEAR] && a->npos > 1)
		return cmd_usage_error(ctx, "FILE and --clear conflict");
	if (!a->opt[PHOTO_CLEAR] && a->npos < 2)
		return cmd_usage_error(ctx, "missing FILE (or --clear)");
	if (a->npos > 1 &&
	    cmd_read_file(a->pos[1], STORE_PHOTO_MAX, &data, &len) < 0)
		return CMD_REFUSED;
	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		goto free_data;
	/* data is never NULL after a read, even of an empty file, so an
	 * empty file is judged as a photo rather than taken as --clear. */
	rc = store_account_set_photo(ctx->st, &ctx->caller, a->pos[0],
				     a->npos > 1 ? data : NULL, len);
	if (rc < 0)
		status = cmd_refused(ctx, rc);
free_data:
	free(data);
	return status;
}

static int run_remove(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int rc = store_account_remove(ctx->st, &ctx->caller, a->pos[0]);

	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

const struct cmd cmd_account_commands[] = {
	{
		.noun = "account",
		.verb = "add",
		.synopsis = "USER --first NAME --last NAME --email ADDRESS "
			    "[--org NAME] [--plan PLAN] [--unix-user USER] "
			    "[--password-file FILE]",
		.summary = "add an account (operator only)",
		.help = "USER is the account's user name: a lower-case letter, "
			"then up to 31 of a-z, 0-9, '.', '_' and '-'. A Unix "
			"user is bound to at most one account.",
		.options = add_options,
		.min_args = 1,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_add,
	},
	{
		.noun = "account",
		.verb = "list",
		.synopsis = "",
		.summary = "list the accounts you can see",
		.help = "The operator sees every account; an account sees "
			"itself and its co-members.",
		.run = run_list,
	},
	{
		.noun = "account",
		.verb = "show",
		.synopsis = "USER",
		.summary = "show one account",
		.help = "Co-members see the profile: names, organization, "
			"email, photo.",
		.min_args = 1,
		.max_args = 1,
		.run = run_show,
	},
	{
		.noun = "account",
		.verb = "edit",
		.synopsis = "USER [--first NAME] [--last NAME] "
			    "[--email ADDRESS] [--org NAME] [--plan PLAN] "
			    "[--unix-user USER | --no-unix-user] "
			    "[--password-file FILE | --no-password]",
		.summary = "change an account (the account itself or the "
			   "operator)",
		.options = edit_options,
		.min_args = 1,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_edit,
	},
	{
		.noun = "account",
		.verb = "photo",
		.synopsis = "USER (FILE | --clear)",
		.summary = "set or remove an account's photo",
		.help = "FILE is a JPEG or PNG image of at most 1 MiB; '-' "
			"reads standard input.",
		.options = photo_options,
		.min_args = 1,
		.max_args = 2,
		.flags = CMD_OWN_STORE,
		.run = run_photo,
	},
	{
		.noun = "account",
		.verb = "remove",
		.synopsis = "USER",
		.summary = "remove an account (operator only)",
		.help = "Refused while the account administers a group. "
			"Content it added stays.",
		.min_args = 1,
		.max_args = 1,
		.run = run_remove,
	},
	{NULL},
};
