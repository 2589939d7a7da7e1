// Loads the demo's embedded Fashion-MNIST subset (T-shirt/top vs Shirt) in Node. The byte parsing
// lives in subset-format.mjs and features.mjs, which have no Node imports, for later browser use.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseFashionSubset } from './subset-format.mjs';

export { parseFashionSubset } from './subset-format.mjs';
export { toFeatures } from './features.mjs';

/** The committed data file, next to this module. */
export const DEFAULT_FASHION_SUBSET_PATH = fileURLToPath(
  new URL('./data/fashion-tshirt-vs-shirt.kdsubset.gz', import.meta.url),
);

/** @typedef {import('./subset-format.mjs').FashionSubset} FashionSubset */
/** @typedef {import('./subset-format.mjs').FashionSplit} FashionSplit */

/**
 * SHA-256 of some bytes as 64 lowercase hex digits, via node:crypto.
 * @param {Uint8Array} data
 * @returns {string}
 */
export function sha256Hex(data) {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Reads, gunzips, parses and checksums the Fashion-MNIST subset file.
 *
 * @param {string | URL} [path] The `.kdsubset.gz` file; defaults to the committed one ({@link DEFAULT_FASHION_SUBSET_PATH}).
 * @returns {FashionSubset} `{ train: { images, labels, count }, test: { images, labels, count }, height: 28, width: 28, classNames: ['T-shirt/top', 'Shirt'], source }`.
 * @throws {Error} If the file is missing, is not valid gzip, is not a subset file, or its payload
 *   SHA-256 does not match the header (a corrupted file).
 * @example
 * import { loadFashionSubset, toFeatures } from './fashion-subset.mjs';
 * const { train, test, classNames } = loadFashionSubset();
 * const x = toFeatures(train.images, train.count); // Float32Array, train.count × 784 values in [0, 1]
 */
export function loadFashionSubset(path = DEFAULT_FASHION_SUBSET_PATH) {
  const where = path instanceof URL ? fileURLToPath(path) : path;
  let compressed;
  try {
    compressed = readFileSync(where);
  } catch (error) {
    throw new Error(
      `Cannot read the Fashion-MNIST subset file ${where}: ${error instanceof Error ? error.message : String(error)}. Restore it from the repository or regenerate it with examples/demo/scripts/make-fashion-subset.mjs.`,
      { cause: error },
    );
  }
  let bytes;
  try {
    bytes = gunzipSync(compressed);
  } catch (error) {
    throw new Error(
      `The Fashion-MNIST subset file ${where} is not valid gzip (${error instanceof Error ? error.message : String(error)}): it is damaged or truncated. Restore it from the repository or regenerate it with examples/demo/scripts/make-fashion-subset.mjs.`,
      { cause: error },
    );
  }
  try {
    return parseFashionSubset(bytes, sha256Hex);
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
