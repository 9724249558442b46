# Sourced by run-node.sh and test-win32.sh: the environment the Windows
# node.exe needs under Wine, and a runner that keeps its output off pipes.
# shellcheck shell=bash

WIN32_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WIN32_CACHE="$WIN32_ROOT/.cache/win32"
WIN32_NODE="$WIN32_CACHE/node.exe"

# Wine wants an absolute prefix path.
export WINEPREFIX="$WIN32_CACHE/prefix"
# WINSOCK_WINEDEBUG=+winsock (say) to see Wine's own trace.
export WINEDEBUG="${WINSOCK_WINEDEBUG:--all}"
# winedbg disabled: a crash then exits non-zero instead of 0 through the
# debugger. mscoree/mshtml disabled: a prefix update never asks to install
# Mono or Gecko.
export WINEDLLOVERRIDES='winedbg.exe=d;mscoree=d;mshtml=d'
# node-gyp-build prefers build/Release over prebuilds/; a Linux build there
# would be picked up by node.exe and fail to load.
export PREBUILDS_ONLY=1

WIN32_NODE_PID=

# Keep one wineserver for the whole run (mocha may start more node.exe
# processes), and stop it and anything still running when the script ends.
# One run per prefix at a time: `wineserver -k` ends every process in it.
win32_start() {
  wineserver -p
  trap win32_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # Wine's own system processes (services.exe, winedevice.exe, ...) start
  # with the first program of a wineserver and keep its standard error:
  # started here, their crashes go to a log of their own, not to node.exe's,
  # where win32_node would count them as node.exe's (seen: a page fault in
  # ntoskrnl.exe, which only winedevice.exe loads, failed a test whose
  # node.exe had done its work).
  wine cmd /c exit </dev/null >"$WIN32_CACHE/system-processes.log" 2>&1 || true
}

win32_stop() {
  if [[ -n $WIN32_NODE_PID ]]; then kill "$WIN32_NODE_PID" 2>/dev/null || true; fi
  wineserver -k 2>/dev/null || true
}

# win32_node LOG ARGS...: runs node.exe ARGS under Wine and returns its exit
# code. node.exe under Wine throws EBADF when stdout is a pipe or FIFO, so its
# output goes to the regular file LOG, which is streamed to our stdout.
win32_node() {
  local log=$1 rc=0
  shift
  mkdir -p "$(dirname "$log")"
  : >"$log"  # exists before tail opens it, whenever wine gets to it
  wine "$WIN32_NODE" "$@" </dev/null >"$log" 2>&1 &
  WIN32_NODE_PID=$!
  tail -n +1 -s 0.2 -f --pid="$WIN32_NODE_PID" "$log" || true
  wait "$WIN32_NODE_PID" || rc=$?
  WIN32_NODE_PID=
  # A crash Wine reports may still end with exit code 0.
  if grep -q 'wine: Unhandled' "$log"; then
    echo "win32: Wine reported an unhandled exception (see $log)" >&2
    (( rc != 0 )) || rc=1
  fi
  return "$rc"
}
