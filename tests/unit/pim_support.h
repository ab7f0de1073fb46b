/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the two unit programs of backend/pim.h share: helpers on strings
 * and busy periods, and calendar items written as khal, Google, todoman
 * and Thunderbird write them.
 */
#ifndef GROUPFS_PIM_SUPPORT_H
#define GROUPFS_PIM_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pim.h"

#define DAY 86400
#define HOUR 3600
#define JAN1 1704067200LL	/* 2024-01-01T00:00:00Z */

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

/* s with every "\n" turned into CRLF (as the clients write), kept until
 * pim_support_free(). */
const char *crlf(const char *s);
int ics(const char *s, struct pim_info *info, char *why);
int vcf(const char *s, struct pim_info *info, char *why);
/* s is refused with a reason naming `words`. */
void ics_refused(const char *s, const char *words, const char *what);
void vcf_refused(const char *s, const char *words, const char *what);
/* The busy periods of one item in [from, to), merged. */
size_t busy(const char *s, int64_t from, int64_t to, struct busy_period **v);
bool period_is(const struct busy_period *v, size_t n, size_t i, int64_t s,
	       int64_t e, bool tentative);
size_t count(const char *hay, const char *needle);
/* Every line ends with CRLF and holds at most 75 octets. */
bool lines_ok(const char *s, size_t len);
void pim_support_free(void);

extern const char khal_event[], google_event[], todo_item[], tb_series[];

#endif
