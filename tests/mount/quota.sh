#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Quotas: a group holds at most its administrator's plan's group bytes and
# a private space its owner's private bytes; a write past that fails with
# ENOSPC by close or fsync and keeps only accepted data; df shows each
# space; a plan change that leaves a group over capacity keeps its data and
# stops all growth until deletions bring it back under.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
"$GROUPCTL" plan set tiny --max-groups 2 --max-members 5 --group-bytes 1M \
	--private-bytes 512K >/dev/null
user alice tiny
user bob
ctl alice group create Sales >/dev/null
ctl alice group invite Sales bob
ctl bob invitation accept Sales
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
CAP=1048576

# Sources, readable by every test user.
head -c 2000000 /dev/urandom >"$T/src"
head -c 100000 /dev/urandom >"$T/small"
head -c 589824 "$T/src" >"$T/a.src"
tail -c 327680 "$T/src" >"$T/b.src"
chmod 644 "$T/src" "$T/small" "$T/a.src" "$T/b.src"

# pywrite PATH SRC CHUNK: write SRC to PATH (created, truncated) in
# CHUNK-byte writes, each followed by fsync; print the first errno among
# open/write/fsync/close (or OK) and the bytes fsync acknowledged.
PYWRITE='
import errno, os, sys
path, src, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
acked = off = 0
err = None
try:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
except OSError as e:
    print(errno.errorcode[e.errno], 0)
    sys.exit()
try:
    while off < len(data):
        off += os.write(fd, data[off:off + chunk])
        os.fsync(fd)
        acked = off
except OSError as e:
    err = e
try:
    os.close(fd)
except OSError as e:
    err = err or e
print(errno.errorcode[err.errno] if err else "OK", acked)
'
pywrite() { as "$1" "$PY" -c "$PYWRITE" "${@:2}"; }

# used NAME [ACCOUNT]: exact bytes in use, from groupctl (Private: the
# account's own space).
used() {
	ctl "${2:-alice}" --json usage | "$PY" -c '
import json, sys
print([u["used"] for u in json.load(sys.stdin) if u["name"] == sys.argv[1]][0])' "$1"
}
# statfs field N (1 capacity, 2 used, 3 available) as ACCOUNT on PATH.
sfs() { as "$1" "$PROBE" statfs "$2" | awk -v f="$(($3 + 1))" '{print $f}'; }
size_is() { [ "$(as alice stat -c %s "$1")" = "$2" ]; }
# remount MOUNTPOINT [OPTIONS]: unmount cleanly and mount again (mount_fs
# reuses the index of its ready pipe, so the old pipe goes first).
remount() {
	umount_fs "$1"
	rm -f "$T/ready.${#MOUNTS[@]}"
	mount_fs "$@"
}

# ---- df inside the group and inside Private ----
same "statfs in the group: its plan's capacity" "$(sfs alice "$D" 1)" $CAP
same "statfs in the group: nothing used yet" "$(sfs alice "$D" 2)" 0
same "bob (free plan) sees the administrator's capacity for Sales" \
	"$(sfs bob "$M/Sales/drop/bob" 1)" $CAP
same "statfs in alice's Private: her private capacity" \
	"$(sfs alice "$M/Private/documents" 1)" 524288
same "statfs in bob's Private: the free plan's private capacity" \
	"$(sfs bob "$M/Private" 1)" 1073741824
same "df in the group shows its capacity" \
	"$(as alice df -B1 --output=size "$D" | tail -n 1 | tr -d ' ')" $CAP

# ---- writes up to and past capacity ----
same "a 576 KiB file fits" "$(pywrite alice "$D/a" "$T/a.src" 1048576)" \
	"OK 589824"
same "the store counts it" "$(used Sales)" 589824
same "statfs shows the group's use" "$(sfs alice "$D" 2)" 589824
same "df shows the group's use" \
	"$(as alice df -B1 --output=used "$D" | tail -n 1 | tr -d ' ')" 589824
# 128 KiB at a time: three more fit (983040), the fourth would pass 1 MiB.
same "a write past capacity: ENOSPC by fsync, 3 chunks acknowledged" \
	"$(pywrite alice "$D/c" "$T/src" 131072)" "ENOSPC 393216"
wait_for "the refused file shows only its accepted bytes" 3 \
	size_is "$D/c" 393216 || :
check "the accepted bytes are intact" \
	as alice cmp -n 393216 "$D/c" "$T/src"
same "the store counts only accepted bytes" "$(used Sales)" 983040
# Without fsync, close reports the refusal.
out=$(as alice dd if="$T/small" of="$D/d" bs=100000 count=1 2>&1 || echo FAILED)
case $out in
*"No space left on device"*FAILED) pass "dd without fsync: close fails with ENOSPC" ;;
*) fail "dd without fsync: close fails with ENOSPC: got '$out'" ;;
esac
wait_for "a file whose only write was refused stays empty" 3 \
	size_is "$D/d" 0 || :
same "the refused dd adds nothing" "$(used Sales)" 983040
# 65536 bytes are left.
expect ENOSPC "truncate past capacity" as alice "$PROBE" truncate "$D/c" 458753
same "the refused truncate changed nothing" "$(used Sales)" 983040
expect OK "truncate up to exactly the capacity" \
	as alice "$PROBE" truncate "$D/c" 458752
expect ENOSPC "a full group takes not one more byte" \
	as alice "$PROBE" write "$D/e" x
expect ENOSPC "appending to a full group" as alice "$PROBE" append "$D/c" x
expect OK "truncating down frees room" as alice "$PROBE" truncate "$D/c" 0
expect OK "and then a write fits" as alice "$PROBE" write "$D/e" x
as alice rm -f "$D/c" "$D/d" "$D/e"
same "deleting gives the bytes back" "$(used Sales)" 589824

# ---- the private space ----
same "Private: 4 of 5 chunks of 128 KiB fit in 512 KiB" \
	"$(pywrite alice "$M/Private/documents/big" "$T/src" 131072)" \
	"ENOSPC 524288"
same "Private use is the accepted bytes" "$(used Private)" 524288
same "the group is not charged for private files" "$(used Sales)" 589824
as alice rm "$M/Private/documents/big"

# ---- calendar, contacts and drops count ----
ICS=$'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:q1@example.org\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T100000Z\r\nDTEND:20260301T110000Z\r\nSUMMARY:Quota review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
VCF=$'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dora Quota\r\nN:Quota;Dora;;;\r\nEMAIL:dora@example.org\r\nEND:VCARD\r\n'
before=$(used Sales)
expect OK "an event in the group calendar" \
	as alice "$PROBE" write "$M/Sales/calendar/q1.ics" "$ICS"
same "calendar bytes count" "$(used Sales)" $((before + ${#ICS}))
before=$(used Sales)
expect OK "a contact in the group contacts" \
	as alice "$PROBE" write "$M/Sales/contacts/dora.vcf" "$VCF"
same "contact bytes count" "$(used Sales)" $((before + ${#VCF}))
before=$(used Sales)
expect OK "bob drops a file for alice" \
	as bob "$PROBE" write "$M/Sales/drop/alice/note.txt" "$(printf '%01000d' 7)"
same "drop bytes count" "$(used Sales)" $((before + 1000))
# Fill to 10 bytes short of capacity; none of the tools takes more.
room=$((CAP - $(used Sales) - 10))
as alice "$PROBE" write "$D/filler" "" >/dev/null
expect OK "filling the group" as alice "$PROBE" truncate "$D/filler" $room
expect ENOSPC "an event past capacity" \
	as alice "$PROBE" write "$M/Sales/calendar/q2.ics" "${ICS//q1/q2}"
expect ENOSPC "a contact past capacity" \
	as alice "$PROBE" write "$M/Sales/contacts/eve.vcf" "${VCF//Dora/Evea}"
expect ENOSPC "a drop past capacity" \
	as bob "$PROBE" write "$M/Sales/drop/alice/more.txt" "$(printf '%020d' 1)"
same "refusals in every tool add nothing" "$(used Sales)" $((CAP - 10))
as alice rm -f "$D/filler" "$M/Sales/calendar/q2.ics" \
	"$M/Sales/contacts/eve.vcf"
as bob rm -f "$M/Sales/drop/alice/more.txt"

# ---- a plan change leaves the group over capacity ----
same "a 320 KiB file fits" "$(pywrite alice "$D/b" "$T/b.src" 1048576)" \
	"OK 327680"
over=$(used Sales)
"$GROUPCTL" plan set tiny --group-bytes 512K
same "after the plan change statfs shows the new capacity" \
	"$(sfs alice "$D" 1)" 524288
same "and nothing available" "$(sfs alice "$D" 3)" 0
check "over capacity: a is still readable and intact" \
	as alice cmp "$D/a" "$T/a.src"
check "over capacity: b is still readable and intact" \
	as alice cmp "$D/b" "$T/b.src"
same "over capacity: the calendar still reads back" \
	"$(as bob cat "$M/Sales/calendar/q1.ics")" "${ICS%$'\n'}"
expect ENOSPC "over capacity: no append" as alice "$PROBE" append "$D/a" x
expect ENOSPC "over capacity: no new file with data" \
	as alice "$PROBE" write "$D/new" x
expect ENOSPC "over capacity: no truncate up" \
	as alice "$PROBE" truncate "$D/b" 327681
expect ENOSPC "over capacity: no new event" \
	as alice "$PROBE" write "$M/Sales/calendar/q3.ics" "${ICS//q1/q3}"
expect ENOSPC "over capacity: no drop" \
	as bob "$PROBE" write "$M/Sales/drop/alice/late.txt" late
as alice rm -f "$D/new" "$M/Sales/calendar/q3.ics"
as bob rm -f "$M/Sales/drop/alice/late.txt"
same "over capacity: the refusals added nothing" "$(used Sales)" "$over"
expect OK "over capacity: shrinking is allowed" \
	as alice "$PROBE" truncate "$D/b" 4096
expect ENOSPC "still over capacity: still no growth" \
	as alice "$PROBE" append "$D/b" x
expect OK "deleting a file" as alice "$PROBE" unlink "$D/a"
check "back under capacity" test "$(used Sales)" -lt 524288
expect OK "back under capacity: growth works again" \
	as alice "$PROBE" append "$D/b" y
same "the growth is counted" "$(used Sales)" $((4097 + ${#ICS} + ${#VCF} + 1000))
# The refused "x" must not come back with the accepted "y".
{ head -c 4096 "$T/b.src"; printf y; } >"$T/b.want"
chmod 644 "$T/b.want"
check "b holds the accepted bytes, not the refused one" \
	as alice cmp "$D/b" "$T/b.want"
"$GROUPCTL" plan set tiny --group-bytes 1M
same "raising the plan shows at once in statfs" "$(sfs bob "$D" 1)" $CAP

# What is stored, seen afresh by a new mount.
remount "$M" -o allow_other
check "after a remount: b holds the accepted bytes, not the refused one" \
	as alice cmp "$D/b" "$T/b.want"

umount_fs "$M"
check "groupctl check is clean" "$GROUPCTL" check
finish
