#!/usr/bin/env python3
"""Regenerate test/codec/fixtures/struct-vectors.json from Python's `struct`.

Python's `struct` module is the reference implementation of the format
language that `codec.pack`/`codec.unpack` speak, so the JavaScript tests
compare against vectors produced here, byte for byte, in both directions.

Run from the repository root:  python3 scripts/gen-struct-vectors.py
The output is deterministic (fixed seed, no dependence on dict order or time).

Value encoding in the JSON (JSON has no bigint, bytes, NaN or -0):
  "i<decimal>"  an integer read back by a code of at most 32 bits (a number in JS)
  "q<decimal>"  an integer read back by a 64-bit code (a bigint in JS)
  "d<repr>"     a float: "dnan", "dinf", "d-inf", "d-0.0", "d1.5", ...
  "b<hex>"      bytes
  true / false  booleans;  null  None
Vector kinds (field "k"):
  "pack"    f, v, h  [, u]: pack(f, *v) == h and unpack(f, h) == (u if present else v)
  "unpack"  f, h, u:        unpack(f, h) == u  (bytes that need not round-trip, e.g. NaN payloads)
  "from"    f, h, o, u|e:   unpack_from(f, h, o)
  "into"    f, h, o, v, r|e: pack_into(f, buf(h), o, *v) leaves the buffer as r
  "packerr" f, v, e;  "unpackerr" f, h, e;  "sizeerr" f, e   (e = the CodecError code)
"""
import json
import math
import os
import random
import struct
import sys

SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'codec', 'fixtures', 'struct-vectors.json')

rng = random.Random(SEED)

INT_CODES = 'bBhHiIlLqQnNP'
NATIVE_ONLY = 'nNP'
ALL_CODES = 'xcbB?hHiIlLqQnNefdspP'
MODES = '@=<>!'


def modes_for(code):
    return '@' if code in NATIVE_ONLY else MODES


def int_range(mode, code):
    """The range Python accepts for an integer code, found by probing struct itself."""
    size = struct.calcsize(mode + code)
    if code == 'P':
        return -(1 << 63), (1 << 64) - 1
    if code.islower():
        return -(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1
    return 0, (1 << (8 * size)) - 1


def is64(mode, code):
    return code in INT_CODES and struct.calcsize(mode + code) == 8


def enc(value, wide=False):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return ('q' if wide else 'i') + str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return 'dnan'
        return 'd' + repr(value)
    if isinstance(value, (bytes, bytearray)):
        return 'b' + bytes(value).hex()
    raise TypeError(value)


def same(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if type(x) is not type(y):
            return False
        if isinstance(x, float):
            if math.isnan(x) and math.isnan(y):
                continue
            if x != y or math.copysign(1, x) != math.copysign(1, y):
                return False
        elif x != y:
            return False
    return True


def error_code(exc):
    """Map what Python raised to the CodecError code the JS port must throw."""
    msg = str(exc)
    if isinstance(exc, (UnicodeEncodeError,)) or 'embedded null' in msg:
        return 'ERR_CODEC_FORMAT'
    if 'bad char' in msg or 'repeat count' in msg or 'too long' in msg or 'expected' in msg and 'items' in msg:
        return 'ERR_CODEC_FORMAT'
    if 'requires a buffer' in msg or 'not enough data' in msg or 'out of range for' in msg or 'no space' in msg or 'multiple of' in msg:
        return 'ERR_CODEC_SHORT'
    if isinstance(exc, OverflowError) or 'format requires' in msg or 'not an integer' in msg \
            or 'not a float' in msg or 'out of range' in msg or 'too large' in msg \
            or 'must be a bytes' in msg or 'length 1' in msg:
        return 'ERR_CODEC_RANGE'
    raise RuntimeError('unclassified struct error: %r' % (exc,))


def value_widths(fmt):
    """For each value a format packs, whether it reads back as a 64-bit integer."""
    try:
        struct.calcsize(fmt)
    except Exception:  # noqa: BLE001 - a bad format packs no values
        return []
    mode = fmt[0] if fmt and fmt[0] in MODES else '@'
    widths = []
    i = 0
    body = fmt[1:] if fmt and fmt[0] in MODES else fmt
    while i < len(body):
        c = body[i]
        if c.isspace():
            i += 1
            continue
        n = 1
        if c.isdigit():
            j = i
            while body[j].isdigit():
                j += 1
            n = int(body[i:j])
            i = j
            c = body[i]
        i += 1
        if c == 'x':
            continue
        if c in 'sp':
            widths.append(False)
        else:
            widths.extend([is64(mode, c)] * n)
    return widths


vectors = []


def add_pack(fmt, values):
    """Record pack(fmt, *values) as Python does it: bytes, or the error code."""
    widths = value_widths(fmt)
    try:
        data = struct.pack(fmt, *values)
    except Exception as exc:  # noqa: BLE001 - every failure is a vector
        vectors.append({'k': 'packerr', 'f': fmt, 'v': [enc(v, w) for v, w in zip(values, widths + [False] * len(values))], 'e': error_code(exc)})
        return
    back = struct.unpack(fmt, data)
    vec = {'k': 'pack', 'f': fmt, 'v': [enc(v, w) for v, w in zip(values, widths)], 'h': data.hex()}
    if not same(list(back), list(values)):
        vec['u'] = [enc(v, w) for v, w in zip(back, widths)]
    vectors.append(vec)


def add_unpack(fmt, data):
    widths = value_widths(fmt)
    try:
        back = struct.unpack(fmt, data)
    except Exception as exc:  # noqa: BLE001
        vectors.append({'k': 'unpackerr', 'f': fmt, 'h': data.hex(), 'e': error_code(exc)})
        return
    vectors.append({'k': 'unpack', 'f': fmt, 'h': data.hex(), 'u': [enc(v, w) for v, w in zip(back, widths)]})


def add_size_error(fmt):
    try:
        struct.calcsize(fmt)
    except Exception as exc:  # noqa: BLE001
        vectors.append({'k': 'sizeerr', 'f': fmt, 'e': error_code(exc)})
        return
    raise RuntimeError('expected %r to be a bad format' % fmt)


def random_value(mode, code, count=1):
    if code in INT_CODES:
        lo, hi = int_range(mode, code)
        # Mix uniformly random values with small ones and ones near the limits.
        pick = rng.random()
        if pick < 0.4:
            return rng.randint(lo, hi)
        if pick < 0.7:
            return max(lo, min(hi, rng.randint(-300, 300)))
        edge = rng.choice([lo, hi])
        return max(lo, min(hi, edge + rng.randint(-70000, 70000)))
    if code == '?':
        return rng.random() < 0.5
    if code == 'c':
        return bytes([rng.randrange(256)])
    if code in 'sp':
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, count + 2)))
    if code == 'e':
        return rng.choice([rng.uniform(-65504, 65504), rng.uniform(-1, 1), rng.uniform(-1e-4, 1e-4), float(rng.randint(-2048, 2048))])
    if code == 'f':
        return rng.choice([rng.uniform(-1e38, 1e38), rng.uniform(-1, 1), struct.unpack('<f', struct.pack('<I', rng.getrandbits(31)))[0]])
    if code == 'd':
        bits = rng.getrandbits(64)
        value = struct.unpack('<d', struct.pack('<Q', bits))[0]
        return value if not math.isnan(value) else rng.uniform(-1e9, 1e9)
    raise ValueError(code)


# 1. Every integer code at its limits, just inside them and just outside them.
for code in INT_CODES:
    for mode in modes_for(code):
        lo, hi = int_range(mode, code)
        for v in sorted({lo, lo + 1, hi - 1, hi, 0, 1, max(lo, -1), 127, 128, 255, 256, min(hi, 65535), min(hi, 65536), min(hi, 2 ** 31 - 1), min(hi, 2 ** 32)}):
            add_pack(mode + code, [v])
        for v in (lo - 1, hi + 1, lo - 2 ** 70, hi + 2 ** 70):
            add_pack(mode + code, [v])
        # 1.0 is left out: in JavaScript it is the integer 1, which Python's 1.0 is not.
        add_pack(mode + code, [1.5])
        add_pack(mode + code, [None])
        add_pack(mode + code, [b'\x01'])
        for _ in range(12):
            add_pack(mode + code, [random_value(mode, code)])
        for _ in range(4):
            size = struct.calcsize(mode + code)
            add_unpack(mode + code, bytes(rng.randrange(256) for _ in range(size)))

# 2. Floats: signed zeros, infinities, NaN, limits, subnormals, rounding ties, overflow.
F32_MAX = struct.unpack('<f', bytes.fromhex('ffff7f7f'))[0]
special_floats = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, -2.25, math.inf, -math.inf, math.nan, 1e-300, 5e-324, -5e-324,
                  2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, math.pi, 1 / 3, 0.1,
                  F32_MAX, -F32_MAX, F32_MAX * (1 + 2 ** -25), F32_MAX * (1 + 2 ** -24), 3.4e38, 3.5e38, 1e39, 1.4e-45, 7e-46, 7.1e-46, 1e-46,
                  1.1754943508222875e-38, 1 + 2 ** -24, 1 + 3 * 2 ** -24, 1 + 2 ** -23, 16777217.0,
                  65504.0, 65519.99, 65520.0, -65520.0, 65536.0, 1e5, 2.0 ** -24, 2.0 ** -25, 2.0 ** -25 * 1.0000001, 2.0 ** -26,
                  3 * 2.0 ** -25, 2.0 ** -14, 2.0 ** -14 - 2.0 ** -25, 6.1e-5, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 2049.0, 2051.0, 4097.0, 1 + 2 ** -10, 0.333251953125]
for code in 'efd':
    for mode in MODES:
        for v in special_floats:
            add_pack(mode + code, [v])
        add_pack(mode + code, [None])
        add_pack(mode + code, [b'\x00'])
        for _ in range(25):
            add_pack(mode + code, [random_value(mode, code)])
        size = struct.calcsize(mode + code)
        for _ in range(25):
            add_unpack(mode + code, bytes(rng.randrange(256) for _ in range(size)))
        # NaN payloads and infinities with both signs read back as NaN / inf.
        for hexbits in {'e': ['7c01', 'fe00', 'fc00', '7c00', '7bff', '0001', '8000'], 'f': ['7f800001', 'ffc00000', 'ff800000', '7f7fffff', '00000001', '80000000'],
                        'd': ['7ff0000000000001', 'fff8000000000000', 'fff0000000000000', '7fefffffffffffff', '0000000000000001', '8000000000000000']}[code]:
            raw = bytes.fromhex(hexbits)
            add_unpack(mode + code, raw if mode in '>!' else raw[::-1])

# 3. Bool and char.
for mode in MODES:
    # b'' is left out: Python calls empty bytes false, JavaScript calls every object true.
    for v in (True, False, 0, 1, 2, -1, None, b'x', 0.0, 0.5):
        add_pack(mode + '?', [v])
    for b in (0, 1, 2, 127, 128, 255):
        add_unpack(mode + '?', bytes([b]))
    for v in (b'a', b'\x00', b'\xff', b'', b'ab', 1, None):
        add_pack(mode + 'c', [v])
    add_pack(mode + '3c', [b'a', b'b', b'c'])

# 4. s and p: padding, truncation, the 255 cap of p's length byte, and bad length bytes.
for mode in '<@':
    for count in (0, 1, 2, 3, 4, 5, 8, 255, 256, 257, 300):
        for length in sorted({0, 1, max(count - 1, 0), count, count + 1, count + 3}):
            data = bytes((i * 7 + count) % 256 for i in range(length))
            fmt = mode + (str(count) if count != 1 or rng.random() < 0.5 else '') + 's'
            add_pack(fmt, [data])
            if count > 0:  # '0p' makes CPython itself misbehave, so it has no vector
                add_pack(mode + str(count) + 'p', [data])
        if count > 0:
            for _ in range(3):
                add_unpack(mode + str(count) + 'p', bytes(rng.randrange(256) for _ in range(count)))
        add_pack(mode + str(count) + 's', [123])
        add_pack(mode + str(count) + 's', [None])
    add_pack(mode + 's', [bytearray(b'z')])

# 5. Native alignment: every code after a one-byte code, after each other, and the '0l' trick.
for a in ALL_CODES:
    for b in ALL_CODES:
        fmt = '@' + a + b
        values = [random_value('@', c) for c in (a, b) if c != 'x']
        add_pack(fmt, values)
        add_pack('=' + a + b if a not in NATIVE_ONLY and b not in NATIVE_ONLY else fmt, values)
for fmt, values in (('@c0l', [b'a']), ('@b0q', [-1]), ('@h0d', [300]), ('@3b0i', [1, 2, 3]), ('@c0P', [b'z']), ('@ci0h', [b'q', 7]),
                    ('@0i', []), ('@c0e', [b'e']), ('@c0?', [b'?']), ('@b3x0i', [9]), ('@2c0n', [b'a', b'b']), ('@c0s', [b'c', b'']),
                    ('@c0sh', [b'c', b'', 5]), ('=c0l', [b'a']), ('<c0q', [b'a']), ('@5x', []), ('<5x', []), ('@bxh', [1, 2]), ('@h3xq', [1, 2]),
                    ('@?d', [True, 1.0]), ('@eq', [1.0, 2]), ('@c5si', [b'c', b'hello', 9])):
    add_pack(fmt, values)

# 6. Random formats: prefixes, repeat counts and whitespace, with random values.
for _ in range(1400):
    mode = rng.choice(['@', '=', '<', '>', '!', ''])
    effective = mode or '@'
    codes = [c for c in ALL_CODES if effective == '@' or c not in NATIVE_ONLY]
    parts, values = [], []
    for _ in range(rng.randint(1, 6)):
        code = rng.choice(codes)
        count = rng.choice([1, 1, 1, 2, 3, 4, 0]) if code not in 'sp' else rng.choice([1, 2, 4, 7, 16])
        if code == 'p' and count == 0:
            count = 1
        text = ('' if count == 1 and rng.random() < 0.7 else str(count)) + code
        parts.append(text)
        if code == 'x':
            continue
        if code in 'sp':
            values.append(random_value(effective, code, count))
        else:
            values.extend(random_value(effective, code) for _ in range(count))
    sep = rng.choice(['', '', ' ', '\t', ' \n'])
    fmt = mode + sep.join(parts)
    add_pack(fmt, values)
    if rng.random() < 0.25:
        size = struct.calcsize(fmt)
        add_unpack(fmt, bytes(rng.randrange(256) for _ in range(size)))

# 7. Bad formats and the wrong number of values.
for fmt in ('3', '3 h', 'h<', '<<', '<n', '=N', '>P', '!n', 'y', 'hZ', 'hé', 'h\0h', '3\n', '@@', '  !', 'i 2', '12', '1E', 'H-', '-1h',
            '99999999999999999999x', '9999999999999999999x', '<9999999999999999999q', '&', 'hh*', 'b\x7f', 'B\u20ac'):
    add_size_error(fmt)
    add_pack(fmt, [])
for fmt, values in (('2i', [1]), ('2i', [1, 2, 3]), ('<h', []), ('<h', [1, 2]), ('', [1]), ('3s', []), ('3s', [b'a', b'b']), ('x', [0]), ('<5x', [1]),
                    ('<hxs', [1]), ('@c0l', [])):
    add_pack(fmt, values)

# 8. Buffers of the wrong size for unpack (Python requires the exact size).
for fmt in ('<i', '@bq', '>3h', '<5s', '@c0l', '', '<x', '!d', '@P'):
    size = struct.calcsize(fmt)
    for n in sorted({0, max(size - 1, 0), size + 1, size + 8}):
        if n != size:
            add_unpack(fmt, bytes(range(n)))

# 9. unpack_from and pack_into with offsets, including negative ones and short buffers.
for fmt in ('<i', '>hq', '@bi', '<3s', '!e', '<?c'):
    size = struct.calcsize(fmt)
    for buflen in (size, size + 3, size - 1 if size else 0, 0):
        buf = bytes(rng.randrange(256) for _ in range(max(buflen, 0)))
        for offset in (0, 1, 3, -size, -size - 1, -buflen, -buflen - 1, buflen):
            try:
                back = struct.unpack_from(fmt, buf, offset)
                vectors.append({'k': 'from', 'f': fmt, 'h': buf.hex(), 'o': offset, 'u': [enc(v, w) for v, w in zip(back, value_widths(fmt))]})
            except Exception as exc:  # noqa: BLE001
                vectors.append({'k': 'from', 'f': fmt, 'h': buf.hex(), 'o': offset, 'e': error_code(exc)})
            values = [random_value(fmt[0], c) for c in fmt[1:] if not c.isdigit()]
            if fmt == '<3s':
                values = [b'ab']
            target = bytearray(buf)
            try:
                struct.pack_into(fmt, target, offset, *values)
                vectors.append({'k': 'into', 'f': fmt, 'h': buf.hex(), 'o': offset, 'v': [enc(v, w) for v, w in zip(values, value_widths(fmt))], 'r': bytes(target).hex()})
            except Exception as exc:  # noqa: BLE001
                vectors.append({'k': 'into', 'f': fmt, 'h': buf.hex(), 'o': offset, 'v': [enc(v, w) for v, w in zip(values, value_widths(fmt))], 'e': error_code(exc)})

# Python's own native sizes and alignments, so the tests can state them too.
native = {c: {'size': struct.calcsize('@' + c), 'align': struct.calcsize('@c' + c) - struct.calcsize('@' + c)} for c in ALL_CODES if c not in 'x'}
document = {
    'generator': 'scripts/gen-struct-vectors.py',
    'python': '%d.%d' % sys.version_info[:2],
    'platform': sys.platform + '-' + os.uname().machine,
    'byteorder': sys.byteorder,
    'seed': SEED,
    'native': native,
    'vectors': vectors,
}
with open(OUT, 'w', encoding='utf-8') as fh:
    json.dump(document, fh, separators=(',', ':'), ensure_ascii=True)
    fh.write('\n')
counts = {}
for v in vectors:
    counts[v['k']] = counts.get(v['k'], 0) + 1
print('%d vectors %s -> %s (%d bytes)' % (len(vectors), counts, os.path.relpath(OUT), os.path.getsize(OUT)))
