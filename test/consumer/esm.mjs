// Run by scripts/test-consumer.sh next to echo.cjs: the package's ES module
// entry points, by their names as a user imports them.
import assert from 'node:assert/strict';
import { Socket } from 'winsock';
import { Struct } from 'winsock/codec';

const header = new Struct('>HI');
const bytes = header.pack(7, 0x01020304);
assert.equal(bytes.toString('hex'), '000701020304');
assert.deepEqual(header.unpack(bytes), [7, 0x01020304]);

const server = new Socket({ family: 'inet', type: 'dgram' }).bind({ address: '127.0.0.1', port: 0 });
const client = new Socket({ family: 'inet', type: 'dgram' });
await client.sendTo(bytes, server.localAddress());
const { data, address } = await server.recvFrom();
assert.deepEqual(header.unpack(data), [7, 0x01020304]);
assert.equal(address.address, '127.0.0.1');
client.close();
server.close();
console.log(`import ok: Socket and winsock/codec's Struct, a datagram of ${data.length} bytes, Node ${process.version}`);
