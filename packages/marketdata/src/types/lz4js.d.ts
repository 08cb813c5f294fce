// Minimal typings for lz4js@0.2 (CommonJS, no bundled types). Only what the Feather codec uses.
declare module 'lz4js' {
  interface Lz4js {
    /** Upper bound of the decompressed size of an LZ4 frame, found by walking its block headers. */
    decompressBound(src: Uint8Array): number;
    /** Decompresses one LZ4 frame into dst; returns the number of bytes written. */
    decompressFrame(src: Uint8Array, dst: Uint8Array): number;
    decompress(src: Uint8Array, maxSize?: number): Uint8Array;
    compress(src: Uint8Array, maxSize?: number): Uint8Array;
  }
  const lz4: Lz4js;
  export default lz4;
}
