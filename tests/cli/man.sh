#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man page: groff reads it without a warning, and it documents every
# command that "groupctl --help" lists, the exit codes and the environment.
# Usage: man.sh PATH/TO/groupctl.1
source "$(dirname "$0")/lib.sh"

page=${1:?usage: man.sh groupctl.1}
if ! command -v groff >/dev/null; then
	echo "skipped: no groff"
	exit 77
fi

run groff -man -ww -z "$page"
assert_eq 0 "$RC" "groff renders the page"
assert_eq "" "$ERR" "groff has no warning"

# The rendered text, without overstrike and with plain hyphens.
text=$(groff -man -Tutf8 -P-cbou -rLL=200n "$page" 2>/dev/null |
	sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g')
run gctl --help
sed -n '/^Commands:/,/^$/p' <<<"$OUT" | awk 'NF > 1 && $1 != "Commands:"' |
	while read -r noun verb _; do
		case $noun in
		init | usage | check | demo | busy | backup | restore | migrate) verb="" ;;
		esac
		echo "$noun${verb:+ $verb}"
	done >"$TMP/commands"
while read -r cmd; do
	if grep -Eq "(^| )$cmd( |$)" <<<"$text"; then
		ok "the man page documents '$cmd'"
	else
		not_ok "the man page lacks '$cmd'"
	fi
done <"$TMP/commands"
assert_eq 1 "$([ "$(wc -l <"$TMP/commands")" -ge 40 ] && echo 1)" "40 commands or more"

for section in "EXIT STATUS" ENVIRONMENT FILES "SHARED DEPLOYMENT" OUTPUT; do
	assert_match "$text" "^$section\$" "section $section"
done
for word in GROUPFS_STORE XDG_DATA_HOME --unix-group --json --as --store; do
	assert_contains "$text" "$word"
done

finish
