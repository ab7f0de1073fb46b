/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calendar and contact items on byte buffers (backend-private: nothing
 * outside backend/ and tests/unit includes this header).  The store keeps a
 * calendar as one .ics item per event or to-do and an address book as one
 * .vcf item per card (the vdir layout of khal, khard and vdirsyncer); this
 * module checks such items, indexes them (kind, UID), expands events into
 * busy periods and occurrences, renders a member's VFREEBUSY and card,
 * and splits and joins whole files for import and export.  It knows
 * nothing of the store, FUSE or SQLite, and holds no state: every function
 * may be called from any thread.
 *
 * Conventions: functions return 0 or a negative errno (-EINVAL for data
 * that is not what it should be, -ENOMEM); `data` need not be
 * NUL-terminated; out-buffers are malloc'd, NUL-terminated for
 * convenience (the NUL not counted in *len), and left untouched on error.
 * A `why` buffer (may be NULL) receives a one-line reason with -EINVAL.
 * Times are unix seconds, UTC.
 */
#ifndef GROUPFS_PIM_H
#define GROUPFS_PIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pim_kind { PIM_EVENT = 1, PIM_TODO = 2, PIM_CARD = 3 };

struct pim_info {
	enum pim_kind kind;
	bool has_uid;
	char uid[512]; /* the item's UID, when it has one */
};

/*
 * One stored .ics item: one VCALENDAR holding the VEVENTs (or VTODOs) of ONE
 * UID (a master and/or overrides with RECURRENCE-ID) plus any VTIMEZONEs; no
 * other top-level component kinds (VJOURNAL, VFREEBUSY, a VCARD...), not two
 * VCALENDARs, not events and to-dos mixed, exactly one master at most, a UID
 * required (at most 511 bytes), DTSTART required on events, VERSION 2.0 when
 * given, nothing but blank lines after END:VCALENDAR, no parse errors
 * (libical's X-LIC-ERROR; an empty text value such as "DESCRIPTION:" is
 * valid iCalendar and accepted), within the limits below (recurrence rules
 * too: ics_rule_problem).  0, or -EINVAL (-EFBIG past PIM_MAX_BYTES) with
 * a one-line reason in `why`.  info (may be NULL) is filled on success.
 */
int ics_check(const char *data, size_t len, struct pim_info *info, char *why,
	      size_t whylen);

/*
 * One stored .vcf item: exactly one BEGIN:VCARD ... END:VCARD (folded lines,
 * CRLF or LF, blank lines ignored, vCard 2.1 quoted-printable soft breaks
 * followed), every content line [GROUP.]NAME[;PARAMS]:VALUE without control
 * characters, exactly one VERSION 2.1, 3.0 or 4.0, FN (or N for 2.1), at
 * most one UID (at most 511 bytes), valid UTF-8 for 4.0, within
 * PIM_MAX_BYTES (else -EFBIG), PIM_MAX_LINES and PIM_MAX_PARAMS.  The
 * cost is linear in len.  info->uid from UID, as written, when present.
 */
int vcard_check(const char *data, size_t len, struct pim_info *info, char *why,
		size_t whylen);

/* Free/busy (unix seconds, UTC). */
struct busy_period {
	int64_t start, end;
	bool tentative;
};

/*
 * Append to *v (realloc'd; *n counts its entries) the busy periods of one
 * stored .ics item that overlap [from, to), clipped to it: recurrences
 * expanded (RRULE, RDATE, EXDATE, and overrides: an instance replaced by a
 * component with its RECURRENCE-ID takes the override's times, status and
 * transparency), times in their time zones (a VTIMEZONE in the item, else
 * a known Olson TZID; an unknown TZID or a floating time is taken in UTC),
 * all-day events (DATE values: the whole day(s), taken in UTC), DURATION or
 * DTEND, TRANSP:TRANSPARENT and STATUS:CANCELLED left out,
 * STATUS:TENTATIVE marked tentative; VTODOs and empty periods contribute
 * nothing.  At most PIM_MAX_INSTANCES instances per item are expanded.  On
 * error *v and *n are unchanged.
 */
int ics_busy(const char *data, size_t len, int64_t from, int64_t to,
	     struct busy_period **v, size_t *n);

/*
 * Sort, and merge overlapping or touching periods: two of the same kind
 * become their union; a busy one absorbs a tentative one it overlaps (the
 * union is busy); a busy and a tentative one that merely touch stay apart.
 * Empty periods are dropped.  The result is sorted and disjoint.
 */
void busy_merge(struct busy_period *v, size_t *n);

/*
 * A VCALENDAR (VERSION 2.0, PRODID -//groupfs//EN) with one VFREEBUSY:
 * DTSTAMP now, DTSTART from, DTEND to, UID uid, ORGANIZER mailto:email when
 * email is non-NULL and non-empty, one FREEBUSY property per period (in the
 * order given, clipped to [from, to), empty ones left out; FBTYPE=BUSY or
 * BUSY-TENTATIVE), all in UTC, nothing else.  CRLF line ends, folded at 75
 * octets.  -EINVAL for times outside years 1..9999, or control characters
 * in uid or email.
 */
int busy_render(const struct busy_period *v, size_t n, int64_t from, int64_t to,
		const char *uid, const char *email, int64_t now, char **out,
		size_t *len);

/*
 * Expanded occurrences of the VEVENTs of one stored .ics item within
 * [from, to), for listings, sorted by start; expansion as in ics_busy, but
 * transparent and tentative instances are listed too (cancelled ones are
 * not), unclipped.  A zero-length occurrence is listed when from <= start
 * < to.  summary, location and uid are malloc'd copies, NULL when absent.
 */
struct occurrence {
	int64_t start, end;
	bool all_day;
	char *summary;
	char *uid;
	char *location;
};
int ics_occurrences(const char *data, size_t len, int64_t from, int64_t to,
		    struct occurrence **v, size_t *n);
void occurrences_free(struct occurrence *v, size_t n);

/* Import and export. */
struct pim_part {
	char *data;
	size_t len;
	struct pim_info info;
	char why[256];
	int err; /* 0, -EINVAL or -EFBIG */
};

/*
 * Split a file holding many items into stored items.  ics_split: one part
 * per UID, in the order of first appearance (the components of one UID
 * gathered, from every VCALENDAR of the file), each a VCALENDAR with the
 * VTIMEZONEs it uses, re-serialized by libical (CRLF, folded); components
 * that are no event or to-do, or have no UID, make parts of their own.
 * vcard_split: one part per card, its bytes as they were.  A part that
 * does not pass ics_check / vcard_check carries err and why, and in info
 * what could be told of it (kind, UID when it has one) so that the user can
 * be told which item it was; the split as a whole fails (-EINVAL, why)
 * only when the file does not parse at all.
 * Zero parts is a success.  *parts is freed with pim_parts_free.
 */
int ics_split(const char *data, size_t len, struct pim_part **parts, size_t *n,
	      char *why, size_t whylen);
int vcard_split(const char *data, size_t len, struct pim_part **parts,
		size_t *n, char *why, size_t whylen);
void pim_parts_free(struct pim_part *p, size_t n);

/*
 * Join stored items into one VCALENDAR (VERSION 2.0, PRODID -//groupfs//EN,
 * VTIMEZONEs once each by TZID, then every component of every item; -EINVAL
 * when an item does not parse) / one .vcf stream (the items' bytes, each
 * ended by a line break).
 */
int ics_join(const char *const *items, const size_t *lens, size_t n, char **out,
	     size_t *len);
int vcard_join(const char *const *items, const size_t *lens, size_t n,
	       char **out, size_t *len);

/*
 * A member's card for members/<username>/card.vcf: vCard 3.0, CRLF, folded
 * at 75 octets, text values escaped (\\ \, \; \n), UID
 * groupfs-member-<username>, FN (first and last name, else the username),
 * N, NICKNAME:<username>, ORG when set, EMAIL;TYPE=INTERNET when set,
 * ROLE:<role in the group> when set, and the photo as
 * PHOTO;ENCODING=b;TYPE=JPEG|PNG:<base64> when there is one.  NULL strings
 * are empty; -EINVAL without a username, or for a photo_type other than
 * "image/jpeg" or "image/png".
 */
struct card_profile {
	const char *username, *first, *last, *org, *email, *role;
	const void *photo;
	size_t photo_len;
	const char *photo_type; /* "image/jpeg" or "image/png" */
};
int vcard_make(const struct card_profile *p, char **out, size_t *len);

/* ---- Internal to ics.c, busy.c and vcard.c ---- */

struct icalcomponent_impl; /* libical's icalcomponent */

/*
 * Check the BEGIN/END structure of an .ics text (one VCALENDAR holding
 * only VEVENT, VTODO and VTIMEZONE, or with `many`, any number of
 * VCALENDARs) and, for one item, the limits above (with `many`, only
 * PIM_MAX_PARAMS and PIM_MAX_DEPTH: a whole calendar is split into items
 * that are checked one by one), then parse it with libical into *root, to
 * be freed with icalcomponent_free.  0, -EINVAL or -EFBIG with why,
 * -ENOMEM.
 */
int ics_parse(const char *data, size_t len, bool many,
	      struct icalcomponent_impl **root, char *why, size_t whylen);

/*
 * What one stored item may hold (README "Decisions", groupfs(8)): far
 * above what calendar and address-book clients write, low enough that a
 * check costs milliseconds and a few MiB.  ics_check and vcard_check
 * enforce them with one linear pass over the text before anything else
 * (libical's parser is quadratic in parameters and in unfolded line
 * length); an item past PIM_MAX_BYTES is -EFBIG, past the others -EINVAL.
 * The expansion of busy times holds to the same bounds, so that an item
 * stored before they existed cannot run away either.
 */
#define PIM_MAX_BYTES	  (4 * 1024 * 1024) /* bytes of one item */
#define PIM_MAX_LINES	  20000	/* content lines (unfolded) */
#define PIM_MAX_PARAMS	  100	/* parameters of one property */
#define PIM_MAX_COMPONENTS 1000	/* BEGIN lines */
#define PIM_MAX_DATES	  1000	/* RDATE and EXDATE values */
#define PIM_MAX_RULES	  4	/* RRULE and EXRULE of one component */
#define PIM_MAX_DEPTH	  16	/* components nested */

/*
 * Expansion bounds: instances per item, iterator steps per RRULE, and the
 * length of one instance (longer ones end at this bound, which lies past
 * any busy window).
 */
#define PIM_MAX_INSTANCES 10000
#define PIM_MAX_STEPS	  50000
#define PIM_MAX_SPAN_DAYS (200 * 366)

struct icalrecurrencetype;

/*
 * NULL when libical can follow recurrence rule r at a bounded cost, else
 * why not.  In a VTIMEZONE (zone true) only yearly rules without BYHOUR,
 * BYMINUTE, BYSECOND, BYYEARDAY, BYWEEKNO or BYSETPOS, at most 31
 * instances a year; in an event or to-do, a SECONDLY or MINUTELY rule has
 * no BY part and an HOURLY one only BYMINUTE and BYSECOND (libical scans
 * every second, minute or hour between two instances, up to year 2582).
 */
const char *ics_rule_problem(const struct icalrecurrencetype *r, bool zone);

/*
 * Remove from a parsed VCALENDAR the VTIMEZONEs that libical could not
 * expand at a bounded cost (see ics_rule_problem): times in them are then
 * taken in the Olson zone of that name, else in UTC.
 */
void ics_drop_wild_zones(struct icalcomponent_impl *cal);

/* One expanded VEVENT instance. */
struct ics_instance {
	int64_t start, end;
	bool all_day, tentative, transparent, cancelled;
	char *summary, *location, *uid; /* with details only, else NULL */
};

/*
 * The VEVENT instances of an .ics item that overlap [from, to) (see
 * ics_busy), unsorted; the strings are filled when `details`.  -EINVAL
 * when the data does not parse as iCalendar.
 */
int ics_expand(const char *data, size_t len, int64_t from, int64_t to,
	       bool details, struct ics_instance **v, size_t *n);
void ics_instances_free(struct ics_instance *v, size_t n);

/* A one-line reason into why (NULL or whylen 0: nothing). */
void pim_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Logical lines of a text in the iCalendar/vCard syntax: CRLF or LF ends
 * a line, a line starting with a space or tab continues the previous one.
 * After pim_lines_next returned 1: line/n is the unfolded line (no line
 * end), [start, end) its bytes in data including the line ends, lineno the
 * number of its first physical line.  0 at the end, -ENOMEM.
 */
struct pim_lines {
	const char *data;
	size_t len, pos;
	char *buf;
	size_t cap;
	const char *line;
	size_t n, start, end;
	unsigned lineno, next_lineno;
};
void pim_lines_init(struct pim_lines *it, const char *data, size_t len);
int pim_lines_next(struct pim_lines *it);
void pim_lines_free(struct pim_lines *it);
/* The line is blank (only spaces and tabs). */
bool pim_line_blank(const char *l, size_t n);
/* The text holds only spaces, tabs and line ends (or nothing). */
bool pim_space_only(const char *s, size_t n);
/*
 * The line is BEGIN:<x> (*begin true) or END:<x>: x is at *val, *vlen
 * bytes, surrounding blanks trimmed.  Names are case-insensitive.
 */
bool pim_line_begin_end(const char *l, size_t n, bool *begin, const char **val,
			size_t *vlen);
/*
 * The parameters of a content line: the ';' before the ':' that starts
 * its value, quoted text skipped.  pim_line_value: that value, or NULL.
 */
size_t pim_line_params(const char *l, size_t n);
const char *pim_line_value(const char *l, size_t n);
/* The length of a UTF-8 BOM at the start of data (0 or 3). */
size_t pim_bom(const char *data, size_t len);

/* A growing output buffer; err keeps the first failure (-ENOMEM). */
struct pim_buf {
	char *p;
	size_t len, cap;
	int err;
};
void pim_buf_add(struct pim_buf *b, const char *s, size_t n);
void pim_buf_str(struct pim_buf *b, const char *s);
/* One content line of n bytes, folded at 75 octets, ended by CRLF. */
void pim_buf_line(struct pim_buf *b, const char *s, size_t n);
/* Hand the NUL-terminated text to *out and *len; 0, or -ENOMEM. */
int pim_buf_finish(struct pim_buf *b, char **out, size_t *len);

#endif
