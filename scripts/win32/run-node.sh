#!/usr/bin/env bash
# Runs a script with the Windows node.exe under Wine, e.g.
#   bash scripts/win32/run-node.sh examples/demo.js
#   bash scripts/win32/run-node.sh bench/run.js
# Arguments go to node.exe as they are; relative paths resolve against the
# current directory. Output is also kept in .cache/win32/run-node.log
# (WINSOCK_WIN32_LOG to change). Exits with node's exit code.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

bash "$here/setup.sh"
# shellcheck source=wine-env.sh
source "$here/wine-env.sh"

win32_start
rc=0
win32_node "${WINSOCK_WIN32_LOG:-$WIN32_CACHE/run-node.log}" "$@" || rc=$?
exit "$rc"
