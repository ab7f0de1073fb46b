#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl demo: the example company of the groups FAQ, checked through
# groupctl's own JSON; refusing an existing store, --force replacing only a
# previous demo.
source "$(dirname "$0")/lib.sh"

D="$TMP/demo"
C=(gctl --store "$D" --as claire.lambert)

assert_exit 0 gctl demo "$D"
assert_match "$OUT" "^demo store created in $D\$"
assert_match "$OUT" '^Staff: 10 members'
assert_match "$OUT" '^Production: 6 members; invited, not yet answered: hugo.lefebvre$'

# The operator (no account of its own) sees every group.
assert_exit 0 gctl --store "$D" --json group list
assert_json 'sorted(g["name"] for g in d) == ["Direction", "Production", "Sales", "Staff"]'
assert_json 'all(g["admin"] == "claire.lambert" and g["business"] for g in d)'
assert_exit 0 gctl --store "$D" --json account list
assert_json 'len(d) == 11'
assert_json 'sum(a["org"] == "Lambert & Fils Menuiserie" for a in d) == 10'
assert_json 'all(a["email"].endswith("@lambert-menuiserie.fr") for a in d if a["org"] == "Lambert & Fils Menuiserie")'
assert_exit 0 "${C[@]}" --json account show claire.lambert
assert_json 'd["first"] == "Claire" and d["last"] == "Lambert" and d["plan"] == "pro"'

members() { # GROUP: "user:role ..." sorted, as the director sees them
	run "${C[@]}" --json group members "$1"
	json '" ".join(sorted(m["username"] + ":" + m["role"] for m in d))'
}
secretary="nathalie.girard:co-administrator"
sales="antoine.mercier:member camille.laurent:member thomas.dubois:member"
workers="elodie.roux:member karim.benali:member luc.fontaine:member marc.petit:member"
assert_eq "$(tr ' ' '\n' <<<"claire.lambert:administrator $secretary $sales $workers hugo.lefebvre:member" | sort | paste -sd' ')" \
	"$(members Staff)" "Staff: all ten, the secretary co-administrator"
assert_eq "$(tr ' ' '\n' <<<"claire.lambert:administrator $secretary $sales" | sort | paste -sd' ')" \
	"$(members Sales)" "Sales: the director, the salespeople and the secretary"
assert_eq "$(tr ' ' '\n' <<<"claire.lambert:administrator $secretary $workers" | sort | paste -sd' ')" \
	"$(members Production)" "Production: the director, the workers and the secretary"
assert_eq "claire.lambert:administrator nathalie.girard:member" \
	"$(members Direction)" "Direction: the director and the secretary"

assert_exit 0 "${C[@]}" --json group invitations Production
assert_json '[i["username"] for i in d] == ["hugo.lefebvre"]'
assert_exit 0 "${C[@]}" --json group invitations Direction
assert_json '[i["username"] for i in d] == ["pierre.garnier"]'
assert_exit 0 gctl --store "$D" --as hugo.lefebvre --json invitation list
assert_json '[i["group"] for i in d] == ["Production"]'

# Settings, rights, the calendar share, the directory.
assert_exit 0 "${C[@]}" --json group show Sales
assert_json 'd["published"] and d["members_published"] and d["sector"] and d["language"] == "fr" and d["description"] != ""'
assert_exit 0 "${C[@]}" --json rights show Sales documents
assert_json 'd["add"]["all_members"] is True'
assert_exit 0 "${C[@]}" --json rights show Production calendar
assert_json 'd["add"]["all_members"] is True'
assert_exit 0 gctl --store "$D" --as nathalie.girard --json share list
assert_json 'd == [{"owner": "claire.lambert", "grantee": "nathalie.girard", "rights": ["view", "add", "edit", "delete"], "groups": d[0]["groups"]}] and d[0]["groups"] >= 1'
assert_exit 0 gctl --store "$D" --as pierre.garnier --json group search --name sal --business
assert_json '[g["name"] for g in d] == ["Sales"] and d[0]["members"] == 5'
assert_exit 0 gctl --store "$D" check
assert_eq "store is consistent" "$OUT"

# Folders and items: rights inherited and set per folder, editors per item.
T=(gctl --store "$D" --as thomas.dubois)
assert_exit 0 "${T[@]}" rights show Sales documents/Quotes
assert_match "$OUT" '^documents/Quotes +add +all members +documents$'
assert_exit 0 "${T[@]}" --json rights show Sales documents/Quotes
assert_json 'd["add"]["own"] is False and d["add"]["from"] == "documents" and d["add"]["all_members"]' \
	"a folder inherits its tool's setting"
assert_exit 0 gctl --store "$D" --as marc.petit --json rights show Production "documents/Job sheets"
assert_json 'd["add"]["own"] and d["add"]["all_members"] and d["delete"]["from"] == "documents"'
assert_exit 0 "${C[@]}" rights set Sales documents/Customers --delete camille.laurent
assert_exit 0 "${T[@]}" --json rights show Sales documents/Customers
assert_json 'd["delete"]["own"] and d["delete"]["users"] == ["camille.laurent"] and not d["add"]["own"]'
assert_exit 0 gctl --store "$D" --as nathalie.girard rights set Sales documents/Customers --delete --inherit
assert_exit 0 "${T[@]}" --json rights show Sales documents/Customers
assert_json 'd["delete"]["own"] is False' "--inherit drops the folder's own setting"
assert_refused "Sales: only the administrator and co-administrators may change access rights" \
	"${T[@]}" rights set Sales documents/Quotes --add --none

item=documents/Quotes/price-list.txt
assert_exit 0 "${C[@]}" rights editors Sales "$item"
assert_match "$OUT" '^creator: thomas.dubois$'
assert_match "$OUT" '^editors: all members$'
assert_exit 0 "${T[@]}" --json rights editors Sales "$item"
assert_json 'd == {"group": "Sales", "path": "'"$item"'", "creator": "thomas.dubois", "all_members": True, "users": []}'
assert_exit 0 "${T[@]}" rights editors Sales "$item" camille.laurent
assert_exit 0 "${T[@]}" --json rights editors Sales "$item"
assert_json 'd["all_members"] is False and d["users"] == ["camille.laurent"]'
assert_refused "Sales: only the member who added .* may decide who edits it" \
	"${C[@]}" rights editors Sales "$item" --all-members
assert_exit 0 "${T[@]}" rights editors Sales "$item" --only-me
assert_exit 0 "${T[@]}" rights editors Sales "$item"
assert_match "$OUT" '^editors: only the creator$'
assert_exit 0 "${C[@]}" --json usage Sales
assert_json 'd[0]["used"] > 0' "the files count against the group's capacity"
# A hand-over the new administrator's plan cannot hold in bytes.
gctl --store "$D" plan set small --max-groups 9 --max-members 50 --group-bytes 10
gctl --store "$D" account edit nathalie.girard --plan small
assert_refused "Sales: the plan of nathalie.girard \(small\) holds .* per group; the group uses" \
	"${C[@]}" group handover Sales nathalie.girard

# An existing store is refused; --force replaces a demo, and only a demo.
assert_refused "already holds a store" gctl demo "$D"
assert_exit 0 gctl demo "$D" --force --json
assert_json 'd["store"] == "'"$D"'" and [g["name"] for g in d["groups"]] == ["Staff", "Sales", "Production", "Direction"]'
assert_json '[p for g in d["groups"] for p in g["pending"]] == ["hugo.lefebvre", "pierre.garnier"]'
assert_exit 0 gctl --store "$D" --json account list
assert_json 'len(d) == 11' "the replaced demo starts afresh"

gctl --store "$TMP/real" init >/dev/null
gctl --store "$TMP/real" account add alice --first A --last M --email a@example.org
assert_refused "not a demo store" gctl demo --force "$TMP/real"
assert_exit 0 gctl --store "$TMP/real" --json account list
assert_json '[a["username"] for a in d] == ["alice"]' "a real store is left alone"
mkdir "$TMP/full" && touch "$TMP/full/file"
assert_refused "." gctl demo "$TMP/full"
[ -e "$TMP/full/file" ] && ok "a directory with files is left alone" ||
	not_ok "a directory with files is left alone"

# Without DIR: the store directory.
assert_exit 0 gctl demo
assert_contains "$OUT" "demo store created in $GROUPFS_STORE"
assert_exit 0 gctl --as marc.petit --json group list
assert_json 'sorted(g["name"] for g in d) == ["Production", "Staff"]'

finish
