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
#include "sqlite/engine.h" /* until its SQL moves behind meta.h */

static int invitations_files(struct store *st, int64_t owner, int64_t dir);

int invitations_ensure(struct store *st, int64_t space)
{
	int64_t root, dir, owner;
	int rc;

	/* The other folder every private space has outside the tools. */
	rc = gtrash_info_ensure(st, space);
	if (rc == 0)
		rc = db_int(st, &root,
			    "SELECT root FROM space WHERE id = ? AND"
			    " account_id IS NOT NULL",
			    "i", space);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	if (node_child(st, root, "invitations", &dir) == 0)
		return 0;
	rc = db_int(st, &owner, "SELECT account_id FROM space WHERE id = ?",
		    "i", space);
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
	int64_t(*v)[2] = NULL, space, ino;
	size_t n = 0, i;
	char name[STORE_GROUPNAME_BYTES + 8];
	int rc;

	rc = db_int(st, &space, "SELECT id FROM space WHERE account_id = ?",
		    "i", owner);
	if (rc)
		return rc;
	rc = db_pairs(st, &v, &n,
		      "SELECT i.group_id, i.created FROM invitation i WHERE"
		      " i.account_id = ? AND NOT EXISTS (SELECT 1 FROM"
		      " invitation_file f WHERE f.group_id = i.group_id AND"
		      " f.account_id = i.account_id)",
		      "i", owner);
	for (i = 0; rc == 0 && i < n; i++) {
		sqlite3_stmt *g = db_q(st, "SELECT name FROM grp WHERE id = ?",
				       "i", v[i][0]);

		if (!g) {
			rc = -EIO;
			break;
		}
		rc = db_row(st, g);
		if (rc != 1) {
			rc = rc < 0 ? rc : -EIO;
			break;
		}
		snprintf(name, sizeof(name), "%s.txt", col_text(g, 0));
		db_done(g);
		rc = node_new(st, space, TOOL_MEMBERS, dir, name,
			      S_IFREG | 0444, 0, &ino);
		if (rc == 0)
			rc = db_run(st, "UPDATE node SET gen = ? WHERE id = ?",
				    "ii", (int64_t)GEN_INVITATION, ino);
		if (rc == 0)
			rc = db_run(
				st,
				"INSERT INTO invitation_file (node, group_id,"
				" account_id) VALUES (?, ?, ?)",
				"iii", ino, v[i][0], owner);
	}
	free(v);
	return rc;
}

int invitations_add(struct store *st, int64_t account)
{
	int64_t dir;
	int rc;

	rc = db_int(st, &dir,
		    "SELECT d.child FROM space s JOIN dirent d ON d.parent ="
		    " s.root AND d.name = 'invitations' WHERE s.account_id = ?",
		    "i", account);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	return invitations_files(st, account, dir);
}

int invitations_ensure_all(struct store *st)
{
	int64_t *v = NULL;
	size_t cap = 0, n = 0, i;
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT s.id FROM space s WHERE s.account_id IS NOT NULL AND"
		 " (NOT EXISTS (SELECT 1 FROM dirent d WHERE d.parent = s.root"
		 " AND d.name = 'invitations') OR NOT EXISTS (SELECT 1 FROM"
		 " dirent d WHERE d.parent = s.root AND"
		 " d.name = '.trash-info'))",
		 "");
	if (!s)
		return -EIO;
	while ((rc = db_row(st, s)) == 1) {
		if (ARRAY_GROW(v, n, cap)) {
			db_done(s);
			rc = -ENOMEM;
			break;
		}
		v[n++] = sqlite3_column_int64(s, 0);
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = invitations_ensure(st, v[i]);
	free(v);
	return rc;
}

int invitations_text(struct store *st, const struct node_info *n, char **data,
		     size_t *len, int64_t *mtime)
{
	char when[64], last[64];
	sqlite3_stmt *s;
	struct tm tm;
	time_t t;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int rc;

	s = db_q(st,
		 "SELECT g.name, g.description, coalesce(b.username, ''),"
		 " coalesce(b.first || ' ' || b.last, ''), i.created,"
		 " i.last_sent, i.sent FROM invitation_file x"
		 " JOIN invitation i ON i.group_id = x.group_id AND"
		 " i.account_id = x.account_id JOIN grp g ON g.id = i.group_id"
		 " LEFT JOIN account b ON b.id = i.invited_by WHERE x.node = ?",
		 "i", n->ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	f = open_memstream(&buf, &size);
	if (!f) {
		db_done(s);
		return -ENOMEM;
	}
	t = (time_t)sqlite3_column_int64(s, 4);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime_r(&t, &tm));
	t = (time_t)sqlite3_column_int64(s, 5);
	strftime(last, sizeof(last), "%Y-%m-%d %H:%M UTC", gmtime_r(&t, &tm));
	fprintf(f, "Invitation to the group %s\n\n", col_text(s, 0));
	if (col_text(s, 2)[0])
		fprintf(f, "Invited by:  %s (%s)\n", col_text(s, 3),
			col_text(s, 2));
	fprintf(f, "Invited on:  %s\n", when);
	if (sqlite3_column_int64(s, 6) > 1)
		fprintf(f, "Reminded:    %s (sent %lld times)\n", last,
			(long long)sqlite3_column_int64(s, 6));
	if (col_text(s, 1)[0])
		fprintf(f, "About it:    %s\n", col_text(s, 1));
	fprintf(f,
		"\nTo accept:   groupctl invitation accept %s\n"
		"To decline:  groupctl invitation decline %s\n",
		col_text(s, 0), col_text(s, 0));
	*mtime = sqlite3_column_int64(s, 5) * 1000000000;
	db_done(s);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*data = buf;
	*len = size;
	return 0;
}
