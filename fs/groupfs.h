/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's shared declarations: the mount's state, the request loop
 * and its store handles, the kernel's lookup counts and the invalidation
 * thread.
 * Only fs/ includes fuse3; only fs/ talks to the kernel.
 */
#ifndef GROUPFS_FS_H
#define GROUPFS_FS_H

#define FUSE_USE_VERSION 312

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct fs_known;
struct fs_notify;
struct fuse_init_out;
struct fs_uring;

/* One mount.  Set up before the session loop starts and read-only after,
 * except where a field says which lock guards it. */
struct fs {
	struct store *base;	  /* detached: only cloned */
	struct fuse_session *se;
	pthread_key_t store_key;  /* a thread's own handle, outside requests */
	struct {		  /* handles between requests (loop.c) */
		pthread_mutex_t lock;
		struct store *idle[64];
		int n;		  /* guarded by lock */
	} pool;
	struct {		  /* group commit (loop.c) */
		pthread_mutex_t lock;
		pthread_cond_t free; /* requests waiting for the handle */
		pthread_cond_t tick; /* the committer's */
		struct store *st; /* the batch handle; NULL: none */
		int ms;		  /* -o commit_ms; 0: no batch */
		int waiting;	  /* requests in batch_take's wait */
		bool busy;	  /* a request or the committer uses it */
		bool armed;	  /* it holds a batch, due at `due` */
		bool commit_wanted; /* the committer waits for it */
		bool stop;
		struct timespec due; /* CLOCK_MONOTONIC */
		pthread_t thread; /* the committer */
	} batch;
	bool single;		  /* serves one account (--as or private) */
	bool have_as;		  /* --as: one fixed caller */
	struct store_caller as;	  /* the caller with --as */
	uid_t uid;		  /* what a single-account mount shows */
	gid_t gid;
	double timeout;		  /* entry and attribute cache, seconds */
	struct fs_known *known;	  /* the kernel's lookup counts */
	struct {		  /* listings the kernel keeps (ops.c) */
		pthread_mutex_t lock;
		struct {
			uint64_t ino;	 /* a folder's; 0: none */
			struct timespec at; /* sent, CLOCK_MONOTONIC */
		} v[256];
	} listed;
	struct fs_notify *notify; /* invalidations, off the request path */
	struct fs_uring *uring;	  /* FUSE over io_uring (uring.c); or NULL */
	struct fs_init_in {	  /* the kernel's INIT request (init.c) */
		uint64_t unique;
		uint32_t flags, flags2; /* what it offers */
		bool pending;		/* read, not answered yet (atomic) */
	} init;
	bool no_uring;		  /* -o no_uring */
	unsigned read_ahead;	  /* -o read_ahead, in bytes */
};

/* ---- main.c ---- */
/* A new handle on the mount's store, logging like the daemon; or NULL. */
struct store *fs_store_open(struct fs *fs);

/* ---- loop.c ---- */
/* Serve requests on `threads` workers until the session ends; 0 or a
 * negative errno. */
int fs_loop(struct fs *fs, unsigned threads);
/* Block (or unblock) SIGTERM, SIGINT and SIGHUP in the calling thread and
 * the threads it starts: only the thread in fs_loop takes them. */
void fs_block_end_signals(bool block);
/* The store handle of this request, taken from the pool at the first
 * call; outside a request, this thread's own (opened on first use).  NULL
 * when the store cannot be opened. */
struct store *fs_store(struct fs *fs);
/* A worker's request is done with its handle (it is about to reply): the
 * handle goes back to the pool.  Elsewhere nothing. */
void fs_store_done(struct fs *fs);
void fs_log(void *arg, enum store_log_level level, const char *msg);
/* Answer request `buf` on this thread, as a worker does (uring.c). */
void fs_loop_answer(struct fs *fs, struct fuse_buf *buf);

/* ---- bdi.c ---- */
/* The kernel's readahead for the mount by default (-o read_ahead): one
 * request's worth through io_uring, whose queue on the reader's CPU
 * answers one request after another, and four through /dev/fuse, where
 * the kernel keeps them all on their way and the workers answer them at
 * once.  The daemon's INIT reply announces the one request's worth, or
 * more when the mount is to read ahead more (the kernel lowers the
 * mount's readahead to what INIT announces). */
#define FS_READAHEAD (1024 * 1024)
#define FS_READAHEAD_DEV (4 * FS_READAHEAD)
/* Set the kernel's readahead for the mount on `mountpoint` to
 * fs->read_ahead (0: leave it); only root may, others keep the kernel's. */
void fs_read_ahead(const struct fs *fs, const char *mountpoint);

/* ---- init.c ---- */
/* The session's custom I/O (uring.c's calls these too): read() that notes
 * the kernel's INIT request, and writev() that adds to its reply what the
 * daemon asks beyond libfuse 3.14 (FUSE_HANDLE_KILLPRIV_V2, and io_uring
 * through fs_uring_ask).  fs_init_io installs them: 0 or -errno. */
ssize_t fs_init_read(struct fs *fs, int fd, void *buf, size_t len);
ssize_t fs_init_writev(struct fs *fs, int fd, struct iovec *iov, int count);
int fs_init_io(struct fs *fs);

/* ---- uring.c ---- */
/* Whether a loop of `threads` threads takes its requests through
 * io_uring: more than one thread, no -o no_uring, and the kernel offers
 * it (root switched it on). */
bool fs_uring_wanted(const struct fs *fs, unsigned threads);
/* Where fs_uring_wanted: a custom I/O on the session and `threads`
 * threads over the CPUs' queues, which serve once the INIT reply has
 * asked for it.  Called before any worker reads.  Without memory,
 * nothing changes. */
void fs_uring_start(struct fs *fs, unsigned threads);
/* For the INIT reply `out` (`len` bytes), once every ring is set up:
 * whether it asks for io_uring (the kernel offered it, every ring and
 * buffer is ready), and then the flags in `out`.  NULL: false. */
bool fs_uring_ask(struct fs_uring *u, struct fuse_init_out *out, size_t len);
/* The INIT reply went out, asking for io_uring or not: the threads
 * register or end.  NULL: nothing. */
void fs_uring_answered(struct fs_uring *u, bool asked);
/* The queue threads end (after the workers; NULL: nothing).  The custom
 * I/O still writes notifications to /dev/fuse until fs_uring_free, after
 * the session's end. */
void fs_uring_stop(struct fs_uring *u);
void fs_uring_free(struct fs_uring *u);
/* Room for the `size` bytes of the reply this thread is answering, in
 * the ring entry the reply goes out through (no copy when it is replied
 * from there); NULL when the request did not come through a ring or may
 * still read its own payload there. */
void *fs_uring_reply_room(size_t size);

/* ---- ops.c ---- */
extern const struct fuse_lowlevel_ops fs_ops;

/* ---- known.c ---- */
struct fs_known *fs_known_new(void);
void fs_known_free(struct fs_known *k);
void fs_known_add(struct fs_known *k, uint64_t ino, uint64_t n);
void fs_known_forget(struct fs_known *k, uint64_t ino, uint64_t n);
/* The table's slots (16 bytes each): its memory, for the tests. */
size_t fs_known_slots(struct fs_known *k);
/* Call fn for every inode the kernel holds (under the table's lock). */
void fs_known_each(struct fs_known *k, void (*fn)(void *arg, uint64_t ino),
		   void *arg);

/* ---- notify.c ---- */
int fs_notify_start(struct fs *fs);
void fs_notify_stop(struct fs *fs);
/* Queue invalidations to be sent after the current reply. */
void fs_notify_entry(struct fs *fs, uint64_t parent, const char *name);
void fs_notify_inode(struct fs *fs, uint64_t ino);

#endif
