// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of public links (SPEC.md section 6): who may make, list and
 * revoke them; tokens (192 bits, only a hash kept); expiry; links dying
 * with their file, folder, group and account; and the confinement of the
 * serving calls to the linked folder (dot segments, absolute paths,
 * symbolic links out, loops), every refusal the same -ENOENT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

struct cast {
	struct store_caller boss, co, mem, out;
	uint64_t docs, pub, sub, file, secret;
};

/* boss administers G (co co-administrator, mem a member); out is in no
 * group.  documents/pub/{hello.txt,sub/} and documents/secret.txt. */
static void cast(struct fixture *fx, struct cast *c)
{
	struct store_attr a;

	c->boss = fx_account(fx, "boss", FX_BIG);
	c->co = fx_account(fx, "co", NULL);
	c->mem = fx_account(fx, "mem", NULL);
	c->out = fx_account(fx, "out", NULL);
	fx_group(fx, &c->boss, "G", 0);
	fx_join(fx, &c->boss, "G", "co");
	fx_join(fx, &c->boss, "G", "mem");
	fx_coadmin(fx, &c->boss, "G", "co");
	c->docs = fx_root(fx, &c->boss, "G", STORE_TOOL_DOCUMENTS);
	c->pub = fx_mkdir(fx, &c->boss, c->docs, "pub");
	c->sub = fx_mkdir(fx, &c->boss, c->pub, "sub");
	c->file = fx_create(fx, &c->boss, c->pub, "hello.txt");
	c->secret = fx_create(fx, &c->boss, c->docs, "secret.txt");
	if (store_fs_symlink(fx->st, &c->boss, c->pub, "out", "../secret.txt",
			     &a) ||
	    store_fs_symlink(fx->st, &c->boss, c->pub, "in", "sub", &a) ||
	    store_fs_symlink(fx->st, &c->boss, c->pub, "abs", "/etc", &a) ||
	    store_fs_symlink(fx->st, &c->boss, c->pub, "loop", "loop", &a) ||
	    store_fs_symlink(fx->st, &c->boss, c->sub, "up", "..", &a))
		fx_bail(fx, -EIO, "symlinks");
}

static int mk(struct fixture *fx, const struct store_caller *c,
	      const char *group, const char *target, int64_t expires,
	      char token[STORE_LINK_TOKEN_LEN + 1], int64_t *id)
{
	return store_link_create(fx->st, c, group, target, expires, token, id);
}

static void rights(struct fixture *fx)
{
	char tok[STORE_LINK_TOKEN_LEN + 1];
	struct store_link *v = NULL;
	struct cast c;
	int64_t id = 0, id2 = 0;
	size_t n = 0;
	char *before;

	cast(fx, &c);
	succeeds(fx, mk(fx, &c.boss, "G", "calendar", 0, tok, &id),
		 "the administrator publishes the calendar");
	succeeds(fx, mk(fx, &c.co, "G", "documents/pub", 0, tok, &id2),
		 "a co-administrator publishes a folder");
	before = fx_snapshot(fx);
	refused(fx, mk(fx, &c.mem, "G", "calendar", 0, tok, NULL), -EACCES,
		"administrator", "a member may not publish");
	refused2(fx, mk(fx, &c.out, "G", "calendar", 0, tok, NULL), -ENOENT,
		 -EACCES, NULL, "a stranger may not publish");
	refused(fx, mk(fx, &fx->op, "G", "calendar", 0, tok, NULL), -EACCES,
		NULL, "the operator without an account does not publish");
	refused(fx, mk(fx, &c.boss, "G", "contacts", 0, tok, NULL), -EINVAL,
		"calendar", "contacts are not published");
	refused(fx, mk(fx, &c.boss, "G", "documents/nope", 0, tok, NULL),
		-ENOENT, NULL, "a missing path");
	refused(fx,
		mk(fx, &c.boss, "G", "documents/pub/../secret.txt", 0, tok,
		   NULL),
		-EINVAL, NULL, "a path with ..");
	refused(fx, mk(fx, &c.boss, "G", "documents/pub/out", 0, tok, NULL),
		-EINVAL, "symbolic", "a symbolic link is not published");
	refused(fx, mk(fx, &c.boss, "G", "calendar", time(NULL) - 1, tok, NULL),
		-EINVAL, "future", "an expiry in the past");
	unchanged(fx, before, "refusals change nothing");

	succeeds(fx, store_link_list(fx->st, &c.mem, "G", &v, &n),
		 "members list the group's links");
	is_int(n, 2, "both links");
	if (n == 2) {
		is_str(v[0].target, "calendar", "the calendar link");
		is_str(v[1].target, "documents/pub", "the folder link");
		ok(v[1].folder, "a folder");
		is_str(v[1].created_by, "co", "made by co");
	}
	free(v);
	v = NULL;
	succeeds(fx, store_link_list(fx->st, &c.out, NULL, &v, &n),
		 "a stranger lists");
	is_int(n, 0, "... and sees no link of G");
	free(v);
	v = NULL;
	succeeds(fx, store_link_list(fx->st, &fx->op, NULL, &v, &n),
		 "the operator lists all");
	is_int(n, 2, "... both");
	free(v);
	refused(fx, store_link_revoke(fx->st, &c.mem, id), -EACCES,
		"administrator", "a member may not revoke");
	refused(fx, store_link_revoke(fx->st, &c.out, id), -ENOENT, NULL,
		"a stranger does not see the link");
	succeeds(fx, store_link_revoke(fx->st, &c.co, id),
		 "a co-administrator revokes the administrator's link");
	refused(fx, store_link_revoke(fx->st, &c.boss, id), -ENOENT, NULL,
		"revoked: gone");
	succeeds(fx, store_link_revoke(fx->st, &fx->op, id2),
		 "the operator revokes any link");
}

static void tokens(struct fixture *fx)
{
	char t1[STORE_LINK_TOKEN_LEN + 1], t2[STORE_LINK_TOKEN_LEN + 1];
	struct store_link_hit h;
	struct cast c;
	size_t i;
	bool alphabet = true;

	cast(fx, &c);
	succeeds(fx,
		 mk(fx, &c.boss, "G", "documents/pub/hello.txt", 0, t1, NULL),
		 "a file link");
	succeeds(fx,
		 mk(fx, &c.boss, "G", "documents/pub/hello.txt", 0, t2, NULL),
		 "another link to the same file");
	is_int(strlen(t1), STORE_LINK_TOKEN_LEN, "32 characters: 192 bits");
	ok(strcmp(t1, t2) != 0, "each link its own token");
	for (i = 0; t1[i]; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
			    "yz"
			    "0123456789-_",
			    t1[i]))
			alphabet = false;
	ok(alphabet, "base64url: safe in a URL path");
	succeeds(fx, store_link_resolve(fx->st, t1, "", &h), "it resolves");
	is_int(h.what, STORE_LINK_FILE, "to a file");
	is_str(h.name, "hello.txt", "named hello.txt");
	ok(h.etag[0] == '"', "with a quoted ETag");
	t1[0] = t1[0] == 'A' ? 'B' : 'A';
	is_errno(store_link_resolve(fx->st, t1, "", &h), -ENOENT,
		 "one character changed: unknown");
	is_errno(store_link_resolve(fx->st, "short", "", &h), -ENOENT,
		 "a malformed token");
	is_errno(store_link_resolve(fx->st, "", "", &h), -ENOENT,
		 "an empty token");
	is_str(store_errmsg(fx->st), "",
	       "a refusal to the public sets no "
	       "message");
}

/* The database file holds no token: only hashes. */
static void only_hashes(struct fixture *fx)
{
	char tok[STORE_LINK_TOKEN_LEN + 1], path[PATH_MAX + 32],
		cmd[PATH_MAX * 2];
	struct cast c;
	int rc;

	cast(fx, &c);
	succeeds(fx, mk(fx, &c.boss, "G", "calendar", 0, tok, NULL), "a link");
	store_close(fx->st);
	fx->st = NULL;
	snprintf(path, sizeof(path), "%s", fx->dir);
	snprintf(cmd, sizeof(cmd), "grep -rqa -- '%s' '%s'", tok, path);
	rc = system(cmd);
	ok(WIFEXITED(rc) && WEXITSTATUS(rc) == 1,
	   "the token is nowhere in the store directory");
	{
		char err[256];

		store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &fx->st, err,
			   sizeof(err));
	}
}

static void expiry(struct fixture *fx)
{
	char tok[STORE_LINK_TOKEN_LEN + 1];
	struct store_link_hit h;
	struct store_link *v = NULL;
	struct cast c;
	int64_t until = (int64_t)time(NULL) + 2;
	size_t n = 0;
	int rc;

	cast(fx, &c);
	succeeds(fx, mk(fx, &c.boss, "G", "documents/pub", until, tok, NULL),
		 "a link expiring in two seconds");
	succeeds(fx, store_link_resolve(fx->st, tok, "", &h),
		 "it works before");
	while ((rc = store_link_resolve(fx->st, tok, "", &h)) == 0 &&
	       time(NULL) < until + 2)
		usleep(50000);
	is_errno(rc, -ENOENT, "it is refused once expired");
	ok(time(NULL) >= until, "... not before its time");
	succeeds(fx, store_link_list(fx->st, &c.boss, "G", &v, &n), "list");
	ok(n == 1 && v[0].expired && v[0].expires == until,
	   "an expired link is listed as expired");
	free(v);
}

static void confinement(struct fixture *fx)
{
	static const char *const refused_paths[] = {
		"..",	      "../secret.txt", "sub/../../secret.txt",
		"sub/..",     "./hello.txt",   "/etc/passwd",
		"/hello.txt", "sub//x",	       "hello.txt/",
		"out",	      "abs",	       "abs/passwd",
		"loop",	      "secret.txt",    "hello.txt/x",
		"sub/up/out", "nope",	       "sub/up/../secret.txt",
	};
	char tok[STORE_LINK_TOKEN_LEN + 1], ftok[STORE_LINK_TOKEN_LEN + 1];
	struct store_link_hit h;
	struct store_file *f = NULL;
	struct cast c;
	size_t i;
	int rc;

	cast(fx, &c);
	succeeds(fx, mk(fx, &c.boss, "G", "documents/pub", 0, tok, NULL),
		 "a folder link");
	succeeds(fx,
		 mk(fx, &c.boss, "G", "documents/pub/hello.txt", 0, ftok, NULL),
		 "a file link");
	for (i = 0; i < sizeof(refused_paths) / sizeof(refused_paths[0]); i++)
		is_errno(store_link_resolve(fx->st, tok, refused_paths[i], &h),
			 -ENOENT, "refused: %s", refused_paths[i]);
	succeeds(fx, store_link_resolve(fx->st, tok, "", &h), "the folder");
	is_int(h.what, STORE_LINK_FOLDER, "is a folder");
	succeeds(fx, store_link_resolve(fx->st, tok, "in", &h),
		 "a symbolic link inside is followed");
	is_int(h.what, STORE_LINK_FOLDER, "... to sub");
	succeeds(fx, store_link_resolve(fx->st, tok, "sub/up/hello.txt", &h),
		 "up and back inside");
	is_int(h.attr.ino, c.file, "... is hello.txt");
	is_errno(store_link_resolve(fx->st, ftok, "x", &h), -ENOENT,
		 "nothing below a file link");
	is_errno(store_link_open(fx->st, tok, "sub", &h, &f), -EISDIR,
		 "a folder does not open as a file");
	rc = store_link_open(fx->st, tok, "hello.txt", &h, &f);
	succeeds(fx, rc, "a file below the folder opens");
	if (rc == 0)
		store_fs_release(fx->st, f, NULL);
	is_errno(
		store_link_feed(fx->st, tok, &h, &(char *){NULL}, &(size_t){0}),
		-EISDIR, "a folder link has no feed");
}

static int count_entry(void *arg, const char *name, const struct store_attr *a)
{
	(*(int *)arg)++;
	return 0;
}

static void serving(struct fixture *fx)
{
	static const char ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
				  "PRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
				  "UID:u1@example.org\r\n"
				  "DTSTAMP:20250101T000000Z\r\n"
				  "DTSTART:20250101T100000Z\r\n"
				  "SUMMARY:Public\r\nEND:VEVENT\r\n"
				  "END:VCALENDAR\r\n";
	struct store_pim_where w = {.group = "G", .tool = STORE_TOOL_CALENDAR};
	char tok[STORE_LINK_TOKEN_LEN + 1], cal[STORE_LINK_TOKEN_LEN + 1];
	struct store_link_hit h;
	struct store_file *f = NULL;
	struct store_attr a;
	char buf[64], *feed = NULL;
	size_t got = 0, len = 0, done = 0;
	int entries = 0, rc;
	struct cast c;

	cast(fx, &c);
	rc = store_fs_open(fx->st, &c.boss, c.file, O_WRONLY, &f);
	if (rc == 0) {
		rc = store_fs_write(fx->st, f, 0, "hello", 5, &done);
		store_fs_release(fx->st, f, NULL);
	}
	succeeds(fx, rc, "hello.txt written");
	succeeds(fx, mk(fx, &c.boss, "G", "documents/pub", 0, tok, NULL),
		 "a folder link");
	succeeds(fx, store_link_readdir(fx->st, tok, "", count_entry, &entries),
		 "the folder lists");
	is_int(entries, 6, "hello.txt, sub, out, in, abs, loop");
	rc = store_link_open(fx->st, tok, "hello.txt", &h, &f);
	succeeds(fx, rc, "open");
	if (rc == 0) {
		succeeds(fx,
			 store_fs_read(fx->st, f, 1, sizeof(buf), buf, &got),
			 "read from offset 1");
		is_int(got, 4, "4 bytes");
		ok(memcmp(buf, "ello", 4) == 0, "its content");
		is_int(h.attr.size, 5, "its size");
		store_fs_release(fx->st, f, NULL);
	}
	succeeds(fx,
		 store_pim_put(fx->st, &c.boss, &w, "u1.ics", ics,
			       sizeof(ics) - 1),
		 "an event in the calendar");
	succeeds(fx, mk(fx, &c.boss, "G", "calendar", 0, cal, NULL),
		 "a calendar link");
	succeeds(fx, store_link_resolve(fx->st, cal, "", &h), "resolves");
	is_int(h.what, STORE_LINK_FEED, "to a feed");
	is_errno(store_link_resolve(fx->st, cal, "u1.ics", &h), -ENOENT,
		 "no path below a calendar link");
	succeeds(fx, store_link_feed(fx->st, cal, &h, &feed, &len), "the feed");
	ok(feed && strstr(feed, "SUMMARY:Public") &&
		   strstr(feed, "BEGIN:VCALENDAR"),
	   "holds the event in a VCALENDAR");
	is_int(h.attr.size, len, "its size");
	ok(h.etag[0] == '"', "an ETag");
	free(feed);
	is_errno(store_link_open(fx->st, cal, "", &h, &f), -EISDIR,
		 "a feed does not open as a file");
	{
		uint64_t pd = fx_root(fx, &c.mem, NULL, STORE_TOOL_DOCUMENTS);
		char pt[STORE_LINK_TOKEN_LEN + 1];

		fx_create(fx, &c.mem, pd, "mine.txt");
		succeeds(fx,
			 mk(fx, &c.mem, "Private", "documents/mine.txt", 0, pt,
			    NULL),
			 "a member publishes a file of their own space");
		succeeds(fx, store_link_resolve(fx->st, pt, "", &h),
			 "it resolves");
		is_str(h.name, "mine.txt", "to their file");
		refused(fx,
			mk(fx, &c.boss, "Private", "documents/mine.txt", 0, pt,
			   NULL),
			-ENOENT, NULL,
			"Private is the caller's own: not another's file");
	}
	(void)a;
}

static void lifetime(struct fixture *fx)
{
	char tf[STORE_LINK_TOKEN_LEN + 1], td[STORE_LINK_TOKEN_LEN + 1];
	char tg[STORE_LINK_TOKEN_LEN + 1], tp[STORE_LINK_TOKEN_LEN + 1];
	char tr[STORE_LINK_TOKEN_LEN + 1];
	struct store_link_hit h;
	struct store_link *v = NULL;
	struct store_attr a;
	struct store_rename rn;
	struct cast c;
	uint64_t gone, fino;
	int64_t idf = 0;
	size_t n = 0, done = 0;

	cast(fx, &c);
	gone = fx_mkdir(fx, &c.boss, c.docs, "gone");
	fino = fx_create(fx, &c.boss, gone, "f.txt");
	succeeds(fx, mk(fx, &c.boss, "G", "documents/gone/f.txt", 0, tf, &idf),
		 "a file link");
	succeeds(fx, mk(fx, &c.boss, "G", "documents/gone", 0, td, NULL),
		 "a folder link");
	succeeds(fx, mk(fx, &c.boss, "G", "documents/pub", 0, tr, NULL),
		 "a link to a folder that will move");
	succeeds(fx,
		 store_fs_rename(fx->st, &c.boss, c.docs, "pub", c.docs,
				 "renamed", 0, &rn),
		 "the folder is renamed");
	succeeds(fx, store_link_resolve(fx->st, tr, "hello.txt", &h),
		 "the link follows the rename");
	succeeds(fx, store_link_list(fx->st, &c.boss, "G", &v, &n), "list");
	ok(n == 3 && strcmp(v[2].target, "documents/renamed") == 0,
	   "link list shows where it is now");
	free(v);
	v = NULL;
	succeeds(fx, store_fs_unlink(fx->st, &c.boss, gone, "f.txt"),
		 "the file is deleted (to the trash)");
	is_errno(store_link_resolve(fx->st, tf, "", &h), -ENOENT,
		 "its link is gone");
	refused(fx, store_link_revoke(fx->st, &c.boss, idf), -ENOENT, "no link",
		"... for good: nothing left to revoke");
	/* A restore (the add right) is not a publication (administrators
	 * only): the file comes back, its link does not. */
	fx_rights(fx, &c.boss, "G", "documents/gone", STORE_RIGHT_ADD, true,
		  NULL);
	succeeds(fx,
		 store_history_restore(fx->st, &c.mem, "G",
				       "documents/gone/f.txt", &done),
		 "a member restores the file from the trash");
	succeeds(fx, store_fs_lookup(fx->st, &c.boss, gone, "f.txt", &a),
		 "it is back");
	is_int(a.ino, fino, "... the very same item");
	is_errno(store_link_resolve(fx->st, tf, "", &h), -ENOENT,
		 "... and its link stays gone");
	succeeds(fx, store_fs_unlink(fx->st, &c.boss, gone, "f.txt"),
		 "the file is deleted again");
	succeeds(fx, store_fs_rmdir(fx->st, &c.boss, c.docs, "gone"),
		 "the folder is deleted");
	is_errno(store_link_resolve(fx->st, td, "", &h), -ENOENT,
		 "its link is gone");
	succeeds(fx, store_link_list(fx->st, &c.boss, "G", &v, &n), "list");
	is_int(n, 1, "only the live link is listed");
	free(v);
	v = NULL;
	/* A new file of the same name is not the one published. */
	fx_create(fx, &c.boss, c.docs, "gone");
	is_errno(store_link_resolve(fx->st, td, "", &h), -ENOENT,
		 "a new entry of the same name does not revive it");

	fx_group(fx, &c.boss, "H", 0);
	succeeds(fx, mk(fx, &c.boss, "H", "calendar", 0, tg, NULL),
		 "a link in group H");
	succeeds(fx, store_group_delete(fx->st, &c.boss, "H"), "H is deleted");
	is_errno(store_link_resolve(fx->st, tg, "", &h), -ENOENT,
		 "its link is gone");
	succeeds(fx, mk(fx, &c.out, "Private", "calendar", 0, tp, NULL),
		 "a private calendar link");
	succeeds(fx, store_link_resolve(fx->st, tp, "", &h), "it resolves");
	succeeds(fx, store_link_list(fx->st, &c.boss, NULL, &v, &n), "list");
	is_int(n, 1, "the owner's private links are not shown to others");
	free(v);
	v = NULL;
	succeeds(fx, store_account_remove(fx->st, &fx->op, "out"),
		 "its account is removed");
	is_errno(store_link_resolve(fx->st, tp, "", &h), -ENOENT,
		 "its link is gone");
	(void)a;
}

static void base_url(struct fixture *fx)
{
	char buf[256];
	struct cast c;

	cast(fx, &c);
	succeeds(fx, store_link_base_url(fx->st, buf, sizeof(buf)), "read");
	is_str(buf, "http://localhost:8080", "the default");
	refused(fx, store_link_set_base_url(fx->st, &c.boss, "https://x/"),
		-EPERM, "operator", "only the operator sets it");
	refused(fx, store_link_set_base_url(fx->st, &fx->op, "ftp://x"),
		-EINVAL, "http", "http or https only");
	refused(fx, store_link_set_base_url(fx->st, &fx->op, "http://x/\"a"),
		-EINVAL, "quote", "no quotes");
	succeeds(fx,
		 store_link_set_base_url(fx->st, &fx->op,
					 "https://links.example.org/"),
		 "the operator sets it");
	succeeds(fx, store_link_base_url(fx->st, buf, sizeof(buf)), "read");
	is_str(buf, "https://links.example.org", "without its trailing /");
}

int main(void)
{
	fx_run("who may publish, list and revoke", rights);
	fx_run("tokens", tokens);
	fx_run("only hashes are stored", only_hashes);
	fx_run("expiry", expiry);
	fx_run("confinement to the linked folder", confinement);
	fx_run("serving files, folders and feeds", serving);
	fx_run("links die with their target", lifetime);
	fx_run("the base URL", base_url);
	return done_testing();
}
