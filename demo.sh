#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what groupfs needs, builds it and creates the demo store (the
# example company of the groups FAQ) in ./demo-store, then shows it.
set -eu
cd "$(dirname "$0")"
./scripts/deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
export GROUPFS_STORE="$PWD/demo-store"
build/tools/groupctl demo --force "$GROUPFS_STORE"
echo
echo "Try: GROUPFS_STORE=$GROUPFS_STORE build/tools/groupctl --as claire.lambert group list"
