#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl link create|list|revoke: the URL printed once, --expires forms,
# --json, who may, and the exit codes of refusals (1) and usage errors (2).
source "$(dirname "$0")/lib.sh"

gctl init >/dev/null
gctl plan set big --max-groups 5 --max-members 10 >/dev/null
add_account boss big
add_account mem
add_account other
gctl --as boss group create Team >/dev/null
gctl --as boss group invite Team mem >/dev/null
gctl --as mem invitation accept Team >/dev/null

run gctl --as boss link create Team calendar
assert_eq 0 "$RC" "the administrator publishes the calendar"
assert_match "$OUT" '^http://localhost:8080/l/[A-Za-z0-9_-]{32}$' \
	"prints BASE/l/TOKEN under the default base"
tok=${OUT##*/}
run gctl --as boss --json link create Team documents/ --expires +1d \
	--base-url https://x.example/
assert_eq 0 "$RC" "a documents link, --json, --expires +1d, --base-url"
assert_json 'd["url"].startswith("https://x.example/l/") and len(d["url"]) == 52' \
	"--json: the URL under --base-url"
assert_json "abs(d['expires'] - $(date +%s) - 86400) < 60" \
	"--expires +1d: a day from now"
run gctl --json link list Team
assert_json 'len(d) == 2 and d[0]["kind"] == "calendar" and d[1]["kind"] == "folder" and d[1]["target"] == "documents"' \
	"link list --json: both, with kind and target"
assert_not_contains "$OUT" "$tok" "link list never shows a token"
run gctl --as mem link list Team
assert_eq 0 "$RC" "a member lists the group's links"
assert_contains "$OUT" "calendar"
run gctl --as other link list
assert_eq 0 "$RC" "a stranger lists"
assert_not_contains "$OUT" "Team" "... none of Team's links"

assert_refused "only the administrator and co-administrators" \
	gctl --as mem link create Team calendar
assert_refused "only the administrator and co-administrators" \
	gctl --as mem link revoke 1
assert_refused "no Team/nope|no documents/nope" \
	gctl --as boss link create Team documents/nope
assert_refused "'calendar' or 'documents/PATH'" \
	gctl --as boss link create Team contacts
assert_refused "in the future" \
	gctl --as boss link create Team calendar --expires 2001-01-01
assert_refused "no link 99" gctl --as boss link revoke 99
for bad in tomorrow 2025-13-45 +3w @x "2030-01-01 25:00"; do
	assert_usage gctl --as boss link create Team calendar --expires "$bad"
done
# +N is checked before it is multiplied: no overflow to a past or near
# date, a clear message.
for far in +213503982334602d +99999999999999999999d +99999999999999999999 \
	+36601d +878401h; do
	assert_usage gctl --as boss link create Team calendar --expires "$far"
	assert_contains "$ERR" "too far: at most 100 years" "--expires $far: too far"
done
run gctl --as boss --json link create Team calendar --expires +36600d
assert_json "abs(d['expires'] - $(date +%s) - 36600 * 86400) < 60" \
	"--expires +36600d: 100 years is allowed"
assert_usage gctl --as boss link create Team calendar --base-url ftp://x
assert_usage gctl --as boss link revoke one
assert_usage gctl --as boss link create Team
run gctl --as boss link create Team calendar --expires 2099-12-31
assert_eq 0 "$RC" "--expires YYYY-MM-DD"
run gctl --as boss link create Team calendar --expires "2099-12-31 08:30"
assert_eq 0 "$RC" "--expires 'YYYY-MM-DD HH:MM'"
run gctl --as boss link create Private calendar
assert_eq 0 "$RC" "Private: one's own calendar"
run gctl --as boss link revoke 1
assert_eq 0 "$RC" "link revoke"
run gctl --json link list Team
assert_json 'all(o["id"] != 1 for o in d)' "a revoked link leaves the list"
run gctl --as boss --json link list Private
assert_json 'len(d) == 1 and d[0]["space"] == "Private" and d[0]["owner"] == "boss"' "link list Private: the owner's own"
finish
