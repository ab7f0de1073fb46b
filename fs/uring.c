// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * FUSE over io_uring: where the kernel offers it (Linux 6.14 and later,
 * with /sys/module/fuse/parameters/enable_uring set), requests come
 * through one queue per CPU instead of /dev/fuse.  The kernel puts each
 * request on the queue of the CPU its caller runs on, and this file
 * serves each queue with threads kept on that CPU: the caller and the
 * thread that answers it share a CPU, where through /dev/fuse the
 * scheduler placed the two as it happened to, and a round trip between
 * two CPUs cost several times more on a VM.
 *
 * Each thread has a ring of its own with one entry registered on its
 * queue (a header buffer and a payload buffer the kernel copies requests
 * into and replies out of).  The kernel gives a queue's next request to
 * the entry that came back last, so the thread that just answered takes
 * the next one with a warm cache, and a request that waits (a lock, the
 * batch handle) holds one entry while the others go on.
 *
 * libfuse 3.14 knows nothing of this.  Its session keeps parsing
 * requests and building replies; a custom I/O (fuse_session_custom_io)
 * takes each reply meant for a ring entry into that entry's payload and
 * hands the others to init.c's, whose INIT reply asks for
 * FUSE_OVER_IO_URING here (fs_uring_ask) when every ring is ready.
 * The kernel still sends FORGETs and INTERRUPTs through /dev/fuse, and
 * notifications go out through it, so loop.c's workers keep reading it.
 */
#include <errno.h>
#include <liburing.h>
#include <linux/fuse.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "groupfs.h"

/* The kernel's interface (include/uapi/linux/fuse.h, protocol 7.42);
 * Debian 12's headers are older. */
#define OVER_IO_URING_FLAGS2 (1u << (41 - 32)) /* FUSE_OVER_IO_URING */
enum { CMD_REGISTER = 1, CMD_COMMIT_AND_FETCH = 2 };

struct ring_cmd_req {
	uint64_t flags;
	uint64_t commit_id;
	uint16_t qid;
	uint8_t padding[6];
};

struct ring_ent_in_out {
	uint64_t flags;
	uint64_t commit_id; /* the request's, for the reply */
	uint32_t payload_sz;
	uint32_t padding;
	uint64_t reserved;
};

struct ring_req_header {
	char in_out[128]; /* fuse_in_header; the reply's fuse_out_header */
	char op_in[128];  /* the opcode's own header (fuse_write_in...) */
	struct ring_ent_in_out ent;
};

/* Room before the payload for the two headers, so that libfuse sees a
 * request in one piece, as /dev/fuse gives it. */
#define HEADROOM 4096

/* user_data of the ring's two kinds of completion */
enum { TAG_ENTRY = 1, TAG_STOP = 2 };

enum state { WAITING, GO, NO };

struct uthread {
	struct fs_uring *u;
	unsigned qid;
	pthread_t thread;
	bool started;
	bool ring_ok; /* `ring` is set up */
	struct io_uring ring;
	struct ring_req_header *hdr;
	char *mem; /* HEADROOM, then the payload */
	struct iovec iov[2];
	uint64_t unique; /* the request being answered */
	bool replied;	 /* its reply is in the entry */
	bool staged;	 /* ...in `stage`, until the request is done */
	char *stage;	 /* a reply kept off the request's payload */
	size_t stage_cap, stage_len;
};

struct fs_uring {
	struct fs *fs;
	int fd;	     /* /dev/fuse */
	int stop_fd; /* eventfd: the threads end */
	unsigned nq; /* queues: the kernel's possible CPUs */
	unsigned n;  /* threads */
	struct uthread *t;
	size_t payload; /* the kernel's maximum request or reply */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned rings_ready, rings_failed; /* under lock */
	enum state state;		    /* under lock */
};

static __thread struct uthread *me;

static void set_state(struct fs_uring *u, enum state s)
{
	pthread_mutex_lock(&u->lock);
	if (u->state == WAITING)
		u->state = s;
	pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
}

/* ---- the custom I/O: libfuse's reads and replies ---- */

static ssize_t io_read(int fd, void *buf, size_t len, void *userdata)
{
	return fs_init_read(userdata, fd, buf, len);
}

/* Each thread's header and payload buffers (HEADROOM before the
 * payload); false, and none, when memory is short. */
static bool buffers(struct fs_uring *u)
{
	unsigned i;

	for (i = 0; i < u->n; i++) {
		struct uthread *t = &u->t[i];

		t->mem = aligned_alloc(4096, HEADROOM + u->payload);
		t->hdr = aligned_alloc(4096, 4096);
		if (!t->mem || !t->hdr)
			break;
		memset(t->hdr, 0, sizeof(*t->hdr));
	}
	if (i == u->n)
		return true;
	for (i = 0; i < u->n; i++) {
		free(u->t[i].mem);
		free(u->t[i].hdr);
		u->t[i].mem = NULL;
		u->t[i].hdr = NULL;
	}
	return false;
}

bool fs_uring_ask(struct fs_uring *u, struct fuse_init_out *out, size_t len)
{
	const struct fs_init_in *in;
	bool want;

	if (!u)
		return false;
	in = &u->fs->init;
	pthread_mutex_lock(&u->lock);
	while (u->rings_ready + u->rings_failed < u->n)
		pthread_cond_wait(&u->cond, &u->lock);
	want = u->rings_failed == 0;
	pthread_mutex_unlock(&u->lock);
	want = want && (in->flags & FUSE_INIT_EXT) &&
	       (in->flags2 & OVER_IO_URING_FLAGS2) &&
	       len >= offsetof(struct fuse_init_out, flags2) +
			       sizeof(out->flags2);
	if (!want)
		return false;
	/* As the kernel sizes an entry's payload (at least this), the page
	 * count being the one asked for or less. */
	u->payload = out->max_write;
	if ((size_t)out->max_pages * (size_t)sysconf(_SC_PAGESIZE) > u->payload)
		u->payload =
			(size_t)out->max_pages * (size_t)sysconf(_SC_PAGESIZE);
	if (u->payload < FUSE_MIN_READ_BUFFER)
		u->payload = FUSE_MIN_READ_BUFFER;
	/* Every entry's buffers before asking: once asked, the kernel holds
	 * every request until each queue has an entry. */
	if (!buffers(u))
		return false;
	out->flags |= FUSE_INIT_EXT;
	out->flags2 |= OVER_IO_URING_FLAGS2;
	return true;
}

void fs_uring_answered(struct fs_uring *u, bool asked)
{
	char msg[96];

	if (!u)
		return;
	set_state(u, asked ? GO : NO);
	if (!asked)
		return;
	snprintf(msg, sizeof(msg),
		 "requests come through io_uring: %u queues, %u threads", u->nq,
		 u->n);
	fs_log(NULL, STORE_LOG_INFO, msg);
}

/* A reply to the request this thread answers from its ring entry goes
 * into the entry; any other (INIT, /dev/fuse's requests,
 * notifications) to /dev/fuse. */
static ssize_t io_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	struct fs_uring *u = ((struct fs *)userdata)->uring;
	const struct fuse_out_header *out = iov[0].iov_base;
	struct uthread *t = me;
	size_t total = 0;
	char *to;
	int i;

	if (!t || t->replied || out->unique != t->unique)
		return fs_init_writev(u->fs, fd, iov, count);
	for (i = 1; i < count; i++)
		total += iov[i].iov_len;
	if (total > u->payload) {
		errno = EINVAL;
		return -1;
	}
	memcpy(t->hdr->in_out, out, sizeof(*out));
	t->hdr->ent.payload_sz = total;
	/* A request with a payload (names, written data) may still use it
	 * after replying: the reply waits in `stage` until it is done. */
	if (t->staged) {
		if (total > t->stage_cap) {
			char *s = realloc(t->stage, total);

			if (!s) {
				errno = ENOMEM;
				return -1;
			}
			t->stage = s;
			t->stage_cap = total;
		}
		to = t->stage;
		t->stage_len = total;
	} else {
		to = t->mem + HEADROOM;
	}
	for (i = 1; i < count; i++) {
		if (!iov[i].iov_len)
			continue;
		/* from fs_uring_reply_room: already in place */
		if (iov[i].iov_base != to)
			memcpy(to, iov[i].iov_base, iov[i].iov_len);
		to += iov[i].iov_len;
	}
	t->replied = true;
	return (ssize_t)(total + iov[0].iov_len);
}

void *fs_uring_reply_room(size_t size)
{
	struct uthread *t = me;

	if (!t || t->staged || t->replied || size > t->u->payload)
		return NULL;
	return t->mem + HEADROOM;
}

/* ---- the queue threads ---- */

static void prep_cmd(struct uthread *t, unsigned op, uint64_t commit_id)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&t->ring);
	struct ring_cmd_req req = {.commit_id = commit_id, .qid = t->qid};

	/* the ring has room: one command and the stop poll at most */
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, t->u->fd,
			 op == CMD_REGISTER ? t->iov : NULL,
			 op == CMD_REGISTER ? 2 : 0, 0);
	sqe->cmd_op = op;
	memcpy(sqe->cmd, &req, sizeof(req));
	io_uring_sqe_set_data64(sqe, TAG_ENTRY);
}

/* The entry answers request `unique` with `err` alone. */
static void entry_error(struct uthread *t, uint64_t unique, int err)
{
	struct fuse_out_header out = {
		.error = err, .unique = unique, .len = sizeof(out)};

	memcpy(t->hdr->in_out, &out, sizeof(out));
	t->hdr->ent.payload_sz = 0;
}

/* The request now in the entry: put together as /dev/fuse gives it,
 * answered, and its reply committed with the fetch of the next. */
static void answer(struct uthread *t)
{
	const struct fuse_in_header *in = (const void *)t->hdr->in_out;
	size_t psz = t->hdr->ent.payload_sz;
	uint64_t commit_id = t->hdr->ent.commit_id;
	char *payload = t->mem + HEADROOM;
	struct fuse_buf buf = {0};
	size_t op;

	t->unique = in->unique;
	t->replied = false;
	t->staged = psz > 0;
	t->stage_len = 0;
	if (in->len < sizeof(*in) + psz ||
	    (op = in->len - sizeof(*in) - psz) > sizeof(t->hdr->op_in) ||
	    psz > t->u->payload) {
		fs_log(NULL, STORE_LOG_ERR,
		       "io_uring: a request of unexpected size: EIO");
		entry_error(t, in->unique, -EIO);
		prep_cmd(t, CMD_COMMIT_AND_FETCH, commit_id);
		return;
	}
	buf.mem = payload - sizeof(*in) - op;
	buf.size = in->len;
	memmove(buf.mem, in, sizeof(*in));
	memcpy((char *)buf.mem + sizeof(*in), t->hdr->op_in, op);
	fs_loop_answer(t->u->fs, &buf);
	if (!t->replied) {
		/* Every request through a ring gets a reply from libfuse;
		 * should one not, the entry must still come back. */
		entry_error(t, t->unique, -EIO);
	} else if (t->staged && t->stage_len) {
		memcpy(payload, t->stage, t->stage_len);
	}
	t->replied = true;
	prep_cmd(t, CMD_COMMIT_AND_FETCH, commit_id);
}

/* Keep to the queue's CPU; where the daemon may not run there, anywhere. */
static void pin(unsigned cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static int ring_init(struct uthread *t)
{
	/* One thread submits and reaps: the kernel runs the ring's work
	 * when this thread waits for it. */
	unsigned flags = IORING_SETUP_SQE128 | IORING_SETUP_SINGLE_ISSUER |
			 IORING_SETUP_DEFER_TASKRUN;

	if (io_uring_queue_init(4, &t->ring, flags) == 0)
		return 0;
	return io_uring_queue_init(4, &t->ring, IORING_SETUP_SQE128);
}

/* A queue thread ends on error `res` (negative errno): the log says so. */
static void say_failed(const struct uthread *t, const char *what, int res)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "io_uring queue %u: %s: %s", t->qid, what,
		 strerror(-res));
	fs_log(NULL, STORE_LOG_ERR, msg);
}

static void serve_ring(struct uthread *t)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;

	t->iov[0].iov_base = t->hdr;
	t->iov[0].iov_len = sizeof(*t->hdr);
	t->iov[1].iov_base = t->mem + HEADROOM;
	t->iov[1].iov_len = t->u->payload;
	sqe = io_uring_get_sqe(&t->ring);
	io_uring_prep_poll_add(sqe, t->u->stop_fd, POLLIN);
	io_uring_sqe_set_data64(sqe, TAG_STOP);
	prep_cmd(t, CMD_REGISTER, 0);
	for (;;) {
		int res = io_uring_submit_and_wait(&t->ring, 1);

		/* -EINTR: a signal (SIGUSR1 reopens the log) */
		if (res < 0 && res != -EINTR) {
			say_failed(t, "waiting", res);
			return;
		}
		if (io_uring_peek_cqe(&t->ring, &cqe) != 0)
			continue;
		res = cqe->res;
		if (io_uring_cqe_get_data64(cqe) == TAG_STOP) {
			io_uring_cqe_seen(&t->ring, cqe);
			return;
		}
		io_uring_cqe_seen(&t->ring, cqe);
		if (res < 0) {
			/* -ENOTCONN: unmounted; others: the kernel refused
			 * the ring and serves /dev/fuse alone. */
			if (res != -ENOTCONN && res != -ECANCELED)
				say_failed(t, "the kernel refused", res);
			return;
		}
		answer(t);
	}
}

static void *queue_thread(void *arg)
{
	struct uthread *t = arg;
	struct fs_uring *u = t->u;
	bool ok;

	me = t;
	if (u->nq > 1)
		pin(t->qid);
	ok = t->ring_ok = ring_init(t) == 0;
	pthread_mutex_lock(&u->lock);
	if (ok)
		u->rings_ready++;
	else
		u->rings_failed++;
	pthread_cond_broadcast(&u->cond);
	while (u->state == WAITING)
		pthread_cond_wait(&u->cond, &u->lock);
	ok = ok && u->state == GO;
	pthread_mutex_unlock(&u->lock);
	if (ok)
		serve_ring(t);
	if (t->ring_ok)
		io_uring_queue_exit(&t->ring);
	free(t->mem);
	free(t->hdr);
	free(t->stage);
	return NULL;
}

/* The kernel's queues: one per possible CPU. */
static unsigned possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	char line[256], *p;
	unsigned last = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f)) {
		p = strrchr(line, ',');
		p = p ? p + 1 : line;
		if (strchr(p, '-'))
			p = strchr(p, '-') + 1;
		last = (unsigned)strtoul(p, NULL, 10);
	}
	fclose(f);
	return last + 1;
}

/* Whether the kernel lets FUSE use io_uring at all. */
static bool kernel_enabled(void)
{
	FILE *f = fopen("/sys/module/fuse/parameters/enable_uring", "re");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	return c == 'Y' || c == '1';
}

bool fs_uring_wanted(const struct fs *fs, unsigned threads)
{
	/* -s (one thread) keeps to /dev/fuse, as -o no_uring does */
	return threads > 1 && !fs->no_uring && kernel_enabled();
}

void fs_uring_start(struct fs *fs, unsigned threads)
{
	static const struct fuse_custom_io io = {.read = io_read,
						 .writev = io_writev};
	struct fs_uring *u;
	unsigned i;

	u = calloc(1, sizeof(*u));
	if (!u)
		return;
	u->fs = fs;
	u->fd = fuse_session_fd(fs->se);
	u->nq = possible_cpus();
	u->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (u->nq == 0 || u->stop_fd < 0) {
		if (u->stop_fd >= 0)
			close(u->stop_fd);
		free(u);
		return;
	}
	/* -o max_threads over the queues, two at least for each: a
	 * request that waits holds one. */
	u->n = u->nq * (threads / u->nq > 2 ? threads / u->nq : 2);
	u->t = calloc(u->n, sizeof(*u->t));
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->cond, NULL);
	fs->uring = u;
	if (!u->t || fuse_session_custom_io(fs->se, &io, u->fd) != 0) {
		fs->uring = NULL;
		fs_uring_free(u);
		return;
	}
	for (i = 0; i < u->n; i++) {
		u->t[i].u = u;
		u->t[i].qid = i % u->nq;
		if (pthread_create(&u->t[i].thread, NULL, queue_thread,
				   &u->t[i]) == 0) {
			u->t[i].started = true;
			continue;
		}
		pthread_mutex_lock(&u->lock);
		u->rings_failed++;
		pthread_mutex_unlock(&u->lock);
	}
}

void fs_uring_stop(struct fs_uring *u)
{
	uint64_t one = 1;
	unsigned i;

	if (!u)
		return;
	set_state(u, NO);
	if (write(u->stop_fd, &one, sizeof(one)) < 0) {
		/* an eventfd's counter cannot overflow from one write */
	}
	for (i = 0; u->t && i < u->n; i++)
		if (u->t[i].started)
			pthread_join(u->t[i].thread, NULL);
	free(u->t);
	u->t = NULL;
	u->n = 0;
}

void fs_uring_free(struct fs_uring *u)
{
	if (!u)
		return;
	fs_uring_stop(u);
	close(u->stop_fd);
	pthread_cond_destroy(&u->cond);
	pthread_mutex_destroy(&u->lock);
	free(u);
}
