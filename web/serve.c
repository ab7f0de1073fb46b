// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One HTTP request of groupfs-web: /l/TOKEN[/PATH].
 *
 * The raw path is split at '/' and each component percent-decoded here (a
 * component that decodes to '/', NUL, "." or ".." is refused), then the
 * backend resolves token and path, confined to the linked folder.  Every
 * refusal is the same 404, whatever its cause; methods other than GET and
 * HEAD are 405.  Files stream through a callback reading chunks from the
 * store (memory stays flat whatever the size), with ETag, Last-Modified,
 * conditional requests (304) and one byte range (206, 416).  A folder is
 * an HTML index with every name escaped; a calendar is one text/calendar
 * feed.  Nothing is cached: each request reads the live store.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "web.h"

#define BLOCK	    (256 * 1024) /* bytes read from the store per callback */
#define NOT_FOUND   "Not Found\n"
#define NOT_ALLOWED "Method Not Allowed\n"
#define FILE_CSP                                                               \
	"sandbox; default-src 'none'; img-src 'none'; "                        \
	"style-src 'unsafe-inline'"

/* What the log line of a request needs, kept from start to completion:
 * made once the request line is read (web_request_begin), so that one
 * libmicrohttpd answers itself is logged too. */
struct req {
	struct timespec start;
	char method[16]; /* "" until web_handle sees the request */
	char *url;	 /* the raw URL (a token in it): never logged as is */
	char path[512];	 /* the URL for the log: log_path */
	int64_t link;	 /* 0: no link resolved */
	unsigned status;
	uint64_t bytes;
};

/* ---- content types ---- */

struct type {
	char *ext, *type;
};
static struct type *types;
static size_t ntypes;

static const struct type builtin_types[] = {
	{(char *)"txt", (char *)"text/plain"},
	{(char *)"html", (char *)"text/html"},
	{(char *)"htm", (char *)"text/html"},
	{(char *)"css", (char *)"text/css"},
	{(char *)"csv", (char *)"text/csv"},
	{(char *)"md", (char *)"text/markdown"},
	{(char *)"ics", (char *)"text/calendar"},
	{(char *)"vcf", (char *)"text/vcard"},
	{(char *)"pdf", (char *)"application/pdf"},
	{(char *)"json", (char *)"application/json"},
	{(char *)"zip", (char *)"application/zip"},
	{(char *)"odt", (char *)"application/vnd.oasis.opendocument.text"},
	{(char *)"ods",
	 (char *)"application/vnd.oasis.opendocument.spreadsheet"},
	{(char *)"png", (char *)"image/png"},
	{(char *)"jpg", (char *)"image/jpeg"},
	{(char *)"jpeg", (char *)"image/jpeg"},
	{(char *)"gif", (char *)"image/gif"},
	{(char *)"svg", (char *)"image/svg+xml"},
	{(char *)"mp4", (char *)"video/mp4"},
};

static int type_cmp(const void *a, const void *b)
{
	return strcmp(((const struct type *)a)->ext,
		      ((const struct type *)b)->ext);
}

void web_types_load(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	size_t cap = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *type, *ext;

		if (line[0] == '#')
			continue;
		type = strtok_r(line, " \t\n", &save);
		if (!type)
			continue;
		while ((ext = strtok_r(NULL, " \t\n", &save))) {
			if (ntypes == cap) {
				size_t ncap = cap ? cap * 2 : 512;
				struct type *v =
					realloc(types, ncap * sizeof(*v));

				if (!v)
					goto out;
				types = v;
				cap = ncap;
			}
			types[ntypes].ext = strdup(ext);
			types[ntypes].type = strdup(type);
			if (!types[ntypes].ext || !types[ntypes].type) {
				free(types[ntypes].ext);
				free(types[ntypes].type);
				goto out;
			}
			ntypes++;
		}
	}
out:
	fclose(f);
	if (ntypes)
		qsort(types, ntypes, sizeof(*types), type_cmp);
}

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	char ext[32];
	struct type key = {ext, NULL}, *hit;
	size_t i;

	if (!dot || !dot[1] || strlen(dot + 1) >= sizeof(ext))
		return "application/octet-stream";
	for (i = 0; dot[1 + i]; i++)
		ext[i] = (char)tolower((unsigned char)dot[1 + i]);
	ext[i] = '\0';
	hit = ntypes ? bsearch(&key, types, ntypes, sizeof(*types), type_cmp)
		     : NULL;
	if (hit)
		return hit->type;
	for (i = 0; i < sizeof(builtin_types) / sizeof(builtin_types[0]); i++)
		if (strcmp(builtin_types[i].ext, ext) == 0)
			return builtin_types[i].type;
	return "application/octet-stream";
}

/* ---- paths ---- */

size_t web_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	return strlen(s);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode the raw path below the token ("" or "a/b%20c/") into `out`
 * ("a/b c"); *slash tells whether it ended in '/'.  -1 for anything that
 * is not a plain relative path: an empty, "." or ".." component, a bad
 * escape, an encoded '/' or NUL.
 */
static int decode_path(const char *raw, char *out, size_t len, bool *slash)
{
	size_t o = 0, comp = 0;
	const char *p;

	*slash = false;
	for (p = raw; *p; p++) {
		char c = *p;

		if (c == '/') {
			if (p[1] == '\0') {
				*slash = true;
				break;
			}
			c = '/';
		} else if (c == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);

			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			p += 2;
			if (c == '/' || c == '\0')
				return -1;
		} else if ((unsigned char)c < 0x20 || c == 0x7f) {
			return -1;
		}
		if (o + 2 > len)
			return -1;
		if (*p == '/') {
			/* The component just ended: check it. */
			if (o == comp || (o - comp == 1 && out[comp] == '.') ||
			    (o - comp == 2 && out[comp] == '.' &&
			     out[comp + 1] == '.'))
				return -1;
			out[o++] = '/';
			comp = o;
			continue;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	if (o > 0 &&
	    (o == comp || (o - comp == 1 && out[comp] == '.') ||
	     (o - comp == 2 && out[comp] == '.' && out[comp + 1] == '.')))
		return -1;
	return 0;
}

/* Where a run of base64url characters this long could be a token (one is
 * STORE_LINK_TOKEN_LEN): never logged. */
#define TOKEN_LIKE 20

static bool b64url(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/*
 * The URL for the log, the one place it is made (at completion, whatever
 * the method or the answer): below a resolved link "/l/#ID/rest"; else
 * the component after a leading "/l/" is "?" and, anywhere in the URL
 * ("//l/TOKEN", "/x/TOKEN", a query), each run of TOKEN_LIKE or more
 * base64url characters is "?".  Controls, quotes and backslashes escaped.
 */
static void log_path(struct req *rq, const char *url)
{
	size_t o = 0, i = 0;

	if (!url)
		url = "";
	if (strncmp(url, "/l/", 3) == 0) {
		const char *slash = strchr(url + 3, '/');

		if (rq->link)
			o = (size_t)snprintf(rq->path, sizeof(rq->path),
					     "/l/#%" PRId64, rq->link);
		else
			o = (size_t)snprintf(rq->path, sizeof(rq->path),
					     "/l/?");
		i = slash ? (size_t)(slash - url) : strlen(url);
	}
	while (url[i] && o + 5 < sizeof(rq->path)) {
		unsigned char c = (unsigned char)url[i];
		size_t run = 0;

		while (!rq->link && b64url(url[i + run]))
			run++;
		if (run >= TOKEN_LIKE) {
			rq->path[o++] = '?';
			i += run;
			continue;
		}
		if (run) {
			/* A short run, as it is. */
			for (; run && o + 5 < sizeof(rq->path); run--)
				rq->path[o++] = url[i++];
			continue;
		}
		if (c < 0x21 || c >= 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(rq->path + o,
					      sizeof(rq->path) - o, "\\x%02x",
					      c);
		else
			rq->path[o++] = (char)c;
		i++;
	}
	rq->path[o] = '\0';
}

/* ---- responses ---- */

static void http_date(int64_t sec, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static int64_t parse_http_date(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return -1;
	return (int64_t)timegm(&tm);
}

static void common_headers(struct MHD_Response *r)
{
	/* The token must not leave in a Referer; stored content must not
	 * run as this site (a published .html), nor be sniffed. */
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-cache");
}

static enum MHD_Result send_static(struct MHD_Connection *conn, struct req *rq,
				   unsigned status, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	common_headers(r);
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	rq->status = status;
	rq->bytes = strlen(body);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result not_found(struct MHD_Connection *conn, struct req *rq)
{
	return send_static(conn, rq, MHD_HTTP_NOT_FOUND, NOT_FOUND);
}

static enum MHD_Result send_error(struct MHD_Connection *conn, struct req *rq,
				  int rc)
{
	if (rc == -ENOENT || rc == -ENOTDIR || rc == -EISDIR || rc == -EACCES)
		return not_found(conn, rq);
	web_log(LOG_ERR, "request failed: %s", strerror(-rc));
	return send_static(conn, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
			   "Service Unavailable\n");
}

/* 304 when the client's copy is current (RFC 9110 13.1.2, 13.1.3). */
static bool not_modified(struct MHD_Connection *conn, const char *etag,
			 int64_t mtime)
{
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      "If-None-Match");
	const char *ims = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      "If-Modified-Since");

	if (inm) {
		const char *p = inm;
		size_t n = strlen(etag);

		if (!etag[0])
			return false;
		while (*p) {
			while (*p == ' ' || *p == ',' || *p == '\t')
				p++;
			if (*p == '*')
				return true;
			if (strncmp(p, "W/", 2) == 0)
				p += 2;
			if (strncmp(p, etag, n) == 0 &&
			    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
				return true;
			while (*p && *p != ',')
				p++;
		}
		return false;
	}
	if (ims) {
		int64_t t = parse_http_date(ims);

		return t >= 0 && mtime <= t;
	}
	return false;
}

enum range_result { RANGE_NONE, RANGE_ONE, RANGE_BAD };

/* One range of "bytes=A-B", "bytes=A-" or "bytes=-N" over `size` bytes.
 * Several ranges or a malformed header are ignored (the whole body, as
 * RFC 9110 14.2 allows); an unsatisfiable one is RANGE_BAD (416). */
static enum range_result parse_range(const char *h, uint64_t size,
				     uint64_t *from, uint64_t *to)
{
	unsigned long long a, b;
	char *end;

	if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		return RANGE_NONE;
	h += 6;
	while (*h == ' ')
		h++;
	if (*h == '-') {
		if (!isdigit((unsigned char)h[1]))
			return RANGE_NONE;
		errno = 0;
		b = strtoull(h + 1, &end, 10);
		if (errno || *end)
			return RANGE_NONE;
		if (b == 0 || size == 0)
			return RANGE_BAD;
		*from = b >= size ? 0 : size - b;
		*to = size - 1;
		return RANGE_ONE;
	}
	if (!isdigit((unsigned char)*h))
		return RANGE_NONE;
	errno = 0;
	a = strtoull(h, &end, 10);
	if (errno || *end != '-')
		return RANGE_NONE;
	h = end + 1;
	if (*h == '\0') {
		b = size ? size - 1 : 0;
	} else {
		if (!isdigit((unsigned char)*h))
			return RANGE_NONE;
		errno = 0;
		b = strtoull(h, &end, 10);
		if (errno || *end || b < a)
			return RANGE_NONE;
	}
	if (a >= size)
		return RANGE_BAD;
	*from = a;
	*to = b >= size ? size - 1 : b;
	return RANGE_ONE;
}

/* The range to send, honouring If-Range: RANGE_NONE sends all. */
static enum range_result request_range(struct MHD_Connection *conn,
				       const struct store_link_hit *hit,
				       uint64_t *from, uint64_t *to)
{
	const char *range =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Range");
	const char *ifr =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-Range");

	if (!range)
		return RANGE_NONE;
	if (ifr) {
		if (ifr[0] == '"') {
			if (!hit->etag[0] || strcmp(ifr, hit->etag) != 0)
				return RANGE_NONE;
		} else if (parse_http_date(ifr) !=
			   hit->attr.mtime_ns / 1000000000) {
			return RANGE_NONE;
		}
	}
	return parse_range(range, hit->attr.size, from, to);
}

static void validators(struct MHD_Response *r, const struct store_link_hit *h)
{
	char date[64];

	if (h->etag[0])
		MHD_add_response_header(r, "ETag", h->etag);
	http_date(h->attr.mtime_ns / 1000000000, date, sizeof(date));
	MHD_add_response_header(r, "Last-Modified", date);
}

static enum MHD_Result send_not_modified(struct MHD_Connection *conn,
					 struct req *rq,
					 const struct store_link_hit *hit)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		0, NULL, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	common_headers(r);
	validators(r, hit);
	rq->status = MHD_HTTP_NOT_MODIFIED;
	ret = MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_unsatisfiable(struct MHD_Connection *conn,
					  struct req *rq,
					  const struct store_link_hit *hit)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		0, NULL, MHD_RESPMEM_PERSISTENT);
	char cr[64];
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	common_headers(r);
	snprintf(cr, sizeof(cr), "bytes */%" PRIu64, hit->attr.size);
	MHD_add_response_header(r, "Content-Range", cr);
	rq->status = MHD_HTTP_RANGE_NOT_SATISFIABLE;
	ret = MHD_queue_response(conn, MHD_HTTP_RANGE_NOT_SATISFIABLE, r);
	MHD_destroy_response(r);
	return ret;
}

/* Queue `r` (a body of the hit, whole or the range from..to) with the
 * headers of content. */
static enum MHD_Result send_body(struct MHD_Connection *conn, struct req *rq,
				 struct MHD_Response *r,
				 const struct store_link_hit *hit,
				 const char *type, bool ranged, uint64_t from,
				 uint64_t to)
{
	unsigned status = ranged ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK;
	enum MHD_Result ret;
	char cr[96];

	common_headers(r);
	validators(r, hit);
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Accept-Ranges", "bytes");
	if (ranged) {
		snprintf(cr, sizeof(cr),
			 "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, from, to,
			 hit->attr.size);
		MHD_add_response_header(r, "Content-Range", cr);
	}
	rq->status = status;
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- files ---- */

/* A running download looks at its link again this often (in time or in
 * bytes, whichever comes first). */
#define RECHECK_NS    1000000000LL
#define RECHECK_BYTES (16ULL * 1024 * 1024)

struct stream {
	struct store_file *f; /* NULL for HEAD: nothing is read */
	uint64_t off, len;
	struct req *rq;
	/* What was opened, to see it is still what the link leads to. */
	char token[STORE_LINK_TOKEN_LEN + 1];
	char *rel;
	uint64_t ino;
	int64_t checked_ns; /* CLOCK_MONOTONIC of the last look */
	uint64_t unchecked; /* bytes sent since */
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Still the same file under the same live link?  Revoked, expired, moved
 * out of the folder or replaced: no. */
static bool stream_still_linked(struct stream *s, struct store *st)
{
	struct store_link_hit hit;
	int64_t now = mono_ns();
	int rc;

	if (now - s->checked_ns < RECHECK_NS && s->unchecked < RECHECK_BYTES)
		return true;
	rc = store_link_resolve(st, s->token, s->rel, &hit);
	s->checked_ns = now;
	s->unchecked = 0;
	if (rc == 0 && hit.what == STORE_LINK_FILE && hit.attr.ino == s->ino)
		return true;
	if (rc == -EIO || rc == -ENOMEM) {
		/* Not an answer: the store's own reads still check access. */
		web_log(LOG_WARNING, "link #%" PRId64 ": check: %s",
			s->rq->link, strerror(-rc));
		return true;
	}
	web_log(LOG_INFO, "link #%" PRId64 ": gone during a download, cut",
		s->rq->link);
	return false;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	struct store *st = web_store();
	size_t got = 0, n;
	int rc;

	if (pos >= s->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (!s->f || !st)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (!stream_still_linked(s, st))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = s->len - pos < max ? (size_t)(s->len - pos) : max;
	rc = store_fs_read(st, s->f, s->off + pos, n, buf, &got);
	if (rc || got == 0) {
		/* Revoked access, a file cut short: end the connection, the
		 * client sees a short body, never another file's bytes. */
		if (rc)
			web_log(LOG_WARNING, "link #%" PRId64 ": read: %s",
				s->rq->link, strerror(-rc));
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	s->rq->bytes += got;
	s->unchecked += got;
	return (ssize_t)got;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	struct store *st = web_store();

	if (s->f && st)
		store_fs_release(st, s->f, NULL);
	free(s->rel);
	free(s);
}

static enum MHD_Result serve_file(struct MHD_Connection *conn, struct req *rq,
				  struct store *st, const char *token,
				  const char *rel,
				  const struct store_link_hit *hit, bool head)
{
	struct MHD_Response *r;
	struct store_link_hit now = *hit;
	struct stream *s;
	uint64_t from = 0, to = 0;
	enum range_result range;
	int rc;

	if (not_modified(conn, hit->etag, hit->attr.mtime_ns / 1000000000))
		return send_not_modified(conn, rq, hit);
	s = calloc(1, sizeof(*s));
	if (!s)
		return MHD_NO;
	s->rq = rq;
	if (!head) {
		/* Opened now: the size and validators of what is read. */
		rc = store_link_open(st, token, rel, &now, &s->f);
		if (rc) {
			free(s);
			return send_error(conn, rq, rc);
		}
		memcpy(s->token, token, sizeof(s->token));
		s->ino = now.attr.ino;
		s->checked_ns = mono_ns();
		s->rel = strdup(rel);
		if (!s->rel) {
			stream_free(s);
			return MHD_NO;
		}
	}
	range = request_range(conn, &now, &from, &to);
	if (range == RANGE_BAD) {
		stream_free(s);
		return send_unsatisfiable(conn, rq, &now);
	}
	if (range == RANGE_ONE) {
		s->off = from;
		s->len = to - from + 1;
	} else {
		s->len = now.attr.size;
	}
	r = MHD_create_response_from_callback(s->len, BLOCK, stream_read, s,
					      stream_free);
	if (!r) {
		stream_free(s);
		return MHD_NO;
	}
	/* A published page runs nowhere: no script, no request out (its
	 * images and styles neither), no origin of this site. */
	MHD_add_response_header(r, "Content-Security-Policy", FILE_CSP);
	return send_body(conn, rq, r, &now, type_of(now.name),
			 range == RANGE_ONE, from, to);
}

/* ---- the calendar ---- */

static enum MHD_Result serve_feed(struct MHD_Connection *conn, struct req *rq,
				  struct store *st, const char *token)
{
	struct store_link_hit hit;
	struct MHD_Response *r;
	uint64_t from = 0, to = 0;
	enum range_result range;
	char *ics = NULL;
	size_t len = 0;
	int rc;

	rc = store_link_feed(st, token, &hit, &ics, &len);
	if (rc)
		return send_error(conn, rq, rc);
	if (not_modified(conn, hit.etag, hit.attr.mtime_ns / 1000000000)) {
		free(ics);
		return send_not_modified(conn, rq, &hit);
	}
	range = request_range(conn, &hit, &from, &to);
	if (range == RANGE_BAD) {
		free(ics);
		return send_unsatisfiable(conn, rq, &hit);
	}
	if (range == RANGE_ONE) {
		r = MHD_create_response_from_buffer((size_t)(to - from + 1),
						    ics + from,
						    MHD_RESPMEM_MUST_COPY);
		free(ics);
	} else {
		r = MHD_create_response_from_buffer(len, ics,
						    MHD_RESPMEM_MUST_FREE);
	}
	if (!r) {
		if (range != RANGE_ONE)
			free(ics);
		return MHD_NO;
	}
	rq->bytes = range == RANGE_ONE ? to - from + 1 : len;
	return send_body(conn, rq, r, &hit, "text/calendar; charset=utf-8",
			 range == RANGE_ONE, from, to);
}

/* ---- folders ---- */

struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, tmp,
			(size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Text into HTML: every markup character escaped. */
static void buf_html(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_add(b, "&amp;", 5);
			break;
		case '<':
			buf_add(b, "&lt;", 4);
			break;
		case '>':
			buf_add(b, "&gt;", 4);
			break;
		case '"':
			buf_add(b, "&quot;", 6);
			break;
		case '\'':
			buf_add(b, "&#39;", 5);
			break;
		default:
			buf_add(b, s, 1);
		}
	}
}

/* A name as a relative URL: all but unreserved characters encoded. */
static void buf_url(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			buf_add(b, s, 1);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/* The entries of a folder, gathered before any is checked: the backend
 * is not called again from inside its readdir. */
struct entry {
	char *name;
	struct store_attr attr;
};
struct entries {
	struct entry *v;
	size_t n, cap;
	bool failed;
};

static int gather_entry(void *arg, const char *name, const struct store_attr *a)
{
	struct entries *e = arg;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 64;
		struct entry *v = realloc(e->v, cap * sizeof(*v));

		if (!v) {
			e->failed = true;
			return -ENOMEM;
		}
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n].name = strdup(name);
	if (!e->v[e->n].name) {
		e->failed = true;
		return -ENOMEM;
	}
	e->v[e->n++].attr = *a;
	return 0;
}

static void index_entry(struct buf *b, const char *name,
			const struct store_attr *a)
{
	bool dir = S_ISDIR(a->mode);
	char date[64], size[32];

	http_date(a->mtime_ns / 1000000000, date, sizeof(date));
	if (dir)
		snprintf(size, sizeof(size), "-");
	else
		store_format_size((int64_t)a->size, size, sizeof(size));
	buf_printf(b, "<tr><td><a href=\"./");
	buf_url(b, name);
	buf_add(b, dir ? "/\">" : "\">", dir ? 3 : 2);
	buf_html(b, name);
	buf_add(b, dir ? "/" : "", dir ? 1 : 0);
	buf_printf(b, "</a></td><td>%s</td><td>%s</td></tr>\n", size, date);
}

/* Each entry as the walk would serve it: a symbolic link only when it
 * leads to something inside the link, shown as what it leads to (its
 * size, its kind); one that leads out, nowhere or round is not listed. */
static void index_entries(struct buf *b, struct store *st, const char *token,
			  const char *rel, const struct entries *e)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct entry *en = &e->v[i];
		struct store_link_hit hit;
		char *path = NULL;
		int rc;

		if (!S_ISLNK(en->attr.mode)) {
			index_entry(b, en->name, &en->attr);
			continue;
		}
		if (rel[0] ? asprintf(&path, "%s/%s", rel, en->name) < 0
			   : !(path = strdup(en->name))) {
			b->failed = true;
			return;
		}
		rc = store_link_resolve(st, token, path, &hit);
		free(path);
		if (rc == 0)
			index_entry(b, en->name, &hit.attr);
	}
}

static enum MHD_Result serve_folder(struct MHD_Connection *conn, struct req *rq,
				    struct store *st, const char *token,
				    const char *rel,
				    const struct store_link_hit *hit)
{
	struct buf b = {0};
	struct entries e = {0};
	struct MHD_Response *r;
	const char *title = hit->name[0] ? hit->name : "documents";
	enum MHD_Result ret;
	int rc;

	buf_printf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		       "<title>");
	buf_html(&b, title);
	buf_printf(&b, "</title></head>\n<body><h1>");
	buf_html(&b, title);
	buf_printf(&b, "</h1>\n<table>\n<tr><th>Name</th><th>Size</th>"
		       "<th>Modified</th></tr>\n");
	if (rel[0])
		buf_printf(&b, "<tr><td><a href=\"../\">../</a></td><td>-</td>"
			       "<td></td></tr>\n");
	rc = store_link_readdir(st, token, rel, gather_entry, &e);
	if (e.failed && !rc)
		rc = -ENOMEM;
	if (!rc)
		index_entries(&b, st, token, rel, &e);
	for (size_t i = 0; i < e.n; i++)
		free(e.v[i].name);
	free(e.v);
	buf_printf(&b, "</table>\n</body></html>\n");
	if (rc || b.failed) {
		free(b.p);
		return send_error(conn, rq, rc ? rc : -ENOMEM);
	}
	r = MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(b.p);
		return MHD_NO;
	}
	common_headers(r);
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(
		r, "Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'");
	rq->status = MHD_HTTP_OK;
	rq->bytes = b.len;
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* A folder asked for without its trailing '/': where relative links in
 * its index resolve.  `last` is the folder's decoded name (the token for
 * the link's own folder), sent back encoded below "./": a name such as
 * "evil.example:" or "\\host" stays a relative path of this site. */
static enum MHD_Result redirect_slash(struct MHD_Connection *conn,
				      struct req *rq, const char *last)
{
	struct MHD_Response *r;
	struct buf loc = {0};
	enum MHD_Result ret;

	buf_add(&loc, "./", 2);
	buf_url(&loc, last);
	buf_add(&loc, "/", 1);
	if (loc.failed)
		return MHD_NO;
	r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(loc.p);
		return MHD_NO;
	}
	common_headers(r);
	MHD_add_response_header(r, "Location", loc.p);
	free(loc.p);
	rq->status = MHD_HTTP_MOVED_PERMANENTLY;
	ret = MHD_queue_response(conn, MHD_HTTP_MOVED_PERMANENTLY, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- the request ---- */

static enum MHD_Result serve(struct MHD_Connection *conn, struct req *rq,
			     const char *url, bool head)
{
	char token[STORE_LINK_TOKEN_LEN + 1], rel[STORE_PATH_MAX];
	const char *p = url + 3, *slash, *last;
	struct store_link_hit hit;
	struct store *st;
	bool trailing;
	size_t n;
	int rc;

	if (strncmp(url, "/l/", 3) != 0)
		return not_found(conn, rq);
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	if (n != STORE_LINK_TOKEN_LEN)
		return not_found(conn, rq);
	memcpy(token, p, n);
	token[n] = '\0';
	st = web_store();
	if (!st)
		return send_error(conn, rq, -EIO);
	if (decode_path(slash ? slash + 1 : "", rel, sizeof(rel), &trailing))
		return not_found(conn, rq);
	rc = store_link_resolve(st, token, rel, &hit);
	if (rc == 0)
		rq->link = hit.link;
	if (rc)
		return send_error(conn, rq, rc);
	/* /l/TOKEN/ is the folder of a folder link only. */
	trailing = trailing || (slash && !slash[1]);
	switch (hit.what) {
	case STORE_LINK_FEED:
		if (slash)
			return not_found(conn, rq);
		return serve_feed(conn, rq, st, token);
	case STORE_LINK_FILE:
		if (trailing)
			return not_found(conn, rq);
		return serve_file(conn, rq, st, token, rel, &hit, head);
	case STORE_LINK_FOLDER:
		if (!trailing) {
			last = strrchr(rel, '/');
			return redirect_slash(conn, rq,
					      last     ? last + 1
					      : rel[0] ? rel
						       : token);
		}
		return serve_folder(conn, rq, st, token, rel, &hit);
	}
	return not_found(conn, rq);
}

static struct req *req_new(const char *uri)
{
	struct req *rq = calloc(1, sizeof(*rq));

	if (!rq)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &rq->start);
	/* The path, as web_handle gets it: the query is never logged. */
	rq->url = uri ? strndup(uri, strcspn(uri, "?")) : NULL;
	return rq;
}

void *web_request_begin(void *cls, const char *uri, struct MHD_Connection *conn)
{
	/* NULL (no memory): web_handle tries again, and a request it never
	 * sees goes unlogged. */
	return req_new(uri);
}

enum MHD_Result web_handle(void *cls, struct MHD_Connection *conn,
			   const char *url, const char *method,
			   const char *version, const char *upload,
			   size_t *upload_size, void **con_cls)
{
	struct req *rq = *con_cls;
	bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	if (rq && rq->method[0]) {
		/* A body is not wanted: dropped.  Once the request is all
		 * read, the answer: the connection then stays open for the
		 * next request (keep-alive). */
		if (*upload_size) {
			*upload_size = 0;
			return MHD_YES;
		}
		if (rq->status)
			return MHD_YES;
		return serve(conn, rq, url, head);
	}
	/* The first call, once the headers are read. */
	if (!rq) {
		rq = req_new(url);
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
	}
	snprintf(rq->method, sizeof(rq->method), "%.15s", method);
	for (char *m = rq->method; *m; m++)
		if ((unsigned char)*m < 0x21 || (unsigned char)*m >= 0x7f)
			*m = '?';
	if (!rq->method[0])
		rq->method[0] = '?';
	/* Other methods are answered at once, their body unread (the
	 * connection closes after). */
	if (!head && strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		return send_static(conn, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
				   NOT_ALLOWED);
	return MHD_YES;
}

/*
 * The error answers libmicrohttpd sends itself (a malformed header, an
 * HTTP version it does not speak, a header too large) reach us only as a
 * message to its logger, "... HTTP response code is 505 ...".  It calls
 * that logger, then the completion or the close of the same connection,
 * from the thread that serves the connection (one of the pool's): the
 * status waits here for them.
 */
static __thread unsigned library_status;

void web_library_message(const char *msg)
{
	static const char key[] = "HTTP response code is ";
	const char *p = strstr(msg, key);
	unsigned long code;

	if (!p)
		return;
	code = strtoul(p + sizeof(key) - 1, NULL, 10);
	if (code >= 100 && code <= 599)
		library_status = (unsigned)code;
}

static void client_addr(struct MHD_Connection *conn, char *addr, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (!sa ||
	    getnameinfo(sa,
			sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in),
			addr, len, NULL, 0, NI_NUMERICHOST))
		snprintf(addr, len, "-");
}

/* Why libmicrohttpd ended a request web_handle never answered. */
static const char *ended(enum MHD_RequestTerminationCode toe)
{
	switch (toe) {
	case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
		return "timed out";
	case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
	case MHD_REQUEST_TERMINATED_READ_ERROR:
		return "client gone";
	case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
		return "server stopping";
	default:
		return "refused by the HTTP library";
	}
}

void web_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		   enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	char addr[64], status[16] = "-";
	struct timespec end;
	long ms;

	if (!rq)
		return;
	client_addr(conn, addr, sizeof(addr));
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (end.tv_sec - rq->start.tv_sec) * 1000 +
	     (end.tv_nsec - rq->start.tv_nsec) / 1000000;
	log_path(rq, rq->url);
	/* A request web_handle never saw was ended by libmicrohttpd, with
	 * its own error answer (library_status) or none: the method is not
	 * known. */
	if (!rq->method[0]) {
		if (library_status)
			snprintf(status, sizeof(status), "%u", library_status);
		web_log(LOG_INFO, "%s \"- %s\" %s 0 %ldms (%s)", addr, rq->path,
			status, ms, ended(toe));
	} else {
		/* A HEAD is answered with the headers a GET would have (the
		 * length of its body among them), and no body. */
		if (strcmp(rq->method, MHD_HTTP_METHOD_HEAD) == 0)
			rq->bytes = 0;
		web_log(LOG_INFO, "%s \"%s %s\" %u %" PRIu64 " %ldms%s", addr,
			rq->method, rq->path, rq->status, rq->bytes, ms,
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK
				? ""
				: " (cut short)");
	}
	library_status = 0;
	free(rq->url);
	free(rq);
	*con_cls = NULL;
}

void web_connection(void *cls, struct MHD_Connection *conn, void **sock_cls,
		    enum MHD_ConnectionNotificationCode toe)
{
	char addr[64];

	if (toe != MHD_CONNECTION_NOTIFY_CLOSED || !library_status)
		return;
	/* An error answer with no request begun: the request line itself
	 * was refused (an HTTP version not spoken, a malformed one). */
	client_addr(conn, addr, sizeof(addr));
	web_log(LOG_INFO, "%s \"- -\" %u 0 0ms (refused by the HTTP library)",
		addr, library_status);
	library_status = 0;
}
