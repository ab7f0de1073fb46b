/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * webtree: change a group's documents without a mount, for the tests and
 * the benchmark of groupfs-web, through store.h's calls as an account (so
 * every rule of the mount applies).
 *
 *   webtree STORE ACCOUNT GROUP mkdir documents/PATH
 *   webtree STORE ACCOUNT GROUP put documents/PATH     (content: stdin)
 *   webtree STORE ACCOUNT GROUP symlink documents/PATH TARGET
 *   webtree STORE ACCOUNT GROUP rm|rmdir documents/PATH
 *   webtree STORE ACCOUNT GROUP mv documents/PATH documents/NEWPATH
 *
 * Exits 0 on success, 1 with the store's message on a refusal, 2 on a
 * usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

#define CHUNK (1024 * 1024)

/* The folder holding `path` and its last component. */
static int parent_of(struct store *st, const struct store_caller *c,
		     const char *group, const char *path, uint64_t *parent,
		     const char **name)
{
	char dir[STORE_PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct store_attr a;
	int rc;

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	rc = store_resolve(st, c, group, dir, &a);
	if (rc == 0) {
		*parent = a.ino;
		*name = slash + 1;
	}
	return rc;
}

static int put(struct store *st, const struct store_caller *c, uint64_t parent,
	       const char *name)
{
	struct store_file *f = NULL;
	struct store_attr a;
	char *buf = malloc(CHUNK);
	uint64_t off = 0;
	ssize_t n;
	size_t done;
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = store_fs_lookup(st, c, parent, name, &a);
	if (rc == 0)
		rc = store_fs_open(st, c, a.ino, O_WRONLY | O_TRUNC, &f);
	else if (rc == -ENOENT)
		rc = store_fs_create(st, c, parent, name, 0644,
				     O_WRONLY | O_CREAT, &a, &f);
	while (rc == 0 && (n = read(0, buf, CHUNK)) > 0) {
		rc = store_fs_write(st, f, off, buf, (size_t)n, &done);
		off += done;
	}
	if (rc == 0)
		rc = store_fs_flush(st, f);
	if (f)
		store_fs_release(st, f, NULL);
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	struct store *st = NULL;
	struct store_caller c = {0};
	struct store_attr a;
	struct store_rename rn;
	uint64_t parent, parent2;
	const char *name, *name2, *cmd;
	char err[512];
	int rc;

	if (argc < 6) {
		fprintf(stderr, "usage: webtree STORE ACCOUNT GROUP CMD PATH "
				"[ARG]\n");
		return 2;
	}
	cmd = argv[4];
	rc = store_open(argv[1], STORE_OPEN_KEY, NULL, 0, &st, err,
			sizeof(err));
	if (rc) {
		fprintf(stderr, "webtree: %s\n", err);
		return 1;
	}
	rc = store_caller_for_uid(st, getuid(), argv[2], &c);
	if (rc == 0)
		rc = parent_of(st, &c, argv[3], argv[5], &parent, &name);
	if (rc)
		goto out;
	if (strcmp(cmd, "mkdir") == 0)
		rc = store_fs_mkdir(st, &c, parent, name, 0755, &a);
	else if (strcmp(cmd, "put") == 0)
		rc = put(st, &c, parent, name);
	else if (strcmp(cmd, "symlink") == 0 && argc == 7)
		rc = store_fs_symlink(st, &c, parent, name, argv[6], &a);
	else if (strcmp(cmd, "rm") == 0)
		rc = store_fs_unlink(st, &c, parent, name);
	else if (strcmp(cmd, "rmdir") == 0)
		rc = store_fs_rmdir(st, &c, parent, name);
	else if (strcmp(cmd, "mv") == 0 && argc == 7) {
		rc = parent_of(st, &c, argv[3], argv[6], &parent2, &name2);
		if (rc == 0)
			rc = store_fs_rename(st, &c, parent, name, parent2,
					     name2, 0, &rn);
	} else {
		fprintf(stderr, "webtree: unknown command %s\n", cmd);
		store_close(st);
		return 2;
	}
out:
	if (rc)
		fprintf(stderr, "webtree: %s: %s\n", argv[5],
			store_errmsg(st)[0] ? store_errmsg(st) : strerror(-rc));
	store_close(st);
	return rc ? 1 : 0;
}
