#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Durability: the daemon is killed (kill -9) while writers are busy; after
# a new mount every fsynced byte is there, every file holds only data that
# was written to it (checked byte by byte against what each writer wrote,
# whatever granularity the store writes in), and groupctl check finds the
# store consistent.  Small inline files, many files, large chunked files,
# and repeated kills while chunked files grow.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
user alice pro
ctl alice group create Sales >/dev/null
M=$T/mnt
D=$M/Sales/documents
mount_fs "$M" --as alice

# The writers and their checks.  Content is a function of (name, version,
# size), so a check regenerates what was written.  Each writer prints, after
# every fsync that returned, how far it got: the last line is what fsync
# acknowledged when the daemon died.
cat >"$T/cw.py" <<'EOF'
import itertools, os, random, sys
B = 4096
SIZES = {"mixed": [0, 1, 700, 4096, 5000, 65536, 65537, 1500, 200000, 12,
                   300001, 33],
         "large": [1048576, 2621447, 700001, 4096 * 300]}
def gen(name, k, size):
    return random.Random(f"{name}:{k}").randbytes(size)
def rec(i):
    return (f"{i:08d} " + random.Random(i).randbytes(40).hex() + "\n").encode()
def write_all(fd, data, off=0, piece=262144):
    while data:
        n = os.pwrite(fd, data[:piece], off)
        data, off = data[n:], off + n
def put(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    write_all(fd, data)
    os.fsync(fd)
    os.close(fd)
def read(path):
    with open(path, "rb") as f:
        return f.read()
def blocks_from(data, versions, older=(), zeros=True):
    """Every byte of data is that byte of one of versions (or, with zeros,
    a zero: a file may grow with zeros): versions may mix at any boundary
    the store writes in, but nothing else appears.  The message compares
    a wrong byte's page with each of `older`."""
    for i in range(0, len(data), 256):
        seg = data[i:i + 256]
        if any(v[i:i + 256] == seg for v in versions) or \
           (zeros and not seg.strip(b"\0")):
            continue
        for j in range(i, i + len(seg)):
            if not (zeros and data[j] == 0) and \
               not any(j < len(v) and v[j] == data[j] for v in versions):
                p = j // B * B
                was = [f"{n}: {sum(x == y for x, y in zip(v[p:p + B], data[p:p + B]))}"
                       for n, v in older]
                return (f"byte {j} is none of the versions written"
                        f" (bytes of page {p} equal to {', '.join(was)})")
    return None
op, a = sys.argv[1], sys.argv[2:]
if op == "put":                 # put PATH NAME SIZE
    put(a[0], gen(a[1], 0, int(a[2])))
elif op == "append":            # append PATH [nosync]: records, fsync after each
    fd = os.open(a[0], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    acked = 0
    for i in itertools.count():
        r = rec(i)
        os.write(fd, r)
        if len(a) == 1:
            os.fsync(fd)
        acked += len(r)
        print(acked, flush=True)
elif op == "files":             # files DIR KIND: new files, one after another
    sizes = SIZES[a[1]]
    for n in itertools.count():
        put(f"{a[0]}/n{n:05d}", gen(f"n{n}", 0, sizes[n % len(sizes)]))
        print(n + 1, flush=True)
elif op == "rewrite":           # rewrite PATH SIZE [PIECE]: whole-file versions
    size, piece = int(a[1]), int(a[2]) if len(a) > 2 else 262144
    put(a[0], gen("big", 0, size))
    print(0, flush=True)
    fd = os.open(a[0], os.O_WRONLY)
    for k in itertools.count(1):
        write_all(fd, gen("big", k, size), 0, piece)
        os.fsync(fd)
        print(k, flush=True)
elif op == "same":              # same PATH NAME SIZE: exactly as put
    d = read(a[0])
    print("OK" if d == gen(a[1], 0, int(a[2])) else f"differs ({len(d)} bytes)")
elif op == "written":           # written PATH NAME SIZE: only written data
    d = read(a[0])
    print(("too long" if len(d) > int(a[2]) else
           blocks_from(d, [gen(a[1], 0, int(a[2]))])) or "OK")
elif op == "check-append":      # check-append PATH ACKED
    d, acked = read(a[0]), int(a[1])
    s = b""
    for i in itertools.count():
        if len(s) >= len(d):
            break
        s += rec(i)
    print("lost acknowledged records" if len(d) < acked else
          "not what was written" if d != s[:len(d)] else "OK")
elif op == "check-files":       # check-files DIR KIND ACKED
    sizes, acked = SIZES[a[1]], int(a[2])
    names = sorted(os.listdir(a[0]))
    bad = []
    for n in range(acked + 2):
        p = f"{a[0]}/n{n:05d}"
        want = gen(f"n{n}", 0, sizes[n % len(sizes)])
        if n < acked:
            if not os.path.exists(p) or read(p) != want:
                bad.append(f"n{n:05d} lost or changed")
        elif os.path.exists(p):
            d = read(p)
            err = "too long" if len(d) > len(want) else blocks_from(d, [want])
            if err:
                bad.append(f"n{n:05d}: {err}")
    extra = [x for x in names if int(x[1:]) >= acked + 2]
    print("; ".join(bad + [f"unexpected {x}" for x in extra]) or "OK")
elif op == "check-rewrite":     # check-rewrite PATH SIZE ACKED
    size, k = int(a[1]), int(a[2])
    d = read(a[0])
    print(f"size {len(d)}" if len(d) != size else
          blocks_from(d, [gen("big", k, size), gen("big", k + 1, size)],
                      [(f"version {j}", gen("big", j, size))
                       for j in range(max(0, k - 4), k + 5)], False) or "OK")
EOF
cw() { "$PY" "$T/cw.py" "$@"; }
last() { tail -n 1 "$T/$1.ack" 2>/dev/null || echo 0; }
atleast() { [ "$(last "$1")" -ge "$2" ]; }
remount() {
	rm -f "$T/ready.${#MOUNTS[@]}"
	mount_fs "$@"
}

# ---- files settled before the crash ----
cw put "$D/s1" s1 100
cw put "$D/s2" s2 4097
cw put "$D/s3" s3 65536
cw put "$D/L1" L1 6291459
cw put "$D/L2" L2 5242880
# An overwrite in the middle of a large file, fsynced.
"$PY" - "$D/L2" <<'EOF'
import os, random, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
os.pwrite(fd, random.Random("L2:mid").randbytes(300000), 2000000)
os.fsync(fd)
EOF
"$PY" -c '
import random, sys
d = bytearray(random.Random("L2:0").randbytes(5242880))
d[2000000:2300000] = random.Random("L2:mid").randbytes(300000)
sys.stdout.buffer.write(d)' >"$T/L2.want"
# Written and closed, never fsynced.
"$PY" -c 'import random, sys; sys.stdout.buffer.write(random.Random("u1:0").randbytes(9000))' >"$D/u1"
"$PY" -c 'import random, sys; sys.stdout.buffer.write(random.Random("U2:0").randbytes(3000000))' >"$D/U2"
mkdir "$D/many" "$D/big"

# ---- round 1: killed under mixed load ----
cw append "$D/log" >"$T/log.ack" 2>/dev/null &
W1=$!
cw files "$D/many" mixed >"$T/many.ack" 2>/dev/null &
W2=$!
cw rewrite "$D/R" 3145728 >"$T/R.ack" 2>/dev/null &
W3=$!
wait_for "the appender is busy" 60 atleast log 9000 || :
wait_for "the file writer is busy" 60 atleast many 150 || :
wait_for "the rewriter is busy" 60 atleast R 2 || :
kill_fs "$M"
for w in $W1 $W2 $W3; do
	wait "$w" 2>/dev/null || :
done
check "the writers stopped with the daemon" test -z "$(jobs -rp)"
remount "$M" --as alice

for f in s1:100 s2:4097 s3:65536 L1:6291459; do
	same "fsynced ${f%%:*} is intact" "$(cw same "$D/${f%%:*}" "${f%%:*}" "${f#*:}")" OK
done
check "fsynced L2, overwritten in the middle, is intact" cmp "$D/L2" "$T/L2.want"
same "unsynced small u1 holds only what was written" "$(cw written "$D/u1" u1 9000)" OK
same "unsynced large U2 holds only what was written" "$(cw written "$D/U2" U2 3000000)" OK
same "the appended log: every acknowledged record, nothing else ($(last log) bytes acked)" \
	"$(cw check-append "$D/log" "$(last log)")" OK
same "many files: every acknowledged one intact, the one in flight clean ($(last many) acked)" \
	"$(cw check-files "$D/many" mixed "$(last many)")" OK
same "the rewritten 3 MiB file: blocks of the acknowledged or the next version ($(last R))" \
	"$(cw check-rewrite "$D/R" 3145728 "$(last R)")" OK
expect OK "the store takes writes after the crash" "$PROBE" write "$D/after" "still here"
same "... and reads them back" "$("$PROBE" read "$D/after")" "OK still here"
umount_fs "$M"
check "groupctl check: consistent after the crash" "$GROUPCTL" check
check "groupctl check --json says consistent" \
	sh -c '"$GROUPCTL" --json check | grep -q "\"consistent\": *true"'

# ---- round 2: killed while large files are written ----
mount_fs "$M" --as alice
rm -f "$T"/*.ack
cw files "$D/big" large >"$T/big.ack" 2>/dev/null &
W2=$!
cw rewrite "$D/R8" 8388608 >"$T/R8.ack" 2>/dev/null &
W3=$!
cw append "$D/log2" >"$T/log2.ack" 2>/dev/null &
W1=$!
wait_for "the large-file writer is busy" 120 atleast big 6 || :
wait_for "the 8 MiB rewriter is busy" 120 atleast R8 2 || :
kill_fs "$M"
for w in $W1 $W2 $W3; do
	wait "$w" 2>/dev/null || :
done
remount "$M" --as alice
same "large files: every acknowledged one intact ($(last big) acked)" \
	"$(cw check-files "$D/big" large "$(last big)")" OK
same "the rewritten 8 MiB file: acknowledged or next version ($(last R8))" \
	"$(cw check-rewrite "$D/R8" 8388608 "$(last R8)")" OK
same "the second log: acknowledged records kept ($(last log2) bytes)" \
	"$(cw check-append "$D/log2" "$(last log2)")" OK
same "round 1's files are still intact" "$(cw same "$D/L1" L1 6291459)" OK
umount_fs "$M"
check "groupctl check: consistent after the second crash" "$GROUPCTL" check

# ---- rounds 3-8: killed while four appenders grow chunked files ----
# Each append rewrites the file's last, partial record, and a rewriter
# writes 1 MiB at a time: a crash in the middle of a write, or between a
# write and its commit, must leave content that reads back.
past() { local a; for a in 1 2 3 4; do atleast "r$1.$a" "$2" || return 1; done; }
for r in 3 4 5 6 7 8; do
	remount "$M" --as alice
	pids=()
	for a in 1 2 3 4; do
		cw append "$D/r$r.$a" nosync >"$T/r$r.$a.ack" 2>/dev/null &
		pids+=($!)
	done
	cw rewrite "$D/r$r.R" 4194304 1048576 >"$T/r$r.R.ack" 2>/dev/null &
	pids+=($!)
	wait_for "round $r: four appenders past 64 KiB" 60 past $r $((66000 + r * 4000)) || :
	wait_for "round $r: the rewriter is busy" 60 atleast "r$r.R" 1 || :
	kill_fs "$M"
	for w in "${pids[@]}"; do
		wait "$w" 2>/dev/null || :
	done
	remount "$M" --as alice
	for a in 1 2 3 4; do
		same "round $r: appended file $a holds only what was written" \
			"$(cw check-append "$D/r$r.$a" 0 2>&1 | tail -n 1)" OK
	done
	same "round $r: the rewritten file: acknowledged or next version" \
		"$(cw check-rewrite "$D/r$r.R" 4194304 "$(last "r$r.R")" 2>&1 | tail -n 1)" OK
	umount_fs "$M"
	check "round $r: groupctl check finds the store consistent" "$GROUPCTL" check
done
finish
