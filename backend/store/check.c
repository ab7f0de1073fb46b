// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The integrity check behind `groupctl check`: the engine's own checks, then
 * the model's invariants, each query listing the rows that break one rule.
 * Read-only: it reports and never repairs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* The rule each meta_rule stands for; the row's name follows. */
static const char *const rule_what[META_RULES] = {
	[META_RULE_GROUP_ADMIN] = "group without exactly one administrator",
	[META_RULE_GROUP_SPACE] = "group without a space",
	[META_RULE_ACCOUNT_SPACE] = "account without a private space",
	[META_RULE_TOOL_ACL] =
		"group with a tool lacking its add or delete setting",
	[META_RULE_INVITED_MEMBER] = "invitation for a member",
	[META_RULE_GRANT_UNLINKED] = "calendar grant with no group behind it",
	[META_RULE_GRANT_LEFT] =
		"calendar grant held through a group one side has left",
	[META_RULE_ACL_NONMEMBER] = "right granted by name to a non-member",
	[META_RULE_EDITOR_NONMEMBER] = "editor who is not a member",
	[META_RULE_DIRENT_PARENT] =
		"entry in a folder that is not a directory of its space",
	[META_RULE_NLINK_FILE] = "node with a wrong link count",
	[META_RULE_NLINK_DIR] = "folder with a wrong link count",
	[META_RULE_NODE_UNNAMED] = "node in no folder",
	[META_RULE_SPACE_USED] = "space whose bytes in use do not add up",
	[META_RULE_SPACE_HIST] = "space whose bytes in history do not add up",
	[META_RULE_HIST_DIR_EMPTY] = "history folder with nothing below it",
	[META_RULE_HIST_NODE] = "history node without its entry",
	[META_RULE_SPACE_META] = "space whose metadata bytes (xattrs, link "
				 "targets) do not add up",
	[META_RULE_UNLINKED_NAMED] = "unlinked node still named in a folder",
	[META_RULE_UNREACHABLE] = "node not reachable from its space's root",
	[META_RULE_DIR_TWICE] = "folder named in more than one place",
	[META_RULE_BAD_NAME] = "entry with an invalid name",
	[META_RULE_PIM_NOT_FILE] =
		"folder or link in a calendar or contacts folder",
	[META_RULE_DROP_NOT_DIR] =
		"entry in drop/ that is not a member's folder",
	[META_RULE_DROP_MISSING] = "member without a drop folder",
	/* Each name of a linked node belongs to one area: a tool folder, or
	 * one member's drop folder.  A link may not join two. */
	[META_RULE_LINK_ACROSS] = "hard link joining two drop folders or tools",
	/* A save's source answers as its target until the next start frees
	 * it; if the target goes first, it is a nameless leftover, no harm.
	 * An alias must never have a name, nor lead round in a loop. */
	[META_RULE_ALIAS_NAMED] = "alias that still has a name",
	[META_RULE_ALIAS_LOOP] = "alias chain that loops",
	[META_RULE_GROUP_NAME_KEY] =
		"group whose name key is not its folded name",
	[META_RULE_SPACE_FILES] = "space whose entry count does not add up",
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

static void texts_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Report the problems one check found (each text names one), or pass on
 * its error. */
static int report_all(int rc, char **items, size_t n, const char *what,
		      store_check_fn fn, void *arg, unsigned *count)
{
	size_t i;

	for (i = 0; rc == 0 && i < n; i++)
		report(fn, arg, count, what, items[i] ? items[i] : "?");
	texts_free(items, n);
	return rc;
}

/* Group names made before the name rules they now break. */
static int check_names(struct store *st, store_check_fn fn, void *arg,
		       unsigned *count)
{
	char shown[STORE_GROUPNAME_BYTES * 3 + 16], what[160];
	char **names = NULL;
	size_t n = 0, i;
	int rc;

	rc = meta_check_group_names(st, &names, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		const char *problem = groupname_problem(names[i]);

		if (!problem)
			continue;
		escape_name(names[i], shown, sizeof(shown));
		snprintf(what, sizeof(what), "group name breaking a rule (%s)",
			 problem);
		report(fn, arg, count, what, shown);
	}
	texts_free(names, n);
	return rc;
}

/* Every item's content: each chunk present and authentic.  Needs the
 * master key; without it (a wrapped key) content is not verified. */
static int check_content(struct store *st, store_check_fn fn, void *arg,
			 unsigned *count)
{
	char path[STORE_PATH_MAX], what[64];
	int64_t *ids = NULL;
	size_t n = 0, i;
	int rc;

	if (!st->sh->has_key && store_load_key(st, NULL, 0) != 0) {
		store_log(st, STORE_LOG_WARNING,
			  "content not verified: %s", st->errmsg);
		return 0;
	}
	rc = meta_check_files(st, &ids, &n);
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
	char **items;
	size_t n, i;
	int rc;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator may check the store");
	/* One read transaction: every rule sees the same state. */
	rc = meta_begin(st, false);
	if (rc)
		return rc;
	n = 0;
	rc = meta_check_integrity(st, &items, &n);
	rc = report_all(rc, items, n, "database", fn, arg, &count);
	if (rc == 0) {
		n = 0;
		rc = meta_check_references(st, &items, &n);
		rc = report_all(rc, items, n, "broken reference in table", fn,
				arg, &count);
	}
	for (i = 0; rc == 0 && i < META_RULES; i++) {
		n = 0;
		rc = meta_check_rule(st, (enum meta_rule)i, &items, &n);
		rc = report_all(rc, items, n, rule_what[i], fn, arg, &count);
	}
	if (rc == 0)
		rc = check_names(st, fn, arg, &count);
	if (rc == 0)
		rc = check_content(st, fn, arg, &count);
	meta_commit(st);
	if (rc == 0 && problems)
		*problems = count;
	return rc;
}
