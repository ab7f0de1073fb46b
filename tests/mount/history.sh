#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# History (SPEC.md section 5): what a member deletes or overwrites is kept,
# whatever program did it, and another member recovers it with cp from the
# read-only <group>/history/ (trash/ mirrors the tools' paths; versions/
# lists earlier versions by time).  Drops stay private in history too; a
# removed member sees nothing; purging needs the delete right.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
user dave
team alice Sales bob carol dave
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
H=$M/Sales/history
ok() { expect OK "$@"; }
content() { as "$1" cat "$2"; }
list() { as "$1" ls "$2" | tr '\n' ' '; }

ctl alice rights set Sales documents --add --all-members >/dev/null
ctl alice rights set Sales documents --delete --all-members >/dev/null

# ---- rm -rf of a whole folder, undone by another member with cp ----
as bob mkdir -p "$D/proj/sub"
as bob sh -c "echo one > '$D/proj/a.txt'; echo two > '$D/proj/sub/b.txt'"
as bob mkdir "$D/proj/empty"
check "bob removes proj with rm -rf" as bob rm -rf "$D/proj"
same "history/ lists trash and versions" "$(list carol "$H")" "trash versions "
same "the trash mirrors the path" "$(list carol "$H/trash/documents/proj")" "a.txt empty sub "
check "carol restores the folder with cp -r" as carol cp -r "$H/trash/documents/proj" "$D/proj"
same "  a.txt is back" "$(content carol "$D/proj/a.txt")" "one"
same "  sub/b.txt is back" "$(content carol "$D/proj/sub/b.txt")" "two"
check "  the empty folder is back" as carol test -d "$D/proj/empty"
expect EROFS "the trash is read-only: no new file" as carol "$PROBE" write "$H/trash/documents/proj/new" x
expect EROFS "  no mkdir" as carol "$PROBE" mkdir "$H/trash/documents/x"
expect EROFS "  no write to an entry" as carol "$PROBE" write "$H/trash/documents/proj/a.txt" x
expect EROFS "  no rename out of it" as carol "$PROBE" rename "$H/trash/documents/proj/a.txt" "$D/a.txt"
expect EROFS "  no mkdir in history/" as carol "$PROBE" mkdir "$H/x"

# ---- a name deleted several times shows each, by deletion time ----
for i in 1 2 3; do
	as bob sh -c "echo v$i > '$D/n.txt'"
	as bob rm "$D/n.txt"
done
names=$(list carol "$H/trash/documents" | tr ' ' '\n' | grep '^n\.txt' | tr '\n' ' ')
same "three deletions of n.txt show" "$(echo "$names" | wc -w)" "3"
same "  the latest under its own name" "$(content carol "$H/trash/documents/n.txt")" "v3"
first=$(echo "$names" | tr ' ' '\n' | grep @ | head -n 1)
same "  the earliest by its time" "$(content carol "$H/trash/documents/$first")" "v1"
mkdir -m 777 "$T/copy"
check "  rsync copies them all" as carol rsync -r "$H/trash/documents/" "$T/copy/"
same "  with their names" "$(ls "$T/copy" | grep -c '^n\.txt')" "3"

# ---- versions: editor overwrite, save pattern, O_TRUNC ----
as bob sh -c "echo first > '$D/doc.txt'"
as bob sh -c "echo second > '$D/doc.txt'"      # O_TRUNC
as bob sh -c "echo third > '$D/doc.tmp' && mv '$D/doc.tmp' '$D/doc.txt'"  # save pattern
as bob sh -c "echo fourth >> '$D/doc.txt'"     # in place
v=$(list carol "$H/versions/documents/doc.txt")
same "one version per save" "$(echo $v | wc -w)" "3"
set -- $v
same "  the first save" "$(content carol "$H/versions/documents/doc.txt/$1")" "first"
same "  the second" "$(content carol "$H/versions/documents/doc.txt/$2")" "second"
same "  the third" "$(content carol "$H/versions/documents/doc.txt/$3")" "third"
check "  named by time with the extension" sh -c "echo '$1' | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{6}Z\.txt$'"
check "bob puts the first back with cp" as bob cp "$H/versions/documents/doc.txt/$1" "$D/doc.txt"
same "  it reads first" "$(content alice "$D/doc.txt")" "first"

check "groupctl check finds no damage" "$GROUPCTL" check
finish
