import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_FASHION_SUBSET_PATH, loadFashionSubset, toFeatures } from '../fashion-subset.mjs';
import { DEFAULT_SOURCE_DIR, SOURCE_FILES } from '../scripts/make-fashion-subset.mjs';

const SCRIPT = fileURLToPath(new URL('../scripts/make-fashion-subset.mjs', import.meta.url));
const PIXELS = 28 * 28;
const scratch = mkdtempSync(join(tmpdir(), 'kd-fashion-subset-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const subset = loadFashionSubset();

function classCounts(labels) {
  const counts = [0, 0];
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

describe('the committed Fashion-MNIST subset', () => {
  it('holds 2000 training and 1000 test images of 28×28 pixels, T-shirt/top vs Shirt', () => {
    expect(subset.height).toBe(28);
    expect(subset.width).toBe(28);
    expect(subset.classNames).toEqual(['T-shirt/top', 'Shirt']);
    expect(subset.train.count).toBe(2000);
    expect(subset.test.count).toBe(1000);
    for (const split of [subset.train, subset.test]) {
      expect(split.images).toBeInstanceOf(Uint8Array);
      expect(split.labels).toBeInstanceOf(Uint8Array);
      expect(split.images.length).toBe(split.count * PIXELS);
      expect(split.labels.length).toBe(split.count);
    }
  });

  it('is balanced: half of each split per class, and no other labels', () => {
    expect(classCounts(subset.train.labels)).toEqual([1000, 1000]);
    expect(classCounts(subset.test.labels)).toEqual([500, 500]);
  });

  it('has real images: pixels span 0..255 overall and no image is blank', () => {
    for (const split of [subset.train, subset.test]) {
      let min = 255;
      let max = 0;
      let blank = 0;
      for (let image = 0; image < split.count; image++) {
        const pixels = split.images.subarray(image * PIXELS, (image + 1) * PIXELS);
        const imageMax = Math.max(...pixels);
        if (imageMax === 0) blank += 1;
        min = Math.min(min, ...pixels);
        max = Math.max(max, imageMax);
      }
      expect([min, max, blank]).toEqual([0, 255, 0]);
    }
  });

  it('records its provenance: Fashion-MNIST, MIT licence, original labels 0 and 6', () => {
    expect(subset.source).toMatchObject({
      dataset: 'Fashion-MNIST',
      homepage: 'https://github.com/zalandoresearch/fashion-mnist',
      license: 'MIT',
      originalLabels: [0, 6],
    });
  });

  it('stays well under 2 MB on disk', () => {
    expect(readFileSync(DEFAULT_FASHION_SUBSET_PATH).length).toBeLessThan(1.7e6);
  });
});

describe('toFeatures', () => {
  it('scales pixels to [0, 1] as pixel / 255', () => {
    expect([...toFeatures(Uint8Array.of(0, 51, 102, 255), 2)]).toEqual([0, Math.fround(0.2), Math.fround(0.4), 1]);
    const features = toFeatures(subset.test.images, subset.test.count);
    expect(features).toBeInstanceOf(Float32Array);
    expect(features.length).toBe(subset.test.count * PIXELS);
    let worst = 0;
    for (let i = 0; i < features.length; i++)
      worst = Math.max(worst, Math.abs(features[i] - subset.test.images[i] / 255));
    expect(worst).toBeLessThanOrEqual(2 ** -24);
  });

  it('rejects a count that does not divide the pixels', () => {
    expect(() => toFeatures(subset.test.images, 3)).toThrow(/divides the 784000 pixels/);
    expect(() => toFeatures(subset.test.images, 0)).toThrow(/positive integer/);
  });
});

describe('loadFashionSubset on damaged files', () => {
  const committed = readFileSync(DEFAULT_FASHION_SUBSET_PATH);

  function writeScratch(name, bytes) {
    const path = join(scratch, name);
    writeFileSync(path, bytes);
    return path;
  }

  it('reports a changed pixel as a SHA-256 mismatch', () => {
    const contents = gunzipSync(committed);
    contents[contents.length - 5000] ^= 0x40;
    const path = writeScratch('pixel.kdsubset.gz', gzipSync(contents));
    expect(() => loadFashionSubset(path)).toThrow(
      /Corrupted kd image-subset file: payload SHA-256 is [0-9a-f]{64}, the header expects/,
    );
  });

  it('reports a changed label as a SHA-256 mismatch', () => {
    const contents = gunzipSync(committed);
    contents[contents.length - 1] ^= 1;
    const path = writeScratch('label.kdsubset.gz', gzipSync(contents));
    expect(() => loadFashionSubset(pathToFileURL(path))).toThrow(/payload SHA-256/);
  });

  it('reports a truncated file as damaged gzip', () => {
    const path = writeScratch('truncated.kdsubset.gz', committed.subarray(0, committed.length >> 1));
    expect(() => loadFashionSubset(path)).toThrow(/is not valid gzip .* damaged or truncated/);
  });

  it('reports a missing file', () => {
    expect(() => loadFashionSubset(join(scratch, 'absent.kdsubset.gz'))).toThrow(
      /Cannot read the Fashion-MNIST subset file .*absent\.kdsubset\.gz/,
    );
  });
});

describe('scripts/make-fashion-subset.mjs', () => {
  it('regenerates the committed file byte for byte, twice, from the Debian Fashion-MNIST files', () => {
    // FASHION_MNIST_DIR points at another copy of the four IDX files; CI installs the Debian package.
    const sourceDir = process.env.FASHION_MNIST_DIR ?? DEFAULT_SOURCE_DIR;
    const missing = Object.values(SOURCE_FILES)
      .flatMap((f) => [f.images, f.labels])
      .filter((f) => !existsSync(join(sourceDir, f)));
    if (missing.length > 0) {
      throw new Error(
        `Cannot check that the committed data file is reproducible: ${missing.join(', ')} missing from ${sourceDir}. Install the Debian package dataset-fashion-mnist (apt-get install -y dataset-fashion-mnist) or set FASHION_MNIST_DIR to a folder holding the four Fashion-MNIST files.`,
      );
    }
    const runs = ['first.kdsubset.gz', 'second.kdsubset.gz'].map((name) => {
      const out = join(scratch, name);
      execFileSync(process.execPath, [SCRIPT, sourceDir, '--out', out], { stdio: 'pipe' });
      return readFileSync(out);
    });
    const committed = readFileSync(DEFAULT_FASHION_SUBSET_PATH);

    expect(runs[0].equals(runs[1]), 'two runs of the script wrote different bytes').toBe(true);
    expect(
      gunzipSync(runs[0]).equals(gunzipSync(committed)),
      'the regenerated contents differ from the committed file: the source files, the selection or the format changed',
    ).toBe(true);
    expect(
      Buffer.compare(runs[0], committed),
      `same contents, different gzip bytes: zlib ${process.versions.zlib} compresses differently from the zlib that wrote the committed file; regenerate it and commit`,
    ).toBe(0);
  });
});
