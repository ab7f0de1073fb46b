// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the rules of SPEC.md sections 1 and 2 that need content
 * bytes: a group's capacity is its administrator's plan's and a hand-over
 * is refused when the new plan cannot hold the bytes in use; a write past
 * the capacity fails with ENOSPC and keeps what was accepted; a group over
 * capacity after a plan change keeps its data; a removed member's open
 * files stop at the next operation while the content stays; edit per item
 * governs writing; deleting a group deletes its bytes.  Readers of one
 * item in several threads share its content handle safely.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* Create `name` in `parent` holding `len` bytes of `fill`; its inode. */
static uint64_t put(struct fixture *fx, const struct store_caller *c,
		    uint64_t parent, const char *name, size_t len, char fill)
{
	struct store_file *f = NULL;
	struct store_attr a;
	size_t done = 0;
	char *buf = malloc(len ? len : 1);
	int rc;

	if (!buf)
		abort();
	memset(buf, fill, len);
	rc = store_fs_create(fx->st, c, parent, name, 0644,
			     O_RDWR | O_CREAT | O_EXCL, &a, &f);
	if (rc)
		fx_bail(fx, rc, "create %s", name);
	rc = store_fs_write(fx->st, f, 0, buf, len, &done);
	if (!rc && done != len)
		rc = -EIO;
	if (!rc)
		rc = store_fs_flush(fx->st, f);
	store_fs_release(fx->st, f, NULL);
	free(buf);
	if (rc)
		fx_bail(fx, rc, "write %zu bytes to %s", len, name);
	return a.ino;
}

static int64_t used(struct fixture *fx, const struct store_caller *c,
		    const char *group)
{
	struct store_group g;

	if (store_group_get(fx->st, c, group, &g))
		return -1;
	return g.used;
}

static uint64_t size_of(struct fixture *fx, const struct store_caller *c,
			uint64_t ino)
{
	struct store_attr a;
	int rc = store_fs_getattr(fx->st, c, ino, &a);

	if (rc)
		fx_bail(fx, rc, "getattr %llu", (unsigned long long)ino);
	return a.size;
}

static void bytes_used(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_usage *u = NULL;
	uint64_t docs;
	size_t n = 0;

	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	is_int(used(fx, &boss, "G"), 0, "an empty group uses nothing");
	put(fx, &boss, docs, "a.bin", 4096, 'a');
	put(fx, &boss, docs, "b.bin", 1000, 'b');
	is_int(used(fx, &boss, "G"), 5096, "the group uses its files' sizes");
	succeeds(fx, store_usage(fx->st, &boss, "G", &u, &n), "usage of G");
	ok(n == 1 && u[0].used == 5096, "usage agrees");
	ok(n == 1 && u[0].capacity == (int64_t)FX_GIB,
	   "capacity is the admin's plan's");
	free(u);
}

static void handover_bytes(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	uint64_t docs;
	char *snap;

	fx_plan(fx, "tiny", 5, 100, 4096, FX_GIB);
	fx_account(fx, "alice", "tiny");
	fx_group(fx, &boss, "G", 0);
	fx_join(fx, &boss, "G", "alice");
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	put(fx, &boss, docs, "big.bin", 8192, 'x');
	snap = fx_snapshot(fx);
	refused(fx, store_group_handover(fx->st, &boss, "G", "alice"), -EDQUOT,
		KW_PLAN, "hand over 8192 bytes to a plan of 4096 per group");
	unchanged(fx, snap, "the refused hand-over changed nothing");
	fx_plan(fx, "tiny", 5, 100, 8192, FX_GIB);
	succeeds(fx, store_group_handover(fx->st, &boss, "G", "alice"),
		 "a plan of 8192 bytes holds the group");
}

static void enospc(struct fixture *fx)
{
	struct store_caller boss;
	struct store_file *f = NULL;
	struct store_attr a;
	char buf[4000], back[8000];
	size_t done = 0, got = 0;
	uint64_t docs, ino, size;
	int rc, rc2;

	fx_plan(fx, "cap", 1, 10, 10000, FX_GIB);
	boss = fx_account(fx, "boss", "cap");
	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	ino = put(fx, &boss, docs, "f.bin", 8000, 'k');
	succeeds(fx, store_fs_open(fx->st, &boss, ino, O_RDWR, &f),
		 "open f.bin");
	if (!f)
		return;
	memset(buf, 'z', sizeof(buf));
	rc = store_fs_write(fx->st, f, 8000, buf, sizeof(buf), &done);
	rc2 = store_fs_flush(fx->st, f);
	ok(rc == -ENOSPC || (rc == 0 && done < sizeof(buf)) || rc2 == -ENOSPC,
	   "a write past the capacity fails with ENOSPC (write %d, done %zu, "
	   "flush %d)",
	   rc, done, rc2);
	store_fs_release(fx->st, f, NULL);
	size = size_of(fx, &boss, ino);
	ok(size >= 8000 && size <= 10000,
	   "the file keeps only accepted data (size %llu)",
	   (unsigned long long)size);
	ok(used(fx, &boss, "G") <= 10000, "the group stays within capacity");
	f = NULL;
	succeeds(fx, store_fs_open(fx->st, &boss, ino, O_RDONLY, &f),
		 "open f.bin to read");
	if (f) {
		succeeds(fx,
			 store_fs_read(fx->st, f, 0, sizeof(back), back, &got),
			 "read it back");
		ok(got == sizeof(back) && back[0] == 'k' &&
			   back[sizeof(back) - 1] == 'k',
		   "the accepted bytes are intact");
		store_fs_release(fx->st, f, NULL);
	}
	rc = store_fs_create(fx->st, &boss, docs, "more.bin", 0644,
			     O_RDWR | O_CREAT, &a, &f);
	if (!rc) {
		rc = store_fs_write(fx->st, f, 0, buf, sizeof(buf), &done);
		rc2 = store_fs_flush(fx->st, f);
		ok(rc == -ENOSPC || rc2 == -ENOSPC ||
			   (rc == 0 && done < sizeof(buf)),
		   "a second file cannot pass the capacity either");
		store_fs_release(fx->st, f, NULL);
	}
	ok(used(fx, &boss, "G") <= 10000, "the group stays within capacity");
}

static void over_capacity_after_plan_change(struct fixture *fx)
{
	struct store_caller boss;
	struct store_file *f = NULL;
	struct store_setattr set;
	struct store_attr at;
	char buf[100];
	size_t done = 0;
	uint64_t docs, ino;
	int rc, rc2;

	fx_plan(fx, "cap", 1, 10, 10000, FX_GIB);
	boss = fx_account(fx, "boss", "cap");
	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	ino = put(fx, &boss, docs, "f.bin", 8000, 'k');
	fx_plan(fx, "cap", 1, 10, 4000, FX_GIB);
	is_int(size_of(fx, &boss, ino), 8000,
	       "a group over capacity after a plan change keeps its data");
	is_int(used(fx, &boss, "G"), 8000, "and its use");
	succeeds(fx, store_fs_open(fx->st, &boss, ino, O_RDWR, &f), "open");
	if (!f)
		return;
	memset(buf, 'g', sizeof(buf));
	rc = store_fs_write(fx->st, f, 8000, buf, sizeof(buf), &done);
	rc2 = store_fs_flush(fx->st, f);
	ok(rc == -ENOSPC || rc2 == -ENOSPC || (rc == 0 && done == 0),
	   "it accepts no growth (write %d, done %zu, flush %d)", rc, done,
	   rc2);
	store_fs_release(fx->st, f, NULL);
	is_int(size_of(fx, &boss, ino), 8000, "the file did not grow");
	memset(&set, 0, sizeof(set));
	set.valid = STORE_SET_SIZE;
	set.size = 1000;
	succeeds(fx, store_fs_setattr(fx->st, &boss, ino, &set, NULL, &at),
		 "shrinking is accepted");
	is_int(used(fx, &boss, "G"), 1000, "the group is back under");
}

static void removed_member_handles(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller bob = fx_account(fx, "bob", NULL);
	struct store_file *fa = NULL, *fb = NULL, *rd = NULL;
	struct store_attr a;
	char buf[16];
	size_t done = 0, got = 0;
	uint64_t docs, bino;

	fx_group(fx, &boss, "G", 0);
	fx_join(fx, &boss, "G", "alice");
	fx_join(fx, &boss, "G", "bob");
	fx_rights(fx, &boss, "G", "documents", STORE_RIGHT_ADD, true, NULL);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	succeeds(fx,
		 store_fs_create(fx->st, &alice, docs, "a.txt", 0644,
				 O_RDWR | O_CREAT, &a, &fa),
		 "alice creates a.txt and keeps it open");
	succeeds(fx, store_fs_write(fx->st, fa, 0, "hello", 5, &done),
		 "alice writes");
	succeeds(fx, store_fs_flush(fx->st, fa), "flush");
	bino = put(fx, &boss, docs, "boss.txt", 10, 'b');
	succeeds(fx, store_fs_open(fx->st, &bob, bino, O_RDONLY, &fb),
		 "bob opens boss.txt to read");

	succeeds(fx, store_group_remove(fx->st, &boss, "G", "alice"),
		 "boss removes alice");
	succeeds(fx, store_group_leave(fx->st, &bob, "G"), "bob leaves");
	if (fa) {
		ok(store_fs_write(fx->st, fa, 5, " world", 6, &done) < 0,
		   "the removed member's open file refuses the next write");
		ok(store_fs_read(fx->st, fa, 0, sizeof(buf), buf, &got) < 0,
		   "and the next read");
		store_fs_release(fx->st, fa, NULL);
	}
	if (fb) {
		ok(store_fs_read(fx->st, fb, 0, sizeof(buf), buf, &got) < 0,
		   "a member who left cannot read through an open file");
		store_fs_release(fx->st, fb, NULL);
	}
	succeeds(fx, store_fs_open(fx->st, &boss, a.ino, O_RDONLY, &rd),
		 "the content alice added stays");
	if (rd) {
		got = 0;
		succeeds(fx,
			 store_fs_read(fx->st, rd, 0, sizeof(buf), buf, &got),
			 "boss reads it");
		ok(got == 5 && !memcmp(buf, "hello", 5), "as alice wrote it");
		store_fs_release(fx->st, rd, NULL);
	}
}

static void edit_governs_writes(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	struct store_caller bob = fx_account(fx, "bob", NULL);
	const char *const to_bob[] = {"bob"};
	struct store_file *f = NULL;
	struct store_setattr set;
	struct store_attr at;
	uint64_t docs, ino;
	size_t done = 0;

	fx_group(fx, &boss, "G", 0);
	fx_join(fx, &boss, "G", "alice");
	fx_join(fx, &boss, "G", "bob");
	fx_rights(fx, &boss, "G", "documents", STORE_RIGHT_ADD, true, NULL);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	ino = put(fx, &alice, docs, "a.txt", 5, 'a');

	succeeds(fx, store_fs_open(fx->st, &bob, ino, O_RDONLY, &f),
		 "every member reads");
	if (f)
		store_fs_release(fx->st, f, NULL);
	f = NULL;
	refused(fx, store_fs_open(fx->st, &bob, ino, O_RDWR, &f), -EACCES,
		"edit|right|may|permission", "bob opens alice's item to write");
	refused(fx, store_fs_open(fx->st, &boss, ino, O_WRONLY, &f), -EACCES,
		"edit|right|may|permission",
		"the administrator opens it to write");
	memset(&set, 0, sizeof(set));
	set.valid = STORE_SET_SIZE;
	set.size = 0;
	refused(fx, store_fs_setattr(fx->st, &boss, ino, &set, NULL, &at),
		-EACCES, "edit|right|may|permission",
		"the administrator truncates it");
	is_int(size_of(fx, &alice, ino), 5, "a.txt is unchanged");
	succeeds(fx,
		 store_editors_set(fx->st, &alice, "G", "documents/a.txt",
				   false, to_bob, 1),
		 "alice lets bob edit");
	succeeds(fx, store_fs_open(fx->st, &bob, ino, O_RDWR, &f),
		 "bob opens it to write");
	if (f) {
		succeeds(fx, store_fs_write(fx->st, f, 5, "bob", 3, &done),
			 "bob writes");
		succeeds(fx, store_fs_flush(fx->st, f), "flush");
		store_fs_release(fx->st, f, NULL);
	}
	is_int(size_of(fx, &alice, ino), 8, "a.txt grew by bob's bytes");
	succeeds(fx, store_fs_unlink(fx->st, &boss, docs, "a.txt"),
		 "the administrator deletes what he may not edit");
}

static void delete_with_content(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_usage *u = NULL;
	unsigned problems = 99;
	uint64_t docs, dir;
	size_t n = 0, i;
	bool saw = false;

	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	dir = fx_mkdir(fx, &boss, docs, "d");
	put(fx, &boss, dir, "f.bin", 5000, 'f');
	put(fx, &boss, docs, "g.bin", 3000, 'g');
	succeeds(fx, store_group_delete(fx->st, &boss, "G"), "delete G");
	succeeds(fx, store_check(fx->st, &fx->op, NULL, NULL, &problems),
		 "check");
	is_int(problems, 0, "no problem after deleting a group with content");
	succeeds(fx, store_usage(fx->st, &boss, NULL, &u, &n), "usage");
	for (i = 0; i < n; i++)
		if (!strcmp(u[i].name, "G"))
			saw = true;
	ok(!saw, "the deleted group is not in the usage");
	free(u);
	fx_group(fx, &boss, "G", 0);
	is_int(used(fx, &boss, "G"), 0,
	       "a new group of that name uses nothing");
}

/* Compare the whole item with the expected bytes. */
static bool same_as(struct fixture *fx, struct store_file *f,
		    const unsigned char *want, size_t size)
{
	unsigned char *got = malloc(size + 1);
	size_t n = 0;
	bool same;

	same = got && store_fs_read(fx->st, f, 0, size + 1, got, &n) == 0 &&
	       n == size && memcmp(got, want, size) == 0;
	free(got);
	return same;
}

/* Writes of every shape (from a chunk boundary or not, whole chunks or
 * parts, past the end with a gap, over old bytes) and truncates, on an
 * item growing out of inline into sealed chunks: after each, the item
 * reads back exactly as a plain copy kept in memory, and again after it
 * is closed and opened anew. */
static void writes_of_every_shape(struct fixture *fx)
{
	enum { MAX = 600 * 1024 };
	struct store_caller boss;
	struct store_file *f = NULL;
	struct store_attr a;
	unsigned char *mirror = calloc(1, MAX), *buf = malloc(MAX);
	uint64_t docs, ino;
	size_t size = 0, done;
	unsigned seed = 12345, i, bad = 0;

	boss = fx_account(fx, "boss", FX_BIG);
	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	ino = put(fx, &boss, docs, "w.bin", 0, 0);
	succeeds(fx, store_fs_open(fx->st, &boss, ino, O_RDWR, &f), "open");
	if (!f || !mirror || !buf)
		abort();
	for (i = 0; i < 300; i++) {
		unsigned r = (unsigned)rand_r(&seed);
		size_t off, len;

		/* Offsets near chunk (4056) and page (4096) boundaries
		 * half of the time. */
		off = r % 2 ? (size_t)(rand_r(&seed) % 120) * 4056
			    : (size_t)rand_r(&seed) % (size + 9000);
		if (r % 7 == 0)
			off = (size_t)rand_r(&seed) % 130 * 4096;
		len = r % 3 ? (size_t)(1 + rand_r(&seed) % 40) * 4056
			    : (size_t)(1 + rand_r(&seed) % 70000);
		if (off + len > MAX)
			off = MAX - len;
		if (r % 11 == 0) {
			struct store_setattr set = {.valid = STORE_SET_SIZE,
						    .size = off};

			if (store_fs_setattr(fx->st, &boss, ino, &set, f, &a))
				bad++;
			if (off > size)
				memset(mirror + size, 0, off - size);
			size = off;
		} else {
			size_t j;

			for (j = 0; j < len; j++)
				buf[j] = (unsigned char)rand_r(&seed);
			done = 0;
			if (store_fs_write(fx->st, f, off, buf, len, &done) ||
			    done != len)
				bad++;
			if (off > size)
				memset(mirror + size, 0, off - size);
			memcpy(mirror + off, buf, len);
			if (off + len > size)
				size = off + len;
		}
		if (!same_as(fx, f, mirror, size)) {
			diag("differs after step %u (off %zu len %zu)", i, off,
			     len);
			bad++;
			break;
		}
		if (i % 50 == 49) {
			store_fs_release(fx->st, f, NULL);
			f = NULL;
			if (store_fs_open(fx->st, &boss, ino, O_RDWR, &f))
				fx_bail(fx, -EIO, "reopen");
			if (!same_as(fx, f, mirror, size))
				bad++;
		}
	}
	is_int(bad, 0, "300 writes and truncates read back as written");
	store_fs_release(fx->st, f, NULL);
	free(mirror);
	free(buf);
	{
		unsigned problems = 99;

		succeeds(fx,
			 store_check(fx->st, &fx->op, NULL, NULL, &problems),
			 "check");
		is_int(problems, 0, "  the store is consistent");
	}
}

/* Whether item `ino` reads as `len` bytes of `fill`. */
static bool reads_as(struct fixture *fx, const struct store_caller *c,
		     uint64_t ino, size_t len, char fill)
{
	struct store_file *f = NULL;
	unsigned char *want = malloc(len);
	bool same = false;

	if (want && store_fs_open(fx->st, c, ino, O_RDONLY, &f) == 0) {
		memset(want, fill, len);
		same = same_as(fx, f, want, len);
		store_fs_release(fx->st, f, NULL);
	}
	free(want);
	return same;
}

/* A store whose small items' sealed content is still in the node's row
 * (before SQLite's schema 22, PostgreSQL's 9) opens with it moved to
 * node_inline: every item, history's too, reads as before, and what
 * changes afterwards lands in the new table. */
static void inline_moves_out(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	uint64_t docs, a, b, big;
	char err[256];
	unsigned problems = 99;
	int rc;

	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	a = put(fx, &boss, docs, "a.txt", 3000, 'a');
	b = put(fx, &boss, docs, "b.txt", 100, 'b');
	big = put(fx, &boss, docs, "big.bin", 100000, 'z');
	put(fx, &boss, docs, "gone.txt", 50, 'g');
	succeeds(fx, store_fs_unlink(fx->st, &boss, docs, "gone.txt"),
		 "gone.txt goes to the trash");
	store_close(fx->st);
	fx->st = NULL;
	is_int(fx_sql(fx,
		      "ALTER TABLE node ADD COLUMN inline BLOB;"
		      "UPDATE node SET inline = (SELECT data FROM node_inline"
		      "  i WHERE i.node = node.id);"
		      "DROP TABLE node_inline;"
		      "DROP INDEX node_unlinked;"
		      "PRAGMA user_version = 21;",
		      "ALTER TABLE node ADD COLUMN inline bytea;"
		      "UPDATE node SET inline = (SELECT data FROM node_inline"
		      "  i WHERE i.node = node.id);"
		      "DROP TABLE node_inline;"
		      "DROP INDEX node_unlinked;"
		      "UPDATE gfs_schema SET version = version - 2;"),
	       0, "the store is put back into the earlier shape");
	rc = store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &fx->st, err,
			sizeof(err));
	if (rc)
		fx_bail(fx, rc, "reopen: %s", err);
	ok(reads_as(fx, &boss, a, 3000, 'a'), "a.txt reads as before");
	ok(reads_as(fx, &boss, b, 100, 'b'), "b.txt too");
	ok(reads_as(fx, &boss, big, 100000, 'z'),
	   "a file of content records too");
	succeeds(fx, store_check(fx->st, &fx->op, NULL, NULL, &problems),
		 "check");
	is_int(problems, 0, "  finds nothing amiss, the trashed item included");
	b = put(fx, &boss, docs, "c.txt", 2000, 'c');
	ok(reads_as(fx, &boss, b, 2000, 'c'), "a new small item reads back");
	is_int(fx_sql(fx, "UPDATE node_inline SET data = data",
		      "UPDATE node_inline SET data = data"),
	       0, "node_inline is there");
	is_int(fx_sql(fx, "SELECT inline FROM node", "SELECT inline FROM node"),
	       -EIO, "  and node's column is gone");
	/* The next step indexes the nodes a mount frees when it starts: a
	 * second index of that name is refused. */
	is_int(fx_sql(fx, "CREATE INDEX node_unlinked ON node(id)",
		      "CREATE INDEX node_unlinked ON node (id)"),
	       -EIO, "the nodes without a name are indexed");
}

/* Reads of every shape against the bytes written: offsets and sizes on,
 * next to and across the content's 4056-byte chunks, the kernel's page
 * sizes, and past the end. */
static void reads_of_every_shape(struct fixture *fx)
{
	static const uint64_t offs[] = {
		0,     1,     4055,  4056,  4057,  4096,  8111,	 8112,
		12168, 20000, 68951, 68952, 69000, 69065, 69066, 70000};
	static const size_t sizes[] = {1,    100,  4055, 4056,	4057,
				       4096, 8112, 8113, 16384, 40000};
	struct store_caller boss;
	struct store_file *f = NULL;
	/* past the inline limit (64 KiB), so in chunks */
	const size_t len = 17 * 4056 + 114; /* 69066 */
	unsigned char *want = malloc(len), *got = malloc(40000);
	uint64_t docs, ino;
	size_t i, j, n, done = 0;
	int bad = 0, rc;

	if (!want || !got)
		abort();
	for (i = 0; i < len; i++)
		want[i] = (unsigned char)(i * 7 + i / 4056);
	fx_plan(fx, "p", 5, 10, 1 << 20, FX_GIB);
	boss = fx_account(fx, "boss", "p");
	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	ino = put(fx, &boss, docs, "r.bin", 0, 0);
	succeeds(fx, store_fs_open(fx->st, &boss, ino, O_RDWR, &f), "open");
	if (!f)
		goto out;
	succeeds(fx, store_fs_write(fx->st, f, 0, want, len, &done),
		 "write %zu bytes", len);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			size_t expect = offs[i] >= len ? 0
					: offs[i] + sizes[j] > len
						? len - (size_t)offs[i]
						: sizes[j];

			memset(got, 0xee, sizes[j]);
			rc = store_fs_read(fx->st, f, offs[i], sizes[j], got,
					   &n);
			if (rc || n != expect ||
			    (n && memcmp(got, want + offs[i], n) != 0)) {
				bad++;
				diag("read %zu at %llu: rc %d, %zu bytes",
				     sizes[j], (unsigned long long)offs[i], rc,
				     n);
			}
		}
	is_int(bad, 0,
	       "160 reads at and across chunk edges: each the bytes "
	       "written, cut at the end");
	store_fs_release(fx->st, f, NULL);
out:
	free(want);
	free(got);
}

/* Readers of one item in several threads, as the daemon's workers and the
 * web server's are: each through its own connection and handle, all
 * starting at once on an item none has read yet (its content handle is
 * opened by whichever gets there first and shared), every byte checked.
 * Each round opens the item afresh.  A handle lost under a reader shows
 * here as a short or failed read, and under AddressSanitizer as a use
 * after free. */
#define READERS 4
#define BIG	(300 * 1024)

struct reader {
	struct fixture *fx;
	const struct store_caller *c;
	struct store *st;
	struct store_file *f;
	pthread_barrier_t *start;
	char *buf;
	int rc;
	size_t got;
};

static void *read_all(void *arg)
{
	struct reader *r = arg;
	size_t n = 0;

	pthread_barrier_wait(r->start);
	r->got = 0;
	r->rc = 0;
	/* 128 KiB at a time, as the kernel asks. */
	while (r->rc == 0 && r->got < BIG) {
		r->rc = store_fs_read(r->st, r->f, r->got, 128 * 1024,
				      r->buf + r->got, &n);
		if (n == 0)
			break;
		r->got += n;
	}
	return NULL;
}

static void readers_at_once(struct fixture *fx)
{
	struct store_caller boss;
	struct reader r[READERS];
	pthread_t t[READERS];
	pthread_barrier_t start;
	uint64_t docs, ino;
	int round, i, bad = 0, good = 0;

	fx_plan(fx, "p", 5, 10, 10 * 1024 * 1024ULL, FX_GIB);
	boss = fx_account(fx, "boss", "p");
	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	ino = put(fx, &boss, docs, "big.bin", BIG, 'r');
	pthread_barrier_init(&start, NULL, READERS);
	for (i = 0; i < READERS; i++) {
		r[i] = (struct reader){.fx = fx, .c = &boss, .start = &start};
		r[i].buf = malloc(BIG);
		if (!r[i].buf || store_clone(fx->st, &r[i].st) != 0)
			fx_bail(fx, -EIO, "reader %d", i);
	}
	for (round = 0; round < 50; round++) {
		for (i = 0; i < READERS; i++)
			if (store_fs_open(r[i].st, &boss, ino, O_RDONLY,
					  &r[i].f) != 0)
				fx_bail(fx, -EIO, "open, reader %d", i);
		for (i = 0; i < READERS; i++)
			pthread_create(&t[i], NULL, read_all, &r[i]);
		for (i = 0; i < READERS; i++) {
			pthread_join(t[i], NULL);
			store_fs_release(r[i].st, r[i].f, NULL);
			if (r[i].rc == 0 && r[i].got == BIG &&
			    r[i].buf[0] == 'r' && r[i].buf[BIG - 1] == 'r' &&
			    memchr(r[i].buf, 0, BIG) == NULL)
				good++;
			else
				bad++;
			memset(r[i].buf, 0, BIG);
		}
	}
	is_int(bad, 0,
	       "4 readers at once, 50 rounds: no read failed or "
	       "came back short (%d whole)",
	       good);
	for (i = 0; i < READERS; i++) {
		store_close(r[i].st);
		free(r[i].buf);
	}
	pthread_barrier_destroy(&start);
}

int main(void)
{
	fx_run("bytes in use", bytes_used);
	fx_run("hand-over refused for bytes in use", handover_bytes);
	fx_run("a write past the capacity", enospc);
	fx_run("over capacity after a plan change",
	       over_capacity_after_plan_change);
	fx_run("removed members' open files", removed_member_handles);
	fx_run("edit per item governs writing", edit_governs_writes);
	fx_run("deleting a group deletes its bytes", delete_with_content);
	fx_run("writes of every shape", writes_of_every_shape);
	fx_run("small items' content moves out of the node row, and later"
	       " steps follow",
	       inline_moves_out);
	fx_run("reads of every shape", reads_of_every_shape);
	fx_run("readers of one item in several threads", readers_at_once);
	return done_testing();
}
