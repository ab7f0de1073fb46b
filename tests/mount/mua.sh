# SPDX-License-Identifier: GPL-2.0-or-later
# mutt, or neomutt (MUA=neomutt), on a mailbox of the mount, for real in a
# terminal: each run is a tmux server of its own as the member's Unix
# user, its screen read with capture-pane, keys sent with send-keys or
# pushed at start.  Every wait is for a condition, bounded; a run that
# does not end is killed, and so is any server left at exit.  Sourced by
# the scenarios after lib.sh.

MUA=${MUA:-mutt}
command -v "$MUA" >/dev/null || { echo "$MUA is not installed"; exit 77; }
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }

MUA_RUN=0
declare -A MUA_DIR # member -> the directory of their latest run
MUA_ALL=()	   # "member directory" of every run

# mua_start WHO MAILBOX [KEYS]: $MUA as WHO on MAILBOX (also its folder),
# keys pushed first (mutt's push syntax: <flag-message>, <enter>...).
# Returns at once; the index shows each message as "<S> Subject" (S:
# N new, - read, ! flagged, D deleted) and the status line starts with
# "-%-" when the mailbox is read-only.  Each member keeps one header
# cache across runs, outside the mount.
mua_start() {
	local who=$1 box=$2 keys=${3:-} h push=""
	MUA_RUN=$((MUA_RUN + 1))
	h=$T/mua-$MUA_RUN
	MUA_DIR[$who]=$h
	MUA_ALL+=("$who $h")
	mkdir -p "$h" "$T/mua-cache-$who"
	cat >"$h/muttrc" <<EOF
set mbox_type = Maildir
set folder = $box
set spoolfile = $box
set header_cache = $T/mua-cache-$who/
set mark_old = no
set move = no
set delete = yes
set confirmappend = no
set confirmcreate = no
set quit = yes
set wait_key = no
set index_format = "%4C <%S> %s"
set status_format = "-%r- %f [%m]"
EOF
	chown -R "${UNIX[$who]}" "$h" "$T/mua-cache-$who"
	[ -z "$keys" ] || push="-e 'push \"$keys\"'"
	as "$who" env HOME="$h" TERM=xterm tmux -S "$h/tmux" new-session -d \
		-x 132 -y 40 "$MUA -n -F '$h/muttrc' $push 2>'$h/err'; \
		echo \$? >'$h/done'"
}

# mua_screen WHO: what WHO's terminal shows now.
mua_screen() {
	as "$1" tmux -S "${MUA_DIR[$1]}/tmux" capture-pane -p 2>/dev/null
}

# mua_shows WHO TEXT: WHO's terminal shows TEXT (a fixed string).
mua_shows() { mua_screen "$1" | grep -qF -- "$2"; }

# mua_keys WHO KEY...: type keys in WHO's terminal (tmux send-keys names:
# Enter, q, ...).
mua_keys() {
	local who=$1
	shift
	as "$who" tmux -S "${MUA_DIR[$who]}/tmux" send-keys "$@"
}

# mua_end WHO: wait until WHO's run ends (30 s at most, then it is killed
# and this fails).
mua_end() {
	local h=${MUA_DIR[$1]} start=$SECONDS
	until [ -s "$h/done" ]; do
		if [ $((SECONDS - start)) -ge 30 ]; then
			as "$1" tmux -S "$h/tmux" kill-server 2>/dev/null || true
			return 1
		fi
		sleep 0.05
	done
}

# mua_as WHO KEYS: one run on $MD with KEYS pushed, then <quit> (which
# saves; when saving is refused mutt stays, and <exit> leaves without).
mua_as() {
	mua_start "$1" "$MD" "$2<quit><exit>"
	mua_end "$1" || { fail "$MUA run $MUA_RUN did not end"; return 1; }
}

# mua_cleanup: kill what is left of every run (a failed test's), before
# lib.sh removes the users.
mua_cleanup() {
	local run
	for run in "${MUA_ALL[@]}"; do
		[ -s "${run#* }/done" ] ||
			as "${run%% *}" tmux -S "${run#* }/tmux" kill-server \
				2>/dev/null || true
	done
}
trap 'rc=$?; mua_cleanup; set +e; (exit $rc); cleanup' EXIT
