#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mount(8) and fstab: "mount -t fuse.groupfs" and an fstab line (given to
# mount with --fstab) start the daemon through mount.fuse3, umount stops it.
# An installed groupfs (./demo.sh, meson install) is shadowed by the built
# one in a private mount namespace: the test runs there, touching nothing.
if [ -e /usr/local/sbin/groupfs ] && [ -z "${GROUPFS_FSTAB_NS:-}" ] &&
	command -v unshare >/dev/null; then
	exec env GROUPFS_FSTAB_NS=1 unshare -m --propagation private \
		bash "$0" "$@"
fi
if [ -n "${GROUPFS_FSTAB_NS:-}" ]; then
	mount --bind "$GROUPFS" /usr/local/sbin/groupfs || exit 1
fi
. "$(dirname "$0")/lib.sh"

command -v mount.fuse3 >/dev/null || { echo "mount.fuse3 missing"; exit 77; }
user alice pro
ctl alice group create Sales >/dev/null

# mount.fuse3 finds "groupfs" on mount's own PATH.
LINK=""
if ! command -v groupfs >/dev/null || [ "$(command -v groupfs)" != /usr/local/sbin/groupfs ]; then
	[ -e /usr/local/sbin/groupfs ] && { echo "a foreign /usr/local/sbin/groupfs"; exit 77; }
	mkdir -p /usr/local/sbin
	ln -s "$GROUPFS" /usr/local/sbin/groupfs
	LINK=/usr/local/sbin/groupfs
fi
drop_link() { [ -n "$LINK" ] && rm -f "$LINK"; return 0; }
trap 'drop_link; cleanup' EXIT

M=$T/m1
mkdir -p "$M"
check "mount -t fuse.groupfs -o as=alice" mount -t fuse.groupfs "$GROUPFS_STORE" "$M" -o as=alice
same "the mount is listed as fuse.groupfs" "$(findmnt -n -o FSTYPE "$M")" "fuse.groupfs"
same "its source is the store" "$(findmnt -n -o SOURCE "$M")" "$(realpath "$GROUPFS_STORE")"
same "alice's groups are there" "$(ls "$M" | tr '\n' ' ')" "Private Sales "
check "umount stops it" umount "$M"
check "nothing is mounted any more" bash -c "! mountpoint -q '$M'"

F=$T/m2
mkdir -p "$F"
printf '%s %s fuse.groupfs as=alice,noauto 0 0\n' "$GROUPFS_STORE" "$F" >"$T/fstab"
check "mount from an fstab line" mount --fstab "$T/fstab" "$F"
same "the fstab mount serves alice" "$(ls "$F" | tr '\n' ' ')" "Private Sales "
check "umount of the fstab mount" umount "$F"
finish
