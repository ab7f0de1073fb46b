#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzzed requests to groupfs-web: random and hostile request lines, paths
# (dot segments, escapes, slashes, bytes of every value, long names) and
# headers (Range, If-Range, If-None-Match, If-Modified-Since, junk), raw
# over sockets.  The daemon must answer each or close, never crash (the
# sanitizer build aborts on a memory error), never send a byte of what is
# outside the link, and keep serving.  A fixed seed: a failure repeats.
source "$(dirname "$0")/lib.sh"

run gctl demo "$GROUPFS_STORE"
assert_rc 0 "the demo store"
tree Staff mkdir documents/pub
tree Staff mkdir documents/pub/sub
printf 'inside\n' | tree Staff put documents/pub/a.txt
printf 'deeper\n' | tree Staff put documents/pub/sub/b.txt
printf 'TOPSECRET-OUTSIDE\n' | tree Staff put documents/secret.txt
tree Staff symlink documents/pub/out ../secret.txt
tree Staff symlink documents/pub/loop loop
tree Staff symlink documents/pub/sub/back ..
web_start fuzz --threads 4
PUB=$(link Staff documents/pub)
FILE=$(link Staff documents/pub/a.txt)
CAL=$(link Staff calendar)

run "$PY" - 127.0.0.1 "$PORT_fuzz" "$PUB" "$FILE" "$CAL" <<'EOP'
import random, socket, sys

host, port, pub, file, cal = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
rnd = random.Random(20261205)
pieces = ["..", ".", "%2e%2e", "%2E%2e", "%2f", "%2F", "%00", "%", "%zz",
          "a.txt", "sub", "b.txt", "out", "loop", "back", "secret.txt",
          "/", "//", "\\", "..%2f", "%252e%252e", "\u00e9".encode().decode(),
          "x" * 300, "%ff%fe", ";", "?q=1", "#frag", "*", "~"]
tokens = [pub, file, cal, pub[:-1] + "A", "", "x" * 32, pub + pub]
methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE",
           "CONNECT", "G\x00T", "get", "X" * 40]
headers = ["Range: bytes=%d-%d", "Range: bytes=-%d", "Range: bytes=%d-",
           "Range: bytes=0-1,%d-%d", "Range: %d", "Range: bytes=-0",
           "Range: bytes=99999999999999999999999-", "If-Range: \"x\"",
           "If-None-Match: *", "If-None-Match: W/\"%d\", \"x\"",
           "If-Modified-Since: %d", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT",
           "If-Range: Thu, 01 Jan 2099 00:00:00 GMT", "Accept-Encoding: gzip",
           "X-Junk: " + "y" * 5000, "Content-Length: 5", "Transfer-Encoding: chunked",
           "Host:", ": novalue", "Expect: 100-continue"]

def fill(h):
    n = h.count("%d")
    return h % tuple(rnd.randrange(-5, 5000) for _ in range(n))

def request():
    valid = ["a.txt", "sub", "b.txt", "back", "sub/b.txt"]
    comps = [rnd.choice(valid if rnd.random() < 0.5 else pieces)
             for _ in range(rnd.randrange(0, 5))]
    path = "/l/" + rnd.choice(tokens) + "/" * rnd.randrange(0, 2) + "/".join(comps)
    garbage = False
    if rnd.random() < 0.1:
        path = "".join(chr(rnd.randrange(1, 256)) for _ in range(rnd.randrange(1, 60)))
        garbage = True
    r = rnd.random()
    method = "GET" if r < 0.6 else "HEAD" if r < 0.75 else rnd.choice(methods)
    line = "%s %s HTTP/1.%d" % (method, path, rnd.randrange(0, 2))
    hs = ["Host: 127.0.0.1", "Connection: close"] + \
        [fill(rnd.choice(headers)) for _ in range(rnd.randrange(0, 4))]
    raw = (line + "\r\n" + "\r\n".join(hs) + "\r\n\r\n").encode("latin-1", "replace")
    # The body a request announces, sent: the answer comes at once.
    if "Transfer-Encoding: chunked" in hs:
        raw += b"5\r\nabcde\r\n0\r\n\r\n"
    elif "Content-Length: 5" in hs:
        raw += b"abcde"
    if rnd.random() < 0.05:
        raw = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400)))
        garbage = True
    return raw, garbage

statuses = {}
for i in range(3000):
    raw, garbage = request()
    s = socket.create_connection((host, port), timeout=2)
    try:
        # A well-formed request ends with "Connection: close" and no
        # half-close (libmicrohttpd drops a request whose client shut
        # its side before the answer); garbage is followed by EOF.
        s.sendall(raw)
        if garbage:
            s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, BrokenPipeError):
        data = b""
    except TimeoutError:
        # A request cut short (no end of headers, or a body announced
        # and not sent) waits for the connection's timeout: that is all
        # it may cost.
        if b"\r\n\r\n" in raw and b"Content-Length" not in raw and \
                b"Transfer-Encoding" not in raw:
            print("no answer to", raw[:300])
            sys.exit(1)
        data = b"timeout"
    finally:
        s.close()
    while data.startswith(b"HTTP/1.1 100") and b"\r\n\r\n" in data:
        data = data.split(b"\r\n\r\n", 1)[1]   # an interim answer
    if b"TOPSECRET" in data:
        print("LEAK on", raw[:200])
        sys.exit(1)
    st = data[9:12].decode("latin-1") if data.startswith(b"HTTP/1.") else \
        "timeout" if data == b"timeout" else "closed"
    statuses[st] = statuses.get(st, 0) + 1
    if st not in ("200", "206", "301", "304", "400", "404", "405", "413",
                  "414", "416", "417", "431", "501", "505", "closed",
                  "timeout"):
        print("unexpected status", st, "for", raw[:200])
        sys.exit(1)
print("statuses:", sorted(statuses.items()))
EOP
assert_rc 0 "3000 fuzzed requests: no leak, no unexpected status"
echo "$OUT" | sed 's/^/    /'
http "http://127.0.0.1:$PORT_fuzz/l/$FILE"
assert_eq "200 inside" "$CODE $BODY" "the daemon still serves after the fuzz"
http "http://127.0.0.1:$PORT_fuzz/l/$PUB/loop"
assert_eq 404 "$CODE" "a symbolic link loop: 404"
http "http://127.0.0.1:$PORT_fuzz/l/$PUB/sub/back/sub/back/a.txt"
assert_eq "200 inside" "$CODE $BODY" "a symbolic link back up, inside: followed"
http "http://127.0.0.1:$PORT_fuzz/l/$PUB/sub/back/out"
assert_eq 404 "$CODE" "... but never out"
web_stop fuzz
finish
