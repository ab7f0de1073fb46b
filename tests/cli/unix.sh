#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The actor is the account bound to the caller's Unix uid: real Unix users
# (created here, removed at exit) run groupctl through setpriv against a
# store made with "init --unix-group".  --as is the operator's alone; a
# groupctl installed set-group-id lets a user outside the group use the
# store, yet opens the files named on its command line as that user.
source "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null ||
	! command -v setpriv >/dev/null; then
	echo "skipped: needs root, useradd and setpriv"
	exit 77
fi

tag=$$
grp="gfs_cli_$tag"
groupadd "$grp"
at_exit groupdel "$grp"
for u in alice bob carol dave; do
	name="gfs_cli_${u}_$tag"
	extra=(-G "$grp")
	[ "$u" != dave ] || extra=()	# dave is not in the store's group
	useradd -M -U -s /bin/false "${extra[@]}" "$name"
	at_exit userdel "$name"
	declare "U_$u=$name"
done

# Everything the users touch must be reachable by them.
chmod 755 "$TMP"
mkdir "$TMP/bin"
cp "$GROUPCTL" "$TMP/bin/groupctl"
chmod 755 "$TMP/bin/groupctl"
S="$TMP/store"
export GROUPFS_STORE="$S"

# as USER CMD...: run groupctl as the Unix user (real and effective ids).
as() {
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
		env HOME=/nonexistent GROUPFS_STORE="$S" "$TMP/bin/groupctl" "$@"
}

assert_exit 0 gctl init --unix-group "$grp"
assert_exit 0 gctl account add alice --first Alice --last Martin \
	--email alice@example.org --plan pro --unix-user "$U_alice"
assert_exit 0 gctl account add bob --first Bob --last Durand \
	--email bob@example.org --unix-user "$(id -u "$U_bob")"
assert_exit 0 gctl account add dave --first Dave --last Petit \
	--email dave@example.org --unix-user "$U_dave"
assert_exit 0 gctl --json account list
assert_json '{a["username"]: a["unix_user"] for a in d} == {"alice": "'"$U_alice"'", "bob": "'"$U_bob"'", "dave": "'"$U_dave"'"}' \
	"accounts bound by name and by uid"
assert_refused "." gctl account add eve --first E --last V \
	--email eve@example.org --unix-user "$U_alice"

# Each user acts as their own account.
assert_exit 0 as "$U_alice" account show alice
assert_match "$OUT" '^plan: pro$'
assert_match "$OUT" "^unix user: $U_alice\$"
assert_exit 0 as "$U_alice" group create Shop --description "The shop"
assert_exit 0 as "$U_alice" group invite Shop bob
assert_exit 0 as "$U_bob" --json invitation list
assert_json '[i["group"] for i in d] == ["Shop"]'
assert_exit 0 as "$U_bob" invitation accept Shop
assert_exit 0 as "$U_bob" --json group members Shop
assert_json '{m["username"]: m["role"] for m in d} == {"alice": "administrator", "bob": "member"}'
assert_exit 0 as "$U_bob" --json account show alice
assert_json 'd["plan"] is None' "bob sees alice's profile only"
assert_refused "Shop: only the administrator may invite" as "$U_bob" group invite Shop dave
assert_exit 0 as "$U_alice" --json group list
assert_json '[g["name"] for g in d] == ["Shop"]'

# --as and the rest of the operator's work are refused to users.
assert_refused "only the store operator may act as another account \(--as\)" \
	as "$U_alice" --as bob group list
assert_refused "only the store operator may act as another account \(--as\)" \
	as "$U_bob" group list --as alice
assert_refused "only the store operator may change plans" \
	as "$U_alice" plan set mine --max-groups 99
assert_refused "only the store operator may add accounts" \
	as "$U_alice" account add eve --first E --last V --email eve@example.org
assert_refused "only the store operator may change an account's plan or Unix user" \
	as "$U_alice" account edit alice --plan ultra
assert_refused "only the store operator may check the store" as "$U_alice" check
assert_exit 0 as "$U_alice" account edit alice --org "Martin SA"
# Calendars and contacts are encrypted with the master key, which only the
# store's owner can read: users are sent to the mount, in one line.
assert_refused "calendar list needs the store's master key: run it as the store operator \(with --as USER\), or read the calendar's .ics files through the mount" \
	as "$U_alice" calendar list Shop
assert_refused "contacts import needs the store's master key" \
	as "$U_alice" contacts import Shop /dev/null
assert_refused "busy needs the store's master key: .*members/bob/busy.ics" \
	as "$U_alice" busy bob
assert_exit 0 gctl --as alice --json calendar list Shop
assert_json 'd == []' "the operator reads it with --as"
# Root is the operator: it may act as anyone.
assert_exit 0 gctl --as bob --json group list
assert_json '[g["name"] for g in d] == ["Shop"]'

# A Unix user with no account.
assert_refused "no groupfs account is bound to this Unix user" \
	as "$U_carol" group create Nope
assert_refused "no groupfs account is bound to this Unix user" \
	as "$U_carol" invitation list

# Only the operator may replace a demo store, and nobody a real one.
assert_refused "not a demo store" as "$U_carol" demo --force "$S"
assert_refused "." as "$U_alice" --store "$S" init
assert_exit 0 gctl --json account list
assert_json 'len(d) == 3' "the store is intact"

# The owner of a store is its operator.
mkdir "$TMP/own" && chown "$U_alice" "$TMP/own"
assert_exit 0 as "$U_alice" --store "$TMP/own/store" init
assert_exit 0 as "$U_alice" --store "$TMP/own/store" account add zed \
	--first Zed --last Z --email zed@example.org --plan pro
assert_exit 0 as "$U_alice" --store "$TMP/own/store" --as zed group create Z
assert_refused "." as "$U_bob" --store "$TMP/own/store" plan list

# dave is not in the store's group: the plain binary cannot open it, and
# says so (not that there is no store) ...
assert_refused "Permission denied" as "$U_dave" account show dave
assert_not_contains "$ERR" "no store" "a store one may not open is not 'no store'"
# ... a set-group-id one can, and acts as dave, no more.
if findmnt -no OPTIONS -T "$TMP" | grep -qw nosuid; then
	echo "skipped: $TMP is mounted nosuid"
elif grep -qa __asan_init "$GROUPCTL"; then
	# A set-group-id process cannot read its own /proc/self/environ, so
	# ASAN_OPTIONS never reaches it, and LeakSanitizer cannot stop the
	# world of a process that is not dumpable: it fails at every exit.
	echo "skipped: set-group-id checks under AddressSanitizer"
else
	cp "$TMP/bin/groupctl" "$TMP/bin/groupctl-sgid"
	chgrp "$grp" "$TMP/bin/groupctl-sgid"
	chmod 2755 "$TMP/bin/groupctl-sgid"
	sgid() {
		local user=$1
		shift
		setpriv --reuid="$user" --regid="$(id -g "$user")" \
			--init-groups env HOME=/nonexistent GROUPFS_STORE="$S" \
			"$TMP/bin/groupctl-sgid" "$@"
	}
	assert_exit 0 sgid "$U_dave" account show dave
	assert_match "$OUT" '^plan: free$'
	assert_exit 0 sgid "$U_dave" --json group list
	assert_json 'd == []'
	assert_refused "only the store operator may act as another account" \
		sgid "$U_dave" --as alice group list
	# Files on the command line are read as dave, not as the group.
	echo "group-secret" >"$TMP/group-only"
	chgrp "$grp" "$TMP/group-only"
	chmod 640 "$TMP/group-only"
	assert_refused "$TMP/group-only: Permission denied" \
		sgid "$U_dave" account edit dave --password-file "$TMP/group-only"
	echo "dave-secret" >"$TMP/dave-pw"
	chown "$U_dave" "$TMP/dave-pw"
	chmod 600 "$TMP/dave-pw"
	assert_exit 0 sgid "$U_dave" account edit dave --password-file "$TMP/dave-pw"
	assert_exit 0 gctl --json account show dave
	assert_json 'd["has_password"] is True'
	# The group cannot read the master key either.
	assert_refused "calendar export needs the store's master key" \
		sgid "$U_dave" calendar export
	# Creating a store takes no privilege: the group's is given up.
	assert_refused "." sgid "$U_dave" demo --force "$S"
	assert_refused "." sgid "$U_dave" --store "$S/db/x" init
	[ ! -e "$S/db/x" ] && ok "init gives the group's privilege up" ||
		not_ok "init created $S/db/x with the group's privilege"
	assert_exit 0 gctl --json account list
	assert_json 'len(d) == 3' "the store is intact"
fi

finish
