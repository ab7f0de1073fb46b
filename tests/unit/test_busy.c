// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of backend/pim.h's busy times (SPEC.md section 2, members'
 * busy.ics): busy periods with recurrences, overrides, time zones, a DST
 * change and all-day events, merging, the VFREEBUSY that shows no detail,
 * expanded listings, and use from several threads.
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
#include "pim_support.h"
#include "tap.h"


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
	int rc;

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
	threads();
	rc = done_testing();
	pim_support_free();
	/* libical's process-wide caches, so valgrind sees no leak. */
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
	return rc;
}
