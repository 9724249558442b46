#!/usr/bin/env bash
# Runs the suite against an addon built with AddressSanitizer and
# UndefinedBehaviorSanitizer: use-after-free, overflows and UB in native/
# show up as a report and a failed run. Works on a copy of the tree, so the
# regular build in build/ is untouched. Linux with g++ only.
#   bash scripts/test-asan.sh [mocha args]
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git ls-files -z | xargs -0 -I{} cp --parents {} "$work"
ln -s "$PWD/node_modules" "$work/node_modules"
cp -r dist "$work/dist"
mkdir -p "$work/build/Release"

# The sanitized addon is built once for a given native/ (the runs on each
# engine share it), into build/asan/, its objects compiled side by side.
flags=(-std=c++17 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -fPIC
  -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS
  -I "$(node -p "require('path').resolve(process.execPath, '../../include/node')")"
  -I "$(node -p "require('node-addon-api').include_dir")")
sources=(native/*.cc native/posix/*.cc)
addon=build/asan/winsock.node
key=$({ g++ --version; node -p "process.version + ' ' + require('node-addon-api/package.json').version"
  printf '%s\n' "${flags[@]}"; cat native/*.cc native/*.h native/posix/*; } | sha256sum)
if [[ ! -f $addon || $(cat build/asan/key 2>/dev/null) != "$key" ]]; then
  rm -rf build/asan
  mkdir -p build/asan/obj
  printf '%s\n' "${sources[@]}" |
    xargs -P "$(nproc)" -I{} sh -c 'exec g++ "$@" -c "$0" -o "build/asan/obj/$(printf %s "$0" | tr / _).o"' {} "${flags[@]}"
  g++ -fsanitize=address,undefined -shared build/asan/obj/*.o -o "$addon"
  printf '%s\n' "$key" >build/asan/key
fi
cp "$addon" "$work/build/Release/winsock.node"

# Node itself is not built with the sanitizers: preload their runtimes, and
# leave leak checking off (V8 keeps memory until exit by design).
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libubsan.so)"
cd "$work"
# The EMFILE case runs a child node limited to 64 descriptors: the
# sanitizer runtime itself misbehaves there, so it is left to the plain run.
# Files named on the command line replace .mocharc.json's spec (mocha would add them).
config=()
for arg in "$@"; do
  if [[ -e $arg || $arg == *.js ]]; then config=(--config test/support/files.mocharc.js); fi
done
if [[ $# -eq 0 ]]; then set -- --exclude 'test/codec/**' --grep 'after EMFILE' --invert; fi
node node_modules/mocha/bin/mocha.js "${config[@]}" "$@"
