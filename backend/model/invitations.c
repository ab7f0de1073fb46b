// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Private/invitations/: the caller's pending invitations as read-only text
 * files, one per group (GROUP.txt: who invited, when, how to accept).
 *
 * The folder is a generated node of each private space (tool members/:
 * read-only, no entry of the owner's).  Its files follow the invitation
 * table by triggers (the migration of issue 14): a row made makes the
 * file, a row gone (accepted, declined, cancelled, its group or account
 * deleted) takes it away, whatever code path did it.  invitation_file
 * remembers which invitation a file shows; the text is made when read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

static int invitations_files(struct store *st, int64_t owner, int64_t dir);

int invitations_ensure(struct store *st, int64_t space)
{
	int64_t root, dir, owner;
	int rc;

	/* The other folder every private space has outside the tools. */
	rc = gtrash_info_ensure(st, space);
	if (rc == 0)
		rc = meta_space_root_if_private(st, space, &root);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	if (node_child(st, root, "invitations", &dir) == 0)
		return 0;
	rc = meta_private_owner(st, space, &owner);
	if (rc == 0)
		rc = node_new(st, space, TOOL_MEMBERS, root, "invitations",
			      S_IFDIR | 0555, owner, &dir);
	/* Invitations made before the folder existed get their files. */
	if (rc == 0)
		rc = invitations_files(st, owner, dir);
	return rc;
}

/* One file per pending invitation of `owner` that has none, in `dir`. */
static int invitations_files(struct store *st, int64_t owner, int64_t dir)
{
	struct meta_invitation_unfiled *v = NULL;
	int64_t space, ino;
	size_t n = 0, i;
	char name[STORE_GROUPNAME_BYTES + 8];
	int rc;

	rc = meta_space_private(st, owner, &space);
	if (rc)
		return rc;
	rc = meta_invitation_unfiled(st, owner, &v, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		snprintf(name, sizeof(name), "%s.txt", v[i].name);
		rc = node_new(st, space, TOOL_MEMBERS, dir, name,
			      S_IFREG | 0444, 0, &ino);
		if (rc == 0)
			rc = meta_invitation_file_add(st, ino, v[i].group,
						      owner);
	}
	free(v);
	return rc;
}

int invitations_add(struct store *st, int64_t account)
{
	int64_t dir;
	int rc;

	rc = meta_invitations_dir(st, account, &dir);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	return invitations_files(st, account, dir);
}

int invitations_ensure_all(struct store *st)
{
	int64_t *v = NULL;
	size_t n = 0, i;
	int rc;

	rc = meta_invitations_unmade(st, &v, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = invitations_ensure(st, v[i]);
	free(v);
	return rc;
}
