/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's shared declarations: the mount's state, the per-thread
 * store handles, the kernel's lookup counts and the invalidation thread.
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

/* One mount.  Set up before the session loop starts and read-only after,
 * except where a field says which lock guards it. */
struct fs {
	struct store *base;	  /* detached: only cloned, per thread */
	struct fuse_session *se;
	pthread_key_t store_key;  /* this thread's struct store */
	bool single;		  /* serves one account (--as or private) */
	bool have_as;		  /* --as: one fixed caller */
	struct store_caller as;	  /* the caller with --as */
	uid_t uid;		  /* what a single-account mount shows */
	gid_t gid;
	double timeout;		  /* entry and attribute cache, seconds */
	struct fs_known *known;	  /* the kernel's lookup counts */
	struct fs_notify *notify; /* invalidations, off the request path */
};

/* ---- main.c ---- */
/* This thread's store handle (opened on first use), or NULL. */
struct store *fs_store(struct fs *fs);
void fs_log(void *arg, enum store_log_level level, const char *msg);

/* ---- ops.c ---- */
extern const struct fuse_lowlevel_ops fs_ops;

/* ---- known.c ---- */
struct fs_known *fs_known_new(void);
void fs_known_free(struct fs_known *k);
void fs_known_add(struct fs_known *k, uint64_t ino, uint64_t n);
void fs_known_forget(struct fs_known *k, uint64_t ino, uint64_t n);
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
