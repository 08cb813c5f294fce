/**
 * A minimal Protocol Buffers wire-format writer: just what ONNX's ModelProto needs (varints,
 * 64-bit two's-complement negatives, fixed32 floats, length-delimited strings, bytes, packed
 * repeated fields and nested messages). Encoding rules:
 * https://protobuf.dev/programming-guides/encoding/
 *
 * Written by hand instead of pulling in protobufjs plus the onnx.proto schema: the handful of
 * messages we emit fit in two small files, and the only consumer is ONNX Runtime, which the
 * tests use as the decoder.
 */

const WireType = { Varint: 0, LengthDelimited: 2, Fixed32: 5 } as const;
type WireType = (typeof WireType)[keyof typeof WireType];

const utf8 = new TextEncoder();

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  /** A varint field (int32, int64, uint64, enum, bool). Negative values take 10 bytes (int64 two's complement). */
  int(field: number, value: number): this {
    this.tag(field, WireType.Varint);
    this.varint(value);
    return this;
  }

  /** A `float` field (fixed32, little endian). */
  float(field: number, value: number): this {
    this.tag(field, WireType.Fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  /** A `string` field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A `bytes` field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LengthDelimited);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** A nested message field: `write` fills a fresh writer whose bytes are length-prefixed here. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed `repeated float` field (proto3 default; proto2 parsers accept packed too). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
    return this.bytes(field, data);
  }

  /** A packed `repeated int64` field. */
  packedInts(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]!);
    return this.bytes(field, inner.finish());
  }

  /** The bytes written so far (a copy, so the writer may be dropped). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private tag(field: number, wire: WireType): void {
    if (!Number.isInteger(field) || field < 1 || field > 536_870_911) {
      throw new RangeError(`protobuf field number ${field} is outside [1, 2^29 - 1]`);
    }
    this.varint(field * 8 + wire);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf varint ${value} is not a safe integer`);
    this.reserve(10);
    if (value < 0) {
      // int64 negatives are sent as their 64-bit two's complement: always 10 bytes.
      let v = BigInt.asUintN(64, BigInt(value));
      while (v >= 0x80n) {
        this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.buf[this.len++] = Number(v);
      return;
    }
    let v = value;
    // Division instead of >>> keeps values above 2^32 exact (up to MAX_SAFE_INTEGER).
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}
