#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live changes: what groupctl changes while a store is mounted (members,
# rights, roles, plans) applies to the next operation, open descriptors
# included; only what the kernel caches may lag, by at most a second.  A
# folder another mount removes is stale for a process working in it; a
# file another mount replaced is opened anew through its path.
. "$(dirname "$0")/lib.sh"

"$GROUPCTL" plan set mid --max-groups 2 --max-members 10 --group-bytes 2M \
	--private-bytes 1M >/dev/null
"$GROUPCTL" plan set big --max-groups 2 --max-members 10 --group-bytes 8M \
	--private-bytes 1M >/dev/null
user alice mid
user bob
user carol
ctl alice group create Sales >/dev/null
ctl alice group invite Sales bob
ctl bob invitation accept Sales
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents

lists() { [ "$(as "$1" ls "$M" | tr '\n' ' ')" = "$2" ]; }
gone() { ! as "$1" stat "$2" >/dev/null 2>&1; }

# ---- a right granted or taken applies to the next operation ----
expect OK "alice writes the plan" as alice "$PROBE" write "$D/plan.txt" "Q3 plan"
expect EACCES "bob may not add to documents yet" \
	as bob "$PROBE" write "$D/bob1.txt" "from bob"
ctl alice rights set Sales documents --add bob
expect OK "right granted: bob's next create works" \
	as bob "$PROBE" write "$D/bob1.txt" "from bob"
expect OK "bob creates a folder too" as bob "$PROBE" mkdir "$D/bobdir"
ctl alice rights set Sales documents --add --none
expect EACCES "right taken: bob's next create is refused" \
	as bob "$PROBE" write "$D/bob2.txt" "from bob"
ctl alice rights set Sales documents --add bob

# ---- a folder that moves takes the rights of its new place, and so does
# everything in it (whose own folder stayed): the daemon's handles knew
# bob's right in open/x/y ----
check "alice makes open/x/y and closed" \
	as alice mkdir -p "$D/open/x/y" "$D/closed"
ctl alice rights set Sales documents/closed --add --none
expect OK "bob adds in open/x/y (inherited)" \
	as bob "$PROBE" mkdir "$D/open/x/y/b1"
expect OK "bob adds there again" as bob "$PROBE" mkdir "$D/open/x/y/b2"
expect OK "alice moves x into closed" \
	as alice "$PROBE" rename "$D/open/x" "$D/closed/x"
expect EACCES "moved: bob's next add in closed/x/y is refused" \
	as bob "$PROBE" mkdir "$D/closed/x/y/b3"
expect OK "alice moves it back" \
	as alice "$PROBE" rename "$D/closed/x" "$D/open/x"
expect OK "moved back: bob's next add in open/x/y works" \
	as bob "$PROBE" mkdir "$D/open/x/y/b3"

# ---- a removed member loses access at once, open descriptors included ----
hold rd bob "$D/plan.txt" r
same "bob reads alice's plan through his descriptor" "$(hsend rd read)" "OK Q3 plan"
hold rw bob "$D/bob1.txt" rw
same "bob reads his own file through his descriptor" "$(hsend rw read)" "OK from bob"
same "bob writes through it" "$(hsend rw write FROM)" OK
same "and syncs" "$(hsend rw fsync)" OK
as bob ls "$M" >/dev/null
as bob ls "$D" >/dev/null
ctl alice group remove Sales bob
# groupctl returns once every mount dropped what the kernel cached: the
# very next read fails, none comes from the page cache.
same "removed: the next read through his open descriptor fails" \
	"$(hsend rd read)" EACCES
same "removed: his read-write descriptor stops reading at once" \
	"$(hsend rw read)" EACCES
same "removed: writing through his open descriptor fails" "$(hsend rw write LATE)" EACCES
same "removed: fsync through his open descriptor fails" "$(hsend rw fsync)" EACCES
unhold rd
unhold rw
expect ENOENT "removed: the group is gone for him by path" as bob "$PROBE" read "$D/plan.txt"
wait_for "removed: Sales leaves bob's root listing" 3 lists bob "Private " || :
wait_for "removed: bob can no longer reach Sales" 3 gone bob "$M/Sales" || :
same "what bob added stays in the group" "$(as alice cat "$D/bob1.txt")" "FROM bob"
check "bob's late write did not land" \
	test "$(as alice cat "$D/bob1.txt")" = "FROM bob"

# ---- a new member sees the group ----
same "carol, not a member, sees only Private" "$(as carol ls "$M" | tr '\n' ' ')" "Private "
expect ENOENT "carol cannot reach Sales" as carol "$PROBE" stat "$M/Sales"
ctl alice group invite Sales carol
ctl carol invitation accept Sales
wait_for "a new member's group appears in her root listing" 3 \
	lists carol "Private Sales " || :
same "carol reads the group's documents" "$(as carol cat "$D/plan.txt")" "Q3 plan"
expect EACCES "carol may not add to documents" \
	as carol "$PROBE" write "$D/carol.txt" x

# ---- roles ----
ctl alice rights set Sales contacts --add carol
ctl alice group coadmin Sales carol
expect OK "co-administrator: carol adds to documents" \
	as carol "$PROBE" write "$D/carol.txt" x
expect OK "co-administrator: carol deletes what bob added" \
	as carol "$PROBE" unlink "$D/bob1.txt"
expect OK "co-administrator: access(2) says carol may write in documents" \
	as carol "$PROBE" access "$D" w
ctl alice group uncoadmin Sales carol
expect EACCES "demoted: carol's next create is refused" \
	as carol "$PROBE" write "$D/carol2.txt" x
expect EACCES "demoted: carol's next delete is refused" \
	as carol "$PROBE" unlink "$D/plan.txt"
expect EACCES "demoted: access(2) says so" as carol "$PROBE" access "$D" w
expect OK "demoted: the right granted by name stays" \
	as carol "$PROBE" write "$M/Sales/contacts/notes.txt" x
hold cw carol "$D/carol.txt" rw
ctl alice group coadmin Sales carol
expect OK "promoted again: carol deletes alice's plan" \
	as carol "$PROBE" unlink "$D/plan.txt"
same "her own file stays writable through her descriptor" "$(hsend cw write y)" OK
same "... and syncs" "$(hsend cw fsync)" OK
unhold cw
sfs() { as "$1" "$PROBE" statfs "$2" | awk '{print $2}'; }
same "df shows the administrator's plan" "$(sfs carol "$D")" 2097152
"$GROUPCTL" account edit carol --plan big
same "a co-administrator's plan does not set the capacity" "$(sfs carol "$D")" 2097152
ctl alice group handover Sales carol
expect EACCES "the former administrator lost delete on documents" \
	as alice "$PROBE" unlink "$D/carol.txt"
expect OK "the new administrator deletes" as carol "$PROBE" unlink "$D/carol.txt"

# ---- plans apply to df ----
same "after the hand-over df shows the new administrator's plan" \
	"$(sfs alice "$D")" 8388608
"$GROUPCTL" plan set big --group-bytes 9M
same "a plan edit applies to df at once" "$(sfs alice "$D")" 9437184
same "... for every member, on every path of the group" \
	"$(sfs carol "$M/Sales/calendar")" 9437184
"$GROUPCTL" account edit carol --plan mid
same "a plan switch applies to df at once" "$(sfs carol "$D")" 2097152
same "alice's Private follows her own plan" "$(sfs alice "$M/Private")" 1048576
"$GROUPCTL" plan set mid --private-bytes 3M
same "a private capacity edit applies to df at once" \
	"$(sfs alice "$M/Private/documents")" 3145728

# ---- a folder removed through another mount ----
# A process whose working directory is a folder another mount removed is
# told its handle is stale (ESTALE), not that a file is missing; a path
# through the folder's name is walked again and finds the new folder.
M2=$T/mnt2
mount_fs "$M2" -o allow_other
as carol mkdir "$D/proj"
# What one mount changes reaches the store within its batch (a few ms;
# at once on fsync): the second mount sees it within a second.
wait_for "the second mount sees proj" 2 as carol test -d "$M2/Sales/documents/proj"
# The process waits for a line on a fifo whose only writer is this
# shell, so it goes too if this script ends first.
mkfifo "$T/go"
exec {go}<>"$T/go"
: >"$T/in"
chmod 666 "$T/in"
as carol sh -c "cd '$M2/Sales/documents/proj' && echo in >'$T/in' &&
	read x && touch b.txt" <"$T/go" {go}>&- 2>"$T/touch.err" &
holder=$!
wait_for "a process works in proj through the second mount" 10 \
	test -s "$T/in"
as carol rm -r "$D/proj"
as carol mkdir "$D/proj"
as carol sh -c "echo new > '$D/proj/a.txt' && sync '$D/proj/a.txt'"
echo go >&"$go"
rc=0; wait "$holder" || rc=$?
exec {go}>&-
check "its next create there fails" test "$rc" -ne 0
check "  with ESTALE (Stale file handle)" grep -q "Stale file handle" "$T/touch.err"
same "a path through the name finds the new folder" \
	"$(as carol cat "$M2/Sales/documents/proj/a.txt")" new

# ---- a file replaced through another mount ----
# Once the first mount's change is stored (fsync: sync FILE), the second
# mount's kernel may still hold r.txt's old inode under its name until
# its invalidation arrives: an open through the path is told the inode is
# stale, walks the path again and opens the new file.
as carol sh -c "echo old > '$D/r.txt' && sync '$D/r.txt'"
same "the second mount reads r.txt" \
	"$(as carol cat "$M2/Sales/documents/r.txt" 2>&1)" old
as carol sh -c "rm '$D/r.txt' && echo new > '$D/r.txt' && sync '$D/r.txt'"
same "  and at once the new r.txt made through the first" \
	"$(as carol cat "$M2/Sales/documents/r.txt" 2>&1)" new
# The same for a folder: a listing through the second mount opens the
# new folder, not the one its kernel still holds under the name.
as carol sh -c "mkdir '$D/fold' && echo a > '$D/fold/old.txt' && sync '$D/fold/old.txt'"
same "the second mount lists fold" "$(as carol ls "$M2/Sales/documents/fold" 2>&1)" old.txt
as carol sh -c "rm -r '$D/fold' && mkdir '$D/fold' && echo b > '$D/fold/new.txt' && sync '$D/fold/new.txt'"
same "  and at once the new fold made through the first" \
	"$(as carol ls "$M2/Sales/documents/fold" 2>&1)" new.txt
umount_fs "$M2"

# ---- a listing the kernel keeps ----
# The kernel keeps a shared folder's listing between opens, at most one
# cache timeout.  A mount that caches for a minute shows what the first
# mount changes only through the journal's notifications: awaited here
# well within the minute.
M3=$T/mnt3
mount_fs "$M3" -o allow_other,cache_timeout=60
K=$M3/Sales/documents/kept
lists_in() { [ "$(as "$1" ls "$2" | tr '\n' ' ')" = "$3" ]; }
as carol mkdir "$D/kept"
as carol sh -c "echo a > '$D/kept/a.txt' && sync '$D/kept/a.txt'"
wait_for "the third mount lists kept" 10 lists_in carol "$K" "a.txt "
same "  another member is shown the same" "$(as alice ls "$K" | tr '\n' ' ')" "a.txt "
as carol sh -c "echo b > '$D/kept/b.txt' && sync '$D/kept/b.txt'"
wait_for "a name made through the first mount joins the kept listing" 10 \
	lists_in alice "$K" "a.txt b.txt "
as carol rm "$D/kept/a.txt"
wait_for "a name removed through the first mount leaves it" 10 \
	lists_in alice "$K" "b.txt "
as carol touch "$K/c.txt"
same "a name made through the third mount shows there at once" \
	"$(as alice ls "$K" | tr '\n' ' ')" "b.txt c.txt "
as carol mv "$K/c.txt" "$K/d.txt"
same "  and a rename" "$(as alice ls "$K" | tr '\n' ' ')" "b.txt d.txt "
umount_fs "$M3"

umount_fs "$M"
check "groupctl check is clean" "$GROUPCTL" check
finish
