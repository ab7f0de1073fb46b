// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vCard items (RFC 2426, RFC 6350, and the 2.1 that phones still export),
 * with no library: a careful line parser that checks one stored card,
 * splits a file of cards into items (their bytes kept as written), joins
 * items into one stream, and writes a member's card.  It also holds the
 * text helpers that ics.c and busy.c share: logical (unfolded) lines, and
 * an output buffer that folds lines at 75 octets.
 *
 * A card is checked line by line: blank lines are skipped; every other
 * line must read [GROUP.]NAME[;PARAM[=VALUE[,VALUE]]]...:VALUE with names
 * of letters, digits and '-', quoted parameter values allowed, and no
 * control character anywhere but a tab.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pim.h"

void pim_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* ---- Logical lines ---- */

void pim_lines_init(struct pim_lines *it, const char *data, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->data = data;
	it->len = len;
	it->next_lineno = 1;
}

void pim_lines_free(struct pim_lines *it)
{
	free(it->buf);
	it->buf = NULL;
	it->cap = 0;
}

/* The physical line at *pos: its content [*pos, *cend), next line at *pos. */
static void physical(const struct pim_lines *it, size_t *pos, size_t *cend)
{
	const char *nl = memchr(it->data + *pos, '\n', it->len - *pos);
	size_t end = nl ? (size_t)(nl - it->data) : it->len;

	*cend = end;
	if (end > *pos && it->data[end - 1] == '\r')
		(*cend)--;
	*pos = nl ? end + 1 : end;
}

static int buf_put(struct pim_lines *it, size_t at, const char *s, size_t n)
{
	if (at + n + 1 > it->cap) {
		size_t cap = it->cap ? it->cap : 256;
		char *p;

		while (cap < at + n + 1)
			cap *= 2;
		p = realloc(it->buf, cap);
		if (!p)
			return -ENOMEM;
		it->buf = p;
		it->cap = cap;
	}
	memcpy(it->buf + at, s, n);
	it->buf[at + n] = '\0';
	return 0;
}

int pim_lines_next(struct pim_lines *it)
{
	size_t pos = it->pos, cstart, cend, n;

	if (pos >= it->len)
		return 0;
	it->start = pos;
	it->lineno = it->next_lineno++;
	cstart = pos;
	physical(it, &pos, &cend);
	it->line = it->data + cstart;
	it->n = cend - cstart;
	n = 0;
	/* Unfold only when a continuation follows: most lines are not. */
	while (pos < it->len &&
	       (it->data[pos] == ' ' || it->data[pos] == '\t')) {
		size_t c2 = pos + 1, e2;

		if (!n) {
			if (buf_put(it, 0, it->line, it->n))
				return -ENOMEM;
			n = it->n;
		}
		physical(it, &pos, &e2);
		it->next_lineno++;
		if (buf_put(it, n, it->data + c2, e2 - c2))
			return -ENOMEM;
		n += e2 - c2;
		it->line = it->buf;
		it->n = n;
	}
	it->end = pos;
	it->pos = pos;
	return 1;
}

bool pim_line_blank(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i] != ' ' && l[i] != '\t')
			return false;
	return true;
}

bool pim_space_only(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

bool pim_line_begin_end(const char *l, size_t n, bool *begin, const char **val,
			size_t *vlen)
{
	size_t k;

	trim(&l, &n);
	if (n > 6 && !strncasecmp(l, "BEGIN:", 6)) {
		*begin = true;
		k = 6;
	} else if (n > 4 && !strncasecmp(l, "END:", 4)) {
		*begin = false;
		k = 4;
	} else {
		return false;
	}
	*val = l + k;
	*vlen = n - k;
	trim(val, vlen);
	return *vlen > 0;
}

static bool word_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && !strncasecmp(s, word, n);
}

/* Where the parameters end: the ':' before the value (n when none). */
static size_t params_end(const char *l, size_t n, size_t *count)
{
	bool quoted = false;
	size_t i;

	*count = 0;
	for (i = 0; i < n; i++) {
		if (l[i] == '"')
			quoted = !quoted;
		else if (!quoted && l[i] == ';')
			(*count)++;
		else if (!quoted && l[i] == ':')
			return i;
	}
	return n;
}

size_t pim_line_params(const char *l, size_t n)
{
	size_t count;

	params_end(l, n, &count);
	return count;
}

const char *pim_line_value(const char *l, size_t n)
{
	size_t count, i = params_end(l, n, &count);

	return i < n ? l + i + 1 : NULL;
}

size_t pim_bom(const char *data, size_t len)
{
	return len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
}

/* ---- Output buffer ---- */

void pim_buf_add(struct pim_buf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void pim_buf_str(struct pim_buf *b, const char *s)
{
	pim_buf_add(b, s, strlen(s));
}

/* Fold at 75 octets, never inside a UTF-8 sequence. */
void pim_buf_line(struct pim_buf *b, const char *s, size_t n)
{
	size_t room = 75, k;

	while (n > room) {
		k = room;
		while (k > 1 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
		pim_buf_add(b, s, k);
		pim_buf_add(b, "\r\n ", 3);
		s += k;
		n -= k;
		room = 74;
	}
	pim_buf_add(b, s, n);
	pim_buf_add(b, "\r\n", 2);
}

int pim_buf_finish(struct pim_buf *b, char **out, size_t *len)
{
	if (!b->err && !b->p)
		pim_buf_add(b, "", 0);
	if (b->err) {
		free(b->p);
		memset(b, 0, sizeof(*b));
		return -ENOMEM;
	}
	*out = b->p;
	*len = b->len;
	memset(b, 0, sizeof(*b));
	return 0;
}

/* ---- Content lines ---- */

struct vprop {
	const char *name;
	size_t namelen;
	const char *params; /* from the first ';' to the ':' */
	size_t paramslen;
	const char *value;
	size_t valuelen;
};

static bool name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static size_t token(const char *l, size_t n, size_t i)
{
	while (i < n && name_char(l[i]))
		i++;
	return i;
}

/* Parse one content line; 0, or -EINVAL with a reason. */
static int parse_prop(const char *l, size_t n, unsigned lineno, struct vprop *p,
		      char *why, size_t whylen)
{
	size_t i = 0, j, k;

	for (k = 0; k < n; k++)
		if (ctl((unsigned char)l[k])) {
			pim_why(why, whylen, "line %u: a control character",
				lineno);
			return -EINVAL;
		}
	j = token(l, n, 0);
	if (j < n && l[j] == '.' && j > 0) { /* a group: item1.EMAIL */
		i = j + 1;
		j = token(l, n, i);
	}
	if (j == i) {
		pim_why(why, whylen, "line %u: no property name", lineno);
		return -EINVAL;
	}
	p->name = l + i;
	p->namelen = j - i;
	i = j;
	if (pim_line_params(l + i, n - i) > PIM_MAX_PARAMS) {
		pim_why(why, whylen,
			"line %u: more than %d parameters on one property",
			lineno, PIM_MAX_PARAMS);
		return -EINVAL;
	}
	p->params = l + i;
	while (i < n && l[i] == ';') {
		j = token(l, n, i + 1);
		if (j == i + 1) {
			pim_why(why, whylen,
				"line %u: a parameter without name", lineno);
			return -EINVAL;
		}
		i = j;
		if (i < n && l[i] == '=') {
			do {
				i++;
				if (i < n && l[i] == '"') {
					const char *q = memchr(l + i + 1, '"',
							       n - i - 1);

					if (!q) {
						pim_why(why, whylen,
							"line %u: unterminated"
							" quoted parameter",
							lineno);
						return -EINVAL;
					}
					i = (size_t)(q - l) + 1;
				} else {
					while (i < n && l[i] != ';' &&
					       l[i] != ':' && l[i] != ',' &&
					       l[i] != '"')
						i++;
				}
			} while (i < n && l[i] == ',');
		}
	}
	p->paramslen = (size_t)(l + i - p->params);
	if (i >= n || l[i] != ':') {
		pim_why(why, whylen, "line %u: not NAME[;PARAMS]:VALUE",
			lineno);
		return -EINVAL;
	}
	p->value = l + i + 1;
	p->valuelen = n - i - 1;
	return 0;
}

static bool has_param_word(const struct vprop *p, const char *word)
{
	size_t wl = strlen(word), i;

	for (i = 0; i + wl <= p->paramslen; i++)
		if (!strncasecmp(p->params + i, word, wl) &&
		    (i == 0 || !name_char(p->params[i - 1])) &&
		    (i + wl == p->paramslen || !name_char(p->params[i + wl])))
			return true;
	return false;
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, need;
	unsigned cp;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + need >= n)
			return false;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 &&
		     (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += need + 1;
	}
	return true;
}

/* ---- Checking one card ---- */

struct vstate {
	int phase; /* 0 before BEGIN, 1 inside, 2 after END */
	bool version_seen, fn, n_prop, uid_seen;
	char version[8];
};

/*
 * One logical line of a card (qp: the joined quoted-printable value).
 * 0, or -EINVAL with a reason.
 */
static int card_line(struct vstate *s, const char *l, size_t n, unsigned lineno,
		     struct pim_info *info, char *why, size_t whylen)
{
	const char *v;
	size_t vl;
	bool begin;
	struct vprop p;
	int rc;

	if (pim_line_blank(l, n))
		return 0;
	if (pim_line_begin_end(l, n, &begin, &v, &vl)) {
		bool card = word_is(v, vl, "VCARD");

		if (s->phase == 0) {
			if (begin && card) {
				s->phase = 1;
				return 0;
			}
			if (begin && word_is(v, vl, "VCALENDAR"))
				pim_why(why, whylen,
					"iCalendar data, not a vCard");
			else
				pim_why(why, whylen, "not a vCard");
			return -EINVAL;
		}
		if (s->phase == 2) {
			pim_why(why, whylen,
				begin && card ? "two cards in one file"
					      : "data after END:VCARD");
			return -EINVAL;
		}
		if (!begin && card) {
			s->phase = 2;
			return 0;
		}
		pim_why(why, whylen, "line %u: %s:%.*s inside a card", lineno,
			begin ? "BEGIN" : "END", (int)(vl > 40 ? 40 : vl), v);
		return -EINVAL;
	}
	if (s->phase == 0) {
		pim_why(why, whylen, "not a vCard");
		return -EINVAL;
	}
	if (s->phase == 2) {
		pim_why(why, whylen, "data after END:VCARD");
		return -EINVAL;
	}
	rc = parse_prop(l, n, lineno, &p, why, whylen);
	if (rc)
		return rc;
	v = p.value;
	vl = p.valuelen;
	trim(&v, &vl);
	if (word_is(p.name, p.namelen, "VERSION")) {
		if (s->version_seen) {
			pim_why(why, whylen, "two VERSION lines");
			return -EINVAL;
		}
		s->version_seen = true;
		if (!word_is(v, vl, "2.1") && !word_is(v, vl, "3.0") &&
		    !word_is(v, vl, "4.0")) {
			pim_why(why, whylen,
				"VERSION %.*s is not 2.1, 3.0 or 4.0",
				(int)(vl > 16 ? 16 : vl), v);
			return -EINVAL;
		}
		memcpy(s->version, v, 3);
		s->version[3] = '\0';
	} else if (word_is(p.name, p.namelen, "FN")) {
		s->fn = true;
	} else if (word_is(p.name, p.namelen, "N")) {
		s->n_prop = true;
	} else if (word_is(p.name, p.namelen, "UID")) {
		if (s->uid_seen) {
			pim_why(why, whylen, "two UIDs in one card");
			return -EINVAL;
		}
		s->uid_seen = true;
		if (vl >= sizeof(info->uid)) {
			pim_why(why, whylen, "UID longer than %zu bytes",
				sizeof(info->uid) - 1);
			return -EINVAL;
		}
		if (vl) {
			info->has_uid = true;
			memcpy(info->uid, v, vl);
			info->uid[vl] = '\0';
		}
	}
	return 0;
}

/*
 * Append the next line to a quoted-printable value in q, which ends in a
 * soft break ('='), dropping the '=': 1, or 0 when there is none (end of
 * data, or a BEGIN/END line, which is left to be read) and the '=' is
 * dropped alone, or -ENOMEM.  q grows geometrically: linear in the card.
 */
static int qp_join(struct pim_lines *it, struct pim_buf *q)
{
	size_t pos = it->pos;
	unsigned next = it->next_lineno;
	const char *v;
	size_t vl;
	bool begin;
	int rc;

	q->p[--q->len] = '\0';
	rc = pim_lines_next(it);
	if (rc <= 0)
		return rc;
	if (pim_line_begin_end(it->line, it->n, &begin, &v, &vl)) {
		it->pos = pos;
		it->next_lineno = next;
		return 0;
	}
	pim_buf_add(q, it->line, it->n);
	return q->err ? q->err : 1;
}

/* vcard_check, but *info holds what was found (the UID) even on -EINVAL. */
static int check_card(const char *data, size_t len, struct pim_info *info,
		      char *why, size_t whylen)
{
	struct pim_info tmp = {.kind = PIM_CARD};
	struct vstate s = {0};
	struct pim_lines it;
	size_t bom = pim_bom(data, len), lines = 0;
	struct pim_buf q = {0};
	int rc;

	pim_lines_init(&it, data + bom, len - bom);
	if (len > PIM_MAX_BYTES) {
		pim_why(why, whylen, "an item holds at most %d MiB",
			PIM_MAX_BYTES >> 20);
		rc = -EFBIG;
		goto out_free;
	}
	if (len && memchr(data, '\0', len)) {
		pim_why(why, whylen, "a NUL byte in the data");
		rc = -EINVAL;
		goto out_free;
	}
	while ((rc = pim_lines_next(&it)) == 1) {
		const char *l = it.line;
		size_t n = it.n;
		unsigned lineno = it.lineno;
		struct vprop p;

		if (!pim_line_blank(l, n) && ++lines > PIM_MAX_LINES) {
			pim_why(why, whylen, "more than %d lines in one card",
				PIM_MAX_LINES);
			rc = -EINVAL;
			goto out_free;
		}
		/* 2.1 quoted-printable: a value ending in '=' goes on. */
		if (n && l[n - 1] == '=' && s.phase == 1 &&
		    !parse_prop(l, n, lineno, &p, NULL, 0) &&
		    has_param_word(&p, "QUOTED-PRINTABLE")) {
			q.len = 0;
			pim_buf_add(&q, l, n);
			rc = q.err;
			while (rc == 0 && q.len && q.p[q.len - 1] == '=') {
				rc = qp_join(&it, &q);
				rc = rc == 1 ? 0 : rc < 0 ? rc : 1;
			}
			if (rc < 0)
				goto out_free;
			l = q.p;
			n = q.len;
		}
		rc = card_line(&s, l, n, lineno, &tmp, why, whylen);
		if (rc)
			goto out_free;
	}
	if (rc < 0)
		goto out_free;
	rc = -EINVAL;
	if (s.phase == 0)
		pim_why(why, whylen,
			pim_space_only(data + bom, len - bom) ? "empty file"
							      : "not a vCard");
	else if (s.phase == 1)
		pim_why(why, whylen, "no END:VCARD");
	else if (!s.version_seen)
		pim_why(why, whylen, "no VERSION");
	else if (!s.fn && !(s.n_prop && !strcmp(s.version, "2.1")))
		pim_why(why, whylen, "no FN (formatted name)");
	else if (!strcmp(s.version, "4.0") &&
		 !valid_utf8((const unsigned char *)data, len))
		pim_why(why, whylen, "vCard 4.0 that is not UTF-8");
	else
		rc = 0;
out_free:
	*info = tmp;
	free(q.p);
	pim_lines_free(&it);
	return rc;
}

int vcard_check(const char *data, size_t len, struct pim_info *info, char *why,
		size_t whylen)
{
	struct pim_info tmp;
	int rc = check_card(data, len, &tmp, why, whylen);

	if (rc == 0 && info)
		*info = tmp;
	return rc;
}

/* ---- Split and join ---- */

static int add_part(struct pim_part **parts, size_t *n, size_t *cap,
		    const char *data, size_t len, const char *why_text)
{
	struct pim_part *p;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;

		p = realloc(*parts, c * sizeof(**parts));
		if (!p)
			return -ENOMEM;
		*parts = p;
		*cap = c;
	}
	p = &(*parts)[*n];
	memset(p, 0, sizeof(*p));
	p->data = malloc(len + 1);
	if (!p->data)
		return -ENOMEM;
	memcpy(p->data, data, len);
	p->data[len] = '\0';
	p->len = len;
	(*n)++;
	if (why_text) {
		p->err = -EINVAL;
		pim_why(p->why, sizeof(p->why), "%s", why_text);
	} else {
		p->err = check_card(data, len, &p->info, p->why,
				    sizeof(p->why));
		if (p->err == -ENOMEM)
			return -ENOMEM;
	}
	return 0;
}

void pim_parts_free(struct pim_part *p, size_t n)
{
	size_t i;

	for (i = 0; p && i < n; i++)
		free(p[i].data);
	free(p);
}

int vcard_split(const char *data, size_t len, struct pim_part **parts,
		size_t *n, char *why, size_t whylen)
{
	struct pim_part *v = NULL;
	size_t nv = 0, cap = 0, bom = pim_bom(data, len), start = 0;
	struct pim_lines it;
	int rc, state = 0; /* 0 between cards, 1 in a card, 2 in junk */
	bool any = false;

	pim_lines_init(&it, data + bom, len - bom);
	while ((rc = pim_lines_next(&it)) == 1) {
		const char *val;
		size_t vl;
		bool begin, be;

		be = pim_line_begin_end(it.line, it.n, &begin, &val, &vl) &&
		     word_is(val, vl, "VCARD");
		if (!any && !pim_line_blank(it.line, it.n) && !(be && begin)) {
			bool cal = pim_line_begin_end(it.line, it.n, &begin,
						      &val, &vl) &&
				   begin && word_is(val, vl, "VCALENDAR");

			pim_why(why, whylen,
				cal ? "iCalendar data, not vCard"
				    : "not a vCard file");
			rc = -EINVAL;
			goto out_free;
		}
		if (state != 1 && be && begin) {
			if (state == 2) {
				rc = add_part(&v, &nv, &cap, data + bom + start,
					      it.start - start,
					      "text outside BEGIN:VCARD ..."
					      " END:VCARD");
				if (rc)
					goto out_free;
			}
			state = 1;
			start = it.start;
			any = true;
		} else if (state == 1 && be && !begin) {
			rc = add_part(&v, &nv, &cap, data + bom + start,
				      it.end - start, NULL);
			if (rc)
				goto out_free;
			state = 0;
		} else if (state == 0 && !pim_line_blank(it.line, it.n)) {
			state = 2;
			start = it.start;
		}
	}
	if (rc < 0)
		goto out_free;
	if (!any) {
		pim_why(why, whylen,
			pim_space_only(data + bom, len - bom)
				? "empty file"
				: "not a vCard file");
		rc = -EINVAL;
		goto out_free;
	}
	if (state == 1)
		rc = add_part(&v, &nv, &cap, data + bom + start,
			      len - bom - start, NULL);
	else if (state == 2)
		rc = add_part(&v, &nv, &cap, data + bom + start,
			      len - bom - start,
			      "text outside BEGIN:VCARD ... END:VCARD");
	if (rc)
		goto out_free;
	*parts = v;
	*n = nv;
	v = NULL;
	nv = 0;
out_free:
	pim_parts_free(v, nv);
	pim_lines_free(&it);
	return rc;
}

int vcard_join(const char *const *items, const size_t *lens, size_t n,
	       char **out, size_t *len)
{
	struct pim_buf b = {0};
	size_t i, bom;

	for (i = 0; i < n; i++) {
		bom = pim_bom(items[i], lens[i]);
		pim_buf_add(&b, items[i] + bom, lens[i] - bom);
		if (lens[i] > bom && items[i][lens[i] - 1] != '\n')
			pim_buf_add(&b, "\r\n", 2);
	}
	return pim_buf_finish(&b, out, len);
}

/* ---- A member's card ---- */

/* A text value, escaped (RFC 2426 section 4); other controls dropped. */
static void add_text(struct pim_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\\':
			pim_buf_add(b, "\\\\", 2);
			break;
		case ',':
			pim_buf_add(b, "\\,", 2);
			break;
		case ';':
			pim_buf_add(b, "\\;", 2);
			break;
		case '\n':
			pim_buf_add(b, "\\n", 2);
			break;
		default:
			if (!ctl((unsigned char)*s) || *s == '\t')
				pim_buf_add(b, s, 1);
			break;
		}
	}
}

static void add_base64(struct pim_buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
		q[2] = tab[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
		q[3] = tab[p[i + 2] & 63];
		pim_buf_add(b, q, 4);
	}
	if (i < n) {
		q[0] = tab[p[i] >> 2];
		if (i + 1 < n) {
			q[1] = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
			q[2] = tab[(p[i + 1] & 15) << 2];
		} else {
			q[1] = tab[(p[i] & 3) << 4];
			q[2] = '=';
		}
		q[3] = '=';
		pim_buf_add(b, q, 4);
	}
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* Build one property in line, then fold it into out. */
static void card_prop(struct pim_buf *out, struct pim_buf *line)
{
	pim_buf_line(out, line->p ? line->p : "", line->len);
	if (line->err)
		out->err = line->err;
	line->len = 0;
}

int vcard_make(const struct card_profile *p, char **out, size_t *len)
{
	struct pim_buf b = {0}, l = {0};
	const char *type = NULL;

	if (!p || empty(p->username))
		return -EINVAL;
	if (p->photo_len) {
		if (p->photo_type && !strcmp(p->photo_type, "image/jpeg"))
			type = "JPEG";
		else if (p->photo_type && !strcmp(p->photo_type, "image/png"))
			type = "PNG";
		else
			return -EINVAL;
	}
	pim_buf_str(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\n");
	pim_buf_str(&l, "UID:groupfs-member-");
	add_text(&l, p->username);
	card_prop(&b, &l);
	pim_buf_str(&l, "FN:");
	if (empty(p->first) && empty(p->last)) {
		add_text(&l, p->username);
	} else {
		add_text(&l, p->first);
		if (!empty(p->first) && !empty(p->last))
			pim_buf_add(&l, " ", 1);
		add_text(&l, p->last);
	}
	card_prop(&b, &l);
	pim_buf_str(&l, "N:");
	add_text(&l, p->last);
	pim_buf_add(&l, ";", 1);
	add_text(&l, p->first);
	pim_buf_add(&l, ";;;", 3);
	card_prop(&b, &l);
	pim_buf_str(&l, "NICKNAME:");
	add_text(&l, p->username);
	card_prop(&b, &l);
	if (!empty(p->org)) {
		pim_buf_str(&l, "ORG:");
		add_text(&l, p->org);
		card_prop(&b, &l);
	}
	if (!empty(p->email)) {
		pim_buf_str(&l, "EMAIL;TYPE=INTERNET:");
		add_text(&l, p->email);
		card_prop(&b, &l);
	}
	if (!empty(p->role)) {
		pim_buf_str(&l, "ROLE:");
		add_text(&l, p->role);
		card_prop(&b, &l);
	}
	if (type) {
		pim_buf_str(&l, "PHOTO;ENCODING=b;TYPE=");
		pim_buf_str(&l, type);
		pim_buf_add(&l, ":", 1);
		add_base64(&l, p->photo, p->photo_len);
		card_prop(&b, &l);
	}
	pim_buf_str(&b, "END:VCARD\r\n");
	free(l.p);
	return pim_buf_finish(&b, out, len);
}
