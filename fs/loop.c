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
 * A worker reads with cancellation enabled and answers with it disabled:
 * at the end the main thread cancels workers that wait in read(), never
 * one in the middle of a request.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "groupfs.h"

/* Handles kept for reuse: more than the threads there can ever be. */
#define POOL_MAX 64

static __thread bool serving;	       /* this worker answers a request */
static __thread struct store *current; /* the handle it took for it */

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

void fs_store_done(struct fs *fs)
{
	if (serving && current) {
		pool_put(fs, current);
		current = NULL;
	}
}

struct loop {
	struct fs *fs;
	sem_t finish; /* a worker stopped: the session ended or failed */
	int error;    /* the first worker's failure (negative errno) */
	pthread_mutex_t lock;
};

static void free_buf(void *p)
{
	free(((struct fuse_buf *)p)->mem);
}

/* Read and answer requests until the session ends: 0, or the read's
 * failure. */
static int serve(struct loop *l, struct fuse_buf *buf)
{
	struct fuse_session *se = l->fs->se;
	int res;

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
		serving = true;
		fuse_session_process_buf(se, buf);
		serving = false;
		pool_put(l->fs, current);
		current = NULL;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct loop *l = arg;
	struct fuse_buf buf = {0};
	int res;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	pthread_cleanup_push(free_buf, &buf);
	res = serve(l, &buf);
	if (res) {
		pthread_mutex_lock(&l->lock);
		if (!l->error)
			l->error = res;
		pthread_mutex_unlock(&l->lock);
	}
	pthread_cleanup_pop(1);
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
	for (i = 0; i < n; i++)
		pthread_cancel(t[i]);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	while (fs->pool.n)
		store_close(fs->pool.idle[--fs->pool.n]);
	sem_destroy(&l.finish);
	pthread_mutex_destroy(&l.lock);
	pthread_mutex_destroy(&fs->pool.lock);
	if (!rc)
		rc = l.error;
	return rc;
}
