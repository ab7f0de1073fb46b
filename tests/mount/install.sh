#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# meson install, and the installed files at work: installed into a
# DESTDIR, which a private mount namespace then shows at the prefix itself
# (/usr/local), so that mount(8), mount.fuse3 and the systemd unit find
# them where an install puts them.  There: `mount -t fuse.groupfs`, an
# fstab line, `systemd-analyze verify` of the template unit, and its
# ExecStartPre/ExecStart/ExecStop lines run as systemd runs them (this
# container has no systemd as pid 1 to run the unit itself).
. "$(dirname "$0")/lib.sh"

: "${BUILD_ROOT:?}"
command -v mount.fuse3 >/dev/null || { echo "mount.fuse3 missing"; exit 77; }
command -v unshare >/dev/null || { echo "unshare missing"; exit 77; }
opts=$(meson introspect "$BUILD_ROOT" --buildoptions)
opt() { /usr/bin/python3 -c 'import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1" <<<"$opts"; }
PREFIX=$(opt prefix)
[ "$PREFIX" = /usr/local ] || { echo "prefix $PREFIX: only /usr/local is tested"; exit 77; }

DEST=$T/dest
check "meson install into a DESTDIR" \
	meson install -C "$BUILD_ROOT" --no-rebuild --destdir "$DEST" --quiet
for f in sbin/groupfs bin/groupctl share/man/man8/groupfs.8 \
	share/man/man1/groupctl.1 lib/systemd/system/groupfs@.service \
	share/doc/groupfs/groupfs.conf.example; do
	check "installed: $PREFIX/$f" test -s "$DEST$PREFIX/$f"
done
check "groupfs and groupctl are executable" \
	test -x "$DEST$PREFIX/sbin/groupfs" -a -x "$DEST$PREFIX/bin/groupctl"
UNIT=$DEST$PREFIX/lib/systemd/system/groupfs@.service
same "the unit starts the installed groupfs" \
	"$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$UNIT")" "$PREFIX/sbin/groupfs"

user alice pro
ctl alice group create Sales >/dev/null

# Inside the namespace: the installed files at $PREFIX; results as TAP
# lines, counted out here.
cat >"$T/inside.sh" <<'EOF'
set -u
ok() { if "${@:2}"; then echo "ok - $1"; else echo "not ok - $1"; fi; }
mount --bind "$DEST$PREFIX" "$PREFIX" || { echo "not ok - bind $PREFIX"; exit 1; }
ok "groupfs is found on root's PATH" test "$(command -v groupfs)" = "$PREFIX/sbin/groupfs"
ok "groupctl is found on root's PATH" test "$(command -v groupctl)" = "$PREFIX/bin/groupctl"
ok "man finds groupfs(8)" test "$(man -w groupfs)" = "$PREFIX/share/man/man8/groupfs.8"
ok "man finds groupctl(1)" test "$(man -w groupctl)" = "$PREFIX/share/man/man1/groupctl.1"

M=$T/m1
mkdir -p "$M"
ok "mount -t fuse.groupfs (mount.fuse3 starts the installed groupfs)" \
	mount -t fuse.groupfs "$GROUPFS_STORE" "$M" -o as=alice,log_file="$T/m1.log"
ok "it is listed as fuse.groupfs" test "$(findmnt -n -o FSTYPE "$M")" = fuse.groupfs
ok "alice's groups are there" test "$(ls "$M" | tr '\n' ' ')" = "Private Sales "
ok "umount" umount "$M"

F=$T/m2
mkdir -p "$F"
printf '%s %s fuse.groupfs as=alice,noauto 0 0\n' "$GROUPFS_STORE" "$F" >"$T/fstab"
ok "mount from an fstab line" mount --fstab "$T/fstab" "$F"
ok "the fstab mount serves alice" test "$(ls "$F" | tr '\n' ' ')" = "Private Sales "
ok "umount of the fstab mount" umount "$F"

# The template unit: instance = the mount point, escaped.
S=$T/svc
INST=$(systemd-escape --path "$S")
U=$PREFIX/lib/systemd/system/groupfs@.service
if command -v systemd-analyze >/dev/null; then
	ok "systemd-analyze verify groupfs@$INST.service" \
		systemd-analyze verify --man=no "$PREFIX/lib/systemd/system/groupfs@$INST.service"
else
	echo "ok - # SKIP no systemd-analyze"
fi
ok "the instance names the mount point" test "$(systemd-escape --unescape --path "$INST")" = "$S"
# /etc/groupfs/INSTANCE.conf, here in $T: STORE and OPTIONS.
printf 'STORE=%s\nOPTIONS=-o as=alice,log_file=%s/svc.log\n' "$GROUPFS_STORE" "$T" >"$T/$INST.conf"
line() { sed -n "s/^$1=//p" "$U" | sed "s#%f#$S#g; s#%i#$INST#g"; }
run_line() ( # as systemd: the EnvironmentFile's variables, $VAR split
	while IFS='=' read -r k v; do export "$k=$v"; done <"$T/$INST.conf"
	eval "set -- $(line "$1")"
	"$@"
)
ok "ExecStartPre makes the mount point" run_line ExecStartPre
ok "ExecStart returns once mounted (Type=forking)" run_line ExecStart
ok "the service's mount serves alice" test "$(ls "$S" | tr '\n' ' ')" = "Private Sales "
pid=$(pgrep -xf "$PREFIX/sbin/groupfs .* $S" || pgrep -f "groupfs .*$S\$")
ok "the daemon runs in the background" test -n "$pid"
ok "ExecStop unmounts" run_line ExecStop
ok "the daemon exits" timeout 20 tail --pid="${pid:-1}" -f /dev/null
ok "nothing is mounted any more" bash -c "! mountpoint -q '$S'"
EOF
export DEST PREFIX T GROUPFS_STORE
unshare -m --propagation private bash "$T/inside.sh" >"$T/inside.out" 2>&1
while IFS= read -r l; do
	case $l in
	"ok - "*) pass "${l#ok - }" ;;
	"not ok - "*) fail "${l#not ok - }" ;;
	*) say "# $l" ;;
	esac
done <"$T/inside.out"
same "the log file of the service's daemon exists" "$(test -f "$T/svc.log" && echo yes)" yes
finish
