'use strict';
// Operations that complete from the loop are recorded by the addon and
// their promises settled together, once per turn (native/completions.h,
// native/batches.h). However many complete in one turn, and whatever the
// program does while they are being settled, each settles once, with its
// own outcome.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const { Socket } = require('..');
const { useSockets } = require('./support/sockets');
const { underWine } = require('./support/wine');

// More than the 1,024 records one settling takes (lib/native/completions.ts).
// Under Wine each pair costs a loopback connect and accept, and a batch is
// the 64 packets of one GetQueuedCompletionStatusEx, so fewer show as much.
const PAIRS = underWine ? 200 : 1100;

describe('operations settled once per turn', () => {
  const { track } = useSockets();

  function pairs(count) {
    return Array.from({ length: count }, () => Socket.pair().map(track));
  }

  /**
   * Has `meddle` run once from inside the settling of a turn, through a
   * `then` getter on every Uint8Array: resolving a promise with a chunk
   * looks it up at once. The returned function takes the getter away and
   * says whether it ran.
   */
  function meddleWhileSettling(meddle) {
    let ran = false;
    Object.defineProperty(Uint8Array.prototype, 'then', {
      configurable: true,
      get() {
        if (!ran) {
          ran = true;
          meddle();
        }
        return undefined;
      },
    });
    return () => {
      delete Uint8Array.prototype.then;
      return ran;
    };
  }

  async function recvEach(made, messages) {
    const reads = made.map(([, reader]) => reader.recv(4096));
    await Promise.all(made.map(([writer], i) => writer.send(messages[i])));
    const chunks = await Promise.all(reads);
    chunks.forEach((chunk, i) => assert.ok(chunk.equals(messages[i]), `recv ${i} got ${chunk.length} bytes, not its own ${messages[i].length}`));
    return chunks;
  }

  it(`settles ${PAIRS} recvs of a few bytes each that completed in the same turn`, async () => {
    const made = pairs(PAIRS);
    await recvEach(made, made.map((_, i) => crypto.randomBytes(1 + (i % 40))));
  });

  it('settles recvs whose chunks fill more than one slab in a turn, each with its own bytes', async () => {
    const made = pairs(100);
    const chunks = await recvEach(made, made.map((_, i) => crypto.randomBytes(1 + ((i * 389) % 4096))));
    assert.ok(new Set(chunks.map((chunk) => chunk.buffer)).size > 1, 'every chunk lay in one slab: this test would prove nothing');
  });

  it('settles every recv of a turn when a resolved chunk runs code that closes a socket and starts a recv', async () => {
    const [[aWriter, a], [bWriter, b], [, idle]] = pairs(3);
    const readA = a.recv(64);
    const readB = b.recv(64);
    const idleOutcome = idle.recv(64).then(() => 'resolved', (error) => error.code);
    let later;
    let meddled = false;
    const stop = meddleWhileSettling(() => {
      idle.close();
      later = a.recv(64);
    });
    try {
      await aWriter.send('for a');
      await bWriter.send('for b');
      assert.equal((await readA).toString(), 'for a');
      assert.equal((await readB).toString(), 'for b');
    } finally {
      meddled = stop();
    }
    assert.ok(meddled, 'the getter never ran: this test would prove nothing');
    assert.equal(await idleOutcome, 'ERR_SOCKET_CLOSED');
    await aWriter.send('later');
    assert.equal((await later).toString(), 'later');
  });

  it(`settles every recv when a resolved chunk runs code that closes ${PAIRS} sockets with recvs pending`, async () => {
    const [[writer, reader]] = pairs(1);
    const idle = pairs(PAIRS).map(([, other]) => other);
    const idleOutcomes = idle.map((socket) => socket.recv(64).then(() => 'resolved', (error) => error.code));
    const read = reader.recv(64);
    let meddled = false;
    // Each close records a rejection while the turn is being settled: more
    // of them than the records hold (completions.h, settleOne).
    const stop = meddleWhileSettling(() => {
      for (const socket of idle) socket.close();
    });
    try {
      await writer.send('bytes');
      assert.equal((await read).toString(), 'bytes');
    } finally {
      meddled = stop();
    }
    assert.ok(meddled, 'the getter never ran: this test would prove nothing');
    const outcomes = await Promise.all(idleOutcomes);
    assert.deepEqual(new Set(outcomes), new Set(['ERR_SOCKET_CLOSED']));
    assert.equal(outcomes.length, PAIRS);
  });

  it('runs the reaction to a recv completed from the loop in a process where nothing else runs', () => {
    const printed = execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'settle-alone.js')], { encoding: 'utf8' });
    assert.equal(printed, 'bytes');
  });
});
