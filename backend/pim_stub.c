// SPDX-License-Identifier: GPL-2.0-or-later
/* TEMPORARY: weak stand-ins until ics.c, busy.c and vcard.c land. */
#include <errno.h>
#include "pim.h"
#define W __attribute__((weak))
W int ics_check(const char *d, size_t l, struct pim_info *i, char *w, size_t wl) { return -ENOSYS; }
W int vcard_check(const char *d, size_t l, struct pim_info *i, char *w, size_t wl) { return -ENOSYS; }
W int ics_busy(const char *d, size_t l, int64_t f, int64_t t, struct busy_period **v, size_t *n) { return -ENOSYS; }
W void busy_merge(struct busy_period *v, size_t *n) { }
W int busy_render(const struct busy_period *v, size_t n, int64_t f, int64_t t, const char *u, const char *e, int64_t now, char **o, size_t *l) { return -ENOSYS; }
W int vcard_make(const struct card_profile *p, char **o, size_t *l) { return -ENOSYS; }
W int ics_occurrences(const char *d, size_t l, int64_t f, int64_t t, struct occurrence **v, size_t *n) { return -ENOSYS; }
W void occurrences_free(struct occurrence *v, size_t n) { }
W int ics_split(const char *d, size_t l, struct pim_part **p, size_t *n, char *w, size_t wl) { return -ENOSYS; }
W int vcard_split(const char *d, size_t l, struct pim_part **p, size_t *n, char *w, size_t wl) { return -ENOSYS; }
W void pim_parts_free(struct pim_part *p, size_t n) { }
W int ics_join(const char *const *i, const size_t *l, size_t n, char **o, size_t *len) { return -ENOSYS; }
W int vcard_join(const char *const *i, const size_t *l, size_t n, char **o, size_t *len) { return -ENOSYS; }
