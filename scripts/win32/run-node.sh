#!/usr/bin/env bash
# Runs a script with the Windows node.exe under Wine, e.g.
#   bash scripts/win32/run-node.sh examples/demo.js
#   bash scripts/win32/run-node.sh bench/run.js
# Arguments go to node.exe as they are; relative paths resolve against the
# current directory. Output is also kept in .cache/win32/run-node.log
# (WINSOCK_WIN32_LOG to change). Exits with node's exit code.
# It first brings up to date what node.exe loads, both builds incremental:
# the win32-x64 addon (build-win32.sh) and dist/ (tsc). WINSOCK_SKIP_BUILD=1
# skips that.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [[ ${WINSOCK_SKIP_BUILD:-} == 1 ]]; then
  bash "$here/setup.sh"
else
  [[ -x $root/node_modules/.bin/tsc ]] ||
    { echo "run-node: no node_modules/ in $root: run 'npm ci' there first" >&2; exit 1; }
  bash "$root/scripts/build-win32.sh"
  (cd "$root" && node_modules/.bin/tsc -p tsconfig.json)
fi
# shellcheck source=wine-env.sh
source "$here/wine-env.sh"

win32_start
rc=0
win32_node "${WINSOCK_WIN32_LOG:-$WIN32_CACHE/run-node.log}" "$@" || rc=$?
exit "$rc"
