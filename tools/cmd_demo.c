// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl demo: a new store filled with the example company of the groups
 * FAQ ("Simple groups example"): a joinery with a director, a secretary,
 * three salespeople and five workers, an all-staff group, a sales group, a
 * production group and a group for the director and the secretary, the
 * secretary co-administrator where she helps run things, a few rights, a
 * calendar share, a few invitations still pending, some folders and files
 * in the groups' documents, events in the Staff and Production calendars
 * and the director's personal one, and customers in the Sales contacts.
 *
 * Everything goes through the public API exactly as groupctl commands
 * would: the operator adds the accounts, then each person acts as
 * themself (a caller with their account id), so every rule of the backend
 * applies to the demo too.  --force replaces a store only when it is
 * recognisably a previous demo store; any other store is left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "groupctl.h"

#define DEMO_ORG    "Lambert & Fils Menuiserie"
#define DEMO_DOMAIN "lambert-menuiserie.fr"

enum person {
	DIRECTOR,
	SECRETARY,
	SALES1,
	SALES2,
	SALES3,
	WORKER1,
	WORKER2,
	WORKER3,
	WORKER4,
	WORKER5,
	ACCOUNTANT, /* outside the company */
	NPEOPLE
};

static const struct {
	const char *username, *first, *last, *org, *email;
} people[NPEOPLE] = {
	[DIRECTOR] = {"claire.lambert", "Claire", "Lambert", DEMO_ORG,
		      "claire.lambert@" DEMO_DOMAIN},
	[SECRETARY] = {"nathalie.girard", "Nathalie", "Girard", DEMO_ORG,
		       "nathalie.girard@" DEMO_DOMAIN},
	[SALES1] = {"thomas.dubois", "Thomas", "Dubois", DEMO_ORG,
		    "thomas.dubois@" DEMO_DOMAIN},
	[SALES2] = {"camille.laurent", "Camille", "Laurent", DEMO_ORG,
		    "camille.laurent@" DEMO_DOMAIN},
	[SALES3] = {"antoine.mercier", "Antoine", "Mercier", DEMO_ORG,
		    "antoine.mercier@" DEMO_DOMAIN},
	[WORKER1] = {"marc.petit", "Marc", "Petit", DEMO_ORG,
		     "marc.petit@" DEMO_DOMAIN},
	[WORKER2] = {"luc.fontaine", "Luc", "Fontaine", DEMO_ORG,
		     "luc.fontaine@" DEMO_DOMAIN},
	[WORKER3] = {"karim.benali", "Karim", "Benali", DEMO_ORG,
		     "karim.benali@" DEMO_DOMAIN},
	[WORKER4] = {"elodie.roux", "\xc3\x89lodie", "Roux", DEMO_ORG,
		     "elodie.roux@" DEMO_DOMAIN},
	[WORKER5] = {"hugo.lefebvre", "Hugo", "Lefebvre", DEMO_ORG,
		     "hugo.lefebvre@" DEMO_DOMAIN},
	[ACCOUNTANT] = {"pierre.garnier", "Pierre", "Garnier",
			"Garnier Expertise Comptable",
			"pierre.garnier@garnier-expertise.fr"},
};

#define END (-1)

/* The director administers every group; members[] join by invitation,
 * pending[] are invited but have not answered yet. */
static const struct demo_group {
	const char *name, *description;
	bool published;
	bool secretary_coadmin;
	int members[NPEOPLE];
	int pending[NPEOPLE];
} groups[] = {
	{"Staff",
	 "Everyone at Lambert & Fils: notices, holidays, safety rules and "
	 "the busy times of all.",
	 false,
	 true,
	 {SECRETARY, SALES1, SALES2, SALES3, WORKER1, WORKER2, WORKER3, WORKER4,
	  WORKER5, END},
	 {END}},
	{"Sales",
	 "Quotes, customer files and the sales calendar of Lambert & Fils "
	 "Menuiserie: made-to-measure doors, windows, stairs and kitchens.",
	 true,
	 true,
	 {SECRETARY, SALES1, SALES2, SALES3, END},
	 {END}},
	{"Production",
	 "Workshop planning, cutting lists, job sheets and the delivery "
	 "calendar.",
	 false,
	 true,
	 {SECRETARY, WORKER1, WORKER2, WORKER3, WORKER4, END},
	 {WORKER5, END}},
	{"Direction",
	 "The director and the secretary: accounts, payroll, contracts.",
	 false,
	 false,
	 {SECRETARY, END},
	 {ACCOUNTANT, END}},
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

/* What the director's plan must hold for the demo. */
#define DEMO_MIN_GROUPS	     4
#define DEMO_MIN_MEMBERS     12
#define DEMO_MIN_GROUP_BYTES (10LL << 30)

struct demo {
	struct store *st;
	struct store_caller op;
	struct store_caller as[NPEOPLE];
};

enum { DEMO_FORCE };

static const struct cmd_option demo_options[] = {
	[DEMO_FORCE] = {"force", NULL, "replace a previous demo store"},
	{NULL, NULL, NULL},
};

/* ---- replacing a previous demo ---------------------------------------- */

/* A demo store holds the demo's accounts and no other, as its operator
 * sees them: anyone else sees too little to tell. */
static int is_demo_store(struct store *st, bool *demo)
{
	struct store_account *accs = NULL;
	struct store_caller op;
	bool director = false;
	size_t n = 0, i, k;
	int rc;

	*demo = false;
	rc = store_caller_for_uid(st, getuid(), NULL, &op);
	if (rc < 0 || !op.operator)
		return rc;
	rc = store_account_list(st, &op, &accs, &n);
	if (rc < 0)
		return rc;
	*demo = true;
	for (i = 0; i < n; i++) {
		for (k = 0; k < NPEOPLE; k++)
			if (!strcmp(accs[i].username, people[k].username))
				break;
		if (k == NPEOPLE)
			*demo = false;
		if (k == DIRECTOR && !strcmp(accs[i].org, DEMO_ORG))
			director = true;
	}
	if (!director)
		*demo = false;
	free(accs);
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int type,
			struct FTW *ftw)
{
	if (ftw->level == 0) /* keep the directory itself */
		return 0;
	return remove(path) < 0 ? -1 : 0;
}

/* Make `dir` ready for store_init: refuse a store unless it is a previous
 * demo and --force was given, in which case empty it. */
static int prepare_dir(const char *dir, bool force)
{
	struct store *st = NULL;
	char err[512] = "";
	bool demo = false;
	int rc;

	rc = store_open(dir, 0, NULL, 0, &st, err, sizeof(err));
	if (rc < 0)
		return 0; /* no store there: store_init will judge the rest */
	rc = is_demo_store(st, &demo);
	store_close(st);
	if (rc < 0)
		return cmd_fail("%s: cannot tell what this store holds: %s",
				dir, strerror(-rc));
	if (!force)
		return cmd_fail("%s already holds a store%s", dir,
				demo ? " (use --force to replace this demo)"
				     : "");
	if (!demo)
		return cmd_fail("%s holds a store that is not a demo store: "
				"not replacing it",
				dir);
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return cmd_fail("%s: %s", dir, strerror(errno));
	return 0;
}

/* ---- filling the store ------------------------------------------------ */

static int ensure_director_plan(struct demo *d)
{
	struct store_plan p;
	unsigned mask = 0;
	int rc;

	rc = store_plan_get(d->st, "pro", &p);
	if (rc < 0) {
		memset(&p, 0, sizeof(p));
		strcpy(p.name, "pro");
		p.private_bytes = DEMO_MIN_GROUP_BYTES;
		mask = STORE_PLAN_PRIVATE_BYTES;
	}
	if (p.max_groups < DEMO_MIN_GROUPS) {
		p.max_groups = DEMO_MIN_GROUPS;
		mask |= STORE_PLAN_MAX_GROUPS;
	}
	if (p.max_members < DEMO_MIN_MEMBERS) {
		p.max_members = DEMO_MIN_MEMBERS;
		mask |= STORE_PLAN_MAX_MEMBERS;
	}
	if (p.group_bytes < (uint64_t)DEMO_MIN_GROUP_BYTES) {
		p.group_bytes = (uint64_t)DEMO_MIN_GROUP_BYTES;
		mask |= STORE_PLAN_GROUP_BYTES;
	}
	if (!mask)
		return 0;
	return store_plan_set(d->st, &d->op, &p, mask, NULL);
}

static int add_people(struct demo *d)
{
	struct store_account a;
	int64_t id;
	size_t i;
	int rc;

	for (i = 0; i < NPEOPLE; i++) {
		unsigned mask = STORE_ACCOUNT_FIRST | STORE_ACCOUNT_LAST |
				STORE_ACCOUNT_ORG | STORE_ACCOUNT_EMAIL;

		memset(&a, 0, sizeof(a));
		a.unix_uid = -1;
		strcpy(a.username, people[i].username);
		strcpy(a.first, people[i].first);
		strcpy(a.last, people[i].last);
		strcpy(a.org, people[i].org);
		strcpy(a.email, people[i].email);
		if (i == DIRECTOR) {
			strcpy(a.plan, "pro");
			mask |= STORE_ACCOUNT_PLAN;
		}
		rc = store_account_add(d->st, &d->op, &a, mask, NULL, 0, &id);
		if (rc < 0)
			return rc;
		d->as[i].account = id;
		d->as[i].operator= false;
	}
	return 0;
}

static int add_group(struct demo *d, const struct demo_group *g)
{
	const struct store_caller *boss = &d->as[DIRECTOR];
	struct store_group_settings s;
	unsigned mask;
	const int *p;
	int rc;

	memset(&s, 0, sizeof(s));
	snprintf(s.description, sizeof(s.description), "%s", g->description);
	s.business = true;
	strcpy(s.sector, "Carpentry");
	strcpy(s.language, "fr");
	s.published = g->published;
	s.members_published = g->published;
	mask = STORE_GROUP_DESCRIPTION | STORE_GROUP_BUSINESS |
	       STORE_GROUP_SECTOR | STORE_GROUP_LANGUAGE;
	if (g->published)
		mask |= STORE_GROUP_PUBLISHED | STORE_GROUP_MEMBERS_PUBLISHED;
	rc = store_group_create(d->st, boss, g->name, &s, mask, NULL);
	if (rc < 0)
		return rc;
	for (p = g->members; *p != END; p++) {
		rc = store_group_invite(d->st, boss, g->name,
					people[*p].username);
		if (rc < 0)
			return rc;
		rc = store_invitation_accept(d->st, &d->as[*p], g->name);
		if (rc < 0)
			return rc;
	}
	for (p = g->pending; *p != END; p++) {
		rc = store_group_invite(d->st, boss, g->name,
					people[*p].username);
		if (rc < 0)
			return rc;
	}
	if (g->secretary_coadmin)
		rc = store_group_set_coadmin(d->st, boss, g->name,
					     people[SECRETARY].username, true);
	return rc;
}

static int add_rights(struct demo *d)
{
	const struct store_caller *boss = &d->as[DIRECTOR];
	const char *foreman[] = {people[WORKER1].username};
	const char *secretary[] = {people[SECRETARY].username};
	int rc;

	/* Salespeople file their own quotes; the workshop keeps its own
	 * delivery calendar; the foreman may add job sheets. */
	rc = store_rights_set(d->st, boss, "Sales", "documents",
			      STORE_RIGHT_ADD, true, NULL, 0);
	if (rc == 0)
		rc = store_rights_set(d->st, boss, "Production", "calendar",
				      STORE_RIGHT_ADD, true, NULL, 0);
	if (rc == 0)
		rc = store_rights_set(d->st, boss, "Production", "documents",
				      STORE_RIGHT_ADD, false, foreman, 1);
	/* The secretary manages the director's calendar completely. */
	if (rc == 0)
		rc = store_share_calendar(d->st, boss, secretary, 1,
					  STORE_CAL_VIEW | STORE_CAL_ADD |
						  STORE_CAL_EDIT |
						  STORE_CAL_DELETE);
	return rc;
}

/* ---- content ---------------------------------------------------------- */

/* Folders in the groups' documents, made by the director. */
static const struct {
	const char *group, *name;
} folders[] = {
	{"Staff", "Notices"},	      {"Staff", "Holidays"},
	{"Sales", "Quotes"},	      {"Sales", "Customers"},
	{"Production", "Job sheets"}, {"Production", "Safety"},
	{"Direction", "Contracts"},   {"Direction", "Payroll"},
};

/* A few files, each added by someone allowed to. */
static const struct {
	enum person author;
	const char *group, *folder, *name, *text;
	bool all_edit; /* the author lets every member edit it */
} files[] = {
	{DIRECTOR, "Staff", "Notices", "welcome.txt",
	 "Welcome to the groups of Lambert & Fils Menuiserie.\n"
	 "Staff: everyone. Sales: quotes and customers. Production: the "
	 "workshop.\nNathalie helps run all three; ask her for access.\n",
	 false},
	{SALES1, "Sales", "Quotes", "price-list.txt",
	 "Oak door, made to measure: from 1450 EUR\n"
	 "Pine staircase, 14 steps: from 3900 EUR\n",
	 true},
	{WORKER1, "Production", "Job sheets", "2025-014-dupont-stairs.txt",
	 "Customer: Dupont. Pine staircase, 14 steps.\n"
	 "Cut: week 12. Fit: week 14.\n",
	 false},
};

/* The documents folder `name` of `group`, as `who` sees it. */
static int folder_ino(struct demo *d, enum person who, const char *group,
		      const char *name, uint64_t *ino)
{
	struct store_attr attr;
	uint64_t root;
	int rc;

	rc = store_tool_root(d->st, &d->as[who], group, STORE_TOOL_DOCUMENTS,
			     &root);
	if (rc == 0 && name)
		rc = store_fs_lookup(d->st, &d->as[who], root, name, &attr);
	if (rc == 0)
		*ino = name ? attr.ino : root;
	return rc;
}

static int add_file(struct demo *d, size_t k)
{
	const struct store_caller *c = &d->as[files[k].author];
	size_t len = strlen(files[k].text), done = 0;
	struct store_file *f = NULL;
	struct store_attr attr;
	char path[STORE_PATH_MAX];
	uint64_t dir;
	int rc, rc2;

	rc = folder_ino(d, files[k].author, files[k].group, files[k].folder,
			&dir);
	if (rc == 0)
		rc = store_fs_create(d->st, c, dir, files[k].name, 0644,
				     O_WRONLY | O_CREAT | O_EXCL, &attr, &f);
	if (rc < 0)
		return rc;
	rc = store_fs_write(d->st, f, 0, files[k].text, len, &done);
	if (rc == 0 && done != len)
		rc = -EIO;
	rc2 = store_fs_flush(d->st, f);
	store_fs_release(d->st, f, NULL);
	if (rc == 0)
		rc = rc2;
	if (rc == 0 && files[k].all_edit) {
		snprintf(path, sizeof(path), "documents/%s/%s", files[k].folder,
			 files[k].name);
		rc = store_editors_set(d->st, c, files[k].group, path, true,
				       NULL, 0);
	}
	return rc;
}

static int add_content(struct demo *d)
{
	struct store_attr attr;
	uint64_t root;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(folders) / sizeof(folders[0]) && rc == 0; i++) {
		rc = folder_ino(d, DIRECTOR, folders[i].group, NULL, &root);
		if (rc == 0)
			rc = store_fs_mkdir(d->st, &d->as[DIRECTOR], root,
					      folders[i].name, 0755, &attr);
	}
	/* Every worker may add job sheets (the tool says: the foreman). */
	if (rc == 0)
		rc = store_rights_set(d->st, &d->as[DIRECTOR], "Production",
				      "documents/Job sheets", STORE_RIGHT_ADD,
				      true, NULL, 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]) && rc == 0; i++)
		rc = add_file(d, i);
	return rc;
}

/* ---- calendars and contacts ------------------------------------------- */

/*
 * Events are placed around the day the demo is made, so that "calendar
 * list" (today and the next 30 days) and busy.ics (30 days back to a year
 * ahead) always show something.  Times are in Europe/Brussels, with its
 * VTIMEZONE in each item as RFC 5545 wants; UIDs are random.
 */
#define PIM_DOMAIN  "lambert-menuiserie.example"
#define TZ_BRUSSELS "Europe/Brussels"
#define ICS_MAX	    8192

static const char ics_head[] =
	"BEGIN:VCALENDAR\r\n"
	"VERSION:2.0\r\n"
	"PRODID:-//Lambert & Fils Menuiserie//groupctl demo//EN\r\n"
	"CALSCALE:GREGORIAN\r\n"
	"BEGIN:VTIMEZONE\r\n"
	"TZID:" TZ_BRUSSELS "\r\n"
	"BEGIN:DAYLIGHT\r\n"
	"TZOFFSETFROM:+0100\r\n"
	"TZOFFSETTO:+0200\r\n"
	"TZNAME:CEST\r\n"
	"DTSTART:19700329T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
	"END:DAYLIGHT\r\n"
	"BEGIN:STANDARD\r\n"
	"TZOFFSETFROM:+0200\r\n"
	"TZOFFSETTO:+0100\r\n"
	"TZNAME:CET\r\n"
	"DTSTART:19701025T030000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
	"END:STANDARD\r\n"
	"END:VTIMEZONE\r\n";

struct pim_days {
	int64_t today;	/* days since the epoch (UTC) */
	int64_t monday; /* the Monday of this week */
	char stamp[17]; /* DTSTAMP / REV: now, UTC */
};

/* YYYYMMDD of day `day` (days since the epoch). */
static void ymd(int64_t day, char out[9])
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 9, "%Y%m%d", &tm);
}

/* The Monday of the company holiday, two weeks after this one. */
#define HOLIDAY(p) ((p)->monday + 14)

/* The same day, or the next working day when it falls on a weekend or
 * on the company holiday. */
static int64_t workday(const struct pim_days *p, int64_t day)
{
	for (;;) {
		int wd = (int)((day + 4) % 7); /* 1970-01-01: a Thursday */

		if (wd != 6 && wd != 0 && day != HOLIDAY(p))
			return day;
		day++;
	}
}

static void pim_days_init(struct pim_days *p)
{
	time_t now = time(NULL);
	struct tm tm;

	p->today = (int64_t)now / 86400;
	p->monday = p->today - (p->today + 3) % 7;
	gmtime_r(&now, &tm);
	strftime(p->stamp, sizeof(p->stamp), "%Y%m%dT%H%M%SZ", &tm);
}

/* A fresh UID: 16 random hex digits at the demo's domain. */
static int new_uid(char *out, size_t len)
{
	unsigned char rnd[8];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(out + 2 * i, len - 2 * i, "%02x", rnd[i]);
	snprintf(out + 16, len - 16, "@" PIM_DOMAIN);
	return 0;
}

/* Store `text` as UID.ics / UID.vcf in the folder `w`, as `who`. */
static int demo_put(struct demo *d, enum person who,
		    const struct store_pim_where *w, const char *uid,
		    const char *text, int len)
{
	char name[128];

	if (len < 0 || len >= ICS_MAX)
		return -EOVERFLOW;
	snprintf(name, sizeof(name), "%s%s", uid,
		 w->tool == STORE_TOOL_CALENDAR ? ".ics" : ".vcf");
	return store_pim_put(d->st, &d->as[who], w, name, text, (size_t)len);
}

/* One event with its own VCALENDAR: `lines` are its properties after
 * UID and DTSTAMP, CRLF-ended; times are TZ_BRUSSELS. */
static int demo_event(struct demo *d, enum person who, const char *group,
		      const char *owner, const char *summary, int64_t day,
		      const char *start, const char *end, const char *lines)
{
	struct store_pim_where w = {group, owner, STORE_TOOL_CALENDAR};
	struct pim_days p;
	char buf[ICS_MAX], uid[64], date[9];
	int rc, len;

	pim_days_init(&p);
	rc = new_uid(uid, sizeof(uid));
	if (rc < 0)
		return rc;
	ymd(day, date);
	len = snprintf(buf, sizeof(buf),
		       "%sBEGIN:VEVENT\r\n"
		       "UID:%s\r\n"
		       "DTSTAMP:%s\r\n"
		       "SUMMARY:%s\r\n"
		       "DTSTART;TZID=" TZ_BRUSSELS ":%sT%s00\r\n"
		       "DTEND;TZID=" TZ_BRUSSELS ":%sT%s00\r\n"
		       "%s"
		       "END:VEVENT\r\n"
		       "END:VCALENDAR\r\n",
		       ics_head, uid, p.stamp, summary, date, start, date, end,
		       lines);
	return demo_put(d, who, &w, uid, buf, len);
}

/* Staff: the weekly team meeting (one Monday off for the company
 * holiday, one moved to Tuesday) and the holiday itself. */
static int demo_staff_calendar(struct demo *d, const struct pim_days *p)
{
	struct store_pim_where w = {"Staff", NULL, STORE_TOOL_CALENDAR};
	char buf[ICS_MAX], uid[64], first[9], off[9], after[9], moved[9],
		tuesday[9];
	int rc, len;

	ymd(p->monday - 8 * 7, first);
	ymd(HOLIDAY(p), off);
	ymd(HOLIDAY(p) + 1, after);
	ymd(p->monday + 7, moved);
	ymd(p->monday + 8, tuesday);
	rc = new_uid(uid, sizeof(uid));
	if (rc < 0)
		return rc;
	len = snprintf(
		buf, sizeof(buf),
		"%sBEGIN:VEVENT\r\n"
		"UID:%s\r\n"
		"DTSTAMP:%s\r\n"
		"SUMMARY:Weekly team meeting\r\n"
		"DESCRIPTION:The week's jobs\\, deliveries and safety points."
		"\\nCoffee is on\r\n"
		"  the house.\r\n"
		"LOCATION:Meeting room\\, main office\r\n"
		"ORGANIZER;CN=Claire Lambert:mailto:claire.lambert@" DEMO_DOMAIN
		"\r\n"
		"DTSTART;TZID=" TZ_BRUSSELS ":%sT083000\r\n"
		"DTEND;TZID=" TZ_BRUSSELS ":%sT090000\r\n"
		"RRULE:FREQ=WEEKLY;BYDAY=MO\r\n"
		"EXDATE;TZID=" TZ_BRUSSELS ":%sT083000\r\n"
		"END:VEVENT\r\n"
		"BEGIN:VEVENT\r\n"
		"UID:%s\r\n"
		"DTSTAMP:%s\r\n"
		"RECURRENCE-ID;TZID=" TZ_BRUSSELS ":%sT083000\r\n"
		"SUMMARY:Weekly team meeting (moved to Tuesday)\r\n"
		"LOCATION:Meeting room\\, main office\r\n"
		"DTSTART;TZID=" TZ_BRUSSELS ":%sT083000\r\n"
		"DTEND;TZID=" TZ_BRUSSELS ":%sT090000\r\n"
		"END:VEVENT\r\n"
		"END:VCALENDAR\r\n",
		ics_head, uid, p->stamp, first, first, off, uid, p->stamp,
		moved, tuesday, tuesday);
	rc = demo_put(d, DIRECTOR, &w, uid, buf, len);
	if (rc == 0)
		rc = new_uid(uid, sizeof(uid));
	if (rc < 0)
		return rc;
	len = snprintf(buf, sizeof(buf),
		       "BEGIN:VCALENDAR\r\n"
		       "VERSION:2.0\r\n"
		       "PRODID:-//Lambert & Fils Menuiserie//groupctl demo//EN"
		       "\r\n"
		       "BEGIN:VEVENT\r\n"
		       "UID:%s\r\n"
		       "DTSTAMP:%s\r\n"
		       "SUMMARY:Company holiday: office and workshop closed\r\n"
		       "DTSTART;VALUE=DATE:%s\r\n"
		       "DTEND;VALUE=DATE:%s\r\n"
		       "TRANSP:TRANSPARENT\r\n"
		       "CATEGORIES:HOLIDAY\r\n"
		       "END:VEVENT\r\n"
		       "END:VCALENDAR\r\n",
		       uid, p->stamp, off, after);
	rc = demo_put(d, DIRECTOR, &w, uid, buf, len);
	if (rc == 0)
		rc = demo_event(d, SECRETARY, "Staff", NULL,
				"End-of-quarter staff lunch", p->monday + 18,
				"1200", "1400",
				"LOCATION:Restaurant Le Ch\xc3\xaane\\, "
				"place de la Gare\r\n");
	return rc;
}

static int demo_calendars(struct demo *d)
{
	const char *boss = people[DIRECTOR].username;
	struct pim_days p;
	int rc;

	pim_days_init(&p);
	rc = demo_staff_calendar(d, &p);
	/* The workshop plans its own calendar (all members may add). */
	if (rc == 0)
		rc = demo_event(
			d, WORKER1, "Production", NULL,
			"Safety training: woodworking machines and dust "
			"extraction",
			p.monday + 10, "1330", "1700",
			"LOCATION:Workshop\r\n"
			"DESCRIPTION:Mandatory for everyone in the "
			"workshop. Bring your protective\r\n"
			"  equipment.\r\n");
	if (rc == 0)
		rc = demo_event(d, WORKER1, "Production", NULL,
				"Delivery and fitting: Dupont staircase",
				workday(&p, p.monday + 9), "0730", "1200",
				"LOCATION:12 rue des Tilleuls\\, Marcq\r\n");
	/* The director's own calendar: what her busy times show. */
	if (rc == 0)
		rc = demo_event(d, DIRECTOR, NULL, NULL,
				"Bank: credit line for the new CNC machine",
				workday(&p, p.today + 2), "1000", "1100",
				"LOCATION:Banque du Nord\\, Grand-Place\r\n");
	if (rc == 0)
		rc = demo_event(d, DIRECTOR, NULL, NULL,
				"Site visit: Dupont staircase",
				workday(&p, p.today + 6), "1400", "1530",
				"LOCATION:12 rue des Tilleuls\\, Marcq\r\n");
	if (rc == 0)
		rc = demo_event(d, DIRECTOR, NULL, NULL,
				"Lunch with the timber supplier",
				workday(&p, p.today + 3), "1230", "1400",
				"STATUS:TENTATIVE\r\n");
	if (rc == 0)
		rc = demo_event(d, DIRECTOR, NULL, NULL, "Dentist",
				workday(&p, p.today + 4), "1730", "1815",
				"CLASS:PRIVATE\r\n"
				"TRANSP:OPAQUE\r\n");
	/* The secretary manages the director's calendar. */
	if (rc == 0)
		rc = demo_event(d, SECRETARY, NULL, boss,
				"Call with Pierre Garnier: annual accounts",
				workday(&p, p.today + 1), "1100", "1130",
				"DESCRIPTION:Nathalie booked it.\r\n");
	return rc;
}

/* Customers in the Sales contacts, added by the secretary. */
static const struct {
	const char *fn, *n, *org, *title, *email, *tel, *adr, *note;
} customers[] = {
	{"Jean Dupont", "Dupont;Jean;;M.;", NULL, NULL,
	 "jean.dupont@dupont-famille.example", "+33 1 99 00 12 01",
	 ";;12 rue des Tilleuls;Marcq;;59700;France",
	 "Pine staircase\\, 14 steps (job 2025-014)."},
	{"Martine Leclerc", "Leclerc;Martine;;Mme;", "Leclerc Immobilier",
	 "Property manager", "m.leclerc@leclerc-immobilier.example",
	 "+33 1 99 00 12 02", ";;3 boulevard Carnot;Lille;;59000;France",
	 "Windows for the Carnot building: 38 units\\, quote in May."},
	{"Sophie Moreau", "Moreau;Sophie;;;", "Atelier Moreau Architectes",
	 "Architect", "sophie.moreau@atelier-moreau.example",
	 "+33 1 99 00 12 03", ";;27 rue Esquermoise;Lille;;59800;France",
	 "Sends us her kitchen and library projects."},
	{"Bernard Lef\xc3\xa8vre", "Lef\xc3\xa8vre;Bernard;;M.;",
	 "H\xc3\xb4tel du Parc", "Director", "direction@hotel-du-parc.example",
	 "+33 1 99 00 12 04", ";;1 avenue du Parc;Roubaix;;59100;France",
	 "Oak doors for 24 rooms: quote sent."},
};

static int demo_contacts(struct demo *d)
{
	struct store_pim_where w = {"Sales", NULL, STORE_TOOL_CONTACTS};
	char buf[ICS_MAX], uid[64], org[160], title[160];
	struct pim_days p;
	size_t i;
	int rc = 0, len;

	pim_days_init(&p);
	for (i = 0; i < sizeof(customers) / sizeof(customers[0]) && rc == 0;
	     i++) {
		org[0] = title[0] = '\0';
		if (customers[i].org)
			snprintf(org, sizeof(org), "ORG:%s\r\n",
				 customers[i].org);
		if (customers[i].title)
			snprintf(title, sizeof(title), "TITLE:%s\r\n",
				 customers[i].title);
		rc = new_uid(uid, sizeof(uid));
		if (rc < 0)
			break;
		len = snprintf(buf, sizeof(buf),
			       "BEGIN:VCARD\r\n"
			       "VERSION:3.0\r\n"
			       "UID:%s\r\n"
			       "FN:%s\r\n"
			       "N:%s\r\n"
			       "%s%s"
			       "EMAIL;TYPE=INTERNET,WORK:%s\r\n"
			       "TEL;TYPE=WORK,VOICE:%s\r\n"
			       "ADR;TYPE=WORK:%s\r\n"
			       "NOTE:%s\r\n"
			       "CATEGORIES:Customer\r\n"
			       "REV:%s\r\n"
			       "END:VCARD\r\n",
			       uid, customers[i].fn, customers[i].n, org, title,
			       customers[i].email, customers[i].tel,
			       customers[i].adr, customers[i].note, p.stamp);
		rc = demo_put(d, SECRETARY, &w, uid, buf, len);
	}
	return rc;
}

/* ---- the summary ------------------------------------------------------ */

static int print_group(struct demo *d, const char *name, struct cmd_json *j)
{
	const struct store_caller *boss = &d->as[DIRECTOR];
	struct store_invitation *v = NULL;
	struct store_member *m = NULL;
	size_t nm = 0, nv = 0, i;
	struct cmd_table t;
	int rc;

	rc = store_group_members(d->st, boss, name, &m, &nm);
	if (rc == 0)
		rc = store_group_invitations(d->st, boss, name, &v, &nv);
	if (rc < 0)
		goto free_lists;
	if (j) {
		cmd_json_object(j, NULL);
		cmd_json_string(j, "name", name);
		cmd_json_array(j, "members");
		for (i = 0; i < nm; i++) {
			cmd_json_object(j, NULL);
			cmd_json_string(j, "username", m[i].username);
			cmd_json_string(j, "role", store_role_name(m[i].role));
			cmd_json_end_object(j);
		}
		cmd_json_end_array(j);
		cmd_json_array(j, "pending");
		for (i = 0; i < nv; i++)
			cmd_json_string(j, NULL, v[i].username);
		cmd_json_end_array(j);
		cmd_json_end_object(j);
		goto free_lists;
	}
	printf("\n%s: %zu members", name, nm);
	for (i = 0; i < nv; i++)
		printf("%s%s", i ? ", " : "; invited, not yet answered: ",
		       v[i].username);
	putchar('\n');
	cmd_table_init(&t, 3, "  USERNAME", "ROLE", "NAME");
	for (i = 0; i < nm; i++) {
		char user[STORE_USERNAME_MAX + 3];
		char full[2 * STORE_TEXT_MAX + 2];

		snprintf(user, sizeof(user), "  %s", m[i].username);
		snprintf(full, sizeof(full), "%s %s", m[i].first, m[i].last);
		cmd_table_row(&t, user, store_role_name(m[i].role), full);
	}
	if (cmd_table_flush(&t) != CMD_OK)
		rc = -ENOMEM;
free_lists:
	free(m);
	free(v);
	return rc;
}

static int print_summary(struct demo *d, const char *dir, bool json)
{
	struct cmd_json j;
	size_t i;
	int rc = 0;

	if (json) {
		cmd_json_init(&j, stdout);
		cmd_json_object(&j, NULL);
		cmd_json_string(&j, "store", dir);
		cmd_json_array(&j, "groups");
	} else {
		printf("demo store created in %s\n", dir);
	}
	for (i = 0; i < NGROUPS && rc == 0; i++)
		rc = print_group(d, groups[i].name, json ? &j : NULL);
	if (json) {
		cmd_json_end_array(&j);
		cmd_json_end_object(&j);
		cmd_json_finish(&j);
	} else if (rc == 0) {
		printf("\nTry: groupctl --store %s --as %s group list\n"
		       "     groupctl --store %s --as %s calendar list Staff\n",
		       dir, people[DIRECTOR].username, dir,
		       people[DIRECTOR].username);
	}
	return rc;
}

static int run_demo(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *dir = a->npos ? a->pos[0] : ctx->store_dir;
	struct demo d = {0};
	char err[512] = "";
	int status = CMD_OK, rc;
	size_t i;

	status = prepare_dir(dir, a->opt[DEMO_FORCE] != NULL);
	if (status != CMD_OK)
		return status;
	if (cmd_make_parents(dir) < 0)
		return CMD_REFUSED;
	rc = store_init(dir, NULL, 0, NULL, NULL, err, sizeof(err));
	if (rc == 0)
		rc = store_open(dir, STORE_OPEN_KEY, NULL, 0, &d.st, err,
				sizeof(err));
	if (rc < 0)
		return cmd_fail("%s", err[0] ? err : strerror(-rc));
	ctx->st = d.st;
	rc = store_caller_for_uid(d.st, getuid(), NULL, &d.op);
	if (rc == 0)
		rc = ensure_director_plan(&d);
	if (rc == 0)
		rc = add_people(&d);
	for (i = 0; i < NGROUPS && rc == 0; i++)
		rc = add_group(&d, &groups[i]);
	if (rc == 0)
		rc = add_rights(&d);
	if (rc == 0)
		rc = add_content(&d);
	if (rc == 0)
		rc = demo_calendars(&d);
	if (rc == 0)
		rc = demo_contacts(&d);
	if (rc == 0)
		rc = print_summary(&d, dir, ctx->json);
	if (rc < 0)
		status = cmd_refused(ctx, rc);
	store_close(d.st);
	ctx->st = NULL;
	return status;
}

const struct cmd cmd_demo_commands[] = {
	{
		.noun = "demo",
		.synopsis = "[DIR] [--force]",
		.summary = "create a store filled with an example company",
		.help = "Creates a store in DIR (default: the store directory) "
			"holding the example of the groups FAQ: Lambert & Fils "
			"Menuiserie, a joinery with a director, a secretary, "
			"three salespeople and five workers; the groups Staff, "
			"Sales, Production and Direction; an accountant from "
			"outside invited; a few folders and files; events in "
			"the Staff and Production calendars and in the "
			"director's personal calendar, around the day the "
			"demo is made; customers in the Sales contacts. "
			"Refused "
			"when DIR already holds a "
			"store; --force replaces a previous demo store (and "
			"only that). Then try: groupctl --store DIR --as "
			"claire.lambert group list",
		.options = demo_options,
		.max_args = 1,
		.flags = CMD_NEW_STORE,
		.run = run_demo,
	},
	{NULL},
};
