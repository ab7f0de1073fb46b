// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of backend/pim.h, the calendar and contact items of SPEC.md
 * section 3 ("Calendar and contacts", "Members"): the check of one stored
 * item as khal, khard, todoman and vdirsyncer write them and each refusal,
 * the index (kind, UID), import split and export join, and a member's
 * card.  Busy times are in test_busy.c.  No store: the module works on
 * byte buffers.
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

/* An item created and closed unwritten has no buffer at all. */
static void empty_no_buffer(void)
{
	char why[256];

	is_errno(ics_check(NULL, 0, NULL, why, sizeof(why)), -EINVAL,
		 "an empty .ics with no buffer is refused: %s", why);
	is_errno(vcard_check(NULL, 0, NULL, why, sizeof(why)), -EINVAL,
		 "an empty .vcf with no buffer is refused: %s", why);
}

int main(void)
{
	int rc;

	ics_valid();
	ics_refusals();
	vcf_valid();
	vcf_refusals();
	split_join();
	join_empty();
	vcard_split_join();
	member_card();
	empty_no_buffer();
	rc = done_testing();
	pim_support_free();
	/* libical's process-wide caches, so valgrind sees no leak. */
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
	return rc;
}
