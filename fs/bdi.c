// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's readahead for this mount.
 *
 * A FUSE mount gets a backing device of its own (its st_dev, "0:NN")
 * whose readahead starts at the kernel's default, 128 KiB: the
 * max_readahead a daemon announces in its INIT reply may lower it, never
 * raise it.  A sequential reader then waits for one 128 KiB request after
 * another.  With 1 MiB the kernel asks for as much as one request carries,
 * and keeps the next one coming while the reader copies the last; with
 * 4 MiB through /dev/fuse, four at once to the workers (FS_READAHEAD_DEV).
 * Only root may write the setting (/sys/class/bdi/MAJ:MIN/read_ahead_kb);
 * a daemon started by another user keeps the kernel's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "groupfs.h"

/* mountinfo's escapes (\040 for a space, \011, \012, \134) undone in
 * place. */
static void unescape(char *s)
{
	char *to = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*to++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				       (s[3] - '0'));
			s += 4;
		} else {
			*to++ = *s++;
		}
	}
	*to = '\0';
}

/* The device ("MAJ:MIN") of the last mount on `mountpoint`, from
 * /proc/self/mountinfo: asking the mount itself (stat) would wait for
 * this daemon, which serves nothing yet. */
static int mount_device(const char *mountpoint, char *dev, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int found = -ENOENT;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *id, *mdev, *mnt;

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		id = strtok_r(line, " ", &save);
		strtok_r(NULL, " ", &save);
		mdev = strtok_r(NULL, " ", &save);
		strtok_r(NULL, " ", &save);
		mnt = strtok_r(NULL, " ", &save);
		if (!id || !mdev || !mnt)
			continue;
		unescape(mnt);
		if (strcmp(mnt, mountpoint) == 0 &&
		    (size_t)snprintf(dev, size, "%s", mdev) < size)
			found = 0;
	}
	free(line);
	fclose(f);
	return found;
}

void fs_read_ahead(const struct fs *fs, const char *mountpoint)
{
	unsigned kib = fs->read_ahead / 1024;
	char dev[64], path[128], msg[256];
	FILE *f;
	int rc;

	if (kib == 0 || geteuid() != 0)
		return;
	rc = mount_device(mountpoint, dev, sizeof(dev));
	if (rc == 0) {
		snprintf(path, sizeof(path), "/sys/class/bdi/%s/read_ahead_kb",
			 dev);
		f = fopen(path, "we");
		if (!f)
			rc = -errno;
		else if (fprintf(f, "%u\n", kib) < 0)
			rc = -EIO;
		if (f && fclose(f) != 0 && rc == 0)
			rc = -errno;
	}
	if (rc == 0)
		return;
	snprintf(msg, sizeof(msg),
		 "readahead stays the kernel's: setting %u KiB: %s", kib,
		 strerror(-rc));
	fs_log(NULL, STORE_LOG_WARNING, msg);
}
