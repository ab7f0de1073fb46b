#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# meson install, and the installed files at work, following README's
# "Install" section as written.  First the tested build, into a DESTDIR:
# every file in its place.  Then, in a private mount namespace whose
# /usr/local is an empty folder, README's install lines in a copy of the
# source tree (deps.sh, meson setup, meson install), and on what they
# installed: README's store, unit and fstab lines, and its backup and
# restore lines, with /srv, /etc/groupfs, /groups and /backup redirected
# into a temporary folder (the only change to the lines).  PID 1 is not
# systemd here: systemctl is tests/mount/systemctl.sh, which runs the
# installed units' lines as systemd does.  There: the groupfs@ unit
# mounts, is started again over the dead mount a kill -9 leaves, and
# stops; the groupfs-web unit serves a link and stops; `systemd-analyze
# verify` of both units; `man -w` of the three pages; mount -t
# fuse.groupfs.
. "$(dirname "$0")/lib.sh"

: "${BUILD_ROOT:?}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for c in mount.fuse3 unshare systemd-escape curl; do
	command -v $c >/dev/null || { echo "$c missing"; exit 77; }
done
opts=$(meson introspect "$BUILD_ROOT" --buildoptions)
opt() { /usr/bin/python3 -c 'import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1" <<<"$opts"; }
PREFIX=$(opt prefix)
[ "$PREFIX" = /usr/local ] || { echo "prefix $PREFIX: only /usr/local is tested"; exit 77; }

FILES="sbin/groupfs sbin/groupfs-web bin/groupctl share/man/man8/groupfs.8
share/man/man8/groupfs-web.8 share/man/man1/groupctl.1
lib/systemd/system/groupfs@.service lib/systemd/system/groupfs-web.service
share/doc/groupfs/groupfs.conf.example
share/doc/groupfs/groupfs-web.conf.example"
DEST=$T/dest
check "meson install into a DESTDIR" \
	meson install -C "$BUILD_ROOT" --no-rebuild --destdir "$DEST" --quiet
for f in $FILES; do
	check "installed: $PREFIX/$f" test -s "$DEST$PREFIX/$f"
done
for f in sbin/groupfs sbin/groupfs-web bin/groupctl; do
	check "$f is executable" test -x "$DEST$PREFIX/$f"
done
for u in groupfs@ groupfs-web; do
	same "$u.service starts the installed program" \
		"$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$DEST$PREFIX/lib/systemd/system/$u.service")" \
		"$PREFIX/sbin/${u%@}"
done

user alice pro
ctl alice group create Sales >/dev/null

# README's lines.  Its paths outside /usr/local go to $RD, whose name
# systemd-escape leaves as it is (unlike $T's "-").
RD=$(mktemp -d /tmp/gfsreadme.XXXXXX)
chmod 755 "$RD"
trap 'rm -rf "$RD"; cleanup' EXIT
mkdir "$RD/srv" "$RD/etc" # a machine has /srv and /etc, not /backup
readme_block sh '^sudo [.]/scripts/deps[.]sh' | sed 's/ *#.*//' >"$T/readme-install"
readme_block sh 'systemctl enable --now groupfs@' >"$T/readme-mount"
readme_block sh ' backup /backup/' | sed 's/ *#.*//' >"$T/readme-backup"
same "README's Install block: deps, then meson setup and install" \
	"$(cut -c1-12 "$T/readme-install" | tr '\n' '|')" \
	"sudo ./scrip|meson setup |"
check "README has the store, unit and fstab lines" \
	grep -q '^# or, in /etc/fstab: ' "$T/readme-mount"
same "README has the backup and restore lines" "$(wc -l <"$T/readme-backup")" 2
# The source tree as a clone has it (tracked and new files, no builds).
mkdir "$T/src"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$ROOT/$f" ] && printf '%s\0' "$f"
		done | tar -C "$ROOT" --null -T - -cf - | tar -C "$T/src" -xf -
else
	tar -C "$ROOT" --exclude='./build*' -cf - . | tar -C "$T/src" -xf -
fi
mkdir "$T/local" "$T/shim" "$T/state"
cp "$(dirname "$0")/systemctl.sh" "$T/shim/systemctl"
# README says sudo, as one types it; this is root, maybe without sudo.
if ! command -v sudo >/dev/null; then
	printf '#!/bin/sh\nexec "$@"\n' >"$T/shim/sudo"
fi
chmod 755 "$T/shim"/*
SAME_FILES=no
[ "$(opt systemdunitdir)" = "" ] && SAME_FILES=yes

# Inside the namespace: results as TAP lines, counted out here.
cat >"$T/inside.sh" <<'EOF'
set -u
ok() { if "${@:2}"; then echo "ok - $1"; else echo "not ok - $1"; fi; }
as_alice() { setpriv --reuid="$ALICE" --regid="$UGROUP" --init-groups -- "$@"; }
pids=()
# Whatever happens, nothing stays mounted or running.
finally() {
	for m in "$RD/groups" "$RD/restored" "$T/m1"; do
		fusermount3 -uz "$m" 2>/dev/null
	done
	kill -9 "${pids[@]}" 2>/dev/null
	[ -s "$T/state/groupfs-web.service.pid" ] &&
		kill -9 "$(cat "$T/state/groupfs-web.service.pid")" 2>/dev/null
	true
}
trap finally EXIT
daemon_of() { # the groupfs serving mount point $1
	for p in $(pgrep -x groupfs); do
		tr '\0' '\n' <"/proc/$p/cmdline" | grep -qxF "$1" && echo "$p"
	done
}
mount --bind "$T/local" /usr/local || { echo "not ok - bind /usr/local"; exit 1; }
export PATH="$T/shim:$PATH" SYSTEMCTL_ETC="$RD/etc/groupfs" SYSTEMCTL_STATE="$T/state"

# README's Install block, as written, in the copy of the source tree.
cd "$T/src" || exit 1
logged() { bash -c "$1" >>"$T/readme-install.log" 2>&1; }
while IFS= read -r l; do
	ok "README: $l" logged "$l"
	tail -n 1 "$T/readme-install.log" | sed '/^$/d; s/^/# /'
done <"$T/readme-install"
cd / || exit 1
ok "groupfs is found on root's PATH" test "$(command -v groupfs)" = /usr/local/sbin/groupfs
ok "groupfs-web too" test "$(command -v groupfs-web)" = /usr/local/sbin/groupfs-web
ok "groupctl too" test "$(command -v groupctl)" = /usr/local/bin/groupctl
for p in groupfs:8 groupfs-web:8 groupctl:1; do
	ok "man finds ${p%:*}(${p#*:})" test "$(man -w "${p%:*}")" = \
		"/usr/local/share/man/man${p#*:}/${p%:*}.${p#*:}"
done
if [ "$SAME_FILES" = yes ]; then
	ok "README's install puts the files meson install puts" test \
		"$(cd /usr/local && find . -type f | sort)" = \
		"$(cd "$DEST/usr/local" && find . -type f | sort)"
fi
U=/usr/local/lib/systemd/system
GROUPS_INST=$(systemd-escape --path "$RD/groups")
if command -v systemd-analyze >/dev/null; then
	ok "systemd-analyze verify groupfs@$GROUPS_INST.service" \
		systemd-analyze verify --man=no "$U/groupfs@$GROUPS_INST.service"
	ok "systemd-analyze verify groupfs-web.service" \
		systemd-analyze verify --man=no "$U/groupfs-web.service"
else
	echo "ok - # SKIP no systemd-analyze"
fi

# README's store and unit lines (its fstab line below), redirected.
redirect() {
	sed -e "s#/etc/groupfs/groups[.]conf#/etc/groupfs/$GROUPS_INST.conf#g" \
		-e "s#groupfs@groups#groupfs@$GROUPS_INST#g" \
		-e "s#/srv/#$RD/srv/#g" -e "s#/etc/groupfs#$RD/etc/groupfs#g" \
		-e "s#/backup/#$RD/backup/#g" -e "s#\([ :]\)/groups\\b#\1$RD/groups#g"
}
grep -v '^#' "$T/readme-mount" | sed 's/ *#.*//' | redirect >"$T/mount-lines"
while IFS= read -r l; do
	ok "README: $l" bash -c "$l"
done <"$T/mount-lines"
STORE=$RD/srv/groupfs
groupctl --store "$STORE" account add ralice --first Alice --last Test \
	--email ralice@example.org --plan pro --unix-user "$ALICE" >/dev/null
groupctl --store "$STORE" --as ralice group create Team >/dev/null
ok "the unit's mount serves alice her account" \
	test "$(as_alice ls "$RD/groups" | tr '\n' ' ')" = "Private Team "
pid=$(daemon_of "$RD/groups")
ok "its daemon runs in the background" test -n "$pid"
# fsync (sync FILE): what survives a kill -9 (SPEC.md, durability).
ok "alice writes there" as_alice sh -c "echo hello >'$RD/groups/Team/documents/hello.txt' && sync '$RD/groups/Team/documents/hello.txt'"

# The daemon dies: its dead mount stays ("Transport endpoint is not
# connected"); the unit starts again over it, as Restart= does.
kill -9 "$pid"
timeout 20 tail --pid="$pid" -f /dev/null
ok "kill -9 of the daemon leaves a dead mount" bash -c \
	"stat '$RD/groups' 2>&1 | grep -q 'Transport endpoint is not connected'"
ok "systemctl start groupfs@$GROUPS_INST again" systemctl start "groupfs@$GROUPS_INST"
ok "the mount serves again" test "$(as_alice cat "$RD/groups/Team/documents/hello.txt")" = hello
pid=$(daemon_of "$RD/groups")

# groupfs-web's unit, set from its installed example.
sed -e "s#^STORE=.*#STORE=$STORE#" -e "s#^OPTIONS=.*#OPTIONS=--listen 127.0.0.1:0#" \
	/usr/local/share/doc/groupfs/groupfs-web.conf.example >"$RD/etc/groupfs/web.conf"
ok "systemctl start groupfs-web" systemctl start groupfs-web
port=""
for _ in $(seq 200); do
	port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
		"$T/state/groupfs-web.service.log" 2>/dev/null)
	[ -n "$port" ] && break
	sleep 0.05
done
ok "groupfs-web listens" test -n "$port"
token=$(groupctl --store "$STORE" --as ralice link create Team documents/hello.txt | sed 's|.*/l/||')
ok "groupctl link create" test -n "$token"
ok "the unit's groupfs-web serves the link" \
	test "$(curl -sS "http://127.0.0.1:$port/l/$token")" = hello
ok "systemctl stop groupfs-web: it exits 0" systemctl stop groupfs-web

ok "systemctl stop groupfs@$GROUPS_INST unmounts" systemctl stop "groupfs@$GROUPS_INST"
ok "  and the daemon exits" timeout 20 tail --pid="${pid:-1}" -f /dev/null
ok "nothing is mounted any more" bash -c "! mountpoint -q '$RD/groups'"

# README's fstab line (mount -a reads it at boot), then its backup and
# restore lines while that mount is in use.
sed -n 's/^# or, in \/etc\/fstab: *//p' "$T/readme-mount" | redirect >"$RD/fstab"
ok "mount -a of README's fstab line" mount -a --fstab "$RD/fstab"
ok "  it serves alice" test "$(as_alice cat "$RD/groups/Team/documents/hello.txt")" = hello
pid=$(daemon_of "$RD/groups")
# A writer meanwhile (setpriv execs sh: $! is the writer itself).
setpriv --reuid="$ALICE" --regid="$UGROUP" --init-groups -- \
	sh -c "while :; do echo x >>'$RD/groups/Team/documents/log.txt'; done" 2>/dev/null &
pids+=($!)
redirect <"$T/readme-backup" | sed -n 1p >"$T/backup-line"
ok "README: $(cat "$T/backup-line")" bash -c "$(cat "$T/backup-line")"
made=$(ls "$RD/backup" 2>/dev/null)
ok "  makes /backup, 0700, and the dated copy in it" \
	test "$(stat -c %a "$RD/backup")/$made" = "700/groupfs-$(date +%F)"
redirect <"$T/readme-backup" | sed -n 2p |
	sed "s#/backup/groupfs-[0-9-]*#/backup/$made#" >"$T/restore-line"
ok "README: $(cat "$T/restore-line")" bash -c "$(cat "$T/restore-line")"
kill "${pids[@]}"
wait "${pids[@]}" 2>/dev/null
pids=()
ok "the restored store is clean" test \
	"$(groupctl --store "$RD/srv/groupfs-restored" check)" = "store is consistent"
mkdir "$RD/restored"
mount -t fuse.groupfs "$RD/srv/groupfs-restored" "$RD/restored" -o as=ralice
ok "  and holds alice's file" test "$(cat "$RD/restored/Team/documents/hello.txt")" = hello
umount "$RD/restored"
ok "umount of the fstab mount" umount "$RD/groups"
ok "  and the daemon exits" timeout 20 tail --pid="${pid:-1}" -f /dev/null

# mount -t, with groupfs options (mount.fuse3 starts the installed groupfs).
M=$T/m1
mkdir -p "$M"
ok "mount -t fuse.groupfs -o as=alice" \
	mount -t fuse.groupfs "$GROUPFS_STORE" "$M" -o as=alice,log_file="$T/m1.log"
ok "it is listed as fuse.groupfs" test "$(findmnt -n -o FSTYPE "$M")" = fuse.groupfs
ok "alice's groups are there" test "$(ls "$M" | tr '\n' ' ')" = "Private Sales "
ok "umount" umount "$M"
EOF
export DEST T RD GROUPFS_STORE UGROUP SAME_FILES
ALICE=${UNIX[alice]} unshare -m --propagation private bash "$T/inside.sh" >"$T/inside.out" 2>&1
while IFS= read -r l; do
	case $l in
	"ok - "*) pass "${l#ok - }" ;;
	"not ok - "*) fail "${l#not ok - }" ;;
	*) say "# $l" ;;
	esac
done <"$T/inside.out"
same "the log file of the mount -t daemon exists" "$(test -f "$T/m1.log" && echo yes)" yes
if [ "$FAILED" != 0 ]; then
	say "# README's install, last lines:"
	tail -n 20 "$T/readme-install.log" | sed 's/^/#   /'
fi
finish
