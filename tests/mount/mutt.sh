#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mutt on the group's shared mailbox (SPEC.md section 7), several Unix
# users on one shared mount; neomutt.sh runs the same with MUA=neomutt.
# The client runs for real in a terminal (tmux, a session per run; see
# mua.sh), driven by keys pushed with -e 'push ...' that end in <quit>:
# flagging (edit), deleting (delete), saving to a Maildir++ folder (a copy
# in, then an expunge); a member without the right is refused and the
# mailbox stays as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mua.sh"

command -v mlist >/dev/null || { echo "mblaze is not installed"; exit 77; }

user alice pro
user bob
user carol
user dave
team alice Team bob carol dave
# bob: edit only (the default); carol: add, delete, edit; dave: nothing.
ctl alice rights set Team mail --add carol
ctl alice rights set Team mail --delete carol
ctl alice rights set Team mail --edit bob carol
M=$T/mnt
mount_fs "$M" -o allow_other
MD=$M/Team/mail
for s in one two three; do
	printf 'From: out@example.net\nSubject: %s\n\nHello, %s.\n' "$s" "$s" |
		"$GROUPCTL" mail deliver Team
done

count() { as bob mlist "$@" 2>/dev/null | wc -l | tr -d ' '; }
flagged() { count -F "$MD"; }

check "$MUA opens the mailbox (as bob) and quits" mua_as bob ""
same "  nothing changed" "$(count "$MD")" 3

# ---- flags ----
mua_as bob "<flag-message>"
same "bob (edit) flags the first message in $MUA" "$(flagged)" 1
check "  the file's name says so (:2,F)" bash -c \
	"setpriv --reuid='${UNIX[bob]}' --regid='$UGROUP' --init-groups ls -R '$MD' | grep -q ':2,F$'"
mua_start carol "$MD"
wait_for "  carol's $MUA shows it flagged" 30 mua_shows carol "<!> one"
mua_keys carol q
check "  and quits" mua_end carol
mua_as dave "<next-undeleted><flag-message>"
same "dave (no edit) cannot flag in $MUA" "$(flagged)" 1
mua_as carol "<flag-message>"
same "carol (edit) unflags it: flags are shared" "$(flagged)" 0

# ---- deleting ----
mua_as bob "<delete-message><sync-mailbox>"
same "bob (no delete) cannot expunge in $MUA" "$(count "$MD")" 3
mua_as carol "<delete-message><sync-mailbox>"
same "carol (delete) expunges one" "$(count "$MD")" 2

# ---- saving to another folder: copy in, expunge ----
as carol mmkdir "$MD/.Archive"
mua_as carol "<save-message>=.Archive<enter><sync-mailbox>"
same "carol saves a message to .Archive" "$(count "$MD/.Archive")" 1
same "  and it left the inbox" "$(count "$MD")" 1
mua_as dave "<save-message>=.Archive<enter><sync-mailbox>"
same "dave (no add, no delete) cannot move it" "$(count "$MD")" 1
same "  nor file a copy" "$(count "$MD/.Archive")" 1

# ---- a folder mutt makes (mode 0700): other members read it ----
mua_as carol "<copy-message>=.Archive.2024<enter>"
same "carol copies a message to a new folder: $MUA makes .Archive.2024" \
	"$(count "$MD/.Archive.2024")" 1
expect OK "  bob may read its cur/ (access R_OK)" as bob "$PROBE" access \
	"$MD/.Archive.2024/cur" r
mua_start bob "$MD/.Archive.2024"
wait_for "  bob's $MUA opens it and lists the message" 30 \
	mua_shows bob ".Archive.2024 [1]"
mua_keys bob q
check "  and quits" mua_end bob

finish
