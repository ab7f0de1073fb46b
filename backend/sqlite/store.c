// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the store as a whole: content rows,
 * the check, backup (content.c, check.c, backup.c, store.c).
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

/* Set mtime and ctime to parameter N when it is not 0. */
#define TOUCH(N)                                                   \
	"mtime = iif(?" #N " <> 0, ?" #N ", mtime),"               \
	" ctime = iif(?" #N " <> 0, ?" #N ", ctime)"

int meta_content_get(struct store *st, int64_t ino, struct content *ct)
{
	sqlite3_stmt *s;
	int rc;

	s = db_q(st,
		 "SELECT space_id, size, cid, chunked, inline, id, cipher"
		 " FROM node"
		 " WHERE id = " RESOLVE,
		 "i", ino);
	if (!s)
		return -EIO;
	rc = db_row(st, s);
	if (rc <= 0)
		return rc < 0 ? rc : -ENOENT;
	ct->ino = sqlite3_column_int64(s, 5);
	ct->space = sqlite3_column_int64(s, 0);
	ct->size = sqlite3_column_int64(s, 1);
	if (sqlite3_column_bytes(s, 2) == 16)
		memcpy(ct->cid, sqlite3_column_blob(s, 2), 16);
	ct->chunked = sqlite3_column_int(s, 3) != 0;
	ct->cipher = sqlite3_column_int(s, 6);
	ct->inline_len = (size_t)sqlite3_column_bytes(s, 4);
	if (ct->inline_len) {
		ct->inline_blob = malloc(ct->inline_len);
		if (!ct->inline_blob) {
			db_done(s);
			return -ENOMEM;
		}
		memcpy(ct->inline_blob, sqlite3_column_blob(s, 4),
		       ct->inline_len);
	}
	db_done(s);
	return 0;
}

int meta_content_set_inline(struct store *st, int64_t ino,
			    const unsigned char *blob, size_t len,
			    const unsigned char cid[16], int64_t size,
			    int64_t touch)
{
	return db_run(st,
		      "UPDATE node SET inline = ?1, chunked = 0, cid = ?2,"
		      " size = ?3, " TOUCH(4) " WHERE id = ?5",
		      "bbiii", blob, len, cid, (size_t)16, size, touch, ino);
}

int meta_content_set_chunked(struct store *st, int64_t ino,
			     const unsigned char cid[16], int64_t size,
			     int64_t touch)
{
	return db_run(st,
		      "UPDATE node SET chunked = 1, inline = NULL,"
		      " cid = ?1, size = ?2, " TOUCH(3) " WHERE id = ?4",
		      "biii", cid, (size_t)16, size, touch, ino);
}

int meta_trash_next(struct store *st, unsigned char cid[16])
{
	sqlite3_stmt *s;
	int rc;

	for (;;) {
		s = db_q(st, "SELECT cid FROM trash LIMIT 1", "");
		if (!s)
			return -EIO;
		rc = db_row(st, s);
		if (rc <= 0)
			return rc < 0 ? rc : -ENOENT;
		if (sqlite3_column_bytes(s, 0) == 16)
			break;
		db_done(s);
		rc = db_run(st, "DELETE FROM trash WHERE length(cid) <> 16",
			    "");
		if (rc)
			return rc;
	}
	memcpy(cid, sqlite3_column_blob(s, 0), 16);
	db_done(s);
	return 0;
}

int meta_trash_drop(struct store *st, const unsigned char cid[16])
{
	return db_run(st, "DELETE FROM trash WHERE cid = ?", "b", cid,
		      (size_t)16);
}
