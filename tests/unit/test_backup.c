// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of store_backup's final pass, the one under the store's
 * write lock: it copies what changed since the unlocked passes and drops
 * what was deleted, but never copies more than 64 MiB at a time while
 * writers wait; past that it releases the lock, catches up without it and
 * tries again, and its last try copies all and says so in the log.
 *
 * Deterministic: the progress callback runs each time the final pass has
 * taken the lock ("lock"), and changes files of the store there, as a
 * writer that wrote just before the lock would have (the lock is held:
 * they are written directly, not through the store).  The files are
 * plain files where the files engine keeps content (data/XX/<cid hex>,
 * named by the test's own ids), which the backup copies as bytes.
 * A copy is trusted only when it began 100 ms or more after its source
 * last changed (backup.c: SETTLE_NS), so each change is followed by a
 * pause longer than that: no try sees a file as changed by chance.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

#define BIG ((64ULL << 20) + 4096) /* past what a bounded pass copies */
#define GROWTH 4096
#define SETTLE_US 150000 /* above backup.c's SETTLE_NS */

struct hook {
	char big[PATH_MAX + 32];   /* grows by GROWTH at each try ... */
	int grow_until;		   /* ... up to this one (0: never) */
	char small[PATH_MAX + 32]; /* appended to at the first try, if set */
	char gone[PATH_MAX + 32];  /* deleted at the first try, if set */
	int tries;		   /* "lock" reports seen */
	bool out_of_order;	   /* a try reported twice, or skipped */
	char warning[1024];	   /* the last warning logged */
};

static void append(const char *path, size_t len, char fill)
{
	char buf[GROWTH];
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	memset(buf, fill, sizeof(buf));
	if (fd < 0 || len > sizeof(buf) || write(fd, buf, len) != (ssize_t)len)
		abort();
	close(fd);
}

static void on_progress(void *arg, const char *phase, uint64_t done,
			uint64_t total)
{
	struct hook *h = arg;

	(void)total;
	if (strcmp(phase, "lock") != 0)
		return;
	if (done != (uint64_t)h->tries + 1)
		h->out_of_order = true;
	h->tries = (int)done;
	if (h->tries <= h->grow_until) {
		append(h->big, GROWTH, (char)('a' + h->tries));
		usleep(SETTLE_US);
	}
	if (h->tries == 1 && h->small[0])
		append(h->small, 10, 'n');
	if (h->tries == 1 && h->gone[0])
		unlink(h->gone);
}

static void on_log(void *arg, enum store_log_level level, const char *msg)
{
	struct hook *h = arg;

	if (level == STORE_LOG_WARNING)
		snprintf(h->warning, sizeof(h->warning), "%s", msg);
}

/* The content file, under `dir`'s data/, that the test calls `rel`: a
 * content id of 16 bytes, each the first letter of rel. */
static void content_path(const char *dir, const char *rel, char *path,
			 size_t len)
{
	char hex[33];
	int i;

	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)rel[0]);
	if (snprintf(path, len, "%s/data/%.2s/%s", dir, hex, hex) >= (int)len)
		abort();
}

/* A plain content file the test calls `rel` in the store (folders made),
 * `size` bytes: a hole, and `tail` bytes of 't' at its end. */
static void stray(struct fixture *fx, const char *rel, char *path,
		  size_t len, off_t size, size_t tail)
{
	char dir[PATH_MAX + 16];
	int fd;

	content_path(fx->dir, rel, path, len);
	snprintf(dir, sizeof(dir), "%s/data", fx->dir);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0700);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, size - (off_t)tail) != 0)
		fx_bail(fx, -errno, "make %s", path);
	close(fd);
	if (tail)
		append(path, tail, 't');
}

/* The size of the copy of `rel` in the backup (-1: missing). */
static long long copy_size(const char *dest, const char *rel)
{
	char p[PATH_MAX + 64];
	struct stat s;

	content_path(dest, rel, p, sizeof(p));
	return stat(p, &s) == 0 ? (long long)s.st_size : -1;
}

/* The last byte of `rel` in the backup. */
static int copy_last(const char *dest, const char *rel)
{
	char p[PATH_MAX + 64];
	unsigned char c;
	int fd, r = -1;

	content_path(dest, rel, p, sizeof(p));
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && lseek(fd, -1, SEEK_END) >= 0 && read(fd, &c, 1) == 1)
		r = c;
	if (fd >= 0)
		close(fd);
	return r;
}

static int backup(struct fixture *fx, struct hook *h, char *dest, size_t len)
{
	snprintf(dest, len, "%s/backup", fx->tmp);
	store_set_logger(fx->st, on_log, h);
	usleep(SETTLE_US);
	return store_backup(fx->st, &fx->op, dest, on_progress, h);
}

static void quiet(struct fixture *fx)
{
	struct hook h = {0};
	char dest[PATH_MAX + 32], junk[PATH_MAX + 32];
	int fd;

	stray(fx, "big", h.big, sizeof(h.big), BIG, 1);
	/* Not a content file: the engine does not list it. */
	snprintf(junk, sizeof(junk), "%s/data/zz", fx->dir);
	fd = open(junk, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		fx_bail(fx, -errno, "make %s", junk);
	close(fd);
	succeeds(fx, backup(fx, &h, dest, sizeof(dest)), "backup");
	is_int(h.tries, 1, "nothing changed: the lock is taken once");
	is_str(h.warning, "", "  and nothing is logged");
	is_int(copy_size(dest, "big"), (long long)BIG, "the copy is whole");
	if (snprintf(junk, sizeof(junk), "%s/data/zz", dest) >=
	    (int)sizeof(junk))
		abort();
	ok(access(junk, F_OK) != 0,
	   "a file in data/ that is no content is not copied");
}

static void small_changes(struct fixture *fx)
{
	struct hook h = {0};
	char dest[PATH_MAX + 32];

	stray(fx, "big", h.big, sizeof(h.big), BIG, 1);
	stray(fx, "small", h.small, sizeof(h.small), 100, 100);
	stray(fx, "gone", h.gone, sizeof(h.gone), 100, 100);
	succeeds(fx, backup(fx, &h, dest, sizeof(dest)), "backup");
	is_int(h.tries, 1, "a small change: copied under the lock at once");
	is_int(copy_size(dest, "small"), 110,
	       "  the copy has the file changed just before the lock");
	is_int(copy_size(dest, "gone"), -1,
	       "  and not the file deleted just before it");
	is_str(h.warning, "", "  and nothing is logged");
}

static void large_change_once(struct fixture *fx)
{
	struct hook h = {.grow_until = 1};
	char dest[PATH_MAX + 32];

	stray(fx, "big", h.big, sizeof(h.big), BIG, 1);
	stray(fx, "gone", h.gone, sizeof(h.gone), 100, 100);
	succeeds(fx, backup(fx, &h, dest, sizeof(dest)), "backup");
	is_int(h.tries, 2,
	       "64 MiB changed before the lock: released, taken again");
	ok(!h.out_of_order, "  the tries are reported in order");
	is_int(copy_size(dest, "big"), (long long)BIG + GROWTH,
	       "  the copy has the change");
	is_int(copy_last(dest, "big"), 'b', "  byte for byte");
	is_int(copy_size(dest, "gone"), -1,
	       "  and not the file deleted meanwhile");
	is_str(h.warning, "", "  and nothing is logged");
}

static void keeps_changing(struct fixture *fx)
{
	struct hook h = {.grow_until = 1000};
	char dest[PATH_MAX + 32];

	stray(fx, "big", h.big, sizeof(h.big), BIG, 1);
	succeeds(fx, backup(fx, &h, dest, sizeof(dest)), "backup");
	is_int(h.tries, 5, "changing at every try: five tries, no more");
	ok(!h.out_of_order, "  reported in order");
	is_int(copy_size(dest, "big"), (long long)BIG + 5 * GROWTH,
	       "  the last copies all it finds");
	is_int(copy_last(dest, "big"), 'f', "  byte for byte");
	like(h.warning, "kept changing",
	     "  and says so in the log: \"%s\"", h.warning);
	like(h.warning, "after 5 tries", "  with the number of tries");
}

int main(void)
{
	/* These are the passes of content files and SQLite's online
	 * backup; a store on PostgreSQL is backed up from one snapshot of
	 * its database (tests/mount/pg.sh). */
	if (fx_on_postgres()) {
		printf("1..0 # SKIP the backup of a store of its own (SQLite)\n");
		return 0;
	}
	fx_run("nothing changed", quiet);
	fx_run("small changes before the lock", small_changes);
	fx_run("a large change before the lock", large_change_once);
	fx_run("content that keeps changing", keeps_changing);
	return done_testing();
}
