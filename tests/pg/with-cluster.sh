#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run a command with a throwaway PostgreSQL cluster (cluster.sh), its
# connection string in GROUPFS_TEST_PG, and the cluster torn down after,
# whatever the command did.  The unit tests' fixture then makes each case's
# store on PostgreSQL, in a database of its own.
#
#   tests/pg/with-cluster.sh COMMAND [ARG...]
#
# Exit status: the command's; 77 (skip) when there is no PostgreSQL server
# to run (cluster.sh's own 77).
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/gpg.XXXXXX) || exit 1
trap '"$here/cluster.sh" stop "$dir"' EXIT INT TERM
conninfo=$("$here/cluster.sh" start "$dir")
rc=$?
if [ $rc -ne 0 ]; then
	exit $rc
fi
GROUPFS_TEST_PG=$conninfo
export GROUPFS_TEST_PG
"$@"
