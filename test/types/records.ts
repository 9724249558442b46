// Type-level cases for records, checked by types.test.js with tsc --strict.
// A line under @ts-expect-error must fail to compile.
import { codec } from 'winsock';

const Point = codec.record({ x: 'int32', y: 'int32' });
const Shape = codec.record({ id: 'uint64', origin: Point, name: 'char[8]', tags: 'uint8[4]', raw: 'bytes[2]', on: 'bool' });

export function cases(bytes: Buffer): void {
  const shape = Shape.decode(bytes);
  const id: bigint = shape.id;
  const x: number = shape.origin.x;
  const name: string = shape.name;
  const tags: number[] = shape.tags;
  const raw: Buffer = shape.raw;
  const on: boolean = shape.on;
  Shape.encode({ id: 1n, origin: { x: 1, y: 2 }, name: 'a', tags: [1, 2, 3, 4], raw: new Uint8Array(2), on: true });
  // 64-bit fields take a safe-integer number too.
  Shape.encode({ id: 1, origin: { x: 1, y: 2 }, name: 'a', tags: [], raw: Buffer.alloc(2), on: false });
  // @ts-expect-error a 64-bit field decodes to a bigint
  const wrongId: number = shape.id;
  // @ts-expect-error a char field holds text
  Shape.encode({ id: 1n, origin: { x: 1, y: 2 }, name: 5, tags: [], raw: Buffer.alloc(2), on: true });
  // @ts-expect-error a field is missing
  Point.encode({ x: 1 });
  // @ts-expect-error no such field
  void Point.decode(bytes).z;
  void [id, x, name, tags, raw, on, wrongId];
}
