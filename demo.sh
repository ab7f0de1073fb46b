#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what groupfs needs, builds it, creates the demo store (the
# example company of the groups FAQ) in ./demo-store and mounts it once per
# demo person, side by side in ./demo-mnt/, each with that person's rights.
#   ./demo.sh          set up and mount (again)
#   ./demo.sh stop     unmount
set -eu
cd "$(dirname "$0")"
PEOPLE="claire.lambert nathalie.girard antoine.mercier karim.benali"
STORE="$PWD/demo-store"
MNT="$PWD/demo-mnt"

unmount_all() {
	for p in $PEOPLE; do
		if mountpoint -q "$MNT/$p" 2>/dev/null; then
			fusermount3 -u "$MNT/$p"
		fi
	done
}

if [ "${1:-}" = stop ]; then
	unmount_all
	echo "demo unmounted"
	exit 0
fi

./scripts/deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
unmount_all
build/tools/groupctl demo --force "$STORE"
echo
for p in $PEOPLE; do
	mkdir -p "$MNT/$p"
	# In the background; groupfs returns once the mount is ready.
	build/fs/groupfs --as "$p" "$STORE" "$MNT/$p"
done
cat <<MSG

The demo store is mounted once per person, each showing their own groups
and rights (a mode without w means that person may not write there):

  claire.lambert   the director: administrator of every group
  nathalie.girard  the secretary: co-administrator of Staff, Sales, Production
  antoine.mercier  a salesman: member of Staff and Sales
  karim.benali     a workman: member of Staff and Production

  ls -l $MNT/*/
  ls -l $MNT/antoine.mercier/Sales/documents
  echo hi > $MNT/karim.benali/Staff/drop/claire.lambert/note.txt
  GROUPFS_STORE=$STORE build/tools/groupctl --as claire.lambert group list

Unmount with: ./demo.sh stop
MSG
