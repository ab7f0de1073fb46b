// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the integrity check on damaged stores: a populated store
 * checks clean; then each case closes it, breaks one invariant with raw
 * SQL on the database file (what a bug, a crash or a hand edit could
 * leave), reopens it and expects `check` to name that damage.  Also the
 * quota rules the check verifies (metadata and entry counters), their
 * refusals through the API, and the migration that recomputes them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "fixture.h"

struct seen {
	char text[8192];
	unsigned n;
};

static void collect(void *arg, const char *problem)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);

	s->n++;
	snprintf(s->text + len, sizeof(s->text) - len, "%s\n", problem);
	diag("  problem: %s", problem);
}

static void reopen(struct fixture *fx)
{
	char err[256];
	int rc;

	store_close(fx->st);
	fx->st = NULL;
	rc = store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &fx->st, err,
			sizeof(err));
	if (rc)
		fx_bail(fx, rc, "reopen: %s", err);
}

/* Run `sql` (or, on PostgreSQL, `pg`) on the closed store's database,
 * then reopen it. */
static void damage(struct fixture *fx, const char *sql, const char *pg)
{
	int rc;

	store_close(fx->st);
	fx->st = NULL;
	rc = fx_sql(fx, sql, pg);
	ok(rc == 0, "the damage was done");
	reopen(fx);
}

/* A group with a bit of everything: folders, files, an xattr, a symlink,
 * a hard link, an item, drop folders. */
static void populate(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_attr a;
	uint64_t docs, dir, f;

	fx_account(fx, "bob", FX_BIG);
	fx_group(fx, &alice, "Sales", 0);
	fx_join(fx, &alice, "Sales", "bob");
	docs = fx_root(fx, &alice, "Sales", STORE_TOOL_DOCUMENTS);
	dir = fx_mkdir(fx, &alice, docs, "dir");
	f = fx_create(fx, &alice, dir, "f.txt");
	fx_mkdir(fx, &alice, dir, "sub");
	if (store_fs_setxattr(fx->st, &alice, f, "user.note", "hello", 5, 0) ||
	    store_fs_symlink(fx->st, &alice, docs, "ln", "dir/f.txt", &a) ||
	    store_fs_link(fx->st, &alice, f, docs, "hard.txt", &a))
		fx_bail(fx, -EIO, "populate: %s", store_errmsg(fx->st));
}

static unsigned run_check(struct fixture *fx, struct seen *s)
{
	unsigned problems = 999;

	memset(s, 0, sizeof(*s));
	succeeds(fx, store_check(fx->st, &fx->op, collect, s, &problems),
		 "check runs");
	return problems;
}

static const struct {
	const char *what, *sql, *expect;
	/* PostgreSQL's dialect, when it differs (NULL: the same). */
	const char *pg;
} cases[] = {
	{"bytes in use off", "UPDATE space SET used = used + 7",
	 "bytes in use", NULL},
	{"metadata bytes off", "UPDATE space SET meta = meta + 1",
	 "metadata bytes", NULL},
	{"xattr added behind the counter's back",
	 "DROP TRIGGER xattr_meta_insert; INSERT INTO xattr (node, name, value)"
	 " SELECT id, 'user.sneak', x'00' FROM node WHERE target IS NOT NULL",
	 "metadata bytes",
	 "DROP TRIGGER xattr_meta_insert ON xattr; INSERT INTO xattr (node,"
	 " name, value) SELECT id, 'user.sneak', '\\x00'::bytea FROM node"
	 " WHERE target IS NOT NULL"},
	{"entry count off",
	 "UPDATE space SET files = files - 1"
	 " WHERE group_id IS NOT NULL",
	 "entry count", NULL},
	{"a folder in the calendar",
	 "INSERT INTO node (space_id, tool, mode, nlink, atime, mtime, ctime)"
	 " SELECT id, 2, 16877, 2, 0, 0, 0 FROM space WHERE group_id IS NOT"
	 " NULL; INSERT INTO dirent (parent, name, child) SELECT s.calendar,"
	 " 'sub', (SELECT max(id) FROM node) FROM space s WHERE s.group_id IS"
	 " NOT NULL; UPDATE node SET nlink = nlink + 1 WHERE id = (SELECT"
	 " calendar FROM space WHERE group_id IS NOT NULL)",
	 "calendar or contacts", NULL},
	{"a file directly in drop/",
	 "INSERT INTO node (space_id, tool, mode, nlink, atime, mtime, ctime)"
	 " SELECT id, 4, 33188, 1, 0, 0, 0 FROM space WHERE group_id IS NOT"
	 " NULL; INSERT INTO dirent (parent, name, child) SELECT s.drop_dir,"
	 " 'carol', (SELECT max(id) FROM node) FROM space s WHERE s.group_id"
	 " IS NOT NULL",
	 "not a member's folder", NULL},
	{"a member's drop folder gone",
	 "DELETE FROM dirent WHERE name = 'bob' AND parent = (SELECT drop_dir"
	 " FROM space WHERE group_id IS NOT NULL)",
	 "without a drop folder", NULL},
	{"a hard link joining two drop folders",
	 "INSERT INTO dirent (parent, name, child) SELECT (SELECT d.child FROM"
	 " dirent d JOIN space s ON d.parent = s.drop_dir WHERE d.name ="
	 " 'alice'), 'x', n.id FROM node n WHERE n.nlink = 2 AND (n.mode &"
	 " 61440) = 32768; INSERT INTO dirent (parent, name, child) SELECT"
	 " (SELECT d.child FROM dirent d JOIN space s ON d.parent ="
	 " s.drop_dir WHERE d.name = 'bob'), 'x', n.id FROM node n WHERE"
	 " n.nlink = 2 AND (n.mode & 61440) = 32768; UPDATE node SET nlink ="
	 " 4 WHERE nlink = 2 AND (mode & 61440) = 32768",
	 "joining two", NULL},
	{"a hard link into another space",
	 "INSERT INTO dirent (parent, name, child) SELECT (SELECT documents"
	 " FROM space WHERE account_id IS NOT NULL LIMIT 1), 'x', n.id FROM"
	 " node n WHERE n.nlink = 2 AND (n.mode & 61440) = 32768;"
	 " UPDATE node SET nlink = 3 WHERE nlink = 2 AND (mode & 61440) ="
	 " 32768",
	 "not a directory of its space", NULL},
	{"a cycle cut off from the root",
	 "UPDATE dirent SET parent = (SELECT child FROM dirent WHERE name ="
	 " 'sub') WHERE name = 'dir'",
	 "not reachable", NULL},
	{"a wrong link count",
	 "UPDATE node SET nlink = 5 WHERE id = (SELECT"
	 " child FROM dirent WHERE name = 'hard.txt')",
	 "link count", NULL},
	{"an unlinked node still named",
	 "UPDATE node SET nlink = 0 WHERE id = (SELECT child FROM dirent"
	 " WHERE name = 'ln')",
	 "still named", NULL},
	{"an alias that still has a name",
	 "UPDATE node SET alias = 1 WHERE id = (SELECT child FROM dirent"
	 " WHERE name = 'f.txt')",
	 "alias", NULL},
	{"an alias loop",
	 "INSERT INTO node (id, space_id, tool, mode, nlink, atime, mtime,"
	 " ctime, alias) SELECT 900001, id, 1, 33188, 0, 0, 0, 0, 900002"
	 " FROM space WHERE group_id IS NOT NULL; INSERT INTO node (id,"
	 " space_id, tool, mode, nlink, atime, mtime, ctime, alias) SELECT"
	 " 900002, id, 1, 33188, 0, 0, 0, 0, 900001 FROM space WHERE"
	 " group_id IS NOT NULL",
	 "alias", NULL},
	{"an entry named with a slash",
	 "DROP TRIGGER dirent_update; UPDATE dirent SET name = 'a/b'"
	 " WHERE name = 'f.txt'",
	 "invalid name",
	 "DROP TRIGGER dirent_update ON dirent; UPDATE dirent SET name ="
	 " 'a/b' WHERE name = 'f.txt'"},
	{"an empty entry name",
	 "DROP TRIGGER dirent_update; UPDATE dirent SET name = ''"
	 " WHERE name = 'f.txt'",
	 "invalid name",
	 "DROP TRIGGER dirent_update ON dirent; UPDATE dirent SET name = ''"
	 " WHERE name = 'f.txt'"},
	{"a group name with a zero-width space",
	 "UPDATE grp SET name = 'Sales' || char(8203),"
	 " name_key = 'sales' || char(8203)",
	 "group name breaking a rule",
	 "UPDATE grp SET name = 'Sales' || E'\\xe2\\x80\\x8b',"
	 " name_key = 'sales' || E'\\xe2\\x80\\x8b'"},
	{"a stale name key", "UPDATE grp SET name_key = 'other'", "name key", NULL},
};

static size_t case_no;

static void one_damage(struct fixture *fx)
{
	struct seen s;

	populate(fx);
	is_int(run_check(fx, &s), 0, "the populated store checks clean");
	damage(fx, cases[case_no].sql,
	       cases[case_no].pg ? cases[case_no].pg : cases[case_no].sql);
	ok(run_check(fx, &s) > 0 && strstr(s.text, cases[case_no].expect),
	   "check reports %s (\"%s\")", cases[case_no].what,
	   cases[case_no].expect);
}

/* The counters through the API: xattrs, link targets and entries. */
static void quota_api(struct fixture *fx)
{
	struct store_caller alice;
	struct store_usage *u = NULL;
	static char big[60000];
	struct store_attr a;
	uint64_t docs, dir, f;
	char name[32];
	size_t n = 0;
	int i, rc = 0;

	fx_plan(fx, "tiny", 2, 5, 2 * 1024 * 1024, 1024 * 1024);
	alice = fx_account(fx, "alice", "tiny");
	fx_group(fx, &alice, "Sales", 0);
	docs = fx_root(fx, &alice, "Sales", STORE_TOOL_DOCUMENTS);
	f = fx_create(fx, &alice, docs, "f");
	memset(big, 'v', sizeof(big));
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "user.a%02d", i);
		rc = store_fs_setxattr(fx->st, &alice, f, name, big,
				       sizeof(big), 0);
		if (rc)
			break;
	}
	refused(fx, rc, -ENOSPC, "extended attributes",
		"xattrs past the capacity");
	is_int(i, 2 * 1024 * 1024 / 60008, "as many as fit");
	succeeds(fx, store_usage(fx->st, &alice, "Sales", &u, &n), "usage");
	if (n == 1) {
		is_int(u[0].metadata, (long long)i * 60008,
		       "usage shows the metadata bytes");
		is_int(u[0].used, 0, "and no content");
		is_int(u[0].max_files, 1024, "the entry limit of 2 MiB");
	}
	free(u);
	for (i--; i >= 0; i--) {
		snprintf(name, sizeof(name), "user.a%02d", i);
		store_fs_removexattr(fx->st, &alice, f, name);
	}
	succeeds(fx,
		 store_fs_symlink(fx->st, &alice, docs, "l",
				  "01234567890123456789012345678901234567890123"
				  "456789",
				  &a),
		 "a symlink");
	u = NULL;
	succeeds(fx, store_usage(fx->st, &alice, "Sales", &u, &n), "usage");
	if (n == 1)
		is_int(u[0].metadata, 50, "its target counts, the xattrs left");
	free(u);
	dir = fx_mkdir(fx, &alice, docs, "many");
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "f%04d", i);
		rc = store_fs_mknod(fx->st, &alice, dir, name, S_IFREG | 0644, &a);
		if (rc)
			break;
	}
	refused(fx, rc, -ENOSPC, "entries", "entries past the limit");
	/* f, l, many/ and the files: 1024 entries. */
	is_int(i + 3, 1024, "the space holds exactly its limit");
	refused(fx, store_fs_link(fx->st, &alice, a.ino, docs, "hl", &a),
		-ENOSPC, "entries", "a hard link past the limit");
	succeeds(fx, store_fs_unlink(fx->st, &alice, dir, "f0000"),
		 "a removal");
	succeeds(fx, store_fs_link(fx->st, &alice, a.ino, docs, "hl", &a),
		 "makes room for one more name");
	{
		struct seen s;

		is_int(run_check(fx, &s), 0, "the counters check clean");
	}
}

/* Read the whole file `name` of the test data into a malloc'd string. */
static char *data_file(struct fixture *fx, const char *name, size_t *len)
{
	const char *dir = getenv("GROUPFS_TEST_DATA");
	char path[4200], *buf = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", name);
	f = fopen(path, "rb");
	if (!f)
		fx_bail(fx, -errno, "%s (GROUPFS_TEST_DATA)", path);
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	if (!buf)
		fx_bail(fx, -EIO, "reading %s", path);
	return buf;
}

/* Replace the case's store by the version 5 store of tests/unit/data:
 * the same master key file and the database from its SQL dump. */
static void load_v5(struct fixture *fx)
{
	char path[4200], *sql, *key, *msg = NULL;
	size_t sql_len, key_len;
	sqlite3 *db = NULL;
	FILE *f;
	int rc;

	sql = data_file(fx, "store-v5.sql", &sql_len);
	key = data_file(fx, "store-v5.key", &key_len);
	store_close(fx->st);
	fx->st = NULL;
	snprintf(path, sizeof(path), "%s/db", fx->dir);
	if (fx_rmtree(fx->dir) || mkdir(fx->dir, 0700) || mkdir(path, 0700))
		fx_bail(fx, -errno, "making an empty store directory");
	snprintf(path, sizeof(path), "%s/master.key", fx->dir);
	f = fopen(path, "wbx");
	if (!f || fchmod(fileno(f), 0600) ||
	    fwrite(key, 1, key_len, f) != key_len) {
		if (f)
			fclose(f);
		fx_bail(fx, -EIO, "writing %s", path);
	}
	if (fclose(f))
		fx_bail(fx, -errno, "writing %s", path);
	snprintf(path, sizeof(path), "%s/db/store.db", fx->dir);
	rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		diag("loading the dump: %s", msg ? msg : sqlite3_errmsg(db));
	ok(rc == SQLITE_OK, "a version 5 store is in place");
	sqlite3_free(msg);
	sqlite3_close(db);
	free(sql);
	free(key);
	reopen(fx);
}

/*
 * A store made before migration 6 (kept as an SQL dump of the code of
 * that time, so that every later migration runs on it as on a user's
 * store): it opens, keeps its tree, and its counters are recomputed.
 */
static void migration(struct fixture *fx)
{
	struct store_usage *u = NULL;
	struct store_caller alice;
	struct store_attr a;
	char val[16];
	size_t n = 0, len = 0;
	struct seen s;

	load_v5(fx);
	alice = fx_caller(fx, "alice");
	is_int(run_check(fx, &s), 0, "the migrated store checks clean");
	succeeds(fx, store_usage(fx->st, &alice, "Sales", &u, &n), "usage");
	if (n == 1) {
		/* dir, f.txt, sub, ln, hard.txt */
		is_int(u[0].files, 5, "entries recounted");
		is_int(u[0].metadata, 9 + 5 + 9, "xattr and target counted");
		is_int(u[0].used, 0, "bytes recounted");
	}
	free(u);
	succeeds(fx,
		 store_resolve(fx->st, &alice, "Sales",
				    "documents/dir/f.txt", &a),
		 "the old tree is there");
	succeeds(fx,
		 store_fs_getxattr(fx->st, &alice, a.ino, "user.note", val,
				   sizeof(val), &len),
		 "with its attributes");
	ok(len == 5 && memcmp(val, "hello", 5) == 0, "unchanged");
	is_int(a.nlink, 2, "and its hard link");
}

int main(void)
{
	for (case_no = 0; case_no < sizeof(cases) / sizeof(cases[0]); case_no++)
		fx_run(cases[case_no].what, one_damage);
	fx_run("quota counters through the API", quota_api);
	if (fx_on_postgres())
		skip("a version 5 store migrates: SQLite's own migrations "
		     "(a store on PostgreSQL starts at its first)");
	else
		fx_run("a version 5 store migrates", migration);
	return done_testing();
}
