// IDX is the plain array format of the MNIST family (yann.lecun.com/exdb/mnist): two zero bytes, a
// type code, the rank, one big-endian uint32 per dimension, then the elements in row-major order,
// multi-byte elements big-endian. This module is pure (no Node imports) so a browser can reuse it.

/** @typedef {'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64'} IdxType */

/**
 * @typedef {object} IdxArray
 * @property {IdxType} type Element type named by the type code.
 * @property {number} typeCode The raw type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64).
 * @property {number[]} dims Dimension sizes, outermost first (e.g. `[60000, 28, 28]`).
 * @property {Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array} data
 *   The elements in row-major order, in native byte order. For uint8 and int8 this is a view over
 *   the input bytes (no copy); copy it if you keep it and mutate the input.
 */

/** @type {Record<number, { type: IdxType, size: number }>} */
const TYPES = {
  0x08: { type: 'uint8', size: 1 },
  0x09: { type: 'int8', size: 1 },
  0x0b: { type: 'int16', size: 2 },
  0x0c: { type: 'int32', size: 4 },
  0x0d: { type: 'float32', size: 4 },
  0x0e: { type: 'float64', size: 8 },
};

/**
 * Parses an uncompressed IDX file (for `.gz` files, gunzip first).
 *
 * @param {Uint8Array} bytes The whole IDX file.
 * @returns {IdxArray}
 * @throws {Error} If the bytes are not a well-formed IDX file: bad magic, unknown type code, rank 0,
 *   or a length that does not match the dimensions.
 * @example
 * import { gunzipSync } from 'node:zlib';
 * import { readFileSync } from 'node:fs';
 * const labels = parseIdx(gunzipSync(readFileSync('train-labels-idx1-ubyte.gz')));
 * // labels.type === 'uint8', labels.dims === [60000]
 */
export function parseIdx(bytes) {
  if (bytes.length < 4) {
    throw new Error(
      `Not an IDX file: it has ${bytes.length} bytes, fewer than the 4-byte magic number. Pass the uncompressed file contents.`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' These bytes are gzip-compressed: gunzip them first.' : '';
    throw new Error(
      `Not an IDX file: the magic number must start with two zero bytes, got 0x${hex(bytes[0])}${hex(bytes[1])}.${hint}`,
    );
  }
  const typeCode = bytes[2];
  const elementType = TYPES[typeCode];
  if (elementType === undefined) {
    throw new Error(
      `Unsupported IDX type code 0x${hex(typeCode)}: expected one of 0x08 (uint8), 0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D (float32), 0x0E (float64).`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) {
    throw new Error('Invalid IDX header: rank is 0; an IDX array has at least one dimension.');
  }
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) {
    throw new Error(
      `Truncated IDX file: the header declares ${rank} dimensions (${dataOffset} header bytes) but the file has only ${bytes.length} bytes.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  /** @type {number[]} */
  const dims = [];
  for (let axis = 0; axis < rank; axis++) dims.push(view.getUint32(4 + 4 * axis, false));
  const count = dims.reduce((product, size) => product * size, 1);
  const expectedLength = dataOffset + count * elementType.size;
  if (bytes.length !== expectedLength) {
    const problem = bytes.length < expectedLength ? 'is truncated' : 'has trailing bytes';
    throw new Error(
      `IDX file ${problem}: dimensions [${dims.join(', ')}] of ${elementType.type} need ${expectedLength} bytes, the file has ${bytes.length}.`,
    );
  }
  return { type: elementType.type, typeCode, dims, data: readElements(view, dataOffset, count, elementType.type) };
}

/**
 * @param {DataView} view
 * @param {number} offset
 * @param {number} count
 * @param {IdxType} type
 */
function readElements(view, offset, count, type) {
  const start = view.byteOffset + offset;
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer, start, count);
    case 'int8':
      return new Int8Array(view.buffer, start, count);
    case 'int16':
      return fill(new Int16Array(count), (i) => view.getInt16(offset + 2 * i, false));
    case 'int32':
      return fill(new Int32Array(count), (i) => view.getInt32(offset + 4 * i, false));
    case 'float32':
      return fill(new Float32Array(count), (i) => view.getFloat32(offset + 4 * i, false));
    case 'float64':
      return fill(new Float64Array(count), (i) => view.getFloat64(offset + 8 * i, false));
  }
}

/**
 * @template {Int16Array | Int32Array | Float32Array | Float64Array} T
 * @param {T} target
 * @param {(index: number) => number} read
 * @returns {T}
 */
function fill(target, read) {
  for (let i = 0; i < target.length; i++) target[i] = read(i);
  return target;
}

/** @param {number} byte */
function hex(byte) {
  return byte.toString(16).padStart(2, '0').toUpperCase();
}
