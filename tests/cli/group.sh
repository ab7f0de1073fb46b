#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl group and invitation: settings, listing, members and roles,
# invitations from both sides, joining and leaving, the directory, and the
# refusals that name each rule of the group model.
source "$(dirname "$0")/lib.sh"

gctl init >/dev/null
gctl plan set tiny --max-groups 1 --max-members 2
for a in alice:pro bob:free carol:free dave:free erin:tiny frank:pro; do
	add_account "${a%:*}" "${a#*:}"
done
A=(gctl --as alice)

# Creating: the creator is administrator; it counts against the plan.
assert_exit 0 "${A[@]}" group create Sales --description "Quotes and offers" \
	--business --sector Carpentry --language fr
assert_eq "" "$OUT$ERR" "group create prints nothing"
assert_refused "Sales2: the plan of bob \(free\) allows administering 0 groups" \
	gctl --as bob group create Sales2
assert_refused "the group name sales is taken" "${A[@]}" group create sales
assert_refused "invalid group name '.hidden'" "${A[@]}" group create .hidden
assert_refused "Private" "${A[@]}" group create private
assert_refused "invalid group name" "${A[@]}" group create "a/b"
assert_refused "invalid group name" "${A[@]}" group create "$(printf 'g%.0s' {1..65})"
assert_refused "invalid group name" "${A[@]}" group create ""
assert_refused "a sector is set only for a business group" \
	"${A[@]}" group create Wood --sector Carpentry
assert_refused "only a published group can be open" "${A[@]}" group create Wood --open
assert_refused "the language must be an ISO 639 code" \
	"${A[@]}" group create Wood --language klingon
assert_refused "has no groupfs account|no account|account" gctl group create Orphan

assert_exit 0 "${A[@]}" group list
assert_match "$OUT" '^NAME +ROLE +ADMIN +MEMBERS +PENDING +USED +CAPACITY$'
assert_match "$OUT" '^Sales +administrator +alice +1 +0 +0 +10(\.0)?G$'
assert_exit 0 "${A[@]}" --json group list
assert_json 'len(d) == 1 and d[0]["name"] == "Sales" and d[0]["role"] == "administrator" and d[0]["members"] == 1 and d[0]["capacity"] == 10 * 1024**3 and d[0]["used"] == 0'
assert_json 'd[0]["business"] is True and d[0]["sector"] == "Carpentry" and d[0]["language"] == "fr" and d[0]["published"] is False'
assert_exit 0 "${A[@]}" group show Sales
assert_match "$OUT" '^name: Sales$'
assert_match "$OUT" '^description: Quotes and offers$'
assert_match "$OUT" '^administrator: alice$'
assert_match "$OUT" '^your role: administrator$'
assert_match "$OUT" '^published: no$'
assert_match "$OUT" '^activity: business$'
assert_match "$OUT" '^members: 1 of at most 25$'
assert_exit 0 "${A[@]}" --json group show sales
assert_json 'd["name"] == "Sales" and d["admin_email"] == "alice@example.org" and d["max_members"] == 25'
# The operator with no account of its own sees every group.
assert_exit 0 gctl --json group list
assert_json '[g["name"] for g in d] == ["Sales"]'

# Settings: the administrator only.
assert_exit 0 "${A[@]}" group edit Sales --publish --publish-members \
	--description "Our quotes"
assert_refused "Sales: you are not a member" gctl --as bob group edit Sales --open
assert_refused "no group named Nope" "${A[@]}" group edit Nope --open
assert_exit 0 "${A[@]}" --json group show Sales
assert_json 'd["published"] and d["members_published"] and not d["open"] and d["description"] == "Our quotes"'
assert_exit 0 "${A[@]}" group edit Sales --no-business
assert_exit 0 "${A[@]}" --json group show Sales
assert_json 'd["business"] is False and d["sector"] is None' "leaving business clears the sector"
assert_exit 0 "${A[@]}" group edit Sales --business --sector Carpentry

# Invitations: the administrator invites; pending ones can be listed,
# sent again and cancelled; the invitee accepts or declines.
assert_exit 0 "${A[@]}" group invite Sales bob carol
assert_eq "" "$OUT$ERR" "group invite prints nothing when all are invited"
assert_exit 0 "${A[@]}" group invitations Sales
assert_match "$OUT" '^USERNAME +INVITED_BY +INVITED +LAST_SENT +SENT$'
assert_match "$OUT" '^bob +alice +[0-9-]+ [0-9:]+ +[0-9-]+ [0-9:]+ +1$'
assert_exit 0 "${A[@]}" --json group invitations Sales
assert_json 'sorted(i["username"] for i in d) == ["bob", "carol"] and all(i["group"] == "Sales" and i["invited_by"] == "alice" and i["sent"] == 1 for i in d)'
assert_refused "." "${A[@]}" group invite Sales bob
assert_exit 0 "${A[@]}" group resend Sales bob
assert_exit 0 "${A[@]}" --json group invitations Sales
assert_json '[i["sent"] for i in d if i["username"] == "bob"] == [2]' "resend counts a reminder"

assert_exit 0 gctl --as bob invitation list
assert_match "$OUT" '^GROUP +INVITED_BY +INVITED +LAST_SENT +SENT$'
assert_match "$OUT" '^Sales +alice '
assert_exit 0 gctl --as bob --json invitation list
assert_json 'len(d) == 1 and d[0]["group"] == "Sales" and d[0]["username"] == "bob"'
assert_exit 0 gctl --as bob invitation accept Sales
assert_refused "Sales: only the administrator may" gctl --as bob group edit Sales --open
assert_refused "Sales: only the administrator may invite" \
	gctl --as bob group invite Sales dave
assert_refused "Sales: only the administrator may" gctl --as bob group resend Sales carol
assert_exit 0 gctl --as carol invitation decline Sales
assert_exit 0 gctl --as carol --json invitation list
assert_json 'd == []' "an empty listing is an empty array"
assert_refused "." gctl --as carol invitation accept Sales
assert_exit 0 "${A[@]}" --json group invitations Sales
assert_json 'd == []'
assert_refused "Sales: bob is already a member" "${A[@]}" group invite Sales bob
assert_exit 0 "${A[@]}" group invite Sales dave
assert_exit 0 "${A[@]}" group cancel Sales dave
assert_exit 0 gctl --as dave --json invitation list
assert_json 'd == []' "a cancelled invitation is gone"

# The member limit counts the administrator and pending invitations;
# "group invite" stops at the first refusal and says who was invited.
assert_exit 0 gctl --as erin group create Tiny
assert_refused "Tiny: the plan of its administrator \(tiny\) allows 2 members" \
	gctl --as erin group invite Tiny bob carol dave
assert_eq "invited bob; not invited: carol, dave" "$OUT" \
	"invite names who was invited before the refusal"
assert_exit 0 gctl --as erin --json group invitations Tiny
assert_json '[i["username"] for i in d] == ["bob"]'

# Members and roles.
assert_exit 0 "${A[@]}" group members Sales
assert_match "$OUT" '^USERNAME +ROLE +NAME +ORGANIZATION +EMAIL +JOINED$'
assert_match "$OUT" '^alice +administrator +Alice Tester '
assert_match "$OUT" '^bob +member +Bob Tester '
assert_exit 0 "${A[@]}" --json group members Sales
assert_json '{m["username"]: m["role"] for m in d} == {"alice": "administrator", "bob": "member"}'
assert_json 'all(isinstance(m["joined"], int) for m in d)'
assert_exit 0 "${A[@]}" group coadmin Sales bob
assert_exit 0 gctl --as bob --json group members Sales
assert_json '{m["username"]: m["role"] for m in d}["bob"] == "co-administrator"'
assert_exit 0 gctl --as bob --json group invitations Sales
assert_refused "Sales: only the administrator may" gctl --as bob group coadmin Sales alice
assert_refused "Sales: only the administrator may" gctl --as bob group invite Sales dave
assert_exit 0 "${A[@]}" group uncoadmin Sales bob
assert_exit 0 "${A[@]}" --json group members Sales
assert_json '{m["username"]: m["role"] for m in d}["bob"] == "member"'
assert_refused "Sales: only the administrator and co-administrators may see pending" \
	gctl --as bob group invitations Sales
assert_refused "Sales: dave is not a member" "${A[@]}" group coadmin Sales dave

# Hand-over: refused when the new administrator's plan cannot hold the group.
assert_refused "Sales: the plan of bob \(free\) allows administering 0 groups" \
	"${A[@]}" group handover Sales bob
assert_exit 0 "${A[@]}" group invite Sales frank
assert_exit 0 gctl --as frank invitation accept Sales
gctl plan set pair --max-groups 1 --max-members 2
gctl account edit frank --plan pair
assert_refused "Sales: the plan of frank \(pair\) allows 2 members; the group has 3" \
	"${A[@]}" group handover Sales frank
gctl account edit frank --plan pro
assert_exit 0 "${A[@]}" group handover Sales frank
assert_exit 0 gctl --as frank --json group members Sales
assert_json '{m["username"]: m["role"] for m in d} == {"alice": "member", "bob": "member", "frank": "administrator"}' \
	"the former administrator stays as a member"
assert_exit 0 gctl --as frank group handover Sales alice

# Leaving, removing, deleting.
assert_refused "Sales: the administrator cannot leave the group" "${A[@]}" group leave Sales
assert_exit 0 gctl --as frank group leave Sales
assert_refused "Sales: a group can be deleted only when no other member remains" \
	"${A[@]}" group delete Sales
assert_refused "Sales: only the administrator may" gctl --as bob group remove Sales alice
assert_refused "Sales: only the administrator may" gctl --as bob group remove-all Sales
assert_refused "Sales: only the administrator may" gctl --as bob group delete Sales
assert_exit 0 "${A[@]}" group remove Sales bob
assert_exit 0 "${A[@]}" --json group members Sales
assert_json '[m["username"] for m in d] == ["alice"]'
assert_refused "Sales: you are not a member" gctl --as bob group leave Sales
for u in bob carol dave; do
	"${A[@]}" group invite Sales "$u"
	gctl --as "$u" invitation accept Sales
done
assert_exit 0 "${A[@]}" group remove-all Sales
assert_exit 0 "${A[@]}" --json group members Sales
assert_json '[m["username"] for m in d] == ["alice"]' "remove-all keeps the administrator"

# The directory: published groups only, with at least two criteria.
assert_exit 0 "${A[@]}" group create Hidden --business --sector Carpentry \
	--language fr
assert_exit 0 gctl --as dave group search --name ale --business
assert_match "$OUT" '^NAME +ACCESS +MEMBERS +ACTIVITY +SECTOR +LANGUAGE +CONTACT +DESCRIPTION$'
assert_match "$OUT" '^Sales +closed +1 +business +Carpentry +fr +alice@example.org +Our quotes$'
assert_exit 0 gctl --as dave --json group search --sector carpentry --language fr
assert_json '[g["name"] for g in d] == ["Sales"]' "private groups never appear"
assert_json 'd[0]["admin_email"] == "alice@example.org" and d[0]["members"] == 1 and d[0]["role"] is None'
assert_refused "a search needs at least two criteria" gctl --as dave group search --name sal
assert_refused "at least 3" gctl --as dave group search --name sa --business
assert_exit 0 gctl --as dave --json group search --name xyz --language fr
assert_json 'd == []'
# What a non-member sees of a published group, and of a private one.
assert_exit 0 gctl --as dave --json group show Sales
assert_json 'd["role"] is None and d["invitations"] is None'
assert_exit 0 gctl --as dave --json group members Sales
assert_json '[m["username"] for m in d] == ["alice"]' "a published members list"
assert_refused "no group named Hidden" gctl --as dave group show Hidden
assert_refused "no group named Hidden" gctl --as dave group members Hidden
assert_exit 0 "${A[@]}" group edit Sales --no-publish-members
assert_refused "Sales: the members list is not published" gctl --as dave group members Sales

# Joining: open groups directly, closed published ones by asking.
assert_refused "Sales: closed group: ask its administrator \(alice@example.org\) for an invitation" \
	gctl --as dave group join Sales
assert_exit 0 "${A[@]}" group edit Sales --open
assert_exit 0 gctl --as dave group join Sales
assert_refused "Sales: you are already a member" gctl --as dave group join Sales
assert_exit 0 "${A[@]}" group edit Sales --no-publish
assert_exit 0 "${A[@]}" --json group show Sales
assert_json 'not d["published"] and not d["open"] and not d["members_published"]' \
	"unpublishing closes and hides the members list"
assert_refused "no group named Sales" gctl --as erin group join Sales
assert_exit 0 gctl --as dave group leave Sales

assert_exit 0 "${A[@]}" group delete Hidden
assert_exit 0 "${A[@]}" group delete Sales
assert_exit 0 "${A[@]}" --json group list
assert_json 'd == []'

# A refusal is one line whatever the caller typed: names from the command
# line are shown escaped, never as a line break or a terminal escape.
NL=$(printf 'Evil\nsecond line\033[31m')
assert_refused 'Evil\\nsecond line\\x1b\[31m' "${A[@]}" group show "$NL"
assert_not_contains "$ERR" $'\033' "no escape character reaches the terminal"
run "${A[@]}" group list "--$NL"
assert_eq 2 "$RC" "an unknown option with a line break: a usage error"
assert_eq 1 "$(grep -c '^groupctl: ' <<<"$ERR")" "  on one line"
assert_not_contains "$ERR" $'\033' "  with no escape character"

finish
