#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real tools as a member uses them in a shared mount: rsync -a, cp -a and
# tar of a tree of a few thousand files in and out, equal both ways (content,
# modes, times, symbolic links); a git repository in documents; and the
# save pattern of editors (write a temp file, fsync, rename over the
# original), which keeps the original's inode.
# Needs the Debian packages rsync, git and python3 (installed if absent).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
for p in rsync git; do
	command -v $p >/dev/null || apt-get install -y $p >/dev/null
done
user alice pro
ctl alice group create Sales >/dev/null
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
W=$T/work			# alice's own local directory
mkdir "$W"
chown "${UNIX[alice]}" "$W"

# A tree of 3000 files of 0 B to 300 KiB in 120 nested folders, varied
# modes and nanosecond times, with symbolic links (one dangling).
as alice "$PY" - "$W/src" <<'EOF'
import os, random, sys
root, r = sys.argv[1], random.Random(7)
dirs = [""]
for i in range(120):
    d = os.path.join(r.choice(dirs), f"d{i:03d}")
    os.makedirs(os.path.join(root, d))
    dirs.append(d)
files = []
for i in range(3000):
    x = r.random()
    size = (r.randint(0, 4096) if x < .7 else r.randint(4097, 65536)
            if x < .95 else r.randint(65537, 300 * 1024))
    p = os.path.join(root, r.choice(dirs), f"f{i:04d}" + r.choice(["", ".txt", ".c"]))
    with open(p, "wb") as f:
        f.write(r.randbytes(size))
    files.append(p)
for i in range(40):
    d = os.path.join(root, r.choice(dirs))
    t = "does/not/exist" if i == 0 else os.path.relpath(r.choice(files), d)
    os.symlink(t, os.path.join(d, f"l{i:02d}"))
def stamp(p):
    t = r.randint(10**9, 17 * 10**8) * 10**9 + r.randint(0, 10**9 - 1)
    os.utime(p, ns=(t, t), follow_symlinks=False)
for p in files:
    os.chmod(p, r.choice([0o644, 0o644, 0o600, 0o755, 0o444]))
    stamp(p)
os.chmod(os.path.join(root, dirs[5]), 0o700)
for d in sorted(dirs, key=len, reverse=True):
    for n in os.listdir(os.path.join(root, d)):
        if n.startswith("l"):
            stamp(os.path.join(root, d, n))
    stamp(os.path.join(root, d))
EOF

# listing DIR: every entry with type, mode, size, mtime (ns), link target.
listing() {
	as alice "$PY" - "$1" <<'EOF'
import os, stat, sys
root = sys.argv[1]
for d, ds, fs in os.walk(root):
    for n in sorted(fs + [x for x in ds if os.path.islink(os.path.join(d, x))]):
        p = os.path.join(d, n)
        s = os.lstat(p)
        if stat.S_ISLNK(s.st_mode):
            print(os.path.relpath(p, root), "link", os.readlink(p))
        else:
            print(os.path.relpath(p, root), "file", oct(stat.S_IMODE(s.st_mode)),
                  s.st_size, s.st_mtime_ns)
    s = os.lstat(d)
    print(os.path.relpath(d, root), "dir", oct(stat.S_IMODE(s.st_mode)), s.st_mtime_ns)
EOF
}
# same_tree DESC A B: content (diff -r) and metadata listings are equal.
same_tree() {
	local out
	if out=$(as alice diff -r --no-dereference "$2" "$3" 2>&1); then
		pass "$1: same content"
	else
		fail "$1: same content: $(head -n 5 <<<"$out")"
	fi
	if out=$(diff <(listing "$2" | sort) <(listing "$3" | sort)); then
		pass "$1: same modes, times and links"
	else
		fail "$1: same modes, times and links: $(grep '^[<>]' <<<"$out" | sort -k2 | head -n 6)"
	fi
}
# quiet DESC SRC DST [OPTION]: a checksum dry run of rsync -a lists nothing.
quiet() {
	local out
	out=$(as alice rsync -a ${4:-} --checksum --dry-run --itemize-changes \
		"$2/" "$3/" 2>&1) || :
	same "$1: rsync -a ${4:-}--checksum --dry-run lists nothing" "${out:0:300}" ""
}
inode() { as alice stat -c %i "$1"; }

# ---- rsync ----
check "rsync -a into the group" as alice rsync -a "$W/src/" "$D/rs/"
# rsync -a skips a file's times and modes when its chgrp fails: without -g
# the rest of what -a preserves is checked on its own.
check "rsync -a --no-group into the group" \
	as alice rsync -a --no-group "$W/src/" "$D/rs/"
check "rsync -a back out" as alice rsync -a "$D/rs/" "$W/rsback/"
same_tree "rsync round trip" "$W/src" "$W/rsback"
quiet "source to mount" "$W/src" "$D/rs"
quiet "source to mount" "$W/src" "$D/rs" "--no-group "
quiet "mount to copy" "$D/rs" "$W/rsback"
# An update: rsync saves through a temp file renamed over each target.
f=$(cd "$W/src" && find . -type f -name 'f*' | sort | sed -n 1,3p)
declare -A INO
for p in $f; do
	INO[$p]=$(inode "$D/rs/$p")
	as alice chmod u+w "$W/src/$p"
	printf 'changed %s\n' "$p" | as alice tee -a "$W/src/$p" >/dev/null
done
check "rsync -a of changed files" as alice rsync -a "$W/src/" "$D/rs/"
check "rsync -a --no-group of changed files" \
	as alice rsync -a --no-group "$W/src/" "$D/rs/"
for p in $f; do
	same "rsync's update keeps the inode of $p" "$(inode "$D/rs/$p")" "${INO[$p]}"
done
quiet "after the update" "$W/src" "$D/rs"
quiet "after the update" "$W/src" "$D/rs" "--no-group "

# ---- what is stored, seen by a new mount ----
umount_fs "$M"
rm -f "$T/ready.${#MOUNTS[@]}"
mount_fs "$M" -o allow_other
same_tree "after a remount, the rsynced tree" "$W/src" "$D/rs"

# ---- cp -a ----
check "cp -a into the group" as alice cp -a "$W/src" "$D/cp"
check "cp -a back out" as alice cp -a "$D/cp" "$W/cpback"
same_tree "cp -a in the mount" "$W/src" "$D/cp"
same_tree "cp -a round trip" "$W/src" "$W/cpback"

# ---- tar ----
check "tar cf of a tree in the mount" as alice tar --format=posix -cf "$W/rs.tar" -C "$D" rs
check "tar xf into the mount" as alice sh -c "mkdir '$D/untar' && tar xf '$W/rs.tar' -C '$D/untar'"
same_tree "tar round trip" "$D/rs" "$D/untar/rs"
same "tar lists the same archive from the extracted tree" \
	"$(as alice tar --format=posix -cf - -C "$D/untar" rs | tar tvf - | sort | md5sum)" \
	"$(tar tvf "$W/rs.tar" | sort | md5sum)"

# ---- git ----
G="env HOME=$W git -c user.name=Alice -c user.email=alice@example.org"
check "git init in documents" as alice $G init -q "$D/repo"
as alice cp -a "$W/src/d000" "$D/repo/"
check "git add" as alice $G -C "$D/repo" add -A
check "git commit" as alice $G -C "$D/repo" commit -q -m "first"
same "git status --porcelain is empty after the commit" \
	"$(as alice $G -C "$D/repo" status --porcelain 2>&1)" ""
printf 'more\n' | as alice tee "$D/repo/readme" >/dev/null
as alice $G -C "$D/repo" add readme
check "a second commit" as alice $G -C "$D/repo" commit -q -m second
same "git status --porcelain is empty again" \
	"$(as alice $G -C "$D/repo" status --porcelain 2>&1)" ""
check "git fsck finds nothing wrong" as alice $G -C "$D/repo" fsck --strict --no-progress
check "git clone out of the mount" as alice $G clone -q "$D/repo" "$W/clone"
check "the clone has the committed tree" \
	as alice diff -r --no-dereference -x .git "$D/repo" "$W/clone"

# ---- editor-style saves keep the inode ----
expect OK "a document" as alice "$PROBE" write "$D/doc.txt" "first version"
i=$(inode "$D/doc.txt")
expect OK "the editor writes and fsyncs a temp file" \
	as alice "$PROBE" write "$D/.doc.txt.swp" "second version"
expect OK "and renames it over the original" \
	as alice "$PROBE" rename "$D/.doc.txt.swp" "$D/doc.txt"
same "the saved document keeps its inode" "$(inode "$D/doc.txt")" "$i"
same "and holds the new content" "$(as alice cat "$D/doc.txt")" "second version"
expect ENOENT "the temp file is gone" as alice "$PROBE" stat "$D/.doc.txt.swp"
# The inode number asked alone at once after each save (stat -c %i asks
# so), before the daemon can drop the kernel's entry for the name: the
# kernel must ask, not answer from the temp file's cached inode.
same "fifty saves, each statted at once, show only the document's inode" \
	"$(as alice "$PROBE" saves "$D/doc.txt" 50)" "OK $i"
same "and it holds the last save" "$(as alice cat "$D/doc.txt")" "save 49"
expect OK "a second document" as alice "$PROBE" write "$D/notes.md" "old notes"
i=$(inode "$D/notes.md")
check "python saves it with os.fsync and os.replace" as alice "$PY" -c '
import os, sys
d = sys.argv[1]
with open(os.path.join(d, "notes.md.tmp"), "w") as f:
    f.write("new notes\n")
    f.flush()
    os.fsync(f.fileno())
os.replace(os.path.join(d, "notes.md.tmp"), os.path.join(d, "notes.md"))
fd = os.open(d, os.O_RDONLY)
os.fsync(fd)
os.close(fd)' "$D"
same "the python save keeps the inode" "$(inode "$D/notes.md")" "$i"
same "and the new content" "$(as alice cat "$D/notes.md")" "new notes"
umount_fs "$M"
rm -f "$T/ready.${#MOUNTS[@]}"
mount_fs "$M" -o allow_other
same "after a remount the saved document still has its inode" \
	"$(inode "$D/notes.md")" "$i"
umount_fs "$M"
check "groupctl check is clean" "$GROUPCTL" check
finish
