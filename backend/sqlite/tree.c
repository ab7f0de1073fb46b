// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the tree: nodes, names, extended
 * attributes and public links (node.c, xattr.c, link.c).
 */
#include "engine.h"
