/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declarations shared by the files of groupctl, the command-line front end
 * of a groupfs store.
 *
 * groupctl.c owns the command line: it parses the global options and the
 * options of each command from the tables declared here, opens the store,
 * resolves the actor and dispatches.  Each cmd_*.c file owns one noun (or a
 * few small ones) and exports its table of commands; output.c owns the two
 * output forms, aligned tables and JSON.  Nothing here knows how the store
 * is implemented: store.h is the only interface to the backend.
 */
#ifndef GROUPCTL_H
#define GROUPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

/* The three outcomes of a command, which are also groupctl's exit codes. */
enum cmd_status {
	CMD_OK = 0,
	CMD_REFUSED = 1, /* the backend or the system said no */
	CMD_USAGE = 2,	 /* the command line is wrong */
};

#define CMD_MAX_OPTIONS 16
#define CMD_MANY	((size_t)-1) /* max_args: no upper bound */

/* An option of a command: "--name" or "--name ARG" / "--name=ARG". */
struct cmd_option {
	const char *name; /* without the leading "--"; NULL ends a table */
	const char *arg;  /* metavariable when it takes a value, else NULL */
	const char *help;
};

/* A parsed command line, handed to a command's run function. */
struct cmd_args {
	/* Indexed like the command's option table: the value given, "" for
	 * a flag that was given, NULL for an option that was not. */
	const char *opt[CMD_MAX_OPTIONS];
	const char *const *pos; /* positional arguments after NOUN VERB */
	size_t npos;
};

struct cmd;

/* What a running command knows about its invocation. */
struct cmd_ctx {
	const struct cmd *cmd;
	const char *store_dir;	    /* --store, or the default */
	const char *as_user;	    /* --as, or NULL */
	bool json;		    /* --json */
	struct store *st;	    /* the open store, or NULL */
	struct store_caller caller; /* the actor, once the store is open */
};

enum cmd_flags {
	/*
	 * The run function opens the store itself with cmd_open_store(),
	 * once its arguments are checked, so that a usage error is reported
	 * as one whatever the state of the store.  Without this flag the
	 * store is open when run is called.
	 */
	CMD_OWN_STORE = 1 << 0,
	/*
	 * The command creates a store (init, demo): it needs no privilege,
	 * so a set-group-id groupctl gives it up for good before it runs;
	 * the new store belongs to the caller.  Implies CMD_OWN_STORE.
	 */
	CMD_NEW_STORE = 1 << 1 | CMD_OWN_STORE,
};

struct cmd {
	const char *noun;     /* NULL ends a table */
	const char *verb;     /* NULL when the noun is the whole command */
	const char *synopsis; /* what follows "groupctl NOUN VERB" */
	const char *summary;  /* one line */
	const char *help;     /* more text for --help, or NULL */
	const struct cmd_option *options;
	size_t min_args, max_args;
	unsigned flags;
	int (*run)(struct cmd_ctx *ctx, const struct cmd_args *a);
};

/* The command tables, one per file. */
extern const struct cmd cmd_store_commands[];
extern const struct cmd cmd_account_commands[];
extern const struct cmd cmd_group_commands[];
extern const struct cmd cmd_member_commands[];
extern const struct cmd cmd_rights_commands[];
extern const struct cmd cmd_pim_commands[];
extern const struct cmd cmd_demo_commands[];
extern const struct cmd cmd_backup_commands[];
extern const struct cmd cmd_link_commands[];
extern const struct cmd cmd_history_commands[];
extern const struct cmd cmd_mail_commands[];

/* Mail `username` their pending invitation to `group` (cmd_mail.c), when
 * the store sends mail; a failure is one warning line on stderr. */
void cmd_mail_invitation(struct cmd_ctx *ctx, const char *group,
			 const char *username);

/* ---- the store (groupctl.c) ------------------------------------------- */

/* Open ctx->store_dir into ctx->st and resolve the actor into ctx->caller;
 * CMD_OK, or CMD_REFUSED after printing why.  main() closes it. */
int cmd_open_store(struct cmd_ctx *ctx);

/* ---- errors (groupctl.c) ---------------------------------------------- */

/* Report the backend's refusal `rc` (a negative errno) on ctx->st as one
 * line "groupctl: MESSAGE"; returns CMD_REFUSED. */
int cmd_refused(struct cmd_ctx *ctx, int rc);
/* Report a failure that is not the backend's; returns CMD_REFUSED. */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line on stderr, "groupctl: PREFIXMSG": controls and invisible
 * characters in MSG (a name from the store or the command line) escaped,
 * so that a message is always one line and cannot drive the terminal. */
void cmd_say(const char *prefix, const char *msg);
/* MSG escaped as cmd_say shows it (malloc'd; NULL when out of memory). */
char *cmd_escape_line(const char *msg);
/* Report a usage error with a hint to --help; returns CMD_USAGE. */
int cmd_usage_error(struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- helpers (groupctl.c) --------------------------------------------- */

/*
 * Read the file `path` ("-": standard input) with the caller's own
 * permissions, even in a groupctl installed set-group-id.  At most `max`
 * bytes are read; a longer file yields max + 1 bytes so that the backend
 * can refuse it by its own rule.  *buf is malloc'd (NUL-terminated, not
 * counted in *len).  Returns 0 or a negative errno, after printing why.
 */
int cmd_read_file(const char *path, size_t max, char **buf, size_t *len);
/*
 * Write `len` bytes to the file `path` ("-": standard output), created or
 * truncated with the caller's own permissions, as cmd_read_file reads.
 * Returns 0 or a negative errno, after printing why.
 */
int cmd_write_file(const char *path, const void *data, size_t len);
/* The same for a password or passphrase: one trailing newline is dropped.
 * Free with cmd_free_secret(). */
int cmd_read_secret(const char *path, char **buf, size_t *len);
void cmd_free_secret(char *buf, size_t len);

/* Copy `src` into the fixed field dst[size]; a value that does not fit is
 * refused, naming `what`: 0 or -ENAMETOOLONG after printing why. */
int cmd_copy(char *dst, size_t size, const char *src, const char *what);
/* Create the missing parents of `path` (not path itself), like mkdir -p:
 * the default store's parents may not exist yet.  0 or -errno, after
 * printing why. */
int cmd_make_parents(const char *path);
/* A Unix user name or numeric uid: 0, or -EINVAL when neither. */
int cmd_parse_uid(const char *s, int64_t *uid);
/* The name of `uid` ("1001" when it has none), "-" for -1. */
const char *cmd_uid_name(int64_t uid, char *buf, size_t len);
/* A non-negative integer option: 0 or -EINVAL. */
int cmd_parse_count(const char *s, int64_t *out);
/* "2024-05-01 14:03" in local time, "-" for 0 or less. */
const char *cmd_format_time(int64_t t, char *buf, size_t len);
/* store_format_size, "-" for a negative (hidden or unknown) size. */
const char *cmd_format_size(int64_t bytes, char *buf, size_t len);
/* The default store: $GROUPFS_STORE, $XDG_DATA_HOME/groupfs or
 * ~/.local/share/groupfs.  0, or -ENOENT when there is no home. */
int cmd_default_store(char *buf, size_t len);

/* ---- output (output.c) ------------------------------------------------ */

/* An aligned table with a header line; cells are copied.  Allocation
 * failures are remembered and reported by cmd_table_flush. */
struct cmd_table {
	size_t ncols, nrows, cap;
	char **cells;
	bool failed;
};
void cmd_table_init(struct cmd_table *t, size_t ncols, ...);
/* Exactly t->ncols strings; NULL prints as "-". */
void cmd_table_row(struct cmd_table *t, ...);
/* Print the table on standard output and free it: CMD_OK, or CMD_REFUSED
 * after saying that memory ran out while it was built. */
int cmd_table_flush(struct cmd_table *t);

/* "key: value" (value NULL or "": "-"). */
void cmd_show(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A JSON document written as it goes.  `key` names the value inside an
 * object and is NULL inside an array or at the top.  Strings are escaped
 * (invalid UTF-8 becomes U+FFFD); a NULL string is null.
 */
struct cmd_json {
	FILE *f;
	unsigned depth;
	bool need_comma;
};
void cmd_json_init(struct cmd_json *j, FILE *f);
void cmd_json_object(struct cmd_json *j, const char *key);
void cmd_json_array(struct cmd_json *j, const char *key);
void cmd_json_end_object(struct cmd_json *j);
void cmd_json_end_array(struct cmd_json *j);
void cmd_json_string(struct cmd_json *j, const char *key, const char *v);
/* "" is null: for fields the backend leaves empty when unset or hidden. */
void cmd_json_string_or_null(struct cmd_json *j, const char *key,
			     const char *v);
void cmd_json_int(struct cmd_json *j, const char *key, int64_t v);
/* A negative value (the backend's "hidden" or "none") is null. */
void cmd_json_count(struct cmd_json *j, const char *key, int64_t v);
void cmd_json_bool(struct cmd_json *j, const char *key, bool v);
void cmd_json_null(struct cmd_json *j, const char *key);
void cmd_json_names(struct cmd_json *j, const char *key,
		    const struct store_names *names);
/* Ends the document with a newline. */
void cmd_json_finish(struct cmd_json *j);

#endif
