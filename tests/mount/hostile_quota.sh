#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile members and the quota: every byte a member can store counts.
# Extended attributes (names and values) and symbolic link targets count
# against the space's capacity; the number of entries (files, folders,
# links) a space holds is bounded by its capacity (one per 2 KiB, at least
# 1024), so nobody grows the database by megabytes at 0 bytes used.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
"$GROUPCTL" plan set tiny --max-groups 2 --max-members 5 --group-bytes 2M \
	--private-bytes 1M >/dev/null
user alice tiny
user bob
team alice Sales bob
for tool in documents calendar; do
	ctl alice rights set Sales $tool --add --all-members >/dev/null
	ctl alice rights set Sales $tool --delete --all-members >/dev/null
done
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
CAP=2097152
MAXF=1024

# statfs field N (1 capacity, 2 used, 3 available) as ACCOUNT on PATH.
sfs() { as "$1" "$PROBE" statfs "$2" | awk -v f="$(($3 + 1))" '{print $f}'; }
# df_is ACCOUNT PATH BYTES: df's use (in 4 KiB blocks) covers BYTES.
df_is() {
	local got
	got=$(sfs "$1" "$2" 2)
	[ "$got" -ge "$3" ] && [ "$got" -lt $(($3 + 4096)) ]
}
# usage FIELD [GROUP]: one number of groupctl's JSON usage for the group.
usage() {
	ctl alice --json usage | "$PY" -c '
import json, sys
print([u[sys.argv[1]] for u in json.load(sys.stdin)
       if u["name"] == sys.argv[2]][0])' "$1" "${2:-Sales}"
}

# ---- extended attributes: 60 KB values until refused ----
as bob touch "$D/x"
XATTRS='
import errno, os, sys
path, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ok = 0
err = "OK"
for i in range(n):
    try:
        os.setxattr(path, "user.a%05d" % i, b"v" * size)
        ok += 1
    except OSError as e:
        err = errno.errorcode[e.errno]
        break
print(err, ok)
'
read -r err n < <(as bob "$PY" -c "$XATTRS" "$D/x" 2200 60000)
same "2,200 xattrs of 60 KB: refused with ENOSPC" "$err" ENOSPC
# Each one is 60,000 bytes of value and 11 of name.
check "the accepted xattrs fit the capacity ($n accepted)" \
	test $((n * 60011)) -le $CAP -a $(((n + 1) * 60011)) -gt $CAP
check "df counts the xattrs" df_is bob "$D" $((n * 60011))
same "groupctl usage shows them as metadata" "$(usage metadata)" \
	$((n * 60011))
same "no file content yet" "$(usage used)" 0
WRITE='
import errno, os, sys
try:
    fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"a" * int(sys.argv[2]))
    os.fsync(fd)
    os.close(fd)
    print("OK")
except OSError as e:
    print(errno.errorcode[e.errno])
'
expect ENOSPC "a 200 KB write no longer fits" \
	as bob "$PY" -c "$WRITE" "$D/big" 200000
as bob rm -f "$D/big"
expect ENOSPC "a 60 KB xattr on a folder does not fit either" \
	as alice "$PROBE" setxattr "$D" user.big "$(head -c 60000 /dev/zero | tr '\0' b)"
as bob "$PY" -c '
import os, sys
for a in os.listxattr(sys.argv[1]):
    if a.startswith("user.a"):
        os.removexattr(sys.argv[1], a)' "$D/x"
same "removing them frees the room" "$(usage metadata)" 0
same "df shows it" "$(sfs bob "$D" 2)" 0
as bob "$PROBE" setxattr "$D/x" user.a "$(head -c 50000 /dev/zero | tr '\0' c)" >/dev/null
same "an xattr counts its name and value" "$(usage metadata)" 50006
as bob "$PROBE" setxattr "$D/x" user.a small >/dev/null
same "an xattr replaced by a smaller value counts at its new size" \
	"$(usage metadata)" 11
as bob rm -f "$D/x"
same "an unlinked file's xattrs leave the count" "$(usage metadata)" 0

# ---- symbolic links with 4 KB targets ----
as bob mkdir "$D/links"
LINKS='
import errno, os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ok = 0
err = "OK"
for i in range(n):
    try:
        os.symlink("t" * (size - 5) + "%05d" % i, "%s/l%05d" % (d, i))
        ok += 1
    except OSError as e:
        err = errno.errorcode[e.errno]
        break
print(err, ok)
'
read -r err n < <(as bob "$PY" -c "$LINKS" "$D/links" 5000 4000)
same "5,000 symlinks with 4 KB targets: refused with ENOSPC" "$err" ENOSPC
check "the accepted targets fit the capacity ($n accepted)" \
	test $((n * 4000)) -le $CAP -a $(((n + 1) * 4000)) -gt $CAP
same "groupctl counts the targets" "$(usage metadata)" $((n * 4000))
check "df counts the targets" df_is bob "$D" $((n * 4000))
as bob rm -rf "$D/links"
same "removing the links frees the room" "$(usage metadata)" 0

# ---- entries: empty files, folders and links at 0 bytes ----
same "groupctl usage shows the entry limit" "$(usage max_files)" $MAXF
as bob mkdir "$D/many"
FILES='
import errno, os, sys
d, n = sys.argv[1], int(sys.argv[2])
ok = 0
err = "OK"
for i in range(n):
    try:
        os.close(os.open("%s/f%05d" % (d, i), os.O_CREAT | os.O_WRONLY, 0o644))
        ok += 1
    except OSError as e:
        err = errno.errorcode[e.errno]
        break
print(err, ok)
'
read -r err n < <(as bob "$PY" -c "$FILES" "$D/many" 20000)
same "20,000 empty files: refused with ENOSPC" "$err" ENOSPC
# The folder many/ is one entry: the files fill the rest.
same "the space holds its entry limit" "$((n + 1))" $MAXF
same "groupctl usage counts them" "$(usage files)" $MAXF
same "df -i shows the limit, none free" "$(as bob stat -f -c '%c %d' "$D")" "$MAXF 0"
expect ENOSPC "mkdir past the limit" as bob "$PROBE" mkdir "$D/more"
expect ENOSPC "symlink past the limit" as bob "$PROBE" symlink t "$D/sl"
expect ENOSPC "hard link past the limit" \
	as bob "$PROBE" link "$D/many/f00000" "$D/hl"
expect ENOSPC "a new event past the limit" \
	as bob "$PROBE" write "$M/Sales/calendar/x.tmp" x
expect OK "renaming within the space still works" \
	as bob "$PROBE" rename "$D/many/f00000" "$D/f0"
expect OK "writing to an existing file still works" \
	as bob "$PROBE" write "$D/f0" hello
check "groupctl shows files/limit in its table" \
	bash -c "'$GROUPCTL' --as alice usage Sales | grep -q ' $MAXF/$MAXF '"
as bob rm "$D/f0"
expect OK "a removal makes room for one more" \
	as bob "$PROBE" link "$D/many/f00001" "$D/hl"
expect ENOSPC "and no more" as bob "$PROBE" symlink t "$D/sl"
as bob rm -rf "$D/many" "$D/hl"
same "removing them empties the count" "$(usage files)" 0
expect OK "folders can be made again" as bob "$PROBE" mkdir "$D/again"

# ---- Private: the owner's own space has its own limits ----
P=$M/Private/documents
read -r err n < <(as alice "$PY" -c "$XATTRS" "$P" 100 60000)
same "Private: xattrs past 1 MiB refused" "$err" ENOSPC
check "Private: the accepted xattrs fit its capacity ($n)" \
	test $((n * 60011)) -le 1048576

umount_fs "$M"
check "the store checks clean" "$GROUPCTL" check
say "1..$((PASSED + FAILED))"
[ "$FAILED" = 0 ]
