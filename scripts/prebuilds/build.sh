#!/usr/bin/env bash
# Builds the addons the package ships, each from the current sources, into
# prebuilds/<platform>-<arch>/ where node-gyp-build finds them, then checks
# them (check.js). `npm pack` runs it (prepack), so a tarball never depends
# on what an earlier build left in prebuilds/.
#   bash scripts/prebuilds/build.sh [TARGET...]
# TARGET, by default the three a Linux x64 machine builds:
#   linux-x64     prebuildify (node-gyp, N-API) with the host's g++
#   linux-arm64   the same with Debian's g++-aarch64-linux-gnu
#   win32-x64     the mingw-w64 cross-build (scripts/build-win32.sh), the very
#                 binary that the Wine suite tests
#   darwin-x64, darwin-arm64   prebuildify on a Mac of that arch (release.yml)
set -euo pipefail
cd "$(dirname "$0")/../.."

if (( $# == 0 )); then set -- linux-x64 linux-arm64 win32-x64; fi

for target in "$@"; do
  printf 'prebuilds: %s\n' "$target" >&2
  case $target in
    win32-x64) bash scripts/build-win32.sh ;;
    linux-x64 | linux-arm64 | darwin-x64 | darwin-arm64) bash scripts/prebuilds/gyp.sh "$target" ;;
    *) printf 'prebuilds: unknown target %s\n' "$target" >&2; exit 2 ;;
  esac
done

node scripts/prebuilds/check.js "$@"
