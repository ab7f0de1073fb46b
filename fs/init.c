// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's INIT: what the daemon asks for beyond what libfuse 3.14
 * knows, written into libfuse's INIT reply by the session's custom I/O
 * (this file's, or uring.c's, which also asks for io_uring).
 *
 * FUSE_HANDLE_KILLPRIV_V2.  Before every write the kernel asks whether
 * the file has a security.capability attribute to remove, a GETXATTR
 * round trip each time, unless the file system takes over removing what
 * a write, truncate or chown must remove; then it asks once per inode
 * (SB_NOSEC).  groupfs stores no security.* attributes (ENOTSUP, SPEC.md),
 * so the answer was always "none": 4 KiB writes made two round trips
 * each.  It already took over set-user-ID and set-group-ID bits
 * (FUSE_HANDLE_KILLPRIV, which libfuse knows), and keeps them on a write
 * as POSIX allows ("may be cleared"; mounts are nosuid unless -o suid);
 * the second version changes nothing there.
 */
#include <errno.h>
#include <linux/fuse.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "groupfs.h"

ssize_t fs_init_read(struct fs *fs, int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);
	const struct fuse_in_header *in = buf;

	if (n >= (ssize_t)(sizeof(*in) + sizeof(struct fuse_init_in)) &&
	    in->opcode == FUSE_INIT) {
		const struct fuse_init_in *ii = (const void *)(in + 1);

		fs->init.unique = in->unique;
		fs->init.flags = ii->flags;
		fs->init.flags2 = (ii->flags & FUSE_INIT_EXT) ? ii->flags2 : 0;
		__atomic_store_n(&fs->init.pending, true, __ATOMIC_RELEASE);
	}
	return n;
}

bool fs_init_is_reply(const struct fs *fs, const struct iovec *iov)
{
	const struct fuse_out_header *out = iov[0].iov_base;

	return __atomic_load_n(&fs->init.pending, __ATOMIC_ACQUIRE) &&
	       out->unique == fs->init.unique;
}

bool fs_init_copy(const struct iovec *iov, int count, struct fuse_init_out *out)
{
	const struct fuse_out_header *h = iov[0].iov_base;

	/* A refused INIT, or a reply shorter than the flags: as it is. */
	if (count != 2 || h->error != 0 ||
	    iov[1].iov_len < offsetof(struct fuse_init_out, flags) +
				     sizeof(out->flags) ||
	    iov[1].iov_len > sizeof(*out))
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out, iov[1].iov_base, iov[1].iov_len);
	return true;
}

void fs_init_extend(const struct fs *fs, struct fuse_init_out *out)
{
	if (fs->init.flags & FUSE_HANDLE_KILLPRIV_V2)
		out->flags |= FUSE_HANDLE_KILLPRIV_V2;
}

ssize_t fs_init_writev(struct fs *fs, int fd, struct iovec *iov, int count)
{
	struct fuse_init_out out;
	struct iovec v[2];

	if (!fs_init_is_reply(fs, iov))
		return writev(fd, iov, count);
	__atomic_store_n(&fs->init.pending, false, __ATOMIC_RELEASE);
	if (!fs_init_copy(iov, count, &out))
		return writev(fd, iov, count);
	fs_init_extend(fs, &out);
	v[0] = iov[0];
	v[1].iov_base = &out;
	v[1].iov_len = iov[1].iov_len;
	return writev(fd, v, 2);
}

static ssize_t io_read(int fd, void *buf, size_t len, void *userdata)
{
	return fs_init_read(userdata, fd, buf, len);
}

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	return fs_init_writev(userdata, fd, iov, count);
}

int fs_init_io(struct fs *fs)
{
	static const struct fuse_custom_io io = {.read = io_read,
						 .writev = io_writev};

	return fuse_session_custom_io(fs->se, &io, fuse_session_fd(fs->se));
}
