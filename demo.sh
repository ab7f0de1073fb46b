#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what groupfs needs, builds and installs it (meson install: groupfs
# and groupctl on the PATH, under /usr/local), creates the demo store (the
# example company of the groups FAQ) in ./demo-store and mounts it once per
# demo person, side by side in ./demo-mnt/, each with that person's rights
# and open to every local user (allow_other): anyone on the machine browses
# demo-mnt/PERSON/ as PERSON, and can point their own khal or khard at it.
#   ./demo.sh          set up and mount (again)
#   ./demo.sh status   what is mounted, by which daemon, and its log
#   ./demo.sh stop     unmount
# DEMO_DIR=DIR puts demo-store, demo-mnt and demo-log there instead of
# here; DEMO_NO_BUILD=1 uses the groupfs and groupctl already on the PATH.
set -eu
cd "$(dirname "$0")"
PEOPLE="claire.lambert nathalie.girard antoine.mercier karim.benali"
DIR=${DEMO_DIR:-$PWD}
STORE="$DIR/demo-store"
MNT="$DIR/demo-mnt"
LOG="$DIR/demo-log"

# Unmount $1.  Something may look into a mount for a moment (a file
# manager, a desktop's trash monitor checking each new mount): while the
# mount is busy, try again for up to 10 s, then say what to do.
unmount() {
	tries=0
	while ! fusermount3 -u "$1" 2>/dev/null; do
		mountpoint -q "$1" 2>/dev/null || return 0
		tries=$((tries + 1))
		if [ "$tries" -eq 1 ]; then
			echo "$1 is busy: waiting for what uses it" >&2
		fi
		if [ "$tries" -gt 100 ]; then
			echo "$1 is still in use: close what uses it" \
				"(fuser -vm $1 lists it) and try again" >&2
			return 1
		fi
		sleep 0.1
	done
}

unmount_all() {
	rc=0
	for p in $PEOPLE; do
		if mountpoint -q "$MNT/$p" 2>/dev/null; then
			unmount "$MNT/$p" || rc=1
		fi
	done
	return $rc
}

status() {
	n=0
	for p in $PEOPLE; do
		if mountpoint -q "$MNT/$p" 2>/dev/null; then
			pid=$(pgrep -f "groupfs .*$MNT/$p\$" | head -n 1)
			echo "$MNT/$p: mounted as $p, daemon ${pid:-?}, log $LOG/$p.log"
			n=$((n + 1))
		else
			echo "$MNT/$p: not mounted"
		fi
	done
	echo "store: $STORE"
	echo "groupctl: $(command -v groupctl || echo 'not on the PATH')"
	echo "groupfs: $(command -v groupfs || echo 'not on the PATH')"
	[ "$n" -gt 0 ]
}

case "${1:-}" in
stop)
	unmount_all || exit 1
	echo "demo unmounted"
	exit 0
	;;
status)
	status
	exit
	;;
"") ;;
*)
	echo "usage: $0 [status|stop]" >&2
	exit 2
	;;
esac

if [ -z "${DEMO_NO_BUILD:-}" ]; then
	./scripts/deps.sh
	[ -f build/build.ninja ] || meson setup build
	ninja -C build
	# groupfs and groupctl on the PATH (/usr/local), the man pages and
	# the systemd unit: the same install as README's "Install".
	meson install -C build --no-rebuild --quiet
fi
for tool in groupctl groupfs; do
	command -v "$tool" >/dev/null || {
		echo "$tool is not on the PATH (is /usr/local/sbin in it?)" >&2
		exit 1
	}
done
unmount_all
mkdir -p "$DIR"
groupctl demo --force "$STORE"
echo
mkdir -p "$LOG"
for p in $PEOPLE; do
	mkdir -p "$MNT/$p"
	# In the background; groupfs returns once the mount is ready.  Every
	# local user may enter (allow_other), each seeing it as $p.
	groupfs --as "$p" -o allow_other -o log_file="$LOG/$p.log" \
		"$STORE" "$MNT/$p"
done
# Other users can reach the mounts only if they may cross every folder
# above them.
hidden=""
d=$MNT
while [ "$d" != / ]; do
	d=$(dirname "$d")
	perm=$(stat -c %A "$d")
	# Others' x, or t: x with the sticky bit (/tmp: drwxrwxrwt).
	case $perm in
	*[xt]) ;;
	*) hidden="$d" ;;
	esac
done
cat <<MSG

The demo store is mounted once per person, each showing their own groups
and rights (a mode without w means that person may not write there), and
every user of this machine may browse each mount as that person:

  claire.lambert   the director: administrator of every group
  nathalie.girard  the secretary: co-administrator of Staff, Sales, Production
  antoine.mercier  a salesman: member of Staff and Sales
  karim.benali     a workman: member of Staff and Production

  ls -l $MNT/*/
  ls -l $MNT/antoine.mercier/Sales/documents
  echo hi > $MNT/karim.benali/Staff/drop/claire.lambert/note.txt
  GROUPFS_STORE=$STORE groupctl --as claire.lambert group list

groupctl administers the store (as root, its owner; man groupctl).
Logs: $LOG/PERSON.log.  Status: ./demo.sh status.  Unmount: ./demo.sh stop
MSG
if [ -n "$hidden" ]; then
	echo
	echo "Note: $hidden is closed to other users (chmod o+x it to let them in)."
fi
