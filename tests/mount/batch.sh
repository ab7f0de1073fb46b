#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Group commit (-o commit_ms): the changes of a few milliseconds share one
# commit, and nothing a user can see depends on when it comes.  With a
# batch held for a whole second: every process reading through the mount
# sees the changes at once, groupctl too (it waits for the mounts'
# batches), another mount of the store within the second; a refused
# change inside a batch takes nothing else with it; an unmount, a SIGTERM
# and an fsync commit, so a kill -9 after an fsync loses nothing.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
"$GROUPCTL" plan set tiny --max-groups 2 --max-members 5 --group-bytes 1M \
	--private-bytes 512K >/dev/null
user alice tiny
ctl alice group create Sales >/dev/null
M=$T/mnt
D=$M/Sales/documents
mount_fs "$M" --as alice -o commit_ms=1000

# Every check below runs well within the batch's second of the write it
# looks at (each is one process start); a second mount at the end shows
# the batch does hold changes back from other connections meanwhile.
printf 'alpha\n' >"$D/a.txt"
same "a read through the mount sees the batch" "$(cat "$D/a.txt")" alpha
check "a listing shows it" grep -qx a.txt <(ls "$D")
mkdir "$D/sub"
printf 'beta\n' >"$D/sub/b.txt"
mv "$D/sub/b.txt" "$D/b.txt"
same "a rename inside the batch" "$(cat "$D/b.txt")" beta
check "groupctl sees what the mount acknowledged (it waits for the batch)" \
	ctl alice link create Sales documents/b.txt
rm "$D/a.txt"
check "groupctl sees the deletion in history" \
	grep -q 'documents/a.txt' <(ctl alice history list Sales)

# A refusal inside a batch: the capacity is 1 MiB.  The files before and
# after the refused write stay, and the refused one holds only what was
# accepted.
head -c 300000 /dev/urandom >"$T/c.src"
head -c 2000000 /dev/urandom >"$T/big.src"
cp "$T/c.src" "$D/c.bin"
if out=$(cp "$T/big.src" "$D/big2.bin" 2>&1); then
	fail "copying 2 MB into a 1 MiB group succeeded"
else
	check "copying 2 MB into a 1 MiB group fails with ENOSPC" \
		grep -q 'No space left on device' <<<"$out"
fi
printf 'gamma\n' >"$D/d.txt"
umount_fs "$M"
mount_fs "$M" --as alice -o commit_ms=1000
check "after the unmount: the file written before the refusal" \
	cmp -s "$T/c.src" "$D/c.bin"
same "after the unmount: the file written after it" "$(cat "$D/d.txt")" gamma
same "after the unmount: the renamed file" "$(cat "$D/b.txt")" beta
check "after the unmount: the deleted file stays deleted" test ! -e "$D/a.txt"
size=$(stat -c %s "$D/big2.bin" 2>/dev/null || echo 0)
check "the refused copy holds only accepted data ($size bytes)" \
	cmp -s -n "$size" "$T/big.src" "$D/big2.bin"
check "groupctl check: the store is consistent" "$GROUPCTL" check

# A SIGTERM commits what the batch holds.  The daemon finishes the
# requests it is answering, commits, unmounts and exits: its end is what
# says it is done (mountpoint(1) may say "not a mountpoint" while it
# still unmounts, and the kill below must not cut its commit short).
printf 'delta\n' >"$D/e.txt"
pid=$(daemon_pid "$M")
kill -TERM "$pid"
daemon_ended "the daemon stops on SIGTERM" "$pid"
check "nothing is left mounted" bash -c "! mountpoint -q '$M'"
kill_fs "$M" # only the bookkeeping: the daemon is gone
mount_fs "$M" --as alice -o commit_ms=1000
same "a SIGTERM commits the batch" "$(cat "$D/e.txt" 2>&1)" delta

# fsync commits at once: a kill -9 right after loses nothing.
"$PY" - "$D/f.txt" <<'EOF'
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, b"epsilon\n")
os.fsync(fd)
os.close(fd)
EOF
kill_fs "$M"
mount_fs "$M" --as alice -o commit_ms=1000
same "after fsync and kill -9 the file is there" "$(cat "$D/f.txt" 2>&1)" \
	epsilon
check "groupctl check after the kill" "$GROUPCTL" check

# Another mount of the store (another daemon: another connection) sees a
# change once its batch commits, within commit_ms.
M2=$T/mnt2
mount_fs "$M2" --as alice
printf 'zeta\n' >"$D/g.txt"
wait_for "another mount sees the change within the batch's second" 10 \
	grep -qx zeta "$M2/Sales/documents/g.txt"
umount_fs "$M2"

# commit_ms=0: one commit per change; a bad value is refused.
umount_fs "$M"
mount_fs "$M" --as alice -o commit_ms=0
printf 'eta\n' >"$D/h.txt"
check "commit_ms=0: groupctl sees the change" \
	ctl alice link create Sales documents/h.txt
umount_fs "$M"
if out=$("$GROUPFS" -f -o commit_ms=5000 "$GROUPFS_STORE" "$M" 2>&1); then
	fail "commit_ms=5000 was accepted"
else
	check "commit_ms=5000 is refused, with the bounds" \
		grep -q 'commit_ms must be 0 to 1000' <<<"$out"
fi
finish
