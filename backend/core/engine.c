// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which engine holds a store's metadata.  Every meta_* call goes through
 * st->ops, the table of the engine chosen here when the store opens: the
 * PostgreSQL engine for a store with a connection string (st->sh->conninfo,
 * store.c), SQLite's otherwise.  The tables and the calls that go through
 * them are made from meta.h at build time (scripts/gen-meta-ops: meta_ops.h,
 * meta_dispatch.c), so that an engine cannot miss a call or disagree with
 * its contract's types.
 */
#include "internal.h"
#include "meta_ops.h"

int meta_open(struct store *st, const char *path, bool readonly, bool create)
{
	st->ops = st->sh->conninfo ? &pg_ops : &sq_ops;
	return st->ops->open(st, path, readonly, create);
}
