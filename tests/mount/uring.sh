#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# FUSE over io_uring (fs/uring.c): where the kernel offers it
# (/sys/module/fuse/parameters/enable_uring), requests come through one
# queue per CPU, served by threads kept on that CPU.  Everything a user
# does answers as through /dev/fuse: content of every size up to the
# largest request, listings, names, links, attributes, refusals with their
# reason, several users and CPUs at once, readers of one file at once
# (both ways); a request that waits for the store's lock holds up no
# other request from the same CPU; -o no_uring
# keeps to /dev/fuse; a program killed mid-request, a lazy unmount under a
# waiting write and SIGTERM all end cleanly.
. "$(dirname "$0")/lib.sh"

P=/sys/module/fuse/parameters/enable_uring
if [ ! -w "$P" ]; then
	echo "this kernel has no FUSE over io_uring ($P)"
	exit 77
fi
# The setting is the machine's: set for this test, as it was afterwards.
# Each of the three ways runs alone (is_parallel in meson.build): no
# other scenario mounts meanwhile, and none puts back a value this one set.
WAS=$(cat "$P")
ON_EXIT+=("echo '$WAS' >'$P'")
echo Y >"$P"

# The kernel's queues: one for each possible CPU.
NQ=$(($(sed 's/.*[-,]//' /sys/devices/system/cpu/possible) + 1))

user alice pro
user bob
user carol
team alice Sales bob carol
ctl alice rights set Sales documents --add carol >/dev/null

M=$T/mnt
D=$M/Sales/documents
n=$MOUNT_SEQ
mount_fs "$M" -o allow_other
LOG=$T/daemon.$n.log
PID=$(daemon_pid "$M")
as alice ls "$M" >/dev/null # the kernel has the INIT reply once this is answered
wait_for "the log says requests come through io_uring" 10 \
	grep -q "requests come through io_uring: $NQ queues" "$LOG"
rings() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'io_uring' || true; }
check "two rings at least for each of the $NQ queues" \
	test "$(rings "$PID")" -ge $((2 * NQ))

# ---- content of every size, up to the largest request (1 MiB) ----
SRC=$T/src
mkdir -p "$SRC"
chmod 755 "$SRC"
for size in 0 1 4095 4096 65537 1048576 1048577 3000000; do
	head -c "$size" /dev/urandom >"$SRC/f$size"
done
chmod 644 "$SRC"/*
bad=0
for f in "$SRC"/*; do
	as alice dd if="$f" of="$D/$(basename "$f")" bs=1M conv=fsync \
		status=none || bad=$((bad + 1))
done
same "files of 0 bytes to 3 MB written in 1 MiB writes" "$bad" 0
echo 3 >/proc/sys/vm/drop_caches
bad=0
for f in "$SRC"/*; do
	as bob cmp -s "$f" "$D/$(basename "$f")" || bad=$((bad + 1))
done
same "and read back whole by another member" "$bad" 0
same "sizes as written" "$(as bob stat -c %s "$D/f1048577")" 1048577

# readers_at_once DIR ACCOUNT WHAT (ACCOUNT "": as root): after
# drop_caches, readers on every CPU start at once at different places in
# the 3 MB file (so the kernel sends their READs together, to threads that
# open its content at the same moment), each reading to the end; every
# byte is checked.
readers_at_once() {
	local dir=$1 what=$3 cpu k bad=0 pids=() as=()
	[ -z "$2" ] || as=(as "$2")
	echo 3 >/proc/sys/vm/drop_caches
	for cpu in $(seq 0 $((NQ - 1))); do
		for k in 0 11 22 33; do
			"${as[@]}" taskset -c "$cpu" bash -c \
				'cmp -s <(dd if="$1" bs=64K skip="$3" status=none) \
					<(dd if="$2" bs=64K skip="$3" status=none)' \
				_ "$dir/f3000000" "$SRC/f3000000" $((k + cpu)) &
			pids+=($!)
		done
	done
	for k in "${pids[@]}"; do wait "$k" || bad=$((bad + 1)); done
	same "$what: $((4 * NQ)) readers of one file at once, each byte for byte" \
		"$bad" 0
}
readers_at_once "$D" bob "io_uring"

# ---- a listing larger than a page of replies, names, links ----
as alice mkdir "$D/many"
as alice bash -c 'for i in $(seq 1 300); do echo "$i" >"$1/file-$i.txt"; done' \
	_ "$D/many"
same "300 names listed" "$(as bob ls "$D/many" | wc -l)" 300
same "ls -l shows each with its size" \
	"$(as bob ls -l "$D/many" | awk '$5 == 2 || $5 == 3 || $5 == 4' | wc -l)" 300
same "a file's content" "$(as bob cat "$D/many/file-217.txt")" 217
expect OK "rename" as alice "$PROBE" rename "$D/many/file-1.txt" "$D/renamed.txt"
same "the renamed file's content" "$(as bob cat "$D/renamed.txt")" 1
expect OK "symlink" as alice "$PROBE" symlink renamed.txt "$D/link"
same "readlink" "$(as bob readlink "$D/link")" renamed.txt
same "read through the link" "$(as bob cat "$D/link")" 1
VALUE=$(head -c 3000 /dev/urandom | base64 -w 0)
expect OK "an attribute of 4 KB" \
	as alice "$PROBE" setxattr "$D/renamed.txt" user.note "$VALUE"
same "read back whole" \
	"$(as bob "$PROBE" getxattr "$D/renamed.txt" user.note | sed '1s/^OK //')" \
	"$VALUE"
listed() { as bob "$PROBE" listxattr "$D/renamed.txt" | grep -q user.note; }
check "listed" listed
as alice rm -rf "$D/many"
check "rm -rf of the folder" test ! -e "$D/many"

# ---- refusals, with their reason; other users ----
bob=$(id -u "${UNIX[bob]}")
expect EACCES "bob may not add to documents" as bob "$PROBE" mkdir "$D/bob-dir"
check "the refusal is logged with its rule" grep -qF \
	"refused mkdir for uid $bob: Sales: adding to documents needs the add right (EACCES)" \
	"$LOG"
expect OK "carol may" as carol "$PROBE" write "$D/carol.txt" "from carol"
same "alice reads what carol wrote" "$(as alice cat "$D/carol.txt")" "from carol"

# ---- every CPU's queue, and all of them at once ----
bad=0
for cpu in $(seq 0 $((NQ - 1))); do
	as alice taskset -c "$cpu" "$PROBE" write "$D/cpu$cpu.txt" "cpu $cpu" \
		>/dev/null || bad=$((bad + 1))
	[ "$(as bob taskset -c "$cpu" cat "$D/cpu$cpu.txt")" = "cpu $cpu" ] ||
		bad=$((bad + 1))
done
same "written and read from each of the $NQ CPUs" "$bad" 0
writers=()
for cpu in $(seq 0 $((NQ - 1))); do
	as alice mkdir "$D/par$cpu"
	as alice taskset -c "$cpu" bash -c \
		'for i in $(seq 1 200); do head -c $((i * 37)) "$2" >"$1/$i" || exit 1; done' \
		_ "$D/par$cpu" "$SRC/f65537" &
	writers+=($!)
done
bad=0
for w in "${writers[@]}"; do wait "$w" || bad=$((bad + 1)); done
same "writers on every CPU at once all succeed" "$bad" 0
bad=0
for cpu in $(seq 0 $((NQ - 1))); do
	for i in 1 77 200; do
		cmp -s <(head -c $((i * 37)) "$SRC/f65537") \
			<(as bob cat "$D/par$cpu/$i") ||
			bad=$((bad + 1))
	done
	[ "$(as bob ls "$D/par$cpu" | wc -l)" = 200 ] || bad=$((bad + 1))
done
same "and every file is there with its content" "$bad" 0

# ---- a request waiting for the lock holds up nobody on its CPU ----
# The writer makes files, then writes while another process holds the
# store's write lock; a lookup from the same CPU, so on the same queue,
# is answered meanwhile by another of the queue's threads.
mkfifo -m 666 "$T/made" "$T/go"
as alice taskset -c 0 bash -c \
	'for i in $(seq 40); do : >"$1/x$i"; done; echo made >"$3"; read -r _ <"$4"; exec "$2" write "$1/waits.txt" later' \
	writer "$D" "$PROBE" "$T/made" "$T/go" &
writer=$!
read -r -t 30 _ <"$T/made" || true
store_lock
echo go >"$T/go"
wait_for "the write waits for the lock" 10 lock_waited "$PID"
check "a lookup from the same CPU is answered meanwhile" \
	as bob timeout 10 taskset -c 0 bash -c "! stat '$M/Sales/never-looked-up'"
check "and the write is still waiting" kill -0 "$writer"
store_unlock
rc=0; wait "$writer" || rc=$?
same "the write completes once the lock is free" "$rc" 0
same "with its content" "$(as bob cat "$D/waits.txt")" later

# ---- a program killed while its write waits; the daemon goes on ----
store_lock
as alice taskset -c 0 "$PROBE" write "$D/killed.txt" never &
victim=$!
wait_for "a second write waits for the lock" 10 lock_waited "$PID"
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
store_unlock
expect OK "after the kill, a write from the same CPU" \
	as alice taskset -c 0 "$PROBE" write "$D/after-kill.txt" fine
same "reads back" "$(as bob cat "$D/after-kill.txt")" fine
check "the daemon still serves" kill -0 "$PID"

# ---- -o no_uring: /dev/fuse, with the same answers ----
M2=$T/mnt2
n2=$MOUNT_SEQ
mount_fs "$M2" --as alice -o no_uring
same "-o no_uring: reads what the first mount wrote" \
	"$(cat "$M2/Sales/documents/carol.txt")" "from carol"
check "and writes" "$PROBE" write "$M2/Sales/documents/plain.txt" plain
readers_at_once "$M2/Sales/documents" "" "-o no_uring" # no allow_other
check "-o no_uring: no io_uring in the log" \
	bash -c "! grep -q io_uring '$T/daemon.$n2.log'"
same "-o no_uring: no rings" "$(rings "$(daemon_pid "$M2")")" 0
umount_fs "$M2"

# ---- a lazy unmount while a write waits: the write ends, then the daemon --
M4=$T/mnt4
n4=$MOUNT_SEQ
mount_fs "$M4" --as alice
store_lock
"$PROBE" write "$M4/Sales/documents/lazy.txt" lazy >"$T/lazy.out" 2>&1 &
lazy=$!
pid4=$(daemon_pid "$M4")
wait_for "a write on the fourth mount waits for the lock" 10 lock_waited "$pid4"
fusermount3 -uz "$M4"
store_unlock
rc=0; wait "$lazy" || rc=$?
same "the write under the lazy unmount completes" "$rc $(head -c 2 "$T/lazy.out")" "0 OK"
daemon_ended "the daemon ends" "$pid4"
check "nothing is left mounted" bash -c "! mountpoint -q '$M4'"
check "no error logged" bash -c "! grep -qiE 'error|failed' '$T/daemon.$n4.log'"
kill_fs "$M4" # forget it in the harness (its log was read above)
same "the write is in the store" "$(as bob cat "$D/lazy.txt")" lazy

# ---- the end: SIGTERM ends the daemon and unmounts ----
M3=$T/mnt3
n3=$MOUNT_SEQ
mount_fs "$M3" --as alice
ls "$M3" >/dev/null
wait_for "a third mount comes through io_uring" 10 \
	grep -q "requests come through io_uring" "$T/daemon.$n3.log"
same "it reads" "$(cat "$M3/Sales/documents/plain.txt")" plain
pid=$(daemon_pid "$M3")
kill -TERM "$pid"
daemon_ended "SIGTERM: the daemon ends" "$pid"
check "SIGTERM: nothing is left mounted" bash -c "! mountpoint -q '$M3'"
check "SIGTERM: no error logged" \
	bash -c "! grep -qiE 'error|failed' '$T/daemon.$n3.log'"
kill_fs "$M3" # forget it in the harness (its log was read above)

finish
