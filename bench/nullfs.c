/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nullfs: the bare-FUSE ceiling of the benchmark's workloads (issue 10).
 *
 *   nullfs MOUNTPOINT [-f] [-s] [-o max_threads=N]
 *
 * A file system in memory that does the least a FUSE file system can do:
 * a name table with sizes, modes, owners and times under one lock, no
 * content (writes are counted, reads return zeros), security.* xattrs
 * refused as groupfs refuses them (so the kernel asks as often).  mkdir,
 * create, write, setattr (chmod, chown, utimensat), rename (rsync's
 * temporary files) and removal answer as a real file system's would, so
 * tar x, rsync (a second run finds nothing to do) and rm -rf run on it.
 * It answers the same requests groupfs answers, with libfuse's own
 * multi-threaded loop, so what it takes per file is what the kernel and
 * libfuse take: the floor under any FUSE file system on this machine.
 * Not a product.  `bench/run --fs ...,nullfs` builds it and measures it
 * beside the others; by hand:
 *
 *   cc -O2 -o nullfs bench/nullfs.c $(pkg-config --cflags --libs fuse3)
 *   ./nullfs /mnt/x && mkfiles /mnt/x/t 20 100 4096 && rm -rf /mnt/x/t
 *
 * bench/results/2026-12-06-ceiling.md has its figures beside groupfs,
 * gocryptfs and bindfs.
 */
#define FUSE_USE_VERSION 312
#include <errno.h>
#include <fuse_lowlevel.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct node {
	uint64_t ino, parent;
	char *name;
	mode_t mode;
	off_t size;
	unsigned nlink;
	uid_t uid;
	gid_t gid;
	struct timespec atime, mtime, ctime;
	struct node *next; /* hash chain by (parent, name) */
	bool gone;
	/* A folder's entries in the order they came, by inode number (0: a
	 * removed one); a listing's offset is a place in it. */
	uint64_t *kids;
	size_t nkids, capkids;
};

#define SLOTS (1u << 20)
static struct node **by_name; /* hash (parent, name) */
static struct node **by_ino;  /* index ino */
static uint64_t next_ino = 2, cap_ino;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t hash(uint64_t parent, const char *name)
{
	size_t h = parent * 0x9e3779b97f4a7c15ull;

	while (*name)
		h = h * 33 + (unsigned char)*name++;
	return h % SLOTS;
}

static struct node *find(uint64_t parent, const char *name)
{
	struct node *n;

	for (n = by_name[hash(parent, name)]; n; n = n->next)
		if (n->parent == parent && strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

static struct node *get(uint64_t ino)
{
	return ino < next_ino ? by_ino[ino] : NULL;
}

static struct node *get(uint64_t ino);

/* Entry `ino` joins (in) or leaves folder `parent`'s listing. */
static bool kid(uint64_t parent, uint64_t ino, bool in)
{
	struct node *p = get(parent);
	size_t i;

	if (!p)
		return false;
	if (!in) {
		for (i = 0; i < p->nkids; i++)
			if (p->kids[i] == ino)
				p->kids[i] = 0;
		return true;
	}
	if (p->nkids == p->capkids) {
		size_t cap = p->capkids ? 2 * p->capkids : 16;
		uint64_t *v = realloc(p->kids, cap * sizeof(*v));

		if (!v)
			return false;
		p->kids = v;
		p->capkids = cap;
	}
	p->kids[p->nkids++] = ino;
	return true;
}

static struct node *add(uint64_t parent, const char *name, mode_t mode)
{
	struct node *n = calloc(1, sizeof(*n));
	size_t h;

	if (!n || !(n->name = strdup(name))) {
		free(n);
		return NULL;
	}
	if (next_ino == cap_ino) {
		struct node **v = realloc(by_ino, 2 * cap_ino * sizeof(*v));

		if (!v) {
			free(n->name);
			free(n);
			return NULL;
		}
		by_ino = v;
		cap_ino *= 2;
	}
	n->ino = next_ino++;
	n->parent = parent;
	n->mode = mode;
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	n->uid = getuid();
	n->gid = getgid();
	clock_gettime(CLOCK_REALTIME, &n->mtime);
	n->atime = n->ctime = n->mtime;
	h = hash(parent, name);
	n->next = by_name[h];
	by_name[h] = n;
	by_ino[n->ino] = n;
	kid(parent, n->ino, true);
	return n;
}

static void unhash(struct node *n)
{
	struct node **pp = &by_name[hash(n->parent, n->name)];

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
}

static void drop(struct node *n)
{
	unhash(n);
	kid(n->parent, n->ino, false);
	n->gone = true; /* the kernel may still hold its inode */
}

static void fill(const struct node *n, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = n->ino;
	e->attr.st_ino = n->ino;
	e->attr.st_mode = n->mode;
	e->attr.st_nlink = n->nlink;
	e->attr.st_size = n->size;
	e->attr.st_uid = n->uid;
	e->attr.st_gid = n->gid;
	e->attr.st_atim = n->atime;
	e->attr.st_mtim = n->mtime;
	e->attr.st_ctim = n->ctime;
	e->attr_timeout = e->entry_timeout = 1.0;
}

static void nf_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	struct node *n;

	pthread_mutex_lock(&lock);
	n = find(parent, name);
	if (n)
		fill(n, &e);
	pthread_mutex_unlock(&lock);
	if (n)
		fuse_reply_entry(req, &e);
	else
		fuse_reply_err(req, ENOENT);
}

static void nf_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	struct node *n;

	(void)fi;
	pthread_mutex_lock(&lock);
	n = get(ino);
	if (n)
		fill(n, &e);
	pthread_mutex_unlock(&lock);
	if (n)
		fuse_reply_attr(req, &e.attr, 1.0);
	else
		fuse_reply_err(req, ENOENT);
}

static void nf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	struct node *n;

	(void)fi;
	pthread_mutex_lock(&lock);
	n = get(ino);
	if (n) {
		clock_gettime(CLOCK_REALTIME, &n->ctime);
		if (to_set & FUSE_SET_ATTR_MODE)
			n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
		if (to_set & FUSE_SET_ATTR_UID)
			n->uid = attr->st_uid;
		if (to_set & FUSE_SET_ATTR_GID)
			n->gid = attr->st_gid;
		if (to_set & FUSE_SET_ATTR_SIZE) {
			n->size = attr->st_size;
			n->mtime = n->ctime;
		}
		if (to_set & FUSE_SET_ATTR_ATIME_NOW)
			n->atime = n->ctime;
		else if (to_set & FUSE_SET_ATTR_ATIME)
			n->atime = attr->st_atim;
		if (to_set & FUSE_SET_ATTR_MTIME_NOW)
			n->mtime = n->ctime;
		else if (to_set & FUSE_SET_ATTR_MTIME)
			n->mtime = attr->st_mtim;
		fill(n, &e);
	}
	pthread_mutex_unlock(&lock);
	if (n)
		fuse_reply_attr(req, &e.attr, 1.0);
	else
		fuse_reply_err(req, ENOENT);
}

static void make(fuse_req_t req, fuse_ino_t parent, const char *name,
		 mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	struct node *n = NULL;
	int err = 0;

	pthread_mutex_lock(&lock);
	if (find(parent, name))
		err = EEXIST;
	else if (!(n = add(parent, name, mode)))
		err = ENOMEM;
	else
		fill(n, &e);
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else if (fi)
		fuse_reply_create(req, &e, fi);
	else
		fuse_reply_entry(req, &e);
}

static void nf_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	make(req, parent, name, S_IFDIR | (mode & 07777), NULL);
}

static void nf_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	(void)rdev;
	make(req, parent, name, mode, NULL);
}

static void nf_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	make(req, parent, name, S_IFREG | (mode & 07777), fi);
}

static void nf_remove(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *n;

	pthread_mutex_lock(&lock);
	n = find(parent, name);
	if (n)
		drop(n);
	pthread_mutex_unlock(&lock);
	fuse_reply_err(req, n ? 0 : ENOENT);
}

/* rsync's temporary file renamed over the target. */
static void nf_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	char *copy = strdup(newname);
	struct node *n, *old;
	int err = 0;
	size_t h;

	pthread_mutex_lock(&lock);
	n = find(parent, name);
	old = find(newparent, newname);
	if (!copy)
		err = ENOMEM;
	else if (!n)
		err = ENOENT;
	else if (flags & ~(unsigned)RENAME_NOREPLACE)
		err = EINVAL;
	else if (old && (flags & RENAME_NOREPLACE))
		err = EEXIST;
	if (err == 0 && old != n) {
		if (old)
			drop(old);
		unhash(n);
		free(n->name);
		n->name = copy;
		copy = NULL;
		kid(n->parent, n->ino, false);
		kid(newparent, n->ino, true);
		n->parent = newparent;
		h = hash(newparent, newname);
		n->next = by_name[h];
		by_name[h] = n;
	}
	pthread_mutex_unlock(&lock);
	free(copy);
	fuse_reply_err(req, err);
}

static void nf_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

static void nf_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	struct node *n;

	(void)buf;
	(void)fi;
	pthread_mutex_lock(&lock);
	n = get(ino);
	if (n && off + (off_t)size > n->size)
		n->size = off + (off_t)size;
	pthread_mutex_unlock(&lock);
	if (n)
		fuse_reply_write(req, size);
	else
		fuse_reply_err(req, ENOENT);
}

static void nf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	static const char zeros[131072];
	struct node *n;
	size_t len = 0;

	(void)fi;
	pthread_mutex_lock(&lock);
	n = get(ino);
	if (n && off < n->size)
		len = (size_t)(n->size - off) < size ? (size_t)(n->size - off)
						     : size;
	pthread_mutex_unlock(&lock);
	fuse_reply_buf(req, zeros, len < sizeof(zeros) ? len : sizeof(zeros));
}

static void nf_ok(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);
}

static void nf_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	(void)datasync;
	nf_ok(req, ino, fi);
}

/* Like groupfs: only user.* names exist, and none is set. */
static void nf_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	(void)ino;
	(void)size;
	fuse_reply_err(req, strncmp(name, "user.", 5) ? ENOTSUP : ENODATA);
}

static void nf_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char *buf = malloc(size);
	struct node *dir;
	size_t used = 0;
	uint64_t i;

	(void)fi;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* Offsets are places in the folder's listing, one past an entry. */
	pthread_mutex_lock(&lock);
	dir = get(ino);
	for (i = (uint64_t)off; dir && i < dir->nkids; i++) {
		struct node *n = get(dir->kids[i]);
		struct stat st = {0};
		size_t k;

		if (!n || n->gone)
			continue;
		st.st_ino = n->ino;
		st.st_mode = n->mode;
		k = fuse_add_direntry(req, buf + used, size - used, n->name,
				      &st, (off_t)i + 1);
		if (k > size - used)
			break;
		used += k;
	}
	pthread_mutex_unlock(&lock);
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void nf_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs s = {.f_bsize = 4096, .f_frsize = 4096,
			    .f_blocks = 1 << 30, .f_bfree = 1 << 30,
			    .f_bavail = 1 << 30, .f_files = 1 << 30,
			    .f_ffree = 1 << 30, .f_namemax = 255};

	(void)ino;
	fuse_reply_statfs(req, &s);
}

static const struct fuse_lowlevel_ops ops = {
	.lookup = nf_lookup,
	.getattr = nf_getattr,
	.setattr = nf_setattr,
	.mkdir = nf_mkdir,
	.mknod = nf_mknod,
	.create = nf_create,
	.unlink = nf_remove,
	.rmdir = nf_remove,
	.rename = nf_rename,
	.open = nf_open,
	.read = nf_read,
	.write = nf_write,
	.flush = nf_ok,
	.release = nf_ok,
	.fsync = nf_fsync,
	.opendir = nf_open,
	.readdir = nf_readdir,
	.releasedir = nf_ok,
	.getxattr = nf_getxattr,
	.statfs = nf_statfs,
};

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts o;
	struct fuse_loop_config *cfg;
	struct fuse_session *se;
	struct node *root;
	int ret = 1;

	if (fuse_parse_cmdline(&args, &o) != 0 || !o.mountpoint) {
		fprintf(stderr, "usage: %s MOUNTPOINT [-f] [-s] "
				"[-o max_threads=N]\n", argv[0]);
		return 2;
	}
	by_name = calloc(SLOTS, sizeof(*by_name));
	cap_ino = 1024;
	by_ino = calloc(cap_ino, sizeof(*by_ino));
	root = calloc(1, sizeof(*root));
	if (!by_name || !by_ino || !root)
		return 1;
	root->ino = 1;
	root->mode = S_IFDIR | 0755;
	root->nlink = 2;
	root->name = (char *)"";
	root->uid = getuid();
	root->gid = getgid();
	clock_gettime(CLOCK_REALTIME, &root->mtime);
	root->atime = root->ctime = root->mtime;
	by_ino[1] = root;
	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	if (!se || fuse_set_signal_handlers(se) != 0 ||
	    fuse_session_mount(se, o.mountpoint) != 0)
		return 1;
	fuse_daemonize(o.foreground);
	if (o.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		cfg = fuse_loop_cfg_create();
		fuse_loop_cfg_set_max_threads(cfg, o.max_threads);
		ret = fuse_session_loop_mt(se, cfg);
		fuse_loop_cfg_destroy(cfg);
	}
	fuse_session_unmount(se);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);
	free(o.mountpoint);
	fuse_opt_free_args(&args);
	return ret ? 1 : 0;
}
