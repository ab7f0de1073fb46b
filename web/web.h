/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * groupfs-web: the public links of a store over HTTP/1.1 (SPEC.md
 * section 6), on libmicrohttpd.  A front end beside fs/: it decides
 * nothing about links or rights; backend/store.h resolves each request.
 *
 * main.c owns the command line, the store, the log, the daemon's start
 * and stop; serve.c owns one request: its path, the link's answer and the
 * HTTP semantics (validators, ranges, the folder index).
 */
#ifndef GROUPFS_WEB_H
#define GROUPFS_WEB_H

#include <microhttpd.h>
#include <stdbool.h>

#include "store.h"

/* The store handle of the calling thread (one per thread, opened on first
 * use, closed when the thread ends); NULL when it cannot be opened. */
struct store *web_store(void);

/* One line in the log (syslog, stderr or the log file). */
void web_log(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* libmicrohttpd's callbacks for a request: its beginning (the URI
 * logger: the request line is read, the record of the request made), the
 * access handler, the completion (which logs the request's line, also for
 * one libmicrohttpd answered itself) and the URI unescaper (none: serve.c
 * decodes each path component itself, so that an encoded '/' cannot pass
 * for a separator). */
void *web_request_begin(void *cls, const char *uri,
			struct MHD_Connection *conn);
enum MHD_Result web_handle(void *cls, struct MHD_Connection *conn,
			   const char *url, const char *method,
			   const char *version, const char *upload,
			   size_t *upload_size, void **con_cls);
void web_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		   enum MHD_RequestTerminationCode toe);
size_t web_unescape(void *cls, struct MHD_Connection *conn, char *s);
/* A connection's close: logs a request whose request line libmicrohttpd
 * refused (no request began, so web_completed is not called). */
void web_connection(void *cls, struct MHD_Connection *conn, void **sock_cls,
		    enum MHD_ConnectionNotificationCode toe);
/* Each of libmicrohttpd's log messages, seen by the thread it came from:
 * the status of an error answer it sends itself, for the access log. */
void web_library_message(const char *msg);

/* Load /etc/mime.types (if present) for the types of files. */
void web_types_load(const char *path);

#endif
