// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The store directory: creating it (database, default plans, master key),
 * opening it safely (the database must belong to the directory's owner, so
 * a set-group-id groupctl cannot be pointed at someone else's database
 * through a link), and deciding who is calling.
 *
 *   DIR/              owner: the operator; 0700 (0750 with a Unix group)
 *   DIR/master.key    0600, owner only
 *   DIR/db/           0700 (2770 with a Unix group: SQLite's WAL files)
 *   DIR/db/store.db   0600 (0660 with a Unix group)
 *
 * A store on PostgreSQL (issue 11, SPEC.md section 8) keeps its metadata
 * and content in the database; its directory holds the master key, the
 * connection string and db/ (this machine's locks only):
 *
 *   DIR/postgres.conninfo   0600, owner only: a libpq connection string
 */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define DB_DIR "db"
#define DB_FILE "db/store.db"
#define KEY_FILE "master.key"
#define PG_FILE "postgres.conninfo"
/* A connection string is one line; libpq's own limit is far above. */
#define CONNINFO_MAX 4096

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/* The engine's calls back into the rules (meta.h). */
static bool node_open_anywhere(struct store *st, uint64_t ino)
{
	return istate_open(st, ino) || open_elsewhere(st, ino);
}

static const struct meta_hooks hooks = {
	.node_open = node_open_anywhere,
	.hist_gone = hist_note_gone,
};

/* The content engine (blob.h) of a store: on PostgreSQL (a connection
 * string) content is in the database with the metadata, else in files. */
static const struct blob_ops *blob_engine(const char *conninfo)
{
	return conninfo ? &pg_blob_engine : &files_engine;
}

/* Bring the schema up to date, seeding a new store's plans in the same
 * transaction. */
static int migrate(struct store *st)
{
	bool behind, fresh;
	int rc;

	rc = meta_schema_behind(st, &behind);
	if (rc || !behind)
		return rc;
	st->migrating = true;
	rc = txn_begin(st);
	st->migrating = false;
	if (rc)
		return rc;
	rc = meta_migrate(st, &fresh);
	if (rc == 0 && fresh)
		rc = plans_seed(st);
	return txn_end(st, rc);
}

static void init_undo(const char *dir, bool made_dir)
{
	static const char *const files[] = {
		DB_FILE "-wal", DB_FILE "-shm", DB_FILE, KEY_FILE, PG_FILE,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char *p = join(dir, files[i]);

		if (p)
			unlink(p);
		free(p);
	}
	{
		char *p = join(dir, DB_DIR);

		if (p)
			rmdir(p);
		free(p);
	}
	if (made_dir)
		rmdir(dir);
}

/* Write the connection string of a store on PostgreSQL: the owner's only,
 * or, with `gid` (not -1), its group's to read too, as the database file
 * is the group's to use (a set-group-id groupctl). */
static int conninfo_write(const char *path, const char *conninfo, gid_t gid,
			  char *err, size_t errlen)
{
	size_t len = strlen(conninfo);
	int fd, rc = 0;

	if (len == 0 || len >= CONNINFO_MAX || strchr(conninfo, '\n')) {
		snprintf(err, errlen, "the PostgreSQL connection string must "
			 "be one line of 1 to %d bytes", CONNINFO_MAX - 1);
		return -EINVAL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 || write(fd, conninfo, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1 || fsync(fd) != 0)
		rc = -errno;
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(-rc));
		return rc;
	}
	if (gid != (gid_t)-1 &&
	    (chown(path, (uid_t)-1, gid) != 0 || chmod(path, 0640) != 0)) {
		rc = -errno;
		snprintf(err, errlen, "cannot give %s to its group: %s", path,
			 strerror(errno));
	}
	return rc;
}

/* Read the connection string of a store on PostgreSQL into *out (malloc'd;
 * NULL: the store is on SQLite).  Like the database file, it must be a
 * plain file of the directory's owner; only its group may read it too
 * (init --unix-group), nobody else. */
static int conninfo_read(const char *dir, uid_t owner, char **out, char *err,
			 size_t errlen)
{
	char *path = join(dir, PG_FILE), *buf = NULL;
	struct stat f;
	ssize_t n = 0;
	int fd = -1, rc = 0;

	*out = NULL;
	if (!path)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? 0 : -errno;
		if (rc)
			snprintf(err, errlen, "cannot open %s: %s", path,
				 strerror(-rc));
		goto out;
	}
	if (fstat(fd, &f) != 0 || !S_ISREG(f.st_mode) || f.st_nlink != 1 ||
	    f.st_uid != owner || (f.st_mode & 0037)) {
		snprintf(err, errlen, "%s: untrusted connection string (not a "
			 "plain file of the store's owner, mode 0600 or "
			 "0640)", path);
		rc = -EPERM;
		goto out;
	}
	buf = malloc(CONNINFO_MAX);
	if (buf)
		n = read(fd, buf, CONNINFO_MAX - 1);
	if (!buf || n < 0) {
		rc = buf ? -errno : -ENOMEM;
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(-rc));
		goto out;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0]) {
		snprintf(err, errlen, "%s is empty", path);
		rc = -EINVAL;
		goto out;
	}
	*out = buf;
	buf = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	return rc;
}

int store_init(const char *dir, const char *passphrase, size_t passlen,
	       const char *unix_group, const char *postgres, char *err,
	       size_t errlen)
{
	struct shared sh = {.refs = 1, .daemons_fd = -1, .open_fd = -1,
			    .hooks = &hooks, .blob = blob_engine(postgres),
			    .conninfo = (char *)postgres};
	struct memo memo = {0};
	struct store st = {.sh = &sh, .memo = &memo};
	char *key_path = NULL, *db_dir = NULL, *db_path = NULL;
	gid_t gid = (gid_t)-1;
	bool made_dir = false, behind = true;
	int rc;

	if (unix_group) {
		struct group *gr = getgrnam(unix_group);

		if (!gr) {
			snprintf(err, errlen, "no Unix group named %s",
				 unix_group);
			return -EINVAL;
		}
		gid = gr->gr_gid;
	}
	key_path = join(dir, KEY_FILE);
	db_dir = join(dir, DB_DIR);
	db_path = join(dir, DB_FILE);
	if (!key_path || !db_dir || !db_path) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (mkdir(dir, 0700) == 0) {
		made_dir = true;
	} else if (errno != EEXIST) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
		goto out;
	} else {
		rc = dir_is_empty(dir);
		if (rc <= 0) {
			rc = rc < 0 ? rc : -EEXIST;
			snprintf(err, errlen, "%s: %s", dir,
				 rc == -EEXIST ? "not empty: a store is created "
						 "in a new or empty directory"
					       : strerror(-rc));
			goto out;
		}
	}
	if (mkdir(db_dir, 0700) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", db_dir,
			 strerror(errno));
		goto undo;
	}
	if (unix_group &&
	    (chown(dir, (uid_t)-1, gid) != 0 || chmod(dir, 0750) != 0 ||
	     chown(db_dir, (uid_t)-1, gid) != 0 || chmod(db_dir, 02770) != 0)) {
		rc = -errno;
		snprintf(err, errlen, "cannot give %s to group %s: %s", dir,
			 unix_group, strerror(errno));
		goto undo;
	}
	rc = key_create(key_path, passphrase, passlen, err, errlen);
	if (rc)
		goto undo;
	if (postgres) {
		char *pg_path = join(dir, PG_FILE);

		rc = pg_path ? conninfo_write(pg_path, postgres,
					      unix_group ? gid : (gid_t)-1,
					      err, errlen)
			     : -ENOMEM;
		free(pg_path);
		if (rc)
			goto undo;
	}
	sem_init(&sh.wlock, 0, 1);
	rc = meta_open(&st, postgres ? postgres : db_path, false, true);
	if (rc == 0)
		rc = meta_schema_behind(&st, &behind);
	/* A database already holding a store is another store's. */
	if (rc == 0 && !behind)
		rc = store_fail(&st, -EEXIST, "the database already holds a "
				"groupfs store (a new store needs an empty "
				"database)");
	if (rc == 0)
		rc = migrate(&st);
	if (rc)
		snprintf(err, errlen, "%s", st.errmsg);
	meta_close(&st);
	sem_destroy(&sh.wlock);
	if (rc)
		goto undo;
	if (unix_group && !postgres &&
	    (chown(db_path, (uid_t)-1, gid) != 0 || chmod(db_path, 0660) != 0)) {
		rc = -errno;
		snprintf(err, errlen, "cannot give %s to group %s: %s", db_path,
			 unix_group, strerror(errno));
		goto undo;
	}
	goto out;
undo:
	init_undo(dir, made_dir);
out:
	free(key_path);
	free(db_dir);
	free(db_path);
	return rc;
}

/* Refuse a database that is not the directory owner's own file: a link
 * planted in a directory of one's own must not reach another store.  A
 * store on PostgreSQL has a connection string instead (sh->conninfo), read
 * under the same rule. */
static int check_layout(struct shared *sh, const char *db_path, char *err,
			size_t errlen)
{
	const char *dir = sh->dir;
	struct stat d, f;
	int rc;

	if (stat(dir, &d) == 0) {
		rc = conninfo_read(dir, d.st_uid, &sh->conninfo, err, errlen);
		if (rc)
			return rc;
		sh->owner_uid = d.st_uid;
		if (sh->conninfo)
			return 0;
	}
	if (stat(dir, &d) != 0 || lstat(db_path, &f) != 0) {
		int e = errno;

		if (e == ENOENT || e == ENOTDIR) {
			snprintf(err, errlen, "no store at %s (create one "
				 "with 'groupctl init')", dir);
			return -ENOENT;
		}
		snprintf(err, errlen, "cannot open the store at %s: %s", dir,
			 strerror(e));
		return -e;
	}
	if (!S_ISREG(f.st_mode) || f.st_nlink != 1 || f.st_uid != d.st_uid) {
		snprintf(err, errlen, "%s: untrusted store database (not a "
			 "plain file of the store's owner)", db_path);
		return -EPERM;
	}
	return 0;
}

static void shared_put(struct shared *sh)
{
	size_t i;

	if (!sh || __atomic_sub_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	/* Handles the kernel never released (a forced unmount). */
	for (i = 0; i < ITAB_SLOTS; i++)
		while (sh->itab[i]) {
			struct istate *is = sh->itab[i];

			sh->itab[i] = is->next;
			blob_ref_put(sh->blob, is->blob);
			pthread_rwlock_destroy(&is->rw);
			pthread_mutex_destroy(&is->blob_lock);
			free(is);
		}
	if (sh->daemons_fd >= 0)
		close(sh->daemons_fd);
	if (sh->open_fd >= 0)
		close(sh->open_fd);
	pthread_mutex_destroy(&sh->lock);
	sem_destroy(&sh->wlock);
	sodium_memzero(sh->key, sizeof(sh->key));
	if (sh->conninfo)
		sodium_memzero(sh->conninfo, strlen(sh->conninfo));
	free(sh->conninfo);
	free(sh->dir);
	free(sh);
}

static struct shared *shared_new(const char *dir)
{
	struct shared *sh = calloc(1, sizeof(*sh));

	if (!sh)
		return NULL;
	sh->dir = strdup(dir);
	if (!sh->dir) {
		free(sh);
		return NULL;
	}
	sh->refs = 1;
	sh->hooks = &hooks;
	sh->daemons_fd = -1;
	sh->open_fd = -1;
	pthread_mutex_init(&sh->lock, NULL);
	sem_init(&sh->wlock, 0, 1);
	randombytes_buf(&sh->origin, sizeof(sh->origin));
	sh->origin &= INT64_MAX;
	if (sh->origin == 0) /* positive: negated, it marks a quiet row */
		sh->origin = 1;
	randombytes_buf(sh->nonce_prefix, sizeof(sh->nonce_prefix));
	return sh;
}

/* A connection on `sh`, migrated to the current schema. */
static int connect(struct shared *sh, bool readonly, struct store **out,
		   char *err, size_t errlen)
{
	struct store *st = calloc(1, sizeof(*st));
	char *db_path = join(sh->dir, DB_FILE);
	int rc;

	if (st)
		st->memo = calloc(1, sizeof(*st->memo));
	if (!st || !st->memo || !db_path) {
		if (st)
			free(st->memo);
		free(st);
		free(db_path);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	__atomic_add_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL);
	st->sh = sh;
	rc = meta_open(st, sh->conninfo ? sh->conninfo : db_path, readonly,
		       false);
	if (rc == 0 && !readonly)
		rc = migrate(st);
	free(db_path);
	if (rc) {
		snprintf(err, errlen, "%s: %.*s", sh->dir, (int)(errlen / 2),
			 st->errmsg);
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

int store_open_target(const char *dir, const char *conninfo,
		      const char *db_path, struct store **out, char *err,
		      size_t errlen)
{
	struct shared *sh = shared_new(dir);
	struct store *st = calloc(1, sizeof(*st));
	bool behind = false;
	int rc;

	*out = NULL;
	if (st)
		st->memo = calloc(1, sizeof(*st->memo));
	if (sh && conninfo)
		sh->conninfo = strdup(conninfo);
	if (!sh || !st || !st->memo || (conninfo && !sh->conninfo)) {
		if (st)
			free(st->memo);
		free(st);
		shared_put(sh);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sh->owner_uid = geteuid();
	sh->blob = blob_engine(sh->conninfo);
	st->sh = sh;
	rc = meta_open(st, conninfo ? conninfo : db_path, false, true);
	if (rc == 0)
		rc = meta_schema_behind(st, &behind);
	if (rc == 0 && !behind)
		rc = store_fail(st, -EEXIST, "the database already holds a "
				"groupfs store (a store moves into an empty "
				"database)");
	if (rc) {
		snprintf(err, errlen, "%s", st->errmsg);
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

int store_write_conninfo(const char *dir, const char *conninfo, gid_t gid,
			 char *err, size_t errlen)
{
	char *path = join(dir, PG_FILE);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = conninfo_write(path, conninfo, gid, err, errlen);
	free(path);
	return rc;
}

int store_open(const char *dir, unsigned flags, const char *passphrase,
	       size_t passlen, struct store **out, char *err, size_t errlen)
{
	struct shared *sh = NULL;
	char *db_path = NULL, *key_path = NULL;
	int rc;

	*out = NULL;
	rc = crypto_ready();
	if (rc) {
		snprintf(err, errlen, "libsodium could not start");
		return rc;
	}
	sh = shared_new(dir);
	db_path = join(dir, DB_FILE);
	key_path = join(dir, KEY_FILE);
	if (!sh || !db_path || !key_path) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	sh->fast_commit = flags & STORE_OPEN_FAST_COMMIT;
	rc = check_layout(sh, db_path, err, errlen);
	if (rc)
		goto out;
	sh->blob = blob_engine(sh->conninfo);
	if (flags & STORE_OPEN_KEY) {
		rc = key_load(key_path, passphrase, passlen, sh->key, err,
			      errlen);
		if (rc)
			goto out;
		sh->has_key = true;
	}
	rc = connect(sh, flags & STORE_OPEN_READONLY, out, err, errlen);
out:
	shared_put(sh);
	free(db_path);
	free(key_path);
	return rc;
}

int store_clone(struct store *st, struct store **out)
{
	char err[256];
	int rc = connect(st->sh, false, out, err, sizeof(err));

	if (rc)
		store_fail(st, rc, "%s", err);
	return rc;
}

void store_detach(struct store *st)
{
	meta_close(st);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	/* What a batch holds was acknowledged: it is committed, not lost. */
	store_batch_commit(st);
	meta_close(st);
	shared_put(st->sh);
	free(st->memo);
	free(st->records.buf);
	free(st);
}

bool store_in_process(const struct store *st)
{
	return st && !st->sh->conninfo;
}

int store_load_key(struct store *st, const char *passphrase, size_t passlen)
{
	char *path = join(st->sh->dir, KEY_FILE);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = key_load(path, passphrase, passlen, st->sh->key, st->errmsg,
		      sizeof(st->errmsg));
	free(path);
	if (rc == 0)
		st->sh->has_key = true;
	return rc;
}

int store_key_is_wrapped(const char *dir, bool *wrapped)
{
	char *p = join(dir, KEY_FILE);
	int rc;

	if (!p)
		return -ENOMEM;
	rc = key_is_wrapped(p, wrapped);
	free(p);
	return rc;
}

int store_caller_for_uid(struct store *st, uid_t uid, const char *as_user,
			 struct store_caller *out)
{
	bool op = uid == 0 || uid == st->sh->owner_uid;
	int64_t id = 0;
	int rc;

	st->errmsg[0] = '\0';
	if (as_user) {
		if (!op)
			return store_fail(st, -EPERM,
					  "only the store operator may act as "
					  "another account (--as)");
		rc = account_id(st, as_user, &id);
		if (rc)
			return rc;
		/* Acting as an account means exactly its powers. */
		out->account = id;
		out->operator = false;
		out->rights_in_mode = false;
		return 0;
	}
	/* The access cache knows it while no account changed. */
	if (!ac_account(st, (int64_t)uid, &id)) {
		rc = meta_account_by_uid(st, (int64_t)uid, &id);
		if (rc && rc != -ENOENT)
			return rc;
		if (rc)
			id = 0;
		ac_account_put(st, (int64_t)uid, id);
	}
	out->account = id;
	out->operator = op;
	out->rights_in_mode = false;
	return 0;
}
