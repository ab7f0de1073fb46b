// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Nodes: the folders and items of each space.  A node's id is its inode
 * number (AUTOINCREMENT: never reused); directory entries are rows of their
 * own, so an item may have several names (hard links).  Who may see a node
 * is visible.c's; how the mount shows the tree, lookup.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* Remember node n for the rest of the transaction (while st->wseq stays). */
void node_remember(struct store *st, const struct node_info *n)
{
	struct memo *m = st->memo;
	unsigned slot = (unsigned)((uint64_t)n->ino % MEMO_NODES);

	if (st->txn_depth > 0) {
		m->node[slot].info = *n;
		m->node[slot].wseq = st->wseq;
	}
}

/* Node ino as remembered in this transaction, or NULL. */
static const struct node_info *memo_known(struct store *st, int64_t ino)
{
	struct memo *m = st->memo;
	unsigned slot = (unsigned)((uint64_t)ino % MEMO_NODES);

	return st->txn_depth > 0 && m->node[slot].wseq == st->wseq &&
		       m->node[slot].info.ino == ino
		       ? &m->node[slot].info
		       : NULL;
}

int node_info(struct store *st, int64_t ino, struct node_info *out)
{
	const struct node_info *known;
	int rc;

	/* The history view is read-only: no node to change there. */
	if (HIST_IS_VIEW(ino))
		return -EROFS;
	known = memo_known(st, ino);
	if (known) {
		*out = *known;
		return 0;
	}
	rc = meta_node_get(st, ino, out);
	if (rc == 0)
		node_remember(st, out);
	return rc;
}

int node_new(struct store *st, int64_t space, int tool, int64_t parent,
	     const char *name, uint32_t mode, int64_t creator, int64_t *ino)
{
	unsigned char cid[16];
	struct meta_node_new n = {
		.space = space,
		.tool = tool,
		.mode = mode,
		.nlink = S_ISDIR(mode) ? 2 : 1,
		/* In the new row (none: 0): no UPDATE of it, which would
		 * count as a change of rights and make groupctl wait for
		 * the mounts. */
		.creator = creator,
		.time_ns = now_ns(),
		.cid = cid,
		.cid_len = S_ISREG(mode) ? 16 : 0,
		.cipher = CIPHER_DEFAULT,
	};
	struct node_info info;
	struct room before;
	bool has_before = false;
	int rc;

	content_new_cid(cid);
	/* A space's root has no name. */
	if (!parent)
		return meta_node_add(st, &n, ino);
	rc = meta_node_add_named(st, &n, parent, name, S_ISDIR(mode) ? 1 : 0,
				 ino, &info, &before, &has_before);
	/* Its caller asks for it next, as a rule; a new file's first write
	 * asks for its content (empty) and its space's bytes (which an
	 * empty item and its name leave as they were). */
	if (rc == 0)
		node_remember(st, &info);
	if (rc == 0 && S_ISREG(mode))
		content_remember_new(st, *ino, space, cid, n.cipher);
	if (rc == 0 && has_before)
		space_bytes_memo(st, space, &before);
	/* What members put there counts (a trigger keeps space.files) and
	 * is bounded; the generated members/ is not theirs.  Known to fit
	 * when one more fitted in the room before. */
	if (rc == 0 && tool != TOOL_MEMBERS &&
	    !(has_before && entry_fits(&before)))
		rc = check_entries(st, space, parent);
	return rc;
}

int node_touch_dir(struct store *st, int64_t dir, int nlink_delta)
{
	return meta_node_touch_dir(st, dir, nlink_delta, now_ns());
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
		char name[256]; /* names are at most 255 bytes (util.c) */
		int64_t parent;
		size_t n;

		rc = meta_dirent_up(st, ino, &parent, name, sizeof(name));
		if (rc)
			break;
		n = strlen(name);
		if (used + n + 2 > len) {
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
		ino = parent;
	}
	free(tmp);
	/* -ENOENT: the top, a node with no name. */
	return rc == -ENOENT ? 0 : rc;
}

/* Remember that folder `parent` holds `name` as `child` (0: holds no
 * such name) for the rest of the transaction. */
static void memo_name(struct store *st, int64_t parent, const char *name,
		      int64_t child)
{
	struct memo *m = st->memo;
	size_t len = strlen(name);
	unsigned i;

	if (st->txn_depth <= 0 || len >= sizeof(m->name[0].name))
		return;
	i = m->next_name++ % MEMO_NAMES;
	m->name[i].wseq = st->wseq;
	m->name[i].parent = parent;
	m->name[i].child = child;
	memcpy(m->name[i].name, name, len + 1);
}

void node_lookup_ahead(struct store *st, int64_t dir, const char *name)
{
	struct memo *m = st->memo;
	struct node_info folder, n;
	int64_t child;

	if (st->txn_depth <= 0 || HIST_IS_VIEW(dir) ||
	    strlen(name) >= sizeof(m->name[0].name) || memo_known(st, dir))
		return;
	/* A failure is node_info's to find again and answer. */
	if (meta_dirent_find_pair(st, dir, name, &folder, &child, &n) != 0)
		return;
	node_remember(st, &folder);
	if (child && n.ino == child)
		node_remember(st, &n);
	memo_name(st, folder.ino, name, child);
}

int node_child(struct store *st, int64_t parent, const char *name,
	       int64_t *child)
{
	struct memo *m = st->memo;
	struct node_info n;
	size_t len = strlen(name);
	unsigned i;
	int rc;

	if (st->txn_depth > 0 && len < sizeof(m->name[0].name))
		for (i = 0; i < MEMO_NAMES; i++)
			if (m->name[i].wseq == st->wseq &&
			    m->name[i].parent == parent &&
			    strcmp(m->name[i].name, name) == 0) {
				if (!m->name[i].child)
					return -ENOENT;
				*child = m->name[i].child;
				return 0;
			}
	/* The node too: its caller asks for it next, as a rule (one round
	 * trip less on a database server). */
	rc = meta_dirent_find_node(st, parent, name, child, &n);
	if (rc == 0 && n.ino == *child)
		node_remember(st, &n);
	if (rc == 0 || rc == -ENOENT)
		memo_name(st, parent, name, rc == 0 ? *child : 0);
	return rc;
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
		rc = node_child(st, cur, part, &cur);
		if (rc)
			break;
	}
	free(copy);
	if (rc == 0)
		*ino = cur;
	return rc;
}

/*
 * Where a drop-folder node sits: depth 0 is drop/ itself, 1 a member's
 * folder drop/<u>, 2 an item dropped in it, and so on.  *owner is the
 * folder's member, *dropper the creator of the depth-2 ancestor.
 */
int drop_place(struct store *st, const struct node_info *n, int *depth,
	       int64_t *owner, int64_t *dropper)
{
	int64_t path[64];
	int64_t cur = n->ino, parent = n->parent;
	int k = 0, rc;

	*owner = *dropper = 0;
	while (cur != n->drop_dir) {
		if (k == (int)ARRAY_SIZE(path) || parent == 0)
			return -EIO;
		path[k++] = cur;
		cur = parent;
		if (cur == n->drop_dir)
			break;
		rc = meta_dirent_parent(st, cur, &parent);
		if (rc)
			return rc == -ENOENT ? -EIO : rc;
	}
	*depth = k;
	if (k >= 1)
		meta_node_creator(st, path[k - 1], owner);
	if (k >= 2)
		meta_node_creator(st, path[k - 2], dropper);
	return 0;
}
