// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for calendar and contact items,
 * members/, the mailbox (item.c, gen.c, pimapi.c, mail.c).
 */
#include "engine.h"
