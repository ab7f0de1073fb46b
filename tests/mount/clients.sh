#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real vdir clients from Debian (packages khal, khard, vdirsyncer) on a
# group's calendar and contacts, run non-interactively as members with
# their own HOME and config files.  They write through the atomic pattern
# of python3-atomicwrites: a tmpXXXXXXXX file (mode 0600) written and
# fsynced, then hard-linked to NAME.ics and unlinked (create) or renamed
# over it (update), then the folder fsynced; they delete with unlink.
. "$(dirname "$0")/lib.sh"

if ! command -v khal >/dev/null || ! command -v khard >/dev/null ||
	! command -v vdirsyncer >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q khal khard vdirsyncer >&2 ||
		{ echo "khal, khard or vdirsyncer missing and not installable"; exit 77; }
fi
user alice pro
user bob
ctl alice group create Sales >/dev/null
ctl alice group invite Sales bob
ctl bob invitation accept Sales
# bob may add (not delete) in both tools: what a plain member with add
# may do must work with the clients; delete comes later.
ctl alice rights set Sales calendar --add bob
ctl alice rights set Sales contacts --add bob
M=$T/mnt
mount_fs "$M" -o allow_other
C=$M/Sales/calendar
K=$M/Sales/contacts
S=$T/src
mkdir "$S"

# cl ACCOUNT COMMAND...: a client run as ACCOUNT in a clean environment.
cl() {
	local who=$1
	shift
	as "$who" env -i HOME="$T/$who" PATH=/usr/bin:/bin LANG=C.UTF-8 TZ=UTC "$@"
}
has() { grep -Eq "$1" <<<"$2"; }
hasi() { grep -Eqi "$1" <<<"$2"; }
# run COMMAND...: its output in $out, its status in $rc.
run() { rc=0; out=$("$@" 2>&1) || rc=$?; }
no() { ! "$@"; }
count() { as alice find "$1" -maxdepth 1 -name "*$2" | wc -l; }
uids() { as "$1" sh -c 'cat "$0"/*.ics 2>/dev/null' "$2" | tr -d '\r' | grep '^UID:' | sort || :; }
ino() { as alice stat -c %i "$1" || :; }
for u in alice bob; do
	mkdir -p "$T/$u/.config/khal" "$T/$u/.config/khard" "$T/$u/.config/vdirsyncer"
	cat >"$T/$u/.config/khal/config" <<EOF
[calendars]
[[sales]]
path = $C
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
default_timezone = UTC
local_timezone = UTC
[default]
default_calendar = sales
EOF
	cat >"$T/$u/.config/khard/khard.conf" <<EOF
[addressbooks]
[[sales]]
path = $K
[general]
editor = /bin/false
merge_editor = /bin/false
[vcard]
preferred_version = 3.0
EOF
	chown -R "${UNIX[$u]}" "$T/$u"
done

# ---- khal: new, list, edit (khal edit answering on stdin), delete ----
# khal new writes UID.ics (tmp file, fsync, link, unlink, fsync folder).
run cl bob khal new -a sales 2027-03-10 09:00 10:00 "Budget review" :: "bring the numbers"
check "khal new creates an event (exit 0)" test "$rc" = 0
[ "$rc" = 0 ] || say "# khal new: $(tail -n 1 <<<"$out")"
same "... one .ics in the group calendar" "$(count "$C" .ics)" 1
check "... no temp file left (bob has add, not delete)" no has tmp "$(as alice ls "$C")"
ev=$(as alice find "$C" -name '*.ics' | head -n 1) || :
check "... alice reads bob's 0600 file: SUMMARY" has '^SUMMARY:Budget review' "$(as alice cat "$ev")"
check "khal new reported nothing wrong" no has 'rror|arning|rit' "$out"
check "khal list shows it to bob" has '09:00-10:00 Budget review' "$(cl bob khal list 2027-03-10 1d 2>&1)"
check "... and to alice, from her own khal" has '09:00-10:00 Budget review' "$(cl alice khal list 2027-03-10 1d 2>&1)"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:alice-1@example.org\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270311T140000Z\r\nDTEND:20270311T150000Z\r\nSUMMARY:Alice planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$S/alice1.ics"
chmod 644 "$S/alice1.ics"
check "alice copies an event into the calendar" as alice cp "$S/alice1.ics" "$C/alice1.ics"
check "bob's khal lists it" has '14:00-15:00 Alice planning' "$(cl bob khal list 2027-03-10 2d 2>&1)"
printf 's\nAlice hijacked\nn\n' | cl bob khal edit "Alice planning" >/dev/null 2>&1 || :
check "khal edit of alice's event changes nothing (bob: no edit, no delete)" \
	as alice cmp "$S/alice1.ics" "$C/alice1.ics"
# khal edit: s(ummary) and l(ocation), then n(o more edits); khal saves
# through a temp file renamed over the item.
i0=$(ino "$ev")
printf 's\nBudget final\nl\nRoom 4\nn\n' | cl bob khal edit "Budget review" >/dev/null 2>&1 || :
check "khal edit: new summary in the file" has '^SUMMARY:Budget final' "$(as alice cat "$ev" | tr -d '\r')"
check "... new location" has '^LOCATION:Room 4' "$(as alice cat "$ev" | tr -d '\r')"
same "... the item kept its inode" "$(ino "$ev")" "$i0"
check "... khal list shows the edit" has '09:00-10:00 Budget final' "$(cl bob khal list 2027-03-10 1d 2>&1)"
check "... alice's khal too" has 'Budget final' "$(cl alice khal list 2027-03-10 1d 2>&1)"
# khal edit, D(elete), y(es): khal unlinks the file (bob now may delete).
ctl alice rights set Sales calendar --delete bob
printf 'D\ny\n' | cl bob khal edit "Budget final" >/dev/null 2>&1 || :
check "khal deletes the event" no as alice test -e "$ev"
check "... khal list no longer shows it" no has Budget "$(cl bob khal list 2027-03-10 1d 2>&1)"
check "alice removes her event" as alice rm "$C/alice1.ics"

# ---- khard: new from a YAML template, list, edit, remove ----
printf 'First name : Zoe\nLast name : Martin\nOrganisation : Acme\nEmail :\n    work : zoe@acme.example\n' >"$S/zoe.yaml"
printf 'First name : Zoe\nLast name : Martin-Smith\nOrganisation : Acme Labs\nEmail :\n    work : zoe@acme.example\n' >"$S/zoe2.yaml"
chmod 644 "$S"/*.yaml
check "khard new creates a contact" cl bob khard new -a sales -i "$S/zoe.yaml"
same "... one .vcf in the group contacts" "$(count "$K" .vcf)" 1
check "... no temp file left (bob has add, not delete)" no has tmp "$(as alice ls "$K")"
vc=$(as alice find "$K" -name '*.vcf' | head -n 1) || :
check "... alice reads it: FN" has '^FN:Zoe Martin' "$(as alice cat "$vc" | tr -d '\r')"
uid=$(cl bob khard list --parsable 2>/dev/null | awk -F'\t' '/Zoe/ {print $1}') || :
same "khard list --parsable shows it, the file named by its UID" "$uid.vcf" "$(basename "$vc")"
check "khard list shows it to alice too" has 'Zoe Martin' "$(cl alice khard list 2>&1)"
i0=$(ino "$vc")
echo y | cl bob khard edit -i "$S/zoe2.yaml" Zoe >/dev/null || :
check "khard edit: the new organisation is in the file" has '^ORG:Acme Labs' "$(as alice cat "$vc" | tr -d '\r')"
check "... the new last name" has '^N:Martin-Smith;Zoe' "$(as alice cat "$vc" | tr -d '\r')"
same "... the contact kept its inode" "$(ino "$vc")" "$i0"
ctl alice rights set Sales contacts --delete bob
check "khard remove --force deletes it" cl bob khard remove --force Zoe
check "... the file is gone" no as alice test -e "$vc"
check "... khard list no longer shows it" no has Zoe "$(cl bob khard list 2>&1)"

# ---- vdirsyncer: the group calendar <-> a local vdir of bob's ----
# (Temp files a failed client write left behind go first.)
as alice find "$C" -name 'tmp*' -delete || :
L=$T/bob/local
mkdir -p "$L" "$T/bob/.vdirsyncer"
cat >"$T/bob/.config/vdirsyncer/config" <<EOF
[general]
status_path = "$T/bob/.vdirsyncer/status/"
[pair cal]
a = "group"
b = "local"
collections = null
metadata = ["displayname", "color"]
[storage group]
type = "filesystem"
path = "$C"
fileext = ".ics"
[storage local]
type = "filesystem"
path = "$L"
fileext = ".ics"
EOF
# ev FILE UID HOUR: an event written as a client would.
ev() {
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270312T%s0000Z\r\nDTEND:20270312T%s3000Z\r\nSUMMARY:Sync %s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"$2" "$3" "$3" "$2" >"$1"
}
ev "$S/g1.ics" group-1 09
ev "$S/g2.ics" group-2 10
ev "$L/local-1.ics" local-1 11
chmod 644 "$S"/*.ics
chown -R "${UNIX[bob]}" "$T/bob"
check "alice writes two events" as alice cp "$S/g1.ics" "$S/g2.ics" "$C/"
as bob sh -c 'printf "Sales team" >"$0/displayname"' "$L"
sync() { run cl bob vdirsyncer "$@"; }
sync discover cal
check "vdirsyncer discover (exit 0)" test "$rc" = 0
sync sync
check "vdirsyncer sync (exit 0)" test "$rc" = 0
check "... no error or warning" no hasi 'error|warning|critical' "$out"
check "... copied local-1 up and two events down" test "$(grep -c Copying <<<"$out")" = 3
same "both sides hold the same UIDs" "$(uids bob "$C")" "$(uids bob "$L")"
same "... three events each" "$(count "$C" .ics)/$(count "$L" .ics)" 3/3
check "... local-1 reached the mount byte for byte" as bob cmp "$L/local-1.ics" "$C/local-1.ics"
i1=$(ino "$C/local-1.ics") i2=$(ino "$C/g1.ics")
sync sync
check "a second sync: exit 0" test "$rc" = 0
check "... no change (nothing copied, updated or deleted)" no hasi 'copying|updating|deleting' "$out"
same "... no duplicates" "$(count "$C" .ics)/$(count "$L" .ics)" 3/3
check "... no temp file left in the mount" no has tmp "$(as alice ls "$C")"
same "... inodes unchanged" "$(ino "$C/local-1.ics") $(ino "$C/g1.ics")" "$i1 $i2"
sync metasync
check "vdirsyncer metasync (exit 0)" test "$rc" = 0
same "... displayname reached the mount (a plain file)" "$(as alice cat "$C/displayname")" "Sales team"

ev "$L/local-2.ics" local-2 12
chown "${UNIX[bob]}" "$L/local-2.ics"
ev "$S/g3.ics" group-3 13
chmod 644 "$S/g3.ics"
check "alice writes a third" as alice cp "$S/g3.ics" "$C/g3.ics"
as bob sed -i 's/SUMMARY:Sync local-1/SUMMARY:Sync local-1 moved/' "$L/local-1.ics"
sync sync
check "sync after changes on both sides (exit 0)" test "$rc" = 0
check "... no error" no hasi 'error|warning|critical' "$out"
check "a local addition appears in the mount" as bob cmp "$L/local-2.ics" "$C/local-2.ics"
check "a mount addition appears locally" has '^UID:group-3' "$(uids bob "$L")"
check "a local edit reaches the mount" as bob cmp "$L/local-1.ics" "$C/local-1.ics"
same "... the item kept its inode" "$(ino "$C/local-1.ics")" "$i1"
as bob rm "$L/local-2.ics"
check "alice removes an event" as alice rm "$C/g1.ics"
sync sync
check "sync after deletions on both sides (exit 0)" test "$rc" = 0
check "... no error" no hasi 'error|warning|critical' "$out"
check "a local deletion propagates to the mount" no as alice test -e "$C/local-2.ics"
check "a mount deletion propagates locally" no has '^UID:group-1$' "$(uids bob "$L")"
sync sync
check "a last sync: nothing to do" no hasi 'copying|updating|deleting|error' "$out"
same "... the same UIDs both sides" "$(uids bob "$C")" "$(uids bob "$L")"
same "... no duplicates: one file per UID" "$(count "$C" .ics)" "$(uids bob "$C" | sort -u | wc -l)"
same "... three events" "$(uids bob "$L" | tr '\n' ' ')" "UID:group-2 UID:group-3 UID:local-1 "

umount_fs "$M"
check "groupctl check is clean" "$GROUPCTL" check
finish
