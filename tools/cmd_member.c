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
		if (rc >= 0)
			continue;
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
		cmd_table_row(&t, by_group ? v[i].group : v[i].username,
			      v[i].invited_by,
			      cmd_format_time(v[i].created, created,
					      sizeof(created)),
			      cmd_format_time(v[i].last_sent, last,
					      sizeof(last)),
			      sent);
	}
	if (cmd_table_print(&t, stdout) < 0)
		status = cmd_fail("%s", strerror(ENOMEM));
	cmd_table_free(&t);
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
	return done(ctx, store_group_resend(ctx->st, &ctx->caller, a->pos[0],
					    a->pos[1]));
}

static int run_cancel(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_group_cancel(ctx->st, &ctx->caller, a->pos[0],
					    a->pos[1]));
}

static int run_accept(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_invitation_accept(ctx->st, &ctx->caller,
						 a->pos[0]));
}

static int run_decline(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return done(ctx, store_invitation_decline(ctx->st, &ctx->caller,
						  a->pos[0]));
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
	{ "group", "invite", "NAME USER...",
	  "invite accounts to a group (the administrator only)",
	  "Invites each USER in order and stops at the first refusal; those "
	  "invited before\nit stay invited, and are named on standard output.  "
	  "Pending invitations\ncount against the member limit.", NULL, 2,
	  CMD_MANY, 0, run_invite },
	{ "group", "invitations", "NAME",
	  "list a group's pending invitations",
	  "For the administrator and co-administrators.", NULL, 1, 1, 0,
	  run_invitations },
	{ "group", "resend", "NAME USER",
	  "send a pending invitation again (the administrator only)", NULL,
	  NULL, 2, 2, 0, run_resend },
	{ "group", "cancel", "NAME USER",
	  "cancel a pending invitation (the administrator only)", NULL, NULL,
	  2, 2, 0, run_cancel },
	{ "group", "join", "NAME", "join an open group",
	  "Also accepts a pending invitation to NAME.", NULL, 1, 1, 0,
	  run_join },
	{ "group", "leave", "NAME", "leave a group",
	  "The administrator must hand the role over first.  Every calendar "
	  "right you\ngranted through the group ends with your membership.",
	  NULL, 1, 1, 0, run_leave },
	{ "group", "remove", "NAME USER",
	  "remove a member (the administrator only)",
	  "The member loses all access at once; what they added stays.", NULL,
	  2, 2, 0, run_remove },
	{ "group", "remove-all", "NAME",
	  "remove every member but the administrator (the administrator "
	  "only)", NULL, NULL, 1, 1, 0, run_remove_all },
	{ "group", "coadmin", "NAME USER",
	  "make a member co-administrator (the administrator only)", NULL,
	  NULL, 2, 2, 0, run_coadmin },
	{ "group", "uncoadmin", "NAME USER",
	  "make a co-administrator a plain member (the administrator only)",
	  "They keep the rights granted to them by name.", NULL, 2, 2, 0,
	  run_uncoadmin },
	{ "group", "handover", "NAME USER",
	  "hand the administrator role to a member (the administrator only)",
	  "Refused when USER's plan cannot hold the group: groups "
	  "administered, members,\nbytes in use.  You stay as a member.",
	  NULL, 2, 2, 0, run_handover },
	{ "invitation", "list", "", "list your pending invitations", NULL,
	  NULL, 0, 0, 0, run_invitation_list },
	{ "invitation", "accept", "GROUP", "accept an invitation and join",
	  NULL, NULL, 1, 1, 0, run_accept },
	{ "invitation", "decline", "GROUP", "decline an invitation", NULL,
	  NULL, 1, 1, 0, run_decline },
	{ NULL },
};
