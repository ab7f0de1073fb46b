// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The integrity check behind `groupctl check`: SQLite's own checks, then
 * the model's invariants, each query listing the rows that break one rule.
 * Read-only: it reports and never repairs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqlite/engine.h" /* until its SQL moves behind meta.h */

struct rule {
	const char *what; /* the rule broken; the row's column 0 follows */
	const char *sql;  /* rows breaking the rule; column 0 names them */
};

static const struct rule rules[] = {
	{"group without exactly one administrator",
	 "SELECT g.name FROM grp g WHERE (SELECT count(*) FROM membership m"
	 " WHERE m.group_id = g.id AND m.role = 3) <> 1"},
	{"group without a space",
	 "SELECT g.name FROM grp g WHERE NOT EXISTS (SELECT 1 FROM space s"
	 " WHERE s.group_id = g.id)"},
	{"account without a private space",
	 "SELECT a.username FROM account a WHERE NOT EXISTS (SELECT 1 FROM"
	 " space s WHERE s.account_id = a.id)"},
	{"group with a tool lacking its add or delete setting",
	 "SELECT g.name FROM grp g JOIN space s ON s.group_id = g.id"
	 " WHERE (SELECT count(*) FROM acl a WHERE a.node IN (s.documents,"
	 " s.calendar, s.contacts)) <> 6"},
	{"invitation for a member",
	 "SELECT g.name || '/' || a.username FROM invitation i"
	 " JOIN membership m USING (group_id, account_id)"
	 " JOIN grp g ON g.id = i.group_id JOIN account a"
	 " ON a.id = i.account_id"},
	{"calendar grant with no group behind it",
	 "SELECT o.username || ' -> ' || e.username FROM cal_grant c"
	 " JOIN account o ON o.id = c.owner_id JOIN account e"
	 " ON e.id = c.grantee_id WHERE NOT EXISTS (SELECT 1 FROM"
	 " cal_grant_via v WHERE v.owner_id = c.owner_id AND v.grantee_id ="
	 " c.grantee_id)"},
	{"calendar grant held through a group one side has left",
	 "SELECT g.name FROM cal_grant_via v JOIN grp g ON g.id = v.group_id"
	 " WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.group_id ="
	 " v.group_id AND m.account_id = v.owner_id) OR NOT EXISTS (SELECT 1"
	 " FROM membership m WHERE m.group_id = v.group_id AND m.account_id ="
	 " v.grantee_id)"},
	{"right granted by name to a non-member",
	 "SELECT a.username FROM acl_member x JOIN account a"
	 " ON a.id = x.account_id JOIN node n ON n.id = x.node JOIN space s"
	 " ON s.id = n.space_id WHERE s.group_id IS NOT NULL AND NOT EXISTS"
	 " (SELECT 1 FROM membership m WHERE m.group_id = s.group_id AND"
	 " m.account_id = x.account_id)"},
	{"editor who is not a member",
	 "SELECT a.username FROM editor x JOIN account a ON a.id = x.account_id"
	 " JOIN node n ON n.id = x.node JOIN space s ON s.id = n.space_id"
	 " WHERE s.group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
	 " membership m WHERE m.group_id = s.group_id AND m.account_id ="
	 " x.account_id)"},
	{"entry in a folder that is not a directory of its space",
	 "SELECT d.name FROM dirent d JOIN node p ON p.id = d.parent JOIN node c"
	 " ON c.id = d.child WHERE (p.mode & 61440) <> 16384 OR"
	 " p.space_id IS NOT c.space_id"},
	{"node with a wrong link count",
	 "SELECT n.id FROM node n WHERE n.id <> 1 AND (n.mode & 61440) <> 16384"
	 " AND n.nlink <> (SELECT count(*) FROM dirent d WHERE d.child ="
	 " n.id) AND n.nlink <> 0"},
	{"folder with a wrong link count",
	 "SELECT n.id FROM node n WHERE n.id <> 1 AND (n.mode & 61440) = 16384"
	 " AND n.nlink <> 2 + (SELECT count(*) FROM dirent d JOIN node c"
	 " ON c.id = d.child WHERE d.parent = n.id AND (c.mode & 61440) ="
	 " 16384)"},
	{"node in no folder",
	 "SELECT n.id FROM node n WHERE n.id <> 1 AND n.nlink > 0 AND NOT"
	 " EXISTS (SELECT 1 FROM dirent d WHERE d.child = n.id) AND NOT EXISTS"
	 " (SELECT 1 FROM space s WHERE s.root = n.id)"},
	{"space whose bytes in use do not add up",
	 "SELECT s.id FROM space s WHERE s.used <> coalesce((SELECT sum(size)"
	 " FROM node n WHERE n.space_id = s.id AND (n.mode & 61440) = 32768"
	 " AND n.hist IS NULL), 0)"},
	{"space whose bytes in history do not add up",
	 "SELECT s.id FROM space s WHERE s.hist_used <> coalesce((SELECT"
	 " sum(size) FROM node n WHERE n.space_id = s.id AND (n.mode & 61440)"
	 " = 32768 AND n.hist IS NOT NULL), 0) + coalesce((SELECT sum(cost)"
	 " FROM hist h WHERE h.space_id = s.id), 0)"},
	{"history folder with nothing below it",
	 "SELECT d.id FROM hist_dir d WHERE NOT EXISTS (SELECT 1 FROM hist"
	 " WHERE hdir = ((1 << 48) | d.id)) AND NOT EXISTS (SELECT 1 FROM"
	 " hist_dir c WHERE c.parent = ((1 << 48) | d.id)) AND NOT EXISTS"
	 " (SELECT 1 FROM gtrash g WHERE g.hdir = ((1 << 48) | d.id)) AND NOT"
	 " EXISTS (SELECT 1 FROM gtrash_dir g WHERE g.hdir = ((1 << 48) |"
	 " d.id))"},
	{"history node without its entry",
	 "SELECT n.id FROM node n WHERE n.hist IS NOT NULL AND NOT EXISTS"
	 " (SELECT 1 FROM hist h WHERE h.id = n.hist AND h.node = n.id)"},
	{"space whose metadata bytes (xattrs, link targets) do not add up",
	 "SELECT s.id FROM space s WHERE s.meta <> coalesce((SELECT"
	 " sum(length(CAST(x.name AS BLOB)) + length(CAST(x.value AS BLOB)))"
	 " FROM xattr x JOIN node n ON n.id = x.node WHERE n.space_id = s.id"
	 " AND n.hist IS NULL), 0) + coalesce((SELECT"
	 " sum(length(CAST(n.target AS BLOB))) FROM node n WHERE n.space_id ="
	 " s.id AND n.target IS NOT NULL AND n.hist IS NULL), 0)"},
	{"unlinked node still named in a folder",
	 "SELECT n.id FROM node n WHERE n.nlink = 0 AND EXISTS (SELECT 1 FROM"
	 " dirent d WHERE d.child = n.id)"},
	{"node not reachable from its space's root",
	 "WITH RECURSIVE r(id, depth) AS (SELECT root, 0 FROM space"
	 " UNION SELECT d.child, r.depth + 1 FROM r JOIN dirent d"
	 " ON d.parent = r.id WHERE r.depth < 4096)"
	 " SELECT n.id FROM node n WHERE n.space_id IS NOT NULL"
	 " AND n.nlink > 0 AND n.id NOT IN (SELECT id FROM r)"},
	{"folder named in more than one place",
	 "SELECT d.child FROM dirent d JOIN node c ON c.id = d.child"
	 " WHERE (c.mode & 61440) = 16384 GROUP BY d.child"
	 " HAVING count(*) > 1"},
	{"entry with an invalid name",
	 "SELECT d.parent || '/' || quote(d.name) FROM dirent d"
	 " WHERE d.name = '' OR d.name IN ('.', '..') OR instr(d.name, '/')"
	 " OR length(CAST(d.name AS BLOB)) > 255"},
	{"folder or link in a calendar or contacts folder",
	 "SELECT d.name FROM dirent d JOIN node p ON p.id = d.parent"
	 " JOIN node c ON c.id = d.child JOIN space s ON s.id = p.space_id"
	 " WHERE p.id IN (s.calendar, s.contacts)"
	 " AND (c.mode & 61440) <> 32768"},
	{"entry in drop/ that is not a member's folder",
	 "SELECT d.name FROM dirent d JOIN space s ON s.drop_dir = d.parent"
	 " JOIN node c ON c.id = d.child WHERE (c.mode & 61440) <> 16384"},
	{"member without a drop folder",
	 "SELECT g.name || '/' || a.username FROM membership m"
	 " JOIN grp g ON g.id = m.group_id JOIN account a"
	 " ON a.id = m.account_id JOIN space s ON s.group_id = g.id"
	 " WHERE NOT EXISTS (SELECT 1 FROM dirent d JOIN node c"
	 " ON c.id = d.child WHERE d.parent = s.drop_dir AND d.name ="
	 " a.username AND (c.mode & 61440) = 16384)"},
	/* Each name of a linked node belongs to one area: a tool folder, or
	 * one member's drop folder.  A link may not join two. */
	{"hard link joining two drop folders or tools",
	 "WITH RECURSIVE up(child, cur, depth) AS (SELECT d.child, d.parent,"
	 " 0 FROM dirent d JOIN node c ON c.id = d.child"
	 " WHERE (c.mode & 61440) <> 16384 AND c.nlink > 1"
	 " UNION SELECT up.child, p.parent, up.depth + 1 FROM up"
	 " JOIN dirent p ON p.child = up.cur JOIN node n ON n.id = up.cur"
	 " JOIN space s ON s.id = n.space_id"
	 " WHERE p.parent NOT IN (s.root, s.drop_dir) AND up.depth < 4096)"
	 " SELECT up.child FROM up JOIN node n ON n.id = up.cur"
	 " JOIN space s ON s.id = n.space_id JOIN dirent p ON p.child = up.cur"
	 " WHERE p.parent IN (s.root, s.drop_dir)"
	 " GROUP BY up.child HAVING count(DISTINCT up.cur) > 1"},
	/* A save's source answers as its target until the next start frees
	 * it; if the target goes first, it is a nameless leftover, no harm.
	 * An alias must never have a name, nor lead round in a loop. */
	{"alias that still has a name",
	 "SELECT n.id FROM node n WHERE n.alias IS NOT NULL AND n.nlink > 0"},
	{"alias chain that loops",
	 "WITH RECURSIVE w(start, cur, depth) AS (SELECT id, alias, 0 FROM"
	 " node WHERE alias IS NOT NULL UNION SELECT w.start, n.alias,"
	 " w.depth + 1 FROM w JOIN node n ON n.id = w.cur"
	 " WHERE n.alias IS NOT NULL AND w.depth < 64)"
	 " SELECT DISTINCT start FROM w WHERE depth >= 64"},
	{"group whose name key is not its folded name",
	 "SELECT g.name FROM grp g WHERE g.name_key IS NOT gfs_fold(g.name)"},
	{"space whose entry count does not add up",
	 "SELECT s.id FROM space s WHERE s.files <> (SELECT count(*) FROM"
	 " dirent d JOIN node c ON c.id = d.child WHERE c.space_id = s.id"
	 " AND c.tool <> 5 AND d.parent NOT IN (s.root, s.drop_dir)"
	 " AND NOT (d.parent = s.mail AND d.name IN ('cur', 'new', 'tmp')))"},
};

static void report(store_check_fn fn, void *arg, unsigned *count,
		   const char *what, const char *item)
{
	char buf[STORE_PATH_MAX + 128];

	snprintf(buf, sizeof(buf), "%s: %s", what, item);
	(*count)++;
	if (fn)
		fn(arg, buf);
}

/* Run a query whose rows each describe one problem. */
static int run_rule(struct store *st, const char *what, const char *sql,
		    bool ok_row, store_check_fn fn, void *arg, unsigned *count)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(st->eng->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_error(st, rc, "check");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *item = (const char *)sqlite3_column_text(s, 0);

		if (ok_row && item && strcmp(item, "ok") == 0)
			continue;
		report(fn, arg, count, what, item ? item : "?");
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_error(st, rc, "check");
}

/* Group names made before the name rules they now break. */
static int check_names(struct store *st, store_check_fn fn, void *arg,
		       unsigned *count)
{
	char shown[STORE_GROUPNAME_BYTES * 3 + 16], what[160];
	sqlite3_stmt *s;
	int rc;

	s = db_q(st, "SELECT name FROM grp ORDER BY id", "");
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		const char *problem = groupname_problem(col_text(s, 0));

		if (!problem)
			continue;
		escape_name(col_text(s, 0), shown, sizeof(shown));
		snprintf(what, sizeof(what), "group name breaking a rule (%s)",
			 problem);
		report(fn, arg, count, what, shown);
	}
	return rc;
}

/* Every item's content: each chunk present and authentic.  Needs the
 * master key; without it (a wrapped key) content is not verified. */
static int check_content(struct store *st, store_check_fn fn, void *arg,
			 unsigned *count)
{
	char path[STORE_PATH_MAX], what[64];
	int64_t *ids = NULL;
	size_t ids_cap = 0;
	size_t n = 0, i;
	sqlite3_stmt *s;
	int rc;

	if (!st->sh->has_key && store_load_key(st, NULL, 0) != 0) {
		store_log(st, STORE_LOG_WARNING,
			  "content not verified: %s", st->errmsg);
		return 0;
	}
	s = db_q(st,
		 "SELECT id FROM node WHERE space_id IS NOT NULL AND"
		 " (mode & 61440) = 32768 AND nlink > 0 ORDER BY id",
		 "");
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(ids, n, ids_cap)) {
			db_done(s);
			free(ids);
			return -ENOMEM;
		}
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	for (i = 0; rc == 0 && i < n; i++) {
		int v = content_verify(st, ids[i]);

		if (v == 0)
			continue;
		if (v != -EIO) {
			rc = v;
			break;
		}
		if (node_path(st, ids[i], path, sizeof(path)) || !path[0])
			snprintf(path, sizeof(path), "(unlinked)");
		snprintf(what, sizeof(what), "damaged content in item %lld",
			 (long long)ids[i]);
		report(fn, arg, count, what, path);
	}
	free(ids);
	return rc;
}

int store_check(struct store *st, const struct store_caller *c,
		store_check_fn fn, void *arg, unsigned *problems)
{
	unsigned count = 0;
	size_t i;
	int rc;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator may check the store");
	/* One read transaction: every rule sees the same state. */
	rc = sqlite3_exec(st->eng->db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(st, rc, "check");
	rc = run_rule(st, "database", "PRAGMA integrity_check", true, fn,
		      arg, &count);
	if (rc == 0)
		rc = run_rule(st, "broken reference in table",
			      "PRAGMA foreign_key_check", false, fn, arg,
			      &count);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(rules); i++)
		rc = run_rule(st, rules[i].what, rules[i].sql, false, fn, arg,
			      &count);
	if (rc == 0)
		rc = check_names(st, fn, arg, &count);
	if (rc == 0)
		rc = check_content(st, fn, arg, &count);
	sqlite3_exec(st->eng->db, "COMMIT", NULL, NULL, NULL);
	if (rc == 0 && problems)
		*problems = count;
	return rc;
}
