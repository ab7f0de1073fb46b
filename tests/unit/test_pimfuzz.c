// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hostile and fuzzed calendar and contact items against backend/pim.h
 * (the "hostile members" issue): every check, split and busy expansion
 * must return within a bound, with 0 or a refusal (-EINVAL, -EFBIG),
 * never crash, and give correct bounded busy times for runaway events.
 *
 * First the shapes a hostile member wrote (one property with 50,000 and
 * 200,000 parameters, a 3 MB vCard 2.1 of quoted-printable soft breaks,
 * a 9 MB item, an event of 99,999,999 weeks repeated daily, a VTIMEZONE
 * repeated every second since 1601, 45,000 RDATEs), then a deterministic
 * fuzz run: valid samples mutated (bytes flipped, lines duplicated,
 * hostile fragments spliced in, cut short) with a fixed seed, each call
 * timed.  The bounds are generous (seconds) against costs that were
 * minutes; the run is bounded by an iteration count, and by a wall-clock
 * budget as a last resort so that a slow machine cannot stall the suite.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "pim.h"
#include "pim_support.h"
#include "tap.h"

/* Seconds one call may take (an ASan build included); hostile items
 * took 16 to 426 s before the limits. */
#define CALL_BOUND  5.0
/* 2026-11-05T00:00:00Z and 366 days later: a busy.ics window. */
#define WIN_FROM    1793836800LL
#define WIN_TO	    (WIN_FROM + 396LL * DAY)
#define DEC1_2026   1796083200LL
#define FUZZ_ROUNDS 3000
#define FUZZ_BUDGET 60.0

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- Building items ---- */

struct sb {
	char *p;
	size_t len, cap;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_printf(struct sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		abort();
	sb_add(b, tmp, (size_t)n);
}

#define EV_HEAD                                                                \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n"
#define EV_BODY                                                                \
	"BEGIN:VEVENT\r\nUID:hostile-1\r\nDTSTAMP:20261201T000000Z\r\n"
#define EV_TAIL "END:VEVENT\r\nEND:VCALENDAR\r\n"

/* One ATTENDEE with n parameters. */
static void many_params(struct sb *b, unsigned n)
{
	unsigned i;

	sb_printf(b, EV_HEAD EV_BODY "DTSTART:20261210T100000Z\r\n"
				     "ATTENDEE");
	for (i = 0; i < n; i++)
		sb_printf(b, ";P%u=v", i); /* unknown: libical is quadratic */
	sb_printf(b, ":mailto:a@example.org\r\n" EV_TAIL);
}

/* A vCard 2.1 whose NOTE is `bytes` of quoted-printable soft breaks. */
static void qp_card(struct sb *b, size_t bytes)
{
	sb_printf(b, "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John\r\n"
		     "NOTE;ENCODING=QUOTED-PRINTABLE:");
	while (b->len < bytes)
		sb_printf(b, "=41=42=43=44=45=46=47=48=49=4A=4B=4C=4D=4E=4F="
			     "50=51=52=53=54=55=\r\n");
	sb_printf(b, "=41\r\nEND:VCARD\r\n");
}

/* An event with a base64 ATTACH of about `bytes`, folded. */
static void big_attach(struct sb *b, size_t bytes)
{
	sb_printf(b, EV_HEAD EV_BODY "DTSTART:20261210T100000Z\r\n"
				     "ATTACH;ENCODING=BASE64;VALUE=BINARY:");
	while (b->len < bytes)
		sb_printf(b, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
			     "QUFBQUFBQUFBQUFBQUFB\r\n ");
	sb_printf(b, "QUFB\r\n" EV_TAIL);
}

static void runaway(struct sb *b)
{
	sb_printf(b, EV_HEAD EV_BODY "DTSTART:20261201T000000Z\r\n"
				     "DURATION:P99999999W\r\n"
				     "RRULE:FREQ=DAILY\r\n" EV_TAIL);
}

static const char secondly_zone[] =
	EV_HEAD "BEGIN:VTIMEZONE\r\nTZID:Hostile/Zone\r\n"
		"BEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
		"RRULE:FREQ=SECONDLY\r\nTZOFFSETFROM:+0000\r\n"
		"TZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" EV_BODY
		"DTSTART;TZID=Hostile/Zone:20261210T100000\r\n"
		"DURATION:PT1H\r\n" EV_TAIL;

static void many_rdates(struct sb *b, unsigned n)
{
	unsigned i;

	sb_printf(b, EV_HEAD EV_BODY "DTSTART:20261210T100000Z\r\n"
				     "DURATION:PT1H\r\n");
	for (i = 0; i < n; i++)
		sb_printf(b, "RDATE:2027%02u%02uT%02u%02u00Z\r\n", 1 + i % 12,
			  1 + i / 12 % 28, i / 336 % 24, i / 8064 % 60);
	sb_printf(b, EV_TAIL);
}

/* ---- Timed calls ---- */

static double worst;

static int timed_check(bool ical, const char *s, size_t n, char *why,
		       double *secs)
{
	double t = now();
	struct pim_info info;
	int rc;

	why[0] = '\0';
	rc = ical ? ics_check(s, n, &info, why, 256)
		  : vcard_check(s, n, &info, why, 256);
	*secs = now() - t;
	if (*secs > worst)
		worst = *secs;
	return rc;
}

static void hostile_checks(void)
{
	struct sb b = {0};
	char why[256];
	double secs;
	int rc;

	many_params(&b, 50000);
	rc = timed_check(true, b.p, b.len, why, &secs);
	is_errno(rc, -EINVAL, "50,000 parameters refused (%.3f s)", secs);
	like(why, "parameters", "the reason names the parameters: %s", why);
	ok(secs < CALL_BOUND, "50,000 parameters checked in %.3f s", secs);
	b.len = 0;
	many_params(&b, 200000);
	rc = timed_check(true, b.p, b.len, why, &secs);
	is_errno(rc, -EINVAL, "200,000 parameters refused");
	ok(secs < CALL_BOUND, "200,000 parameters checked in %.3f s", secs);
	b.len = 0;
	many_params(&b, 40);
	rc = timed_check(true, b.p, b.len, why, &secs);
	is_errno(rc, 0, "40 parameters on a property are fine: %s", why);

	b.len = 0;
	qp_card(&b, 3000000);
	rc = timed_check(false, b.p, b.len, why, &secs);
	ok(rc == 0 || rc == -EINVAL, "3 MB quoted-printable card: %s %s",
	   tap_errno_name(rc), why);
	ok(secs < CALL_BOUND, "3 MB quoted-printable card checked in %.3f s",
	   secs);

	b.len = 0;
	big_attach(&b, 9 * 1024 * 1024);
	rc = timed_check(true, b.p, b.len, why, &secs);
	is_errno(rc, -EFBIG, "a 9 MB event is too big");
	like(why, "MiB", "the reason names the limit: %s", why);
	ok(secs < CALL_BOUND, "9 MB event refused in %.3f s", secs);
	b.len = 0;
	big_attach(&b, 3 * 1024 * 1024);
	rc = timed_check(true, b.p, b.len, why, &secs);
	is_errno(rc, 0, "a 3 MB attachment is within the limit: %s", why);

	b.len = 0;
	many_rdates(&b, 45000);
	rc = timed_check(true, b.p, b.len, why, &secs);
	is_errno(rc, -EINVAL, "45,000 RDATEs refused");
	like(why, "RDATE", "the reason names RDATE: %s", why);
	ok(secs < CALL_BOUND, "45,000 RDATEs checked in %.3f s", secs);
	b.len = 0;
	many_rdates(&b, 300);
	rc = timed_check(true, b.p, b.len, why, &secs);
	is_errno(rc, 0, "300 RDATEs are fine: %s", why);

	rc = timed_check(true, secondly_zone, strlen(secondly_zone), why,
			 &secs);
	is_errno(rc, -EINVAL, "a VTIMEZONE repeating every second refused");
	like(why, "VTIMEZONE", "the reason names the VTIMEZONE: %s", why);
	free(b.p);
}

/* Busy times of an item, timed; the periods merged. */
static int timed_busy(const char *s, size_t n, struct busy_period **v,
		      size_t *k, double *secs)
{
	double t = now();
	int rc;

	*v = NULL;
	*k = 0;
	rc = ics_busy(s, n, WIN_FROM, WIN_TO, v, k);
	*secs = now() - t;
	if (*secs > worst)
		worst = *secs;
	if (rc == 0)
		busy_merge(*v, k);
	return rc;
}

static void hostile_busy(void)
{
	struct busy_period *v = NULL;
	struct sb b = {0};
	double secs;
	size_t k;
	int rc;

	runaway(&b);
	rc = timed_busy(b.p, b.len, &v, &k, &secs);
	is_errno(rc, 0, "busy times of a 99,999,999-week daily event");
	ok(secs < CALL_BOUND, "... computed in %.3f s", secs);
	ok(k == 1 && period_is(v, k, 0, DEC1_2026, WIN_TO, false),
	   "... busy from its start to the end of the window (%zu periods)",
	   k);
	free(v);

	rc = timed_busy(secondly_zone, strlen(secondly_zone), &v, &k, &secs);
	ok(rc == 0 || rc == -EINVAL, "busy times despite a VTIMEZONE "
				     "repeating every second: %s",
	   tap_errno_name(rc));
	ok(secs < CALL_BOUND, "... computed in %.3f s", secs);
	ok(rc || k == 1, "... one hour busy (%zu periods)", k);
	free(v);

	b.len = 0;
	many_rdates(&b, 45000);
	rc = timed_busy(b.p, b.len, &v, &k, &secs);
	ok(rc == 0 || rc == -EINVAL, "busy times of 45,000 RDATEs: %s",
	   tap_errno_name(rc));
	ok(secs < CALL_BOUND, "... computed in %.3f s", secs);
	free(v);

	/* Every second for a year: capped, quickly, and still busy. */
	b.len = 0;
	sb_printf(&b, EV_HEAD EV_BODY "DTSTART:20261201T000000Z\r\n"
				      "DURATION:PT1S\r\n"
				      "RRULE:FREQ=SECONDLY\r\n" EV_TAIL);
	rc = timed_busy(b.p, b.len, &v, &k, &secs);
	is_errno(rc, 0, "busy times of an event every second");
	ok(secs < CALL_BOUND, "... computed in %.3f s", secs);
	ok(k >= 1 && v[0].start == DEC1_2026, "... busy from its start");
	free(v);

	/* A rule libical can never satisfy, at every second. */
	b.len = 0;
	sb_printf(&b, EV_HEAD EV_BODY
		  "DTSTART:20261201T000000Z\r\nDURATION:PT1S\r\n"
		  "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30\r\n" EV_TAIL);
	rc = timed_busy(b.p, b.len, &v, &k, &secs);
	ok(rc == 0 || rc == -EINVAL, "busy of an impossible secondly rule: %s",
	   tap_errno_name(rc));
	ok(secs < CALL_BOUND, "... computed in %.3f s", secs);
	free(v);
	free(b.p);
}

/* ---- Fuzz ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const fragments[] = {
	"\r\n ",
	";X-A=1;X-B=2;X-C=\"q\"",
	"\r\nRRULE:FREQ=SECONDLY\r\n",
	"\r\nRRULE:FREQ=DAILY;COUNT=1000000\r\n",
	"\r\nRRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\r\n",
	"\r\nRRULE:FREQ=YEARLY;BYSETPOS=-1;BYDAY=MO,TU\r\n",
	"\r\nDURATION:P99999999W\r\n",
	"\r\nDURATION:-P1D\r\n",
	"\r\nRDATE:20270101T000000Z,20270102T000000Z\r\n",
	"\r\nRDATE;VALUE=PERIOD:20270101T000000Z/P99999999W\r\n",
	"\r\nEXDATE:20261202T000000Z\r\n",
	"\r\nDTSTART:16010101T000000\r\n",
	"\r\nDTSTART;TZID=Hostile/Zone:20261210T100000\r\n",
	"\r\nDTEND:99991231T235959Z\r\n",
	"\r\nRECURRENCE-ID:20261203T000000Z\r\n",
	"\r\nBEGIN:VEVENT\r\nUID:hostile-1\r\nDTSTART:20261201T000000Z\r\n"
	"END:VEVENT\r\n",
	"\r\nBEGIN:VALARM\r\nBEGIN:VALARM\r\nEND:VALARM\r\nEND:VALARM\r\n",
	"ENCODING=QUOTED-PRINTABLE:=41=\r\n=42=\r\n",
	"\r\nUID:",
	"\r\nVERSION:2.1\r\n",
	"\xff\xfe\xc3\x28",
	"=",
	"\"",
	":",
	";",
	",",
};

static size_t mutate(const char *src, size_t n, char *out, size_t cap)
{
	size_t len = n < cap ? n : cap, k, i, at, m;

	memcpy(out, src, len);
	k = 1 + rnd() % 6;
	for (i = 0; i < k; i++) {
		at = len ? rnd() % len : 0;
		switch (rnd() % 6) {
		case 0: /* flip a byte */
			if (len)
				out[at] = (char)rnd();
			break;
		case 1: { /* splice a fragment */
			const char *f =
				fragments[rnd() % (sizeof(fragments) /
						   sizeof(fragments[0]))];
			m = strlen(f);
			if (len + m > cap)
				break;
			memmove(out + at + m, out + at, len - at);
			memcpy(out + at, f, m);
			len += m;
			break;
		}
		case 2: { /* duplicate a span many times */
			size_t span = 1 + rnd() % 80, times = rnd() % 400;

			if (at + span > len)
				span = len - at;
			while (times-- && len + span <= cap && span) {
				memmove(out + at + span, out + at, len - at);
				len += span;
			}
			break;
		}
		case 3: /* cut short */
			len = at;
			break;
		case 4: /* delete a span */
			m = rnd() % 40;
			if (at + m > len)
				m = len - at;
			memmove(out + at, out + at + m, len - at - m);
			len -= m;
			break;
		default: /* a line end somewhere */
			if (len + 2 <= cap) {
				memmove(out + at + 2, out + at, len - at);
				memcpy(out + at, "\r\n", 2);
				len += 2;
			}
			break;
		}
	}
	return len;
}

static const char *samples[9];

static void samples_init(void)
{
	struct sb b = {0};

	samples[0] = crlf(khal_event);
	samples[1] = crlf(google_event);
	samples[2] = crlf(todo_item);
	samples[3] = crlf(tb_series);
	samples[4] = secondly_zone;
	runaway(&b);
	samples[5] = crlf(b.p);
	free(b.p);
	samples[6] = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n" VTZ_BRUSSELS
			  "BEGIN:VEVENT\nUID:w\nDTSTAMP:20261201T000000Z\n"
			  "DTSTART;TZID=Europe/Brussels:20261207T090000\n"
			  "DTEND;TZID=Europe/Brussels:20261207T100000\n"
			  "RRULE:FREQ=WEEKLY;BYDAY=MO,WE\n"
			  "EXDATE;TZID=Europe/Brussels:20261209T090000\n"
			  "END:VEVENT\nEND:VCALENDAR\n");
	samples[7] =
		"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c-1\r\nFN:Jane Doe\r\n"
		"N:Doe;Jane;;;\r\nEMAIL;TYPE=INTERNET,HOME:jane@example.org\r\n"
		"item1.TEL;TYPE=\"cell,voice\":+32 2 555 12 34\r\n"
		"NOTE:a\\nb\r\nEND:VCARD\r\n";
	samples[8] = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John\r\n"
		     "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9 =\r\n"
		     "au lait\r\nTEL;CELL:123\r\nEND:VCARD\r\n";
}

static void fuzz(void)
{
	size_t cap = 1 << 20, i, rounds = 0, bad = 0, slow = 0;
	char *buf = malloc(cap), why[256];
	double start = now(), secs;
	struct busy_period *v;
	struct pim_part *parts;
	size_t k;
	int rc;

	if (!buf)
		abort();
	for (i = 0; i < FUZZ_ROUNDS && now() - start < FUZZ_BUDGET; i++) {
		bool ical = i % 9 < 7;
		const char *s = samples[i % 9];
		size_t n = mutate(s, strlen(s), buf, cap);
		double t = now();

		rounds++;
		rc = timed_check(ical, buf, n, why, &secs);
		if (rc != 0 && rc != -EINVAL && rc != -EFBIG && bad++ < 5)
			diag("round %zu: check returned %s", i,
			     tap_errno_name(rc));
		if (ical) {
			rc = timed_busy(buf, n, &v, &k, &secs);
			free(v);
			if (rc != 0 && rc != -EINVAL && rc != -EFBIG &&
			    bad++ < 5)
				diag("round %zu: busy returned %s", i,
				     tap_errno_name(rc));
			rc = ics_split(buf, n, &parts, &k, why, sizeof(why));
		} else {
			rc = vcard_split(buf, n, &parts, &k, why, sizeof(why));
		}
		if (rc == 0)
			pim_parts_free(parts, k);
		else if (rc != -EINVAL && rc != -EFBIG && bad++ < 5)
			diag("round %zu: split returned %s", i,
			     tap_errno_name(rc));
		if (now() - t > CALL_BOUND && slow++ < 5)
			diag("round %zu took %.3f s", i, now() - t);
	}
	ok(rounds >= 200, "%zu fuzz rounds in %.1f s", rounds, now() - start);
	is_int(bad, 0, "every call answered 0, EINVAL or EFBIG");
	is_int(slow, 0, "no round took more than %.0f s", CALL_BOUND);
	free(buf);
}

int main(void)
{
	int rc;

	samples_init();
	hostile_checks();
	hostile_busy();
	fuzz();
	diag("slowest call: %.3f s", worst);
	rc = done_testing();
	pim_support_free();
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
	return rc;
}
