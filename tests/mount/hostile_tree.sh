#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile members against the tree's rules (issue "hostile members"):
# moving an item into a drop folder never makes it editable, RENAME_EXCHANGE
# stays within documents, a descriptor on the source of a save-pattern
# rename writes nothing its holder may not edit, hard links stay within one
# drop folder, the save pattern leaves other hard links alone, truncate past
# the largest file size is EFBIG, and the new version's user.* attributes
# answer through the source's inode.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
team alice Sales bob carol
for t in documents calendar; do
	ctl alice rights set Sales "$t" --add bob >/dev/null
	ctl alice rights set Sales "$t" --delete bob >/dev/null
done
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
C=$M/Sales/calendar
W=$M/Sales/drop
S=$T/src
mkdir "$S"
chmod 755 "$S"

ok() { expect OK "$@"; }
no() { expect EACCES "$@"; }
content() { as "$1" "$PROBE" read "$2" | sed '1s/^OK //'; }
field() { as alice "$PROBE" stat "$2" | awk -v f="$1" '{print $f}'; }
xget() { as "$1" "$PROBE" getxattr "$2" "$3" | sed '1s/^OK //'; }
creator() { xget carol "$1" user.groupfs.creator; }
ics() {
	printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//hostile//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270115T090000Z\r\nDTEND:20270115T100000Z\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" "$1" "$2"
}
pw() { as "$1" "$PROBE" write "$2" "$(cat "$3")"$'\n'; }

# A holder that failed to open leaves its pipe without a reader: the
# checks fail on its missing answers, and the script goes on.
trap '' PIPE

# ---- 3. delete + add never become edit through a drop folder ----
# An item of alice's is alice's content; bob may replace it (delete, add)
# with an item of his own, never rewrite it.
hers() { [ "$(creator "$1")" = bob ] || [ "$(content carol "$1")" = "$2" ]; }
ok "alice writes x.txt" as alice "$PROBE" write "$D/x.txt" original
no "bob (add, delete, no edit) cannot move it into carol's drop folder" \
	as bob "$PROBE" rename "$D/x.txt" "$W/carol/x.txt"
same "  x.txt is still in documents" "$(content carol "$D/x.txt")" original
no "nor into his own" as bob "$PROBE" rename "$D/x.txt" "$W/bob/x.txt"
# What the attack did next, should the move have worked:
as bob "$PROBE" write "$W/bob/x.txt" FORGED >/dev/null
as bob "$PROBE" rename "$W/bob/x.txt" "$D/x.txt" >/dev/null
check "  no x.txt of alice's holds bob's content" hers "$D/x.txt" original
ok "bob moves his own file into his drop folder" as bob "$PROBE" write "$D/b.txt" bob
ok "  and it moves" as bob "$PROBE" rename "$D/b.txt" "$W/bob/b.txt"
ok "  and back" as bob "$PROBE" rename "$W/bob/b.txt" "$D/b.txt"
ok "alice writes y.txt and names bob an editor" as alice "$PROBE" write "$D/y.txt" why
ctl alice rights editors Sales documents/y.txt bob >/dev/null
ok "bob (an editor) may move y.txt into his drop folder" \
	as bob "$PROBE" rename "$D/y.txt" "$W/bob/y.txt"
ok "  and back" as bob "$PROBE" rename "$W/bob/y.txt" "$D/y.txt"
same "  y.txt keeps its creator" "$(creator "$D/y.txt")" alice

ics ev-uid Original >"$S/ev.ics"
ics ev-uid FORGED >"$S/forged.ics"
chmod 644 "$S"/*.ics
ok "alice adds calendar/ev.ics" pw alice "$C/ev.ics" "$S/ev.ics"
no "bob cannot move alice's event into his drop folder" \
	as bob "$PROBE" rename "$C/ev.ics" "$W/bob/ev.ics"
pw bob "$W/bob/ev.ics" "$S/forged.ics" >/dev/null
as bob "$PROBE" rename "$W/bob/ev.ics" "$C/ev.ics" >/dev/null
check "  no event of alice's holds bob's content" \
	eval '[ "$(creator "$C/ev.ics")" = bob ] || content carol "$C/ev.ics" | grep -q SUMMARY:Original'
ics ev2-uid Original >"$S/ev2.ics"
chmod 644 "$S/ev2.ics"
ok "alice adds calendar/ev2.ics" pw alice "$C/ev2.ics" "$S/ev2.ics"

ok "carol drops c.txt into alice's drop folder" as carol "$PROBE" write "$W/alice/c.txt" carol
no "alice (owner) cannot pass carol's drop on to bob's drop folder" \
	as alice "$PROBE" rename "$W/alice/c.txt" "$W/bob/c.txt"
ok "  but sorts it within her own" as alice "$PROBE" mkdir "$W/alice/sorted"
ok "  (moved)" as alice "$PROBE" rename "$W/alice/c.txt" "$W/alice/sorted/c.txt"
ok "carol passes her own drop on to bob" as carol "$PROBE" write "$W/alice/c2.txt" two
ok "  (moved)" as carol "$PROBE" rename "$W/alice/c2.txt" "$W/bob/c2.txt"
check "groupctl check is clean after the moves" "$GROUPCTL" check

# ---- 4. RENAME_EXCHANGE: documents only ----
ok "alice writes documents/junk.ics" as alice "$PROBE" write "$D/junk.ics" garbage
expect EINVAL "exchange garbage with a calendar item" \
	as alice "$PROBE" rename "$D/junk.ics" "$C/ev2.ics" exchange
check "  the event is intact" grep -q "SUMMARY:Original" <(content carol "$C/ev2.ics")
ok "alice makes documents/dir" as alice "$PROBE" mkdir "$D/dir"
expect EINVAL "exchange a folder with a calendar item" \
	as alice "$PROBE" rename "$C/ev2.ics" "$D/dir" exchange
expect ENOTDIR "  no mkdir inside ev2.ics" as alice "$PROBE" mkdir "$C/ev2.ics/sub"
check "  ev2.ics is still a file" test "$(field 4 "$C/ev2.ics" | cut -c1-3)" = 100
ok "bob makes drop/bob/mine" as bob "$PROBE" mkdir "$W/bob/mine"
expect EINVAL "bob exchanges it with documents/dir" \
	as bob "$PROBE" rename "$W/bob/mine" "$D/dir" exchange
expect EINVAL "  or the other way round" as bob "$PROBE" rename "$D/dir" "$W/bob/mine" exchange
ok "  documents/dir answers" as carol "$PROBE" stat "$D/dir"
ok "  alice removes it" as alice "$PROBE" rmdir "$D/dir"
expect EINVAL "bob exchanges his drop folder with documents/b.txt" \
	as bob "$PROBE" rename "$W/bob" "$D/b.txt" exchange
ok "  drop/bob answers" as carol "$PROBE" stat "$W/bob"
ok "alice writes e1 and e2" as alice "$PROBE" write "$D/e1" one
as alice "$PROBE" write "$D/e2" two >/dev/null
ok "exchange within documents still works" as alice "$PROBE" rename "$D/e1" "$D/e2" exchange
same "  swapped" "$(content bob "$D/e1") $(content bob "$D/e2")" "two one"
no "bob (no edit on either) cannot exchange them" as bob "$PROBE" rename "$D/e1" "$D/e2" exchange
check "groupctl check is clean after the exchanges" "$GROUPCTL" check

# ---- 5. a descriptor on the source of a save-pattern rename ----
ok "alice writes doc.txt" as alice "$PROBE" write "$D/doc.txt" "alice's doc"
ok "alice writes tmp.txt" as alice "$PROBE" write "$D/tmp.txt" "new version"
ctl alice rights editors Sales documents/tmp.txt bob >/dev/null
hold bw bob "$D/tmp.txt" rw
ok "alice saves tmp.txt over doc.txt" as alice "$PROBE" rename "$D/tmp.txt" "$D/doc.txt"
same "  doc.txt holds the new version" "$(content carol "$D/doc.txt")" "new version"
same "bob's descriptor may not write into doc.txt" "$(hsend bw "write FORGED")" EACCES
unhold bw
same "  doc.txt is unchanged" "$(content carol "$D/doc.txt")" "new version"
ctl alice rights editors Sales documents/doc.txt bob >/dev/null
ok "alice writes tmp2.txt, bob an editor" as alice "$PROBE" write "$D/tmp2.txt" "third"
ctl alice rights editors Sales documents/tmp2.txt bob >/dev/null
hold bw2 bob "$D/tmp2.txt" rw
ok "alice saves it over doc.txt (bob edits doc.txt)" as alice "$PROBE" rename "$D/tmp2.txt" "$D/doc.txt"
same "  bob's descriptor writes: he may edit doc.txt" "$(hsend bw2 "write fourth")" OK
unhold bw2
same "  doc.txt holds bob's write" "$(content carol "$D/doc.txt")" fourth
check "groupctl check is clean after the saves" "$GROUPCTL" check

# ---- 8. hard links stay within one drop folder ----
ok "bob drops l.txt into alice's drop folder" as bob "$PROBE" write "$W/alice/l.txt" link
expect EXDEV "bob cannot link it into carol's drop folder" \
	as bob "$PROBE" link "$W/alice/l.txt" "$W/carol/l.txt"
expect ENOENT "  carol has no l.txt" as carol "$PROBE" stat "$W/carol/l.txt"
expect EXDEV "nor into his own" as bob "$PROBE" link "$W/alice/l.txt" "$W/bob/l.txt"
ok "bob links it within alice's drop folder" as bob "$PROBE" link "$W/alice/l.txt" "$W/alice/l2.txt"
same "  two links" "$(field 5 "$W/alice/l2.txt")" 2
ok "alice removes both" as alice "$PROBE" unlink "$W/alice/l.txt"
ok "  (the second)" as alice "$PROBE" unlink "$W/alice/l2.txt"
check "groupctl check is clean after the links" "$GROUPCTL" check

# ---- 9. the save pattern over a file with other hard links ----
ok "alice writes h.txt" as alice "$PROBE" write "$D/h.txt" old
ok "  links it as snap.txt" as alice "$PROBE" link "$D/h.txt" "$D/snap.txt"
i=$(field 2 "$D/h.txt")
ok "  writes .h.tmp" as alice "$PROBE" write "$D/.h.tmp" new
ok "  renames it over h.txt" as alice "$PROBE" rename "$D/.h.tmp" "$D/h.txt"
same "h.txt holds the new content" "$(content bob "$D/h.txt")" new
same "snap.txt keeps the old one" "$(content bob "$D/snap.txt")" old
same "  snap.txt is the old inode, one link" "$(field 2 "$D/snap.txt") $(field 5 "$D/snap.txt")" "$i 1"
check "  h.txt is another inode" test "$(field 2 "$D/h.txt")" != "$i"
check "groupctl check is clean after the snapshot" "$GROUPCTL" check

# ---- the save pattern's user.* through the source's inode ----
ok "alice writes s.txt with user.v=old" as alice "$PROBE" write "$D/s.txt" old
as alice "$PROBE" setxattr "$D/s.txt" user.v old >/dev/null
ok "a temp file with user.v=new" as alice "$PROBE" write "$D/.s.tmp" new
as alice "$PROBE" setxattr "$D/.s.tmp" user.v new >/dev/null
hold sr bob "$D/.s.tmp" r
ok "renamed over s.txt" as alice "$PROBE" rename "$D/.s.tmp" "$D/s.txt"
same "  the temp file's descriptor reads the new content" "$(hsend sr read)" "OK new"
same "  and the new version's user.v" "$(hsend sr "getxattr user.v")" "OK new"
unhold sr
same "s.txt's user.v" "$(xget bob "$D/s.txt" user.v)" new

# ---- 11. truncate past the largest file size ----
ok "alice writes t.txt" as alice "$PROBE" write "$D/t.txt" small
expect EFBIG "truncate to 2^63-1 bytes" as alice "$PROBE" truncate "$D/t.txt" 9223372036854775807
same "  t.txt unchanged" "$(content bob "$D/t.txt")" small
expect ENOSPC "truncate past the capacity (below the largest size): ENOSPC" \
	as alice "$PROBE" truncate "$D/t.txt" 1099511627776

check "groupctl check is clean" "$GROUPCTL" check
finish
