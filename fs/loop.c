// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The request loop: worker threads that read requests from the kernel and
 * answer each with a store handle taken from a pool for that one request.
 *
 * Why not libfuse's own multi-threaded loop: it hands consecutive requests
 * to different threads, and a handle per thread meant a different SQLite
 * connection per request.  A connection that did not make the last commit
 * finds its page cache stale and reads every page again (pread, copy,
 * parse: a fifth of the daemon's time in rm -rf).  Here the last handle
 * put back is the next one taken, so one client's requests in a row run
 * on one connection with a warm cache, and concurrent requests still get
 * a connection each.
 *
 * Group commit (store_batch_mode): one handle, the batch handle, is in
 * batch mode.  A request that may change the store (by its opcode) takes
 * it, and its writes join the open batch; while a batch holds changes
 * every other request takes it too, so that it reads them.  The committer
 * thread commits a batch -o commit_ms after it opened (an fsync commits at
 * once, in the backend), then the handles of the pool serve reads again.
 *
 * The kernel hands each request to the worker that has waited longest in
 * read(), so with every worker there one program's requests in a row each
 * woke another thread: a switch and cold caches for every lookup, half the
 * daemon's time.  While one caller asks alone (ALONE requests in a row)
 * and changes things (fewer than ALONE metadata reads since its last
 * change: creating, unpacking, removing), one worker waits in read() and
 * the others rest here, the last to finish first woken.  The worker that
 * reads a quick request (opcode_quick: the CPU alone answers it, on an
 * engine in this process) answers it and reads again; any other request
 * first wakes a resting worker to read in its place, and so does a quick
 * one that must wait after all (for the batch handle, a lock: the
 * backend's wait hook).  When callers take turns, whose requests may run
 * at once, or a caller only reads metadata (rsync or find over an
 * unchanged tree), or reads or writes content, every worker that finishes
 * reads again.  Why not reads alone: one worker answering a program's
 * lookups alone runs with it on one CPU or wakes it on the other at every
 * reply, as the scheduler placed the two, and the second costs the most on
 * a VM (rsync with nothing to do: 151 ms with both on one CPU, 860-950 ms
 * apart, 390-600 ms as placed; every worker reading, 290-390 ms).
 *
 * Where the kernel offers FUSE over io_uring (uring.c), requests come
 * through its per-CPU queues instead, answered by uring.c's threads with
 * fs_loop_answer (handles and group commit as here); these workers then
 * read only what the kernel still sends through /dev/fuse (FORGET,
 * INTERRUPT).
 *
 * A worker reads with cancellation enabled and answers with it disabled:
 * at the end the main thread cancels workers that wait in read(), never
 * one in the middle of a request, and wakes the idle ones.
 */
#include <errno.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "groupfs.h"

/* Handles kept for reuse: more than the threads there can ever be. */
#define POOL_MAX 64

/* A worker waiting for its turn to read. */
struct idle {
	struct idle *next;
	pthread_cond_t wake;
	bool go; /* its turn came */
};

struct loop {
	struct fs *fs;
	sem_t finish; /* a worker stopped: the session ended or failed */
	int error;    /* the first worker's failure (negative errno) */
	pthread_mutex_t lock;
	unsigned readers;  /* workers in read() or on their way there */
	struct idle *idle; /* the others, the last to finish first */
	bool quick_inline; /* quick requests leave nobody reading */
	uint32_t last_pid; /* the caller of the last request read */
	unsigned streak;   /* its requests in a row since another's */
	unsigned reads;	   /* its metadata reads since its last change */
	bool stop;
};

static __thread bool serving;	       /* this worker answers a request */
static __thread bool writes;	       /* its opcode may change the store */
static __thread struct store *current; /* the handle it took for it */
static __thread struct loop *my_loop;  /* the loop this worker serves */

/* Under l->lock: the idle worker that finished last goes to read. */
static void wake_reader(struct loop *l)
{
	struct idle *w = l->idle;

	if (!w)
		return;
	l->idle = w->next;
	w->go = true;
	l->readers++;
	pthread_cond_signal(&w->wake);
}

/* A request about to wait: somebody reads meanwhile. */
static void before_wait(void)
{
	struct loop *l = my_loop;

	if (!l || !serving)
		return;
	pthread_mutex_lock(&l->lock);
	if (l->readers == 0)
		wake_reader(l);
	pthread_mutex_unlock(&l->lock);
}

/* The header of request `buf`; NULL when it is not in memory (a pipe) or
 * shorter than a header, a request the loop then takes for one that may
 * write and is not quick. */
static const struct fuse_in_header *header_of(const struct fuse_buf *buf)
{
	if ((buf->flags & FUSE_BUF_IS_FD) ||
	    buf->size < sizeof(struct fuse_in_header))
		return NULL;
	return buf->mem;
}

/* Whether a request (header `in`) may change the store: it then takes the
 * batch handle, so that its changes join the batch. */
static bool opcode_writes(const struct fuse_in_header *in)
{
	if (!in)
		return true;
	switch (in->opcode) {
	case FUSE_LOOKUP:
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_GETATTR:
	case FUSE_READLINK:
	case FUSE_READ:
	case FUSE_STATFS:
	case FUSE_GETXATTR:
	case FUSE_LISTXATTR:
	case FUSE_OPENDIR:
	case FUSE_READDIR:
	case FUSE_READDIRPLUS:
	case FUSE_RELEASEDIR:
	case FUSE_ACCESS:
	case FUSE_INTERRUPT:
	case FUSE_LSEEK:
		return false;
	default:
		return true;
	}
}

/* Where quick WRITEs end at the most: a small file's whole content. */
#define QUICK_WRITE (64 * 1024)

/* Whether a WRITE lands within a file's first QUICK_WRITE bytes, as
 * copying or unpacking small files sends them (cp in one write, tar in
 * records of 10 KiB), so that its cost has a bound: not a write further
 * into a large file, whose random writes run best as the kernel hands
 * them out (see inline_ok). */
static bool small_file_write(const struct fuse_buf *buf)
{
	const struct fuse_write_in *w;

	if (buf->size < sizeof(struct fuse_in_header) + sizeof(*w))
		return false;
	w = (const struct fuse_write_in *)((const char *)buf->mem +
					   sizeof(struct fuse_in_header));
	return w->offset <= QUICK_WRITE && w->size <= QUICK_WRITE - w->offset;
}

/* Whether an engine in this process answers request `buf` (header `in`,
 * not NULL; `may_write` its opcode_writes) with the CPU alone, in tens of
 * microseconds: reads of metadata, and with group commit (`batch`)
 * changes of metadata and a small file's writes, which join the batch (a
 * wait for the batch handle or a lock calls before_wait).  Not READ,
 * READDIR and other WRITEs (their sizes have no bound), nor FSYNC, which
 * waits for the disk. */
static bool opcode_quick(const struct fuse_buf *buf,
			 const struct fuse_in_header *in, bool batch,
			 bool may_write)
{
	switch (in->opcode) {
	case FUSE_READ:
	case FUSE_READDIR:
	case FUSE_READDIRPLUS:
		return false;
	case FUSE_CREATE:
	case FUSE_MKNOD:
	case FUSE_MKDIR:
	case FUSE_SYMLINK:
	case FUSE_LINK:
	case FUSE_UNLINK:
	case FUSE_RMDIR:
	case FUSE_RENAME:
	case FUSE_RENAME2:
	case FUSE_SETATTR:
	case FUSE_SETXATTR:
	case FUSE_REMOVEXATTR:
	case FUSE_OPEN:
	case FUSE_FLUSH:
	case FUSE_RELEASE:
		return batch;
	case FUSE_WRITE:
		return batch && small_file_write(buf);
	default: /* the other reads; not FSYNC and the like */
		return !may_write;
	}
}

/* The batch handle for this request, waiting while another request uses
 * it: always when the request writes, and for a read while a batch holds
 * changes (armed: a request that made them has been answered).  NULL: a
 * read that the pool serves. */
static struct store *batch_take(struct fs *fs)
{
	struct store *st = NULL;

	pthread_mutex_lock(&fs->batch.lock);
	while (fs->batch.st && (writes || fs->batch.armed)) {
		if (!fs->batch.busy && !fs->batch.commit_wanted) {
			fs->batch.busy = true;
			st = fs->batch.st;
			break;
		}
		before_wait();
		fs->batch.waiting++;
		pthread_cond_wait(&fs->batch.free, &fs->batch.lock);
		fs->batch.waiting--;
	}
	pthread_mutex_unlock(&fs->batch.lock);
	return st;
}

/* The batch handle is free again; a batch it now holds is timed. */
static void batch_give(struct fs *fs)
{
	pthread_mutex_lock(&fs->batch.lock);
	fs->batch.busy = false;
	if (!fs->batch.armed && store_batch_pending(fs->batch.st)) {
		fs->batch.armed = true;
		clock_gettime(CLOCK_MONOTONIC, &fs->batch.due);
		fs->batch.due.tv_nsec += fs->batch.ms * 1000000L;
		if (fs->batch.due.tv_nsec >= 1000000000L) {
			fs->batch.due.tv_sec++;
			fs->batch.due.tv_nsec -= 1000000000L;
		}
		pthread_cond_signal(&fs->batch.tick);
	}
	if (fs->batch.commit_wanted || fs->batch.stop)
		pthread_cond_signal(&fs->batch.tick);
	else if (fs->batch.waiting)
		pthread_cond_signal(&fs->batch.free);
	pthread_mutex_unlock(&fs->batch.lock);
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Commit each batch when it is due (waiting for the request using the
 * handle, and keeping new ones out meanwhile), and what is left at the
 * end. */
static void *committer(void *arg)
{
	struct fs *fs = arg;
	struct timespec now;

	pthread_mutex_lock(&fs->batch.lock);
	for (;;) {
		if (!fs->batch.stop) {
			if (!fs->batch.armed) {
				pthread_cond_wait(&fs->batch.tick,
						  &fs->batch.lock);
				continue;
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (before(&now, &fs->batch.due)) {
				pthread_cond_timedwait(&fs->batch.tick,
						       &fs->batch.lock,
						       &fs->batch.due);
				continue;
			}
		}
		fs->batch.commit_wanted = true;
		while (fs->batch.busy)
			pthread_cond_wait(&fs->batch.tick, &fs->batch.lock);
		fs->batch.busy = true;
		fs->batch.commit_wanted = false;
		pthread_mutex_unlock(&fs->batch.lock);
		store_batch_commit(fs->batch.st);
		pthread_mutex_lock(&fs->batch.lock);
		fs->batch.busy = false;
		fs->batch.armed = false;
		/* Reads waiting for the batch may use the pool again. */
		pthread_cond_broadcast(&fs->batch.free);
		if (fs->batch.stop)
			break;
	}
	pthread_mutex_unlock(&fs->batch.lock);
	return NULL;
}

static struct store *pool_get(struct fs *fs)
{
	struct store *st = NULL;

	pthread_mutex_lock(&fs->pool.lock);
	if (fs->pool.n)
		st = fs->pool.idle[--fs->pool.n];
	pthread_mutex_unlock(&fs->pool.lock);
	return st ? st : fs_store_open(fs);
}

static void pool_put(struct fs *fs, struct store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&fs->pool.lock);
	if (fs->pool.n < POOL_MAX) {
		fs->pool.idle[fs->pool.n++] = st;
		st = NULL;
	}
	pthread_mutex_unlock(&fs->pool.lock);
	store_close(st);
}

/* A worker takes a handle at its request's first need (FORGET and
 * INTERRUPT take none, so they never push another handle over the warm
 * one); another thread (notify, main) keeps one of its own. */
struct store *fs_store(struct fs *fs)
{
	struct store *st;

	if (serving) {
		if (!current)
			current = batch_take(fs);
		if (!current)
			current = pool_get(fs);
		return current;
	}
	st = pthread_getspecific(fs->store_key);
	if (!st) {
		st = fs_store_open(fs);
		if (st)
			pthread_setspecific(fs->store_key, st);
	}
	return st;
}

/* The request's handle goes back where it came from. */
static void put_current(struct fs *fs)
{
	if (current && current == fs->batch.st)
		batch_give(fs);
	else
		pool_put(fs, current);
	current = NULL;
}

void fs_store_done(struct fs *fs)
{
	if (serving && current)
		put_current(fs);
}

/* Group commit on, when -o commit_ms is not 0 and the handle opens. */
static void batch_start(struct fs *fs)
{
	pthread_condattr_t monotonic;

	pthread_mutex_init(&fs->batch.lock, NULL);
	pthread_condattr_init(&monotonic);
	/* `due` is on the monotonic clock, which a clock change never
	 * moves. */
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&fs->batch.free, NULL);
	pthread_cond_init(&fs->batch.tick, &monotonic);
	pthread_condattr_destroy(&monotonic);
	if (fs->batch.ms <= 0)
		return;
	fs->batch.st = fs_store_open(fs);
	if (!fs->batch.st)
		return;
	store_batch_mode(fs->batch.st, true);
	if (pthread_create(&fs->batch.thread, NULL, committer, fs) != 0) {
		store_close(fs->batch.st);
		fs->batch.st = NULL;
	}
}

/* After the last request: commit what is left. */
static void batch_stop(struct fs *fs)
{
	if (fs->batch.st) {
		pthread_mutex_lock(&fs->batch.lock);
		fs->batch.stop = true;
		pthread_cond_signal(&fs->batch.tick);
		pthread_mutex_unlock(&fs->batch.lock);
		pthread_join(fs->batch.thread, NULL);
		store_close(fs->batch.st);
		fs->batch.st = NULL;
	}
	pthread_cond_destroy(&fs->batch.free);
	pthread_cond_destroy(&fs->batch.tick);
	pthread_mutex_destroy(&fs->batch.lock);
}

static void free_buf(void *p)
{
	free(((struct fuse_buf *)p)->mem);
}

/* Requests of one caller in a row after which the loop takes it for the
 * only one asking. */
#define ALONE 32

/* Under l->lock: whether one caller has asked alone for a while, on an
 * engine in this process, and changes things.  Then a worker that
 * finished rests while another reads; otherwise (callers in turn, whose
 * requests may run at once, a caller that only reads, or PostgreSQL,
 * where each waits on the server) every worker reads, as the kernel hands
 * them out. */
static bool alone(const struct loop *l)
{
	return l->quick_inline && l->streak >= ALONE && l->reads < ALONE;
}

/* Under l->lock, for request `buf` just read: whether to answer it with
 * nobody reading meanwhile (a quick one from a caller asking alone).  The
 * kernel's own requests (pid 0: forgets, some releases) count for no
 * caller. */
static bool inline_ok(struct loop *l, const struct fuse_buf *buf)
{
	const struct fuse_in_header *in = header_of(buf);
	bool quick;

	if (!in)
		return false;
	quick = opcode_quick(buf, in, l->fs->batch.st != NULL, writes);
	/* Reads and writes of content run best as the kernel hands them
	 * out (measured: inline, random 4 KiB reads ran at a third). */
	if (!quick && (in->opcode == FUSE_READ || in->opcode == FUSE_WRITE))
		l->streak = 0;
	else if (in->pid == l->last_pid) {
		if (l->streak < ALONE)
			l->streak++;
	} else if (in->pid != 0) {
		l->last_pid = in->pid;
		l->streak = 0;
	}
	/* `writes`: this worker's request may change the store. */
	if (!writes)
		l->reads += l->reads < ALONE;
	else if (in->pid != 0)
		l->reads = 0;
	if (alone(l))
		return quick;
	/* Every worker reads again: one woken per request would cost a
	 * switch each. */
	while (l->idle)
		wake_reader(l);
	return false;
}

/* The end: idle workers wake (and see the session ended), and none
 * waits again. */
static void stop_idle(struct loop *l)
{
	pthread_mutex_lock(&l->lock);
	l->stop = true;
	while (l->idle) {
		l->idle->go = true;
		pthread_cond_signal(&l->idle->wake);
		l->idle = l->idle->next;
	}
	pthread_mutex_unlock(&l->lock);
}

/* Under l->lock: read next, or wait while another worker reads. */
static void take_turn(struct loop *l, struct idle *me)
{
	if (l->readers == 0 || !alone(l) || l->stop) {
		l->readers++;
		return;
	}
	me->go = false;
	me->next = l->idle;
	l->idle = me;
	while (!me->go && !l->stop)
		pthread_cond_wait(&me->wake, &l->lock);
}

/* This thread answers request `buf` now (a worker's or uring.c's). */
static void request_begin(const struct fuse_buf *buf)
{
	serving = true;
	writes = opcode_writes(header_of(buf));
}

/* ...and has answered it: its handle goes back. */
static void request_end(struct fs *fs)
{
	serving = false;
	put_current(fs);
}

/* Read and answer requests until the session ends: 0, or the read's
 * failure. */
static int serve(struct loop *l, struct fuse_buf *buf, struct idle *me)
{
	struct fuse_session *se = l->fs->se;
	int res;

	pthread_mutex_lock(&l->lock);
	take_turn(l, me);
	pthread_mutex_unlock(&l->lock);
	while (!fuse_session_exited(se)) {
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		res = fuse_session_receive_buf(se, buf);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		if (res == -EINTR)
			continue;
		if (res == 0 || res == -ENODEV) /* unmounted */
			return 0;
		if (res < 0)
			return res;
		request_begin(buf);
		pthread_mutex_lock(&l->lock);
		l->readers--;
		if (!inline_ok(l, buf) && l->readers == 0)
			wake_reader(l);
		pthread_mutex_unlock(&l->lock);
		fuse_session_process_buf(se, buf);
		request_end(l->fs);
		pthread_mutex_lock(&l->lock);
		take_turn(l, me);
		pthread_mutex_unlock(&l->lock);
	}
	return 0;
}

void fs_loop_answer(struct fs *fs, struct fuse_buf *buf)
{
	request_begin(buf);
	fuse_session_process_buf(fs->se, buf);
	request_end(fs);
}

static void *worker(void *arg)
{
	struct loop *l = arg;
	struct fuse_buf buf = {0};
	struct idle me = {0};
	int res;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	my_loop = l;
	pthread_cond_init(&me.wake, NULL);
	pthread_cleanup_push(free_buf, &buf);
	res = serve(l, &buf, &me);
	if (res) {
		pthread_mutex_lock(&l->lock);
		if (!l->error)
			l->error = res;
		pthread_mutex_unlock(&l->lock);
	}
	pthread_cleanup_pop(1);
	stop_idle(l);
	pthread_cond_destroy(&me.wake);
	fuse_session_exit(l->fs->se);
	sem_post(&l->finish);
	return NULL;
}

void fs_block_end_signals(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

int fs_loop(struct fs *fs, unsigned threads)
{
	struct loop l = {.fs = fs};
	pthread_t *t;
	unsigned i, n = 0;
	int rc = 0;

	if (threads < 1)
		threads = 1;
	t = calloc(threads, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&fs->pool.lock, NULL);
	pthread_mutex_init(&l.lock, NULL);
	sem_init(&l.finish, 0, 0);
	{
		struct store *st = fs_store(fs);

		l.quick_inline = st && store_in_process(st);
	}
	store_set_wait_hook(before_wait);
	batch_start(fs);
	if (fs_uring_wanted(fs, threads))
		fs_uring_start(fs, threads);
	if (!fs->uring && fs_init_io(fs) != 0)
		fs_log(NULL, STORE_LOG_WARNING,
		       "the INIT reply goes out as libfuse builds it: every "
		       "write asks for security.capability first");
	for (i = 0; i < threads; i++) {
		rc = -pthread_create(&t[i], NULL, worker, &l);
		if (rc)
			break;
		n++;
	}
	if (n > 0) /* fewer workers than asked still serve */
		rc = 0;
	/* The workers keep the end signals blocked (fs_block_end_signals):
	 * one sent while they wait in read() comes here, to fuse's handler,
	 * and interrupts the wait below. */
	fs_block_end_signals(false);
	if (n == 0) {
		fuse_session_exit(fs->se);
	} else {
		/* A signal or a worker (unmounted, failed) ends the session.
		 * A signal just before sem_wait would wait for the next
		 * request: the timeout bounds that. */
		while (!fuse_session_exited(fs->se)) {
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec++;
			sem_timedwait(&l.finish, &until);
		}
	}
	stop_idle(&l);
	for (i = 0; i < n; i++)
		pthread_cancel(t[i]);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	fs_uring_stop(fs->uring);
	store_set_wait_hook(NULL);
	free(t);
	batch_stop(fs);
	while (fs->pool.n)
		store_close(fs->pool.idle[--fs->pool.n]);
	sem_destroy(&l.finish);
	pthread_mutex_destroy(&l.lock);
	pthread_mutex_destroy(&fs->pool.lock);
	if (!rc)
		rc = l.error;
	return rc;
}
