#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The group's shared mailbox (SPEC.md section 7): <group>/mail/ is a
# Maildir (cur/, new/, tmp/, Maildir++ folders .Name/) that mblaze and
# notmuch use unchanged, several Unix users on one shared mount.  Rights
# are the tool's: *add* files a message in, *delete* expunges, *edit*
# changes the flags, which everyone shares; a member with *add* alone
# finishes their own delivery from tmp/.  What is not Maildir shape is
# refused (EPERM).  groupctl mail deliver (the operator, for an MTA)
# answers in sysexits; messages are sealed at rest and count against the
# group's capacity.
. "$(dirname "$0")/lib.sh"

command -v mlist >/dev/null || { echo "mblaze is not installed"; exit 77; }
command -v notmuch >/dev/null || { echo "notmuch is not installed"; exit 77; }

user alice pro
user bob
user carol
user dave
user erin
team alice Team bob carol dave
# bob adds only; carol adds and deletes; dave changes no flags; erin is no
# member at all.
ctl alice rights set Team mail --add bob carol
ctl alice rights set Team mail --delete carol
ctl alice rights set Team mail --edit alice bob carol
M=$T/mnt
mount_fs "$M" -o allow_other
MD=$M/Team/mail


ok() { expect OK "$@"; }
no() { expect EACCES "$@"; }
refused() { expect EPERM "$@"; }
list() { as "$1" ls -A "$2" | tr '\n' ' '; }
count() { as "$1" mlist "${@:2}" | wc -l | tr -d ' '; }

# message SUBJECT: a small RFC 5322 message.
message() {
	printf 'From: Outside <out@example.net>\nTo: team@groupfs.test\n'
	printf 'Subject: %s\nMessage-ID: <%s@example.net>\n' "$1" "$1"
	printf 'Date: Mon, 1 Jan 2024 10:00:00 +0000\n\nHello, %s.\n' "$1"
}
deliver() { "$GROUPCTL" mail deliver "$@"; }

# ---- Private/invitations/: pending invitations, read-only ----
ctl alice group edit Team --description "The team's own group"
ctl alice group invite Team erin
I=$M/Private/invitations
same "erin's pending invitation is a file" "$(as erin ls "$I")" "Team.txt"
inv_has() { as erin cat "$I/Team.txt" | grep -q "$1"; }
check "  it says who invited" inv_has 'Invited by:  Alice Test (alice)'
check "  and how to accept" inv_has 'groupctl invitation accept Team'
no "  it cannot be written" as erin "$PROBE" write "$I/Team.txt" x
no "  nor removed" as erin "$PROBE" unlink "$I/Team.txt"
expect EACCES "  nothing can be made there" as erin "$PROBE" write "$I/x.txt" x
same "alice has no invitation" "$(as alice ls "$I")" ""
ctl alice group resend Team erin
check "  a reminder shows in it" inv_has 'sent 2 times'
ctl erin invitation decline Team
no_inv() { [ -z "$(as erin ls "$I")" ]; }
wait_for "declined: the file is gone" 3 no_inv

# ---- the Maildir ----
same "mail/ is a Maildir" "$(list alice "$MD")" "cur new tmp "
check "groupctl rights show lists mail's edit right" \
	bash -c "'$GROUPCTL' --as alice rights show Team mail | grep -q '^mail *edit'"

# ---- delivery ----
for s in one two three; do
	message "$s" | deliver Team
done
same "three messages arrived in new/" "$(as bob ls "$MD/new" | wc -l)" 3
same "mlist sees them" "$(count bob "$MD")" 3
same "  all unseen" "$(count carol -s "$MD")" 3
F=$(as bob mlist "$MD" | sed -n 1p)
check "  a message reads back whole" bash -c \
	"setpriv --reuid='${UNIX[dave]}' --regid='$UGROUP' --init-groups cat '$F' | grep -q '^Hello, '"
check "  its name is Maildir's time.MusecPpidQseq.host" bash -c \
	"basename '$F' | grep -Eq '^[0-9]+\.M[0-9]{6}P[0-9]+Q[0-9]+\.'"
no_grep() { ! grep -rqa "Hello, one" "$T/store"; }
check "messages are sealed at rest" no_grep

rc=0; printf 'no header here\n\nbody\n' | deliver Team 2>/dev/null || rc=$?
same "deliver: not a message is EX_DATAERR" "$rc" 65
rc=0; printf 'Subject: x\nnot a field\n' | deliver Team 2>/dev/null || rc=$?
same "deliver: a line that ends no header is EX_DATAERR" "$rc" 65
ctl alice group create Headers >/dev/null
rc=0; printf 'Subject: header only\nFrom: y@example.org\n' | deliver Headers || rc=$?
same "deliver: a header and no body is a message (RFC 5322)" "$rc" 0
rc=0; printf 'Subject: x\n\nbo\0dy\n' | deliver Team 2>/dev/null || rc=$?
same "deliver: a NUL byte is EX_DATAERR" "$rc" 65
rc=0; head -c $((33 * 1024 * 1024)) /dev/zero | tr '\0' x |
	sed '1s/^/Subject: big\n\n/' | deliver Team 2>/dev/null || rc=$?
same "deliver: over 32 MiB is EX_DATAERR" "$rc" 65
rc=0; message x | deliver Nobody 2>/dev/null || rc=$?
same "deliver: no such group is EX_NOUSER" "$rc" 67
rc=0; message x | as bob "$GROUPCTL" mail deliver Team 2>/dev/null || rc=$?
same "deliver: a member is not the operator: EX_NOPERM" "$rc" 77
same "  none of them arrived" "$(count bob "$MD")" 3
ctl alice group edit Team --mail-address team@groupfs.test
check "group show tells members the address" bash -c \
	"'$GROUPCTL' --as bob group show Team | grep -q '^mail address: *team@groupfs.test'"
check "  and --json too" bash -c "'$GROUPCTL' --as bob --json group show Team |
	python3 -c 'import json, sys; assert json.load(sys.stdin)[\"mail_address\"] == \"team@groupfs.test\"'"
message by-address | deliver team@groupfs.test
same "deliver to the group's recorded address" "$(count bob "$MD")" 4

# ---- flags: mblaze ----
rc=0; as dave minc "$MD" >/dev/null 2>&1 || rc=$?
check "dave (no edit) cannot take new mail in with minc" [ "$rc" != 0 ]
same "  it stays in new/" "$(as bob ls "$MD/new" | wc -l)" 4
ok "bob (edit) takes new mail in with minc: new/ -> cur/:2," \
	bash -c "setpriv --reuid='${UNIX[bob]}' --regid='$UGROUP' --init-groups minc '$MD' >/dev/null && echo OK"
same "  new/ is empty" "$(as bob ls "$MD/new" | wc -l)" 0
F=$(as bob mlist "$MD" | grep 'M.*:2,$' | sed -n 1p)
ok "bob marks a message seen with mflag -S" \
	bash -c "setpriv --reuid='${UNIX[bob]}' --regid='$UGROUP' --init-groups mflag -S '$F' >/dev/null && echo OK"
same "  carol sees it seen (flags are shared)" "$(count carol -S "$MD")" 1
S=$(as carol mlist -S "$MD")
case $S in */cur/*:2,S) pass "  it is in cur/ with :2,S" ;;
*) fail "  it is in cur/ with :2,S: $S" ;; esac
no "dave (no edit) cannot flag it" as dave "$PROBE" rename "$S" "${S}F"
as dave mflag -F "$S" >/dev/null 2>&1 || true
same "  nor with mflag: nothing flagged" "$(count alice -F "$MD")" 0
expect ENOENT "erin (no member) sees no group" as erin "$PROBE" stat "$MD"

# ---- shape ----
refused "a file at the top of mail/" as alice "$PROBE" write "$MD/x" y
refused "a folder not named .Name" as alice "$PROBE" mkdir "$MD/Archive"
refused "a folder inside cur/" as alice "$PROBE" mkdir "$MD/cur/sub"
refused "a symbolic link in new/" as alice "$PROBE" symlink x "$MD/new/l"
refused "removing mail/cur" as alice "$PROBE" rmdir "$MD/cur"
refused "renaming mail/tmp" as alice "$PROBE" rename "$MD/tmp" "$MD/.tmp"
expect EXDEV "a rename out of mail/ into documents" as alice "$PROBE" \
	rename "$S" "$M/Team/documents/x"

# ---- add alone: bob files a message in from tmp/ ----
ok "bob writes a message in tmp/" as bob "$PROBE" write "$MD/tmp/b1" "$(message bob)"
ok "  and renames it into new/" as bob "$PROBE" rename "$MD/tmp/b1" "$MD/new/b1"
ok "bob writes another in tmp/" as bob "$PROBE" write "$MD/tmp/b2" "$(message bob2)"
ok "  links it into cur/" as bob "$PROBE" link "$MD/tmp/b2" "$MD/cur/b2:2,"
ok "  and unlinks his tmp/ name" as bob "$PROBE" unlink "$MD/tmp/b2"
same "  both arrived" "$(count carol "$MD")" 6
no "bob (no delete) cannot expunge" as bob "$PROBE" unlink "$MD/new/b1"
no "bob cannot rename a message to another name" as bob "$PROBE" \
	rename "$MD/new/b1" "$MD/new/b9"
no "bob cannot change a delivered message" as bob "$PROBE" write "$S" x
no "  nor truncate it" as bob "$PROBE" truncate "$S" 0
ok "carol writes in tmp/" as carol "$PROBE" write "$MD/tmp/c1" "$(message carol)"
no "  bob cannot remove carol's tmp/ file" as bob "$PROBE" unlink "$MD/tmp/c1"
no "  nor file it in" as bob "$PROBE" rename "$MD/tmp/c1" "$MD/new/c1"
ok "  carol removes it" as carol "$PROBE" unlink "$MD/tmp/c1"
no "dave (no add) cannot write in tmp/" as dave "$PROBE" write "$MD/tmp/d" x

# ---- folders and moves: mblaze ----
refused "bob cannot remove mail/new" as bob "$PROBE" rmdir "$MD/new"
ok "carol makes a folder .Archive with mmkdir" \
	bash -c "setpriv --reuid='${UNIX[carol]}' --regid='$UGROUP' --init-groups mmkdir '$MD/.Archive' && echo OK"
same "  it is a Maildir" "$(list bob "$MD/.Archive")" "cur new tmp "
ok "  a maildirfolder file is allowed" as carol "$PROBE" write "$MD/.Archive/maildirfolder" ""
refused "  another file is not" as carol "$PROBE" write "$MD/.Archive/x" ""
# mrefile renames; when that is refused it copies (tmp/, then cur/),
# which *add* allows: without *delete* a move is a copy.
as bob mrefile "$S" "$MD/.Archive" >/dev/null 2>&1 || true
same "bob (no delete) cannot move a message with mrefile: it stays" \
	"$(count carol "$MD")" 6
same "  mrefile copied it instead" "$(count carol "$MD/.Archive")" 1
# mrefile copied before its unlink was refused: carol tidies up.
as carol mlist "$MD/.Archive" | while read -r f; do
	as carol rm -f "$f"
done
ok "carol (delete, add) moves it with mrefile" \
	bash -c "setpriv --reuid='${UNIX[carol]}' --regid='$UGROUP' --init-groups mrefile '$S' '$MD/.Archive' && echo OK"
same "  it left the inbox" "$(count bob "$MD")" 5
same "  it is in .Archive, still seen" "$(count bob -S "$MD/.Archive")" 1
ok "carol renames .Archive to .Old" as carol "$PROBE" rename "$MD/.Archive" "$MD/.Old"
no "bob cannot rename a folder" as bob "$PROBE" rename "$MD/.Old" "$MD/.Mine"

# ---- notmuch: indexing, tags as flags ----
nm() {
	local who=$1
	shift
	as "$who" env HOME="$T/nm-$who" NOTMUCH_CONFIG="$T/nm-$who/config" \
		notmuch "$@"
}
for who in carol dave; do
	mkdir -p "$T/nm-$who/db"
	cat >"$T/nm-$who/config" <<EOF
[database]
path=$T/nm-$who/db
mail_root=$MD
[new]
tags=unread;inbox;
[maildir]
synchronize_flags=true
EOF
	chown -R "${UNIX[$who]}" "$T/nm-$who"
done
check "notmuch new indexes the shared mailbox" nm carol new
same "notmuch indexes the mailbox and its folders" \
	"$(nm carol count '*')" 6
same "notmuch reads the shared seen flag" \
	"$(nm carol count tag:unread)" 5
nm carol tag +flagged -- subject:two
same "carol flags a message in notmuch: the file's name has F" \
	"$(count bob -F "$MD")" 1
nm dave new >/dev/null 2>&1
nm dave tag +flagged -- subject:three >/dev/null 2>&1 || true
same "dave (no edit): notmuch cannot flag for everyone" \
	"$(count bob -F "$MD")" 1

# notmuch's default database.path is the mail root: its .notmuch/ would
# be one Xapian database in the shared mailbox, every member's to break.
mkdir -p "$T/nm-default"
printf '[database]\npath=%s\n' "$MD" >"$T/nm-default/config"
rc=0
as carol env HOME="$T/nm-default" NOTMUCH_CONFIG="$T/nm-default/config" \
	notmuch new >/dev/null 2>&1 || rc=$?
check "notmuch new with its database in the mailbox fails" [ "$rc" != 0 ]
expect ENOENT "  and leaves no .notmuch behind" as bob "$PROBE" stat "$MD/.notmuch"
refused "mail/.notmuch cannot be made" as alice "$PROBE" mkdir "$MD/.notmuch"
check "  the daemon's log says to set database.path" \
	grep -q 'mail/.notmuch: .*set database.path' "$T/daemon.0.log"

# ---- expunge ----
T1=$(as bob mlist -F "$MD")
no "bob cannot delete the flagged message" as bob "$PROBE" unlink "$T1"
ok "carol expunges it" as carol "$PROBE" unlink "$T1"
nm carol new >/dev/null 2>&1
same "  notmuch sees it gone" "$(nm carol count '*')" 5
no "bob cannot remove the folder .Old" as bob "$PROBE" rmdir "$MD/.Old/tmp"
ok "carol empties and removes .Old" bash -c "setpriv \
	--reuid='${UNIX[carol]}' --regid='$UGROUP' --init-groups \
	rm -r '$MD/.Old' && echo OK"
same "  only the Maildir is left at the top" "$(list bob "$MD")" "cur new tmp "

# ---- a folder made the way mutt makes one: mode 0700, its creator's ----
# access(2) answers each caller's rights (SPEC.md section 3), never the
# creator's mode bits: every member may read and enter it; only add or
# delete make it writable.  The same in documents.
A=$MD/.Archive.2024
as carol bash -c "umask 077; mkdir '$A' '$A/cur' '$A/new' '$A/tmp' &&
	printf 'Subject: kept\n\nArchived.\n' >'$A/cur/1.M1P1Q1.h:2,S'"
same "carol's folder shows her mode, 0700" \
	"$(as bob "$PROBE" stat "$A/cur" | awk '{print $4}')" 40700
for who in bob dave; do
	ok "  $who may read its cur/ (access R_OK)" as "$who" "$PROBE" access "$A/cur" r
	ok "  $who may enter it (X_OK)" as "$who" "$PROBE" access "$A/cur" x
	ok "  $who reads the 0600 message in it" as "$who" "$PROBE" read "$A/cur/1.M1P1Q1.h:2,S"
done
same "  bob lists it with mlist" "$(count bob "$A")" 1
ok "  bob (add) may write in it (W_OK)" as bob "$PROBE" access "$A/cur" w
no "  dave (no add, no delete) may not (W_OK)" as dave "$PROBE" access "$A/cur" w
D=$M/Team/documents/mine
as alice bash -c "umask 077; mkdir '$D' '$D/sub' && echo x >'$D/sub/f'"
ok "documents: bob may read alice's 0700 folder (R_OK)" as bob "$PROBE" access "$D/sub" r
ok "  and the 0600 file in it" as bob "$PROBE" access "$D/sub/f" r
no "  but not write in it (no add)" as bob "$PROBE" access "$D/sub" w
as carol rm -r "$A"
as alice rm -r "$D"

# ---- a store whose key is wrapped by a passphrase ----
W=$T/wrapped
printf 'sesame\n' >"$T/pass"
GROUPFS_STORE=$W "$GROUPCTL" init --passphrase-file "$T/pass" >/dev/null
GROUPFS_STORE=$W "$GROUPCTL" account add zed --first Z --last Z \
	--email zed@example.org --plan pro
GROUPFS_STORE=$W "$GROUPCTL" --as zed group create Z
rc=0; message w | GROUPFS_STORE=$W "$GROUPCTL" mail deliver Z 2>/dev/null || rc=$?
same "deliver without the passphrase of a wrapped key: EX_TEMPFAIL" "$rc" 75
rc=0; message w | GROUPFS_STORE=$W "$GROUPCTL" mail deliver Z \
	--passphrase-file "$T/pass" || rc=$?
same "  with --passphrase-file it is delivered" "$rc" 0

# ---- capacity ----
"$GROUPCTL" plan set tiny --max-groups 1 --max-members 5 --group-bytes 64K
"$GROUPCTL" account edit alice --plan tiny
big() { message big; head -c 70000 /dev/zero | tr '\0' x; }
rc=0; big | deliver Team 2>/dev/null || rc=$?
same "deliver past the group's capacity is EX_TEMPFAIL" "$rc" 75
"$GROUPCTL" account edit alice --plan pro
rc=0; big | deliver Team || rc=$?
same "  once there is room it is delivered" "$rc" 0
used=$("$GROUPCTL" --json usage Team | python3 -c \
	'import json,sys; print(json.load(sys.stdin)[0]["used"])')
check "  messages count in the group's usage" [ "$used" -gt 70000 ]
check "groupctl check finds the store consistent" "$GROUPCTL" check

finish
