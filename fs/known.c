// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's lookup counts: which inodes the kernel holds and how many
 * times it was told of each, so that a change of rights can drop every
 * cached page and attribute the kernel may still serve.  The backend needs
 * no lookup counts: an unlinked item lives until its last close.
 */
#include <stdlib.h>

#include "groupfs.h"

struct slot {
	uint64_t ino;	/* 0: empty, UINT64_MAX: deleted */
	uint64_t count;
};

/* Open addressing with linear probing.  At half full (live entries and
 * tombstones) it is built again without its tombstones, twice the size
 * only when live entries fill a quarter (rehash): inodes the kernel
 * forgot leave no trace, so a daemon mounted for days through nightly
 * walks of a million files keeps a table the size of what the kernel
 * holds (at most eight slots an inode), not of all it ever held. */
struct fs_known {
	pthread_mutex_t lock;
	struct slot *v;
	size_t cap, used, tomb;
};

#define DELETED UINT64_MAX

struct fs_known *fs_known_new(void)
{
	struct fs_known *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->cap = 1024;
	k->v = calloc(k->cap, sizeof(*k->v));
	if (!k->v) {
		free(k);
		return NULL;
	}
	pthread_mutex_init(&k->lock, NULL);
	return k;
}

void fs_known_free(struct fs_known *k)
{
	if (!k)
		return;
	pthread_mutex_destroy(&k->lock);
	free(k->v);
	free(k);
}

static size_t hash(uint64_t ino, size_t cap)
{
	return (size_t)((ino * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

static struct slot *find(struct fs_known *k, uint64_t ino, bool insert)
{
	size_t i = hash(ino, k->cap);
	struct slot *tomb = NULL;

	for (;;) {
		struct slot *s = &k->v[i];

		if (s->ino == ino)
			return s;
		if (s->ino == 0)
			return insert ? (tomb ? tomb : s) : NULL;
		if (s->ino == DELETED && !tomb)
			tomb = s;
		i = (i + 1) & (k->cap - 1);
	}
}

/* The table again in `cap` slots (a power of two), without tombstones. */
static bool rehash(struct fs_known *k, size_t cap)
{
	struct slot *old = k->v;
	size_t oldcap = k->cap, i;

	k->v = calloc(cap, sizeof(*k->v));
	if (!k->v) {
		k->v = old;
		return false;
	}
	k->cap = cap;
	k->used = k->tomb = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].ino && old[i].ino != DELETED) {
			*find(k, old[i].ino, true) = old[i];
			k->used++;
		}
	free(old);
	return true;
}

void fs_known_add(struct fs_known *k, uint64_t ino, uint64_t n)
{
	struct slot *s;

	if (ino == 0 || ino == DELETED)
		return;
	pthread_mutex_lock(&k->lock);
	/* Half full: twice the size when live entries fill a quarter of it
	 * (as many slots as before for as many inodes held), else the same
	 * size without its tombstones. */
	if ((k->used + k->tomb + 1) * 2 > k->cap &&
	    !rehash(k, (k->used + 1) * 4 > k->cap ? k->cap * 2 : k->cap) &&
	    k->used + k->tomb + 2 > k->cap) {
		/* Out of memory and no slot left but the one that ends every
		 * probe: this inode goes uncounted. */
		pthread_mutex_unlock(&k->lock);
		return;
	}
	s = find(k, ino, true);
	if (s->ino != ino) {
		if (s->ino == DELETED)
			k->tomb--;
		s->ino = ino;
		s->count = 0;
		k->used++;
	}
	s->count += n;
	pthread_mutex_unlock(&k->lock);
}

void fs_known_forget(struct fs_known *k, uint64_t ino, uint64_t n)
{
	struct slot *s;

	pthread_mutex_lock(&k->lock);
	s = find(k, ino, false);
	if (s) {
		s->count = s->count > n ? s->count - n : 0;
		if (s->count == 0) {
			s->ino = DELETED;
			k->used--;
			k->tomb++;
		}
	}
	/* The kernel forgot most of a big walk: give the memory back, down
	 * to a quarter full (1,024 slots at least). */
	if (k->cap > 1024 && k->used * 8 < k->cap && k->tomb * 8 > k->cap) {
		size_t cap = 1024;

		while (cap < (k->used + 1) * 4)
			cap *= 2;
		rehash(k, cap);
	}
	pthread_mutex_unlock(&k->lock);
}

size_t fs_known_slots(struct fs_known *k)
{
	size_t cap;

	pthread_mutex_lock(&k->lock);
	cap = k->cap;
	pthread_mutex_unlock(&k->lock);
	return cap;
}

void fs_known_each(struct fs_known *k, void (*fn)(void *arg, uint64_t ino),
		   void *arg)
{
	size_t i;

	pthread_mutex_lock(&k->lock);
	for (i = 0; i < k->cap; i++)
		if (k->v[i].ino && k->v[i].ino != DELETED)
			fn(arg, k->v[i].ino);
	pthread_mutex_unlock(&k->lock);
}
