#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Mail through a real MTA (SPEC.md section 7).  The test starts Exim on
# loopback with a throwaway configuration and always stops it: a message
# sent by SMTP to a group's address goes through Exim's pipe transport to
# groupctl mail deliver (as the store's operator) and every member reads
# it through the mount and sees it in mutt, on screen (mua.sh): read by
# one, it shows seen in the others' mutt; a member without edit reads it
# and no flag changes.  A group at its capacity answers EX_TEMPFAIL and
# Exim keeps the message queued.  An invitation (and a reminder) goes out
# through sendmail(8), Exim's own, and lands in the invitee's mailbox,
# which is another group's, with the store's sender as its envelope
# sender.  A sendmail that fails in any way (cannot be run, exits without
# reading, exits non-zero, hangs past the timeout, or is Exim refusing
# the letter) is one warning, groupctl exits 0 and the invitation stays.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mua.sh"

EXIM=$(command -v exim4 || command -v exim || true)
[ -n "$EXIM" ] || { echo "exim4 is not installed"; exit 77; }
command -v mlist >/dev/null || { echo "mblaze is not installed"; exit 77; }

user alice pro
user bob
user carol
user frank pro
team alice Team bob carol
# carol is a member without edit on mail: she reads, flags nothing.
ctl alice rights set Team mail --edit alice bob
team frank Home
ctl alice group edit Team --mail-address team@groupfs.test
ctl frank group edit Home --mail-address home@groupfs.test
ctl frank account edit frank --email home@groupfs.test

# The MTA delivers as the store's operator: the owner of the store, a
# user of its own (Exim never runs a pipe as root).
MTA="${TAG}mta"
useradd -M -N -g "$UGROUP" -s /bin/sh -d "$T" "$MTA"
USERS+=("$MTA")
chown -R "$MTA" "$GROUPFS_STORE"

# ---- a throwaway Exim on loopback ----
X=$T/exim
mkdir -p "$X/spool" "$X/log"

PORT=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Which local part is which group: Exim hands the pipe only data that
# comes from its configuration, never the raw address.
printf 'team: Team\nhome: Home\n' >"$X/groups"
cat >"$X/exim.conf" <<EOF
primary_hostname = groupfs.test
qualify_domain = groupfs.test
domainlist local_domains = groupfs.test
spool_directory = $X/spool
log_file_path = $X/log/%slog
pid_file_path = $X/exim.pid
local_interfaces = 127.0.0.1
daemon_smtp_ports = $PORT
exim_user = root
exim_group = root
trusted_users = root
acl_smtp_rcpt = acl_rcpt
keep_environment =
tls_advertise_hosts =
begin acl
acl_rcpt:
  accept domains = +local_domains
         verify = recipient
  deny message = no such mailbox
begin routers
groupfs:
  driver = accept
  domains = +local_domains
  local_parts = lsearch;$X/groups
  transport = groupfs_pipe
begin transports
groupfs_pipe:
  driver = pipe
  command = $GROUPCTL --store $GROUPFS_STORE mail deliver \$local_part_data
  user = $MTA
  group = $UGROUP
  message_prefix =
  message_suffix =
  return_path_add
  delivery_date_add
  envelope_to_add
  temp_errors = 75
  return_fail_output
begin retry
* * F,1d,1m
EOF
"$EXIM" -C "$X/exim.conf" -bdf -oX "$PORT" 2>"$X/stderr" &
EXIM_PID=$!
stop_exim() {
	kill "$EXIM_PID" 2>/dev/null || true
	wait "$EXIM_PID" 2>/dev/null || true
}
# On a failure, what Exim said goes to the test's log.
trap 'rc=$?; stop_exim; mua_cleanup
if [ "$rc" != 0 ] || [ "$FAILED" != 0 ]; then
	cat "$X/stderr" "$X/log/"* 2>/dev/null | sed "s/^/# exim: /"
fi
set +e; (exit $rc); cleanup' EXIT
smtp_up() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
wait_for "Exim listens on 127.0.0.1:$PORT" 30 smtp_up

M=$T/mnt
mount_fs "$M" -o allow_other
count() { as "$1" mlist "$2" 2>/dev/null | wc -l | tr -d ' '; }
has() { [ "$(count "$1" "$2")" = "$3" ]; }

# send TO SUBJECT: one message by SMTP, as a client on loopback does.
send() {
	python3 - "$PORT" "$1" "$2" <<'EOF'
import smtplib, sys
from email.message import EmailMessage
port, to, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = EmailMessage()
m["From"] = "Outside <out@example.net>"
m["To"] = to
m["Subject"] = subject
m.set_content("Hello from outside: " + subject + "\n")
with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
    s.send_message(m)
EOF
}

# ---- a message to the group's address ----
check "an SMTP client sends to team@groupfs.test" send team@groupfs.test "Quarterly figures"
wait_for "  Exim delivers it into Team/mail/new/" 30 has bob "$M/Team/mail" 1
F=$(as bob mlist "$M/Team/mail")
check "  bob reads it through the mount" bash -c \
	"setpriv --reuid='${UNIX[bob]}' --regid='$UGROUP' --init-groups mshow -q '$F' | grep -q 'Quarterly figures'"
check "  alice reads it too" bash -c \
	"setpriv --reuid='${UNIX[alice]}' --regid='$UGROUP' --init-groups cat '$F' | grep -q 'Hello from outside'"
check "  Exim's headers came with it (Envelope-to)" bash -c \
	"setpriv --reuid='${UNIX[alice]}' --regid='$UGROUP' --init-groups cat '$F' | grep -q '^Envelope-to: team@groupfs.test'"
check "  Exim logged the pipe delivery" grep -q '=> .*groupfs_pipe' "$X/log/mainlog"
rc=0; send nobody@groupfs.test "lost" 2>/dev/null || rc=$?
check "a message to no group's address is refused at RCPT" [ "$rc" != 0 ]
same "  nothing more arrived" "$(count bob "$M/Team/mail")" 1

# ---- every member's mutt: the message, and flags shared by all ----
# (the issue's test: a message mailed to the group's address appears in
# every member's mutt; carol, without edit, cannot change its flags)
MD=$M/Team/mail
for who in alice bob carol; do mua_start "$who" "$MD"; done
for who in alice bob carol; do
	wait_for "$who's $MUA lists it, unread" 30 \
		mua_shows "$who" "<N> Quarterly figures"
	mua_keys "$who" q
	check "  $who quits" mua_end "$who"
done
mua_start carol "$MD"
wait_for "carol (no edit) opens it in $MUA" 30 mua_shows carol "<N> Quarterly figures"
mua_keys carol Enter
wait_for "  and reads it" 30 mua_shows carol "Hello from outside"
# mutt does not ask whether a Maildir is writable: it tries to save the
# seen flag, and the mount refuses the rename.
mua_keys carol q q
wait_for "  $MUA cannot save the seen flag" 30 mua_shows carol "Unable to write"
mua_keys carol x
check "  she leaves without saving" mua_end carol
same "  the message is still unseen for everyone (in new/)" \
	"$(as alice ls "$MD/new" | wc -l)" 1
mua_start bob "$MD"
wait_for "bob opens it in $MUA" 30 mua_shows bob "<N> Quarterly figures"
mua_keys bob Enter
wait_for "  and reads it" 30 mua_shows bob "Hello from outside"
mua_keys bob q q
check "  and quits: $MUA saves the seen flag" mua_end bob
seen_by() { as "$1" ls "$MD/cur" | grep -q ':2,S$'; }
for who in alice carol; do
	check "  $who finds it seen: cur/...:2,S" seen_by "$who"
	mua_start "$who" "$MD"
	wait_for "  so does $who's $MUA" 30 mua_shows "$who" "<-> Quarterly figures"
	mua_keys "$who" q
	check "  $who quits" mua_end "$who"
done

# ---- a full group: try again later ----
"$GROUPCTL" plan set tiny --max-groups 1 --max-members 5 --group-bytes 4K
"$GROUPCTL" account edit alice --plan tiny
python3 - "$PORT" <<'EOF'
import smtplib, sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "out@example.net"
m["To"] = "team@groupfs.test"
m["Subject"] = "Big"
m.set_content("x" * 8000 + "\n")
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30) as s:
    s.send_message(m)
EOF
wait_for "a group at its capacity defers the message (EX_TEMPFAIL)" 30 \
	grep -q '== team@groupfs.test.*temporarily\|== team@groupfs.test.*75' "$X/log/mainlog"
same "  it is not in the mailbox" "$(count bob "$M/Team/mail")" 1
check "  Exim keeps it queued" bash -c "'$EXIM' -C '$X/exim.conf' -bpc | grep -qx 1"
"$GROUPCTL" account edit alice --plan pro
"$EXIM" -C "$X/exim.conf" -qff
wait_for "  once there is room a queue run delivers it" 30 has bob "$M/Team/mail" 2

# ---- invitations through sendmail(8) ----
cat >"$X/sendmail" <<EOF
#!/bin/sh
exec $EXIM -C $X/exim.conf "\$@"
EOF
chmod 755 "$X/sendmail"
"$GROUPCTL" store set --mail-from groupfs@groupfs.test --sendmail "$X/sendmail"
same "store show tells the sender" \
	"$("$GROUPCTL" store show | awk '/^mail from/ {print $3}')" groupfs@groupfs.test
out=$(ctl alice group invite Team frank 2>&1)
same "alice invites frank: no warning" "$out" ""
wait_for "  the invitation arrives in frank's mailbox (Home)" 30 has frank "$M/Home/mail" 1
I=$(as frank mlist "$M/Home/mail")
mail_has() { as frank cat "$I" | grep -q "$1"; }
check "  its subject names the group" mail_has '^Subject: Invitation to join the group Team'
check "  it says who invites" mail_has 'Alice Test (alice) invites you to join the group "Team"'
check "  and how to accept" mail_has 'groupctl invitation accept Team'
check "  it comes from the store's sender" mail_has '^From: groupfs@groupfs.test'
check "  so does its envelope (sendmail -f): bounces go back to the sender" \
	mail_has '^Return-path: <groupfs@groupfs.test>'
ctl alice group resend Team frank
wait_for "a reminder arrives too" 30 has frank "$M/Home/mail" 2
check "  its subject says so" bash -c "setpriv --reuid='${UNIX[frank]}' \
	--regid='$UGROUP' --init-groups grep -rq \
	'^Subject: Reminder: Invitation to join the group Team' '$M/Home/mail/new'"
ctl frank invitation accept Team
check "frank accepts and reads Team's mail" has frank "$M/Team/mail" 2

# ---- sendmail that fails: a warning, and the invitation stays ----
user gina
# not_sent CMD...: CMD exits 0 and warns that the mail was not sent and
# the invitation stands, and gina's invitation is pending; prints the
# warning, or what went wrong.
not_sent() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = 0 ] || { echo "exit $rc: $out"; return 1; }
	case $out in
	*warning:*"not sent"*"invitation stands"*) ;;
	*) echo "no warning: '$out'"; return 1 ;;
	esac
	"$GROUPCTL" --as alice group invitations Team | grep -q '^gina ' ||
		{ echo "no invitation left"; return 1; }
	printf '%s\n' "$out"
}
# twenty SENDMAIL: twenty invitations through SENDMAIL, each cancelled
# after; prints the runs that did not warn or keep the invitation.
twenty() {
	local i why bad=""
	"$GROUPCTL" store set --sendmail "$1"
	for i in $(seq 20); do
		why=$(not_sent ctl alice group invite Team gina) || bad="$bad [$i: $why]"
		ctl alice group cancel Team gina 2>/dev/null || true
	done
	printf '%s' "$bad"
}
# A sendmail that exits before it reads: groupctl's write met SIGPIPE and
# it died (exit 141) without a word, in some runs; in the others the
# letter was lost without one.
printf '#!/bin/sh\nexit 0\n' >"$X/noread"
chmod 755 "$X/noread"
same "a sendmail that exits without reading: 20 invites, each warns and stays" \
	"$(twenty "$X/noread")" ""
same "a sendmail that cannot be run: 20 invites, each warns and stays" \
	"$(twenty /nonexistent/sendmail)" ""
"$GROUPCTL" store set --sendmail /bin/false
out=$(not_sent ctl alice group invite Team gina) && rc=0 || rc=$?
same "a sendmail that fails: the invite still succeeds" "$rc" 0
case $out in
*"/bin/false exited with status 1"*) pass "  and the warning says why" ;;
*) fail "  and the warning says why: $out" ;;
esac
out=$(not_sent ctl alice group resend Team gina) && rc=0 || rc=$?
same "a resend that fails: warned, the invitation stays" "$rc" 0
sent_times() {
	"$GROUPCTL" --as alice --json group invitations Team | python3 -c \
		'import json, sys; print([i["sent"] for i in json.load(sys.stdin) if i["username"] == "gina"][0])'
}
same "  counted as sent twice" "$(sent_times)" 2
# A sendmail that hangs, and what it started: stopped after the timeout.
cat >"$X/hang" <<EOF
#!/bin/sh
sleep 600 &
echo \$! >"$X/hang.pid"
wait
EOF
chmod 755 "$X/hang"
"$GROUPCTL" store set --sendmail "$X/hang"
# (timeout: a groupctl that waits for ever fails here, not the whole run)
out=$(GROUPCTL_SENDMAIL_TIMEOUT=1 not_sent timeout 60 \
	"$GROUPCTL" --as alice group resend Team gina) && rc=0 || rc=$?
same "a sendmail that hangs: resend warns and exits 0" "$rc" 0
case $out in
*"did not finish within 1 s"*) pass "  after GROUPCTL_SENDMAIL_TIMEOUT seconds" ;;
*) fail "  after GROUPCTL_SENDMAIL_TIMEOUT seconds: $out" ;;
esac
gone() {
	local p
	p=$(cat "$X/hang.pid") || return 1
	! kill -0 "$p" 2>/dev/null || grep -q '^State:.*Z' "/proc/$p/status"
}
wait_for "  what it started is stopped too" 10 gone
# The real MTA refusing: Exim's sendmail exits 1 and says why.
sed -e 's/^acl_smtp_rcpt = acl_rcpt$/&\nacl_not_smtp = acl_refuse/' \
	-e 's/^begin acl$/&\nacl_refuse:\n  deny message = no mail from here today/' \
	"$X/exim.conf" >"$X/refuse.conf"
cat >"$X/refusing" <<EOF
#!/bin/sh
exec $EXIM -C $X/refuse.conf "\$@"
EOF
chmod 755 "$X/refusing"
"$GROUPCTL" store set --sendmail "$X/refusing"
out=$(not_sent ctl alice group resend Team gina) && rc=0 || rc=$?
same "Exim refuses the letter: resend warns and exits 0" "$rc" 0
case $out in
*"refusing exited with status"*) pass "  the warning names Exim's status" ;;
*) fail "  the warning names Exim's status: $out" ;;
esac
check "  Exim logged its refusal" grep -q 'no mail from here today' "$X/log/mainlog"
same "  the invitation stays, sent four times" "$(sent_times)" 4
"$GROUPCTL" store set --mail-from ''
out=$(ctl alice group resend Team gina 2>&1)
same "without a sender address no mail is sent, silently" "$out" ""

finish
