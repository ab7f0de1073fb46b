// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Group commit (store_batch_mode): on a handle in batch mode the calls
 * that change the store join one open transaction.  That handle reads its
 * batch at once, another handle (another connection, as another daemon or
 * groupctl has) only once it is committed; a call refused inside a batch
 * undoes itself and nothing else; fsync (store_fs_sync), turning the mode
 * off and closing the handle commit.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

#define MIB (1024ULL * 1024)

struct world {
	struct store_caller boss;
	uint64_t docs;
	struct store *other; /* a second connection */
};

static void world(struct fixture *fx, struct world *w)
{
	fx_plan(fx, "small", 5, 5, MIB, MIB / 2);
	w->boss = fx_account(fx, "boss", "small");
	fx_group(fx, &w->boss, "G", 0);
	w->docs = fx_root(fx, &w->boss, "G", STORE_TOOL_DOCUMENTS);
	if (store_clone(fx->st, &w->other) != 0)
		fx_bail(fx, -EIO, "store_clone");
}

/* Whether `name` exists in the documents, as st sees it. */
static bool sees(struct store *st, const struct world *w, const char *name)
{
	struct store_attr a;

	return store_fs_lookup(st, &w->boss, w->docs, name, &a) == 0;
}

static int put(struct fixture *fx, const struct world *w, const char *name,
	       size_t len)
{
	struct store_file *f = NULL;
	struct store_attr a;
	char *data = calloc(1, len ? len : 1);
	size_t done = 0;
	int rc;

	rc = data ? store_fs_create(fx->st, &w->boss, w->docs, name, 0644,
				    O_WRONLY | O_CREAT, &a, &f)
		  : -ENOMEM;
	if (rc == 0)
		rc = store_fs_write(fx->st, f, 0, data, len, &done);
	if (f)
		store_fs_release(fx->st, f, NULL);
	free(data);
	return rc;
}

static void visibility(struct fixture *fx)
{
	struct world w;

	world(fx, &w);
	store_batch_mode(fx->st, true);
	ok(!store_batch_pending(fx->st), "no batch before a change");
	succeeds(fx, put(fx, &w, "a", 10), "create a in a batch");
	ok(store_batch_pending(fx->st), "the change is held in a batch");
	ok(sees(fx->st, &w, "a"), "the batch's handle sees it");
	ok(!sees(w.other, &w, "a"), "another connection does not, yet");
	succeeds(fx, put(fx, &w, "b", 10), "create b in the same batch");
	succeeds(fx, store_batch_commit(fx->st), "commit");
	ok(!store_batch_pending(fx->st), "nothing pending after the commit");
	ok(sees(w.other, &w, "a") && sees(w.other, &w, "b"),
	   "the other connection sees both after the commit");
	succeeds(fx, store_batch_commit(fx->st), "a commit with no batch is 0");
	store_close(w.other);
}

static void refusal(struct fixture *fx)
{
	struct world w;
	struct store_attr a;

	world(fx, &w);
	store_batch_mode(fx->st, true);
	succeeds(fx, put(fx, &w, "before", 100), "a change before");
	refused(fx, put(fx, &w, "huge", 2 * MIB), -ENOSPC, "capacity",
		"a write past the capacity inside the batch");
	refused(fx,
		store_fs_mkdir(fx->st, &w.boss, w.docs, "before", 0755, &a),
		-EEXIST, NULL, "a name taken inside the batch");
	succeeds(fx, put(fx, &w, "after", 100), "a change after");
	ok(store_batch_pending(fx->st), "the batch survives the refusals");
	store_batch_mode(fx->st, false);
	ok(!store_batch_pending(fx->st), "turning the mode off commits");
	ok(sees(w.other, &w, "before") && sees(w.other, &w, "after"),
	   "the changes around the refusals are committed");
	store_close(w.other);
}

static void sync_and_close(struct fixture *fx)
{
	struct world w;
	struct store *b = NULL;

	world(fx, &w);
	if (store_clone(fx->st, &b) != 0)
		fx_bail(fx, -EIO, "store_clone");
	store_batch_mode(b, true);
	{
		struct store *keep = fx->st;

		fx->st = b;
		succeeds(fx, put(fx, &w, "synced", 10), "a change");
		fx->st = keep;
	}
	ok(!sees(w.other, &w, "synced"), "held in the batch");
	succeeds(fx, store_fs_sync(b), "store_fs_sync");
	ok(!store_batch_pending(b), "fsync commits the batch");
	ok(sees(w.other, &w, "synced"), "and others see it");
	{
		struct store *keep = fx->st;

		fx->st = b;
		succeeds(fx, put(fx, &w, "closed", 10), "another change");
		fx->st = keep;
	}
	ok(!sees(w.other, &w, "closed"), "held in the batch");
	store_close(b);
	ok(sees(w.other, &w, "closed"), "closing the handle commits");
	succeeds(fx, store_settle(w.other), "store_settle with no batch");
	store_close(w.other);
}

/* A batch's requests share one transaction, and what one request read
 * (a name found free, a folder's row) is remembered for the next: every
 * change of a name must end that. */
static void names(struct fixture *fx)
{
	struct world w;
	struct store_rename r;
	struct store_attr a;

	world(fx, &w);
	store_batch_mode(fx->st, true);
	succeeds(fx, put(fx, &w, "first", 10), "a batch is open");
	ok(!sees(fx->st, &w, "m"), "m is free");
	succeeds(fx, put(fx, &w, "m", 10), "create m");
	ok(sees(fx->st, &w, "m"), "m is found, right after it was free");
	succeeds(fx, store_fs_rename(fx->st, &w.boss, w.docs, "m", w.docs,
				     "n", 0, &r),
		 "rename m to n");
	ok(!sees(fx->st, &w, "m") && sees(fx->st, &w, "n"),
	   "m is free again, n found");
	succeeds(fx, store_fs_unlink(fx->st, &w.boss, w.docs, "n"),
		 "unlink n");
	ok(!sees(fx->st, &w, "n"), "n is free");
	refused(fx, store_fs_mkdir(fx->st, &w.boss, w.docs, "first", 0755, &a),
		-EEXIST, NULL, "a name taken: the request rolls back");
	ok(sees(fx->st, &w, "first") && !sees(fx->st, &w, "n"),
	   "and the names stay as they were");
	succeeds(fx, store_batch_commit(fx->st), "commit");
	ok(sees(w.other, &w, "first") && !sees(w.other, &w, "m") &&
	   !sees(w.other, &w, "n"),
	   "another connection sees the same names");
	store_close(w.other);
}

/* A file made in a batch is known to be empty, and its space's bytes
 * as they were: its first write reads neither (content_known,
 * space_bytes_memo).  What it knows must hold: the space's use counts in
 * the refusal, and any change on the handle since (a truncation) makes
 * the write read again. */
static void fresh_file(struct fixture *fx)
{
	struct world w;
	struct store_setattr set = {.valid = STORE_SET_SIZE, .size = 100};
	struct store_file *f = NULL;
	struct store_attr a;
	char buf[128] = "";
	size_t done = 0, got = 0;
	char *big = calloc(1, 400 * 1024);

	world(fx, &w);
	if (!big)
		fx_bail(fx, -ENOMEM, "calloc");
	store_batch_mode(fx->st, true);
	succeeds(fx, put(fx, &w, "big", 700 * 1024), "700 KiB of 1 MiB used");
	succeeds(fx, store_fs_create(fx->st, &w.boss, w.docs, "more", 0644,
				     O_WRONLY | O_CREAT, &a, &f),
		 "create more");
	refused(fx, store_fs_write(fx->st, f, 0, big, 400 * 1024, &done),
		-ENOSPC, "capacity",
		"its first write of 400 KiB: 700 KiB are used already");
	succeeds(fx, store_fs_write(fx->st, f, 0, big, 300 * 1024, &done),
		 "300 KiB fit");
	store_fs_release(fx->st, f, NULL);
	f = NULL;

	succeeds(fx, store_fs_create(fx->st, &w.boss, w.docs, "t", 0644,
				     O_RDWR | O_CREAT, &a, &f),
		 "create t");
	succeeds(fx, store_fs_setattr(fx->st, &w.boss, a.ino, &set, f, &a),
		 "truncate it to 100 bytes");
	succeeds(fx, store_fs_write(fx->st, f, 0, "hello", 5, &done),
		 "write 5 bytes at 0");
	succeeds(fx, store_fs_read(fx->st, f, 0, sizeof(buf), buf, &got),
		 "read it back");
	ok(got == 100 && memcmp(buf, "hello", 5) == 0 && buf[5] == 0 &&
	   buf[99] == 0,
	   "100 bytes, hello and zeros (%zu): the write read the truncation",
	   got);
	store_fs_release(fx->st, f, NULL);
	succeeds(fx, store_batch_commit(fx->st), "commit");
	succeeds(fx, store_fs_lookup(w.other, &w.boss, w.docs, "more", &a),
		 "another connection finds more");
	ok(a.size == 300 * 1024, "  of 300 KiB (%lld)", (long long)a.size);
	succeeds(fx, store_fs_lookup(w.other, &w.boss, w.docs, "t", &a),
		 "and t");
	ok(a.size == 100, "  of 100 bytes (%lld)", (long long)a.size);
	free(big);
	store_close(w.other);
}

/* The wait hook (store_set_wait_hook), counting its calls. */
static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hook_cond = PTHREAD_COND_INITIALIZER;
static int hook_calls;

static void hook(void)
{
	pthread_mutex_lock(&hook_lock);
	hook_calls++;
	pthread_cond_broadcast(&hook_cond);
	pthread_mutex_unlock(&hook_lock);
}

/* Whether the hook was called `n` times within 10 s. */
static bool hook_reached(int n)
{
	struct timespec until;
	bool reached;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&hook_lock);
	while (hook_calls < n &&
	       pthread_cond_timedwait(&hook_cond, &hook_lock, &until) == 0)
		;
	reached = hook_calls >= n;
	pthread_mutex_unlock(&hook_lock);
	return reached;
}

/* A folder made in another thread, which may have to wait. */
struct maker {
	struct store *st;
	const struct world *w;
	const char *name;
	int rc;
	pthread_t thread;
};

static void *make(void *arg)
{
	struct maker *m = arg;
	struct store_attr a;

	m->rc = store_fs_mkdir(m->st, &m->w->boss, m->w->docs, m->name, 0755,
			       &a);
	return NULL;
}

/* A write that waits for a lock held elsewhere calls the wait hook first,
 * in its own thread (the daemon's loop then lets another worker read):
 * this process's write lock, held by another handle's batch, and on
 * SQLite the database's, held by another connection. */
static void wait_hook(struct fixture *fx)
{
	struct maker m = {.st = fx->st, .name = "waits"};
	struct store_attr a;
	struct world w;

	world(fx, &w);
	m.w = &w;
	store_set_wait_hook(hook);
	store_batch_mode(w.other, true);
	succeeds(fx, store_fs_mkdir(w.other, &w.boss, w.docs, "held", 0755, &a),
		 "another handle's batch holds the write lock");
	ok(pthread_create(&m.thread, NULL, make, &m) == 0,
	   "a write starts on this one");
	ok(hook_reached(1), "it calls the wait hook");
	succeeds(fx, store_batch_commit(w.other), "the batch commits");
	pthread_join(m.thread, NULL);
	succeeds(fx, m.rc, "and the write goes through");
	store_batch_mode(w.other, false);
	if (!fx_on_postgres()) {
		char path[PATH_MAX + 16];
		sqlite3 *db = NULL;

		snprintf(path, sizeof(path), "%s/db/store.db", fx->dir);
		ok(sqlite3_open(path, &db) == SQLITE_OK &&
			   sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
					NULL) == SQLITE_OK,
		   "another connection takes the database's write lock");
		m.name = "waits too";
		ok(pthread_create(&m.thread, NULL, make, &m) == 0,
		   "a write starts");
		ok(hook_reached(2), "it calls the wait hook");
		ok(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK,
		   "the other connection commits");
		pthread_join(m.thread, NULL);
		succeeds(fx, m.rc, "and the write goes through");
		sqlite3_close(db);
	}
	store_set_wait_hook(NULL);
	store_close(w.other);
}

/* The schema version of the case's store as a newer groupfs would leave
 * it: `up` by a thousand versions, or back down. */
static int schema_move(struct fixture *fx, bool up)
{
	char sql[64];
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char path[PATH_MAX + 16];
	int version = -1;

	if (fx_on_postgres())
		return fx_sql(
			fx, NULL,
			up ? "UPDATE gfs_schema SET version = version + 1000"
			   : "UPDATE gfs_schema SET version = version - 1000");
	snprintf(path, sizeof(path), "%s/db/store.db", fx->dir);
	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	if (version < 0)
		return -EIO;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 version + (up ? 1000 : -1000));
	return fx_sql(fx, sql, NULL);
}

/* A newer groupfs upgrades the schema while this process has the store
 * open (a daemon mounted before the upgrade): nothing more is written,
 * on any handle, in a batch or not, each refusal saying why; reading
 * goes on; at a version it knows again, writing does too. */
static void newer_schema(struct fixture *fx)
{
	struct store_attr a;
	struct world w;

	world(fx, &w);
	succeeds(fx,
		 store_fs_mkdir(fx->st, &w.boss, w.docs, "before", 0755, &a),
		 "a folder made at the schema this groupfs knows");
	ok(sees(w.other, &w, "before"), "another handle reads it");
	succeeds(fx, schema_move(fx, true),
		 "a newer groupfs moves the schema a thousand versions on");
	refused(fx, store_fs_mkdir(fx->st, &w.boss, w.docs, "after", 0755, &a),
		-EROFS, "upgraded the store to schema version",
		"then a change is refused");
	is_errno(store_fs_mkdir(w.other, &w.boss, w.docs, "after", 0755, &a),
		 -EROFS, "on the other handle too");
	like(store_errmsg(w.other), "restart it at the newer version",
	     "its message says what to do");
	store_batch_mode(w.other, true);
	is_errno(store_fs_mkdir(w.other, &w.boss, w.docs, "after", 0755, &a),
		 -EROFS, "and in a batch");
	store_batch_mode(w.other, false);
	ok(sees(fx->st, &w, "before") && sees(w.other, &w, "before"),
	   "reading goes on");
	ok(!sees(w.other, &w, "after"), "nothing was made");
	succeeds(fx, schema_move(fx, false), "back at the schema it knows");
	succeeds(fx, store_fs_mkdir(fx->st, &w.boss, w.docs, "after", 0755, &a),
		 "a change goes through again");
	ok(sees(w.other, &w, "after"), "and shows");
	store_close(w.other);
}

/* SQLite's default VFS, and a copy of it that counts the files opened for
 * sub-journals (a savepoint's originals of the pages it changed, once they
 * no longer fit in memory). */
static sqlite3_vfs *real_vfs;
static sqlite3_vfs counting_vfs;
static int subjournal_files;

static int counting_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
			 int flags, int *out)
{
	(void)vfs;
	if (flags & SQLITE_OPEN_SUBJOURNAL)
		__atomic_add_fetch(&subjournal_files, 1, __ATOMIC_RELAXED);
	return real_vfs->xOpen(real_vfs, name, f, flags, out);
}

/* A savepoint past `kib` KiB in a scratch database of the case's, in WAL
 * mode as the store's (where every page a savepoint changes goes to the
 * sub-journal): 0, or -EIO. */
static int big_savepoint(struct fixture *fx, int kib)
{
	char path[PATH_MAX + 16], sql[256];
	sqlite3 *db = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/scratch.db", fx->tmp);
	snprintf(sql, sizeof(sql),
		 "PRAGMA journal_mode = WAL; CREATE TABLE t (x BLOB);"
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
		 "FROM n WHERE i < %d) INSERT INTO t SELECT zeroblob(2048) "
		 "FROM n;"
		 "BEGIN; SAVEPOINT s; UPDATE t SET x = randomblob(2048);"
		 "RELEASE s; COMMIT;",
		 kib / 2 + 64);
	rc = sqlite3_open_v2(path, &db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			     "counting");
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		diag("scratch database: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -EIO;
}

/* Every request runs in a savepoint of the batch's transaction; what an
 * unlink, a create or a folder's removal changes must stay in memory: a
 * sub-journal in a file (in the temporary folder, often another disk) is
 * written page by page until the transaction ends, and took a fifth of an
 * rm -rf's time with SQLite's 64 KiB. */
static void journal_in_memory(struct fixture *fx)
{
	struct world w;
	struct store *b = NULL, *keep = fx->st;
	struct store_attr a;
	char name[32];
	int i, made = 0, gone = 0;

	world(fx, &w);
	if (fx_on_postgres()) {
		/* No sub-journal there: the same requests, done in a batch. */
		real_vfs = NULL;
	} else {
		real_vfs = sqlite3_vfs_find(NULL);
		counting_vfs = *real_vfs;
		counting_vfs.zName = "counting";
		counting_vfs.xOpen = counting_open;
		ok(sqlite3_vfs_register(&counting_vfs, 1) == SQLITE_OK,
		   "a counting VFS as the default");
	}
	if (store_clone(fx->st, &b) != 0)
		fx_bail(fx, -EIO, "store_clone");
	store_batch_mode(b, true);
	fx->st = b;
	succeeds(fx, store_fs_mkdir(b, &w.boss, w.docs, "dir", 0755, &a),
		 "a folder in a batch");
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "file-%03d", i);
		made += put(fx, &w, name, 100) == 0;
	}
	ok(made == 300, "300 files made in the batch (%d)", made);
	succeeds(fx, store_batch_commit(b), "commit");
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "file-%03d", i);
		gone += store_fs_unlink(b, &w.boss, w.docs, name) == 0;
	}
	ok(gone == 300, "300 files removed in the next (%d)", gone);
	succeeds(fx, store_fs_rmdir(b, &w.boss, w.docs, "dir"),
		 "and the folder");
	succeeds(fx, store_batch_commit(b), "commit");
	fx->st = keep;
	store_close(b);
	ok(!sees(w.other, &w, "file-000") && !sees(w.other, &w, "dir"),
	   "another connection sees them gone");
	if (real_vfs) {
		is_int(subjournal_files, 0,
		       "no request's sub-journal went to a file");
		succeeds(fx, big_savepoint(fx, 2048),
			 "a savepoint of 2 MiB in a scratch database");
		ok(subjournal_files > 0,
		   "that one did (%d): the count counts, the limit is finite",
		   subjournal_files);
		sqlite3_vfs_register(real_vfs, 1);
		sqlite3_vfs_unregister(&counting_vfs);
	}
	store_close(w.other);
}

int main(void)
{
	fx_run("a batch is seen by its handle, by others once committed",
	       visibility);
	fx_run("a refusal inside a batch undoes itself alone", refusal);
	fx_run("fsync and close commit a batch", sync_and_close);
	fx_run("names change inside a batch, one request to the next", names);
	fx_run("a file made in a batch: its first write", fresh_file);
	fx_run("a write waiting for a lock calls the wait hook", wait_hook);
	fx_run("a newer groupfs's schema: no more writes, reads go on",
	       newer_schema);
	fx_run("a request's journal stays in memory", journal_in_memory);
	return done_testing();
}
