// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The helpers and sample items of the unit tests of backend/pim.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pim_support.h"
#include "tap.h"

/* ---- Helpers ---- */

static char *kept[512];
static size_t nkept;

/* s with every "\n" turned into CRLF (as the clients write), kept to exit. */
const char *crlf(const char *s)
{
	size_t n = strlen(s), i, k = 0;
	char *d = malloc(2 * n + 1);

	if (!d || nkept == sizeof(kept) / sizeof(kept[0]))
		abort();
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			d[k++] = '\r';
		d[k++] = s[i];
	}
	d[k] = '\0';
	kept[nkept++] = d;
	return d;
}

int ics(const char *s, struct pim_info *info, char *why)
{
	why[0] = '\0';
	return ics_check(s, strlen(s), info, why, 256);
}

int vcf(const char *s, struct pim_info *info, char *why)
{
	why[0] = '\0';
	return vcard_check(s, strlen(s), info, why, 256);
}

/* Check that s is refused by ics_check with a reason naming `words`. */
void ics_refused(const char *s, const char *words, const char *what)
{
	struct pim_info info;
	char why[256];

	is_errno(ics(s, &info, why), -EINVAL, "ics refuses %s", what);
	like(why, words, "reason for %s: %s", what, why);
}

void vcf_refused(const char *s, const char *words, const char *what)
{
	struct pim_info info;
	char why[256];

	is_errno(vcf(s, &info, why), -EINVAL, "vcard refuses %s", what);
	like(why, words, "reason for %s: %s", what, why);
}

/* The busy periods of one item in [from, to), merged. */
size_t busy(const char *s, int64_t from, int64_t to,
		   struct busy_period **v)
{
	size_t n = 0;
	int rc;

	*v = NULL;
	rc = ics_busy(s, strlen(s), from, to, v, &n);
	if (rc)
		diag("ics_busy: %s", tap_errno_name(rc));
	busy_merge(*v, &n);
	return rc ? (size_t)-1 : n;
}

bool period_is(const struct busy_period *v, size_t n, size_t i,
		      int64_t s, int64_t e, bool tentative)
{
	if (i >= n) {
		diag("no period %zu (have %zu)", i, n);
		return false;
	}
	if (v[i].start != s || v[i].end != e || v[i].tentative != tentative) {
		diag("period %zu: got %lld..%lld%s, want %lld..%lld%s", i,
		     (long long)v[i].start, (long long)v[i].end,
		     v[i].tentative ? " tentative" : "", (long long)s,
		     (long long)e, tentative ? " tentative" : "");
		return false;
	}
	return true;
}

size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Every line ends with CRLF and holds at most 75 octets. */
bool lines_ok(const char *s, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n'))
			return false;
		if (s[i] == '\n') {
			if (i == 0 || s[i - 1] != '\r' || i - 1 - start > 75)
				return false;
			start = i + 1;
		}
	}
	return start == len;
}

void pim_support_free(void)
{
	size_t i;

	for (i = 0; i < nkept; i++)
		free(kept[i]);
	nkept = 0;
}

/* ---- Samples ---- */

/* A VTIMEZONE as Thunderbird and Evolution write it (rules, not dates). */


/* khal (python icalendar): VTIMEZONE from pytz transitions, dates only. */
const char khal_event[] =
	"BEGIN:VCALENDAR\n"
	"VERSION:2.0\n"
	"PRODID:-//PIMUTILS.ORG//NONSGML khal / icalendar //EN\n"
	"BEGIN:VTIMEZONE\n"
	"TZID:Europe/Brussels\n"
	"BEGIN:STANDARD\n"
	"DTSTART;VALUE=DATE-TIME:20231029T020000\n"
	"TZNAME:CET\n"
	"TZOFFSETFROM:+0200\n"
	"TZOFFSETTO:+0100\n"
	"END:STANDARD\n"
	"BEGIN:DAYLIGHT\n"
	"DTSTART;VALUE=DATE-TIME:20240331T030000\n"
	"TZNAME:CEST\n"
	"TZOFFSETFROM:+0100\n"
	"TZOFFSETTO:+0200\n"
	"END:DAYLIGHT\n"
	"END:VTIMEZONE\n"
	"BEGIN:VEVENT\n"
	"SUMMARY:Team meeting\n"
	"DTSTART;TZID=Europe/Brussels;VALUE=DATE-TIME:20240110T100000\n"
	"DTEND;TZID=Europe/Brussels;VALUE=DATE-TIME:20240110T110000\n"
	"DTSTAMP;VALUE=DATE-TIME:20240101T120000Z\n"
	"UID:R2GG0KSVHB7QNDJOZ7MW6DMXCS1CPRB1TX1A\n"
	"SEQUENCE:0\n"
	"LOCATION:Room 4\n"
	"BEGIN:VALARM\n"
	"ACTION:DISPLAY\n"
	"DESCRIPTION:Team meeting\n"
	"TRIGGER:-PT15M\n"
	"END:VALARM\n"
	"END:VEVENT\n"
	"END:VCALENDAR\n";

/* vdirsyncer from Google: empty DESCRIPTION/LOCATION, all-day, free. */
const char google_event[] =
	"BEGIN:VCALENDAR\n"
	"PRODID:-//Google Inc//Google Calendar 70.9054//EN\n"
	"VERSION:2.0\n"
	"CALSCALE:GREGORIAN\n"
	"BEGIN:VEVENT\n"
	"DTSTART;VALUE=DATE:20240115\n"
	"DTEND;VALUE=DATE:20240116\n"
	"DTSTAMP:20240101T000000Z\n"
	"UID:7kukuqrfedlm2f9t0vr42q2s8d@google.com\n"
	"CREATED:20231201T101010Z\n"
	"DESCRIPTION:\n"
	"LAST-MODIFIED:20231201T101010Z\n"
	"LOCATION:\n"
	"SEQUENCE:0\n"
	"STATUS:CONFIRMED\n"
	"SUMMARY:Company holiday\n"
	"TRANSP:TRANSPARENT\n"
	"X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij\n"
	"END:VEVENT\n"
	"END:VCALENDAR\n";

/* todoman */
const char todo_item[] =
	"BEGIN:VCALENDAR\n"
	"VERSION:2.0\n"
	"PRODID:-//pimutils.org//todoman//EN\n"
	"BEGIN:VTODO\n"
	"UID:b1a7c6f0e3d84d2a9f0e1c2b3a4d5e6f@host\n"
	"DTSTAMP:20240101T090000Z\n"
	"CREATED:20240101T090000Z\n"
	"SUMMARY:Renew the lease\n"
	"DUE;VALUE=DATE:20240120\n"
	"DTSTART;VALUE=DATE:20240110\n"
	"PRIORITY:5\n"
	"STATUS:NEEDS-ACTION\n"
	"END:VTODO\n"
	"END:VCALENDAR\n";

/* Thunderbird: a weekly series with an override, one VTIMEZONE. */
const char tb_series[] =
	"BEGIN:VCALENDAR\n"
	"PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\n"
	"VERSION:2.0\n" VTZ_BRUSSELS
	"BEGIN:VEVENT\n"
	"CREATED:20240101T100000Z\n"
	"LAST-MODIFIED:20240101T100000Z\n"
	"DTSTAMP:20240101T100000Z\n"
	"UID:0b3f8a55-6c1e-4f7a-9c2d-1e2f3a4b5c6d\n"
	"SUMMARY:Standup\n"
	"RRULE:FREQ=WEEKLY;COUNT=10\n"
	"DTSTART;TZID=Europe/Brussels:20240108T093000\n"
	"DTEND;TZID=Europe/Brussels:20240108T094500\n"
	"X-MOZ-GENERATION:2\n"
	"END:VEVENT\n"
	"BEGIN:VEVENT\n"
	"CREATED:20240101T100000Z\n"
	"DTSTAMP:20240101T100000Z\n"
	"UID:0b3f8a55-6c1e-4f7a-9c2d-1e2f3a4b5c6d\n"
	"SUMMARY:Standup (moved)\n"
	"RECURRENCE-ID;TZID=Europe/Brussels:20240115T093000\n"
	"DTSTART;TZID=Europe/Brussels:20240115T110000\n"
	"DTEND;TZID=Europe/Brussels:20240115T111500\n"
	"SEQUENCE:1\n"
	"END:VEVENT\n"
	"END:VCALENDAR\n";

