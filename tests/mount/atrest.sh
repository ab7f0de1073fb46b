#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# At rest: no word written to documents, drops, Private, calendars or
# contacts can be found in the store's files; content altered on disk
# (a flipped byte, records swapped, an inline blob changed in the database)
# reads back as EIO, never as wrong data, and groupctl check names it.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
user alice pro
user bob
ctl alice group create Sales >/dev/null
ctl alice group invite Sales bob
ctl bob invitation accept Sales
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
DB=$GROUPFS_STORE/db/store.db
RECORD=4096

# big FILE WORD BYTES: a file of BYTES bytes, WORD on every line.
big() {
	"$PY" -c 'import sys
line = (sys.argv[1] + " and some filler text around the word\n").encode()
sys.stdout.buffer.write((line * (int(sys.argv[2]) // len(line) + 1))[:int(sys.argv[2])])' \
		"$2" "$3" >"$1"
	chmod 644 "$1"
}
big "$T/large1" xylophonewombat 300000
big "$T/large2" quinceaardvark 200000
big "$T/droplarge" gooseberrynarwhal 150000
ICS=$'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:r1@example.org\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T100000Z\r\nDTEND:20260301T110000Z\r\nSUMMARY:tangerinelemur meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
VCF=$'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Saffronibex Test\r\nN:Test;Saffronibex;;;\r\nNOTE:saffronibex\r\nEND:VCARD\r\n'
WORDS="zanzibarquokka xylophonewombat quinceaardvark marmaladeyak gooseberrynarwhal periwinkleotter tangerinelemur saffronibex cardamomgecko"

expect OK "a small document" as alice "$PROBE" write "$D/small.txt" "zanzibarquokka notes"
check "a large document" as alice cp "$T/large1" "$D/large1"
check "another large document" as alice cp "$T/large2" "$D/large2"
expect OK "a small drop" as bob "$PROBE" write "$M/Sales/drop/alice/tip.txt" "marmaladeyak tip"
check "a large drop" as bob cp "$T/droplarge" "$M/Sales/drop/alice/big.txt"
expect OK "a private document" \
	as alice "$PROBE" write "$M/Private/documents/diary" "periwinkleotter diary"
expect OK "a private event" \
	as alice "$PROBE" write "$M/Private/calendar/p.ics" "${ICS//tangerinelemur/cardamomgecko}"
expect OK "a group event" as alice "$PROBE" write "$M/Sales/calendar/r1.ics" "$ICS"
expect OK "a group contact" as alice "$PROBE" write "$M/Sales/contacts/s.vcf" "$VCF"
check "everything synced" as alice sync -f "$D/large1"

# grep_store WHEN: no word is found anywhere in the store.
grep_store() {
	local w found=""
	for w in $WORDS; do
		if grep -r -a -l -i "$w" "$GROUPFS_STORE" >/dev/null; then
			found="$found $w:$(grep -r -a -l -i "$w" "$GROUPFS_STORE" |
				sed "s|$GROUPFS_STORE/||" | tr '\n' ,)"
		fi
	done
	same "$1: no written word is in the store" "${found:- none}" " none"
}
grep_store "mounted"
check "content files exist for the large items" \
	test -n "$(find "$GROUPFS_STORE/data" -type f 2>/dev/null)"
umount_fs "$M"
grep_store "unmounted"
same "the master key is readable by its owner only" \
	"$(stat -c %a "$GROUPFS_STORE/master.key")" 600

# ---- tampering with content files ----
remount() {
	rm -f "$T/ready.${#MOUNTS[@]}"
	mount_fs "$@"
}
remount "$M" -o allow_other
ino() { as alice stat -c %i "$1"; }
# content FILE: the content file of a mounted item.
content() {
	local hex
	hex=$("$PY" -c 'import sqlite3, sys
r = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute(
    "SELECT lower(hex(cid)) FROM node WHERE id = ? AND chunked = 1",
    (int(sys.argv[2]),)).fetchone()
print(r[0] if r else "")' "$DB" "$(ino "$1")")
	[ -n "$hex" ] && echo "$GROUPFS_STORE/data/${hex:0:2}/$hex"
}
# flip PATH OFFSET: invert one byte in place.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 0xff)))" |
		dd of="$1" bs=1 seek="$2" count=1 conv=notrunc status=none
}
# sql QUERY ARGS...: one value from the database, read-only.
sql() {
	"$PY" -c 'import sqlite3, sys
r = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute(
    sys.argv[2], sys.argv[3:]).fetchone()
print(r[0] if r else "")' "$DB" "$@"
}
same "new content is sealed with AES-256-GCM (cipher 1)" \
	"$(sql "SELECT group_concat(DISTINCT cipher) FROM node WHERE cid IS NOT NULL AND size > 0")" 1

# ---- content sealed with XChaCha20-Poly1305 (stores before schema 5) ----
# Empty files are given the old cipher while unmounted; what is then
# written to them is sealed with it, reads back, and stays with it.
expect OK "an empty file for old-cipher content" as alice "$PROBE" write "$D/old-small" ""
expect OK "another" as alice "$PROBE" write "$D/old-large" ""
OLD_S=$(ino "$D/old-small")
OLD_L=$(ino "$D/old-large")
umount_fs "$M"
"$PY" - "$DB" "$OLD_S" "$OLD_L" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.create_function("gfs_origin", 0, lambda: 0)  # used by the journal's triggers
for ino in sys.argv[2:]:
    db.execute("UPDATE node SET cipher = 0 WHERE id = ?", (int(ino),))
db.commit()
EOF
remount "$M" -o allow_other
expect OK "old cipher: a small write" as alice "$PROBE" write "$D/old-small" "zanzibarquokka old"
check "old cipher: a large copy" as alice cp "$T/large2" "$D/old-large"
check "old cipher: a write in the middle of the large file" \
	as alice dd if="$T/large1" of="$D/old-large" bs=1000 seek=50 count=20 conv=notrunc status=none
umount_fs "$M"
remount "$M" -o allow_other
"$PY" - "$T/large2" "$T/large1" "$T/old-large" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[50000:70000] = open(sys.argv[2], "rb").read()[:20000]
open(sys.argv[3], "wb").write(b)
EOF
same "old cipher: the small file reads back" \
	"$(as alice "$PROBE" read "$D/old-small")" "OK zanzibarquokka old"
check "old cipher: the large file reads back" as alice cmp "$T/old-large" "$D/old-large"
same "old cipher: the files keep their cipher" \
	"$(sql "SELECT group_concat(cipher) FROM node WHERE id IN (?, ?)" "$OLD_S" "$OLD_L")" "0,0"
# pad FILE: bytes 12-23 of each record (the nonce's second half for
# XChaCha20, zero for AES-GCM): "zero" or "random".
pad() {
	"$PY" -c 'import sys
d = open(sys.argv[1], "rb").read()
pads = [d[i + 12:i + 24] for i in range(0, len(d), 4096)]
print("zero" if all(p == bytes(12) for p in pads) else
      "random" if all(p != bytes(12) for p in pads) else "mixed")' "$1"
}
same "old cipher: its records carry 24-byte nonces" "$(pad "$(content "$D/old-large")")" random
same "new cipher: records carry 12-byte IVs" "$(pad "$(content "$D/large1")")" zero
out=$("$GROUPCTL" check 2>&1) && rc=0 || rc=$?
same "old cipher: groupctl check is clean" "$rc" 0
grep_store "old cipher"

I1=$(ino "$D/large1")
I2=$(ino "$D/large2")
I3=$(ino "$M/Sales/drop/alice/big.txt")
C1=$(content "$D/large1") || C1=""
C2=$(content "$D/large2") || C2=""
C3=$(content "$M/Sales/drop/alice/big.txt") || C3=""
check "large1 has a content file" test -n "$C1" -a -f "$C1"
same "large1's content file size: 74 whole records (the last one padded)" \
	"$(stat -c %s "${C1:-/dev/null}")" $(((300000 + 4055) / 4056 * RECORD))
# A byte of the first record's ciphertext.
flip "$C1" 100
echo 3 >/proc/sys/vm/drop_caches
expect EIO "a flipped byte in a content file reads back as EIO" \
	as alice "$PROBE" read "$D/large1"
out=$(as alice cat "$D/large1" 2>&1 >/dev/null || echo FAILED)
case $out in
*"Input/output error"*FAILED) pass "cat of the damaged file fails with EIO" ;;
*) fail "cat of the damaged file fails with EIO: got '$out'" ;;
esac
# A byte of a record's IV, and one of the 12 unused bytes after it.
flip "$C1" $((20 * RECORD + 5))
flip "$C1" $((40 * RECORD + 17))
echo 3 >/proc/sys/vm/drop_caches
for r in 20 40; do
	out=$(as alice dd if="$D/large1" bs=4056 skip=$r count=1 status=none 2>&1 >/dev/null || echo FAILED)
	case $out in
	*"Input/output error"*FAILED) pass "a flipped byte in record $r's nonce slot reads back as EIO" ;;
	*) fail "a flipped byte in record $r's nonce slot reads back as EIO: got '$out'" ;;
	esac
done
# A byte of a record's tag, in the middle of the file.
flip "$C3" $((10 * RECORD + RECORD - 3))
echo 3 >/proc/sys/vm/drop_caches
check "a damaged drop never reads back as data" \
	sh -c "! setpriv --reuid=${UNIX[alice]} --regid=$UGROUP --init-groups -- cat '$M/Sales/drop/alice/big.txt' >/dev/null 2>&1"
# Two whole records swapped: each is authentic, but not in that place.
"$PY" - "$C2" "$RECORD" <<'EOF'
import sys
p, r = sys.argv[1], int(sys.argv[2])
with open(p, "r+b") as f:
    f.seek(r); a = f.read(r); b = f.read(r)
    f.seek(r); f.write(b + a)
EOF
echo 3 >/proc/sys/vm/drop_caches
out=$(as alice dd if="$D/large2" bs=4096 skip=1 count=2 status=none 2>&1 >/dev/null || echo FAILED)
case $out in
*"Input/output error"*FAILED) pass "records moved within a content file read back as EIO" ;;
*) fail "records moved within a content file read back as EIO: got '$out'" ;;
esac
I4=$(ino "$D/small.txt")
I5=$(ino "$M/Sales/contacts/s.vcf")
umount_fs "$M"

# ---- tampering with inline blobs in the database ----
"$PY" - "$DB" "$I4" "$I5" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.create_function("gfs_origin", 0, lambda: 0)  # used by the journal's triggers
for ino in sys.argv[2:]:
    blob = bytearray(db.execute("SELECT data FROM node_inline WHERE node = ?",
                                (int(ino),)).fetchone()[0])
    blob[30] ^= 0x01
    db.execute("UPDATE node_inline SET data = ? WHERE node = ?",
               (bytes(blob), int(ino)))
db.commit()
EOF
remount "$M" -o allow_other
expect EIO "a changed inline blob reads back as EIO" as alice "$PROBE" read "$D/small.txt"
expect EIO "a changed inline contact reads back as EIO" \
	as alice "$PROBE" read "$M/Sales/contacts/s.vcf"
same "untouched items still read" "$(as bob "$PROBE" read "$M/Sales/drop/alice/tip.txt")" \
	"OK marmaladeyak tip"
umount_fs "$M"

out=$("$GROUPCTL" check 2>&1) && rc=0 || rc=$?
same "groupctl check reports the damage (exit 1)" "$rc" 1
for i in $I1 $I2 $I3 $I4 $I5; do
	case $out in
	*"damaged content in item $i:"*) pass "groupctl check names item $i" ;;
	*) fail "groupctl check names item $i: got '$out'" ;;
	esac
done
finish
