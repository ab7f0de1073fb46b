#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's log: every refusal is logged with the rule the backend
# named (as groupctl prints it), the request and the caller's uid, not
# only the errno; what is not a refusal (a name that is not there) is not
# logged.  The log is the daemon's stderr with -f (suite 'mount') or its
# -o log_file (suite 'mount-bg'); either way $T/daemon.0.log here.  A log
# file is reopened on SIGUSR1, for rotation.
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

# The fixed tree: the tools (members/ among them) are not removed, by
# anyone; the log names that rule, not the delete right.
alice=$(id -u "${UNIX[alice]}")
for t in documents members; do
	expect EACCES "the administrator may not remove $t/" \
		as alice "$PROBE" rmdir "$M/Sales/$t"
done
check "  logged as the fixed tree's rule" test \
	"$(grep -c "refused rmdir for uid $alice: the tools of a group are fixed: none is removed (EACCES)" "$LOG")" = 2
expect EACCES "nor Private/documents/" as alice "$PROBE" rmdir "$M/Private/documents"
check "  logged so" has "refused rmdir for uid $alice: the tools of Private are fixed: none is removed (EACCES)"
check "  never as a missing delete right" bash -c "! grep -q 'deleting in this' '$LOG'"

# An item refused is logged once, with its reason; one refused at its
# last close (never written: nobody to tell) is logged too.
as alice sh -c "printf 'BEGIN:VCALENDAR\n' >'$M/Sales/calendar/cut.ics'" 2>/dev/null || true
check "a refused item is logged once" test \
	"$(grep -c 'no END:VCALENDAR' "$LOG")" = 1
check "  as a refused request with its rule" has \
	"refused flush for uid $alice: not a calendar item: no END:VCALENDAR (EINVAL)"
as alice touch "$M/Sales/calendar/empty.ics"
logged_release() { grep -Eq 'refused release of inode [0-9]+ \(last close\): not a calendar item: empty file \(EINVAL\)$' "$LOG"; }
wait_for "an item refused at its last close is logged" 10 logged_release
check "  once" test "$(grep -c 'empty file' "$LOG")" = 1

# A name is the user's to choose: a newline in it cannot forge a line.
nl=$'x\nrefused forged line'
as alice sh -c 'echo x >"$1"' sh "$D/$nl"
expect EACCES "bob may not write a file whose name holds a newline" \
	as bob "$PROBE" open "$D/$nl" w
check "its refusal is logged on one line, the newline escaped" \
	has 'documents/x\x0arefused forged line needs the edit right'
check "and no line was forged" bash -c "! grep -q '^refused forged' '$LOG'"

# Nor can a member fill the log: past 50 refusals a second, lines are
# left out and the next one logged says how many.
n0=$(grep -c "refused mkdir for uid $bob" "$LOG")
start=$SECONDS
as bob bash -c 'for i in $(seq 500); do mkdir "$1/r$i" 2>/dev/null; done
	true' sh "$D"
elapsed=$((SECONDS - start))
logged=$(($(grep -c "refused mkdir for uid $bob" "$LOG") - n0))
check "500 refusals in ${elapsed}s: $logged logged, at most 50 a second" \
	[ "$logged" -le $((50 * (elapsed + 1))) ]
more_refused() {
	as bob "$PROBE" mkdir "$D/again" >/dev/null 2>&1 || true
	grep -q 'refusals not logged (more than 50 a second)' "$LOG"
}
if [ "$logged" -lt 500 ]; then
	wait_for "the next logged refusal says how many were left out" 5 \
		more_refused
else
	pass "this machine refused slower than 50 a second: nothing left out"
fi

# A log file is rotated by renaming it and sending SIGUSR1: the daemon
# then writes to a new file of that name (relative to where it started:
# in the background it has left that folder).
M2=$T/m2
cd "$T"
mount_fs "$M2" -o allow_other,log_file=rot.log
cd /
pid2=$(daemon_pid "$M2")
refuse2() { as bob "$PROBE" mkdir "$M2/Sales/documents/r2" >/dev/null 2>&1 || true; }
refuse2
check "a refusal goes to the log file" grep -q "refused mkdir for uid $bob" "$T/rot.log"
mv "$T/rot.log" "$T/rot.log.1"
kill -USR1 "$pid2"
logged_anew() { refuse2; grep -q "refused mkdir for uid $bob" "$T/rot.log"; }
wait_for "after SIGUSR1 the next ones go to a new rot.log" 10 logged_anew
check "  the daemon still serves" as alice ls "$M2/Sales/documents"
check "  the renamed file keeps what was written before" \
	grep -q "refused mkdir for uid $bob" "$T/rot.log.1"
umount_fs "$M2"
finish
