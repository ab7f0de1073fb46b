// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The members/ folder of a group: for each member, members/<u>/ with
 * card.vcf (their profile and role), photo.jpg or photo.png, busy.ics
 * (their free/busy from their personal calendar, no detail) and calendar/
 * (their personal calendar itself, for a co-member they granted rights).
 * These are nodes of their own, made when the member joins, so their inode
 * numbers are stable; their content is generated when read and is always
 * current.  busy.ics is cached per owner until their calendar changes.
 * The text of Private/invitations/GROUP.txt (invitations.c makes those
 * files) is generated here the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"
#include "pim.h"

#define DAY 86400
#define BUSY_CACHE 32

static const struct {
	const char *name;
	int gen;
	uint32_t mode;
} member_files[] = {
	{"card.vcf", GEN_CARD, S_IFREG | 0444},
	{"photo.jpg", GEN_PHOTO_JPG, S_IFREG | 0444},
	{"photo.png", GEN_PHOTO_PNG, S_IFREG | 0444},
	{"busy.ics", GEN_BUSY, S_IFREG | 0444},
	{"calendar", GEN_CALVIEW, S_IFDIR | 0755},
};

int members_ensure(struct store *st, int64_t space, int64_t account)
{
	char name[STORE_USERNAME_MAX + 1];
	int64_t dir, mdir, ino;
	size_t i;
	int rc;

	rc = account_name(st, account, name, sizeof(name));
	if (rc == 0)
		rc = meta_member_dir(st, space, &dir);
	if (rc)
		return rc;
	if (node_child(st, dir, name, &mdir) != 0) {
		rc = node_new(st, space, TOOL_MEMBERS, dir, name, S_IFDIR | 0555,
			      account, &mdir);
		if (rc == 0)
			rc = meta_member_mark(st, mdir, GEN_MEMBER);
		if (rc)
			return rc;
	}
	for (i = 0; i < ARRAY_SIZE(member_files); i++) {
		if (node_child(st, mdir, member_files[i].name, &ino) == 0)
			continue;
		rc = node_new(st, space, TOOL_MEMBERS, mdir,
			      member_files[i].name, member_files[i].mode,
			      account, &ino);
		if (rc == 0)
			rc = meta_member_mark(st, ino, member_files[i].gen);
		if (rc)
			return rc;
	}
	return 0;
}

/* Every membership gets its member folder (stores made before it had
 * them, or a crash in between). */
int members_ensure_all(struct store *st)
{
	struct meta_space_account *v;
	size_t n, i;
	int rc;

	rc = meta_member_missing(st, &v, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = members_ensure(st, v[i].space, v[i].account);
	free(v);
	return rc;
}

/* The owner's personal calendar folder behind a members/<u>/calendar. */
int members_calendar(struct store *st, const struct node_info *view,
		     struct node_info *real)
{
	int64_t root;
	int rc = meta_member_calendar(st, view->creator, &root);

	return rc ? rc : node_info(st, root, real);
}

/* ---- busy.ics ---- */

struct busy_entry {
	int64_t owner, day, stamp;
	char *data;
	size_t len;
	unsigned used;
};

static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static struct busy_entry busy_cache[BUSY_CACHE]; /* guarded by busy_lock */
static unsigned busy_clock;			 /* guarded by busy_lock */

/* What changes when the calendar does: its folder's and items' times. */
static int calendar_stamp(struct store *st, int64_t root, int64_t *stamp)
{
	struct meta_calendar_stamp m;
	int rc = meta_member_calendar_stamp(st, root, &m);

	if (rc)
		return rc;
	/* Unsigned: the mixing may wrap. */
	*stamp = (int64_t)((uint64_t)m.mtime ^ ((uint64_t)m.max_mtime * 3) ^
			   ((uint64_t)m.max_ctime * 7) ^ (uint64_t)m.count);
	return 0;
}

static bool busy_lookup(int64_t owner, int64_t day, int64_t stamp,
			char **data, size_t *len)
{
	bool hit = false;
	size_t i;

	pthread_mutex_lock(&busy_lock);
	for (i = 0; i < BUSY_CACHE; i++) {
		struct busy_entry *e = &busy_cache[i];

		if (e->data && e->owner == owner && e->day == day &&
		    e->stamp == stamp) {
			*data = malloc(e->len ? e->len : 1);
			if (*data) {
				memcpy(*data, e->data, e->len);
				*len = e->len;
				e->used = ++busy_clock;
				hit = true;
			}
			break;
		}
	}
	pthread_mutex_unlock(&busy_lock);
	return hit;
}

static void busy_store(int64_t owner, int64_t day, int64_t stamp,
		       const char *data, size_t len)
{
	struct busy_entry *victim = &busy_cache[0];
	size_t i;
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return;
	memcpy(copy, data, len);
	pthread_mutex_lock(&busy_lock);
	for (i = 0; i < BUSY_CACHE; i++) {
		struct busy_entry *e = &busy_cache[i];

		if (e->owner == owner) {
			victim = e;
			break;
		}
		if (e->used < victim->used)
			victim = e;
	}
	free(victim->data);
	victim->owner = owner;
	victim->day = day;
	victim->stamp = stamp;
	victim->data = copy;
	victim->len = len;
	victim->used = ++busy_clock;
	pthread_mutex_unlock(&busy_lock);
}

/* What one busy.ics may cost at most, whatever its owner stored. */
#define BUSY_MAX_BYTES (64 << 20)
#define BUSY_MAX_PERIODS 200000

/* The busy periods of every event in the owner's personal calendar. */
static int collect_busy(struct store *st, int64_t root, int64_t from,
			int64_t to, struct busy_period **v, size_t *n)
{
	int64_t *ids = NULL;
	size_t bytes = 0;
	size_t k = 0, i;
	int rc;

	rc = meta_item_nodes(st, root, PIM_EVENT, &ids, &k);
	for (i = 0; rc == 0 && i < k; i++) {
		unsigned char *data = NULL;
		size_t len = 0;

		/* Each item's cost is bounded (pim.h); so is their sum, or a
		 * member with thousands of items would stall every reader of
		 * their busy times.  What is past the budget is left out. */
		if (bytes > BUSY_MAX_BYTES || *n > BUSY_MAX_PERIODS) {
			store_log(st, STORE_LOG_WARNING,
				  "busy times: %zu of %zu items left out (more "
				  "than %d MiB or %d periods)",
				  k - i, k, BUSY_MAX_BYTES >> 20,
				  BUSY_MAX_PERIODS);
			break;
		}
		rc = item_read(st, ids[i], &data, &len);
		bytes += len;
		if (rc == 0)
			rc = ics_busy((const char *)data, len, from, to, v, n);
		/* One unreadable item must not hide everyone's busy times. */
		if (rc == -EINVAL || rc == -EIO) {
			store_log(st, STORE_LOG_WARNING,
				  "busy times: item %lld skipped",
				  (long long)ids[i]);
			rc = 0;
		}
		free(data);
	}
	free(ids);
	return rc;
}

/* The window of busy.ics: from 30 days ago to 365 days ahead (whole UTC
 * days). */
static void busy_window(int64_t *from, int64_t *to, int64_t *day)
{
	*day = now_sec() / DAY * DAY;
	*from = *day - 30 * DAY;
	*to = *day + 366 * DAY;
}

int members_busy_periods(struct store *st, int64_t owner,
			 struct busy_period **v, size_t *n)
{
	int64_t root, from, to, day;
	int rc;

	busy_window(&from, &to, &day);
	*v = NULL;
	*n = 0;
	rc = meta_member_calendar(st, owner, &root);
	if (rc == 0)
		rc = collect_busy(st, root, from, to, v, n);
	if (rc == 0)
		busy_merge(*v, n);
	return rc;
}

int members_busy(struct store *st, int64_t owner, char **data, size_t *len,
		 int64_t *mtime)
{
	char uid[STORE_USERNAME_MAX + 32], email[STORE_EMAIL_MAX + 1] = "";
	char name[STORE_USERNAME_MAX + 1];
	struct busy_period *v = NULL;
	int64_t root, stamp, day, from, to;
	size_t n = 0;
	int rc;

	busy_window(&from, &to, &day);
	rc = meta_member_calendar(st, owner, &root);
	if (rc == 0)
		rc = calendar_stamp(st, root, &stamp);
	if (rc == 0)
		rc = meta_member_calendar_mtime(st, root, mtime);
	if (rc)
		return rc;
	if (busy_lookup(owner, day, stamp, data, len))
		return 0;
	rc = account_name(st, owner, name, sizeof(name));
	/* No email is no reason to show no busy times. */
	if (rc == 0)
		meta_member_email(st, owner, email, sizeof(email));
	if (rc == 0)
		rc = collect_busy(st, root, from, to, &v, &n);
	if (rc == 0) {
		busy_merge(v, &n);
		snprintf(uid, sizeof(uid), "busy-%s@groupfs", name);
		rc = busy_render(v, n, from, to, uid, email, *mtime / 1000000000,
				 data, len);
	}
	free(v);
	if (rc == 0)
		busy_store(owner, day, stamp, *data, *len);
	return rc;
}

static int member_card(struct store *st, const struct node_info *n,
		       char **data, size_t *len)
{
	struct card_profile p = {0};
	struct store_account a;
	void *photo = NULL;
	int rc;

	rc = meta_member_card(st, n->creator, &a, &photo, &p.photo_len);
	if (rc)
		return rc;
	p.username = a.username;
	p.first = a.first;
	p.last = a.last;
	p.org = a.org;
	p.email = a.email;
	p.role = store_role_name(grp_role(st, n->group, n->creator));
	p.photo = photo;
	p.photo_type = a.photo_type;
	rc = vcard_make(&p, data, len);
	free(photo);
	return rc;
}

static int member_photo(struct store *st, const struct node_info *n,
			char **data, size_t *len)
{
	return meta_member_photo(st, n->creator, data, len);
}

int members_content(struct store *st, const struct node_info *n, char **data,
		    size_t *len, int64_t *mtime)
{
	*mtime = now_ns();
	switch (n->gen) {
	case GEN_CARD:
		return member_card(st, n, data, len);
	case GEN_PHOTO_JPG:
	case GEN_PHOTO_PNG:
		return member_photo(st, n, data, len);
	case GEN_BUSY:
		return members_busy(st, n->creator, data, len, mtime);
	case GEN_INVITATION:
		return invitations_text(st, n, data, len, mtime);
	}
	return -EISDIR;
}

int invitations_text(struct store *st, const struct node_info *n, char **data,
		     size_t *len, int64_t *mtime)
{
	struct meta_invitation_file inv;
	char when[64], last[64];
	struct tm tm;
	time_t t;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int rc;

	rc = meta_invitation_file_get(st, n->ino, &inv);
	if (rc)
		return rc;
	f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	t = (time_t)inv.created;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime_r(&t, &tm));
	t = (time_t)inv.last_sent;
	strftime(last, sizeof(last), "%Y-%m-%d %H:%M UTC", gmtime_r(&t, &tm));
	fprintf(f, "Invitation to the group %s\n\n", inv.group);
	if (inv.by[0])
		fprintf(f, "Invited by:  %s (%s)\n", inv.by_name, inv.by);
	fprintf(f, "Invited on:  %s\n", when);
	if (inv.sent > 1)
		fprintf(f, "Reminded:    %s (sent %lld times)\n", last,
			(long long)inv.sent);
	if (inv.description[0])
		fprintf(f, "About it:    %s\n", inv.description);
	fprintf(f,
		"\nTo accept:   groupctl invitation accept %s\n"
		"To decline:  groupctl invitation decline %s\n",
		inv.group, inv.group);
	*mtime = inv.last_sent * 1000000000;
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*data = buf;
	*len = size;
	return 0;
}
