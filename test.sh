#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds groupfs and runs the whole test suite (unit, groupctl end-to-end).
# Run as root: the tests create Unix users and mount filesystems.
#   BUILD=dir          build directory (default: build)
#   MESON_ARGS="..."   extra meson setup options (e.g. -Db_sanitize=...)
set -eu
cd "$(dirname "$0")"
BUILD=${BUILD:-build}
./scripts/deps.sh
if [ ! -f "$BUILD/build.ninja" ]; then
	# shellcheck disable=SC2086
	meson setup "$BUILD" ${MESON_ARGS:-}
fi
ninja -C "$BUILD"
meson test -C "$BUILD" --print-errorlogs --num-processes 2
