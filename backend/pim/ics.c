// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iCalendar items, with libical: the check of one stored item, its index
 * (kind, UID), the listing of its occurrences (expanded by busy.c), and
 * the split and join of whole calendars for import and export.
 *
 * libical is lenient where the store must not be: it ignores text after
 * END:VCALENDAR and accepts an END that closes the wrong BEGIN, so the
 * BEGIN/END structure is first checked on the text (scan()).  That same
 * linear pass enforces the limits of pim.h before libical sees the text:
 * libical's parser is quadratic in the parameters of a property and in the
 * length of a physical line, so long lines are also folded in the copy it
 * parses (folding changes nothing once unfolded).  It reports
 * other problems as X-LIC-ERROR properties, which refuse an item, except
 * "No value for X property" on a text property: an empty text value
 * ("DESCRIPTION:", as some servers write) is valid iCalendar.
 *
 * Every libical object here belongs to one call; strings kept from libical
 * are copied.  libical iterates a component's children and properties with
 * an iterator stored in the component, so no loop here nests two
 * iterations over the same component.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "array.h"
#include "pim.h"

#define NAME_MAX_LEN 64
/* libical reads physical lines in a way quadratic in their length. */
#define FOLD_AT 4096

static bool word_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && !strncasecmp(s, word, n);
}

/* ---- Text structure ---- */

/*
 * The BEGIN/END structure: one VCALENDAR (several when `many`), every END
 * closing its BEGIN, nothing but blank lines outside; for one item, only
 * VEVENT, VTODO and VTIMEZONE directly inside the VCALENDAR.
 */
/* The property name of a content line is `word`. */
static bool prop_is(const char *l, size_t n, const char *word)
{
	size_t k = 0;

	while (k < n && l[k] != ';' && l[k] != ':')
		k++;
	return word_is(l, k, word);
}

/* The number of values of a content line (commas outside quotes, + 1). */
static size_t values(const char *l, size_t n)
{
	const char *c = pim_line_value(l, n);
	size_t k = 1;

	for (; c && c < l + n; c++)
		k += *c == ',';
	return k;
}

/* The limits of one item (pim.h) on its content lines. */
struct tally {
	size_t lines, components, dates;
	unsigned rules[PIM_MAX_DEPTH];
};

static int tally_line(struct tally *t, int depth, bool many,
		      const struct pim_lines *it, char *why, size_t whylen)
{
	if (pim_line_params(it->line, it->n) > PIM_MAX_PARAMS) {
		pim_why(why, whylen,
			"line %u: more than %d parameters on one property",
			it->lineno, PIM_MAX_PARAMS);
		return -EINVAL;
	}
	if (many)
		return 0;
	if (++t->lines > PIM_MAX_LINES) {
		pim_why(why, whylen, "more than %d lines in one item",
			PIM_MAX_LINES);
		return -EINVAL;
	}
	if (prop_is(it->line, it->n, "RDATE") ||
	    prop_is(it->line, it->n, "EXDATE")) {
		t->dates += values(it->line, it->n);
		if (t->dates > PIM_MAX_DATES) {
			pim_why(why, whylen,
				"more than %d RDATE and EXDATE values in one"
				" item",
				PIM_MAX_DATES);
			return -EINVAL;
		}
	}
	if ((prop_is(it->line, it->n, "RRULE") ||
	     prop_is(it->line, it->n, "EXRULE")) &&
	    depth > 0 && ++t->rules[depth - 1] > PIM_MAX_RULES) {
		pim_why(why, whylen,
			"line %u: more than %d RRULEs in one component",
			it->lineno, PIM_MAX_RULES);
		return -EINVAL;
	}
	return 0;
}

static int scan(const char *data, size_t len, bool many, char *why,
		size_t whylen)
{
	char stack[PIM_MAX_DEPTH][NAME_MAX_LEN];
	struct tally t = {0};
	struct pim_lines it;
	int depth = 0, rc;
	bool seen = false;
	size_t bom = pim_bom(data, len);

	data += bom;
	len -= bom;
	if (pim_space_only(data, len)) {
		pim_why(why, whylen, "empty file");
		return -EINVAL;
	}
	if (len && memchr(data, '\0', len)) {
		pim_why(why, whylen, "a NUL byte in the data");
		return -EINVAL;
	}
	pim_lines_init(&it, data, len);
	while ((rc = pim_lines_next(&it)) == 1) {
		const char *v;
		size_t vl;
		bool begin, be;

		if (pim_line_blank(it.line, it.n))
			continue;
		rc = tally_line(&t, depth, many, &it, why, whylen);
		if (rc)
			goto out_free;
		be = pim_line_begin_end(it.line, it.n, &begin, &v, &vl);
		rc = -EINVAL;
		if (depth == 0) {
			if (be && begin && word_is(v, vl, "VCALENDAR")) {
				if (seen && !many) {
					pim_why(why, whylen,
						"two calendars in one file");
					goto out_free;
				}
				seen = true;
				t.rules[depth] = 0;
				t.components++;
				strcpy(stack[depth++], "VCALENDAR");
				continue;
			}
			if (seen)
				pim_why(why, whylen,
					"data after END:VCALENDAR");
			else if (be && begin && word_is(v, vl, "VCARD"))
				pim_why(why, whylen, "a vCard, not iCalendar");
			else
				pim_why(why, whylen, "not iCalendar");
			goto out_free;
		}
		if (!be)
			continue;
		if (begin) {
			if (!many && ++t.components > PIM_MAX_COMPONENTS) {
				pim_why(why, whylen,
					"more than %d components in one item",
					PIM_MAX_COMPONENTS);
				goto out_free;
			}
			if (depth == PIM_MAX_DEPTH || vl >= NAME_MAX_LEN) {
				pim_why(why, whylen,
					"line %u: components"
					" nested too deeply",
					it.lineno);
				goto out_free;
			}
			if (depth == 1 && !many && !word_is(v, vl, "VEVENT") &&
			    !word_is(v, vl, "VTODO") &&
			    !word_is(v, vl, "VTIMEZONE")) {
				pim_why(why, whylen,
					"a %.*s in a calendar"
					" item",
					(int)(vl > 40 ? 40 : vl), v);
				goto out_free;
			}
			memcpy(stack[depth], v, vl);
			t.rules[depth] = 0;
			stack[depth++][vl] = '\0';
		} else if (!word_is(v, vl, stack[depth - 1])) {
			pim_why(why, whylen,
				"line %u: END:%.*s closes"
				" BEGIN:%s",
				it.lineno, (int)(vl > 40 ? 40 : vl), v,
				stack[depth - 1]);
			goto out_free;
		} else {
			depth--;
		}
	}
	if (rc < 0)
		goto out_free;
	rc = -EINVAL;
	if (depth)
		pim_why(why, whylen, "no END:%s", stack[depth - 1]);
	else if (!seen)
		pim_why(why, whylen, "not iCalendar");
	else
		rc = 0;
out_free:
	pim_lines_free(&it);
	return rc;
}

/*
 * A NUL-terminated copy of data for libical, physical lines longer than
 * FOLD_AT folded (never right after a CR, which libical may take for a
 * line end).
 */
static char *parse_copy(const char *data, size_t len)
{
	char *copy = malloc(len + len / FOLD_AT * 3 + 1), *o;
	size_t i, run = 0;

	if (!copy)
		return NULL;
	o = copy;
	for (i = 0; i < len; i++) {
		if (data[i] == '\n') {
			run = 0;
		} else if (++run > FOLD_AT && data[i - 1] != '\r') {
			memcpy(o, "\r\n ", 3);
			o += 3;
			run = 1;
		}
		*o++ = data[i];
	}
	*o = '\0';
	return copy;
}

int ics_parse(const char *data, size_t len, bool many,
	      struct icalcomponent_impl **root, char *why, size_t whylen)
{
	size_t bom = pim_bom(data, len);
	char *copy;
	int rc;

	if (!many && len > PIM_MAX_BYTES) {
		pim_why(why, whylen, "an item holds at most %d MiB",
			PIM_MAX_BYTES >> 20);
		return -EFBIG;
	}
	rc = scan(data, len, many, why, whylen);
	if (rc)
		return rc;
	copy = parse_copy(data + bom, len - bom);
	if (!copy)
		return -ENOMEM;
	*root = icalparser_parse_string(copy);
	free(copy);
	if (!*root) {
		pim_why(why, whylen, "not iCalendar");
		return -EINVAL;
	}
	return 0;
}

/* An empty value of a text property: valid, although libical objects. */
static bool benign(icalproperty *p)
{
	const char *msg = icalproperty_get_xlicerror(p);
	const char *pre = "No value for ", *end;
	char name[NAME_MAX_LEN];
	icalproperty_kind k;
	size_t n;

	if (!msg || strncmp(msg, pre, strlen(pre)))
		return false;
	msg += strlen(pre);
	end = strstr(msg, " property.");
	if (!end || (size_t)(end - msg) >= sizeof(name))
		return false;
	n = (size_t)(end - msg);
	memcpy(name, msg, n);
	name[n] = '\0';
	if (!strcmp(name, "X"))
		return true;
	k = icalproperty_string_to_kind(name);
	return k != ICAL_NO_PROPERTY &&
	       icalproperty_kind_to_value_kind(k) == ICAL_TEXT_VALUE;
}

/* The number of real X-LIC-ERRORs in c (and below it when deep). */
static int errors(icalcomponent *c, bool deep, char *why, size_t whylen)
{
	icalproperty *p;
	icalcomponent *s;
	int count = 0;

	for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	     p; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY))
		if (!benign(p) && !count++)
			pim_why(why, whylen, "parse error: %s",
				icalproperty_get_xlicerror(p));
	if (!deep)
		return count;
	for (s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
	     s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		count += errors(s, true, count ? NULL : why, whylen);
	return count;
}

static bool has_prop(icalcomponent *c, icalproperty_kind k)
{
	return icalcomponent_get_first_property(c, k) != NULL;
}

/* The recurrence rules of c that libical could not follow cheaply. */
static int rules_ok(icalcomponent *c, bool zone, char *why, size_t whylen)
{
	icalproperty *p;
	const char *bad;

	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
		struct icalrecurrencetype r = icalproperty_get_rrule(p);

		bad = ics_rule_problem(&r, zone);
		if (bad) {
			pim_why(why, whylen, "%s%s",
				zone ? "a VTIMEZONE rule: " : "", bad);
			return -EINVAL;
		}
	}
	return 0;
}

/* A VTIMEZONE: a TZID, and rules libical can expand cheaply. */
static int zone_ok(icalcomponent *tz, char *why, size_t whylen)
{
	icalcomponent *s;
	int rc = 0;

	if (!has_prop(tz, ICAL_TZID_PROPERTY)) {
		pim_why(why, whylen, "a VTIMEZONE without TZID");
		return -EINVAL;
	}
	for (s = icalcomponent_get_first_component(tz, ICAL_ANY_COMPONENT);
	     s && !rc;
	     s = icalcomponent_get_next_component(tz, ICAL_ANY_COMPONENT))
		rc = rules_ok(s, true, why, whylen);
	return rc;
}

/* The structure of one stored item (see ics_check). */
static int validate(icalcomponent *root, struct pim_info *info, char *why,
		    size_t whylen)
{
	const char *first = NULL, *uid, *what;
	icalcomponent *c;
	icalproperty *p;
	int items = 0, masters = 0;

	if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
		pim_why(why, whylen, "two calendars in one file");
		return -EINVAL;
	}
	if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
		pim_why(why, whylen, "not iCalendar");
		return -EINVAL;
	}
	if (errors(root, true, why, whylen))
		return -EINVAL;
	p = icalcomponent_get_first_property(root, ICAL_VERSION_PROPERTY);
	if (p && icalproperty_get_version(p) &&
	    strcmp(icalproperty_get_version(p), "2.0")) {
		pim_why(why, whylen, "iCalendar VERSION %.16s, not 2.0",
			icalproperty_get_version(p));
		return -EINVAL;
	}
	for (c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); c;
	     c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT)) {
		icalcomponent_kind k = icalcomponent_isa(c);
		enum pim_kind pk =
			k == ICAL_VTODO_COMPONENT ? PIM_TODO : PIM_EVENT;

		if (k == ICAL_VTIMEZONE_COMPONENT) {
			if (zone_ok(c, why, whylen))
				return -EINVAL;
			continue;
		}
		if (k != ICAL_VEVENT_COMPONENT && k != ICAL_VTODO_COMPONENT) {
			pim_why(why, whylen, "a %s in a calendar item",
				icalcomponent_kind_to_string(k));
			return -EINVAL;
		}
		what = pk == PIM_EVENT ? "event" : "to-do";
		if (items && pk != info->kind) {
			pim_why(why, whylen,
				"events and to-dos mixed in one item");
			return -EINVAL;
		}
		info->kind = pk;
		uid = icalcomponent_get_uid(c);
		if (!uid || !*uid) {
			pim_why(why, whylen, "%s without UID",
				pk == PIM_EVENT ? "an event" : "a to-do");
			return -EINVAL;
		}
		if (strlen(uid) >= sizeof(info->uid)) {
			pim_why(why, whylen, "UID longer than %zu bytes",
				sizeof(info->uid) - 1);
			return -EINVAL;
		}
		if (first && strcmp(first, uid)) {
			pim_why(why, whylen, "%ss of two UIDs in one item",
				what);
			return -EINVAL;
		}
		first = uid;
		if (!has_prop(c, ICAL_RECURRENCEID_PROPERTY) && masters++) {
			pim_why(why, whylen,
				"two %ss without RECURRENCE-ID"
				" for one UID",
				what);
			return -EINVAL;
		}
		if (pk == PIM_EVENT && !has_prop(c, ICAL_DTSTART_PROPERTY)) {
			pim_why(why, whylen, "an event without DTSTART");
			return -EINVAL;
		}
		if (rules_ok(c, false, why, whylen))
			return -EINVAL;
		items++;
	}
	if (!items) {
		pim_why(why, whylen, "no event or to-do");
		return -EINVAL;
	}
	info->has_uid = true;
	strcpy(info->uid, first);
	return 0;
}

int ics_check(const char *data, size_t len, struct pim_info *info, char *why,
	      size_t whylen)
{
	struct pim_info tmp = {0};
	icalcomponent *root = NULL;
	int rc;

	rc = ics_parse(data, len, false, &root, why, whylen);
	if (rc == 0)
		rc = validate(root, &tmp, why, whylen);
	if (rc == 0 && info)
		*info = tmp;
	if (root)
		icalcomponent_free(root);
	return rc;
}

/* ---- Occurrences ---- */

static int cmp_occ(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

void occurrences_free(struct occurrence *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].summary);
		free(v[i].uid);
		free(v[i].location);
	}
	free(v);
}

int ics_occurrences(const char *data, size_t len, int64_t from, int64_t to,
		    struct occurrence **v, size_t *n)
{
	struct ics_instance *in = NULL;
	struct occurrence *o = NULL;
	size_t k = 0, i, m = 0;
	int rc;

	rc = ics_expand(data, len, from, to, true, &in, &k);
	if (rc)
		return rc;
	o = calloc(k ? k : 1, sizeof(*o));
	if (!o) {
		ics_instances_free(in, k);
		return -ENOMEM;
	}
	for (i = 0; i < k; i++) {
		if (in[i].cancelled)
			continue;
		o[m].start = in[i].start;
		o[m].end = in[i].end;
		o[m].all_day = in[i].all_day;
		o[m].summary = in[i].summary;
		o[m].location = in[i].location;
		o[m].uid = in[i].uid;
		in[i].summary = in[i].location = in[i].uid = NULL;
		m++;
	}
	ics_instances_free(in, k);
	qsort(o, m, sizeof(*o), cmp_occ);
	*v = o;
	*n = m;
	return 0;
}

/* ---- Split and join ---- */

/* Serialize c into a malloc'd NUL-terminated copy. */
static int serialize(icalcomponent *c, char **out, size_t *len)
{
	char *s = icalcomponent_as_ical_string_r(c);
	struct pim_buf b = {0};

	if (!s)
		return -ENOMEM;
	pim_buf_str(&b, s);
	icalmemory_free_buffer(s);
	return pim_buf_finish(&b, out, len);
}

static icalcomponent *new_calendar(const char *prodid)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);

	if (!cal)
		return NULL;
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(
		cal,
		icalproperty_new_prodid(prodid ? prodid : "-//groupfs//EN"));
	return cal;
}

static const char *tzid_of(icalcomponent *tz)
{
	icalproperty *p =
		icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);

	return p ? icalproperty_get_tzid(p) : NULL;
}

/* Add to out, once, the VTIMEZONEs of src that c uses (c and below). */
static void add_zones(icalcomponent *out, icalcomponent *src, icalcomponent *c)
{
	icalproperty *p;
	icalcomponent *s, *tz;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		icalparameter *param = icalproperty_get_first_parameter(
			p, ICAL_TZID_PARAMETER);
		const char *tzid = param ? icalparameter_get_tzid(param) : NULL;
		bool have = false;

		if (!tzid)
			continue;
		for (tz = icalcomponent_get_first_component(
			     out, ICAL_VTIMEZONE_COMPONENT);
		     tz && !have; tz = icalcomponent_get_next_component(
					  out, ICAL_VTIMEZONE_COMPONENT))
			have = tzid_of(tz) && !strcmp(tzid_of(tz), tzid);
		for (tz = icalcomponent_get_first_component(
			     src, ICAL_VTIMEZONE_COMPONENT);
		     tz && !have; tz = icalcomponent_get_next_component(
					  src, ICAL_VTIMEZONE_COMPONENT))
			if (tzid_of(tz) && !strcmp(tzid_of(tz), tzid)) {
				icalcomponent_add_component(
					out, icalcomponent_new_clone(tz));
				have = true;
			}
	}
	for (s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
	     s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		add_zones(out, src, s);
}

/*
 * One component of an imported file, with the calendar it came from: its
 * UID when it is an event or to-do, its position in the file, and its
 * group (the position of the first component of its UID).
 */
struct entry {
	icalcomponent *c, *cal;
	const char *uid;
	size_t seq, group;
};

/* By UID (components without one last, each apart), then position. */
static int cmp_uid(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int d;

	if (x->uid && y->uid) {
		d = strcmp(x->uid, y->uid);
		if (d)
			return d;
	} else if (x->uid || y->uid) {
		return x->uid ? -1 : 1;
	}
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_group(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Build, serialize and check the part of entries e[0..k). */
static int make_part(struct pim_part *part, const struct entry *e, size_t k)
{
	icalproperty *pp = icalcomponent_get_first_property(
		e[0].cal, ICAL_PRODID_PROPERTY);
	icalcomponent *out =
		new_calendar(pp ? icalproperty_get_prodid(pp) : NULL);
	icalcomponent_kind kind = icalcomponent_isa(e[0].c);
	size_t i;
	int rc;

	if (!out)
		return -ENOMEM;
	memset(part, 0, sizeof(*part));
	/* Known even when the part is refused, so the user can tell which. */
	if (kind == ICAL_VEVENT_COMPONENT || kind == ICAL_VTODO_COMPONENT)
		part->info.kind =
			kind == ICAL_VTODO_COMPONENT ? PIM_TODO : PIM_EVENT;
	if (e[0].uid && strlen(e[0].uid) < sizeof(part->info.uid)) {
		part->info.has_uid = true;
		strcpy(part->info.uid, e[0].uid);
	}
	for (i = 0; i < k && !part->err; i++)
		if (errors(e[i].c, true, part->why, sizeof(part->why)))
			part->err = -EINVAL;
	if (!part->err && kind != ICAL_VEVENT_COMPONENT &&
	    kind != ICAL_VTODO_COMPONENT) {
		part->err = -EINVAL;
		pim_why(part->why, sizeof(part->why),
			"a %s is not an event or to-do",
			icalcomponent_kind_to_string(kind));
	}
	for (i = 0; i < k; i++)
		add_zones(out, e[i].cal, e[i].c);
	for (i = 0; i < k; i++) {
		icalcomponent *copy = icalcomponent_new_clone(e[i].c);

		icalcomponent_strip_errors(copy);
		icalcomponent_add_component(out, copy);
	}
	rc = serialize(out, &part->data, &part->len);
	icalcomponent_free(out);
	if (rc == 0 && !part->err) {
		rc = ics_check(part->data, part->len, &part->info, part->why,
			       sizeof(part->why));
		if (rc == -EINVAL)
			part->err = rc;
		if (rc == -EINVAL)
			rc = 0;
	}
	return rc;
}

/*
 * The components of every calendar of root, sorted into groups of one UID
 * in the order the UIDs first appear; *groups counts them.
 */
static int gather(icalcomponent *root, struct entry **ev, size_t *nev,
		  size_t *groups, char *why, size_t whylen)
{
	bool xroot = icalcomponent_isa(root) == ICAL_XROOT_COMPONENT;
	struct entry *v = NULL;
	size_t cap = 0;
	icalcomponent *cal, *c;
	size_t n = 0, g = 0, i;

	if (!xroot && icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
		pim_why(why, whylen, "not iCalendar");
		return -EINVAL;
	}
	for (cal = xroot ? icalcomponent_get_first_component(
				   root, ICAL_VCALENDAR_COMPONENT)
			 : root;
	     cal; cal = xroot ? icalcomponent_get_next_component(
					root, ICAL_VCALENDAR_COMPONENT)
			      : NULL) {
		if (errors(cal, false, why, whylen)) {
			free(v);
			return -EINVAL;
		}
		for (c = icalcomponent_get_first_component(cal,
							   ICAL_ANY_COMPONENT);
		     c; c = icalcomponent_get_next_component(
				cal, ICAL_ANY_COMPONENT)) {
			icalcomponent_kind k = icalcomponent_isa(c);
			const char *uid = NULL;

			if (k == ICAL_VTIMEZONE_COMPONENT)
				continue;
			if (k == ICAL_VEVENT_COMPONENT ||
			    k == ICAL_VTODO_COMPONENT)
				uid = icalcomponent_get_uid(c);
			if (ARRAY_GROW(v, n, cap)) {
				free(v);
				return -ENOMEM;
			}
			v[n].c = c;
			v[n].cal = cal;
			v[n].uid = uid && *uid ? uid : NULL;
			v[n].seq = n;
			n++;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_uid);
	for (i = 0; i < n; i++) {
		if (i && v[i].uid && v[i - 1].uid &&
		    !strcmp(v[i].uid, v[i - 1].uid)) {
			v[i].group = v[i - 1].group;
		} else {
			v[i].group = v[i].seq;
			g++;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_group);
	*ev = v;
	*nev = n;
	*groups = g;
	return 0;
}

int ics_split(const char *data, size_t len, struct pim_part **parts, size_t *n,
	      char *why, size_t whylen)
{
	icalcomponent *root = NULL;
	struct pim_part *pv = NULL;
	struct entry *ev = NULL;
	size_t nev = 0, groups = 0, i, j, np = 0;
	int rc;

	rc = ics_parse(data, len, true, &root, why, whylen);
	if (rc == 0)
		rc = gather(root, &ev, &nev, &groups, why, whylen);
	if (rc)
		goto out_free;
	pv = calloc(groups ? groups : 1, sizeof(*pv));
	if (!pv) {
		rc = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < nev && rc == 0; i = j) {
		for (j = i + 1; j < nev && ev[j].group == ev[i].group; j++)
			;
		rc = make_part(&pv[np], ev + i, j - i);
		if (pv[np].data)
			np++;
	}
	if (rc)
		goto out_free;
	*parts = pv;
	*n = np;
	pv = NULL;
	np = 0;
out_free:
	pim_parts_free(pv, np);
	free(ev);
	if (root)
		icalcomponent_free(root);
	return rc;
}

/*
 * Copy into out the top-level components of every calendar of root: the
 * VTIMEZONEs whose TZID out lacks (zones), or all the others.
 */
static void each_component(icalcomponent *root, icalcomponent *out, bool zones)
{
	bool xroot = icalcomponent_isa(root) == ICAL_XROOT_COMPONENT;
	icalcomponent *cal, *c, *tz;

	for (cal = xroot ? icalcomponent_get_first_component(
				   root, ICAL_VCALENDAR_COMPONENT)
			 : root;
	     cal; cal = xroot ? icalcomponent_get_next_component(
					root, ICAL_VCALENDAR_COMPONENT)
			      : NULL) {
		for (c = icalcomponent_get_first_component(cal,
							   ICAL_ANY_COMPONENT);
		     c; c = icalcomponent_get_next_component(
				cal, ICAL_ANY_COMPONENT)) {
			bool is_tz = icalcomponent_isa(c) ==
				     ICAL_VTIMEZONE_COMPONENT;
			bool have = false;

			if (is_tz != zones)
				continue;
			for (tz = zones ? icalcomponent_get_first_component(
						  out, ICAL_VTIMEZONE_COMPONENT)
					: NULL;
			     tz && !have;
			     tz = icalcomponent_get_next_component(
				     out, ICAL_VTIMEZONE_COMPONENT))
				have = tzid_of(tz) && tzid_of(c) &&
				       !strcmp(tzid_of(tz), tzid_of(c));
			if (!have) {
				icalcomponent *copy =
					icalcomponent_new_clone(c);

				icalcomponent_strip_errors(copy);
				icalcomponent_add_component(out, copy);
			}
		}
	}
}

int ics_join(const char *const *items, const size_t *lens, size_t n, char **out,
	     size_t *len)
{
	icalcomponent **roots = calloc(n ? n : 1, sizeof(*roots));
	icalcomponent *cal = new_calendar(NULL);
	size_t i;
	int rc = 0;

	if (!roots || !cal) {
		rc = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = ics_parse(items[i], lens[i], true, &roots[i], NULL, 0);
	for (i = 0; i < n && rc == 0; i++)
		each_component(roots[i], cal, true);
	for (i = 0; i < n && rc == 0; i++)
		each_component(roots[i], cal, false);
	if (rc == 0)
		rc = serialize(cal, out, len);
out_free:
	for (i = 0; roots && i < n; i++)
		if (roots[i])
			icalcomponent_free(roots[i]);
	free(roots);
	if (cal)
		icalcomponent_free(cal);
	return rc;
}
