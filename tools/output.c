// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The two output forms of groupctl: aligned tables and "key: value" lines
 * for people, and JSON documents for scripts.
 *
 * The JSON writer streams: each value is written when it is known, with a
 * comma before it when it is not the first of its container, so a command
 * never builds a tree in memory.  Strings are escaped by RFC 8259 and bytes
 * that are not valid UTF-8 are replaced, so the output always parses.
 * What people read is escaped too: a cell or value never holds a control
 * character, so a name cannot break a row or send a terminal escape.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "groupctl.h"

/* ---- escaping for people ---------------------------------------------- */

static size_t utf8_sequence(const unsigned char *s);

/* Code points a terminal would act on or draw as nothing: C0 and C1
 * controls, DEL, bidirectional controls, zero-width and other format
 * characters, line and paragraph separators. */
static bool hostile_cp(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
	       c == 0xad || c == 0x61c || (c >= 0x200b && c <= 0x200f) ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
	       c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb);
}

/* A cell or value as one line that cannot move the cursor or change the
 * terminal: \n \t \r (and \\ when `backslash`), \xNN for other
 * controls and bytes that are not UTF-8, \uNNNN for hostile code points.
 * NULL when out of memory. */
static char *escape(const char *in, bool backslash)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;
	char *out = malloc(strlen(in) * 6 + 1);

	if (!out)
		return NULL;
	while (*s) {
		size_t n = utf8_sequence(s);
		uint32_t c = *s;

		if (n == 2)
			c = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		else if (n == 3)
			c = ((uint32_t)(s[0] & 0x0f) << 12) |
			    ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		if (n == 0) {
			o += (size_t)sprintf(out + o, "\\x%02x", *s);
			n = 1;
		} else if ((backslash && *s == '\\') || *s == '\n' ||
			   *s == '\t' || *s == '\r') {
			out[o++] = '\\';
			out[o++] = *s == '\n' ? 'n' : *s == '\t' ? 't'
				 : *s == '\r' ? 'r' : '\\';
		} else if (n < 4 && hostile_cp(c)) {
			o += (size_t)sprintf(out + o,
					     c < 0x80 ? "\\x%02x" : "\\u%04x",
					     (unsigned)c);
		} else {
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
	}
	out[o] = '\0';
	return out;
}

static char *escape_cell(const char *in)
{
	return escape(in, true);
}

char *cmd_escape_line(const char *msg)
{
	return escape(msg, false);
}

void cmd_say(const char *prefix, const char *msg)
{
	char *shown = escape(msg, false);

	fprintf(stderr, "groupctl: %s%s\n", prefix, shown ? shown : msg);
	free(shown);
}

/* ---- tables ----------------------------------------------------------- */

/* Make room for one more row; false (and t->failed) when out of memory. */
static bool table_grow(struct cmd_table *t)
{
	size_t need = (t->nrows + 1) * t->ncols;
	size_t cap;
	char **cells;

	if (t->failed)
		return false;
	if (need <= t->cap)
		return true;
	cap = t->cap ? t->cap * 2 : t->ncols * 16;
	cells = realloc(t->cells, cap * sizeof(*cells));
	if (!cells) {
		t->failed = true;
		return false;
	}
	t->cells = cells;
	t->cap = cap;
	return true;
}

static void table_vrow(struct cmd_table *t, va_list ap)
{
	char **row;
	size_t i;

	if (!table_grow(t))
		return;
	row = t->cells + t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		row[i] = escape_cell(s && *s ? s : "-");
		if (!row[i])
			t->failed = true;
	}
	if (t->failed) {
		for (i = 0; i < t->ncols; i++)
			free(row[i]);
		return;
	}
	t->nrows++;
}

void cmd_table_init(struct cmd_table *t, size_t ncols, ...)
{
	va_list ap;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	va_start(ap, ncols);
	table_vrow(t, ap);
	va_end(ap);
}

void cmd_table_row(struct cmd_table *t, ...)
{
	va_list ap;

	va_start(ap, t);
	table_vrow(t, ap);
	va_end(ap);
}

/* Columns on a terminal: UTF-8 continuation bytes take no room. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static int table_print(struct cmd_table *t, FILE *f)
{
	size_t *width = NULL;
	size_t r, c;

	if (t->failed)
		return -ENOMEM;
	width = calloc(t->ncols, sizeof(*width));
	if (!width)
		return -ENOMEM;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t w = text_width(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			fputs(s, f);
			if (c + 1 == t->ncols)
				break;
			for (size_t pad = text_width(s); pad < width[c] + 2;
			     pad++)
				fputc(' ', f);
		}
		fputc('\n', f);
	}
	free(width);
	return 0;
}

int cmd_table_flush(struct cmd_table *t)
{
	int rc = table_print(t, stdout);
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
	return rc < 0 ? cmd_fail("%s", strerror(-rc)) : CMD_OK;
}

void cmd_show(const char *key, const char *fmt, ...)
{
	char buf[STORE_PATH_MAX + 64];
	char *shown;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shown = escape_cell(buf[0] ? buf : "-");
	printf("%s: %s\n", key, shown ? shown : "-");
	free(shown);
}

/* ---- JSON ------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s, or 0 (RFC 3629). */
static size_t utf8_sequence(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void json_quote(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\u%04x", *s);
				break;
			}
			n = utf8_sequence(s);
			if (!n) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', f);
}

/* Start a value: the comma, the indentation and the key. */
static void json_value(struct cmd_json *j, const char *key)
{
	unsigned i;

	if (j->need_comma)
		fputc(',', j->f);
	if (j->depth) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	if (key) {
		json_quote(j->f, key);
		fputs(": ", j->f);
	}
	j->need_comma = true;
}

static void json_open(struct cmd_json *j, const char *key, char c)
{
	json_value(j, key);
	fputc(c, j->f);
	j->depth++;
	j->need_comma = false;
}

static void json_close(struct cmd_json *j, char c)
{
	unsigned i;

	j->depth--;
	if (j->need_comma) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
	j->need_comma = true;
}

void cmd_json_init(struct cmd_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma = false;
}

void cmd_json_object(struct cmd_json *j, const char *key)
{
	json_open(j, key, '{');
}

void cmd_json_array(struct cmd_json *j, const char *key)
{
	json_open(j, key, '[');
}

void cmd_json_end_object(struct cmd_json *j)
{
	json_close(j, '}');
}

void cmd_json_end_array(struct cmd_json *j)
{
	json_close(j, ']');
}

void cmd_json_string(struct cmd_json *j, const char *key, const char *v)
{
	json_value(j, key);
	if (v)
		json_quote(j->f, v);
	else
		fputs("null", j->f);
}

void cmd_json_string_or_null(struct cmd_json *j, const char *key, const char *v)
{
	cmd_json_string(j, key, v && *v ? v : NULL);
}

void cmd_json_int(struct cmd_json *j, const char *key, int64_t v)
{
	json_value(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void cmd_json_count(struct cmd_json *j, const char *key, int64_t v)
{
	if (v < 0)
		cmd_json_null(j, key);
	else
		cmd_json_int(j, key, v);
}

void cmd_json_bool(struct cmd_json *j, const char *key, bool v)
{
	json_value(j, key);
	fputs(v ? "true" : "false", j->f);
}

void cmd_json_null(struct cmd_json *j, const char *key)
{
	json_value(j, key);
	fputs("null", j->f);
}

void cmd_json_names(struct cmd_json *j, const char *key,
		    const struct store_names *names)
{
	size_t i;

	cmd_json_array(j, key);
	for (i = 0; i < names->n; i++)
		cmd_json_string(j, NULL, names->name[i]);
	cmd_json_end_array(j);
}

void cmd_json_finish(struct cmd_json *j)
{
	fputc('\n', j->f);
}
