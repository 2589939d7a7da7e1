import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeSubset,
  encodeSubset,
  parseFashionSubset,
  SUBSET_FORMAT_VERSION,
  SUBSET_MAGIC,
} from '../subset-format.mjs';

const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

// 3 images of 2×2 pixels in "train", 1 in "test", 2 classes.
function tinySubset(overrides = {}) {
  return {
    height: 2,
    width: 2,
    classNames: ['Café', 'b'],
    source: { note: 'hand-made' },
    splits: [
      {
        name: 'train',
        count: 3,
        images: Uint8Array.of(0, 1, 2, 3, 10, 11, 12, 13, 252, 253, 254, 255),
        labels: Uint8Array.of(1, 0, 1),
      },
      { name: 'test', count: 1, images: Uint8Array.of(9, 8, 7, 6), labels: Uint8Array.of(0) },
    ],
    ...overrides,
  };
}

function headerOf(bytes) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, false);
  return { length, text: String.fromCharCode(...bytes.subarray(16, 16 + length)) };
}

// Rewrites the ASCII header in place (same length) and returns the edited copy.
function withHeaderText(bytes, edit) {
  const copy = bytes.slice();
  const { text } = headerOf(copy);
  const edited = edit(text);
  expect(edited.length).toBe(text.length);
  copy.set(
    Uint8Array.from(edited, (c) => c.charCodeAt(0)),
    16,
  );
  return copy;
}

describe('encodeSubset / decodeSubset', () => {
  it('lays out magic, big-endian version and header length, ASCII JSON header, then images and labels per split', () => {
    const bytes = encodeSubset(tinySubset(), sha256Hex);
    expect(String.fromCharCode(...bytes.subarray(0, 8))).toBe(SUBSET_MAGIC);
    expect([...bytes.subarray(8, 12)]).toEqual([0, 0, 0, SUBSET_FORMAT_VERSION]);
    const { length, text } = headerOf(bytes);
    expect(bytes.every((b, i) => i < 16 || i >= 16 + length || b <= 0x7e)).toBe(true);
    const header = JSON.parse(text);
    expect(header.classNames).toEqual(['Café', 'b']);
    expect(header.splits).toEqual([
      { name: 'train', count: 3, classCounts: [1, 2] },
      { name: 'test', count: 1, classCounts: [1, 0] },
    ]);
    const payload = bytes.subarray(16 + length);
    expect([...payload]).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 252, 253, 254, 255, 1, 0, 1, 9, 8, 7, 6, 0]);
    expect(header.payloadSha256).toBe(createHash('sha256').update(payload).digest('hex'));
  });

  it('round-trips a subset, returning arrays independent of the input bytes', () => {
    const original = tinySubset();
    const bytes = encodeSubset(original, sha256Hex);
    const decoded = decodeSubset(bytes, sha256Hex);
    expect(decoded.height).toBe(2);
    expect(decoded.width).toBe(2);
    expect(decoded.classNames).toEqual(original.classNames);
    expect(decoded.source).toEqual(original.source);
    expect(decoded.splits.map((s) => [s.name, s.count, [...s.images], [...s.labels]])).toEqual(
      original.splits.map((s) => [s.name, s.count, [...s.images], [...s.labels]]),
    );
    bytes.fill(0);
    expect(decoded.splits[0].images[11]).toBe(255);
  });

  it('is deterministic', () => {
    expect(encodeSubset(tinySubset(), sha256Hex)).toEqual(encodeSubset(tinySubset(), sha256Hex));
  });

  it('refuses to encode arrays that do not match the count, or labels that are not class indices', () => {
    const [train, test] = tinySubset().splits;
    expect(() => encodeSubset(tinySubset({ splits: [{ ...train, count: 2 }, test] }), sha256Hex)).toThrow(
      /expected 8 pixels and 2 labels/,
    );
    expect(() =>
      encodeSubset(tinySubset({ splits: [train, { ...test, labels: Uint8Array.of(2) }] }), sha256Hex),
    ).toThrow(/label 2 at index 0 is not a class index/);
  });

  it('detects a changed payload byte through the SHA-256', () => {
    const bytes = encodeSubset(tinySubset(), sha256Hex);
    bytes[bytes.length - 5] ^= 1;
    expect(() => decodeSubset(bytes, sha256Hex)).toThrow(/payload SHA-256 is [0-9a-f]{64}, the header expects/);
  });

  it('rejects a wrong magic, an unknown version, a cut header and a payload of the wrong length', () => {
    const bytes = encodeSubset(tinySubset(), sha256Hex);
    const badMagic = bytes.slice();
    badMagic[0] = 0xff;
    expect(() => decodeSubset(badMagic, sha256Hex)).toThrow(/Not a kd image-subset file/);
    const badVersion = bytes.slice();
    badVersion[11] = 2;
    expect(() => decodeSubset(badVersion, sha256Hex)).toThrow(/format version 2/);
    expect(() => decodeSubset(bytes.subarray(0, 40), sha256Hex)).toThrow(/Truncated kd image-subset file/);
    expect(() => decodeSubset(bytes.subarray(0, bytes.length - 1), sha256Hex)).toThrow(
      /need a 20-byte payload, the file holds 19 bytes/,
    );
  });

  it('rejects a header that is not JSON or lacks fields', () => {
    const bytes = encodeSubset(tinySubset(), sha256Hex);
    expect(() =>
      decodeSubset(
        withHeaderText(bytes, (t) => `[${t.slice(1)}`),
        sha256Hex,
      ),
    ).toThrow(/header is not ASCII JSON/);
    expect(() =>
      decodeSubset(
        withHeaderText(bytes, (t) => t.replace('"height":2', '"height":0')),
        sha256Hex,
      ),
    ).toThrow(/height and width must be positive integers/);
  });

  it('rejects labels out of range and class counts that disagree with the header, even when the hash matches', () => {
    const bytes = encodeSubset(tinySubset(), sha256Hex);
    const { length } = headerOf(bytes);
    const rehash = (edited) =>
      withHeaderText(edited, (t) =>
        t.replace(/"payloadSha256":"[0-9a-f]{64}"/, `"payloadSha256":"${sha256Hex(edited.subarray(16 + length))}"`),
      );

    const badLabel = bytes.slice();
    badLabel[bytes.length - 1] = 7;
    expect(() => decodeSubset(rehash(badLabel), sha256Hex)).toThrow(
      /Split "test": label 7 at index 0 is not a class index/,
    );

    const badCounts = withHeaderText(bytes, (t) => t.replace('"classCounts":[1,2]', '"classCounts":[2,1]'));
    expect(() => decodeSubset(badCounts, sha256Hex)).toThrow(
      /split "train" has class counts \[1,2\], the header says \[2,1\]/,
    );
  });
});

describe('parseFashionSubset', () => {
  it('returns train and test splits with the shape and class names', () => {
    const parsed = parseFashionSubset(encodeSubset(tinySubset(), sha256Hex), sha256Hex);
    expect(parsed.train.count).toBe(3);
    expect([...parsed.train.labels]).toEqual([1, 0, 1]);
    expect([...parsed.test.images]).toEqual([9, 8, 7, 6]);
    expect(parsed.test.count).toBe(1);
    expect([parsed.height, parsed.width]).toEqual([2, 2]);
    expect(parsed.classNames).toEqual(['Café', 'b']);
    expect(parsed.source).toEqual({ note: 'hand-made' });
  });

  it('requires a test split', () => {
    const onlyTrain = tinySubset();
    onlyTrain.splits = onlyTrain.splits.slice(0, 1);
    expect(() => parseFashionSubset(encodeSubset(onlyTrain, sha256Hex), sha256Hex)).toThrow(
      /no "test" split \(it has: train\)/,
    );
  });
});
