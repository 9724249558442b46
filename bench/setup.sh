#!/usr/bin/env bash
# What npm run bench needs beyond node: wrk, the HTTP load generator the
# http scenarios drive (Debian's package), and taskset (util-linux), which
# gives it a CPU of its own.
set -euo pipefail
if ! command -v wrk >/dev/null || ! command -v taskset >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk util-linux >/dev/null
fi
