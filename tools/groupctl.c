// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl: the command line of a groupfs store.
 *
 * This file owns the command line itself: it finds NOUN and VERB in the
 * tables of the cmd_*.c files, parses the global options (--store, --as,
 * --json, --help, --version) wherever they appear and each command's own
 * options from its table, prints help at the three levels (global, noun,
 * command), opens the store, resolves the actor and runs the command.  It
 * also holds the small helpers every command shares: error reporting, file
 * reading with the caller's own permissions, uids, times and sizes.
 *
 * Exit codes: 0 success, 1 a refusal or failure, 2 a usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "groupctl.h"

#ifndef GROUPFS_VERSION
#define GROUPFS_VERSION "unknown"
#endif

static const struct noun {
	const char *name;
	const char *summary;
} nouns[] = {
	{"init", "create a store"},
	{"plan", "subscription plans"},
	{"account", "accounts and their profiles"},
	{"group", "groups, their settings, members and roles"},
	{"invitation", "your own pending invitations"},
	{"rights", "who may add, delete and edit in a group"},
	{"share", "your personal calendar, shared with co-members"},
	{"calendar", "events of group calendars and personal ones"},
	{"contacts", "contacts of groups and your own"},
	{"busy", "a member's busy times"},
	{"usage", "bytes and files used against capacities"},
	{"check", "verify the store"},
	{"mail", "the groups' shared mailboxes: delivery by an MTA"},
	{"store", "how the store sends mail"},
	{"backup", "a consistent copy of the store, while in use"},
	{"restore", "a new store from a backup"},
	{"migrate", "move the store to PostgreSQL or back to SQLite"},
	{"link", "public links to calendars, files and folders"},
	{"history", "deleted items and earlier versions"},
	{"demo", "create a store filled with an example company"},
	{NULL, NULL},
};

static const struct cmd *const tables[] = {
	cmd_store_commands,  cmd_account_commands, cmd_group_commands,
	cmd_member_commands, cmd_rights_commands,  cmd_pim_commands,
	cmd_demo_commands,   cmd_backup_commands,   cmd_link_commands,
	cmd_mail_commands,   cmd_history_commands,
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static const struct cmd_option global_options[] = {
	{"store", "DIR", "the store (default: see ENVIRONMENT in groupctl(1))"},
	{"as", "ACCOUNT", "act as ACCOUNT (the store operator only)"},
	{"json", NULL, "print listings as one JSON document"},
	{"help", NULL, "print help and exit (also -h)"},
	{"version", NULL, "print the version and exit"},
	{NULL, NULL, NULL},
};

enum { G_STORE, G_AS, G_JSON, G_HELP, G_VERSION };

/* ---- errors ----------------------------------------------------------- */

int cmd_refused(struct cmd_ctx *ctx, int rc)
{
	const char *msg = ctx->st ? store_errmsg(ctx->st) : NULL;

	if (!msg || !*msg)
		msg = strerror(-rc);
	cmd_say("", msg);
	return CMD_REFUSED;
}

int cmd_fail(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_say("", msg);
	return CMD_REFUSED;
}

static void print_hint(const char *noun, const struct cmd *cmd)
{
	if (cmd && cmd->verb)
		fprintf(stderr, "Try 'groupctl %s %s --help'.\n", cmd->noun,
			cmd->verb);
	else if (noun)
		fprintf(stderr, "Try 'groupctl %s --help'.\n", noun);
	else
		fputs("Try 'groupctl --help'.\n", stderr);
}

static const char *cmd_name(const struct cmd *cmd, char *buf, size_t len)
{
	if (cmd->verb)
		snprintf(buf, len, "%s %s", cmd->noun, cmd->verb);
	else
		snprintf(buf, len, "%s", cmd->noun);
	return buf;
}

int cmd_usage_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	char name[64], prefix[80], msg[2048];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s: ",
		 cmd_name(ctx->cmd, name, sizeof(name)));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_say(prefix, msg);
	print_hint(ctx->cmd->noun, ctx->cmd);
	return CMD_USAGE;
}

#if defined(__SANITIZE_ADDRESS__)
/* In a sanitizer build: LeakSanitizer cannot stop the threads of a process
 * that may not be traced (set-user-id or set-group-id), and would fail the
 * run at exit; such runs keep every other check, and leaks are checked in
 * the ordinary ones. */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return prctl(PR_GET_DUMPABLE) != 1;
}
#endif

/* ---- helpers ---------------------------------------------------------- */

/* Set once groupctl became the store's owner for good (before_write). */
static bool caller_gone;

/*
 * In a groupctl installed set-group-id (or set-user-id), a file named on
 * the command line is opened with the caller's own identity, so the
 * privilege that reaches the store never reads anything else.
 */
static int open_as_caller(const char *path, int flags, mode_t mode)
{
	uid_t euid = geteuid(), ruid = getuid();
	gid_t egid = getegid(), rgid = getgid();
	int fd = -1, err = 0;

	/* The caller's identity is gone: nothing more is read or written
	 * on their behalf (commands read their files before writing). */
	if (caller_gone)
		return -EPERM;

	if (egid != rgid && setegid(rgid) < 0)
		return -errno;
	if (euid != ruid && seteuid(ruid) < 0) {
		err = -errno;
		goto restore_gid;
	}
	fd = open(path, flags | O_CLOEXEC, mode);
	if (fd < 0)
		err = -errno;
	if (euid != ruid && seteuid(euid) < 0 && !err)
		err = -errno;
restore_gid:
	if (egid != rgid && setegid(egid) < 0 && !err)
		err = -errno;
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

int cmd_read_file(const char *path, size_t max, char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd, rc = 0;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else
		fd = open_as_caller(path, O_RDONLY, 0);
	if (fd < 0) {
		rc = fd;
		cmd_fail("%s: %s", path, strerror(-rc));
		goto out;
	}
	/* Room for max + 1 bytes and the NUL, never more. */
	for (;;) {
		ssize_t got;

		if (len > max)
			break;
		if (cap - len < 2) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nbuf;

			if (ncap > max + 2)
				ncap = max + 2;
			nbuf = realloc(buf, ncap);
			if (!nbuf) {
				rc = -ENOMEM;
				cmd_fail("%s: %s", path, strerror(ENOMEM));
				goto close_fd;
			}
			buf = nbuf;
			cap = ncap;
		}
		got = read(fd, buf + len, cap - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			cmd_fail("%s: %s", path, strerror(errno));
			goto close_fd;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	buf[len] = '\0';
close_fd:
	if (fd != STDIN_FILENO)
		close(fd);
out:
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int cmd_write_file(const char *path, const void *data, size_t len)
{
	const char *p = data;
	int fd, rc = 0;

	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) == len)
			return 0;
		rc = errno ? -errno : -EIO;
		cmd_fail("write error: %s", strerror(-rc));
		return rc;
	}
	fd = open_as_caller(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		cmd_fail("%s: %s", path, strerror(-fd));
		return fd;
	}
	while (len > 0) {
		ssize_t done = write(fd, p, len);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0) {
			rc = -errno;
			break;
		}
		p += done;
		len -= (size_t)done;
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		cmd_fail("%s: %s", path, strerror(-rc));
	return rc;
}

#define SECRET_MAX 4096

int cmd_read_secret(const char *path, char **bufp, size_t *lenp)
{
	char *buf;
	size_t len;
	int rc;

	rc = cmd_read_file(path, SECRET_MAX, &buf, &len);
	if (rc < 0)
		return rc;
	if (len > SECRET_MAX) {
		cmd_free_secret(buf, len);
		cmd_fail("%s: longer than %d bytes", path, SECRET_MAX);
		return -EINVAL;
	}
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

void cmd_free_secret(char *buf, size_t len)
{
	if (!buf)
		return;
	explicit_bzero(buf, len + 1);
	free(buf);
}

int cmd_copy(char *dst, size_t size, const char *src, const char *what)
{
	size_t len = strlen(src);

	if (len >= size) {
		cmd_fail("%s: at most %zu bytes", what, size - 1);
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

int cmd_make_parents(const char *path)
{
	char *copy = strdup(path), *p;
	struct stat sb;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (p = strchr(copy + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (stat(copy, &sb) < 0) {
			if (errno != ENOENT) {
				rc = -errno;
				cmd_fail("%s: %s", copy, strerror(errno));
				break;
			}
			if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
				rc = -errno;
				cmd_fail("cannot create %s: %s", copy,
					 strerror(errno));
				break;
			}
		}
		*p = '/';
	}
	free(copy);
	return rc;
}

static int parse_number(const char *s, int64_t *out)
{
	long long v;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int cmd_parse_uid(const char *s, int64_t *uid)
{
	struct passwd *pw = getpwnam(s);
	int64_t v;

	if (pw) {
		*uid = pw->pw_uid;
		return 0;
	}
	if (parse_number(s, &v) < 0 || v > (int64_t)UINT32_MAX - 1)
		return -EINVAL;
	*uid = v;
	return 0;
}

const char *cmd_uid_name(int64_t uid, char *buf, size_t len)
{
	struct passwd *pw;

	if (uid < 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	pw = getpwuid((uid_t)uid);
	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%lld", (long long)uid);
	return buf;
}

int cmd_parse_count(const char *s, int64_t *out)
{
	return parse_number(s, out);
}

const char *cmd_format_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !localtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "-");
	return buf;
}

const char *cmd_format_size(int64_t bytes, char *buf, size_t len)
{
	if (bytes < 0)
		snprintf(buf, len, "-");
	else
		store_format_size(bytes, buf, len);
	return buf;
}

int cmd_default_store(char *buf, size_t len)
{
	const char *s = getenv("GROUPFS_STORE");
	struct passwd *pw;
	int n;

	if (s && *s) {
		n = snprintf(buf, len, "%s", s);
		goto done;
	}
	s = getenv("XDG_DATA_HOME");
	/* The XDG spec ignores a relative path. */
	if (s && *s == '/') {
		n = snprintf(buf, len, "%s/groupfs", s);
		goto done;
	}
	s = getenv("HOME");
	if (!s || !*s) {
		pw = getpwuid(getuid());
		s = pw ? pw->pw_dir : NULL;
	}
	if (!s || !*s)
		return -ENOENT;
	n = snprintf(buf, len, "%s/.local/share/groupfs", s);
done:
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* ---- help ------------------------------------------------------------- */

static const struct noun *find_noun(const char *name)
{
	const struct noun *n;

	for (n = nouns; n->name; n++)
		if (strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

/* The command of `noun` and `verb` (verb NULL: the verbless command). */
static const struct cmd *find_cmd(const char *noun, const char *verb)
{
	const struct cmd *c;
	size_t t;

	for (t = 0; t < NTABLES; t++)
		for (c = tables[t]; c->noun; c++) {
			if (strcmp(c->noun, noun) != 0)
				continue;
			if (!verb && !c->verb)
				return c;
			if (verb && c->verb && strcmp(c->verb, verb) == 0)
				return c;
		}
	return NULL;
}

/*
 * "groupctl NOUN VERB SYNOPSIS", wrapped at 80 columns between the
 * top-level words of the synopsis (never inside [...] or (...)), with
 * continuation lines indented under the first argument.
 */
static void print_synopsis(FILE *f, const struct cmd *c, const char *indent)
{
	const char *s = c->synopsis, *word;
	size_t col, start;
	char name[64];
	int depth;

	col = (size_t)fprintf(f, "%sgroupctl %s", indent,
			      cmd_name(c, name, sizeof(name)));
	start = strlen(indent) + 8;
	while (*s) {
		while (*s == ' ')
			s++;
		word = s;
		for (depth = 0; *s && (depth > 0 || *s != ' '); s++) {
			if (*s == '[' || *s == '(')
				depth++;
			else if ((*s == ']' || *s == ')') && depth > 0)
				depth--;
		}
		if (s == word)
			break;
		if (col + 1 + (size_t)(s - word) > 79 && col > start) {
			col = (size_t)fprintf(f, "\n%*s", (int)start, "") - 1;
		}
		col += (size_t)fprintf(f, " %.*s", (int)(s - word), word);
	}
	fputc('\n', f);
}

/*
 * Print `text` filled to 79 columns, starting at column `col` and going on
 * at column `indent`; the help texts of the tables are single paragraphs
 * so that the formatter may split their literals anywhere.
 */
static void print_wrapped(FILE *f, const char *text, size_t col, size_t indent)
{
	const char *word = text;
	bool first = true;

	while (*word) {
		size_t len = strcspn(word, " ");

		if (!first && col + 1 + len > 79) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			first = true;
		}
		col += (size_t)fprintf(f, "%s%.*s", first ? "" : " ", (int)len,
				       word);
		first = false;
		word += len;
		word += strspn(word, " ");
	}
	fputc('\n', f);
}

static void print_options(FILE *f, const struct cmd_option *o)
{
	for (; o && o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-24s ", left);
		print_wrapped(f, o->help, 27, 27);
	}
}

static void help_global(void)
{
	const struct noun *n;
	const struct cmd *c;
	char name[64];
	size_t t;

	puts("Usage: groupctl [--store DIR] [--as ACCOUNT] [--json] "
	     "NOUN VERB [ARGS]\n\n"
	     "Manage a groupfs store: plans, accounts, groups, members, "
	     "invitations,\naccess rights, calendar shares, calendars and "
	     "contacts.\n\nCommands:");
	for (n = nouns; n->name; n++)
		for (t = 0; t < NTABLES; t++)
			for (c = tables[t]; c->noun; c++)
				if (strcmp(c->noun, n->name) == 0)
					printf("  %-24s %s\n",
					       cmd_name(c, name, sizeof(name)),
					       c->summary);
	puts("\nGlobal options, accepted anywhere on the line:");
	print_options(stdout, global_options);
	puts("\nThe actor is the account bound to your Unix user; --as is for "
	     "the store\noperator (root and the owner of the store).\n\n"
	     "Exit status: 0 success, 1 refused or failed, 2 usage error.\n"
	     "'groupctl NOUN --help' and 'groupctl NOUN VERB --help' tell "
	     "more;\nso does groupctl(1).");
}

static void help_noun(const struct noun *n)
{
	const struct cmd *c;
	size_t t;

	printf("groupctl %s: %s\n\nUsage:\n", n->name, n->summary);
	for (t = 0; t < NTABLES; t++)
		for (c = tables[t]; c->noun; c++)
			if (strcmp(c->noun, n->name) == 0)
				print_synopsis(stdout, c, "  ");
	puts("\nCommands:");
	for (t = 0; t < NTABLES; t++)
		for (c = tables[t]; c->noun; c++)
			if (strcmp(c->noun, n->name) == 0)
				printf("  %-14s %s\n",
				       c->verb ? c->verb : c->noun, c->summary);
	printf("\nRun 'groupctl %s VERB --help' for a command's options.\n",
	       n->name);
}

static void help_cmd(const struct cmd *c)
{
	print_synopsis(stdout, c, "Usage: ");
	/* The summary is a phrase; here it stands as a sentence. */
	printf("\n%c%s.\n", toupper((unsigned char)c->summary[0]),
	       c->summary + 1);
	if (c->help) {
		fputc('\n', stdout);
		print_wrapped(stdout, c->help, 0, 0);
	}
	if (c->options && c->options->name) {
		puts("\nOptions:");
		print_options(stdout, c->options);
	}
	puts("\nGlobal options: --store DIR, --as ACCOUNT, --json (see "
	     "'groupctl --help').");
}

/* ---- parsing ---------------------------------------------------------- */

struct parse {
	const struct noun *noun;
	const struct cmd *cmd;
	bool help, version, dashdash;
	bool word_error; /* an unknown noun or verb: nothing more to say */
	char error[256]; /* the first usage error, "" if none */
};

static void parse_error(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void parse_error(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
}

/* The index of option `name` (len bytes) in table `o`, or -1. */
static int find_option(const struct cmd_option *o, const char *name, size_t len)
{
	int i;

	for (i = 0; o && o[i].name; i++)
		if (strlen(o[i].name) == len && !strncmp(o[i].name, name, len))
			return i;
	return -1;
}

/* Parse the option at argv[*i], consuming its value. */
static void parse_option(struct parse *p, struct cmd_ctx *ctx,
			 struct cmd_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *name, *eq, *value = NULL;
	const struct cmd_option *table = global_options;
	size_t len;
	int k;

	if (strcmp(arg, "-h") == 0) {
		p->help = true;
		return;
	}
	if (arg[1] != '-') {
		parse_error(p, "unknown option '%s'", arg);
		return;
	}
	name = arg + 2;
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	k = find_option(global_options, name, len);
	if (k < 0 && p->cmd) {
		table = p->cmd->options;
		k = find_option(table, name, len);
	}
	if (k < 0) {
		parse_error(p, "unknown option '--%.*s'", (int)len, name);
		return;
	}
	if (table[k].arg) {
		if (eq)
			value = eq + 1;
		else if (*i + 1 < argc)
			value = argv[++*i];
		else {
			parse_error(p, "option '--%s' needs a value %s",
				    table[k].name, table[k].arg);
			return;
		}
	} else if (eq) {
		parse_error(p, "option '--%s' takes no value", table[k].name);
		return;
	}
	if (table != global_options) {
		a->opt[k] = value ? value : "";
		return;
	}
	switch (k) {
	case G_STORE:
		ctx->store_dir = value;
		break;
	case G_AS:
		ctx->as_user = value;
		break;
	case G_JSON:
		ctx->json = true;
		break;
	case G_HELP:
		p->help = true;
		break;
	case G_VERSION:
		p->version = true;
		break;
	}
}

/* A word that is not an option: NOUN, VERB or a positional argument. */
static void parse_word(struct parse *p, struct cmd_args *a, const char **pos,
		       const char *word)
{
	if (p->word_error)
		return;
	if (!p->noun) {
		if (strcmp(word, "help") == 0 && !p->help) {
			p->help = true;
			return;
		}
		p->noun = find_noun(word);
		if (!p->noun) {
			p->word_error = true;
			parse_error(p, "unknown command '%s'", word);
			return;
		}
		p->cmd = find_cmd(word, NULL);
		return;
	}
	if (!p->cmd) {
		if (strcmp(word, "help") == 0) {
			p->help = true;
			return;
		}
		p->cmd = find_cmd(p->noun->name, word);
		if (!p->cmd) {
			p->word_error = true;
			parse_error(p, "%s: unknown command '%s'",
				    p->noun->name, word);
		}
		return;
	}
	pos[a->npos++] = word;
}

static int parse_line(struct parse *p, struct cmd_ctx *ctx, struct cmd_args *a,
		      const char **pos, int argc, char **argv)
{
	char name[64];
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!p->dashdash && strcmp(arg, "--") == 0)
			p->dashdash = true;
		else if (!p->dashdash && arg[0] == '-' && arg[1])
			parse_option(p, ctx, a, argc, argv, &i);
		else
			parse_word(p, a, pos, arg);
	}
	a->pos = pos;

	if (p->version && !p->help) {
		printf("groupctl %s\n", GROUPFS_VERSION);
		return CMD_OK;
	}
	if (p->word_error) {
		cmd_say("", p->error);
		print_hint(p->noun ? p->noun->name : NULL, NULL);
		return CMD_USAGE;
	}
	if (p->help) {
		if (p->cmd)
			help_cmd(p->cmd);
		else if (p->noun)
			help_noun(p->noun);
		else
			help_global();
		return CMD_OK;
	}
	if (!p->error[0] && !p->noun)
		parse_error(p, "missing command");
	else if (!p->error[0] && !p->cmd)
		parse_error(p, "%s: missing command", p->noun->name);
	else if (!p->error[0] && a->npos < p->cmd->min_args)
		parse_error(p, "%s: missing argument",
			    cmd_name(p->cmd, name, sizeof(name)));
	else if (!p->error[0] && a->npos > p->cmd->max_args)
		parse_error(p, "%s: unexpected argument '%s'",
			    cmd_name(p->cmd, name, sizeof(name)),
			    a->pos[p->cmd->max_args]);
	if (p->error[0]) {
		cmd_say("", p->error);
		print_hint(p->noun ? p->noun->name : NULL, p->cmd);
		return CMD_USAGE;
	}
	return -1; /* go on: run the command */
}

/* ---- running ---------------------------------------------------------- */

/* Log lines wait here while groupctl may hold the write lock: a caller's
 * stderr that nobody reads must not stall the store (flushed by main). */
static char held_log[8192];
static size_t held_len;
static bool hold_log;

static void log_line(void *arg, enum store_log_level level, const char *msg)
{
	char *shown;
	int n;

	if (level == STORE_LOG_INFO)
		return;
	if (!hold_log) {
		cmd_say(level == STORE_LOG_WARNING ? "warning: " : "", msg);
		return;
	}
	shown = cmd_escape_line(msg);
	n = snprintf(held_log + held_len, sizeof(held_log) - held_len,
		     "groupctl: %s%s\n",
		     level == STORE_LOG_WARNING ? "warning: " : "",
		     shown ? shown : msg);
	free(shown);
	if (n > 0)
		held_len += (size_t)n < sizeof(held_log) - held_len
				    ? (size_t)n
				    : sizeof(held_log) - held_len - 1;
}

static void flush_log(void)
{
	if (held_len)
		fputs(held_log, stderr);
	held_len = 0;
}

/*
 * Just before groupctl first takes the store's write lock.  No caller may
 * freeze the store by stopping their own groupctl while it holds the lock
 * (every mount's writes would wait on it): the terminal's stop and
 * interrupt signals are blocked from here on, log lines are held, and in a
 * set-user-id install (groupctl owned by the store's owner, mode 4755)
 * groupctl becomes that owner entirely, real and saved user ids too, so
 * that its caller may no longer signal it at all (kill -STOP included).
 * In a set-group-id install the caller keeps that power: see README.md.
 */
static int before_write(void *arg)
{
	uid_t euid = geteuid();
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTSTP);
	sigaddset(&set, SIGTTIN);
	sigaddset(&set, SIGTTOU);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -errno;
	hold_log = true;
	if (getuid() != euid) {
		if (setresuid(euid, euid, euid) != 0)
			return -errno;
		caller_gone = true;
	}
	return 0;
}

int cmd_open_store(struct cmd_ctx *ctx)
{
	char err[512] = "";
	int rc;

	rc = store_open(ctx->store_dir, 0, NULL, 0, &ctx->st, err, sizeof(err));
	if (rc < 0) {
		ctx->st = NULL;
		return cmd_fail("%s", err[0] ? err : strerror(-rc));
	}
	store_set_logger(ctx->st, log_line, NULL);
	/* This command sees everything the mounts acknowledged before it
	 * started (their group commit holds changes a few milliseconds).
	 * A user who may not write to the store cannot take the lock this
	 * waits on: their reads go on without waiting. */
	store_settle(ctx->st);
	store_clear_errmsg(ctx->st);
	store_set_write_hook(ctx->st, before_write, NULL);
	rc = store_caller_for_uid(ctx->st, getuid(), ctx->as_user,
				  &ctx->caller);
	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

/* Give up a set-group-id (or set-user-id) identity for good. */
static int drop_privileges(void)
{
	gid_t gid = getgid();
	uid_t uid = getuid();

	if (getegid() != gid && setresgid(gid, gid, gid) < 0)
		return cmd_fail("cannot drop privileges: %s", strerror(errno));
	if (geteuid() != uid && setresuid(uid, uid, uid) < 0)
		return cmd_fail("cannot drop privileges: %s", strerror(errno));
	return CMD_OK;
}

static int run(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int status = CMD_OK;

	if ((ctx->cmd->flags & CMD_NEW_STORE) == CMD_NEW_STORE)
		status = drop_privileges();
	else if (!(ctx->cmd->flags & CMD_OWN_STORE))
		status = cmd_open_store(ctx);
	if (status == CMD_OK)
		status = ctx->cmd->run(ctx, a);
	if (ctx->st)
		store_close(ctx->st);
	ctx->st = NULL;
	return status;
}

int main(int argc, char **argv)
{
	struct cmd_ctx ctx = {0};
	struct cmd_args args = {0};
	struct parse p = {0};
	char store_dir[PATH_MAX];
	const char **pos;
	int status;

	pos = calloc((size_t)argc + 1, sizeof(*pos));
	if (!pos) {
		cmd_fail("%s", strerror(ENOMEM));
		return CMD_REFUSED;
	}
	status = parse_line(&p, &ctx, &args, pos, argc, argv);
	if (status >= 0)
		goto free_pos;
	ctx.cmd = p.cmd;
	if (!ctx.store_dir) {
		if (cmd_default_store(store_dir, sizeof(store_dir)) < 0) {
			status = cmd_fail("no default store: set GROUPFS_STORE "
					  "or use --store");
			goto free_pos;
		}
		ctx.store_dir = store_dir;
	}
	status = run(&ctx, &args);
	flush_log();
free_pos:
	free(pos);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cmd_fail("write error: %s", strerror(errno));
		if (status == CMD_OK)
			status = CMD_REFUSED;
	}
	return status;
}
