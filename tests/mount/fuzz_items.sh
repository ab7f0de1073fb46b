#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzzed calendar and contact items through the mount, from a fixed seed
# and in bounded time: valid .ics and .vcf samples mutated (bytes flipped,
# lines cut, repeated, or swapped for hostile shapes: parameter floods,
# runaway rules, quoted-printable chains, deep nesting) are written as one
# member while another keeps working.  Every item is stored byte for byte
# or refused with the errno of its rule (EINVAL, EFBIG, EEXIST); the other
# member's operations are all answered meanwhile; the daemon comes out
# alive with bounded memory and the store checks clean.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
user alice pro
user bob
team alice Sales bob
for tool in calendar contacts documents; do
	ctl alice rights set Sales "$tool" --add bob >/dev/null
	ctl alice rights set Sales "$tool" --delete bob >/dev/null
done
M=$T/mnt
mount_fs "$M" -o allow_other
G=$M/Sales
PID=$(daemon_pid "$M")

FUZZ='
import errno, os, random, sys
g, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\n"
       "BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels\r\nBEGIN:STANDARD\r\n"
       "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
       "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
       "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
       "DTSTART;TZID=Europe/Brussels:20261207T100000\r\nDURATION:PT1H\r\n"
       "RRULE:FREQ=WEEKLY;COUNT=10\r\nSUMMARY:Meeting {uid}\r\n"
       "END:VEVENT\r\nEND:VCALENDAR\r\n")
VCF = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Jean {uid}\r\n"
       "N:Dupont;Jean;;;\r\nEMAIL;TYPE=work:jean@example.org\r\n"
       "NOTE;ENCODING=QUOTED-PRINTABLE:a=\r\n b=\r\n c\r\nEND:VCARD\r\n")
HOSTILE = [
    "X-P" + "".join(";A%d=1" % i for i in range(3000)) + ":v",
    "RRULE:FREQ=SECONDLY;BYHOUR=1,2,3",
    "RRULE:FREQ=DAILY", "DURATION:P99999999W",
    "RDATE:" + ",".join("2026%02d%02dT000000Z" % (m, d) for m in range(1, 13)
                        for d in range(1, 29)) * 3,
    "BEGIN:VALARM", "END:VEVENT", "BEGIN:VEVENT",
    "NOTE;ENCODING=QUOTED-PRINTABLE:" + "=\r\n " * 2000 + "x",
    "DTSTART:16010101T000000", "UID:dup", "\x00\x01\xff",
    "X:" + "y" * 100000,
]
def mutate(text):
    lines = text.split("\r\n")
    for _ in range(r.randint(1, 4)):
        k = r.randrange(len(lines))
        op = r.randrange(6)
        if op == 0:
            lines[k] = r.choice(HOSTILE)
        elif op == 1:
            lines.insert(k, r.choice(HOSTILE))
        elif op == 2:
            lines[k:k + 1] = [lines[k]] * r.choice([2, 50, 2000])
        elif op == 3:
            del lines[k]
        elif op == 4 and lines[k]:
            b = bytearray(lines[k], "utf-8", "replace")
            b[r.randrange(len(b))] = r.randrange(256)
            lines[k] = b.decode("latin-1")
        else:
            lines = lines[:k]
        if not lines:
            lines = [""]
    return "\r\n".join(lines).encode("utf-8", "surrogateescape")
bad = stored = refused = 0
for i in range(count):
    kind = r.choice(["calendar", "contacts"])
    base = ICS if kind == "calendar" else VCF
    data = mutate(base.format(uid="u%d" % i)) if i % 5 else \
        base.format(uid="u%d" % i).encode()
    name = "%s/%s/f%04d.%s" % (g, kind, i, "ics" if kind == "calendar" else "vcf")
    try:
        fd = os.open(name, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as e:
        if e.errno in (errno.EINVAL, errno.EFBIG, errno.EEXIST):
            refused += 1
            try:
                if os.stat(name).st_size:
                    print("refused but left content", name); bad += 1
            except FileNotFoundError:
                pass
            continue
        print("unexpected", errno.errorcode.get(e.errno), name); bad += 1
        continue
    if not data:
        # Created and never written: nothing to check at close (a shell
        # closes its first descriptor before writing through a dup), so
        # the empty item is dropped at its last close.
        refused += 1
        continue
    stored += 1
    if open(name, "rb").read() != data:
        print("not byte for byte", name); bad += 1
print(bad, stored, refused)
'

# The other member works all along: writes, reads, lists, stats.
OTHER='
import os, sys
g, stop = sys.argv[1], sys.argv[2]
done = bad = 0
while not os.path.exists(stop) or done < 20:
    p = "%s/documents/o%d.txt" % (g, done % 10)
    try:
        with open(p, "w") as f:
            f.write("note %d" % done)
        if open(p).read() != "note %d" % done:
            bad += 1
        os.listdir(g + "/calendar")
        os.stat(g + "/members/bob/busy.ics")
        open(g + "/members/bob/busy.ics").read()
    except OSError as e:
        print("other member:", e); bad += 1
    done += 1
print(bad, done)
'
as alice timeout 300 "$PY" -c "$OTHER" "$G" "$T/stop" >"$T/other.out" &
other=$!
# Whatever becomes of the fuzzer, the other member stops after it.
trap 'touch "$T/stop"; kill "$other" 2>/dev/null || true; cleanup' EXIT
read -r bad stored refused < <(as bob timeout 600 "$PY" -c "$FUZZ" "$G" 9 400 |
	tee "$T/fuzz.log" | tail -n 1) || true
touch "$T/stop"
rc=0; wait "$other" || rc=$?
head -n 20 "$T/fuzz.log"
same "fuzzed items: each stored byte for byte or refused by its rule" "${bad:-none}" 0
check "some were stored ($stored), some refused ($refused)" \
	test "${stored:-0}" -gt 20 -a "${refused:-0}" -gt 20
read -r obad odone <"$T/other.out" || true
same "the other member's operations were all answered, without error" \
	"$rc ${obad:-none}" "0 0"
check "... and kept going throughout ($odone rounds)" test "${odone:-0}" -ge 20
check "the daemon is alive" kill -0 "$PID"
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
limit=$((300 * 1024))
if [[ "$(ldd "$GROUPFS")" == *libasan* ]]; then limit=$((900 * 1024)); fi
say "# daemon VmHWM ${hwm} kB"
check "its memory stayed bounded (peak ${hwm} kB)" test "$hwm" -lt "$limit"
as alice cat "$G/members/bob/busy.ics" >"$T/busy.ics"
check "bob's busy times still answer" grep -q "BEGIN:VFREEBUSY" "$T/busy.ics"
umount_fs "$M"
same "the store checks clean" "$("$GROUPCTL" check 2>&1 | tail -n 1)" "store is consistent"
finish
