#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Access rights (SPEC.md section 2) on every operation they govern
# (section 3): add on the folder an entry goes into, delete on the folder
# it leaves, edit on the item; each allowed and refused with its errno, each
# refusal changing nothing, and access(2) telling each caller the truth.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
user dave
user erin
user frank
ctl alice group create Sales >/dev/null
for u in bob carol dave; do
	ctl alice group invite Sales "$u"
	ctl "$u" invitation accept Sales
done
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents

# content USER PATH: what USER reads in PATH.
content() { as "$1" "$PROBE" read "$2" | sed '1s/^OK //'; }
# kept DESC USER PATH WANT: PATH still holds WANT.
kept() { same "$1" "$(content "$2" "$3")" "$4"; }
# absent DESC PATH: nothing is there (as alice, who sees everything).
absent() { expect ENOENT "$1" as alice "$PROBE" stat "$2"; }
# refuses COMMAND...: COMMAND fails (a refused groupctl call).
refuses() { ! "$@" >/dev/null 2>&1; }
ok() { expect OK "$@"; }
no() { expect EACCES "$@"; }

# ---- non-members see nothing ----
ok "alice writes a.txt" as alice "$PROBE" write "$D/a.txt" "alpha"
same "erin (no group) sees only Private" "$(as erin ls "$M" | tr '\n' ' ')" "Private "
expect ENOENT "erin cannot stat Sales" as erin "$PROBE" stat "$M/Sales"
expect ENOENT "erin cannot read a.txt" as erin "$PROBE" read "$D/a.txt"
expect ENOENT "erin cannot create in documents" as erin "$PROBE" write "$D/e.txt" x
expect ENOENT "erin: access(documents, r)" as erin "$PROBE" access "$D" r
absent "erin's create left nothing" "$D/e.txt"

# ---- defaults: administrator and co-administrators only ----
ok "alice mkdir dir" as alice "$PROBE" mkdir "$D/dir"
ok "alice symlink" as alice "$PROBE" symlink a.txt "$D/a-sym"
ok "alice link" as alice "$PROBE" link "$D/a.txt" "$D/a-hard"
ok "alice: access(documents, w)" as alice "$PROBE" access "$D" w
ok "alice: access(a.txt, w)" as alice "$PROBE" access "$D/a.txt" w
ok "bob: access(documents, r)" as bob "$PROBE" access "$D" r
no "bob: access(documents, w)" as bob "$PROBE" access "$D" w
ok "bob: access(a.txt, r)" as bob "$PROBE" access "$D/a.txt" r
no "bob: access(a.txt, w)" as bob "$PROBE" access "$D/a.txt" w
kept "bob reads a.txt" bob "$D/a.txt" alpha
same "a shared mount shows every caller the same mode" \
	"$(as bob "$PROBE" stat "$D/a.txt" | awk '{print $4}')" "$(as alice "$PROBE" stat "$D/a.txt" | awk '{print $4}')"
no "bob cannot create" as bob "$PROBE" write "$D/b.txt" x
absent "  b.txt was not created" "$D/b.txt"
no "bob cannot O_CREAT|O_EXCL" as bob "$PROBE" open "$D/b.txt" wcreatexcl
no "bob cannot mkdir" as bob "$PROBE" mkdir "$D/bdir"
absent "  bdir was not created" "$D/bdir"
no "bob cannot symlink" as bob "$PROBE" symlink a.txt "$D/b-sym"
absent "  b-sym was not created" "$D/b-sym"
no "bob cannot link" as bob "$PROBE" link "$D/a.txt" "$D/b-hard"
absent "  b-hard was not created" "$D/b-hard"
no "bob cannot unlink a.txt" as bob "$PROBE" unlink "$D/a.txt"
no "bob cannot rmdir dir" as bob "$PROBE" rmdir "$D/dir"
ok "  dir is still there" as alice "$PROBE" stat "$D/dir"
no "bob cannot open a.txt for writing" as bob "$PROBE" open "$D/a.txt" w
no "bob cannot open a.txt read-only with O_TRUNC" as bob "$PROBE" open "$D/a.txt" trunc
no "bob cannot append to a.txt" as bob "$PROBE" append "$D/a.txt" more
no "bob cannot truncate a.txt" as bob "$PROBE" truncate "$D/a.txt" 0
no "bob cannot rename a.txt within documents" as bob "$PROBE" rename "$D/a.txt" "$D/a2.txt"
absent "  a2.txt does not exist" "$D/a2.txt"
kept "  a.txt is unchanged" alice "$D/a.txt" alpha
ok "alice writes dir/x" as alice "$PROBE" write "$D/dir/x" x
no "bob cannot rename dir/x out of dir" as bob "$PROBE" rename "$D/dir/x" "$D/x"
ok "  dir/x is still there" as alice "$PROBE" stat "$D/dir/x"

# ---- add given by name ----
ctl alice rights set Sales documents --add bob
ok "bob (add) creates b.txt" as bob "$PROBE" write "$D/b.txt" bravo
ok "bob (add) mkdir" as bob "$PROBE" mkdir "$D/bdir"
ok "bob (add) symlink" as bob "$PROBE" symlink a.txt "$D/b-sym"
ok "bob (add) links a.txt into bdir" as bob "$PROBE" link "$D/a.txt" "$D/bdir/a"
ok "bob: access(documents, w)" as bob "$PROBE" access "$D" w
no "dave still cannot create" as dave "$PROBE" write "$D/d.txt" x
no "dave: access(documents, w)" as dave "$PROBE" access "$D" w
no "bob (no delete) cannot unlink his own b.txt" as bob "$PROBE" unlink "$D/b.txt"
kept "  b.txt is still there" bob "$D/b.txt" bravo
ok "bob mkdir bempty" as bob "$PROBE" mkdir "$D/bempty"
no "bob (no delete) cannot rmdir bempty" as bob "$PROBE" rmdir "$D/bempty"
no "bob (add) cannot create over alice's a.txt" as bob "$PROBE" write "$D/a.txt" bob
no "bob (add) cannot rename b.txt over a.txt (no edit, no delete)" as bob "$PROBE" rename "$D/b.txt" "$D/a.txt"
kept "  a.txt is unchanged" bob "$D/a.txt" alpha
ok "bob edits his b.txt" as bob "$PROBE" append "$D/b.txt" "+"
ok "bob truncates his b.txt" as bob "$PROBE" truncate "$D/b.txt" 5
ok "bob renames b.txt within documents (edit)" as bob "$PROBE" rename "$D/b.txt" "$D/b2.txt"
kept "  b2.txt holds bravo" bob "$D/b2.txt" bravo
no "bob (no delete) cannot move b2.txt into dir" as bob "$PROBE" rename "$D/b2.txt" "$D/dir/b2.txt"
absent "  dir/b2.txt does not exist" "$D/dir/b2.txt"
ok "bob: access(b2.txt, w)" as bob "$PROBE" access "$D/b2.txt" w

# ---- the administrator may not edit a member's item, but deletes it ----
no "alice cannot write bob's b2.txt" as alice "$PROBE" open "$D/b2.txt" w
no "alice cannot truncate b2.txt" as alice "$PROBE" truncate "$D/b2.txt" 0
no "alice cannot rename b2.txt within documents" as alice "$PROBE" rename "$D/b2.txt" "$D/b3.txt"
no "alice: access(b2.txt, w)" as alice "$PROBE" access "$D/b2.txt" w
kept "  b2.txt is unchanged" alice "$D/b2.txt" bravo
ok "alice deletes bob's b2.txt" as alice "$PROBE" unlink "$D/b2.txt"
absent "  b2.txt is gone" "$D/b2.txt"

# ---- delete given by name ----
ctl alice rights set Sales documents --delete bob
ok "bob (delete) unlinks alice's symlink" as bob "$PROBE" unlink "$D/a-sym"
ok "bob (delete) rmdir bempty" as bob "$PROBE" rmdir "$D/bempty"
ok "bob (delete) moves dir/x to documents" as bob "$PROBE" rename "$D/dir/x" "$D/x"
no "bob (add, delete) still cannot rename a.txt within documents" as bob "$PROBE" rename "$D/a.txt" "$D/a4.txt"
no "bob (add, delete) cannot rename alice's folder within documents" as bob "$PROBE" rename "$D/dir" "$D/dir2"
absent "  dir2 does not exist" "$D/dir2"
ok "bob (add, delete) moves a.txt into dir" as bob "$PROBE" rename "$D/a.txt" "$D/dir/a.txt"
ok "bob moves it back" as bob "$PROBE" rename "$D/dir/a.txt" "$D/a.txt"
kept "  a.txt is unchanged" bob "$D/a.txt" alpha
no "dave (no delete) cannot unlink x" as dave "$PROBE" unlink "$D/x"
ok "  x is still there" as alice "$PROBE" stat "$D/x"

# ---- rename into needs add there, rename out needs delete here ----
as alice "$PROBE" mkdir "$D/in" >/dev/null
as alice "$PROBE" mkdir "$D/out" >/dev/null
ctl alice rights set Sales documents/in --add --none
ctl alice rights set Sales documents/out --delete --none
no "bob cannot move x into in (no add there)" as bob "$PROBE" rename "$D/x" "$D/in/x"
ok "  x stayed" as alice "$PROBE" stat "$D/x"
absent "  in/x does not exist" "$D/in/x"
ok "bob: access(in, w) (delete inherited)" as bob "$PROBE" access "$D/in" w
no "dave: access(in, w) (neither add nor delete)" as dave "$PROBE" access "$D/in" w
ok "bob creates out/o.txt (add inherited)" as bob "$PROBE" write "$D/out/o.txt" oscar
no "bob cannot move out/o.txt out (no delete there)" as bob "$PROBE" rename "$D/out/o.txt" "$D/o.txt"
no "bob cannot unlink out/o.txt" as bob "$PROBE" unlink "$D/out/o.txt"
kept "  out/o.txt stayed" bob "$D/out/o.txt" oscar
absent "  o.txt does not exist" "$D/o.txt"
ok "bob renames out/o.txt within out (edit)" as bob "$PROBE" rename "$D/out/o.txt" "$D/out/p.txt"

# ---- edit on an item: its creator decides ----
ok "alice writes e.txt" as alice "$PROBE" write "$D/e.txt" echo
ctl alice rights editors Sales documents/e.txt bob
ok "bob (editor) writes e.txt" as bob "$PROBE" write "$D/e.txt" echo-bob
ok "bob (editor) truncates e.txt" as bob "$PROBE" truncate "$D/e.txt" 4
ok "bob (editor) renames e.txt within documents" as bob "$PROBE" rename "$D/e.txt" "$D/e2.txt"
ok "bob renames it back" as bob "$PROBE" rename "$D/e2.txt" "$D/e.txt"
ok "bob: access(e.txt, w)" as bob "$PROBE" access "$D/e.txt" w
no "dave cannot write e.txt" as dave "$PROBE" open "$D/e.txt" w
no "dave: access(e.txt, w)" as dave "$PROBE" access "$D/e.txt" w
kept "  e.txt holds bob's edit" dave "$D/e.txt" echo
ctl alice rights editors Sales documents/e.txt --all-members
ok "dave (all members edit) writes e.txt" as dave "$PROBE" write "$D/e.txt" dave
ok "dave: access(e.txt, w)" as dave "$PROBE" access "$D/e.txt" w
ctl alice rights editors Sales documents/e.txt --only-me
no "bob (only-me) cannot write e.txt" as bob "$PROBE" open "$D/e.txt" w
no "dave (only-me) cannot truncate e.txt" as dave "$PROBE" truncate "$D/e.txt" 0
no "bob (only-me) cannot rename e.txt within documents" as bob "$PROBE" rename "$D/e.txt" "$D/e3.txt"
kept "  e.txt is unchanged" alice "$D/e.txt" dave
ok "alice still writes e.txt" as alice "$PROBE" append "$D/e.txt" "!"
check "bob cannot set the editors of alice's item" refuses ctl bob rights editors Sales documents/e.txt --all-members

# ---- co-administrators: add and delete anywhere, not edit ----
ctl alice rights set Sales documents --add --none
ctl alice rights set Sales documents --delete --none
no "bob (add --none) cannot create" as bob "$PROBE" write "$D/b4.txt" x
ctl alice group coadmin Sales carol
ok "carol (coadmin) creates c.txt" as carol "$PROBE" write "$D/c.txt" charlie
ok "carol (coadmin) mkdir cdir" as carol "$PROBE" mkdir "$D/cdir"
ok "carol (coadmin) creates in 'in' (add none)" as carol "$PROBE" write "$D/in/c.txt" x
ok "carol (coadmin) unlinks bob's out/p.txt (delete none)" as carol "$PROBE" unlink "$D/out/p.txt"
ok "carol (coadmin) removes bob's link bdir/a" as carol "$PROBE" unlink "$D/bdir/a"
ok "carol (coadmin) rmdir bob's bdir" as carol "$PROBE" rmdir "$D/bdir"
ok "carol: access(in, w)" as carol "$PROBE" access "$D/in" w
no "carol (coadmin) cannot write alice's a.txt" as carol "$PROBE" open "$D/a.txt" w
no "carol (coadmin) cannot truncate a.txt" as carol "$PROBE" truncate "$D/a.txt" 1
no "carol (coadmin) cannot rename a.txt within documents" as carol "$PROBE" rename "$D/a.txt" "$D/a3.txt"
no "carol: access(a.txt, w)" as carol "$PROBE" access "$D/a.txt" w
kept "  a.txt is unchanged" carol "$D/a.txt" alpha
check "carol (coadmin) sets rights" ctl carol rights set Sales documents/cdir --add dave
ok "dave (add by carol) creates in cdir" as dave "$PROBE" write "$D/cdir/d.txt" delta

# ---- a demoted co-administrator keeps rights granted by name ----
as alice "$PROBE" mkdir "$D/keep" >/dev/null
ctl alice rights set Sales documents/keep --add carol
ctl alice group uncoadmin Sales carol
ok "carol (demoted) still creates in keep (named)" as carol "$PROBE" write "$D/keep/k.txt" kilo
no "carol (demoted) cannot create in documents" as carol "$PROBE" write "$D/c2.txt" x
no "carol (demoted) cannot unlink keep/k.txt" as carol "$PROBE" unlink "$D/keep/k.txt"
no "carol (demoted) cannot unlink dave's cdir/d.txt" as carol "$PROBE" unlink "$D/cdir/d.txt"
kept "  cdir/d.txt is still there" carol "$D/cdir/d.txt" delta
ok "carol (demoted) still edits her c.txt" as carol "$PROBE" append "$D/c.txt" "!"
no "carol: access(documents, w)" as carol "$PROBE" access "$D" w
ok "carol: access(keep, w)" as carol "$PROBE" access "$D/keep" w
check "carol (demoted) cannot set rights" refuses ctl carol rights set Sales documents --add carol

# ---- all members, including those who join later ----
ctl alice rights set Sales documents --add --all-members
ok "dave (all members) creates" as dave "$PROBE" write "$D/d2.txt" x
ctl alice group invite Sales frank
ctl frank invitation accept Sales
ok "frank, who joined later, creates" as frank "$PROBE" write "$D/f.txt" foxtrot
ok "frank: access(documents, w)" as frank "$PROBE" access "$D" w
no "frank cannot create in cdir (own setting: dave)" as frank "$PROBE" write "$D/cdir/f.txt" x
no "frank cannot create in 'in' (own setting: none)" as frank "$PROBE" write "$D/in/f.txt" x
no "frank (no delete) cannot unlink his f.txt" as frank "$PROBE" unlink "$D/f.txt"
ctl alice rights set Sales documents --delete --all-members
ok "frank (delete all members) unlinks his f.txt" as frank "$PROBE" unlink "$D/f.txt"
ctl alice rights set Sales documents --add --none
ctl alice rights set Sales documents --delete --none

# ---- folder inheritance ----
as alice mkdir -p "$D/proj/sub/deep"
ctl alice rights set Sales documents/proj --add dave
ok "dave creates in proj" as dave "$PROBE" write "$D/proj/1" x
ok "dave creates in proj/sub (inherits proj)" as dave "$PROBE" write "$D/proj/sub/1" x
ok "dave creates in proj/sub/deep" as dave "$PROBE" mkdir "$D/proj/sub/deep/d"
no "dave cannot create in documents" as dave "$PROBE" write "$D/1" x
ok "dave: access(proj/sub, w)" as dave "$PROBE" access "$D/proj/sub" w
ctl alice rights set Sales documents/proj --add bob
no "dave cannot create in proj/sub once proj changes" as dave "$PROBE" write "$D/proj/sub/2" x
ok "bob creates in proj/sub/deep (follows proj)" as bob "$PROBE" write "$D/proj/sub/deep/2" x
ctl alice rights set Sales documents/proj/sub --add dave
ok "dave creates in proj/sub (own setting)" as dave "$PROBE" write "$D/proj/sub/3" x
ok "dave creates in proj/sub/deep (inherits sub)" as dave "$PROBE" write "$D/proj/sub/deep/3" x
no "bob cannot create in proj/sub/deep" as bob "$PROBE" write "$D/proj/sub/deep/4" x
no "dave: access(proj, w)" as dave "$PROBE" access "$D/proj" w
ctl alice rights set Sales documents/proj/sub --add --inherit
no "dave cannot create in sub after --inherit" as dave "$PROBE" write "$D/proj/sub/5" x
ok "bob creates in sub after --inherit" as bob "$PROBE" write "$D/proj/sub/5" x
ctl alice rights set Sales documents/proj --add --inherit
no "bob cannot create in proj after --inherit (documents: none)" as bob "$PROBE" write "$D/proj/6" x
absent "  proj/6 was not created" "$D/proj/6"
ctl alice rights set Sales documents/proj --delete dave
ok "dave deletes in proj/sub/deep (delete inherited)" as dave "$PROBE" unlink "$D/proj/sub/deep/2"
no "dave cannot delete in documents" as dave "$PROBE" unlink "$D/d2.txt"

# ---- single-account view: mode bits and access(2) for that account ----
V=$T/dave
mount_fs "$V" --as dave
same "dave's mount: proj is writable for him" "$("$PROBE" stat "$V/Sales/documents/proj" | awk '{print $4}')" 40755
same "dave's mount: documents is not" "$("$PROBE" stat "$V/Sales/documents" | awk '{print $4}')" 40555
no "dave's mount: access(documents, w)" "$PROBE" access "$V/Sales/documents" w
ok "dave's mount: access(proj, w)" "$PROBE" access "$V/Sales/documents/proj" w
umount_fs "$V"

# ---- calendar and contacts: add and delete per tool, edit per item ----
C=$M/Sales/calendar
K=$M/Sales/contacts
ics() {
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//groupfs tests//EN\r\n'
	printf 'BEGIN:VEVENT\r\nUID:%s@test\r\nDTSTAMP:20260101T000000Z\r\n' "$1"
	printf 'DTSTART:20260301T100000Z\r\nDTEND:20260301T110000Z\r\n'
	printf 'SUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' "$1"
}
vcf() {
	printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s@test\r\nFN:%s\r\n' "$1" "$1"
	printf 'N:%s;;;;\r\nEND:VCARD\r\n' "$1"
}
ok "alice adds an event" as alice "$PROBE" write "$C/e1.ics" "$(ics e1)"
no "bob cannot add an event" as bob "$PROBE" write "$C/e2.ics" "$(ics e2)"
absent "  e2.ics was not created" "$C/e2.ics"
no "bob cannot delete alice's event" as bob "$PROBE" unlink "$C/e1.ics"
no "bob: access(calendar, w)" as bob "$PROBE" access "$C" w
ctl alice rights set Sales calendar --add bob
ok "bob (add) adds an event" as bob "$PROBE" write "$C/e2.ics" "$(ics e2)"
ok "bob: access(calendar, w)" as bob "$PROBE" access "$C" w
no "bob cannot edit alice's event" as bob "$PROBE" open "$C/e1.ics" w
no "bob (no delete) cannot delete his event" as bob "$PROBE" unlink "$C/e2.ics"
no "dave cannot add an event" as dave "$PROBE" write "$C/e3.ics" "$(ics e3)"
no "alice cannot edit bob's event" as alice "$PROBE" open "$C/e2.ics" w
ctl alice rights set Sales calendar --delete --all-members
ok "dave (delete all members) deletes alice's event" as dave "$PROBE" unlink "$C/e1.ics"
absent "  e1.ics is gone" "$C/e1.ics"
ok "alice adds a contact" as alice "$PROBE" write "$K/c1.vcf" "$(vcf c1)"
no "bob cannot add a contact" as bob "$PROBE" write "$K/c2.vcf" "$(vcf c2)"
no "bob cannot delete alice's contact" as bob "$PROBE" unlink "$K/c1.vcf"
ok "  c1.vcf is still there" as bob "$PROBE" stat "$K/c1.vcf"
ctl alice rights set Sales contacts --add --all-members
ctl alice rights set Sales contacts --delete bob
ok "dave (add all members) adds a contact" as dave "$PROBE" write "$K/c3.vcf" "$(vcf c3)"
no "bob cannot edit dave's contact" as bob "$PROBE" append "$K/c3.vcf" x
ok "bob (delete) deletes dave's contact" as bob "$PROBE" unlink "$K/c3.vcf"
no "dave (no delete) cannot delete alice's contact" as dave "$PROBE" unlink "$K/c1.vcf"
ok "  c1.vcf is still there" as alice "$PROBE" stat "$K/c1.vcf"

check "groupctl check is clean" "$GROUPCTL" check
finish
