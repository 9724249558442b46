'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const codec = require('../../dist/codec');

const { record } = codec;

function assertCodecError(fn, code) {
  assert.throws(fn, (error) => error instanceof codec.CodecError && error.code === code);
}

// The records of the structs in fixtures/layout.c, with the values its main() stores.
const Inner = record({ tag: 'char[1]', value: 'int32' });
const Outer = record({ a: 'int16', in: Inner, name: 'char[5]', big: 'int64', raw: 'bytes[3]', ints: 'int32[4]' });
const Tail = record({ d: 'float64', c: 'char[1]' });
const outerValue = {
  a: 300, in: { tag: 'x', value: 99 }, name: 'abc', big: 0x7fffffffffffffffn, raw: Buffer.from([1, 2, 255]), ints: [-2000, -1000, 0, 1000],
};
const tailValue = { d: -0.25, c: 'z' };
const cases = {
  basic: [record({ c: 'char[1]', s: 'int16', i: 'int32', ll: 'int64', d: 'float64' }), { c: 'A', s: -2, i: 0x12345678, ll: -1234567890123n, d: 3.5 }],
  inner: [Inner, { tag: 't', value: -7 }],
  outer: [Outer, outerValue],
  tail: [Tail, tailValue],
  packed: [record({ c: 'char[1]', i: 'int32', s: 'int16', q: 'int64' }, { align: 'packed' }), { c: 'p', i: -1, s: 0x0102, q: 0x0102030405060708n }],
  mixed: [record({ w: 'wchar[3]', b: 'bool', f: 'float32', u: 'uint64', i8: 'int8', h: 'uint16[2]' }),
    { w: 'h\u20ac', b: true, f: 1.5, u: 18446744073709551615n, i8: -128, h: [65535, 1] }],
  deep: [record({ c: 'char[1]', o: Outer, t: Tail }), { c: 'd', o: outerValue, t: tailValue }],
};

/** Compile and run fixtures/layout.c; null (with the reason) when there is no gcc. */
function compilerLayouts() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-codec-layout-'));
  const exe = path.join(dir, 'layout');
  try {
    execFileSync('gcc', ['-std=c11', '-O0', '-o', exe, path.join(__dirname, 'fixtures', 'layout.c')], { stdio: 'pipe' });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { reason: error.code === 'ENOENT' ? 'gcc is not installed' : `gcc failed: ${error.message}` };
  }
  try {
    const out = execFileSync(exe, { encoding: 'utf8' });
    return { layouts: out.trim().split('\n').map((line) => JSON.parse(line)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('codec record: layouts checked against gcc', function () {
  let layouts;
  before(function () {
    const result = compilerLayouts();
    if (!result.layouts) {
      console.log(`    (skipping the gcc layout checks: ${result.reason})`);
      this.skip();
    }
    layouts = result.layouts;
  });

  it('lays out every struct of layout.c with gcc\'s sizeof, alignof and offsetof', () => {
    assert.equal(layouts.length, Object.keys(cases).length);
    for (const layout of layouts) {
      const [type] = cases[layout.name];
      assert.equal(type.size, layout.size, `sizeof(struct ${layout.name})`);
      assert.equal(type.alignment, layout.align, `alignof(struct ${layout.name})`);
      const offsets = Object.fromEntries(type.fields.map((f) => [f.name, f.offset]));
      assert.deepEqual(offsets, layout.offsets, `offsets in struct ${layout.name}`);
    }
  });

  it('encodes each struct to the very bytes the C program holds, padding included', () => {
    for (const layout of layouts) {
      const [type, value] = cases[layout.name];
      assert.equal(type.encode(value).toString('hex'), layout.bytes, `struct ${layout.name}`);
    }
  });

  it('decodes the C program\'s bytes back to the values it stored', () => {
    for (const layout of layouts) {
      const [type, value] = cases[layout.name];
      assert.deepEqual(type.decode(Buffer.from(layout.bytes, 'hex')), value, `struct ${layout.name}`);
    }
  });
});

describe('codec record', () => {
  const Sample = record({ a: 'uint8', b: 'uint32', c: 'int16' });

  it('pads to natural alignment by default and not at all when packed', () => {
    assert.equal(Sample.size, 12);
    assert.deepEqual(Sample.fields.map((f) => f.offset), [0, 4, 8]);
    const Packed = record({ a: 'uint8', b: 'uint32', c: 'int16' }, { align: 'packed' });
    assert.equal(Packed.size, 7);
    assert.equal(Packed.encode({ a: 1, b: 2, c: 3 }).toString('hex'), '01020000000300');
  });

  it('writes big-endian numbers when asked to', () => {
    const Big = record({ a: 'uint16', b: 'int32', c: 'float32', d: 'uint64' }, { endian: 'big' });
    const value = { a: 0x0102, b: -2, c: 1.5, d: 0x0102030405060708n };
    const bytes = Big.encode(value);
    assert.equal(bytes.toString('hex'), '01020000fffffffe3fc00000000000000102030405060708');
    assert.deepEqual(Big.decode(bytes), value);
  });

  it('returns 64-bit fields as bigints and accepts safe-integer numbers for them', () => {
    const R = record({ s: 'int64', u: 'uint64' });
    assert.deepEqual(R.decode(R.encode({ s: -5, u: 2 ** 53 - 1 })), { s: -5n, u: 2n ** 53n - 1n });
    assertCodecError(() => R.encode({ s: 2 ** 53, u: 0 }), 'ERR_CODEC_RANGE');
    assertCodecError(() => R.encode({ s: 0n, u: -1n }), 'ERR_CODEC_RANGE');
    assertCodecError(() => R.encode({ s: 1n << 63n, u: 0n }), 'ERR_CODEC_RANGE');
  });

  it('refuses missing fields, wrong types and values out of range with ERR_CODEC_RANGE', () => {
    assertCodecError(() => Sample.encode({ a: 1, b: 2 }), 'ERR_CODEC_RANGE');
    assertCodecError(() => Sample.encode({ a: 256, b: 2, c: 3 }), 'ERR_CODEC_RANGE');
    assertCodecError(() => Sample.encode({ a: 1.5, b: 2, c: 3 }), 'ERR_CODEC_RANGE');
    assertCodecError(() => Sample.encode({ a: '1', b: 2, c: 3 }), 'ERR_CODEC_RANGE');
    assertCodecError(() => Sample.encode(null), 'ERR_CODEC_RANGE');
    const Flags = record({ on: 'bool', xs: 'int8[2]', name: 'char[3]', w: 'wchar[2]', raw: 'bytes[2]', f: 'float32' });
    const good = { on: true, xs: [1, 2], name: 'abc', w: 'hi', raw: Buffer.from('ab'), f: 1 };
    assert.deepEqual(Flags.decode(Flags.encode(good)), good);
    for (const bad of [{ on: 1 }, { xs: [1] }, { xs: [1, 2, 3] }, { xs: 'ab' }, { name: 'abcd' }, { name: '\u0100' }, { name: 'a\0' },
      { w: 'abc' }, { w: '\ud800' }, { raw: Buffer.alloc(3) }, { raw: 'ab' }, { f: 1e39 }]) {
      assertCodecError(() => Flags.encode({ ...good, ...bad }), 'ERR_CODEC_RANGE');
    }
  });

  it('checks every field before it writes a byte with encodeInto', () => {
    const target = Buffer.alloc(16, 0xee);
    assertCodecError(() => Sample.encodeInto({ a: 1, b: 2, c: 40000 }, target, 2), 'ERR_CODEC_RANGE');
    assert.ok(target.equals(Buffer.alloc(16, 0xee)));
    assert.equal(Sample.encodeInto({ a: 1, b: 2, c: 3 }, target, 2), 14);
    assert.equal(target.toString('hex'), 'eeee' + '010000000200000003000000' + 'eeee');
    assertCodecError(() => Sample.encodeInto({ a: 1, b: 2, c: 3 }, target, 5), 'ERR_CODEC_SHORT');
  });

  it('decodes only exactly size bytes, and size bytes at an offset with decodeFrom', () => {
    const bytes = Sample.encode({ a: 9, b: 8, c: -7 });
    assertCodecError(() => Sample.decode(bytes.subarray(1)), 'ERR_CODEC_SHORT');
    assertCodecError(() => Sample.decode(Buffer.concat([bytes, Buffer.alloc(1)])), 'ERR_CODEC_SHORT');
    assert.deepEqual(Sample.decodeFrom(Buffer.concat([Buffer.alloc(3), bytes]), 3), { a: 9, b: 8, c: -7 });
    assertCodecError(() => Sample.decodeFrom(bytes, 1), 'ERR_CODEC_SHORT');
  });

  it('reads char fields up to the first NUL and returns byte fields as copies', () => {
    const R = record({ name: 'char[6]', raw: 'bytes[2]' });
    const bytes = Buffer.from('616200636465' + '0102', 'hex');
    const value = R.decode(bytes);
    assert.equal(value.name, 'ab');
    bytes[6] = 0xff;
    assert.equal(value.raw.toString('hex'), '0102');
  });

  it('handles long arrays with loops the same as short ones', () => {
    const R = record({ n: 'uint8', xs: 'int32[100]', ys: 'float64[17]' });
    const value = { n: 3, xs: Array.from({ length: 100 }, (_, i) => i * 1000 - 50000), ys: Array.from({ length: 17 }, (_, i) => i / 3) };
    assert.deepEqual(R.decode(R.encode(value)), value);
    assert.equal(R.encode(value).readInt32LE(4 + 4 * 99), 99 * 1000 - 50000);
  });

  it('rejects unknown field types with ERR_CODEC_FORMAT', () => {
    for (const type of ['int33', 'char', 'char[0]', 'uint8[]', 'float16', 'Int8', ' int8', 'int8[2][2]', 42, null, {}]) {
      assertCodecError(() => record({ x: type }), 'ERR_CODEC_FORMAT');
    }
  });

  it('keeps field names out of the generated code', () => {
    const name = "a'); throw new Error('injected'); ('";
    const R = record({ [name]: 'uint8', 'b c': 'uint8', __proto__x: 'uint8' });
    assert.deepEqual(R.decode(R.encode({ [name]: 1, 'b c': 2, __proto__x: 3 })), { [name]: 1, 'b c': 2, __proto__x: 3 });
  });
});
