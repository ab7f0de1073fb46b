#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# members/<user>/: card.vcf and the photo from the account, busy.ics from
# the personal calendar (exact UTC periods, no detail, always current),
# read-only; calendar/ only for a co-member granted rights on it, with
# exactly those rights, ending with revoke, leave and remove.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
user alice pro
user bob
user carol
user dave
"$GROUPCTL" account edit bob --org "Acme Corp" >/dev/null
ctl alice group create Sales >/dev/null
for u in bob carol; do
	ctl alice group invite Sales "$u"
	ctl "$u" invitation accept Sales
done
ctl alice group create Ops >/dev/null
ctl alice group invite Ops dave
ctl dave invitation accept Ops
M=$T/mnt
mount_fs "$M" -o allow_other
MB=$M/Sales/members
P=$M/Private/calendar
S=$T/src
mkdir "$S"

unfold() { tr -d '\r' | awk 'NR > 1 && /^[ \t]/ { l = l substr($0, 2); next }
	NR > 1 { print l } { l = $0 } END { print l }'; }
card() { as "${2:-alice}" cat "$MB/$1/card.vcf" | unfold || :; }
has() { grep -Eqi "$1" <<<"$2"; }
no() { ! "$@"; }
# pw ACCOUNT PATH FILE: probe write of FILE's exact bytes.
pw() { as "$1" "$PROBE" write "$2" "$(cat "$3")"$'\n'; }
lsof() { as "$1" ls "$2" 2>&1 | tr '\n' ' '; }
gone() { [ "$(as "$1" "$PROBE" stat "$2" | awk '{print $1}')" = ENOENT ]; }
there() { [ "$(as "$1" "$PROBE" stat "$2" | awk '{print $1}')" = OK ]; }

# ---- card.vcf and photo ----
same "members/ lists the group's members" "$(lsof dave "$M/Ops/members")" "alice dave "
same "... in Sales" "$(lsof carol "$MB")" "alice bob carol "
c=$(card bob)
check "card.vcf is one vCard" has '^BEGIN:VCARD$.*' "$(head -n 1 <<<"$c")"
check "... ending with END:VCARD" has '^END:VCARD$' "$(tail -n 1 <<<"$c")"
check "... with the first and last name" has '^FN[;:](.*:)?Bob Test$' "$c"
check "... structured" has '^N[;:](.*:)?Test;Bob' "$c"
check "... the email" has '^EMAIL[;:](.*:)?bob@example.org$' "$c"
check "... the organization" has '^ORG[;:](.*:)?Acme Corp' "$c"
check "... the role: member" has '^ROLE[;:](.*:)?member$' "$c"
check "... no photo yet" no has '^PHOTO' "$c"
check "the administrator's card says so" has '^ROLE[;:](.*:)?administrator$' "$(card alice bob)"
same "stat size of card.vcf is what a read returns" \
	"$(as carol stat -c %s "$MB/bob/card.vcf")" "$(as carol cat "$MB/bob/card.vcf" | wc -c)"
ctl alice group coadmin Sales bob
check "made co-administrator: the next read says so" has '^ROLE[;:](.*:)?co-administrator$' "$(card bob)"
same "... and stat follows" "$(as carol stat -c %s "$MB/bob/card.vcf")" "$(as carol cat "$MB/bob/card.vcf" | wc -c)"
"$GROUPCTL" account edit bob --first Robert >/dev/null
check "a new first name shows at once" has '^FN[;:](.*:)?Robert Test$' "$(card bob)"
same "without a photo: card.vcf, busy.ics" "$(lsof carol "$MB/bob")" "busy.ics card.vcf "
"$PY" - "$S/bob.png" <<'EOF'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
raw = b"".join(b"\0" + bytes([200, 30, 30]) * 2 for _ in range(2))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
EOF
check "groupctl account photo takes a PNG" "$GROUPCTL" account photo bob "$S/bob.png"
same "photo.png appears" "$(lsof carol "$MB/bob")" "busy.ics card.vcf photo.png "
check "... holding the photo" as carol cmp "$S/bob.png" "$MB/bob/photo.png"
check "... no photo.jpg" gone carol "$MB/bob/photo.jpg"
photo=$(card bob | grep -i '^PHOTO' | sed 's/^[^:]*://') || :
same "card.vcf carries the same photo" "$photo" "$(base64 -w0 "$S/bob.png")"
check "... typed PNG" has '^PHOTO.*TYPE=(image/)?PNG' "$(card bob)"

# ---- members/ is read-only, and hidden from non-members ----
for p in "$MB/new" "$MB/bob/new" "$MB/bob/card.vcf" "$MB/bob/busy.ics"; do
	expect EACCES "no write: ${p#"$M/"}" as alice "$PROBE" write "$p" x
done
expect EACCES "no unlink of card.vcf" as alice "$PROBE" unlink "$MB/bob/card.vcf"
expect EACCES "no unlink of photo.png" as bob "$PROBE" unlink "$MB/bob/photo.png"
expect EACCES "no rename in members/" as alice "$PROBE" rename "$MB/bob/card.vcf" "$MB/bob/x.vcf"
expect EACCES "no mkdir in members/" as alice "$PROBE" mkdir "$MB/x"
expect EACCES "no truncate of busy.ics" as alice "$PROBE" truncate "$MB/alice/busy.ics" 0
expect ENOENT "dave (not in Sales) sees no Sales members" as dave "$PROBE" stat "$MB/alice/busy.ics"

# ---- busy.ics: alice's personal calendar as periods, in UTC ----
D=86400
H=3600
day0=$(($(date -u +%s) / D * D))
ut() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }
# ev FILE UID LINES...: an event item; "--" starts an override (same
# UID).  Its words must never reach busy.ics.
ev() {
	local f=$1 uid=$2 l
	shift 2
	{
		printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//members//EN\r\n%s' "${TZB:-}"
		printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n' "$uid"
		printf 'SUMMARY:Secretdentist\r\nLOCATION:Hiddenbunker\r\nDESCRIPTION:Confidentialnote\r\n'
		for l in "$@"; do
			[ "$l" = -- ] && l=$(printf 'END:VEVENT\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z' "$uid")
			printf '%s\r\n' "$l"
		done
		printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
	} >"$S/$f"
	chmod 644 "$S/$f"
	check "alice writes $f into her personal calendar" as alice cp "$S/$f" "$P/$f"
}
# periods [ACCOUNT [OWNER]]: the FREEBUSY periods of OWNER's busy.ics as
# ACCOUNT sees them, START/END in UTC, sorted.
busy() { as "${1:-bob}" cat "${3:-$MB}/${2:-alice}/busy.ics" || :; }
periods() {
	busy "$@" | "$PY" -c '
import re, sys, datetime as dt
t = re.sub(r"\r?\n[ \t]", "", sys.stdin.read())
f = "%Y%m%dT%H%M%SZ"
out = []
for line in t.splitlines():
    if line.upper().startswith("FREEBUSY"):
        for p in line.split(":", 1)[1].split(","):
            s, e = p.split("/")
            if e.startswith("P"):
                w, d, h, m, x = (int(v or 0) for v in re.fullmatch(
                    r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", e).groups())
                e = (dt.datetime.strptime(s, f) + dt.timedelta(weeks=w, days=d, hours=h,
                     minutes=m, seconds=x)).strftime(f)
            out.append(s + "/" + e)
print("\n".join(sorted(out)))' || :
}
window() { busy | unfold | grep -m 1 -E "^$1[:;]" | sed 's/.*://' || :; }

ev plain.ics plain "DTSTART:$(ut $((day0 + 10 * D + 13 * H)))" \
	"DTEND:$(ut $((day0 + 10 * D + 14 * H + 1800)))"
# Weekly from 99 days ago, 06:00-06:30Z (days = 6 mod 7 from today):
# one instance excluded, one moved to 07:00-07:45, one cancelled.
ws=$((day0 - 99 * D + 6 * H))
x1=$((day0 + 20 * D + 6 * H)) x2=$((day0 + 27 * D + 6 * H)) x3=$((day0 + 34 * D + 6 * H))
ev weekly.ics weekly "DTSTART:$(ut $ws)" DURATION:PT30M RRULE:FREQ=WEEKLY \
	"EXDATE:$(ut $x1)" -- "RECURRENCE-ID:$(ut $x2)" "DTSTART:$(ut $((x2 + H)))" \
	"DTEND:$(ut $((x2 + H + 2700)))" -- "RECURRENCE-ID:$(ut $x3)" \
	"DTSTART:$(ut $x3)" DURATION:PT30M STATUS:CANCELLED
ev transparent.ics transp "DTSTART:$(ut $((day0 + 11 * D + 13 * H)))" \
	"DTEND:$(ut $((day0 + 11 * D + 14 * H)))" TRANSP:TRANSPARENT
ev cancelled.ics cancel "DTSTART:$(ut $((day0 + 17 * D + 13 * H)))" \
	"DTEND:$(ut $((day0 + 17 * D + 14 * H)))" STATUS:CANCELLED
k=15 # an all-day event on a day with nothing else (not 6 mod 7, not a Sunday)
while [ $((k % 7)) = 6 ] || [ "$(date -u -d "@$((day0 + k * D))" +%u)" = 7 ]; do k=$((k + 1)); done
ev allday.ics allday "DTSTART;VALUE=DATE:$(ut $((day0 + k * D)) | cut -c1-8)" \
	"DTEND;VALUE=DATE:$(ut $((day0 + (k + 1) * D)) | cut -c1-8)"
ev old.ics old "DTSTART:$(ut $((day0 - 45 * D + 12 * H)))" "DTEND:$(ut $((day0 - 30 * D + 12 * H)))"
# Across the next change of Europe/Brussels' offset: 10:00 local on the
# Sundays two weeks before to one week after (08:00Z or 09:00Z).
read -r dst0 dstp < <("$PY" - "$day0" <<'EOF'
import sys, datetime as dt, zoneinfo
tz, utc = zoneinfo.ZoneInfo("Europe/Brussels"), dt.timezone.utc
d = dt.datetime.fromtimestamp(int(sys.argv[1]), utc).date() + dt.timedelta(days=1)
off = lambda day: dt.datetime.combine(day, dt.time(12), tz).utcoffset()
while off(d) == off(d + dt.timedelta(days=1)):
    d += dt.timedelta(days=1)
first = d + dt.timedelta(days=1 - 14)
f, ps = "%Y%m%dT%H%M%SZ", []
for k in range(4):
    s = dt.datetime.combine(first + dt.timedelta(days=7 * k), dt.time(10), tz).astimezone(utc)
    ps.append(s.strftime(f) + "/" + (s + dt.timedelta(hours=1)).strftime(f))
print(first.strftime("%Y%m%dT100000"), ",".join(ps))
EOF
)
TZB=$(printf '%s\r\n' BEGIN:VTIMEZONE TZID:Europe/Brussels BEGIN:STANDARD \
	DTSTART:19701025T030000 RRULE:FREQ=YEARLY\;BYMONTH=10\;BYDAY=-1SU \
	TZOFFSETFROM:+0200 TZOFFSETTO:+0100 END:STANDARD BEGIN:DAYLIGHT \
	DTSTART:19700329T020000 RRULE:FREQ=YEARLY\;BYMONTH=3\;BYDAY=-1SU \
	TZOFFSETFROM:+0100 TZOFFSETTO:+0200 END:DAYLIGHT END:VTIMEZONE)$'\n' \
	ev brussels.ics brussels "DTSTART;TZID=Europe/Brussels:$dst0" \
	"DTEND;TZID=Europe/Brussels:${dst0%T*}T110000" RRULE:FREQ=WEEKLY\;COUNT=4
IFS=, read -r -a dstv <<<"$dstp"
same "fixture: the Brussels instances' UTC hour changes by one" \
	"$(for p in "${dstv[@]}"; do echo "${p:9:2}"; done | sort -u | wc -l)" 2
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTODO\r\nUID:todo\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDUE:%s\r\nSUMMARY:Secretdentist\r\nEND:VTODO\r\nEND:VCALENDAR\r\n' \
	"$(ut $((day0 + 12 * D + 13 * H)))" "$(ut $((day0 + 12 * D + 14 * H)))" >"$S/todo.ics"
check "alice writes a to-do (no busy time)" as alice cp "$S/todo.ics" "$P/todo.ics"

from=$(window DTSTART) to=$(window DTEND)
same "the window starts 30 days ago" "${from:0:8}" "$(ut $((day0 - 30 * D)) | cut -c1-8)"
check "... and ends 365 days ahead (whole days)" has "^($(ut $((day0 + 365 * D)) | cut -c1-8)|$(ut $((day0 + 366 * D)) | cut -c1-8))" "$to"
f=$(date -u -d "${from:0:8} ${from:9:2}:${from:11:2}:${from:13:2}" +%s) || f=0
t=$(date -u -d "${to:0:8} ${to:9:2}:${to:11:2}:${to:13:2}" +%s) || t=0
want=("$(ut $((day0 + 10 * D + 13 * H)))/$(ut $((day0 + 10 * D + 14 * H + 1800)))"
	"$(ut $((day0 + k * D)))/$(ut $((day0 + (k + 1) * D)))"
	"$from/$(ut $((day0 - 30 * D + 12 * H)))" "${dstv[@]}")
n=0
for ((s = ws; s < t; s += 7 * D)); do
	[ $((s + 1800)) -gt "$f" ] || continue
	case $s in
	"$x1" | "$x3") ;;
	"$x2") want+=("$(ut $((x2 + H)))/$(ut $((x2 + H + 2700)))") ;;
	*) want+=("$(ut $s)/$(ut $((s + 1800)))") n=$((n + 1)) ;;
	esac
done
got=$(periods)
same "busy.ics: exactly the expected periods" "$got" "$(printf '%s\n' "${want[@]}" | sort)"
same "... $n weekly instances at 06:00Z in the window" "$(grep -c 'T060000Z/' <<<"$got")" "$n"
check "... the plain event" has "^${want[0]}$" "$got"
check "... the all-day event is its whole (UTC) day" has "^${want[1]}$" "$got"
check "... the event begun before the window is clipped" has "^${want[2]}$" "$got"
check "... the moved instance" has "^$(ut $((x2 + H)))/" "$got"
check "... not the excluded one" no has "^$(ut "$x1")/" "$got"
check "... not the cancelled override" no has "^$(ut "$x3")/" "$got"
check "... not the transparent event" no has "^$(ut $((day0 + 11 * D + 13 * H)))/" "$got"
check "... not the cancelled event" no has "^$(ut $((day0 + 17 * D + 13 * H)))/" "$got"
check "... not the to-do" no has "^$(ut $((day0 + 12 * D + 13 * H)))/" "$got"
check "... the Brussels event before the change" has "^${dstv[1]}$" "$got"
check "... and after it, one hour apart in UTC" has "^${dstv[2]}$" "$got"
b=$(busy | unfold)
check "busy.ics holds a VFREEBUSY" has '^BEGIN:VFREEBUSY$' "$b"
check "... no summary, location or description" no has '^(SUMMARY|LOCATION|DESCRIPTION)[;:]' "$b"
check "... none of the events' words" no has 'secretdentist|hiddenbunker|confidentialnote' "$b"
check "... nor in the raw bytes" no has 'secret|hidden|confidential' "$(busy)"
same "stat size of busy.ics is what a read returns" \
	"$(as bob stat -c %s "$MB/alice/busy.ics")" "$(busy | wc -c)"
same "carol sees the same periods" "$(periods carol)" "$got"
same "dave, a co-member through Ops, too" \
	"$(periods dave alice "$M/Ops/members")" "$got"
same "an empty personal calendar: no period" "$(periods alice bob)" ""

# Always current: a change shows in the next read, and in stat.
ev late.ics late "DTSTART:$(ut $((day0 + 40 * D + 13 * H)))" "DTEND:$(ut $((day0 + 40 * D + 14 * H)))"
check "a new event shows at once" has "^$(ut $((day0 + 40 * D + 13 * H)))/" "$(periods)"
same "... stat follows" "$(as bob stat -c %s "$MB/alice/busy.ics")" "$(busy | wc -c)"
sed "s/T130000Z/T150000Z/; s/T143000Z/T160000Z/" "$S/plain.ics" >"$S/plain2.ics"
chmod 644 "$S/plain2.ics"
check "alice moves the plain event (temp file, rename)" as alice cp "$S/plain2.ics" "$P/tmpMoveIt01"
expect OK "... renamed over it" as alice "$PROBE" rename "$P/tmpMoveIt01" "$P/plain.ics"
got=$(periods)
check "... the new time shows at once" has "^$(ut $((day0 + 10 * D + 15 * H)))/$(ut $((day0 + 10 * D + 16 * H)))$" "$got"
check "... the old one is gone" no has "^${want[0]}$" "$got"
expect OK "alice deletes an event" as alice "$PROBE" unlink "$P/late.ics"
check "... its period goes at once" no has "^$(ut $((day0 + 40 * D + 13 * H)))/" "$(periods)"
same "... stat follows" "$(as bob stat -c %s "$MB/alice/busy.ics")" "$(busy | wc -c)"

# ---- alice's personal calendar shared with bob, exactly as granted ----
MC=$MB/alice/calendar
# mk FILE UID START END: plain2.ics with another UID and hours.
mk() {
	sed -e "s/UID:plain/UID:$2/" -e "s/T150000Z/$3/" -e "s/T160000Z/$4/" "$S/plain2.ics" >"$S/$1"
	chmod 644 "$S/$1"
}
mk bobs.ics bobs T180000Z T190000Z
mk bobs2.ics bobs T200000Z T210000Z
mk new.ics new T220000Z T230000Z
check "no grant: no calendar/ for bob" gone bob "$MC"
ctl alice share calendar bob --view
wait_for "--view: calendar/ appears for bob" 3 there bob "$MC" || :
same "... listing alice's items" "$(lsof bob "$MC")" "$(lsof alice "$P")"
check "... bob reads them" as bob cmp "$S/allday.ics" "$MC/allday.ics"
check "... carol, not granted, has none" gone carol "$MB/alice/calendar"
expect EACCES "--view: bob cannot add" pw bob "$MC/bobs.ics" "$S/bobs.ics"
expect EACCES "--view: bob cannot edit" pw bob "$MC/allday.ics" "$S/allday.ics"
expect EACCES "--view: bob cannot delete" as bob "$PROBE" unlink "$MC/allday.ics"
ctl alice share calendar bob --view --add
check "--add: bob adds an event" as bob cp "$S/bobs.ics" "$MC/bobs.ics"
check "... into alice's calendar" as alice cmp "$S/bobs.ics" "$P/bobs.ics"
check "... and her busy times" has "^$(ut $((day0 + 10 * D + 18 * H)))/" "$(periods carol)"
expect EINVAL "... a broken one is refused" as bob "$PROBE" write "$MC/junk.ics" junk
expect EACCES "--add: bob cannot edit alice's event" pw bob "$MC/plain.ics" "$S/plain2.ics"
expect EACCES "--add: bob cannot delete" as bob "$PROBE" unlink "$MC/allday.ics"
ctl alice share calendar bob --view --edit
expect EACCES "--edit (add dropped): bob cannot add" pw bob "$MC/new.ics" "$S/new.ics"
check "--edit: bob edits an event" as bob cp "$S/bobs2.ics" "$MC/bobs.ics"
check "... alice sees the edit" as alice cmp "$S/bobs2.ics" "$P/bobs.ics"
expect EACCES "--edit: bob cannot delete" as bob "$PROBE" unlink "$MC/bobs.ics"
ctl alice share calendar bob --view --delete
expect EACCES "--delete: bob cannot edit" pw bob "$MC/bobs.ics" "$S/bobs.ics"
expect EACCES "--delete: bob cannot add" pw bob "$MC/new.ics" "$S/new.ics"
expect OK "--delete: bob deletes an event" as bob "$PROBE" unlink "$MC/bobs.ics"
check "... gone from alice's calendar" gone alice "$P/bobs.ics"
ctl alice share calendar bob --revoke
wait_for "--revoke: calendar/ goes" 3 gone bob "$MC" || :
same "... members/alice is back to card and busy times" "$(lsof bob "$MB/alice")" "busy.ics card.vcf "

# The grant ends when the owner leaves (the only group they share) ...
check "carol writes an event of her own" as carol cp "$S/allday.ics" "$M/Private/calendar/c.ics"
ctl carol share calendar bob --view
wait_for "carol's grant: bob sees members/carol/calendar" 3 there bob "$MB/carol/calendar" || :
ctl carol group leave Sales
wait_for "carol left: members/carol goes" 3 gone bob "$MB/carol" || :
ctl alice group invite Sales carol
ctl carol invitation accept Sales
wait_for "carol back: members/carol returns" 3 there bob "$MB/carol/card.vcf" || :
check "... without the calendar: the grant ended" gone bob "$MB/carol/calendar"
same "... and groupctl lists no grant" "$(ctl carol --json share list | tr -d ' \n')" "[]"
# ... and when the grantee is removed.
ctl carol share calendar bob --view
wait_for "granted again: bob sees it" 3 there bob "$MB/carol/calendar" || :
ctl alice group remove Sales bob
ctl alice group invite Sales bob
ctl bob invitation accept Sales
wait_for "bob back: members/carol visible" 3 there bob "$MB/carol/card.vcf" || :
check "... without the calendar: the grant ended" gone bob "$MB/carol/calendar"

umount_fs "$M"
check "groupctl check is clean" "$GROUPCTL" check
finish
