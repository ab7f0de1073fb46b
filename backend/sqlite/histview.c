// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for history's read-only view
 * (histview.c).
 */
#include "engine.h"
