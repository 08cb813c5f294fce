import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf-writer';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// Expected bytes follow the examples of https://protobuf.dev/programming-guides/encoding/.
describe('ProtoWriter', () => {
  it('writes varints with the field tag (field 1, value 150 → 08 96 01)', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('089601');
  });

  it('writes values above 2^32 exactly', () => {
    // 2^35 = five empty 7-bit groups (80 with the continuation bit), then 01.
    expect(hex(new ProtoWriter().int(1, 2 ** 35).finish())).toBe('08808080808001');
  });

  it('writes negative int64 as 10-byte two’s complement (-1 → ff…ff 01)', () => {
    expect(hex(new ProtoWriter().int(3, -1).finish())).toBe('18ffffffffffffffffff01');
  });

  it('writes floats as little-endian fixed32 (1.0 → 0000803f)', () => {
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('150000803f');
  });

  it('writes strings as UTF-8, length-prefixed (field 2 "testing")', () => {
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().string(1, 'σ').finish())).toBe('0a02cf83');
  });

  it('writes nested messages length-prefixed (field 3 { field 1: 150 } → 1a 03 08 96 01)', () => {
    expect(hex(new ProtoWriter().message(3, (m) => m.int(1, 150)).finish())).toBe('1a03089601');
  });

  it('writes packed repeated ints and floats, and nothing for an empty list', () => {
    expect(hex(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish())).toBe('2206038e029ea705');
    expect(hex(new ProtoWriter().packedFloats(4, [1, -2]).finish())).toBe('22080000803f000000c0');
    expect(new ProtoWriter().packedInts(4, []).finish().length).toBe(0);
  });

  it('uses multi-byte tags for field numbers ≥ 16', () => {
    // field 20, varint: (20 << 3) | 0 = 160 → a0 01
    expect(hex(new ProtoWriter().int(20, 2).finish())).toBe('a00102');
  });

  it('grows past its initial buffer', () => {
    const big = new Float32Array(10_000).fill(0.5);
    const bytes = new ProtoWriter().packedFloats(1, big).finish();
    expect(bytes.length).toBe(1 + 3 + 40_000);
  });

  it('rejects invalid field numbers and unsafe integers', () => {
    expect(() => new ProtoWriter().int(0, 1)).toThrow(RangeError);
    expect(() => new ProtoWriter().int(2 ** 29, 1)).toThrow(RangeError);
    expect(() => new ProtoWriter().int(1, 2 ** 60)).toThrow(/safe integer/);
    expect(() => new ProtoWriter().int(1, 0.5)).toThrow(/safe integer/);
  });
});
