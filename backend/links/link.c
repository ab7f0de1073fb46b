// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Public links (SPEC.md section 6): a random token that opens a group's
 * calendar, or a document or folder, to anyone who holds the URL.
 *
 * This file owns the link table and its rules: who may make, see and
 * revoke a link; when a link is alive (not revoked, not expired, its target
 * still where it was published); and what a token plus a path below it
 * names, confined to the linked folder.  The store keeps only a hash of each
 * token (BLAKE2b), so a copy of the database does not open any link.
 *
 * Reading goes through the mounted tree's own calls (store_fs_*) as the
 * space's owner: the group's current administrator, or the owner of a
 * private space.  A link thus belongs to the space, not to whoever made it,
 * and reads exactly what a member reads there.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define TOKEN_BYTES	 24 /* 192 random bits */
#define HASH_BYTES	 32
#define MAX_FOLLOW	 40 /* symbolic links followed per request */
#define DEFAULT_BASE_URL "http://localhost:8080"

/* A link row with what serving it needs. */
struct link_row {
	int64_t id, space, node, tool, expires, created, created_by;
	int64_t group;	 /* 0 for a private space */
	int64_t owner;	 /* private space: its account */
	int64_t docroot; /* the space's documents folder */
	char group_name[STORE_GROUPNAME_BYTES + 1];
	struct store_caller reader;
};

static void token_hash(const char *token, unsigned char out[HASH_BYTES])
{
	crypto_generichash(out, HASH_BYTES, (const unsigned char *)token,
			   strlen(token), NULL, 0);
}

static bool token_well_formed(const char *t)
{
	size_t i;

	for (i = 0; t[i]; i++)
		if (!(t[i] >= 'a' && t[i] <= 'z') &&
		    !(t[i] >= 'A' && t[i] <= 'Z') &&
		    !(t[i] >= '0' && t[i] <= '9') && t[i] != '-' && t[i] != '_')
			return false;
	return i == STORE_LINK_TOKEN_LEN;
}

/* A stored link, its reader a caller. */
static void row_read(const struct meta_link *m, struct link_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = m->id;
	r->space = m->space;
	r->node = m->node;
	r->tool = m->tool;
	r->expires = m->expires;
	r->created = m->created;
	r->created_by = m->created_by;
	r->group = m->group;
	r->owner = m->owner;
	r->docroot = m->docroot;
	copy_str(r->group_name, sizeof(r->group_name), m->group_name);
	r->reader.account = m->reader;
}

/* The link's target is still where it was published: a documents node
 * reachable from its space's documents folder (through any of its names),
 * or the calendar, which lives as long as its space.  A target that loses
 * its last name takes its links with it (meta.h, an engine duty); this
 * is the check of every request all the same. */
static int target_alive(struct store *st, const struct link_row *r, bool *alive)
{
	*alive = true;
	if (r->tool != STORE_TOOL_DOCUMENTS || r->node == r->docroot)
		return 0;
	return meta_dirent_reaches(st, r->node, r->docroot, alive);
}

static bool expired(const struct link_row *r, int64_t now)
{
	return r->expires != 0 && r->expires <= now;
}

/* The live link of `token`: -ENOENT for an unknown, revoked or expired
 * one, and for one whose target is gone.  No message: a refusal to the
 * public reveals nothing. */
static int link_by_token(struct store *st, const char *token,
			 struct link_row *out)
{
	unsigned char h[HASH_BYTES];
	struct meta_link m;
	bool alive;
	int rc;

	if (!token || !token_well_formed(token))
		return -ENOENT;
	token_hash(token, h);
	rc = meta_link_by_hash(st, h, sizeof(h), &m);
	if (rc)
		return rc;
	row_read(&m, out);
	if (expired(out, now_sec()) || out->reader.account <= 0)
		return -ENOENT;
	rc = target_alive(st, out, &alive);
	if (rc)
		return rc;
	return alive ? 0 : -ENOENT;
}

/* ---- managing links ---- */

/* The space named `group` ("Private": the caller's own) and whether the
 * caller may manage its links.  *gname gets the group's spelling. */
static int space_of(struct store *st, const struct store_caller *c,
		    const char *group, bool manage, int64_t *space,
		    int64_t *group_id, char *gname, size_t glen)
{
	struct grp g;
	int rc;

	if (strcmp(group, "Private") == 0) {
		rc = need_account(st, c);
		if (rc)
			return rc;
		copy_str(gname, glen, "Private");
		*group_id = 0;
		return meta_space_private(st, c->account, space);
	}
	if (manage) {
		rc = need_account(st, c);
		if (rc)
			return rc;
		rc = grp_member(st, c, group, &g);
	} else if (c->operator) {
		rc = grp_find(st, c, group, &g);
	} else {
		rc = grp_member(st, c, group, &g);
	}
	if (rc)
		return rc;
	if (manage && g.role < STORE_ROLE_COADMIN)
		return store_fail(st, -EACCES,
				  "%s: only the administrator and "
				  "co-administrators may publish or revoke "
				  "links",
				  g.name);
	copy_str(gname, glen, g.name);
	*group_id = g.id;
	*space = g.space;
	return 0;
}

static void token_new(char out[STORE_LINK_TOKEN_LEN + 1])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, STORE_LINK_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static int create_locked(struct store *st, const struct store_caller *c,
			 const char *group, const char *target, int64_t expires,
			 char *token, int64_t *id)
{
	char gname[STORE_GROUPNAME_BYTES + 1];
	unsigned char h[HASH_BYTES];
	struct node_info n;
	int64_t space, gid, root, node;
	enum store_tool tool;
	const char *rest;
	int rc;

	rc = space_of(st, c, group, true, &space, &gid, gname, sizeof(gname));
	if (rc)
		return rc;
	if (strcmp(target, "calendar") == 0) {
		tool = STORE_TOOL_CALENDAR;
		rc = meta_space_tool(st, space, tool, &node);
	} else if (strncmp(target, "documents", 9) == 0 &&
		   (target[9] == '\0' || target[9] == '/')) {
		tool = STORE_TOOL_DOCUMENTS;
		rest = target + 9;
		rc = meta_space_tool(st, space, tool, &root);
		if (rc == 0)
			rc = node_walk(st, root, rest, &node);
		if (rc == -ENOENT)
			return store_fail(st, -ENOENT, "%s: no %s", gname,
					  target);
	} else {
		return store_fail(st, -EINVAL,
				  "%s: a link opens 'calendar' or "
				  "'documents/PATH', not '%s'",
				  gname, target);
	}
	if (rc == -EINVAL)
		return store_fail(st, -EINVAL, "%s: '%s' is not a plain path",
				  gname, target);
	if (rc)
		return rc;
	rc = node_info(st, node, &n);
	if (rc)
		return rc;
	if (!S_ISDIR(n.mode) && !S_ISREG(n.mode))
		return store_fail(st, -EINVAL,
				  "%s: %s is a symbolic link: publish what it "
				  "points to",
				  gname, target);
	if (expires != 0 && expires <= now_sec())
		return store_fail(st, -EINVAL,
				  "the expiry date of a link must be in the "
				  "future");
	token_new(token);
	token_hash(token, h);
	return meta_link_add(st, h, sizeof(h), space, node, tool, c->account,
			     now_sec(), expires, id);
}

int store_link_create(struct store *st, const struct store_caller *c,
		      const char *group, const char *target, int64_t expires,
		      char token[STORE_LINK_TOKEN_LEN + 1], int64_t *id)
{
	char tok[STORE_LINK_TOKEN_LEN + 1];
	int64_t lid = 0;
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = txn_end(st,
		    create_locked(st, c, group, target, expires, tok, &lid));
	if (rc == 0) {
		memcpy(token, tok, sizeof(tok));
		if (id)
			*id = lid;
	}
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

/* "documents/a/b" for node r->node: the path of its first name up to the
 * documents folder. */
static int target_path(struct store *st, const struct link_row *r, char *buf,
		       size_t len)
{
	char *tmp;
	int64_t cur = r->node;
	int depth = 0, rc = 0;

	if (r->tool == STORE_TOOL_CALENDAR) {
		copy_str(buf, len, "calendar");
		return 0;
	}
	tmp = malloc(len);
	if (!tmp)
		return -ENOMEM;
	buf[0] = '\0';
	while (cur != r->docroot && depth++ < 4096 && rc == 0) {
		char name[256]; /* names are at most 255 bytes (util.c) */
		int64_t parent;

		rc = meta_dirent_first(st, cur, &parent, name, sizeof(name));
		if (rc == 0) {
			rc = snprintf(tmp, len, "/%s%s", name, buf) >= (int)len
				     ? -ENAMETOOLONG
				     : 0;
			copy_str(buf, len, tmp);
			cur = parent;
		}
	}
	if (rc == 0 && snprintf(tmp, len, "documents%s", buf) >= (int)len)
		rc = -ENAMETOOLONG;
	if (rc == 0)
		copy_str(buf, len, tmp);
	free(tmp);
	return rc;
}

static int link_fill(struct store *st, const struct link_row *r,
		     struct store_link *out)
{
	struct node_info n;
	int rc;

	memset(out, 0, sizeof(*out));
	out->id = r->id;
	out->created = r->created;
	out->expires = r->expires;
	out->expired = expired(r, now_sec());
	if (r->group) {
		copy_str(out->space, sizeof(out->space), r->group_name);
	} else {
		copy_str(out->space, sizeof(out->space), "Private");
		account_name(st, r->owner, out->owner, sizeof(out->owner));
	}
	if (r->created_by)
		account_name(st, r->created_by, out->created_by,
			     sizeof(out->created_by));
	rc = target_path(st, r, out->target, sizeof(out->target));
	if (rc == 0 && r->tool == STORE_TOOL_DOCUMENTS &&
	    node_info(st, r->node, &n) == 0)
		out->folder = S_ISDIR(n.mode);
	return rc;
}

/* May the caller see link `r`?  Members see their group's links; a
 * private link only its owner; the operator sees all. */
static bool link_visible(struct store *st, const struct store_caller *c,
			 const struct link_row *r)
{
	if (c->operator)
		return true;
	if (c->account <= 0)
		return false;
	if (r->group)
		return grp_role(st, r->group, c->account) != STORE_ROLE_NONE;
	return r->owner == c->account;
}

static int list_locked(struct store *st, const struct store_caller *c,
		       const char *group, struct store_link **out, size_t *n)
{
	char gname[STORE_GROUPNAME_BYTES + 1];
	struct store_link *v = NULL;
	struct meta_link *rows = NULL;
	struct link_row r;
	size_t len = 0, cap = 0, nrows = 0, i;
	int64_t space = 0, gid;
	bool alive;
	int rc;

	if (group) {
		rc = space_of(st, c, group, false, &space, &gid, gname,
			      sizeof(gname));
		if (rc)
			return rc;
	}
	rc = meta_link_list(st, space, &rows, &nrows);
	for (i = 0; rc == 0 && i < nrows; i++) {
		row_read(&rows[i], &r);
		if (!link_visible(st, c, &r))
			continue;
		rc = target_alive(st, &r, &alive);
		if (rc || !alive)
			continue;
		if (ARRAY_GROW(v, len, cap)) {
			rc = -ENOMEM;
			break;
		}
		rc = link_fill(st, &r, &v[len]);
		if (rc == 0)
			len++;
	}
	free(rows);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = len ? v : NULL;
	if (!len)
		free(v);
	*n = len;
	return 0;
}

int store_link_list(struct store *st, const struct store_caller *c,
		    const char *group, struct store_link **out, size_t *n)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = list_locked(st, c, group, out, n);
	txn_read_end(st);
	return rc;
}

static int revoke_locked(struct store *st, const struct store_caller *c,
			 int64_t id)
{
	struct meta_link m;
	struct link_row r;
	int rc;

	/* Whatever state its target is in: a link that exists can always
	 * be ended. */
	rc = meta_link_get(st, id, &m);
	if (rc && rc != -ENOENT)
		return rc;
	if (rc == 0)
		row_read(&m, &r);
	if (rc == -ENOENT || !link_visible(st, c, &r))
		return store_fail(st, -ENOENT, "no link %lld", (long long)id);
	if (!c->operator && r.group &&
	    grp_role(st, r.group, c->account) < STORE_ROLE_COADMIN)
		return store_fail(st, -EACCES,
				  "%s: only the administrator and "
				  "co-administrators may publish or revoke "
				  "links",
				  r.group_name);
	return meta_link_remove(st, id);
}

int store_link_revoke(struct store *st, const struct store_caller *c,
		      int64_t id)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, revoke_locked(st, c, id));
}

int store_link_set_base_url(struct store *st, const struct store_caller *c,
			    const char *url)
{
	size_t n = strlen(url);
	int rc;

	st->errmsg[0] = '\0';
	if (!c->operator)
		return store_fail(st, -EPERM,
				  "only the store operator sets the links' "
				  "base URL");
	if ((strncmp(url, "http://", 7) != 0 &&
	     strncmp(url, "https://", 8) != 0) ||
	    n > 1024 || strpbrk(url, " \t\r\n\"<>"))
		return store_fail(st, -EINVAL,
				  "a base URL starts with http:// or https:// "
				  "and holds no space, quote or angle bracket");
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, meta_link_base_url_set(st, url));
}

int store_link_base_url(struct store *st, char *buf, size_t len)
{
	int rc;

	st->errmsg[0] = '\0';
	copy_str(buf, len, DEFAULT_BASE_URL);
	rc = meta_link_base_url_get(st, buf, len);
	if (rc == -ENOENT)
		rc = 0;
	/* No trailing slash: URLs are BASE/l/TOKEN. */
	for (size_t n = strlen(buf); n > 0 && buf[n - 1] == '/'; n--)
		buf[n - 1] = '\0';
	return rc;
}

/* ---- serving ---- */

/*
 * Walk `rel` from the linked folder as its reader would, following
 * symbolic links whose relative targets stay below the linked folder.
 * The request path itself must be plain: no empty, "." or ".." component
 * and no leading '/'.  Anything else, or any step outside, is -ENOENT.
 */
static int walk(struct store *st, const struct link_row *r, const char *rel,
		int64_t *ino, struct store_attr *attr, char *name,
		size_t namelen)
{
	size_t depth = 0, cap = 0, follows = 0;
	int64_t *stack = NULL;
	char *path = NULL, *p, *next;
	struct store_attr a;
	int rc = 0;

	if (rel[0] == '/')
		return -ENOENT;
	for (p = (char *)rel; rel[0]; p = next + 1) {
		size_t n;

		next = strchr(p, '/');
		n = next ? (size_t)(next - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return -ENOENT;
		if (!next)
			break;
	}
	path = strdup(rel);
	if (!path || ARRAY_GROW(stack, depth, cap)) {
		rc = -ENOMEM;
		goto out;
	}
	stack[depth++] = r->node;
	rc = store_fs_getattr(st, &r->reader, (uint64_t)r->node, &a);
	name[0] = '\0';
	p = path;
	while (rc == 0 && *p) {
		char part[256], target[STORE_PATH_MAX], *rest;
		size_t n;

		next = strchr(p, '/');
		n = next ? (size_t)(next - p) : strlen(p);
		rest = next ? next + 1 : p + n;
		if (n >= sizeof(part)) {
			rc = -ENOENT;
			break;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		p = rest;
		if (n == 0 || strcmp(part, ".") == 0)
			continue;
		if (!S_ISDIR(a.mode)) {
			rc = -ENOENT;
			break;
		}
		if (strcmp(part, "..") == 0) {
			/* Only inside a symbolic link's target; never above
			 * the linked folder. */
			if (depth <= 1) {
				rc = -ENOENT;
				break;
			}
			depth--;
			rc = store_fs_getattr(st, &r->reader,
					      (uint64_t)stack[depth - 1], &a);
			continue;
		}
		rc = store_fs_lookup(st, &r->reader, (uint64_t)stack[depth - 1],
				     part, &a);
		if (rc)
			break;
		if (S_ISLNK(a.mode)) {
			char *joined;

			rc = store_fs_readlink(st, &r->reader, a.ino, target,
					       sizeof(target));
			if (rc == 0 && (target[0] == '/' || !target[0] ||
					++follows > MAX_FOLLOW))
				rc = -ENOENT;
			if (rc)
				break;
			if (asprintf(&joined, "%s/%s", target, p) < 0) {
				rc = -ENOMEM;
				break;
			}
			free(path);
			path = p = joined;
			rc = store_fs_getattr(st, &r->reader,
					      (uint64_t)stack[depth - 1], &a);
			continue;
		}
		if (ARRAY_GROW(stack, depth, cap)) {
			rc = -ENOMEM;
			break;
		}
		stack[depth++] = (int64_t)a.ino;
		copy_str(name, namelen, part);
	}
	if (rc == 0) {
		*ino = stack[depth - 1];
		*attr = a;
	}
out:
	free(stack);
	free(path);
	/* Whatever the reason (gone, refused, a loop), the public sees
	 * "not found". */
	return rc == -ENOMEM || rc == -EIO ? rc : rc ? -ENOENT : 0;
}

static void file_etag(const struct store_attr *a, char *buf, size_t len)
{
	snprintf(buf, len, "\"%llx-%llx-%llx-%llx\"",
		 (unsigned long long)a->ino, (unsigned long long)a->size,
		 (unsigned long long)a->mtime_ns,
		 (unsigned long long)a->ctime_ns);
}

/* The name a linked node has (its first), "" if none. */
static void link_name(struct store *st, int64_t ino, char *buf, size_t len)
{
	char name[256]; /* names are at most 255 bytes (util.c) */

	if (meta_dirent_first(st, ino, NULL, name, sizeof(name)) == 0)
		copy_str(buf, len, name);
}

static int resolve_locked(struct store *st, const char *token, const char *rel,
			  struct link_row *r, struct store_link_hit *out)
{
	int64_t ino, newest = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = link_by_token(st, token, r);
	if (rc)
		return rc;
	out->link = r->id;
	if (r->tool == STORE_TOOL_CALENDAR) {
		if (rel[0])
			return -ENOENT;
		out->what = STORE_LINK_FEED;
		rc = store_fs_getattr(st, &r->reader, (uint64_t)r->node,
				      &out->attr);
		if (rc)
			return -ENOENT;
		/* The feed changes with any item of the folder. */
		if (meta_dirent_newest(st, r->node, &newest) == 0 &&
		    newest > out->attr.mtime_ns)
			out->attr.mtime_ns = newest;
		if (out->attr.ctime_ns > out->attr.mtime_ns)
			out->attr.mtime_ns = out->attr.ctime_ns;
		copy_str(out->name, sizeof(out->name), "calendar.ics");
		return 0;
	}
	rc = walk(st, r, rel, &ino, &out->attr, out->name, sizeof(out->name));
	if (rc)
		return rc;
	out->what =
		S_ISDIR(out->attr.mode) ? STORE_LINK_FOLDER : STORE_LINK_FILE;
	if (out->what == STORE_LINK_FILE && !S_ISREG(out->attr.mode))
		return -ENOENT;
	if (out->what == STORE_LINK_FILE)
		file_etag(&out->attr, out->etag, sizeof(out->etag));
	if (!out->name[0])
		link_name(st, r->node, out->name, sizeof(out->name));
	return 0;
}

/*
 * A request's link and target in a read transaction, left open on success
 * (the caller ends it): -ENOENT as resolve_locked; `not` (-EISDIR,
 * -ENOTDIR) when the target is not `want` (0: anything).
 */
static int serve_begin(struct store *st, const char *token, const char *rel,
		       enum store_link_what want, int not, struct link_row *r,
		       struct store_link_hit *hit)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = resolve_locked(st, token, rel ? rel : "", r, hit);
	if (rc == 0 && want && hit->what != want)
		rc = not ;
	if (rc)
		txn_read_end(st);
	return rc;
}

int store_link_resolve(struct store *st, const char *token, const char *rel,
		       struct store_link_hit *out)
{
	struct store_link_hit hit;
	struct link_row r;
	int rc = serve_begin(st, token, rel, 0, 0, &r, &hit);

	if (rc)
		return rc;
	txn_read_end(st);
	*out = hit;
	return 0;
}

int store_link_open(struct store *st, const char *token, const char *rel,
		    struct store_link_hit *out, struct store_file **f)
{
	struct store_link_hit hit;
	struct link_row r;
	int rc =
		serve_begin(st, token, rel, STORE_LINK_FILE, -EISDIR, &r, &hit);

	if (rc)
		return rc;
	rc = store_fs_open(st, &r.reader, hit.attr.ino, O_RDONLY, f);
	txn_read_end(st);
	if (rc == 0)
		*out = hit;
	return rc;
}

int store_link_readdir(struct store *st, const char *token, const char *rel,
		       store_dirent_fn fn, void *arg)
{
	struct store_link_hit hit;
	struct link_row r;
	int rc = serve_begin(st, token, rel, STORE_LINK_FOLDER, -ENOTDIR, &r,
			     &hit);

	if (rc)
		return rc;
	rc = store_fs_readdir(st, &r.reader, hit.attr.ino, NULL, 0, fn, arg);
	txn_read_end(st);
	return rc;
}

int store_link_feed(struct store *st, const char *token,
		    struct store_link_hit *out, char **ics, size_t *len)
{
	unsigned char h[16];
	struct store_link_hit hit;
	struct store_pim_where w = {.tool = STORE_TOOL_CALENDAR};
	struct link_row r;
	char *data = NULL;
	size_t n = 0;
	int rc = serve_begin(st, token, "", STORE_LINK_FEED, -EISDIR, &r, &hit);

	if (rc)
		return rc;
	w.group = r.group ? r.group_name : NULL;
	rc = store_pim_export(st, &r.reader, &w, &data, &n);
	txn_read_end(st);
	if (rc)
		return rc;
	crypto_generichash(h, sizeof(h), (const unsigned char *)data, n, NULL,
			   0);
	hit.etag[0] = '"';
	sodium_bin2hex(hit.etag + 1, sizeof(hit.etag) - 2, h, sizeof(h));
	strcat(hit.etag, "\"");
	hit.attr.size = n;
	*out = hit;
	*ics = data;
	*len = n;
	return 0;
}
