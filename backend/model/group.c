// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Groups: creation against the creator's plan, settings and their rules
 * (members list and open only when published, sector only for business),
 * deletion with all contents, what members and non-members see of a group,
 * the directory search, and usage against the administrator's plan.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Members plus pending invitations: what the plan's member limit counts. */
int64_t grp_headcount(struct store *st, int64_t gid)
{
	int64_t n = 0;

	meta_group_headcount(st, gid, &n);
	return n;
}

int space_create(struct store *st, enum space_kind kind, int64_t owner,
		 int64_t creator, int64_t *space)
{
	static const struct {
		const char *name;
		int tool;
		bool group_only;
	} tools[] = {
		{"documents", TOOL_DOCUMENTS, false},
		{"calendar", TOOL_CALENDAR, false},
		{"contacts", TOOL_CONTACTS, false},
		{"drop", TOOL_DROP, true},
		{"members", TOOL_MEMBERS, true},
	};
	int64_t sp, root, ino[ARRAY_SIZE(tools)] = {0};
	size_t i;
	int rc;

	rc = meta_space_add(st, kind == SPACE_GROUP, owner, &sp);
	if (rc)
		return rc;
	rc = node_new(st, sp, TOOL_NONE, 0, NULL, 040755, creator, &root);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(tools); i++) {
		if (tools[i].group_only && kind != SPACE_GROUP)
			continue;
		rc = node_new(st, sp, tools[i].tool, root, tools[i].name,
			      040755, creator, &ino[i]);
		if (rc == 0 && kind == SPACE_GROUP && tools[i].tool != TOOL_DROP)
			rc = acl_default(st, ino[i]);
	}
	if (rc == 0) {
		struct meta_space_dirs d = {
			.root = root,
			.documents = ino[0],
			.calendar = ino[1],
			.contacts = ino[2],
			.drop = ino[3],
			.members = ino[4],
		};

		rc = meta_space_set_dirs(st, sp, &d);
	}
	if (rc == 0 && kind == SPACE_GROUP)
		rc = mail_ensure(st, sp, creator);
	if (rc == 0 && kind == SPACE_PRIVATE)
		rc = invitations_ensure(st, sp);
	if (rc == 0)
		*space = sp;
	return rc;
}

/* Apply `in` (fields in `mask`) to `cur` and check the settings' rules. */
static int settings_apply(struct store *st, const char *gname,
			  struct store_group_settings *cur,
			  const struct store_group_settings *in, unsigned mask)
{
	if (mask & STORE_GROUP_DESCRIPTION) {
		if (!valid_text(in->description, STORE_DESC_MAX, true) ||
		    strlen(in->description) > STORE_DESC_MAX)
			return store_fail(st, -EINVAL,
					  "%s: the description must be at most "
					  "%d bytes of text",
					  gname, STORE_DESC_MAX);
		copy_str(cur->description, sizeof(cur->description),
			 in->description);
	}
	if (mask & STORE_GROUP_PUBLISHED) {
		cur->published = in->published;
		if (!in->published) {
			/* Unpublishing hides the members list and closes. */
			if (!(mask & STORE_GROUP_MEMBERS_PUBLISHED))
				cur->members_published = false;
			if (!(mask & STORE_GROUP_OPEN))
				cur->open = false;
		}
	}
	if (mask & STORE_GROUP_MEMBERS_PUBLISHED)
		cur->members_published = in->members_published;
	if (mask & STORE_GROUP_OPEN)
		cur->open = in->open;
	if (mask & STORE_GROUP_BUSINESS) {
		cur->business = in->business;
		if (!in->business && !(mask & STORE_GROUP_SECTOR))
			cur->sector[0] = '\0';
	}
	if (mask & STORE_GROUP_SECTOR) {
		if (!valid_text(in->sector, STORE_SECTOR_MAX, true))
			return store_fail(st, -EINVAL,
					  "%s: the sector must be at most %d "
					  "characters of text",
					  gname, STORE_SECTOR_MAX);
		copy_str(cur->sector, sizeof(cur->sector), in->sector);
	}
	if (mask & STORE_GROUP_LANGUAGE) {
		if (in->language[0] == '\0')
			cur->language[0] = '\0';
		else if (normalize_language(in->language, cur->language,
					    sizeof(cur->language)))
			return store_fail(st, -EINVAL,
					  "%s: the language must be an ISO 639 "
					  "code such as en, fr or pt, not '%s'",
					  gname, in->language);
	}
	if (cur->members_published && !cur->published)
		return store_fail(st, -EINVAL,
				  "%s: the members list can be published only "
				  "in a published group",
				  gname);
	if (cur->open && !cur->published)
		return store_fail(st, -EINVAL,
				  "%s: only a published group can be open",
				  gname);
	if (cur->sector[0] && !cur->business)
		return store_fail(st, -EINVAL,
				  "%s: a sector is set only for a business "
				  "group",
				  gname);
	return 0;
}

static int create_locked(struct store *st, const struct store_caller *c,
			 const char *name, const char *key,
			 const struct store_group_settings *s, int64_t *id)
{
	char me[STORE_USERNAME_MAX + 1];
	struct limits lim;
	struct grp g;
	int64_t n, gid, space;
	int rc;

	rc = limits_of(st, c->account, &lim);
	if (rc == 0)
		rc = meta_membership_admin_count(st, c->account, &n);
	if (rc)
		return rc;
	account_name(st, c->account, me, sizeof(me));
	if (n >= lim.max_groups)
		return store_fail(st, -EDQUOT,
				  "%s: the plan of %s (%s) allows administering "
				  "%lld group%s",
				  name, me, lim.plan, (long long)lim.max_groups,
				  lim.max_groups == 1 ? "" : "s");
	if (lim.max_members < 1)
		return store_fail(st, -EDQUOT,
				  "%s: the plan of %s (%s) allows no members",
				  name, me, lim.plan);
	if (meta_group_id(st, key, &n) == 0)
		return store_fail(st, -EEXIST, "the group name %s is taken",
				  name);
	rc = meta_group_add(st, name, key, now_sec(), &gid);
	if (rc)
		return rc == -EEXIST ? store_fail(st, -EEXIST,
						  "the group name %s is taken",
						  name)
				     : rc;
	rc = meta_group_set_settings(st, gid, s);
	if (rc == 0)
		rc = meta_membership_add_admin(st, gid, c->account, now_sec());
	if (rc == 0)
		rc = space_create(st, SPACE_GROUP, gid, c->account, &space);
	if (rc == 0)
		rc = grp_find(st, c, name, &g);
	if (rc == 0)
		rc = member_added(st, &g, c->account);
	if (rc == 0)
		*id = gid;
	return rc;
}

int store_group_create(struct store *st, const struct store_caller *c,
		       const char *name, const struct store_group_settings *s,
		       unsigned mask, int64_t *id)
{
	struct store_group_settings cur = {0};
	char key[STORE_GROUPNAME_BYTES * 2 + 8];
	const char *problem;
	int64_t gid = 0;
	int rc;

	st->errmsg[0] = '\0';
	rc = need_account(st, c);
	if (rc)
		return rc;
	problem = groupname_problem(name);
	if (problem || casefold(name, key, sizeof(key))) {
		char shown[STORE_GROUPNAME_BYTES * 3 + 16];

		escape_name(name, shown, sizeof(shown));
		return store_fail(st, -EINVAL, "invalid group name '%s': %s",
				  shown, problem ? problem : "not UTF-8");
	}
	rc = settings_apply(st, name, &cur, s, s ? mask : 0);
	if (rc)
		return rc;
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st, create_locked(st, c, name, key, &cur, &gid));
	if (rc == 0 && id)
		*id = gid;
	return rc;
}

int store_group_edit(struct store *st, const struct store_caller *c,
		     const char *name, const struct store_group_settings *s,
		     unsigned mask)
{
	struct grp g;
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = grp_admin(st, c, name, &g, "change the group's settings");
	if (rc == 0)
		rc = settings_apply(st, g.name, &g.s, s, mask);
	if (rc == 0)
		rc = meta_group_set_settings(st, g.id, &g.s);
	return txn_end(st, rc);
}

static int delete_locked(struct store *st, const struct store_caller *c,
			 const char *name)
{
	struct grp g;
	int64_t n;
	int rc;

	rc = grp_admin(st, c, name, &g, "delete the group");
	if (rc)
		return rc;
	rc = meta_membership_count(st, g.id, &n);
	if (rc)
		return rc;
	if (n > 1)
		return store_fail(st, -ENOTEMPTY,
				  "%s: a group can be deleted only when no "
				  "other member remains (%lld do: remove them "
				  "first)",
				  g.name, (long long)(n - 1));
	return meta_group_delete(st, g.id);
}

int store_group_delete(struct store *st, const struct store_caller *c,
		       const char *name)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, delete_locked(st, c, name));
}

/* What the caller may see of group `g`, into `out`. */
static int group_fill(struct store *st, const struct store_caller *c,
		      const struct grp *g, struct store_group *out)
{
	bool member = g->role != STORE_ROLE_NONE || c->operator;
	bool manager = g->role >= STORE_ROLE_COADMIN || c->operator;
	struct limits lim = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	out->id = g->id;
	copy_str(out->name, sizeof(out->name), g->name);
	out->settings = g->s;
	out->role = g->role;
	out->created = g->created;
	out->members = out->invitations = out->max_members = -1;
	out->used = out->capacity = -1;
	if (member || (g->s.published && !g->s.open)) {
		rc = meta_group_admin_contact(st, g->admin, out->admin,
					      sizeof(out->admin),
					      out->admin_email,
					      sizeof(out->admin_email));
		if (rc < 0 && rc != -ENOENT)
			return rc;
	}
	if (member || g->s.members_published)
		meta_membership_count(st, g->id, &out->members);
	if (!member)
		return 0;
	if (manager)
		meta_group_invitation_count(st, g->id, &out->invitations);
	rc = limits_of(st, g->admin, &lim);
	if (rc)
		return rc;
	out->max_members = lim.max_members;
	out->capacity = lim.group_bytes;
	return meta_space_used(st, g->space, &out->used);
}

int store_group_get(struct store *st, const struct store_caller *c,
		    const char *name, struct store_group *out)
{
	struct grp g;
	int rc;

	st->errmsg[0] = '\0';
	rc = grp_find(st, c, name, &g);
	if (rc)
		return rc;
	if (g.role == STORE_ROLE_NONE && !c->operator && !g.s.published)
		return store_fail(st, -ENOENT, "no group named %s", name);
	return group_fill(st, c, &g, out);
}

/* What the caller may see of each of `rows` (len of them, freed here),
 * into a result array. */
static int group_query(struct store *st, const struct store_caller *c,
		       struct grp *rows, size_t len, struct store_group **out,
		       size_t *n)
{
	struct store_group *v = NULL;
	size_t i;
	int rc = 0;

	if (len) {
		v = calloc(len, sizeof(*v));
		if (!v)
			rc = -ENOMEM;
	}
	for (i = 0; rc == 0 && i < len; i++)
		rc = group_fill(st, c, &rows[i], &v[i]);
	free(rows);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}

int store_group_list(struct store *st, const struct store_caller *c,
		     struct store_group **out, size_t *n)
{
	struct grp *rows;
	size_t len;
	int rc;

	st->errmsg[0] = '\0';
	rc = meta_group_list(st, c->account, c->account == 0 && c->operator,
			     &rows, &len);
	if (rc)
		return rc;
	return group_query(st, c, rows, len, out, n);
}

int store_group_search(struct store *st, const struct store_caller *c,
		       const struct store_search *q, struct store_group **out,
		       size_t *n)
{
	char key[STORE_GROUPNAME_BYTES * 2 + 8] = "";
	char lang[STORE_LANG_MAX + 1] = "";
	const char *name = q->name;
	struct grp *rows;
	size_t len;
	int criteria = 0;
	int rc;

	st->errmsg[0] = '\0';
	if (name && *name) {
		if (casefold(name, key, sizeof(key)) ||
		    !valid_text(name, STORE_GROUPNAME_MAX, false))
			return store_fail(st, -EINVAL,
					  "invalid name criterion '%s'", name);
		if (strlen(name) < 3 || (valid_text(name, 2, false)))
			return store_fail(st, -EINVAL,
					  "the name criterion needs at least "
					  "3 consecutive letters");
		criteria++;
	}
	if (q->business >= 0)
		criteria++;
	if (q->sector && *q->sector)
		criteria++;
	if (q->language && *q->language) {
		if (normalize_language(q->language, lang, sizeof(lang)))
			return store_fail(st, -EINVAL,
					  "the language must be an ISO 639 "
					  "code such as en, fr or pt, not '%s'",
					  q->language);
		criteria++;
	}
	if (criteria < 2)
		return store_fail(st, -EINVAL,
				  "a search needs at least two criteria among "
				  "name, activity, sector and language");
	rc = meta_group_search(st, c->account, key, q->business,
			       q->sector ? q->sector : "", lang, &rows, &len);
	if (rc)
		return rc;
	return group_query(st, c, rows, len, out, n);
}

static void usage_fill(const struct room *r, struct store_usage *u)
{
	u->capacity = r->capacity;
	u->used = r->used;
	u->metadata = r->meta;
	u->files = r->files;
	u->max_files = r->max_files;
	u->history = r->hist;
}

static int usage_row(struct store *st, const struct store_caller *c,
		     const struct grp *g, struct store_usage *u)
{
	struct limits lim;
	struct room r;
	int rc;

	memset(u, 0, sizeof(*u));
	copy_str(u->name, sizeof(u->name), g->name);
	rc = limits_of(st, g->admin, &lim);
	if (rc)
		return rc;
	u->max_members = lim.max_members;
	rc = space_room(st, g->space, &r);
	if (rc)
		return rc;
	usage_fill(&r, u);
	return meta_membership_count(st, g->id, &u->members);
}

static int private_usage(struct store *st, int64_t account,
			 struct store_usage *u)
{
	struct room r;
	int64_t space;
	int rc;

	memset(u, 0, sizeof(*u));
	copy_str(u->name, sizeof(u->name), "Private");
	u->members = u->max_members = -1;
	rc = meta_space_private(st, account, &space);
	if (rc == 0)
		rc = space_room(st, space, &r);
	if (rc == 0)
		usage_fill(&r, u);
	return rc;
}

int store_usage(struct store *st, const struct store_caller *c,
		const char *group, struct store_usage **out, size_t *n)
{
	struct store_group *groups = NULL;
	struct store_usage *v = NULL;
	size_t ng = 0, len = 0, i;
	struct grp g;
	int rc;

	st->errmsg[0] = '\0';
	if (group) {
		rc = grp_find(st, c, group, &g);
		if (rc == 0 && g.role == STORE_ROLE_NONE && !c->operator)
			rc = grp_member(st, c, group, &g);
		if (rc)
			return rc;
		v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		rc = usage_row(st, c, &g, v);
		len = 1;
		goto out;
	}
	rc = store_group_list(st, c, &groups, &ng);
	if (rc)
		return rc;
	v = calloc(ng + 1, sizeof(*v));
	if (!v) {
		free(groups);
		return -ENOMEM;
	}
	if (c->account > 0) {
		rc = private_usage(st, c->account, &v[len]);
		len++;
	}
	for (i = 0; rc == 0 && i < ng; i++) {
		rc = grp_find(st, c, groups[i].name, &g);
		if (rc == 0)
			rc = usage_row(st, c, &g, &v[len++]);
	}
	free(groups);
out:
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return 0;
}
