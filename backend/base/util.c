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

void node_info_attr(const struct node_info *n, uint64_t ino,
		    struct store_attr *out)
{
	memset(out, 0, sizeof(*out));
	out->ino = ino;
	out->mode = n->mode;
	out->nlink = (uint32_t)n->nlink;
	out->size = (uint64_t)n->size;
	out->atime_ns = n->atime_ns;
	out->mtime_ns = n->mtime_ns;
	out->ctime_ns = n->ctime_ns;
	out->uid = n->uid;
}

int store_schema_newer(struct store *st, int64_t version, int known)
{
	if (!__atomic_exchange_n(&st->sh->schema_newer_said, true,
				 __ATOMIC_RELAXED))
		store_log(st, STORE_LOG_ERR,
			  "a newer groupfs upgraded the store to schema "
			  "version %lld; this one knows up to %d: it no longer "
			  "writes to the store (changes fail with EROFS, "
			  "reading goes on) until it is restarted at the "
			  "newer version",
			  (long long)version, known);
	return store_fail(
		st, -EROFS,
		"a newer groupfs upgraded the store to schema version "
		"%lld (this one knows up to %d): restart it at the "
		"newer version to write",
		(long long)version, known);
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

void store_clear_errmsg(struct store *st)
{
	st->errmsg[0] = '\0';
}

void store_set_write_hook(struct store *st, store_write_hook_fn fn,
			  void *arg)
{
	st->sh->write_hook = fn;
	st->sh->write_hook_arg = arg;
}

static void (*wait_hook)(void);

void store_set_wait_hook(void (*fn)(void))
{
	wait_hook = fn;
}

void store_waiting(void)
{
	if (wait_hook)
		wait_hook();
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

/* Latin letters some Cyrillic and Greek lower-case letters (after case
 * folding) are drawn like, so that a name written with them takes the key
 * of the Latin name it imitates. */
static const struct {
	uint16_t from;
	char to;
} lookalike[] = {
	{0x0131, 'i'}, /* dotless i */
	{0x017f, 's'}, /* long s */
	{0x03b1, 'a'}, {0x03b2, 'b'}, {0x03b5, 'e'}, {0x03b6, 'z'},
	{0x03b7, 'h'}, {0x03b9, 'i'}, {0x03ba, 'k'}, {0x03bc, 'm'},
	{0x03bd, 'n'}, {0x03bf, 'o'}, {0x03c1, 'p'}, {0x03c4, 't'},
	{0x03c5, 'y'}, {0x03c7, 'x'},
	{0x0430, 'a'}, {0x0432, 'b'}, {0x0435, 'e'}, {0x043a, 'k'},
	{0x043c, 'm'}, {0x043d, 'h'}, {0x043e, 'o'}, {0x0440, 'p'},
	{0x0441, 'c'}, {0x0442, 't'}, {0x0443, 'y'}, {0x0445, 'x'},
	{0x0455, 's'}, {0x0456, 'i'}, {0x0458, 'j'}, {0x04bb, 'h'},
	{0x04cf, 'l'}, {0x0501, 'd'}, {0x051b, 'q'}, {0x051d, 'w'},
};

/* Letterlike symbols (U+2100 block) that are styled Latin letters. */
static const struct {
	uint16_t from;
	char to;
} letterlike[] = {
	{0x2102, 'c'}, {0x210a, 'g'}, {0x210b, 'h'}, {0x210c, 'h'},
	{0x210d, 'h'}, {0x210e, 'h'}, {0x2110, 'i'}, {0x2111, 'i'},
	{0x2112, 'l'}, {0x2113, 'l'}, {0x2115, 'n'}, {0x2119, 'p'},
	{0x211a, 'q'}, {0x211b, 'r'}, {0x211c, 'r'}, {0x211d, 'r'},
	{0x2124, 'z'}, {0x2128, 'z'}, {0x212a, 'k'}, {0x212c, 'b'},
	{0x212d, 'c'}, {0x212f, 'e'}, {0x2130, 'e'}, {0x2131, 'f'},
	{0x2133, 'm'}, {0x2134, 'o'}, {0x2139, 'i'},
};

/* Compatibility forms of ASCII: fullwidth forms, mathematical
 * alphanumerics, letterlike symbols and circled letters stand for the
 * letter or digit they are drawn as (NFKC's answer for these). */
static uint32_t compat_cp(uint32_t c)
{
	size_t i;

	if (c >= 0xff01 && c <= 0xff5e)
		return c - 0xfee0;
	if (c >= 0x1d400 && c <= 0x1d6a3) {
		uint32_t k = (c - 0x1d400) % 52;

		return k < 26 ? 'A' + k : 'a' + k - 26;
	}
	if (c >= 0x1d7ce && c <= 0x1d7ff)
		return '0' + (c - 0x1d7ce) % 10;
	if (c >= 0x24b6 && c <= 0x24cf)
		return 'A' + (c - 0x24b6);
	if (c >= 0x24d0 && c <= 0x24e9)
		return 'a' + (c - 0x24d0);
	if (c >= 0x2100 && c <= 0x213f)
		for (i = 0; i < ARRAY_SIZE(letterlike); i++)
			if (letterlike[i].from == c)
				return (uint32_t)letterlike[i].to;
	return c;
}

/*
 * Simple case folding for the scripts group names are written in: ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic.  Documented in README as
 * the meaning of "case-insensitive".
 */
static uint32_t case_cp(uint32_t c)
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

/* The key character of `c`: its compatibility form, case-folded, then
 * the Latin letter it imitates. */
static uint32_t fold_cp(uint32_t c)
{
	size_t i;

	c = case_cp(compat_cp(c));
	if (c >= 0x131 && c <= 0x51d)
		for (i = 0; i < ARRAY_SIZE(lookalike); i++)
			if (lookalike[i].from == c)
				return (uint32_t)lookalike[i].to;
	return c;
}

/* Variation selectors only choose a glyph: "A" and "A" + VS1 are one
 * name.  Names keep them (emoji need VS16); keys drop them. */
static bool variation_selector(uint32_t c)
{
	return (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef);
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
		if (!variation_selector(cp))
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

int sql_name_check(struct store *st, const char *name)
{
	const char *s = name;

	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			break;
	if (*name && !*s)
		return 0;
	return store_fail(st, -EINVAL,
			  "'%s' is not a table or column of the store", name);
}

/* Format characters (Unicode Cf) and the other code points that draw
 * nothing (default-ignorable, Hangul fillers, the Braille blank): a name
 * holding one looks like a name without it. */
static bool invisible_cp(uint32_t c)
{
	static const struct {
		uint32_t lo, hi;
	} ranges[] = {
		{0x00ad, 0x00ad},   {0x034f, 0x034f},	{0x0600, 0x0605},
		{0x061c, 0x061c},   {0x06dd, 0x06dd},	{0x070f, 0x070f},
		{0x0890, 0x0891},   {0x08e2, 0x08e2},	{0x115f, 0x1160},
		{0x17b4, 0x17b5},   {0x180b, 0x180f},	{0x200b, 0x200f},
		{0x202a, 0x202e},   {0x2060, 0x206f},	{0x2800, 0x2800},
		{0x3164, 0x3164},   {0xfeff, 0xfeff},	{0xffa0, 0xffa0},
		{0xfff0, 0xfffb},   {0x110bd, 0x110bd}, {0x110cd, 0x110cd},
		{0x13430, 0x1343f}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},
		{0xe0000, 0xe00ff},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		if (c >= ranges[i].lo && c <= ranges[i].hi)
			return true;
	return false;
}

/* Spaces other than U+0020, and the line and paragraph separators. */
static bool other_space_cp(uint32_t c)
{
	return c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000;
}

const char *groupname_problem(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char key[STORE_GROUPNAME_BYTES * 2 + 8];
	size_t n = 0, len = strlen(s);

	if (len == 0)
		return "a name is not empty";
	if (len > STORE_GROUPNAME_BYTES || len > 255)
		return "at most 64 characters and 255 bytes";
	while (*p) {
		uint32_t cp;
		size_t k = utf8_decode(p, &cp);

		if (k == 0)
			return "a name is valid UTF-8 text";
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return "no control characters (newline, tab, escape)";
		if (other_space_cp(cp))
			return "no spaces other than the plain space "
			       "(no-break, ideographic, line separators)";
		if (invisible_cp(cp))
			return "no invisible or format characters (zero-width, "
			       "bidirectional controls, soft hyphen, BOM)";
		if ((cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000 ||
		    (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
			return "no private-use characters or noncharacters";
		p += k;
		n++;
	}
	if (n > STORE_GROUPNAME_MAX)
		return "at most 64 characters and 255 bytes";
	if (strchr(s, '/'))
		return "no '/'";
	if (s[0] == '.')
		return "not starting with '.'";
	if (s[0] == ' ' || s[len - 1] == ' ')
		return "not starting or ending with a space";
	if (casefold(s, key, sizeof(key)))
		return "a name is valid UTF-8 text";
	if (strcmp(key, "private") == 0)
		return "never 'Private' (in any case or look-alike form)";
	return NULL;
}

int valid_groupname(const char *s)
{
	return groupname_problem(s) == NULL;
}

void escape_name(const char *in, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	while (*p && o + 12 < len) {
		uint32_t cp;
		size_t k = utf8_decode(p, &cp);

		if (k == 0) {
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", *p);
			p++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    other_space_cp(cp) || invisible_cp(cp))
			o += (size_t)snprintf(out + o, len - o,
					      cp < 0x80 ? "\\x%02x" : "\\u%04x",
					      (unsigned)cp);
		else {
			memcpy(out + o, p, k);
			o += k;
		}
		p += k;
	}
	out[o] = '\0';
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
	if (strcmp(name, "mail") == 0)
		return STORE_TOOL_MAIL;
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
	case STORE_TOOL_MAIL:
		return "mail";
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
