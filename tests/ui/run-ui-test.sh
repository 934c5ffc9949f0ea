#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs one ui test under its own D-Bus session and X server, as GTK's CI does:
#   run-ui-test.sh TEST-EXECUTABLE [ARGS...]
# Without xvfb-run or dbus-run-session the test is skipped: as a TAP plan ("1..0 # SKIP") when
# meson asked for TAP (--tap among the arguments), otherwise with exit status 77.
set -eu

skip() {
  for arg in "$@"; do
    if [ "$arg" = "--tap" ]; then
      echo "1..0 # SKIP $SKIP_REASON"
      exit 0
    fi
  done
  echo "SKIP: $SKIP_REASON" >&2
  exit 77
}

for tool in xvfb-run dbus-run-session; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    SKIP_REASON="$tool is not installed"
    skip "$@"
  fi
done

exec dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" "$@"
