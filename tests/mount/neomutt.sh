#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mutt.sh's scenario, the same steps and checks, with neomutt.
MUA=neomutt exec bash "$(dirname "$0")/mutt.sh"
