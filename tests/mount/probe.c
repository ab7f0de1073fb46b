// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe: one system call (or a short sequence) on a path, answering "OK"
 * (plus what was asked for) or the exact errno name, so mount tests check
 * errnos without shell guesswork.
 *
 *   probe OP ARGS...      see usage() for the operations
 *   probe saves PATH N    save PATH N times as editors do, each save
 *                         followed at once by a statx of its inode
 *                         number alone: prints OK and the inode numbers
 *                         seen, each once, in order
 *   probe hold PATH FLAGS keep PATH open and take commands on stdin:
 *                         read | write DATA | fsync | fstat |
 *                         getxattr NAME | setxattr NAME VALUE | quit
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *errname(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{EPERM, "EPERM"},   {ENOENT, "ENOENT"},	  {EIO, "EIO"},
		{EBADF, "EBADF"},   {EACCES, "EACCES"},	  {EEXIST, "EEXIST"},
		{EXDEV, "EXDEV"},   {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},
		{EINVAL, "EINVAL"}, {ENOSPC, "ENOSPC"},	  {EROFS, "EROFS"},
		{EMLINK, "EMLINK"}, {ERANGE, "ERANGE"},	  {ENODATA, "ENODATA"},
		{ENOTSUP, "ENOTSUP"}, {ENOTEMPTY, "ENOTEMPTY"},
		{ENAMETOOLONG, "ENAMETOOLONG"}, {EFBIG, "EFBIG"},
		{ESTALE, "ESTALE"}, {EBUSY, "EBUSY"},	  {ENOSYS, "ENOSYS"},
		{EDQUOT, "EDQUOT"}, {E2BIG, "E2BIG"},	  {ELOOP, "ELOOP"},
	};
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static int result(int rc)
{
	if (rc < 0)
		printf("%s\n", errname(errno));
	else
		printf("OK\n");
	return 0;
}

static int parse_flags(const char *s)
{
	int f = 0;

	if (strstr(s, "rw"))
		f |= O_RDWR;
	else if (strchr(s, 'w'))
		f |= O_WRONLY;
	if (strstr(s, "creat"))
		f |= O_CREAT;
	if (strstr(s, "excl"))
		f |= O_EXCL;
	if (strstr(s, "trunc"))
		f |= O_TRUNC;
	if (strstr(s, "append"))
		f |= O_APPEND;
	return f;
}

/* Open, write all of data, fsync, close: the first failure's errno. */
/* Create or truncate per flags, write, fsync, close: 0, or -1 and errno. */
static int put_file(const char *path, const char *data, int flags)
{
	size_t n = strlen(data);
	int fd = open(path, flags, 0644);
	int e;

	if (fd < 0)
		return -1;
	if (write(fd, data, n) != (ssize_t)n || fsync(fd) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

static int write_file(const char *path, const char *data, int flags)
{
	return result(put_file(path, data, flags));
}

static int hold(const char *path, const char *flags)
{
	char line[4096], buf[65536];
	int fd = open(path, parse_flags(flags));

	if (fd < 0)
		return result(-1);
	printf("OK\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "read") == 0) {
			ssize_t r = pread(fd, buf, sizeof(buf) - 1, 0);

			if (r < 0)
				result(-1);
			else {
				buf[r] = '\0';
				printf("OK %s\n", buf);
			}
		} else if (strncmp(line, "write ", 6) == 0) {
			ssize_t w = pwrite(fd, line + 6, strlen(line + 6), 0);

			result(w < 0 ? -1 : 0);
		} else if (strcmp(line, "fsync") == 0) {
			result(fsync(fd));
		} else if (strcmp(line, "fstat") == 0) {
			struct stat s;

			if (fstat(fd, &s) != 0)
				result(-1);
			else
				printf("OK %lld %lu\n", (long long)s.st_size,
				       (unsigned long)s.st_nlink);
		} else if (strncmp(line, "getxattr ", 9) == 0) {
			ssize_t r = fgetxattr(fd, line + 9, buf,
					      sizeof(buf) - 1);

			if (r < 0)
				result(-1);
			else {
				buf[r] = '\0';
				printf("OK %s\n", buf);
			}
		} else if (strncmp(line, "setxattr ", 9) == 0) {
			/* setxattr NAME VALUE */
			char *v = strchr(line + 9, ' ');

			if (!v) {
				printf("?\n");
			} else {
				*v++ = '\0';
				result(fsetxattr(fd, line + 9, v, strlen(v), 0));
			}
		} else if (strcmp(line, "quit") == 0) {
			break;
		} else {
			printf("?\n");
		}
		fflush(stdout);
	}
	return result(close(fd));
}

/* An editor's save, N times over: the new content in PATH.swp, fsynced,
 * renamed over PATH, and at once the inode number, asked alone (statx
 * with STATX_INO, as `stat -c %i` does, which a cached inode answers
 * without asking the file system). */
static int saves(const char *path, int n)
{
	unsigned long long seen[16];
	char tmp[4096], data[32];
	struct statx sx;
	int i, k, nseen = 0;

	snprintf(tmp, sizeof(tmp), "%s.swp", path);
	for (i = 0; i < n; i++) {
		snprintf(data, sizeof(data), "save %d", i);
		if (put_file(tmp, data, O_WRONLY | O_CREAT | O_TRUNC) != 0 || rename(tmp, path) != 0 ||
		    statx(AT_FDCWD, path, 0, STATX_INO, &sx) != 0)
			return result(-1);
		for (k = 0; k < nseen && seen[k] != sx.stx_ino; k++)
			;
		if (k == nseen && nseen < 16)
			seen[nseen++] = sx.stx_ino;
	}
	printf("OK");
	for (k = 0; k < nseen; k++)
		printf(" %llu", seen[k]);
	printf("\n");
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: probe OP ARGS\n"
		"  open PATH FLAGS      FLAGS: r w rw creat excl trunc append\n"
		"  write PATH DATA      create/truncate, write, fsync, close\n"
		"  append PATH DATA     append, fsync, close\n"
		"  read PATH            print the content after OK\n"
		"  truncate PATH SIZE | mkdir PATH | rmdir PATH | unlink PATH\n"
		"  rename A B [noreplace|exchange] | link A B | symlink T P\n"
		"  mknod PATH fifo|chr | chmod PATH OCTAL | chown PATH UID GID\n"
		"  utimens PATH SEC NSEC | access PATH r|w|x|f\n"
		"  setxattr PATH NAME VALUE | getxattr PATH NAME\n"
		"  removexattr PATH NAME | listxattr PATH\n"
		"  statfs PATH | stat PATH | fsync PATH | hold PATH FLAGS\n"
		"  saves PATH N\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	const char *p = argc > 2 ? argv[2] : NULL;
	char buf[65536];

	if (!p)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(op, "open") == 0 && argc == 4) {
		int fd = open(p, parse_flags(argv[3]), 0644);

		return result(fd < 0 ? -1 : close(fd));
	}
	if (strcmp(op, "write") == 0 && argc == 4)
		return write_file(p, argv[3], O_WRONLY | O_CREAT | O_TRUNC);
	if (strcmp(op, "append") == 0 && argc == 4)
		return write_file(p, argv[3], O_WRONLY | O_APPEND);
	if (strcmp(op, "read") == 0) {
		int fd = open(p, O_RDONLY);
		ssize_t n;

		if (fd < 0)
			return result(-1);
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0)
			return result(-1);
		close(fd);
		buf[n] = '\0';
		printf("OK %s\n", buf);
		return 0;
	}
	if (strcmp(op, "truncate") == 0 && argc == 4)
		return result(truncate(p, atoll(argv[3])));
	if (strcmp(op, "mkdir") == 0)
		return result(mkdir(p, 0755));
	if (strcmp(op, "rmdir") == 0)
		return result(rmdir(p));
	if (strcmp(op, "unlink") == 0)
		return result(unlink(p));
	if (strcmp(op, "rename") == 0 && argc >= 4) {
		unsigned flags = 0;

		if (argc == 5 && strcmp(argv[4], "noreplace") == 0)
			flags = RENAME_NOREPLACE;
		if (argc == 5 && strcmp(argv[4], "exchange") == 0)
			flags = RENAME_EXCHANGE;
		return result(renameat2(AT_FDCWD, p, AT_FDCWD, argv[3], flags));
	}
	if (strcmp(op, "link") == 0 && argc == 4)
		return result(link(p, argv[3]));
	if (strcmp(op, "symlink") == 0 && argc == 4)
		return result(symlink(p, argv[3]));
	if (strcmp(op, "mknod") == 0 && argc == 4)
		return result(mknod(p,
				    strcmp(argv[3], "fifo") == 0
					    ? S_IFIFO | 0644
					    : S_IFCHR | 0644,
				    makedev(1, 3)));
	if (strcmp(op, "chmod") == 0 && argc == 4)
		return result(chmod(p, (mode_t)strtol(argv[3], NULL, 8)));
	if (strcmp(op, "chown") == 0 && argc == 5)
		return result(chown(p, (uid_t)atol(argv[3]),
				    (gid_t)atol(argv[4])));
	if (strcmp(op, "utimens") == 0 && argc == 5) {
		struct timespec ts[2];

		ts[0].tv_sec = ts[1].tv_sec = atoll(argv[3]);
		ts[0].tv_nsec = ts[1].tv_nsec = atol(argv[4]);
		return result(utimensat(AT_FDCWD, p, ts, 0));
	}
	if (strcmp(op, "access") == 0 && argc == 4) {
		int m = argv[3][0] == 'r'   ? R_OK
			: argv[3][0] == 'w' ? W_OK
			: argv[3][0] == 'x' ? X_OK
					    : F_OK;

		return result(access(p, m));
	}
	if (strcmp(op, "setxattr") == 0 && argc == 5)
		return result(setxattr(p, argv[3], argv[4], strlen(argv[4]), 0));
	if (strcmp(op, "getxattr") == 0 && argc == 4) {
		ssize_t n = getxattr(p, argv[3], buf, sizeof(buf) - 1);

		if (n < 0)
			return result(-1);
		buf[n] = '\0';
		printf("OK %s\n", buf);
		return 0;
	}
	if (strcmp(op, "removexattr") == 0 && argc == 4)
		return result(removexattr(p, argv[3]));
	if (strcmp(op, "listxattr") == 0) {
		ssize_t n = listxattr(p, buf, sizeof(buf)), i;

		if (n < 0)
			return result(-1);
		printf("OK");
		for (i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
			printf(" %s", buf + i);
		printf("\n");
		return 0;
	}
	if (strcmp(op, "statfs") == 0) {
		struct statvfs v;

		if (statvfs(p, &v) != 0)
			return result(-1);
		printf("OK %llu %llu %llu\n",
		       (unsigned long long)v.f_blocks * v.f_frsize,
		       (unsigned long long)(v.f_blocks - v.f_bfree) * v.f_frsize,
		       (unsigned long long)v.f_bavail * v.f_frsize);
		return 0;
	}
	if (strcmp(op, "stat") == 0) {
		struct stat s;

		if (lstat(p, &s) != 0)
			return result(-1);
		printf("OK %llu %lld %o %lu %u %lld.%09ld\n",
		       (unsigned long long)s.st_ino, (long long)s.st_size,
		       (unsigned)s.st_mode, (unsigned long)s.st_nlink,
		       (unsigned)s.st_uid, (long long)s.st_mtim.tv_sec,
		       s.st_mtim.tv_nsec);
		return 0;
	}
	if (strcmp(op, "fsync") == 0) {
		int fd = open(p, O_RDONLY);

		if (fd < 0)
			return result(-1);
		if (fsync(fd) != 0)
			return result(-1);
		return result(close(fd));
	}
	if (strcmp(op, "saves") == 0 && argc == 4)
		return saves(p, atoi(argv[3]));
	if (strcmp(op, "hold") == 0 && argc == 4)
		return hold(p, argv[3]);
	return usage();
}
