'use strict';
// Urgent (out-of-band) data: `node examples/urgent.js`.
const { Socket } = require('..');

(async () => {
  const server = new Socket().bind({ address: '127.0.0.1', port: 0 }).listen();
  const client = new Socket();
  const [peer] = await Promise.all([server.accept(), client.connect(server.localAddress())]);

  peer.on('urgent', async () => {
    const urgent = await peer.recv(1, { oob: true });      // MSG_OOB
    console.log('urgent:', urgent.toString());             // urgent: X
    console.log('first read:', (await peer.recv()).toString());   // abc (the mark splits reads)
    console.log('second read:', (await peer.recv()).toString());  // def
    for (const s of [peer, client, server]) s.close();
  });
  await client.send('abc');
  await client.send('X', { oob: true });                   // only the last byte of it is urgent
  await client.send('def');
})();
