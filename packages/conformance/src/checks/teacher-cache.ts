import * as tf from '@tensorflow/tfjs-core';
import { computeTeacherOutputs, precomputedTeacher, type CachedTeacherOutputs, type KdRuntime } from '@kd/core';
import { mulberry32, uniformValues } from '../reference/random.js';

/** What a cache round trip observed. */
export interface TeacherCacheResult {
  stored: CachedTeacherOutputs;
  /** What `get` returned right after `set`. */
  loaded: CachedTeacherOutputs | undefined;
  /** What `get` returned after `delete` (must be undefined). */
  afterDelete: CachedTeacherOutputs | undefined;
  /** A second `computeTeacherOutputs` for the same teacher and data came from the cache. */
  secondFromCache: boolean;
  /** Values of the first and the cached `computeTeacherOutputs`. */
  computed: number[];
  cached: number[];
}

let counter = 0;

/**
 * Stores teacher outputs in `runtime.cache`, reads them back and deletes them; then computes a
 * teacher's outputs twice through core's `computeTeacherOutputs`, which must serve the second
 * from the cache with the same values.
 */
export async function teacherCacheRoundTrip(runtime: KdRuntime): Promise<TeacherCacheResult> {
  const key = `kd-conformance-cache-${Date.now().toString(36)}-${++counter}`;
  const random = mulberry32(99 + counter);
  const stored: CachedTeacherOutputs = { values: uniformValues(random, 15, -3, 3), shape: [5, 3], kind: 'logits' };
  await runtime.cache.set(key, stored);
  const loaded = await runtime.cache.get(key);
  await runtime.cache.delete(key);
  const afterDelete = await runtime.cache.get(key);

  const rows = 6;
  const x = tf.tensor2d(uniformValues(random, rows * 2, -1, 1), [rows, 2]);
  const t = precomputedTeacher(uniformValues(random, rows * 2, -2, 2), {
    output: 'logits',
    shape: [rows, 2],
    name: 'cache-check',
  });
  try {
    const first = await computeTeacherOutputs(runtime, t, x, { batchSize: 4 });
    const computed = Array.from(await first.values.data());
    first.values.dispose();
    const second = await computeTeacherOutputs(runtime, t, x, { batchSize: 4 });
    const cached = Array.from(await second.values.data());
    second.values.dispose();
    await runtime.cache.delete(second.key);
    return { stored, loaded, afterDelete, secondFromCache: second.fromCache, computed, cached };
  } finally {
    x.dispose();
  }
}
