import { mulberry32 as seededRandom } from '../../src/util/random.js';
/**
 * Independent float64 closed forms for the distillation losses, in plain JavaScript. They use
 * different formulas from the implementation where one exists (softplus instead of log-sigmoid,
 * log-sum-exp instead of log-softmax) so that a shared mistake cannot hide.
 */

/** Small deterministic generator (mulberry32) so failures reproduce. */
export { seededRandom };

export function uniform(rand: () => number, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

export function bits(rand: () => number, n: number): number[] {
  return Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1));
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

export function logit(p: number): number {
  return Math.log(p) - Math.log(1 - p);
}

/** The clamp bounds as float32 holds them (1 − 1e-7 is not exactly representable). */
export const EPS_LO = Math.fround(1e-7);
export const EPS_HI = Math.fround(1 - 1e-7);

export function clampProbability(q: number): number {
  return Math.min(Math.max(q, EPS_LO), EPS_HI);
}

/** −[p·ln q + (1 − p)·ln(1 − q)], q clamped like the implementation. */
export function bce(p: number, q: number): number {
  const c = clampProbability(q);
  return -(p * Math.log(c) + (1 - p) * Math.log(1 - c));
}

/** BCE(p, σ(z)) written as softplus(z) − p·z. */
export function bceLogits(p: number, z: number): number {
  return softplus(z) - p * z;
}

export function logSumExp(row: number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((acc, v) => acc + Math.exp(v - m), 0));
}

export function softmax(row: number[]): number[] {
  const lse = logSumExp(row);
  return row.map((v) => Math.exp(v - lse));
}

/** −Σ y_k·(s_k − lse(s)). */
export function crossEntropyLogits(y: number[], s: number[]): number {
  const lse = logSumExp(s);
  return -y.reduce((acc, yk, k) => acc + yk * (s[k]! - lse), 0);
}

/** Σ p_k·ln(p_k / q_k) with 0·ln 0 = 0. */
export function kl(p: number[], q: number[]): number {
  return p.reduce((acc, pk, k) => acc + (pk === 0 ? 0 : pk * Math.log(pk / q[k]!)), 0);
}

export function oneHot(label: number, k: number): number[] {
  return Array.from({ length: k }, (_, j) => (j === label ? 1 : 0));
}

/** Weighted mean Σ w·l / Σ w (plain mean without weights). */
export function weightedMean(values: number[], weights?: number[]): number {
  const w = weights ?? values.map(() => 1);
  const den = w.reduce((a, b) => a + b, 0);
  return values.reduce((acc, v, i) => acc + v * w[i]!, 0) / den;
}

/** Expects each element within rtol of its expected value, on the scale of the whole vector. */
export function closeTo(actual: ArrayLike<number>, expected: readonly number[], rtol = 1e-5): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  const scale = Math.max(...expected.map(Math.abs), 1e-30);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= rtol * (Math.abs(e) + scale)))
      return `element ${i}: got ${a}, expected ${e} (rtol ${rtol})`;
  }
  return undefined;
}
