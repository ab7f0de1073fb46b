// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The access cache (struct acache): what access decisions derive from,
 * kept across the requests of one store handle, so that a request does
 * not look its caller's account, role and rights up again.  SPEC.md's
 * live rule holds all the same: every entry is valid for one access
 * generation (meta_access_gen), which moves with every change of rights,
 * membership, ACLs, editors, grants, plans, an account's Unix user, a
 * folder's parent and the accounts themselves, by this process or any
 * other.  A get asks the engine first whether anything at all was
 * committed since the generation was read (no query); if so, or outside
 * a transaction, it reads the generation again (one small query) and
 * forgets everything when it moved.  A rollback forgets everything too:
 * what was read after this handle's own changes may be undone.
 *
 * What a node's rights depend on besides (its folder, tool, creator,
 * whether it is in history) is compared with the node as the request
 * read it; the folders above it move only with the generation.
 */

#include "internal.h"

/* Whether the entries of the current epoch hold now. */
static bool fresh(struct store *st)
{
	struct acache *a = &st->memo->ac;
	struct meta_mark m;
	int64_t gen;

	if (a->valid && meta_unchanged_since(st, &a->mark))
		return true;
	if (meta_access_gen(st, &gen, &m) != 0) {
		a->valid = false;
		a->epoch++;
		return false;
	}
	if (!a->valid || gen != a->gen || m.resets != a->mark.resets)
		a->epoch++;
	/* Epoch 0 is that of slots never filled. */
	if (a->epoch == 0)
		a->epoch++;
	a->valid = true;
	a->gen = gen;
	a->mark = m;
	return true;
}

static unsigned slot(uint64_t a, uint64_t b, uint64_t c, unsigned n)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ b * 0xc2b2ae3d27d4eb4fULL ^
		     c * 0x165667b19e3779f9ULL;

	return (unsigned)((h ^ (h >> 29)) % n);
}

bool ac_account(struct store *st, int64_t uid, int64_t *account)
{
	struct acache *a = &st->memo->ac;
	unsigned i = slot((uint64_t)uid, 0, 0, AC_UIDS);

	if (!fresh(st) || a->uid[i].epoch != a->epoch || a->uid[i].uid != uid)
		return false;
	*account = a->uid[i].account;
	return true;
}

void ac_account_put(struct store *st, int64_t uid, int64_t account)
{
	struct acache *a = &st->memo->ac;
	unsigned i = slot((uint64_t)uid, 0, 0, AC_UIDS);

	if (!a->valid)
		return;
	a->uid[i].epoch = a->epoch;
	a->uid[i].uid = uid;
	a->uid[i].account = account;
}

bool ac_role(struct store *st, int64_t group, int64_t account, int *role)
{
	struct acache *a = &st->memo->ac;
	unsigned i = slot((uint64_t)group, (uint64_t)account, 0, AC_ROLES);

	if (!fresh(st) || a->role[i].epoch != a->epoch ||
	    a->role[i].group != group || a->role[i].account != account)
		return false;
	*role = a->role[i].role;
	return true;
}

void ac_role_put(struct store *st, int64_t group, int64_t account, int role)
{
	struct acache *a = &st->memo->ac;
	unsigned i = slot((uint64_t)group, (uint64_t)account, 0, AC_ROLES);

	if (!a->valid)
		return;
	a->role[i].epoch = a->epoch;
	a->role[i].group = group;
	a->role[i].account = account;
	a->role[i].role = role;
}

bool ac_holds(struct store *st, int64_t account, const struct node_info *n,
	      int right)
{
	struct acache *a = &st->memo->ac;
	unsigned i = slot((uint64_t)n->ino, (uint64_t)account,
			  (uint64_t)right, AC_RIGHTS);

	if (!fresh(st) || a->rights[i].epoch != a->epoch)
		return false;
	return a->rights[i].ino == n->ino && a->rights[i].account == account &&
	       a->rights[i].right == right &&
	       a->rights[i].space == n->space &&
	       a->rights[i].parent == n->parent &&
	       a->rights[i].creator == n->creator &&
	       a->rights[i].held == n->held && a->rights[i].mode == n->mode &&
	       a->rights[i].tool == n->tool &&
	       a->rights[i].editors_all == n->editors_all;
}

void ac_holds_put(struct store *st, int64_t account,
		  const struct node_info *n, int right)
{
	struct acache *a = &st->memo->ac;
	unsigned i = slot((uint64_t)n->ino, (uint64_t)account,
			  (uint64_t)right, AC_RIGHTS);

	if (!a->valid)
		return;
	a->rights[i].epoch = a->epoch;
	a->rights[i].right = right;
	a->rights[i].account = account;
	a->rights[i].ino = n->ino;
	a->rights[i].space = n->space;
	a->rights[i].parent = n->parent;
	a->rights[i].creator = n->creator;
	a->rights[i].held = n->held;
	a->rights[i].mode = n->mode;
	a->rights[i].tool = n->tool;
	a->rights[i].editors_all = n->editors_all;
}
