// Writes uint8 arrays as IDX files (the MNIST format `kd --data` reads): 0x00 0x00, type code 0x08
// (uint8), the rank, one big-endian uint32 per dimension, then the bytes.

/**
 * Encodes a uint8 array of the given dimensions as an IDX file.
 *
 * @param {Uint8Array} values Row-major elements, `dims` multiplied together.
 * @param {number[]} dims Dimension sizes, outermost first (e.g. `[2000, 28, 28]`).
 * @returns {Uint8Array}
 * @example
 * writeFileSync('labels-idx1-ubyte', encodeIdxUint8(labels, [labels.length]));
 */
export function encodeIdxUint8(values, dims) {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== values.length)
    throw new Error(`encodeIdxUint8: dims [${dims.join(', ')}] hold ${count} values, but ${values.length} were given.`);
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + values.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  bytes.set(values, header);
  return bytes;
}
