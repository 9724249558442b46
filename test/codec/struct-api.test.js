'use strict';
const assert = require('node:assert/strict');
const codec = require('../../dist/codec');

function assertCodecError(fn, code) {
  assert.throws(fn, (error) => error instanceof codec.CodecError && error.code === code && error.name === 'CodecError');
}

describe('codec struct: JavaScript types and the Struct object', () => {
  it('returns bigints for 64-bit codes and numbers for the rest', () => {
    const [b, h, i, l, q, Q, n, N, P, L] = codec.unpack('@bhilqQnNPL', codec.pack('@bhilqQnNPL', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    assert.deepEqual([b, h, i], [1, 2, 3]);
    for (const big of [l, q, Q, n, N, P, L]) assert.equal(typeof big, 'bigint');
    assert.equal(typeof codec.unpack('<l', codec.pack('<l', 4))[0], 'number');
  });

  it('accepts bigints for narrow codes and safe-integer numbers for wide ones, refusing unsafe numbers', () => {
    assert.deepEqual(codec.pack('<hQ', 5n, 2 ** 53 - 1), codec.pack('<hQ', 5, 2n ** 53n - 1n));
    assertCodecError(() => codec.pack('<q', 2 ** 53), 'ERR_CODEC_RANGE');
    assertCodecError(() => codec.pack('<Q', 1e20), 'ERR_CODEC_RANGE');
    assertCodecError(() => codec.pack('<i', true), 'ERR_CODEC_RANGE');
    assertCodecError(() => codec.pack('<i', NaN), 'ERR_CODEC_RANGE');
  });

  it('takes strings for s and p as UTF-8, and a 1-character latin1 string for c', () => {
    assert.equal(codec.pack('<4s', 'é').toString('hex'), 'c3a90000');
    assert.equal(codec.pack('<4p', 'ab').toString('hex'), '02616200');
    assert.equal(codec.pack('<c', 'é').toString('hex'), 'e9');
    assertCodecError(() => codec.pack('<c', '\u20ac'), 'ERR_CODEC_RANGE');
    assertCodecError(() => codec.pack('<c', 'ab'), 'ERR_CODEC_RANGE');
    assert.ok(Buffer.isBuffer(codec.unpack('<c', Buffer.from('e9', 'hex'))[0]));
  });

  it('gives a Struct its format and size and every method of Python\'s', () => {
    const s = new codec.Struct('<hi');
    assert.equal(s.format, '<hi');
    assert.equal(s.size, 6);
    const bytes = s.pack(-1, 7);
    assert.deepEqual(s.unpack(bytes), [-1, 7]);
    assert.deepEqual(s.unpackFrom(Buffer.concat([Buffer.alloc(2), bytes]), 2), [-1, 7]);
    const target = Buffer.alloc(8);
    s.packInto(target, 1, 3, 4);
    assert.equal(target.toString('hex'), '0003000400000000');
    assert.deepEqual([...s.iterUnpack(Buffer.concat([bytes, s.pack(5, 6)]))], [[-1, 7], [5, 6]]);
    assertCodecError(() => s.iterUnpack(Buffer.alloc(7)), 'ERR_CODEC_SHORT');
    assertCodecError(() => new codec.Struct('').iterUnpack(Buffer.alloc(0)), 'ERR_CODEC_FORMAT');
    assertCodecError(() => new codec.Struct('<q!'), 'ERR_CODEC_FORMAT');
  });

  it('unpacks into copies that do not change when the input buffer does', () => {
    const data = Buffer.from('616263', 'hex');
    const [s] = codec.unpack('3s', data);
    data[0] = 0;
    assert.equal(s.toString(), 'abc');
  });

  it('compiles long runs into loops with the same results as short runs', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i - 500);
    const bytes = codec.pack('<1000h', ...values);
    assert.equal(bytes.length, 2000);
    assert.equal(bytes.readInt16LE(2 * 999), 499);
    assert.deepEqual(codec.unpack('<1000h', bytes), values);
    assert.deepEqual(codec.unpack('<b17qb', codec.pack('<b17qb', 1, ...values.slice(0, 17), 2)), [1, ...values.slice(0, 17).map(BigInt), 2]);
    assert.equal(codec.calcsize('1000000000000x'), 1e12);
  });

  it('reads ArrayBuffers and typed arrays as bytes', () => {
    const bytes = codec.pack('<I', 0xdeadbeef);
    const copy = new Uint8Array(bytes).buffer;
    assert.deepEqual(codec.unpack('<I', copy), [0xdeadbeef]);
    assert.deepEqual(codec.unpack('<I', new DataView(copy)), [0xdeadbeef]);
  });

  it('treats 0p as an empty field rather than reading outside it', () => {
    assert.equal(codec.pack('<0pb', 'abc', 1).toString('hex'), '01');
    assert.deepEqual(codec.unpack('<0pb', Buffer.from('01', 'hex')), [Buffer.alloc(0), 1]);
  });

  it('keeps working when more formats are used than its cache holds', () => {
    for (let i = 0; i < 1200; i++) assert.equal(codec.calcsize(`<${i}x`), i);
    assert.deepEqual(codec.unpack('<5x h', codec.pack('<5x h', 3)), [3]);
  });

  it('throws ERR_CODEC_FORMAT for a format that is not a string', () => {
    assertCodecError(() => codec.calcsize(5), 'ERR_CODEC_FORMAT');
    assertCodecError(() => codec.pack(null), 'ERR_CODEC_FORMAT');
  });
});
