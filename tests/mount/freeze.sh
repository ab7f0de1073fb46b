#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# No member's action on their own groupctl may block others: in a
# set-user-id install (groupctl owned by the store's owner, mode 4755),
# groupctl becomes the owner entirely before it first takes the store's
# write lock, so its caller can no longer stop or kill it (kill -STOP was
# enough to freeze every mount's writes for 30 s), and the terminal's stop
# signals are blocked while it may hold the lock.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
team alice Sales bob
ctl alice rights set Sales documents --add bob >/dev/null

# The store belongs to a system user of its own; groupctl is installed
# set-user-id to it.
OWN="${TAG}own"
useradd -r -M -N -g "$UGROUP" -s /usr/sbin/nologin "$OWN"
USERS+=("$OWN")
chown -R "$OWN" "$GROUPFS_STORE"
mkdir "$T/bin"
cp "$GROUPCTL" "$T/bin/groupctl"
chown "$OWN:$UGROUP" "$T/bin/groupctl"
chmod 4755 "$T/bin/groupctl"
UCTL="$T/bin/groupctl"
ownid=$(id -u "$OWN")
# uctl ACCOUNT ARGS...: the set-user-id groupctl as the account's user.
uctl() {
	local who=$1
	shift
	as "$who" "$UCTL" "$@"
}

M=$T/mnt
mount_bg "$M" -o allow_other
D=$M/Sales/documents

check "a member uses the set-user-id groupctl" uctl bob group list
check "the administrator invites through it" uctl alice group invite Sales carol
check "and the invitation is there" bash -c "ctl() { \"$GROUPCTL\" --as \"\$@\"; }; ctl carol invitation list | grep -q Sales"
ctl alice group cancel Sales carol >/dev/null

# A groupctl that wrote to the store and then blocks on its output (a
# pipe nobody reads): the state a caller would stop it in.
mkfifo "$T/out"
exec {FO}<>"$T/out"
head -c 65536 /dev/zero >&"$FO"		# the pipe is full
uctl alice group invite Sales carol nobody-here >&"$FO" 2>"$T/inv.err" &
spid=$!
# groupctl's own pid (the harness's `as` runs it in a subshell).
gpid=""
found() { gpid=$(pgrep -f -- "^$UCTL group invite Sales carol nobody-here" | head -n 1); [ -n "$gpid" ]; }
wait_for "groupctl runs" 10 found
# Whatever happens, it goes (only root can stop it now).
trap 'kill -9 "$gpid" 2>/dev/null || true; cleanup' EXIT
switched() {
	local r e s
	read -r r e s < <(awk '/^Uid:/ {print $2, $3, $4}' "/proc/$gpid/status")
	[ "$r" = "$ownid" ] && [ "$e" = "$ownid" ] && [ "$s" = "$ownid" ]
}
wait_for "before its write, groupctl became the store's owner (real, effective, saved)" 10 \
	switched
expect_fail() { ! "$@" 2>/dev/null; }
check "its caller can no longer stop it (kill -STOP refused)" \
	expect_fail as alice kill -STOP "$gpid"
check "nor kill it" expect_fail as alice kill -KILL "$gpid"
state=$(awk '{print $3}' "/proc/$gpid/stat")
check "it is not stopped (state $state)" test "$state" != T
check "a member writes through the mount meanwhile" \
	as bob "$PROBE" write "$D/while.txt" "not frozen"
dd bs=65536 count=1 status=none <&"$FO" >/dev/null	# let it go on
rc=0; wait "$spid" || rc=$?
same "groupctl then refuses the unknown account (exit 1)" "$rc" 1
read -r -t 10 line <&"$FO" || line=""
same "after printing what it did" "$line" "invited carol; not invited: nobody-here"
exec {FO}>&-
check "carol's invitation was made" bash -c "\"$GROUPCTL\" --as carol invitation list | grep -q Sales"

# A file named after the switch is not read with the owner's rights: the
# member's own files are read before anything is written.
echo "secret of the owner" >"$T/owner-only"
chown "$OWN" "$T/owner-only"
chmod 600 "$T/owner-only"
check "a member cannot make groupctl read the owner's file" \
	expect_fail uctl bob account photo bob "$T/owner-only"

umount_fs "$M"
same "check is clean" "$("$GROUPCTL" check 2>&1)" "store is consistent"
finish
