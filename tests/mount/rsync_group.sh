#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# rsync -aHX of a whole group out of the mount exits 0 (symbolic links,
# read-only folders, members/ and history/ included), by its
# administrator and by a plain member, and back into a
# fresh group of the same administrator it round-trips everything she may
# write there: content, folders, modes, times, hard links, symbolic links,
# calendar and contact items and user.* attributes (compared with rsync -n --itemize-changes, diff -r
# and getfattr dumps; user.groupfs.* describe the store, not the copy).
. "$(dirname "$0")/lib.sh"

user alice pro
user bob pro
team alice Sales bob
ctl alice rights set Sales documents --add --all-members >/dev/null
M=$T/m
mount_fs "$M" -o allow_other
S=$M/Sales

# A tree with what rsync -aHX carries.
as alice bash -e -c "
cd '$S/documents'
mkdir -p Quotes/2024 Archive Empty
printf 'quote\n' >Quotes/q1.txt
head -c 300000 /dev/urandom >Quotes/big.bin
: >Quotes/empty
ln Quotes/q1.txt Quotes/2024/q1-link.txt
ln -s ../Quotes/q1.txt Archive/latest
ln -s /nowhere Archive/dangling
setfattr -n user.color -v red Quotes/q1.txt
setfattr -n user.note -v 'for the boss' Quotes
chmod 640 Quotes/big.bin
chmod 600 Quotes/empty
printf 'old\n' >Archive/old.txt
touch -d '2020-02-03 04:05:06.123456789' Archive/old.txt Quotes/2024
chmod 555 Archive
"
as bob bash -e -c "
printf 'bob was here\n' >'$S/documents/bob.txt'
setfattr -n user.by -v bob '$S/documents/bob.txt'
printf 'for alice\n' >'$S/drop/alice/from-bob.txt'
"
cat >"$T/ev.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//groupfs//test//EN
BEGIN:VEVENT
UID:rsync-1@example.org
DTSTAMP:20240101T000000Z
DTSTART:20240105T100000Z
DTEND:20240105T110000Z
SUMMARY:Meeting
END:VEVENT
END:VCALENDAR
EOF
chmod 644 "$T/ev.ics"
as alice cp "$T/ev.ics" "$S/calendar/meeting.ics"
cat >"$T/card.vcf" <<'EOF'
BEGIN:VCARD
VERSION:3.0
UID:rsync-card-1@example.org
FN:Jeanne Client
N:Client;Jeanne;;;
EMAIL:jeanne@example.org
END:VCARD
EOF
chmod 644 "$T/card.vcf"
as alice cp "$T/card.vcf" "$S/contacts/jeanne.vcf"

# Out: the whole group, as its administrator.
mkdir "$T/out"
chown "${UNIX[alice]}" "$T/out"
check "rsync -aHX of the whole group out exits 0" \
	as alice rsync -aHX "$S/" "$T/out/" 2>"$T/out.err"
same "with no message" "$(cat "$T/out.err")" ""
same "hard links stay linked in the copy" \
	"$(stat -c %i "$T/out/documents/Quotes/q1.txt")" \
	"$(stat -c %i "$T/out/documents/Quotes/2024/q1-link.txt")"
same "user.* attributes are copied" \
	"$(getfattr --only-values -n user.color "$T/out/documents/Quotes/q1.txt")" red
same "symbolic links are copied" "$(readlink "$T/out/documents/Archive/latest")" \
	../Quotes/q1.txt
check "members/ is copied" test -f "$T/out/members/bob/card.vcf"
check "the contacts are copied" cmp -s "$T/card.vcf" "$T/out/contacts/jeanne.vcf"

# Out as a plain member: all he may read, with no message either.
mkdir "$T/bob-out"
chown "${UNIX[bob]}" "$T/bob-out"
check "rsync -aHX of the whole group out by a plain member exits 0" \
	as bob rsync -aHX "$S/" "$T/bob-out/" 2>"$T/bob-out.err"
same "  with no message" "$(cat "$T/bob-out.err")" ""
check "  the documents are copied as alice copies them" \
	diff -r --no-dereference "$T/out/documents" "$T/bob-out/documents"
check "  the contacts" cmp -s "$T/card.vcf" "$T/bob-out/contacts/jeanne.vcf"
check "  the calendar" cmp -s "$T/ev.ics" "$T/bob-out/calendar/meeting.ics"
check "  what he dropped for alice" test -f "$T/bob-out/drop/alice/from-bob.txt"

# Back: into a fresh group of the same administrator, all she may write
# (not members/ and history/, which the store makes, nor the drop folders
# of members the new group does not have).
ctl alice group create Sales2 >/dev/null
FILTER=(--exclude=/members/ --exclude=/history/ --include=/drop/alice/
	--exclude='/drop/*')
check "rsync -aHX back into a fresh group exits 0" \
	as alice rsync -aHX "${FILTER[@]}" "$T/out/" "$M/Sales2/" 2>"$T/in.err"
same "with no message" "$(cat "$T/in.err")" ""
same "a second rsync -n finds nothing to change (user.groupfs.* aside)" \
	"$(as alice rsync -aHXn --itemize-changes --filter='-x user.groupfs.*' \
		"${FILTER[@]}" "$T/out/" "$M/Sales2/" 2>&1)" ""
check "diff -r finds the same content" \
	as alice diff -r --no-dereference "$T/out/documents" "$M/Sales2/documents"
check "  in the calendar" as alice diff -r "$T/out/calendar" "$M/Sales2/calendar"
check "  in the contacts" as alice diff -r "$T/out/contacts" "$M/Sales2/contacts"
check "  and alice's drop folder" as alice diff -r "$T/out/drop/alice" "$M/Sales2/drop/alice"
dump() { # user.* attributes but user.groupfs.* under $1, sorted
	as alice /usr/bin/python3 -c 'import os, sys
os.chdir(sys.argv[1])
for r, ds, fs in os.walk("."):
    for p in [r] + [os.path.join(r, n) for n in ds + fs]:
        for a in os.listxattr(p, follow_symlinks=False):
            if not a.startswith("user.groupfs."):
                print(p, a, os.getxattr(p, a, follow_symlinks=False))' "$1" | sort -u
}
same "the same user.* attributes" "$(dump "$M/Sales2/documents")" \
	"$(dump "$T/out/documents")"
same "  (four: a hard link shares its file's)" "$(dump "$T/out/documents" | wc -l)" 4
same "hard links stay linked in the group" \
	"$(as alice stat -c %i "$M/Sales2/documents/Quotes/q1.txt")" \
	"$(as alice stat -c %i "$M/Sales2/documents/Quotes/2024/q1-link.txt")"
same "modes come back" "$(as alice stat -c %a "$M/Sales2/documents/Quotes/big.bin" \
	"$M/Sales2/documents/Quotes/empty" "$M/Sales2/documents/Archive" | tr '\n' ' ')" \
	"640 600 555 "
same "times come back to the nanosecond" \
	"$(as alice stat -c %y "$M/Sales2/documents/Archive/old.txt")" \
	"$(stat -c %y "$T/out/documents/Archive/old.txt")"
same "bob's file is alice's in the new group" \
	"$(as alice getfattr --only-values -n user.groupfs.creator "$M/Sales2/documents/bob.txt")" alice
expect EPERM "a member may not set the group folder's times" \
	as bob "$PROBE" utimens "$S" 1000 0
expect EPERM "  nor drop/'s" as bob "$PROBE" utimens "$S/drop" 1000 0
expect OK "its administrator may (rsync -a into the group)" \
	as alice "$PROBE" utimens "$S" 1000 0
finish
