import lz4 from 'lz4js';
import { describe, expect, it } from 'vitest';
import { decodeLz4Frame } from './lz4Codec';

const sample = () => {
  const a = new Uint8Array(200_000);
  for (let i = 0; i < a.length; i++) a[i] = (i * 31 + (i >> 7)) & 0xff;
  return a;
};

describe('decodeLz4Frame', () => {
  it('round-trips an lz4js frame (no content size; 64 KiB.. blocks)', () => {
    const data = sample();
    expect(decodeLz4Frame(lz4.compress(data))).toEqual(data);
  });

  it('reads the optional 64-bit content-size field itself (lz4js decompressBound gets it wrong)', () => {
    const data = sample();
    const framed = lz4.compress(data);
    // Re-write the header with FLG.ContentSize set and an 8-byte little-endian size after BD.
    const withSize = new Uint8Array(framed.length + 8);
    withSize.set(framed.subarray(0, 6), 0);
    withSize[4] = framed[4]! | 0x08;
    new DataView(withSize.buffer).setUint32(6, data.length, true);
    withSize.set(framed.subarray(6), 14);
    expect(decodeLz4Frame(withSize)).toEqual(data);
    // A lying content size is an error, not silent truncation.
    new DataView(withSize.buffer).setUint32(6, data.length - 1, true);
    expect(() => decodeLz4Frame(withSize)).toThrow(/decoded 200000 bytes, header says 199999/);
  });

  it('rejects bad magic, truncation and trailing bytes', () => {
    const framed = lz4.compress(sample());
    expect(() => decodeLz4Frame(new Uint8Array(16))).toThrow(/bad magic/);
    expect(() => decodeLz4Frame(framed.subarray(0, framed.length - 100))).toThrow(/truncated/);
    const padded = new Uint8Array(framed.length + 3);
    padded.set(framed);
    expect(() => decodeLz4Frame(padded)).toThrow(/3 unexpected bytes/);
  });
});
