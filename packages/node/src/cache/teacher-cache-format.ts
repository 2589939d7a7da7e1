import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import type { CachedTeacherOutputs } from '@kd/core';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';

/**
 * The on-disk form of one cache entry, little-endian:
 *
 * | bytes | field |
 * |---|---|
 * | 4 | magic `KDTC` |
 * | 1 | format version (1) |
 * | 1 | value type: 1 float32, 2 float16 |
 * | 1 | kind: 0 logits, 1 probabilities |
 * | 1 | reserved (0) |
 * | 4 | rank r |
 * | 4 | key length k (UTF-8 bytes) |
 * | 8 | value count n |
 * | 4·r | shape |
 * | k | key |
 * | 32 | SHA-256 of everything above and of the values |
 * | 4n or 2n | values |
 *
 * The key is stored so a file can be checked against the key it is read for.
 */
export const MAGIC = 'KDTC';
export const FORMAT_VERSION = 1;
const FIXED = 24;
const DIGEST = 32;

export type StoredPrecision = 'float32' | 'float16';

/** Encodes outputs into the bytes of one cache file (header and values). */
export function encodeEntry(key: string, outputs: CachedTeacherOutputs, precision: StoredPrecision): Uint8Array[] {
  const keyBytes = new TextEncoder().encode(key);
  const rank = outputs.shape.length;
  const header = new Uint8Array(FIXED + 4 * rank + keyBytes.length + DIGEST);
  const view = new DataView(header.buffer);
  header.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint8(4, FORMAT_VERSION);
  view.setUint8(5, precision === 'float16' ? 2 : 1);
  view.setUint8(6, outputs.kind === 'probabilities' ? 1 : 0);
  view.setUint32(8, rank, true);
  view.setUint32(12, keyBytes.length, true);
  view.setBigUint64(16, BigInt(outputs.values.length), true);
  outputs.shape.forEach((d, i) => view.setUint32(FIXED + 4 * i, d, true));
  header.set(keyBytes, FIXED + 4 * rank);
  const payload = precision === 'float16' ? littleEndian(toFloat16Bits(outputs.values)) : littleEndian(outputs.values);
  const digestAt = header.length - DIGEST;
  const digest = createHash('sha256').update(header.subarray(0, digestAt)).update(payload).digest();
  header.set(digest, digestAt);
  return [header, payload];
}

/**
 * Decodes one cache file. Returns the outputs, or a sentence saying why the bytes are not a
 * whole, uncorrupted entry for `key`.
 */
export function decodeEntry(
  bytes: Uint8Array,
  key: string,
): { outputs: CachedTeacherOutputs; precision: StoredPrecision } | { problem: string } {
  if (bytes.length < 4 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC)
    return { problem: 'it does not start with the KDTC signature' };
  if (bytes.length < FIXED + DIGEST) return { problem: `it is ${bytes.length} bytes, shorter than any entry` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(4);
  if (version !== FORMAT_VERSION)
    return { problem: `it has format version ${version}, this reader knows ${FORMAT_VERSION}` };
  const type = view.getUint8(5);
  if (type !== 1 && type !== 2) return { problem: `it has unknown value type ${type}` };
  const precision: StoredPrecision = type === 2 ? 'float16' : 'float32';
  const kindByte = view.getUint8(6);
  if (kindByte > 1) return { problem: `it has unknown kind ${kindByte}` };
  const rank = view.getUint32(8, true);
  const keyLength = view.getUint32(12, true);
  const count = Number(view.getBigUint64(16, true));
  const headerLength = FIXED + 4 * rank + keyLength + DIGEST;
  const valueBytes = precision === 'float16' ? 2 : 4;
  if (bytes.length !== headerLength + count * valueBytes) {
    return {
      problem: `it is ${bytes.length} bytes but its header announces ${headerLength + count * valueBytes} (truncated or overwritten)`,
    };
  }
  const digestAt = headerLength - DIGEST;
  const payload = bytes.subarray(headerLength);
  const digest = createHash('sha256').update(bytes.subarray(0, digestAt)).update(payload).digest();
  if (!digest.equals(bytes.subarray(digestAt, headerLength)))
    return { problem: 'its SHA-256 checksum does not match its contents' };
  const storedKey = new TextDecoder().decode(bytes.subarray(FIXED + 4 * rank, FIXED + 4 * rank + keyLength));
  if (storedKey !== key) return { problem: `it holds the entry for key "${storedKey}"` };
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(FIXED + 4 * i, true));
  // A copy: the payload sits at an arbitrary offset of a pooled buffer, typed arrays need alignment.
  const aligned = new Uint8Array(payload).buffer;
  const values = precision === 'float16' ? fromFloat16Bits(fromLittleEndian16(aligned)) : fromLittleEndian32(aligned);
  // kd's writer stores values float16 cannot hold at float32, so a float16 ±Infinity or NaN is damage
  // (or an entry from a writer that overflowed).
  if (precision === 'float16' && !values.every(Number.isFinite))
    return { problem: 'its float16 values include ±Infinity or NaN, which float16 entries never hold' };
  return { outputs: { values, shape, kind: kindByte === 1 ? 'probabilities' : 'logits' }, precision };
}

const bigEndianHost = endianness() === 'BE';

function littleEndian(values: Float32Array | Uint16Array): Uint8Array {
  if (!bigEndianHost) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((v, i) =>
    values instanceof Float32Array ? view.setFloat32(4 * i, v, true) : view.setUint16(2 * i, v, true),
  );
  return out;
}

function fromLittleEndian32(buffer: ArrayBuffer): Float32Array {
  if (!bigEndianHost) return new Float32Array(buffer);
  const view = new DataView(buffer);
  return Float32Array.from({ length: buffer.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

function fromLittleEndian16(buffer: ArrayBuffer): Uint16Array {
  if (!bigEndianHost) return new Uint16Array(buffer);
  const view = new DataView(buffer);
  return Uint16Array.from({ length: buffer.byteLength / 2 }, (_, i) => view.getUint16(2 * i, true));
}
