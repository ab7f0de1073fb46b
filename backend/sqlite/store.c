// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the store as a whole: content rows,
 * the check, backup (content.c, check.c, backup.c, store.c).
 */
#include "engine.h"
