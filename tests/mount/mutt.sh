#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mutt on the group's shared mailbox (SPEC.md section 7), several Unix
# users on one shared mount.  mutt runs for real in a terminal (tmux, a
# session per run), driven by keys pushed with -e 'push ...' that end in
# <quit>: flagging (edit), deleting (delete), saving to a Maildir++ folder
# (a copy in, then an expunge); a member without the right is refused and
# the mailbox stays as it was.
. "$(dirname "$0")/lib.sh"

command -v mutt >/dev/null || { echo "mutt is not installed"; exit 77; }
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }
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

# mutt_as USER KEYS: mutt on the mailbox as USER, keys pushed, then quit
# (<quit> saves; when saving is refused mutt stays, and <exit> leaves
# without saving).
RUN=0
mutt_as() {
	local who=$1 keys=$2 h=$T/mutt-$1
	RUN=$((RUN + 1))
	mkdir -p "$h"
	cat >"$h/muttrc" <<EOF
set mbox_type = Maildir
set folder = $MD
set spoolfile = $MD
set header_cache = $h/cache
set mark_old = no
set move = no
set delete = yes
set confirmappend = no
set confirmcreate = no
set quit = yes
set wait_key = no
EOF
	chown -R "${UNIX[$who]}" "$h"
	rm -f "$h/done"
	as "$who" env HOME="$h" TERM=xterm tmux -S "$h/tmux" new-session -d \
		-x 132 -y 40 "mutt -n -F '$h/muttrc' -e 'push \"$keys<quit><exit>\"' \
		2>'$h/err'; echo \$? >'$h/done'"
	local start=$SECONDS
	until [ -s "$h/done" ]; do
		if [ $((SECONDS - start)) -ge 30 ]; then
			as "$who" tmux -S "$h/tmux" kill-server 2>/dev/null || true
			fail "mutt run $RUN did not end"
			return 1
		fi
		sleep 0.05
	done
}
count() { as bob mlist "$@" 2>/dev/null | wc -l | tr -d ' '; }
flagged() { count -F "$MD"; }

check "mutt opens the mailbox (as bob) and quits" mutt_as bob ""
same "  nothing changed" "$(count "$MD")" 3

# ---- flags ----
mutt_as bob "<flag-message>"
same "bob (edit) flags the first message in mutt" "$(flagged)" 1
check "  the file's name says so (:2,F)" bash -c \
	"setpriv --reuid='${UNIX[bob]}' --regid='$UGROUP' --init-groups ls -R '$MD' | grep -q ':2,F$'"
mutt_as dave "<next-undeleted><flag-message>"
same "dave (no edit) cannot flag in mutt" "$(flagged)" 1
mutt_as carol "<flag-message>"
same "carol (edit) unflags it: flags are shared" "$(flagged)" 0

# ---- deleting ----
mutt_as bob "<delete-message><sync-mailbox>"
same "bob (no delete) cannot expunge in mutt" "$(count "$MD")" 3
mutt_as carol "<delete-message><sync-mailbox>"
same "carol (delete) expunges one" "$(count "$MD")" 2

# ---- saving to another folder: copy in, expunge ----
as carol mmkdir "$MD/.Archive"
mutt_as carol "<save-message>=.Archive<enter><sync-mailbox>"
same "carol saves a message to .Archive" "$(count "$MD/.Archive")" 1
same "  and it left the inbox" "$(count "$MD")" 1
mutt_as dave "<save-message>=.Archive<enter><sync-mailbox>"
same "dave (no add, no delete) cannot move it" "$(count "$MD")" 1
same "  nor file a copy" "$(count "$MD/.Archive")" 1

finish
