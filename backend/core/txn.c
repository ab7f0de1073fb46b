// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Transactions as the rules see them: the engine's transaction (meta.h)
 * with what the store adds around it.  This process's writers queue on
 * one mutex (shared.wlock) instead of in the engine's busy wait; the first
 * write of a daemon runs its write hook; a module may ask for a last step
 * before the commit (store.at_txn_end: history prunes the view folders the
 * transaction emptied); and a commit outside a daemon that
 * changed rights waits until every daemon has applied it (SPEC.md: a
 * change applies to the very next operation).
 */
#include <string.h>

#include "internal.h"

static void wlock(struct store *st)
{
	pthread_mutex_lock(&st->sh->wlock);
	st->wlocked = true;
}

static void wunlock(struct store *st)
{
	if (st->wlocked) {
		st->wlocked = false;
		pthread_mutex_unlock(&st->sh->wlock);
	}
}

static int detached(struct store *st)
{
	return store_fail(st, -EIO, "this store handle is detached (a bug)");
}

int txn_begin(struct store *st)
{
	int rc;

	if (!st->eng)
		return detached(st);
	if (st->txn_depth++ > 0)
		return 0;
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
	if (rc) {
		st->txn_depth = 0;
		wunlock(st);
		return rc;
	}
	st->rights_at_begin = -1;
	if (st->sh->daemons_fd < 0 && !st->migrating)
		meta_rights_gen(st, &st->rights_at_begin);
	return 0;
}

int txn_read_begin(struct store *st)
{
	int rc;

	if (!st->eng)
		return detached(st);
	if (st->txn_depth++ > 0)
		return 0;
	rc = meta_begin(st, false);
	if (rc)
		st->txn_depth = 0;
	return rc;
}

void txn_read_end(struct store *st)
{
	if (--st->txn_depth > 0)
		return;
	meta_commit(st);
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
	if (rc == 0) {
		rc = meta_commit(st);
		if (rc == 0) {
			int64_t v = -1;

			wunlock(st);
			if (st->rights_at_begin >= 0 &&
			    meta_rights_gen(st, &v) == 0 &&
			    v != st->rights_at_begin)
				daemons_wait(st);
			return 0;
		}
	}
	meta_rollback(st);
	wunlock(st);
	return rc;
}
