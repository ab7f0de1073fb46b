#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl rights, share, usage and check: who may add and delete per
# tool, who may edit an item, personal calendar grants (and their end when
# a member leaves), the usage figures and the integrity check.
source "$(dirname "$0")/lib.sh"

gctl init >/dev/null
for a in alice:pro bob:free carol:free dave:free; do
	add_account "${a%:*}" "${a#*:}"
done
A=(gctl --as alice)
"${A[@]}" group create Team
"${A[@]}" group invite Team bob carol
gctl --as bob invitation accept Team
gctl --as carol invitation accept Team

# The default: the administrator and co-administrators only.
assert_exit 0 gctl --as bob rights show Team
assert_match "$OUT" '^TARGET +RIGHT +WHO +SET_ON$'
assert_match "$OUT" '^documents +add +administrator and co-administrators +documents$'
assert_match "$OUT" '^contacts +delete +administrator and co-administrators +contacts$'
assert_match "$OUT" '^mail +edit +all members +mail$'
assert_eq 10 "$(wc -l <<<"$OUT")" "two rights for each of four tools, and mail's edit"
assert_exit 0 gctl --as bob --json rights show Team
assert_json '[r["target"] for r in d] == ["documents", "calendar", "contacts", "mail"]'
assert_json '[("edit" in r) for r in d] == [False, False, False, True]'
assert_json 'd[3]["edit"] == {"own": True, "from": "mail", "all_members": True, "users": []}'
assert_json 'all(r["group"] == "Team" and r[k] == {"own": True, "from": r["target"], "all_members": False, "users": []} for r in d for k in ("add", "delete"))'
assert_refused "no group named Team|Team: you are not a member" \
	gctl --as dave rights show Team

# mail: who changes the shared flags is the tool's edit right.
assert_exit 0 gctl --as alice rights set Team mail --edit bob
assert_exit 0 gctl --as alice --json rights show Team mail
assert_json 'd["edit"]["users"] == ["bob"] and not d["edit"]["all_members"]'
assert_exit 0 gctl --as alice rights set Team mail --edit --all-members
assert_refused "only add and delete are set on tools and folders" \
	gctl --as alice rights set Team documents --edit bob
assert_refused "the mailbox's rights are set on the tool" \
	gctl --as alice rights set Team mail/cur --add bob

# Setting: a replacement; names and all members combine.
assert_exit 0 "${A[@]}" rights set Team documents --add --all-members
assert_eq "" "$OUT$ERR" "rights set prints nothing"
assert_exit 0 "${A[@]}" rights set Team calendar --add --delete bob carol
assert_exit 0 "${A[@]}" rights set Team contacts --delete --all-members bob
assert_exit 0 gctl --as carol --json rights show Team documents
assert_json 'isinstance(d, dict) and d["target"] == "documents" and d["add"]["all_members"] and d["add"]["users"] == [] and not d["delete"]["all_members"]'
assert_exit 0 gctl --as carol --json rights show Team calendar
assert_json 'sorted(d["add"]["users"]) == ["bob", "carol"] and sorted(d["delete"]["users"]) == ["bob", "carol"]'
assert_exit 0 gctl --as carol --json rights show Team contacts
assert_json 'd["delete"]["all_members"] and d["delete"]["users"] == ["bob"]'
assert_exit 0 gctl --as carol rights show Team calendar
assert_match "$OUT" '^calendar +add +(bob, carol|carol, bob) +calendar$'
assert_exit 0 gctl --as carol rights show Team
assert_match "$OUT" '^documents +add +all members +documents$'
assert_match "$OUT" '^contacts +delete +all members, bob +contacts$'
assert_exit 0 "${A[@]}" rights set Team calendar --delete --none
assert_exit 0 "${A[@]}" --json rights show Team calendar
assert_json 'd["delete"]["users"] == [] and not d["delete"]["all_members"] and len(d["add"]["users"]) == 2'

# Who may set them, and whom.
assert_refused "Team: only the administrator and co-administrators may change access rights" \
	gctl --as bob rights set Team documents --delete --all-members
"${A[@]}" group coadmin Team bob
assert_exit 0 gctl --as bob rights set Team documents --delete carol
"${A[@]}" group uncoadmin Team bob
assert_refused "Team: only the administrator and co-administrators" \
	gctl --as bob rights set Team documents --delete --all-members
# A demoted co-administrator keeps what was granted by name.
assert_exit 0 "${A[@]}" rights set Team contacts --add bob
"${A[@]}" group coadmin Team bob
"${A[@]}" group uncoadmin Team bob
assert_exit 0 gctl --as bob --json rights show Team contacts
assert_json 'd["add"]["users"] == ["bob"]' "rights by name outlive the co-administrator role"
assert_refused "Team: dave is not a member" "${A[@]}" rights set Team documents --add dave
assert_refused "Team: 'pictures' is not documents, calendar, contacts" \
	"${A[@]}" rights set Team pictures --add --all-members
assert_refused "Team: documents is a tool" "${A[@]}" rights set Team documents --add --inherit
assert_refused "." "${A[@]}" rights show Team documents/no/such/folder

# Editors of an item: items are made through the mount, so only the
# refusals can be seen here.
assert_refused "Team: documents is a tool, not an item" \
	"${A[@]}" rights editors Team documents --all-members
assert_refused "." "${A[@]}" rights editors Team documents/no-such-file

# Personal calendar grants become exactly the flags given.
assert_exit 0 "${A[@]}" share calendar bob carol --view --add
assert_eq "" "$OUT$ERR" "share calendar prints nothing"
assert_exit 0 "${A[@]}" share list
assert_match "$OUT" '^OWNER +GRANTEE +RIGHTS +GROUPS$'
assert_match "$OUT" '^alice +bob +view,add +1$'
assert_exit 0 "${A[@]}" --json share list
assert_json 'sorted((g["owner"], g["grantee"], tuple(g["rights"]), g["groups"]) for g in d) == [("alice", "bob", ("view", "add"), 1), ("alice", "carol", ("view", "add"), 1)]'
assert_exit 0 "${A[@]}" share calendar bob --edit --delete --view
assert_exit 0 gctl --as bob --json share list
assert_json 'd == [{"owner": "alice", "grantee": "bob", "rights": ["view", "edit", "delete"], "groups": 1}]' \
	"the grantee sees the grant; flags replace the grant"
assert_exit 0 "${A[@]}" share calendar carol --revoke
assert_exit 0 gctl --as carol --json share list
assert_json 'd == []' "--revoke takes the grant back"
assert_refused "dave shares no group with you" "${A[@]}" share calendar dave --view
assert_refused "your calendar is always yours" "${A[@]}" share calendar alice --view
# Leaving a group ends the grants made through it, both ways.
assert_exit 0 gctl --as bob share calendar carol --view
assert_exit 0 gctl --as bob group leave Team
assert_exit 0 gctl --as carol --json share list
assert_json 'd == []' "grants end when the granter leaves"
assert_exit 0 "${A[@]}" --json share list
assert_json 'd == []' "grants end when the grantee leaves"
assert_exit 0 "${A[@]}" --json rights show Team calendar
assert_json 'd["add"]["users"] == ["carol"]' "a leaver's rights by name end"

# Usage: the private space and each group.
assert_exit 0 "${A[@]}" usage
assert_match "$OUT" '^NAME +USED +METADATA +HISTORY +CAPACITY +USE% +FILES +MEMBERS$'
# FILES: the entries members made, out of the most the capacity allows.
assert_match "$OUT" '^Private +0 +0 +0 +20(\.0)?G +0% +0/10485760 +-$'
assert_match "$OUT" '^Team +0 +0 +0 +10(\.0)?G +0% +0/5242880 +2/25$'
assert_exit 0 "${A[@]}" --json usage
assert_json '[dict(u, files=None) for u in d] == [{"name": "Private", "used": 0, "metadata": 0, "history": 0, "capacity": 20 * 1024**3, "files": None, "max_files": 10485760, "members": None, "max_members": None}, {"name": "Team", "used": 0, "metadata": 0, "history": 0, "capacity": 10 * 1024**3, "files": None, "max_files": 5242880, "members": 2, "max_members": 25}]'
assert_json 'all(isinstance(u["files"], int) for u in d)'
assert_exit 0 gctl --as carol --json usage Team
assert_json 'len(d) == 1 and d[0]["name"] == "Team"'
assert_refused "no group named Team|Team: you are not a member" gctl --as dave usage Team

# The integrity check: the operator's.
assert_exit 0 gctl check
assert_eq "store is consistent" "$OUT"
assert_exit 0 gctl --json check
assert_json 'd == {"consistent": True, "count": 0, "problems": []}'
assert_refused "only the store operator may check the store" "${A[@]}" check

# A damaged store: each problem on a line, a count, exit 1.  The damage is
# done with sqlite3 on the format of docs/store-format.md (the group's
# administrator row goes, with the triggers that would journal it).
damage() {
	local db="$GROUPFS_STORE/db/store.db" t
	command -v sqlite3 >/dev/null || return 1
	for t in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE
			type = 'trigger' AND tbl_name = 'membership'"); do
		sqlite3 "$db" "DROP TRIGGER $t" || return 1
	done
	sqlite3 "$db" "DELETE FROM membership WHERE role = 3"
}
if damage; then
	assert_exit 1 gctl check
	assert_match "$OUT" 'Team'
	assert_eq "1 problem" "$(tail -n 1 <<<"$OUT")" "check counts the problems"
	assert_exit 1 gctl --json check
	assert_json 'd["consistent"] is False and d["count"] == len(d["problems"]) == 1'
else
	echo "skipped: could not damage the store with sqlite3"
fi

finish
