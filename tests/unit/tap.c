// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TAP producer of tap.h.  Everything goes to stdout, flushed after each
 * line, so that the checks and their diagnostics stay in order in the log
 * that meson keeps.  A description never contains '#' (TAP would read a
 * directive), control characters or bytes outside ASCII (the tests feed
 * invalid UTF-8 on purpose), so such characters are replaced.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static int tap_count;
static int tap_failed;
static int tap_planned = -1;

void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

void diag(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	char *line, *save = NULL;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
	fflush(stdout);
}

int tap_failures(void)
{
	return tap_failed;
}

int done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_count);
	else if (tap_planned != tap_count)
		diag("planned %d checks but ran %d", tap_planned, tap_count);
	if (tap_failed)
		diag("failed %d of %d checks", tap_failed, tap_count);
	fflush(stdout);
	return tap_failed || (tap_planned >= 0 && tap_planned != tap_count);
}

static bool report(bool cond, const char *file, int line, const char *fmt,
		   va_list ap)
{
	char desc[1024];
	char *p;

	vsnprintf(desc, sizeof(desc), fmt, ap);
	for (p = desc; *p; p++)
		if (*p == '#' || (unsigned char)*p < ' ')
			*p = ' ';
		else if ((unsigned char)*p >= 0x7f)
			*p = '?';
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_count, desc);
	if (!cond)
		printf("#   failed at %s:%d\n", file, line);
	fflush(stdout);
	return cond;
}

void skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d # SKIP ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

bool ok_at(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, file, line, fmt, ap);
	va_end(ap);
	return cond;
}

bool is_int_at(long long got, long long expected, const char *file, int line,
	       const char *fmt, ...)
{
	bool cond = got == expected;
	va_list ap;

	va_start(ap, fmt);
	report(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("       got: %lld\n  expected: %lld", got, expected);
	return cond;
}

bool is_str_at(const char *got, const char *expected, const char *file,
	       int line, const char *fmt, ...)
{
	bool cond;
	va_list ap;

	if (!got || !expected)
		cond = got == expected;
	else
		cond = strcmp(got, expected) == 0;
	va_start(ap, fmt);
	report(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("       got: %s%s%s\n  expected: %s%s%s", got ? "\"" : "",
		     got ? got : "NULL", got ? "\"" : "", expected ? "\"" : "",
		     expected ? expected : "NULL", expected ? "\"" : "");
	return cond;
}

static const struct {
	int e;
	const char *name;
} errno_names[] = {
	{EPERM, "EPERM"},
	{ENOENT, "ENOENT"},
	{EIO, "EIO"},
	{EBADF, "EBADF"},
	{ENOMEM, "ENOMEM"},
	{EACCES, "EACCES"},
	{EBUSY, "EBUSY"},
	{EEXIST, "EEXIST"},
	{EXDEV, "EXDEV"},
	{ENOTDIR, "ENOTDIR"},
	{EISDIR, "EISDIR"},
	{EINVAL, "EINVAL"},
	{EFBIG, "EFBIG"},
	{ENOSPC, "ENOSPC"},
	{EROFS, "EROFS"},
	{EMLINK, "EMLINK"},
	{ERANGE, "ERANGE"},
	{ENAMETOOLONG, "ENAMETOOLONG"},
	{ENOSYS, "ENOSYS"},
	{ENOTEMPTY, "ENOTEMPTY"},
	{ENOTSUP, "ENOTSUP"},
	{EDQUOT, "EDQUOT"},
	{EKEYREJECTED, "EKEYREJECTED"},
	{EAGAIN, "EAGAIN"},
	{ESRCH, "ESRCH"},
};

const char *tap_errno_name(int e)
{
	static char buf[32];
	size_t i;

	if (e < 0)
		e = -e;
	if (e == 0)
		return "0";
	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].e == e)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

bool is_errno_at(int got, int expected, const char *file, int line,
		 const char *fmt, ...)
{
	bool cond = got == expected;
	va_list ap;

	va_start(ap, fmt);
	report(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond) {
		char g[48];

		snprintf(g, sizeof(g), "%s%s (%d)", got < 0 ? "-" : "",
			 tap_errno_name(got), got);
		diag("       got: %s\n  expected: %s%s (%d)", g,
		     expected < 0 ? "-" : "", tap_errno_name(expected),
		     expected);
	}
	return cond;
}

static bool match_at(const char *s, const char *kw, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (tolower((unsigned char)s[i]) !=
		    tolower((unsigned char)kw[i]))
			return false;
	return true;
}

bool tap_contains_any(const char *haystack, const char *keywords)
{
	const char *kw = keywords, *end, *s;
	size_t len;

	if (!haystack || !*haystack)
		return false;
	while (*kw) {
		end = strchr(kw, '|');
		len = end ? (size_t)(end - kw) : strlen(kw);
		for (s = haystack; len && strlen(s) >= len; s++)
			if (match_at(s, kw, len))
				return true;
		if (!end)
			break;
		kw = end + 1;
	}
	return false;
}

bool like_at(const char *got, const char *keywords, const char *file, int line,
	     const char *fmt, ...)
{
	bool cond = tap_contains_any(got, keywords);
	va_list ap;

	va_start(ap, fmt);
	report(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("       got: \"%s\"\n  expected: a text containing %s",
		     got ? got : "(null)", keywords);
	return cond;
}
