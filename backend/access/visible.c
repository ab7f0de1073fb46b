// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who may see a node (SPEC.md sections 2 and 3): a group's members see its
 * space, a private space is its owner's (and a co-member's, for the
 * personal calendar they were granted), a drop folder's items are seen by
 * its owner and the depositor, members/ follows the members list, and a
 * deleted item is reached only through a descriptor still open on it.
 */
#include <string.h>

#include "internal.h"

/* A private space is its owner's; a co-member they granted rights on
 * their personal calendar reaches its folder, and its items with *view*. */
static int private_visible(struct store *st, const struct store_caller *c,
			   const struct node_info *n)
{
	char owner[STORE_USERNAME_MAX + 1];
	unsigned rights = 0;

	if (n->owner == c->account)
		return 0;
	if (n->tool != TOOL_CALENDAR || n->ino == n->space_root ||
	    account_name(st, n->owner, owner, sizeof(owner)) ||
	    store_calendar_rights(st, c, owner, &rights) || !rights)
		return -ENOENT;
	if (n->parent == n->space_root || (rights & STORE_CAL_VIEW))
		return 0;
	return -ENOENT;
}

int node_visible(struct store *st, const struct store_caller *c, int64_t ino,
		 struct node_info *n)
{
	int64_t owner, dropper;
	int depth, rc;

	rc = node_info(st, ino, n);
	if (rc)
		return rc;
	if (ino == STORE_ROOT_INO)
		return 0;
	if (c->account <= 0)
		return -ENOENT;
	/* Deleted: history shows it under an inode number of its own.
	 * Only descriptors still open on it reach it here (fstat). */
	if (n->held)
		return istate_open(st, (uint64_t)ino) &&
				       ((n->kind == SPACE_GROUP &&
					 grp_role(st, n->group, c->account)) ||
					(n->kind == SPACE_PRIVATE &&
					 n->owner == c->account))
			       ? 0
			       : -ENOENT;
	if (n->kind == SPACE_PRIVATE)
		return private_visible(st, c, n);
	if (n->kind != SPACE_GROUP ||
	    grp_role(st, n->group, c->account) == STORE_ROLE_NONE)
		return -ENOENT;
	if (n->tool == TOOL_MEMBERS)
		return members_visible(st, c, n);
	if (n->tool != TOOL_DROP)
		return 0;
	rc = drop_place(st, n, &depth, &owner, &dropper);
	if (rc || depth == 0)
		return rc;
	/* A former member's drop folder is hidden until they return. */
	if (grp_role(st, n->group, owner) == STORE_ROLE_NONE)
		return -ENOENT;
	if (depth == 1 || owner == c->account || dropper == c->account)
		return 0;
	return -ENOENT;
}

/* Visibility of a node under members/: a current member's folder; a photo
 * of the type they have; their calendar for a co-member they granted
 * rights on it. */
int members_visible(struct store *st, const struct store_caller *c,
		    const struct node_info *n)
{
	char owner[STORE_USERNAME_MAX + 1], type[16] = "";
	unsigned rights = 0;
	int rc;

	if (n->gen == 0)
		return 0; /* members/ itself */
	if (!n->creator || grp_role(st, n->group, n->creator) == STORE_ROLE_NONE)
		return -ENOENT;
	switch (n->gen) {
	case GEN_PHOTO_JPG:
	case GEN_PHOTO_PNG:
		rc = meta_member_photo_type(st, n->creator, type, sizeof(type));
		if (rc && rc != -ENOENT)
			return rc;
		return strcmp(type, n->gen == GEN_PHOTO_JPG ? "image/jpeg"
							    : "image/png") == 0
			       ? 0
			       : -ENOENT;
	case GEN_CALVIEW:
		if (n->creator == c->account)
			return -ENOENT;
		rc = account_name(st, n->creator, owner, sizeof(owner));
		if (rc == 0)
			rc = store_calendar_rights(st, c, owner, &rights);
		return rc == 0 && rights ? 0 : -ENOENT;
	}
	return 0;
}
