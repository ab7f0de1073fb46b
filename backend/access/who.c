// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who is asking, and as what: that the caller has an account, accounts
 * by name, co-membership, and a caller's role in a group, which
 * every access decision starts from.  grp_role's answers are kept in the
 * access cache (cache.c).
 */
#include <string.h>

#include "internal.h"

int account_id(struct store *st, const char *username, int64_t *id)
{
	int rc = meta_account_id(st, username, id);

	if (rc == -ENOENT)
		return store_fail(st, -ENOENT, "no account named %s",
				  username);
	return rc;
}

int account_name(struct store *st, int64_t id, char *buf, size_t len)
{
	buf[0] = '\0';
	return meta_account_name(st, id, buf, len);
}

int need_account(struct store *st, const struct store_caller *c)
{
	if (c->account > 0)
		return 0;
	return store_fail(st, -EACCES,
			  "no groupfs account is bound to this Unix user");
}

bool co_members(struct store *st, int64_t a, int64_t b)
{
	if (a <= 0 || b <= 0)
		return false;
	return meta_account_co_members(st, a, b) == 0;
}

int grp_find(struct store *st, const struct store_caller *c, const char *name,
	     struct grp *out)
{
	char key[STORE_GROUPNAME_BYTES * 2 + 8];
	int rc;

	if (strlen(name) > STORE_GROUPNAME_BYTES ||
	    casefold(name, key, sizeof(key)))
		return store_fail(st, -ENOENT, "no group named %s", name);
	rc = meta_group_find(st, key, c->account, out);
	if (rc == -ENOENT)
		return store_fail(st, -ENOENT, "no group named %s", name);
	return rc;
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
	int role;
	int rc;

	if (ac_role(st, gid, account, &role))
		return (enum store_role)role;
	rc = meta_membership_role(st, gid, account, &role);
	if (rc)
		role = STORE_ROLE_NONE;
	if (rc == 0 || rc == -ENOENT)
		ac_role_put(st, gid, account, role);
	return (enum store_role)role;
}

int target_resolve(struct store *st, const struct store_caller *c,
		   const char *group, const char *path, struct grp *g,
		   int64_t *ino)
{
	char tool[16];
	const char *rest = strchr(path, '/');
	size_t n = rest ? (size_t)(rest - path) : strlen(path);
	enum store_tool t;
	int64_t root;
	int rc;

	rc = grp_member(st, c, group, g);
	if (rc)
		return rc;
	if (n >= sizeof(tool) || n == 0)
		goto bad;
	memcpy(tool, path, n);
	tool[n] = '\0';
	t = store_tool_parse(tool);
	if (!t)
		goto bad;
	rc = meta_space_tool(st, g->space, t, &root);
	if (rc)
		return rc;
	rc = node_walk(st, root, rest ? rest : "", ino);
	if (rc == -ENOENT)
		return store_fail(st, -ENOENT, "%s: no %s in the group", g->name,
				  path);
	if (rc == -EINVAL)
		goto bad;
	return rc;
bad:
	return store_fail(st, -EINVAL,
			  "%s: '%s' is not documents, calendar, contacts, "
			  "mail or a path below one of them",
			  g->name, path);
}
