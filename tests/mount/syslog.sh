#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# In the background without -o log_file, the daemon logs to syslog: in a
# private mount namespace whose /dev has a /dev/log served by this test (a
# datagram socket, as journald and rsyslog serve it), a refusal arrives
# there as "groupfs[PID]: refused ... RULE (ERRNO)" at level info.
. "$(dirname "$0")/lib.sh"

command -v unshare >/dev/null || { echo "unshare missing"; exit 77; }
user alice pro
user bob pro
team alice Sales bob

cat >"$T/listen.py" <<'EOF'
import os, socket, sys
path, out = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    f.write(b"listening\n")
    while True:
        f.write(s.recv(4096) + b"\n")
EOF
cat >"$T/inside.sh" <<'EOF'
set -u
ok() { if "${@:2}"; then echo "ok - $1"; else echo "not ok - $1"; fi; }
# /dev of our own, with the devices the daemon needs and a /dev/log.
mkdir "$T/olddev"
mount --bind /dev "$T/olddev"
mount -t tmpfs -o mode=755 tmpfs /dev
for d in fuse null zero random urandom; do
	touch "/dev/$d"
	mount --bind "$T/olddev/$d" "/dev/$d"
done
/usr/bin/python3 "$T/listen.py" /dev/log "$T/syslog.txt" &
lpid=$!
for _ in $(seq 100); do grep -q listening "$T/syslog.txt" 2>/dev/null && break; sleep 0.05; done
M=$T/m
mkdir -p "$M"
ok "groupfs starts in the background" "$GROUPFS" -o allow_other "$GROUPFS_STORE" "$M"
pid=$(pgrep -f "groupfs -o allow_other $GROUPFS_STORE $M\$")
setpriv --reuid="$BOB" --regid="$UGROUP" --init-groups -- mkdir "$M/Sales/documents/x" 2>/dev/null
for _ in $(seq 100); do grep -q refused "$T/syslog.txt" && break; sleep 0.05; done
ok "the refusal reaches syslog with its rule" grep -qE \
	"^<30>.*groupfs\\[$pid\\]: refused mkdir for uid [0-9]+: Sales: adding to documents needs the add right \\(EACCES\\)\$" \
	"$T/syslog.txt"
fusermount3 -u "$M"
ok "the daemon exits" timeout 20 tail --pid="${pid:-1}" -f /dev/null
kill "$lpid"
EOF
export T GROUPFS GROUPFS_STORE UGROUP
BOB=${UNIX[bob]} unshare -m --propagation private bash "$T/inside.sh" >"$T/inside.out" 2>&1
while IFS= read -r l; do
	case $l in
	"ok - "*) pass "${l#ok - }" ;;
	"not ok - "*) fail "${l#not ok - }" ;;
	*) say "# $l" ;;
	esac
done <"$T/inside.out"
grep refused "$T/syslog.txt" | sed 's/^/# /' || true
finish
