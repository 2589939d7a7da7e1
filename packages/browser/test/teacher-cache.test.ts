import * as tf from '@tensorflow/tfjs-core';
import { computeTeacherOutputs, teacher } from '@kd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import { crc32 } from '../src/cache/crc32.js';
import { browserRuntime, IndexedDbTeacherCache } from '../src/index.js';

const DB = 'kd-test-teacher-outputs';

/** Rewrites one stored record straight through IndexedDB, as disk damage or a buggy writer would. */
async function tamper(key: string, change: (record: Record<string, unknown>) => void): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(DB);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const store = db.transaction('outputs', 'readwrite').objectStore('outputs');
  const record = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const r = store.get(key);
    r.onsuccess = () => resolve(r.result as Record<string, unknown>);
    r.onerror = () => reject(r.error);
  });
  change(record);
  await new Promise<void>((resolve, reject) => {
    const tx = store.transaction;
    store.put(record, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

describe('IndexedDbTeacherCache', () => {
  const values = Float32Array.from([0.1, -2.5, 3.75, 1e-30, -0, 123456.789]);
  afterAll(async () => {
    const cache = new IndexedDbTeacherCache({ databaseName: DB });
    await cache.clear();
    await cache.close();
  });

  it('computes the standard CRC-32 check value', () => {
    expect(crc32([new TextEncoder().encode('123456789')])).toBe(0xcbf43926);
    expect(crc32([])).toBe(0);
  });

  it('round-trips values, shape and kind bit for bit, across cache objects', async () => {
    const a = new IndexedDbTeacherCache({ databaseName: DB });
    await a.set('t1|data', { values, shape: [3, 2], kind: 'logits' });
    await a.close();
    const b = new IndexedDbTeacherCache({ databaseName: DB });
    const got = await b.get('t1|data');
    expect(got?.kind).toBe('logits');
    expect(got?.shape).toEqual([3, 2]);
    expect(new Uint32Array(got!.values.buffer)).toEqual(new Uint32Array(values.buffer));
    expect(await b.get('absent')).toBeUndefined();
    expect(await b.keys()).toContain('t1|data');
    await b.delete('t1|data');
    expect(await b.get('t1|data')).toBeUndefined();
    await b.close();
  });

  it('rejects outputs whose length does not match the shape', async () => {
    const cache = new IndexedDbTeacherCache({ databaseName: DB });
    expect((await kdErrorOf(cache.set('bad', { values, shape: [4, 2], kind: 'logits' }))).code).toBe(
      'KD_SHAPE_MISMATCH',
    );
    await cache.close();
  });

  const damages: Array<[string, (r: Record<string, unknown>) => void]> = [
    ['a flipped value', (r) => ((r.values as Float32Array)[2] = 3.5)],
    ['a truncated array', (r) => (r.values = (r.values as Float32Array).slice(0, 5))],
    ['a changed shape', (r) => (r.shape = [2, 3])],
    ['a changed kind', (r) => (r.kind = 'probabilities')],
    ['values stored as a plain array', (r) => (r.values = Array.from(r.values as Float32Array))],
    ['a record of another key', (r) => (r.key = 'someone-else')],
  ];
  for (const [what, change] of damages) {
    it(`reads ${what} as a miss and deletes the record, so the outputs are recomputed`, async () => {
      const cache = new IndexedDbTeacherCache({ databaseName: DB });
      await cache.set('victim', { values, shape: [3, 2], kind: 'logits' });
      await cache.close();
      await tamper('victim', change);
      expect(await cache.get('victim')).toBeUndefined();
      expect(await cache.keys()).not.toContain('victim');
      await cache.set('victim', { values, shape: [3, 2], kind: 'logits' });
      expect(Array.from((await cache.get('victim'))?.values ?? [])).toEqual(Array.from(values));
      await cache.delete('victim');
      await cache.close();
    });
  }

  it('acts as an empty cache, reporting once, when IndexedDB refuses the database', async () => {
    // A newer database of the same name: opening it at the cache's version fails with VersionError.
    const name = 'kd-test-newer-database';
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(name, 5);
      open.onsuccess = () => {
        open.result.close();
        resolve();
      };
      open.onerror = () => reject(open.error);
    });
    const reports: unknown[] = [];
    const cache = new IndexedDbTeacherCache({ databaseName: name, onUnavailable: (e) => reports.push(e) });
    try {
      await expect(cache.set('k', { values, shape: [3, 2], kind: 'logits' })).resolves.toBeUndefined();
      expect(await cache.get('k')).toBeUndefined();
      await cache.set('k', { values, shape: [3, 2], kind: 'logits' });
      expect(reports).toHaveLength(1);
      expect((reports[0] as DOMException).name).toBe('VersionError');
    } finally {
      await cache.close();
      indexedDB.deleteDatabase(name);
    }
  });

  it('lets a new runtime object reuse teacher outputs computed before (no second teacher run)', async () => {
    let calls = 0;
    const t = teacher(
      (x: tf.Tensor) => {
        calls++;
        return tf.sigmoid(tf.sum(x, 1, true));
      },
      { output: 'probabilities', id: 'sum-teacher-v1' },
    );
    const first = browserRuntime({ cache: new IndexedDbTeacherCache({ databaseName: DB }) });
    await first.init();
    const x = tf.tensor2d([
      [0.5, 1],
      [-2, 0.25],
      [3, -3],
    ]);
    const a = await computeTeacherOutputs(first, t, x, { batchSize: 2 });
    expect(a.fromCache).toBe(false);
    expect(calls).toBe(2);

    // As after a page reload: a new runtime with a new cache object on the same database.
    const second = browserRuntime({ cache: new IndexedDbTeacherCache({ databaseName: DB }) });
    await second.init();
    const before = tf.memory().numTensors;
    const b = await computeTeacherOutputs(second, t, x, { batchSize: 2 });
    expect(b.fromCache).toBe(true);
    expect(calls).toBe(2);
    expect(Array.from(await b.values.data())).toEqual(Array.from(await a.values.data()));
    b.values.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, a.values]);
    await (first.cache as IndexedDbTeacherCache).close();
    await (second.cache as IndexedDbTeacherCache).close();
  });
});
