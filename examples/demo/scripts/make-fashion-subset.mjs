#!/usr/bin/env node
// Regenerates the demo's embedded data file from the Fashion-MNIST IDX files (Debian package
// `dataset-fashion-mnist`). Byte-for-byte deterministic for a given zlib build: the selection rule
// is fixed, the header is built in a fixed key order, and the gzip header carries no timestamp,
// file name or OS. See DATA.md.
//
//   node scripts/make-fashion-subset.mjs [sourceDir] [--out file] [--train-per-class N] [--test-per-class N]
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DEFAULT_FASHION_SUBSET_PATH, sha256Hex } from '../fashion-subset.mjs';
import { parseIdx } from '../idx.mjs';
import { encodeSubset } from '../subset-format.mjs';

/** Where Debian's `dataset-fashion-mnist` package installs the IDX files. */
export const DEFAULT_SOURCE_DIR = '/usr/share/datasets/fashion-mnist';

/** The four Fashion-MNIST files, by split; the test split comes from the t10k files. */
export const SOURCE_FILES = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
};

/** Fashion-MNIST labels kept, indexed by their new label: 0 "T-shirt/top" → 0, 6 "Shirt" → 1. */
export const ORIGINAL_LABELS = [0, 6];
export const CLASS_NAMES = ['T-shirt/top', 'Shirt'];
export const DEFAULT_TRAIN_PER_CLASS = 1000;
export const DEFAULT_TEST_PER_CLASS = 500;

const GZIP_OS_BYTE = 9;
const GZIP_OS_UNKNOWN = 0xff;

/**
 * Reads a gzipped IDX file and checks its magic number and rank.
 *
 * @param {string} path
 * @param {number} expectedRank 3 for images (magic 0x00000803), 1 for labels (magic 0x00000801).
 * @returns {{ dims: number[], data: Uint8Array, sha256: string }} `sha256` is of the uncompressed IDX bytes.
 */
export function readUint8IdxGz(path, expectedRank) {
  if (!existsSync(path)) {
    throw new Error(
      `Fashion-MNIST file not found: ${path}. Install the Debian package dataset-fashion-mnist (apt-get install -y dataset-fashion-mnist) or pass the folder holding ${Object.values(
        SOURCE_FILES,
      )
        .flatMap((f) => [f.images, f.labels])
        .join(', ')}.`,
    );
  }
  const bytes = gunzipSync(readFileSync(path));
  const idx = parseIdx(bytes);
  if (idx.type !== 'uint8' || idx.dims.length !== expectedRank) {
    throw new Error(
      `${path}: expected a uint8 IDX array of rank ${expectedRank} (magic 0x0000080${expectedRank}), got ${idx.type} of rank ${idx.dims.length}.`,
    );
  }
  return { dims: idx.dims, data: /** @type {Uint8Array} */ (idx.data), sha256: sha256Hex(bytes) };
}

/**
 * Builds the subset file: the first `perClass` images of each kept class, in file order.
 *
 * @param {{ sourceDir?: string, trainPerClass?: number, testPerClass?: number }} [options]
 * @returns {{ file: Uint8Array, subset: import('../subset-format.mjs').Subset }} `file` is the gzipped bytes to write.
 * @example
 * const { file } = makeFashionSubset({ sourceDir: '/usr/share/datasets/fashion-mnist' });
 */
export function makeFashionSubset({
  sourceDir = DEFAULT_SOURCE_DIR,
  trainPerClass = DEFAULT_TRAIN_PER_CLASS,
  testPerClass = DEFAULT_TEST_PER_CLASS,
} = {}) {
  const perClassBySplit = { train: trainPerClass, test: testPerClass };
  /** @type {import('../subset-format.mjs').SubsetSplit[]} */
  const splits = [];
  /** @type {Record<string, unknown>[]} */
  const sourceSplits = [];
  let height = 0;
  let width = 0;
  for (const name of /** @type {const} */ (['train', 'test'])) {
    const files = SOURCE_FILES[name];
    const images = readUint8IdxGz(join(sourceDir, files.images), 3);
    const labels = readUint8IdxGz(join(sourceDir, files.labels), 1);
    if (images.dims[0] !== labels.dims[0]) {
      throw new Error(
        `${files.images} holds ${images.dims[0]} images but ${files.labels} holds ${labels.dims[0]} labels; they must match.`,
      );
    }
    [, height, width] = images.dims;
    const perClass = perClassBySplit[name];
    splits.push({ name, ...selectFirstPerClass(images.data, labels.data, height * width, perClass, name) });
    sourceSplits.push({
      name,
      images: { file: files.images, idxSha256: images.sha256 },
      labels: { file: files.labels, idxSha256: labels.sha256 },
      perClass,
    });
  }
  const subset = {
    height,
    width,
    classNames: CLASS_NAMES,
    splits,
    source: {
      dataset: 'Fashion-MNIST',
      homepage: 'https://github.com/zalandoresearch/fashion-mnist',
      license: 'MIT',
      copyright: 'Copyright (c) 2017 Zalando SE',
      originalLabels: ORIGINAL_LABELS,
      selection: 'first perClass images of each kept class in file order; file order kept',
      splits: sourceSplits,
    },
  };
  return { file: gzipDeterministic(encodeSubset(subset, sha256Hex)), subset };
}

/**
 * Keeps the first `perClass` images of each of {@link ORIGINAL_LABELS}, in file order, relabelled
 * to their index in that list.
 *
 * @param {Uint8Array} images
 * @param {Uint8Array} labels
 * @param {number} pixelsPerImage
 * @param {number} perClass
 * @param {string} splitName
 */
function selectFirstPerClass(images, labels, pixelsPerImage, perClass, splitName) {
  if (!Number.isInteger(perClass) || perClass <= 0) {
    throw new Error(`${splitName}: images per class must be a positive integer, got ${perClass}.`);
  }
  const count = perClass * ORIGINAL_LABELS.length;
  const selectedImages = new Uint8Array(count * pixelsPerImage);
  const selectedLabels = new Uint8Array(count);
  const taken = ORIGINAL_LABELS.map(() => 0);
  let kept = 0;
  for (let i = 0; i < labels.length && kept < count; i++) {
    const label = ORIGINAL_LABELS.indexOf(labels[i]);
    if (label === -1 || taken[label] === perClass) continue;
    taken[label] += 1;
    selectedImages.set(images.subarray(i * pixelsPerImage, (i + 1) * pixelsPerImage), kept * pixelsPerImage);
    selectedLabels[kept] = label;
    kept += 1;
  }
  if (kept < count) {
    throw new Error(
      `${splitName}: wanted ${perClass} images of each class but found only [${taken}] for original labels [${ORIGINAL_LABELS}].`,
    );
  }
  return { count, images: selectedImages, labels: selectedLabels };
}

/**
 * gzip at level 9 with the header's OS byte set to 255 ("unknown"), so the bytes do not depend on
 * the operating system; zlib already writes no timestamp or file name.
 *
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
export function gzipDeterministic(bytes) {
  const compressed = new Uint8Array(gzipSync(bytes, { level: 9 }));
  compressed[GZIP_OS_BYTE] = GZIP_OS_UNKNOWN;
  return compressed;
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'train-per-class': { type: 'string' },
      'test-per-class': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length > 1) {
    console.log(`Usage: node scripts/make-fashion-subset.mjs [sourceDir] [--out file] [--train-per-class N] [--test-per-class N]
  sourceDir          folder with the four Fashion-MNIST *-ubyte.gz files (default ${DEFAULT_SOURCE_DIR})
  --out              file to write (default ${DEFAULT_FASHION_SUBSET_PATH})
  --train-per-class  training images per class (default ${DEFAULT_TRAIN_PER_CLASS})
  --test-per-class   test images per class (default ${DEFAULT_TEST_PER_CLASS})`);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const out = values.out ?? DEFAULT_FASHION_SUBSET_PATH;
  const { file, subset } = makeFashionSubset({
    sourceDir: positionals[0] ?? DEFAULT_SOURCE_DIR,
    trainPerClass:
      values['train-per-class'] === undefined ? DEFAULT_TRAIN_PER_CLASS : Number(values['train-per-class']),
    testPerClass: values['test-per-class'] === undefined ? DEFAULT_TEST_PER_CLASS : Number(values['test-per-class']),
  });
  writeFileSync(out, file);
  const counts = subset.splits.map((s) => `${s.name} ${s.count}`).join(', ');
  console.log(`wrote ${out}: ${file.length} bytes (${counts}), sha256 ${sha256Hex(file)}`);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && pathToFileURL(realpathSync(invokedPath)).href === import.meta.url) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
