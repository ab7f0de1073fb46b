// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for access: rights, calendar grants and
 * quota (rights.c, share.c, quota.c).
 */
#include "engine.h"
