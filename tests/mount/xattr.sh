#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Extended attributes (SPEC.md section 3): user.* stored and governed by
# the edit right, other namespaces ENOTSUP, and the generated, read-only
# user.groupfs.creator / .editors / .rights.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
team alice Sales bob carol
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
F=$D/f.txt

ok() { expect OK "$@"; }
# xget USER PATH NAME: the value (or errno) USER gets.
xget() { as "$1" "$PROBE" getxattr "$2" "$3" | sed '1s/^OK //'; }
# listed USER PATH NAME: NAME is in USER's listxattr of PATH.
listed() { as "$1" "$PROBE" listxattr "$2" | tr ' ' '\n' | grep -qxF "$3"; }
unlisted() { ! listed "$@"; }
# has WORD LIST: WORD is one of the comma-separated LIST.
has() { tr ',' '\n' <<<"$2" | grep -qxF "$1"; }
hasnt() { ! has "$@"; }

ok "alice writes f.txt" as alice "$PROBE" write "$F" foxtrot
as alice "$PROBE" mkdir "$D/dir" >/dev/null

# ---- user.* set, get, list, remove ----
ok "set user.color" as alice "$PROBE" setxattr "$F" user.color red
same "  get it back" "$(xget alice "$F" user.color)" red
same "  bob (any member) reads it" "$(xget bob "$F" user.color)" red
check "  listed" listed alice "$F" user.color
ok "replace user.color" as alice "$PROBE" setxattr "$F" user.color blue
same "  the new value" "$(xget alice "$F" user.color)" blue
ok "set an empty value" as alice "$PROBE" setxattr "$F" user.empty ""
same "  reads back empty" "$(as alice "$PROBE" getxattr "$F" user.empty)" "OK "
big=$(head -c 60000 /dev/zero | tr '\0' 'v')
ok "set a 60000-byte value" as alice "$PROBE" setxattr "$F" user.big "$big"
same "  reads back whole" "$(xget alice "$F" user.big | wc -c)" 60001
expect E2BIG "a value over 64 KiB" as alice "$PROBE" setxattr "$F" user.huge "$big$big"
expect ENODATA "  nothing stored" as alice "$PROBE" getxattr "$F" user.huge
ok "remove user.color" as alice "$PROBE" removexattr "$F" user.color
expect ENODATA "  get: ENODATA" as alice "$PROBE" getxattr "$F" user.color
check "  no longer listed" unlisted alice "$F" user.color
expect ENODATA "remove it again: ENODATA" as alice "$PROBE" removexattr "$F" user.color
expect ENODATA "get a name never set" as alice "$PROBE" getxattr "$F" user.none
ok "set user.keep" as alice "$PROBE" setxattr "$F" user.keep kept
ok "set an xattr on a folder (alice may add there)" as alice "$PROBE" setxattr "$D/dir" user.tag folder
same "  reads back" "$(xget bob "$D/dir" user.tag)" folder

# ---- other namespaces: ENOTSUP ----
# (The kernel itself refuses trusted.* and security.* writes to users
# without CAP_SYS_ADMIN, so those reach groupfs only from root.)
expect ENOTSUP "get security.x" as alice "$PROBE" getxattr "$F" security.x
S=$T/single
mount_fs "$S" --as alice
SF=$S/Sales/documents/f.txt
for ns in trusted security; do
	expect ENOTSUP "root in alice's mount: set $ns.x" "$PROBE" setxattr "$SF" "$ns.x" v
	expect ENOTSUP "root in alice's mount: get $ns.x" "$PROBE" getxattr "$SF" "$ns.x"
	expect ENOTSUP "root in alice's mount: remove $ns.x" "$PROBE" removexattr "$SF" "$ns.x"
done
umount_fs "$S"
check "only user.* names are listed" \
	test -z "$(as alice "$PROBE" listxattr "$F" | tr ' ' '\n' | sed 1d | grep -v '^user\.')"

# ---- the generated names ----
for n in creator editors rights; do
	check "alice's list shows user.groupfs.$n" listed alice "$F" "user.groupfs.$n"
	check "bob's list shows user.groupfs.$n" listed bob "$F" "user.groupfs.$n"
done
# A folder lists no generated name (rsync -X cannot copy a read-only
# folder that lists attributes); its rights are read by name.
check "a folder's list shows no user.groupfs.rights" unlisted alice "$D/dir" user.groupfs.rights
check "  its own user.* are listed" listed alice "$D/dir" user.tag
as alice ln -s f.txt "$D/sym"
same "a symbolic link lists nothing (user.* on a link reads ENODATA)" \
	"$(as alice /usr/bin/python3 -c 'import os, sys
print(os.listxattr(sys.argv[1], follow_symlinks=False))' "$D/sym")" "[]"
rm -f "$D/sym"
same "creator" "$(xget bob "$F" user.groupfs.creator)" alice
e=$(xget bob "$F" user.groupfs.editors)
check "editors: alice ($e)" has alice "$e"
check "  not bob" hasnt bob "$e"
r=$(xget alice "$F" user.groupfs.rights)
check "alice's rights on f.txt: read and edit ($r)" eval 'has read "$r" && has edit "$r"'
r=$(xget bob "$F" user.groupfs.rights)
check "bob's rights on f.txt: read, no edit ($r)" eval 'has read "$r" && hasnt edit "$r"'
r=$(xget alice "$D" user.groupfs.rights)
check "alice's rights on documents: add, delete ($r)" eval 'has add "$r" && has delete "$r"'
r=$(xget bob "$D" user.groupfs.rights)
check "bob's rights on documents: neither ($r)" eval 'hasnt add "$r" && hasnt delete "$r"'
ctl alice rights editors Sales documents/f.txt bob
e=$(xget carol "$F" user.groupfs.editors)
check "editors after naming bob ($e)" eval 'has alice "$e" && has bob "$e"'
r=$(xget bob "$F" user.groupfs.rights)
check "bob's rights now include edit ($r)" has edit "$r"
ctl alice rights set Sales documents --add bob
r=$(xget bob "$D" user.groupfs.rights)
check "bob's rights on documents now include add ($r)" has add "$r"
ctl alice rights editors Sales documents/f.txt --only-me

# ---- the generated names are read-only ----
ok "setting creator to its own value is a no-op" as alice "$PROBE" setxattr "$F" user.groupfs.creator alice
# Another value from one who may edit the item: a copy carried back
# (rsync -X into a group) is accepted and changes nothing.
ok "alice (may edit) setting creator to bob is accepted" as alice "$PROBE" setxattr "$F" user.groupfs.creator bob
same "  creator unchanged" "$(xget alice "$F" user.groupfs.creator)" alice
check "  but not as a new name (XATTR_CREATE)" bash -c "! setpriv --reuid='${UNIX[alice]}' --regid='$UGROUP' --init-groups -- /usr/bin/python3 -c 'import os, sys
os.setxattr(sys.argv[1], \"user.groupfs.creator\", b\"bob\", os.XATTR_CREATE)' '$F' 2>/dev/null"
ev=$(xget bob "$F" user.groupfs.editors)
ok "setting editors to their own value is a no-op" as bob "$PROBE" setxattr "$F" user.groupfs.editors "$ev"
expect EPERM "bob setting editors to name himself" as bob "$PROBE" setxattr "$F" user.groupfs.editors "alice,bob"
ok "alice (may edit) setting editors is accepted" as alice "$PROBE" setxattr "$F" user.groupfs.editors "alice,bob,carol"
same "  editors unchanged" "$(xget bob "$F" user.groupfs.editors)" "$ev"
expect EACCES "  bob still may not write f.txt" as bob "$PROBE" open "$F" w
rv=$(xget bob "$F" user.groupfs.rights)
ok "setting rights to their own value is a no-op" as bob "$PROBE" setxattr "$F" user.groupfs.rights "$rv"
expect EPERM "bob setting his rights to read,edit" as bob "$PROBE" setxattr "$F" user.groupfs.rights read,edit
expect EACCES "  bob still may not write f.txt" as bob "$PROBE" open "$F" w
expect EPERM "alice setting user.groupfs.other" as alice "$PROBE" setxattr "$F" user.groupfs.other x
for n in creator editors rights; do
	expect EPERM "removing user.groupfs.$n" as alice "$PROBE" removexattr "$F" "user.groupfs.$n"
	check "  still listed" listed alice "$F" "user.groupfs.$n"
done

# ---- user.* need the edit right ----
expect EACCES "bob (no edit) cannot set user.x on alice's file" as bob "$PROBE" setxattr "$F" user.x y
expect ENODATA "  nothing stored" as alice "$PROBE" getxattr "$F" user.x
expect EACCES "bob cannot replace user.keep" as bob "$PROBE" setxattr "$F" user.keep bob
expect EACCES "bob cannot remove user.keep" as bob "$PROBE" removexattr "$F" user.keep
same "  user.keep unchanged" "$(xget alice "$F" user.keep)" kept
expect EACCES "carol (no add) cannot set an xattr on a folder" as carol "$PROBE" setxattr "$D/dir" user.tag c
same "  the folder's tag unchanged" "$(xget alice "$D/dir" user.tag)" folder
ctl alice rights editors Sales documents/f.txt bob
ok "bob (editor) sets user.x" as bob "$PROBE" setxattr "$F" user.x y
ok "bob (editor) removes user.x" as bob "$PROBE" removexattr "$F" user.x
expect EACCES "carol (not an editor) still cannot" as carol "$PROBE" setxattr "$F" user.x z
ok "bob writes his own b.txt" as bob "$PROBE" write "$D/b.txt" bravo
ok "bob sets user.mine on it" as bob "$PROBE" setxattr "$D/b.txt" user.mine b
expect EACCES "alice (administrator, no edit) cannot set an xattr on it" as alice "$PROBE" setxattr "$D/b.txt" user.mine a
expect EACCES "alice cannot remove bob's xattr" as alice "$PROBE" removexattr "$D/b.txt" user.mine
same "  bob's xattr unchanged" "$(xget alice "$D/b.txt" user.mine)" b

# ---- the save pattern carries the new version's user.* (rsync -X) ----
ok "alice writes s.txt with user.v=old" as alice "$PROBE" write "$D/s.txt" old
as alice "$PROBE" setxattr "$D/s.txt" user.v old >/dev/null
ok "a temp file with user.v=new" as alice "$PROBE" write "$D/.s.tmp" new
as alice "$PROBE" setxattr "$D/.s.tmp" user.v new >/dev/null
ok "renamed over s.txt" as alice "$PROBE" rename "$D/.s.tmp" "$D/s.txt"
same "  s.txt holds the new content" "$(as bob "$PROBE" read "$D/s.txt")" "OK new"
same "  and the new version's user.v" "$(xget bob "$D/s.txt" user.v)" new
same "  its creator is alice" "$(xget bob "$D/s.txt" user.groupfs.creator)" alice

# A descriptor on a save's source reaches the target's attributes: one set
# through it lands on the saved file, not on the consumed source.
ok "alice writes a temp file again" as alice "$PROBE" write "$D/.s2.tmp" newer
hold xh alice "$D/.s2.tmp" r
ok "  and saves it over s.txt" as alice "$PROBE" rename "$D/.s2.tmp" "$D/s.txt"
same "  an attribute set through the source's descriptor" \
	"$(hsend xh "setxattr user.w through-source")" OK
same "  lands on s.txt" "$(xget bob "$D/s.txt" user.w)" through-source
same "  and reads back through that descriptor" \
	"$(hsend xh "getxattr user.w")" "OK through-source"
unhold xh

# ---- stored attributes survive a remount ----
umount_fs "$M"
mount_fs "$M" -o allow_other
same "after remount: user.keep" "$(xget bob "$F" user.keep)" kept
same "after remount: the 60000-byte value" "$(xget alice "$F" user.big | wc -c)" 60001
same "after remount: the folder's tag" "$(xget carol "$D/dir" user.tag)" folder
check "groupctl check is clean" "$GROUPCTL" check
finish
