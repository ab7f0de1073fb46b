// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Extended attributes.  user.* attributes are stored per node (64 KiB a
 * value at most; names and values count against the space's capacity,
 * kept in space.meta by the engine); user.groupfs.creator, .editors and
 * .rights are generated from the store (who added the item, who may edit
 * it, and what the caller may do) and cannot be changed: setting one to
 * the value it already has is accepted as a no-op, and so is setting it to
 * another value by a caller who may edit the item, so that copies that
 * carry them back (rsync -X into a group) do not fail; anyone else is
 * refused.  Other namespaces are not supported.
 *
 * Only regular files list the generated names.  A folder's rights are read
 * by name: rsync -X cannot copy a read-only folder that lists attributes
 * (it sets the copy's mode before filling it), and members/ and history/
 * are read-only.  Symbolic links list nothing: the kernel answers user.*
 * on a link itself (ENODATA), so a listed name could not be read.  The
 * history view has no attributes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "internal.h"

#define GEN_PREFIX "user.groupfs."
#define XATTR_MAX (64 * 1024)

static const char *const generated[] = {
	GEN_PREFIX "creator",
	GEN_PREFIX "editors",
	GEN_PREFIX "rights",
};

static bool is_generated(const char *name)
{
	return strncmp(name, GEN_PREFIX, strlen(GEN_PREFIX)) == 0;
}

/* One of the generated names (not merely in their namespace). */
static bool is_known_generated(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(generated); i++)
		if (strcmp(name, generated[i]) == 0)
			return true;
	return false;
}

/* The generated value of `name` for node `n` into buf (NUL-terminated);
 * -ENODATA where it has none. */
static int gen_value(struct store *st, const struct store_caller *c,
		     const struct node_info *n, const char *name, char *buf,
		     size_t len)
{
	char **names = NULL;
	size_t used = 0, n_names = 0, i;
	int rc;

	buf[0] = '\0';
	if (strcmp(name, GEN_PREFIX "rights") == 0) {
		snprintf(buf, len, "read%s%s%s",
			 S_ISDIR(n->mode) && node_allows(st, c, n->ino,
							 STORE_RIGHT_ADD) == 0
				 ? ",add"
				 : "",
			 S_ISDIR(n->mode) && node_allows(st, c, n->ino,
							 STORE_RIGHT_DELETE) == 0
				 ? ",delete"
				 : "",
			 node_allows(st, c, n->ino, STORE_RIGHT_EDIT) == 0
				 ? ",edit"
				 : "");
		return 0;
	}
	if (!n->creator || n->ino == n->space_root || n->parent == n->space_root)
		return -ENODATA;
	rc = account_name(st, n->creator, buf, len);
	if (rc)
		return -ENODATA;
	if (strcmp(name, GEN_PREFIX "creator") == 0)
		return 0;
	if (strcmp(name, GEN_PREFIX "editors") != 0)
		return -ENODATA;
	if (n->editors_all) {
		snprintf(buf, len, "all-members");
		return 0;
	}
	used = strlen(buf);
	rc = meta_editor_names(st, n->ino, n->creator, &names, &n_names);
	if (rc)
		return rc;
	for (i = 0; i < n_names; i++) {
		const char *u = names[i];

		if (used + strlen(u) + 2 < len) {
			used += (size_t)snprintf(buf + used, len - used, ",%s",
						 u);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Whether node `n` lists the generated attribute `name`: a regular file
 * its rights always, creator and editors when someone added it. */
static bool has_generated(const struct node_info *n, const char *name)
{
	if (!S_ISREG(n->mode))
		return false;
	if (strcmp(name, GEN_PREFIX "rights") == 0)
		return true;
	return n->creator && n->ino != n->space_root &&
	       n->parent != n->space_root;
}

static int reply(const void *value, size_t n, void *buf, size_t size,
		 size_t *len)
{
	*len = n;
	if (size == 0)
		return 0;
	if (size < n)
		return -ERANGE;
	if (n)
		memcpy(buf, value, n);
	return 0;
}

int store_fs_getxattr(struct store *st, const struct store_caller *c,
		      uint64_t ino, const char *name, void *buf, size_t size,
		      size_t *len)
{
	char val[4096];
	struct node_info n;
	size_t n_value;
	int rc;

	st->errmsg[0] = '\0';
	/* Other namespaces are not supported: answer before any query. */
	if (strncmp(name, "user.", 5) != 0)
		return -ENOTSUP;
	if (HIST_IS_VIEW(ino))
		return -ENODATA;
	rc = node_named(st, c, (int64_t)ino, &n);
	if (rc)
		return rc;
	if (is_generated(name)) {
		rc = gen_value(st, c, &n, name, val, sizeof(val));
		return rc ? rc : reply(val, strlen(val), buf, size, len);
	}
	/* n.ino: a save's source answers as its target (node_visible). */
	rc = meta_xattr_get(st, n.ino, name, buf, size, &n_value);
	if (rc)
		return rc == -ENOENT ? -ENODATA : rc;
	/* As reply(), the value being in buf already when it fits. */
	*len = n_value;
	return size && size < n_value ? -ERANGE : 0;
}

int store_fs_listxattr(struct store *st, const struct store_caller *c,
		       uint64_t ino, char *buf, size_t size, size_t *len)
{
	char *list = NULL, *nl, **names = NULL;
	struct node_info n;
	size_t used = 0, n_names = 0, i;
	int rc;

	st->errmsg[0] = '\0';
	if (HIST_IS_VIEW(ino))
		return reply("", 0, buf, size, len);
	rc = node_named(st, c, (int64_t)ino, &n);
	if (rc)
		return rc;
	if (S_ISLNK(n.mode))
		return reply("", 0, buf, size, len);
	list = malloc(256);
	if (!list)
		return -ENOMEM;
	/* Which generated names exist needs no value: ls -l lists every
	 * file's attributes, so this stays cheap. */
	for (i = 0; i < ARRAY_SIZE(generated); i++) {
		if (!has_generated(&n, generated[i]))
			continue;
		memcpy(list + used, generated[i], strlen(generated[i]) + 1);
		used += strlen(generated[i]) + 1;
	}
	rc = meta_xattr_names(st, n.ino, &names, &n_names);
	for (i = 0; rc == 0 && i < n_names; i++) {
		const char *name = names[i];
		size_t k = strlen(name) + 1;

		nl = realloc(list, used + k);
		if (!nl) {
			rc = -ENOMEM;
			break;
		}
		list = nl;
		memcpy(list + used, name, k);
		used += k;
	}
	if (rc == 0)
		rc = reply(list, used, buf, size, len);
	for (i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	free(list);
	return rc;
}

static int may_write_xattr(struct store *st, const struct store_caller *c,
			   const struct node_info *n)
{
	if (S_ISDIR(n->mode) &&
	    node_allows(st, c, n->ino, STORE_RIGHT_ADD) == 0)
		return 0;
	return node_allows(st, c, n->ino, STORE_RIGHT_EDIT);
}

static int set_locked(struct store *st, const struct store_caller *c,
		      int64_t ino, const char *name, const void *value,
		      size_t size, int flags)
{
	char val[4096];
	struct node_info n;
	int64_t old = 0;
	bool exists;
	int rc;

	rc = node_named(st, c, ino, &n);
	if (rc)
		return rc;
	if (strncmp(name, "user.", 5) != 0)
		return store_fail(st, -ENOTSUP,
				  "only user.* extended attributes are stored");
	if (strlen(name) > 255)
		return -ERANGE;
	if (size > XATTR_MAX)
		return -E2BIG;
	if (is_generated(name)) {
		if (gen_value(st, c, &n, name, val, sizeof(val)) == 0 &&
		    strlen(val) == size && memcmp(val, value, size) == 0 &&
		    !(flags & XATTR_CREATE))
			return 0;
		/* A copy carried back by one who may edit the item. */
		if (is_known_generated(name) && !(flags & XATTR_CREATE) &&
		    may_write_xattr(st, c, &n) == 0)
			return 0;
		return store_fail(st, -EPERM,
				  "user.groupfs.* describe the store and are "
				  "read-only");
	}
	rc = may_write_xattr(st, c, &n);
	if (rc)
		return rc;
	exists = meta_xattr_size(st, n.ino, name, &old) == 0;
	if ((flags & XATTR_CREATE) && exists)
		return -EEXIST;
	if ((flags & XATTR_REPLACE) && !exists)
		return -ENODATA;
	/* Names and values take room in the space like content does. */
	rc = check_meta_room(st, n.space,
			     (int64_t)size -
				     (exists ? old : -(int64_t)strlen(name)),
			     "extended attributes (names and values)");
	if (rc)
		return rc;
	rc = meta_xattr_set(st, n.ino, name, value, size);
	if (rc == 0)
		rc = meta_node_set_ctime(st, n.ino, now_ns());
	return rc;
}

int store_fs_setxattr(struct store *st, const struct store_caller *c,
		      uint64_t ino, const char *name, const void *value,
		      size_t size, int flags)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, set_locked(st, c, (int64_t)ino, name, value, size,
				     flags));
}

static int remove_locked(struct store *st, const struct store_caller *c,
			 int64_t ino, const char *name)
{
	struct node_info n;
	int rc;

	rc = node_named(st, c, ino, &n);
	if (rc)
		return rc;
	if (strncmp(name, "user.", 5) != 0)
		return -ENOTSUP;
	if (is_generated(name))
		return store_fail(st, -EPERM,
				  "user.groupfs.* describe the store and are "
				  "read-only");
	rc = may_write_xattr(st, c, &n);
	if (rc == 0) {
		rc = meta_xattr_remove(st, n.ino, name);
		if (rc == -ENOENT)
			rc = -ENODATA;
	}
	return rc;
}

int store_fs_removexattr(struct store *st, const struct store_caller *c,
			 uint64_t ino, const char *name)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_begin(st);
	if (rc)
		return rc;
	return txn_end(st, remove_locked(st, c, (int64_t)ino, name));
}
