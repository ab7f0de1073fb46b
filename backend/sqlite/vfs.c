// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the mounted tree's changes, open
 * files and daemons (fsdir.c, fsfile.c, fsitem.c, daemons.c).
 */
#include "engine.h"
