// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the directory search (SPEC.md section 1, "Directory
 * search"): at least two criteria among name, activity, sector and
 * language; a name of at least three characters matched as a substring
 * without regard to case; only published groups, whoever searches.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static void mk(struct fixture *fx, const struct store_caller *admin,
	       const char *name, bool published, bool business,
	       const char *sector, const char *lang)
{
	struct store_group_settings s;
	unsigned mask = STORE_GROUP_PUBLISHED | STORE_GROUP_BUSINESS;
	int64_t id;
	int rc;

	memset(&s, 0, sizeof(s));
	s.published = published;
	s.business = business;
	if (sector) {
		snprintf(s.sector, sizeof(s.sector), "%s", sector);
		mask |= STORE_GROUP_SECTOR;
	}
	if (lang) {
		snprintf(s.language, sizeof(s.language), "%s", lang);
		mask |= STORE_GROUP_LANGUAGE;
	}
	rc = store_group_create(fx->st, admin, name, &s, mask, &id);
	if (rc)
		fx_bail(fx, rc, "create %s", name);
}

static struct store_caller directory(struct fixture *fx)
{
	struct store_caller boss = fx_account(fx, "boss", FX_BIG);

	mk(fx, &boss, "Jazz Lovers", true, false, NULL, "fr");
	mk(fx, &boss, "Jazz Club Secret", false, false, NULL, "fr");
	mk(fx, &boss, "Acme Sales", true, true, "Retail", "en");
	mk(fx, &boss, "Acme Internal", false, true, "Retail", "en");
	mk(fx, &boss, "Jazzy Traders", true, true, "Finance", "fr");
	mk(fx, &boss, "Caf\xc3\xa9 du coin", true, false, NULL, "fr");
	return boss;
}

/* The sorted names found, joined by ", "; "ERR -N" on failure. */
static char *search(struct fixture *fx, const struct store_caller *c,
		    const char *name, int business, const char *sector,
		    const char *lang)
{
	struct store_search q = {name, business, sector, lang};
	struct store_group *g = NULL;
	size_t n = 0, i, j;
	char *out = calloc(1, 4096);
	int rc;

	if (!out)
		abort();
	rc = store_group_search(fx->st, c, &q, &g, &n);
	if (rc) {
		snprintf(out, 4096, "ERR %d", rc);
		return out;
	}
	for (i = 0; i < n; i++) /* selection sort by name */
		for (j = i + 1; j < n; j++)
			if (strcmp(g[j].name, g[i].name) < 0) {
				struct store_group t = g[i];

				g[i] = g[j];
				g[j] = t;
			}
	for (i = 0; i < n; i++) {
		if (i)
			strcat(out, ", ");
		strncat(out, g[i].name, 4096 - strlen(out) - 3);
		if (!g[i].settings.published)
			strcat(out, " (UNPUBLISHED)");
	}
	free(g);
	return out;
}

#define FOUND(fx, c, name, bus, sector, lang, expected, desc)                  \
	do {                                                                   \
		char *got_ = search(fx, c, name, bus, sector, lang);           \
		is_str(got_, expected, desc);                                  \
		free(got_);                                                    \
	} while (0)

static void one_criterion(struct fixture *fx)
{
	struct store_caller carol;
	struct store_search q;
	struct store_group *g = NULL;
	size_t n = 0;

	directory(fx);
	carol = fx_account(fx, "carol", NULL);
	q = (struct store_search){"Jazz", -1, NULL, NULL};
	refused(fx, store_group_search(fx->st, &carol, &q, &g, &n), -EINVAL,
		"two|2|criteri", "a name alone");
	q = (struct store_search){NULL, 1, NULL, NULL};
	refused(fx, store_group_search(fx->st, &carol, &q, &g, &n), -EINVAL,
		"two|2|criteri", "the activity alone");
	q = (struct store_search){NULL, -1, "Retail", NULL};
	refused(fx, store_group_search(fx->st, &carol, &q, &g, &n), -EINVAL,
		"two|2|criteri", "a sector alone");
	q = (struct store_search){NULL, -1, NULL, "fr"};
	refused(fx, store_group_search(fx->st, &carol, &q, &g, &n), -EINVAL,
		"two|2|criteri", "a language alone");
	q = (struct store_search){NULL, -1, NULL, NULL};
	refused(fx, store_group_search(fx->st, &carol, &q, &g, &n), -EINVAL,
		"two|2|criteri", "no criterion");
	q = (struct store_search){"", -1, NULL, "fr"};
	refused(fx, store_group_search(fx->st, &carol, &q, &g, &n), -EINVAL,
		NULL, "an empty name does not count as a criterion");
	FOUND(fx, &carol, NULL, 1, "Retail", NULL, "Acme Sales",
	      "activity and sector are two criteria");
}

static void name_length(struct fixture *fx)
{
	struct store_caller carol;
	struct store_search q;
	struct store_group *g = NULL;
	size_t n = 0;

	directory(fx);
	carol = fx_account(fx, "carol", NULL);
	q = (struct store_search){"Ja", -1, NULL, "fr"};
	refused(fx, store_group_search(fx->st, &carol, &q, &g, &n), -EINVAL,
		"3|three|letters|characters", "a name of two letters");
	/* Two characters in three bytes: still too short. */
	q = (struct store_search){"f\xc3\xa9", -1, NULL, "fr"};
	refused(fx, store_group_search(fx->st, &carol, &q, &g, &n), -EINVAL,
		"3|three|letters|characters",
		"a name of two characters (three bytes)");
	FOUND(fx, &carol, "Jaz", -1, NULL, "fr", "Jazz Lovers, Jazzy Traders",
	      "three letters are enough");
	FOUND(fx, &carol, "af\xc3\xa9", -1, NULL, "fr", "Caf\xc3\xa9 du coin",
	      "three characters, one of them not ASCII");
}

static void substring(struct fixture *fx)
{
	struct store_caller carol;

	directory(fx);
	carol = fx_account(fx, "carol", NULL);
	FOUND(fx, &carol, "LOVER", -1, NULL, "fr", "Jazz Lovers",
	      "case-insensitive substring");
	FOUND(fx, &carol, "azz", 0, NULL, NULL, "Jazz Lovers",
	      "substring and not business");
	FOUND(fx, &carol, "azz", 1, NULL, NULL, "Jazzy Traders",
	      "substring and business");
	FOUND(fx, &carol, "z lo", -1, NULL, "fr", "Jazz Lovers",
	      "a substring across a space");
	FOUND(fx, &carol, "acme", -1, NULL, "fr", "",
	      "the name matches, the language does not");
	FOUND(fx, &carol, "zzz", -1, NULL, "fr", "", "no match");
}

static void activity_sector_language(struct fixture *fx)
{
	struct store_caller carol;

	directory(fx);
	carol = fx_account(fx, "carol", NULL);
	FOUND(fx, &carol, NULL, 1, "retail", NULL, "Acme Sales",
	      "business and sector, sector in another case");
	FOUND(fx, &carol, NULL, 1, NULL, "fr", "Jazzy Traders",
	      "business and language");
	FOUND(fx, &carol, NULL, 0, NULL, "fr",
	      "Caf\xc3\xa9 du coin, Jazz Lovers", "not business and language");
	FOUND(fx, &carol, NULL, -1, "Finance", "fr", "Jazzy Traders",
	      "sector and language");
	FOUND(fx, &carol, NULL, 0, NULL, "en", "", "nothing matches both");
}

static void results(struct fixture *fx)
{
	struct store_caller carol;
	struct store_search q = {"Acme", 1, NULL, NULL};
	struct store_group *g = NULL;
	size_t n = 0;

	directory(fx);
	carol = fx_account(fx, "carol", NULL);
	succeeds(fx, store_group_search(fx->st, &carol, &q, &g, &n),
		 "search Acme, business");
	ok(n == 1 && !strcmp(g[0].name, "Acme Sales"), "one group");
	if (n == 1) {
		is_str(g[0].admin_email, "boss@example.org",
		       "a closed published group shows its admin's email");
		is_int(g[0].role, STORE_ROLE_NONE, "carol is no member");
		is_int(g[0].invitations, -1, "no invitation count for her");
		is_str(g[0].settings.sector, "Retail", "its sector");
		is_str(g[0].settings.language, "en", "its language");
	}
	free(g);
}

static void never_private(struct fixture *fx)
{
	struct store_caller boss = directory(fx);
	struct store_group_settings s;

	/* The administrator of the private groups searches. */
	FOUND(fx, &boss, "Jazz", -1, NULL, "fr", "Jazz Lovers, Jazzy Traders",
	      "a private group never appears, even to its administrator");
	FOUND(fx, &boss, "Acme", 1, "Retail", "en", "Acme Sales",
	      "a private business group never appears");
	FOUND(fx, &fx->op, "Acme", 1, "Retail", "en", "Acme Sales",
	      "nor to the operator");

	memset(&s, 0, sizeof(s));
	succeeds(fx,
		 store_group_edit(fx->st, &boss, "Jazz Lovers", &s,
				  STORE_GROUP_PUBLISHED),
		 "unpublish Jazz Lovers");
	FOUND(fx, &boss, "Jazz", -1, NULL, "fr", "Jazzy Traders",
	      "an unpublished group leaves the directory");
	s.published = true;
	succeeds(fx,
		 store_group_edit(fx->st, &boss, "Jazz Club Secret", &s,
				  STORE_GROUP_PUBLISHED),
		 "publish Jazz Club Secret");
	FOUND(fx, &boss, "Jazz", -1, NULL, "fr",
	      "Jazz Club Secret, Jazzy Traders",
	      "a published group enters the directory");
}

int main(void)
{
	fx_run("at least two criteria", one_criterion);
	fx_run("at least three characters of name", name_length);
	fx_run("name: case-insensitive substring", substring);
	fx_run("activity, sector, language", activity_sector_language);
	fx_run("what a result shows", results);
	fx_run("private groups never appear", never_private);
	return done_testing();
}
