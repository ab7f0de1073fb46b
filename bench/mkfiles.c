/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkfiles: the small-file workload of bench/run.
 *
 *   mkfiles DIR NDIRS PERDIR SIZE
 *
 * makes DIR/dNNNNN/ (NDIRS folders) each with PERDIR files fNNNNNNN of SIZE
 * bytes, each written with one write(2) and closed, the way an unpacker or
 * a copy does; no fsync.  With NDIRS 0 the PERDIR files go in DIR itself.
 * The names are those bench/fill gives.  A C program so that the time measured is the file
 * system's, not an interpreter's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char dir[4000], path[4096], tag[48];
	char *buf;
	long ndirs, perdir, size, d, f, i;
	int fd, n;

	if (argc != 5) {
		fprintf(stderr, "usage: mkfiles DIR NDIRS PERDIR SIZE\n");
		return 2;
	}
	ndirs = atol(argv[2]);
	perdir = atol(argv[3]);
	size = atol(argv[4]);
	buf = malloc(size > 0 ? (size_t)size : 1);
	if (!buf)
		return 1;
	for (i = 0; i < size; i++)
		buf[i] = (char)('a' + (i * 7 + i / 61) % 26);
	if (mkdir(argv[1], 0755) != 0 && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	for (d = 0; d < (ndirs ? ndirs : 1); d++) {
		if (ndirs) {
			snprintf(dir, sizeof(dir), "%s/d%05ld", argv[1], d);
			if (mkdir(dir, 0755) != 0) {
				perror(dir);
				return 1;
			}
		} else {
			snprintf(dir, sizeof(dir), "%s", argv[1]);
		}
		for (f = 0; f < perdir; f++) {
			snprintf(path, sizeof(path), "%s/f%07ld", dir, f);
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0) {
				perror(path);
				return 1;
			}
			/* Each file differs: a content-addressing store
			 * must not get away with one copy. */
			if (size > 0) {
				n = snprintf(tag, sizeof(tag), "%ld/%ld ", d, f);
				memcpy(buf, tag, (size_t)(n < size ? n : size));
				if (write(fd, buf, (size_t)size) != size) {
					perror(path);
					return 1;
				}
			}
			if (close(fd) != 0) {
				perror(path);
				return 1;
			}
		}
	}
	free(buf);
	return 0;
}
