/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The content seam: where a store keeps its sealed records, by content id.
 * content.c seals and opens the records (keys, ciphers, inline items); an
 * engine behind this header only keeps them: record i of content `cid` is
 * BLOB_RECORD opaque bytes.  The engine is chosen per store when the store
 * opens (struct shared.blob): the files engine (files/: one file per
 * content id under DIR/data/) for a store on SQLite; for a store on
 * PostgreSQL the database's (pg/blob.c), a table chunk(cid, idx, data,
 * primary key (cid, idx)) written inside the metadata's transaction: the
 * interface names no file descriptor or path, and each engine says how
 * its writes become durable (with_meta).
 *
 * What content.c relies on, whatever the engine:
 *  - every call runs inside the caller's metadata transaction, BEGIN
 *    IMMEDIATE for writes, which serialises writers across processes;
 *  - a record is written whole: after a crash it reads back wholly old or
 *    wholly new, never torn (files: a record is one page);
 *  - records written past the size the metadata commits may outlive a
 *    crash or a rollback (files) or vanish with it (a database): content.c
 *    reads records only below the committed size, and every record holds
 *    a whole chunk, so either is safe;
 *  - an object removed (remove) is one no committed metadata names any
 *    more: the trash of content ids (meta_trash_next) says which.
 */
#ifndef GROUPFS_BLOB_H
#define GROUPFS_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BLOB_RECORD 4096 /* bytes of one record: nonce, sealed chunk, tag */

struct store;
struct blob; /* an engine's handle on one content object */

/* What a content object looks like now, for a backup's "changed since
 * its copy": any later change to it moves the stamp. */
struct blob_stamp {
	uint64_t bytes; /* its size as kept: records * BLOB_RECORD */
	uint64_t id[4]; /* the engine's (files: inode, device, times) */
	bool settled;	/* taken long enough after its last change that
			 * the next one surely moves it */
};

static inline bool blob_stamp_same(const struct blob_stamp *a,
				   const struct blob_stamp *b)
{
	return a->bytes == b->bytes && !memcmp(a->id, b->id, sizeof(a->id));
}

/* One object's copy into a backup (blob_ops.copy). */
struct blob_copy {
	const char *dest; /* the backup: a store directory being made */
	char *buf;	  /* scratch for the engine */
	size_t buflen;
	void (*step)(void *arg, uint64_t bytes); /* bytes copied so far */
	void *arg;
	struct blob_stamp was; /* out: the source when its copy began */
	char err[512];	       /* out: what failed, naming the file */
};

/* Called for each content id an engine holds; nonzero stops the walk and
 * is returned. */
typedef int (*blob_each_fn)(void *arg, const unsigned char cid[16]);

/*
 * An engine.  Errors are negative errno values; -ENOENT when the object
 * is not there (and, for open, create was false).
 */
#define BLOB_OPS_VERSION 1

struct blob_ops {
	int version; /* BLOB_OPS_VERSION */
	const char *name;
	/* Its writes become durable with the metadata's commit (a database
	 * table written in the same transaction): sync is never called, and
	 * a backup's copy of the database carries the content.  Otherwise
	 * each object needs its own sync, and a backup copies the objects
	 * (each, stamp, copy, uncopy). */
	bool with_meta;
	/* The folder of the store directory the engine keeps to itself
	 * (NULL: none), which a backup copies only through the engine. */
	const char *dir;

	/* A handle on object `cid`, made empty when `create` and missing.
	 * A handle may be kept across transactions (an open item keeps
	 * one) and used by several threads at once (the readers of one
	 * item share it); close frees it. */
	int (*open)(struct store *st, const unsigned char cid[16], bool create,
		    struct blob **out);
	void (*close)(struct blob *b);
	/* Records [first, first + n) into out (n * BLOB_RECORD bytes);
	 * *got: how many of them the object holds (fewer past its end). */
	int (*read)(struct store *st, struct blob *b, uint64_t first, size_t n,
		    unsigned char *out, size_t *got);
	/* Records [first, first + n) from `recs`, the object growing as
	 * needed (with no gap: first is at most its record count). */
	int (*write)(struct store *st, struct blob *b, uint64_t first, size_t n,
		     const unsigned char *recs);
	/* Keep the first n records only. */
	int (*truncate)(struct store *st, struct blob *b, uint64_t n);
	/* What was written to the object on stable storage (not with_meta). */
	int (*sync)(struct store *st, struct blob *b);
	/* Remove object `cid`; 0 when it was not there. */
	int (*remove)(struct store *st, const unsigned char cid[16]);
	/* Each object the engine holds, in no order; objects may come and
	 * go meanwhile (the caller may not hold the write lock). */
	int (*each)(struct store *st, blob_each_fn fn, void *arg);

	/* Backups (not with_meta). */
	int (*stamp)(struct store *st, const unsigned char cid[16],
		     struct blob_stamp *now);
	/* Object `cid` as it is now into the backup job->dest, replacing
	 * any earlier copy; job->was its stamp when the copy began. */
	int (*copy)(struct store *st, const unsigned char cid[16],
		    struct blob_copy *job);
	/* Remove the copy of `cid` from the backup `dest`. */
	void (*uncopy)(const char *dest, const unsigned char cid[16]);
};

/* files/blob.c: one file per content id, DIR/data/XX/<cid hex>. */
extern const struct blob_ops files_engine;
/* pg/blob.c: rows chunk(cid, idx, data) of a store on PostgreSQL, in the
 * metadata's transaction (with_meta). */
extern const struct blob_ops pg_blob_engine;

#endif
