// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl commands on calendars and contacts: calendar list, export and
 * import, contacts list, export and import, and busy.
 *
 * A folder is a group's (GROUP), the caller's own (no GROUP, or
 * --private), or for calendars a co-member's personal calendar shared with
 * the caller (--member USER).  The backend reads and writes the items and
 * checks every rule; these commands only choose the folder, load the
 * master key (content is encrypted with it, so these are the store
 * operator's commands: a set-group-id groupctl cannot read the key, and
 * says to use the mount instead), parse dates and print.
 *
 * Contacts have no listing call in the backend, so "contacts list" reads
 * each NAME.vcf of the folder through the store_fs_* calls and picks FN,
 * EMAIL, TEL, ORG and UID out of it here, for display only.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "groupctl.h"

/* An import file, read whole: far more than any real calendar. */
#define IMPORT_MAX (64u << 20)
/* A contact read for the listing (the backend's item limit). */
#define CARD_MAX (16u << 20)
/* The default listing window: today and the 30 days after it. */
#define WINDOW_DAYS 31

static const struct cmd_option *find_opt(const struct cmd_ctx *ctx,
					 const char *name, size_t *index)
{
	const struct cmd_option *o = ctx->cmd->options;
	size_t i;

	for (i = 0; o && o[i].name; i++)
		if (strcmp(o[i].name, name) == 0) {
			*index = i;
			return &o[i];
		}
	return NULL;
}

/* The value of option `name` of the running command, NULL if not given
 * (or not one of its options). */
static const char *opt(const struct cmd_ctx *ctx, const struct cmd_args *a,
		       const char *name)
{
	size_t i;

	return find_opt(ctx, name, &i) ? a->opt[i] : NULL;
}

static const char *cmd_label(const struct cmd_ctx *ctx, char *buf, size_t len)
{
	if (ctx->cmd->verb)
		snprintf(buf, len, "%s %s", ctx->cmd->noun, ctx->cmd->verb);
	else
		snprintf(buf, len, "%s", ctx->cmd->noun);
	return buf;
}

/* ---- the folder and the key ------------------------------------------- */

/* GROUP, --private or --member USER: at most one; none is --private. */
static int parse_where(struct cmd_ctx *ctx, const struct cmd_args *a,
		       enum store_tool tool, const char *group,
		       struct store_pim_where *w)
{
	const char *member = opt(ctx, a, "member");
	bool priv = opt(ctx, a, "private") != NULL;

	if ((group != NULL) + priv + (member != NULL) > 1)
		return cmd_usage_error(ctx, "give one of GROUP, --private%s",
				       tool == STORE_TOOL_CALENDAR
					       ? " and --member USER"
					       : "");
	if (member && !*member)
		return cmd_usage_error(ctx, "--member needs an account name");
	memset(w, 0, sizeof(*w));
	w->group = group;
	w->owner = member;
	w->tool = tool;
	return CMD_OK;
}

/*
 * Open the store and load the master key.  The key is readable by the
 * store's owner alone; anyone else (a user of a set-group-id groupctl)
 * is told, in one line, how to get at the data instead.
 */
static int open_with_key(struct cmd_ctx *ctx, const struct cmd_args *a,
			 const char *instead)
{
	const char *pass_file = opt(ctx, a, "passphrase-file");
	char *pass = NULL, name[64];
	size_t passlen = 0;
	int status, rc;

	status = cmd_open_store(ctx);
	if (status != CMD_OK)
		return status;
	if (pass_file && cmd_read_secret(pass_file, &pass, &passlen) < 0)
		return CMD_REFUSED;
	rc = store_load_key(ctx->st, pass, passlen);
	cmd_free_secret(pass, passlen);
	if (rc == 0)
		return CMD_OK;
	cmd_label(ctx, name, sizeof(name));
	if (rc == -EACCES || rc == -EPERM)
		return cmd_fail("%s needs the store's master key: run it as "
				"the store operator (with --as USER), or %s",
				name, instead);
	if (rc == -EKEYREJECTED && !pass_file)
		return cmd_fail("%s: the store's master key is wrapped: give "
				"its passphrase with --passphrase-file FILE",
				name);
	return cmd_refused(ctx, rc);
}

static const char *read_instead(enum store_tool tool)
{
	return tool == STORE_TOOL_CALENDAR
		       ? "read the calendar's .ics files through the mount"
		       : "read the contacts' .vcf files through the mount";
}

/* ---- dates ------------------------------------------------------------ */

static int digits(const char **s, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**s))
			return -EINVAL;
		v = v * 10 + (*(*s)++ - '0');
	}
	*out = v;
	return 0;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Midnight (local time) of the day `days` after y-m-d. */
static int64_t local_midnight(int y, int m, int d, int days)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + days;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/*
 * A DATE option: YYYY-MM-DD (local time; with `end`, the end of that day,
 * so that --to includes it), or ISO 8601 with a time,
 * YYYY-MM-DDTHH:MM[:SS] in local time or followed by Z or an offset
 * (+HH:MM, +HHMM, +HH).  The basic format (20250301T0900Z) is taken too.
 */
static int parse_date(const char *s, bool end, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	bool ext, has_time = false;
	struct tm tm = {0};
	const char *p = s;

	if (digits(&p, 4, &y) < 0)
		return -EINVAL;
	ext = *p == '-';
	if (ext)
		p++;
	if (digits(&p, 2, &mo) < 0 || (ext && *p++ != '-') ||
	    digits(&p, 2, &d) < 0)
		return -EINVAL;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return -EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		has_time = true;
		if (digits(&p, 2, &h) < 0)
			return -EINVAL;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &mi) < 0)
			return -EINVAL;
		if (*p == ':' || isdigit((unsigned char)*p)) {
			if (*p == ':')
				p++;
			if (digits(&p, 2, &sec) < 0)
				return -EINVAL;
			if (*p == '.' || *p == ',') /* fractions: dropped */
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -EINVAL;
		if (*p == 'Z' || *p == 'z') {
			sign = 1;
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '+' ? 1 : -1;
			if (digits(&p, 2, &oh) < 0)
				return -EINVAL;
			if (*p == ':')
				p++;
			if (*p && digits(&p, 2, &om) < 0)
				return -EINVAL;
			if (oh > 23 || om > 59)
				return -EINVAL;
		}
	}
	if (*p)
		return -EINVAL;
	if (!has_time) {
		*out = local_midnight(y, mo, d, end ? 1 : 0);
		return 0;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	if (!sign) {
		*out = (int64_t)mktime(&tm);
		return 0;
	}
	*out = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

/* The listing window: --from (default: the start of today) to --to
 * (default: the end of the 30th day after --from). */
static int parse_window(struct cmd_ctx *ctx, const struct cmd_args *a,
			int64_t *from, int64_t *to)
{
	const char *f = opt(ctx, a, "from"), *t = opt(ctx, a, "to");
	time_t now = time(NULL), base;
	struct tm tm;

	if (f && parse_date(f, false, from) < 0)
		return cmd_usage_error(ctx,
				       "bad date '%s' (YYYY-MM-DD or "
				       "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])",
				       f);
	if (t && parse_date(t, true, to) < 0)
		return cmd_usage_error(ctx,
				       "bad date '%s' (YYYY-MM-DD or "
				       "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])",
				       t);
	base = f ? (time_t)*from : now;
	if (!localtime_r(&base, &tm))
		return cmd_fail("cannot tell the local date");
	if (!f)
		*from = local_midnight(tm.tm_year + 1900, tm.tm_mon + 1,
				       tm.tm_mday, 0);
	if (!t)
		*to = local_midnight(tm.tm_year + 1900, tm.tm_mon + 1,
				     tm.tm_mday, WINDOW_DAYS);
	if (*to <= *from)
		return cmd_usage_error(ctx, "--to is not after --from");
	return CMD_OK;
}

/* "2025-03-01 09:00" in local time, or "2025-03-01" for an all-day
 * event (its dates are UTC midnights; `last` gives the last day of an
 * exclusive end). */
static const char *format_when(int64_t t, bool all_day, bool last, char *buf,
			       size_t len)
{
	time_t tt = (time_t)(last ? t - 1 : t);
	struct tm tm;

	if (!all_day)
		return cmd_format_time(t, buf, len);
	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d", &tm))
		snprintf(buf, len, "-");
	return buf;
}

static const char *format_utc(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "-");
	return buf;
}

/* ---- calendar list ---------------------------------------------------- */

static int run_calendar_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_occurrence *v = NULL;
	struct store_pim_where w;
	int64_t from = 0, to = 0;
	struct cmd_table t;
	struct cmd_json j;
	size_t n = 0, i;
	int status, rc;

	status = parse_where(ctx, a, STORE_TOOL_CALENDAR,
			     a->npos ? a->pos[0] : NULL, &w);
	if (status == CMD_OK)
		status = parse_window(ctx, a, &from, &to);
	if (status == CMD_OK)
		status = open_with_key(ctx, a, read_instead(w.tool));
	if (status != CMD_OK)
		return status;
	rc = store_calendar_occurrences(ctx->st, &ctx->caller, &w, from, to, &v,
					&n);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_int(&j, "start", v[i].start);
			cmd_json_int(&j, "end", v[i].end);
			cmd_json_bool(&j, "all_day", v[i].all_day);
			cmd_json_string(&j, "summary", v[i].summary);
			cmd_json_string(&j, "location", v[i].location);
			cmd_json_string(&j, "uid", v[i].uid);
			cmd_json_string(&j, "item", v[i].item);
			cmd_json_end_object(&j);
		}
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
	} else {
		cmd_table_init(&t, 5, "START", "END", "SUMMARY", "LOCATION",
			       "ITEM");
		for (i = 0; i < n; i++) {
			char start[32], end[32];

			cmd_table_row(&t,
				      format_when(v[i].start, v[i].all_day,
						  false, start, sizeof(start)),
				      format_when(v[i].end, v[i].all_day,
						  v[i].end > v[i].start, end,
						  sizeof(end)),
				      v[i].summary, v[i].location, v[i].item);
		}
		status = cmd_table_flush(&t);
	}
	store_occurrences_free(v, n);
	return status;
}

/* ---- export and import ------------------------------------------------ */

static int run_export(struct cmd_ctx *ctx, const struct cmd_args *a,
		      enum store_tool tool)
{
	const char *output = opt(ctx, a, "output");
	struct store_pim_where w;
	char *data = NULL;
	size_t len = 0;
	int status, rc;

	status = parse_where(ctx, a, tool, a->npos ? a->pos[0] : NULL, &w);
	if (status == CMD_OK && output && !*output)
		status = cmd_usage_error(ctx, "--output needs a file name");
	if (status == CMD_OK)
		status = open_with_key(ctx, a, read_instead(tool));
	if (status != CMD_OK)
		return status;
	rc = store_pim_export(ctx->st, &ctx->caller, &w, &data, &len);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	/* The file is written only once the export succeeded. */
	if (cmd_write_file(output ? output : "-", data, len) < 0)
		status = CMD_REFUSED;
	free(data);
	return status;
}

static int run_calendar_export(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return run_export(ctx, a, STORE_TOOL_CALENDAR);
}

static int run_contacts_export(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return run_export(ctx, a, STORE_TOOL_CONTACTS);
}

static void import_json(const struct store_import_result *r, size_t n)
{
	struct cmd_json j;
	size_t i;

	cmd_json_init(&j, stdout);
	cmd_json_array(&j, NULL);
	for (i = 0; i < n; i++) {
		cmd_json_object(&j, NULL);
		cmd_json_string(&j, "item", r[i].name);
		cmd_json_string_or_null(&j, "uid", r[i].uid);
		cmd_json_string(&j, "status",
				r[i].err ? "refused" : "imported");
		if (r[i].err)
			cmd_json_string(&j, "reason",
					r[i].why[0] ? r[i].why
						    : strerror(-r[i].err));
		else
			cmd_json_null(&j, "reason");
		cmd_json_end_object(&j);
	}
	cmd_json_end_array(&j);
	cmd_json_finish(&j);
}

/*
 * Each item is its own transaction: a refused one stops nothing.  The
 * imported ones are named on standard output, the refused ones on
 * standard error with the reason; the exit status is 1 when any was
 * refused.
 */
static int run_import(struct cmd_ctx *ctx, const struct cmd_args *a,
		      enum store_tool tool)
{
	const char *group = a->npos > 1 ? a->pos[0] : NULL;
	const char *file = a->pos[a->npos - 1];
	struct store_import_result *r = NULL;
	struct store_pim_where w;
	size_t len = 0, n = 0, i, refused = 0;
	char *data = NULL;
	uint64_t root;
	int status, rc;

	status = parse_where(ctx, a, tool, group, &w);
	if (status != CMD_OK)
		return status;
	if (cmd_read_file(file, IMPORT_MAX, &data, &len) < 0)
		return CMD_REFUSED;
	if (len > IMPORT_MAX) {
		status = cmd_fail("%s: larger than %u MiB", file,
				  IMPORT_MAX >> 20);
		goto free_data;
	}
	status =
		open_with_key(ctx, a,
			      tool == STORE_TOOL_CALENDAR
				      ? "write the .ics files through the mount"
				      : "write the .vcf files through the "
					"mount");
	if (status != CMD_OK)
		goto free_data;
	/* A folder the caller cannot reach is one refusal, not one per
	 * item. */
	if (!w.owner) {
		rc = store_tool_root(ctx->st, &ctx->caller, w.group, tool,
				     &root);
		if (rc < 0) {
			status = cmd_refused(ctx, rc);
			goto free_data;
		}
	}
	rc = store_pim_import(ctx->st, &ctx->caller, &w, data, len, &r, &n);
	if (rc < 0) {
		status = cmd_refused(ctx, rc);
		goto free_data;
	}
	for (i = 0; i < n; i++)
		refused += r[i].err != 0;
	if (ctx->json) {
		import_json(r, n);
		if (refused)
			cmd_fail("%s: %zu of %zu items refused", file, refused,
				 n);
	} else {
		for (i = 0; i < n; i++) {
			if (!r[i].err) {
				printf("imported %s\n", r[i].name);
				continue;
			}
			fflush(stdout);
			cmd_fail("refused %s: %s", r[i].name,
				 r[i].why[0] ? r[i].why : strerror(-r[i].err));
		}
		if (n == 0)
			printf("%s holds no %s\n", file,
			       tool == STORE_TOOL_CALENDAR ? "event or to-do"
							   : "contact");
	}
	status = refused ? CMD_REFUSED : CMD_OK;
free_data:
	free(r);
	free(data);
	return status;
}

static int run_calendar_import(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return run_import(ctx, a, STORE_TOOL_CALENDAR);
}

static int run_contacts_import(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return run_import(ctx, a, STORE_TOOL_CONTACTS);
}

/* ---- contacts list ---------------------------------------------------- */

struct card {
	char name[256]; /* the item's file name */
	char *fn, *email, *tel, *org, *uid;
};

struct cards {
	struct card *v;
	size_t n;
	int err;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int collect_card(void *arg, const char *name,
			const struct store_attr *attr)
{
	struct cards *c = arg;
	struct card *nv;

	if (!S_ISREG(attr->mode) || !ends_with(name, ".vcf") ||
	    strlen(name) >= sizeof(c->v->name))
		return 0;
	nv = realloc(c->v, (c->n + 1) * sizeof(*nv));
	if (!nv) {
		c->err = -ENOMEM;
		return 1;
	}
	c->v = nv;
	memset(&nv[c->n], 0, sizeof(*nv));
	memcpy(nv[c->n].name, name, strlen(name) + 1);
	c->n++;
	return 0;
}

/* A vCard text value for display: escapes undone, a line break shown as
 * a space; for ORG (structured) the components joined by ", ". */
static char *card_text(const char *v, size_t len, bool structured)
{
	char *out = malloc(len * 2 + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		char ch = v[i];

		if (ch == '\\' && i + 1 < len) {
			ch = v[++i];
			*o++ = ch == 'n' || ch == 'N' ? ' ' : ch;
		} else if (ch == ';' && structured) {
			if (o > out && i + 1 < len) {
				*o++ = ',';
				*o++ = ' ';
			}
		} else {
			*o++ = ch;
		}
	}
	*o = '\0';
	return out;
}

/* Keep the first value of property `want` seen in the card. */
static void card_keep(char **slot, const char *v, size_t len, bool structured)
{
	if (*slot || len == 0)
		return;
	*slot = card_text(v, len, structured);
}

/* One unfolded content line, NUL-terminated after its n bytes:
 * [GROUP.]NAME[;PARAMS]:VALUE. */
static void card_line(struct card *c, const char *l, size_t n)
{
	const char *name = l, *colon = NULL, *dot = NULL, *v;
	size_t nlen, i;
	bool quoted = false;

	for (i = 0; i < n; i++) {
		if (l[i] == '"')
			quoted = !quoted;
		else if (!quoted && l[i] == ':') {
			colon = l + i;
			break;
		}
	}
	if (!colon)
		return;
	nlen = strcspn(name, ";:");
	if (name + nlen > colon)
		nlen = (size_t)(colon - name);
	dot = memchr(name, '.', nlen);
	if (dot) {
		nlen -= (size_t)(dot + 1 - name);
		name = dot + 1;
	}
	v = colon + 1;
	n -= (size_t)(v - l);
#define IS(p) (nlen == strlen(p) && strncasecmp(name, p, nlen) == 0)
	if (IS("FN"))
		card_keep(&c->fn, v, n, false);
	else if (IS("EMAIL"))
		card_keep(&c->email, v, n, false);
	else if (IS("TEL"))
		card_keep(&c->tel, v, n, false);
	else if (IS("ORG"))
		card_keep(&c->org, v, n, true);
	else if (IS("UID"))
		card_keep(&c->uid, v, n, false);
#undef IS
}

/* FN, EMAIL, TEL, ORG and UID of a card (folded lines, CRLF or LF). */
static int card_parse(struct card *c, const char *data, size_t len)
{
	char *line = malloc(len + 1);
	size_t i = 0, n = 0;

	if (!line)
		return -ENOMEM;
	while (i < len) {
		char ch = data[i++];

		if (ch == '\r' && i < len && data[i] == '\n')
			continue;
		if (ch != '\n') {
			line[n++] = ch;
			continue;
		}
		/* A line starting with a space or a tab goes on this one. */
		if (i < len && (data[i] == ' ' || data[i] == '\t')) {
			i++;
			continue;
		}
		line[n] = '\0';
		card_line(c, line, n);
		n = 0;
	}
	line[n] = '\0';
	if (n)
		card_line(c, line, n);
	free(line);
	return 0;
}

static int card_read(struct cmd_ctx *ctx, uint64_t dir, struct card *c)
{
	struct store_file *f = NULL;
	struct store_attr attr;
	char *buf = NULL;
	size_t len = 0, got;
	int rc;

	rc = store_fs_lookup(ctx->st, &ctx->caller, dir, c->name, &attr);
	if (rc == 0 && attr.size > CARD_MAX)
		return 0; /* not a contact anyone could have stored */
	if (rc == 0)
		rc = store_fs_open(ctx->st, &ctx->caller, attr.ino, O_RDONLY,
				   &f);
	if (rc < 0)
		return rc;
	buf = malloc((size_t)attr.size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto release;
	}
	while (len < attr.size) {
		rc = store_fs_read(ctx->st, f, len, (size_t)attr.size - len,
				   buf + len, &got);
		if (rc < 0 || got == 0)
			break;
		len += got;
	}
	if (rc == 0)
		rc = card_parse(c, buf, len);
	free(buf);
release:
	store_fs_release(ctx->st, f, NULL);
	return rc;
}

static void cards_free(struct cards *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].fn);
		free(c->v[i].email);
		free(c->v[i].tel);
		free(c->v[i].org);
		free(c->v[i].uid);
	}
	free(c->v);
}

static int run_contacts_list(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_pim_where w;
	struct cards c = {0};
	struct cmd_table t;
	struct cmd_json j;
	uint64_t dir;
	int status, rc;
	size_t i;

	status = parse_where(ctx, a, STORE_TOOL_CONTACTS,
			     a->npos ? a->pos[0] : NULL, &w);
	if (status == CMD_OK)
		status = open_with_key(ctx, a, read_instead(w.tool));
	if (status != CMD_OK)
		return status;
	rc = store_tool_root(ctx->st, &ctx->caller, w.group,
			     STORE_TOOL_CONTACTS, &dir);
	if (rc == 0)
		rc = store_fs_readdir(ctx->st, &ctx->caller, dir, NULL, 0,
				      collect_card, &c);
	if (rc >= 0)
		rc = c.err;
	for (i = 0; rc >= 0 && i < c.n; i++)
		rc = card_read(ctx, dir, &c.v[i]);
	if (rc < 0) {
		status = cmd_refused(ctx, rc);
		goto free_cards;
	}
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < c.n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_string(&j, "item", c.v[i].name);
			cmd_json_string(&j, "name", c.v[i].fn);
			cmd_json_string(&j, "email", c.v[i].email);
			cmd_json_string(&j, "phone", c.v[i].tel);
			cmd_json_string(&j, "organization", c.v[i].org);
			cmd_json_string(&j, "uid", c.v[i].uid);
			cmd_json_end_object(&j);
		}
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
	} else {
		cmd_table_init(&t, 5, "NAME", "EMAIL", "PHONE", "ORGANIZATION",
			       "ITEM");
		for (i = 0; i < c.n; i++)
			cmd_table_row(&t, c.v[i].fn, c.v[i].email, c.v[i].tel,
				      c.v[i].org, c.v[i].name);
		status = cmd_table_flush(&t);
	}
free_cards:
	cards_free(&c);
	return status;
}

/* ---- busy ------------------------------------------------------------- */

static int run_busy(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	bool want_ics = opt(ctx, a, "ics") != NULL;
	const char *user = a->pos[0];
	struct store_busy *v = NULL;
	char *ics = NULL, instead[128];
	size_t n = 0, ics_len = 0, i;
	struct cmd_table t;
	struct cmd_json j;
	int status, rc;

	if (want_ics && ctx->json)
		return cmd_usage_error(ctx, "--ics and --json conflict");
	snprintf(instead, sizeof(instead),
		 "read members/%s/busy.ics through the mount", user);
	status = open_with_key(ctx, a, instead);
	if (status != CMD_OK)
		return status;
	rc = store_busy_times(ctx->st, &ctx->caller, user, &v, &n,
			      want_ics ? &ics : NULL,
			      want_ics ? &ics_len : NULL);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (want_ics) {
		if (cmd_write_file("-", ics, ics_len) < 0)
			status = CMD_REFUSED;
	} else if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_array(&j, NULL);
		for (i = 0; i < n; i++) {
			cmd_json_object(&j, NULL);
			cmd_json_int(&j, "start", v[i].start);
			cmd_json_int(&j, "end", v[i].end);
			cmd_json_bool(&j, "tentative", v[i].tentative);
			cmd_json_end_object(&j);
		}
		cmd_json_end_array(&j);
		cmd_json_finish(&j);
	} else {
		cmd_table_init(&t, 5, "START", "END", "START_UTC", "END_UTC",
			       "TENTATIVE");
		for (i = 0; i < n; i++) {
			char s[32], e[32], su[32], eu[32];

			cmd_table_row(&t,
				      cmd_format_time(v[i].start, s, sizeof(s)),
				      cmd_format_time(v[i].end, e, sizeof(e)),
				      format_utc(v[i].start, su, sizeof(su)),
				      format_utc(v[i].end, eu, sizeof(eu)),
				      v[i].tentative ? "yes" : "no");
		}
		status = cmd_table_flush(&t);
	}
	free(ics);
	free(v);
	return status;
}

/* ---- the tables ------------------------------------------------------- */

#define PRIVATE_HELP                                                           \
	"your own personal calendar or contacts (the default without GROUP)"
#define MEMBER_HELP "the personal calendar USER shared with you"
#define PASSPHRASE_HELP                                                        \
	"the passphrase of a wrapped master key ('-': standard input)"

static const struct cmd_option calendar_list_options[] = {
	{"private", NULL, PRIVATE_HELP},
	{"member", "USER", MEMBER_HELP},
	{"from", "DATE",
	 "from DATE (default: the start of today): YYYY-MM-DD in local time, "
	 "or YYYY-MM-DDTHH:MM[:SS] followed by Z, an offset or nothing "
	 "(local time)"},
	{"to", "DATE",
	 "up to DATE (default: the end of the 30th day after --from); a bare "
	 "date is included whole"},
	{"passphrase-file", "FILE", PASSPHRASE_HELP},
	{NULL, NULL, NULL},
};

static const struct cmd_option calendar_export_options[] = {
	{"private", NULL, PRIVATE_HELP},
	{"member", "USER", MEMBER_HELP},
	{"output", "FILE", "write to FILE (default: standard output)"},
	{"passphrase-file", "FILE", PASSPHRASE_HELP},
	{NULL, NULL, NULL},
};

static const struct cmd_option calendar_import_options[] = {
	{"private", NULL, PRIVATE_HELP},
	{"member", "USER",
	 "into the personal calendar USER shared with you (with add, or edit "
	 "for events already there)"},
	{"passphrase-file", "FILE", PASSPHRASE_HELP},
	{NULL, NULL, NULL},
};

static const struct cmd_option contacts_options[] = {
	{"private", NULL, PRIVATE_HELP},
	{"passphrase-file", "FILE", PASSPHRASE_HELP},
	{NULL, NULL, NULL},
};

static const struct cmd_option contacts_export_options[] = {
	{"private", NULL, PRIVATE_HELP},
	{"output", "FILE", "write to FILE (default: standard output)"},
	{"passphrase-file", "FILE", PASSPHRASE_HELP},
	{NULL, NULL, NULL},
};

static const struct cmd_option busy_options[] = {
	{"ics", NULL, "print the VFREEBUSY text (members/USER/busy.ics)"},
	{"passphrase-file", "FILE", PASSPHRASE_HELP},
	{NULL, NULL, NULL},
};

#define KEY_HELP                                                               \
	" Calendars and contacts are encrypted: this needs the store's "       \
	"master key, so the store operator runs it (with --as ACCOUNT); "      \
	"other users read and write the files through the mount."

const struct cmd cmd_pim_commands[] = {
	{
		.noun = "calendar",
		.verb = "list",
		.synopsis = "[GROUP | --private | --member USER] [--from DATE] "
			    "[--to DATE] [--passphrase-file FILE]",
		.summary = "list events, recurrences expanded",
		.help = "Lists the events of GROUP's calendar, your personal "
			"calendar (without GROUP, or --private) or the "
			"personal calendar a co-member shared with you (view "
			"right), from --from to --to (default: today and the "
			"30 days after it), each recurrence on its own line, "
			"sorted by start. Columns: START, END (local time; "
			"all-day events show their first and last day), "
			"SUMMARY, LOCATION, ITEM (the .ics file). With --json, "
			"start and end are seconds since the epoch (an all-day "
			"event runs from midnight UTC of its first day to "
			"midnight UTC after its last)." KEY_HELP,
		.options = calendar_list_options,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_calendar_list,
	},
	{
		.noun = "calendar",
		.verb = "export",
		.synopsis = "[GROUP | --private | --member USER] "
			    "[--output FILE] [--passphrase-file FILE]",
		.summary = "export a calendar as one .ics file",
		.help = "Writes the whole calendar as one VCALENDAR (each time "
			"zone once, then every event and to-do with its "
			"overrides) to standard output or FILE, which is "
			"written only when the export succeeded." KEY_HELP,
		.options = calendar_export_options,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_calendar_export,
	},
	{
		.noun = "calendar",
		.verb = "import",
		.synopsis = "[GROUP | --private | --member USER] FILE "
			    "[--passphrase-file FILE]",
		.summary = "import the events of an .ics file",
		.help = "Splits FILE ('-': standard input) into one item per "
			"UID (NAME.ics, NAME from the UID) and adds each, "
			"checked as a file written through the mount: a new "
			"item needs the add right, one whose UID is already "
			"there is replaced and needs the edit right. Each item "
			"stands alone: prints 'imported NAME' for each one "
			"added and 'refused NAME: reason' on standard error "
			"for each one refused, and exits 1 when any was "
			"refused. "
			"With --json: an array of objects with item, uid, "
			"status (imported or refused) and reason." KEY_HELP,
		.options = calendar_import_options,
		.min_args = 1,
		.max_args = 2,
		.flags = CMD_OWN_STORE,
		.run = run_calendar_import,
	},
	{
		.noun = "contacts",
		.verb = "list",
		.synopsis = "[GROUP | --private] [--passphrase-file FILE]",
		.summary = "list contacts",
		.help = "Lists the contacts of GROUP, or your own (without "
			"GROUP, or --private). Columns: NAME (FN), EMAIL, "
			"PHONE, ORGANIZATION (the first of each) and ITEM (the "
			".vcf file)." KEY_HELP,
		.options = contacts_options,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_contacts_list,
	},
	{
		.noun = "contacts",
		.verb = "export",
		.synopsis = "[GROUP | --private] [--output FILE] "
			    "[--passphrase-file FILE]",
		.summary = "export contacts as one .vcf file",
		.help = "Writes every contact, one vCard after the other as "
			"stored, to standard output or FILE." KEY_HELP,
		.options = contacts_export_options,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_contacts_export,
	},
	{
		.noun = "contacts",
		.verb = "import",
		.synopsis = "[GROUP | --private] FILE [--passphrase-file FILE]",
		.summary = "import the contacts of a .vcf file",
		.help = "Adds each vCard of FILE ('-': standard input) as "
			"NAME.vcf (NAME from its UID), like calendar import: "
			"'imported NAME' or 'refused NAME: reason' per card, "
			"exit 1 when any was refused." KEY_HELP,
		.options = contacts_options,
		.min_args = 1,
		.max_args = 2,
		.flags = CMD_OWN_STORE,
		.run = run_contacts_import,
	},
	{
		.noun = "busy",
		.synopsis = "USER [--ics] [--passphrase-file FILE]",
		.summary = "show a member's busy times",
		.help = "Shows when USER (yourself or a co-member) is busy, "
			"from their personal calendar, as the file "
			"members/USER/busy.ics of the mount has it: from 30 "
			"days ago to 365 days ahead, recurrences expanded, "
			"never any detail. Columns: START, END (local time), "
			"START_UTC, END_UTC, TENTATIVE. --ics prints the "
			"VFREEBUSY text instead." KEY_HELP,
		.options = busy_options,
		.min_args = 1,
		.max_args = 1,
		.flags = CMD_OWN_STORE,
		.run = run_busy,
	},
	{NULL},
};
