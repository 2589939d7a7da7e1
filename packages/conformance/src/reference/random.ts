import { mulberry32 } from '@kd/core/internal';
/**
 * A seeded PRNG (kd's mulberry32) in plain JavaScript: data and weights drawn from it are the same
 * bits on every runtime, because no backend is involved.
 */
export { mulberry32 };

/** `count` values uniform in [lo, hi), rounded to float32. */
export function uniformValues(random: () => number, count: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * random();
  return out;
}
