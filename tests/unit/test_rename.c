// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of renames and links against hostile members (SPEC.md
 * section 3): moving an item into a drop folder never gives anyone the
 * edit right the mover lacks, RENAME_EXCHANGE works in documents only, a
 * handle on the source of a save-pattern rename writes only where its
 * caller edits the target, hard links stay within one drop folder, the
 * save pattern leaves other hard links alone, a length past the
 * largest file is EFBIG, and a name resolved in a folder that is gone,
 * or an inode that is gone (an alias after its last close), answers
 * ESTALE (the kernel's cache is stale).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"

/* Create `name` in `dir` holding `data`, as `c`. */
static uint64_t put(struct fixture *fx, const struct store_caller *c,
		    uint64_t dir, const char *name, const char *data)
{
	struct store_file *f = NULL;
	struct store_attr a;
	size_t done;
	int rc;

	rc = store_fs_create(fx->st, c, dir, name, 0644, O_WRONLY | O_CREAT,
			     &a, &f);
	if (rc == 0)
		rc = store_fs_write(fx->st, f, 0, data, strlen(data), &done);
	if (f)
		store_fs_release(fx->st, f, NULL);
	if (rc)
		fx_bail(fx, rc, "write %s", name);
	return a.ino;
}

/* The content of `ino` as `c` reads it, into buf. */
static const char *get(struct fixture *fx, const struct store_caller *c,
		       uint64_t ino, char *buf, size_t len)
{
	struct store_file *f = NULL;
	size_t got = 0;
	int rc;

	rc = store_fs_open(fx->st, c, ino, O_RDONLY, &f);
	if (rc == 0)
		rc = store_fs_read(fx->st, f, 0, len - 1, buf, &got);
	if (f)
		store_fs_release(fx->st, f, NULL);
	buf[rc ? 0 : got] = '\0';
	return buf;
}

struct world {
	struct store_caller boss, bob, carol;
	uint64_t docs, cal, drop;
};

static void world(struct fixture *fx, struct world *w)
{
	uint64_t root;

	w->boss = fx_account(fx, "boss", FX_BIG);
	w->bob = fx_account(fx, "bob", NULL);
	w->carol = fx_account(fx, "carol", NULL);
	fx_group(fx, &w->boss, "G", 0);
	fx_join(fx, &w->boss, "G", "bob");
	fx_join(fx, &w->boss, "G", "carol");
	fx_rights(fx, &w->boss, "G", "documents", STORE_RIGHT_ADD, false,
		  "bob", NULL);
	fx_rights(fx, &w->boss, "G", "documents", STORE_RIGHT_DELETE, false,
		  "bob", NULL);
	w->docs = fx_root(fx, &w->boss, "G", STORE_TOOL_DOCUMENTS);
	w->cal = fx_root(fx, &w->boss, "G", STORE_TOOL_CALENDAR);
	root = fx_lookup(fx, &w->boss, STORE_ROOT_INO, "G");
	w->drop = fx_lookup(fx, &w->boss, root, "drop");
}

static void into_drop(struct fixture *fx)
{
	struct world w;
	uint64_t mine, hers, sorted;
	const char *bob_only[] = {"bob"};
	char buf[64];

	world(fx, &w);
	mine = fx_lookup(fx, &w.bob, w.drop, "bob");
	hers = fx_lookup(fx, &w.carol, w.drop, "carol");
	put(fx, &w.boss, w.docs, "x.txt", "original");
	refused(fx,
		store_fs_rename(fx->st, &w.bob, w.docs, "x.txt", mine, "x.txt",
				0, NULL),
		-EACCES, "edit",
		"delete and add do not move someone's item into one's drop");
	refused(fx,
		store_fs_rename(fx->st, &w.bob, w.docs, "x.txt", hers, "x.txt",
				0, NULL),
		-EACCES, "edit", "nor into another member's drop");
	is_str(get(fx, &w.carol, fx_lookup(fx, &w.carol, w.docs, "x.txt"), buf,
		   sizeof(buf)),
	       "original", "x.txt stays where it was");
	put(fx, &w.bob, w.docs, "b.txt", "bob's");
	succeeds(fx,
		 store_fs_rename(fx->st, &w.bob, w.docs, "b.txt", mine, "b.txt",
				 0, NULL),
		 "bob moves his own file into his drop");
	put(fx, &w.boss, w.docs, "y.txt", "why");
	succeeds(fx,
		 store_editors_set(fx->st, &w.boss, "G", "documents/y.txt",
				   false, bob_only, 1),
		 "boss names bob an editor of y.txt");
	succeeds(fx,
		 store_fs_rename(fx->st, &w.bob, w.docs, "y.txt", mine, "y.txt",
				 0, NULL),
		 "an editor may move it into his drop");
	/* carol drops into bob's folder: bob manages it there, but may not
	 * pass it on to another member's folder. */
	put(fx, &w.carol, mine, "c.txt", "carol's");
	refused(fx,
		store_fs_rename(fx->st, &w.bob, mine, "c.txt", hers, "c.txt", 0,
				NULL),
		-EACCES, "edit", "the owner cannot pass a drop on");
	sorted = fx_mkdir(fx, &w.bob, mine, "sorted");
	succeeds(fx,
		 store_fs_rename(fx->st, &w.bob, mine, "c.txt", sorted, "c.txt",
				 0, NULL),
		 "but sorts it within his own folder");
	refused(fx,
		store_fs_rename(fx->st, &w.bob, mine, "sorted", hers, "sorted",
				0, NULL),
		-EACCES, NULL, "nor a folder holding it");
}

static void exchange(struct fixture *fx)
{
	struct world w;
	uint64_t dir, sub, mine;
	char a[16], b[16];
	uint64_t e1, e2;

	world(fx, &w);
	put(fx, &w.boss, w.docs, "junk.ics", "garbage");
	put(fx, &w.boss, w.cal, "scratch", "x");
	refused(fx,
		store_fs_rename(fx->st, &w.boss, w.docs, "junk.ics", w.cal,
				"scratch", STORE_RENAME_EXCHANGE, NULL),
		-EINVAL, "documents", "no exchange with the calendar");
	dir = fx_mkdir(fx, &w.boss, w.docs, "dir");
	mine = fx_lookup(fx, &w.bob, w.drop, "bob");
	fx_mkdir(fx, &w.bob, mine, "m");
	refused(fx,
		store_fs_rename(fx->st, &w.bob, mine, "m", w.docs, "dir",
				STORE_RENAME_EXCHANGE, NULL),
		-EINVAL, "documents", "no exchange with a drop folder");
	refused(fx,
		store_fs_rename(fx->st, &w.bob, w.docs, "dir", mine, "m",
				STORE_RENAME_EXCHANGE, NULL),
		-EINVAL, "documents", "either way round");
	sub = fx_mkdir(fx, &w.boss, dir, "sub");
	fx_mkdir(fx, &w.boss, sub, "deep");
	refused(fx,
		store_fs_rename(fx->st, &w.boss, w.docs, "dir", sub, "deep",
				STORE_RENAME_EXCHANGE, NULL),
		-EINVAL, "itself", "a folder is not exchanged into itself");
	e1 = put(fx, &w.boss, w.docs, "e1", "one");
	e2 = put(fx, &w.boss, dir, "e2", "two");
	succeeds(fx,
		 store_fs_rename(fx->st, &w.boss, w.docs, "e1", dir, "e2",
				 STORE_RENAME_EXCHANGE, NULL),
		 "an exchange within documents");
	is_int(fx_lookup(fx, &w.boss, w.docs, "e1"), e2,
	       "e1 is the other inode");
	is_int(fx_lookup(fx, &w.boss, dir, "e2"), e1, "and e2 too");
	ok(strcmp(get(fx, &w.bob, e1, a, sizeof(a)), "one") == 0 &&
		   strcmp(get(fx, &w.bob, e2, b, sizeof(b)), "two") == 0,
	   "contents go with their inodes");
}

static void alias_handle(struct fixture *fx)
{
	struct store_file *f = NULL;
	const char *bob_only[] = {"bob"};
	struct world w;
	uint64_t doc;
	size_t done = 0;
	char buf[64];

	world(fx, &w);
	doc = put(fx, &w.boss, w.docs, "doc.txt", "boss's");
	put(fx, &w.boss, w.docs, "tmp.txt", "new version");
	succeeds(fx,
		 store_editors_set(fx->st, &w.boss, "G", "documents/tmp.txt",
				   false, bob_only, 1),
		 "bob edits tmp.txt");
	succeeds(fx,
		 store_fs_open(fx->st, &w.bob,
			       fx_lookup(fx, &w.bob, w.docs, "tmp.txt"), O_RDWR,
			       &f),
		 "bob opens tmp.txt for writing");
	if (!f)
		return;
	succeeds(fx,
		 store_fs_rename(fx->st, &w.boss, w.docs, "tmp.txt", w.docs,
				 "doc.txt", 0, NULL),
		 "boss saves it over doc.txt");
	is_errno(store_fs_write(fx->st, f, 0, "FORGED", 6, &done), -EACCES,
		 "bob's handle does not write into doc.txt");
	is_str(get(fx, &w.carol, doc, buf, sizeof(buf)), "new version",
	       "doc.txt holds the saved version");
	succeeds(fx, store_fs_read(fx->st, f, 0, 3, buf, &done),
		 "the handle still reads");
	succeeds(fx,
		 store_editors_set(fx->st, &w.boss, "G", "documents/doc.txt",
				   false, bob_only, 1),
		 "boss names bob an editor of doc.txt");
	succeeds(fx, store_fs_write(fx->st, f, 0, "BOB", 3, &done),
		 "now the handle writes");
	store_fs_release(fx->st, f, NULL);
	is_str(get(fx, &w.carol, doc, buf, sizeof(buf)), "BOB version",
	       "into doc.txt");
}

static void links(struct fixture *fx)
{
	struct world w;
	uint64_t boss_drop, carol_drop, l;
	struct store_attr a;
	char buf[16];

	world(fx, &w);
	boss_drop = fx_lookup(fx, &w.bob, w.drop, "boss");
	carol_drop = fx_lookup(fx, &w.bob, w.drop, "carol");
	l = put(fx, &w.bob, boss_drop, "l.txt", "link");
	refused(fx, store_fs_link(fx->st, &w.bob, l, carol_drop, "l.txt", &a),
		-EXDEV, "drop folder", "no link into another drop folder");
	refused(fx,
		store_fs_link(fx->st, &w.bob, l,
			      fx_lookup(fx, &w.bob, w.drop, "bob"), "l.txt",
			      &a),
		-EXDEV, "drop folder", "nor into one's own");
	succeeds(fx, store_fs_link(fx->st, &w.bob, l, boss_drop, "l2.txt", &a),
		 "a link within the same drop folder");
	is_int(a.nlink, 2, "two names");
	/* The save pattern over a file with another name: a plain rename. */
	l = put(fx, &w.boss, w.docs, "h.txt", "old");
	succeeds(fx, store_fs_link(fx->st, &w.boss, l, w.docs, "snap.txt", &a),
		 "snap.txt: a second name of h.txt");
	put(fx, &w.boss, w.docs, ".h.tmp", "new");
	succeeds(fx,
		 store_fs_rename(fx->st, &w.boss, w.docs, ".h.tmp", w.docs,
				 "h.txt", 0, NULL),
		 "save over h.txt");
	is_int(fx_lookup(fx, &w.boss, w.docs, "snap.txt"), l,
	       "snap.txt keeps the inode");
	ok(fx_lookup(fx, &w.boss, w.docs, "h.txt") != l, "h.txt is a new one");
	is_str(get(fx, &w.carol, l, buf, sizeof(buf)), "old",
	       "snap.txt keeps the old content");
	is_str(get(fx, &w.carol, fx_lookup(fx, &w.boss, w.docs, "h.txt"), buf,
		   sizeof(buf)),
	       "new", "h.txt has the new one");
}

static void too_big(struct fixture *fx)
{
	struct store_setattr set = {.valid = STORE_SET_SIZE};
	struct store_attr a;
	struct world w;
	uint64_t t;

	world(fx, &w);
	t = put(fx, &w.boss, w.docs, "t.txt", "small");
	set.size = INT64_MAX;
	refused(fx, store_fs_setattr(fx->st, &w.boss, t, &set, NULL, &a),
		-EFBIG, "at most", "truncate past the largest file: EFBIG");
	set.size = 1ULL << 40;
	refused(fx, store_fs_setattr(fx->st, &w.boss, t, &set, NULL, &a),
		-ENOSPC, NULL, "past the capacity: ENOSPC");
}

/* Each refusal in drop/ names the drop folders' rule and whose folder it
 * is, not a right that nobody could be granted there. */
static void drop_refusals(struct fixture *fx)
{
	struct world w;
	struct store_attr a;
	struct store_rename rn;
	uint64_t carols;

	world(fx, &w);
	carols = fx_lookup(fx, &w.carol, w.drop, "carol");
	put(fx, &w.carol, carols, "hers.txt", "carol's own");
	refused(fx, store_fs_mkdir(fx->st, &w.bob, w.drop, "x", 0755, &a),
		-EACCES, "one folder per member", "a folder of one's own in drop/");
	refused(fx, store_fs_rmdir(fx->st, &w.bob, w.drop, "carol"), -EACCES,
		"one folder per member", "removing another member's drop folder");
	refused(fx, store_fs_rmdir(fx->st, &w.carol, w.drop, "carol"), -EACCES,
		"made and removed with the membership",
		"removing one's own drop folder");
	refused(fx,
		store_fs_rename(fx->st, &w.carol, w.drop, "carol", w.drop,
				"caroline", 0, &rn),
		-EACCES, "carol's drop folder", "renaming one's drop folder");
	is_int(store_fs_unlink(fx->st, &w.bob, carols, "hers.txt"), -ENOENT,
	       "an item the owner put in her drop folder: others do not see "
	       "it, so they cannot remove it");
	succeeds(fx, store_fs_unlink(fx->st, &w.carol, carols, "hers.txt"),
		 "the owner removes it");
}

static int count_entry(void *arg, const char *name,
		       const struct store_attr *attr)
{
	(void)name;
	(void)attr;
	++*(int *)arg;
	return 0;
}

/* What the kernel asks in a folder it still caches after another process
 * removed it (a mount of its own, groupctl, Move to Trash): each name
 * resolved there answers -ESTALE, so that the kernel walks the path
 * again, rather than -ENOENT for what may exist under the path now. */
static void gone_folder(struct fixture *fx)
{
	struct store_file *f = NULL;
	struct store_rename rn;
	struct store_attr a;
	struct world w;
	uint64_t old;
	int n = 0;

	world(fx, &w);
	old = fx_mkdir(fx, &w.boss, w.docs, "old");
	put(fx, &w.boss, old, "f.txt", "in old");
	put(fx, &w.boss, w.docs, "y.txt", "why");
	succeeds(fx, store_fs_unlink(fx->st, &w.boss, old, "f.txt"),
		 "f.txt goes");
	succeeds(fx, store_fs_rmdir(fx->st, &w.boss, w.docs, "old"),
		 "and its folder");
	is_errno(store_fs_lookup(fx->st, &w.boss, old, "f.txt", &a), -ESTALE,
		 "a lookup in the removed folder: ESTALE");
	is_errno(store_fs_mkdir(fx->st, &w.boss, old, "sub", 0755, &a),
		 -ESTALE, "mkdir there");
	is_errno(store_fs_create(fx->st, &w.boss, old, "n.txt", 0644,
				 O_WRONLY | O_CREAT, &a, &f),
		 -ESTALE, "create there");
	ok(f == NULL, "which opened nothing");
	is_errno(store_fs_unlink(fx->st, &w.boss, old, "f.txt"), -ESTALE,
		 "unlink there");
	is_errno(store_fs_rename(fx->st, &w.boss, w.docs, "y.txt", old,
				 "y.txt", 0, &rn),
		 -ESTALE, "a rename into it");
	is_errno(store_fs_rename(fx->st, &w.boss, old, "f.txt", w.docs,
				 "f.txt", 0, &rn),
		 -ESTALE, "a rename out of it");
	is_errno(store_fs_readdir(fx->st, &w.boss, old, NULL, 0, count_entry,
				  &n),
		 -ENOENT, "listing it is no walk: ENOENT");
	is_errno(store_fs_lookup(fx->st, &w.boss, w.docs, "old", &a), -ENOENT,
		 "its name in documents: ENOENT, as a walk finds it");
	is_errno(store_fs_lookup(fx->st, &w.boss, w.docs, "f.txt", &a),
		 -ENOENT, "a missing name in a folder that is there: ENOENT");
}

/* Every call on an inode the kernel named through an entry it cached:
 * `what` answers `want`. */
static void named_calls(struct fixture *fx, const struct store_caller *c,
			uint64_t ino, int want, const char *what)
{
	struct store_setattr set = {.valid = STORE_SET_MODE, .mode = 0600};
	struct store_file *f = NULL;
	struct store_attr a;
	char buf[64];
	size_t len;

	is_errno(store_fs_getattr(fx->st, c, ino, &a), want, "%s: getattr",
		 what);
	is_errno(store_fs_open(fx->st, c, ino, O_RDONLY, &f), want,
		 "%s: open", what);
	ok(f == NULL, "%s: which opened nothing", what);
	is_errno(store_fs_setattr(fx->st, c, ino, &set, NULL, &a), want,
		 "%s: setattr", what);
	is_errno(store_fs_access(fx->st, c, ino, R_OK), want, "%s: access",
		 what);
	is_errno(store_fs_readlink(fx->st, c, ino, buf, sizeof(buf)), want,
		 "%s: readlink", what);
	is_errno(store_fs_getxattr(fx->st, c, ino, "user.v", buf, sizeof(buf),
				   &len),
		 want, "%s: getxattr", what);
	is_errno(store_fs_listxattr(fx->st, c, ino, buf, sizeof(buf), &len),
		 want, "%s: listxattr", what);
	is_errno(store_fs_setxattr(fx->st, c, ino, "user.v", "x", 1, 0), want,
		 "%s: setxattr", what);
	is_errno(store_fs_removexattr(fx->st, c, ino, "user.v"), want,
		 "%s: removexattr", what);
	is_errno(store_fs_link(fx->st, c, ino, fx_root(fx, c, "G",
						       STORE_TOOL_DOCUMENTS),
			       "linked", &a),
		 want, "%s: link", what);
}

static void gone_item(struct fixture *fx)
{
	struct store_file *f = NULL;
	struct store_rename rn;
	struct store_attr a;
	struct world w;
	uint64_t gone, doc, src;
	unsigned problems = 99;
	char buf[64];

	world(fx, &w);
	put(fx, &w.boss, w.docs, "y.txt", "why");
	gone = put(fx, &w.boss, w.docs, "gone.txt", "gone");
	succeeds(fx, store_fs_unlink(fx->st, &w.boss, w.docs, "gone.txt"),
		 "gone.txt goes");
	named_calls(fx, &w.boss, gone, -ESTALE, "a deleted item");
	named_calls(fx, &w.carol,
		    put(fx, &w.bob, fx_lookup(fx, &w.boss, w.drop, "boss"),
			"dropped.txt", "for boss"),
		    -ESTALE, "a drop of bob's for boss, out of carol's sight");

	gone = fx_mkdir(fx, &w.boss, w.docs, "gonedir");
	succeeds(fx, store_fs_opendir(fx->st, &w.carol, gone, NULL),
		 "a folder opens");
	succeeds(fx, store_fs_rmdir(fx->st, &w.boss, w.docs, "gonedir"),
		 "gonedir goes");
	is_errno(store_fs_opendir(fx->st, &w.carol, gone, NULL), -ESTALE,
		 "a deleted folder: opendir");
	is_errno(store_fs_opendir(fx->st, &w.carol,
				  fx_lookup(fx, &w.carol, w.docs, "y.txt"),
				  NULL),
		 -ENOTDIR, "a file: opendir");

	/* The save pattern while the source is open: its inode answers as
	 * the target until its last close, and then is gone.  The kernel
	 * may still hold the entry it moved there (its invalidation comes
	 * from another thread): told ESTALE, it looks the name up again. */
	doc = put(fx, &w.boss, w.docs, "doc.txt", "old");
	src = put(fx, &w.boss, w.docs, "tmp.txt", "new version");
	succeeds(fx, store_fs_open(fx->st, &w.boss, src, O_RDONLY, &f),
		 "the source is open");
	if (!f)
		return;
	succeeds(fx,
		 store_fs_rename(fx->st, &w.boss, w.docs, "tmp.txt", w.docs,
				 "doc.txt", 0, &rn),
		 "saved over doc.txt");
	succeeds(fx, store_fs_getattr(fx->st, &w.carol, src, &a),
		 "the source's inode answers while open");
	is_int(a.ino, doc, "  as doc.txt");
	is_str(get(fx, &w.carol, src, buf, sizeof(buf)), "new version",
	       "  with its content");
	store_fs_release(fx->st, f, NULL);
	named_calls(fx, &w.carol, src, -ESTALE, "the source after its close");
	is_int(fx_lookup(fx, &w.carol, w.docs, "doc.txt"), doc,
	       "looked up again, doc.txt is doc.txt's inode");
	is_str(get(fx, &w.carol, doc, buf, sizeof(buf)), "new version",
	       "  and holds the new version");
	succeeds(fx, store_check(fx->st, &fx->op, NULL, NULL, &problems),
		 "check");
	is_int(problems, 0, "the store is consistent");
}

int main(void)
{
	fx_run("moving into a drop folder needs the edit right", into_drop);
	fx_run("refusals in drop/ name the rule", drop_refusals);
	fx_run("RENAME_EXCHANGE in documents only", exchange);
	fx_run("a handle on a saved-over source", alias_handle);
	fx_run("hard links and drop folders, snapshots", links);
	fx_run("EFBIG past the largest file", too_big);
	fx_run("names in a folder that is gone: ESTALE", gone_folder);
	fx_run("an inode that is gone: ESTALE", gone_item);
	return done_testing();
}
