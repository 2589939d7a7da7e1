import { mulberry32 as uniform } from '../../src/util/random.js';
/** Deterministic uniform numbers in [0, 1) (mulberry32), so test data is the same on every run. */
export { uniform };

/** Binary labels and float32 probabilities loosely related to them; `decimals` rounds to force ties. */
export function binaryCase(n: number, seed: number, decimals?: number): { y: Int32Array; p: Float32Array } {
  const r = uniform(seed);
  const y = new Int32Array(n);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = r() < 0.4 ? 1 : 0;
    let v = Math.min(1, Math.max(0, 0.3 * y[i]! + 0.7 * r()));
    if (decimals !== undefined) v = Math.round(v * 10 ** decimals) / 10 ** decimals;
    p[i] = v;
  }
  return { y, p };
}

/** Integer labels and row-major float32 softmax rows [n, k]. */
export function multiclassCase(n: number, k: number, seed: number): { y: Int32Array; probs: Float32Array } {
  const r = uniform(seed);
  const y = new Int32Array(n);
  const probs = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    y[i] = Math.floor(r() * k);
    const logits = Array.from({ length: k }, (_, c) => 2 * r() + (c === y[i] ? 1.5 : 0));
    const z = logits.reduce((s, l) => s + Math.exp(l), 0);
    logits.forEach((l, c) => (probs[i * k + c] = Math.exp(l) / z));
  }
  return { y, probs };
}

/** Repeats element i of `values` weights[i] times (an integer weight equals repetition). */
export function repeatRows(values: ArrayLike<number>, weights: ArrayLike<number>, rowLength = 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    for (let w = 0; w < weights[i]!; w++) {
      for (let c = 0; c < rowLength; c++) out.push(values[i * rowLength + c]!);
    }
  }
  return out;
}
