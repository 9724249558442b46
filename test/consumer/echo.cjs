'use strict';
// Run by scripts/test-consumer.sh in a project that installed the packed
// tarball with --ignore-scripts: loads the package with require(), checks
// that the addon came from the tarball's prebuilds/ (nothing was compiled),
// and echoes bytes over loopback through it. Prints one line, or throws.
const assert = require('node:assert/strict');
const path = require('node:path');
const { Socket, backend } = require('winsock');

const packageDir = path.dirname(require.resolve('winsock/package.json'));
const nodeGypBuild = require(require.resolve('node-gyp-build', { paths: [packageDir] }));
const addon = nodeGypBuild.resolve(packageDir);
const folder = path.relative(packageDir, path.dirname(addon)).split(path.sep).join('/');
assert.equal(folder, `prebuilds/${process.platform}-${process.arch}`, `the addon loaded from ${addon}`);

(async () => {
  const server = new Socket({ family: 'inet' }).bind({ address: '127.0.0.1', port: 0 }).listen();
  const client = new Socket({ family: 'inet' });
  const [peer] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
  const message = `echo from ${process.platform}-${process.arch}`;
  await client.send(message);
  await peer.send(await peer.recv());
  const reply = await client.recv();
  assert.equal(reply.toString(), message);
  for (const socket of [peer, client, server]) socket.close();
  console.log(`require ok: ${backend} backend, Node ${process.version} ${process.platform}-${process.arch}, ` +
    `${path.basename(addon)} from ${folder}/, echoed ${reply.length} bytes`);
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
