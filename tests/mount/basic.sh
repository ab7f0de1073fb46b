#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tree: what members and non-members see, in a shared mount and in
# single-account mounts.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
ctl alice group create Sales >/dev/null
ctl alice group invite Sales bob
ctl bob invitation accept Sales
M=$T/mnt
mount_fs "$M" -o allow_other

same "alice sees Private and Sales" "$(as alice ls "$M" | tr '\n' ' ')" "Private Sales "
same "carol (no group) sees only Private" "$(as carol ls "$M" | tr '\n' ' ')" "Private "
expect ENOENT "carol cannot reach Sales" as carol "$PROBE" stat "$M/Sales"
same "a group holds its tools" "$(as bob ls "$M/Sales" | tr '\n' ' ')" \
	"calendar contacts documents drop history mail members "
same "drop has a folder per member" "$(as bob ls "$M/Sales/drop" | tr '\n' ' ')" "alice bob "
expect OK "alice writes a document" as alice "$PROBE" write "$M/Sales/documents/plan.txt" "Q3 plan"
same "bob reads it" "$(as bob cat "$M/Sales/documents/plan.txt")" "Q3 plan"
expect ENOENT "carol cannot read it" as carol "$PROBE" read "$M/Sales/documents/plan.txt"
expect ENOENT "root with no account cannot reach a group" "$PROBE" write "$M/Sales/documents/x" y
same "an account-less caller sees an empty root" "$(ls "$M" | wc -l)" "0"
expect EACCES "no mkdir in the root" as alice "$PROBE" mkdir "$M/NewGroup"
expect EACCES "no mkdir in a group folder" as alice "$PROBE" mkdir "$M/Sales/extra"
expect OK "alice writes in her private documents" as alice "$PROBE" write "$M/Private/documents/diary" "dear"
same "bob's Private is his own" "$(as bob ls "$M/Private/documents" | wc -l)" "0"

# A single-account mount shows that account's rights in the mode bits.
B=$T/bob
mount_fs "$B" --as bob
mode=$("$PROBE" stat "$B/Sales/documents/plan.txt" | awk '{print $4}')
same "bob's mount: plan.txt is not writable for him" "$mode" "100444"
mode=$("$PROBE" stat "$B/Sales/documents" | awk '{print $4}')
same "bob's mount: documents is not writable for him" "$mode" "40555"
A=$T/alice
mount_fs "$A" --as alice
mode=$("$PROBE" stat "$A/Sales/documents/plan.txt" | awk '{print $4}')
same "alice's mount: her plan.txt is writable" "$mode" "100644"
umount_fs "$B"
umount_fs "$A"
check "groupctl check is clean" "$GROUPCTL" check
finish
