/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declarations shared between the backend's files.  Nothing outside
 * backend/ includes this header.  It names no database: the rules reach
 * the store's metadata through meta.h alone.
 */
#ifndef GROUPFS_INTERNAL_H
#define GROUPFS_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdlib.h>

#include "array.h"
#include "blob.h"
#include "meta.h"
#include "store.h"

#define STORE_KEY_BYTES 32
/* A sealed chunk is one page on disk (nonce 24 + 4056 + tag 16 = 4096), so
 * a write cut short by a crash, which the kernel cuts at page boundaries,
 * leaves each record wholly old or wholly new. */
#define CHUNK 4056		/* plaintext bytes per sealed chunk */
#define INLINE_MAX (64 * 1024)	/* larger items get a content file */

/* Space kinds: a group's space or an account's private space. */
enum space_kind { SPACE_GROUP = 1, SPACE_PRIVATE = 2 };

/* node.tool: which part of a space a node belongs to. */
enum node_tool {
	TOOL_NONE = 0, /* the space's root */
	TOOL_DOCUMENTS = STORE_TOOL_DOCUMENTS,
	TOOL_CALENDAR = STORE_TOOL_CALENDAR,
	TOOL_CONTACTS = STORE_TOOL_CONTACTS,
	TOOL_DROP = 4,
	TOOL_MEMBERS = 5,
	TOOL_MAIL = STORE_TOOL_MAIL,
};

/* node.gen: generated nodes under members/. */
enum node_gen {
	GEN_NONE = 0,
	GEN_MEMBER = 1,	   /* members/<u>/ */
	GEN_CARD = 2,	   /* card.vcf */
	GEN_PHOTO_JPG = 3,
	GEN_PHOTO_PNG = 4,
	GEN_BUSY = 5,	   /* busy.ics */
	GEN_CALVIEW = 6,   /* calendar/: the member's personal calendar */
	GEN_INVITATION = 7, /* Private/invitations/GROUP.txt */
};

/* What a name in a calendar or contacts folder is. */
enum item_type { ITEM_NONE = 0, ITEM_ICS = 1, ITEM_VCF = 2 };

struct node_info;


#define ITAB_SLOTS 1024

/* The engine's handle on one content object, kept by an open item and
 * lent to the requests reading or writing it: each holds a reference and
 * the last one closes it, so readers that meet on a first read, or one
 * reading an older object while another installs the new one, never lose
 * the handle under them. */
struct blob_ref {
	struct blob *b;
	unsigned char cid[16];
	int refs; /* atomic */
};

static inline void blob_ref_put(const struct blob_ops *e, struct blob_ref *r)
{
	if (r && __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		e->close(r->b);
		free(r);
	}
}

/* An item some handle has open in this process. */
struct istate {
	uint64_t ino;
	int opens;		/* guarded by shared.lock */
	pthread_rwlock_t rw;	/* content: readers share, a writer is alone */
	pthread_mutex_t blob_lock;
	struct blob_ref *blob;	/* guarded by blob_lock; NULL: none yet */
	bool orphan;		/* lost its last name while open (shared.lock) */
	struct istate *next;	/* hash chain, guarded by shared.lock */
};

/*
 * What every handle on one open store shares (store_clone): the key and
 * the table of open items.  Lock order: istate.rw, then the write lock
 * (shared.wlock with BEGIN IMMEDIATE), then istate.blob_lock; shared.lock is
 * taken last and never held while waiting for another.  A batch (group
 * commit, txn.c) holds the write lock across the requests on its handle,
 * which take istate.rw: no other thread may wait for the write lock while
 * it holds an istate.rw (store_fs_read's reread shows how).
 */
struct shared {
	int refs;		/* atomic */
	char *dir;
	uid_t owner_uid;	/* the store directory's owner: the operator */
	unsigned char key[STORE_KEY_BYTES];
	bool has_key;
	bool fast_commit;	/* synchronous=NORMAL; durability on fsync */
	/* A store on PostgreSQL: its connection string (NULL: SQLite). */
	char *conninfo;
	int64_t origin;		/* tags this process's journal rows */
	unsigned char nonce_prefix[16];
	uint64_t nonce_ctr;	/* atomic */
	pthread_mutex_t lock;
	/* Held by this process's one write transaction: threads queue here
	 * instead of in SQLite's busy handler, which sleeps milliseconds.  A
	 * semaphore, not a mutex: a batch (txn.c) is opened by one thread
	 * and may be committed by another. */
	sem_t wlock;
	struct istate *itab[ITAB_SLOTS];
	/* A daemon's share of db/daemons.lock, held while it serves (-1:
	 * none): what a starting daemon may free depends on who else runs. */
	int daemons_fd;
	/* db/open.lock, where daemons mark the items they hold open (-1:
	 * not open yet); opened under `lock`. */
	int open_fd;
	store_write_hook_fn write_hook; /* set before any transaction */
	void *write_hook_arg;
	bool write_hook_done;	/* guarded by wlock */
	bool schema_newer_said; /* store_schema_newer logged (atomic) */
	/* Every open handle, guarded by `lock`: what a stopping daemon
	 * releases when the kernel never did (store_fs_release_all). */
	struct store_file *files;
	const struct meta_hooks *hooks; /* what the engine calls back */
	const struct blob_ops *blob; /* where content is kept (blob.h) */
};

struct memo;

struct engine;
struct meta_ops;

struct store {
	/* The engine (meta.h; chosen by meta_open, core/engine.c) and its
	 * connection: the engine's own type; NULL: detached. */
	const struct meta_ops *ops;
	struct engine *eng;
	struct shared *sh;
	struct memo *memo; /* see struct memo (node.c) */
	uint64_t wseq;	   /* moves with every change (meta.h) */
	int txn_depth;	   /* nesting of txn_begin */
	bool wlocked;	   /* this connection holds sh->wlock */
	bool batch;	   /* group commit: store_batch_mode (txn.c) */
	bool batch_open;   /* a batch holds changes not yet committed */
	/* This write transaction leaves out the journal's rows of nodes and
	 * names (meta.h): no other daemon runs to read them.  Set at BEGIN
	 * while the write lock is held, so none can start meanwhile. */
	bool journal_quiet;
	int64_t rights_at_begin; /* outside daemons: meta 'rights' at BEGIN */
	bool migrating;		 /* migrate: the schema may not be there */
	char errmsg[512];
	bool hist_freed;   /* history gave way: content files to remove */
	/* View folders whose entries went in this transaction (trigger
	 * hist_dir_gone): hist_prune_dirs removes the emptied ones before
	 * COMMIT.  `all`: too many to name, the whole `space` (-1: every
	 * space). */
	struct {
		int n;
		bool all;
		int64_t space;
		uint64_t hdir[32];
	} hist_gone;
	/* A module's last step of a write transaction, set during it: run
	 * by txn_end before COMMIT (commit: true; its error rolls back) or
	 * at a rollback (false), then cleared. */
	int (*at_txn_end)(struct store *st, bool commit);
	/* The last folder an item was trashed from (history.c): rm -rf
	 * empties folders one name at a time. */
	struct {
		int64_t dir, space, at, expired;
		uint64_t hdir, tree_gen;
	} hist_memo;
	store_log_fn log;
	void *log_arg;
	/* Room for the sealed records of one read or write of content
	 * (content.c), kept for the handle's next: a fresh megabyte for each
	 * was a tenth of a sequential write's time in page faults.  Lent to
	 * one call at a time (`lent`); the call inside it gets its own. */
	struct {
		unsigned char *buf;
		size_t cap;
		bool lent;
	} records;
};

/* A group row, as the rules need it. */
struct grp {
	int64_t id;
	int64_t space;
	char name[STORE_GROUPNAME_BYTES + 1];
	struct store_group_settings s;
	int64_t admin;	   /* account id */
	int64_t created;
	enum store_role role; /* the caller's, STORE_ROLE_NONE if none */
};

/* The plan limits that apply to an account. */
struct limits {
	char plan[STORE_USERNAME_MAX + 1];
	int64_t max_groups, max_members, group_bytes, private_bytes;
};

/* ---- types and constants the layers share ---- */
struct node_info {
	int64_t ino, space, parent;
	int tool;
	uint32_t mode;
	int64_t creator;
	int64_t nlink;
	bool editors_all;
	enum space_kind kind;
	int64_t group;	    /* for group spaces */
	int64_t owner;	    /* for private spaces */
	int64_t space_root; /* the space's root folder */
	int64_t drop_dir;   /* the group's drop/ folder */
	int gen;	    /* enum node_gen */
	int64_t held;	    /* its history entry (history.c), 0 when live */
	/* What the mount shows of it (meta_node_attr's), when `attr`: both
	 * engines read them in the same query (on PostgreSQL a query is a
	 * round trip; on SQLite a lookup then runs one statement less), and
	 * node_attr takes them from node.c's memo. */
	bool attr;
	int64_t size, atime_ns, mtime_ns, ctime_ns;
	int64_t uid; /* the creator's Unix uid, -1 when none */
};

/* What a space holds and may hold. */
struct room {
	int64_t capacity;  /* bytes: the administrator's (owner's) plan */
	int64_t used;	   /* bytes of file content, at apparent size */
	int64_t meta;	   /* bytes of xattr names and values, link targets */
	int64_t files;	   /* entries members made: files, folders, links */
	int64_t max_files; /* quota_max_entries(capacity) */
	int64_t root, drop_dir;
	int64_t hist;	   /* bytes kept in history (only free capacity) */
};

/* What one transaction read more than once (node_info and node_child in
 * tree/node.c): a request resolves a node several times, and a create
 * looks up the name the LOOKUP before it found free; a space's room
 * (quota.c), read with the content a write changes.  An entry holds
 * while store.wseq has not moved: any call that may write, and every
 * transaction's start and end, move it. */
#define MEMO_NODES 8
#define MEMO_NAMES 4

/*
 * What access decisions derive from, kept across requests on one handle
 * (access/cache.c): a Unix user's account, an account's role in a group,
 * the rights an account was found to hold on a node.  Every entry holds
 * for one access generation (meta_access_gen), which the cache reads
 * again only when something may have changed (meta_unchanged_since: a
 * commit by any process, a change on this handle; and outside a
 * transaction), and forgets everything when it moved or a rollback may
 * have undone what it read.  Fixed-size tables: a new entry takes its
 * slot's place.
 */
#define AC_UIDS 16
#define AC_ROLES 64
#define AC_RIGHTS 256

struct acache {
	bool valid;	/* gen and mark were read */
	int64_t gen;
	struct meta_mark mark;
	uint32_t epoch; /* entries of another epoch are forgotten */
	struct {
		uint32_t epoch;
		int64_t uid, account; /* account 0: none */
	} uid[AC_UIDS];
	struct {
		uint32_t epoch;
		int64_t group, account;
		int role;
	} role[AC_ROLES];
	/* A right held on a node, with what of the node it was decided on:
	 * a node that moved, went to history or changed hands is asked
	 * again. */
	struct {
		uint32_t epoch;
		int right;
		int64_t account, ino, space, parent, creator, held;
		uint32_t mode;
		int tool;
		bool editors_all;
	} rights[AC_RIGHTS];
};

struct memo {
	struct {
		uint64_t wseq;
		struct node_info info;
	} node[MEMO_NODES];
	struct {
		uint64_t wseq;
		int64_t parent, child; /* child 0: no such name */
		char name[256];	       /* NAME_MAX and its NUL */
	} name[MEMO_NAMES];
	unsigned next_name; /* the slot the next entry takes */
	struct {
		uint64_t wseq;
		int64_t space; /* 0: none */
		/* Only its bytes hold (used, meta, hist, capacity): read
		 * before a change that moved none of them (quota.c). */
		bool bytes_only;
		struct room room;
	} room;
	/* A new item's content, empty (content.c): its first write reads
	 * no row. */
	struct {
		uint64_t wseq;
		int64_t ino, space; /* ino 0: none */
		unsigned char cid[16];
		int cipher;
	} fresh;
	struct acache ac;
};

/* Ciphers of content (node.cipher). */
enum { CIPHER_XCHACHA20 = 0, CIPHER_AES256GCM = 1 };

#define CIPHER_DEFAULT CIPHER_AES256GCM

struct content {
	int64_t ino, space, size;
	unsigned char cid[16];
	int cipher;
	bool chunked;
	unsigned char *inline_blob; /* malloc'd sealed blob, or NULL */
	size_t inline_len;
	int64_t touch;	/* ns: content_update also sets mtime and ctime */
};

/* An open item.  A handle writing a calendar or contact item keeps its new
 * version aside until close or fsync, where it is checked and takes effect
 * whole, or is refused and leaves the previous version as it was. */
struct store_file {
	struct store_caller caller;
	struct istate *is;
	int64_t rights_gen;
	bool writable;
	int item;		/* enum item_type: this handle writes an item */
	int64_t dir;		/* the item's folder */
	unsigned char *pending;	/* the new version */
	size_t plen, pcap;
	bool loaded;		/* pending holds a whole version */
	bool dirty;		/* pending differs from what is stored */
	bool fresh;		/* nothing valid stored yet */
	bool kept;		/* its earlier version is kept (history.c) */
	bool written;		/* written since the last check */
	bool took_effect;	/* a new version was stored: attributes moved */
	char *gen;		/* generated content, read from a snapshot */
	size_t glen;
	char gone[256];		/* name a refused new item had, in `dir` */
	struct store_file *next, *prev; /* shared.files, under shared.lock */
};

struct pim_info;

struct busy_period;

#define HIST_KEEP_DAYS 30
#define HIST_KEEP_VERSIONS 20

enum { HIST_TRASH = 1, HIST_VERSION = 2 };

enum { HIST_TOP_ROOT = 2, HIST_TOP_TRASH = 3, HIST_TOP_VERSIONS = 4 };

/* The file managers' trash (gtrash.c): .Trash-UID and its files/, the
 * low bits the account. */
enum { GT_ROOT = 5, GT_FILES = 6, GT_EXPUNGED = 7 };

/* A file of the history view: its own inode number, the entry's id. */
enum { HIST_FILE = 8 };

/* A folder of an entry of .Trash-UID/files/ (gtrash_dir.id). */
enum { GT_DIR = 9 };

#define HIST_FILE_INO(id) HIST_TOP_INO(HIST_FILE, (id))

/* Inode numbers of the history view: node ids stay below 2^48. */
#define HIST_INO_SHIFT 48
#define HIST_DIR_INO(id) (((uint64_t)1 << HIST_INO_SHIFT) | (uint64_t)(id))
#define HIST_TOP_INO(top, space)                                              \
	(((uint64_t)(top) << HIST_INO_SHIFT) | (uint64_t)(space))
#define HIST_IS_VIEW(ino) ((uint64_t)(ino) >> HIST_INO_SHIFT != 0)

struct hist_keep {
	int64_t days, versions;
	bool fits; /* one more entry fits in the free room as it is */
	bool dir_exists; /* the view folder asked about (hist_keep_dir) */
};

enum hist_how {
	HIST_MOVE, /* the version takes the content; the item is left empty */
	HIST_TAKE, /* the version takes it; the caller gives the item new */
	HIST_COPY, /* the version gets a copy; the item keeps its own */
};

/* The private space's folder for GIO's .trashinfo files. */
#define GTRASH_INFO_FOLDER ".trash-info"

#define STR(x) #x
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- base/key.c ---- */
int key_create(const char *path, const char *pass, size_t passlen,
	       char *err, size_t errlen);
int key_load(const char *path, const char *pass, size_t passlen,
	     unsigned char key[STORE_KEY_BYTES], char *err, size_t errlen);
int key_is_wrapped(const char *path, bool *wrapped);
int crypto_ready(void);

/* ---- base/util.c ---- */
int store_fail(struct store *st, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void store_log(struct store *st, enum store_log_level lvl, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));
void copy_str(char *dst, size_t len, const char *src);
/* What the mount shows of node `n` (read with its attributes:
 * node_info.attr), as inode `ino`. */
void node_info_attr(const struct node_info *n, uint64_t ino,
		    struct store_attr *out);
/* A newer groupfs upgraded the store to schema `version` (this one knows
 * up to `known`) while this process had it open: -EROFS, with the reason
 * for the refusal, and once a process in its log. */
int store_schema_newer(struct store *st, int64_t version, int known);
/* This thread is about to wait for a lock held elsewhere: the wait hook
 * (store_set_wait_hook), if any. */
void store_waiting(void);
int64_t now_sec(void);
int64_t now_ns(void);
int valid_username(const char *s);
int valid_email(const char *s);
int valid_text(const char *s, size_t max, bool allow_empty);
int valid_groupname(const char *s);
/* The rule a group name breaks, NULL when it is valid. */
const char *groupname_problem(const char *s);
/* `in` for a message: control, invisible and odd space characters and
 * bytes that are not UTF-8 as \xNN / \uNNNN. */
void escape_name(const char *in, char *out, size_t len);
int valid_entry_name(const char *s);
/* A table or column name an engine puts into SQL text (rows.c: a dump,
 * a restore): 0 when it is one of the schema's kind, [a-z_0-9]+, else
 * -EINVAL with the message naming it. */
int sql_name_check(struct store *st, const char *name);
int casefold(const char *in, char *out, size_t outlen);
int normalize_language(const char *in, char *out, size_t len);

/* ---- files/copy.c ---- */
struct stat;
/* The stamp of a file as `s` shows it (not settled). */
void files_stamp(const struct stat *s, struct blob_stamp *out);
/* Copy file `src` to `dst` (made 0600, or emptied), `buf` of `buflen`
 * bytes at a time, calling step after each; *was: the source's stamp when
 * its copy began.  -ENOENT, with nothing written, when `src` is missing;
 * any other failure says what in err. */
int files_copy(const char *src, const char *dst, char *buf, size_t buflen,
	       void (*step)(void *arg, uint64_t bytes), void *arg,
	       struct blob_stamp *was, char *err, size_t errlen);

/* ---- core/daemons.c ---- */
/* Join the daemons serving this store (a shared lock on db/daemons.lock,
 * held until the store's last handle closes); *alone tells whether no other
 * daemon served at that moment. */
int daemons_join(struct store *st, bool *alone);
/* Outside a daemon, after a commit that changed rights or membership: wait
 * (a few seconds at most) until every daemon serving the store has applied
 * it to the kernel's caches. */
void daemons_wait(struct store *st);
/* In a write transaction: whether a daemon other than this process's
 * origin runs and may read the journal (errors say yes). */
bool daemons_other(struct store *st);
/* Under shared.lock: mark item `ino` as open in this process (its first
 * open) or no longer (its last close), for other processes: through the
 * engine (meta_node_hold) in every process, in open.lock in a daemon. */
void open_mark(struct store *st, uint64_t ino, bool open);
/* Whether another daemon, on this machine or (through the engine) on
 * another, holds item `ino` open (so its last name may go, but not the
 * item).  When that cannot be known, true. */
bool open_elsewhere(struct store *st, uint64_t ino);

/* ---- core/txn.c ---- */
/* A write transaction: this process's writers queue on shared.wlock, the
 * first of a process runs the write hook, and a commit that changed rights
 * outside a daemon waits for the daemons to apply it.  Nests. */
int txn_begin(struct store *st);
/* A read transaction: one snapshot for several reads (nests). */
int txn_read_begin(struct store *st);
void txn_read_end(struct store *st);
/* Commit when rc == 0, roll back otherwise; returns rc or the commit's
 * error.  The refusal's message survives the rollback. */
int txn_end(struct store *st, int rc);

/* ---- content/content.c ---- */
void content_new_cid(unsigned char cid[16]);
int content_load(struct store *st, int64_t ino, struct content *ct);
/* Item `ino` was just made, empty, with content id `cid` and `cipher`,
 * in `space`: content_known answers for it while st->wseq stays. */
void content_remember_new(struct store *st, int64_t ino, int64_t space,
			  const unsigned char cid[16], int cipher);
/* Item `ino`'s content row as content_load would read it (*ct, no inline
 * blob), when this transaction made it and wrote nothing since; false
 * (*ct untouched): read it. */
bool content_known(struct store *st, int64_t ino, struct content *ct);
void content_free(struct content *ct);
int content_read(struct store *st, struct istate *is, const struct content *ct,
		 uint64_t off, size_t size, unsigned char *buf, size_t *got);
int content_update(struct store *st, struct istate *is, struct content *ct,
		   uint64_t off, const unsigned char *buf, size_t len,
		   int64_t truncate_to);
int content_sync(struct store *st, struct istate *is, const struct content *ct);
int content_empty_trash(struct store *st);
int content_verify(struct store *st, int64_t ino);

/* ---- quota/quota.c ---- */
int64_t quota_max_entries(int64_t capacity);
int space_room(struct store *st, int64_t space, struct room *out);
/* Remember `r`, the room of `space` just read, for space_room in the rest
 * of the transaction (while nothing is written). */
void space_room_memo(struct store *st, int64_t space, const struct room *r);
/* Remember the bytes of `r`, the room of `space` read before a change
 * that moved none of its byte counters (a new empty item and its name),
 * for check_room and check_meta_room while nothing more is written. */
void space_bytes_memo(struct store *st, int64_t space, const struct room *r);
/* -ENOSPC (with the rule) when item `n` may not grow from `from` to `to`
 * bytes; shrinking always may. */
int check_room(struct store *st, const struct node_info *n, int64_t from,
	       int64_t to);
/* -ENOSPC when `grow` more bytes of metadata (`what`, for the message)
 * would pass the capacity of `space`. */
int check_meta_room(struct store *st, int64_t space, int64_t grow,
		    const char *what);
/* Called after an entry was added under `parent`: -ENOSPC when the space
 * now holds more entries than its capacity allows. */
int check_entries(struct store *st, int64_t space, int64_t parent);
/* Whether one more entry fits in a space whose room was `before` (as
 * meta_space_room gives it, max_files aside): a name added counts one
 * entry at most, so check_entries after it would pass. */
bool entry_fits(const struct room *before);
/* -ENOSPC when restoring `grow` bytes from history would pass the
 * capacity of `space` (history does not give way to its own restore). */
int check_restore_room(struct store *st, int64_t space, int64_t grow);
/* Let history give way, oldest first, until live content may grow by
 * `grow` bytes within the capacity. */
int hist_make_room(struct store *st, int64_t space, int64_t grow);

/* ---- tree/node.c ---- */
int node_info(struct store *st, int64_t ino, struct node_info *out);
/* Node n as a write just left it (what the engine returned): node_info
 * answers with it until the next write. */
void node_remember(struct store *st, const struct node_info *n);
int node_new(struct store *st, int64_t space, int tool, int64_t parent,
	     const char *name, uint32_t mode, int64_t creator, int64_t *ino);
int node_touch_dir(struct store *st, int64_t dir, int nlink_delta);
int node_path(struct store *st, int64_t ino, char *buf, size_t len);
int node_child(struct store *st, int64_t parent, const char *name,
	       int64_t *child);
/* Before node_info(dir) and node_child(dir, name) in one transaction:
 * both read at once where the engine can (meta_dirent_find_pair), for
 * the memo to answer them (a round trip less on a database server).
 * Nothing when dir is already known; a failure is left to them. */
void node_lookup_ahead(struct store *st, int64_t dir, const char *name);
int node_walk(struct store *st, int64_t root, const char *path, int64_t *ino);
int drop_place(struct store *st, const struct node_info *n, int *depth,
	       int64_t *owner, int64_t *dropper);

/* ---- tree/open.c ---- */
/* Item `ino` is losing its last name: true when it is open, and then its
 * last close frees it.  (Checked and marked at once: a last close either
 * came before, or sees the mark and frees the node after this commits.) */
bool istate_orphan(struct store *st, uint64_t ino);
/* Whether item `ino` is open in this process. */
bool istate_open(struct store *st, uint64_t ino);
/* One more open of item `ino` in this process (NULL: no memory). */
struct istate *istate_get(struct store *st, uint64_t ino);
/* Drop one open; true when it was the last of an orphan (the caller frees
 * it).  *last: it was the last open in this process. */
bool istate_put(struct store *st, struct istate *is, bool *lastp);

/* ---- access/cache.c ---- */
/* What the cache knows (true) of the account of Unix user `uid` (0:
 * none), of `account`'s role in `group`, and whether `account` holds
 * `right` on node `n`; what a miss went on to find out, for the next
 * ask.  Each put follows its get: the get read the generation first. */
bool ac_account(struct store *st, int64_t uid, int64_t *account);
void ac_account_put(struct store *st, int64_t uid, int64_t account);
bool ac_role(struct store *st, int64_t group, int64_t account, int *role);
void ac_role_put(struct store *st, int64_t group, int64_t account, int role);
bool ac_holds(struct store *st, int64_t account, const struct node_info *n,
	      int right);
void ac_holds_put(struct store *st, int64_t account,
		  const struct node_info *n, int right);

/* ---- access/mailbox.c ---- */
/* The mail/ folder of `space` (-EIO, with a message, when it has none). */
int mail_root(struct store *st, int64_t space, int64_t *root);
/* *add*, *delete* or *edit* (of a message's content) on a node of mail/
 * for a member of role `role`: 0 or -EACCES. */
int mail_allows(struct store *st, const struct store_caller *c,
		const struct node_info *n, enum store_role role,
		enum store_right right);
/* A new entry `name` of type `mode` in folder `p` of mail/: -EPERM when it
 * is not Maildir shape. */
int mail_shape(struct store *st, const struct node_info *p, const char *name,
	       uint32_t mode);
/* Removing `child` from folder `parent` of mail/. */
int mail_may_delete(struct store *st, const struct store_caller *c,
		    const struct node_info *parent,
		    const struct node_info *child);
/* Renaming `src` (name -> newname) from `p` to `np`, one of them in mail/:
 * the shape and every right it needs (a change of flags needs *edit*, a
 * move *delete* and *add*, filing one's own message from tmp/ *add*). */
int mail_may_rename(struct store *st, const struct store_caller *c,
		    const struct node_info *p, const struct node_info *np,
		    const struct node_info *src, const char *name,
		    const char *newname);

/* ---- access/rights.c ---- */
int acl_default(struct store *st, int64_t node);
/* add on a folder, edit on an item: 0 or -EACCES (with a message). */
int node_allows(struct store *st, const struct store_caller *c, int64_t ino,
		enum store_right right);
/* Removing `child` (its name) from folder `parent`. */
int node_may_delete(struct store *st, const struct store_caller *c,
		    const struct node_info *parent,
		    const struct node_info *child);
/* Moving `n` from folder `from` into folder `to`: a move into a drop folder
 * (from anywhere but that same drop folder) makes its owner an editor, so
 * the caller must already edit `n`, and everything below it, by the item's
 * own setting (creator or named editors): 0 or -EACCES. */
int node_may_move_into(struct store *st, const struct store_caller *c,
		       const struct node_info *from,
		       const struct node_info *to,
		       const struct node_info *n);
/* A hard link to `n` in folder `to`: -EXDEV when it would cross the
 * boundary of a drop folder. */
int node_may_link_into(struct store *st, const struct node_info *n,
		       const struct node_info *to);
/* Does the account hold `perm` by the setting on folder `node`? */
int acl_holds(struct store *st, int64_t node, int perm, int64_t account);

/* ---- access/visible.c ---- */
/* 0 when the caller may see the node (filled into *n), else -ENOENT. */
int node_visible(struct store *st, const struct store_caller *c, int64_t ino,
		 struct node_info *n);
int members_visible(struct store *st, const struct store_caller *c,
		    const struct node_info *n);

/* ---- access/who.c ---- */
int account_id(struct store *st, const char *username, int64_t *id);
int account_name(struct store *st, int64_t id, char *buf, size_t len);
int need_account(struct store *st, const struct store_caller *c);
bool co_members(struct store *st, int64_t a, int64_t b);
/* Find a group by name (case-insensitive) with the caller's role. */
int grp_find(struct store *st, const struct store_caller *c,
	     const char *name, struct grp *out);
/* Find a group the caller may see as a member: -ENOENT otherwise. */
int grp_member(struct store *st, const struct store_caller *c,
	       const char *name, struct grp *out);
/* Require the administrator role (message names `what`). */
int grp_admin(struct store *st, const struct store_caller *c,
	      const char *name, struct grp *out, const char *what);
enum store_role grp_role(struct store *st, int64_t gid, int64_t account);
int target_resolve(struct store *st, const struct store_caller *c,
		   const char *group, const char *path, struct grp *g,
		   int64_t *ino);

/* ---- history/history.c ---- */
/* How a space keeps history: the group's settings, defaults elsewhere;
 * and whether its free room takes one more entry without eviction. */
int hist_keep(struct store *st, int64_t space, struct hist_keep *out);
/* The same, and out->dir_exists: whether view folder `dir` (a hist_dir
 * id; 0: none) exists, in the same query where the engine can. */
int hist_keep_dir(struct store *st, int64_t space, int64_t dir,
		  struct hist_keep *out);
/* Entries older than this (ns) are past keeping. */
int64_t hist_cutoff(const struct hist_keep *k);
int hist_dir_child(struct store *st, int64_t space, uint64_t parent,
		   const char *name, bool create, uint64_t *out);
/* Node `n` is losing its last name (`name` in folder `parent`): record it
 * in the trash.  *kept: the node (a file or link) now belongs to history
 * and must not be freed; a folder is recorded and freed as before.
 * Nothing is kept where the group keeps no history. */
int hist_trash(struct store *st, const struct node_info *n, int64_t parent,
	       const char *name, int64_t actor, bool *kept);
/* Keep the content of live item `ino` as an earlier version (nothing for
 * an empty item, or where the group keeps no history): *kept says. */
int hist_version(struct store *st, int64_t ino, enum hist_how how,
		 int64_t actor, bool *kept);
/* A folder moved: paths remembered for the trash are stale. */
void hist_tree_changed(void);
/* Remove the view folders (hist_dir) left with nothing below them by the
 * entries removed in this transaction (st->hist_gone): hist_note_gone has
 * txn_end run it before the commit. */
int hist_prune_dirs(struct store *st);
/* The engine's hooks->hist_gone: note view folder `hdir` for
 * hist_prune_dirs at commit. */
void hist_note_gone(struct store *st, int64_t space, uint64_t hdir);
/* The trash's view folder of deleted folder `name` in `path`. */
int hist_trash_folder(struct store *st, int64_t space, const char *path,
		      const char *name, uint64_t *hdir);
/* Private space `space`'s folder for GIO's .trashinfo files, made when
 * missing (in a write transaction: space creation, mount time). */
int gtrash_info_ensure(struct store *st, int64_t space);

/* ---- pim/gen.c ---- */
int invitations_text(struct store *st, const struct node_info *n,
		     char **data, size_t *len, int64_t *mtime);
int members_ensure(struct store *st, int64_t space, int64_t account);
int members_ensure_all(struct store *st);
int members_calendar(struct store *st, const struct node_info *view,
		     struct node_info *real);
int members_content(struct store *st, const struct node_info *n, char **data,
		    size_t *len, int64_t *mtime);
int members_busy(struct store *st, int64_t owner, char **data, size_t *len,
		 int64_t *mtime);
int members_busy_periods(struct store *st, int64_t owner,
			 struct busy_period **v, size_t *n);

/* ---- pim/item.c ---- */
int item_type(const struct node_info *dir, const char *name);
int item_check(struct store *st, int type, const void *data, size_t len,
	       struct pim_info *info);
int item_read(struct store *st, int64_t ino, unsigned char **data,
	      size_t *len);
int item_validate_node(struct store *st, int64_t ino, int type,
		       struct pim_info *info);
/* Index `ino` as an item of folder `dir`: -EEXIST when another item there
 * has its UID (`replacing`, the item it replaces, excepted). */
int item_claim(struct store *st, int64_t ino, const struct node_info *dir,
	       const struct pim_info *info, int64_t replacing);
int item_release(struct store *st, int64_t ino);
/* The name of the item of `dir` with this UID: -ENOENT when none. */
int item_find_uid(struct store *st, const struct node_info *dir,
		  const char *uid, char *name, size_t len);

/* ---- mail/mail.c ---- */
/* A group space's mail/ (cur, new, tmp, its rights), made if missing. */
int mail_ensure(struct store *st, int64_t space, int64_t creator);
/* Every group's, for stores made before mail/ existed. */
int mail_ensure_all(struct store *st);

/* ---- model/group.c ---- */
int64_t grp_headcount(struct store *st, int64_t gid);
int space_create(struct store *st, enum space_kind kind, int64_t owner,
		 int64_t creator, int64_t *space);

/* ---- model/invitations.c ---- */
/* Private/invitations/ of a private space, made if missing, with a file
 * per pending invitation; invitations_add gives `account` the files of
 * invitations made since; invitations_text is a file's content. */
int invitations_ensure(struct store *st, int64_t space);
int invitations_ensure_all(struct store *st);
int invitations_add(struct store *st, int64_t account);

/* ---- model/membership.c ---- */
int member_cleanup(struct store *st, const struct grp *g, int64_t account);
int member_added(struct store *st, const struct grp *g, int64_t account);

/* ---- model/plan.c ---- */
int limits_of(struct store *st, int64_t account, struct limits *out);
int plans_seed(struct store *st);

/* ---- vfs/fsdir.c ---- */
int node_make(struct store *st, const struct store_caller *c, int64_t parent,
	      const char *name, uint32_t mode, const char *target,
	      struct store_attr *out, struct node_info *dir);
int node_drop_entry(struct store *st, int64_t parent, const char *name,
		    const struct node_info *n);
/* node_drop_entry by `actor`; `keep`: its last name sends it to history
 * (false: an item that never held a valid version). */
int node_remove_name(struct store *st, int64_t parent, const char *name,
		     const struct node_info *n, int64_t actor, bool keep);

/* ---- vfs/fsfile.c ---- */
int check_handle(struct store *st, struct store_file *f, bool write);

/* ---- vfs/fsitem.c ---- */
int fitem_open(struct store *st, struct store_file *f,
	       const struct node_info *n, int flags);
/* A handle on a node just made in folder `dir`, an item of type `item`. */
void fitem_created(struct store_file *f, int64_t dir, int item);
int fitem_read(struct store_file *f, uint64_t off, size_t size, void *buf,
	       size_t *got);
int fitem_write(struct store *st, struct store_file *f, uint64_t off,
		const void *buf, size_t size);
int fitem_truncate(struct store *st, struct store_file *f, uint64_t size);
int fitem_commit(struct store *st, struct store_file *f, bool last);
int fitem_truncate_path(struct store *st, const struct store_caller *c,
			const struct node_info *n, uint64_t size, bool *done);
void fitem_free(struct store_file *f);
/* Check `data` as item `n` of folder `dir` and store it as its content. */
int item_put_version(struct store *st, const struct node_info *n,
		     const struct node_info *dir, int type, const void *data,
		     size_t len);

/* ---- vfs/gtrash.c ---- */
bool gtrash_name(const char *name);
int gtrash_lookup_root(struct store *st, const struct store_caller *c,
		       const char *name, struct store_attr *out);
int gtrash_getattr(struct store *st, const struct store_caller *c,
		   uint64_t ino, struct store_attr *out);
int gtrash_lookup(struct store *st, const struct store_caller *c,
		  uint64_t parent, const char *name, struct store_attr *out);
int gtrash_readdir(struct store *st, const struct store_caller *c,
		   uint64_t ino, const char *after, uint64_t skip,
		   store_dirent_fn fn, void *arg);
/* A rename into the caller's files/ (to the trash) or out of it. */
int gtrash_rename(struct store *st, const struct store_caller *c,
		  uint64_t parent, const char *name, uint64_t newparent,
		  const char *newname, struct store_rename *out);
int gtrash_remove(struct store *st, const struct store_caller *c,
		  uint64_t parent, const char *name);

/* ---- vfs/histview.c ---- */
/* The view: the node of history file `ino` (HIST_FILE_INO) when the
 * caller may see it, -ENOENT otherwise (-EROFS: no file of history).  A
 * node kept by history is reached only so: through its own inode number
 * it is gone, as deleted items are. */
int hist_view_node(struct store *st, const struct store_caller *c,
		   uint64_t ino, struct node_info *n);
int hist_view_getattr(struct store *st, const struct store_caller *c,
		      uint64_t ino, struct store_attr *out);
int hist_view_lookup(struct store *st, const struct store_caller *c,
		     uint64_t parent, const char *name,
		     struct store_attr *out);
int hist_view_readdir(struct store *st, const struct store_caller *c,
		      uint64_t ino, const char *after, uint64_t skip,
		      store_dirent_fn fn, void *arg);
/* unlink / rmdir in the view: purge for good. */
int hist_view_remove(struct store *st, const struct store_caller *c,
		     uint64_t parent, const char *name, bool want_dir);
/* Put the file of history entry `hist` back as `name` in live folder
 * `parent`: the add right there. */
int hist_restore_to(struct store *st, const struct store_caller *c,
		    int64_t hist, int64_t parent, const char *name);
/* Everything the caller sees below view folder `hdir`: restored where it
 * was (each latest entry; taken names left), or purged for good (each
 * with hist_may_purge).  With `gtname`, only the entries the move to
 * the caller's .Trash-UID/files/gtname made (gtrash_item). */
int hist_tree_apply(struct store *st, const struct store_caller *c,
		    uint64_t hdir, bool restore, const char *gtname);
/* The live path a view folder stands for: "documents/a/b". */
int hist_dir_origin(struct store *st, uint64_t hdir, char *buf, size_t len);
/* 0 when the caller may remove history entry `hist` for good. */
int hist_may_purge(struct store *st, const struct store_caller *c,
		   int64_t hist);
/* A time as history names it: 2026-12-05T23.01.02.123456Z (UTC). */
void hist_time_name(int64_t ns, char *buf, size_t len);
/* The space a view inode belongs to, when the caller may see it. */
int hist_view_space(struct store *st, const struct store_caller *c,
		    uint64_t ino, int64_t *space);

/* ---- vfs/lookup.c ---- */
int node_attr(struct store *st, const struct store_caller *c,
	      const struct node_info *n, struct store_attr *out);
int node_lookup(struct store *st, const struct store_caller *c,
		int64_t parent, const char *name, struct node_info *child);
/* A folder the caller may see, with members/<u>/calendar/ resolved to
 * the personal calendar it shows. */
int node_dir(struct store *st, const struct store_caller *c, int64_t ino,
	     struct node_info *out);
/* The same for the folder of a name the kernel resolves (lookup, create,
 * unlink, rename) or a folder it opens: -ESTALE where node_dir says
 * -ENOENT.  The kernel named
 * it by an inode number it cached, and the folder is gone or out of the
 * caller's sight (deleted or moved to the trash by another process or
 * mount, a change of rights).  On -ESTALE the kernel walks the path again
 * name by name and finds what is there now, before its invalidation has
 * arrived; only a walk that starts there (a working directory, a dirfd)
 * sees the error itself. */
int node_parent(struct store *st, const struct store_caller *c, int64_t ino,
		struct node_info *out);
/* node_visible for the inode a request names itself (getattr, setattr,
 * access, open, readlink, statfs, the xattr calls, link's source):
 * -ESTALE where node_visible says -ENOENT.  The kernel reached it through
 * an entry it cached, which a change it has not heard of yet made stale:
 * another process deleted the item, a save-pattern rename left the
 * source's inode an alias that its last close freed, rights changed.
 * Retried with its path walked again, the call finds what is there now;
 * only a call on a descriptor sees the error itself. */
int node_named(struct store *st, const struct store_caller *c, int64_t ino,
	       struct node_info *out);

/* ---- store/store.c ---- */
/* A handle on an empty database at `conninfo` (PostgreSQL) or at
 * `db_path` (SQLite), for moving the store whose directory is `dir` there
 * (store/migrate.c), which makes the schema in its own transaction.
 * -EEXIST: the database already holds a store. */
int store_open_target(const char *dir, const char *conninfo,
		      const char *db_path, struct store **out, char *err,
		      size_t errlen);
/* The connection string file of a store on PostgreSQL, written as init
 * writes it (0600; 0640 and `gid` when gid is not -1). */
int store_write_conninfo(const char *dir, const char *conninfo, gid_t gid,
			 char *err, size_t errlen);

#endif
