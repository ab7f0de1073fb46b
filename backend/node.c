// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Nodes: the folders and items of each space.  A node's id is its inode
 * number (AUTOINCREMENT: never reused); directory entries are rows of their
 * own so that an item may have several names (hard links).  Every operation
 * here checks that the caller may see the space and holds the right the
 * operation needs, inside the caller's transaction.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

int node_info(struct store *st, int64_t ino, struct node_info *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT n.id, n.space_id, coalesce((SELECT parent FROM dirent"
		 " WHERE child = n.id LIMIT 1), 0), n.tool, n.mode, n.creator,"
		 " n.editors_all, s.group_id, s.account_id FROM node n"
		 " LEFT JOIN space s ON s.id = n.space_id WHERE n.id = ?",
		 "i", ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	memset(out, 0, sizeof(*out));
	out->ino = sqlite3_column_int64(s, 0);
	out->space = sqlite3_column_int64(s, 1);
	out->parent = sqlite3_column_int64(s, 2);
	out->tool = sqlite3_column_int(s, 3);
	out->mode = (uint32_t)sqlite3_column_int64(s, 4);
	out->creator = sqlite3_column_int64(s, 5);
	out->editors_all = sqlite3_column_int(s, 6) != 0;
	if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
		out->kind = SPACE_GROUP;
		out->group = sqlite3_column_int64(s, 7);
	} else if (sqlite3_column_type(s, 8) != SQLITE_NULL) {
		out->kind = SPACE_PRIVATE;
		out->owner = sqlite3_column_int64(s, 8);
	}
	db_done(s);
	return 0;
}

int node_new(struct store *st, int64_t space, int tool, int64_t parent,
	     const char *name, uint32_t mode, int64_t creator, int64_t *ino)
{
	int64_t t = now_ns();
	int rc;

	rc = db_run(st,
		    "INSERT INTO node (space_id, tool, mode, nlink, creator,"
		    " atime, mtime, ctime) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6,"
		    " ?6)",
		    "iiiiii", space, (int64_t)tool, (int64_t)mode,
		    (int64_t)(S_ISDIR(mode) ? 2 : 1), creator, t);
	if (rc)
		return rc;
	*ino = db_last_id(st);
	if (!parent)
		return 0;
	rc = db_run(st, "INSERT INTO dirent (parent, name, child) VALUES (?,?,?)",
		    "iti", parent, name, *ino);
	if (rc == 0)
		rc = db_run(st,
			    "UPDATE node SET nlink = nlink + ?, mtime = ?,"
			    " ctime = ? WHERE id = ?",
			    "iiii", (int64_t)(S_ISDIR(mode) ? 1 : 0), t, t,
			    parent);
	if (rc == 0)
		rc = db_run(st, "UPDATE space SET files = files + 1 WHERE id = ?",
			    "i", space);
	return rc;
}

int node_path(struct store *st, int64_t ino, char *buf, size_t len)
{
	char *tmp = malloc(len);
	size_t used = 0;
	int depth = 0, rc = 0;

	if (!tmp)
		return -ENOMEM;
	buf[0] = '\0';
	while (depth++ < 4096) {
		sqlite3_stmt *s = db_q(st,
				       "SELECT parent, name FROM dirent WHERE"
				       " child = ? LIMIT 1",
				       "i", ino);
		const char *name;
		size_t n;

		if (!s) {
			rc = -EIO;
			break;
		}
		rc = db_row(st, s);
		if (rc <= 0)
			break;
		name = col_text(s, 1);
		n = strlen(name);
		if (used + n + 2 > len) {
			db_done(s);
			rc = -ENAMETOOLONG;
			break;
		}
		/* Prepend "name/" to what we have. */
		memcpy(tmp, buf, used + 1);
		memcpy(buf, name, n);
		if (used) {
			buf[n] = '/';
			memcpy(buf + n + 1, tmp, used + 1);
			used += n + 1;
		} else {
			buf[n] = '\0';
			used = n;
		}
		ino = sqlite3_column_int64(s, 0);
		db_done(s);
	}
	free(tmp);
	return rc < 0 ? rc : 0;
}

int node_walk(struct store *st, int64_t root, const char *path, int64_t *ino)
{
	char *copy = strdup(path), *save = NULL, *part;
	int64_t cur = root;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0) {
			rc = -EINVAL;
			break;
		}
		rc = db_int(st, &cur,
			    "SELECT child FROM dirent WHERE parent = ? AND"
			    " name = ?",
			    "it", cur, part);
		if (rc)
			break;
	}
	free(copy);
	if (rc == 0)
		*ino = cur;
	return rc;
}

int target_resolve(struct store *st, const struct store_caller *c,
		   const char *group, const char *path, struct grp *g,
		   int64_t *ino)
{
	char tool[16];
	const char *rest = strchr(path, '/');
	size_t n = rest ? (size_t)(rest - path) : strlen(path);
	int64_t root;
	int rc;

	rc = grp_member(st, c, group, g);
	if (rc)
		return rc;
	if (n >= sizeof(tool) || n == 0)
		goto bad;
	memcpy(tool, path, n);
	tool[n] = '\0';
	switch (store_tool_parse(tool)) {
	case STORE_TOOL_DOCUMENTS:
		rc = db_int(st, &root, "SELECT documents FROM space WHERE id = ?",
			    "i", g->space);
		break;
	case STORE_TOOL_CALENDAR:
		rc = db_int(st, &root, "SELECT calendar FROM space WHERE id = ?",
			    "i", g->space);
		break;
	case STORE_TOOL_CONTACTS:
		rc = db_int(st, &root, "SELECT contacts FROM space WHERE id = ?",
			    "i", g->space);
		break;
	default:
		goto bad;
	}
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
			  "%s: '%s' is not documents, calendar, contacts or a "
			  "path below one of them",
			  g->name, path);
}

static int attr_of(struct store *st, int64_t ino, struct store_attr *out)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT mode, nlink, size, atime, mtime, ctime FROM node"
		 " WHERE id = ?",
		 "i", ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	out->ino = (uint64_t)ino;
	out->mode = (uint32_t)sqlite3_column_int64(s, 0);
	out->nlink = (uint32_t)sqlite3_column_int64(s, 1);
	out->size = (uint64_t)sqlite3_column_int64(s, 2);
	out->atime_ns = sqlite3_column_int64(s, 3);
	out->mtime_ns = sqlite3_column_int64(s, 4);
	out->ctime_ns = sqlite3_column_int64(s, 5);
	db_done(s);
	return 0;
}

/* The caller may see the node's space: a member of its group, or the owner
 * of the private space. */
static int visible(struct store *st, const struct store_caller *c,
		   int64_t ino, struct node_info *n)
{
	int rc = node_info(st, ino, n);

	if (rc)
		return rc;
	if (n->kind == SPACE_GROUP &&
	    grp_role(st, n->group, c->account) != STORE_ROLE_NONE)
		return 0;
	if (n->kind == SPACE_PRIVATE && n->owner == c->account &&
	    c->account > 0)
		return 0;
	return -ENOENT;
}

int store_tool_root(struct store *st, const struct store_caller *c,
		    const char *group, enum store_tool tool, uint64_t *ino)
{
	char path[16];
	struct grp g;
	int64_t id;
	int rc;

	st->errmsg[0] = '\0';
	if (!store_tool_parse(store_tool_name(tool)))
		return store_fail(st, -EINVAL, "unknown tool");
	if (!group) {
		rc = need_account(st, c);
		if (rc)
			return rc;
		rc = db_int(st, &id,
			    tool == STORE_TOOL_DOCUMENTS
				    ? "SELECT documents FROM space WHERE"
				      " account_id = ?"
			    : tool == STORE_TOOL_CALENDAR
				    ? "SELECT calendar FROM space WHERE"
				      " account_id = ?"
				    : "SELECT contacts FROM space WHERE"
				      " account_id = ?",
			    "i", c->account);
	} else {
		copy_str(path, sizeof(path), store_tool_name(tool));
		rc = target_resolve(st, c, group, path, &g, &id);
	}
	if (rc == 0)
		*ino = (uint64_t)id;
	return rc;
}

int store_node_lookup(struct store *st, const struct store_caller *c,
		      uint64_t parent, const char *name,
		      struct store_attr *out)
{
	struct node_info n;
	int64_t child;
	int rc;

	st->errmsg[0] = '\0';
	rc = visible(st, c, (int64_t)parent, &n);
	if (rc)
		return rc;
	if (!S_ISDIR(n.mode))
		return -ENOTDIR;
	rc = db_int(st, &child,
		    "SELECT child FROM dirent WHERE parent = ? AND name = ?",
		    "it", (int64_t)parent, name);
	if (rc == 0)
		rc = attr_of(st, child, out);
	return rc;
}

int store_node_resolve(struct store *st, const struct store_caller *c,
		       const char *group, const char *path,
		       struct store_attr *out)
{
	struct grp g;
	int64_t ino;
	int rc;

	st->errmsg[0] = '\0';
	rc = target_resolve(st, c, group, path, &g, &ino);
	if (rc == 0)
		rc = attr_of(st, ino, out);
	return rc;
}

static int make_locked(struct store *st, const struct store_caller *c,
		       int64_t parent, const char *name, uint32_t mode,
		       struct store_attr *out)
{
	struct node_info n;
	int64_t ino, one;
	int rc;

	rc = visible(st, c, parent, &n);
	if (rc)
		return rc;
	if (!S_ISDIR(n.mode))
		return -ENOTDIR;
	if (n.tool == TOOL_NONE)
		return store_fail(st, -EPERM,
				  "items go in documents, calendar or contacts");
	if (S_ISDIR(mode) && n.tool != TOOL_DOCUMENTS && n.tool != TOOL_DROP)
		return store_fail(st, -EPERM,
				  "the calendar and contacts hold no folders");
	if (!valid_entry_name(name))
		return store_fail(st, -EINVAL, "invalid name '%s'", name);
	rc = node_allows(st, c, parent, STORE_RIGHT_ADD);
	if (rc)
		return rc;
	if (db_int(st, &one,
		   "SELECT 1 FROM dirent WHERE parent = ? AND name = ?", "it",
		   parent, name) == 0)
		return store_fail(st, -EEXIST, "%s exists", name);
	rc = node_new(st, n.space, n.tool, parent, name, mode, c->account,
		      &ino);
	if (rc == 0)
		rc = attr_of(st, ino, out);
	return rc;
}

static int make(struct store *st, const struct store_caller *c,
		uint64_t parent, const char *name, uint32_t mode,
		struct store_attr *out)
{
	struct store_attr a;
	int rc;

	st->errmsg[0] = '\0';
	rc = db_begin(st);
	if (rc)
		return rc;
	rc = db_end(st, make_locked(st, c, (int64_t)parent, name, mode, &a));
	if (rc == 0 && out)
		*out = a;
	return rc;
}

int store_node_mkdir(struct store *st, const struct store_caller *c,
		     uint64_t parent, const char *name, uint32_t mode,
		     struct store_attr *out)
{
	return make(st, c, parent, name, S_IFDIR | (mode & 07777), out);
}

int store_node_create(struct store *st, const struct store_caller *c,
		      uint64_t parent, const char *name, uint32_t mode,
		      struct store_attr *out)
{
	return make(st, c, parent, name, S_IFREG | (mode & 07777), out);
}

static int unlink_locked(struct store *st, const struct store_caller *c,
			 int64_t parent, const char *name)
{
	struct node_info n;
	struct store_attr a;
	int64_t child, one, t = now_ns();
	int rc;

	rc = visible(st, c, parent, &n);
	if (rc)
		return rc;
	rc = db_int(st, &child,
		    "SELECT child FROM dirent WHERE parent = ? AND name = ?",
		    "it", parent, name);
	if (rc == 0)
		rc = attr_of(st, child, &a);
	if (rc)
		return rc;
	rc = node_allows(st, c, parent, STORE_RIGHT_DELETE);
	if (rc)
		return rc;
	if (S_ISDIR(a.mode) &&
	    db_int(st, &one, "SELECT 1 FROM dirent WHERE parent = ? LIMIT 1",
		   "i", child) == 0)
		return store_fail(st, -ENOTEMPTY, "%s is not empty", name);
	rc = db_run(st, "DELETE FROM dirent WHERE parent = ? AND name = ?",
		    "it", parent, name);
	if (rc == 0)
		rc = db_run(st,
			    "UPDATE node SET nlink = nlink - ?, mtime = ?,"
			    " ctime = ? WHERE id = ?",
			    "iiii", (int64_t)(S_ISDIR(a.mode) ? 1 : 0), t, t,
			    parent);
	if (rc)
		return rc;
	if (!S_ISDIR(a.mode) && a.nlink > 1)
		return db_run(st,
			      "UPDATE node SET nlink = nlink - 1, ctime = ?"
			      " WHERE id = ?",
			      "ii", t, child);
	rc = db_run(st,
		    "UPDATE space SET files = files - 1, used = used - ?"
		    " WHERE id = ?",
		    "ii", (int64_t)(S_ISREG(a.mode) ? a.size : 0), n.space);
	if (rc == 0)
		rc = db_run(st, "DELETE FROM node WHERE id = ?", "i", child);
	return rc;
}

int store_node_unlink(struct store *st, const struct store_caller *c,
		      uint64_t parent, const char *name)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = db_begin(st);
	if (rc)
		return rc;
	return db_end(st, unlink_locked(st, c, (int64_t)parent, name));
}

int store_node_may(struct store *st, const struct store_caller *c,
		   uint64_t ino, enum store_right right)
{
	struct node_info n;
	int rc;

	st->errmsg[0] = '\0';
	rc = visible(st, c, (int64_t)ino, &n);
	if (rc)
		return rc;
	return node_allows(st, c, (int64_t)ino, right);
}
