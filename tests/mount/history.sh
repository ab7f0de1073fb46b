#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# History (SPEC.md section 5): what a member deletes or overwrites is kept,
# whatever program did it, and another member recovers it with cp from the
# read-only <group>/history/ (trash/ mirrors the tools' paths; versions/
# lists earlier versions by time).  Drops stay private in history too; a
# removed member sees nothing; purging needs the delete right.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
user dave
team alice Sales bob carol dave
ctl alice group coadmin Sales dave
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
H=$M/Sales/history
ok() { expect OK "$@"; }
content() { as "$1" cat "$2"; }
list() { as "$1" ls "$2" | tr '\n' ' '; }

ctl alice rights set Sales documents --add --all-members >/dev/null
ctl alice rights set Sales documents --delete --all-members >/dev/null

# ---- rm -rf of a whole folder, undone by another member with cp ----
as bob mkdir -p "$D/proj/sub"
as bob sh -c "echo one > '$D/proj/a.txt'; echo two > '$D/proj/sub/b.txt'"
as bob mkdir "$D/proj/empty"
check "bob removes proj with rm -rf" as bob rm -rf "$D/proj"
same "history/ lists trash and versions" "$(list carol "$H")" "trash versions "
same "the trash mirrors the path" "$(list carol "$H/trash/documents/proj")" "a.txt empty sub "
check "carol restores the folder with cp -r" as carol cp -r "$H/trash/documents/proj" "$D/proj"
same "  a.txt is back" "$(content carol "$D/proj/a.txt")" "one"
same "  sub/b.txt is back" "$(content carol "$D/proj/sub/b.txt")" "two"
check "  the empty folder is back" as carol test -d "$D/proj/empty"
expect EROFS "the trash is read-only: no new file" as carol "$PROBE" write "$H/trash/documents/proj/new" x
expect EROFS "  no mkdir" as carol "$PROBE" mkdir "$H/trash/documents/x"
expect EROFS "  no write to an entry" as carol "$PROBE" write "$H/trash/documents/proj/a.txt" x
expect EROFS "  no rename out of it" as carol "$PROBE" rename "$H/trash/documents/proj/a.txt" "$D/a.txt"
expect EROFS "  no mkdir in history/" as carol "$PROBE" mkdir "$H/x"

# ---- a name deleted several times shows each, by deletion time ----
for i in 1 2 3; do
	as bob sh -c "echo v$i > '$D/n.txt'"
	as bob rm "$D/n.txt"
done
names=$(list carol "$H/trash/documents" | tr ' ' '\n' | grep '^n\.txt' | tr '\n' ' ')
same "three deletions of n.txt show" "$(echo "$names" | wc -w)" "3"
same "  the latest under its own name" "$(content carol "$H/trash/documents/n.txt")" "v3"
first=$(echo "$names" | tr ' ' '\n' | grep @ | sed -n 1p)
same "  the earliest by its time" "$(content carol "$H/trash/documents/$first")" "v1"
mkdir -m 777 "$T/copy"
check "  rsync copies them all" as carol rsync -r "$H/trash/documents/" "$T/copy/"
same "  with their names" "$(ls "$T/copy" | grep -c '^n\.txt')" "3"

# ---- versions: editor overwrite, save pattern, O_TRUNC ----
as bob sh -c "echo first > '$D/doc.txt'"
as bob sh -c "echo second > '$D/doc.txt'"      # O_TRUNC
as bob sh -c "echo third > '$D/doc.tmp' && mv '$D/doc.tmp' '$D/doc.txt'"  # save pattern
as bob sh -c "echo fourth >> '$D/doc.txt'"     # in place
v=$(list carol "$H/versions/documents/doc.txt")
same "one version per save" "$(echo $v | wc -w)" "3"
set -- $v
same "  the first save" "$(content carol "$H/versions/documents/doc.txt/$1")" "first"
same "  the second" "$(content carol "$H/versions/documents/doc.txt/$2")" "second"
same "  the third" "$(content carol "$H/versions/documents/doc.txt/$3")" "third"
check "  named by time with the extension" sh -c "echo '$1' | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{6}Z\.txt$'"
check "bob puts the first back with cp" as bob cp "$H/versions/documents/doc.txt/$1" "$D/doc.txt"
same "  it reads first" "$(content alice "$D/doc.txt")" "first"

# ---- drops: in history only their owner and their depositor ----
DR=$M/Sales/drop
as bob sh -c "echo secret > '$DR/alice/b.txt'"
as bob rm "$DR/alice/b.txt"
same "bob (depositor) sees his deleted drop" "$(content bob "$H/trash/drop/alice/b.txt")" "secret"
same "alice (owner) sees it" "$(content alice "$H/trash/drop/alice/b.txt")" "secret"
expect ENOENT "carol does not" as carol "$PROBE" read "$H/trash/drop/alice/b.txt"
same "  nor its folder" "$(list carol "$H/trash/drop")" ""
expect ENOENT "dave (co-administrator) does not" as dave "$PROBE" stat "$H/trash/drop/alice/b.txt"
same "  groupctl history list hides it from carol" "$(ctl carol history list Sales drop | grep -c b.txt || true)" "0"
same "  and shows it to bob" "$(ctl bob history list Sales drop | grep -c b.txt)" "1"

# ---- purge: unlink inside the trash needs delete on the folder ----
as bob mkdir "$D/locked"
as bob sh -c "echo x > '$D/locked/f.txt'"
as bob rm "$D/locked/f.txt"
ctl alice rights set Sales documents/locked --delete --none >/dev/null
expect EACCES "bob may not purge what came from a folder he may not delete in" as bob "$PROBE" unlink "$H/trash/documents/locked/f.txt"
same "  it is still there" "$(content carol "$H/trash/documents/locked/f.txt")" "x"
check "groupctl history purge refuses bob too" sh -c "! $GROUPCTL --as bob history purge Sales documents/locked 2>/dev/null"
ok "dave (co-administrator) always may" as dave "$PROBE" unlink "$H/trash/documents/locked/f.txt"
expect ENOENT "  gone for good" as carol "$PROBE" stat "$H/trash/documents/locked/f.txt"
as bob sh -c "echo y > '$D/g.txt'" && as bob rm "$D/g.txt"
ok "bob purges from a folder where he may delete" as bob "$PROBE" unlink "$H/trash/documents/g.txt"

# ---- an entry purged while its file is open leaves the file open ----
mkdir -m 777 "$T/hold"
as bob sh -c "head -c 100000 /dev/zero | tr '\\0' b > '$D/big.txt'; echo start > '$D/w.txt'"
as bob bash -c "exec 3<'$D/big.txt' 4>>'$D/w.txt'; touch '$T/hold/held'
	while [ ! -e '$T/hold/purged' ]; do sleep 0.1; done
	wc -c <&3 >'$T/hold/wc' 2>&1; echo more >&4 && echo ok >'$T/hold/wrote'" &
holder=$!
for _ in $(seq 100); do [ -e "$T/hold/held" ] && break; sleep 0.1; done
as carol rm "$D/big.txt" "$D/w.txt"
check "groupctl history purge of big.txt, open in bob's shell" ctl alice history purge Sales documents/big.txt
check "  and of w.txt, open for appending" ctl alice history purge Sales documents/w.txt
touch "$T/hold/purged"
wait $holder
same "bob still reads all of big.txt through his descriptor" "$(cat "$T/hold/wc")" "100000"
same "the writer still appends to w.txt" "$(cat "$T/hold/wrote" 2>/dev/null)" "ok"

# ---- a removed member sees nothing ----
ctl alice group remove Sales carol >/dev/null
expect ENOENT "carol, removed, sees no history" as carol "$PROBE" stat "$H/trash"
check "  nor through groupctl" sh -c "! $GROUPCTL --as carol history list Sales >/dev/null 2>&1"

# ---- calendar: the client's save over an item keeps a version ----
C=$M/Sales/calendar
ev() { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:ev1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260102T100000Z\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' "$1"; }
ctl alice rights set Sales calendar --add --all-members >/dev/null
ev Lunch > "$T/ev1.ics"; ev Dinner > "$T/ev2.ics"; chmod 644 "$T"/ev*.ics
as bob cp "$T/ev1.ics" "$C/ev.ics"
as bob sh -c "cp '$T/ev2.ics' '$C/ev.icsXXtmp' && mv '$C/ev.icsXXtmp' '$C/ev.ics'"
v=$(as bob ls "$H/versions/calendar/ev.ics")
same "the calendar item has its earlier version" "$(as bob cat "$H/versions/calendar/ev.ics/$v" | grep -c Lunch)" "1"
check "  named .ics" sh -c "echo '$v' | grep -q '\.ics$'"

# ---- groupctl history: list --json, restore, refusals ----
as bob sh -c "echo r > '$D/r.txt'" && as bob rm "$D/r.txt"
check "history list --json names it" sh -c "$GROUPCTL --as bob --json history list Sales documents/r.txt | python3 -c 'import json,sys; e=json.load(sys.stdin); assert e[0][\"path\"]==\"trash/documents/r.txt\" and e[0][\"origin\"]==\"documents/r.txt\" and e[0][\"kind\"]==\"deleted\" and e[0][\"by\"]==\"bob\", e'"
check "bob restores r.txt" ctl bob history restore Sales trash/documents/r.txt
same "  it is back" "$(content bob "$D/r.txt")" "r"
as bob sh -c "echo r2 > '$D/r.txt'" && as bob rm "$D/r.txt"
as bob sh -c "echo r3 > '$D/r.txt'"
check "restore over a live name is refused" sh -c "! $GROUPCTL --as bob history restore Sales documents/r.txt 2>$T/err"
check "  naming the rule" grep -q "exists" "$T/err"
as bob rm -rf "$D/proj"
check "restore of a whole folder" ctl dave history restore Sales trash/documents/proj
same "  its files are back" "$(content bob "$D/proj/sub/b.txt")" "two"
check "  and its empty folder" as bob test -d "$D/proj/empty"
ver=$(ctl bob history list Sales versions/documents/doc.txt | awk 'NR==3 {print $NF}')
check "bob makes an earlier version current" ctl bob history restore Sales "$ver"
same "  doc.txt holds it" "$(content bob "$D/doc.txt")" "second"

# ---- retention: administrator only; 0 keeps nothing ----
check "bob may not set --keep-days" sh -c "! $GROUPCTL --as bob group edit Sales --keep-days 5 2>$T/err"
check "  the refusal names the rule" grep -q "only the administrator" "$T/err"
check "alice sets --keep-versions 1" ctl alice group edit Sales --keep-versions 1
same "  one version left of doc.txt" "$(list bob "$H/versions/documents/doc.txt" | wc -w)" "1"
check "alice sets --keep-days 0" ctl alice group edit Sales --keep-days 0
same "  the trash is empty" "$(list bob "$H/trash")" ""
as bob sh -c "echo z > '$D/z.txt'" && as bob rm "$D/z.txt"
same "  and keeps nothing new" "$(list bob "$H/trash")" ""
ctl alice group edit Sales --keep-days 30 >/dev/null

# ---- Private has its own history, for its owner ----
P=$M/Private
as bob sh -c "echo mine > '$P/documents/p.txt'" && as bob rm "$P/documents/p.txt"
same "bob's Private history keeps his file" "$(content bob "$P/history/trash/documents/p.txt")" "mine"
check "  groupctl history list Private" sh -c "$GROUPCTL --as bob history list Private | grep -q trash/documents/p.txt"

# ---- the shared mailbox: an expunged message is kept too ----
printf 'From: a@example.org\nSubject: hello\n\nbody\n' | "$GROUPCTL" mail deliver Sales >/dev/null
msg=$(as alice ls "$M/Sales/mail/new" | sed -n 1p)
check "alice (administrator) expunges the message" as alice rm "$M/Sales/mail/new/$msg"
same "  it is in history/trash/mail/new/" "$(as dave cat "$H/trash/mail/new/$msg" | grep -c body)" "1"

# ---- history with no content bytes counts too, and gives way ----
histbytes() {
	ctl alice --json usage | python3 -c '
import json, sys
print([u["history"] for u in json.load(sys.stdin) if u["name"] == "Sales"][0])'
}
ctl alice history purge Sales >/dev/null
same "an empty history holds nothing" "$(histbytes)" "0"
long=$(head -c 3000 /dev/zero | tr '\0' t)
as bob mkdir "$D/links"
for i in $(seq 20); do as bob ln -s "$long" "$D/links/l$i"; done
as bob rm -r "$D/links"
for i in $(seq 30); do as bob mkdir "$D/m$i" && as bob rmdir "$D/m$i"; done
check "20 deleted links of 3000 bytes and 31 folders count in HISTORY" test "$(histbytes)" -ge $((20 * 3000 + 51 * 2048))
ctl alice history purge Sales >/dev/null
same "  purged: nothing" "$(histbytes)" "0"
check "  groupctl check: no history folder left behind" "$GROUPCTL" check

check "groupctl check finds no damage" "$GROUPCTL" check
finish
