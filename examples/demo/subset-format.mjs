// The kd image-subset format (documented in DATA.md): the uncompressed layout of the demo's data
// file. This module is pure (no Node imports) so a browser can reuse it after gunzipping the file
// itself; the SHA-256 function is passed in for the same reason.

/** The 8 ASCII bytes every subset file starts with (after gunzip). */
export const SUBSET_MAGIC = 'KDSUBSET';

/** The layout version this module reads and writes. */
export const SUBSET_FORMAT_VERSION = 1;

const PREFIX_LENGTH = SUBSET_MAGIC.length + 4 + 4;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A synchronous SHA-256 of some bytes as 64 lowercase hex digits, e.g. from `node:crypto`:
 * `(data) => createHash('sha256').update(data).digest('hex')`.
 * @typedef {(data: Uint8Array) => string} Sha256Hex
 */

/**
 * @typedef {object} SubsetSplit
 * @property {string} name Split name, e.g. `'train'`.
 * @property {number} count Number of images.
 * @property {Uint8Array} images `count × height × width` pixels, row-major, one image after another.
 * @property {Uint8Array} labels `count` class indices into `classNames`.
 */

/**
 * @typedef {object} Subset
 * @property {number} height Image height in pixels.
 * @property {number} width Image width in pixels.
 * @property {string[]} classNames Class names, indexed by label.
 * @property {SubsetSplit[]} splits The splits, in payload order.
 * @property {Record<string, unknown>} source Provenance: where the images come from and how they were picked.
 */

/**
 * @typedef {object} FashionSplit
 * @property {Uint8Array} images `count × 28 × 28` pixels in 0..255, row-major, one image after another.
 * @property {Uint8Array} labels `count` labels: 0 = `'T-shirt/top'`, 1 = `'Shirt'`.
 * @property {number} count Number of images.
 */

/**
 * @typedef {object} FashionSubset
 * @property {FashionSplit} train
 * @property {FashionSplit} test
 * @property {number} height 28.
 * @property {number} width 28.
 * @property {string[]} classNames `['T-shirt/top', 'Shirt']`.
 * @property {Record<string, unknown>} source Provenance recorded in the file (dataset, licence, source files, selection rule).
 */

/**
 * Serialises a subset to the uncompressed file layout. Deterministic: the same subset always
 * gives the same bytes.
 *
 * @param {Subset} subset
 * @param {Sha256Hex} sha256Hex
 * @returns {Uint8Array}
 * @throws {Error} If a split's arrays do not match its count or a label is not a class index.
 * @example
 * import { createHash } from 'node:crypto';
 * const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');
 * const bytes = encodeSubset({ height: 1, width: 2, classNames: ['a', 'b'], source: {},
 *   splits: [{ name: 'train', count: 1, images: Uint8Array.of(0, 255), labels: Uint8Array.of(1) }] }, sha256Hex);
 */
export function encodeSubset(subset, sha256Hex) {
  const { height, width, classNames, splits, source } = subset;
  const pixelsPerImage = height * width;
  for (const split of splits) checkSplit(split, pixelsPerImage, classNames.length);
  const payload = new Uint8Array(splits.reduce((total, split) => total + split.count * (pixelsPerImage + 1), 0));
  let offset = 0;
  for (const split of splits) {
    payload.set(split.images, offset);
    offset += split.images.length;
    payload.set(split.labels, offset);
    offset += split.labels.length;
  }
  const header = {
    height,
    width,
    classNames,
    splits: splits.map((split) => ({
      name: split.name,
      count: split.count,
      classCounts: countClasses(split.labels, classNames.length),
    })),
    payloadSha256: sha256Hex(payload),
    source,
  };
  const headerBytes = asciiBytes(JSON.stringify(header));
  const bytes = new Uint8Array(PREFIX_LENGTH + headerBytes.length + payload.length);
  bytes.set(asciiBytes(SUBSET_MAGIC), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(SUBSET_MAGIC.length, SUBSET_FORMAT_VERSION, false);
  view.setUint32(SUBSET_MAGIC.length + 4, headerBytes.length, false);
  bytes.set(headerBytes, PREFIX_LENGTH);
  bytes.set(payload, PREFIX_LENGTH + headerBytes.length);
  return bytes;
}

/**
 * Parses the uncompressed file layout back into a subset and checks the payload's SHA-256.
 * The returned arrays are fresh copies, independent of `bytes`.
 *
 * @param {Uint8Array} bytes The gunzipped file.
 * @param {Sha256Hex} sha256Hex
 * @returns {Subset}
 * @throws {Error} If the bytes are not a subset file, the version is unknown, the header is
 *   malformed, the length is wrong, the SHA-256 does not match (corruption), or a label is out of range.
 * @example
 * import { gunzipSync } from 'node:zlib';
 * const subset = decodeSubset(gunzipSync(readFileSync(path)), sha256Hex);
 */
export function decodeSubset(bytes, sha256Hex) {
  const magicMatches = [...SUBSET_MAGIC].every((char, i) => bytes[i] === char.charCodeAt(0));
  if (bytes.length < PREFIX_LENGTH || !magicMatches) {
    throw new Error(
      `Not a kd image-subset file: expected the bytes to start with "${SUBSET_MAGIC}" after gunzip. Pass the decompressed contents of a file written by scripts/make-fashion-subset.mjs.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(SUBSET_MAGIC.length, false);
  if (version !== SUBSET_FORMAT_VERSION) {
    throw new Error(
      `Unsupported kd image-subset format version ${version}: this reader understands version ${SUBSET_FORMAT_VERSION}. Regenerate the file with scripts/make-fashion-subset.mjs.`,
    );
  }
  const headerLength = view.getUint32(SUBSET_MAGIC.length + 4, false);
  const payloadOffset = PREFIX_LENGTH + headerLength;
  if (payloadOffset > bytes.length) {
    throw new Error(
      `Truncated kd image-subset file: the header declares ${headerLength} bytes but only ${bytes.length - PREFIX_LENGTH} follow the prefix.`,
    );
  }
  const header = parseHeader(bytes.subarray(PREFIX_LENGTH, payloadOffset));
  const pixelsPerImage = header.height * header.width;
  const payload = bytes.subarray(payloadOffset);
  const expectedPayloadLength = header.splits.reduce((total, split) => total + split.count * (pixelsPerImage + 1), 0);
  if (payload.length !== expectedPayloadLength) {
    throw new Error(
      `Corrupted kd image-subset file: the header's splits need a ${expectedPayloadLength}-byte payload, the file holds ${payload.length} bytes. Restore the file from the repository or regenerate it.`,
    );
  }
  const actualSha256 = sha256Hex(payload);
  if (actualSha256 !== header.payloadSha256) {
    throw new Error(
      `Corrupted kd image-subset file: payload SHA-256 is ${actualSha256}, the header expects ${header.payloadSha256}. Restore the file from the repository or regenerate it with scripts/make-fashion-subset.mjs.`,
    );
  }
  let offset = 0;
  const splits = header.splits.map(({ name, count, classCounts }) => {
    const images = new Uint8Array(payload.subarray(offset, offset + count * pixelsPerImage));
    offset += images.length;
    const labels = new Uint8Array(payload.subarray(offset, offset + count));
    offset += labels.length;
    checkLabels(labels, header.classNames.length, name);
    const actualCounts = countClasses(labels, header.classNames.length);
    if (actualCounts.some((n, label) => n !== classCounts[label])) {
      throw new Error(
        `Corrupted kd image-subset file: split "${name}" has class counts [${actualCounts}], the header says [${classCounts}].`,
      );
    }
    return { name, count, images, labels };
  });
  return { height: header.height, width: header.width, classNames: header.classNames, splits, source: header.source };
}

/**
 * Parses the demo's Fashion-MNIST subset (gunzipped file bytes) into train and test splits.
 *
 * @param {Uint8Array} bytes The gunzipped file.
 * @param {Sha256Hex} sha256Hex
 * @returns {FashionSubset}
 * @throws {Error} As {@link decodeSubset}, or if the file lacks a `train` or `test` split.
 * @example
 * const { train, test } = parseFashionSubset(gunzipSync(readFileSync(path)), sha256Hex);
 */
export function parseFashionSubset(bytes, sha256Hex) {
  const subset = decodeSubset(bytes, sha256Hex);
  const split = (/** @type {string} */ name) => {
    const found = subset.splits.find((candidate) => candidate.name === name);
    if (found === undefined) {
      throw new Error(
        `The subset file has no "${name}" split (it has: ${subset.splits.map((s) => s.name).join(', ')}); the demo needs "train" and "test".`,
      );
    }
    return { images: found.images, labels: found.labels, count: found.count };
  };
  return {
    train: split('train'),
    test: split('test'),
    height: subset.height,
    width: subset.width,
    classNames: subset.classNames,
    source: subset.source,
  };
}

/**
 * @param {Uint8Array} headerBytes
 * @returns {{ height: number, width: number, classNames: string[], splits: { name: string, count: number, classCounts: number[] }[], payloadSha256: string, source: Record<string, unknown> }}
 */
function parseHeader(headerBytes) {
  let header;
  try {
    header = JSON.parse(asciiString(headerBytes));
  } catch (error) {
    throw new Error(
      `Corrupted kd image-subset file: the header is not ASCII JSON (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error },
    );
  }
  const problems = [];
  if (!isPositiveInteger(header?.height) || !isPositiveInteger(header?.width))
    problems.push('height and width must be positive integers');
  if (
    !Array.isArray(header?.classNames) ||
    header.classNames.length === 0 ||
    header.classNames.length > 256 ||
    !header.classNames.every((/** @type {unknown} */ n) => typeof n === 'string')
  ) {
    problems.push('classNames must be 1 to 256 strings');
  }
  const splitsValid =
    Array.isArray(header?.splits) &&
    header.splits.every(
      (/** @type {any} */ s) =>
        typeof s?.name === 'string' &&
        Number.isInteger(s.count) &&
        s.count >= 0 &&
        Array.isArray(s.classCounts) &&
        s.classCounts.length === header.classNames?.length,
    );
  if (!splitsValid)
    problems.push('splits must be a list of { name, count, classCounts } with one class count per class');
  if (typeof header?.payloadSha256 !== 'string' || !SHA256_HEX.test(header.payloadSha256))
    problems.push('payloadSha256 must be 64 lowercase hex digits');
  if (typeof header?.source !== 'object' || header.source === null) problems.push('source must be an object');
  if (problems.length > 0) {
    throw new Error(`Corrupted kd image-subset file: invalid header (${problems.join('; ')}).`);
  }
  return header;
}

/**
 * @param {SubsetSplit} split
 * @param {number} pixelsPerImage
 * @param {number} classCount
 */
function checkSplit(split, pixelsPerImage, classCount) {
  if (!Number.isInteger(split.count) || split.count < 0) {
    throw new Error(`Split "${split.name}": count must be a non-negative integer, got ${split.count}.`);
  }
  if (split.images.length !== split.count * pixelsPerImage || split.labels.length !== split.count) {
    throw new Error(
      `Split "${split.name}": expected ${split.count * pixelsPerImage} pixels and ${split.count} labels for ${split.count} images, got ${split.images.length} pixels and ${split.labels.length} labels.`,
    );
  }
  checkLabels(split.labels, classCount, split.name);
}

/**
 * @param {Uint8Array} labels
 * @param {number} classCount
 * @param {string} splitName
 */
function checkLabels(labels, classCount, splitName) {
  const bad = labels.findIndex((label) => label >= classCount);
  if (bad !== -1) {
    throw new Error(
      `Split "${splitName}": label ${labels[bad]} at index ${bad} is not a class index; expected 0..${classCount - 1}.`,
    );
  }
}

/**
 * @param {Uint8Array} labels
 * @param {number} classCount
 */
function countClasses(labels, classCount) {
  const counts = new Array(classCount).fill(0);
  for (const label of labels) counts[label] += 1;
  return counts;
}

/** @param {unknown} value */
function isPositiveInteger(value) {
  return Number.isInteger(value) && /** @type {number} */ (value) > 0;
}

// The header is kept pure ASCII (JSON escapes anything else) so it needs no text codec.
/** @param {string} text */
function asciiBytes(text) {
  const escaped = text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Uint8Array.from(escaped, (char) => char.charCodeAt(0));
}

/** @param {Uint8Array} bytes */
function asciiString(bytes) {
  let text = '';
  for (const byte of bytes) {
    if (byte > 0x7e) throw new Error(`non-ASCII byte 0x${byte.toString(16)}`);
    text += String.fromCharCode(byte);
  }
  return text;
}
