// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The files engine behind blob.h: content `cid` is the file
 * DIR/data/XX/<cid hex> (XX its first two hex digits, a fan-out of 256
 * folders), record i at offset i * BLOB_RECORD.  A record is one page, so
 * a write cut short by a crash, which the kernel cuts at page boundaries
 * (even for SIGKILL), leaves each record wholly old or wholly new.  Writes
 * reach the disk at sync (fdatasync) or when the kernel writes back, not
 * with the metadata's commit: with_meta is false.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define DATA "data"

struct blob {
	int fd;
};

/* DIR/data/XX/<hex> of `cid` under `dir`, or its folder. */
static void cid_path(const char *dir, const unsigned char cid[16], char *buf,
		     size_t len, bool folder)
{
	char hex[33];

	sodium_bin2hex(hex, sizeof(hex), cid, 16);
	if (folder)
		snprintf(buf, len, "%s/" DATA "/%.2s", dir, hex);
	else
		snprintf(buf, len, "%s/" DATA "/%.2s/%s", dir, hex, hex);
}

/* The folders of `cid`'s file under `dir`, made 0700 where missing. */
static int make_folders(const char *dir, const unsigned char cid[16])
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/" DATA, dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -errno;
	cid_path(dir, cid, path, sizeof(path), true);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int files_open(struct store *st, const unsigned char cid[16],
		      bool create, struct blob **out)
{
	int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
	char path[4096];
	struct blob *b;
	int fd, rc;

	*out = NULL;
	cid_path(st->sh->dir, cid, path, sizeof(path), false);
	fd = open(path, flags, 0600);
	if (fd < 0 && create && errno == ENOENT) {
		/* The first file in its fan-out folder. */
		rc = make_folders(st->sh->dir, cid);
		if (rc)
			return rc;
		fd = open(path, flags, 0600);
	}
	if (fd < 0)
		return -errno;
	b = malloc(sizeof(*b));
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	b->fd = fd;
	*out = b;
	return 0;
}

static void files_close(struct blob *b)
{
	if (!b)
		return;
	close(b->fd);
	free(b);
}

static int files_read(struct store *st, struct blob *b, uint64_t first,
		      size_t n, unsigned char *out, size_t *got)
{
	size_t want = n * BLOB_RECORD, done = 0;
	off_t off = (off_t)(first * BLOB_RECORD);

	(void)st;
	while (done < want) {
		ssize_t r = pread(b->fd, out + done, want - done,
				  off + (off_t)done);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	*got = done / BLOB_RECORD;
	return 0;
}

static int files_write(struct store *st, struct blob *b, uint64_t first,
		       size_t n, const unsigned char *recs)
{
	size_t want = n * BLOB_RECORD, done = 0;
	off_t off = (off_t)(first * BLOB_RECORD);

	(void)st;
	while (done < want) {
		ssize_t w = pwrite(b->fd, recs + done, want - done,
				   off + (off_t)done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)w;
	}
	return 0;
}

static int files_truncate(struct store *st, struct blob *b, uint64_t n)
{
	(void)st;
	return ftruncate(b->fd, (off_t)(n * BLOB_RECORD)) == 0 ? 0 : -errno;
}

static int files_sync(struct store *st, struct blob *b)
{
	(void)st;
	return fdatasync(b->fd) == 0 ? 0 : -errno;
}

static int files_remove(struct store *st, const unsigned char cid[16])
{
	char path[4096];

	cid_path(st->sh->dir, cid, path, sizeof(path), false);
	return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The content id a file name `name` in fan-out folder `fan` spells (lower
 * case hex, as cid_path writes it); false for any other name. */
static bool name_cid(const char *fan, const char *name, unsigned char cid[16])
{
	size_t i;

	if (strlen(name) != 32 || strncmp(name, fan, 2) != 0)
		return false;
	for (i = 0; i < 16; i++) {
		int hi = hex_digit(name[2 * i]),
		    lo = hex_digit(name[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		cid[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

static int each_in(const char *dir, const char *fan, blob_each_fn fn, void *arg)
{
	unsigned char cid[16];
	struct dirent *e;
	int rc = 0;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (rc == 0 && (e = readdir(d)))
		if (name_cid(fan, e->d_name, cid))
			rc = fn(arg, cid);
	closedir(d);
	return rc;
}

static int files_each(struct store *st, blob_each_fn fn, void *arg)
{
	char path[4096];
	struct dirent *e;
	int rc = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/" DATA, st->sh->dir);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (rc == 0 && (e = readdir(d))) {
		if (strlen(e->d_name) != 2 || hex_digit(e->d_name[0]) < 0 ||
		    hex_digit(e->d_name[1]) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/" DATA "/%s", st->sh->dir,
			 e->d_name);
		rc = each_in(path, e->d_name, fn, arg);
	}
	closedir(d);
	return rc;
}

static int files_stamp_of(struct store *st, const unsigned char cid[16],
			  struct blob_stamp *now)
{
	char path[4096];
	struct stat s;

	cid_path(st->sh->dir, cid, path, sizeof(path), false);
	if (lstat(path, &s) != 0)
		return -errno;
	files_stamp(&s, now);
	return 0;
}

static int files_copy_out(struct store *st, const unsigned char cid[16],
			  struct blob_copy *job)
{
	char src[4096], dst[4096];
	int rc;

	cid_path(st->sh->dir, cid, src, sizeof(src), false);
	cid_path(job->dest, cid, dst, sizeof(dst), false);
	rc = make_folders(job->dest, cid);
	if (rc) {
		cid_path(job->dest, cid, dst, sizeof(dst), true);
		snprintf(job->err, sizeof(job->err), "cannot make %.*s: %s",
			 (int)sizeof(job->err) / 2, dst, strerror(-rc));
		return rc;
	}
	return files_copy(src, dst, job->buf, job->buflen, job->step, job->arg,
			  &job->was, job->err, sizeof(job->err));
}

static void files_uncopy(const char *dest, const unsigned char cid[16])
{
	char path[4096];

	cid_path(dest, cid, path, sizeof(path), false);
	unlink(path);
}

const struct blob_ops files_engine = {
	.version = BLOB_OPS_VERSION,
	.name = "files",
	.with_meta = false,
	.dir = DATA,
	.open = files_open,
	.close = files_close,
	.read = files_read,
	.write = files_write,
	.truncate = files_truncate,
	.sync = files_sync,
	.remove = files_remove,
	.each = files_each,
	.stamp = files_stamp_of,
	.copy = files_copy_out,
	.uncopy = files_uncopy,
};
