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
#include "sqlite/engine.h" /* until its SQL moves behind meta.h */

#define GRP_COLS                                                             \
	"SELECT g.id, s.id, g.name, g.description, g.published,"             \
	" g.members_published, g.open, g.business, g.sector, g.language,"     \
	" g.created, (SELECT account_id FROM membership a"                    \
	"   WHERE a.group_id = g.id AND a.role = 3),"                         \
	" coalesce((SELECT role FROM membership m"                            \
	"   WHERE m.group_id = g.id AND m.account_id = ?2), 0)"               \
	" FROM grp g JOIN space s ON s.group_id = g.id"

static void grp_row(sqlite3_stmt *s, struct grp *g)
{
	memset(g, 0, sizeof(*g));
	g->id = sqlite3_column_int64(s, 0);
	g->space = sqlite3_column_int64(s, 1);
	copy_str(g->name, sizeof(g->name), col_text(s, 2));
	copy_str(g->s.description, sizeof(g->s.description), col_text(s, 3));
	g->s.published = sqlite3_column_int(s, 4);
	g->s.members_published = sqlite3_column_int(s, 5);
	g->s.open = sqlite3_column_int(s, 6);
	g->s.business = sqlite3_column_int(s, 7);
	copy_str(g->s.sector, sizeof(g->s.sector), col_text(s, 8));
	copy_str(g->s.language, sizeof(g->s.language), col_text(s, 9));
	g->created = sqlite3_column_int64(s, 10);
	g->admin = sqlite3_column_int64(s, 11);
	g->role = (enum store_role)sqlite3_column_int(s, 12);
}

int grp_find(struct store *st, const struct store_caller *c, const char *name,
	     struct grp *out)
{
	char key[STORE_GROUPNAME_BYTES * 2 + 8];
	sqlite3_stmt *s;
	int rc;

	if (strlen(name) > STORE_GROUPNAME_BYTES ||
	    casefold(name, key, sizeof(key)))
		return store_fail(st, -ENOENT, "no group named %s", name);
	s = db_q(st, GRP_COLS " WHERE g.name_key = ?1", "ti", key,
		 c->account);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc == 1) {
		grp_row(s, out);
		db_done(s);
		return 0;
	}
	return rc < 0 ? rc : store_fail(st, -ENOENT, "no group named %s", name);
}

int grp_member(struct store *st, const struct store_caller *c,
	       const char *name, struct grp *out)
{
	int rc = grp_find(st, c, name, out);

	if (rc)
		return rc;
	if (out->role != STORE_ROLE_NONE)
		return 0;
	if (!out->s.published)
		return store_fail(st, -ENOENT, "no group named %s", name);
	return store_fail(st, -EACCES, "%s: you are not a member of this group",
			  out->name);
}

int grp_admin(struct store *st, const struct store_caller *c,
	      const char *name, struct grp *out, const char *what)
{
	int rc = grp_member(st, c, name, out);

	if (rc)
		return rc;
	if (out->role != STORE_ROLE_ADMIN)
		return store_fail(st, -EACCES,
				  "%s: only the administrator may %s",
				  out->name, what);
	return 0;
}

enum store_role grp_role(struct store *st, int64_t gid, int64_t account)
{
	struct memo *m = st->memo;
	int64_t role;
	unsigned i;
	int rc;

	for (i = 0; st->txn_depth > 0 && i < MEMO_ROLES; i++)
		if (m->role[i].wseq == st->wseq && m->role[i].group == gid &&
		    m->role[i].account == account)
			return (enum store_role)m->role[i].role;
	rc = db_int(st, &role,
		    "SELECT role FROM membership WHERE group_id = ?"
		    " AND account_id = ?",
		    "ii", gid, account);
	if (rc)
		role = STORE_ROLE_NONE;
	if (st->txn_depth > 0 && (rc == 0 || rc == -ENOENT)) {
		i = m->next_role++ % MEMO_ROLES;
		m->role[i].wseq = st->wseq;
		m->role[i].group = gid;
		m->role[i].account = account;
		m->role[i].role = (int)role;
	}
	return (enum store_role)role;
}

/* Members plus pending invitations: what the plan's member limit counts. */
int64_t grp_headcount(struct store *st, int64_t gid)
{
	int64_t n = 0;

	db_int(st, &n,
	       "SELECT (SELECT count(*) FROM membership WHERE group_id = ?1)"
	       " + (SELECT count(*) FROM invitation WHERE group_id = ?1)",
	       "i", gid);
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

	if (kind == SPACE_GROUP)
		rc = db_run(st, "INSERT INTO space (group_id) VALUES (?)", "i",
			    owner);
	else
		rc = db_run(st, "INSERT INTO space (account_id) VALUES (?)",
			    "i", owner);
	if (rc)
		return rc;
	sp = db_last_id(st);
	rc = node_new(st, sp, TOOL_NONE, 0, NULL, 040755, creator, &root);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(tools); i++) {
		if (tools[i].group_only && kind != SPACE_GROUP)
			continue;
		rc = node_new(st, sp, tools[i].tool, root, tools[i].name,
			      040755, creator, &ino[i]);
		if (rc == 0 && kind == SPACE_GROUP && tools[i].tool != TOOL_DROP)
			rc = acl_default(st, ino[i]);
	}
	if (rc == 0)
		rc = db_run(st,
			    "UPDATE space SET root = ?, documents = ?,"
			    " calendar = ?, contacts = ?, drop_dir = ?,"
			    " members_dir = ?, files = 0 WHERE id = ?",
			    "iiiiiii", root, ino[0], ino[1], ino[2], ino[3],
			    ino[4], sp);
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

static int save_settings(struct store *st, int64_t gid,
			 const struct store_group_settings *s)
{
	return db_run(st,
		      "UPDATE grp SET description = ?, published = ?,"
		      " members_published = ?, open = ?, business = ?,"
		      " sector = ?, language = ? WHERE id = ?",
		      "tiiiitti", s->description, (int64_t)s->published,
		      (int64_t)s->members_published, (int64_t)s->open,
		      (int64_t)s->business, s->sector, s->language, gid);
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
		rc = db_int(st, &n,
			    "SELECT count(*) FROM membership WHERE account_id ="
			    " ? AND role = 3",
			    "i", c->account);
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
	if (db_int(st, &n, "SELECT id FROM grp WHERE name_key = ?", "t",
		   key) == 0)
		return store_fail(st, -EEXIST, "the group name %s is taken",
				  name);
	rc = db_run(st,
		    "INSERT INTO grp (name, name_key, created) VALUES (?,?,?)",
		    "tti", name, key, now_sec());
	if (rc)
		return rc == -EEXIST ? store_fail(st, -EEXIST,
						  "the group name %s is taken",
						  name)
				     : rc;
	gid = db_last_id(st);
	rc = save_settings(st, gid, s);
	if (rc == 0)
		rc = db_run(st,
			    "INSERT INTO membership (group_id, account_id, role,"
			    " joined) VALUES (?, ?, 3, ?)",
			    "iii", gid, c->account, now_sec());
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
		rc = save_settings(st, g.id, &g.s);
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
	rc = db_int(st, &n, "SELECT count(*) FROM membership WHERE group_id = ?",
		    "i", g.id);
	if (rc)
		return rc;
	if (n > 1)
		return store_fail(st, -ENOTEMPTY,
				  "%s: a group can be deleted only when no "
				  "other member remains (%lld do: remove them "
				  "first)",
				  g.name, (long long)(n - 1));
	/* Contents, invitations, rights and grants go by cascade. */
	rc = db_run(st, "DELETE FROM grp WHERE id = ?", "i", g.id);
	if (rc == 0)
		rc = db_run(st,
			    "DELETE FROM cal_grant WHERE NOT EXISTS (SELECT 1"
			    " FROM cal_grant_via v WHERE v.owner_id ="
			    " cal_grant.owner_id AND v.grantee_id ="
			    " cal_grant.grantee_id)",
			    "");
	return rc;
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
	sqlite3_stmt *s;
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
		s = db_q(st, "SELECT username, email FROM account WHERE id = ?",
			 "i", g->admin);
		if (!s)
			return -EIO;
		rc = db_row(st, s);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			copy_str(out->admin, sizeof(out->admin),
				 col_text(s, 0));
			copy_str(out->admin_email, sizeof(out->admin_email),
				 col_text(s, 1));
			db_done(s);
		}
	}
	if (member || g->s.members_published)
		db_int(st, &out->members,
		       "SELECT count(*) FROM membership WHERE group_id = ?",
		       "i", g->id);
	if (!member)
		return 0;
	if (manager)
		db_int(st, &out->invitations,
		       "SELECT count(*) FROM invitation WHERE group_id = ?",
		       "i", g->id);
	rc = limits_of(st, g->admin, &lim);
	if (rc)
		return rc;
	out->max_members = lim.max_members;
	out->capacity = lim.group_bytes;
	return db_int(st, &out->used, "SELECT used FROM space WHERE id = ?",
		      "i", g->space);
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

/* Run `sql` (GRP_COLS ..., ?2 = the caller) and fill a result array. */
static int group_query(struct store *st, const struct store_caller *c,
		       sqlite3_stmt *s, struct store_group **out, size_t *n)
{
	struct grp *rows = NULL;
	size_t rows_cap = 0;
	struct store_group *v = NULL;
	size_t len = 0, i;
	int rc;

	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(rows, len, rows_cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		grp_row(s, &rows[len++]);
	}
	if (rc == 0 && len) {
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
	sqlite3_stmt *s;

	st->errmsg[0] = '\0';
	if (c->account == 0 && c->operator)
		s = db_q(st, GRP_COLS " ORDER BY g.name_key", "ii",
			 (int64_t)0, c->account);
	else
		s = db_q(st, GRP_COLS " WHERE g.id IN (SELECT group_id FROM"
				      " membership WHERE account_id = ?2)"
				      " ORDER BY g.name_key",
			 "ii", (int64_t)0, c->account);
	return group_query(st, c, s, out, n);
}

int store_group_search(struct store *st, const struct store_caller *c,
		       const struct store_search *q, struct store_group **out,
		       size_t *n)
{
	char key[STORE_GROUPNAME_BYTES * 2 + 8] = "";
	char lang[STORE_LANG_MAX + 1] = "";
	const char *name = q->name;
	int criteria = 0;
	sqlite3_stmt *s;

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
	s = db_q(st,
		 GRP_COLS " WHERE g.published = 1"
			  " AND (?1 = '' OR instr(g.name_key, ?1) > 0)"
			  " AND (?3 < 0 OR g.business = ?3)"
			  " AND (?4 = '' OR lower(g.sector) = lower(?4))"
			  " AND (?5 = '' OR g.language = ?5)"
			  " ORDER BY g.name_key",
		 "tiitt", key, c->account, (int64_t)q->business,
		 q->sector ? q->sector : "", lang);
	return group_query(st, c, s, out, n);
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
	return db_int(st, &u->members,
		      "SELECT count(*) FROM membership WHERE group_id = ?", "i",
		      g->id);
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
	rc = db_int(st, &space, "SELECT id FROM space WHERE account_id = ?",
		    "i", account);
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
