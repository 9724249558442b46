'use strict';
const assert = require('node:assert/strict');
const { codec } = require('..');
const { useSockets } = require('./support/sockets');

class Login { }
class Reading { }
class Bye { }

function registry() {
  return new codec.MessageRegistry()
    .register(1, codec.record({ user: 'char[16]', session: 'uint64' }), Login)
    .register(2, codec.record({ sensor: 'uint16', at: 'float64', values: 'int32[3]' }), Reading)
    .register(3, codec.record({ code: 'int32', reason: 'wchar[12]' }), Bye);
}

function instance(cls, fields) {
  return Object.assign(new cls(), fields);
}

describe('typed messages over a socket', () => {
  const { pair } = useSockets();

  it('rebuilds each of three record types as its class on the server', async () => {
    const [client, server] = await pair();
    const sent = [];
    for (let i = 0; i < 30; i++) {
      sent.push(instance(Login, { user: `user${i}`, session: BigInt(i) * 1000003n }));
      sent.push(instance(Reading, { sensor: i, at: i / 7, values: [i, i - 100, i * i] }));
      if (i % 10 === 9) sent.push(instance(Bye, { code: 1 - i, reason: `bye ${i} ü` }));
    }
    const types = registry();
    const sending = (async () => {
      for (const message of sent) await client.sendMessage(types, message);
      client.shutdown('send');
    })();
    const received = [];
    for await (const message of server.messages(types)) received.push(message);
    await sending;
    assert.equal(received.length, sent.length);
    received.forEach(({ typeId, value }, i) => {
      assert.equal(value.constructor, sent[i].constructor);
      assert.equal(typeId, { Login: 1, Reading: 2, Bye: 3 }[sent[i].constructor.name]);
      assert.deepEqual({ ...value }, { ...sent[i] });
    });
  });

  it('throws a CodecError for a frame of an unknown type', async () => {
    const [client, server] = await pair();
    const frame = Buffer.from([0, 0, 0, 0, 0, 99]);
    await client.send(frame);
    client.shutdown('send');
    await assert.rejects((async () => { for await (const _ of server.messages(registry())); })(),
      (error) => error instanceof codec.CodecError && error.code === 'ERR_UNKNOWN_TYPE');
  });

  it('throws ERR_CODEC_SHORT when the stream ends in the middle of a frame', async () => {
    const [client, server] = await pair();
    await client.send(Buffer.from([0, 0, 0, 50, 0, 1, 1, 2, 3]));
    client.shutdown('send');
    await assert.rejects((async () => { for await (const _ of server.messages(registry())); })(),
      { code: 'ERR_CODEC_SHORT' });
  });
});
