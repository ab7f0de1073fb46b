#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzzed names, from a fixed seed and in bounded time: group names through
# groupctl (accepted ones come back exact in JSON; tables never break a
# row or carry a control character), and file and folder names through
# the mount (long names, bytes that are not UTF-8, control characters,
# look-alikes): each is created and listed back byte for byte, or refused
# with the errno of its rule; the store checks clean afterwards.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
"$GROUPCTL" plan set fuzz --max-groups 3 --max-members 5 --group-bytes 1G \
	--private-bytes 1G >/dev/null
user alice fuzz
user bob
team alice Sales bob

# Pieces names are made of: plain, look-alike, invisible, control.
GEN='
import random, sys
r = random.Random(int(sys.argv[1]))
pieces = [b"a", b"Z", b" ", b".", b"-", b"\n", b"\t", b"\x1b[31m", b"\x7f",
          b"\xff", b"\xc3", b"\xc3\xa9", b"\xc2\xa0", b"\xc2\xad",
          b"\xc2\x85", b"\xe2\x80\x8b", b"\xe2\x80\xae", b"\xef\xbb\xbf",
          b"\xef\xbc\xb0", b"\xf0\x9d\x90\x80", b"\xd0\xb0", b"\xe6\x97\xa5",
          b"\xf0\x9f\x8e\xb5", b"\xed\xa0\x80", b"\\", b"%s", b"\x27"]
for i in range(int(sys.argv[2])):
    n = b"".join(r.choice(pieces) for _ in range(r.randint(1, 8)))
    if i % 17 == 0:
        n = b"x" * r.choice([254, 255, 256, 300])
    sys.stdout.buffer.write(n.replace(b"\0", b"") + b"\0")
'

# ---- group names through groupctl ----
GROUP_FUZZ='
import json, os, subprocess, sys
ctl, names = sys.argv[1], open(sys.argv[2], "rb").read().split(b"\0")[:-1]
bad = made = 0
for n in names:
    if b"/" in n:
        continue
    p = subprocess.run([ctl, "--as", "alice", "group", "create", "--", n],
                       capture_output=True, timeout=30)
    if p.returncode not in (0, 1) or (p.returncode == 1 and not p.stderr):
        print("group create", n, p.returncode, p.stderr); bad += 1
    if b"\x1b" in p.stderr or p.stderr.count(b"\n") > 1:
        print("raw control character in the refusal of", n); bad += 1
    if p.returncode != 0:
        continue
    made += 1
    j = json.loads(subprocess.run([ctl, "--as", "alice", "--json", "group",
                   "list"], capture_output=True, timeout=30).stdout)
    if n.decode() not in [g["name"] for g in j]:
        print("not listed exactly", n); bad += 1
    t = subprocess.run([ctl, "--as", "alice", "group", "list"],
                       capture_output=True, timeout=30).stdout
    if len(t.splitlines()) != 3 or any(c < 32 for c in t.replace(b"\n", b"")):
        print("table broken by", n, t); bad += 1
    subprocess.run([ctl, "--as", "alice", "group", "delete", "--", n],
                   capture_output=True, timeout=30)
print(bad, made)
'
"$PY" -c "$GEN" 1 150 >"$T/gnames"
read -r bad made < <(timeout 300 "$PY" -c "$GROUP_FUZZ" "$GROUPCTL" "$T/gnames" | tee "$T/gfuzz.log" | tail -n 1)
cat "$T/gfuzz.log" | head -n 20
same "fuzzed group names: every one handled by the rules" "$bad" 0
check "some fuzzed group names were accepted ($made)" test "$made" -gt 3

# ---- file and folder names through the mount ----
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
FILE_FUZZ='
import errno, os, sys
d, names = sys.argv[1].encode(), open(sys.argv[2], "rb").read().split(b"\0")[:-1]
bad = made = 0
for i, n in enumerate(names):
    p = d + b"/" + n
    want_err = None
    if b"/" in n or n in (b".", b".."):
        continue
    if len(n) > 255:
        want_err = errno.ENAMETOOLONG
    try:
        if i % 2:
            os.mkdir(p)
        else:
            os.close(os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except OSError as e:
        if e.errno not in (want_err, errno.EEXIST):
            print("create", n, errno.errorcode[e.errno]); bad += 1
        continue
    if want_err:
        print("accepted", n); bad += 1
    made += 1
    if n not in os.listdir(d):
        print("not listed byte for byte", n); bad += 1
    os.lstat(p)
for n in os.listdir(d):
    p = d + b"/" + n
    (os.rmdir if os.path.isdir(p) else os.unlink)(p)
if os.listdir(d):
    print("left behind", os.listdir(d)); bad += 1
print(bad, made)
'
"$PY" -c "$GEN" 2 400 >"$T/fnames"
chmod 644 "$T/fnames"
read -r bad made < <(as alice timeout 300 "$PY" -c "$FILE_FUZZ" "$D" "$T/fnames" | tee "$T/ffuzz.log" | tail -n 1)
head -n 20 "$T/ffuzz.log"
same "fuzzed file names: each created and listed exactly, or refused" "$bad" 0
check "most fuzzed file names were accepted ($made)" test "$made" -gt 200

# ---- a name with a newline and an escape cannot break a table ----
as alice mkdir "$D/$(printf 'a\nb\033[31mred')"
ctl alice rights set Sales "documents/$(printf 'a\nb\033[31mred')" --add bob >/dev/null
NL=$(printf 'a\nb\033[31mred')
OUT=$(ctl alice rights show Sales "documents/$NL" 2>&1)
check "the table carries no escape character" \
	bash -c '! grep -q "$(printf "\033")" <<<"$1"' _ "$OUT"
check "the name shows escaped on one row" \
	grep -qF 'a\nb\x1b[31mred' <<<"$OUT"
JSON=$(ctl alice --json rights show Sales "documents/$NL")
check "JSON keeps the exact name" "$PY" -c '
import json, sys
t = json.dumps(json.loads(sys.argv[1]))
sys.exit(0 if "a\\nb\\u001b[31mred" in t else 1)' "$JSON"

umount_fs "$M"
check "the store checks clean" "$GROUPCTL" check
say "1..$((PASSED + FAILED))"
[ "$FAILED" = 0 ]
