#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's log: every refusal is logged with the rule the backend
# named (as groupctl prints it), the request and the caller's uid, not
# only the errno; what is not a refusal (a name that is not there) is not
# logged.  The log is the daemon's stderr with -f (suite 'mount') or its
# -o log_file (suite 'mount-bg'); either way $T/daemon.0.log here.
. "$(dirname "$0")/lib.sh"

"$GROUPCTL" plan set tiny --max-groups 1 --max-members 5 --group-bytes 64K \
	>/dev/null
user alice pro
user bob pro
user dave tiny
team alice Sales bob
ctl dave group create Tiny >/dev/null
M=$T/m
mount_fs "$M" -o allow_other
LOG=$T/daemon.0.log
D=$M/Sales/documents
as alice sh -c "echo plan >'$D/plan.txt'"
as alice mkdir "$D/Quotes"
bob=$(id -u "${UNIX[bob]}")
dave=$(id -u "${UNIX[dave]}")

# has TEXT: the log holds TEXT (a fixed string).
has() { grep -qF -- "$1" "$LOG"; }

expect EACCES "bob may not add to documents" as bob "$PROBE" mkdir "$D/bob-dir"
check "the refused mkdir is logged with its rule" has \
	"refused mkdir for uid $bob: Sales: adding to documents needs the add right (EACCES)"
expect EACCES "bob may not write alice's file" as bob "$PROBE" open "$D/plan.txt" w
check "the refused open for writing is logged with its rule" has \
	"for uid $bob: Sales: changing documents/plan.txt needs the edit right (EACCES)"
expect EXDEV "a folder does not move to another tool" \
	as alice "$PROBE" rename "$D/Quotes" "$M/Sales/calendar/Quotes"
check "a refused rename names its rule" bash -c \
	"grep 'refused rename for uid $(id -u "${UNIX[alice]}"): .* (EXDEV)\$' '$LOG' | grep -q ."
expect EPERM "owners are not changed" as alice "$PROBE" chown "$D/plan.txt" "$bob" -1
check "a refused chown is logged with its rule" has \
	"owners are not changed: rights come from the group (EPERM)"
as dave dd if=/dev/zero of="$M/Tiny/documents/big" bs=1K count=100 2>/dev/null || true
check "a write past the capacity is logged with the capacity's rule" has \
	"refused write for uid $dave: the space is full: "
check "with its errno" bash -c "grep 'refused write for uid $dave: the space is full' '$LOG' | grep -q '(ENOSPC)\$'"
check "each refusal names a rule, none only an errno" bash -c \
	"! grep 'refused ' '$LOG' | grep -E ': [A-Z][a-z ]+ \\(E[A-Z]+\\)\$'"
grep 'refused ' "$LOG" | sed 's/^/# /'
ls "$D/not-there" 2>/dev/null || true
check "a name that is not there is no refusal" bash -c "! grep -q 'not-there\\|ENOENT' '$LOG'"
finish
