// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of hostile group names: invisible and format characters,
 * spaces other than the plain one and control characters are refused,
 * each with a message naming its rule; compatibility and look-alike forms
 * (fullwidth, mathematical, circled letters, Cyrillic and Greek letters
 * drawn like Latin ones) fold to one key, so they collide with an existing
 * name (and with "Private").  Then a seeded fuzz of names through the API:
 * whatever is accepted can be read back exactly, shows no invisible or
 * control character, and never takes the key of another group.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const struct store_group_settings nosettings;

static void refused_names(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	const struct {
		const char *name, *kw;
	} bad[] = {
		{"Sales\xe2\x80\x8b", "invisible"},	    /* ZWSP */
		{"Sa\xe2\x80\x8cles", "invisible"},	    /* ZWNJ */
		{"Sa\xe2\x80\x8dles", "invisible"},	    /* ZWJ */
		{"\xe2\x80\xaeSales", "invisible"},	    /* RLO */
		{"Sa\xe2\x80\xaales", "invisible"},	    /* LRE */
		{"Sa\xe2\x81\xa6les", "invisible"},	    /* LRI */
		{"Sa\xe2\x80\x8eles", "invisible"},	    /* LRM */
		{"\xef\xbb\xbfSales", "invisible"},	    /* BOM */
		{"Sa\xc2\xadles", "invisible"},		    /* soft hyphen */
		{"Sa\xe2\x81\xa0les", "invisible"},	    /* word joiner */
		{"Sales\xc2\xa0", "space"},		    /* trailing NBSP */
		{"Sa\xc2\xa0les", "space"},		    /* NBSP */
		{"Sa\xe3\x80\x80les", "space"},		    /* ideographic */
		{"Sa\xe2\x80\x83les", "space"},		    /* em space */
		{"Sa\xe2\x80\xafles", "space"},		    /* narrow NBSP */
		{"Sa\xe2\x80\xa8les", "space|line"},	    /* line separator */
		{"Sales\n", "control"},
		{"Sa\tles", "control"},
		{"Sa\x1b[31mles", "control"},
		{"Sa\xc2\x85les", "control"},		    /* NEL (C1) */
		{"Sa\x7fles", "control"},
		{"\xef\xbc\xb0\xef\xbc\xb2\xef\xbc\xa9\xef\xbc\xb6\xef\xbc\xa1"
		 "\xef\xbc\xb4\xef\xbc\xa5",
		 "Private"}, /* fullwidth PRIVATE */
		{"\xf0\x9d\x90\x8f\xf0\x9d\x90\x91\xf0\x9d\x90\x88\xf0\x9d\x90"
		 "\x95\xf0\x9d\x90\x80\xf0\x9d\x90\x93\xf0\x9d\x90\x84",
		 "Private"}, /* mathematical bold PRIVATE */
		{"\xd0\xa0rivate", "Private"}, /* Cyrillic Er */
		{"Pr\xce\xb9vate", "Private"}, /* Greek iota */
	};
	int64_t id;
	size_t i;
	char *snap;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snap = fx_snapshot(fx);
		refused(fx,
			store_group_create(fx->st, &alice, bad[i].name,
					   &nosettings, 0, &id),
			-EINVAL, bad[i].kw, "hostile group name %zu is refused",
			i);
		ok(!strpbrk(store_errmsg(fx->st), "\n\t\x1b\x7f") &&
			   !strstr(store_errmsg(fx->st), "\xe2\x80\xae") &&
			   !strstr(store_errmsg(fx->st), "\xc2\x85"),
		   "the refusal of name %zu shows it escaped", i);
		unchanged(fx, snap, "the refused name changed nothing");
	}
}

static void lookalikes_collide(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_caller bob = fx_account(fx, "bob", FX_BIG);
	struct store_group g;
	const char *const same[] = {
		"\xef\xbc\xb3\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x85\xef\xbd\x93",
		/* fullwidth Sales */
		"\xf0\x9d\x90\x92\xf0\x9d\x90\x9a\xf0\x9d\x90\xa5\xf0\x9d\x90"
		"\x9e\xf0\x9d\x90\xac", /* mathematical bold Sales */
		"\xe2\x93\x88\xe2\x93\x90\xe2\x93\x9b\xe2\x93\x94\xe2\x93\xa2",
		/* circled Sales */
		"\xd0\x85\xd0\xb0l\xd0\xb5\xd1\x95", /* Cyrillic DZE a ie dze */
		"S\xce\xb1l\xce\xb5s",		     /* Greek alpha, epsilon */
		"SALES",
	};
	int64_t id;
	size_t i;
	char *snap;

	fx_group(fx, &alice, "Sales", 0);
	fx_group(fx, &alice, "Caf\xc3\xa9 \xe2\x98\x95", 0);
	fx_group(fx, &alice, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0);
	fx_group(fx, &alice, "\xe2\x9d\xa4\xef\xb8\x8f Team", 0); /* VS16 */
	snap = fx_snapshot(fx);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		refused(fx,
			store_group_create(fx->st, &bob, same[i], &nosettings,
					   0, &id),
			-EEXIST, "taken", "look-alike %zu of Sales collides",
			i);
	refused(fx,
		store_group_create(fx->st, &bob, "\xe2\x9d\xa4 Team",
				   &nosettings, 0, &id),
		-EEXIST, "taken",
		"a name that differs by a variation selector collides");
	unchanged(fx, snap, "the look-alikes changed nothing");
	if (succeeds(fx,
		     store_group_get(fx->st, &alice,
				     "\xef\xbc\xb3\xef\xbd\x81\xef\xbd\x8c"
				     "\xef\xbd\x85\xef\xbd\x93",
				     &g),
		     "the fullwidth form finds the group"))
		is_str(g.name, "Sales", "under its own name");
}

/* A small deterministic generator (xorshift64*): the same names on every
 * run, so a failure can be replayed. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ULL;
}

static const char *const pieces[] = {
	"a", "Z", " ", ".", "/", "-", "\n", "\t", "\x1b", "\x7f", "\xff",
	"\xc3", "\xc3\xa9", "\xc2\xa0", "\xc2\xad", "\xc2\x85",
	"\xe2\x80\x8b", "\xe2\x80\xae", "\xe2\x81\xa6", "\xef\xbb\xbf",
	"\xef\xbc\xa1", "\xef\xbd\x81", "\xf0\x9d\x90\x80", "\xd0\xb0",
	"\xce\xb1", "\xe3\x80\x80", "\xe6\x97\xa5", "\xf0\x9f\x8e\xb5",
	"\xef\xb8\x8f", "\xed\xa0\x80", "\xf4\x90\x80\x80", "%s", "'",
	"Private", "private",
};

/* No byte or character a name must not show. */
static bool clean_name(const char *s)
{
	static const char *const never[] = {
		"\n", "\t", "\x1b", "\x7f", "\xc2\xa0", "\xc2\xad", "\xc2\x85",
		"\xe2\x80\x8b", "\xe2\x80\xae", "\xe2\x81\xa6", "\xef\xbb\xbf",
		"\xe3\x80\x80", "\xed\xa0\x80", "/",
	};
	size_t i;

	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (strstr(s, never[i]))
			return false;
	return s[0] && s[0] != '.' && s[0] != ' ' && s[strlen(s) - 1] != ' ';
}

static void fuzz_names(struct fixture *fx)
{
	struct store_caller alice = fx_account(fx, "alice", FX_BIG);
	struct store_group g;
	unsigned accepted = 0, refused_n = 0, bad = 0, i;
	char name[512];
	int64_t id;
	int rc;

	for (i = 0; i < 3000; i++) {
		size_t len = 0, k, n = 1 + rnd() % 12;

		for (k = 0; k < n; k++) {
			const char *p = pieces[rnd() % (sizeof(pieces) /
							sizeof(pieces[0]))];

			if (len + strlen(p) >= sizeof(name))
				break;
			memcpy(name + len, p, strlen(p));
			len += strlen(p);
		}
		name[len] = '\0';
		rc = store_group_create(fx->st, &alice, name, &nosettings, 0,
					&id);
		if (rc == 0) {
			accepted++;
			if (!clean_name(name) ||
			    store_group_get(fx->st, &alice, name, &g) != 0 ||
			    strcmp(g.name, name) != 0) {
				bad++;
				diag("accepted but wrong: case %u", i);
			}
			store_group_delete(fx->st, &alice, name);
		} else if (rc == -EINVAL || rc == -EEXIST) {
			refused_n++;
			if (!store_errmsg(fx->st)[0] ||
			    strpbrk(store_errmsg(fx->st), "\n\t\x1b\x7f")) {
				bad++;
				diag("refusal %u has no message or a raw "
				     "control character",
				     i);
			}
		} else {
			bad++;
			diag("case %u: unexpected %s (%s)", i,
			     tap_errno_name(-rc), store_errmsg(fx->st));
		}
	}
	diag("%u names accepted, %u refused", accepted, refused_n);
	ok(accepted > 50 && refused_n > 50, "the fuzz tried both kinds");
	is_int(bad, 0, "every fuzzed name was handled by the rules");
}

int main(void)
{
	fx_run("invisible, space and control characters", refused_names);
	fx_run("look-alike names collide", lookalikes_collide);
	fx_run("fuzzed group names", fuzz_names);
	return done_testing();
}
