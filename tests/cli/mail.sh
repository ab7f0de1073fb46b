#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The invitation mail groupctl hands to sendmail(8) (SPEC.md section 7),
# caught by a stand-in sendmail that keeps its arguments and its input:
# the envelope sender, and a subject in RFC 2047 encoded words that each
# hold whole UTF-8 characters, so every mail reader decodes it.  The real
# MTA and the failures of sendmail are tests/mount/mta.sh's.
source "$(dirname "$0")/lib.sh"

gctl init >/dev/null
add_account alice pro
add_account bob
cat >"$TMP/sendmail" <<EOS
#!/bin/sh
printf '%s\n' "\$@" >"$TMP/args"
cat >"$TMP/letter"
EOS
chmod 755 "$TMP/sendmail"
assert_exit 0 gctl store set --mail-from groupfs@example.org \
	--sendmail "$TMP/sendmail"

# A name whose characters are 2, 3 and 4 bytes long: the encoded words of
# the subject are cut every 30 bytes or less, and some cut falls inside one.
G='Équipe été à Zürich — 日本語の会 🎉 ñandú'
assert_exit 0 gctl --as alice group create "$G"
assert_exit 0 gctl --as alice group invite "$G" bob
assert_eq "" "$ERR" "the invitation is mailed without a warning"
assert_eq "-t -i -f groupfs@example.org" "$(tr '\n' ' ' <"$TMP/args" | sed 's/ $//')" \
	"sendmail -t -i -f: bounces go back to the store's sender"

check_subject() {
	"$PY" - "$TMP/letter" "$G" <<'EOP'
import email, email.header, re, sys
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw)
subject = msg["Subject"]
words = re.findall(r"=\?UTF-8\?B\?([^?]*)\?=", subject)
assert len(words) > 2, subject
import base64
for w in words:
    b = base64.b64decode(w)
    b.decode("utf-8")  # each word holds whole characters
    assert len("=?UTF-8?B?" + w + "?=") <= 75
got = str(email.header.make_header(email.header.decode_header(subject)))
want = "Invitation to join the group " + sys.argv[2]
assert got == want, (got, want)
EOP
}
if out=$(check_subject 2>&1); then
	ok "each encoded word of the subject is whole UTF-8, and it decodes to the group's name"
else
	not_ok "the subject's encoded words: $out"
	sed -n '1,12p' "$TMP/letter"
fi

finish
