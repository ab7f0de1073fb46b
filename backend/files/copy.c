// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A file of the store directory copied as bytes (backup and restore:
 * store/backup.c; the files engine's content files: files/blob.c), with
 * the stamp of its source as it was when its copy began.
 *
 * "Changed since its copy" is decided from that stamp, the source's size,
 * mtime, ctime, inode and device, never from the copy's own times (a
 * destination with coarse times, vfat or some network file systems, would
 * make every file look changed).  A stamp is trusted (settled) only when
 * the copy began long enough after the source's ctime that any later
 * write moves it: file systems stamp times from a clock that ticks every
 * few milliseconds (SETTLE_NS is far above it), or in whole seconds, 2 s
 * for some (a time with no nanoseconds: SETTLE_S).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define SETTLE_NS 100000000LL /* see above */
#define SETTLE_S  3LL

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

void files_stamp(const struct stat *s, struct blob_stamp *out)
{
	memset(out, 0, sizeof(*out));
	out->bytes = (uint64_t)s->st_size;
	out->id[0] = (uint64_t)s->st_ino;
	out->id[1] = (uint64_t)s->st_dev;
	out->id[2] = (uint64_t)ns_of(&s->st_mtim);
	out->id[3] = (uint64_t)ns_of(&s->st_ctim);
}

int files_copy(const char *src, const char *dst, char *buf, size_t buflen,
	       void (*step)(void *arg, uint64_t bytes), void *arg,
	       struct blob_stamp *was, char *err, size_t errlen)
{
	struct timespec start;
	int in, out = -1, rc = 0;
	struct stat sb;

	clock_gettime(CLOCK_REALTIME, &start);
	in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0) {
		rc = -errno;
		if (rc != -ENOENT)
			snprintf(err, errlen, "cannot read %s: %s", src,
				 strerror(errno));
		return rc;
	}
	if (fstat(in, &sb) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot read %s: %s", src,
			 strerror(errno));
		goto out;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		   0600);
	if (out < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", dst,
			 strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = read(in, buf, buflen), w = 0;

		if (n < 0) {
			rc = -errno;
			snprintf(err, errlen, "cannot read %s: %s", src,
				 strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		while (w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));

			if (k < 0) {
				rc = -errno;
				snprintf(err, errlen, "cannot write %s: %s",
					 dst, strerror(errno));
				goto out;
			}
			w += k;
		}
		if (step)
			step(arg, (uint64_t)n);
	}
	/* On disk: the caller's syncfs() once at the end. */
	rc = close(out);
	out = -1;
	if (rc != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", dst,
			 strerror(errno));
		goto out;
	}
	files_stamp(&sb, was);
	was->settled = ns_of(&start) - ns_of(&sb.st_ctim) >=
		       (sb.st_ctim.tv_nsec || sb.st_mtim.tv_nsec
				? SETTLE_NS
				: SETTLE_S * 1000000000LL);
out:
	if (out >= 0)
		close(out);
	close(in);
	return rc;
}
