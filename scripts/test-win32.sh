#!/usr/bin/env bash
# Runs the mocha suite with the Windows node.exe under Wine, against the
# win32-x64 addon in prebuilds/. Extra arguments go to mocha, e.g.
#   bash scripts/test-win32.sh test/win32/oob.test.js
# WINSOCK_SKIP_BUILD=1 skips the cross-build. The TypeScript must be compiled
# first (npm run build:ts; it is the same on every platform).
# Output is also kept in .cache/win32/test.log (WINSOCK_WIN32_LOG to change).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${WINSOCK_SKIP_BUILD:-} == 1 ]]; then
  bash scripts/win32/setup.sh
else
  bash scripts/build-win32.sh
fi

if [[ ! -d dist ]]; then
  echo "test-win32: dist/ is missing; run 'npm run build:ts' first" >&2
  exit 1
fi

# shellcheck source=win32/wine-env.sh
source scripts/win32/wine-env.sh
# The reporter then labels its summary line "wine: N passed, ...".
export WINSOCK_SUITE=wine

# With no file named, the whole suite (.mocharc.json's spec), as `npm test`
# runs it on Linux; with files, only those (mocha would add them to the spec).
config=()
for arg in "$@"; do
  if [[ -e $arg || $arg == *.js ]]; then config=(--config test/support/files.mocharc.js); fi
done

win32_start
rc=0
win32_node "${WINSOCK_WIN32_LOG:-$WIN32_CACHE/test.log}" node_modules/mocha/bin/mocha.js "${config[@]}" "$@" || rc=$?
exit "$rc"
