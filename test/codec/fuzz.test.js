'use strict';
// Random and mutated input for every decoder: each outcome must be a value or a
// CodecError, never another exception, a hang, or unbounded buffering.
// Seeded, so a failure replays; bounded by iteration counts, not by time.
const assert = require('node:assert/strict');
const codec = require('../../dist/codec');
const { mulberry32 } = require('../support/random');


const random = mulberry32(0x5eed);
const int = (n) => Math.floor(random() * n);

function randomBytes(n) {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = int(256);
  return out;
}

/** Flip, insert, delete or truncate a few bytes of a valid input. */
function mutate(bytes) {
  const out = [...bytes];
  for (let edits = 1 + int(3); edits > 0; edits--) {
    const at = int(out.length + 1);
    switch (int(4)) {
      case 0: if (out.length) out[Math.min(at, out.length - 1)] ^= 1 << int(8); break;
      case 1: out.splice(at, 0, int(256)); break;
      case 2: out.splice(at, 1); break;
      default: out.length = Math.min(out.length, at);
    }
  }
  return Buffer.from(out);
}

/** Run fn; a CodecError is an accepted outcome, anything else thrown fails the test. */
function outcome(fn, context) {
  try {
    return { value: fn() };
  } catch (error) {
    if (!(error instanceof codec.CodecError)) {
      assert.fail(`${context}: threw ${error && error.name}: ${error && error.message}`);
    }
    assert.match(error.code, /^ERR_(CODEC_RANGE|CODEC_SHORT|CODEC_FORMAT|UNKNOWN_TYPE|FRAME_TOO_LARGE)$/);
    return { error };
  }
}

const FORMATS = ['<bhiq', '>HIQd', '@?cxe', '!3s2p', '=f2d', '@bq', '<10p', '>e?e', '@nNP', '<5s0p'];
const Inner = codec.record({ tag: 'uint8', at: 'float32' });
const Rec = codec.record({ a: 'int8', b: 'uint64', c: 'char[5]', w: 'wchar[3]', d: 'float64', e: 'bool', f: 'int16[3]', g: Inner, h: 'bytes[2]' });
const recValue = { a: -1, b: 5n, c: 'abc', w: 'hé', d: 0.5, e: true, f: [1, 2, 3], g: { tag: 1, at: 2 }, h: Buffer.from('zz') };
class Thing {}
const registry = new codec.MessageRegistry({ maxFrameSize: 256 })
  .register(1, Rec, Thing)
  .register(2, codec.record({ n: 'uint32' }))
  .register(3, { encode: (s) => codec.toChar(s), decode: (b) => codec.fromChar(b) });

describe('codec fuzzing', () => {
  it('unpacks random and mutated bytes to values of the right shape or a CodecError', () => {
    for (let i = 0; i < 4000; i++) {
      const format = FORMATS[int(FORMATS.length)];
      const size = codec.calcsize(format);
      const data = i % 2 ? randomBytes(size) : mutate(randomBytes(size));
      const result = outcome(() => codec.unpack(format, data), `unpack ${format} ${data.toString('hex')}`);
      if (data.length === size) {
        assert.ok(result.value, `exact-size data must unpack: ${format}`);
        // Re-packing what was read must read back the same (NaN payloads aside, which unpack canonicalises).
        const again = codec.unpack(format, codec.pack(format, ...result.value));
        assert.deepEqual(again.map(String), result.value.map(String));
      } else {
        assert.equal(result.error.code, 'ERR_CODEC_SHORT');
      }
    }
  });

  it('refuses random format strings with ERR_CODEC_FORMAT or accepts them', () => {
    const alphabet = 'xcbB?hHiIlLqQnNefdspP0123456789 @=<>!\t\0zé';
    for (let i = 0; i < 3000; i++) {
      let format = '';
      for (let n = int(8); n > 0; n--) format += alphabet[int(alphabet.length)];
      const result = outcome(() => codec.calcsize(format), `calcsize ${JSON.stringify(format)}`);
      if (result.error) assert.equal(result.error.code, 'ERR_CODEC_FORMAT');
      else if (result.value < 4096) outcome(() => codec.unpack(format, randomBytes(result.value)), `unpack ${JSON.stringify(format)}`);
    }
  });

  it('decodes mutated records to a value or a CodecError', () => {
    const valid = Rec.encode(recValue);
    for (let i = 0; i < 4000; i++) {
      const data = i % 3 === 0 ? randomBytes(Rec.size) : mutate(valid);
      outcome(() => Rec.decode(data), `decode ${data.toString('hex')}`);
    }
  });

  it('decodes mutated frames to a message or a CodecError', () => {
    const valid = [registry.encode(Object.assign(new Thing(), recValue)), registry.encode(2, { n: 7 }), registry.encode(3, 'héllo')];
    for (let i = 0; i < 5000; i++) {
      const frame = i % 4 === 0 ? randomBytes(int(40)) : mutate(valid[int(valid.length)]);
      outcome(() => registry.decode(frame), `decode ${frame.toString('hex')}`);
    }
  });

  it('never buffers more than one frame in FrameDecoder, whatever the stream', () => {
    const maxFrameSize = 256;
    const valid = Buffer.concat([registry.encode(2, { n: 1 }), registry.encode(3, 'abc'), registry.encode(2, { n: 2 })]);
    for (let round = 0; round < 300; round++) {
      const decoder = new codec.FrameDecoder({ maxFrameSize });
      const stream = round % 2 ? mutate(Buffer.concat([valid, valid])) : randomBytes(int(2000));
      let failed = false;
      for (let at = 0; at < stream.length && !failed;) {
        const n = 1 + int(50);
        const result = outcome(() => decoder.push(stream.subarray(at, at + n)), `push round ${round}`);
        at += n;
        if (result.error) {
          assert.equal(result.error.code, 'ERR_FRAME_TOO_LARGE');
          failed = true;
        } else {
          for (const frame of result.value) {
            assert.equal(frame.length, 6 + frame.readUInt32BE(0));
            assert.ok(frame.length <= maxFrameSize + 6);
            outcome(() => registry.decode(frame), 'decode a reassembled frame');
          }
        }
        assert.ok(decoder.pending <= maxFrameSize + 6, `pending ${decoder.pending}`);
      }
      outcome(() => decoder.end(), 'end');
    }
  });
});
