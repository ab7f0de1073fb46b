// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of history (SPEC.md section 5): a deleted item goes to the
 * trash, a save keeps the previous content as a version (one per save),
 * both are read back through the read-only view history/, history takes
 * only free room and gives way, oldest first, to live content, the group's
 * retention settings (administrator only), purge rights, drops seen only
 * by their owner and depositor, and restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"

#define KIB 1024ULL
/* What a history entry costs beside its bytes (history.c ENTRY_COST). */
#define ENTRY 2048

/* Write `len` bytes of `data` to `name` in `dir` (created, or opened with
 * O_TRUNC when it exists), as `c`. */
static uint64_t put(struct fixture *fx, const struct store_caller *c,
		    uint64_t dir, const char *name, const void *data,
		    size_t len)
{
	struct store_file *f = NULL;
	struct store_attr a;
	size_t done = 0;
	int rc;

	rc = store_fs_lookup(fx->st, c, dir, name, &a);
	if (rc == 0)
		rc = store_fs_open(fx->st, c, a.ino, O_WRONLY | O_TRUNC, &f);
	else
		rc = store_fs_create(fx->st, c, dir, name, 0644,
				     O_WRONLY | O_CREAT, &a, &f);
	if (rc == 0 && len)
		rc = store_fs_write(fx->st, f, 0, data, len, &done);
	if (rc == 0)
		rc = store_fs_flush(fx->st, f);
	if (f)
		store_fs_release(fx->st, f, NULL);
	if (rc)
		fx_bail(fx, rc, "write %s", name);
	return a.ino;
}

/* The content of the file at `path` below `dir` ("a/b"), as `c`: a
 * malloc'd string, NULL when it cannot be read. */
static char *get(struct fixture *fx, const struct store_caller *c,
		 uint64_t dir, const char *path)
{
	char *copy = strdup(path), *save = NULL, *part, *buf = NULL;
	struct store_file *f = NULL;
	struct store_attr a = {.ino = dir};
	size_t got = 0;
	int rc = 0;

	for (part = strtok_r(copy, "/", &save); part && rc == 0;
	     part = strtok_r(NULL, "/", &save))
		rc = store_fs_lookup(fx->st, c, a.ino, part, &a);
	free(copy);
	if (rc == 0)
		rc = store_fs_open(fx->st, c, a.ino, O_RDONLY, &f);
	if (rc == 0) {
		buf = calloc(1, a.size + 1);
		rc = store_fs_read(fx->st, f, 0, a.size, buf, &got);
		store_fs_release(fx->st, f, NULL);
	}
	if (rc) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool reads(struct fixture *fx, const struct store_caller *c,
		  uint64_t dir, const char *path, const char *want)
{
	char *got = get(fx, c, dir, path);
	bool same = got && strcmp(got, want) == 0;

	free(got);
	return same;
}

struct world {
	struct store_caller boss, bob, carol, dave;
	uint64_t docs, space_root, hist;
};

/* boss administers G (1 MiB), dave co-administers; bob and carol may
 * add and delete in documents. */
static void world(struct fixture *fx, struct world *w)
{
	struct store_attr a;

	fx_plan(fx, "small", 5, 5, 1024 * KIB, 512 * KIB);
	w->boss = fx_account(fx, "boss", "small");
	w->bob = fx_account(fx, "bob", "small");
	w->carol = fx_account(fx, "carol", "small");
	w->dave = fx_account(fx, "dave", "small");
	fx_group(fx, &w->boss, "G", 0);
	fx_join(fx, &w->boss, "G", "bob");
	fx_join(fx, &w->boss, "G", "carol");
	fx_join(fx, &w->boss, "G", "dave");
	fx_coadmin(fx, &w->boss, "G", "dave");
	fx_rights(fx, &w->boss, "G", "documents", STORE_RIGHT_ADD, true, NULL);
	fx_rights(fx, &w->boss, "G", "documents", STORE_RIGHT_DELETE, true,
		  NULL);
	w->docs = fx_root(fx, &w->boss, "G", STORE_TOOL_DOCUMENTS);
	if (store_fs_lookup(fx->st, &w->boss, STORE_ROOT_INO, "G", &a))
		fx_bail(fx, -EIO, "G");
	w->space_root = a.ino;
	if (store_fs_lookup(fx->st, &w->boss, w->space_root, "history", &a))
		fx_bail(fx, -EIO, "history");
	w->hist = a.ino;
}

static int64_t usage(struct fixture *fx, const struct store_caller *c,
		     int64_t *history)
{
	struct store_usage *u = NULL;
	int64_t used = -1;
	size_t n = 0;

	if (store_usage(fx->st, c, "G", &u, &n) == 0 && n == 1) {
		used = u[0].used;
		*history = u[0].history;
	}
	free(u);
	return used;
}

static size_t entries(struct fixture *fx, const struct store_caller *c,
		      const char *path)
{
	struct store_hist_entry *v = NULL;
	size_t n = 0;

	if (store_history_list(fx->st, c, "G", path, &v, &n) != 0)
		n = (size_t)-1;
	free(v);
	return n;
}

static void checked(struct fixture *fx)
{
	unsigned problems = 99;

	succeeds(fx, store_check(fx->st, &fx->op, NULL, NULL, &problems),
		 "check");
	is_int(problems, 0, "the store is consistent");
}

static void trash_keeps_deleted(struct fixture *fx)
{
	struct world w;
	struct store_hist_entry *v = NULL;
	struct store_attr a;
	int64_t hist = -1, used;
	uint64_t ino;
	size_t n = 0;

	world(fx, &w);
	ino = put(fx, &w.bob, w.docs, "a.txt", "hello", 5);
	used = usage(fx, &w.boss, &hist);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, w.docs, "a.txt"),
		 "bob deletes a.txt");
	is_int(usage(fx, &w.boss, &hist), used - 5,
	       "its bytes leave the live count");
	is_int(hist, 5 + ENTRY, "and count as history, with the entry's cost");
	ok(reads(fx, &w.carol, w.hist, "trash/documents/a.txt", "hello"),
	   "carol reads it in history/trash/documents/");
	succeeds(fx,
		 store_fs_lookup(fx->st, &w.carol, w.hist,
				 "trash", &a), "trash/");
	succeeds(fx, store_fs_lookup(fx->st, &w.carol, a.ino, "documents", &a),
		 "trash/documents/");
	succeeds(fx, store_fs_lookup(fx->st, &w.carol, a.ino, "a.txt", &a),
		 "trash/documents/a.txt");
	ok(a.ino != ino, "history shows it under an inode number of its own");
	is_int(a.mode & 0222, 0, "read-only");
	is_errno(store_fs_getattr(fx->st, &w.carol, ino, &a), -ESTALE,
		 "its own inode number is gone, as deleted items are");
	succeeds(fx, store_history_list(fx->st, &w.carol, "G", NULL, &v, &n),
		 "history list");
	ok(n == 1 && strcmp(v[0].path, "trash/documents/a.txt") == 0 &&
		   strcmp(v[0].origin, "documents/a.txt") == 0 &&
		   strcmp(v[0].by, "bob") == 0 && !v[0].version,
	   "the list names it, where it was, and who deleted it");
	free(v);
	checked(fx);
}

static void one_version_per_save(struct fixture *fx)
{
	struct world w;
	struct store_rename r;
	struct store_file *f = NULL;
	struct store_attr a;
	size_t done;

	world(fx, &w);
	put(fx, &w.bob, w.docs, "d.txt", "one", 3);
	is_int(entries(fx, &w.bob, "versions"), 0,
	       "a new item has no version");
	put(fx, &w.bob, w.docs, "d.txt", "two", 3);
	is_int(entries(fx, &w.bob, "versions/documents/d.txt"), 1,
	       "O_TRUNC and a write: one version");
	/* Many writes through one handle are one save. */
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, w.docs, "d.txt", &a),
		 "lookup");
	succeeds(fx, store_fs_open(fx->st, &w.bob, a.ino, O_WRONLY, &f),
		 "open");
	succeeds(fx, store_fs_write(fx->st, f, 3, "x", 1, &done), "write");
	succeeds(fx, store_fs_write(fx->st, f, 4, "y", 1, &done), "write");
	succeeds(fx, store_fs_write(fx->st, f, 0, "T", 1, &done), "write");
	store_fs_release(fx->st, f, NULL);
	is_int(entries(fx, &w.bob, "versions/documents/d.txt"), 2,
	       "three writes in place through one handle: one version");
	put(fx, &w.bob, w.docs, "d.tmp", "three", 5);
	succeeds(fx,
		 store_fs_rename(fx->st, &w.bob, w.docs, "d.tmp", w.docs,
				 "d.txt", 0, &r),
		 "the save pattern");
	is_int(entries(fx, &w.bob, "versions/documents/d.txt"), 3,
	       "a rename over it: one more version");
	is_int(entries(fx, &w.bob, "trash"), 0,
	       "  and no trash entry for the replaced content");
	{
		struct store_hist_entry *v = NULL;
		size_t n = 0;

		store_history_list(fx->st, &w.bob, "G",
				   "versions/documents/d.txt", &v, &n);
		ok(n == 3, "three versions listed");
		if (n == 3) {
			ok(reads(fx, &w.bob, w.hist, v[0].path, "one"),
			   "the oldest holds the first save");
			ok(reads(fx, &w.bob, w.hist, v[1].path, "two"),
			   "the second the second");
			ok(reads(fx, &w.bob, w.hist, v[2].path, "Twoxy"),
			   "the third the writes in place");
			ok(strstr(v[0].path, ".txt") != NULL,
			   "versions keep the item's extension");
		}
		free(v);
	}
	ok(reads(fx, &w.bob, w.docs, "d.txt", "three"), "live is the last");
	checked(fx);
}

static void history_gives_way(struct fixture *fx)
{
	struct world w;
	char *big = malloc(600 * KIB);
	int64_t hist = -1;

	world(fx, &w);
	memset(big, 'a', 600 * KIB);
	put(fx, &w.bob, w.docs, "big1", big, 600 * KIB);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, w.docs, "big1"),
		 "delete 600 KiB");
	usage(fx, &w.boss, &hist);
	is_int(hist, 600 * KIB + ENTRY, "history holds it");
	put(fx, &w.bob, w.docs, "big2", big, 600 * KIB);
	ok(1, "600 KiB more live in a 1 MiB group: history never makes a "
	      "write fail");
	is_int(usage(fx, &w.boss, &hist), 600 * KIB, "live");
	is_int(hist, 0, "the oldest history gave way");
	is_int(entries(fx, &w.bob, "trash"), 0, "  and is gone from the list");
	{
		struct store_file *f = NULL;
		struct store_attr a;
		size_t done;
		int rc;

		rc = store_fs_create(fx->st, &w.bob, w.docs, "big3", 0644,
				     O_WRONLY | O_CREAT, &a, &f);
		if (rc == 0)
			rc = store_fs_write(fx->st, f, 0, big, 600 * KIB,
					    &done);
		if (f)
			store_fs_release(fx->st, f, NULL);
		is_errno(rc, -ENOSPC, "live quota as before: past capacity is "
				      "ENOSPC");
	}
	free(big);
	checked(fx);
}

static void retention(struct fixture *fx)
{
	struct world w;
	int64_t days = 0, versions = 0;
	int i;

	world(fx, &w);
	succeeds(fx, store_group_get_keep(fx->st, &w.bob, "G", &days,
					  &versions), "get keep");
	is_int(days, 30, "30 days by default");
	is_int(versions, 20, "20 versions by default");
	refused(fx, store_group_set_keep(fx->st, &w.dave, "G", 1, -1), -EACCES,
		KW_ADMIN, "a co-administrator may not set retention");
	refused(fx, store_group_set_keep(fx->st, &w.bob, "G", -1, 1), -EACCES,
		KW_ADMIN, "a member may not");
	for (i = 0; i < 5; i++)
		put(fx, &w.bob, w.docs, "v.txt", "0123456789" + i, 1);
	is_int(entries(fx, &w.bob, "versions/documents/v.txt"), 4,
	       "four saves over: four versions");
	succeeds(fx, store_group_set_keep(fx->st, &w.boss, "G", -1, 2),
		 "keep 2 versions");
	is_int(entries(fx, &w.bob, "versions/documents/v.txt"), 2,
	       "  the oldest go at once");
	put(fx, &w.bob, w.docs, "v.txt", "x", 1);
	is_int(entries(fx, &w.bob, "versions/documents/v.txt"), 2,
	       "  and stay at 2");
	succeeds(fx, store_group_set_keep(fx->st, &w.boss, "G", 0, -1),
		 "keep 0 days");
	is_int(entries(fx, &w.bob, NULL), 0, "history is emptied");
	put(fx, &w.bob, w.docs, "gone.txt", "x", 1);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, w.docs, "gone.txt"),
		 "delete");
	is_int(entries(fx, &w.bob, NULL), 0, "0 days keeps nothing");
	succeeds(fx, store_group_set_keep(fx->st, &w.boss, "G", 30, -1),
		 "keep 30 days again");
	put(fx, &w.bob, w.docs, "kept.txt", "x", 1);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, w.docs, "kept.txt"),
		 "  delete in the same folder at once");
	is_int(entries(fx, &w.bob, NULL), 1,
	       "  the change applies to the very next deletion");
	checked(fx);
}

static void purge_rights(struct fixture *fx)
{
	struct world w;
	uint64_t sub;
	size_t done = 0;

	world(fx, &w);
	sub = fx_mkdir(fx, &w.bob, w.docs, "locked");
	put(fx, &w.bob, sub, "f.txt", "x", 1);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, sub, "f.txt"), "delete");
	fx_rights(fx, &w.boss, "G", "documents/locked", STORE_RIGHT_DELETE,
		  false, NULL);
	refused(fx, store_history_purge(fx->st, &w.bob, "G",
					"documents/locked/f.txt", &done),
		-EACCES, "delete right", "no delete right: no purge");
	is_int(entries(fx, &w.bob, NULL), 1, "  it stays");
	succeeds(fx, store_history_purge(fx->st, &w.dave, "G", NULL, &done),
		 "a co-administrator purges all");
	is_int(entries(fx, &w.bob, NULL), 0, "  gone");
	checked(fx);
}

static void drops_stay_private(struct fixture *fx)
{
	struct world w;
	struct store_attr a;

	world(fx, &w);
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, w.space_root, "drop", &a),
		 "drop/");
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, a.ino, "boss", &a),
		 "drop/boss");
	put(fx, &w.bob, a.ino, "b.txt", "mine", 4);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, a.ino, "b.txt"),
		 "bob deletes his drop");
	is_int(entries(fx, &w.bob, NULL), 1, "bob (depositor) sees it");
	is_int(entries(fx, &w.boss, NULL), 1, "boss (owner) sees it");
	is_int(entries(fx, &w.carol, NULL), 0, "carol does not");
	is_int(entries(fx, &w.dave, NULL), 0, "nor dave, co-administrator");
	ok(get(fx, &w.carol, w.hist, "trash/drop/boss/b.txt") == NULL,
	   "carol cannot read it in the view");
}

static void restore_puts_back(struct fixture *fx)
{
	struct world w;
	struct store_attr a;
	uint64_t sub, ino;
	size_t done = 0;

	world(fx, &w);
	sub = fx_mkdir(fx, &w.bob, w.docs, "p");
	ino = put(fx, &w.bob, sub, "a.txt", "A", 1);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, sub, "a.txt"), "rm");
	succeeds(fx, store_fs_rmdir(fx->st, &w.bob, w.docs, "p"), "rmdir");
	succeeds(fx, store_history_restore(fx->st, &w.carol, "G", "documents/p",
					   &done),
		 "carol restores the folder");
	ok(reads(fx, &w.carol, w.docs, "p/a.txt", "A"), "a.txt is back");
	succeeds(fx, store_fs_lookup(fx->st, &w.carol, w.docs, "p", &a), "p");
	succeeds(fx, store_fs_lookup(fx->st, &w.carol, a.ino, "a.txt", &a),
		 "a.txt");
	is_int((long long)a.ino, (long long)ino, "with its inode");
	is_int(entries(fx, &w.carol, NULL), 0, "history holds it no more");
	put(fx, &w.bob, w.docs, "x.txt", "1", 1);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, w.docs, "x.txt"), "rm");
	put(fx, &w.bob, w.docs, "x.txt", "2", 1);
	refused(fx, store_history_restore(fx->st, &w.bob, "G", "documents/x.txt",
					  &done),
		-EEXIST, "exists", "a taken name is refused");
	checked(fx);
}

/* An entry purged, expired or evicted while its item is still open
 * leaves the item readable and writable through the open descriptors
 * (an unlinked open file, SPEC.md section 3), freed at the last close. */
static void open_survives_purge(struct fixture *fx)
{
	struct world w;
	struct store_file *r = NULL, *wr = NULL;
	struct store_attr a;
	char buf[16] = "";
	size_t got = 0, done = 0;
	int64_t hist = -1;

	world(fx, &w);
	put(fx, &w.bob, w.docs, "big.txt", "content", 7);
	put(fx, &w.bob, w.docs, "w.txt", "log", 3);
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, w.docs, "big.txt", &a),
		 "big.txt");
	succeeds(fx, store_fs_open(fx->st, &w.bob, a.ino, O_RDONLY, &r),
		 "bob opens big.txt");
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, w.docs, "w.txt", &a),
		 "w.txt");
	succeeds(fx, store_fs_open(fx->st, &w.bob, a.ino, O_WRONLY | O_APPEND,
				   &wr), "bob opens w.txt to append");
	succeeds(fx, store_fs_unlink(fx->st, &w.carol, w.docs, "big.txt"),
		 "carol deletes big.txt");
	succeeds(fx, store_fs_unlink(fx->st, &w.carol, w.docs, "w.txt"),
		 "carol deletes w.txt");
	succeeds(fx, store_history_purge(fx->st, &w.dave, "G", NULL, &done),
		 "dave purges the history");
	is_int(entries(fx, &w.bob, NULL), 0, "  gone from history");
	if (r) {
		succeeds(fx, store_fs_read(fx->st, r, 0, sizeof(buf) - 1, buf,
					   &got), "bob still reads big.txt");
		is_str(buf, "content", "  all of it");
	}
	if (wr) {
		succeeds(fx, store_fs_write(fx->st, wr, 3, "+more", 5, &done),
			 "the writer still writes");
		succeeds(fx, store_fs_flush(fx->st, wr), "  and flushes");
	}
	is_int(usage(fx, &w.boss, &hist), 15, "open orphans count as live");
	is_int(hist, 0, "  not as history");
	checked(fx);
	if (r)
		store_fs_release(fx->st, r, NULL);
	if (wr)
		store_fs_release(fx->st, wr, NULL);
	is_int(usage(fx, &w.boss, &hist), 0, "freed at the last close");
	checked(fx);

	/* Eviction passes over an open entry. */
	{
		char *big = malloc(600 * KIB);

		memset(big, 'a', 600 * KIB);
		put(fx, &w.bob, w.docs, "old", big, 600 * KIB);
		succeeds(fx, store_fs_lookup(fx->st, &w.bob, w.docs, "old", &a),
			 "old");
		succeeds(fx, store_fs_open(fx->st, &w.bob, a.ino, O_RDONLY,
					   &r), "bob opens old");
		succeeds(fx, store_fs_unlink(fx->st, &w.carol, w.docs, "old"),
			 "carol deletes old");
		put(fx, &w.bob, w.docs, "new", big, 600 * KIB);
		got = 0;
		if (r) {
			succeeds(fx, store_fs_read(fx->st, r, 599 * KIB, KIB,
						   big, &got),
				 "the open entry still reads");
			is_int(got, KIB, "  to its end");
			store_fs_release(fx->st, r, NULL);
		}
		free(big);
		checked(fx);
	}
}

/* A restore counts against the capacity like any write (quota/: one
 * errno, ENOSPC, for a full space): after a plan change leaves the group
 * too little room, restoring what history still holds is refused and
 * leaves both the trash and the live tree as they were. */
static void restore_past_capacity(struct fixture *fx)
{
	struct world w;
	struct store_attr a;
	char *big = calloc(1, 300 * KIB);
	size_t done = 0;
	int64_t hist = -1;

	world(fx, &w);
	put(fx, &w.bob, w.docs, "keep.bin", big, 300 * KIB);
	put(fx, &w.bob, w.docs, "gone.bin", big, 300 * KIB);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, w.docs, "gone.bin"),
		 "rm gone.bin");
	fx_plan(fx, "small", 5, 5, 400 * KIB, 512 * KIB);
	refused(fx, store_history_restore(fx->st, &w.bob, "G",
					  "documents/gone.bin", &done),
		-ENOSPC, "restored counts against its capacity",
		"restoring 300 KiB beside 300 KiB in a 400 KiB group");
	ok(store_fs_lookup(fx->st, &w.bob, w.docs, "gone.bin", &a) == -ENOENT,
	   "  gone.bin is not back");
	is_int(entries(fx, &w.bob, NULL), 1, "  history still holds it");
	is_int(usage(fx, &w.boss, &hist), 300 * KIB, "  live use unchanged");
	fx_plan(fx, "small", 5, 5, 1024 * KIB, 512 * KIB);
	succeeds(fx, store_history_restore(fx->st, &w.bob, "G",
					   "documents/gone.bin", &done),
		 "with room again it is restored");
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, w.docs, "gone.bin", &a),
		 "  gone.bin is back");
	free(big);
	checked(fx);
}

/* A write refused (and rolled back) keeps no version and does not count
 * as the handle's first change: the next write still keeps one. */
static void refused_write_keeps_nothing(struct fixture *fx)
{
	struct world w;
	struct store_file *f = NULL;
	struct store_attr a;
	char *big = calloc(1, 2048 * KIB);
	size_t done = 0;

	world(fx, &w);
	put(fx, &w.bob, w.docs, "k.txt", "before", 6);
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, w.docs, "k.txt", &a),
		 "k.txt");
	succeeds(fx, store_fs_open(fx->st, &w.bob, a.ino, O_WRONLY, &f),
		 "open k.txt");
	if (f) {
		is_errno(store_fs_write(fx->st, f, 0, big, 2048 * KIB, &done),
			 -ENOSPC, "2 MiB into a 1 MiB group: ENOSPC");
		is_int(entries(fx, &w.bob, NULL), 0,
		       "  no version of a refused write");
		succeeds(fx, store_fs_write(fx->st, f, 0, "AFTER!", 6, &done),
			 "the next write");
		store_fs_release(fx->st, f, NULL);
	}
	is_int(entries(fx, &w.bob, "versions/documents/k.txt"), 1,
	       "  keeps the earlier version");
	ok(reads(fx, &w.bob, w.docs, "k.txt", "AFTER!"), "live is the new");
	free(big);
	checked(fx);
}

/* History entries with no content bytes cost room too: link targets,
 * empty folders; they give way to live content, and the database does not
 * grow without bound at 0 bytes. */
static void metadata_counts(struct fixture *fx)
{
	struct world w;
	struct store_attr a;
	char target[3001], name[32];
	char *big = malloc(1000 * KIB);
	int64_t hist = -1, used;
	size_t done = 0;
	int i;

	world(fx, &w);
	memset(target, 't', 3000);
	target[3000] = '\0';
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		succeeds(fx, store_fs_symlink(fx->st, &w.bob, w.docs, name,
					      target, &a), "symlink");
		succeeds(fx, store_fs_unlink(fx->st, &w.bob, w.docs, name),
			 "rm");
	}
	used = usage(fx, &w.boss, &hist);
	is_int(used, 0, "20 links of 3000 bytes deleted: no live bytes");
	is_int(hist, 20 * (3000 + ENTRY), "  their targets count as history");
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		fx_mkdir(fx, &w.bob, w.docs, name);
		succeeds(fx, store_fs_rmdir(fx->st, &w.bob, w.docs, name),
			 "rmdir");
	}
	usage(fx, &w.boss, &hist);
	is_int(hist, 20 * (3000 + ENTRY) + 50 * ENTRY,
	       "  and so do deleted folders");
	checked(fx);
	memset(big, 'a', 1000 * KIB);
	put(fx, &w.bob, w.docs, "big", big, 1000 * KIB);
	is_int(usage(fx, &w.boss, &hist), 1000 * KIB, "1000 KiB live");
	ok(hist <= (int64_t)(24 * KIB), "  history gave way to it");
	checked(fx); /* the view folders emptied (more than 32) went too */
	for (i = 0; i < 700; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		fx_mkdir(fx, &w.bob, w.docs, name);
		succeeds(fx, store_fs_rmdir(fx->st, &w.bob, w.docs, name),
			 "rmdir");
	}
	usage(fx, &w.boss, &hist);
	ok(hist <= (int64_t)(24 * KIB + ENTRY),
	   "700 more deleted folders stay within the free room");
	ok(entries(fx, &w.boss, NULL) <= 13, "  the oldest gave way");
	succeeds(fx, store_history_purge(fx->st, &w.boss, "G", NULL, &done),
		 "purge");
	usage(fx, &w.boss, &hist);
	is_int(hist, 0, "nothing left in history");
	free(big);
	checked(fx);
}

/* History never makes a write fail (SPEC.md section 5): an item whose
 * path is too long for history is deleted, truncated and overwritten all
 * the same, just not kept. */
static void history_never_fails_a_write(struct fixture *fx)
{
	struct world w;
	struct store_file *f = NULL;
	struct store_setattr set = {0};
	struct store_attr a;
	char name[256];
	uint64_t dir;
	int i;

	world(fx, &w);
	memset(name, 'n', 250);
	name[250] = '\0';
	dir = w.docs;
	for (i = 0; i < 17; i++)
		dir = fx_mkdir(fx, &w.bob, dir, name);
	put(fx, &w.bob, dir, "deep.txt", "deep", 4);
	put(fx, &w.bob, dir, "t.txt", "trunc", 5);
	put(fx, &w.bob, dir, "w.txt", "write", 5);
	succeeds(fx, store_fs_unlink(fx->st, &w.bob, dir, "deep.txt"),
		 "a file deep past the longest path is deleted");
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, dir, "t.txt", &a), "t");
	set.valid = STORE_SET_SIZE;
	set.size = 0;
	succeeds(fx, store_fs_setattr(fx->st, &w.bob, a.ino, &set, NULL, &a),
		 "  truncated");
	is_int(a.size, 0, "  to 0");
	succeeds(fx, store_fs_lookup(fx->st, &w.bob, dir, "w.txt", &a), "w");
	succeeds(fx, store_fs_open(fx->st, &w.bob, a.ino, O_WRONLY, &f),
		 "  opened");
	if (f) {
		size_t done = 0;

		succeeds(fx, store_fs_write(fx->st, f, 1, "X", 1, &done),
			 "  written in place");
		store_fs_release(fx->st, f, NULL);
	}
	ok(reads(fx, &w.bob, dir, "w.txt", "wXite"), "  with the new bytes");
	is_int(entries(fx, &w.bob, NULL), 0, "  none of them kept");
	checked(fx);
}

int main(void)
{
	fx_run("the trash keeps what is deleted", trash_keeps_deleted);
	fx_run("one version per save", one_version_per_save);
	fx_run("history gives way to live content", history_gives_way);
	fx_run("retention: days and versions", retention);
	fx_run("purge needs the delete right", purge_rights);
	fx_run("drops stay private in history", drops_stay_private);
	fx_run("restore puts items back", restore_puts_back);
	fx_run("restore past capacity", restore_past_capacity);
	fx_run("an open item outlives its history entry", open_survives_purge);
	fx_run("a refused write keeps no version", refused_write_keeps_nothing);
	fx_run("history entries cost room, metadata included", metadata_counts);
	fx_run("history never makes a write fail", history_never_fails_a_write);
	return done_testing();
}
