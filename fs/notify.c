// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Invalidations, sent by one thread off the request path: the kernel may
 * not be told to drop a cache entry while it waits for our reply on the
 * same directory.  Two sources: requests that queue one after their reply
 * (a rename over an item that kept its identity), and the store's journal,
 * for what other processes changed (groupctl's rights and memberships,
 * other mounts' writes, on this machine or another).  A store on
 * PostgreSQL announces each change (LISTEN/NOTIFY): the thread wakes at
 * once and reads the journal, and reads it once a second besides; on
 * SQLite it reads it ten times a second.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "groupfs.h"

#define POLL_MS 100	    /* changes not announced: read this often */
#define ANNOUNCED_POLL_MS 1000 /* announced: read this often besides */

struct item {
	uint64_t parent; /* 0: an inode, else an entry */
	uint64_t ino;
	char *name;
	struct item *next;
};

struct fs_notify {
	pthread_t thread;
	pthread_mutex_t lock;
	int wake; /* eventfd: a queued item, or stop */
	struct item *head, *tail; /* guarded by lock */
	bool stop;		  /* guarded by lock */
	bool all;		  /* guarded by lock: drop everything */
	uint64_t cursor;	  /* the journal read so far: the thread's */
};

static void wake(struct fs_notify *n)
{
	uint64_t one = 1;

	if (write(n->wake, &one, sizeof(one)) < 0) {
		/* The counter is full: the thread has wakes enough. */
	}
}

static void push(struct fs *fs, struct item *it)
{
	struct fs_notify *n = fs->notify;

	pthread_mutex_lock(&n->lock);
	if (n->tail)
		n->tail->next = it;
	else
		n->head = it;
	n->tail = it;
	pthread_mutex_unlock(&n->lock);
	wake(n);
}

void fs_notify_entry(struct fs *fs, uint64_t parent, const char *name)
{
	struct item *it = calloc(1, sizeof(*it));

	if (!it || !(it->name = strdup(name))) {
		free(it);
		return;
	}
	it->parent = parent;
	push(fs, it);
}

void fs_notify_inode(struct fs *fs, uint64_t ino)
{
	struct item *it = calloc(1, sizeof(*it));

	if (!it)
		return;
	it->ino = ino;
	push(fs, it);
}

static void inval_inode(void *arg, uint64_t ino)
{
	struct fs *fs = arg;

	/* -ENOENT: the kernel forgot it meanwhile; nothing to drop. */
	fuse_lowlevel_notify_inval_inode(fs->se, ino, 0, 0);
}

/* A change another process made. */
static void on_change(void *arg, uint64_t ino, uint64_t parent,
		      const char *name)
{
	struct fs *fs = arg;

	if (ino)
		fs_notify_inode(fs, ino);
	else if (parent && name) {
		fs_notify_entry(fs, parent, name);
		/* The kernel drops a folder's kept listing (cache_readdir)
		 * with the name only when it holds that name: a name made
		 * elsewhere it never saw.  The folder's data goes too. */
		fs_notify_inode(fs, parent);
	} else {
		pthread_mutex_lock(&fs->notify->lock);
		fs->notify->all = true;
		pthread_mutex_unlock(&fs->notify->lock);
	}
}

/* Returns whether everything was dropped (a change of rights). */
static bool send_queued(struct fs *fs)
{
	struct fs_notify *n = fs->notify;
	/* Inodes dropped in this pass: the journal names a folder once per
	 * name made or removed in it, and again for its times; once is
	 * enough, every change read being already committed.  A slot taken
	 * by another inode only lets a drop be sent twice. */
	uint64_t sent[64] = {0};
	struct item *it, *next;
	bool all;

	pthread_mutex_lock(&n->lock);
	it = n->head;
	n->head = n->tail = NULL;
	all = n->all;
	n->all = false;
	pthread_mutex_unlock(&n->lock);
	for (; it; it = next) {
		uint64_t *slot = &sent[it->ino % 64];

		next = it->next;
		if (it->parent)
			fuse_lowlevel_notify_inval_entry(fs->se, it->parent,
							 it->name,
							 strlen(it->name));
		else if (*slot != it->ino) {
			fuse_lowlevel_notify_inval_inode(fs->se, it->ino, 0, 0);
			*slot = it->ino;
		}
		free(it->name);
		free(it);
	}
	if (all)
		fs_known_each(fs->known, inval_inode, fs);
	return all;
}

/* Until a request queues an item, another process announces a change,
 * or it is time to read the journal anyway.  This process's own
 * announcements wake the poll too; they are consumed and waited past. */
static void wait_changes(struct fs_notify *n, struct store *st)
{
	struct pollfd p[2] = {{.fd = n->wake, .events = POLLIN},
			      {.fd = -1, .events = POLLIN}};
	struct timespec now, start;
	bool arrived = false;
	uint64_t count;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		p[1].fd = st ? store_fs_changes_fd(st, &arrived) : -1;
		/* Announced while the journal was being read, or just now:
		 * read it again. */
		if (arrived)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (p[1].fd >= 0 ? ANNOUNCED_POLL_MS : POLL_MS) -
		     ((now.tv_sec - start.tv_sec) * 1000 +
		      (now.tv_nsec - start.tv_nsec) / 1000000);
		if (ms <= 0 || poll(p, 2, (int)ms) <= 0)
			return;
		if (p[0].revents & POLLIN) {
			if (read(n->wake, &count, sizeof(count)) < 0) {
				/* Nothing to drain: another read took it. */
			}
			return;
		}
		if (!(p[1].revents & POLLIN))
			return;
	}
}

static void *run(void *arg)
{
	struct fs *fs = arg;
	struct fs_notify *n = fs->notify;
	struct store *st = fs_store(fs);
	bool idle;

	pthread_mutex_lock(&n->lock);
	while (!n->stop) {
		idle = !n->head && !n->all;
		pthread_mutex_unlock(&n->lock);
		if (idle)
			wait_changes(n, st);
		/* A request's items first: the journal may take a round
		 * trip to the database. */
		send_queued(fs);
		if (st)
			store_fs_changes(st, &n->cursor, on_change, fs);
		/* Rights changed: once the kernel dropped its caches, the
		 * writer (groupctl) may return. */
		if (send_queued(fs) && st)
			store_fs_ack(st, n->cursor);
		pthread_mutex_lock(&n->lock);
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

int fs_notify_start(struct fs *fs)
{
	struct fs_notify *n = calloc(1, sizeof(*n));
	struct store *st = fs_store(fs);
	int rc;

	if (!n)
		return -ENOMEM;
	/* Registered before the mount says it is ready, so that a change
	 * of rights made after that waits for this daemon. */
	rc = st ? store_fs_changes(st, &n->cursor, on_change, fs) : -EIO;
	if (rc == 0)
		rc = store_fs_ack(st, n->cursor);
	if (rc) {
		fs_log(NULL, STORE_LOG_ERR, st ? store_errmsg(st)
					       : "cannot open the store");
		free(n);
		return rc;
	}
	n->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->wake < 0) {
		rc = -errno;
		fs_log(NULL, STORE_LOG_ERR, "eventfd failed: no notify thread");
		free(n);
		return rc;
	}
	pthread_mutex_init(&n->lock, NULL);
	fs->notify = n;
	rc = pthread_create(&n->thread, NULL, run, fs);
	if (rc) {
		pthread_mutex_destroy(&n->lock);
		close(n->wake);
		free(n);
		fs->notify = NULL;
		return -rc;
	}
	return 0;
}

void fs_notify_stop(struct fs *fs)
{
	struct fs_notify *n = fs->notify;
	struct item *it, *next;

	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->stop = true;
	pthread_mutex_unlock(&n->lock);
	wake(n);
	pthread_join(n->thread, NULL);
	if (fs_store(fs))
		store_fs_leave(fs_store(fs));
	for (it = n->head; it; it = next) {
		next = it->next;
		free(it->name);
		free(it);
	}
	pthread_mutex_destroy(&n->lock);
	close(n->wake);
	free(n);
	fs->notify = NULL;
}
