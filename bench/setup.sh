#!/usr/bin/env bash
# What npm run bench needs beyond node: wrk, the HTTP load generator the
# http scenarios drive (Debian's package), taskset (util-linux), which gives
# it a CPU of its own, and the two anchors every scenario is measured
# beside: the C loop (bench/anchor/loop.c, built with gcc) and Bun (npm's
# bun package, pinned, into .cache/bench). Linux only; elsewhere the bench
# prints why those columns are empty.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -s)" = Linux ] || exit 0
BUN_VERSION=1.4.5
if ! command -v wrk >/dev/null || ! command -v taskset >/dev/null || ! command -v gcc >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk util-linux gcc libc6-dev >/dev/null
fi
mkdir -p .cache/bench
if [ ! -x .cache/bench/loop ] || [ bench/anchor/loop.c -nt .cache/bench/loop ]; then
  gcc -O2 -Wall -Wextra -o .cache/bench/loop bench/anchor/loop.c
fi
if [ "$(.cache/bench/node_modules/.bin/bun --version 2>/dev/null)" != "$BUN_VERSION" ]; then
  npm install --prefix .cache/bench --no-save --no-audit --no-fund --loglevel=error "bun@$BUN_VERSION" >/dev/null
fi
