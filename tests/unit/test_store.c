// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the store itself: init and open (a non-empty directory
 * refused, a missing store failing cleanly), the master key (mode 0600,
 * wrapped by a passphrase or not), several handles on one store, read-only
 * handles, reopening, the integrity check, the caller of a Unix uid, and
 * the size helpers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

/* rc is 0; otherwise the diagnostic shows the errno and `err`. */
static bool open_ok_at(int rc, const char *err, const char *file, int line,
		       const char *desc)
{
	bool good = ok_at(rc == 0, file, line, "%s", desc);

	if (!good)
		diag("       got: %d (%s): %s\n  expected: 0", rc,
		     tap_errno_name(rc), err);
	return good;
}

#define opened(rc, err, desc) open_ok_at((rc), (err), __FILE__, __LINE__, desc)

/* A path inside the case's temporary directory. */
static void sub(const struct fixture *fx, const char *name, char *buf,
		size_t len)
{
	if (snprintf(buf, len, "%s/%s", fx->tmp, name) >= (int)len)
		fx_bail(NULL, -ENAMETOOLONG, "path %s/%s", fx->tmp, name);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void init_open(struct fixture *fx)
{
	char dir[PATH_MAX], err[256] = "";
	struct store *st = NULL;
	struct store_plan *p = NULL;
	size_t n = 0;

	sub(fx, "new", dir, sizeof(dir));
	opened(store_init(dir, NULL, 0, NULL, NULL, err, sizeof(err)), err,
	       "init a store in a directory that does not exist");
	ok(count_entries(dir) > 0, "the directory holds the store");
	opened(store_open(dir, 0, NULL, 0, &st, err, sizeof(err)), err,
	       "open it");
	ok(st != NULL, "a handle");
	if (!st)
		return;
	is_str(store_errmsg(st), "", "no message on a fresh handle");
	if (!store_plan_list(st, &p, &n))
		ok(n >= 4, "the default plans are there");
	free(p);
	store_close(st);
}

static void init_empty_dir(struct fixture *fx)
{
	char dir[PATH_MAX], err[256] = "";
	struct store *st = NULL;

	sub(fx, "empty", dir, sizeof(dir));
	mkdir(dir, 0700);
	opened(store_init(dir, NULL, 0, NULL, NULL, err, sizeof(err)), err,
	       "init in an existing empty directory");
	opened(store_open(dir, STORE_OPEN_KEY, NULL, 0, &st, err, sizeof(err)),
	       err, "open it");
	if (st)
		store_close(st);
}

static void init_refuses(struct fixture *fx)
{
	char dir[PATH_MAX], file[PATH_MAX], err[256] = "";
	struct store_account a;
	int fd, rc;

	sub(fx, "busy", dir, sizeof(dir));
	mkdir(dir, 0700);
	if (snprintf(file, sizeof(file), "%s/precious.txt", dir) >=
	    (int)sizeof(file))
		fx_bail(fx, -ENAMETOOLONG, "path %s", dir);
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	if (fd >= 0) {
		if (write(fd, "keep", 4) != 4)
			diag("short write");
		close(fd);
	}
	rc = store_init(dir, NULL, 0, NULL, NULL, err, sizeof(err));
	is_errno(rc, -EEXIST, "init in a directory holding a file");
	ok(err[0], "with a message: %s", err);
	is_int(count_entries(dir), 1, "nothing was added to the directory");

	fx_account(fx, "alice", NULL);
	err[0] = '\0';
	rc = store_init(fx->dir, NULL, 0, NULL, NULL, err, sizeof(err));
	is_errno(rc, -EEXIST, "init over an existing store");
	ok(err[0], "with a message: %s", err);
	succeeds(fx, store_account_get(fx->st, &fx->op, "alice", &a),
		 "the existing store is intact");
}

static void open_missing(struct fixture *fx)
{
	char dir[PATH_MAX], err[256] = "";
	struct store *st = (struct store *)&st;
	int rc;

	sub(fx, "nosuch", dir, sizeof(dir));
	rc = store_open(dir, 0, NULL, 0, &st, err, sizeof(err));
	ok(rc < 0, "open of a missing store fails (%d %s)", rc,
	   tap_errno_name(rc));
	ok(st == NULL, "*out is NULL");
	ok(err[0], "with a message: %s", err);
	ok(access(dir, F_OK) != 0, "and creates nothing");

	sub(fx, "empty", dir, sizeof(dir));
	mkdir(dir, 0700);
	st = (struct store *)&st;
	err[0] = '\0';
	rc = store_open(dir, STORE_OPEN_KEY, NULL, 0, &st, err, sizeof(err));
	ok(rc < 0, "open of an empty directory fails (%d %s)", rc,
	   tap_errno_name(rc));
	ok(st == NULL, "*out is NULL");
	ok(err[0], "with a message: %s", err);
	is_int(count_entries(dir), 0, "and creates nothing");
}

static void passphrase(struct fixture *fx)
{
	static const char pass[] = "correct horse battery staple";
	char dir[PATH_MAX], err[256] = "";
	struct store *st = NULL;
	struct store_plan *p = NULL;
	bool wrapped = false;
	size_t n = 0;
	int rc;

	sub(fx, "wrapped", dir, sizeof(dir));
	opened(store_init(dir, pass, strlen(pass), NULL, NULL, err, sizeof(err)), err,
	       "init with a passphrase");
	succeeds(fx, store_key_is_wrapped(dir, &wrapped), "key_is_wrapped");
	ok(wrapped, "the key is wrapped");
	wrapped = true;
	succeeds(fx, store_key_is_wrapped(fx->dir, &wrapped),
		 "key_is_wrapped on the plain store");
	ok(!wrapped, "the plain store's key is not wrapped");

	opened(store_open(dir, STORE_OPEN_KEY, pass, strlen(pass), &st, err,
			  sizeof(err)),
	       err, "open with the key and the right passphrase");
	if (st)
		store_close(st);
	st = (struct store *)&st;
	err[0] = '\0';
	rc = store_open(dir, STORE_OPEN_KEY, "wrong", 5, &st, err, sizeof(err));
	is_errno(rc, -EKEYREJECTED, "a wrong passphrase");
	ok(st == NULL, "*out is NULL");
	ok(err[0], "with a message: %s", err);
	st = (struct store *)&st;
	rc = store_open(dir, STORE_OPEN_KEY, pass, strlen(pass) - 1, &st, err,
			sizeof(err));
	is_errno(rc, -EKEYREJECTED, "a passphrase missing its last letter");
	st = (struct store *)&st;
	rc = store_open(dir, STORE_OPEN_KEY, NULL, 0, &st, err, sizeof(err));
	ok(rc < 0, "no passphrase for a wrapped key fails (%d %s)", rc,
	   tap_errno_name(rc));
	if (rc == 0 && st)
		store_close(st);
	st = NULL;
	opened(store_open(dir, 0, NULL, 0, &st, err, sizeof(err)), err,
	       "open without the key needs no passphrase");
	if (st) {
		succeeds(fx, store_plan_list(st, &p, &n),
			 "and the database answers");
		free(p);
		store_close(st);
	}
}

static bool mode_private(const char *path)
{
	struct stat sb;

	if (stat(path, &sb))
		return false;
	if ((sb.st_mode & 0777) != 0600)
		diag("  %s: mode %03o", path, sb.st_mode & 0777);
	return (sb.st_mode & 0777) == 0600;
}

/* Every file of `dir` whose name says "key": 0600.  -1 if none. */
static int key_files_private(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];
	int found = 0, good = 1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, "key"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		found++;
		if (!mode_private(path))
			good = 0;
	}
	closedir(d);
	if (!found) {
		d = opendir(dir);
		while (d && (e = readdir(d)))
			diag("  store file: %s", e->d_name);
		if (d)
			closedir(d);
	}
	return found ? good : -1;
}

static void key_mode(struct fixture *fx)
{
	char dir[PATH_MAX], err[256] = "";
	struct group *gr = getgrgid(getgid());
	int rc;

	is_int(key_files_private(fx->dir), 1,
	       "the master key file is mode 0600");
	sub(fx, "wrapped", dir, sizeof(dir));
	opened(store_init(dir, "pw", 2, NULL, NULL, err, sizeof(err)), err,
	       "init with a passphrase");
	is_int(key_files_private(dir), 1,
	       "the wrapped master key file is mode 0600");
	if (gr) {
		sub(fx, "shared", dir, sizeof(dir));
		opened(store_init(dir, NULL, 0, gr->gr_name, NULL, err, sizeof(err)),
		       err, "init for the Unix group of the caller");
		is_int(key_files_private(dir), 1,
		       "with a Unix group the key stays mode 0600");
	}
	sub(fx, "badgroup", dir, sizeof(dir));
	err[0] = '\0';
	rc = store_init(dir, NULL, 0, "no-such-group-xyz", NULL, err, sizeof(err));
	ok(rc < 0, "init for an unknown Unix group fails (%d %s)", rc,
	   tap_errno_name(rc));
	ok(err[0], "with a message: %s", err);
}

static void two_handles(struct fixture *fx)
{
	char err[256] = "";
	struct store *st2 = NULL;
	struct store_caller a1, a2 = {0};
	struct store_account acc;
	struct store_group g;
	struct store_plan p;
	struct store_group_settings nos;
	int64_t id = 0, gid = 0;
	int i, rc, fails = 0;

	memset(&nos, 0, sizeof(nos));

	if (store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &st2, err,
		       sizeof(err)))
		fx_bail(fx, -EIO, "second handle: %s", err);
	memset(&p, 0, sizeof(p));
	strcpy(p.name, "shared");
	p.max_groups = 50;
	p.max_members = 10;
	succeeds(fx,
		 store_plan_set(fx->st, &fx->op, &p,
				STORE_PLAN_MAX_GROUPS | STORE_PLAN_MAX_MEMBERS,
				NULL),
		 "handle 1 creates a plan");
	memset(&acc, 0, sizeof(acc));
	strcpy(acc.username, "u2");
	strcpy(acc.first, "U");
	strcpy(acc.last, "Two");
	strcpy(acc.email, "u2@example.org");
	strcpy(acc.plan, "shared");
	succeeds(fx,
		 store_account_add(st2, &fx->op, &acc,
				   STORE_ACCOUNT_FIRST | STORE_ACCOUNT_LAST |
					   STORE_ACCOUNT_EMAIL |
					   STORE_ACCOUNT_PLAN,
				   NULL, 0, &id),
		 "handle 2 adds an account on that plan");
	a2.account = id;
	a1 = fx_account(fx, "u1", "shared");
	succeeds(fx, store_group_create(st2, &a2, "Both", &nos, 0, &gid),
		 "handle 2 creates a group");
	succeeds(fx, store_group_invite(fx->st, &a2, "Both", "u1"),
		 "handle 1 invites into it");
	succeeds(fx, store_invitation_accept(st2, &a1, "Both"),
		 "handle 2 accepts");
	succeeds(fx, store_group_get(fx->st, &a1, "Both", &g),
		 "handle 1 sees the result");
	is_int(g.members, 2, "two members");
	for (i = 0; i < 20; i++) {
		char name[32];

		snprintf(name, sizeof(name), "Alt %d", i);
		rc = store_group_create(i % 2 ? st2 : fx->st, i % 2 ? &a2 : &a1,
					name, &nos, 0, &gid);
		if (rc) {
			fails++;
			diag("  %s: %d %s", name, rc, tap_errno_name(rc));
		}
	}
	is_int(fails, 0, "alternating writes all succeed");
	store_close(st2);
}

struct worker {
	const char *dir;
	int index;
	int failures;
	char err[256];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct store_caller op = {.operator= true };
	struct store *st = NULL;
	struct store_account a;
	int64_t id;
	int i, rc;

	if (store_open(w->dir, 0, NULL, 0, &st, w->err, sizeof(w->err))) {
		w->failures = -1;
		return NULL;
	}
	for (i = 0; i < 25; i++) {
		memset(&a, 0, sizeof(a));
		snprintf(a.username, sizeof(a.username), "w%d-%d", w->index, i);
		strcpy(a.first, "W");
		strcpy(a.last, "Orker");
		strcpy(a.email, "w@example.org");
		rc = store_account_add(st, &op, &a,
				       STORE_ACCOUNT_FIRST |
					       STORE_ACCOUNT_LAST |
					       STORE_ACCOUNT_EMAIL,
				       NULL, 0, &id);
		if (rc) {
			w->failures++;
			snprintf(w->err, sizeof(w->err), "%s: %d %s",
				 a.username, rc, store_errmsg(st));
		}
	}
	store_close(st);
	return NULL;
}

static void concurrent(struct fixture *fx)
{
	struct worker w[4];
	pthread_t th[4];
	struct store_account *list = NULL;
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].dir = fx->dir;
		w[i].index = i;
		if (pthread_create(&th[i], NULL, work, &w[i]))
			fx_bail(fx, -EAGAIN, "pthread_create");
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		if (!is_int(w[i].failures, 0,
			    "thread %d: every write of its handle succeeds", i))
			diag("  last failure: %s", w[i].err);
	}
	succeeds(fx, store_account_list(fx->st, &fx->op, &list, &n),
		 "list accounts");
	is_int(n, 100, "all 100 accounts are there");
	free(list);
}

static void readonly(struct fixture *fx)
{
	char err[256] = "";
	struct store *ro = NULL;
	struct store_account a;
	int64_t id;

	fx_account(fx, "alice", NULL);
	if (store_open(fx->dir, STORE_OPEN_READONLY, NULL, 0, &ro, err,
		       sizeof(err)))
		fx_bail(fx, -EIO, "read-only open: %s", err);
	succeeds(fx, store_account_get(ro, &fx->op, "alice", &a),
		 "a read-only handle reads");
	memset(&a, 0, sizeof(a));
	strcpy(a.username, "bob");
	strcpy(a.first, "B");
	strcpy(a.last, "B");
	strcpy(a.email, "b@example.org");
	ok(store_account_add(ro, &fx->op, &a,
			     STORE_ACCOUNT_FIRST | STORE_ACCOUNT_LAST |
				     STORE_ACCOUNT_EMAIL,
			     NULL, 0, &id) < 0,
	   "a read-only handle does not write");
	store_close(ro);
	is_errno(store_account_get(fx->st, &fx->op, "bob", &a), -ENOENT,
		 "nothing was written");
}

static void reopen(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_group g;
	unsigned problems = 99;
	char err[256] = "";
	int i, rc;

	fx_group(fx, &alice, "Kept", FX_PUBLISHED);
	for (i = 0; i < 3; i++) {
		store_close(fx->st);
		fx->st = NULL;
		rc = store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &fx->st, err,
				sizeof(err));
		if (rc)
			fx_bail(fx, rc, "reopen %d: %s", i, err);
	}
	succeeds(fx, store_group_get(fx->st, &alice, "Kept", &g),
		 "the data survives reopening (and migration checks)");
	ok(g.settings.published, "settings too");
	succeeds(fx, store_check(fx->st, &fx->op, NULL, NULL, &problems),
		 "check");
	is_int(problems, 0, "no problem after reopening");
}

static void count_problem(void *arg, const char *problem)
{
	(*(unsigned *)arg)++;
	diag("  problem: %s", problem);
}

static void check(struct fixture *fx)
{
	struct store_caller boss, alice, bob;
	unsigned problems = 99, seen = 0;
	uint64_t docs, dir;
	char *snap;

	succeeds(fx,
		 store_check(fx->st, &fx->op, count_problem, &seen, &problems),
		 "check a fresh store");
	is_int(problems, 0, "a fresh store has no problem");
	is_int(seen, 0, "none reported");

	boss = fx_account(fx, "boss", FX_BIG);
	alice = fx_account(fx, "alice", NULL);
	bob = fx_account(fx, "bob", NULL);
	fx_account(fx, "carol", NULL);
	fx_group(fx, &boss, "Team", FX_PUBLISHED | FX_MEMBERS_PUBLISHED);
	fx_group(fx, &boss, "Gone", 0);
	fx_join(fx, &boss, "Team", "alice");
	fx_join(fx, &boss, "Team", "bob");
	fx_coadmin(fx, &boss, "Team", "alice");
	succeeds(fx, store_group_invite(fx->st, &boss, "Team", "carol"),
		 "invite carol");
	docs = fx_root(fx, &boss, "Team", STORE_TOOL_DOCUMENTS);
	dir = fx_mkdir(fx, &alice, docs, "f");
	fx_create(fx, &alice, dir, "x.txt");
	fx_rights(fx, &boss, "Team", "documents/f", STORE_RIGHT_ADD, false,
		  "bob", NULL);
	{
		const char *u[] = {"alice"};

		succeeds(fx,
			 store_share_calendar(fx->st, &bob, u, 1,
					      STORE_CAL_VIEW),
			 "bob shares his calendar with alice");
	}
	fx_mkdir(fx, &boss, fx_root(fx, &boss, "Gone", STORE_TOOL_DOCUMENTS),
		 "doomed");
	succeeds(fx, store_group_delete(fx->st, &boss, "Gone"), "delete Gone");
	succeeds(fx, store_group_leave(fx->st, &bob, "Team"), "bob leaves");
	problems = 99;
	seen = 0;
	succeeds(fx,
		 store_check(fx->st, &fx->op, count_problem, &seen, &problems),
		 "check a populated store");
	is_int(problems, 0, "a populated store has no problem");
	is_int(seen, 0, "none reported");

	snap = fx_snapshot(fx);
	refused(fx, store_check(fx->st, &alice, NULL, NULL, &problems), -EPERM,
		KW_OPERATOR, "an account runs the check");
	unchanged(fx, snap, "the refusal changed nothing");
}

static void caller_for_uid(struct fixture *fx)
{
	struct store_caller c, alice;
	struct store_account a;
	uid_t other = 54321, unbound = 54322;

	alice = fx_account(fx, "alice", NULL);
	memset(&a, 0, sizeof(a));
	a.unix_uid = other;
	succeeds(fx,
		 store_account_edit(fx->st, &fx->op, "alice", &a,
				    STORE_ACCOUNT_UNIX_UID),
		 "bind alice to uid %u", (unsigned)other);

	memset(&c, 0, sizeof(c));
	succeeds(fx, store_caller_for_uid(fx->st, other, NULL, &c),
		 "the caller of a bound uid");
	is_int(c.account, alice.account, "is its account");
	ok(!c.operator, "and not the operator");

	memset(&c, 0xff, sizeof(c));
	succeeds(fx, store_caller_for_uid(fx->st, unbound, NULL, &c),
		 "the caller of an unbound uid");
	is_int(c.account, 0, "has no account");
	ok(!c.operator, "and is not the operator");

	memset(&c, 0, sizeof(c));
	succeeds(fx, store_caller_for_uid(fx->st, getuid(), NULL, &c),
		 "the caller of the store's owner");
	ok(c.operator, "is the operator");

	memset(&c, 0, sizeof(c));
	succeeds(fx, store_caller_for_uid(fx->st, getuid(), "alice", &c),
		 "the operator acts as alice");
	is_int(c.account, alice.account, "the caller is alice");

	refused(fx, store_caller_for_uid(fx->st, getuid(), "nosuch", &c),
		-ENOENT, NULL, "the operator acts as an unknown account");
	refused(fx, store_caller_for_uid(fx->st, other, "alice", &c), -EPERM,
		KW_OPERATOR, "alice's uid acts as alice through as_user");
	refused(fx, store_caller_for_uid(fx->st, unbound, "alice", &c), -EPERM,
		KW_OPERATOR, "another uid acts as alice");
}

static void sizes(struct fixture *fx)
{
	static const struct {
		const char *s;
		int64_t v;
	} good[] = {
		{"0", 0},
		{"4096", 4096},
		{"1K", 1024},
		{"500M", 500LL << 20},
		{"10G", 10LL << 30},
		{"1.5T", 3LL << 39},
		{"1.5G", 3LL << 29},
	};
	static const char *const bad[] = {"",	    "abc", "12Q",   "-5",
					  "1.5.5G", "G",   "10 G x"};
	static const int64_t round[] = {0,	   1,		1023,
					4096,	   500LL << 20, 10LL << 30,
					3LL << 29, 3LL << 39,	1LL << 40};
	char buf[64];
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = -1;
		succeeds(fx, store_parse_size(good[i].s, &v), "parse \"%s\"",
			 good[i].s);
		is_int(v, good[i].v, "\"%s\" is %lld bytes", good[i].s,
		       (long long)good[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_errno(store_parse_size(bad[i], &v), -EINVAL,
			 "\"%s\" is not a size", bad[i]);
	store_format_size(3LL << 29, buf, sizeof(buf));
	is_str(buf, "1.5G", "format 1.5 GiB");
	store_format_size(10LL << 30, buf, sizeof(buf));
	is_str(buf, "10G", "format 10 GiB");
	for (i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		store_format_size(round[i], buf, sizeof(buf));
		v = -1;
		succeeds(fx, store_parse_size(buf, &v),
			 "the format of %lld (\"%s\") parses",
			 (long long)round[i], buf);
		is_int(v, round[i], "and gives it back");
	}
}

int main(void)
{
	fx_run("init and open", init_open);
	fx_run("init in an empty directory", init_empty_dir);
	fx_run("init refuses a non-empty directory", init_refuses);
	fx_run("open of a missing store", open_missing);
	fx_run("passphrase-wrapped key", passphrase);
	fx_run("master key mode", key_mode);
	fx_run("two handles writing alternately", two_handles);
	fx_run("four threads writing at once", concurrent);
	fx_run("read-only handle", readonly);
	fx_run("reopen", reopen);
	fx_run("integrity check", check);
	fx_run("the caller of a Unix uid", caller_for_uid);
	fx_run("sizes", sizes);
	return done_testing();
}
