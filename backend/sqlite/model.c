// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's part of meta.h for the model: accounts, plans,
 * invitations (account.c, plan.c, invite.c, invitations.c).
 */
#include "engine.h"
