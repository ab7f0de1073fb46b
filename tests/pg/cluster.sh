#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A throwaway PostgreSQL cluster for the tests.
#
#   tests/pg/cluster.sh start DIR   initdb in DIR, start the server on a
#                                   Unix socket in DIR (no TCP), create the
#                                   database groupfs; prints its conninfo
#   tests/pg/cluster.sh stop DIR    stop the server, remove DIR; always
#                                   safe, whatever state DIR is in
#   tests/pg/cluster.sh pause DIR   stop the server, keeping its data
#   tests/pg/cluster.sh crash DIR   kill it as a power cut would
#   tests/pg/cluster.sh resume DIR  start it again
#   tests/pg/cluster.sh createdb DIR NAME
#                                   another database; prints its conninfo
#
# As root the cluster runs as the user postgres (which Debian's postgresql
# package makes; initdb refuses root); otherwise as the caller.  The
# database is SQL_ASCII with the C locale, as a store's should be (names
# are bytes, backend/pg/schema.c).  fsync stays on: the tests of crashes
# rely on it.  Exit status 77: no PostgreSQL server binaries (the tests
# skip); PG_BIN=DIR overrides where they are looked for.
set -eu

usage() {
	echo "usage: $0 start|stop|pause|crash|resume DIR | createdb DIR NAME" >&2
	exit 2
}
[ $# -ge 2 ] || usage
cmd=$1
dir=$2

if [ -n "${PG_BIN:-}" ]; then
	bin=$PG_BIN
else
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi

run() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=postgres --regid=postgres --init-groups \
			--reset-env -- "$@"
	else
		"$@"
	fi
}

stop() {
	if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
		run "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop \
			>/dev/null 2>&1 || true
	fi
	# A server pg_ctl could not stop (it lost its data directory):
	# its pid is the first line of postmaster.pid.
	if [ -f "$dir/data/postmaster.pid" ]; then
		pid=$(head -n 1 "$dir/data/postmaster.pid")
		case $pid in
		'' | *[!0-9]*) ;;
		*) kill -9 "$pid" 2>/dev/null || true ;;
		esac
	fi
	rm -rf "$dir"
}

case $cmd in
start)
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
		echo "$0: no PostgreSQL server binaries" \
			"(/usr/lib/postgresql/*/bin; Debian: postgresql)" >&2
		exit 77
	fi
	# The socket's path must fit sockaddr_un (107 bytes).
	if [ ${#dir} -gt 80 ]; then
		echo "$0: $dir: too long for a socket's directory" >&2
		exit 2
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || {
			echo "$0: no user postgres to run the server as" >&2
			exit 2
		}
		chown postgres: "$dir"
	fi
	# Open to every local user (the tests act as several); the data
	# directory below stays the server's own (0700, initdb's rule).
	chmod 755 "$dir"
	trap 'stop' EXIT
	run "$bin/initdb" -D "$dir/data" -U groupfs --auth=trust \
		--encoding=SQL_ASCII --locale=C --no-instructions \
		>"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
max_connections = 60
max_locks_per_transaction = 256
shared_buffers = 32MB
logging_collector = off
EOF
	run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
		>/dev/null || {
		cat "$dir/server.log" >&2
		exit 1
	}
	run "$bin/createdb" -h "$dir" -U groupfs groupfs
	trap - EXIT
	echo "host=$dir dbname=groupfs user=groupfs"
	;;
stop)
	stop
	;;
pause)
	# The server goes away (as a restart or a network cut looks to
	# its clients); resume brings it back on the same data.
	run "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
	;;
crash)
	# The server dies as on a power cut: no checkpoint, what was not
	# flushed to its WAL is lost (resume recovers the rest).
	run "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null
	;;
resume)
	run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
		>/dev/null
	;;
createdb)
	# A second database in the cluster: its conninfo.
	name=${3:?usage: $0 createdb DIR NAME}
	run "$bin/createdb" -h "$dir" -U groupfs "$name"
	echo "host=$dir dbname=$name user=groupfs"
	;;
*)
	usage
	;;
esac
