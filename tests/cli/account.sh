#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl account: add, list, show, edit, photo and remove, what each
# caller may see of an account, and JSON escaping of what people type.
source "$(dirname "$0")/lib.sh"

gctl init >/dev/null
printf 'correct horse\n' >"$TMP/pw"

assert_exit 0 gctl account add alice --first Alice --last Martin \
	--email alice@example.org --org "Martin & Co" --plan pro \
	--unix-user nobody --password-file "$TMP/pw"
assert_eq "" "$OUT$ERR" "account add prints nothing"
assert_exit 0 gctl account add bob --first Bob --last Durand \
	--email bob@example.org --unix-user 4242
assert_exit 0 add_account carol

assert_exit 0 gctl account list
assert_match "$OUT" '^USERNAME +NAME +ORGANIZATION +EMAIL +PLAN +UNIX_USER$'
assert_match "$OUT" '^alice +Alice Martin +Martin & Co +alice@example.org +pro +nobody$'
assert_match "$OUT" '^bob +Bob Durand +- +bob@example.org +free +4242$'
assert_eq 4 "$(wc -l <<<"$OUT")" "a header and three accounts"

assert_exit 0 gctl --json account list
assert_json 'sorted(a["username"] for a in d) == ["alice", "bob", "carol"]'
assert_json '[a for a in d if a["username"] == "alice"][0] == {"username": "alice", "first": "Alice", "last": "Martin", "org": "Martin & Co", "email": "alice@example.org", "plan": "pro", "unix_uid": 65534, "unix_user": "nobody", "has_password": True, "created": d[0]["created"], "photo_type": None, "photo_size": None}' \
	"alice in JSON, as the operator sees her"
assert_json 'all(isinstance(a["created"], int) and a["created"] > 0 for a in d)'
assert_json '[a for a in d if a["username"] == "bob"][0]["unix_user"] == "4242"'
assert_json '[a for a in d if a["username"] == "carol"][0]["unix_uid"] is None'

assert_exit 0 gctl account show alice
assert_match "$OUT" '^username: alice$'
assert_match "$OUT" '^first name: Alice$'
assert_match "$OUT" '^organization: Martin & Co$'
assert_match "$OUT" '^plan: pro$'
assert_match "$OUT" '^unix user: nobody$'
assert_match "$OUT" '^password: set$'
assert_match "$OUT" '^photo: none$'
assert_exit 0 gctl account show bob --json
assert_json 'd["has_password"] is False and d["plan"] == "free" and d["unix_uid"] == 4242'

# Refusals name the rule.
assert_refused "the username alice is taken" add_account alice
assert_refused "invalid username 'Dave'" add_account Dave
assert_refused "invalid username" add_account 9lives
assert_refused "invalid username|at most 32 bytes" add_account "d$(printf 'x%.0s' {1..32})"
assert_exit 0 add_account "d$(printf 'x%.0s' {1..31})"
assert_exit 0 add_account "d.a_v-e9"
gctl account remove "d$(printf 'x%.0s' {1..31})"
gctl account remove "d.a_v-e9"
assert_refused "invalid email address" gctl account add dave --first D \
	--last E --email not-an-address
assert_refused "no plan named nosuch" add_account dave nosuch
assert_refused "no account named ghost" gctl account show ghost
assert_refused "." gctl account add dave --first D --last E \
	--email dave@example.org --unix-user nobody
assert_refused "at most 128 bytes" gctl account add dave --first \
	"$(printf 'x%.0s' {1..200})" --last E --email dave@example.org

# Editing: the account itself or the operator; plan and Unix user are the
# operator's.
assert_exit 0 gctl account edit alice --org "" --last Martin-Roux
assert_exit 0 gctl --json account show alice
assert_json 'd["org"] == "" and d["last"] == "Martin-Roux" and d["first"] == "Alice"'
assert_exit 0 gctl account edit bob --no-unix-user --plan entry
assert_exit 0 gctl --json account show bob
assert_json 'd["unix_uid"] is None and d["plan"] == "entry"'
assert_exit 0 gctl --as bob account edit bob --email bob@durand.example
assert_refused "only the account itself or the store operator may edit it" \
	gctl --as bob account edit alice --first Mallory
assert_refused "only the store operator may change an account's plan" \
	gctl --as bob account edit bob --plan ultra
assert_exit 0 gctl --as bob account edit bob --password-file - <<<"s3cret"
assert_exit 0 gctl --json account show bob
assert_json 'd["has_password"] is True'
assert_exit 0 gctl account edit bob --no-password
assert_exit 0 gctl --json account show bob
assert_json 'd["has_password"] is False'
assert_refused "only the store operator may add accounts" \
	gctl --as bob account add eve --first E --last V --email e@example.org
assert_refused "$TMP/missing: No such file" gctl account edit bob \
	--password-file "$TMP/missing"

# What others see: nothing of a stranger, the profile of a co-member.
assert_refused "no account named alice|alice" gctl --as carol account show alice
assert_exit 0 gctl --as carol --json account list
assert_json '[a["username"] for a in d] == ["carol"]' "a stranger sees only themself"
gctl --as alice group create team >/dev/null
gctl --as alice group invite team carol
gctl --as carol invitation accept team
assert_exit 0 gctl --as carol --json account show alice
assert_json 'd["email"] == "alice@example.org" and d["plan"] is None and d["unix_uid"] is None and d["has_password"] is None and d["created"] is None' \
	"a co-member sees the profile only"
assert_exit 0 gctl --as carol account show alice
assert_match "$OUT" '^email: alice@example.org$'
assert_not_contains "$OUT" "plan:"
assert_not_contains "$OUT" "unix user:"
assert_exit 0 gctl --as carol account list
assert_match "$OUT" '^alice +Alice Martin-Roux +- +alice@example.org +- +-$'

# Photos: JPEG or PNG, at most 1 MiB, from a file or standard input.
"$PY" - "$TMP" <<'PY'
import struct, sys, zlib
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
open(sys.argv[1] + "/a.png", "wb").write(png)
open(sys.argv[1] + "/b.jpg", "wb").write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100 + b"\xff\xd9")
open(sys.argv[1] + "/big.png", "wb").write(png + b"\x00" * (1024 * 1024))
open(sys.argv[1] + "/c.txt", "w").write("not an image\n")
PY
assert_exit 0 gctl account photo alice "$TMP/a.png"
assert_exit 0 gctl --json account show alice
assert_json 'd["photo_type"] == "image/png" and d["photo_size"] == '"$(stat -c %s "$TMP/a.png")"
assert_exit 0 gctl account show alice
assert_match "$OUT" '^photo: image/png, '
assert_exit 0 gctl --as carol --json group members team
assert_json '[m for m in d if m["username"] == "alice"][0]["photo_type"] == "image/png"' \
	"co-members see that there is a photo"
assert_exit 0 gctl --as bob account photo bob - <"$TMP/b.jpg"
assert_exit 0 gctl --json account show bob
assert_json 'd["photo_type"] == "image/jpeg"'
assert_refused "JPEG or PNG" gctl account photo alice "$TMP/c.txt"
assert_refused "1 MiB" gctl account photo alice "$TMP/big.png"
assert_refused "JPEG or PNG" gctl account photo alice /dev/null
assert_refused "only the account itself or the store operator" \
	gctl --as carol account photo alice "$TMP/a.png"
assert_exit 0 gctl account photo alice --clear
assert_exit 0 gctl --json account show alice
assert_json 'd["photo_type"] is None and d["photo_size"] is None'

# JSON escapes whatever people type.
name=$'Zo\u00eb "Q" back\\slash'
assert_exit 0 gctl account add zoe --first "$name" --last "O'Neil <b>" \
	--email zoe@example.org --org $'\u65e5\u672c'
assert_exit 0 gctl --json account show zoe
assert_json 'd["first"] == "Zo\u00eb \"Q\" back\\slash"' "quotes, backslashes and UTF-8 survive JSON"
assert_json 'd["org"] == "\u65e5\u672c" and d["last"] == "O\x27Neil <b>"'
run gctl --json account list
assert_json 'len(d) == 4'

# Removing: the operator only, never an administrator.
assert_refused "only the store operator may remove accounts" \
	gctl --as bob account remove carol
assert_refused "alice administers the group team" gctl account remove alice
assert_exit 0 gctl account remove carol
assert_refused "no account named carol" gctl account show carol
assert_exit 0 gctl --as alice --json group members team
assert_json '[m["username"] for m in d] == ["alice"]' "a removed account leaves its groups"

finish
