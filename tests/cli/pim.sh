#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl calendar, contacts and busy: import of an .ics file into items
# and the listing of its occurrences (recurrences, EXDATE, all-day events,
# time zones), the export round trip, per-item refusals, the rights, the
# master key, contacts, a member's busy times and the demo's calendars.
source "$(dirname "$0")/lib.sh"

export TZ=UTC # bare dates and the human tables in a known zone
ts() { date -u -d "$1" +%s; }

gctl init >/dev/null
for a in alice:pro bob:free carol:free dave:free; do
	add_account "${a%:*}" "${a#*:}" >/dev/null
done
A=(gctl --as alice)
B=(gctl --as bob)
"${A[@]}" group create Team
"${A[@]}" group create Other
"${A[@]}" group invite Team bob carol
gctl --as bob invitation accept Team
gctl --as carol invitation accept Team

vtimezones() {
	printf '%s\r\n' \
		BEGIN:VTIMEZONE TZID:Europe/Brussels \
		BEGIN:DAYLIGHT TZOFFSETFROM:+0100 TZOFFSETTO:+0200 TZNAME:CEST \
		DTSTART:19700329T020000 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU' \
		END:DAYLIGHT \
		BEGIN:STANDARD TZOFFSETFROM:+0200 TZOFFSETTO:+0100 TZNAME:CET \
		DTSTART:19701025T030000 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU' \
		END:STANDARD END:VTIMEZONE \
		BEGIN:VTIMEZONE TZID:America/New_York \
		BEGIN:DAYLIGHT TZOFFSETFROM:-0500 TZOFFSETTO:-0400 TZNAME:EDT \
		DTSTART:20070311T020000 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU' \
		END:DAYLIGHT \
		BEGIN:STANDARD TZOFFSETFROM:-0400 TZOFFSETTO:-0500 TZNAME:EST \
		DTSTART:20071104T020000 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU' \
		END:STANDARD END:VTIMEZONE
}

# ics FILE LINE...: a VCALENDAR with the time zones and the lines given.
ics() {
	local f=$1
	shift
	{
		printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 'PRODID:-//groupfs tests//EN'
		vtimezones
		printf '%s\r\n' "$@" END:VCALENDAR
	} >"$f"
}

# ---- import and list ------------------------------------------------------

# A weekly stand-up (5 Mondays, the second one off, the last one after the
# switch to summer time), an all-day holiday and a call in New York (EDT
# from 9 March 2025).
ics "$TMP/three.ics" \
	BEGIN:VEVENT UID:standup-1@test DTSTAMP:20250101T000000Z SUMMARY:Standup \
	'LOCATION:Room 2\, first floor' \
	'DTSTART;TZID=Europe/Brussels:20250303T090000' \
	'DTEND;TZID=Europe/Brussels:20250303T093000' \
	'RRULE:FREQ=WEEKLY;COUNT=5' \
	'EXDATE;TZID=Europe/Brussels:20250310T090000' END:VEVENT \
	BEGIN:VEVENT UID:holiday-1@test DTSTAMP:20250101T000000Z SUMMARY:Holiday \
	'DTSTART;VALUE=DATE:20250314' 'DTEND;VALUE=DATE:20250315' \
	TRANSP:TRANSPARENT END:VEVENT \
	BEGIN:VEVENT UID:ny-call-1@test DTSTAMP:20250101T000000Z 'SUMMARY:New York call' \
	'DTSTART;TZID=America/New_York:20250312T100000' \
	'DTEND;TZID=America/New_York:20250312T110000' END:VEVENT

assert_exit 0 "${A[@]}" calendar import Team "$TMP/three.ics"
assert_eq "imported standup-1@test.ics
imported holiday-1@test.ics
imported ny-call-1@test.ics" "$OUT" "one item per UID, named after it"
assert_eq "" "$ERR" "nothing on stderr"

expected="[
 ($(ts '2025-03-03 08:00'), $(ts '2025-03-03 08:30'), 'Standup', False),
 ($(ts '2025-03-12 14:00'), $(ts '2025-03-12 15:00'), 'New York call', False),
 ($(ts '2025-03-14 00:00'), $(ts '2025-03-15 00:00'), 'Holiday', True),
 ($(ts '2025-03-17 08:00'), $(ts '2025-03-17 08:30'), 'Standup', False),
 ($(ts '2025-03-24 08:00'), $(ts '2025-03-24 08:30'), 'Standup', False),
 ($(ts '2025-03-31 07:00'), $(ts '2025-03-31 07:30'), 'Standup', False)]"
occ='[(o["start"], o["end"], o["summary"], o["all_day"]) for o in d]'
assert_exit 0 "${A[@]}" --json calendar list Team --from 2025-03-01 --to 2025-04-30
assert_json "$occ == $expected" \
	"occurrences expanded, EXDATE left out, UTC times across DST and zones"
assert_json 'all(o["item"] == o["uid"] + ".ics" for o in d)'
assert_json '[o["location"] for o in d][0] == "Room 2, first floor" and d[1]["location"] is None'
assert_exit 0 "${B[@]}" --json calendar list Team --from 2025-03-01T00:00:00Z --to 2025-05-01T00:00Z
assert_json "$occ == $expected" "every member reads the calendar; ISO times"

# Windows: --to excludes its instant, a bare --to date is included whole,
# offsets count.
assert_exit 0 "${A[@]}" --json calendar list Team --from 2025-03-17T00:00:00Z --to 2025-03-24T08:00:00Z
assert_json '[o["start"] for o in d] == ['"$(ts '2025-03-17 08:00')"']'
assert_exit 0 "${A[@]}" --json calendar list Team --from 2025-03-14 --to 2025-03-14
assert_json '[o["summary"] for o in d] == ["Holiday"]' "a bare --to date is included"
assert_exit 0 "${A[@]}" --json calendar list Team --from 2025-03-24T09:00+01:00 --to 20250325T000000Z
assert_json '[o["start"] for o in d] == ['"$(ts '2025-03-24 08:00')"']' "offsets and the basic format"
assert_exit 0 "${A[@]}" calendar list Team --from 2025-03-12 --to 2025-03-14
assert_match "$OUT" '^START +END +SUMMARY +LOCATION +ITEM$'
assert_match "$OUT" '^2025-03-12 14:00 +2025-03-12 15:00 +New York call +- +ny-call-1@test.ics$'
assert_match "$OUT" '^2025-03-14 +2025-03-14 +Holiday +- +holiday-1@test.ics$' \
	"an all-day event shows its first and last day"
run env TZ=Europe/Brussels "$GROUPCTL" --as alice calendar list Team --from 2025-03-03 --to 2025-03-03
assert_match "$OUT" '^2025-03-03 09:00 +2025-03-03 09:30 +Standup' "local time in the table"
assert_exit 0 "${A[@]}" --json calendar list Team
assert_json 'd == []' "the default window starts today"

assert_usage "${A[@]}" calendar list Team --from yesterday
assert_contains "$ERR" "bad date 'yesterday'"
assert_usage "${A[@]}" calendar list Team --from 2025-02-30
assert_usage "${A[@]}" calendar list Team --to 2025-03-01T25:00Z
assert_usage "${A[@]}" calendar list Team --from 2025-03-02 --to 2025-03-01
assert_contains "$ERR" "--to is not after --from"
assert_usage "${A[@]}" calendar list Team --private
assert_usage "${A[@]}" calendar list --private --member bob
assert_usage "${A[@]}" calendar import
assert_usage "${A[@]}" calendar import Team a.ics b.ics
assert_usage "${A[@]}" calendar import --private Team "$TMP/three.ics"
assert_usage "${A[@]}" contacts list --member bob
assert_usage "${A[@]}" busy
assert_usage "${A[@]}" --json busy alice --ics

assert_refused "." gctl --as dave calendar list Team --from 2025-03-01
assert_refused "." "${A[@]}" calendar list Nowhere
assert_refused "no-such.ics: No such file" "${A[@]}" calendar import Team "$TMP/no-such.ics"

# ---- export round trip ----------------------------------------------------

assert_exit 0 "${A[@]}" calendar export Team --output "$TMP/team.ics"
assert_eq "" "$OUT$ERR" "export --output prints nothing"
"${A[@]}" calendar export Team >"$TMP/team-stdout.ics"
cmp -s "$TMP/team-stdout.ics" "$TMP/team.ics" &&
	ok "standard output holds the same export" || not_ok "standard output holds the same export"
head -c 17 "$TMP/team.ics" | grep -q $'^BEGIN:VCALENDAR\r$' &&
	ok "the export is one VCALENDAR with CRLF line ends" ||
	not_ok "the export is one VCALENDAR with CRLF line ends"
assert_eq 1 "$(grep -c '^BEGIN:VCALENDAR' "$TMP/team.ics")" "one VCALENDAR"
assert_eq 2 "$(grep -c '^BEGIN:VTIMEZONE' "$TMP/team.ics")" "each time zone once"
assert_eq 3 "$(grep -c '^BEGIN:VEVENT' "$TMP/team.ics")" "three events"
assert_exit 0 "${A[@]}" calendar import Other "$TMP/team.ics"
assert_eq 3 "$(grep -c '^imported ' <<<"$OUT")" "the export imports whole"
assert_exit 0 "${A[@]}" --json calendar list Other --from 2025-03-01 --to 2025-04-30
assert_json "$occ == $expected" "the same occurrences after the round trip"
assert_exit 0 "${A[@]}" calendar import Other - <"$TMP/team.ics"
assert_eq 3 "$(grep -c '^imported ' <<<"$OUT")" "'-' reads standard input; a UID already there is replaced"
assert_exit 0 "${A[@]}" --json calendar list Other --from 2025-03-01 --to 2025-04-30
assert_json "len(d) == 6" "replaced, not duplicated"

# ---- refusals, item by item -----------------------------------------------

# Two good events, one with no DTSTART, and one UID given twice as a
# master: the two bad ones are refused with their reasons, the good ones
# are in.
ics "$TMP/mixed.ics" \
	BEGIN:VEVENT UID:good-1@test DTSTAMP:20250101T000000Z SUMMARY:Planning \
	DTSTART:20250401T100000Z DTEND:20250401T110000Z END:VEVENT \
	BEGIN:VEVENT UID:broken-1@test DTSTAMP:20250101T000000Z SUMMARY:Broken \
	DTEND:20250402T110000Z END:VEVENT \
	BEGIN:VEVENT UID:dup-1@test DTSTAMP:20250101T000000Z SUMMARY:First \
	DTSTART:20250403T100000Z DTEND:20250403T110000Z END:VEVENT \
	BEGIN:VEVENT UID:dup-1@test DTSTAMP:20250101T000000Z SUMMARY:Second \
	DTSTART:20250404T100000Z DTEND:20250404T110000Z END:VEVENT \
	BEGIN:VEVENT UID:good-2@test DTSTAMP:20250101T000000Z SUMMARY:Review \
	DTSTART:20250405T100000Z DTEND:20250405T110000Z END:VEVENT
assert_exit 1 "${A[@]}" calendar import Team "$TMP/mixed.ics"
assert_eq "imported good-1@test.ics
imported good-2@test.ics" "$OUT" "the good events are imported"
assert_eq 2 "$(wc -l <<<"$ERR")" "exactly two refusals"
assert_match "$ERR" '^groupctl: refused [^ ]+\.ics: .*DTSTART' "the event without DTSTART, with the reason"
assert_match "$ERR" '^groupctl: refused [^ ]+\.ics: .*(UID|RECURRENCE-ID)' "the doubled UID, with the reason"
# A refused event is named by its UID, as it would have been stored: the
# user must be able to tell which one it was.
assert_match "$ERR" '^groupctl: refused broken-1@test\.ics: ' "the refused event is named after its UID"
assert_match "$ERR" '^groupctl: refused dup-1@test\.ics: ' "the doubled UID is named after it"
assert_exit 0 "${A[@]}" --json calendar list Team --from 2025-04-01 --to 2025-04-30
assert_json '[o["summary"] for o in d] == ["Planning", "Review"]' "only the good ones are in"
assert_exit 1 "${A[@]}" --json calendar import Other "$TMP/mixed.ics"
assert_json '[r["status"] for r in d] == ["imported", "refused", "refused", "imported"] and d[0]["item"] == "good-1@test.ics" and d[3]["uid"] == "good-2@test"' \
	"--json: the result of each item"
assert_json 'all((r["reason"] is None) == (r["status"] == "imported") for r in d) and "DTSTART" in d[1]["reason"]'
assert_json '[(r["item"], r["uid"]) for r in d[1:3]] == [("broken-1@test.ics", "broken-1@test"), ("dup-1@test.ics", "dup-1@test")]' \
	"--json: refused items carry their UID"
assert_match "$ERR" '^groupctl: .*2 of 4 items refused$'
# Two UIDs that make the same file name are two events: the second must
# not replace the first.
ics "$TMP/space.ics" BEGIN:VEVENT 'UID:a b@test' DTSTAMP:20250101T000000Z \
	'SUMMARY:With a space' DTSTART:20250406T100000Z END:VEVENT
ics "$TMP/underscore.ics" BEGIN:VEVENT UID:a_b@test DTSTAMP:20250101T000000Z \
	'SUMMARY:With an underscore' DTSTART:20250406T110000Z END:VEVENT
"${A[@]}" calendar import Other "$TMP/space.ics" >/dev/null
run "${A[@]}" calendar import Other "$TMP/underscore.ics"
assert_exit 0 "${A[@]}" --json calendar list Other --from 2025-04-06 --to 2025-04-06
assert_json 'sorted(o["uid"] for o in d) == ["a b@test", "a_b@test"]' \
	"UIDs that map to one name do not replace each other"
printf 'BEGIN:VCALENDAR\r\nthis is not iCalendar\r\n' >"$TMP/junk.ics"
assert_refused "does not parse" "${A[@]}" calendar import Team "$TMP/junk.ics"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n' >"$TMP/card.ics"
assert_exit 1 "${A[@]}" calendar import Team "$TMP/card.ics"
assert_eq "" "$OUT" "a vCard is no event"

# ---- rights ---------------------------------------------------------------

ics "$TMP/bob.ics" \
	BEGIN:VEVENT UID:bob-1@test DTSTAMP:20250101T000000Z SUMMARY:Bob\'s \
	DTSTART:20250402T150000Z DTEND:20250402T160000Z END:VEVENT
assert_refused "refused bob-1@test\.ics: .*add right" "${B[@]}" calendar import Team "$TMP/bob.ics"
assert_exit 0 "${A[@]}" --json calendar list Team --from 2025-04-02 --to 2025-04-02
assert_json 'd == []' "a refused event is not there"
"${A[@]}" rights set Team calendar --add --all-members
assert_exit 0 "${B[@]}" calendar import Team "$TMP/bob.ics"
assert_eq "imported bob-1@test.ics" "$OUT"
# Replacing someone else's event is an edit of it.
assert_exit 1 "${B[@]}" calendar import Team "$TMP/three.ics"
assert_match "$ERR" "^groupctl: refused standup-1@test\.ics: .*edit right"
assert_eq "" "$OUT" "none of alice's events replaced"
assert_refused "." gctl --as carol calendar import Other "$TMP/bob.ics"
assert_refused "." gctl --as carol calendar export Other

# ---- the master key -------------------------------------------------------

W="$TMP/wrapped"
echo "correct horse" >"$TMP/pass"
echo "wrong horse" >"$TMP/wrong"
gctl --store "$W" init --passphrase-file "$TMP/pass" >/dev/null
gctl --store "$W" account add erin --first E --last W --email e@example.org --plan pro
gctl --store "$W" --as erin group create G
assert_refused "calendar list: the store's master key is wrapped: .*--passphrase-file" \
	gctl --store "$W" --as erin calendar list G
assert_refused "passphrase" gctl --store "$W" --as erin calendar list G --passphrase-file "$TMP/wrong"
assert_exit 0 gctl --store "$W" --as erin calendar import G "$TMP/bob.ics" --passphrase-file "$TMP/pass"
assert_exit 0 gctl --store "$W" --as erin --json calendar list G --from 2025-04-01 --to 2025-04-30 \
	--passphrase-file - <"$TMP/pass"
assert_json '[o["summary"] for o in d] == ["Bob'"'"'s"]'

# ---- contacts -------------------------------------------------------------

printf '%s\r\n' BEGIN:VCARD VERSION:3.0 UID:jean-dupont@test 'FN:Jean Dupont' \
	'N:Dupont;Jean;;;' 'ORG:Dupont\, Fils et Cie;Ventes' \
	'EMAIL;TYPE=INTERNET:jean@dupont.example' 'TEL;TYPE=WORK:+33 1 99 00 00 01' \
	'NOTE:A long note that goes on and on and is folded over two lines, as' \
	'  RFC 6350 says.' END:VCARD \
	BEGIN:VCARD VERSION:4.0 UID:urn:uuid:0f6d2a6e-5f2a-4d6e-9a55-3c1e8e7d1b01 \
	'FN:Élodie Martin' 'N:Martin;Élodie;;;' 'item1.EMAIL:elodie@martin.example' \
	END:VCARD >"$TMP/two.vcf"
assert_exit 0 "${A[@]}" contacts import Team "$TMP/two.vcf"
# A UID that is not safe as a file name keeps its safe characters and gets
# a BLAKE2b-64 of the whole UID, so that two UIDs never share a name.
URN=urn_uuid_0f6d2a6e-5f2a-4d6e-9a55-3c1e8e7d1b01-$(/usr/bin/python3 -c \
	'import hashlib; print(hashlib.blake2b(b"urn:uuid:0f6d2a6e-5f2a-4d6e-9a55-3c1e8e7d1b01", digest_size=8).hexdigest())').vcf
assert_eq "imported jean-dupont@test.vcf
imported $URN" "$OUT" "one item per card, named after its UID"
assert_exit 0 "${B[@]}" --json contacts list Team
assert_json '[(c["item"], c["name"], c["email"], c["phone"], c["organization"]) for c in d] == [("jean-dupont@test.vcf", "Jean Dupont", "jean@dupont.example", "+33 1 99 00 00 01", "Dupont, Fils et Cie, Ventes"), ("'"$URN"'", "Élodie Martin", "elodie@martin.example", None, None)]' \
	"contacts list: FN, EMAIL, TEL and ORG of each item"
assert_json 'd[1]["uid"] == "urn:uuid:0f6d2a6e-5f2a-4d6e-9a55-3c1e8e7d1b01"'
assert_exit 0 "${B[@]}" contacts list Team
assert_match "$OUT" '^NAME +EMAIL +PHONE +ORGANIZATION +ITEM$'
assert_match "$OUT" '^Jean Dupont +jean@dupont.example +\+33 1 99 00 00 01 +Dupont, Fils et Cie, Ventes +jean-dupont@test.vcf$'
assert_exit 0 "${A[@]}" contacts export Team --output "$TMP/team.vcf"
assert_eq 2 "$(grep -c '^BEGIN:VCARD' "$TMP/team.vcf")" "the export holds both cards"
cmp -s "$TMP/two.vcf" "$TMP/team.vcf" && ok "contacts are exported byte for byte" ||
	not_ok "contacts are exported byte for byte"
assert_exit 0 "${A[@]}" contacts import Other "$TMP/team.vcf"
assert_exit 0 "${A[@]}" --json contacts list Other
assert_json 'sorted(c["name"] for c in d) == ["Jean Dupont", "Élodie Martin"]' "the contacts round trip"
printf '%s\r\n' BEGIN:VCARD VERSION:3.0 UID:nameless@test EMAIL:x@y.example END:VCARD \
	BEGIN:VCARD VERSION:3.0 UID:named@test FN:Named END:VCARD >"$TMP/bad.vcf"
assert_exit 1 "${A[@]}" contacts import Team "$TMP/bad.vcf"
assert_eq "imported named@test.vcf" "$OUT"
assert_match "$ERR" '^groupctl: refused [^ ]+\.vcf: .*FN' "a card without FN is refused, with the reason"
assert_match "$ERR" '^groupctl: refused nameless@test\.vcf: ' "the refused card is named after its UID"
printf '%s\r\n' BEGIN:VCARD VERSION:3.0 UID:bobs-card@test FN:Bob END:VCARD >"$TMP/bob.vcf"
assert_refused "refused bobs-card@test\.vcf: .*add right" "${B[@]}" contacts import Team "$TMP/bob.vcf"
assert_exit 1 "${B[@]}" contacts import Team "$TMP/two.vcf"
assert_match "$ERR" "^groupctl: refused jean-dupont@test\.vcf: .*edit right"
# Without GROUP: one's own contacts.
assert_exit 0 "${B[@]}" contacts import "$TMP/two.vcf"
assert_exit 0 "${B[@]}" --json contacts list
assert_json 'len(d) == 2'
assert_exit 0 "${B[@]}" --json contacts list --private
assert_json 'len(d) == 2'
assert_exit 0 "${A[@]}" --json contacts list
assert_json 'd == []' "private contacts are private"

# ---- busy times -----------------------------------------------------------

day() { date -u -d "$1" +%Y%m%dT%H%M%SZ; }
t1=$(day 'tomorrow 10:00')
t2=$(day '2 days 12:00')
t3=$(day '3 days 09:00')
t4=$(day '4 days 18:00')
ics "$TMP/personal.ics" \
	BEGIN:VEVENT UID:p1@test DTSTAMP:20250101T000000Z 'SUMMARY:Secret dentist' \
	"DTSTART:$t1" DURATION:PT1H CLASS:PRIVATE END:VEVENT \
	BEGIN:VEVENT UID:p2@test DTSTAMP:20250101T000000Z 'SUMMARY:Maybe lunch' \
	"DTSTART:$t2" DURATION:PT1H STATUS:TENTATIVE END:VEVENT \
	BEGIN:VEVENT UID:p3@test DTSTAMP:20250101T000000Z 'SUMMARY:Reading' \
	"DTSTART:$t3" DURATION:PT1H TRANSP:TRANSPARENT END:VEVENT \
	BEGIN:VEVENT UID:p4@test DTSTAMP:20250101T000000Z 'SUMMARY:Gym' \
	"DTSTART:$t4" DURATION:PT1H RRULE:FREQ=WEEKLY\;COUNT=2 END:VEVENT
assert_exit 0 "${B[@]}" calendar import --private "$TMP/personal.ics"
assert_eq 4 "$(grep -c '^imported ' <<<"$OUT")" "bob's personal calendar"
s1=$(ts 'tomorrow 10:00') s2=$(ts '2 days 12:00') s4=$(ts '4 days 18:00')
assert_exit 0 "${A[@]}" --json busy bob
assert_json "[(b['start'], b['end'], b['tentative']) for b in d] == [($s1, $s1 + 3600, False), ($s2, $s2 + 3600, True), ($s4, $s4 + 3600, False), ($s4 + 7 * 86400, $s4 + 7 * 86400 + 3600, False)]" \
	"busy: opaque and tentative periods, recurrences expanded, transparent left out"
assert_exit 0 "${A[@]}" busy bob
assert_match "$OUT" '^START +END +START_UTC +END_UTC +TENTATIVE$'
assert_match "$OUT" "^$(date -u -d @"$s2" '+%Y-%m-%d %H:%M') +.* +yes$" "the tentative one"
assert_eq 5 "$(wc -l <<<"$OUT")" "four periods"
assert_exit 0 "${A[@]}" busy bob --ics
assert_contains "$OUT" "BEGIN:VFREEBUSY"
assert_contains "$OUT" "FREEBUSY;FBTYPE=BUSY-TENTATIVE:$t2/"
assert_contains "$OUT" "FREEBUSY;FBTYPE=BUSY:$t1/"
assert_not_contains "$OUT" "SUMMARY" "no SUMMARY in the busy times"
assert_not_contains "$OUT" "Secret" "no detail in the busy times"
assert_not_contains "$OUT" "dentist"
assert_exit 0 "${B[@]}" --json busy bob
assert_json 'len(d) == 4' "one's own busy times"
assert_refused "dave" "${A[@]}" busy dave
assert_refused "bob" gctl --as dave busy bob
assert_refused "no-one" "${A[@]}" busy no-one
# The details of a personal calendar only where they were shared.
assert_refused "bob has not shared" "${A[@]}" calendar list --member bob
gctl --as bob share calendar alice --view
assert_exit 0 "${A[@]}" --json calendar list --member bob --from "$(date -u -d tomorrow +%F)"
assert_json '[o["summary"] for o in d][:3] == ["Secret dentist", "Maybe lunch", "Reading"]' \
	"a shared personal calendar, in detail"
assert_refused "." "${A[@]}" calendar import --member bob "$TMP/bob.ics"
gctl --as bob share calendar alice --view --add
assert_exit 0 "${A[@]}" calendar import --member bob "$TMP/bob.ics"
assert_exit 0 "${B[@]}" --json calendar list --from 2025-04-02 --to 2025-04-02
assert_json '[o["summary"] for o in d] == ["Bob'"'"'s"]' "alice added to bob's calendar"

# ---- busy times cost a bounded amount, whatever a member stores ------------
# 22 minute-long hourly series fill the budget of one busy.ics (200,000
# periods); what comes after them is left out, with a warning, rather than
# stalling every co-member who reads carol's busy times.
start=$(date -u -d '30 days ago' +%Y%m%dT000000Z)
lines=()
for i in $(seq 1 22); do
	lines+=(BEGIN:VEVENT "UID:h$i@test" DTSTAMP:20250101T000000Z
		"DTSTART:$start" DURATION:PT1M RRULE:FREQ=HOURLY END:VEVENT)
done
ics "$TMP/hourly.ics" "${lines[@]}"
assert_exit 0 gctl --as carol calendar import --private "$TMP/hourly.ics"
t5=$(day '5 days 08:30')
ics "$TMP/marker.ics" BEGIN:VEVENT UID:marker@test DTSTAMP:20250101T000000Z \
	"DTSTART:$t5" DURATION:PT7M END:VEVENT
assert_exit 0 gctl --as carol calendar import --private "$TMP/marker.ics"
assert_exit 0 "${A[@]}" --json busy carol
assert_json "len(d) > 9000 and $(ts '5 days 08:30') not in [b['start'] for b in d]" \
	"busy: the series are there, the item past the budget is left out"
assert_contains "$ERR" "items left out" "and a warning says so"

# ---- the demo ---------------------------------------------------------------

D="$TMP/demo"
gctl demo "$D" >/dev/null
C=(gctl --store "$D" --as claire.lambert)
assert_exit 0 "${C[@]}" --json calendar list Staff
assert_json 'len(d) >= 3 and "Weekly team meeting" in [o["summary"] for o in d]' \
	"the Staff calendar, in the default window"
assert_json 'any(o["all_day"] for o in d)' "the company holiday"
assert_exit 0 "${C[@]}" --json calendar list Staff --from "$(date -d '-60 days' +%F)" --to "$(date -d '+60 days' +%F)"
assert_json 'sum(o["summary"].startswith("Weekly team meeting") for o in d) >= 10' "the weekly meeting recurs"
assert_exit 0 "${C[@]}" calendar export Staff
assert_contains "$OUT" "RRULE:FREQ=WEEKLY"
assert_contains "$OUT" "EXDATE;TZID=Europe/Brussels:"
assert_contains "$OUT" "RECURRENCE-ID;TZID=Europe/Brussels:"
assert_exit 0 gctl --store "$D" --as marc.petit --json calendar list Production
assert_json 'any(o["summary"].startswith("Safety training") for o in d)'
assert_exit 0 "${C[@]}" --json calendar list
assert_json 'len(d) >= 4 and "Dentist" in [o["summary"] for o in d]' "the director's own calendar"
assert_exit 0 gctl --store "$D" --as nathalie.girard --json calendar list --member claire.lambert
assert_json 'len(d) >= 4' "the secretary sees the director's calendar"
assert_exit 0 gctl --store "$D" --as marc.petit --json busy claire.lambert
assert_json 'len(d) >= 4 and any(b["tentative"] for b in d)' "the director's busy times"
assert_exit 0 gctl --store "$D" --as marc.petit busy claire.lambert --ics
assert_not_contains "$OUT" "Dentist" "the private appointment shows only as busy"
assert_exit 0 gctl --store "$D" --as thomas.dubois --json contacts list Sales
assert_json 'len(d) >= 3 and all(c["name"] and "@" in c["email"] and c["phone"] and c["uid"].endswith("@lambert-menuiserie.example") for c in d)' \
	"customers in the Sales contacts"
assert_exit 0 gctl --store "$D" check
assert_eq "store is consistent" "$OUT"

finish
