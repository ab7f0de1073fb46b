#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# systemctl for tests/mount/install.sh, where PID 1 is not systemd: runs
# an installed unit's lines as systemd runs them, so that README's
# `systemctl enable --now groupfs@...` can be followed as written.
#   systemctl [enable --now|start|stop] UNIT
# For UNIT (groupfs@INSTANCE or groupfs-web, ".service" optional): its
# AssertPathExists= must exist; EnvironmentFile='s variables are set;
# %i is the instance, %f the path it escapes; $VAR is split into words,
# ${VAR} is one; an Exec line starting with "-" may fail.  Type=forking:
# ExecStartPre= lines, then ExecStart=, which returns once started.
# Type=simple: ExecStart= in the background, its output in
# $SYSTEMCTL_STATE/UNIT.log (the journal), its exit status in UNIT.rc when
# it ends; stop sends SIGTERM and waits.  ExecStop= lines on stop.
#   SYSTEMCTL_ETC    where /etc/groupfs is (unit paths are redirected)
#   SYSTEMCTL_STATE  a folder for pids, logs, exit statuses
set -u
: "${SYSTEMCTL_ETC:?}" "${SYSTEMCTL_STATE:?}"
UNITDIR=/usr/local/lib/systemd/system

case "$*" in
"enable --now "*) verb=start unit=$3 ;;
"start "* | "stop "*) verb=$1 unit=$2 ;;
*) echo "systemctl (test): not supported: $*" >&2; exit 1 ;;
esac
case $unit in *.service) ;; *) unit=$unit.service ;; esac
inst=""
file=$UNITDIR/$unit
case $unit in
*@*)
	inst=${unit#*@}
	inst=${inst%.service}
	file=$UNITDIR/${unit%%@*}@.service
	;;
esac
[ -f "$file" ] || { echo "systemctl (test): no unit $file" >&2; exit 1; }
path=""
[ -n "$inst" ] && path=$(systemd-escape --unescape --path "$inst")

# lines KEY: the unit's KEY= lines, specifiers replaced, /etc redirected.
lines() {
	sed -n "s/^$1=//p" "$file" |
		sed -e "s#%f#$path#g" -e "s#%i#$inst#g" \
			-e "s#/etc/groupfs#$SYSTEMCTL_ETC#g"
}
# run LINE: as systemd runs an Exec line.
run() {
	local l=$1 may_fail=""
	case $l in -*) may_fail=1 l=${l#-} ;; esac
	eval "set -- $l"
	"$@" || [ -n "$may_fail" ]
}

for p in $(lines AssertPathExists); do
	[ -e "$p" ] || { echo "systemctl (test): $unit: no $p" >&2; exit 1; }
done
env_file=$(lines EnvironmentFile)
if [ -n "$env_file" ]; then
	while IFS='=' read -r k v; do
		case $k in '' | '#'*) continue ;; esac
		export "$k=$v"
	done <"$env_file"
fi
type=$(lines Type)
state=$SYSTEMCTL_STATE/$unit

case $verb in
start)
	while IFS= read -r l; do
		run "$l" || exit 1
	done < <(lines ExecStartPre)
	start=$(lines ExecStart)
	if [ "$type" = forking ]; then
		run "$start"
		exit
	fi
	rm -f "$state.rc" "$state.pid"
	(
		# The service itself is the process started here (exec).
		(eval "set -- $start" && exec "$@") >"$state.log" 2>&1 &
		echo $! >"$state.pid"
		wait $!
		echo $? >"$state.rc"
	) </dev/null >/dev/null 2>&1 &
	for _ in $(seq 100); do [ -s "$state.pid" ] && break; sleep 0.05; done
	;;
stop)
	while IFS= read -r l; do
		run "$l" || exit 1
	done < <(lines ExecStop)
	if [ "$type" != forking ] && [ -s "$state.pid" ]; then
		kill -TERM "$(cat "$state.pid")" 2>/dev/null
		for _ in $(seq 400); do [ -s "$state.rc" ] && break; sleep 0.05; done
		rm -f "$state.pid"
		[ "$(cat "$state.rc" 2>/dev/null)" = 0 ]
	fi
	;;
esac
