// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl membership commands: invitations from the administrator's side
 * (group invite, invitations, resend, cancel) and from the invitee's
 * (invitation list, accept, decline), joining and leaving, removing
 * members, and the roles (coadmin, uncoadmin, handover).
 *
 * Every command but "group invite" is one backend call.  "group invite"
 * takes several accounts and invites them in order, stopping at the first
 * refusal; each invitation is its own transaction, so those made before
 * the refusal stand, and the command says which they were.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "groupctl.h"

static int run_invite(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *group = a->pos[0];
	size_t i, k;
	int rc;

	for (i = 1; i < a->npos; i++) {
		rc = store_group_invite(ctx->st, &ctx->caller, group,
					a->pos[i]);
		if (rc >= 0) {
			cmd_mail_invitation(ctx, group, a->pos[i]);
			continue;
		}
		if (i > 1) {
			fputs("invited", stdout);
			for (k = 1; k < i; k++)
				printf("%s %s", k > 1 ? "," : "", a->pos[k]);
			fputs("; not invited:", stdout);
			for (k = i; k < a->npos; k++)
				printf("%s %s", k > i ? "," : "", a->pos[k]);
			fputc('\n', stdout);
			fflush(stdout);
		}
		return cmd_refused(ctx, rc);
	}
	return CMD_OK;
}

static void invitations_json(const struct store_invitation *v, size_t n)
{
	struct cmd_json j;
	size_t i;

	cmd_json_init(&j, stdout);
	cmd_json_array(&j, NULL);
	for (i = 0; i < n; i++) {
		cmd_json_object(&j, NULL);
		cmd_json_string(&j, "group", v[i].group);
		cmd_json_string(&j, "username", v[i].username);
		cmd_json_string_or_null(&j, "invited_by", v[i].invited_by);
		cmd_json_count(&j, "created", v[i].created);
		cmd_json_count(&j, "last_sent", v[i].last_sent);
		cmd_json_count(&j, "sent", v[i].sent);
		cmd_json_end_object(&j);
	}
	cmd_json_end_array(&j);
	cmd_json_finish(&j);
}

/* A table of invitations, keyed by group (the invitee's own list) or by
 * invited account (a group's list). */
static int invitations_table(const struct store_invitation *v, size_t n,
			     bool by_group)
{
	struct cmd_table t;
	int status = CMD_OK;
	size_t i;

	cmd_table_init(&t, 5, by_group ? "GROUP" : "USERNAME", "INVITED_BY",
		       "INVITED", "LAST_SENT", "SENT");
	for (i = 0; i < n; i++) {
		char created[32], last[32], sent[24];

		snprintf(sent, sizeof(sent), "%lld", (long long)v[i].sent);
		cmd_table_row(
			&t, by_group ? v[i].group : v[i].username,
			v[i].invited_by,
			cmd_format_time(v[i].created, created, sizeof(created)),
			cmd_format_time(v[i].last_sent, last, sizeof(last)),
			sent);
	}
	status = cmd_table_flush(&t);
	return status;
}

static int run_invitations(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_invitation *v = NULL;
	size_t n = 0;
	int status = CMD_OK, rc;

	rc = store_group_invitations(ctx->st, &ctx->caller, a->pos[0], &v, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json)
		invitations_json(v, n);
	else
		status = invitations_table(v, n, false);
	free(v);
	return status;
}

static int run_invitation_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_invitation *v = NULL;
	size_t n = 0;
	int status = CMD_OK, rc;

	rc = store_invitation_list(ctx->st, &ctx->caller, &v, &n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json)
		invitations_json(v, n);
	else
		status = invitations_table(v, n, true);
	free(v);
	return status;
}

/* The commands that are one backend call on (group) or (group, user). */

static int done(struct cmd_ctx *ctx, int rc)
{
	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

static int run_resend(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int rc = store_group_resend(ctx->st, &ctx->caller, a->pos[0],
				    a->pos[1]);

	if (rc >= 0)
		cmd_mail_invitation(ctx, a->pos[0], a->pos[1]);
	return done(ctx, rc);
}

static int run_cancel(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_group_cancel(ctx->st, &ctx->caller, a->pos[0],
					    a->pos[1]));
}

static int run_accept(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx,
		    store_invitation_accept(ctx->st, &ctx->caller, a->pos[0]));
}

static int run_decline(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx,
		    store_invitation_decline(ctx->st, &ctx->caller, a->pos[0]));
}

static int run_join(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_group_join(ctx->st, &ctx->caller, a->pos[0]));
}

static int run_leave(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_group_leave(ctx->st, &ctx->caller, a->pos[0]));
}

static int run_remove(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_group_remove(ctx->st, &ctx->caller, a->pos[0],
					    a->pos[1]));
}

static int run_remove_all(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	size_t removed;

	return done(ctx, store_group_remove_all(ctx->st, &ctx->caller,
						a->pos[0], &removed));
}

static int run_coadmin(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_group_set_coadmin(ctx->st, &ctx->caller,
						 a->pos[0], a->pos[1], true));
}

static int run_uncoadmin(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_group_set_coadmin(ctx->st, &ctx->caller,
						 a->pos[0], a->pos[1], false));
}

static int run_handover(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_group_handover(ctx->st, &ctx->caller, a->pos[0],
					      a->pos[1]));
}

const struct cmd cmd_member_commands[] = {
	{
		.noun = "group",
		.verb = "invite",
		.synopsis = "NAME USER...",
		.summary =
			"invite accounts to a group (the administrator only)",
		.help = "Invites each USER in order and stops at the first "
			"refusal; those invited before it stay invited, and "
			"are named on standard output. Pending invitations "
			"count against the member limit.",
		.min_args = 2,
		.max_args = CMD_MANY,
		.run = run_invite,
	},
	{
		.noun = "group",
		.verb = "invitations",
		.synopsis = "NAME",
		.summary = "list a group's pending invitations",
		.help = "For the administrator and co-administrators.",
		.min_args = 1,
		.max_args = 1,
		.run = run_invitations,
	},
	{
		.noun = "group",
		.verb = "resend",
		.synopsis = "NAME USER",
		.summary = "send a pending invitation again (the administrator "
			   "only)",
		.min_args = 2,
		.max_args = 2,
		.run = run_resend,
	},
	{
		.noun = "group",
		.verb = "cancel",
		.synopsis = "NAME USER",
		.summary =
			"cancel a pending invitation (the administrator only)",
		.min_args = 2,
		.max_args = 2,
		.run = run_cancel,
	},
	{
		.noun = "group",
		.verb = "join",
		.synopsis = "NAME",
		.summary = "join an open group",
		.help = "Also accepts a pending invitation to NAME.",
		.min_args = 1,
		.max_args = 1,
		.run = run_join,
	},
	{
		.noun = "group",
		.verb = "leave",
		.synopsis = "NAME",
		.summary = "leave a group",
		.help = "The administrator must hand the role over first. "
			"Every calendar right you granted through the group "
			"ends with your membership.",
		.min_args = 1,
		.max_args = 1,
		.run = run_leave,
	},
	{
		.noun = "group",
		.verb = "remove",
		.synopsis = "NAME USER",
		.summary = "remove a member (the administrator only)",
		.help = "The member loses all access at once; what they added "
			"stays.",
		.min_args = 2,
		.max_args = 2,
		.run = run_remove,
	},
	{
		.noun = "group",
		.verb = "remove-all",
		.synopsis = "NAME",
		.summary = "remove every member but the administrator (the "
			   "administrator "
			   "only)",
		.min_args = 1,
		.max_args = 1,
		.run = run_remove_all,
	},
	{
		.noun = "group",
		.verb = "coadmin",
		.synopsis = "NAME USER",
		.summary = "make a member co-administrator (the administrator "
			   "only)",
		.min_args = 2,
		.max_args = 2,
		.run = run_coadmin,
	},
	{
		.noun = "group",
		.verb = "uncoadmin",
		.synopsis = "NAME USER",
		.summary = "make a co-administrator a plain member (the "
			   "administrator only)",
		.help = "They keep the rights granted to them by name.",
		.min_args = 2,
		.max_args = 2,
		.run = run_uncoadmin,
	},
	{
		.noun = "group",
		.verb = "handover",
		.synopsis = "NAME USER",
		.summary = "hand the administrator role to a member (the "
			   "administrator only)",
		.help = "Refused when USER's plan cannot hold the group: "
			"groups administered, members, bytes in use. You stay "
			"as a member.",
		.min_args = 2,
		.max_args = 2,
		.run = run_handover,
	},
	{
		.noun = "invitation",
		.verb = "list",
		.synopsis = "",
		.summary = "list your pending invitations",
		.run = run_invitation_list,
	},
	{
		.noun = "invitation",
		.verb = "accept",
		.synopsis = "GROUP",
		.summary = "accept an invitation and join",
		.min_args = 1,
		.max_args = 1,
		.run = run_accept,
	},
	{
		.noun = "invitation",
		.verb = "decline",
		.synopsis = "GROUP",
		.summary = "decline an invitation",
		.min_args = 1,
		.max_args = 1,
		.run = run_decline,
	},
	{NULL},
};
