#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Calendar and contact items (vdir layout): what a client writes is kept
# byte for byte; an .ics/.vcf is checked at close, fsync, rename or link
# and refused with EINVAL (EEXIST for a UID already used) leaving the old
# version; the clients' atomic writers work; scratch and metadata files
# are plain files; rights per tool and per item; the bytes count.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
user alice pro
user bob
user carol
team alice Sales bob carol
M=$T/mnt
mount_fs "$M" -o allow_other
C=$M/Sales/calendar
K=$M/Sales/contacts
S=$T/src
mkdir "$S"

# ics UID [SUMMARY [KIND]]: one VEVENT (or VTODO) in a VCALENDAR, CRLF.
ics() {
	local kind=${3:-VEVENT} when='DTSTART:20270115T090000Z\r\nDTEND:20270115T100000Z'
	[ "$kind" = VTODO ] && when='DUE:20270115T100000Z'
	printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//pim//EN\r\nBEGIN:$kind\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n$when\r\nSUMMARY:%s\r\nEND:$kind\r\nEND:VCALENDAR\r\n" "$1" "${2:-Meeting}"
}
vcf() {
	printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:%s Doe\r\nN:Doe;%s;;;\r\nEMAIL:%s@example.com\r\nEND:VCARD\r\n' "$1" "$2" "$2" "$1"
}
# pw ACCOUNT PATH FILE: probe write of FILE's exact bytes (then fsync, close).
pw() { as "$1" "$PROBE" write "$2" "$(cat "$3")"$'\n'; }
ino() { as "${3:-alice}" "$PROBE" stat "$2/$1" | awk '{print $2}'; }
gone() { [ "$(as alice "$PROBE" stat "$1" | awk '{print $1}')" = ENOENT ]; }
# used GROUP: the exact bytes in use, from groupctl.
used() {
	ctl alice --json usage "$1" | "$PY" -c '
import json, sys
print([u["used"] for u in json.load(sys.stdin) if u["name"] == sys.argv[1]][0])' "$1"
}

ics a-uid Kickoff >"$S/a.ics"
ics a-uid "Kickoff moved" >"$S/a2.ics"
ics b-uid Review >"$S/b.ics"
ics e-uid "Planning session for the whole quarter" >"$S/e.ics"
ics f-uid "Planning session for the whole quarter" >"$S/f.ics"
ics f-uid Plan >"$S/f2.ics"
ics n-uid New >"$S/n.ics"
ics c-uid Retro >"$S/c.ics"
ics t-uid "File the report" VTODO >"$S/todo.ics"
ics a-uid Clash >"$S/dup.ics"
vcf ann Ann >"$S/ann.vcf"
vcf ben Ben >"$S/ben.vcf"
vcf ann "Ann B" >"$S/ann2.vcf"
vcf carol Carol >"$S/carol.vcf"
vcf dee Dee >"$S/dee.vcf"
# Odd but valid bytes a parser would rewrite: LF ends, lower-case names,
# an X- property, a folded line, a trailing blank line.
printf 'BEGIN:VCALENDAR\nversion:2.0\nPRODID:-//odd//EN\nBEGIN:VEVENT\nUID:odd-uid\nDTSTAMP:20260101T000000Z\ndtstart:20270116T090000Z\nDTEND:20270116T100000Z\nX-ODD-PROP;X-P="a;b":keep   three spaces\nDESCRIPTION:a long line that is fol\n ded here\nEND:VEVENT\nEND:VCALENDAR\n\n' >"$S/odd.ics"
# A recurring event with an override and its VTIMEZONE: one item.
cat >"$S/rec.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//pim//EN
BEGIN:VTIMEZONE
TZID:Europe/Brussels
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:rec-uid
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Brussels:20270104T100000
DTEND;TZID=Europe/Brussels:20270104T110000
RRULE:FREQ=WEEKLY;COUNT=5
SUMMARY:Weekly
END:VEVENT
BEGIN:VEVENT
UID:rec-uid
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Brussels:20270111T100000
DTSTART;TZID=Europe/Brussels:20270111T140000
DTEND;TZID=Europe/Brussels:20270111T150000
SUMMARY:Weekly (moved)
END:VEVENT
END:VCALENDAR
EOF
printf 'this is not a calendar\n' >"$S/junk"
ics x-uid X | sed 's/END:VCALENDAR/END:VCALENDA/' >"$S/trunc.ics"
{ ics two-1 One | sed '/END:VCALENDAR/d'; ics two-2 Two | sed '1,3d'; } >"$S/two.ics"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No End\r\n' >"$S/bad.vcf"
chmod 644 "$S"/*

# ---- valid items, every way clients write them, read back byte for byte ----
check "cp creates an event" as alice cp "$S/a.ics" "$C/a.ics"
check "... read back byte for byte" as bob cmp "$S/a.ics" "$C/a.ics"
check "cp creates another" as alice cp "$S/b.ics" "$C/b.ics"
# The shell opens, dup2()s and closes the first descriptor before echo
# writes: that close is not the file's last.
check "echo > creates an event" as alice bash -c 'echo "$(cat "$1")" >"$2"' _ "$S/e.ics" "$C/e.ics"
check "... read back byte for byte" as bob cmp "$S/e.ics" "$C/e.ics"
check "cp creates a third" as alice cp "$S/f.ics" "$C/f.ics"
check "echo > replaces it by a shorter version" \
	as alice bash -c 'echo "$(cat "$1")" >"$2"' _ "$S/f2.ics" "$C/f.ics"
check "... read back byte for byte" as bob cmp "$S/f2.ics" "$C/f.ics"
check "odd but valid bytes are kept as written" as alice cp "$S/odd.ics" "$C/odd.ics"
check "... byte for byte" as bob cmp "$S/odd.ics" "$C/odd.ics"
check "a recurring event with an override and a VTIMEZONE is one item" \
	as alice cp "$S/rec.ics" "$C/rec.ics"
check "... byte for byte" as bob cmp "$S/rec.ics" "$C/rec.ics"
check "a VTODO is accepted" as alice cp "$S/todo.ics" "$C/todo.ics"
check "... byte for byte" as bob cmp "$S/todo.ics" "$C/todo.ics"
check "cp creates a contact" as alice cp "$S/ann.vcf" "$K/ann.vcf"
check "... byte for byte" as bob cmp "$S/ann.vcf" "$K/ann.vcf"
same "stat size is the written size" "$(as bob stat -c %s "$C/a.ics")" "$(stat -c %s "$S/a.ics")"

# Update (vdirsyncer, khal, khard): temp file written and fsynced, renamed
# over the item, folder fsynced.  The item keeps its inode.
i0=$(ino a.ics "$C")
check "temp file written" as alice cp "$S/a2.ics" "$C/tmpQ3x7Vb9Z"
expect OK "temp file fsynced" as alice "$PROBE" fsync "$C/tmpQ3x7Vb9Z"
expect OK "renamed over the item" as alice "$PROBE" rename "$C/tmpQ3x7Vb9Z" "$C/a.ics"
expect OK "folder fsynced" as alice "$PROBE" fsync "$C"
check "the update reads back byte for byte" as bob cmp "$S/a2.ics" "$C/a.ics"
same "the item keeps its inode" "$(ino a.ics "$C")" "$i0"
check "the temp name is gone" gone "$C/tmpQ3x7Vb9Z"
# Create: temp file hard-linked to the new name, then unlinked.
check "temp file for a new item" as alice cp "$S/c.ics" "$C/tmp8Hk2LmQw"
expect OK "... fsynced" as alice "$PROBE" fsync "$C/tmp8Hk2LmQw"
expect OK "... linked to its name" as alice "$PROBE" link "$C/tmp8Hk2LmQw" "$C/c.ics"
expect OK "... temp unlinked" as alice "$PROBE" unlink "$C/tmp8Hk2LmQw"
expect OK "... folder fsynced" as alice "$PROBE" fsync "$C"
check "the new item reads back byte for byte" as bob cmp "$S/c.ics" "$C/c.ics"
# The same for a contact, with a NAME.vcfXXXXXXXX and a *.tmp temp name.
check "contact temp file (NAME.vcfXXXXXXXX)" as alice cp "$S/ben.vcf" "$K/ben.vcfA1b2C3d4"
expect OK "... fsynced" as alice "$PROBE" fsync "$K/ben.vcfA1b2C3d4"
expect OK "... linked into place" as alice "$PROBE" link "$K/ben.vcfA1b2C3d4" "$K/ben.vcf"
expect OK "... unlinked" as alice "$PROBE" unlink "$K/ben.vcfA1b2C3d4"
check "... reads back" as bob cmp "$S/ben.vcf" "$K/ben.vcf"
i0=$(ino ann.vcf "$K")
check "contact update via a *.tmp name" as alice cp "$S/ann2.vcf" "$K/ann.vcf.tmp"
expect OK "... renamed over it" as alice "$PROBE" rename "$K/ann.vcf.tmp" "$K/ann.vcf"
check "... reads back" as bob cmp "$S/ann2.vcf" "$K/ann.vcf"
same "... same inode" "$(ino ann.vcf "$K")" "$i0"

# ---- invalid items are refused; the old version stays, a new name goes ----
out=$(as alice cp "$S/junk" "$C/new.ics" 2>&1) && fail "cp of garbage to a new .ics succeeded" ||
	check "cp of garbage to a new .ics fails with EINVAL" grep -q 'Invalid argument' <<<"$out"
check "... and the new name does not exist" gone "$C/new.ics"
expect OK "... and can be created at once" pw alice "$C/new.ics" "$S/n.ics"
u0=$(used Sales)
i0=$(ino a.ics "$C")
out=$(as alice cp "$S/junk" "$C/a.ics" 2>&1) && fail "cp of garbage over an item succeeded" ||
	check "cp of garbage over an item fails with EINVAL" grep -q 'Invalid argument' <<<"$out"
check "... the item is intact" as bob cmp "$S/a2.ics" "$C/a.ics"
same "... with its inode" "$(ino a.ics "$C")" "$i0"
# The shell ignores close(2)'s error: only the effect can be checked.
as alice bash -c 'echo garbage >"$1"' _ "$C/echo.ics" || :
check "echo garbage > new.ics leaves no item" gone "$C/echo.ics"
as alice bash -c 'echo garbage >"$1"' _ "$C/b.ics" || :
check "echo garbage > item leaves the item intact" as bob cmp "$S/b.ics" "$C/b.ics"
expect EINVAL "garbage written and fsynced: EINVAL" as alice "$PROBE" write "$C/b.ics" garbage
check "... the item is intact" as bob cmp "$S/b.ics" "$C/b.ics"
expect EINVAL "a truncated VCALENDAR is refused" pw alice "$C/t.ics" "$S/trunc.ics"
expect EINVAL "two VEVENTs with different UIDs in one file are refused" \
	pw alice "$C/two.ics" "$S/two.ics"
check "... and leave no item" gone "$C/two.ics"
expect EINVAL "a VCARD in calendar/ is refused" pw alice "$C/card.ics" "$S/ann.vcf"
expect EINVAL "a VCALENDAR in contacts/ is refused" pw alice "$K/ev.vcf" "$S/c.ics"
expect EINVAL "a VCARD without END is refused" pw alice "$K/bad.vcf" "$S/bad.vcf"
expect EINVAL "garbage over a contact is refused" as alice "$PROBE" write "$K/ben.vcf" garbage
check "... the contact is intact" as bob cmp "$S/ben.vcf" "$K/ben.vcf"
expect EINVAL "truncate(2) of an item to a non-item is refused" as alice "$PROBE" truncate "$C/c.ics" 10
check "... the item is intact" as bob cmp "$S/c.ics" "$C/c.ics"
# Renamed or linked into place.
check "a garbage temp file is accepted (scratch)" as alice cp "$S/junk" "$C/tmpGarbage1"
i0=$(ino a.ics "$C")
expect EINVAL "garbage renamed over an item: EINVAL" as alice "$PROBE" rename "$C/tmpGarbage1" "$C/a.ics"
check "... the item is intact" as bob cmp "$S/a2.ics" "$C/a.ics"
same "... same inode" "$(ino a.ics "$C")" "$i0"
check "... the temp file is still there" as alice cmp "$S/junk" "$C/tmpGarbage1"
expect EINVAL "garbage renamed to a new item name: EINVAL" as alice "$PROBE" rename "$C/tmpGarbage1" "$C/r.ics"
check "... no item" gone "$C/r.ics"
expect EINVAL "garbage linked to an item name: EINVAL" as alice "$PROBE" link "$C/tmpGarbage1" "$C/l.ics"
check "... no item" gone "$C/l.ics"
check "a garbage *.tmp in contacts is accepted" as alice cp "$S/junk" "$K/x.tmp"
expect EINVAL "... linked to a .vcf: EINVAL" as alice "$PROBE" link "$K/x.tmp" "$K/x.vcf"
check "... no contact" gone "$K/x.vcf"
same "refused items added no bytes (scratch files aside)" "$(used Sales)" \
	"$((u0 + $(stat -c %s "$S/junk") * 2))"

# ---- one UID per calendar ----
expect EEXIST "a second item with a used UID is refused" \
	pw alice "$C/dup.ics" "$S/dup.ics"
check "... and leaves no item" gone "$C/dup.ics"
check "dup UID temp file" as alice cp "$S/dup.ics" "$C/tmpDupUid00"
expect EEXIST "... linked to a new name: EEXIST" as alice "$PROBE" link "$C/tmpDupUid00" "$C/dup.ics"
expect EEXIST "... renamed to a new name: EEXIST" as alice "$PROBE" rename "$C/tmpDupUid00" "$C/dup.ics"
expect OK "... renamed over the item with that UID: allowed" \
	as alice "$PROBE" rename "$C/tmpDupUid00" "$C/a.ics"
check "... which now holds it" as bob cmp "$S/dup.ics" "$C/a.ics"
expect EEXIST "a used UID written over another item is refused" \
	pw alice "$C/b.ics" "$S/dup.ics"
check "... which stays" as bob cmp "$S/b.ics" "$C/b.ics"
expect OK "the same UID in another calendar (Private) is fine" \
	pw alice "$M/Private/calendar/a.ics" "$S/a.ics"
expect OK "a renamed item keeps its UID without clashing with itself" \
	as alice "$PROBE" rename "$C/c.ics" "$C/c2.ics"
expect OK "a removed item's UID is free again" as alice "$PROBE" unlink "$C/c2.ics"
expect OK "... and can be used by a new item" pw alice "$C/c3.ics" "$S/c.ics"

# ---- vdir metadata and scratch files are plain files; no folders ----
for f in color displayname description order; do
	expect OK "metadata file $f written" as alice "$PROBE" write "$C/$f" "#ff0000 not an item"
	same "... and kept" "$(as bob cat "$C/$f")" "#ff0000 not an item"
done
expect OK "displayname in contacts" as alice "$PROBE" write "$K/displayname" "Sales people"
expect OK "a scratch tmpXXXXXXXX with garbage" as alice "$PROBE" write "$C/tmpAbCdEfGh" junk
expect OK "a scratch NAME.icsXXXXXXXX with garbage" as alice "$PROBE" write "$C/z.icsAbCdEfGh" junk
expect OK "a scratch *.tmp with garbage" as alice "$PROBE" write "$C/z.ics.tmp" junk
same "scratch content kept" "$(as bob cat "$C/z.icsAbCdEfGh")" junk
expect EPERM "mkdir in a calendar" as alice "$PROBE" mkdir "$C/sub"
expect EPERM "mkdir in contacts" as alice "$PROBE" mkdir "$K/sub"
expect EPERM "mkdir in Private/calendar" as alice "$PROBE" mkdir "$M/Private/calendar/sub"
expect EINVAL "Private/contacts checks items too" as alice "$PROBE" write "$M/Private/contacts/j.vcf" junk
expect OK "Private/contacts takes a contact" pw alice "$M/Private/contacts/a.vcf" "$S/ann.vcf"

# ---- rights: add/delete per tool, edit per item ----
expect EACCES "bob without add cannot create an event" pw bob "$C/bob.ics" "$S/c.ics"
out=$(as bob cp "$S/c.ics" "$C/bob.ics" 2>&1) && fail "bob's cp succeeded" ||
	check "... nor with cp (Permission denied)" grep -q 'Permission denied' <<<"$out"
expect EACCES "... nor a temp file" as bob "$PROBE" write "$C/tmpBobBob12" x
ctl alice rights set Sales calendar --add bob
ics bob-uid "Bob's" >"$S/bob.ics"
ics bob-uid "Bob's v2" >"$S/bob2.ics"
ics bobn-uid "Bob's new" >"$S/bobn.ics"
expect OK "with calendar add bob creates an event" pw bob "$C/bob.ics" "$S/bob.ics"
expect OK "... the clients' way: a temp file" pw bob "$C/tmpBobNew01" "$S/bobn.ics"
expect OK "... linked to its name" as bob "$PROBE" link "$C/tmpBobNew01" "$C/bobn.ics"
expect OK "... the temp unlinked (bob has add, not delete)" as bob "$PROBE" unlink "$C/tmpBobNew01"
expect OK "... and edits his own" pw bob "$C/bob.ics" "$S/bob2.ics"
expect EACCES "... but not alice's" pw bob "$C/b.ics" "$S/b.ics"
expect OK "bob's temp file" pw bob "$C/tmpBobBob12" "$S/b.ics"
expect EACCES "... renamed over alice's item: EACCES" as bob "$PROBE" rename "$C/tmpBobBob12" "$C/b.ics"
check "... alice's item intact" as bob cmp "$S/b.ics" "$C/b.ics"
expect EACCES "the administrator cannot edit bob's item" pw alice "$C/bob.ics" "$S/bob.ics"
expect EACCES "bob without delete cannot unlink his item" as bob "$PROBE" unlink "$C/bob.ics"
expect EACCES "calendar add is not contacts add" pw bob "$K/bob.vcf" "$S/ben.vcf"
ctl bob rights editors Sales calendar/bob.ics carol
expect OK "an editor bob named edits his item" pw carol "$C/bob.ics" "$S/bob.ics"
expect EACCES "... alice, not named, still cannot" pw alice "$C/bob.ics" "$S/bob2.ics"
expect EACCES "carol cannot create (no add)" pw carol "$C/carol.ics" "$S/c.ics"
ctl alice rights set Sales contacts --add --all-members
expect OK "contacts add for all members: carol adds a contact" \
	pw carol "$K/carol.vcf" "$S/carol.vcf"
expect EACCES "... she cannot delete one" as carol "$PROBE" unlink "$K/carol.vcf"
ctl alice rights set Sales calendar --delete bob
expect OK "with calendar delete bob unlinks an item" as bob "$PROBE" unlink "$C/bob.ics"
expect EACCES "contacts delete is separate" as bob "$PROBE" unlink "$K/carol.vcf"
expect OK "the administrator deletes carol's contact" as alice "$PROBE" unlink "$K/carol.vcf"

# ---- calendar and contact bytes count toward the group's usage ----
sz() { stat -c %s "$1"; }
u0=$(used Sales)
expect OK "a contact added" pw alice "$K/dee.vcf" "$S/dee.vcf"
same "usage grows by the contact's bytes" "$(used Sales)" "$((u0 + $(sz "$S/dee.vcf")))"
expect OK "an event replaced by a longer version" pw alice "$C/a.ics" "$S/a2.ics"
same "usage follows the new size" "$(used Sales)" \
	"$((u0 + $(sz "$S/dee.vcf") + $(sz "$S/a2.ics") - $(sz "$S/dup.ics")))"
expect OK "a to-do removed" as alice "$PROBE" unlink "$C/todo.ics"
same "usage shrinks by its bytes" "$(used Sales)" \
	"$((u0 + $(sz "$S/dee.vcf") + $(sz "$S/a2.ics") - $(sz "$S/dup.ics") - $(sz "$S/todo.ics")))"

umount_fs "$M"
check "groupctl check is clean" "$GROUPCTL" check
finish
