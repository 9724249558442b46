'use strict';
const assert = require('node:assert/strict');
const codec = require('../../dist/codec');

const { MessageRegistry, FrameDecoder, record } = codec;

function assertCodecError(fn, code) {
  assert.throws(fn, (error) => error instanceof codec.CodecError && error.code === code);
}

class Hello { constructor(name) { this.version = 1; this.name = name; } greet() { return `hi ${this.name}`; } }
class Special extends Hello {}
const HelloRecord = record({ version: 'uint8', name: 'char[8]' });
// A hand-written type: JSON text, to show any { encode, decode } works.
const JsonType = { encode: (v) => Buffer.from(JSON.stringify(v)), decode: (b) => JSON.parse(Buffer.from(b).toString()) };

function makeRegistry(options) {
  return new MessageRegistry(options).register(1, HelloRecord, Hello).register(0xffff, JsonType);
}

describe('codec messages: MessageRegistry', () => {
  it('frames a message as a big-endian length, a big-endian type id and the payload', () => {
    const frame = makeRegistry().encode(new Hello('bob'));
    assert.equal(frame.toString('hex'), '00000009' + '0001' + '01' + '626f620000000000');
    assert.equal(makeRegistry().encode(0xffff, [1]).toString('hex'), '00000003ffff5b315d');
  });

  it('decodes to an instance of the registered class without calling its constructor', () => {
    const { typeId, value } = makeRegistry().decode(makeRegistry().encode(new Hello('ann')));
    assert.equal(typeId, 1);
    assert.ok(value instanceof Hello);
    assert.equal(value.greet(), 'hi ann');
    assert.deepEqual({ ...value }, { version: 1, name: 'ann' });
  });

  it('decodes to plain values when no class was registered', () => {
    assert.deepEqual(makeRegistry().decode(makeRegistry().encode(0xffff, { a: [1, 'x'] })), { typeId: 0xffff, value: { a: [1, 'x'] } });
  });

  it('finds the type of a subclass instance through its registered superclass', () => {
    assert.equal(makeRegistry().encode(new Special('x')).readUInt16BE(4), 1);
  });

  it('refuses ids outside 0..65535 with ERR_CODEC_RANGE and a second registration with ERR_DUPLICATE_TYPE', () => {
    const registry = makeRegistry();
    for (const id of [-1, 65536, 1.5, NaN, '2']) assertCodecError(() => registry.register(id, JsonType), 'ERR_CODEC_RANGE');
    assertCodecError(() => registry.register(1, JsonType), 'ERR_DUPLICATE_TYPE');
    assertCodecError(() => registry.register(2, JsonType, Hello), 'ERR_DUPLICATE_TYPE');
    assert.throws(() => registry.register(3, {}), TypeError);
  });

  it('throws ERR_UNKNOWN_TYPE for unregistered ids and classes', () => {
    const registry = makeRegistry();
    assertCodecError(() => registry.encode(7, {}), 'ERR_UNKNOWN_TYPE');
    assertCodecError(() => registry.encode({ plain: true }), 'ERR_UNKNOWN_TYPE');
    assertCodecError(() => registry.decode(Buffer.from('000000000007', 'hex')), 'ERR_UNKNOWN_TYPE');
  });

  it('throws ERR_CODEC_SHORT for frames cut short, payloads a record needs more of, and trailing bytes', () => {
    const registry = makeRegistry();
    const frame = registry.encode(new Hello('z'));
    assertCodecError(() => registry.decode(frame.subarray(0, 5)), 'ERR_CODEC_SHORT');
    assertCodecError(() => registry.decode(frame.subarray(0, frame.length - 1)), 'ERR_CODEC_SHORT');
    assertCodecError(() => registry.decode(Buffer.concat([frame, Buffer.alloc(1)])), 'ERR_CODEC_SHORT');
    // A consistent frame whose payload is shorter than the record.
    assertCodecError(() => registry.decode(Buffer.from('00000002000101ff', 'hex')), 'ERR_CODEC_SHORT');
  });

  it('refuses frames over maxFrameSize both ways with ERR_FRAME_TOO_LARGE', () => {
    const registry = new MessageRegistry({ maxFrameSize: 4 }).register(2, JsonType).register(1, HelloRecord, Hello);
    assertCodecError(() => registry.encode(2, 'long text'), 'ERR_FRAME_TOO_LARGE');
    assertCodecError(() => registry.encode(new Hello('a')), 'ERR_FRAME_TOO_LARGE');
    assertCodecError(() => registry.decode(Buffer.from('000000050002' + '0000000000', 'hex')), 'ERR_FRAME_TOO_LARGE');
  });
});

describe('codec messages: FrameDecoder', () => {
  const registry = makeRegistry();
  const frames = [registry.encode(new Hello('a')), registry.encode(0xffff, 'x'.repeat(300)), registry.encode(0xffff, null), registry.encode(new Hello('bcd'))];
  const stream = Buffer.concat(frames);

  it('returns every whole frame of a chunk that holds many', () => {
    const out = new FrameDecoder().push(stream);
    assert.deepEqual(out.map((f) => f.toString('hex')), frames.map((f) => f.toString('hex')));
  });

  it('reassembles frames fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const out = [];
    for (let i = 0; i < stream.length; i++) out.push(...decoder.push(stream.subarray(i, i + 1)));
    assert.deepEqual(out.map((f) => f.toString('hex')), frames.map((f) => f.toString('hex')));
    assert.equal(decoder.pending, 0);
    decoder.end();
  });

  it('reassembles frames across every possible split into two chunks', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      const out = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      assert.equal(Buffer.concat(out).toString('hex'), stream.toString('hex'), `cut at ${cut}`);
    }
  });

  it('returns frames that registry.decode accepts and that do not alias the pushed chunk', () => {
    const chunk = Buffer.from(stream);
    const out = new FrameDecoder().push(chunk);
    chunk.fill(0);
    assert.equal(registry.decode(out[3]).value.name, 'bcd');
  });

  it('refuses an oversized frame from its header alone, before its payload arrives', () => {
    const decoder = new FrameDecoder({ maxFrameSize: 100 });
    assert.deepEqual(decoder.push(Buffer.from('0000', 'hex')), []);
    assertCodecError(() => decoder.push(Buffer.from('00650001', 'hex')), 'ERR_FRAME_TOO_LARGE');
    assertCodecError(() => decoder.push(Buffer.alloc(1)), 'ERR_FRAME_TOO_LARGE');
    assert.equal(decoder.pending, 0);
  });

  it('returns the good frames before an oversized one and throws on the next call', () => {
    const decoder = new FrameDecoder({ maxFrameSize: 10 });
    const out = decoder.push(Buffer.concat([frames[0], Buffer.from('ffffffff0001', 'hex')]));
    assert.equal(out.length, 1);
    assertCodecError(() => decoder.end(), 'ERR_FRAME_TOO_LARGE');
  });

  it('reports a stream that ended inside a frame through pending and end()', () => {
    const decoder = new FrameDecoder();
    assert.ok(frames[0].length > 8);
    assert.deepEqual(decoder.push(stream.subarray(0, 8)), []);
    assert.equal(decoder.pending, 8);
    assertCodecError(() => decoder.end(), 'ERR_CODEC_SHORT');
    const headerOnly = new FrameDecoder();
    headerOnly.push(Buffer.from('0000', 'hex'));
    assertCodecError(() => headerOnly.end(), 'ERR_CODEC_SHORT');
  });

  it('completes a frame with an empty payload as soon as its header arrives', () => {
    assert.deepEqual(new FrameDecoder().push(Buffer.from('000000000009', 'hex')).map((f) => f.toString('hex')), ['000000000009']);
  });
});
