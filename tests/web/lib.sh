# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the groupfs-web tests, on top of the groupctl test helpers:
# a demo store, documents changed through webtree, and the daemon started
# on 127.0.0.1 with a free port (port 0: it prints the one it got) and
# always stopped at exit, its stderr checked for sanitizer reports.
source "$(dirname "$0")/../cli/lib.sh"
: "${GROUPFS_WEB:?}" "${WEBTREE:?}"

ADMIN=claire.lambert
# webtree GROUP CMD PATH [ARG]: as the Staff administrator.
tree() {
	"$WEBTREE" "$GROUPFS_STORE" "$ADMIN" "$@"
}

# web_start NAME [OPTIONS...]: groupfs-web in the foreground (-f) on a free
# port, its log in $TMP/NAME.log; sets URL_NAME (http://127.0.0.1:PORT)
# and registers its stop.
web_start() {
	local name=$1 i port=""
	shift
	: >"$TMP/$name.out" # read below before the daemon may have opened it
	"$GROUPFS_WEB" "$GROUPFS_STORE" -f --listen 127.0.0.1:0 \
		--log-file "$TMP/$name.log" "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" &
	eval "PID_$name=$!"
	at_exit "web_stop $name"
	# The readiness line, printed once it listens.
	for ((i = 0; i < 600; i++)); do
		port=$(sed -n 's|.*listening on https\?://127.0.0.1:\([0-9]*\)/.*|\1|p' \
			"$TMP/$name.out")
		[ -n "$port" ] && break
		kill -0 "$(eval echo "\$PID_$name")" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$port" ]; then
		echo "groupfs-web did not start:"
		cat "$TMP/$name.err"
		exit 1
	fi
	eval "PORT_$name=$port"
}

# web_stop NAME: SIGTERM, wait; exit status 0 and no sanitizer report.
web_stop() {
	local name=$1 pid rc=0
	pid=$(eval echo "\${PID_$name:-}")
	[ -n "$pid" ] || return 0
	eval "PID_$name="
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	if [ "$rc" = 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$TMP/$name.err"; then
		ok "groupfs-web ($name) stopped cleanly"
	else
		not_ok "groupfs-web ($name) exit $rc"
		sed 's/^/    /' "$TMP/$name.err" | head -50
	fi
}

# link ARGS...: groupctl link create as the administrator; the token.
link() {
	gctl --as "$ADMIN" link create "$@" | sed 's|.*/l/||'
}

# http [CURL ARGS...] URL: $CODE, $BODY (file $TMP/body), $HDRS.
http() {
	rm -f "$TMP/body" "$TMP/hdrs"
	CODE=$(curl -sS --path-as-is -o "$TMP/body" -D "$TMP/hdrs" \
		-w '%{http_code}' "$@" || true)
	BODY=$(cat "$TMP/body" 2>/dev/null || true)
	HDRS=$(tr -d '\r' <"$TMP/hdrs" 2>/dev/null || true)
}

# header NAME: its value in $HDRS (case-insensitive).
header() {
	awk -v n="$(echo "$1" | tr 'A-Z' 'a-z')" -F': ' \
		'tolower($1) == n { sub(/^[^:]*: /, ""); print; exit }' <<<"$HDRS"
}

# assert_rc CODE WHAT: the last `run` exited with CODE.
assert_rc() {
	if [ "$RC" = "$1" ]; then
		ok "$2"
	else
		not_ok "$2: exit $RC, $1 expected"
		_show_run
	fi
}
