# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the groupctl end-to-end tests, sourced by each script.
#
# Each script gets its own temporary directory ($TMP) with the store in
# $GROUPFS_STORE, removed at exit together with whatever the script
# registered with at_exit.  `run` captures a command's stdout, stderr and
# exit code in $OUT, $ERR and $RC; the assertions print one line each, and
# `finish` prints "N passed, M failed" (and "K skipped": checks that could
# not be made here, never counted as passed) and sets the exit status.

set -euo pipefail

: "${GROUPCTL:?GROUPCTL must name the groupctl binary}"
PY=/usr/bin/python3

TMP=$(mktemp -d "${TMPDIR:-/tmp}/groupctl-cli.XXXXXX")
export GROUPFS_STORE="$TMP/store"
unset XDG_DATA_HOME
passed=0
failed=0
skipped=0
cleanups=()

# Run "$@" when the script exits (last registered, first run).
at_exit() {
	cleanups+=("$*")
}

_cleanup() {
	local rc=$? i f
	for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do
		eval "${cleanups[i]}" >/dev/null 2>&1 || true
	done
	# A scenario stopped by a failing command: the daemons' logs say
	# what they saw, and their standard error how one ended (a
	# sanitizer's report), before they go with $TMP.
	if [ "$rc" -ne 0 ]; then
		for f in "$TMP"/*.log; do
			[ -s "$f" ] || continue
			echo "# the last lines of $f:"
			tail -n 20 "$f" | sed 's/^/#   /'
		done >&2
		for f in "$TMP"/*.err; do
			[ -s "$f" ] || continue
			# A sanitizer's report from its start; else the end.
			if grep -Eq '^==[0-9]+==|runtime error' "$f"; then
				echo "# the sanitizer's report in $f:"
				sed -En '/^==[0-9]+==|runtime error/,$p' "$f" |
					head -n 80 | sed 's/^/#   /'
			else
				echo "# the last lines of $f:"
				tail -n 40 "$f" | sed 's/^/#   /'
			fi
		done >&2
	fi
	rm -rf "$TMP"
}
trap _cleanup EXIT

gctl() {
	"$GROUPCTL" "$@"
}

ok() {
	passed=$((passed + 1))
	echo "ok - $*"
}

not_ok() {
	failed=$((failed + 1))
	echo "FAIL - $*"
}

# skip_check WHY: a check not made here, and why; not counted as passed.
skip_check() {
	skipped=$((skipped + 1))
	echo "skip - $*"
}

# run CMD...: $OUT, $ERR and $RC hold what it printed and its exit code.
run() {
	if "$@" >"$TMP/.out" 2>"$TMP/.err"; then RC=0; else RC=$?; fi
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
}

_show_run() {
	echo "    exit $RC"
	[ -z "$OUT" ] || printf '    stdout: %s\n' "${OUT//$'\n'/$'\n    '}"
	[ -z "$ERR" ] || printf '    stderr: %s\n' "${ERR//$'\n'/$'\n    '}"
}

# assert_exit CODE CMD...: runs CMD (see run) and checks its exit code.
assert_exit() {
	local want=$1
	shift
	run "$@"
	if [ "$RC" = "$want" ]; then
		ok "exit $want: $*"
	else
		not_ok "exit $want expected: $*"
		_show_run
	fi
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
	if [ "$1" = "$2" ]; then
		ok "${3:-equal: $1}"
	else
		not_ok "${3:-equal}: expected '$1', got '$2'"
	fi
}

# assert_contains TEXT NEEDLE [WHAT]: a fixed string.
assert_contains() {
	if [[ "$1" == *"$2"* ]]; then
		ok "${3:-contains '$2'}"
	else
		not_ok "${3:-contains}: '$2' not in:"
		printf '    %s\n' "${1//$'\n'/$'\n    '}"
	fi
}

assert_not_contains() {
	if [[ "$1" != *"$2"* ]]; then
		ok "${3:-does not contain '$2'}"
	else
		not_ok "${3:-does not contain}: '$2' found in:"
		printf '    %s\n' "${1//$'\n'/$'\n    '}"
	fi
}

# assert_match TEXT ERE [WHAT]: some line matches the extended regex.
assert_match() {
	if grep -Eq -- "$2" <<<"$1"; then
		ok "${3:-matches /$2/}"
	else
		not_ok "${3:-matches}: /$2/ not in:"
		printf '    %s\n' "${1//$'\n'/$'\n    '}"
	fi
}

# assert_refused PATTERN CMD...: exit 1 with exactly one line on stderr,
# "groupctl: ..." matching the extended regex PATTERN.
assert_refused() {
	local pattern=$1
	shift
	run "$@"
	if [ "$RC" = 1 ] && [ "$(wc -l <<<"$ERR")" = 1 ] &&
		grep -Eq -- "^groupctl: .*$pattern" <<<"$ERR"; then
		ok "refused: $* -> ${ERR#groupctl: }"
	else
		not_ok "refusal /$pattern/ expected: $*"
		_show_run
	fi
}

# assert_usage CMD...: exit 2, "groupctl: ..." and a hint to --help.
assert_usage() {
	run "$@"
	if [ "$RC" = 2 ] && grep -q '^groupctl: ' <<<"$ERR" &&
		grep -q -- '--help' <<<"$ERR"; then
		ok "usage error: $*"
	else
		not_ok "usage error expected: $*"
		_show_run
	fi
}

# json EXPR: evaluate a Python expression on the JSON document in $OUT,
# bound to d; prints the result (strings bare, the rest as JSON).
json() {
	"$PY" -c '
import json, sys
d = json.loads(sys.stdin.buffer.read())
r = eval(sys.argv[1])
print(r if isinstance(r, str) else json.dumps(r, sort_keys=True))
' "$1" <<<"$OUT"
}

# assert_json EXPR [WHAT]: $OUT is valid JSON and EXPR is true of it.
assert_json() {
	local got
	if got=$(json "$1" 2>&1) && [ "$got" = true ]; then
		ok "${2:-json: $1}"
	else
		not_ok "${2:-json}: $1 is not true (got: $got) of:"
		printf '    %s\n' "${OUT//$'\n'/$'\n    '}" | head -40
	fi
}

# add_account NAME [PLAN]: an account with a made-up profile.
add_account() {
	local plan=()
	[ $# -lt 2 ] || plan=(--plan "$2")
	gctl account add "$1" --first "${1^}" --last Tester \
		--email "$1@example.org" "${plan[@]}"
}

finish() {
	echo "$passed passed, $failed failed$([ "$skipped" = 0 ] || echo ", $skipped skipped")"
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}
