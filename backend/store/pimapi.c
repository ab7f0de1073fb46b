// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Calendars and contacts for groupctl: listing events with recurrences
 * expanded, export as one file, import split into items, putting one item,
 * and a member's busy times.  The same rules as the mount: the folder must
 * be visible, new items need *add*, replaced ones *edit*, and every item
 * is checked before it takes effect: first with no store lock held, then
 * again in the transaction that stores it (a look-up, see item.c).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "pim.h"

/* The folder `w` names, as the caller may reach it. */
static int pim_dir(struct store *st, const struct store_caller *c,
		   const struct store_pim_where *w, struct node_info *dir)
{
	uint64_t root;
	int64_t owner, ino;
	struct grp g;
	int rc;

	if (w->tool != STORE_TOOL_CALENDAR && w->tool != STORE_TOOL_CONTACTS)
		return store_fail(st, -EINVAL, "calendar or contacts only");
	if (!st->sh->has_key)
		return store_fail(st, -EACCES,
				  "reading items needs the store's master key "
				  "(the store operator's), or the mount");
	if (w->owner) {
		if (w->tool != STORE_TOOL_CALENDAR || w->group)
			return store_fail(st, -EINVAL,
					  "only a personal calendar is shared");
		rc = account_id(st, w->owner, &owner);
		if (rc == 0)
			rc = meta_member_calendar(st, owner, &ino);
		if (rc)
			return rc;
		if (node_visible(st, c, ino, dir) != 0)
			return store_fail(st, -EACCES,
					  "%s has not shared their calendar "
					  "with you",
					  w->owner);
		return 0;
	}
	if (w->group) {
		rc = target_resolve(st, c, w->group, store_tool_name(w->tool), &g,
				    &ino);
		return rc ? rc : node_info(st, ino, dir);
	}
	rc = store_tool_root(st, c, NULL, w->tool, &root);
	return rc ? rc : node_info(st, (int64_t)root, dir);
}

/* The items of a folder the caller may read, by name. */
static int dir_items(struct store *st, const struct store_caller *c,
		     const struct node_info *dir, struct meta_item **out,
		     size_t *n)
{
	struct meta_item *v = NULL;
	struct node_info item;
	size_t len = 0;
	int rc;

	rc = meta_item_list(st, dir->ino, &v, &len);
	if (rc)
		return rc;
	/* Items the caller may not see (no *view*) are not read. */
	if (len && node_visible(st, c, v[0].ino, &item) != 0)
		len = 0;
	*out = v;
	*n = len;
	return 0;
}

void store_occurrences_free(struct store_occurrence *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].summary);
		free(v[i].location);
		free(v[i].uid);
	}
	free(v);
}

static int by_start(const void *a, const void *b)
{
	const struct store_occurrence *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->item, y->item);
}

static int occurrences_locked(struct store *st, const struct store_caller *c,
			      const struct store_pim_where *w, int64_t from,
			      int64_t to, struct store_occurrence **out,
			      size_t *n)
{
	struct store_occurrence *v = NULL, *nv;
	struct meta_item *items = NULL;
	struct node_info dir;
	size_t len = 0, k = 0, i, j;
	int rc;

	rc = pim_dir(st, c, w, &dir);
	if (rc == 0 && w->tool != STORE_TOOL_CALENDAR)
		rc = store_fail(st, -EINVAL, "events are in calendars");
	if (rc == 0)
		rc = dir_items(st, c, &dir, &items, &k);
	for (i = 0; rc == 0 && i < k; i++) {
		struct occurrence *o = NULL;
		unsigned char *data = NULL;
		size_t dlen = 0, m = 0;

		rc = item_read(st, items[i].ino, &data, &dlen);
		if (rc == 0)
			rc = ics_occurrences((const char *)data, dlen, from, to,
					     &o, &m);
		free(data);
		if (rc == 0 && m) {
			nv = realloc(v, (len + m) * sizeof(*v));
			if (!nv) {
				occurrences_free(o, m);
				rc = -ENOMEM;
				break;
			}
			v = nv;
			for (j = 0; j < m; j++) {
				struct store_occurrence *d = &v[len++];

				memset(d, 0, sizeof(*d));
				d->start = o[j].start;
				d->end = o[j].end;
				d->all_day = o[j].all_day;
				d->summary = o[j].summary;
				d->location = o[j].location;
				d->uid = o[j].uid;
				o[j].summary = o[j].location = o[j].uid = NULL;
				copy_str(d->item, sizeof(d->item), items[i].name);
			}
		}
		if (o)
			occurrences_free(o, m);
	}
	free(items);
	if (rc) {
		store_occurrences_free(v, len);
		return rc;
	}
	if (len)
		qsort(v, len, sizeof(*v), by_start);
	*out = v;
	*n = len;
	return 0;
}

int store_calendar_occurrences(struct store *st, const struct store_caller *c,
			       const struct store_pim_where *w, int64_t from,
			       int64_t to, struct store_occurrence **out,
			       size_t *n)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = occurrences_locked(st, c, w, from, to, out, n);
	txn_read_end(st);
	return rc;
}

static int export_locked(struct store *st, const struct store_caller *c,
			 const struct store_pim_where *w, char **out,
			 size_t *len)
{
	struct meta_item *items = NULL;
	unsigned char **data = NULL;
	size_t *lens = NULL, k = 0, i;
	struct node_info dir;
	int rc;

	rc = pim_dir(st, c, w, &dir);
	if (rc == 0)
		rc = dir_items(st, c, &dir, &items, &k);
	if (rc)
		return rc;
	data = calloc(k ? k : 1, sizeof(*data));
	lens = calloc(k ? k : 1, sizeof(*lens));
	if (!data || !lens)
		rc = -ENOMEM;
	for (i = 0; rc == 0 && i < k; i++)
		rc = item_read(st, items[i].ino, &data[i], &lens[i]);
	if (rc == 0)
		rc = w->tool == STORE_TOOL_CALENDAR
			     ? ics_join((const char *const *)data, lens, k, out,
					len)
			     : vcard_join((const char *const *)data, lens, k,
					  out, len);
	for (i = 0; data && i < k; i++)
		free(data[i]);
	free(data);
	free(lens);
	free(items);
	return rc;
}

int store_pim_export(struct store *st, const struct store_caller *c,
		     const struct store_pim_where *w, char **out, size_t *len)
{
	int rc;

	st->errmsg[0] = '\0';
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = export_locked(st, c, w, out, len);
	txn_read_end(st);
	return rc;
}

/* Create or replace item `name` in `dir`. */
static int put_locked(struct store *st, const struct store_caller *c,
		      const struct node_info *dir, const char *name,
		      const void *data, size_t len)
{
	int type = item_type(dir, name);
	struct node_info n;
	int64_t ino;
	int rc;

	if (!type || !valid_entry_name(name))
		return store_fail(st, -EINVAL,
				  "'%s' is not an item name (NAME.ics in a "
				  "calendar, NAME.vcf in contacts)",
				  name);
	if (node_child(st, dir->ino, name, &ino) == 0) {
		rc = node_visible(st, c, ino, &n);
		if (rc == 0)
			rc = node_allows(st, c, ino, STORE_RIGHT_EDIT);
	} else {
		rc = node_allows(st, c, dir->ino, STORE_RIGHT_ADD);
		if (rc == 0)
			rc = node_new(st, dir->space, dir->tool, dir->ino, name,
				      S_IFREG | 0644, c->account, &ino);
		if (rc == 0)
			rc = node_info(st, ino, &n);
	}
	if (rc == 0)
		rc = item_put_version(st, &n, dir, type, data, len);
	return rc;
}

int store_pim_put(struct store *st, const struct store_caller *c,
		  const struct store_pim_where *w, const char *name,
		  const void *data, size_t len)
{
	struct pim_info info;
	struct node_info dir;
	int type = w->tool == STORE_TOOL_CALENDAR ? ITEM_ICS : ITEM_VCF;
	size_t n = strlen(name);
	int rc;

	st->errmsg[0] = '\0';
	/* A name that is no item is refused by put_locked, unchecked. */
	if (n > 4 && !strcmp(name + n - 4, type == ITEM_ICS ? ".ics" : ".vcf")) {
		rc = item_check(st, type, data, len, &info);
		if (rc)
			return rc;
	}
	rc = txn_begin(st);
	if (rc)
		return rc;
	rc = pim_dir(st, c, w, &dir);
	if (rc == 0)
		rc = put_locked(st, c, &dir, name, data, len);
	rc = txn_end(st, rc);
	if (rc == 0)
		content_empty_trash(st);
	return rc;
}

/* A file name from a UID: the UID itself when it is safe in a name;
 * otherwise its safe characters and a hash of the whole UID, so two UIDs
 * never share a name.  No UID: a random name. */
static void name_for(const struct pim_info *info, int tool, char *out,
		     size_t len)
{
	const char *ext = tool == STORE_TOOL_CALENDAR ? ".ics" : ".vcf";
	unsigned char rnd[8];
	char hex[17];
	bool changed = false;
	size_t i, k = 0;

	if (!info->has_uid || !info->uid[0]) {
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		snprintf(out, len, "%s%s", hex, ext);
		return;
	}
	for (i = 0; info->uid[i] && k + 24 < len && k < 180; i++) {
		char ch = info->uid[i];
		bool safe = (ch >= 'a' && ch <= 'z') ||
			    (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '-' ||
			    ch == '_' || ch == '.' || ch == '@';

		out[k] = safe && !(k == 0 && ch == '.') ? ch : '_';
		changed |= out[k] != ch;
		k++;
	}
	changed |= info->uid[i] != '\0';
	if (changed) {
		crypto_generichash(rnd, sizeof(rnd),
				   (const unsigned char *)info->uid,
				   strlen(info->uid), NULL, 0);
		sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		k += (size_t)snprintf(out + k, len - k, "-%s", hex);
	}
	snprintf(out + k, len - k, "%s", ext);
}

int store_pim_import(struct store *st, const struct store_caller *c,
		     const struct store_pim_where *w, const void *data,
		     size_t len, struct store_import_result **out, size_t *n)
{
	struct store_import_result *res = NULL;
	struct pim_part *parts = NULL;
	struct pim_info info;
	struct node_info dir;
	char why[256] = "";
	size_t k = 0, i;
	int rc;

	st->errmsg[0] = '\0';
	rc = w->tool == STORE_TOOL_CALENDAR
		     ? ics_split(data, len, &parts, &k, why, sizeof(why))
		     : vcard_split(data, len, &parts, &k, why, sizeof(why));
	if (rc)
		return store_fail(st, rc, "the file does not parse: %s",
				  why[0] ? why : "unknown format");
	res = calloc(k ? k : 1, sizeof(*res));
	if (!res) {
		pim_parts_free(parts, k);
		return -ENOMEM;
	}
	for (i = 0; i < k; i++) {
		struct store_import_result *r = &res[i];

		copy_str(r->uid, sizeof(r->uid), parts[i].info.uid);
		name_for(&parts[i].info, w->tool, r->name, sizeof(r->name));
		if (parts[i].err) {
			r->err = parts[i].err;
			copy_str(r->why, sizeof(r->why), parts[i].why);
			continue;
		}
		/* Checked with no lock held; in the transaction, a look-up. */
		r->err = item_check(st,
				    w->tool == STORE_TOOL_CALENDAR ? ITEM_ICS
								   : ITEM_VCF,
				    parts[i].data, parts[i].len, &info);
		if (r->err) {
			copy_str(r->why, sizeof(r->why), st->errmsg);
			continue;
		}
		/* One transaction per item: a refusal stops only it.  An item
		 * already there with this UID is replaced, whatever its
		 * name. */
		r->err = txn_begin(st);
		if (r->err == 0) {
			r->err = pim_dir(st, c, w, &dir);
			if (r->err == 0 && parts[i].info.has_uid)
				item_find_uid(st, &dir, parts[i].info.uid,
					      r->name, sizeof(r->name));
			if (r->err == 0)
				r->err = put_locked(st, c, &dir, r->name,
						    parts[i].data, parts[i].len);
			r->err = txn_end(st, r->err);
		}
		if (r->err)
			copy_str(r->why, sizeof(r->why), st->errmsg[0]
								 ? st->errmsg
								 : strerror(-r->err));
	}
	pim_parts_free(parts, k);
	content_empty_trash(st);
	*out = res;
	*n = k;
	return 0;
}

int store_busy_times(struct store *st, const struct store_caller *c,
		     const char *username, struct store_busy **out, size_t *n,
		     char **ics, size_t *ics_len)
{
	struct busy_period *v = NULL;
	struct store_busy *b = NULL;
	int64_t owner, mtime;
	size_t k = 0, i;
	int rc;

	st->errmsg[0] = '\0';
	if (!st->sh->has_key)
		return store_fail(st, -EACCES,
				  "busy times need the store's master key (the "
				  "store operator's), or the mount");
	rc = account_id(st, username, &owner);
	if (rc)
		return rc;
	if (owner != c->account && !co_members(st, c->account, owner))
		return store_fail(st, -ENOENT,
				  "no account named %s among your co-members",
				  username);
	rc = txn_read_begin(st);
	if (rc)
		return rc;
	rc = members_busy_periods(st, owner, &v, &k);
	if (rc == 0 && ics)
		rc = members_busy(st, owner, ics, ics_len, &mtime);
	txn_read_end(st);
	if (rc == 0 && k) {
		b = calloc(k, sizeof(*b));
		if (!b)
			rc = -ENOMEM;
	}
	for (i = 0; rc == 0 && i < k; i++) {
		b[i].start = v[i].start;
		b[i].end = v[i].end;
		b[i].tentative = v[i].tentative;
	}
	free(v);
	if (rc) {
		free(b);
		return rc;
	}
	*out = b;
	*n = k;
	return 0;
}
