'use strict';
// Urgent (out-of-band) data: `node examples/urgent.js`.
const { Socket } = require('..');

(async () => {
  const server = new Socket().bind({ address: '127.0.0.1', port: 0 }).listen();
  const client = new Socket();
  const [peer] = await Promise.all([server.accept(), client.connect(server.localAddress())]);

  peer.on('urgent', (byte) => console.log('urgent:', byte.toString()));   // urgent: X, out of band
  const reads = [];
  const reading = (async () => {
    for (let chunk; (chunk = await peer.recv()).length > 0;) reads.push(chunk.toString());
  })();
  await client.send('abc');
  await client.send('X', { oob: true });                   // only the last byte of it is urgent
  await client.send('def');
  client.shutdown('send');
  await reading;
  console.log('stream:', reads.join(' | '));               // stream: abc | def (the mark splits reads)
  console.log('kept for recv({ oob }):', (await peer.recv(1, { oob: true })).toString());  // X
  for (const s of [peer, client, server]) s.close();
})();
