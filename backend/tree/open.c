// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of items open in this process: a lock per item for its
 * content (readers share, a writer is alone), the content engine's handle
 * shared by its handles, and the orphan mark of an item that lost its last
 * name while open (its last close frees it).  Other processes learn of
 * opens through open_mark (daemons.c).
 */
#include <stdlib.h>

#include "internal.h"

static struct istate **slot_of(struct shared *sh, uint64_t ino)
{
	return &sh->itab[(ino * 0x9e3779b97f4a7c15ULL >> 32) % ITAB_SLOTS];
}

bool istate_orphan(struct store *st, uint64_t ino)
{
	struct istate *is;
	bool open = false;

	pthread_mutex_lock(&st->sh->lock);
	for (is = *slot_of(st->sh, ino); is; is = is->next)
		if (is->ino == ino)
			open = is->orphan = true;
	pthread_mutex_unlock(&st->sh->lock);
	return open;
}

bool istate_open(struct store *st, uint64_t ino)
{
	struct istate *is;
	bool open = false;

	pthread_mutex_lock(&st->sh->lock);
	for (is = *slot_of(st->sh, ino); is && !open; is = is->next)
		open = is->ino == ino;
	pthread_mutex_unlock(&st->sh->lock);
	return open;
}

struct istate *istate_get(struct store *st, uint64_t ino)
{
	struct istate **slot, *is;

	pthread_mutex_lock(&st->sh->lock);
	slot = slot_of(st->sh, ino);
	for (is = *slot; is; is = is->next)
		if (is->ino == ino)
			break;
	if (!is) {
		is = calloc(1, sizeof(*is));
		if (is) {
			is->ino = ino;
			pthread_rwlock_init(&is->rw, NULL);
			pthread_mutex_init(&is->blob_lock, NULL);
			is->next = *slot;
			*slot = is;
			open_mark(st, ino, true);
		}
	}
	if (is)
		is->opens++;
	pthread_mutex_unlock(&st->sh->lock);
	return is;
}

/* Drop one open; true when it was the last of an orphan (the caller frees
 * it).  A flag left by a transaction that rolled back costs a query: the
 * caller frees only a node with no link.  *last: it was the last open in
 * this process. */
bool istate_put(struct store *st, struct istate *is, bool *lastp)
{
	struct istate **pp;
	bool last, orphan;

	pthread_mutex_lock(&st->sh->lock);
	last = --is->opens == 0;
	if (last) {
		for (pp = slot_of(st->sh, is->ino); *pp; pp = &(*pp)->next)
			if (*pp == is) {
				*pp = is->next;
				break;
			}
		open_mark(st, is->ino, false);
	}
	pthread_mutex_unlock(&st->sh->lock);
	*lastp = last;
	if (!last)
		return false;
	orphan = is->orphan;
	blob_ref_put(st->sh->blob, is->blob);
	pthread_rwlock_destroy(&is->rw);
	pthread_mutex_destroy(&is->blob_lock);
	free(is);
	return orphan;
}
