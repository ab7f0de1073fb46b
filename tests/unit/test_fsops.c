// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the mounted tree's calls that only the mount tests reached
 * before (issue 10): extended attributes (stored user.*, generated and
 * read-only user.groupfs.*, other namespaces, sizes, the edit right, their
 * room in the space), access(2) as the caller's real rights, statfs per
 * space, and the change journal another process reads to drop its caches.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fixture.h"

#define MIB (1024ULL * 1024)

/* Create `name` in `dir` holding `len` bytes of `data`, as `c`, through
 * handle `st`. */
static uint64_t put_on(struct fixture *fx, struct store *st,
		       const struct store_caller *c, uint64_t dir,
		       const char *name, const void *data, size_t len)
{
	struct store_file *f = NULL;
	struct store_attr a;
	size_t done = 0;
	int rc;

	rc = store_fs_create(st, c, dir, name, 0644, O_WRONLY | O_CREAT, &a,
			     &f);
	if (rc == 0)
		rc = store_fs_write(st, f, 0, data, len, &done);
	if (rc == 0)
		rc = store_fs_flush(st, f);
	if (f)
		store_fs_release(st, f, NULL);
	if (rc)
		fx_bail(fx, rc, "write %s", name);
	return a.ino;
}

static uint64_t put(struct fixture *fx, const struct store_caller *c,
		    uint64_t dir, const char *name, const void *data,
		    size_t len)
{
	return put_on(fx, fx->st, c, dir, name, data, len);
}

/* Another handle on the fixture's store: another process's origin. */
static struct store *second_handle(struct fixture *fx)
{
	struct store *st = NULL;
	char err[256];
	int rc;

	rc = store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &st, err,
			sizeof(err));
	if (rc)
		fx_bail(fx, rc, "second open: %s", err);
	return st;
}

struct world {
	struct store_caller boss, bob, eve;
	uint64_t docs, item, dir;
};

/* boss administers G on a plan of 1 MiB a group and 512 KiB private;
 * bob is a member who may add and delete in documents but edits only
 * his own items; eve belongs to no group. */
static void world(struct fixture *fx, struct world *w)
{
	fx_plan(fx, "small", 5, 5, MIB, MIB / 2);
	w->boss = fx_account(fx, "boss", "small");
	w->bob = fx_account(fx, "bob", "small");
	w->eve = fx_account(fx, "eve", "small");
	fx_group(fx, &w->boss, "G", 0);
	fx_join(fx, &w->boss, "G", "bob");
	fx_rights(fx, &w->boss, "G", "documents", STORE_RIGHT_ADD, true, NULL);
	fx_rights(fx, &w->boss, "G", "documents", STORE_RIGHT_DELETE, true,
		  NULL);
	w->docs = fx_root(fx, &w->boss, "G", STORE_TOOL_DOCUMENTS);
	w->item = put(fx, &w->boss, w->docs, "plan.txt", "hello", 5);
	w->dir = fx_mkdir(fx, &w->boss, w->docs, "sub");
}

static int64_t metadata(struct fixture *fx, const struct store_caller *c)
{
	struct store_usage *u = NULL;
	int64_t m = -1;
	size_t n = 0;

	if (store_usage(fx->st, c, "G", &u, &n) == 0 && n == 1)
		m = u[0].metadata;
	free(u);
	return m;
}

static void xattr_roundtrip(struct fixture *fx)
{
	struct world w;
	char buf[64], list[512];
	size_t len = 0, i;
	bool found = false;

	world(fx, &w);
	succeeds(fx,
		 store_fs_setxattr(fx->st, &w.boss, w.item, "user.color", "red",
				   3, 0),
		 "set user.color");
	succeeds(fx,
		 store_fs_getxattr(fx->st, &w.boss, w.item, "user.color", NULL,
				   0, &len),
		 "size query");
	is_int((long long)len, 3, "size 0 answers the value's length");
	is_errno(store_fs_getxattr(fx->st, &w.boss, w.item, "user.color", buf,
				   2, &len),
		 -ERANGE, "a buffer too small is ERANGE");
	succeeds(fx,
		 store_fs_getxattr(fx->st, &w.bob, w.item, "user.color", buf,
				   sizeof(buf), &len),
		 "a member reads it");
	ok(len == 3 && memcmp(buf, "red", 3) == 0, "the value comes back");
	succeeds(fx,
		 store_fs_listxattr(fx->st, &w.boss, w.item, list, sizeof(list),
				    &len),
		 "list");
	for (i = 0; i < len; i += strlen(list + i) + 1)
		found |= strcmp(list + i, "user.color") == 0;
	ok(found, "the list names it");
	is_errno(store_fs_setxattr(fx->st, &w.boss, w.item, "user.color",
				   "blue", 4, XATTR_CREATE),
		 -EEXIST, "XATTR_CREATE on an existing name");
	is_errno(store_fs_setxattr(fx->st, &w.boss, w.item, "user.size", "1", 1,
				   XATTR_REPLACE),
		 -ENODATA, "XATTR_REPLACE on a missing name");
	succeeds(fx,
		 store_fs_removexattr(fx->st, &w.boss, w.item, "user.color"),
		 "remove");
	is_errno(store_fs_getxattr(fx->st, &w.boss, w.item, "user.color", buf,
				   sizeof(buf), &len),
		 -ENODATA, "gone after removal");
	is_errno(store_fs_removexattr(fx->st, &w.boss, w.item, "user.color"),
		 -ENODATA, "removing it again");
}

static void xattr_namespaces(struct fixture *fx)
{
	static char big[64 * 1024 + 1];
	struct world w;
	char buf[64];
	size_t len;

	world(fx, &w);
	is_errno(store_fs_setxattr(fx->st, &w.boss, w.item, "trusted.x", "1", 1,
				   0),
		 -ENOTSUP, "trusted.* is not supported");
	is_errno(store_fs_getxattr(fx->st, &w.boss, w.item, "security.selinux",
				   buf, sizeof(buf), &len),
		 -ENOTSUP, "security.* is not supported");
	is_errno(store_fs_removexattr(fx->st, &w.boss, w.item, "system.x"),
		 -ENOTSUP, "system.* is not supported");
	is_errno(store_fs_setxattr(fx->st, &w.boss, w.item, "user.big", big,
				   sizeof(big), 0),
		 -E2BIG, "a value past 64 KiB is E2BIG");
}

static void xattr_generated(struct fixture *fx)
{
	struct world w;
	char buf[128];
	size_t len = 0;
	char *before;

	world(fx, &w);
	succeeds(fx,
		 store_fs_getxattr(fx->st, &w.bob, w.item,
				   "user.groupfs.creator", buf, sizeof(buf) - 1,
				   &len),
		 "creator");
	buf[len] = '\0';
	is_str(buf, "boss", "user.groupfs.creator names who added it");
	succeeds(fx,
		 store_fs_getxattr(fx->st, &w.bob, w.item,
				   "user.groupfs.rights", buf, sizeof(buf) - 1,
				   &len),
		 "bob's rights");
	buf[len] = '\0';
	is_str(buf, "read", "bob may only read boss's item");
	succeeds(fx,
		 store_fs_getxattr(fx->st, &w.boss, w.item,
				   "user.groupfs.rights", buf, sizeof(buf) - 1,
				   &len),
		 "boss's rights");
	buf[len] = '\0';
	is_str(buf, "read,edit", "boss may edit it");
	succeeds(fx,
		 store_fs_getxattr(fx->st, &w.bob, w.dir, "user.groupfs.rights",
				   buf, sizeof(buf) - 1, &len),
		 "bob's rights on a folder");
	buf[len] = '\0';
	like(buf, "add", "bob may add in the folder");

	before = fx_snapshot(fx);
	refused(fx,
		store_fs_setxattr(fx->st, &w.bob, w.item,
				  "user.groupfs.creator", "bob", 3, 0),
		-EPERM, "read-only", "the creator cannot be rewritten");
	/* One who may edit the item writes another value (a copy carried
	 * back by rsync -X): accepted, and nothing changes. */
	succeeds(fx,
		 store_fs_setxattr(fx->st, &w.boss, w.item,
				   "user.groupfs.creator", "bob", 3, 0),
		 "the editor's rewrite of the creator is accepted");
	refused(fx,
		store_fs_removexattr(fx->st, &w.boss, w.item,
				     "user.groupfs.editors"),
		-EPERM, "read-only", "nor removed");
	unchanged(fx, before, "refused attribute writes change nothing");
	succeeds(fx,
		 store_fs_setxattr(fx->st, &w.boss, w.item,
				   "user.groupfs.creator", "boss", 4, 0),
		 "writing back the value it has is a no-op (rsync -X)");
}

static void xattr_rights_and_room(struct fixture *fx)
{
	struct world w;
	int64_t m0, m1;
	char *before;

	world(fx, &w);
	m0 = metadata(fx, &w.boss);
	before = fx_snapshot(fx);
	is_errno(store_fs_setxattr(fx->st, &w.bob, w.item, "user.note", "x", 1,
				   0),
		 -EACCES, "a member without edit cannot set an attribute");
	is_errno(store_fs_setxattr(fx->st, &w.eve, w.item, "user.note", "x", 1,
				   0),
		 -ESTALE, "a stranger does not even see the item");
	unchanged(fx, before, "refusals change nothing");
	is_int(metadata(fx, &w.boss), m0, "nor the metadata in use");
	succeeds(fx,
		 store_fs_setxattr(fx->st, &w.bob, w.dir, "user.tag", "12345",
				   5, 0),
		 "add on a folder lets bob tag it");
	m1 = metadata(fx, &w.boss);
	is_int(m1 - m0, (long long)(strlen("user.tag") + 5),
	       "name and value count as metadata");
	succeeds(fx, store_fs_removexattr(fx->st, &w.bob, w.dir, "user.tag"),
		 "remove it");
	is_int(metadata(fx, &w.boss), m0, "its room is given back");
}

static void access_rights(struct fixture *fx)
{
	struct world w;
	uint64_t mine;

	world(fx, &w);
	succeeds(fx, store_fs_access(fx->st, &w.bob, w.item, R_OK),
		 "bob may read");
	is_errno(store_fs_access(fx->st, &w.bob, w.item, W_OK), -EACCES,
		 "bob may not write boss's item");
	succeeds(fx, store_fs_access(fx->st, &w.boss, w.item, R_OK | W_OK),
		 "boss may write it");
	is_errno(store_fs_access(fx->st, &w.boss, w.item, X_OK), -EACCES,
		 "a 0644 file is not executable");
	succeeds(fx, store_fs_access(fx->st, &w.bob, w.dir, W_OK | X_OK),
		 "bob may add in the folder");
	mine = put(fx, &w.bob, w.docs, "bob.txt", "b", 1);
	succeeds(fx, store_fs_access(fx->st, &w.bob, mine, W_OK),
		 "bob edits what he added");
	is_errno(store_fs_access(fx->st, &w.eve, w.item, R_OK), -ESTALE,
		 "a stranger sees nothing");

	fx_rights(fx, &w.boss, "G", "documents", STORE_RIGHT_ADD, false, NULL);
	fx_rights(fx, &w.boss, "G", "documents", STORE_RIGHT_DELETE, false,
		  NULL);
	is_errno(store_fs_access(fx->st, &w.bob, w.dir, W_OK), -EACCES,
		 "without add or delete the folder is not writable");
	succeeds(fx, store_fs_access(fx->st, &w.bob, w.dir, R_OK | X_OK),
		 "but still readable");
	succeeds(fx, store_fs_access(fx->st, &w.bob, mine, W_OK),
		 "and his own item still editable");
}

static void statfs_spaces(struct fixture *fx)
{
	static char data[100000];
	struct store_statfs s0, s1, p;
	uint64_t priv;
	struct world w;

	world(fx, &w);
	succeeds(fx, store_fs_statfs(fx->st, &w.bob, w.docs, &s0), "statfs");
	is_int(s0.capacity, (long long)MIB,
	       "a group shows its administrator's plan capacity");
	ok(s0.max_files > 0 && s0.files >= 2, "and its entries (%lld of %lld)",
	   (long long)s0.files, (long long)s0.max_files);
	put(fx, &w.bob, w.dir, "data.bin", data, sizeof(data));
	succeeds(fx, store_fs_statfs(fx->st, &w.boss, w.dir, &s1), "again");
	is_int(s1.used - s0.used, (long long)sizeof(data),
	       "a file counts at its apparent size");
	is_int(s1.files - s0.files, 1, "and as one entry");
	priv = fx_root(fx, &w.bob, NULL, STORE_TOOL_DOCUMENTS);
	succeeds(fx, store_fs_statfs(fx->st, &w.bob, priv, &p), "private");
	is_int(p.capacity, (long long)(MIB / 2),
	       "Private shows the private capacity");
	is_int(p.used, 0, "and only the caller's own use");
	is_errno(store_fs_statfs(fx->st, &w.eve, w.docs, &p), -ESTALE,
		 "a stranger cannot stat the group");
}

struct seen {
	int nodes, entries, rights;
	uint64_t parent;
	char name[64];
};

static void seen_fn(void *arg, uint64_t ino, uint64_t parent, const char *name)
{
	struct seen *s = arg;

	if (ino)
		s->nodes++;
	else if (parent && name) {
		s->entries++;
		s->parent = parent;
		snprintf(s->name, sizeof(s->name), "%s", name);
	} else
		s->rights++;
}

static void journal(struct fixture *fx)
{
	struct store *other = NULL;
	struct seen s = {0};
	uint64_t cur = 0, c2;
	struct world w;

	world(fx, &w);
	succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s),
		 "the first call positions the cursor");
	ok(cur > 0 && s.nodes + s.entries + s.rights == 0,
	   "and reports nothing");
	/* A daemon's record: others write the journal for it. */
	succeeds(fx, store_fs_ack(fx->st, cur), "the reader is a daemon");
	c2 = cur;
	put(fx, &w.boss, w.docs, "own.txt", "o", 1);
	succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s), "own");
	is_int(s.nodes + s.entries + s.rights, 0,
	       "a handle's own changes are not reported back to it");

	other = second_handle(fx);
	put_on(fx, other, &w.bob, w.docs, "theirs.txt", "t", 1);
	succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s), "theirs");
	ok(s.entries >= 1 && s.parent == w.docs &&
		   strcmp(s.name, "theirs.txt") == 0,
	   "another process's new entry is reported by parent and name");
	ok(cur > c2, "the cursor moves on");
	memset(&s, 0, sizeof(s));
	/* Its record goes: a change of rights would wait for its
	 * acknowledgement, which this thread could not give. */
	store_fs_leave(fx->st);
	{
		const char *users[] = {"bob"};

		succeeds(fx,
			 store_rights_set(other, &w.boss, "G", "documents",
					  STORE_RIGHT_ADD, false, users, 1),
			 "rights set by the other process");
	}
	succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s), "rights");
	ok(s.rights >= 1, "a change of rights is reported as such");
	memset(&s, 0, sizeof(s));
	succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s), "quiet");
	is_int(s.nodes + s.entries + s.rights, 0, "nothing is reported twice");
	store_close(other);
}

/* A mount reads the journal while other processes write: every change
 * committed while it reads is reported, at that read or the next one.  A
 * read that found nothing of others and then took the journal's end from
 * a later moment skipped what committed in between (a change of rights
 * never applied, groupctl waiting for an acknowledgement that never
 * came).  The reader here reads without pause so that writes keep landing
 * between its statements. */
#define RACE_FILES 200

struct race {
	struct store *st;
	uint64_t docs, cursor;
	atomic_bool stop;
	int calls, errors;
	bool seen[RACE_FILES];
};

static void race_fn(void *arg, uint64_t ino, uint64_t parent,
		    const char *name)
{
	struct race *r = arg;
	int i;

	(void)ino;
	if (parent == r->docs && name && sscanf(name, "r%d", &i) == 1 &&
	    i >= 0 && i < RACE_FILES)
		r->seen[i] = true;
}

static void *race_reader(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		if (store_fs_changes(r->st, &r->cursor, race_fn, r) != 0)
			r->errors++;
		r->calls++;
	}
	/* What committed before the writer said stop. */
	if (store_fs_changes(r->st, &r->cursor, race_fn, r) != 0)
		r->errors++;
	return NULL;
}

static void journal_while_written(struct fixture *fx)
{
	struct race r = {.stop = false};
	struct world w;
	pthread_t t;
	char name[32];
	int i, missed = 0;

	world(fx, &w);
	r.docs = w.docs;
	r.st = second_handle(fx);
	succeeds(fx, store_fs_changes(r.st, &r.cursor, race_fn, &r),
		 "the reader positions its cursor");
	succeeds(fx, store_fs_ack(r.st, r.cursor), "and is a daemon");
	if (pthread_create(&t, NULL, race_reader, &r))
		fx_bail(fx, -EAGAIN, "pthread_create");
	for (i = 0; i < RACE_FILES; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		put(fx, &w.boss, w.docs, name, "x", 1);
	}
	atomic_store(&r.stop, true);
	pthread_join(t, NULL);
	for (i = 0; i < RACE_FILES; i++)
		if (!r.seen[i]) {
			if (!missed)
				diag("first missed: r%d", i);
			missed++;
		}
	is_int(r.errors, 0, "the reader's reads succeeded");
	ok(r.calls > RACE_FILES, "the reader read while the files were made "
	   "(%d reads)", r.calls);
	is_int(missed, 0, "every file made while the journal was read was "
	       "reported");
	store_close(r.st);
}

/* The journal's rows of nodes and names are for other daemons: a writer
 * with none running leaves them out on SQLite (PostgreSQL always writes
 * them); rows of rights stay. */
static void journal_quiet(struct fixture *fx)
{
	bool pg = fx_on_postgres();
	struct store *w = NULL;
	struct seen s = {0};
	struct world wd;
	uint64_t cur = 0;

	world(fx, &wd);
	succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s), "position");
	w = second_handle(fx);
	{
		put_on(fx, w, &wd.bob, wd.docs, "q1", "1", 1);
		succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s),
			 "read with no daemon running");
		is_int(s.entries, pg ? 1 : 0,
		       pg ? "PostgreSQL journals a new name always"
			  : "no daemon runs: a new name is not journaled");
		memset(&s, 0, sizeof(s));
		succeeds(fx, store_fs_ack(fx->st, cur), "a daemon starts");
		put_on(fx, w, &wd.bob, wd.docs, "q2", "2", 1);
		succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s),
			 "read as a daemon");
		ok(s.entries >= 1 && strcmp(s.name, "q2") == 0,
		   "with a daemon running the new name is journaled");
		memset(&s, 0, sizeof(s));
		store_fs_leave(fx->st);
		put_on(fx, w, &wd.bob, wd.docs, "q3", "3", 1);
		succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s),
			 "read after the daemon left");
		is_int(s.entries, pg ? 1 : 0,
		       "the daemon left: as before it started");
		memset(&s, 0, sizeof(s));
	}
	{
		const char *users[] = {"bob"};
		struct seen own = {0};
		uint64_t wcur = 0;

		succeeds(fx, store_fs_changes(w, &wcur, seen_fn, &own),
			 "the writer positions a cursor of its own");
		succeeds(fx,
			 store_rights_set(w, &wd.boss, "G", "documents",
					  STORE_RIGHT_ADD, false, users, 1),
			 "rights set with no daemon running");
		succeeds(fx, store_fs_changes(w, &wcur, seen_fn, &own),
			 "the writer reads");
		is_int(own.rights, 0,
		       "its own change of rights is not reported back to it");
	}
	succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s), "rights");
	ok(s.rights >= 1, "a change of rights is journaled all the same");
	store_close(w);
}

/* A reader stopped for long while others wrote much finds the rows after
 * its cursor trimmed: it drops everything, as after a change of rights,
 * and reads on from what is left. */
static void journal_trimmed(struct fixture *fx)
{
	struct store *w = NULL;
	struct seen s = {0};
	struct world wd;
	uint64_t cur = 0;

	world(fx, &wd);
	succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s), "position");
	succeeds(fx, store_fs_ack(fx->st, cur), "the reader is a daemon");
	w = second_handle(fx);
	{
		put_on(fx, w, &wd.bob, wd.docs, "t1", "1", 1);
		put_on(fx, w, &wd.bob, wd.docs, "t2", "2", 1);
		succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s),
			 "read");
		is_int(s.rights, 0, "rows read in turn drop nothing at large");
		memset(&s, 0, sizeof(s));
		put_on(fx, w, &wd.bob, wd.docs, "t3", "3", 1);
		put_on(fx, w, &wd.bob, wd.docs, "t4", "4", 1);
		/* What another daemon's trim does to rows this one has not
		 * read: all but the last go. */
		succeeds(fx, fx_sql(fx,
				    "DELETE FROM journal WHERE seq < (SELECT"
				    " max(seq) FROM journal)",
				    "DELETE FROM journal WHERE seq < (SELECT"
				    " max(seq) FROM journal)"),
			 "rows the reader had not read are trimmed");
		succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s),
			 "read after the trim");
		is_int(s.rights, 1, "the reader drops everything once");
		memset(&s, 0, sizeof(s));
		put_on(fx, w, &wd.bob, wd.docs, "t5", "5", 1);
		succeeds(fx, store_fs_changes(fx->st, &cur, seen_fn, &s),
			 "read on");
		ok(s.rights == 0 && s.entries >= 1 &&
			   strcmp(s.name, "t5") == 0,
		   "and then reads on as before");
	}
	store_fs_leave(fx->st);
	store_close(w);
}

int main(void)
{
	fx_run("xattr: set, get, list, remove", xattr_roundtrip);
	fx_run("xattr: namespaces and sizes", xattr_namespaces);
	fx_run("xattr: generated and read-only", xattr_generated);
	fx_run("xattr: rights and room", xattr_rights_and_room);
	fx_run("access(2) answers the real rights", access_rights);
	fx_run("statfs per space", statfs_spaces);
	fx_run("the change journal", journal);
	fx_run("the change journal read while written", journal_while_written);
	fx_run("the change journal with no daemon to read it", journal_quiet);
	fx_run("the change journal trimmed before it was read",
	       journal_trimmed);
	return done_testing();
}
