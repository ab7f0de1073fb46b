// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Calendar and contact items: which names are items (NAME.ics in a
 * calendar, NAME.vcf in contacts; anything else there is a scratch or vdir
 * metadata file), checking an item's content before it takes effect, and
 * the index of items by UID that refuses a second item with the same UID
 * in one calendar.  The index keeps a keyed hash of each UID, never the
 * UID itself: nothing written to an item is stored in the clear.
 *
 * A check is bounded by the limits of pim.h (milliseconds, a few MiB) but
 * is still the slowest part of a store step, so callers check an item
 * before they take the store's write lock, and check it again inside it
 * (the content may have changed meanwhile): the second check of the same
 * bytes is a hash and a look-up in a small table of recent verdicts.
 * Checks of large items run at most LARGE_CHECKS at once, so that members
 * writing many at a time cannot raise the daemon's memory without bound,
 * and the memory they took is handed back to the system after them.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

#include "internal.h"
#include "pim.h"

/* What item_read reads: items stored before the limit of pim.h (16 MiB)
 * stay readable, unchanged. */
#define ITEM_MAX (16 * 1024 * 1024)
/* A large item, and how many large checks may run at once. */
#define LARGE_ITEM   (256 * 1024)
#define LARGE_CHECKS 2
/* Recent successful checks remembered (process-wide). */
#define VERDICTS 64

struct verdict {
	unsigned char hash[crypto_generichash_BYTES];
	int type;
	struct pim_info info;
};

/* Both guarded by verdict_lock. */
static struct verdict verdicts[VERDICTS];
static unsigned verdict_count, verdict_next;
static pthread_mutex_t verdict_lock = PTHREAD_MUTEX_INITIALIZER;

/* Guarded by large_lock, which is taken alone: a check waiting for a
 * turn waits only for other checks, which need no lock to finish. */
static int large_running;
static pthread_mutex_t large_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t large_done = PTHREAD_COND_INITIALIZER;

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

int item_type(const struct node_info *dir, const char *name)
{
	if (!S_ISDIR(dir->mode) || dir->parent != dir->space_root)
		return ITEM_NONE;
	if (dir->tool == TOOL_CALENDAR && ends_with(name, ".ics"))
		return ITEM_ICS;
	if (dir->tool == TOOL_CONTACTS && ends_with(name, ".vcf"))
		return ITEM_VCF;
	return ITEM_NONE;
}

static bool verdict_find(const unsigned char *hash, int type,
			 struct pim_info *info)
{
	bool found = false;
	unsigned i;

	pthread_mutex_lock(&verdict_lock);
	for (i = 0; i < verdict_count && !found; i++)
		if (verdicts[i].type == type &&
		    !sodium_memcmp(verdicts[i].hash, hash,
				   sizeof(verdicts[i].hash))) {
			*info = verdicts[i].info;
			found = true;
		}
	pthread_mutex_unlock(&verdict_lock);
	return found;
}

static void verdict_keep(const unsigned char *hash, int type,
			 const struct pim_info *info)
{
	struct verdict *v;

	pthread_mutex_lock(&verdict_lock);
	v = &verdicts[verdict_next];
	verdict_next = (verdict_next + 1) % VERDICTS;
	if (verdict_count < VERDICTS)
		verdict_count++;
	memcpy(v->hash, hash, sizeof(v->hash));
	v->type = type;
	v->info = *info;
	pthread_mutex_unlock(&verdict_lock);
}

static void large_begin(size_t len)
{
	if (len < LARGE_ITEM)
		return;
	pthread_mutex_lock(&large_lock);
	while (large_running >= LARGE_CHECKS)
		pthread_cond_wait(&large_done, &large_lock);
	large_running++;
	pthread_mutex_unlock(&large_lock);
}

static void large_end(size_t len)
{
	if (len < LARGE_ITEM)
		return;
	pthread_mutex_lock(&large_lock);
	large_running--;
	pthread_cond_signal(&large_done);
	pthread_mutex_unlock(&large_lock);
#ifdef __GLIBC__
	/* libical's objects of a large item leave the heap in pieces. */
	malloc_trim(0);
#endif
}

int item_check(struct store *st, int type, const void *data, size_t len,
	       struct pim_info *info)
{
	unsigned char hash[crypto_generichash_BYTES];
	const char *what =
		type == ITEM_ICS ? "not a calendar item" : "not a contact";
	char why[256] = "";
	int rc;

	memset(info, 0, sizeof(*info));
	/* Before any hashing or parsing: the size alone refuses.  (A
	 * refusal is the caller's to report, the daemon's log included.) */
	if (len > PIM_MAX_BYTES)
		return store_fail(st, -EFBIG, "an item holds at most %d MiB",
				  PIM_MAX_BYTES >> 20);
	crypto_generichash(hash, sizeof(hash), data, len, NULL, 0);
	if (verdict_find(hash, type, info))
		return 0;
	large_begin(len);
	if (type == ITEM_ICS)
		rc = ics_check(data, len, info, why, sizeof(why));
	else
		rc = vcard_check(data, len, info, why, sizeof(why));
	large_end(len);
	if (rc == 0) {
		verdict_keep(hash, type, info);
		return 0;
	}
	if (rc == -EINVAL || rc == -EFBIG)
		return store_fail(st, rc, "%s: %s", what,
				  why[0] ? why : "does not parse");
	return rc;
}

int item_read(struct store *st, int64_t ino, unsigned char **data,
	      size_t *len)
{
	struct content ct;
	unsigned char *buf;
	size_t got = 0;
	int rc = content_load(st, ino, &ct);

	if (rc)
		return rc;
	if (ct.size > ITEM_MAX) {
		content_free(&ct);
		return store_fail(st, -EFBIG, "an item holds at most 16 MiB");
	}
	buf = malloc(ct.size ? (size_t)ct.size : 1);
	if (!buf) {
		content_free(&ct);
		return -ENOMEM;
	}
	rc = content_read(st, NULL, &ct, 0, (size_t)ct.size, buf, &got);
	content_free(&ct);
	if (rc) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = got;
	return 0;
}

int item_validate_node(struct store *st, int64_t ino, int type,
		       struct pim_info *info)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = item_read(st, ino, &data, &len);

	if (rc == 0)
		rc = item_check(st, type, data, len, info);
	if (data)
		sodium_memzero(data, len);
	free(data);
	return rc;
}

/* A UID's keyed hash: equal UIDs in one space hash alike; the hash tells
 * nothing without the key. */
static void uid_hash(struct store *st, int64_t space, const char *uid,
		     unsigned char out[META_UID_BYTES])
{
	unsigned char key[STORE_KEY_BYTES];

	crypto_kdf_derive_from_key(key, sizeof(key), (uint64_t)space,
				   "groupuid", st->sh->key);
	crypto_generichash(out, META_UID_BYTES, (const unsigned char *)uid,
			   strlen(uid), key, sizeof(key));
	sodium_memzero(key, sizeof(key));
}

int item_claim(struct store *st, int64_t ino, const struct node_info *dir,
	       const struct pim_info *info, int64_t replacing)
{
	unsigned char h[META_UID_BYTES];
	char name[256];
	int rc;

	if (!info->has_uid)
		return meta_item_claim(st, ino, dir->ino, NULL, info->kind);
	uid_hash(st, dir->space, info->uid, h);
	rc = meta_item_uid_taken(st, dir->ino, h, ino, replacing, name,
				 sizeof(name));
	if (rc == 0)
		return store_fail(st, -EEXIST,
				  "the UID of this item is already used by %s "
				  "here",
				  name);
	if (rc != -ENOENT)
		return rc;
	/* A nameless item (unlinked, still open) gives its UID up. */
	return meta_item_claim(st, ino, dir->ino, h, info->kind);
}

int item_find_uid(struct store *st, const struct node_info *dir,
		  const char *uid, char *name, size_t len)
{
	unsigned char h[META_UID_BYTES];

	uid_hash(st, dir->space, uid, h);
	return meta_item_find_uid(st, dir->ino, h, name, len);
}

int item_release(struct store *st, int64_t ino)
{
	return meta_item_release(st, ino);
}
