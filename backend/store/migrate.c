// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Moving a store between engines (groupctl migrate, SPEC.md section 8):
 * every row of every table and every sealed record of content, as they
 * are, through the two engines' seams (meta.h's rows, blob.h).  Nothing
 * is decrypted: rows and records move sealed, and the store keeps its
 * master key, so they open as before.
 *
 * The target is a new store's schema, emptied, then filled in the order
 * of the tables' references.  Adding a row runs the engines' duties as for
 * any insert (space counters, generations, the journal); what they moved
 * is then set back to the source's values: the spaces' counters, the meta
 * generations, and the journal, copied last.  All of it is one transaction
 * of the target: a move that fails leaves it empty.  The source is held
 * still meanwhile: on SQLite no daemon may serve it (the daemons' lock,
 * taken exclusively) and its writer lock is held; on PostgreSQL one
 * snapshot is read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Tables whose rows the duties change when rows of others are added. */
static const char *const derived[] = {"space", "meta"};
#define JOURNAL "journal"

struct order {
	char **names;
	size_t n;
};

static void order_free(struct order *o)
{
	while (o->n)
		free(o->names[--o->n]);
	free(o->names);
	o->names = NULL;
}

static bool listed(char **v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] && !strcmp(v[i], name))
			return true;
	return false;
}

/* The source's tables, each after those it refers to. */
static int table_order(struct store *st, struct order *out)
{
	char **all = NULL, **refs = NULL;
	size_t n = 0, nrefs = 0, i, j;
	bool *done;
	int rc = meta_tables(st, &all, &n);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	out->names = calloc(n + 1, sizeof(*out->names));
	done = calloc(n + 1, sizeof(*done));
	if (!out->names || !done)
		rc = store_fail(st, -ENOMEM, "out of memory");
	while (rc == 0 && out->n < n) {
		size_t before = out->n;

		for (i = 0; rc == 0 && i < n; i++) {
			bool ready = true;

			if (done[i])
				continue;
			rc = meta_table_refs(st, all[i], &refs, &nrefs);
			/* Ready when every table it refers to is placed. */
			for (j = 0; rc == 0 && j < nrefs; j++)
				if (listed(all, n, refs[j]))
					ready = false;
			while (nrefs)
				free(refs[--nrefs]);
			free(refs);
			refs = NULL;
			if (rc == 0 && ready) {
				out->names[out->n++] = all[i];
				all[i] = NULL;
				done[i] = true;
			}
		}
		if (rc == 0 && out->n == before)
			rc = store_fail(st, -EINVAL, "the tables refer to each "
					"other in a cycle");
	}
	for (i = 0; i < n; i++)
		free(all[i]);
	free(all);
	free(done);
	if (rc)
		order_free(out);
	return rc;
}

struct copy {
	struct store *dst;
	const char *table;
	bool set;
	uint64_t rows;
};

static int copy_row(void *arg, size_t ncols, const char *const *cols,
		    const struct meta_value *vals)
{
	struct copy *c = arg;

	c->rows++;
	return c->set ? meta_row_set(c->dst, c->table, ncols, cols, vals)
		      : meta_row_add(c->dst, c->table, ncols, cols, vals);
}

static int copy_table(struct store *src, struct store *dst, const char *table,
		      bool set, uint64_t *rows)
{
	struct copy c = {.dst = dst, .table = table, .set = set};
	int rc = meta_rows(src, table, copy_row, &c);

	if (rc && !dst->errmsg[0])
		store_fail(dst, rc, "%s: %s", table, src->errmsg);
	*rows = c.rows;
	return rc;
}

struct blobs {
	struct store *src, *dst;
	unsigned char *buf;
	uint64_t objects, records;
	int err;
};

#define BATCH 64

static int copy_blob(void *arg, const unsigned char cid[16])
{
	struct blobs *b = arg;
	const struct blob_ops *from = b->src->sh->blob, *to = b->dst->sh->blob;
	struct blob *in = NULL, *out = NULL;
	uint64_t at = 0;
	size_t got = BATCH;
	int rc;

	rc = from->open(b->src, cid, false, &in);
	if (rc == -ENOENT) /* gone meanwhile: nothing names it */
		return 0;
	if (rc == 0)
		rc = to->open(b->dst, cid, true, &out);
	while (rc == 0 && got == BATCH) {
		rc = from->read(b->src, in, at, BATCH, b->buf, &got);
		if (rc == 0 && got)
			rc = to->write(b->dst, out, at, got, b->buf);
		at += got;
	}
	if (rc == 0 && !to->with_meta)
		rc = to->sync(b->dst, out);
	if (in)
		from->close(in);
	if (out)
		to->close(out);
	if (rc == 0) {
		b->objects++;
		b->records += at;
	}
	return rc;
}

/* Everything of src into dst, in dst's one transaction. */
static int move_all(struct store *src, struct store *dst,
		    void (*report)(void *arg, const char *line), void *arg)
{
	struct blobs b = {.src = src, .dst = dst};
	struct order o;
	char line[256];
	uint64_t rows, total = 0;
	bool fresh;
	size_t i;
	int rc = table_order(src, &o);

	if (rc)
		return store_fail(dst, rc, "%s", src->errmsg);
	/* The schema too: a move that fails leaves the database empty. */
	dst->migrating = true;
	rc = txn_begin(dst);
	dst->migrating = false;
	if (rc == 0)
		rc = meta_migrate(dst, &fresh);
	for (i = o.n; rc == 0 && i > 0; i--)
		rc = meta_rows_clear(dst, o.names[i - 1]);
	for (i = 0; rc == 0 && i < o.n; i++) {
		if (!strcmp(o.names[i], JOURNAL))
			continue;
		rc = copy_table(src, dst, o.names[i], false, &rows);
		total += rows;
	}
	for (i = 0; rc == 0 && i < ARRAY_SIZE(derived); i++)
		if (listed(o.names, o.n, derived[i]))
			rc = copy_table(src, dst, derived[i], true, &rows);
	if (rc == 0 && listed(o.names, o.n, JOURNAL)) {
		rc = meta_rows_clear(dst, JOURNAL);
		if (rc == 0)
			rc = copy_table(src, dst, JOURNAL, false, &rows);
		total += rows;
	}
	if (rc == 0)
		rc = meta_rows_loaded(dst);
	if (rc == 0) {
		b.buf = malloc(BATCH * BLOB_RECORD);
		rc = b.buf ? src->sh->blob->each(src, copy_blob, &b)
			   : store_fail(dst, -ENOMEM, "out of memory");
		free(b.buf);
		if (rc && !dst->errmsg[0])
			store_fail(dst, rc, "content: %s", src->errmsg);
	}
	rc = txn_end(dst, rc);
	if (rc == 0 && report) {
		snprintf(line, sizeof(line),
			 "moved %llu rows of %zu tables, %llu content objects "
			 "(%llu records)",
			 (unsigned long long)total, o.n,
			 (unsigned long long)b.objects,
			 (unsigned long long)b.records);
		report(arg, line);
	}
	order_free(&o);
	return rc;
}

/* Hold the SQLite store in `dir` still: no daemon serves it (its lock,
 * exclusive, so none starts) and its writer lock for the copy. */
static int hold_still(struct store *src, int *lock_fd)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/db/daemons.lock", src->sh->dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660);
	if (fd < 0)
		return store_fail(src, -errno, "cannot open %s: %m", path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return store_fail(src, -EBUSY, "the store is mounted: unmount "
				  "it (every groupfs daemon serving it) "
				  "before it moves");
	}
	*lock_fd = fd;
	return txn_begin(src);
}

/* A new store directory `dir` with the master key of `from` and an
 * empty db/. */
static int new_sqlite_dir(const char *from, const char *dir, char *err,
			  size_t errlen)
{
	char a[4096], b[4096], buf[4096];
	struct blob_stamp was;
	int rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %m", dir);
		return -errno;
	}
	if (rmdir(dir) != 0) {
		rc = errno == ENOTEMPTY || errno == EEXIST ? -EEXIST : -errno;
		snprintf(err, errlen, "%s: %s", dir,
			 rc == -EEXIST ? "not empty: a store moves into a new "
					 "or empty directory"
				       : strerror(-rc));
		return rc;
	}
	if (mkdir(dir, 0700) != 0) {
		snprintf(err, errlen, "cannot create %s: %m", dir);
		return -errno;
	}
	snprintf(a, sizeof(a), "%s/db", dir);
	if (mkdir(a, 0700) != 0) {
		snprintf(err, errlen, "cannot create %s: %m", a);
		return -errno;
	}
	snprintf(a, sizeof(a), "%s/master.key", from);
	snprintf(b, sizeof(b), "%s/master.key", dir);
	rc = files_copy(a, b, buf, sizeof(buf), NULL, NULL, &was, err, errlen);
	if (rc == -ENOENT)
		snprintf(err, errlen, "%s: no master key", a);
	/* Durable before the database that needs it commits. */
	if (rc == 0) {
		int fd = open(b, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fsync(fd) != 0) {
			rc = -errno;
			snprintf(err, errlen, "cannot write %s: %s", b,
				 strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
	return rc;
}

/* The SQLite files of a store that moved to PostgreSQL, kept aside in
 * dir/sqlite-moved/ until its operator removes them. */
static int set_aside(const char *dir, char *err, size_t errlen)
{
	static const char *const names[] = {"db/store.db", "db/store.db-wal",
					    "db/store.db-shm", "data"};
	char from[4096], to[4096];
	size_t i;

	snprintf(to, sizeof(to), "%s/sqlite-moved", dir);
	if (mkdir(to, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %m", to);
		return -errno;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const char *base = strrchr(names[i], '/');

		snprintf(from, sizeof(from), "%s/%s", dir, names[i]);
		snprintf(to, sizeof(to), "%s/sqlite-moved/%s", dir,
			 base ? base + 1 : names[i]);
		if (rename(from, to) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot move %s to %s: %m", from,
				 to);
			return -errno;
		}
	}
	return 0;
}

int store_migrate(const char *dir, const char *to_postgres,
		  const char *to_sqlite,
		  void (*report)(void *arg, const char *line), void *arg,
		  char *err, size_t errlen)
{
	struct store *src = NULL, *dst = NULL;
	char db_path[4096], line[4400];
	struct stat db;
	gid_t gid = (gid_t)-1;
	int lock_fd = -1, rc;

	if (!to_postgres == !to_sqlite) {
		snprintf(err, errlen, "say where the store moves: "
			 "--to-postgres CONNINFO or --to-sqlite DIR");
		return -EINVAL;
	}
	rc = store_open(dir, 0, NULL, 0, &src, err, errlen);
	if (rc)
		return rc;
	if (to_postgres && src->sh->conninfo) {
		snprintf(err, errlen, "%s: the store is on PostgreSQL already",
			 dir);
		rc = -EINVAL;
		goto out;
	}
	if (to_sqlite && !src->sh->conninfo) {
		snprintf(err, errlen, "%s: the store is on SQLite already "
			 "(groupctl backup copies it)", dir);
		rc = -EINVAL;
		goto out;
	}
	if (to_postgres) {
		snprintf(db_path, sizeof(db_path), "%s/db/store.db", dir);
		if (stat(db_path, &db) == 0 && (db.st_mode & 0020))
			gid = db.st_gid;
		rc = hold_still(src, &lock_fd);
		if (rc) {
			snprintf(err, errlen, "%s", store_errmsg(src));
			goto out;
		}
		rc = store_open_target(dir, to_postgres, NULL, &dst, err,
				       errlen);
	} else {
		rc = txn_read_begin(src);
		if (rc) {
			snprintf(err, errlen, "%s", store_errmsg(src));
			goto out;
		}
		rc = new_sqlite_dir(dir, to_sqlite, err, errlen);
		snprintf(db_path, sizeof(db_path), "%s/db/store.db", to_sqlite);
		if (rc == 0)
			rc = store_open_target(to_sqlite, NULL, db_path, &dst,
					       err, errlen);
	}
	if (rc)
		goto out;
	rc = move_all(src, dst, report, arg);
	if (rc) {
		snprintf(err, errlen, "%s", store_errmsg(dst));
		goto out;
	}
	if (to_postgres) {
		/* The source's writer lock ends with its (empty) commit;
		 * the daemons' lock keeps mounts away until the store
		 * opens on PostgreSQL. */
		txn_end(src, 0);
		store_close(src);
		src = NULL;
		rc = store_write_conninfo(dir, to_postgres, gid, err, errlen);
		if (rc == 0)
			rc = set_aside(dir, err, errlen);
		if (rc == 0 && report) {
			snprintf(line, sizeof(line),
				 "the store in %s is on PostgreSQL now; its "
				 "SQLite files are kept in %s/sqlite-moved/",
				 dir, dir);
			report(arg, line);
		}
	} else if (report) {
		snprintf(line, sizeof(line),
			 "a copy of the store is in %s, on SQLite; the store "
			 "in %s is unchanged", to_sqlite, dir);
		report(arg, line);
	}
out:
	if (src) {
		if (src->txn_depth > 0 && to_postgres)
			txn_end(src, 0);
		else if (src->txn_depth > 0)
			txn_read_end(src);
		store_close(src);
	}
	store_close(dst);
	if (lock_fd >= 0)
		close(lock_fd);
	return rc;
}
