// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of backend/pim.h, the calendar and contact items of SPEC.md
 * section 3 ("Calendar and contacts", "Members") and the busy times of
 * section 2: the check of one stored item as khal, khard, todoman and
 * vdirsyncer write them and each refusal, the index (kind, UID), busy
 * periods with recurrences, overrides, time zones and all-day events, the
 * VFREEBUSY that shows no detail, listings, import split and export join,
 * and a member's card.  No store: the module works on byte buffers.
 *
 * Expected times are unix seconds computed by hand in the comments:
 * 2024-01-01T00:00Z is 1704067200, a day 86400.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "pim.h"
#include "tap.h"

#define DAY 86400
#define HOUR 3600
#define JAN1 1704067200LL	/* 2024-01-01T00:00:00Z */

/* ---- Helpers ---- */

static char *kept[512];
static size_t nkept;

/* s with every "\n" turned into CRLF (as the clients write), kept to exit. */
static const char *crlf(const char *s)
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

static int ics(const char *s, struct pim_info *info, char *why)
{
	why[0] = '\0';
	return ics_check(s, strlen(s), info, why, 256);
}

static int vcf(const char *s, struct pim_info *info, char *why)
{
	why[0] = '\0';
	return vcard_check(s, strlen(s), info, why, 256);
}

/* Check that s is refused by ics_check with a reason naming `words`. */
static void ics_refused(const char *s, const char *words, const char *what)
{
	struct pim_info info;
	char why[256];

	is_errno(ics(s, &info, why), -EINVAL, "ics refuses %s", what);
	like(why, words, "reason for %s: %s", what, why);
}

static void vcf_refused(const char *s, const char *words, const char *what)
{
	struct pim_info info;
	char why[256];

	is_errno(vcf(s, &info, why), -EINVAL, "vcard refuses %s", what);
	like(why, words, "reason for %s: %s", what, why);
}

/* The busy periods of one item in [from, to), merged. */
static size_t busy(const char *s, int64_t from, int64_t to,
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

static bool period_is(const struct busy_period *v, size_t n, size_t i,
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

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Every line ends with CRLF and holds at most 75 octets. */
static bool lines_ok(const char *s, size_t len)
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

/* ---- Samples ---- */

/* A VTIMEZONE as Thunderbird and Evolution write it (rules, not dates). */
#define VTZ_BRUSSELS                                                           \
	"BEGIN:VTIMEZONE\n"                                                    \
	"TZID:Europe/Brussels\n"                                               \
	"BEGIN:DAYLIGHT\n"                                                     \
	"TZOFFSETFROM:+0100\n"                                                 \
	"TZOFFSETTO:+0200\n"                                                   \
	"TZNAME:CEST\n"                                                        \
	"DTSTART:19700329T020000\n"                                            \
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\n"                             \
	"END:DAYLIGHT\n"                                                       \
	"BEGIN:STANDARD\n"                                                     \
	"TZOFFSETFROM:+0200\n"                                                 \
	"TZOFFSETTO:+0100\n"                                                   \
	"TZNAME:CET\n"                                                         \
	"DTSTART:19701025T030000\n"                                            \
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"                            \
	"END:STANDARD\n"                                                       \
	"END:VTIMEZONE\n"

#define VTZ_NEW_YORK                                                           \
	"BEGIN:VTIMEZONE\n"                                                    \
	"TZID:America/New_York\n"                                              \
	"BEGIN:DAYLIGHT\n"                                                     \
	"TZOFFSETFROM:-0500\n"                                                 \
	"TZOFFSETTO:-0400\n"                                                   \
	"TZNAME:EDT\n"                                                         \
	"DTSTART:19700308T020000\n"                                            \
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\n"                              \
	"END:DAYLIGHT\n"                                                       \
	"BEGIN:STANDARD\n"                                                     \
	"TZOFFSETFROM:-0400\n"                                                 \
	"TZOFFSETTO:-0500\n"                                                   \
	"TZNAME:EST\n"                                                         \
	"DTSTART:19701101T020000\n"                                            \
	"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\n"                             \
	"END:STANDARD\n"                                                       \
	"END:VTIMEZONE\n"

/* khal (python icalendar): VTIMEZONE from pytz transitions, dates only. */
static const char khal_event[] =
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
static const char google_event[] =
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
static const char todo_item[] =
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
static const char tb_series[] =
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

/* ---- Checking .ics items ---- */

static void ics_valid(void)
{
	struct pim_info info;
	char why[256], buf[4096];
	const char *s;

	is_errno(ics(crlf(khal_event), &info, why), 0, "khal event: %s", why);
	is_int(info.kind, PIM_EVENT, "khal event is an event");
	ok(info.has_uid, "khal event has a UID");
	is_str(info.uid, "R2GG0KSVHB7QNDJOZ7MW6DMXCS1CPRB1TX1A", "its UID");
	is_errno(ics(crlf(google_event), &info, why), 0,
		 "Google event with empty DESCRIPTION and LOCATION: %s", why);
	is_str(info.uid, "7kukuqrfedlm2f9t0vr42q2s8d@google.com",
	       "Google UID");
	is_errno(ics(crlf(todo_item), &info, why), 0, "todoman to-do: %s",
		 why);
	is_int(info.kind, PIM_TODO, "a to-do is indexed as a to-do");
	is_str(info.uid, "b1a7c6f0e3d84d2a9f0e1c2b3a4d5e6f@host", "to-do UID");
	is_errno(ics(crlf(tb_series), &info, why), 0,
		 "master and override of one UID: %s", why);
	is_str(info.uid, "0b3f8a55-6c1e-4f7a-9c2d-1e2f3a4b5c6d",
	       "series UID");
	is_errno(ics(khal_event, &info, why), 0, "LF line ends: %s", why);
	snprintf(buf, sizeof(buf), "\xef\xbb\xbf%s", crlf(khal_event));
	is_errno(ics(buf, &info, why), 0, "UTF-8 BOM: %s", why);
	snprintf(buf, sizeof(buf), "%s\r\n\r\n", crlf(khal_event));
	is_errno(ics(buf, &info, why), 0, "blank lines after END: %s", why);
	/* Not NUL-terminated: the length says where the item ends. */
	s = crlf(khal_event);
	snprintf(buf, sizeof(buf), "%sBEGIN:VCALENDAR\r\nJUNK", s);
	is_errno(ics_check(buf, strlen(s), &info, why, sizeof(why)), 0,
		 "data is read up to len only");
	/* Only overrides (an invitation to some instances): no master. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
		 "BEGIN:VEVENT\nUID:inv-1\nDTSTAMP:20240101T000000Z\n"
		 "RECURRENCE-ID:20240108T090000Z\nDTSTART:20240108T100000Z\n"
		 "DURATION:PT1H\nEND:VEVENT\n"
		 "BEGIN:VEVENT\nUID:inv-1\nDTSTAMP:20240101T000000Z\n"
		 "RECURRENCE-ID:20240115T090000Z\nDTSTART:20240115T100000Z\n"
		 "DURATION:PT1H\nEND:VEVENT\nEND:VCALENDAR\n");
	is_errno(ics(s, &info, why), 0, "overrides without master: %s", why);
	ok(ics_check(khal_event, strlen(khal_event), NULL, NULL, 0) == 0,
	   "info and why may be NULL");
}

static void ics_refusals(void)
{
	char big[2048];
	int k;

	ics_refused("", "empty", "an empty file");
	ics_refused("\r\n\r\n", "empty", "a file of blank lines");
	ics_refused("hello world\n", "not iCalendar", "text");
	ics_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n"),
		    "vCard", "a vCard in .ics");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
			 "END:VCALENDAR\n"
			 "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
			 "END:VCALENDAR\n"),
		    "two calendars", "two VCALENDARs");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
			 "BEGIN:VEVENT\nUID:b\nDTSTART:20240102T100000Z\n"
			 "END:VEVENT\nEND:VCALENDAR\n"),
		    "two UIDs", "events of two UIDs");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
			 "BEGIN:VTODO\nUID:a\nEND:VTODO\nEND:VCALENDAR\n"),
		    "mixed", "an event and a to-do");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VJOURNAL\n"
			 "UID:j\nDTSTART:20240101T100000Z\nSUMMARY:diary\n"
			 "END:VJOURNAL\nEND:VCALENDAR\n"),
		    "VJOURNAL", "a VJOURNAL");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
			 "BEGIN:VFREEBUSY\nUID:f\nEND:VFREEBUSY\n"
			 "END:VCALENDAR\n"),
		    "VFREEBUSY", "a VFREEBUSY beside an event");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "DTSTART:20240101T100000Z\nSUMMARY:no uid\n"
			 "END:VEVENT\nEND:VCALENDAR\n"),
		    "without UID", "an event without UID");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
			 "END:VCALENDAR\nSUMMARY:trailing\n"),
		    "after END", "garbage after END:VCALENDAR");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:garbage\nEND:VEVENT\n"
			 "END:VCALENDAR\n"),
		    "parse error", "an unparsable DTSTART (X-LIC-ERROR)");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nURL:\n"
			 "END:VEVENT\nEND:VCALENDAR\n"),
		    "parse error", "an empty URL (not a text value)");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VTODO\n"
			 "END:VCALENDAR\n"),
		    "closes", "END:VTODO closing a VEVENT");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"),
		    "no END", "no END:VCALENDAR");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
			 "BEGIN:VEVENT\nUID:a\nDTSTART:20240108T100000Z\n"
			 "END:VEVENT\nEND:VCALENDAR\n"),
		    "RECURRENCE-ID", "two masters of one UID");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nSUMMARY:when?\nEND:VEVENT\n"
			 "END:VCALENDAR\n"),
		    "DTSTART", "an event without DTSTART");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:1.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000\nEND:VEVENT\n"
			 "END:VCALENDAR\n"),
		    "VERSION", "vCalendar 1.0");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
			 "END:VCALENDAR\n"),
		    "no event", "a calendar with no event");
	ics_refused("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a"
		    "\r\nDTSTART:20240101T100000Z\r\nSUMMARY:a\0b\r\n"
		    "END:VEVENT\r\nEND:VCALENDAR\r\n",
		    "empty|no END", "a NUL byte (strlen stops at it)");
	{
		static const char nul[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
					  "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:a"
					  "\0b\r\nDTSTART:20240101T100000Z\r\n"
					  "END:VEVENT\r\nEND:VCALENDAR\r\n";
		char why[256];

		is_errno(ics_check(nul, sizeof(nul) - 1, NULL, why,
				   sizeof(why)),
			 -EINVAL, "a NUL byte inside the data");
		like(why, "NUL", "reason: %s", why);
	}
	k = snprintf(big, sizeof(big),
		     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:");
	memset(big + k, 'u', 600);
	snprintf(big + k + 600, sizeof(big) - (size_t)k - 600,
		 "\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n"
		 "END:VCALENDAR\r\n");
	ics_refused(big, "UID", "a UID of 600 bytes");
	ics_refused(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
			 "UID:a\nDTSTART:20240101T100000Z\nFOO:bar\n"
			 "END:VEVENT\nEND:VCALENDAR\n"),
		    "parse error", "an unknown non-X property");
}

/* ---- Checking .vcf items ---- */

/* khard */
static const char khard_card[] =
	"BEGIN:VCARD\n"
	"VERSION:3.0\n"
	"PRODID:-//khard//NONSGML khard//EN\n"
	"UID:3a7d8b6e-2f41-4c55-9b1e-6a0f2d9c8e71\n"
	"FN:Jane Doe\n"
	"N:Doe;Jane;;;\n"
	"EMAIL;TYPE=WORK,INTERNET:jane@example.org\n"
	"TEL;TYPE=CELL:+32 470 00 00 00\n"
	"ADR;TYPE=HOME:;;Rue de la Loi 16;Bruxelles;;1000;Belgium\n"
	"NOTE:Met at FOSDEM\\, 2024\\nLikes tea\\; no sugar\n"
	"item1.URL:https://example.org/blog\n"
	"item1.X-ABLabel:blog\n"
	"END:VCARD\n";

/* vdirsyncer from an Apple server: folded base64 photo. */
static const char apple_card[] =
	"BEGIN:VCARD\n"
	"VERSION:3.0\n"
	"PRODID:-//Apple Inc.//iOS 17.2//EN\n"
	"N:Martin;Luc;;;\n"
	"FN:Luc Martin\n"
	"ORG:Martin & Fils;\n"
	"EMAIL;type=INTERNET;type=HOME;type=pref:luc@example.net\n"
	"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMC\n"
	" AgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8Q\n"
	" EBEQCgwSExIQEw8QEBD/2Q==\n"
	"REV:2024-01-02T10:00:00Z\n"
	"UID:A1B2C3D4-E5F6-7890-ABCD-EF1234567890\n"
	"X-ADDRESSBOOKSERVER-KIND:individual\n"
	"END:VCARD\n";

/* A CardDAV server's 4.0 (Nextcloud) */
static const char v4_card[] =
	"BEGIN:VCARD\n"
	"VERSION:4.0\n"
	"UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\n"
	"FN:Jos\xc3\xa9 M\xc3\xbcller\n"
	"N:M\xc3\xbcller;Jos\xc3\xa9;;;\n"
	"EMAIL;TYPE=\"work,internet\";PREF=1:jose@example.org\n"
	"TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+33-6-00-00-00-00\n"
	"END:VCARD\n";

/* A phone's 2.1 export: quoted-printable with a soft line break, no FN. */
static const char v21_card[] =
	"BEGIN:VCARD\n"
	"VERSION:2.1\n"
	"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4D=C3=BC=6C=6C=65=\n"
	"=72;=4A=6F=73=C3=A9;;;\n"
	"TEL;CELL;PREF:+32470000000\n"
	"NOTE;ENCODING=QUOTED-PRINTABLE:first line=0D=0Asecond =\n"
	"line\n"
	"END:VCARD\n";

static void vcf_valid(void)
{
	struct pim_info info;
	char why[256], buf[2048];

	is_errno(vcf(crlf(khard_card), &info, why), 0, "khard card: %s", why);
	is_int(info.kind, PIM_CARD, "a card is indexed as a card");
	ok(info.has_uid, "khard card has a UID");
	is_str(info.uid, "3a7d8b6e-2f41-4c55-9b1e-6a0f2d9c8e71", "its UID");
	is_errno(vcf(crlf(apple_card), &info, why), 0,
		 "Apple card with a folded photo: %s", why);
	is_str(info.uid, "A1B2C3D4-E5F6-7890-ABCD-EF1234567890", "Apple UID");
	is_errno(vcf(crlf(v4_card), &info, why), 0, "vCard 4.0: %s", why);
	is_str(info.uid, "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
	       "4.0 UID as written");
	is_errno(vcf(crlf(v21_card), &info, why), 0,
		 "vCard 2.1 quoted-printable, N without FN: %s", why);
	ok(!info.has_uid, "a card without UID has none");
	is_errno(vcf(crlf("BEGIN:VCARD\nVERSION:2.1\nN:A;B\n"
			  "NOTE;QUOTED-PRINTABLE:dangling=\nEND:VCARD\n"),
		     &info, why),
		 0, "a soft break before END:VCARD does not eat it: %s", why);
	is_errno(vcf(khard_card, &info, why), 0, "LF line ends: %s", why);
	snprintf(buf, sizeof(buf), "\xef\xbb\xbf\r\n%s\r\n", crlf(khard_card));
	is_errno(vcf(buf, &info, why), 0, "BOM and blank lines: %s", why);
}

static void vcf_refusals(void)
{
	vcf_refused("", "empty", "an empty file");
	vcf_refused("hello\n", "not a vCard", "text");
	vcf_refused(crlf(khal_event), "iCalendar", "an event in .vcf");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN:A\n"), "END",
		    "a card without END");
	vcf_refused(crlf("BEGIN:VCARD\nFN:A\nEND:VCARD\n"), "VERSION",
		    "a card without VERSION");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nN:A;B;;;\nEND:VCARD\n"),
		    "FN", "a 3.0 card without FN");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n"
			 "BEGIN:VCARD\nVERSION:3.0\nFN:B\nEND:VCARD\n"),
		    "two cards", "two cards");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:5.0\nFN:A\nEND:VCARD\n"),
		    "VERSION", "VERSION 5.0");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN:A\nhello world\n"
			 "END:VCARD\n"),
		    "NAME", "a line without colon");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nFN:B\n"),
		    "after END", "data after END:VCARD");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN:A\nUID:1\nUID:2\n"
			 "END:VCARD\n"),
		    "two UID", "two UIDs");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN:A\x01\nEND:VCARD\n"),
		    "control", "a control character");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN;X-A=\"open:A\n"
			 "END:VCARD\n"),
		    "quoted", "an unterminated quoted parameter");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:4.0\nFN:\xff\xfe\nEND:VCARD\n"),
		    "UTF-8", "4.0 that is not UTF-8");
	vcf_refused(crlf("BEGIN:VCARD\nVERSION:3.0\nFN:A\nBEGIN:VCARD\n"
			 "END:VCARD\n"),
		    "inside", "a card inside a card");
}

/* ---- Busy times ---- */

static void busy_single(void)
{
	struct busy_period *v;
	size_t n;

	/* 10:00-11:00 in Brussels (CET, +1) on Jan 10: 09:00Z-10:00Z. */
	n = busy(crlf(khal_event), JAN1, JAN1 + 31 * DAY, &v);
	is_int(n, 1, "one event, one period");
	ok(period_is(v, n, 0, 1704877200, 1704880800, false),
	   "Jan 10 09:00Z-10:00Z");
	free(v);
	n = busy(crlf(khal_event), JAN1 + 20 * DAY, JAN1 + 31 * DAY, &v);
	is_int(n, 0, "nothing outside the window");
	free(v);
	n = busy(crlf(todo_item), JAN1, JAN1 + 31 * DAY, &v);
	is_int(n, 0, "a to-do is never busy");
	free(v);
}

static void busy_rrule(void)
{
	struct busy_period *v;
	size_t n;
	const char *s;

	/* Mondays Jan 1, 8, 15 at 09:00Z (1704099600 + k * 604800). */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:w1\nDTSTART:20240101T090000Z\nDTEND:20240101T100000Z\n"
		 "RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 60 * DAY, &v);
	is_int(n, 3, "weekly COUNT=3: three periods");
	ok(period_is(v, n, 0, 1704099600, 1704103200, false) &&
		   period_is(v, n, 1, 1704704400, 1704708000, false) &&
		   period_is(v, n, 2, 1705309200, 1705312800, false),
	   "Jan 1, 8, 15 09:00Z-10:00Z");
	free(v);
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:w2\nDTSTART:20240101T090000Z\nDTEND:20240101T100000Z\n"
		 "RRULE:FREQ=WEEKLY;UNTIL=20240115T090000Z\nEND:VEVENT\n"
		 "END:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 60 * DAY, &v);
	is_int(n, 3, "UNTIL is inclusive: Jan 1, 8 and 15");
	ok(period_is(v, n, 2, 1705309200, 1705312800, false), "last Jan 15");
	free(v);
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:w3\nDTSTART:20240101T090000Z\nDTEND:20240101T100000Z\n"
		 "RRULE:FREQ=WEEKLY;UNTIL=20240115T085959Z\nEND:VEVENT\n"
		 "END:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 60 * DAY, &v);
	is_int(n, 2, "UNTIL one second before the third: two");
	free(v);
	/* Endless daily series from 2000: Jan 1..7 2024 at 09:00Z. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:d1\nDTSTART:20000103T090000Z\nDURATION:PT30M\n"
		 "RRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 7 * DAY, &v);
	is_int(n, 7, "a daily series begun in 2000: seven in a week of 2024");
	ok(period_is(v, n, 0, 1704099600, 1704099600 + 1800, false),
	   "Jan 1 09:00Z-09:30Z (DURATION)");
	free(v);
	/*
	 * Every 7 minutes since 2020-01-01T00:00Z, one minute each: 300,548
	 * steps to 2024, past PIM_MAX_STEPS, found by skipping whole steps.
	 * 2024-01-01T00:00Z is 2,103,840 minutes later = 7 * 300,548 + 4,
	 * so the first hour of 2024 has instances at minutes 3, 10, ... 59.
	 */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:h1\nDTSTART:20200101T000000Z\nDURATION:PT1M\n"
		 "RRULE:FREQ=MINUTELY;INTERVAL=7\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + HOUR, &v);
	is_int(n, 9, "an endless 7-minute rule from 2020: nine in an hour");
	ok(period_is(v, n, 0, JAN1 + 180, JAN1 + 240, false) &&
		   period_is(v, n, 8, JAN1 + 59 * 60, JAN1 + HOUR, false),
	   "at minutes 3 ... 59, in phase with DTSTART");
	free(v);
	/* A rule that never matches (Feb 30): DTSTART alone. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:n1\nDTSTART:20240101T090000Z\nDURATION:PT1H\n"
		 "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\n"
		 "END:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 366 * DAY, &v);
	is_int(n, 1, "a rule that never matches: DTSTART only");
	free(v);
	/* DTSTART a Monday, rule on Tuesdays: DTSTART still counts. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:t1\nDTSTART:20240101T090000Z\nDURATION:PT1H\n"
		 "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20240110T000000Z\n"
		 "END:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	is_int(n, 3, "DTSTART off the rule is an instance too");
	ok(period_is(v, n, 1, 1704099600 + DAY, 1704103200 + DAY, false),
	   "then Tuesday Jan 2");
	free(v);
}

static void busy_rdate_exdate(void)
{
	struct busy_period *v;
	size_t n;
	const char *s;

	/*
	 * Jan 1 09:00Z, RDATE Jan 5 14:00Z (1704463200) and Jan 7 08:00Z
	 * (1704614400), two hours each; a PERIOD Jan 10 12:00Z (1704888000)
	 * for 30 minutes.
	 */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:r1\nDTSTART:20240101T090000Z\nDURATION:PT2H\n"
		 "RDATE:20240105T140000Z,20240107T080000Z\n"
		 "RDATE;VALUE=PERIOD:20240110T120000Z/PT30M\n"
		 "END:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	is_int(n, 4, "RDATE: DTSTART and three more");
	ok(period_is(v, n, 0, 1704099600, 1704099600 + 2 * HOUR, false) &&
		   period_is(v, n, 1, 1704463200, 1704463200 + 2 * HOUR,
			     false) &&
		   period_is(v, n, 2, 1704614400, 1704614400 + 2 * HOUR,
			     false) &&
		   period_is(v, n, 3, 1704888000, 1704888000 + 1800, false),
	   "at their times, a PERIOD with its own length");
	free(v);
	/* Weekly COUNT=4 from Jan 1 09:00Z less Jan 8: Jan 1, 15, 22. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:x1\nDTSTART:20240101T090000Z\nDTEND:20240101T100000Z\n"
		 "RRULE:FREQ=WEEKLY;COUNT=4\nEXDATE:20240108T090000Z\n"
		 "END:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 60 * DAY, &v);
	is_int(n, 3, "EXDATE removes one of four");
	ok(period_is(v, n, 0, 1704099600, 1704103200, false) &&
		   period_is(v, n, 1, 1705309200, 1705312800, false) &&
		   period_is(v, n, 2, 1705914000, 1705917600, false),
	   "Jan 1, 15, 22");
	free(v);
	/* EXDATE in the event's zone: Brussels 10:00 is 09:00Z. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n" VTZ_BRUSSELS
		 "BEGIN:VEVENT\nUID:x2\n"
		 "DTSTART;TZID=Europe/Brussels:20240101T100000\n"
		 "DURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=3\n"
		 "EXDATE;TZID=Europe/Brussels:20240102T100000\n"
		 "END:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 10 * DAY, &v);
	is_int(n, 2, "EXDATE with TZID");
	ok(period_is(v, n, 1, 1704099600 + 2 * DAY, 1704103200 + 2 * DAY,
		     false),
	   "Jan 1 and Jan 3 remain");
	free(v);
}

static void busy_overrides(void)
{
	struct busy_period *v;
	size_t n;
	const char *s;

	/*
	 * Standup, Mondays 09:30-09:45 Brussels (08:30Z) from Jan 8; the Jan
	 * 15 one moved to 11:00-11:15 (10:00Z).  Jan 8 08:30Z is
	 * 1704702600, Jan 15 10:00Z 1705312800, Jan 22 08:30Z 1705912200.
	 */
	n = busy(crlf(tb_series), JAN1, JAN1 + 24 * DAY, &v);
	is_int(n, 3, "override: still three");
	ok(period_is(v, n, 0, 1704702600, 1704702600 + 900, false) &&
		   period_is(v, n, 1, 1705312800, 1705312800 + 900, false) &&
		   period_is(v, n, 2, 1705912200, 1705912200 + 900, false),
	   "the moved one at its new time, not at the old");
	free(v);
	/* Moved from Jan 8 09:00Z to Jan 9 14:00Z-15:30Z (1704808800). */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:o1\nDTSTART:20240101T090000Z\nDTEND:20240101T100000Z\n"
		 "RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\n"
		 "BEGIN:VEVENT\nUID:o1\nRECURRENCE-ID:20240108T090000Z\n"
		 "DTSTART:20240109T140000Z\nDTEND:20240109T153000Z\n"
		 "STATUS:TENTATIVE\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1 + 7 * DAY, JAN1 + 8 * DAY, &v);
	is_int(n, 0, "the moved instance's old day (Jan 8) is free");
	free(v);
	n = busy(s, JAN1 + 7 * DAY, JAN1 + 9 * DAY, &v);
	is_int(n, 1, "its new day is not");
	ok(period_is(v, n, 0, 1704808800, 1704814200, true),
	   "with the override's times and status (tentative)");
	free(v);
	/* Cancelled override: Jan 8 left out. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:c1\nDTSTART:20240101T090000Z\nDTEND:20240101T100000Z\n"
		 "RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\n"
		 "BEGIN:VEVENT\nUID:c1\nRECURRENCE-ID:20240108T090000Z\n"
		 "DTSTART:20240108T090000Z\nDTEND:20240108T100000Z\n"
		 "STATUS:CANCELLED\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 60 * DAY, &v);
	is_int(n, 2, "a cancelled instance is not busy");
	ok(period_is(v, n, 0, 1704099600, 1704103200, false) &&
		   period_is(v, n, 1, 1705309200, 1705312800, false),
	   "Jan 1 and 15 remain");
	free(v);
	/* A cancelled master, one instance confirmed again. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:c2\nDTSTART:20240101T090000Z\nDTEND:20240101T100000Z\n"
		 "RRULE:FREQ=WEEKLY;COUNT=3\nSTATUS:CANCELLED\nEND:VEVENT\n"
		 "BEGIN:VEVENT\nUID:c2\nRECURRENCE-ID:20240108T090000Z\n"
		 "DTSTART:20240108T090000Z\nDTEND:20240108T100000Z\n"
		 "STATUS:CONFIRMED\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 60 * DAY, &v);
	is_int(n, 1, "a cancelled series keeps its confirmed override");
	free(v);
}

static void busy_status(void)
{
	struct busy_period *v;
	size_t n;
	const char *s;

	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:t1\nDTSTART:20240110T090000Z\nDTEND:20240110T100000Z\n"
		 "TRANSP:TRANSPARENT\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	is_int(n, 0, "TRANSP:TRANSPARENT is not busy");
	free(v);
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:t2\nDTSTART:20240110T090000Z\nDTEND:20240110T100000Z\n"
		 "STATUS:TENTATIVE\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	is_int(n, 1, "STATUS:TENTATIVE is a period");
	ok(period_is(v, n, 0, 1704877200, 1704880800, true),
	   "marked tentative");
	free(v);
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:t3\nDTSTART:20240110T090000Z\nDTEND:20240110T100000Z\n"
		 "STATUS:CANCELLED\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	is_int(n, 0, "STATUS:CANCELLED is not busy");
	free(v);
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:t4\nDTSTART:20240110T090000Z\nEND:VEVENT\n"
		 "END:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	is_int(n, 0, "an instant (no DTEND, no DURATION) takes no time");
	free(v);
}

static void busy_all_day(void)
{
	struct busy_period *v;
	size_t n;
	const char *s;

	/* Jan 15 whole day in UTC: 1705276800..1705363200. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:a1\nDTSTART;VALUE=DATE:20240115\n"
		 "DTEND;VALUE=DATE:20240116\nSUMMARY:Off\nEND:VEVENT\n"
		 "END:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	is_int(n, 1, "all-day: one period");
	ok(period_is(v, n, 0, 1705276800, 1705363200, false),
	   "the whole of Jan 15, UTC");
	free(v);
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:a2\nDTSTART;VALUE=DATE:20240115\nEND:VEVENT\n"
		 "END:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	ok(n == 1 && period_is(v, n, 0, 1705276800, 1705363200, false),
	   "all-day without DTEND: one day");
	free(v);
	/* Jan 15, 16, 17: 1705276800..1705536000 (DTEND exclusive). */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:a3\nDTSTART;VALUE=DATE:20240115\n"
		 "DTEND;VALUE=DATE:20240118\nEND:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	ok(n == 1 && period_is(v, n, 0, 1705276800, 1705536000, false),
	   "a three-day event: Jan 15 to the end of Jan 17");
	free(v);
	/* A birthday since 1990: Jan 15 2024 all day. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:a4\nDTSTART;VALUE=DATE:19900115\n"
		 "DURATION:P1D\nRRULE:FREQ=YEARLY\nEND:VEVENT\n"
		 "END:VCALENDAR\n");
	n = busy(s, JAN1, JAN1 + 30 * DAY, &v);
	ok(n == 1 && period_is(v, n, 0, 1705276800, 1705363200, false),
	   "a yearly all-day event, DURATION:P1D");
	free(v);
	n = busy(crlf(google_event), JAN1, JAN1 + 30 * DAY, &v);
	is_int(n, 0, "Google's transparent holiday is free");
	free(v);
}

/* One event at `when` in zone `tz`, with or without its VTIMEZONE. */
static const char *zoned(const char *tz, const char *vtz, const char *when)
{
	char buf[4096];

	snprintf(buf, sizeof(buf),
		 "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n%s"
		 "BEGIN:VEVENT\nUID:z\nDTSTART;TZID=%s:%s\nDURATION:PT1H\n"
		 "END:VEVENT\nEND:VCALENDAR\n",
		 vtz, tz, when);
	return crlf(buf);
}

static void busy_zones(void)
{
	static const struct {
		const char *tz, *vtz, *when, *what;
		int64_t start;
	} c[] = {
		/* Jan 10 10:00 CET (+1): 09:00Z. */
		{"Europe/Brussels", VTZ_BRUSSELS, "20240110T100000",
		 "Brussels winter, VTIMEZONE", 1704877200},
		{"Europe/Brussels", "", "20240110T100000",
		 "Brussels winter, built-in", 1704877200},
		/* Jun 3 10:00 CEST (+2): 08:00Z. */
		{"Europe/Brussels", VTZ_BRUSSELS, "20240603T100000",
		 "Brussels summer, VTIMEZONE", 1717401600},
		{"Europe/Brussels", "", "20240603T100000",
		 "Brussels summer, built-in", 1717401600},
		/* Jan 10 09:00 EST (-5): 14:00Z. */
		{"America/New_York", VTZ_NEW_YORK, "20240110T090000",
		 "New York winter, VTIMEZONE", 1704895200},
		{"America/New_York", "", "20240110T090000",
		 "New York winter, built-in", 1704895200},
		/* Jun 3 09:00 EDT (-4): 13:00Z. */
		{"America/New_York", VTZ_NEW_YORK, "20240603T090000",
		 "New York summer, VTIMEZONE", 1717419600},
		{"America/New_York", "", "20240603T090000",
		 "New York summer, built-in", 1717419600},
		/* Unknown and no VTIMEZONE: taken in UTC. */
		{"Mars/Olympus_Mons", "", "20240110T100000",
		 "an unknown TZID, in UTC", 1704880800},
		{"../../../etc/passwd", "", "20240110T100000",
		 "a TZID that is a path, in UTC", 1704880800},
	};
	struct busy_period *v;
	size_t i, n;
	char why[256];

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *s = zoned(c[i].tz, c[i].vtz, c[i].when);

		is_errno(ics(s, NULL, why), 0, "%s: accepted", c[i].what);
		n = busy(s, JAN1, JAN1 + 366 * DAY, &v);
		ok(n == 1 && period_is(v, n, 0, c[i].start,
				       c[i].start + HOUR, false),
		   "%s", c[i].what);
		free(v);
	}
	/* An Outlook zone name, known only through its VTIMEZONE. */
	{
		char buf[4096];
		const char *s;

		snprintf(buf, sizeof(buf), "%s", VTZ_BRUSSELS);
		memcpy(strstr(buf, "TZID:") + 5, "W. Europe Std.", 14);
		memmove(strstr(buf, "W. Europe Std.") + 14,
			strstr(buf, "W. Europe Std.") + 15,
			strlen(strstr(buf, "W. Europe Std.") + 15) + 1);
		s = zoned("W. Europe Std.", buf, "20240110T100000");
		n = busy(s, JAN1, JAN1 + 366 * DAY, &v);
		ok(n == 1 && period_is(v, n, 0, 1704877200,
				       1704877200 + HOUR, false),
		   "a Windows zone name through its VTIMEZONE: 09:00Z");
		free(v);
	}
	/* Two events in two zones in one joined calendar. */
	{
		const char *a = zoned("Europe/Brussels", VTZ_BRUSSELS,
				      "20240110T100000");
		const char *b = zoned("America/New_York", VTZ_NEW_YORK,
				      "20240110T090000");
		const char *items[2] = {a, b};
		size_t lens[2] = {strlen(a), strlen(b)};
		char *out = NULL;
		size_t len = 0;

		is_errno(ics_join(items, lens, 2, &out, &len), 0, "join two");
		n = out ? busy(out, JAN1, JAN1 + 31 * DAY, &v) : 0;
		ok(n == 2 && period_is(v, n, 0, 1704877200, 1704880800, false)
			   && period_is(v, n, 1, 1704895200, 1704898800,
					false),
		   "Brussels 09:00Z and New York 14:00Z");
		free(v);
		free(out);
	}
}

static void busy_dst(void)
{
	static const char *const vtz[2] = {VTZ_BRUSSELS, ""};
	struct busy_period *v;
	char buf[4096];
	size_t n;
	int i;

	/*
	 * Thursdays 10:00-11:00 Brussels from Mar 21, COUNT=3; clocks go
	 * forward on Sunday Mar 31.  Mar 21 and 28 at 09:00Z (1711011600,
	 * 1711616400); Apr 4 at 08:00Z, 1711616400 + 604800 - 3600 =
	 * 1712217600: one hour earlier in UTC, same wall time.
	 */
	for (i = 0; i < 2; i++) {
		snprintf(buf, sizeof(buf),
			 "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n%s"
			 "BEGIN:VEVENT\nUID:dst\n"
			 "DTSTART;TZID=Europe/Brussels:20240321T100000\n"
			 "DTEND;TZID=Europe/Brussels:20240321T110000\n"
			 "RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\n"
			 "END:VCALENDAR\n",
			 vtz[i]);
		n = busy(crlf(buf), JAN1, JAN1 + 180 * DAY, &v);
		is_int(n, 3, "DST series (%s): three",
		       i ? "built-in" : "VTIMEZONE");
		ok(period_is(v, n, 0, 1711011600, 1711015200, false) &&
			   period_is(v, n, 1, 1711616400, 1711620000, false) &&
			   period_is(v, n, 2, 1712217600, 1712221200, false),
		   "after the change, 08:00Z instead of 09:00Z (%s)",
		   i ? "built-in" : "VTIMEZONE");
		if (n == 3)
			is_int(v[2].start - v[1].start, 604800 - 3600,
			       "one week less an hour between them");
		free(v);
	}
}

static void busy_clip(void)
{
	struct busy_period *v;
	size_t n;
	const char *s;

	/* Jan 10 09:00Z-11:00Z: 1704877200..1704884400. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:k\nDTSTART:20240110T090000Z\nDTEND:20240110T110000Z\n"
		 "END:VEVENT\nEND:VCALENDAR\n");
	n = busy(s, 1704880800, JAN1 + 30 * DAY, &v);
	ok(n == 1 && period_is(v, n, 0, 1704880800, 1704884400, false),
	   "spanning the window's start: clipped to from (10:00Z)");
	free(v);
	n = busy(s, JAN1, 1704880800, &v);
	ok(n == 1 && period_is(v, n, 0, 1704877200, 1704880800, false),
	   "spanning the window's end: clipped to to (10:00Z)");
	free(v);
	n = busy(s, 1704879000, 1704880800, &v);
	ok(n == 1 && period_is(v, n, 0, 1704879000, 1704880800, false),
	   "covering the whole window: the window");
	free(v);
	n = busy(s, 1704884400, JAN1 + 30 * DAY, &v);
	is_int(n, 0, "ending at from: nothing");
	free(v);
	n = busy(s, JAN1, 1704877200, &v);
	is_int(n, 0, "starting at to: nothing");
	free(v);
	/* Appending to what is there. */
	{
		struct busy_period *w = malloc(sizeof(*w));
		size_t k = 1;

		if (!w)
			abort();
		w[0].start = 1;
		w[0].end = 2;
		w[0].tentative = true;
		is_errno(ics_busy(s, strlen(s), JAN1, JAN1 + DAY * 30, &w, &k),
			 0, "append");
		ok(k == 2 && w[0].start == 1 && w[1].start == 1704877200,
		   "ics_busy appends");
		is_errno(ics_busy("junk", 4, JAN1, JAN1 + DAY, &w, &k),
			 -EINVAL, "junk: EINVAL");
		is_int(k, 2, "and *n unchanged");
		free(w);
	}
}

static void merge(void)
{
	struct busy_period v[] = {
		{215, 230, false}, {25, 30, false},  {10, 20, false},
		{15, 25, false},   {45, 60, false},  {40, 50, true},
		{80, 90, false},   {70, 80, true},   {105, 120, true},
		{100, 110, true},  {200, 210, false}, {210, 220, true},
		{300, 300, false}, {150, 160, true}, {152, 155, false},
	};
	size_t n = sizeof(v) / sizeof(v[0]);

	busy_merge(v, &n);
	is_int(n, 7, "merged into seven");
	ok(period_is(v, n, 0, 10, 30, false),
	   "overlapping and touching busy: one");
	ok(period_is(v, n, 1, 40, 60, false),
	   "a busy one absorbs a tentative one it overlaps");
	ok(period_is(v, n, 2, 70, 80, true) && period_is(v, n, 3, 80, 90,
							  false),
	   "tentative touching busy: apart");
	ok(period_is(v, n, 4, 100, 120, true), "tentative with tentative");
	ok(period_is(v, n, 5, 150, 160, false),
	   "a tentative one around a busy one becomes busy");
	ok(period_is(v, n, 6, 200, 230, false),
	   "a chain: tentative turned busy joins its busy neighbour");
	n = 0;
	busy_merge(NULL, &n);
	is_int(n, 0, "nothing to merge");
}

static void render(void)
{
	static const char secret[] =
		"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n" VTZ_BRUSSELS
		"BEGIN:VEVENT\nUID:secret-1\n"
		"DTSTART;TZID=Europe/Brussels:20240110T100000\n"
		"DTEND;TZID=Europe/Brussels:20240110T113000\n"
		"SUMMARY:Secret merger talks\nLOCATION:Room 101\n"
		"DESCRIPTION:Confidential: do not share\n"
		"ATTENDEE;CN=Big Boss:mailto:boss@example.com\n"
		"CATEGORIES:hush\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:secret-1\n"
		"RECURRENCE-ID;TZID=Europe/Brussels:20240110T100000\n"
		"DTSTART;TZID=Europe/Brussels:20240111T100000\n"
		"DTEND;TZID=Europe/Brussels:20240111T110000\n"
		"SUMMARY:Secret merger talks (moved)\nLOCATION:Room 102\n"
		"STATUS:TENTATIVE\nEND:VEVENT\nEND:VCALENDAR\n";
	static const char *const allowed[] = {
		"BEGIN:",   "END:",	  "VERSION:",	"PRODID:",
		"DTSTAMP:", "DTSTART:", "DTEND:",	"UID:",
		"ORGANIZER:", "FREEBUSY;", " ",
	};
	const char *s = crlf(secret);
	struct busy_period *v = NULL;
	icalcomponent *cal, *fb;
	icalproperty *p;
	char *out = NULL, *line, *save = NULL, *copy;
	size_t n = 0, len = 0, i, bad = 0, props = 0;
	char uid[200];
	int rc;

	/* Jan 11 10:00-11:00 CET: 09:00Z-10:00Z = 1704963600..1704967200. */
	is_errno(ics_busy(s, strlen(s), JAN1, JAN1 + 31 * DAY, &v, &n), 0,
		 "busy of a secret event");
	busy_merge(v, &n);
	ok(n == 1 && period_is(v, n, 0, 1704963600, 1704967200, true),
	   "the moved tentative instance only");
	memset(uid, 'b', sizeof(uid) - 1);
	uid[sizeof(uid) - 1] = '\0';
	memcpy(uid, "busy-alice;x,", 13);
	rc = busy_render(v, n, JAN1, JAN1 + 31 * DAY, uid,
			 "alice@example.org", JAN1 + 5, &out, &len);
	is_errno(rc, 0, "render");
	if (rc) {
		free(v);
		return;
	}
	is_int((long long)strlen(out), (long long)len, "len is the text's");
	ok(lines_ok(out, len), "CRLF, lines of at most 75 octets");
	ok(!tap_contains_any(out, "secret|merger|room 10|confidential|boss|"
				  "hush|summary|location|description|attendee|"
				  "categories|Brussels|TZID"),
	   "no summary, location, description or any detail leaks");
	copy = strdup(out);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		bool good = false;

		for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			good |= !strncmp(line, allowed[i],
					 strlen(allowed[i]));
		if (!good) {
			diag("unexpected line: %s", line);
			bad++;
		}
		props++;
	}
	free(copy);
	is_int(bad, 0,
	       "only FREEBUSY, DTSTART, DTEND, DTSTAMP, UID, ORGANIZER");
	ok(strstr(out, "\r\nDTSTAMP:20240101T000005Z\r\n") &&
		   strstr(out, "\r\nDTSTART:20240101T000000Z\r\n") &&
		   strstr(out, "\r\nDTEND:20240201T000000Z\r\n") &&
		   strstr(out, "\r\nORGANIZER:mailto:alice@example.org\r\n") &&
		   strstr(out, "\r\nFREEBUSY;FBTYPE=BUSY-TENTATIVE:"
			       "20240111T090000Z/20240111T100000Z\r\n"),
	   "the stamp, window, organizer and period, in UTC");
	ok(strstr(out, "PRODID:-//groupfs//EN") != NULL, "PRODID");
	/* Parse it back. */
	cal = icalparser_parse_string(out);
	ok(cal && icalcomponent_count_errors(cal) == 0, "libical parses it");
	fb = cal ? icalcomponent_get_first_component(cal,
						     ICAL_VFREEBUSY_COMPONENT)
		 : NULL;
	ok(fb != NULL, "one VFREEBUSY");
	if (fb) {
		struct icalperiodtype per;
		icalparameter *fbt;

		ok(icalcomponent_get_uid(fb) &&
			   !strcmp(icalcomponent_get_uid(fb), uid),
		   "the UID comes back whole (escaped, folded)");
		is_int(icaltime_as_timet(icalcomponent_get_dtstart(fb)), JAN1,
		       "DTSTART is from");
		is_int(icaltime_as_timet(icalcomponent_get_dtend(fb)),
		       JAN1 + 31 * DAY, "DTEND is to");
		p = icalcomponent_get_first_property(fb,
						     ICAL_FREEBUSY_PROPERTY);
		ok(p != NULL, "a FREEBUSY property");
		if (p) {
			per = icalproperty_get_freebusy(p);
			is_int(icaltime_as_timet(per.start), 1704963600,
			       "its start");
			is_int(icaltime_as_timet(per.end), 1704967200,
			       "its end");
			fbt = icalproperty_get_first_parameter(
				p, ICAL_FBTYPE_PARAMETER);
			ok(fbt && icalparameter_get_fbtype(fbt) ==
					  ICAL_FBTYPE_BUSYTENTATIVE,
			   "FBTYPE=BUSY-TENTATIVE");
		}
		is_int(icalcomponent_count_properties(fb, ICAL_ANY_PROPERTY),
		       6, "six properties in the VFREEBUSY");
	}
	if (cal)
		icalcomponent_free(cal);
	free(out);
	free(v);
	/* Many periods, no organizer. */
	{
		struct busy_period w[3] = {{JAN1 + 10, JAN1 + 20, false},
					   {JAN1 - 50, JAN1 + 5, false},
					   {JAN1 + 40, JAN1 + 40, true}};

		rc = busy_render(w, 3, JAN1, JAN1 + DAY, "u", NULL, JAN1,
				 &out, &len);
		is_errno(rc, 0, "render three");
		if (rc == 0) {
			is_int(count(out, "FREEBUSY;FBTYPE=BUSY:"), 2,
			       "two periods (an empty one left out)");
			ok(strstr(out, "20240101T000000Z/20240101T000005Z"),
			   "clipped to the window");
			ok(!strstr(out, "ORGANIZER"),
			   "no organizer without email");
			free(out);
		}
		is_errno(busy_render(w, 1, JAN1, JAN1 + DAY, "a\nb", NULL,
				     JAN1, &out, &len),
			 -EINVAL, "a UID with a line break: EINVAL");
	}
}

/* ---- Listings ---- */

static void occurrences(void)
{
	struct occurrence *o = NULL;
	size_t n = 0;
	const char *s = crlf(tb_series);
	int rc;

	/* Jan 8 08:30Z, Jan 15 moved to 10:00Z, Jan 22 08:30Z. */
	rc = ics_occurrences(s, strlen(s), JAN1, JAN1 + 24 * DAY, &o, &n);
	is_errno(rc, 0, "occurrences");
	is_int(n, 3, "three occurrences");
	if (n == 3) {
		is_int(o[0].start, 1704702600, "first at Jan 8 08:30Z");
		is_int(o[0].end, 1704702600 + 900, "for 15 minutes");
		is_str(o[0].summary, "Standup", "summary");
		is_int(o[1].start, 1705312800, "the moved one at 10:00Z");
		is_str(o[1].summary, "Standup (moved)",
		       "the override's summary");
		is_str(o[1].uid, "0b3f8a55-6c1e-4f7a-9c2d-1e2f3a4b5c6d", "UID");
		ok(!o[1].location, "no location: NULL");
		ok(!o[2].all_day, "not all-day");
	}
	occurrences_free(o, n);
	/* A transparent all-day event is listed; a cancelled one is not. */
	s = crlf(google_event);
	rc = ics_occurrences(s, strlen(s), JAN1, JAN1 + 30 * DAY, &o, &n);
	ok(rc == 0 && n == 1 && o[0].all_day && o[0].start == 1705276800 &&
		   o[0].end == 1705363200 && o[0].summary &&
		   !strcmp(o[0].summary, "Company holiday"),
	   "a transparent all-day event is listed, as all-day");
	if (rc == 0)
		occurrences_free(o, n);
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
		 "UID:c1\nDTSTART:20240101T090000Z\nDTEND:20240101T100000Z\n"
		 "RRULE:FREQ=DAILY;COUNT=3\nSUMMARY:Daily\n"
		 "LOCATION:Hall\nEND:VEVENT\n"
		 "BEGIN:VEVENT\nUID:c1\nRECURRENCE-ID:20240102T090000Z\n"
		 "DTSTART:20240102T090000Z\nDTEND:20240102T100000Z\n"
		 "STATUS:CANCELLED\nEND:VEVENT\nEND:VCALENDAR\n");
	rc = ics_occurrences(s, strlen(s), JAN1, JAN1 + 30 * DAY, &o, &n);
	ok(rc == 0 && n == 2 && o[0].start == 1704099600 &&
		   o[1].start == 1704099600 + 2 * DAY && o[1].location &&
		   !strcmp(o[1].location, "Hall"),
	   "a cancelled instance is not listed");
	if (rc == 0)
		occurrences_free(o, n);
	s = crlf(todo_item);
	rc = ics_occurrences(s, strlen(s), JAN1, JAN1 + 30 * DAY, &o, &n);
	ok(rc == 0 && n == 0, "to-dos are not occurrences");
	if (rc == 0)
		occurrences_free(o, n);
	is_errno(ics_occurrences("nope", 4, JAN1, JAN1 + DAY, &o, &n),
		 -EINVAL, "not iCalendar: EINVAL");
}

/* ---- Import and export ---- */

static const char import_cal[] =
	"BEGIN:VCALENDAR\n"
	"VERSION:2.0\n"
	"PRODID:-//Example Corp.//Export 1.0//EN\n"
	"METHOD:PUBLISH\n"
	"X-WR-CALNAME:Team\n" VTZ_BRUSSELS VTZ_NEW_YORK
	"BEGIN:VEVENT\n"
	"UID:ev-a@example.com\n"
	"DTSTAMP:20240101T000000Z\n"
	"DTSTART;TZID=Europe/Brussels:20240110T100000\n"
	"DTEND;TZID=Europe/Brussels:20240110T110000\n"
	"SUMMARY:A in Brussels\n"
	"END:VEVENT\n"
	"BEGIN:VEVENT\n"
	"UID:ev-b@example.com\n"
	"DTSTAMP:20240101T000000Z\n"
	"DTSTART;TZID=Europe/Brussels:20240111T100000\n"
	"DTEND;TZID=Europe/Brussels:20240111T110000\n"
	"RRULE:FREQ=DAILY;COUNT=3\n"
	"SUMMARY:B series\n"
	"END:VEVENT\n"
	"BEGIN:VEVENT\n"
	"UID:ev-c@example.com\n"
	"DTSTAMP:20240101T000000Z\n"
	"DTSTART;TZID=America/New_York:20240110T090000\n"
	"DTEND;TZID=America/New_York:20240110T100000\n"
	"SUMMARY:C in New York\n"
	"END:VEVENT\n"
	"BEGIN:VEVENT\n"
	"UID:ev-d@example.com\n"
	"DTSTAMP:20240101T000000Z\n"
	"DTSTART:not-a-date\n"
	"SUMMARY:D broken\n"
	"END:VEVENT\n"
	"BEGIN:VEVENT\n"
	"UID:ev-b@example.com\n"
	"DTSTAMP:20240101T000000Z\n"
	"RECURRENCE-ID;TZID=Europe/Brussels:20240112T100000\n"
	"DTSTART;TZID=Europe/Brussels:20240112T150000\n"
	"DTEND;TZID=Europe/Brussels:20240112T160000\n"
	"SUMMARY:B moved\n"
	"END:VEVENT\n"
	"END:VCALENDAR\n";

static void split_join(void)
{
	const char *s = crlf(import_cal);
	struct pim_part *p = NULL, *q = NULL;
	size_t n = 0, m = 0, i, len = 0;
	const char *items[4];
	size_t lens[4];
	char why[256] = "", *out = NULL;
	int rc;

	rc = ics_split(s, strlen(s), &p, &n, why, sizeof(why));
	is_errno(rc, 0, "split: %s", why);
	is_int(n, 4, "four parts: A, B (master and override), C, D");
	if (rc || n != 4)
		goto out_free;
	is_str(p[0].info.uid, "ev-a@example.com", "part 1 is A");
	is_str(p[1].info.uid, "ev-b@example.com", "part 2 is B");
	is_str(p[2].info.uid, "ev-c@example.com", "part 3 is C");
	for (i = 0; i < 3; i++) {
		char w2[256];

		is_int(p[i].err, 0, "part %zu is fine: %s", i + 1, p[i].why);
		is_errno(ics_check(p[i].data, p[i].len, NULL, w2, sizeof(w2)),
			 0, "part %zu passes ics_check", i + 1);
		ok(lines_ok(p[i].data, p[i].len), "part %zu: CRLF, folded",
		   i + 1);
		ok(!strstr(p[i].data, "METHOD"), "part %zu: no METHOD", i + 1);
	}
	ok(strstr(p[0].data, "TZID:Europe/Brussels") &&
		   !strstr(p[0].data, "America/New_York"),
	   "A carries the Brussels VTIMEZONE only");
	is_int(count(p[1].data, "BEGIN:VEVENT"), 2,
	       "B holds its master and its override");
	is_int(count(p[1].data, "BEGIN:VTIMEZONE"), 1, "and one VTIMEZONE");
	ok(strstr(p[2].data, "TZID:America/New_York") &&
		   !strstr(p[2].data, "Europe/Brussels"),
	   "C carries the New York VTIMEZONE only");
	is_errno(p[3].err, -EINVAL, "D is refused");
	like(p[3].why, "parse error|DTSTART", "D's reason: %s", p[3].why);
	ok(p[3].info.has_uid && !strcmp(p[3].info.uid, "ev-d@example.com") &&
		   p[3].info.kind == PIM_EVENT,
	   "a refused part still tells its UID and kind");
	ok(strstr(p[3].data, "D broken") != NULL, "D's data is kept");
	/* Join A, B, C: each VTIMEZONE once; splits back the same. */
	for (i = 0; i < 3; i++) {
		items[i] = p[i].data;
		lens[i] = p[i].len;
	}
	rc = ics_join(items, lens, 3, &out, &len);
	is_errno(rc, 0, "join");
	if (rc)
		goto out_free;
	ok(lines_ok(out, len), "joined: CRLF, folded");
	is_int(count(out, "BEGIN:VCALENDAR"), 1, "one VCALENDAR");
	is_int(count(out, "BEGIN:VTIMEZONE"), 2,
	       "Brussels once, New York once");
	is_int(count(out, "BEGIN:VEVENT"), 4, "four VEVENTs");
	ok(strstr(out, "PRODID:-//groupfs//EN") != NULL, "our PRODID");
	rc = ics_split(out, len, &q, &m, why, sizeof(why));
	ok(rc == 0 && m == 3, "the join splits back into three");
	for (i = 0; rc == 0 && i < m && i < 3; i++)
		ok(q[i].err == 0 && !strcmp(q[i].info.uid, p[i].info.uid),
		   "round trip part %zu: %s", i + 1, q[i].info.uid);
	/* The busy times of the join are those of the parts. */
	{
		struct busy_period *a = NULL, *b = NULL;
		size_t na = 0, nb = 0;
		bool same;

		for (i = 0; i < 3; i++)
			ics_busy(p[i].data, p[i].len, JAN1, JAN1 + 31 * DAY, &a,
				 &na);
		ics_busy(out, len, JAN1, JAN1 + 31 * DAY, &b, &nb);
		busy_merge(a, &na);
		busy_merge(b, &nb);
		same = na == nb && na == 5;
		for (i = 0; same && i < na; i++)
			same = a[i].start == b[i].start &&
			       a[i].end == b[i].end &&
			       a[i].tentative == b[i].tentative;
		for (i = 0; !same && i < na; i++)
			diag("parts %zu: %lld..%lld", i, (long long)a[i].start,
			     (long long)a[i].end);
		for (i = 0; !same && i < nb; i++)
			diag("join %zu: %lld..%lld", i, (long long)b[i].start,
			     (long long)b[i].end);
		ok(same, "busy of the join = busy of the parts (5 periods)");
		free(a);
		free(b);
	}
	pim_parts_free(q, m);
	q = NULL;
	/* Several VCALENDARs in one import file. */
	{
		char buf[8192];

		snprintf(buf, sizeof(buf), "%s%s", crlf(khal_event),
			 crlf(todo_item));
		rc = ics_split(buf, strlen(buf), &q, &m, why, sizeof(why));
		ok(rc == 0 && m == 2 && q[0].info.kind == PIM_EVENT &&
			   q[1].info.kind == PIM_TODO && !q[0].err &&
			   !q[1].err,
		   "two calendars: an event and a to-do");
		pim_parts_free(q, m);
		q = NULL;
	}
	/* A VJOURNAL and an event without UID are parts of their own. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
		 "BEGIN:VJOURNAL\nUID:j\nSUMMARY:diary\nEND:VJOURNAL\n"
		 "BEGIN:VEVENT\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
		 "BEGIN:VEVENT\nDTSTART:20240102T100000Z\nEND:VEVENT\n"
		 "END:VCALENDAR\n");
	rc = ics_split(s, strlen(s), &q, &m, why, sizeof(why));
	ok(rc == 0 && m == 3 && q[0].err == -EINVAL && q[1].err == -EINVAL &&
		   q[2].err == -EINVAL,
	   "a journal and two events without UID: three refused parts");
	if (rc == 0 && m == 3) {
		like(q[0].why, "VJOURNAL", "journal: %s", q[0].why);
		like(q[1].why, "UID", "no UID: %s", q[1].why);
	}
	pim_parts_free(q, rc ? 0 : m);
	q = NULL;
	/* One UID given twice as a master: one part, refused, named. */
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
		 "BEGIN:VEVENT\nUID:dup-1@test\nDTSTART:20250403T100000Z\n"
		 "END:VEVENT\n"
		 "BEGIN:VEVENT\nUID:dup-1@test\nDTSTART:20250404T100000Z\n"
		 "END:VEVENT\nEND:VCALENDAR\n");
	rc = ics_split(s, strlen(s), &q, &m, why, sizeof(why));
	ok(rc == 0 && m == 1 && q[0].err == -EINVAL &&
		   !strcmp(q[0].info.uid, "dup-1@test"),
	   "two masters of one UID: one refused part named by its UID");
	if (rc == 0 && m == 1)
		like(q[0].why, "RECURRENCE-ID", "reason: %s", q[0].why);
	pim_parts_free(q, rc ? 0 : m);
	q = NULL;
	is_errno(ics_split("hello", 5, &q, &m, why, sizeof(why)), -EINVAL,
		 "split of text: EINVAL");
	like(why, "not iCalendar", "reason: %s", why);
	is_errno(ics_split("", 0, &q, &m, why, sizeof(why)), -EINVAL,
		 "split of nothing: EINVAL");
	s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nEND:VCALENDAR\n");
	rc = ics_split(s, strlen(s), &q, &m, why, sizeof(why));
	ok(rc == 0 && m == 0, "an empty calendar: no part");
	pim_parts_free(q, rc ? 0 : m);
out_free:
	free(out);
	pim_parts_free(p, n);
}

static void join_empty(void)
{
	char *out = NULL;
	size_t len = 0;
	const char *bad[1] = {"junk"};
	size_t badlen[1] = {4};

	is_errno(ics_join(NULL, NULL, 0, &out, &len), 0, "join zero items");
	ok(out && strstr(out, "BEGIN:VCALENDAR") && !strstr(out, "VEVENT"),
	   "an empty VCALENDAR");
	free(out);
	out = NULL;
	is_errno(ics_join(bad, badlen, 1, &out, &len), -EINVAL,
		 "join of an item that does not parse: EINVAL");
	ok(out == NULL, "no output then");
}

static void vcard_split_join(void)
{
	char buf[8192];
	struct pim_part *p = NULL, *q = NULL;
	size_t n = 0, m = 0, i, len = 0;
	const char *items[5];
	size_t lens[5];
	char why[256] = "", *out = NULL;
	const char *a = crlf(khard_card), *b = crlf(v4_card),
		   *c = crlf(v21_card),
		   *d = crlf("BEGIN:VCARD\nVERSION:3.0\nN:Nofn;;;;\n"
			     "END:VCARD\n");
	int rc;

	snprintf(buf, sizeof(buf), "%s%s\r\n%s%s", a, b, c, d);
	rc = vcard_split(buf, strlen(buf), &p, &n, why, sizeof(why));
	is_errno(rc, 0, "vcard split: %s", why);
	is_int(n, 4, "four cards");
	if (rc || n != 4)
		goto out_free;
	ok(p[0].len == strlen(a) && !memcmp(p[0].data, a, p[0].len),
	   "card 1 byte for byte");
	ok(p[1].len == strlen(b) && !memcmp(p[1].data, b, p[1].len),
	   "card 2 byte for byte");
	ok(p[2].len == strlen(c) && !memcmp(p[2].data, c, p[2].len),
	   "card 3 byte for byte (blank line before it left out)");
	ok(!p[0].err && !p[1].err && !p[2].err, "three good cards");
	is_str(p[0].info.uid, "3a7d8b6e-2f41-4c55-9b1e-6a0f2d9c8e71",
	       "card 1 UID");
	ok(!p[2].info.has_uid, "card 3 has no UID");
	is_errno(p[3].err, -EINVAL, "the card without FN is refused");
	like(p[3].why, "FN", "reason: %s", p[3].why);
	ok(!p[3].info.has_uid, "it has no UID to tell");
	for (i = 0; i < 3; i++) {
		items[i] = p[i].data;
		lens[i] = p[i].len;
	}
	items[3] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No newline\r\nEND:VCARD";
	lens[3] = strlen(items[3]);
	rc = vcard_join(items, lens, 4, &out, &len);
	is_errno(rc, 0, "vcard join");
	if (rc)
		goto out_free;
	ok(len == strlen(a) + strlen(b) + strlen(c) + lens[3] + 2 &&
		   !memcmp(out, a, strlen(a)),
	   "the items' bytes, a line end added where missing");
	rc = vcard_split(out, len, &q, &m, why, sizeof(why));
	ok(rc == 0 && m == 4 && !q[0].err && !q[1].err && !q[2].err &&
		   !q[3].err,
	   "the join splits back into four good cards");
	pim_parts_free(q, rc ? 0 : m);
	q = NULL;
	free(out);
	out = NULL;
	/* A refused card still tells its UID. */
	snprintf(buf, sizeof(buf), "%s",
		 crlf("BEGIN:VCARD\nVERSION:3.0\nUID:nameless@test\n"
		      "EMAIL:x@y.example\nEND:VCARD\n"));
	rc = vcard_split(buf, strlen(buf), &q, &m, why, sizeof(why));
	ok(rc == 0 && m == 1 && q[0].err == -EINVAL && q[0].info.has_uid &&
		   !strcmp(q[0].info.uid, "nameless@test") &&
		   q[0].info.kind == PIM_CARD,
	   "a refused card still tells its UID");
	pim_parts_free(q, rc ? 0 : m);
	q = NULL;
	/* Junk between cards; a card cut short. */
	snprintf(buf, sizeof(buf), "%sjunk line\r\n%sBEGIN:VCARD\r\nFN:x\r\n",
		 a, b);
	rc = vcard_split(buf, strlen(buf), &q, &m, why, sizeof(why));
	ok(rc == 0 && m == 4 && !q[0].err && q[1].err == -EINVAL &&
		   !q[2].err && q[3].err == -EINVAL,
	   "junk and a card cut short are refused parts");
	pim_parts_free(q, rc ? 0 : m);
	q = NULL;
	is_errno(vcard_split("hello\n", 6, &q, &m, why, sizeof(why)), -EINVAL,
		 "vcard split of text: EINVAL");
	is_errno(vcard_split(crlf(khal_event), strlen(crlf(khal_event)), &q,
			     &m, why, sizeof(why)),
		 -EINVAL, "vcard split of a calendar: EINVAL");
	like(why, "iCalendar", "reason: %s", why);
	is_errno(vcard_split("", 0, &q, &m, why, sizeof(why)), -EINVAL,
		 "vcard split of nothing: EINVAL");
out_free:
	free(out);
	pim_parts_free(p, n);
}

/* ---- A member's card ---- */

static int b64(char c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789+/";
	const char *p = strchr(t, c);

	return c && p ? (int)(p - t) : -1;
}

/* The unfolded value of the first line starting with `name`. */
static char *unfolded(const char *s, const char *name)
{
	const char *p = strstr(s, name);
	char *v, *d;

	if (!p)
		return NULL;
	p += strlen(name);
	v = d = malloc(strlen(p) + 1);
	if (!v)
		abort();
	while (*p) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 3;
			continue;
		}
		if (p[0] == '\r')
			break;
		*d++ = *p++;
	}
	*d = '\0';
	return v;
}

static void member_card(void)
{
	unsigned char photo[300];
	struct card_profile cp = {
		.username = "ana",
		.first = "Ana",
		.last = "de la Cruz; Jr",
		.org = "ACME, Inc.\\Labs\nBrussels",
		.email = "ana@example.org",
		.role = "co-administrator",
		.photo = photo,
		.photo_len = sizeof(photo),
		.photo_type = "image/png",
	};
	struct pim_info info;
	char *out = NULL, *val, why[256];
	size_t len = 0, i, k = 0;
	unsigned char dec[400];
	int rc, q[4];

	for (i = 0; i < sizeof(photo); i++)
		photo[i] = (unsigned char)(i * 7 + 3);
	rc = vcard_make(&cp, &out, &len);
	is_errno(rc, 0, "vcard_make");
	if (rc)
		return;
	ok(lines_ok(out, len), "CRLF, folded at 75 octets");
	ok(!strncmp(out, "BEGIN:VCARD\r\nVERSION:3.0\r\n", 26), "vCard 3.0");
	ok(strstr(out, "\r\nUID:groupfs-member-ana\r\n") != NULL, "UID");
	ok(strstr(out, "\r\nFN:Ana de la Cruz\\; Jr\r\n") != NULL, "FN");
	ok(strstr(out, "\r\nN:de la Cruz\\; Jr;Ana;;;\r\n") != NULL,
	   "N escaped");
	ok(strstr(out, "\r\nNICKNAME:ana\r\n") != NULL, "NICKNAME");
	ok(strstr(out, "\r\nORG:ACME\\, Inc.\\\\Labs\\nBrussels\r\n") != NULL,
	   "ORG with comma, backslash and newline escaped");
	ok(strstr(out, "\r\nEMAIL;TYPE=INTERNET:ana@example.org\r\n") != NULL,
	   "EMAIL");
	ok(strstr(out, "\r\nROLE:co-administrator\r\n") != NULL, "ROLE");
	is_errno(vcf(out, &info, why), 0, "vcard_check accepts it: %s", why);
	is_str(info.uid, "groupfs-member-ana", "its UID");
	val = unfolded(out, "PHOTO;ENCODING=b;TYPE=PNG:");
	ok(val != NULL, "PHOTO;ENCODING=b;TYPE=PNG");
	for (i = 0; val && val[i] && val[i + 1] && val[i + 2] && val[i + 3];
	     i += 4) {
		q[0] = b64(val[i]);
		q[1] = b64(val[i + 1]);
		q[2] = b64(val[i + 2]);
		q[3] = b64(val[i + 3]);
		if (q[0] < 0 || q[1] < 0 || k + 3 > sizeof(dec))
			break;
		dec[k++] = (unsigned char)(q[0] << 2 | q[1] >> 4);
		if (q[2] >= 0)
			dec[k++] = (unsigned char)(q[1] << 4 | q[2] >> 2);
		if (q[3] >= 0)
			dec[k++] = (unsigned char)(q[2] << 6 | q[3]);
	}
	ok(k == sizeof(photo) && !memcmp(dec, photo, k),
	   "the photo decodes back (%zu bytes)", k);
	free(val);
	free(out);
	/* No photo, no org, no names. */
	cp.first = cp.last = cp.org = NULL;
	cp.email = "";
	cp.photo = NULL;
	cp.photo_len = 0;
	cp.photo_type = "";
	rc = vcard_make(&cp, &out, &len);
	is_errno(rc, 0, "a bare profile");
	if (rc == 0) {
		ok(strstr(out, "\r\nFN:ana\r\n") != NULL,
		   "FN falls back to the username");
		ok(!strstr(out, "ORG") && !strstr(out, "PHOTO") &&
			   !strstr(out, "EMAIL"),
		   "no ORG, EMAIL or PHOTO lines");
		is_errno(vcf(out, NULL, why), 0, "still a valid card");
		free(out);
	}
	cp.photo = photo;
	cp.photo_len = 10;
	cp.photo_type = "image/gif";
	is_errno(vcard_make(&cp, &out, &len), -EINVAL, "a GIF: EINVAL");
	cp.photo_type = "image/jpeg";
	rc = vcard_make(&cp, &out, &len);
	ok(rc == 0 && strstr(out, "PHOTO;ENCODING=b;TYPE=JPEG:"), "JPEG");
	if (rc == 0)
		free(out);
	cp.username = "";
	is_errno(vcard_make(&cp, &out, &len), -EINVAL, "no username: EINVAL");
	/* Folding never splits a UTF-8 sequence. */
	cp.username = "eve";
	cp.photo_len = 0;
	cp.first = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
	rc = vcard_make(&cp, &out, &len);
	if (rc == 0) {
		const char *l = strstr(out, "\r\n ");

		ok(l && ((unsigned char)l[3] & 0xc0) != 0x80 &&
			   lines_ok(out, len),
		   "a long UTF-8 name folds between characters");
		free(out);
	} else {
		ok(0, "vcard_make of a long name");
	}
}

/* ---- Threads ---- */

struct thread_arg {
	const char *data;
	int ok;
};

static void *busy_thread(void *p)
{
	struct thread_arg *a = p;
	int i;

	a->ok = 1;
	for (i = 0; i < 30; i++) {
		struct busy_period *v = NULL;
		size_t n = 0;

		if (ics_busy(a->data, strlen(a->data), JAN1, JAN1 + 366 * DAY,
			     &v, &n) ||
		    n != 3 || v[2].start != 1712217600)
			a->ok = 0;
		free(v);
	}
	return NULL;
}

static void threads(void)
{
	struct thread_arg a[4];
	pthread_t t[4];
	int i, good = 1;
	const char *s = crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
			     "BEGIN:VEVENT\nUID:dst\n"
			     "DTSTART;TZID=Europe/Brussels:20240321T100000\n"
			     "DTEND;TZID=Europe/Brussels:20240321T110000\n"
			     "RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\n"
			     "END:VCALENDAR\n");

	for (i = 0; i < 4; i++) {
		a[i].data = s;
		if (pthread_create(&t[i], NULL, busy_thread, &a[i]))
			abort();
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		good &= a[i].ok;
	}
	ok(good, "four threads expanding with built-in zones agree");
}

int main(void)
{
	size_t i;
	int rc;

	ics_valid();
	ics_refusals();
	vcf_valid();
	vcf_refusals();
	busy_single();
	busy_rrule();
	busy_rdate_exdate();
	busy_overrides();
	busy_status();
	busy_all_day();
	busy_zones();
	busy_dst();
	busy_clip();
	merge();
	render();
	occurrences();
	split_join();
	join_empty();
	vcard_split_join();
	member_card();
	threads();
	rc = done_testing();
	for (i = 0; i < nkept; i++)
		free(kept[i]);
	/* libical's process-wide caches, so valgrind sees no leak. */
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
	return rc;
}
