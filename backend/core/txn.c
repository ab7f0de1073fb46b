// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Transactions as the rules see them: the engine's transaction (meta.h)
 * with what the store adds around it.  This process's writers queue on
 * one lock (shared.wlock) instead of in the engine's busy wait; the first
 * write of a daemon runs its write hook; a module may ask for a last step
 * before the commit (store.at_txn_end: history prunes the view folders the
 * transaction emptied); and a commit outside a daemon that changed rights
 * waits until every daemon has applied it (SPEC.md: a change applies to
 * the very next operation).
 *
 * Group commit (a daemon's, store_batch_mode): on a handle in batch mode a
 * write transaction that ends well releases a savepoint instead of
 * committing, and the next one on that handle continues the same engine
 * transaction.  The requests of a few milliseconds thus share one commit,
 * which the daemon makes (store_batch_commit) when the batch has lasted
 * long enough, before an fsync answers, and when the handle closes.  Each
 * request is still all or nothing: one that fails rolls back to its own
 * savepoint and leaves the others' changes in the batch.  The batch holds
 * the write lock, so no other writer (groupctl, another daemon) can start
 * before it commits, and store_settle lets a reader wait for that too.
 *
 * The journal (meta.h) is for other daemons' caches: a write transaction
 * that begins with none running leaves out its rows of nodes and names
 * (st->journal_quiet), a daemon mounted alone writes none.  One that
 * starts later writes its record first, which waits for the lock, and
 * reads the journal from there on.
 */
#include <string.h>

#include "internal.h"

static void wlock(struct store *st)
{
	if (sem_trywait(&st->sh->wlock) != 0) {
		store_waiting();
		while (sem_wait(&st->sh->wlock) != 0)
			; /* EINTR */
	}
	st->wlocked = true;
}

static void wunlock(struct store *st)
{
	st->journal_quiet = false;
	if (st->wlocked) {
		st->wlocked = false;
		sem_post(&st->sh->wlock);
	}
}

static int detached(struct store *st)
{
	return store_fail(st, -EIO, "this store handle is detached (a bug)");
}

/* The engine ended the batch's transaction by itself (some errors roll a
 * whole transaction back): what it held is gone.  Say so; the next write
 * starts a new one. */
static void batch_lost(struct store *st)
{
	store_log(st, STORE_LOG_ERR,
		  "the changes of the last milliseconds were rolled back by "
		  "the database (%s): files changed since the last commit "
		  "may show their earlier state",
		  st->errmsg[0] ? st->errmsg : "no reason given");
	st->batch_open = false;
	wunlock(st);
}

int txn_begin(struct store *st)
{
	int rc;

	if (!st->eng)
		return detached(st);
	if (st->txn_depth++ > 0)
		return 0;
	if (st->batch_open) {
		rc = meta_savepoint(st);
		if (rc)
			st->txn_depth = 0;
		return rc;
	}
	wlock(st);
	if (st->sh->write_hook && !st->sh->write_hook_done) {
		rc = st->sh->write_hook(st->sh->write_hook_arg);
		if (rc) {
			st->txn_depth = 0;
			wunlock(st);
			return store_fail(st, rc, "cannot prepare to write to "
					  "the store: %s", strerror(-rc));
		}
		st->sh->write_hook_done = true;
	}
	rc = meta_begin(st, true);
	/* A newer groupfs may have upgraded the store since it opened: its
	 * rows would be written wrong, so nothing more is. */
	if (rc == 0 && !st->migrating) {
		rc = meta_schema_current(st);
		if (rc)
			meta_rollback(st);
	}
	if (rc == 0 && st->batch) {
		rc = meta_savepoint(st);
		if (rc == 0)
			st->batch_open = true;
		else
			meta_rollback(st);
	}
	if (rc) {
		st->txn_depth = 0;
		wunlock(st);
		return rc;
	}
	st->rights_at_begin = -1;
	if (st->sh->daemons_fd < 0 && !st->migrating)
		meta_rights_gen(st, &st->rights_at_begin);
	/* Rows of nodes and names only another daemon would read: none runs,
	 * and none can start before this commits (it writes its record).
	 * SQLite's triggers ask (gfs_origin() > 0); PostgreSQL's always
	 * write. */
	if (!st->sh->conninfo && !st->migrating)
		st->journal_quiet = !daemons_other(st);
	return 0;
}

int txn_read_begin(struct store *st)
{
	int rc;

	if (!st->eng)
		return detached(st);
	if (st->txn_depth++ > 0 || st->batch_open)
		return 0; /* a batch's reads see its changes */
	rc = meta_begin(st, false);
	if (rc)
		st->txn_depth = 0;
	return rc;
}

void txn_read_end(struct store *st)
{
	if (--st->txn_depth > 0 || st->batch_open)
		return;
	meta_commit(st);
}

/* The end of a commit: the lock goes, and outside a daemon a change of
 * rights waits until every daemon has applied it. */
static int committed(struct store *st)
{
	int64_t v = -1;

	wunlock(st);
	if (st->rights_at_begin >= 0 && meta_rights_gen(st, &v) == 0 &&
	    v != st->rights_at_begin)
		daemons_wait(st);
	return 0;
}

int txn_end(struct store *st, int rc)
{
	if (--st->txn_depth > 0)
		return rc;
	if (st->at_txn_end) {
		int r = st->at_txn_end(st, rc == 0);

		st->at_txn_end = NULL;
		if (rc == 0)
			rc = r;
	}
	if (st->batch_open) {
		int r = meta_savepoint_end(st, rc == 0);

		if (!meta_txn_active(st))
			batch_lost(st);
		return rc ? rc : r;
	}
	if (rc == 0) {
		rc = meta_commit(st);
		if (rc == 0)
			return committed(st);
	}
	meta_rollback(st);
	wunlock(st);
	return rc;
}

void store_batch_mode(struct store *st, bool on)
{
	if (!on)
		store_batch_commit(st);
	st->batch = on;
}

bool store_batch_pending(const struct store *st)
{
	return st->batch_open;
}

int store_batch_commit(struct store *st)
{
	int rc;

	if (!st->batch_open || st->txn_depth > 0)
		return 0;
	st->batch_open = false;
	if (!meta_txn_active(st)) {
		batch_lost(st);
		return -EIO;
	}
	rc = meta_commit(st);
	if (rc == 0)
		return committed(st);
	store_log(st, STORE_LOG_ERR,
		  "the changes of the last milliseconds could not be "
		  "committed and are lost: %s", st->errmsg);
	meta_rollback(st);
	wunlock(st);
	return rc;
}

int store_settle(struct store *st)
{
	int rc;

	if (!st->eng)
		return detached(st);
	if (st->txn_depth > 0 || st->batch_open)
		return 0;
	/* Taking the write lock waits for any batch to commit.  No write
	 * hook: nothing is written. */
	wlock(st);
	rc = meta_begin(st, true);
	if (rc == 0)
		rc = meta_commit(st);
	wunlock(st);
	return rc;
}
