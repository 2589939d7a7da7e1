import { expect } from 'vitest';

/** Deterministic uniform numbers in [lo, hi) (mulberry32), rounded to float32 like the tensors that hold them. */
export function randomValues(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** A float64 reference: the exact values and, per element, the sum of |terms| (scale of float32 rounding). */
export interface Reference {
  values: Float64Array;
  magnitude: Float64Array;
  shape: number[];
}

/**
 * float32 sums of k terms drift from the float64 sum by about sqrt(k)·2⁻²⁴ of their absolute sum;
 * 2e-6 of it is a generous bound for the sizes tested (k ≤ a few hundred), and tight enough that a
 * wrong index or a dropped term (an error of a whole term) fails.
 */
export function expectMatchesReference(
  got: { values: ArrayLike<number>; shape: number[] },
  ref: Reference,
  label = '',
): void {
  expect(got.shape, `${label} shape`).toEqual(ref.shape);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < ref.values.length; i++) {
    const excess =
      Math.abs((got.values[i] as number) - (ref.values[i] as number)) - (2e-6 * (ref.magnitude[i] as number) + 1e-7);
    if (excess > worst) {
      worst = excess;
      at = i;
    }
  }
  expect(at, `${label} first out-of-tolerance element ${at}: got ${got.values[at]}, want ${ref.values[at]}`).toBe(-1);
}

/** Elementwise closeness of two float32 results (e.g. wasm against cpu). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label = ''): void {
  expect(got.length, `${label} length`).toBe(want.length);
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs((got[i] as number) - (want[i] as number)) <= tol * (1 + Math.abs(want[i] as number)))) {
      at = i;
      break;
    }
  }
  expect(at, `${label} element ${at}: got ${got[at]}, want ${want[at]}`).toBe(-1);
}
