#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The file managers' trash (SPEC.md section 5): GIO's "Move to Trash",
# its listing, "Restore" and "Empty trash" on a shared mount, with the
# real gio as several Unix users.  GIO finds the trash at the mount's top
# directory, .Trash-UID (the caller's, 0700); moving an item there sends
# it to its space's history (the delete right where it was); restoring
# needs the add right; emptying removes it from history for good.
# gio trash alone needs no session (GIO_USE_VFS=local); listing,
# restoring and emptying go through gvfs's trash:// backend, which needs
# a D-Bus session bus: dbus-run-session starts one per command.
. "$(dirname "$0")/lib.sh"

command -v gio >/dev/null && command -v dbus-run-session >/dev/null &&
	[ -e /usr/libexec/gvfsd-trash ] ||
	{ echo "needs gio, dbus-run-session and gvfs (scripts/deps.sh)"; exit 77; }

user alice pro
user bob
user carol
team alice Sales bob carol
ctl alice rights set Sales documents --add --all-members >/dev/null
ctl alice rights set Sales documents --delete bob >/dev/null
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
H=$M/Sales/history

# A home and a runtime directory of each user's own, for gvfs.
for u in alice bob carol; do
	mkdir -p "$T/home-$u"
	chown "${UNIX[$u]}" "$T/home-$u"
	chmod 700 "$T/home-$u"
done
# gio ACCOUNT ARGS...: the real gio in a D-Bus session of its own.
g() {
	local who=$1
	shift
	as "$who" env -i PATH=/usr/bin:/bin HOME="$T/home-$who" \
		XDG_RUNTIME_DIR="$T/home-$who" \
		dbus-run-session -- gio "$@" 2>"$T/gio.err"
}
uid() { id -u "${UNIX[$1]}"; }
fails() { ! "$@"; }

as bob sh -c "echo bee > '$D/b.txt'"
as carol sh -c "echo sea > '$D/c.txt'"

# ---- Move to Trash ----
check "bob moves b.txt to the trash with gio trash" g bob trash "$D/b.txt"
expect ENOENT "  it left documents" as bob "$PROBE" stat "$D/b.txt"
same "  it is in the group's history, for carol too" "$(as carol cat "$H/trash/documents/b.txt")" "bee"
same "  bob's .Trash-UID is his, mode 0700" "$(as bob stat -c '%U %a' "$M/.Trash-$(uid bob)")" "${UNIX[bob]} 700"
check "  its info file names where it was" as bob grep -q "^Path=Sales/documents/b.txt$" "$M/.Trash-$(uid bob)/info/b.txt.trashinfo"
as bob sh -c "echo two > '$D/b2.txt'"
check "  GIO_USE_VFS=local gio trash works as well" as bob env GIO_USE_VFS=local HOME="$T/home-bob" gio trash "$D/b2.txt"
check "carol, without the delete right, cannot" fails g carol trash "$D/c.txt"
same "  c.txt is still there" "$(as carol cat "$D/c.txt")" "sea"
expect ENOENT "bob does not see carol's trash folder" as bob "$PROBE" stat "$M/.Trash-$(uid carol)"
expect ENOENT "  nor carol bob's" as carol "$PROBE" stat "$M/.Trash-$(uid bob)/files"

# ---- listing and Restore ----
same "gio list trash:// shows b.txt to bob" "$(g bob list trash:// | grep -c 'b\.txt$')" "1"
uri=$(g bob trash --list | awk -F'\t' '$2 ~ /\/b\.txt$/ {print $1}')
check "bob restores it with gio trash --restore" g bob trash --restore "$uri"
same "  b.txt is back, whole" "$(as carol cat "$D/b.txt")" "bee"
as bob mkdir -p "$D/proj/sub"
as bob sh -c "echo deep > '$D/proj/sub/d.txt'"
check "bob moves a folder to the trash" g bob trash "$D/proj"
same "  its content is in history" "$(as carol cat "$H/trash/documents/proj/sub/d.txt")" "deep"
ctl alice rights set Sales documents --add --none >/dev/null
uri=$(g bob trash --list | awk -F'\t' '$2 ~ /\/proj$/ {print $1}')
check "restoring needs the add right: refused without it" fails g bob trash --restore "$uri"
expect ENOENT "  nothing came back" as bob "$PROBE" stat "$D/proj"
ctl alice rights set Sales documents --add --all-members >/dev/null
check "  with it, the folder comes back" g bob trash --restore "$uri"
same "  with its content" "$(as bob cat "$D/proj/sub/d.txt")" "deep"

# ---- Empty trash ----
check "bob trashes b.txt again" g bob trash "$D/b.txt"
check "gio trash --empty" g bob trash --empty
expect ENOENT "  b.txt is gone from history for good" as carol "$PROBE" stat "$H/trash/documents/b.txt"
same "  and from bob's trash" "$(as bob ls "$M/.Trash-$(uid bob)/files" | grep -c '^b.txt$' || true)" "0"

# ---- a folder in the trash is what that move took, nothing earlier ----
# bob deleted proj2/ (holding a.txt) before carol made a new proj2/ and
# moved it to her trash: history merges both under trash/documents/proj2,
# but carol's trash entry, its Restore and her Empty trash are her move's.
as bob mkdir "$D/proj2"
as bob sh -c "echo aye > '$D/proj2/a.txt'"
as bob rm -rf "$D/proj2"
as carol mkdir "$D/proj2"
as carol sh -c "echo bee > '$D/proj2/b.txt'"
ctl alice rights set Sales documents --delete bob carol >/dev/null
check "carol moves her proj2 to the trash" g carol trash "$D/proj2"
same "  her trash shows only what she moved" "$(as carol ls "$M/.Trash-$(uid carol)/files/proj2" | tr '\n' ' ')" "b.txt "
uri=$(g carol trash --list | awk -F'\t' '$2 ~ /\/proj2$/ {print $1}')
check "  she restores it" g carol trash --restore "$uri"
same "  only b.txt comes back" "$(as carol ls "$D/proj2" | tr '\n' ' ')" "b.txt "
same "  bob's a.txt is still in history" "$(as carol cat "$H/trash/documents/proj2/a.txt")" "aye"
check "carol moves proj2 to the trash again" g carol trash "$D/proj2"
check "  rm inside her trash entry removes her b.txt" as carol rm "$M/.Trash-$(uid carol)/files/proj2/b.txt"
same "  bob's a.txt is not touched by it" "$(as carol cat "$H/trash/documents/proj2/a.txt")" "aye"
check "  and empties her trash" g carol trash --empty
same "  bob's earlier a.txt survives it" "$(as carol cat "$H/trash/documents/proj2/a.txt")" "aye"
check "  groupctl history list finds it" sh -c "'$GROUPCTL' --as alice history list Sales documents/proj2 | grep -q a.txt"
expect ENOENT "  her b.txt is gone for good" as carol "$PROBE" stat "$H/trash/documents/proj2/b.txt"

# ---- Restore follows the tools' rules, as a rename there would ----
ctl alice rights set Sales mail --add bob >/dev/null
ctl alice rights set Sales mail --delete bob >/dev/null
TF=$M/.Trash-$(uid bob)/files
as bob sh -c "echo doc > '$D/doc.txt'"
check "bob moves documents/doc.txt to the trash" g bob trash "$D/doc.txt"
expect EXDEV "  back into another tool (mail/) is a copy, not a move" as bob "$PROBE" rename "$TF/doc.txt" "$M/Sales/mail/doc.txt"
check "  so mv into mail/ fails (the copy meets Maildir's shape)" fails as bob mv "$TF/doc.txt" "$M/Sales/mail/doc.txt"
expect ENOENT "  nothing landed in mail/" as bob "$PROBE" stat "$M/Sales/mail/doc.txt"
check "  it is still in bob's trash" as bob test -f "$TF/doc.txt"
printf 'From: a@example.net\nSubject: m\nMessage-ID: <m@example.net>\n\nHi.\n' | "$GROUPCTL" mail deliver Sales
MF=$(as bob ls "$M/Sales/mail/new" | head -n 1)
check "bob moves a message to the trash" g bob trash "$M/Sales/mail/new/$MF"
expect EPERM "  back into mail/ itself: refused (cur/ new/ tmp/ only)" as bob "$PROBE" rename "$TF/$MF" "$M/Sales/mail/$MF"
expect ENOENT "  nothing landed there" as bob "$PROBE" stat "$M/Sales/mail/$MF"
expect OK "  back into mail/new/ it goes" as bob "$PROBE" rename "$TF/$MF" "$M/Sales/mail/new/$MF"

# ---- a tree too big for one move: EXDEV, nothing moved ----
as bob mkdir "$D/big" "$D/small"
as bob sh -c "cd '$D/big' && for i in \$(seq 1 10000); do : > f\$i; done"
as bob sh -c "echo s > '$D/small/s'"
expect EXDEV "a folder of over 10000 entries is refused (EXDEV)" as bob "$PROBE" rename "$D/big" "$TF/big"
same "  and stays whole" "$(as bob ls "$D/big" | wc -l)" "10000"
expect OK "  a small one goes" as bob "$PROBE" rename "$D/small" "$TF/small"

# ---- a group that keeps no history: GIO is told to delete instead ----
ctl alice group edit Sales --keep-days 0 >/dev/null
check "with --keep-days 0, Move to Trash is refused" fails g bob trash "$D/proj"
same "  and the item stays" "$(as bob cat "$D/proj/sub/d.txt")" "deep"

# ---- a fresh account's trash: looking at it writes nothing ----
# Its info/ exists from the start (made with the private space, and for
# every account at mount time): a listing, a read transaction, never
# creates it.
user dave
jseq() { store_sql "SELECT coalesce(max(seq), 0) FROM journal"; }
before=$(jseq)
check "dave, a new account, lists his .Trash-UID" as dave ls -la "$M/.Trash-$(uid dave)"
check "  and its empty info/" as dave ls -la "$M/.Trash-$(uid dave)/info"
same "  which wrote nothing to the store" "$(jseq)" "$before"
mkdir -p "$T/home-dave" && chown "${UNIX[dave]}" "$T/home-dave"
check "  GIO_USE_VFS=local gio trash works for him" as dave env GIO_USE_VFS=local HOME="$T/home-dave" sh -c "echo dd > '$M/Private/documents/d.txt' && gio trash '$M/Private/documents/d.txt'"
same "  and info/ holds its .trashinfo" "$(as dave ls "$M/.Trash-$(uid dave)/info")" "d.txt.trashinfo"

check "groupctl check finds no damage" "$GROUPCTL" check
finish
