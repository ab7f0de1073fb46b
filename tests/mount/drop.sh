#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Drop folders (SPEC.md section 3): drop/<owner>/ belongs to its owner, who
# sees and manages everything in it; any other member drops files into it,
# sees and manages only their own drops, never anyone else's (ENOENT), and
# a name taken by someone else's drop answers EEXIST.  Drops count against
# the group's capacity.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
user dave
ctl alice group create Sales >/dev/null
for u in bob carol dave; do
	ctl alice group invite Sales "$u"
	ctl "$u" invitation accept Sales
done
ctl alice group coadmin Sales dave
M=$T/mnt
mount_fs "$M" -o allow_other
W=$M/Sales/drop
A=$W/alice

ok() { expect OK "$@"; }
no() { expect EACCES "$@"; }
hidden() { expect ENOENT "$@"; }
content() { as "$1" "$PROBE" read "$2" | sed '1s/^OK //'; }
list() { as "$1" ls "$2" | tr '\n' ' '; }

# ---- the drop tree ----
same "every member has a drop folder" "$(list carol "$W")" "alice bob carol dave "
no "bob cannot create a file in drop/ itself" as bob "$PROBE" write "$W/x" x
no "bob cannot mkdir in drop/ itself" as bob "$PROBE" mkdir "$W/x"
hidden "  nothing was made" as alice "$PROBE" stat "$W/x"
no "bob cannot rename alice's drop folder" as bob "$PROBE" rename "$A" "$W/mine"
no "bob cannot remove alice's drop folder" as bob "$PROBE" rmdir "$A"
ok "  it is still there" as alice "$PROBE" stat "$A"

# ---- dropping files ----
ok "bob drops b1.txt into alice's folder" as bob "$PROBE" write "$A/b1.txt" "from bob"
ok "carol drops c1.txt into alice's folder" as carol "$PROBE" write "$A/c1.txt" "from carol"
ok "bob: access(drop/alice, w)" as bob "$PROBE" access "$A" w
same "alice (owner) sees both" "$(list alice "$A")" "b1.txt c1.txt "
same "  and reads bob's" "$(content alice "$A/b1.txt")" "from bob"
same "  and carol's" "$(content alice "$A/c1.txt")" "from carol"
same "bob sees only his own drop" "$(list bob "$A")" "b1.txt "
same "carol sees only hers" "$(list carol "$A")" "c1.txt "
same "dave (co-administrator) sees neither" "$(list dave "$A")" ""
hidden "bob cannot stat carol's drop" as bob "$PROBE" stat "$A/c1.txt"
hidden "bob cannot read it" as bob "$PROBE" read "$A/c1.txt"
hidden "bob: access(c1.txt, r)" as bob "$PROBE" access "$A/c1.txt" r
hidden "bob cannot unlink it" as bob "$PROBE" unlink "$A/c1.txt"
hidden "bob cannot rename it" as bob "$PROBE" rename "$A/c1.txt" "$A/mine.txt"
hidden "bob cannot link it" as bob "$PROBE" link "$A/c1.txt" "$A/mine.txt"
hidden "bob cannot set an xattr on it" as bob "$PROBE" setxattr "$A/c1.txt" user.x y
hidden "dave (co-administrator) cannot read it" as dave "$PROBE" read "$A/c1.txt"
hidden "dave (co-administrator) cannot delete it" as dave "$PROBE" unlink "$A/c1.txt"
same "  carol's drop is intact" "$(content carol "$A/c1.txt")" "from carol"

# ---- a name taken by someone else's drop ----
expect EEXIST "bob creates c1.txt (O_TRUNC): taken" as bob "$PROBE" write "$A/c1.txt" "bob's"
expect EEXIST "bob creates c1.txt (O_CREAT): taken" as bob "$PROBE" open "$A/c1.txt" wcreat
expect EEXIST "bob creates c1.txt (O_EXCL): taken" as bob "$PROBE" open "$A/c1.txt" wcreatexcl
expect EEXIST "bob renames b1.txt to c1.txt: taken" as bob "$PROBE" rename "$A/b1.txt" "$A/c1.txt"
expect EEXIST "bob links b1.txt as c1.txt: taken" as bob "$PROBE" link "$A/b1.txt" "$A/c1.txt"
expect EEXIST "bob symlinks as c1.txt: taken" as bob "$PROBE" symlink b1.txt "$A/c1.txt"
same "  carol's drop is intact" "$(content alice "$A/c1.txt")" "from carol"
same "  bob's b1.txt is intact" "$(content bob "$A/b1.txt")" "from bob"
same "  alice still sees two files" "$(list alice "$A")" "b1.txt c1.txt "

# ---- a non-owner drops files, not folders ----
no "bob cannot mkdir in alice's folder" as bob "$PROBE" mkdir "$A/bdir"
hidden "  no folder was made" as alice "$PROBE" stat "$A/bdir"
ok "bob mkdir in his own drop folder" as bob "$PROBE" mkdir "$W/bob/bdir"
no "bob cannot move a folder into alice's" as bob "$PROBE" rename "$W/bob/bdir" "$A/bdir"
hidden "  no folder arrived" as alice "$PROBE" stat "$A/bdir"
as bob "$PROBE" rename "$A/bdir" "$W/bob/bdir" >/dev/null # undo, if it moved

# ---- the dropper manages their own drops ----
ok "bob appends to his drop" as bob "$PROBE" append "$A/b1.txt" "!"
ok "bob truncates it" as bob "$PROBE" truncate "$A/b1.txt" 8
ok "bob: access(b1.txt, w)" as bob "$PROBE" access "$A/b1.txt" w
ok "bob renames it" as bob "$PROBE" rename "$A/b1.txt" "$A/b2.txt"
same "  alice sees the new name" "$(list alice "$A")" "b2.txt c1.txt "
same "  with bob's content" "$(content alice "$A/b2.txt")" "from bob"
ok "bob sets an xattr on it" as bob "$PROBE" setxattr "$A/b2.txt" user.note hi
ok "bob deletes it" as bob "$PROBE" unlink "$A/b2.txt"
same "  alice sees it gone" "$(list alice "$A")" "c1.txt "
ok "bob drops b4.txt" as bob "$PROBE" write "$A/b4.txt" four
expect EACCES "bob cannot move it into documents (no add there)" as bob "$PROBE" rename "$A/b4.txt" "$M/Sales/documents/b4.txt"
ok "bob moves it on to carol's folder" as bob "$PROBE" rename "$A/b4.txt" "$W/carol/b4.txt"
same "  carol sees it" "$(content carol "$W/carol/b4.txt")" four
hidden "  alice no longer does" as alice "$PROBE" stat "$A/b4.txt"
ok "bob drops b3.txt" as bob "$PROBE" write "$A/b3.txt" three

# ---- the owner manages everything in her folder ----
ok "alice writes her own a.txt there" as alice "$PROBE" write "$A/a.txt" mine
same "  bob does not see it" "$(list bob "$A")" "b3.txt "
expect EEXIST "  bob cannot take its name" as bob "$PROBE" write "$A/a.txt" x
ok "alice edits carol's drop" as alice "$PROBE" append "$A/c1.txt" " (read)"
ok "alice renames it" as alice "$PROBE" rename "$A/c1.txt" "$A/c1-read.txt"
same "  carol still sees her drop, renamed" "$(list carol "$A")" "c1-read.txt "
same "  with alice's edit" "$(content carol "$A/c1-read.txt")" "from carol (read)"
ok "alice mkdir in her folder" as alice "$PROBE" mkdir "$A/sorted"
ok "alice moves carol's drop into documents" as alice "$PROBE" rename "$A/c1-read.txt" "$M/Sales/documents/c1.txt"
same "  every member reads it there" "$(content bob "$M/Sales/documents/c1.txt")" "from carol (read)"
ok "alice deletes bob's drop" as alice "$PROBE" unlink "$A/b3.txt"
same "  bob has nothing left there" "$(list bob "$A")" ""
no "dave cannot remove his own (empty) drop folder" as dave "$PROBE" rmdir "$W/dave"
no "dave cannot rename it" as dave "$PROBE" rename "$W/dave" "$W/dave2"
ok "  it is still there" as bob "$PROBE" stat "$W/dave"

# ---- the administrator in a member's drop folder ----
ok "carol drops into bob's folder" as carol "$PROBE" write "$W/bob/c.txt" "for bob"
ok "alice drops into bob's folder" as alice "$PROBE" write "$W/bob/a.txt" "from alice"
same "bob sees both" "$(list bob "$W/bob")" "a.txt bdir c.txt "
same "alice (administrator) sees only her own" "$(list alice "$W/bob")" "a.txt "
hidden "alice cannot read carol's drop to bob" as alice "$PROBE" read "$W/bob/c.txt"
hidden "alice cannot delete it" as alice "$PROBE" unlink "$W/bob/c.txt"
ok "bob deletes carol's drop in his folder" as bob "$PROBE" unlink "$W/bob/c.txt"
ok "bob edits alice's drop in his folder" as bob "$PROBE" write "$W/bob/a.txt" "seen"
same "  alice reads bob's edit" "$(content alice "$W/bob/a.txt")" seen

# ---- a single-account view shows the same ----
S=$T/carol
mount_fs "$S" --as carol
ok "carol's mount: carol drops c2.txt" "$PROBE" write "$S/Sales/drop/bob/c2.txt" two
same "carol's mount: only her drop in bob's folder" "$(ls "$S/Sales/drop/bob" | tr '\n' ' ')" "c2.txt "
hidden "carol's mount: alice's drop to bob is hidden" "$PROBE" stat "$S/Sales/drop/bob/a.txt"
expect EEXIST "carol's mount: its name is taken" "$PROBE" write "$S/Sales/drop/bob/a.txt" x
umount_fs "$S"
same "  alice's drop to bob is unchanged" "$(content bob "$W/bob/a.txt")" seen

# ---- drops count against the group's capacity ----
read -r _ cap used _ < <(as carol "$PROBE" statfs "$A")
same "statfs in a drop folder: the group's capacity" "$cap" 10737418240
head -c 200000 /dev/zero >"$T/z"
chmod 644 "$T/z"
check "carol drops 200000 bytes" as carol cp "$T/z" "$A/z"
now=$(as alice "$PROBE" statfs "$M/Sales/documents" | awk '{print $3}')
check "  the group's use grew by about 200000 ($used -> $now)" \
	test $((now - used)) -ge 195904 -a $((now - used)) -le 204096
same "  alice sees its size" "$(as alice "$PROBE" stat "$A/z" | awk '{print $3}')" 200000
ok "carol deletes it" as carol "$PROBE" unlink "$A/z"
now=$(as bob "$PROBE" statfs "$W/bob" | awk '{print $3}')
check "  the use falls back ($used -> $now)" test $((now - used)) -le 4096 -a $((now - used)) -ge -4096

check "groupctl check is clean" "$GROUPCTL" check
finish
