/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small TAP producer for the unit tests: numbered `ok`/`not ok` lines on
 * stdout, `# ` diagnostics, and the plan printed first (tap_plan) or last
 * (done_testing).  A failing check shows what it got and what it expected,
 * and where in the source it was made.  done_testing() returns the exit
 * status of the program: 0 when every check passed, 1 otherwise.
 */
#ifndef GROUPFS_TAP_H
#define GROUPFS_TAP_H

#include <stdbool.h>

void tap_plan(int n);
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan if tap_plan() was not called; the exit status. */
int done_testing(void);
/* Number of failed checks so far. */
int tap_failures(void);
/* A check not made here, and why: "ok N # SKIP why" (TAP counts it as
 * skipped, not passed). */
void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool ok_at(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool is_int_at(long long got, long long expected, const char *file, int line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool is_str_at(const char *got, const char *expected, const char *file,
	       int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* got is 0 or a negative errno; the diagnostic names both errnos. */
bool is_errno_at(int got, int expected, const char *file, int line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/*
 * `got` contains one of the '|'-separated `keywords`, ignoring case
 * ("administrator|admin").  NULL and "" never match.
 */
bool like_at(const char *got, const char *keywords, const char *file, int line,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define ok(cond, ...) ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, expected, ...)                                             \
	is_int_at((got), (expected), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, expected, ...)                                             \
	is_str_at((got), (expected), __FILE__, __LINE__, __VA_ARGS__)
#define is_errno(got, expected, ...)                                           \
	is_errno_at((got), (expected), __FILE__, __LINE__, __VA_ARGS__)
#define like(got, keywords, ...)                                               \
	like_at((got), (keywords), __FILE__, __LINE__, __VA_ARGS__)

/* "EACCES" for -EACCES or EACCES, "0" for 0. */
const char *tap_errno_name(int e);
/* Case-insensitive search for any of the '|'-separated keywords. */
bool tap_contains_any(const char *haystack, const char *keywords);

#endif
