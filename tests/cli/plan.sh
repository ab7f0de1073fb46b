#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl init and plan: creating a store, the default plans, plan set
# (create and change), show, remove, and the operator-only rules.
source "$(dirname "$0")/lib.sh"

assert_exit 0 gctl init
assert_contains "$OUT" "store created in $GROUPFS_STORE"
assert_refused "." gctl init
assert_exit 0 gctl --store "$TMP/other" init
assert_contains "$OUT" "$TMP/other"
[ -d "$TMP/other" ] && ok "--store DIR is created" || not_ok "--store DIR"

# A master key wrapped by a passphrase: check needs it to verify content.
W="$TMP/wrapped"
printf 'open sesame\n' >"$TMP/pass"
printf 'not it\n' >"$TMP/wrong"
: >"$TMP/empty"
assert_refused "empty" gctl --store "$W" init --passphrase-file "$TMP/empty"
assert_exit 0 gctl --store "$W" init --passphrase-file "$TMP/pass"
assert_exit 0 gctl --store "$W" account add alice --first A --last M \
	--email alice@example.org
assert_exit 0 gctl --store "$W" check
assert_eq "store is consistent" "$OUT"
assert_contains "$ERR" "warning: content not verified"
assert_exit 0 gctl --store "$W" check --passphrase-file "$TMP/pass"
assert_eq "store is consistent" "$OUT"
assert_eq "" "$ERR" "with the passphrase, content is verified"
assert_exit 0 gctl --store "$W" check --passphrase-file - <"$TMP/pass"
assert_refused "wrong passphrase" gctl --store "$W" check --passphrase-file "$TMP/wrong"

# The default store: $XDG_DATA_HOME/groupfs, else ~/.local/share/groupfs.
run env -u GROUPFS_STORE XDG_DATA_HOME="$TMP/xdg" "$GROUPCTL" init
assert_eq 0 "$RC" "init in \$XDG_DATA_HOME"
[ -d "$TMP/xdg/groupfs" ] && ok "store in \$XDG_DATA_HOME/groupfs" ||
	not_ok "store in \$XDG_DATA_HOME/groupfs"
run env -u GROUPFS_STORE -u XDG_DATA_HOME HOME="$TMP/home" "$GROUPCTL" init
assert_eq 0 "$RC" "init in \$HOME"
[ -d "$TMP/home/.local/share/groupfs" ] && ok "store in ~/.local/share" ||
	not_ok "store in ~/.local/share/groupfs"

# The default plans: at least four tiers, a free one that administers none.
assert_exit 0 gctl plan list
assert_match "$OUT" '^PLAN +GROUPS +MEMBERS +GROUP_SIZE +PRIVATE_SIZE +ACCOUNTS$'
assert_match "$OUT" '^free +0 '
assert_exit 0 gctl --json plan list
assert_json 'isinstance(d, list) and len(d) >= 4' "at least four plans"
assert_json '[p for p in d if p["name"] == "free"][0]["max_groups"] == 0'
assert_json 'all(isinstance(p[k], int) for p in d for k in ("max_groups", "max_members", "group_bytes", "private_bytes", "accounts"))' \
	"plan numbers are integers"
assert_json 'any(p["name"] == "pro" for p in d)'

assert_exit 0 gctl plan show free
assert_match "$OUT" '^name: free$'
assert_match "$OUT" '^max groups: 0$'
assert_match "$OUT" '^group capacity: '
assert_refused "no plan named nosuch" gctl plan show nosuch

# plan set creates, then changes only what is given.
assert_exit 0 gctl plan set team --max-groups 2 --max-members 3 \
	--group-bytes 500M --private-bytes 1G
assert_eq "" "$OUT" "plan set prints nothing"
assert_exit 0 gctl --json plan show team
assert_json 'd == {"name": "team", "max_groups": 2, "max_members": 3, "group_bytes": 524288000, "private_bytes": 1073741824, "accounts": 0}'
assert_exit 0 gctl plan set team --group-bytes=2G
assert_exit 0 gctl plan show team --json
assert_json 'd["group_bytes"] == 2 * 1024**3 and d["max_groups"] == 2 and d["max_members"] == 3'
assert_exit 0 gctl plan show team
assert_match "$OUT" '^group capacity: 2(\.0)?G$'
assert_exit 0 gctl plan set bare
assert_exit 0 gctl --json plan show bare
assert_json 'd["max_groups"] == 0' "a new plan takes the free tier's values"
assert_refused "invalid plan name" gctl plan set "Bad Name"
assert_refused "negative|invalid|at least" gctl plan set odd --max-groups 1 --max-members 0

# Accounts on a plan: counted, and the plan cannot be removed.
assert_exit 0 add_account alice team
assert_exit 0 gctl --json plan show team
assert_json 'd["accounts"] == 1'
assert_refused "plan team: 1 accounts? use it" gctl plan remove team
assert_exit 0 gctl plan remove bare
assert_refused "no plan named bare" gctl plan show bare
assert_refused "no plan named bare" gctl plan remove bare

# Plans are the operator's: an account (here through --as) may read them.
assert_exit 0 gctl --as alice plan list
assert_refused "only the store operator may change plans" \
	gctl --as alice plan set team --max-groups 9
assert_refused "only the store operator may remove plans" \
	gctl --as alice plan remove free
assert_refused "no account named ghost" gctl --as ghost plan list

finish
