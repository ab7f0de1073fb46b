// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's INIT: what the daemon asks for beyond what libfuse 3.14
 * knows, written into libfuse's INIT reply by the session's custom I/O
 * (this file's; uring.c's hands it every reply not meant for a ring, and
 * adds io_uring through fs_uring_ask).
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
#include <linux/fuse.h>
#include <stddef.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "groupfs.h"

/* The INIT request's flags: the first 16 bytes (major, minor,
 * max_readahead, flags) on every kernel; flags2 where it says so. */
#define INIT_IN_FLAGS (offsetof(struct fuse_init_in, flags) + sizeof(uint32_t))

ssize_t fs_init_read(struct fs *fs, int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);
	const struct fuse_in_header *in = buf;

	if (n >= (ssize_t)(sizeof(*in) + INIT_IN_FLAGS) &&
	    in->opcode == FUSE_INIT) {
		const struct fuse_init_in *ii = (const void *)(in + 1);
		bool ext = (ii->flags & FUSE_INIT_EXT) &&
			   n >= (ssize_t)(sizeof(*in) + sizeof(*ii));

		fs->init.unique = in->unique;
		fs->init.flags = ii->flags;
		fs->init.flags2 = ext ? ii->flags2 : 0;
		__atomic_store_n(&fs->init.pending, true, __ATOMIC_RELEASE);
	}
	return n;
}

/* Whether `iov` is the reply to the INIT request not yet answered. */
static bool is_reply(const struct fs *fs, const struct iovec *iov)
{
	const struct fuse_out_header *out = iov[0].iov_base;

	return __atomic_load_n(&fs->init.pending, __ATOMIC_ACQUIRE) &&
	       out->unique == fs->init.unique;
}

/* The INIT reply of `iov` into `out`, zero-filled; false for a refusal or
 * a reply of a size this daemon does not know. */
static bool copy(const struct iovec *iov, int count, struct fuse_init_out *out)
{
	const struct fuse_out_header *h = iov[0].iov_base;

	if (count != 2 || h->error != 0 ||
	    iov[1].iov_len < offsetof(struct fuse_init_out, flags) +
				     sizeof(out->flags) ||
	    iov[1].iov_len > sizeof(*out))
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out, iov[1].iov_base, iov[1].iov_len);
	return true;
}

ssize_t fs_init_writev(struct fs *fs, int fd, struct iovec *iov, int count)
{
	struct fuse_init_out out;
	struct iovec v[2];
	bool ring;
	ssize_t n;

	if (!is_reply(fs, iov))
		return writev(fd, iov, count);
	__atomic_store_n(&fs->init.pending, false, __ATOMIC_RELEASE);
	if (!copy(iov, count, &out)) {
		fs_uring_answered(fs->uring, false);
		return writev(fd, iov, count);
	}
	if (fs->init.flags & FUSE_HANDLE_KILLPRIV_V2)
		out.flags |= FUSE_HANDLE_KILLPRIV_V2;
	ring = fs_uring_ask(fs->uring, &out, iov[1].iov_len);
	v[0] = iov[0];
	v[1].iov_base = &out;
	v[1].iov_len = iov[1].iov_len;
	n = writev(fd, v, 2);
	fs_uring_answered(fs->uring, n >= 0 && ring);
	return n;
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
