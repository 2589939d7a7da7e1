import { describe, expect, it } from 'vitest';
import { parseIdx } from '../idx.mjs';

// Builds an IDX file by hand: 0x00 0x00 typeCode rank, big-endian uint32 dims, then the elements
// written big-endian through DataView.
function idxBytes(typeCode, dims, elementSize, writeElement, values) {
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + values.length * elementSize);
  const view = new DataView(bytes.buffer);
  bytes[2] = typeCode;
  bytes[3] = dims.length;
  dims.forEach((size, axis) => view.setUint32(4 + 4 * axis, size, false));
  values.forEach((value, i) => writeElement.call(view, header + i * elementSize, value, false));
  return bytes;
}

const uint8Idx = (dims, values) => idxBytes(0x08, dims, 1, DataView.prototype.setUint8, values);

describe('parseIdx', () => {
  it('reads an images file (magic 0x00000803): dims and row-major pixels', () => {
    const pixels = Array.from({ length: 12 }, (_, i) => (i * 23) % 256);
    const bytes = uint8Idx([2, 2, 3], pixels);
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 8, 3]);

    const idx = parseIdx(bytes);

    expect(idx.type).toBe('uint8');
    expect(idx.typeCode).toBe(0x08);
    expect(idx.dims).toEqual([2, 2, 3]);
    expect(idx.data).toBeInstanceOf(Uint8Array);
    expect([...idx.data]).toEqual(pixels);
  });

  it('reads a labels file (magic 0x00000801) and dims above 255 (big-endian)', () => {
    const labels = Array.from({ length: 300 }, (_, i) => i % 10);
    const idx = parseIdx(uint8Idx([300], labels));
    expect(idx.dims).toEqual([300]);
    expect([...idx.data]).toEqual(labels);
  });

  it('reads a uint8 array at an offset inside a larger buffer', () => {
    const inner = uint8Idx([3], [7, 8, 9]);
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 5);
    const idx = parseIdx(outer.subarray(5));
    expect([...idx.data]).toEqual([7, 8, 9]);
  });

  it('reads an empty array', () => {
    const idx = parseIdx(uint8Idx([0, 28, 28], []));
    expect(idx.dims).toEqual([0, 28, 28]);
    expect(idx.data.length).toBe(0);
  });

  it.each([
    ['int8', 0x09, 1, DataView.prototype.setInt8, Int8Array, [-128, 127, -1, 0]],
    ['int16', 0x0b, 2, DataView.prototype.setInt16, Int16Array, [-2, 300, 32767, -32768]],
    ['int32', 0x0c, 4, DataView.prototype.setInt32, Int32Array, [-70000, 2147483647, -2147483648, 1]],
    ['float32', 0x0d, 4, DataView.prototype.setFloat32, Float32Array, [1.5, -0.25, 65504, 2 ** -20]],
    ['float64', 0x0e, 8, DataView.prototype.setFloat64, Float64Array, [Math.PI, -1e300, 0.1, 2 ** -1000]],
  ])('reads big-endian %s elements into native order', (type, typeCode, size, write, ArrayType, values) => {
    const idx = parseIdx(idxBytes(typeCode, [2, 2], size, write, values));
    expect(idx.type).toBe(type);
    expect(idx.dims).toEqual([2, 2]);
    expect(idx.data).toBeInstanceOf(ArrayType);
    expect([...idx.data]).toEqual(values);
  });

  it('rejects gzip-compressed bytes with a hint to gunzip', () => {
    expect(() => parseIdx(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0))).toThrow(/gunzip/);
  });

  it('rejects a magic number that does not start with two zero bytes', () => {
    expect(() => parseIdx(Uint8Array.of(0, 1, 8, 1, 0, 0, 0, 0))).toThrow(/two zero bytes/);
  });

  it('rejects an unknown type code', () => {
    expect(() => parseIdx(Uint8Array.of(0, 0, 0x07, 1, 0, 0, 0, 0))).toThrow(/type code 0x07/);
  });

  it('rejects rank 0 and files shorter than the magic number', () => {
    expect(() => parseIdx(Uint8Array.of(0, 0, 8, 0))).toThrow(/rank is 0/);
    expect(() => parseIdx(Uint8Array.of(0, 0, 8))).toThrow(/fewer than the 4-byte magic/);
  });

  it('rejects a header cut short and data that does not match the dimensions', () => {
    expect(() => parseIdx(uint8Idx([2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 9))).toThrow(/header declares 2 dimensions/);
    expect(() => parseIdx(uint8Idx([2, 3], [1, 2, 3, 4, 5]))).toThrow(/is truncated: dimensions \[2, 3\]/);
    expect(() => parseIdx(uint8Idx([2, 3], [1, 2, 3, 4, 5, 6, 7]))).toThrow(/has trailing bytes/);
  });
});
