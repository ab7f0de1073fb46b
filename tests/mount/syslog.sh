#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# In the background without -o log_file, the daemon logs to syslog: in a
# private mount namespace whose /dev has a /dev/log served by this test (a
# datagram socket, as journald and rsyslog serve it), a refusal arrives
# there as "groupfs[PID]: refused ... RULE (ERRNO)" at level info.  Before
# that /dev has no log: a daemon started in the background without
# -o log_file warns on standard error that nothing will be logged.
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
M=$T/m
mkdir -p "$M"
# unmount: and wait until the daemon is gone.
unmount() {
	local p pids
	pids=$(pgrep -f "groupfs .*$M\$")
	fusermount3 -u "$M"
	for p in $pids; do timeout 20 tail --pid="$p" -f /dev/null; done
}
# No /dev/log yet.
warning='groupfs: warning: there is no /dev/log: in the background nothing will be logged; give -o log_file=PATH (or -f)'
ok "without /dev/log groupfs starts in the background" \
	"$GROUPFS" -o allow_other "$GROUPFS_STORE" "$M" 2>"$T/nolog.err"
ok "  warning that nothing will be logged" grep -qxF "$warning" "$T/nolog.err"
unmount
ok "with -o log_file it starts" \
	"$GROUPFS" -o allow_other,log_file="$T/file.log" "$GROUPFS_STORE" "$M" 2>"$T/file.err"
ok "  with no warning" test ! -s "$T/file.err"
unmount
mkfifo "$T/ready"
ok "with -f it starts" bash -c "'$GROUPFS' -f --ready-fd=3 '$GROUPFS_STORE' '$M' \
	3>'$T/ready' 2>'$T/fg.err' & read -r -t 60 l <'$T/ready'; test \"\$l\" = ready"
ok "  with no warning" test ! -s "$T/fg.err"
unmount
/usr/bin/python3 "$T/listen.py" /dev/log "$T/syslog.txt" &
lpid=$!
for _ in $(seq 100); do grep -q listening "$T/syslog.txt" 2>/dev/null && break; sleep 0.05; done
ok "groupfs starts in the background" "$GROUPFS" -o allow_other "$GROUPFS_STORE" "$M" \
	2>"$T/withlog.err"
ok "  with no warning: there is a /dev/log" test ! -s "$T/withlog.err"
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
