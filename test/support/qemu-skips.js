'use strict';
// Loaded with --require by scripts/arm64/test.sh, which runs the suite with
// an arm64 node under qemu-user: the tests below cannot hold there for
// reasons of the emulator, not of the addon, so each is skipped and says why.
// They all run natively (npm test) and under Wine.
const { skipByTitle, TYPE_CHECKS } = require('./title-skips');

const CHILD_NODE = 'starts a child node: qemu-user cannot exec an arm64 binary without binfmt_misc';
const SKIPS = [
  [/loads with import, named exports/, CHILD_NODE],
  [/keeps no timer alive with no sockets/, CHILD_NODE],
  [/keeps accepting after EMFILE/, CHILD_NODE],
  [/a worker thread terminated at any moment/, CHILD_NODE],
  [/lets the process exit when nothing but urgent waits/, CHILD_NODE],
  [/a Python peer/, CHILD_NODE],
  [/the examples run/, CHILD_NODE],
  [/the README's API tour/, CHILD_NODE],
  [/in a process where nothing else runs/, CHILD_NODE],
  [/bytes of JS heap for each of \d+ pending recvs/, CHILD_NODE],
  [/^the docs pages docs\/[\w-]+\.md, block \d+, (runs|type-checks and runs)$/, CHILD_NODE],
  [/^winsock (listen and connect|run|--help and winsock info|repl)/, CHILD_NODE],
  [/^the winsock command and a Python peer/, CHILD_NODE],
  [/^winsock atlas (runs|exits|renders|refuses)/, CHILD_NODE],
  [/with NODE_DEBUG=winsock/, CHILD_NODE],
  [/^handing a socket to a child process/, CHILD_NODE],
  [/^createServer\(\{ processes \}\)/, CHILD_NODE],
  [/SO_TIMESTAMPNS|IP_RECVTTL/, 'qemu-user does not emulate setsockopt(SO_TIMESTAMPNS) nor getsockopt(IP_RECVTTL): ENOPROTOOPT'],
  [/joins a multicast group on loopback/, 'qemu-user does not emulate setsockopt(IP_MULTICAST_IF): ENOPROTOOPT'],
  [/reaps exactly the \d+ idle connections/, 'timing: emulated, 1000 clients trading every 100 ms miss the 1 s idle timeout'],
  [TYPE_CHECKS, 'type-checks the .d.ts files with tsc, the same on every CPU (45 s emulated)'],
];

exports.mochaHooks = skipByTitle('under qemu', SKIPS);
