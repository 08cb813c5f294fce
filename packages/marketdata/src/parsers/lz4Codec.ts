// lz4js ships no types; the reference keeps them visible to packages that compile this file.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../types/lz4js.d.ts" />
import { CompressionType, compressionRegistry } from 'apache-arrow';
import lz4 from 'lz4js';

const LZ4_FRAME_MAGIC = 0x184d2204;

const u32 = (b: Uint8Array, i: number) =>
  (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/**
 * Decodes one LZ4 *frame* (what Arrow IPC's LZ4_FRAME compression stores per buffer, after the
 * 8-byte uncompressed-length prefix that Arrow strips itself).
 *
 * lz4js quirks handled here: its `decompressBound` reads the optional content-size field with
 * 32-bit shifts (wrong), so we read that field ourselves; it does not support dictionary IDs;
 * and `decompressFrame` silently drops bytes written past the end of `dst`, so a content size that
 * does not match the decoded length is an error rather than silent truncation.
 */
export function decodeLz4Frame(src: Uint8Array): Uint8Array {
  if (src.length < 7) throw new Error('LZ4 frame: truncated header');
  const magic = u32(src, 0);
  if (magic !== LZ4_FRAME_MAGIC) throw new Error(`LZ4 frame: bad magic number 0x${magic.toString(16)}`);
  const flg = src[4]!;
  if ((flg & 0xc0) !== 0x40) throw new Error(`LZ4 frame: unsupported version bits ${flg >> 6}`);
  if ((flg & 0x01) !== 0) throw new Error('LZ4 frame: dictionary IDs are not supported');
  checkFrameLayout(src, flg);
  let size: number;
  if ((flg & 0x08) !== 0) {
    if (src.length < 15) throw new Error('LZ4 frame: truncated header');
    size = u32(src, 10) * 2 ** 32 + u32(src, 6);
    if (!Number.isSafeInteger(size) || size > 2 ** 31)
      throw new Error(`LZ4 frame: implausible content size ${size}`);
  } else {
    size = lz4.decompressBound(src);
  }
  const dst = new Uint8Array(size);
  const n = lz4.decompressFrame(src, dst);
  if ((flg & 0x08) !== 0 && n !== size) {
    throw new Error(`LZ4 frame: decoded ${n} bytes, header says ${size}`);
  }
  if (n > size) throw new Error('LZ4 frame: output overflow');
  return n === size ? dst : dst.slice(0, n);
}

/**
 * Walks the block headers and checks that the frame ends exactly at the end of `src` (lz4js
 * itself never checks bounds, so a truncated or padded buffer would decode to garbage silently).
 */
function checkFrameLayout(src: Uint8Array, flg: number): void {
  let i = 4 + 2 + ((flg & 0x08) !== 0 ? 8 : 0) + 1; // magic, FLG, BD, [content size], HC
  const blockSum = (flg & 0x10) !== 0 ? 4 : 0;
  for (;;) {
    if (i + 4 > src.length) throw new Error('LZ4 frame: truncated (no end mark)');
    const word = u32(src, i);
    i += 4;
    if (word === 0) break;
    i += (word & 0x7fffffff) + blockSum;
    if (i > src.length) throw new Error('LZ4 frame: truncated block');
  }
  if ((flg & 0x04) !== 0) i += 4; // content checksum
  if (i !== src.length) throw new Error(`LZ4 frame: ${src.length - i} unexpected bytes after the frame`);
}

let registered = false;

/** Registers the LZ4 frame decoder with apache-arrow's global compression registry (idempotent). */
export function registerLz4Codec(): void {
  if (registered) return;
  const existing = compressionRegistry.get(CompressionType.LZ4_FRAME);
  if (existing?.decode === undefined) {
    compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: decodeLz4Frame });
  }
  registered = true;
}
