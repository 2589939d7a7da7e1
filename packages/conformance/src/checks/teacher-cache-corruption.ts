import * as tf from '@tensorflow/tfjs-core';
import { computeTeacherOutputs, precomputedTeacher, type KdRuntime, type OutputKind } from '@kd/core';
import { mulberry32, uniformValues } from '../reference/random.js';

/** Damages the stored entry of `key` in `runtime.cache`. */
export type CorruptCacheEntry = (runtime: KdRuntime, key: string) => Promise<void>;

/** What a rebuild observed: where each of three `computeTeacherOutputs` calls got its values. */
export interface CacheRebuildResult {
  /** The teacher's outputs (what every call must return). */
  expected: number[];
  /** First call (teacher runs, entry stored), after the damage (must recompute), and once more (must hit). */
  calls: Array<{ fromCache: boolean; values: number[] }>;
}

let counter = 0;

/**
 * Computes a teacher's outputs through core (which stores them in `runtime.cache`), damages the
 * stored entry with `corrupt`, then computes them twice more: the second call must recompute
 * (the damaged entry is a miss) and the third must come from the rebuilt entry.
 */
export async function rebuildAfterCorruption(
  runtime: KdRuntime,
  corrupt: CorruptCacheEntry,
  kind: OutputKind = 'logits',
): Promise<CacheRebuildResult> {
  const seed = 500 + ++counter;
  const random = mulberry32(seed);
  const rows = 6;
  const units = 2;
  // A fresh teacher name per call: no earlier run's entry can answer.
  const expected =
    kind === 'probabilities'
      ? uniformValues(random, rows * units, 0.05, 0.95)
      : uniformValues(random, rows * units, -4, 4);
  const t = precomputedTeacher(expected, {
    output: kind,
    shape: [rows, units],
    name: `kd-conformance-rebuild-${Date.now().toString(36)}-${seed}`,
  });
  const x = tf.tensor2d(uniformValues(random, rows * 3, -1, 1), [rows, 3]);
  const calls: CacheRebuildResult['calls'] = [];
  let key: string | undefined;
  try {
    for (let i = 0; i < 3; i++) {
      const out = await computeTeacherOutputs(runtime, t, x, { batchSize: 4 });
      calls.push({ fromCache: out.fromCache, values: Array.from(await out.values.data()) });
      out.values.dispose();
      key = out.key;
      if (i === 0) await corrupt(runtime, key);
    }
    return { expected: Array.from(expected), calls };
  } finally {
    x.dispose();
    if (key) await runtime.cache.delete(key);
  }
}

/** Overwrites the entry through `cache.set` with values training cannot use: NaN, ±Infinity. */
export const storeNonFiniteValues: CorruptCacheEntry = async (runtime, key) => {
  const entry = await runtime.cache.get(key);
  if (!entry) return;
  const values = entry.values.slice();
  values[0] = Number.NaN;
  values[values.length - 1] = Number.POSITIVE_INFINITY;
  await runtime.cache.set(key, { ...entry, values });
};

/** Overwrites a probabilities entry through `cache.set` with values outside [0, 1]. */
export const storeOutOfRangeProbabilities: CorruptCacheEntry = async (runtime, key) => {
  const entry = await runtime.cache.get(key);
  if (!entry) return;
  const values = entry.values.slice();
  values[1] = 1.5;
  values[2] = -0.25;
  await runtime.cache.set(key, { ...entry, values });
};
