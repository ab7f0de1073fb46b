// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of content nodes as far as the rules of SPEC.md sections 1
 * and 2 reach them: tool roots, folders and items created, looked up,
 * resolved and removed, names refused, inode numbers stable and never
 * reused, contents surviving a reopen of the store.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"

static void roots(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_caller alice = fx_account(fx, "alice", NULL);
	uint64_t d, c, k, d2, again, pa, pb;

	fx_group(fx, &boss, "G1", 0);
	fx_group(fx, &boss, "G2", 0);
	fx_join(fx, &boss, "G1", "alice");
	d = fx_root(fx, &boss, "G1", STORE_TOOL_DOCUMENTS);
	c = fx_root(fx, &boss, "G1", STORE_TOOL_CALENDAR);
	k = fx_root(fx, &boss, "G1", STORE_TOOL_CONTACTS);
	d2 = fx_root(fx, &boss, "G2", STORE_TOOL_DOCUMENTS);
	again = fx_root(fx, &alice, "G1", STORE_TOOL_DOCUMENTS);
	ok(d != c && c != k && d != k, "each tool has its own root");
	ok(d != d2, "each group has its own roots");
	ok(d > 1 && c > 1 && k > 1, "no tool root is the mount's root (1)");
	is_int(again, d, "the same root for every member");
	pa = fx_root(fx, &alice, NULL, STORE_TOOL_DOCUMENTS);
	pb = fx_root(fx, &boss, NULL, STORE_TOOL_DOCUMENTS);
	ok(pa != pb, "each account has its own private documents");
	ok(pa != d && pb != d, "private and group roots differ");
	is_int(store_tool_parse("documents"), STORE_TOOL_DOCUMENTS,
	       "tool parse documents");
	is_int(store_tool_parse("calendar"), STORE_TOOL_CALENDAR,
	       "tool parse calendar");
	is_int(store_tool_parse("contacts"), STORE_TOOL_CONTACTS,
	       "tool parse contacts");
	is_int(store_tool_parse("members"), 0, "members is not a tool");
	is_str(store_tool_name(STORE_TOOL_CALENDAR), "calendar", "tool name");
}

static void create_lookup(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_attr a, b;
	uint64_t docs, dir, file;

	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	succeeds(fx, store_fs_mkdir(fx->st, &boss, docs, "a", 0755, &a),
		 "mkdir a");
	ok(S_ISDIR(a.mode), "a is a folder");
	dir = a.ino;
	succeeds(fx, store_fs_mknod(fx->st, &boss, dir, "b.txt", S_IFREG | 0644, &b),
		 "create a/b.txt");
	ok(S_ISREG(b.mode), "b.txt is a regular file");
	is_int(b.size, 0, "empty");
	ok(b.mtime_ns > 0, "with a modification time");
	file = b.ino;
	succeeds(fx, store_fs_lookup(fx->st, &boss, docs, "a", &a),
		 "lookup a");
	is_int(a.ino, dir, "the same inode");
	succeeds(
		fx,
		store_resolve(fx->st, &boss, "G", "documents/a/b.txt", &b),
		"resolve documents/a/b.txt");
	is_int(b.ino, file, "the same inode");
	succeeds(fx, store_resolve(fx->st, &boss, "G", "documents/a", &a),
		 "resolve documents/a");
	is_int(a.ino, dir, "the same inode");
	is_errno(store_fs_lookup(fx->st, &boss, docs, "nosuch", &a), -ENOENT,
		 "lookup of a missing name");
	is_errno(store_resolve(fx->st, &boss, "G", "documents/nosuch/x",
				    &a),
		 -ENOENT, "resolve of a missing path");
}

static void bad_names(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_attr a;
	uint64_t docs, cal, file;
	char longname[300];

	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	cal = fx_root(fx, &boss, "G", STORE_TOOL_CALENDAR);
	fx_mkdir(fx, &boss, docs, "a");
	file = fx_create(fx, &boss, docs, "f.txt");
	is_errno(store_fs_mkdir(fx->st, &boss, docs, "a", 0755, &a), -EEXIST,
		 "mkdir over an existing folder");
	is_errno(store_fs_mknod(fx->st, &boss, docs, "a", S_IFREG | 0644, &a), -EEXIST,
		 "create over an existing folder");
	is_errno(store_fs_mknod(fx->st, &boss, docs, "f.txt", S_IFREG | 0644, &a),
		 -EEXIST, "create over an existing file");
	is_errno(store_fs_mkdir(fx->st, &boss, docs, "x/y", 0755, &a),
		 -EINVAL, "a name with '/'");
	is_errno(store_fs_mkdir(fx->st, &boss, docs, "", 0755, &a), -EINVAL,
		 "an empty name");
	ok(store_fs_mkdir(fx->st, &boss, docs, ".", 0755, &a) < 0,
	   "the name \".\"");
	ok(store_fs_mkdir(fx->st, &boss, docs, "..", 0755, &a) < 0,
	   "the name \"..\"");
	memset(longname, 'n', 256);
	longname[256] = '\0';
	is_errno(store_fs_mknod(fx->st, &boss, docs, longname, S_IFREG | 0644, &a),
		 -ENAMETOOLONG, "a name of 256 bytes");
	memset(longname, 'n', 255);
	longname[255] = '\0';
	succeeds(fx, store_fs_mknod(fx->st, &boss, docs, longname, S_IFREG | 0644, &a),
		 "a name of 255 bytes");
	is_errno(store_fs_mkdir(fx->st, &boss, file, "x", 0755, &a), -ENOTDIR,
		 "mkdir inside a file");
	is_errno(store_fs_mkdir(fx->st, &boss, cal, "sub", 0755, &a), -EPERM,
		 "a folder in the calendar");
}

static void unlink_and_reuse(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_attr a;
	uint64_t docs, dir, old;

	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	dir = fx_mkdir(fx, &boss, docs, "a");
	old = fx_create(fx, &boss, dir, "f.txt");
	is_errno(store_fs_rmdir(fx->st, &boss, docs, "a"), -ENOTEMPTY,
		 "a folder that is not empty stays");
	succeeds(fx, store_fs_lookup(fx->st, &boss, docs, "a", &a),
		 "and is still there");
	is_errno(store_fs_unlink(fx->st, &boss, dir, "nosuch"), -ENOENT,
		 "unlink of a missing name");
	succeeds(fx, store_fs_unlink(fx->st, &boss, dir, "f.txt"),
		 "unlink f.txt");
	is_errno(store_fs_lookup(fx->st, &boss, dir, "f.txt", &a), -ENOENT,
		 "f.txt is gone");
	succeeds(fx, store_fs_mknod(fx->st, &boss, dir, "f.txt", S_IFREG | 0644, &a),
		 "create f.txt again");
	ok(a.ino != old, "a new item gets a new inode number");
	succeeds(fx, store_fs_unlink(fx->st, &boss, dir, "f.txt"),
		 "unlink f.txt");
	succeeds(fx, store_fs_rmdir(fx->st, &boss, docs, "a"),
		 "an empty folder goes");
	is_errno(store_fs_lookup(fx->st, &boss, docs, "a", &a), -ENOENT,
		 "a is gone");
}

static void stable_across_reopen(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);
	struct store_attr a;
	uint64_t docs, dir, file;
	char err[256] = "";
	int rc;

	fx_group(fx, &boss, "G", 0);
	docs = fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS);
	dir = fx_mkdir(fx, &boss, docs, "a");
	file = fx_create(fx, &boss, dir, "f.txt");
	store_close(fx->st);
	fx->st = NULL;
	rc = store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &fx->st, err,
			sizeof(err));
	if (rc)
		fx_bail(fx, rc, "reopen: %s", err);
	is_int(fx_root(fx, &boss, "G", STORE_TOOL_DOCUMENTS), docs,
	       "the root keeps its inode");
	succeeds(
		fx,
		store_resolve(fx->st, &boss, "G", "documents/a/f.txt", &a),
		"the file is there after a reopen");
	is_int(a.ino, file, "with the same inode");
	succeeds(fx, store_fs_lookup(fx->st, &boss, docs, "a", &a),
		 "the folder too");
	is_int(a.ino, dir, "with the same inode");
}

int main(void)
{
	fx_run("tool roots", roots);
	fx_run("create, lookup, resolve", create_lookup);
	fx_run("names refused", bad_names);
	fx_run("unlink; inode numbers are not reused", unlink_and_reuse);
	fx_run("inode numbers survive a reopen", stable_across_reopen);
	return done_testing();
}
