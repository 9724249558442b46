#!/usr/bin/env bash
# Cross-compiles the addon for win32-x64 with mingw-w64, linking against the
# Node-API exports of the official Windows node.exe, into
#   prebuilds/win32-x64/winsock.node
# the name prebuildify --napi gives it and node-gyp-build loads on win32-x64.
#
# Sources: native/*.cc and native/win/*.cc. Objects go to build/win32/obj/ and
# are rebuilt only when a source, a header it includes or the flags changed.
# Overrides (used to build a stand-alone addon through this same path):
#   WINSOCK_WIN32_SOURCES  space-separated .cc files instead of the globs
#   WINSOCK_WIN32_OUT      output .node file
#   WINSOCK_WIN32_OBJDIR   object directory
#   WINSOCK_WIN32_CXXFLAGS extra compiler flags
#   WINSOCK_JOBS           parallel compiles (default: number of CPUs)
#   WINSOCK_VERBOSE=1      print the command lines
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/win32/setup.sh

CXX=x86_64-w64-mingw32-g++-posix
LIBNODE=.cache/win32/libnode.a
OUT="${WINSOCK_WIN32_OUT:-prebuilds/win32-x64/winsock.node}"
OBJDIR="${WINSOCK_WIN32_OBJDIR:-build/win32/obj}"
JOBS="${WINSOCK_JOBS:-$(nproc 2>/dev/null || echo 2)}"

log() { printf 'build-win32: %s\n' "$*" >&2; }

if [[ -n ${WINSOCK_WIN32_SOURCES:-} ]]; then
  read -r -a SOURCES <<<"$WINSOCK_WIN32_SOURCES"
else
  shopt -s nullglob
  SOURCES=(native/*.cc native/win/*.cc)
  shopt -u nullglob
fi
(( ${#SOURCES[@]} > 0 )) || { log "no sources (native/*.cc, native/win/*.cc)"; exit 1; }

# native/win/ needs no libuv, as under MSVC (whose import library, from
# node-api-headers' node_api.def, has no uv_*; and Windows Node ships no uv.h):
# Node-API's headers are all it compiles against.
NAPI_INCLUDE="$(node -p "require('node-api-headers').include_dir")"
ADDON_API_INCLUDE="$(node -p "require('node-addon-api').include_dir")"

extra=()
if [[ -n ${WINSOCK_WIN32_CXXFLAGS:-} ]]; then read -r -a extra <<<"$WINSOCK_WIN32_CXXFLAGS"; fi

CXXFLAGS=(
  -std=c++17 -O2
  # C++ exceptions on, as in the Linux build.
  -fexceptions -DNAPI_CPP_EXCEPTIONS
  # A JS exception that cannot be thrown (a terminating Worker) is dropped,
  # not rethrown as a C++ exception through Node's frames.
  -DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS
  -DNAPI_VERSION=8 -DBUILDING_NODE_EXTENSION
  -D_WIN32_WINNT=0x0A00 -DWIN32_LEAN_AND_MEAN
  -Inative -I"$NAPI_INCLUDE" -I"$ADDON_API_INCLUDE"
  "${extra[@]}"
)
# -static: otherwise the .node needs libwinpthread-1.dll and require() fails
# with "Module not found".
LDFLAGS=(-shared -s -static -static-libgcc -static-libstdc++)
LIBS=("$LIBNODE" -lws2_32 -lmswsock)

mkdir -p "$OBJDIR" "$(dirname "$OUT")"

# Changed flags (or compiler) make every object stale.
stamp="$OBJDIR/flags"
flags="$($CXX -dumpfullversion) ${CXXFLAGS[*]}"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$flags" ]]; then
  rm -f "$OBJDIR"/*.o "$OBJDIR"/*.d
  printf '%s\n' "$flags" >"$stamp"
fi

# An object is current when it is newer than everything its .d lists
# (-MMD: the source and the non-system headers it included).
up_to_date() {
  local obj=$1 dep
  [[ -f $obj && -f $obj.d ]] || return 1
  while read -r dep; do
    [[ -z $dep ]] && continue
    [[ -e $dep && ! $dep -nt $obj ]] || return 1
  done < <(sed -e 's/\\$//' -e 's/^[^ ]*:[ ]*//' "$obj.d" | tr ' ' '\n')
}

compile() {
  local src=$1 obj=$2
  log "CXX $src"
  [[ ${WINSOCK_VERBOSE:-} == 1 ]] && set -x
  "$CXX" "${CXXFLAGS[@]}" -MMD -MP -MT "$obj" -MF "$obj.d" -c "$src" -o "$obj.tmp" ||
    { rm -f "$obj.tmp" "$obj.d"; return 1; }
  { set +x; } 2>/dev/null
  mv -f "$obj.tmp" "$obj"
}

OBJS=()
running=0 failed=0
for src in "${SOURCES[@]}"; do
  name="${src#./}"
  obj="$OBJDIR/${name//\//_}.o"
  OBJS+=("$obj")
  up_to_date "$obj" && continue
  compile "$src" "$obj" &
  running=$((running + 1))
  if (( running >= JOBS )); then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while (( running > 0 )); do
  wait -n || failed=1
  running=$((running - 1))
done
(( failed == 0 )) || { log "compile failed"; exit 1; }

relink=0
[[ -f $OUT && ! $LIBNODE -nt $OUT && ! $stamp -nt $OUT ]] || relink=1
for obj in "${OBJS[@]}"; do [[ $obj -nt $OUT ]] && relink=1; done
if (( relink )); then
  log "LINK $OUT"
  [[ ${WINSOCK_VERBOSE:-} == 1 ]] && set -x
  "$CXX" "${LDFLAGS[@]}" -o "$OUT.tmp" "${OBJS[@]}" "${LIBS[@]}" ||
    { rm -f "$OUT.tmp"; log "link failed"; exit 1; }
  { set +x; } 2>/dev/null
  mv -f "$OUT.tmp" "$OUT"
else
  log "$OUT is up to date"
fi
