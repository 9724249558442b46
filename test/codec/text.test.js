'use strict';
const assert = require('node:assert/strict');
const codec = require('../../dist/codec');

const { toChar, fromChar } = codec;

function assertCodecError(fn, code = 'ERR_CODEC_RANGE') {
  assert.throws(fn, (error) => error instanceof codec.CodecError && error.code === code);
}

describe('codec text: toChar and fromChar', () => {
  it('ends text with one NUL, or two bytes of NUL for utf16le', () => {
    assert.equal(toChar('hé', { encoding: 'latin1' }).toString('hex'), '68e900');
    assert.equal(toChar('hé').toString('hex'), '68c3a900');
    assert.equal(toChar('hé', { encoding: 'utf16le' }).toString('hex'), '6800e9000000');
    assert.equal(toChar('hi', { encoding: 'ascii' }).toString('hex'), '686900');
    assert.equal(toChar('').toString('hex'), '00');
  });

  it('pads to a fixed size with NULs and accepts text that fills it exactly', () => {
    assert.equal(toChar('ab', { encoding: 'latin1', size: 5 }).toString('hex'), '6162000000');
    assert.equal(toChar('abcde', { encoding: 'latin1', size: 5 }).toString('hex'), '6162636465');
    assert.equal(toChar('\u20ac', { encoding: 'utf16le', size: 4 }).toString('hex'), 'ac200000');
  });

  it('refuses text that does not fit the size with ERR_CODEC_RANGE', () => {
    assertCodecError(() => toChar('abcdef', { encoding: 'latin1', size: 5 }));
    assertCodecError(() => toChar('\u20ac', { encoding: 'utf8', size: 2 }));
    assertCodecError(() => toChar('abc', { encoding: 'utf16le', size: 5 }));
  });

  it('refuses characters the encoding cannot represent instead of writing a question mark', () => {
    assertCodecError(() => toChar('\u0100', { encoding: 'latin1' }));
    assertCodecError(() => toChar('\u0080', { encoding: 'ascii' }));
    assertCodecError(() => toChar('a\ud800b', { encoding: 'utf8' }));
    assertCodecError(() => toChar('\udc00', { encoding: 'utf16le' }));
    assertCodecError(() => toChar('x\ud83d', { encoding: 'utf16le' }));
    assert.equal(toChar('\ud83d\ude00', { encoding: 'utf16le' }).toString('hex'), '3dd800de0000');
  });

  it('refuses a NUL inside the text, which would cut the C string short', () => {
    assertCodecError(() => toChar('a\0b'));
    assertCodecError(() => toChar('a\0', { encoding: 'latin1', size: 8 }));
  });

  it('reads up to the first NUL, or everything when there is none', () => {
    assert.equal(fromChar(Buffer.from('61620063', 'hex'), { encoding: 'latin1' }), 'ab');
    assert.equal(fromChar(Buffer.from('6162', 'hex')), 'ab');
    assert.equal(fromChar(Buffer.from('e9', 'hex'), { encoding: 'latin1' }), 'é');
    assert.equal(fromChar(Buffer.alloc(0)), '');
  });

  it('stops utf16le text at the first 0x0000 unit at an even offset only', () => {
    // 0x0100 then 0x0061: the zero bytes straddling the units are not a terminator.
    assert.equal(fromChar(Buffer.from('0001610000006200', 'hex'), { encoding: 'utf16le' }), '\u0100a');
    assert.equal(fromChar(Buffer.from('4100', 'hex'), { encoding: 'utf16le' }), 'A');
  });

  it('refuses invalid UTF-8, non-ascii bytes, odd UTF-16 and lone surrogates rather than substituting U+FFFD', () => {
    assertCodecError(() => fromChar(Buffer.from('61ff62', 'hex')));
    assertCodecError(() => fromChar(Buffer.from('c3', 'hex')));
    assertCodecError(() => fromChar(Buffer.from('eda080', 'hex')));   // an encoded surrogate
    assertCodecError(() => fromChar(Buffer.from('80', 'hex'), { encoding: 'ascii' }));
    assertCodecError(() => fromChar(Buffer.from('410042', 'hex'), { encoding: 'utf16le' }));
    assertCodecError(() => fromChar(Buffer.from('00d8', 'hex'), { encoding: 'utf16le' }));
  });

  it('keeps a leading byte order mark, as it is part of the text', () => {
    assert.equal(fromChar(Buffer.from('efbbbf61', 'hex')), '\ufeffa');
  });

  it('round-trips every encodable string of each encoding', () => {
    const samples = { latin1: ['', 'abc', '\u00ff\u0001 '], ascii: ['hello, world', '\u007f'], utf8: ['h\u00e9\u20ac\ud83d\ude00'], utf16le: ['h\u00e9\u20ac\ud83d\ude00'] };
    for (const [encoding, texts] of Object.entries(samples)) {
      for (const text of texts) {
        assert.equal(fromChar(toChar(text, { encoding }), { encoding }), text, `${encoding} ${JSON.stringify(text)}`);
        assert.equal(fromChar(toChar(text, { encoding, size: 40 }), { encoding }), text);
      }
    }
  });

  it('throws a TypeError for an unknown encoding', () => {
    assert.throws(() => toChar('a', { encoding: 'utf-16' }), TypeError);
    assert.throws(() => fromChar(Buffer.alloc(1), { encoding: 'ucs2' }), TypeError);
  });
});
