#!/usr/bin/env bash
# prebuildify --napi for one target, into prebuilds/TARGET/. It runs in a
# copy of the sources under build/prebuild/TARGET/, since node-gyp's rebuild
# would otherwise wipe build/ and with it the cmake-js build `npm test` keeps.
#   bash scripts/prebuilds/gyp.sh linux-x64 | linux-arm64 | darwin-x64 | darwin-arm64
# A target of the host's own platform and arch uses its compiler; linux-arm64
# on Linux x64 uses Debian's cross compilers (g++-aarch64-linux-gnu).
# Linux builds are tagged glibc (winsock.glibc.node): node-gyp-build then does
# not load them on musl, where `npm install` compiles from source instead.
set -euo pipefail
cd "$(dirname "$0")/../.."

target=${1:?usage: gyp.sh TARGET}
platform=${target%-*}
arch=${target#*-}
host="$(node -p 'process.platform + "-" + process.arch')"
log() { printf 'prebuilds/gyp: %s\n' "$*" >&2; }

cross=()
if [[ $target != "$host" ]]; then
  if [[ $target != linux-arm64 || $host != linux-x64 ]]; then
    log "cannot build $target on $host"; exit 1
  fi
  command -v aarch64-linux-gnu-g++ >/dev/null ||
    { log "$target needs Debian's g++-aarch64-linux-gnu (apt-get install g++-aarch64-linux-gnu)"; exit 1; }
  cross=(CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++
         AR=aarch64-linux-gnu-ar PREBUILD_STRIP_BIN=aarch64-linux-gnu-strip)
fi
tags=()
if [[ $platform == linux ]]; then tags=(--tag-libc); fi

# node-gyp takes the headers from nodedir when npm's config names one (as on
# machines without access to nodejs.org); npm passes it only to its scripts.
if [[ -z ${npm_config_nodedir:-} ]]; then
  nodedir="$(npm config get nodedir 2>/dev/null || true)"
  if [[ -n $nodedir && $nodedir != undefined && -d $nodedir ]]; then export npm_config_nodedir=$nodedir; fi
fi

# node-gyp compiles one file at a time unless JOBS says otherwise.
export JOBS=${JOBS:-max}

stage=build/prebuild/$target
rm -rf "$stage"
mkdir -p "$stage"
cp -R binding.gyp package.json native "$stage/"
# --target: the headers of the Node that runs this (or nodedir's), not of the
# newest Node that prebuildify knows; with --napi the file is not tagged by it.
prebuildify="$PWD/node_modules/.bin/prebuildify"
# (${a[@]+"${a[@]}"}: macOS's bash 3.2 calls an empty array unbound under set -u.)
(cd "$stage" && env ${cross[@]+"${cross[@]}"} "$prebuildify" --napi --strip --arch "$arch" \
   ${tags[@]+"${tags[@]}"} --target "$(node -p process.versions.node)")

rm -rf "prebuilds/$target"
mkdir -p prebuilds
mv "$stage/prebuilds/$target" "prebuilds/$target"
log "prebuilds/$target: $(ls "prebuilds/$target")"
