// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for history: recording what goes and
 * the file managers' trash (history.c, gtrash.c).
 */
#include "engine.h"
