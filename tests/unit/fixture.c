// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fixture of fixture.h.  One case at a time: the fixture lives in a
 * static so that fx_bail() can longjmp back to fx_run() without touching
 * automatic variables modified after setjmp().  The helpers act through the
 * public API only, as the operator or as the account named.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "fixture.h"

static struct fixture fx_current;
static jmp_buf fx_jump;
static bool fx_in_case;

static void fx_log(void *arg, enum store_log_level level, const char *msg)
{
	if (level != STORE_LOG_INFO)
		diag("backend: %s", msg);
}

void fx_mkdtemp(char *buf, size_t len)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	snprintf(buf, len, "%s/groupfs-unit-XXXXXX", base);
	if (!mkdtemp(buf)) {
		perror("mkdtemp");
		exit(99);
	}
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	return remove(path) ? -errno : 0;
}

int fx_rmtree(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void fx_bail(struct fixture *fx, int rc, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ok(0, "setup: %s", what);
	diag("  returned %d (%s): %s", rc, tap_errno_name(rc),
	     fx && fx->st ? store_errmsg(fx->st) : "");
	if (fx_in_case)
		longjmp(fx_jump, 1);
	exit(1);
}

/* Run one statement on the test cluster's own database. */
static int fx_pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("GROUPFS_TEST_PG"));
	PGresult *r = NULL;
	int rc = -EIO;

	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			rc = 0;
		else
			diag("postgres: %s: %s", sql, PQerrorMessage(c));
	} else {
		diag("postgres: %s", PQerrorMessage(c));
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

bool fx_on_postgres(void)
{
	const char *v = getenv("GROUPFS_TEST_PG");

	return v && *v;
}

/* The journal's triggers call gfs_origin(): 0 does here (a hand edit's
 * rows of nodes and names are left out, as for no daemon). */
static void fx_origin(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int64(ctx, 0);
}

int fx_sql(struct fixture *fx, const char *sqlite, const char *pg)
{
	int rc = -EIO;

	if (fx_on_postgres()) {
		PGconn *c = PQconnectdb(fx->pg_conninfo);
		PGresult *r = NULL;

		if (PQstatus(c) == CONNECTION_OK) {
			PQclear(PQexec(c, "SET groupfs.origin = '0'"));
			r = PQexec(c, pg);
			if (PQresultStatus(r) == PGRES_COMMAND_OK ||
			    PQresultStatus(r) == PGRES_TUPLES_OK)
				rc = 0;
		}
		if (rc)
			diag("sql: %s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		char path[PATH_MAX + 16], *msg = NULL;
		sqlite3 *db = NULL;
		int src;

		snprintf(path, sizeof(path), "%s/db/store.db", fx->dir);
		src = sqlite3_open(path, &db);
		if (src == SQLITE_OK) {
			sqlite3_busy_timeout(db, 5000);
			src = sqlite3_create_function(db, "gfs_origin", 0,
						      SQLITE_UTF8, NULL,
						      fx_origin, NULL, NULL);
		}
		if (src == SQLITE_OK)
			src = sqlite3_exec(db, sqlite, NULL, NULL, &msg);
		if (src == SQLITE_OK)
			rc = 0;
		else
			diag("sql: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_close(db);
	}
	return rc;
}

const char *fx_postgres(struct fixture *fx)
{
	static unsigned n;
	const char *base = getenv("GROUPFS_TEST_PG");
	char sql[128];
	int rc;

	if (!base || !*base)
		return NULL;
	if (fx->pg_db[0])
		return fx->pg_conninfo;
	snprintf(fx->pg_db, sizeof(fx->pg_db), "fx_%ld_%u", (long)getpid(),
		 ++n);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", fx->pg_db);
	rc = fx_pg_admin(sql);
	if (rc) {
		fx->pg_db[0] = '\0';
		fx_bail(fx, rc, "create database for the case");
	}
	/* Of a keyword given twice, libpq takes the last. */
	snprintf(fx->pg_conninfo, sizeof(fx->pg_conninfo), "%s dbname=%s",
		 base, fx->pg_db);
	return fx->pg_conninfo;
}

static void fx_setup(struct fixture *fx)
{
	char err[256] = "";
	int rc;

	memset(fx, 0, sizeof(*fx));
	fx_mkdtemp(fx->tmp, sizeof(fx->tmp));
	if (snprintf(fx->dir, sizeof(fx->dir), "%s/store", fx->tmp) >=
	    (int)sizeof(fx->dir))
		fx_bail(fx, -ENAMETOOLONG, "path %s", fx->tmp);
	rc = store_init(fx->dir, NULL, 0, NULL, fx_postgres(fx), err,
			sizeof(err));
	if (rc)
		fx_bail(fx, rc, "store_init %s: %s", fx->dir, err);
	rc = store_open(fx->dir, STORE_OPEN_KEY, NULL, 0, &fx->st, err,
			sizeof(err));
	if (rc)
		fx_bail(fx, rc, "store_open %s: %s", fx->dir, err);
	store_set_logger(fx->st, fx_log, NULL);
	fx->op.account = 0;
	fx->op.operator= true;
}

static void fx_teardown(struct fixture *fx)
{
	if (fx->st)
		store_close(fx->st);
	fx->st = NULL;
	if (fx->pg_db[0] && !getenv("GROUPFS_KEEP_TMP")) {
		char sql[128];

		snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)",
			 fx->pg_db);
		fx_pg_admin(sql);
	}
	if (getenv("GROUPFS_KEEP_TMP"))
		diag("kept %s", fx->tmp);
	else if (fx->tmp[0])
		fx_rmtree(fx->tmp);
}

void fx_run(const char *name, void (*fn)(struct fixture *fx))
{
	diag("--- %s", name);
	fx_in_case = true;
	if (setjmp(fx_jump) == 0) {
		fx_setup(&fx_current);
		fn(&fx_current);
	} else {
		diag("case %s ended early", name);
	}
	fx_in_case = false;
	fx_teardown(&fx_current);
}

void fx_plan(struct fixture *fx, const char *name, int64_t max_groups,
	     int64_t max_members, uint64_t group_bytes, uint64_t private_bytes)
{
	struct store_plan p;
	int rc;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.max_groups = max_groups;
	p.max_members = max_members;
	p.group_bytes = group_bytes;
	p.private_bytes = private_bytes;
	rc = store_plan_set(fx->st, &fx->op, &p,
			    STORE_PLAN_MAX_GROUPS | STORE_PLAN_MAX_MEMBERS |
				    STORE_PLAN_GROUP_BYTES |
				    STORE_PLAN_PRIVATE_BYTES,
			    NULL);
	if (rc)
		fx_bail(fx, rc, "plan set %s", name);
}

struct store_caller fx_account(struct fixture *fx, const char *user,
			       const char *plan)
{
	struct store_account a;
	struct store_caller c = {0};
	unsigned mask = STORE_ACCOUNT_FIRST | STORE_ACCOUNT_LAST |
			STORE_ACCOUNT_EMAIL | STORE_ACCOUNT_ORG;
	int64_t id = 0;
	int rc;

	if (plan && !strcmp(plan, FX_BIG) && !fx->big_plan) {
		fx_plan(fx, FX_BIG, 100, 100, FX_GIB, FX_GIB);
		fx->big_plan = true;
	}
	memset(&a, 0, sizeof(a));
	snprintf(a.username, sizeof(a.username), "%s", user);
	snprintf(a.first, sizeof(a.first), "First-%s", user);
	snprintf(a.last, sizeof(a.last), "Last-%s", user);
	snprintf(a.org, sizeof(a.org), "Org-%s", user);
	snprintf(a.email, sizeof(a.email), "%s@example.org", user);
	if (plan) {
		snprintf(a.plan, sizeof(a.plan), "%s", plan);
		mask |= STORE_ACCOUNT_PLAN;
	}
	a.unix_uid = -1;
	rc = store_account_add(fx->st, &fx->op, &a, mask, NULL, 0, &id);
	if (rc)
		fx_bail(fx, rc, "account add %s (plan %s)", user,
			plan ? plan : "default");
	if (id <= 0)
		fx_bail(fx, -EINVAL, "account add %s: id %lld", user,
			(long long)id);
	c.account = id;
	return c;
}

struct store_caller fx_caller(struct fixture *fx, const char *user)
{
	struct store_account a;
	struct store_caller c = {0};
	int rc;

	rc = store_account_get(fx->st, &fx->op, user, &a);
	if (rc)
		fx_bail(fx, rc, "account get %s", user);
	c.account = a.id;
	return c;
}

int64_t fx_group(struct fixture *fx, const struct store_caller *admin,
		 const char *name, unsigned flags)
{
	struct store_group_settings s;
	unsigned mask = 0;
	int64_t id = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	if (flags & FX_PUBLISHED) {
		s.published = true;
		mask |= STORE_GROUP_PUBLISHED;
	}
	if (flags & FX_MEMBERS_PUBLISHED) {
		s.members_published = true;
		mask |= STORE_GROUP_MEMBERS_PUBLISHED;
	}
	if (flags & FX_OPEN) {
		s.open = true;
		mask |= STORE_GROUP_OPEN;
	}
	rc = store_group_create(fx->st, admin, name, &s, mask, &id);
	if (rc)
		fx_bail(fx, rc, "group create %s", name);
	return id;
}

void fx_join(struct fixture *fx, const struct store_caller *admin,
	     const char *group, const char *user)
{
	struct store_caller c = fx_caller(fx, user);
	int rc;

	rc = store_group_invite(fx->st, admin, group, user);
	if (rc)
		fx_bail(fx, rc, "invite %s to %s", user, group);
	rc = store_invitation_accept(fx->st, &c, group);
	if (rc)
		fx_bail(fx, rc, "%s accepts %s", user, group);
}

void fx_coadmin(struct fixture *fx, const struct store_caller *admin,
		const char *group, const char *user)
{
	int rc = store_group_set_coadmin(fx->st, admin, group, user, true);

	if (rc)
		fx_bail(fx, rc, "coadmin %s in %s", user, group);
}

enum store_role fx_role(struct fixture *fx, const struct store_caller *c,
			const char *group, const char *user)
{
	struct store_member *m = NULL;
	enum store_role role = STORE_ROLE_NONE;
	size_t n = 0, i;
	int rc;

	rc = store_group_members(fx->st, c, group, &m, &n);
	if (rc)
		fx_bail(fx, rc, "members of %s", group);
	for (i = 0; i < n; i++)
		if (!strcmp(m[i].username, user))
			role = m[i].role;
	free(m);
	return role;
}

long fx_members(struct fixture *fx, const struct store_caller *c,
		const char *group)
{
	struct store_member *m = NULL;
	size_t n = 0;

	if (store_group_members(fx->st, c, group, &m, &n))
		return -1;
	free(m);
	return (long)n;
}

uint64_t fx_root(struct fixture *fx, const struct store_caller *c,
		 const char *group, enum store_tool tool)
{
	uint64_t ino = 0;
	int rc = store_tool_root(fx->st, c, group, tool, &ino);

	if (rc)
		fx_bail(fx, rc, "root of %s in %s", store_tool_name(tool),
			group ? group : "Private");
	return ino;
}

uint64_t fx_lookup(struct fixture *fx, const struct store_caller *c,
		   uint64_t parent, const char *name)
{
	struct store_attr a;
	int rc = store_fs_lookup(fx->st, c, parent, name, &a);

	if (rc)
		fx_bail(fx, rc, "lookup %s", name);
	return a.ino;
}

uint64_t fx_mkdir(struct fixture *fx, const struct store_caller *c,
		  uint64_t parent, const char *name)
{
	struct store_attr a;
	int rc = store_fs_mkdir(fx->st, c, parent, name, 0755, &a);

	if (rc)
		fx_bail(fx, rc, "mkdir %s in %llu", name,
			(unsigned long long)parent);
	return a.ino;
}

uint64_t fx_create(struct fixture *fx, const struct store_caller *c,
		   uint64_t parent, const char *name)
{
	struct store_attr a;
	int rc = store_fs_mknod(fx->st, c, parent, name, S_IFREG | 0644, &a);

	if (rc)
		fx_bail(fx, rc, "create %s in %llu", name,
			(unsigned long long)parent);
	return a.ino;
}

void fx_rights(struct fixture *fx, const struct store_caller *c,
	       const char *group, const char *target, enum store_right right,
	       bool all_members, ...)
{
	const char *users[32];
	size_t n = 0;
	va_list ap;
	int rc;

	va_start(ap, all_members);
	while (n < 32 && (users[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	rc = store_rights_set(fx->st, c, group, target, right, all_members,
			      users, n);
	if (rc)
		fx_bail(fx, rc, "rights set %s %s", group, target);
}

/* ---- snapshot --------------------------------------------------------- */

static void snap_names(FILE *f, const struct store_names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		fprintf(f, " %s", nm->name[i]);
}

static void snap_acl(FILE *f, const char *what, const struct store_acl *a)
{
	fprintf(f, "    %s own=%d from=%s all=%d named:", what, a->own, a->from,
		a->all_members);
	snap_names(f, &a->named);
	fputc('\n', f);
}

static int64_t snap_account_id(const struct store_account *a, size_t n,
			       const char *user)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(a[i].username, user))
			return a[i].id;
	return 0;
}

struct snap_entry {
	char name[256];
	struct store_attr attr;
};

struct snap_dir {
	struct snap_entry *e;
	size_t n, cap;
};

static int snap_collect(void *arg, const char *name,
			const struct store_attr *attr)
{
	struct snap_dir *d = arg;

	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		struct snap_entry *e = realloc(d->e, cap * sizeof(*e));

		if (!e)
			return 1;
		d->e = e;
		d->cap = cap;
	}
	snprintf(d->e[d->n].name, sizeof(d->e[d->n].name), "%s", name);
	d->e[d->n].attr = *attr;
	d->n++;
	return 0;
}

/*
 * The tree under `path` ("documents", "documents/a", ...) as `c` sees it:
 * names, inodes, modes, sizes, times.  Entries are collected first and
 * walked after store_fs_readdir returns, so the store is never entered
 * from its own callback.
 */
static void snap_tree(struct fixture *fx, FILE *f, const struct store_caller *c,
		      const char *group, const char *path, int depth)
{
	struct snap_dir d = {0};
	struct store_attr at;
	char sub[STORE_PATH_MAX];
	size_t i;
	int rc;

	rc = store_resolve(fx->st, c, group, path, &at);
	if (!rc)
		rc = store_fs_readdir(fx->st, c, at.ino, NULL, 0, snap_collect,
				      &d);
	fprintf(f, "  tree %s rc=%d\n", path, rc);
	for (i = 0; !rc && i < d.n; i++) {
		const struct store_attr *a = &d.e[i].attr;

		if (!strcmp(d.e[i].name, ".") || !strcmp(d.e[i].name, ".."))
			continue;
		fprintf(f,
			"  node %s/%s ino=%llu mode=%o nlink=%u size=%llu "
			"mtime=%lld ctime=%lld\n",
			path, d.e[i].name, (unsigned long long)a->ino, a->mode,
			a->nlink, (unsigned long long)a->size,
			(long long)a->mtime_ns, (long long)a->ctime_ns);
		if ((a->mode & 0170000) == 0040000 && depth < 16) {
			snprintf(sub, sizeof(sub), "%s/%s", path, d.e[i].name);
			snap_tree(fx, f, c, group, sub, depth + 1);
		}
	}
	free(d.e);
}

static void snap_group(struct fixture *fx, FILE *f, const struct store_group *g,
		       const struct store_account *acc, size_t nacc)
{
	static const char *const tools[] = {"documents", "calendar",
					    "contacts"};
	const struct store_group_settings *s = &g->settings;
	struct store_caller admin = {0};
	struct store_member *m = NULL;
	struct store_invitation *inv = NULL;
	struct store_rights r;
	size_t n = 0, i;
	int rc;

	fprintf(f,
		"group %s id=%lld admin=%s desc=\"%s\" pub=%d mpub=%d open=%d "
		"business=%d sector=%s lang=%s created=%lld\n",
		g->name, (long long)g->id, g->admin, s->description,
		s->published, s->members_published, s->open, s->business,
		s->sector, s->language, (long long)g->created);
	admin.account = snap_account_id(acc, nacc, g->admin);
	rc = store_group_members(fx->st, &admin, g->name, &m, &n);
	fprintf(f, "  members rc=%d\n", rc);
	for (i = 0; !rc && i < n; i++)
		fprintf(f, "  member %s role=%d joined=%lld\n", m[i].username,
			m[i].role, (long long)m[i].joined);
	free(m);
	n = 0;
	rc = store_group_invitations(fx->st, &admin, g->name, &inv, &n);
	fprintf(f, "  invitations rc=%d\n", rc);
	for (i = 0; !rc && i < n; i++)
		fprintf(f, "  invitation %s by=%s sent=%lld last=%lld\n",
			inv[i].username, inv[i].invited_by,
			(long long)inv[i].sent, (long long)inv[i].last_sent);
	free(inv);
	for (i = 0; i < 3; i++) {
		memset(&r, 0, sizeof(r));
		rc = store_rights_get(fx->st, &admin, g->name, tools[i], &r);
		fprintf(f, "  rights %s rc=%d\n", tools[i], rc);
		if (rc)
			continue;
		snap_acl(f, "add", &r.add);
		snap_acl(f, "delete", &r.del);
		store_rights_release(&r);
		snap_tree(fx, f, &admin, g->name, tools[i], 0);
	}
}

char *fx_snapshot(struct fixture *fx)
{
	struct store_plan *p = NULL;
	struct store_account *a = NULL;
	struct store_group *g = NULL;
	struct store_cal_grant *cg = NULL;
	size_t np = 0, na = 0, ng = 0, ncg = 0, i, j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	f = open_memstream(&buf, &len);
	if (!f)
		fx_bail(fx, -errno, "open_memstream");
	rc = store_plan_list(fx->st, &p, &np);
	fprintf(f, "plans rc=%d\n", rc);
	for (i = 0; !rc && i < np; i++)
		fprintf(f,
			"plan %s groups=%lld members=%lld gb=%llu pb=%llu "
			"accounts=%lld\n",
			p[i].name, (long long)p[i].max_groups,
			(long long)p[i].max_members,
			(unsigned long long)p[i].group_bytes,
			(unsigned long long)p[i].private_bytes,
			(long long)p[i].accounts);
	free(p);
	rc = store_account_list(fx->st, &fx->op, &a, &na);
	fprintf(f, "accounts rc=%d\n", rc);
	if (rc)
		na = 0;
	for (i = 0; i < na; i++)
		fprintf(f,
			"account %lld %s first=%s last=%s org=%s email=%s "
			"plan=%s uid=%lld pw=%d photo=%s/%u\n",
			(long long)a[i].id, a[i].username, a[i].first,
			a[i].last, a[i].org, a[i].email, a[i].plan,
			(long long)a[i].unix_uid, a[i].has_password,
			a[i].photo_type, a[i].photo_size);
	rc = store_group_list(fx->st, &fx->op, &g, &ng);
	fprintf(f, "groups rc=%d\n", rc);
	for (i = 0; !rc && i < ng; i++)
		snap_group(fx, f, &g[i], a, na);
	free(g);
	for (i = 0; i < na; i++) {
		struct store_caller c = {.account = a[i].id};

		ncg = 0;
		cg = NULL;
		rc = store_calendar_grants(fx->st, &c, &cg, &ncg);
		for (j = 0; !rc && j < ncg; j++)
			fprintf(f, "grant %s -> %s rights=%u groups=%zu\n",
				cg[j].owner, cg[j].grantee, cg[j].rights,
				cg[j].groups);
		free(cg);
	}
	free(a);
	if (fclose(f))
		fx_bail(fx, -errno, "snapshot");
	return buf;
}

/* ---- checks ----------------------------------------------------------- */

bool fx_refused_at(struct fixture *fx, int rc, int e1, int e2,
		   const char *keywords, const char *file, int line,
		   const char *fmt, ...)
{
	const char *msg = store_errmsg(fx->st);
	char desc[512];
	bool good;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	if (e1 == e2) {
		good = is_errno_at(rc, e1, file, line, "%s", desc);
	} else {
		good = ok_at(rc == e1 || rc == e2, file, line, "%s", desc);
		if (!good)
			diag("       got: %s%s (%d)\n  expected: -%s or -%s",
			     rc < 0 ? "-" : "", tap_errno_name(rc), rc,
			     tap_errno_name(e1), tap_errno_name(e2));
	}
	if (keywords)
		good &= like_at(msg, keywords, file, line,
				"%s: the message names the rule", desc);
	else
		good &= ok_at(msg && *msg, file, line,
			      "%s: the message is not empty", desc);
	if (rc == 0)
		diag("  (the operation succeeded)");
	return good;
}

static void first_difference(const char *a, const char *b)
{
	const char *la = a, *lb = b;
	int lines = 0;

	while (*a && *a == *b) {
		if (*a == '\n') {
			la = a + 1;
			lb = b + 1;
			lines++;
		}
		a++;
		b++;
	}
	diag("  first difference at line %d:\n    before: %.*s\n    after:  "
	     "%.*s",
	     lines + 1, (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

bool fx_unchanged_at(struct fixture *fx, char *before, const char *file,
		     int line, const char *fmt, ...)
{
	char *after = fx_snapshot(fx);
	char desc[512];
	bool good;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	good = ok_at(!strcmp(before, after), file, line, "%s", desc);
	if (!good)
		first_difference(before, after);
	free(before);
	free(after);
	return good;
}

bool fx_ok_at(struct fixture *fx, int rc, const char *file, int line,
	      const char *fmt, ...)
{
	char desc[512];
	bool good;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	good = ok_at(rc == 0, file, line, "%s", desc);
	if (!good)
		diag("       got: %s%s (%d): %s\n  expected: 0",
		     rc < 0 ? "-" : "", tap_errno_name(rc), rc,
		     store_errmsg(fx->st));
	return good;
}
