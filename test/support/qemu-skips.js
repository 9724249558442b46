'use strict';
// Loaded with --require by scripts/arm64/test.sh, which runs the suite with
// an arm64 node under qemu-user: the tests below cannot hold there for
// reasons of the emulator, not of the addon, so each is skipped and says why.
// They all run natively (npm test) and under Wine.
const SKIPS = [
  [/loads with import, named exports/, 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/keeps no timer alive with no sockets/, 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/keeps accepting after EMFILE/, 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/a worker thread terminated at any moment/, 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/lets the process exit when nothing but urgent waits/, 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/a Python peer/, 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/the examples run/, 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/^winsock (listen and connect|run|--help and winsock info|repl)/, 'starts the winsock command, a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/^the winsock command and a Python peer/, 'starts the winsock command, a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/with NODE_DEBUG=winsock/, 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc'],
  [/joins a multicast group on loopback/, 'qemu-user does not emulate setsockopt(IP_MULTICAST_IF): ENOPROTOOPT'],
  [/reaps exactly the \d+ idle connections/, 'timing: emulated, 1000 clients trading every 100 ms miss the 1 s idle timeout'],
  [/compile test\/types\/|type-checks the using blocks/, 'type-checks the .d.ts files with tsc, the same on every CPU (45 s emulated)'],
];

exports.mochaHooks = {
  beforeEach() {
    const title = this.currentTest.fullTitle();
    const skip = SKIPS.find(([pattern]) => pattern.test(title));
    if (skip === undefined) return;
    this.currentTest.title += ` (skipped under qemu: ${skip[1]})`;
    this.skip();
  },
};
