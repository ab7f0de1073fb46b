# SPDX-License-Identifier: GPL-2.0-or-later
# The mount tests' harness, sourced by each scenario.  It makes a store in
# a temporary directory, Unix users bound to accounts, and mounts; it waits
# for readiness on a pipe (no sleeps), always unmounts, checks that every
# daemon exited cleanly with no sanitizer report, and counts results.
#
# Needs: GROUPFS, GROUPCTL, PROBE (paths of the built programs); root.
# GROUPFS_TEST_ENGINE=postgres: the store is on PostgreSQL, in a throwaway
# cluster the harness starts (tests/pg/cluster.sh) and always stops.

set -euo pipefail

: "${GROUPFS:?}" "${GROUPCTL:?}" "${PROBE:?}"
[ "$(id -u)" = 0 ] || { echo "mount tests need root"; exit 77; }
[ -e /dev/fuse ] || { echo "no /dev/fuse"; exit 77; }

T=$(mktemp -d /tmp/gfs-mount.XXXXXX)
chmod 755 "$T"
export GROUPFS_STORE="$T/store"
TAG="g$$"			# unique prefix for Unix users and group
UGROUP="$TAG"
PASSED=0
FAILED=0
MOUNTS=()			# mount points, by mount number
MOUNT_SEQ=0			# numbers logs and readiness pipes
PIDS=()				# their daemons
USERS=()			# Unix users made here
declare -A UNIX			# account -> Unix user
ON_EXIT=()			# commands cleanup runs first

say() { printf '%s\n' "$*"; }

pass() { PASSED=$((PASSED + 1)); say "ok - $*"; }
fail() { FAILED=$((FAILED + 1)); say "not ok - $*"; }

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# expect WANT DESCRIPTION COMMAND...: the first word COMMAND prints is WANT.
expect() {
	local want=$1 desc=$2 got
	shift 2
	got=$("$@" 2>&1 | head -n 1 | awk '{print $1}') || true
	if [ "$got" = "$want" ]; then
		pass "$desc ($want)"
	else
		fail "$desc: wanted $want, got '${got}'"
	fi
}

# same DESCRIPTION A B: two strings are equal.
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: '$2' != '$3'"; fi
}

cleanup() {
	local i rc=$? c
	for c in "${ON_EXIT[@]}"; do
		eval "$c" || true
	done
	for i in "${!MOUNTS[@]}"; do
		# A dead daemon's mount answers ENOTCONN, and mountpoint(1)
		# does not see it: unmount whatever is there.
		fusermount3 -uz "${MOUNTS[$i]}" 2>/dev/null || true
		kill -9 "${PIDS[$i]}" 2>/dev/null || true
	done
	for u in "${USERS[@]}"; do
		userdel "$u" 2>/dev/null || true
	done
	groupdel "$UGROUP" 2>/dev/null || true
	if [ -n "${PG_DIR:-}" ]; then
		"$PG_CLUSTER" stop "$PG_DIR" || true
	fi
	rm -rf "$T"
	return $rc
}
trap cleanup EXIT
# Stopped by a signal (meson's timeout sends TERM; a reader of its
# output that went away, PIPE), a scenario still cleans up: bash runs the
# EXIT trap only when the script exits.
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
trap 'exit 141' PIPE

# The engine: SQLite in the store directory, or a PostgreSQL database.
ENGINE=${GROUPFS_TEST_ENGINE:-sqlite}
INIT_ENGINE=()
PG_DIR=
PG_CLUSTER=$(cd "$(dirname "${BASH_SOURCE[0]}")/../pg" && pwd)/cluster.sh
if [ "$ENGINE" = postgres ]; then
	PG_DIR="$T/pg"
	PG_CONNINFO=$("$PG_CLUSTER" start "$PG_DIR") || {
		rc=$?
		PG_DIR=
		[ $rc -eq 77 ] && { echo "no PostgreSQL server"; exit 77; }
		exit $rc
	}
	INIT_ENGINE=(--postgres "$PG_CONNINFO")
fi

# The store, usable by the test's Unix group through groupctl.
groupadd "$UGROUP"
"$GROUPCTL" init --unix-group "$UGROUP" "${INIT_ENGINE[@]}" >/dev/null

# store_sql SQL: run SQL on the store's database, whichever the engine;
# rows on standard output, one per line, columns separated by '|'.
store_sql() {
	if [ "$ENGINE" = postgres ]; then
		psql -XAtq -v ON_ERROR_STOP=1 -c "$1" "$PG_CONNINFO"
	else
		sqlite3 "$GROUPFS_STORE/db/store.db" "$1"
	fi
}

# user ACCOUNT [PLAN]: a Unix user bound to a new account.
user() {
	local name=$1 plan=${2:-free} u="${TAG}${1}"
	u=${u:0:32}
	useradd -M -N -g "$UGROUP" -s /bin/sh -d "$T" "$u"
	USERS+=("$u")
	UNIX[$name]=$u
	"$GROUPCTL" account add "$name" --first "${name^}" --last Test \
		--email "$name@example.org" --plan "$plan" --unix-user "$u"
}

# team ADMIN GROUP [MEMBER...]: ADMIN creates GROUP; each MEMBER is
# invited and accepts.
team() {
	local admin=$1 group=$2 m
	shift 2
	ctl "$admin" group create "$group" >/dev/null
	for m in "$@"; do
		ctl "$admin" group invite "$group" "$m" >/dev/null
		ctl "$m" invitation accept "$group" >/dev/null
	done
}

# as ACCOUNT COMMAND...: run COMMAND as the account's Unix user.
as() {
	local u=${UNIX[$1]}
	shift
	setpriv --reuid="$u" --regid="$UGROUP" --init-groups -- "$@"
}

# ctl ACCOUNT ARGS...: groupctl acting as ACCOUNT (as the operator).
ctl() {
	local who=$1
	shift
	"$GROUPCTL" --as "$who" "$@"
}

# mount_fs MOUNTPOINT [OPTIONS...]: mount and wait until the daemon says
# it is ready: in the foreground (-f, the daemon our child), or, with
# GROUPFS_TEST_BACKGROUND=1 (the suite 'mount-bg'), the way fstab, mount -t
# and systemd start it.
mount_fs() {
	if [ "${GROUPFS_TEST_BACKGROUND:-}" = 1 ]; then
		mount_bg "$@"
	else
		mount_fg "$@"
	fi
}

# mount_fg MOUNTPOINT [OPTIONS...]: mount in the foreground.
mount_fg() {
	local mnt=$1 n=$MOUNT_SEQ line=""
	shift
	MOUNT_SEQ=$((MOUNT_SEQ + 1))
	mkdir -p "$mnt"
	mkfifo "$T/ready.$n"
	"$GROUPFS" -f --ready-fd=3 "$@" "$GROUPFS_STORE" "$mnt" \
		3>"$T/ready.$n" 2>"$T/daemon.$n.log" &
	PIDS[$n]=$!
	MOUNTS[$n]=$mnt
	read -r -t 60 line <"$T/ready.$n" || true
	if [ "$line" != ready ]; then
		cat "$T/daemon.$n.log" >&2
		fail "mount $mnt: daemon not ready"
		exit 1
	fi
}

# mount_bg MOUNTPOINT [OPTIONS...]: mount the way people do (fstab,
# mount -t, systemd): groupfs without -f forks into the background.  The
# readiness pipe is inherited by the daemon, so this returns once the
# daemon itself is serving.  Its log goes to $T/daemon.N.log (-o
# log_file) and sanitizer reports to $T/asan.N.*, since a daemon's stderr
# is /dev/null.
mount_bg() {
	local mnt=$1 n=$MOUNT_SEQ line="" pid=""
	shift
	MOUNT_SEQ=$((MOUNT_SEQ + 1))
	mkdir -p "$mnt"
	mkfifo "$T/ready.$n"
	ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}log_path=$T/asan.$n" \
	UBSAN_OPTIONS="${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}log_path=$T/asan.$n" \
		"$GROUPFS" --ready-fd=3 -o log_file="$T/daemon.$n.log" "$@" \
		"$GROUPFS_STORE" "$mnt" 3>"$T/ready.$n" 2>"$T/daemon.$n.log" &
	read -r -t 60 line <"$T/ready.$n" || true
	# The starter exits once the daemon has forked.
	wait $! || { cat "$T/daemon.$n.log" >&2; fail "mount $mnt: groupfs failed"; exit 1; }
	if [ "$line" != ready ]; then
		fail "mount $mnt: daemon not ready"
		exit 1
	fi
	pid=$(bg_pid "$mnt")
	[ -n "$pid" ] || { fail "mount $mnt: no daemon serves it"; exit 1; }
	PIDS[$n]=$pid
	MOUNTS[$n]=$mnt
	BG[$n]=1
}

# The pid of the background daemon serving MOUNTPOINT: the one groupfs
# process whose command line ends in it.
bg_pid() {
	local p
	for p in $(pgrep -x groupfs); do
		if tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | tail -n 1 |
			grep -qxF "$1"; then
			echo "$p"
			return
		fi
	done
}
declare -A BG=()

# umount_fs MOUNTPOINT: unmount and check the daemon exited cleanly.
umount_fs() {
	local mnt=$1 i rc=0
	for i in "${!MOUNTS[@]}"; do
		[ "${MOUNTS[$i]}" = "$mnt" ] || continue
		fusermount3 -u "$mnt"
		if [ -n "${BG[$i]:-}" ]; then
			# Not our child: wait until it is gone; its exit status
			# is not ours to read, so sanitizer logs must tell.
			timeout 60 tail --pid="${PIDS[$i]}" -f /dev/null || rc=$?
			cat "$T"/asan."$i".* >>"$T/daemon.$i.log" 2>/dev/null || true
			unset "BG[$i]"
		else
			wait "${PIDS[$i]}" || rc=$?
		fi
		if [ "$rc" = 0 ]; then
			pass "daemon for $mnt exited cleanly"
		else
			fail "daemon for $mnt exited with $rc"
			cat "$T/daemon.$i.log" >&2
		fi
		if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' \
			"$T/daemon.$i.log"; then
			fail "sanitizer report from the daemon for $mnt"
			cat "$T/daemon.$i.log" >&2
		fi
		unset "MOUNTS[$i]" "PIDS[$i]"
		return 0
	done
	fail "umount_fs: $mnt is not mounted by this test"
}

# daemon_ended DESCRIPTION PID: the daemon PID, whose mount is ending,
# ends: in the foreground (our child) with exit 0; in the background (not
# ours to wait for) within a minute.
daemon_ended() {
	local rc=0
	if [ "${GROUPFS_TEST_BACKGROUND:-}" = 1 ]; then
		check "$1" timeout 60 tail --pid="$2" -f /dev/null
	else
		wait "$2" || rc=$?
		same "$1, exit 0" "$rc" 0
	fi
}

# The daemon's pid for MOUNTPOINT.
daemon_pid() {
	local i
	for i in "${!MOUNTS[@]}"; do
		[ "${MOUNTS[$i]}" = "$1" ] && { echo "${PIDS[$i]}"; return; }
	done
}

# kill_fs MOUNTPOINT: kill -9 the daemon (a crash) and clear the mount.
kill_fs() {
	local mnt=$1 i
	for i in "${!MOUNTS[@]}"; do
		[ "${MOUNTS[$i]}" = "$mnt" ] || continue
		kill -9 "${PIDS[$i]}" 2>/dev/null || true
		wait "${PIDS[$i]}" 2>/dev/null || true
		fusermount3 -uz "$mnt" 2>/dev/null || true
		# A killed daemon writes no leak report, but anything it found
		# before the kill is in its log.
		if grep -qE 'AddressSanitizer|runtime error:' \
			"$T/daemon.$i.log" 2>/dev/null; then
			fail "sanitizer report from the killed daemon for $mnt"
			cat "$T/daemon.$i.log" >&2
		fi
		unset "MOUNTS[$i]" "PIDS[$i]"
	done
}

# hold NAME ACCOUNT PATH FLAGS: `probe hold` in the background as ACCOUNT,
# a descriptor kept open on PATH; its commands go on HIN[NAME], its
# answers come on HOUT[NAME].  A holder that failed to open leaves its
# pipe without a reader: its answers are missing, which fails the check.
declare -A HIN HOUT HPID
hold() {
	local name=$1 who=$2 path=$3 flags=$4 fd line
	mkfifo "$T/$name.in" "$T/$name.out"
	as "$who" "$PROBE" hold "$path" "$flags" <"$T/$name.in" >"$T/$name.out" &
	HPID[$name]=$!
	exec {fd}>"$T/$name.in"
	HIN[$name]=$fd
	exec {fd}<"$T/$name.out"
	HOUT[$name]=$fd
	read -r -t 10 line <&"${HOUT[$name]}" || line="no answer"
	same "$who holds $(basename "$path") open ($flags)" "$line" OK
}
# hsend NAME COMMAND: print the holder's answer.
hsend() {
	local line
	{ printf '%s\n' "${*:2}" >&"${HIN[$1]}"; } 2>/dev/null || true
	read -r -t 10 line <&"${HOUT[$1]}" || line="no answer"
	printf '%s\n' "$line"
}
# hanswers NAME COMMAND WANT: the answer's first word is WANT.
hanswers() { [ "$(hsend "$1" "$2" | awk '{print $1}')" = "$3" ]; }
unhold() {
	local i=${HIN[$1]} o=${HOUT[$1]}
	{ printf 'quit\n' >&"$i"; } 2>/dev/null || true
	exec {i}>&- {o}<&-
	wait "${HPID[$1]}" || true
}

# wait_for DESCRIPTION SECONDS COMMAND...: poll until COMMAND succeeds (a
# condition the product promises within a bound, such as cache expiry).
# Timed in microseconds (EPOCHREALTIME, digits only whatever the locale's
# decimal point): bash's SECONDS counts whole seconds, so a bound of 1
# started just before one ticked gave the product a few milliseconds.
wait_for() {
	local desc=$1 limit=$2 start=${EPOCHREALTIME//[!0-9]/}
	shift 2
	until "$@" >/dev/null 2>&1; do
		if ((${EPOCHREALTIME//[!0-9]/} - start >= limit * 1000000)); then
			fail "$desc (not within ${limit}s)"
			return 1
		fi
		sleep 0.05
	done
	pass "$desc"
}

# store_lock: another process takes the store's write lock (SQLite's, or
# the advisory lock every writer on PostgreSQL takes) and holds it until
# store_unlock.  The daemon's next write waits for it.
store_lock() {
	local take
	mkfifo "$T/sql.in"
	if [ "$ENGINE" = postgres ]; then
		psql -XAtq "$PG_CONNINFO" <"$T/sql.in" >"$T/sql.out" 2>&1 &
		take='BEGIN;\nSELECT pg_advisory_xact_lock(7453010373645841713);\n'
	else
		# A daemon's last batch may still hold the lock for milliseconds.
		sqlite3 "$GROUPFS_STORE/db/store.db" <"$T/sql.in" >"$T/sql.out" 2>&1 &
		take='.timeout 10000\nBEGIN IMMEDIATE;\n'
	fi
	LOCK_PID=$!
	exec {LOCK_FD}>"$T/sql.in"
	printf "${take}SELECT 'locked';\n" >&"$LOCK_FD"
	wait_for "another process holds the write lock" 10 grep -q locked "$T/sql.out"
}
store_unlock() {
	printf 'COMMIT;\n' >&"$LOCK_FD"
	exec {LOCK_FD}>&-
	wait "$LOCK_PID"
	rm -f "$T/sql.in" "$T/sql.out"
}
# lock_waited PID: a request of daemon PID waits for store_lock's lock (on
# PostgreSQL the server shows the wait; on SQLite a thread sleeps in the
# database's busy wait).
lock_waited() {
	if [ "$ENGINE" = postgres ]; then
		[ "$(store_sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")" = 1 ]
	else
		grep -q nanosleep /proc/"$1"/task/*/wchan
	fi
}

# readme_block LANG MATCH: the text of README.md's first ```LANG block
# that matches the regular expression MATCH (awk's), so that tests run
# the README's examples as written.
readme_block() {
	awk -v lang="$1" -v first="$2" '
	$0 == "```" lang { inb = 1; buf = ""; next }
	/^```$/ && inb { if (buf ~ first) { printf "%s", buf; exit } inb = 0; next }
	inb { buf = buf $0 "\n" }' "$(dirname "${BASH_SOURCE[0]}")/../../README.md"
}

finish() {
	local m
	for m in "${MOUNTS[@]}"; do
		umount_fs "$m"
	done
	say "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
}
