#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ./demo.sh as a new user runs it (with the built groupfs and groupctl on
# the PATH instead of installed ones): four mounts that any local user
# browses, each as its demo person; the hints it prints work when pasted;
# ./demo.sh status and stop.  Then README's khal example, exactly as
# written (its config block, its khal lines), by an ordinary user on the
# demo's mounts: `khal new tomorrow 10:00 11:00 Dentist` makes a
# 10:00-11:00 event, not an all-day one.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v khal >/dev/null || { echo "khal missing"; exit 77; }
mkdir -p "$T/bin"
ln -s "$GROUPCTL" "$T/bin/groupctl"
ln -s "$GROUPFS" "$T/bin/groupfs"
export PATH="$T/bin:$PATH"
DD=$T/d
demo() { DEMO_DIR=$DD DEMO_NO_BUILD=1 "$ROOT/demo.sh" "$@"; }
# A process still holding a mount (below) is let go first.
trap '[ -z "${release:-}" ] || exec {release}>&-
demo stop >/dev/null 2>&1; cleanup' EXIT
MNT=$DD/demo-mnt

if demo >"$T/demo.out" 2>&1; then
	pass "./demo.sh sets up and mounts"
else
	fail "./demo.sh sets up and mounts"
	cat "$T/demo.out"
fi
for p in claire.lambert nathalie.girard antoine.mercier karim.benali; do
	check "$p's mount is there" mountpoint -q "$MNT/$p"
done
# Every folder above the mounts lets others through (/tmp: drwxrwxrwt).
check "no folder above the mounts is said to be closed" \
	bash -c "! grep -q 'is closed to other users' '$T/demo.out'"
rc=0
demo status >"$T/status.out" || rc=$?
same "./demo.sh status exits 0" "$rc" 0
same "  it lists four mounts" "$(grep -c ': mounted as ' "$T/status.out")" 4

# An ordinary user, bound to no account.
u=${TAG}plain
useradd -M -N -g "$UGROUP" -s /bin/sh -d "$T/home" "$u"
USERS+=("$u")
mkdir -p "$T/home"
chown "$u" "$T/home"
plain() { setpriv --reuid="$u" --regid="$UGROUP" --init-groups -- env HOME="$T/home" "$@"; }
check "an ordinary user browses Antoine's mount" plain ls "$MNT/antoine.mercier/Sales/documents"
same "  with Antoine's groups" "$(plain ls "$MNT/antoine.mercier" | tr '\n' ' ')" \
	"Private Sales Staff "
same "  and Karim's, with Karim's" "$(plain ls "$MNT/karim.benali" | tr '\n' ' ')" \
	"Private Production Staff "

# The hints, pasted as printed (by root, who ran the demo).
grep -E '^  (ls -l|echo hi|GROUPFS_STORE=)' "$T/demo.out" >"$T/hints"
same "the demo prints four hints" "$(wc -l <"$T/hints")" 4
while IFS= read -r line; do
	check "hint works: ${line# }" sh -c "$line >/dev/null"
done <"$T/hints"

# README's khal example: its config block as written (the clone's path
# put in), then its khal lines, by the ordinary user.
mkdir -p "$T/home/.config/khal" "$T/home/.config/khard"
readme_block ini '^# ~/[.]config/khal/config' |
	sed "s#/path/to/groupfs/demo-mnt#$MNT#" >"$T/home/.config/khal/config"
readme_block ini '^# ~/[.]config/khard/khard[.]conf' |
	sed "s#/path/to/groupfs/demo-mnt#$MNT#" >"$T/home/.config/khard/khard.conf"
chown -R "$u" "$T/home"
check "README has the khal config block" grep -q '^\[locale\]' "$T/home/.config/khal/config"
check "README has the khard config block" grep -q '^\[addressbooks\]' "$T/home/.config/khard/khard.conf"
# The commands after them, run where the demo is (demo-mnt/ relative).
readme_block sh 'khal new' | sed 's/ *#.*//' >"$T/khal-lines"
check "README has a khal new line" grep -q '^khal new .*10:00 11:00 Dentist' "$T/khal-lines"
same "and five commands" "$(wc -l <"$T/khal-lines")" 5
while IFS= read -r line; do
	if plain sh -c "cd '$DD' && $line" >"$T/khal.out" 2>&1; then
		pass "README: $line"
	else
		fail "README: $line"
		cat "$T/khal.out"
	fi
done <"$T/khal-lines"
CAL=$MNT/antoine.mercier/Private/calendar
ev=$(plain grep -l '^SUMMARY:Dentist' -r "$CAL" | sed -n 1p)
check "the event is in Antoine's Private/calendar" test -n "$ev"
check "  starting at 10:00, not all day" bash -c \
	"setpriv --reuid='$u' --regid='$UGROUP' --init-groups -- cat '$ev' | tr -d '\r' | grep -Eq '^DTSTART[;:].*T100000'"
check "  with no all-day date" bash -c \
	"! setpriv --reuid='$u' --regid='$UGROUP' --init-groups -- grep -q 'VALUE=DATE[:;]' '$ev'"
check "khal lists it 10:00-11:00" bash -c \
	"setpriv --reuid='$u' --regid='$UGROUP' --init-groups -- env HOME='$T/home' khal list tomorrow 1d | grep -q '10:00-11:00 Dentist'"

# A folder above the mounts that others may not cross is named.
chmod 750 "$DD"
demo >"$T/demo2.out" 2>&1 || true
chmod 755 "$DD"
check "a folder above the mounts closed to others is named" \
	grep -qxF "Note: $DD is closed to other users (chmod o+x it to let them in)." "$T/demo2.out"
check "  and only it" test "$(grep -c 'is closed to other users' "$T/demo2.out")" = 1

# Something still in a mount for a moment (a file manager, a desktop's
# trash monitor looking into each new mount): stop waits for it.
# The holder goes when this script writes a line or ends, whatever
# fails first: it reads a fifo whose only writer is this shell.
mkfifo "$T/release"
exec {release}<>"$T/release"
sh -c "cd '$MNT/karim.benali' && echo in >'$T/held' && read x" \
	<"$T/release" {release}>&- &
holder=$!
wait_for "a process works in Karim's mount" 10 test -s "$T/held"
demo stop >"$T/stop.out" 2>"$T/stop.err" &
stopper=$!
wait_for "./demo.sh stop waits while the mount is busy" 10 \
	grep -q "karim.benali is busy" "$T/stop.err"
echo go >&"$release"
wait "$holder" || true
rc=0
wait "$stopper" || rc=$?
same "./demo.sh stop exits 0" "$rc" 0
check "nothing is mounted any more" bash -c "! mountpoint -q '$MNT/antoine.mercier'"
check "./demo.sh status says so (exit 1)" bash -c "! DEMO_DIR='$DD' DEMO_NO_BUILD=1 '$ROOT/demo.sh' status >/dev/null"
finish
