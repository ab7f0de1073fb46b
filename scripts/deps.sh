#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages groupfs builds, runs and tests with.
# Does nothing when they are all there already.
set -eu
# Build: gcc meson ninja-build pkg-config and the four libraries' -dev
# packages.  Run: fuse3 (fusermount3, mount.fuse3), tzdata (time zones of
# calendar events).  Tests: util-linux (setpriv, findmnt), passwd (useradd),
# python3, rsync, git, tar, and the calendar and contact clients the mount
# tests drive: khal, khard, vdirsyncer.  Users: attr (getfattr, setfattr)
# and libglib2.0-bin (gio), for the attributes and trash of the mount;
# man-db (man) and systemd (systemd-analyze, systemd-escape) for the
# installed man pages and unit.  groupfs-web: libmicrohttpd-dev (its HTTP
# library, with TLS through GnuTLS) and media-types (/etc/mime.types);
# its tests and benchmark: curl, openssl (a self-signed certificate),
# apache2-utils (ab).  The file managers' trash (tests/mount/gio_trash.sh):
# gvfs (gvfsd-trash, behind gio's trash:// listing, restore and empty) and
# dbus-daemon (dbus-run-session, the session bus gvfs needs).  The shared
# mailbox (tests/mount/mail.sh, mutt.sh, neomutt.sh, mta.sh): the mail
# clients mblaze, notmuch, mutt and neomutt (driven in tmux), and Exim
# (exim4-daemon-light), the MTA the test starts on loopback.  PostgreSQL:
# libpq-dev (the engine for stores shared by several machines) and
# postgresql (the server its tests start a throwaway cluster of).
PKGS="gcc meson ninja-build pkg-config libfuse3-dev liburing-dev fuse3 libsqlite3-dev
libsodium-dev libssl-dev libical-dev libpq-dev postgresql tzdata python3
util-linux passwd sqlite3 rsync git
tar khal khard vdirsyncer attr libglib2.0-bin man-db systemd
libmicrohttpd-dev media-types curl openssl apache2-utils gvfs dbus-daemon
mblaze notmuch mutt neomutt tmux exim4-daemon-light"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Exim is only for the tests, which start their own on loopback: no system
# MTA configured, so its package neither runs a daemon on port 25 nor fails
# to install where services cannot start.
echo 'exim4-config exim4/dc_eximconfig_configtype select no configuration at this time' |
	debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
