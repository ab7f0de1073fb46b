// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Small pieces every backend file uses: refusal messages and logging, the
 * validation of names and profile fields, case folding for group names,
 * and the parsing and printing of sizes.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

int store_fail(struct store *st, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof(st->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

void store_log(struct store *st, enum store_log_level lvl, const char *fmt,
	       ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (st->log)
		st->log(st->log_arg, lvl, buf);
	else if (lvl != STORE_LOG_INFO)
		fprintf(stderr, "groupfs: %s\n", buf);
}

const char *store_errmsg(const struct store *st)
{
	return st->errmsg;
}

void store_set_write_hook(struct store *st, store_write_hook_fn fn,
			  void *arg)
{
	st->sh->write_hook = fn;
	st->sh->write_hook_arg = arg;
}

void store_set_logger(struct store *st, store_log_fn fn, void *arg)
{
	st->log = fn;
	st->log_arg = arg;
}

void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= len)
		n = len - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int64_t now_sec(void)
{
	return (int64_t)time(NULL);
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int valid_username(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > STORE_USERNAME_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (i = 1; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

/* Decode one UTF-8 sequence; returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
		return *cp >= 0x80 ? 2 : 0;
	}
	if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 &&
	    (p[2] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(p[0] & 0x0f) << 12) |
		      ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
		if (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))
			return 0;
		return 3;
	}
	if ((p[0] & 0xf8) == 0xf0 && (p[1] & 0xc0) == 0x80 &&
	    (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(p[0] & 0x07) << 18) |
		      ((uint32_t)(p[1] & 0x3f) << 12) |
		      ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
		return (*cp >= 0x10000 && *cp <= 0x10ffff) ? 4 : 0;
	}
	return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Simple case folding for the scripts group names are written in: ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic.  Documented in README as
 * the meaning of "case-insensitive".
 */
static uint32_t fold_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	if (c >= 0x100 && c <= 0x17f) {
		/* Latin Extended-A mostly pairs even/odd; a few ranges are
		 * odd/even. */
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
			return (c & 1) ? c + 1 : c;
		if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 ||
		    c == 0x17f)
			return c;
		return (c & 1) ? c : c + 1;
	}
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	return c;
}

int casefold(const char *in, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	while (*p) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);

		if (n == 0 || o + 4 >= outlen)
			return -EINVAL;
		o += utf8_encode(fold_cp(cp), out + o);
		p += n;
	}
	out[o] = '\0';
	return 0;
}

/* Valid UTF-8 with no control characters, at most `max` characters. */
static int utf8_text(const char *s, size_t max, size_t *chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		uint32_t cp;
		size_t len = utf8_decode(p, &cp);

		if (len == 0 || cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0))
			return 0;
		p += len;
		if (++n > max)
			return 0;
	}
	*chars = n;
	return 1;
}

int valid_text(const char *s, size_t max, bool allow_empty)
{
	size_t n;

	if (strlen(s) > max * 4 || !utf8_text(s, max, &n))
		return 0;
	return allow_empty || n > 0;
}

int valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i, n = strlen(s);

	if (n < 3 || n > STORE_EMAIL_MAX || !at || at == s ||
	    strchr(at + 1, '@') || at[1] == '\0' || !strchr(at + 1, '.') ||
	    s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

int valid_entry_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255 || strchr(s, '/') || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	return 1;
}

int valid_groupname(const char *s)
{
	char key[STORE_GROUPNAME_BYTES + 8];
	size_t n = 0, len = strlen(s);

	if (!valid_text(s, STORE_GROUPNAME_MAX, false) || !valid_entry_name(s))
		return 0;
	(void)utf8_text(s, STORE_GROUPNAME_MAX, &n);
	if (s[0] == '.' || s[0] == ' ' || s[len - 1] == ' ')
		return 0;
	if (casefold(s, key, sizeof(key)) || strcmp(key, "private") == 0)
		return 0;
	return n >= 1;
}

int normalize_language(const char *in, char *out, size_t len)
{
	size_t i, n = strlen(in);

	if (n < 2 || n > 3 || n >= len)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!isalpha((unsigned char)in[i]))
			return -EINVAL;
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[n] = '\0';
	return 0;
}

int store_parse_size(const char *s, int64_t *out)
{
	static const char units[] = "KMGTPE";
	char *end;
	double v;
	const char *u;
	int shift = 0;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-')
		return -EINVAL;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u)
			return -EINVAL;
		shift = 10 * (int)(u - units + 1);
		end++;
		/* Accept 10G, 10GB, 10GiB, 10Gi. */
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
		if (*end)
			return -EINVAL;
	}
	v = ldexp(v, shift);
	if (v >= 9.2e18)
		return -EINVAL;
	*out = (int64_t)llround(v);
	return 0;
}

void store_format_size(int64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%lld", (long long)bytes);
		return;
	}
	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	/* The shortest of 0, 1 or 2 decimals that says it exactly enough. */
	if (v == floor(v))
		snprintf(buf, len, "%.0f%c", v, units[i]);
	else if (v * 10 == floor(v * 10) || v >= 10)
		snprintf(buf, len, "%.1f%c", v, units[i]);
	else
		snprintf(buf, len, "%.2f%c", v, units[i]);
}

enum store_tool store_tool_parse(const char *name)
{
	if (strcmp(name, "documents") == 0)
		return STORE_TOOL_DOCUMENTS;
	if (strcmp(name, "calendar") == 0)
		return STORE_TOOL_CALENDAR;
	if (strcmp(name, "contacts") == 0)
		return STORE_TOOL_CONTACTS;
	return 0;
}

const char *store_tool_name(enum store_tool tool)
{
	switch (tool) {
	case STORE_TOOL_DOCUMENTS:
		return "documents";
	case STORE_TOOL_CALENDAR:
		return "calendar";
	case STORE_TOOL_CONTACTS:
		return "contacts";
	}
	return "?";
}

const char *store_role_name(enum store_role role)
{
	switch (role) {
	case STORE_ROLE_MEMBER:
		return "member";
	case STORE_ROLE_COADMIN:
		return "co-administrator";
	case STORE_ROLE_ADMIN:
		return "administrator";
	case STORE_ROLE_NONE:
		break;
	}
	return "none";
}
