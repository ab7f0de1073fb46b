#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl's command line itself: help at every level, --version, and exit
# code 2 for every kind of usage error, store or no store.
source "$(dirname "$0")/lib.sh"

# Help needs no store.
export GROUPFS_STORE="$TMP/none"

assert_exit 0 gctl --help
assert_contains "$OUT" "Usage: groupctl"
global_help=$OUT
for noun in init plan account group invitation rights share calendar contacts busy usage check demo backup restore migrate; do
	assert_contains "$global_help" "  $noun" "global help lists $noun"
done
assert_exit 0 gctl help
assert_eq "$global_help" "$OUT" "'groupctl help' is 'groupctl --help'"
assert_exit 0 gctl -h

# Every command the global help lists has its own help, and a noun's help
# lists its commands.
commands=$(sed -n '/^Commands:/,/^$/p' <<<"$global_help" | awk 'NF > 1 && $1 != "Commands:" { print $1 (($2 ~ /^[a-z-]+$/ && $1 != "init" && $1 != "usage" && $1 != "check" && $1 != "demo" && $1 != "busy" && $1 != "backup" && $1 != "restore" && $1 != "migrate") ? " " $2 : "") }')
count=0
while read -r noun verb; do
	count=$((count + 1))
	# shellcheck disable=SC2086
	run gctl $noun $verb --help
	if [ "$RC" = 0 ] && grep -q "^Usage: groupctl $noun${verb:+ $verb}" <<<"$OUT"; then
		ok "help of '$noun${verb:+ $verb}'"
	else
		not_ok "help of '$noun${verb:+ $verb}'"
	fi
done <<<"$commands"
assert_eq 1 "$([ "$count" -ge 40 ] && echo 1 || echo 0)" "the global help lists $count commands"

for noun in plan account group invitation rights share; do
	assert_exit 0 gctl "$noun" --help
	assert_contains "$OUT" "groupctl $noun" "help of noun $noun"
done
assert_exit 0 gctl group --help
for verb in create list show edit delete members invite invitations resend \
	cancel join leave remove remove-all coadmin uncoadmin handover search; do
	assert_contains "$OUT" "groupctl group $verb" "group help lists $verb"
done

assert_exit 0 gctl group create --help
assert_contains "$OUT" "--publish-members"
assert_contains "$OUT" "--sector SECTOR"
assert_exit 0 gctl rights set --help
assert_contains "$OUT" "--all-members"
assert_contains "$OUT" "--inherit"
assert_exit 0 gctl account add --help
assert_contains "$OUT" "--unix-user USER"
assert_exit 0 gctl help group invite
assert_contains "$OUT" "Usage: groupctl group invite NAME USER..."
assert_exit 0 gctl group help
assert_contains "$OUT" "groupctl group handover"
assert_exit 0 gctl share calendar -h
assert_contains "$OUT" "--revoke"
# --help wins over the rest of the line, wherever it is.
assert_exit 0 gctl --json group create --help
assert_contains "$OUT" "Usage: groupctl group create"
assert_exit 0 gctl plan set --bogus --help
assert_exit 0 gctl --store "$TMP/none" --as nobody account add --help

assert_exit 0 gctl --version
assert_match "$OUT" '^groupctl [0-9]+\.[0-9]+'

# Usage errors: exit 2, a message and a hint, whatever the store.
assert_usage gctl
assert_usage gctl frobnicate
assert_contains "$ERR" "unknown command 'frobnicate'"
assert_usage gctl group frobnicate
assert_contains "$ERR" "group: unknown command 'frobnicate'"
assert_contains "$ERR" "groupctl group --help"
assert_usage gctl group
assert_contains "$ERR" "missing command"
assert_usage gctl group list --frobnicate
assert_contains "$ERR" "unknown option '--frobnicate'"
assert_usage gctl --frobnicate group list
assert_usage gctl group list -x
assert_usage gctl group create
assert_contains "$ERR" "missing argument"
assert_contains "$ERR" "groupctl group create --help"
assert_usage gctl group list extra
assert_contains "$ERR" "unexpected argument 'extra'"
assert_usage gctl group show a b
assert_usage gctl group list --store
assert_contains "$ERR" "needs a value"
assert_usage gctl group list --json=yes
assert_contains "$ERR" "takes no value"
assert_usage gctl plan set p --group-bytes 12Q
assert_contains "$ERR" "bad size '12Q'"
assert_usage gctl plan set p --private-bytes lots
assert_usage gctl plan set p --max-groups -3
assert_usage gctl plan set p --max-members many
assert_usage gctl account add bob --first Bob --last B
assert_contains "$ERR" "--email"
assert_usage gctl account add bob --first B --last B --email b@x.org --unix-user no-such-user-here
assert_usage gctl account edit bob
assert_contains "$ERR" "nothing to change"
assert_usage gctl account edit bob --unix-user root --no-unix-user
assert_usage gctl account photo bob
assert_usage gctl account photo bob file.png --clear
assert_usage gctl group create g --publish --no-publish
assert_contains "$ERR" "conflict"
assert_usage gctl group create g --business --no-business
assert_usage gctl group create g --no-business --sector wood
assert_usage gctl group edit g
assert_usage gctl group invite g
assert_usage gctl group search --business --no-business
assert_usage gctl rights set g documents bob
assert_contains "$ERR" "--add or --delete"
assert_usage gctl rights set g documents --add
assert_usage gctl rights set g documents --add --none bob
assert_usage gctl rights set g documents --add --inherit --all-members
assert_usage gctl rights editors g documents/x --only-me bob
assert_usage gctl share calendar bob
assert_usage gctl share calendar bob --revoke --view
assert_usage gctl share calendar --view
assert_usage gctl usage a b
assert_usage gctl check now
assert_usage gctl demo a b
# Options are taken anywhere, and "--" ends them.
assert_usage gctl group --json list extra
assert_usage gctl group list -- --json
assert_contains "$ERR" "unexpected argument"

# A missing store is a refusal (1), not a usage error.
assert_refused "$TMP/none" gctl group list
assert_refused "$TMP/none" gctl --store "$TMP/none" plan list

finish
