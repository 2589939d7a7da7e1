import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKdError } from '@kd/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTeacherCache } from '../src/index.js';
import { CACHE_UNWRITABLE_WARNING } from '../src/cache/file-teacher-cache.js';
import { fromFloat16Bits, toFloat16Bits } from '../src/cache/float16.js';
import { encodeEntry } from '../src/cache/teacher-cache-format.js';

describe('FileTeacherCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kd-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips float32 values, shape and kind exactly', async () => {
    const cache = new FileTeacherCache(dir);
    const values = new Float32Array([
      1.5, -2.25, 3.4028234663852886e38, 1.401298464324817e-45, -0, 0.1, 123456.789, -7e-12,
    ]);
    await cache.set('teacher-a:train', { values, shape: [4, 2], kind: 'logits' });
    await cache.set('teacher-a:probs', {
      values: new Float32Array([0.25, 0.75]),
      shape: [1, 2],
      kind: 'probabilities',
    });
    const hit = await cache.get('teacher-a:train');
    expect(hit?.shape).toEqual([4, 2]);
    expect(hit?.kind).toBe('logits');
    expect(Array.from(hit?.values ?? [])).toEqual(Array.from(values));
    expect(Object.is(hit?.values[4], -0)).toBe(true);
    expect((await cache.get('teacher-a:probs'))?.kind).toBe('probabilities');
    expect(await cache.get('never-set')).toBeUndefined();
  });

  it('stores float16 in half the space, within half an ulp of each value', async () => {
    const cache16 = new FileTeacherCache(dir, { precision: 'float16' });
    const cache32 = new FileTeacherCache(join(dir, 'f32'));
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 0.37) * 10 ** ((i % 7) - 3));
    await cache16.set('k', { values, shape: [1000], kind: 'logits' });
    await cache32.set('k', { values, shape: [1000], kind: 'logits' });
    const size16 = (await stat(cache16.pathOf('k'))).size;
    const size32 = (await stat(cache32.pathOf('k'))).size;
    expect(size32 - size16).toBe(2000);
    const back = (await cache16.get('k'))?.values ?? new Float32Array();
    values.forEach((v, i) => {
      const a = Math.abs(v);
      // IEEE half: 11 significant bits for |v| >= 2^-14, absolute spacing 2^-24 below.
      const bound = a >= 2 ** -14 ? a * 2 ** -11 : 2 ** -25;
      expect(Math.abs((back[i] as number) - v)).toBeLessThanOrEqual(bound);
    });
  });

  it('rounds float16 like IEEE 754: ties to even, subnormals kept', async () => {
    const cache = new FileTeacherCache(dir, { precision: 'float16' });
    const cases: Array<[number, number]> = [
      [1 + 2 ** -11, 1], // halfway between 1 and 1 + 2^-10: the even neighbour is 1
      [1 + 3 * 2 ** -11, 1 + 2 ** -9], // halfway again: the even neighbour is above
      [65504, 65504], // largest half
      [65519, 65504], // just below the halfway point to the next (infinite) step
      [2 ** -24, 2 ** -24], // smallest subnormal half
      [3 * 2 ** -26, 2 ** -24], // rounds up to it
      [2 ** -26, 0], // below half of it
      [-1024.5, -1024], // spacing is 1 at 1024; tie to even
    ];
    await cache.set('edge', {
      values: Float32Array.from(cases.map((c) => c[0])),
      shape: [cases.length],
      kind: 'logits',
    });
    const back = Array.from((await cache.get('edge'))?.values ?? []);
    expect(back).toEqual(cases.map((c) => c[1]));
    // The conversion itself overflows like hardware does; the cache never lets that reach a reader.
    expect(Array.from(fromFloat16Bits(toFloat16Bits(new Float32Array([65520, -70000]))))).toEqual([
      Infinity,
      -Infinity,
    ]);
  });

  it('keeps an entry with values beyond float16 range exact (at float32) instead of returning ±Infinity', async () => {
    const cache = new FileTeacherCache(dir, { precision: 'float16' });
    const values = new Float32Array([1.5, 65520, -70000, 3.4e38, 0.25, -2]);
    await cache.set('large', { values, shape: [3, 2], kind: 'logits' });
    const hit = await cache.get('large');
    expect(Array.from(hit?.values ?? [])).toEqual(Array.from(values));
    // A 6-value float32 entry is 12 bytes longer than a float16 one of the same key.
    const small = new FileTeacherCache(join(dir, 'small'), { precision: 'float16' });
    await small.set('large', { values: new Float32Array(6), shape: [3, 2], kind: 'logits' });
    expect((await stat(cache.pathOf('large'))).size - (await stat(small.pathOf('large'))).size).toBe(12);
  });

  it('treats a float16 entry holding ±Infinity (as older writers stored overflow) as corrupt: deleted, a miss', async () => {
    const cache = new FileTeacherCache(dir, { precision: 'float16' });
    const overflowed = encodeEntry(
      'old',
      { values: new Float32Array([1, 70000]), shape: [1, 2], kind: 'logits' },
      'float16',
    );
    await writeFile(cache.pathOf('old'), Buffer.concat(overflowed));
    expect(await cache.get('old')).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads a flipped byte, a truncated file or a file of another key as a miss and deletes it', async () => {
    const cache = new FileTeacherCache(dir);
    const values = Float32Array.from({ length: 64 }, (_, i) => i / 3);
    await cache.set('a', { values, shape: [8, 8], kind: 'logits' });
    await cache.set('b', { values, shape: [8, 8], kind: 'logits' });
    const good = await readFile(cache.pathOf('a'));
    const expectRebuildable = async (key: string) => {
      expect(await cache.get(key)).toBeUndefined();
      await expect(stat(cache.pathOf(key))).rejects.toMatchObject({ code: 'ENOENT' });
      // The next set stores a good entry again.
      await cache.set(key, { values, shape: [8, 8], kind: 'logits' });
      expect(Array.from((await cache.get(key))?.values ?? [])).toEqual(Array.from(values));
    };

    const flipped = Buffer.from(good);
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] as number) ^ 0x01;
    await writeFile(cache.pathOf('a'), flipped);
    await expectRebuildable('a');

    const shapeChanged = Buffer.from(good);
    shapeChanged.writeUInt32LE(4, 24); // first dimension 8 -> 4: the header is covered by the checksum
    await writeFile(cache.pathOf('a'), shapeChanged);
    await expectRebuildable('a');

    await writeFile(cache.pathOf('a'), good.subarray(0, good.length - 10));
    await expectRebuildable('a');

    await writeFile(cache.pathOf('a'), Buffer.from('not a cache file at all, just text'));
    await expectRebuildable('a');

    await writeFile(cache.pathOf('b'), good);
    await expectRebuildable('b');
  });

  it('degrades to no cache with one process warning when its folder cannot be written', async () => {
    // A regular file where the folder should be: ENOTDIR for every user, root included.
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'a file');
    const cache = new FileTeacherCache(join(blocker, 'cache'));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const outputs = { values: new Float32Array([1, 2]), shape: [1, 2], kind: 'logits' as const };
      await expect(cache.set('a', outputs)).resolves.toBeUndefined();
      await expect(cache.set('b', outputs)).resolves.toBeUndefined();
      expect(await cache.get('a')).toBeUndefined();
      await new Promise((r) => setImmediate(r)); // process warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ name: 'KdWarning', code: CACHE_UNWRITABLE_WARNING });
    expect(warnings[0]?.message).toContain(join(blocker, 'cache'));
    expect(await readFile(blocker, 'utf8')).toBe('a file');
  });

  it('refuses values that do not fill the shape', async () => {
    const cache = new FileTeacherCache(dir);
    const error = await cache
      .set('x', { values: new Float32Array(5), shape: [2, 3], kind: 'logits' })
      .catch((e: unknown) => e);
    expect(isKdError(error, 'KD_SHAPE_MISMATCH')).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes atomically: a reader during an overwrite sees the old or the new entry, never a partial one', async () => {
    const cache = new FileTeacherCache(dir);
    const n = 4_000_000;
    const oldValues = new Float32Array(n).fill(1);
    const newValues = new Float32Array(n).fill(2);
    await cache.set('big', { values: oldValues, shape: [n], kind: 'logits' });
    let finished = false;
    const writing = cache.set('big', { values: newValues, shape: [n], kind: 'logits' }).then(() => {
      finished = true;
    });
    const seen = new Set<number>();
    let reads = 0;
    try {
      while (!finished) {
        const hit = await cache.get('big');
        expect(hit?.values.length).toBe(n);
        const first = hit?.values[0] as number;
        expect(hit?.values[n - 1]).toBe(first);
        seen.add(first);
        reads += 1;
      }
    } finally {
      await writing;
    }
    expect(reads).toBeGreaterThan(0);
    expect([...seen].every((v) => v === 1 || v === 2)).toBe(true);
    expect((await cache.get('big'))?.values[n - 1]).toBe(2);
    expect(await readdir(dir)).toEqual([cache.pathOf('big').slice(dir.length + 1)]);
  });

  it('clear() removes entries and leftovers of crashed writes, and nothing else', async () => {
    const cache = new FileTeacherCache(dir);
    await cache.set('a', { values: new Float32Array([1]), shape: [1], kind: 'logits' });
    const name = cache.pathOf('a').slice(dir.length + 1);
    await writeFile(join(dir, `.${name}.tmp-999-0123456789ab`), 'partial');
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    await cache.clear();
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });
});
