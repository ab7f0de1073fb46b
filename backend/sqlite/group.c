// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the model: groups and membership
 * (group.c, membership.c).
 */
#include "engine.h"
