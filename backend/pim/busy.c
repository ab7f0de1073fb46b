// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Busy times (SPEC.md section 2: every co-member always sees a member's
 * busy times, never the details), and the expansion of events into
 * instances that they and the listings of ics.c rest on.
 *
 * Recurrences are expanded here rather than by
 * icalcomponent_foreach_recurrence, which makes all-day events a day too
 * long, drops a DTSTART that the RRULE does not produce, skips RDATE
 * periods and knows nothing of overrides.  An instance is DTSTART, each
 * RRULE occurrence (libical's iterator, in local time, so a weekly event
 * keeps its wall time across a DST change) and each RDATE, less EXDATEs
 * and the instances an override (same UID, RECURRENCE-ID) replaces; every
 * override is an instance of its own.  Each time is taken in its own zone:
 * a VTIMEZONE of the item, else libical's built-in (system tzdata) zone of
 * that Olson name, else UTC; DATE values are whole days in UTC.
 *
 * Every part of the work is bounded (pim.h): a rule libical would scan
 * second by second for years is ignored (ics_rule_problem), and so is a
 * VTIMEZONE with one (ics_drop_wild_zones); rules without COUNT start
 * just before the window and stop at its end (UNTIL), so that the cost
 * follows the window, not the age of the event; instance lengths are
 * clamped to PIM_MAX_SPAN_DAYS; RDATE and EXDATE values, rules per
 * component, iterator steps and instances are capped.
 *
 * The VFREEBUSY is written by hand rather than by libical so that nothing
 * can slip into it but what is listed: the periods, the window, the
 * stamp, the UID and the organizer.  The expansion reads no summary,
 * location or description unless a listing asks for them.
 *
 * Thread safety: the libical objects here belong to one call, but the
 * built-in zones are shared by the process; libical 3 (built with
 * pthreads on Debian) guards their loading and its offset computations
 * with its own mutexes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "array.h"
#include "pim.h"

#define NAME_MAX_LEN 64
#define TZ_PREFIX    "/freeassociation.sourceforge.net/"

/* ---- Times ---- */

/* Olson names only: never a path that could leave the zoneinfo tree. */
static bool olson_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n >= NAME_MAX_LEN || s[0] == '/' || s[0] == '.' ||
	    strstr(s, ".."))
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("/_+-", s[i])))
			return false;
	return true;
}

/* The zone of a property's DATE-TIME value t: NULL for floating or DATE. */
static icaltimezone *zone_of(icalproperty *p, icalcomponent *cal,
			     struct icaltimetype t)
{
	icalparameter *param;
	const char *tzid;
	icaltimezone *z;

	if (t.is_date)
		return NULL;
	if (icaltime_is_utc(t))
		return icaltimezone_get_utc_timezone();
	param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	tzid = param ? icalparameter_get_tzid(param) : NULL;
	if (!tzid || !*tzid)
		return NULL;
	z = icalcomponent_get_timezone(cal, tzid);
	if (z)
		return z;
	if (!strncmp(tzid, TZ_PREFIX, strlen(TZ_PREFIX))) {
		tzid += strlen(TZ_PREFIX);
		if (!strncmp(tzid, "Tzfile/", 7))
			tzid += 7;
	}
	if (!strcmp(tzid, "UTC") || !strcmp(tzid, "GMT"))
		return icaltimezone_get_utc_timezone();
	return olson_ok(tzid) ? icaltimezone_get_builtin_timezone(tzid) : NULL;
}

/* Unix time of t in zone z; floating (z NULL) and DATE values in UTC. */
static int64_t to_utc(struct icaltimetype t, icaltimezone *z)
{
	if (t.is_date || !z)
		z = icaltimezone_get_utc_timezone();
	return (int64_t)icaltime_as_timet_with_zone(t, z);
}

/* A time as matched by EXDATE and RECURRENCE-ID. */
struct stamp {
	int64_t utc;
	bool date;
	int y, m, d; /* local date */
};

static struct stamp make_stamp(struct icaltimetype t, icaltimezone *z)
{
	struct stamp s = {to_utc(t, z), t.is_date != 0, t.year, t.month, t.day};

	return s;
}

static bool same_instance(const struct stamp *a, const struct stamp *b)
{
	if (a->date || b->date)
		return a->y == b->y && a->m == b->m && a->d == b->d;
	return a->utc == b->utc;
}

/*
 * How a component's instances end: `days` nominal days in wall time, then
 * `secs` exact seconds (DTEND: an exact length; DURATION: its days and
 * weeks nominal; neither: a day for a DATE, else zero).
 */
struct shape {
	struct icaltimetype start; /* local, zone set */
	icaltimezone *zone;
	int days;
	int64_t secs;
};

/* Nominal days of a duration, clamped to PIM_MAX_SPAN_DAYS. */
static int clamp_days(int64_t days)
{
	return days > PIM_MAX_SPAN_DAYS ? PIM_MAX_SPAN_DAYS : (int)days;
}

static int64_t clamp_secs(int64_t secs)
{
	const int64_t max = (int64_t)PIM_MAX_SPAN_DAYS * 86400;

	return secs > max ? max : secs;
}

static void shape_length(icalcomponent *c, icalcomponent *cal, struct shape *sh)
{
	icalproperty *p;

	sh->days = sh->start.is_date ? 1 : 0;
	sh->secs = 0;
	p = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
	if (p) {
		struct icaltimetype e = icalproperty_get_dtend(p);
		int64_t d;

		if (icaltime_is_null_time(e))
			return;
		d = to_utc(e, zone_of(p, cal, e)) - to_utc(sh->start, sh->zone);
		sh->days = 0;
		sh->secs = d > 0 ? clamp_secs(d) : 0;
		return;
	}
	p = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY);
	if (p) {
		struct icaldurationtype d = icalproperty_get_duration(p);

		sh->days = 0;
		if (d.is_neg || icaldurationtype_is_bad_duration(d))
			return;
		sh->days = clamp_days((int64_t)d.weeks * 7 + d.days);
		sh->secs = clamp_secs((int64_t)d.hours * 3600 +
				      (int64_t)d.minutes * 60 + d.seconds);
	}
}

/* The start and length of c; false without DTSTART. */
static bool shape_of(icalcomponent *c, icalcomponent *cal, struct shape *sh)
{
	icalproperty *p =
		icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);

	memset(sh, 0, sizeof(*sh));
	if (!p)
		return false;
	sh->start = icalproperty_get_dtstart(p);
	if (icaltime_is_null_time(sh->start))
		return false;
	sh->zone = zone_of(p, cal, sh->start);
	if (sh->zone)
		icaltime_set_timezone(&sh->start, sh->zone);
	shape_length(c, cal, sh);
	return true;
}

/*
 * Nominal days beyond which an end is counted in exact days: libical
 * adjusts a date month by month, and a DST shift is nothing at that scale.
 */
#define NOMINAL_DAYS 3660

static int64_t end_of(const struct shape *sh, struct icaltimetype t,
		      icaltimezone *z, int64_t start)
{
	if (!sh->days)
		return start + sh->secs;
	if (sh->days > NOMINAL_DAYS)
		return start + (int64_t)sh->days * 86400 + sh->secs;
	icaltime_adjust(&t, sh->days, 0, 0, 0);
	return to_utc(t, z) + sh->secs;
}

/* ---- Expansion ---- */

struct expand {
	int64_t from, to;
	bool details;
	struct ics_instance *v;
	size_t n, cap;
	int err;
	/* What emit() last read of a component: libical finds a property
	 * by walking them all, so once per component, not per instance. */
	icalcomponent *seen;
	bool tentative, cancelled, transparent;
	const char *summary, *location, *uid;
};

static bool overlaps(int64_t s, int64_t e, int64_t from, int64_t to)
{
	return e > s ? s < to && e > from : s >= from && s < to;
}

static char *dup_or_null(const char *s, int *err)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*err = -ENOMEM;
	return d;
}

/* Record an instance of c at [s, e) when it meets the window. */
static void emit(struct expand *x, icalcomponent *c, int64_t s, int64_t e,
		 bool all_day)
{
	struct ics_instance *in;
	icalproperty *p;
	enum icalproperty_status st;

	if (x->err || !overlaps(s, e, x->from, x->to) ||
	    x->n >= PIM_MAX_INSTANCES)
		return;
	if (ARRAY_GROW(x->v, x->n, x->cap)) {
		x->err = -ENOMEM;
		return;
	}
	if (x->seen != c) {
		x->seen = c;
		st = icalcomponent_get_status(c);
		x->tentative = st == ICAL_STATUS_TENTATIVE;
		x->cancelled = st == ICAL_STATUS_CANCELLED;
		p = icalcomponent_get_first_property(c, ICAL_TRANSP_PROPERTY);
		x->transparent = p && icalproperty_get_transp(p) ==
					      ICAL_TRANSP_TRANSPARENT;
		if (x->details) {
			x->summary = icalcomponent_get_summary(c);
			x->location = icalcomponent_get_location(c);
			x->uid = icalcomponent_get_uid(c);
		}
	}
	in = &x->v[x->n++];
	memset(in, 0, sizeof(*in));
	in->start = s;
	in->end = e;
	in->all_day = all_day;
	in->tentative = x->tentative;
	in->cancelled = x->cancelled;
	in->transparent = x->transparent;
	if (x->details) {
		in->summary = dup_or_null(x->summary, &x->err);
		in->location = dup_or_null(x->location, &x->err);
		in->uid = dup_or_null(x->uid, &x->err);
	}
}

/* Times of a master excluded by EXDATE or replaced by an override. */
struct excluded {
	struct stamp *v;
	size_t n, cap;
};

static int exclude(struct excluded *ex, struct stamp s)
{
	if (ARRAY_GROW(ex->v, ex->n, ex->cap))
		return -ENOMEM;
	ex->v[ex->n++] = s;
	return 0;
}

static bool is_excluded(const struct excluded *ex, const struct stamp *s)
{
	size_t i;

	for (i = 0; i < ex->n; i++)
		if (same_instance(&ex->v[i], s))
			return true;
	return false;
}

/* One candidate instance of a master, before deduplication. */
struct cand {
	int64_t s, e;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

struct cands {
	struct cand *v;
	size_t n, cap;
};

static int add_cand(struct cands *cs, const struct excluded *ex,
		    struct icaltimetype t, icaltimezone *z, int64_t e_given,
		    const struct shape *sh, const struct expand *x)
{
	struct stamp st = make_stamp(t, z);
	int64_t e = e_given != INT64_MIN ? e_given : end_of(sh, t, z, st.utc);

	if (!overlaps(st.utc, e, x->from, x->to) || is_excluded(ex, &st) ||
	    cs->n >= PIM_MAX_INSTANCES)
		return 0;
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 16;
		struct cand *v = realloc(cs->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cs->v = v;
		cs->cap = cap;
	}
	cs->v[cs->n].s = st.utc;
	cs->v[cs->n++].e = e;
	return 0;
}

static bool by_set(const short *by)
{
	return by[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

static size_t by_count(const short *by, size_t size)
{
	size_t k = 0;

	while (k < size && by[k] != ICAL_RECURRENCE_ARRAY_MAX)
		k++;
	return k;
}

#define BY_COUNT(a) by_count((a), sizeof(a) / sizeof((a)[0]))

const char *ics_rule_problem(const struct icalrecurrencetype *r, bool zone)
{
	size_t per_year;

	if (zone) {
		if (r->freq != ICAL_YEARLY_RECURRENCE)
			return "a time zone rule that is not yearly";
		if (by_set(r->by_second) || by_set(r->by_minute) ||
		    by_set(r->by_hour) || by_set(r->by_year_day) ||
		    by_set(r->by_week_no) || by_set(r->by_set_pos))
			return "a time zone rule with BYHOUR, BYMINUTE, "
			       "BYSECOND, BYYEARDAY, BYWEEKNO or BYSETPOS";
		per_year = (BY_COUNT(r->by_month) ? BY_COUNT(r->by_month) : 1) *
			   (BY_COUNT(r->by_day) ? BY_COUNT(r->by_day) : 1) *
			   (BY_COUNT(r->by_month_day)
				    ? BY_COUNT(r->by_month_day)
				    : 1);
		return per_year > 31 ? "a time zone rule of more than 31 "
				       "changes a year"
				     : NULL;
	}
	switch (r->freq) {
	case ICAL_SECONDLY_RECURRENCE:
	case ICAL_MINUTELY_RECURRENCE:
		if (by_set(r->by_second) || by_set(r->by_minute) ||
		    by_set(r->by_hour) || by_set(r->by_day) ||
		    by_set(r->by_month_day) || by_set(r->by_year_day) ||
		    by_set(r->by_week_no) || by_set(r->by_month) ||
		    by_set(r->by_set_pos))
			return "a SECONDLY or MINUTELY rule with a BY part";
		return NULL;
	case ICAL_HOURLY_RECURRENCE:
		if (by_set(r->by_hour) || by_set(r->by_day) ||
		    by_set(r->by_month_day) || by_set(r->by_year_day) ||
		    by_set(r->by_week_no) || by_set(r->by_month) ||
		    by_set(r->by_set_pos))
			return "an HOURLY rule with a BY part other than "
			       "BYMINUTE or BYSECOND";
		return NULL;
	case ICAL_NO_RECURRENCE:
		return "a rule without FREQ";
	default:
		return NULL;
	}
}

void ics_drop_wild_zones(icalcomponent *cal)
{
	icalcomponent *tz, *s, *next, *wild[PIM_MAX_COMPONENTS];
	icalproperty *p;
	size_t n = 0, i;

	for (tz = icalcomponent_get_first_component(cal,
						    ICAL_VTIMEZONE_COMPONENT);
	     tz; tz = next) {
		bool bad = false;

		next = icalcomponent_get_next_component(
			cal, ICAL_VTIMEZONE_COMPONENT);
		for (s = icalcomponent_get_first_component(tz,
							   ICAL_ANY_COMPONENT);
		     s && !bad; s = icalcomponent_get_next_component(
					tz, ICAL_ANY_COMPONENT))
			for (p = icalcomponent_get_first_property(
				     s, ICAL_RRULE_PROPERTY);
			     p && !bad; p = icalcomponent_get_next_property(
						s, ICAL_RRULE_PROPERTY)) {
				struct icalrecurrencetype r =
					icalproperty_get_rrule(p);

				bad = ics_rule_problem(&r, true) != NULL;
			}
		if (bad && n < PIM_MAX_COMPONENTS)
			wild[n++] = tz;
		else if (bad)
			break; /* more than an item may hold: keep none */
	}
	/* Removed after the walk: removing moves the iterator. */
	for (i = 0; i < n; i++) {
		icalcomponent_remove_component(cal, wild[i]);
		icalcomponent_free(wild[i]);
	}
	if (tz) {
		while ((tz = icalcomponent_get_first_component(
				cal, ICAL_VTIMEZONE_COMPONENT))) {
			icalcomponent_remove_component(cal, tz);
			icalcomponent_free(tz);
		}
	}
}

/*
 * A rule that steps by a fixed period in local time (SECONDLY, MINUTELY,
 * HOURLY, DAILY, WEEKLY) yields, from a start a whole number of periods
 * later, the same instances from there on: start it just before the
 * window instead of walking from a DTSTART years back.  Every BY part
 * allowed for the rule (ics_rule_problem) picks within a period or by
 * calendar date, so it is kept; a COUNT is reduced by the periods skipped
 * when each period holds exactly one instance, else the rule walks from
 * DTSTART (PIM_MAX_STEPS bounds it).
 */
static struct icaltimetype skip_ahead(struct icalrecurrencetype *r,
				      const struct shape *sh, int64_t from)
{
	struct icaltimetype t = sh->start;
	int64_t unit, step, gap, k;
	bool plain = !by_set(r->by_second) && !by_set(r->by_minute) &&
		     !by_set(r->by_hour) && !by_set(r->by_day) &&
		     !by_set(r->by_month_day) && !by_set(r->by_year_day) &&
		     !by_set(r->by_week_no) && !by_set(r->by_month) &&
		     !by_set(r->by_set_pos);

	switch (r->freq) {
	case ICAL_SECONDLY_RECURRENCE:
		unit = 1;
		break;
	case ICAL_MINUTELY_RECURRENCE:
		unit = 60;
		break;
	case ICAL_HOURLY_RECURRENCE:
		unit = 3600;
		break;
	case ICAL_DAILY_RECURRENCE:
		unit = 86400;
		break;
	case ICAL_WEEKLY_RECURRENCE:
		unit = 7 * 86400;
		break;
	default:
		return t;
	}
	if ((r->count && !plain) || by_set(r->by_set_pos) ||
	    (t.is_date && unit < 86400))
		return t;
	step = unit * (r->interval > 0 ? r->interval : 1);
	/* Room for the instance's length and a DST shift. */
	gap = from - to_utc(t, sh->zone) - (int64_t)sh->days * 86400 -
	      sh->secs - 2 * 86400;
	if (gap <= 0)
		return t;
	k = gap / step;
	if (r->count) {
		if (k >= r->count)
			k = r->count - 1;
		r->count -= (int)k;
	}
	k *= step;
	icaltime_adjust(&t, (int)(k / 86400), 0, 0, (int)(k % 86400));
	return t;
}

static int rrule_cands(struct cands *cs, const struct excluded *ex,
		       icalproperty *p, const struct shape *sh,
		       const struct expand *x)
{
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	struct icaltimetype t, start, end;
	icalrecur_iterator *itr;
	long steps;
	int rc = 0;

	if (ics_rule_problem(&r, false))
		return 0; /* too costly to follow: DTSTART alone */
	start = skip_ahead(&r, sh, x->from);
	/* libical scans up to UNTIL for an instance: not past the window
	 * (and a margin for a floating time's offset). */
	end = icaltime_from_timet_with_zone((time_t)(x->to + 2 * 86400),
					    sh->start.is_date,
					    icaltimezone_get_utc_timezone());
	if (!r.count && (icaltime_is_null_time(r.until) ||
			 to_utc(r.until, icaltime_is_utc(r.until)
						 ? icaltimezone_get_utc_timezone()
						 : sh->zone) > x->to))
		r.until = end;
	itr = icalrecur_iterator_new(r, start);
	if (!itr)
		return 0; /* a rule libical cannot follow adds nothing */
	for (steps = 0; rc == 0 && steps < PIM_MAX_STEPS &&
			cs->n < PIM_MAX_INSTANCES;
	     steps++) {
		t = icalrecur_iterator_next(itr);
		if (icaltime_is_null_time(t))
			break;
		if (sh->zone)
			icaltime_set_timezone(&t, sh->zone);
		if (to_utc(t, sh->zone) >= x->to)
			break;
		rc = add_cand(cs, ex, t, sh->zone, INT64_MIN, sh, x);
	}
	icalrecur_iterator_free(itr);
	return rc;
}

static int rdate_cands(struct cands *cs, const struct excluded *ex,
		       icalproperty *p, icalcomponent *cal,
		       const struct shape *sh, const struct expand *x)
{
	struct icaldatetimeperiodtype dp = icalproperty_get_rdate(p);
	struct icaltimetype t = dp.time;
	int64_t e = INT64_MIN;
	icaltimezone *z;

	if (icaltime_is_null_time(t)) {
		t = dp.period.start;
		if (icaltime_is_null_time(t))
			return 0;
		z = zone_of(p, cal, t);
		if (!icaltime_is_null_time(dp.period.end)) {
			e = to_utc(dp.period.end, z);
		} else {
			struct icaldurationtype d = dp.period.duration;

			e = to_utc(t, z) +
			    clamp_secs(((int64_t)d.weeks * 7 + d.days) *
						86400 +
					(int64_t)d.hours * 3600 +
					(int64_t)d.minutes * 60 + d.seconds);
		}
		if (e < to_utc(t, z))
			e = to_utc(t, z);
	} else {
		z = zone_of(p, cal, t);
	}
	if (z)
		icaltime_set_timezone(&t, z);
	return add_cand(cs, ex, t, z, e, sh, x);
}

/* The instances of a master, less EXDATEs and the overridden ones. */
static int expand_master(struct expand *x, icalcomponent *m, icalcomponent *cal,
			 struct excluded *ex)
{
	struct cands cs = {0};
	struct shape sh;
	icalproperty *p;
	size_t i, dates = 0, rules = 0;
	int rc = 0;

	if (!shape_of(m, cal, &sh))
		return 0;
	for (p = icalcomponent_get_first_property(m, ICAL_EXDATE_PROPERTY);
	     p && !rc && dates++ < PIM_MAX_DATES;
	     p = icalcomponent_get_next_property(m, ICAL_EXDATE_PROPERTY)) {
		struct icaltimetype t = icalproperty_get_exdate(p);

		if (!icaltime_is_null_time(t))
			rc = exclude(ex, make_stamp(t, zone_of(p, cal, t)));
	}
	/* DTSTART is always an instance (RFC 5545 section 3.8.5.3). */
	if (!rc)
		rc = add_cand(&cs, ex, sh.start, sh.zone, INT64_MIN, &sh, x);
	/* Iterating moves the component's property iterator: collect first. */
	for (p = icalcomponent_get_first_property(m, ICAL_RRULE_PROPERTY);
	     p && !rc && rules++ < PIM_MAX_RULES;
	     p = icalcomponent_get_next_property(m, ICAL_RRULE_PROPERTY))
		rc = rrule_cands(&cs, ex, p, &sh, x);
	for (p = icalcomponent_get_first_property(m, ICAL_RDATE_PROPERTY);
	     p && !rc && dates++ < PIM_MAX_DATES;
	     p = icalcomponent_get_next_property(m, ICAL_RDATE_PROPERTY))
		rc = rdate_cands(&cs, ex, p, cal, &sh, x);
	if (!rc && cs.n)
		qsort(cs.v, cs.n, sizeof(*cs.v), cmp_cand);
	for (i = 0; !rc && i < cs.n; i++)
		if (i == 0 || cs.v[i].s != cs.v[i - 1].s)
			emit(x, m, cs.v[i].s, cs.v[i].e, sh.start.is_date);
	free(cs.v);
	return rc;
}

/* An override: one instance, at its own times (else at its RECURRENCE-ID). */
static void expand_override(struct expand *x, icalcomponent *o,
			    icalcomponent *master, icalcomponent *cal)
{
	struct shape sh, ms;
	icalproperty *p;
	int64_t s;

	if (!shape_of(o, cal, &sh)) {
		/* No DTSTART of its own: the replaced instance's times. */
		p = icalcomponent_get_first_property(
			o, ICAL_RECURRENCEID_PROPERTY);
		sh.start = icalproperty_get_recurrenceid(p);
		if (icaltime_is_null_time(sh.start))
			return;
		sh.zone = zone_of(p, cal, sh.start);
		if (sh.zone)
			icaltime_set_timezone(&sh.start, sh.zone);
		sh.days = sh.start.is_date ? 1 : 0;
		if (master && shape_of(master, cal, &ms)) {
			sh.days = ms.days;
			sh.secs = ms.secs;
		}
	}
	s = to_utc(sh.start, sh.zone);
	emit(x, o, s, end_of(&sh, sh.start, sh.zone, s), sh.start.is_date);
}

/* Every VEVENT of one VCALENDAR, with its UID and whether an override. */
struct vevent {
	icalcomponent *c;
	const char *uid;
	icalproperty *rid;
};

static bool same_uid(const struct vevent *a, const struct vevent *b)
{
	return a->uid && b->uid && *a->uid && !strcmp(a->uid, b->uid);
}

static int expand_calendar(struct expand *x, icalcomponent *cal)
{
	struct vevent *ev = NULL;
	size_t ev_cap = 0;
	icalcomponent *c;
	size_t n = 0, i, j;
	int rc = 0;

	ics_drop_wild_zones(cal);
	for (c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	     c && n < PIM_MAX_COMPONENTS;
	     c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		if (ARRAY_GROW(ev, n, ev_cap)) {
			free(ev);
			return -ENOMEM;
		}
		ev[n].c = c;
		ev[n].uid = icalcomponent_get_uid(c);
		ev[n++].rid = icalcomponent_get_first_property(
			c, ICAL_RECURRENCEID_PROPERTY);
	}
	for (i = 0; i < n && !rc && !x->err; i++) {
		struct excluded ex = {0};
		icalcomponent *master = NULL;
		struct icaltimetype t;

		if (ev[i].rid) {
			for (j = 0; j < n && !master; j++)
				if (!ev[j].rid && same_uid(&ev[i], &ev[j]))
					master = ev[j].c;
			expand_override(x, ev[i].c, master, cal);
			continue;
		}
		for (j = 0; j < n && !rc; j++) {
			if (!ev[j].rid || !same_uid(&ev[i], &ev[j]))
				continue;
			t = icalproperty_get_recurrenceid(ev[j].rid);
			if (!icaltime_is_null_time(t))
				rc = exclude(&ex,
					     make_stamp(t, zone_of(ev[j].rid,
								   cal, t)));
		}
		if (!rc)
			rc = expand_master(x, ev[i].c, cal, &ex);
		free(ex.v);
	}
	free(ev);
	return rc ? rc : x->err;
}

void ics_instances_free(struct ics_instance *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].summary);
		free(v[i].location);
		free(v[i].uid);
	}
	free(v);
}

int ics_expand(const char *data, size_t len, int64_t from, int64_t to,
	       bool details, struct ics_instance **v, size_t *n)
{
	struct expand x = {.from = from, .to = to, .details = details};
	icalcomponent *root = NULL, *cal;
	int rc;

	/* An item stored before the limit: not expanded, not an error that
	 * would hide the other items' busy times. */
	if (len > PIM_MAX_BYTES)
		return -EINVAL;
	/* One item, within the limits of one (a calendar of several is
	 * split on import): what an item stored before them holds past
	 * them is not expanded. */
	rc = ics_parse(data, len, false, &root, NULL, 0);
	if (rc)
		return rc == -EFBIG ? -EINVAL : rc;
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		rc = expand_calendar(&x, root);
	} else {
		for (cal = icalcomponent_get_first_component(
			     root, ICAL_VCALENDAR_COMPONENT);
		     cal && !rc; cal = icalcomponent_get_next_component(
					 root, ICAL_VCALENDAR_COMPONENT))
			rc = expand_calendar(&x, cal);
	}
	icalcomponent_free(root);
	if (rc) {
		ics_instances_free(x.v, x.n);
		return rc;
	}
	*v = x.v;
	*n = x.n;
	return 0;
}

/* ---- Busy times ---- */

int ics_busy(const char *data, size_t len, int64_t from, int64_t to,
	     struct busy_period **v, size_t *n)
{
	struct ics_instance *in = NULL;
	struct busy_period *nv;
	size_t k = 0, i, m = 0;
	int rc;

	if (from >= to)
		return 0;
	rc = ics_expand(data, len, from, to, false, &in, &k);
	if (rc)
		return rc;
	for (i = 0; i < k; i++)
		if (!in[i].cancelled && !in[i].transparent &&
		    in[i].end > in[i].start)
			m++;
	if (!m)
		goto out_free;
	nv = realloc(*v, (*n + m) * sizeof(*nv));
	if (!nv) {
		rc = -ENOMEM;
		goto out_free;
	}
	*v = nv;
	for (i = 0; i < k; i++) {
		struct busy_period *b = &nv[*n];

		if (in[i].cancelled || in[i].transparent ||
		    in[i].end <= in[i].start)
			continue;
		b->start = in[i].start > from ? in[i].start : from;
		b->end = in[i].end < to ? in[i].end : to;
		b->tentative = in[i].tentative;
		(*n)++;
	}
out_free:
	ics_instances_free(in, k);
	return rc;
}

static int cmp_period(const void *a, const void *b)
{
	const struct busy_period *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->tentative != y->tentative) /* busy first */
		return x->tentative ? 1 : -1;
	return (x->end > y->end) - (x->end < y->end);
}

/*
 * One pass over periods sorted by start: a period that overlaps the last
 * one kept, or touches it and is of the same kind, is merged into it.
 * True when anything changed.  A tentative period turned busy may now
 * touch a busy one before it, hence the passes until nothing changes.
 */
static bool merge_pass(struct busy_period *v, size_t *n)
{
	size_t i, k = 0;
	bool changed = false;

	for (i = 0; i < *n; i++) {
		struct busy_period *last = k ? &v[k - 1] : NULL;

		if (v[i].end <= v[i].start) {
			changed = true;
			continue;
		}
		if (last && (v[i].start < last->end ||
			     (v[i].start == last->end &&
			      v[i].tentative == last->tentative))) {
			if (v[i].end > last->end)
				last->end = v[i].end;
			last->tentative = last->tentative && v[i].tentative;
			changed = true;
			continue;
		}
		v[k++] = v[i];
	}
	*n = k;
	return changed;
}

void busy_merge(struct busy_period *v, size_t *n)
{
	if (!v || !*n)
		return;
	qsort(v, *n, sizeof(*v), cmp_period);
	while (merge_pass(v, n))
		;
}

/* 1 January of years 1 and 10000, in unix time. */
#define YEAR1	  (-62135596800LL)
#define YEAR10000 253402300800LL
/* Room for what snprintf could write of a struct tm (17 in practice). */
#define TS_LEN 72

static int fmt_utc(int64_t t, char out[TS_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t < YEAR1 || t >= YEAR10000 || !gmtime_r(&tt, &tm))
		return -EINVAL;
	snprintf(out, TS_LEN, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* NAME:<time> as one line. */
static int time_line(struct pim_buf *b, const char *name, int64_t t)
{
	char ts[TS_LEN], line[TS_LEN + 16];
	int rc = fmt_utc(t, ts);

	if (rc)
		return rc;
	snprintf(line, sizeof(line), "%s:%s", name, ts);
	pim_buf_line(b, line, strlen(line));
	return 0;
}

int busy_render(const struct busy_period *v, size_t n, int64_t from, int64_t to,
		const char *uid, const char *email, int64_t now, char **out,
		size_t *len)
{
	struct pim_buf b = {0}, l = {0};
	char s1[TS_LEN], s2[TS_LEN];
	const char *p;
	size_t i;
	int rc;

	if (!uid || has_ctl(uid) || (email && has_ctl(email)))
		return -EINVAL;
	pim_buf_str(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
			"PRODID:-//groupfs//EN\r\nBEGIN:VFREEBUSY\r\n");
	rc = time_line(&b, "DTSTAMP", now);
	if (rc == 0)
		rc = time_line(&b, "DTSTART", from);
	if (rc == 0)
		rc = time_line(&b, "DTEND", to);
	if (rc)
		goto out_free;
	/* UID is TEXT: escape it as such. */
	pim_buf_str(&l, "UID:");
	for (p = uid; *p; p++) {
		if (*p == '\\' || *p == ',' || *p == ';')
			pim_buf_add(&l, "\\", 1);
		pim_buf_add(&l, p, 1);
	}
	if (email && *email) {
		pim_buf_line(&b, l.p, l.len);
		l.len = 0;
		pim_buf_str(&l, "ORGANIZER:mailto:");
		pim_buf_str(&l, email);
	}
	if (l.err) {
		rc = l.err;
		goto out_free;
	}
	pim_buf_line(&b, l.p, l.len);
	for (i = 0; i < n; i++) {
		int64_t s = v[i].start > from ? v[i].start : from;
		int64_t e = v[i].end < to ? v[i].end : to;
		char line[2 * TS_LEN + 40];

		if (e <= s)
			continue;
		rc = fmt_utc(s, s1);
		if (rc == 0)
			rc = fmt_utc(e, s2);
		if (rc)
			goto out_free;
		snprintf(line, sizeof(line), "FREEBUSY;FBTYPE=%s:%s/%s",
			 v[i].tentative ? "BUSY-TENTATIVE" : "BUSY", s1, s2);
		pim_buf_line(&b, line, strlen(line));
	}
	pim_buf_str(&b, "END:VFREEBUSY\r\nEND:VCALENDAR\r\n");
	free(l.p);
	return pim_buf_finish(&b, out, len);
out_free:
	free(l.p);
	free(b.p);
	return rc;
}
