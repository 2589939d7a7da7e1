import { mulberry32, uniformValues } from './random.js';

/** Options of {@link syntheticData}. */
export interface SyntheticDataOptions {
  rows: number;
  /** Shape of one input row, e.g. `[12]` or `[8, 8, 1]`. */
  inputShape: number[];
  /** Output units of the student: 1 for a binary task, K ≥ 2 for K classes. */
  units: number;
  seed: number;
}

/** A labelled data set with teacher logits, held as plain arrays (no tensors). */
export interface SyntheticData {
  rows: number;
  inputShape: number[];
  units: number;
  /** Row-major features, `[rows, ...inputShape]`. */
  x: Float32Array;
  /** Binary: 0/1 per row. Multi-class: the class index per row. */
  labels: Float32Array;
  /** Teacher logits, `[rows, units]`. */
  teacherLogits: Float32Array;
  /** Teacher probabilities (sigmoid or softmax of the logits), `[rows, units]`. */
  teacherProbabilities: Float32Array;
}

/**
 * A small seeded problem: features uniform in [−1, 1], a teacher that is a fixed random linear
 * map of the features, and labels that mostly agree with the teacher (one in eight is flipped,
 * so that labels and teacher pull a little apart). Everything is computed in float64 in
 * JavaScript and rounded to float32, so every runtime sees the same bits.
 */
export function syntheticData(options: SyntheticDataOptions): SyntheticData {
  const { rows, inputShape, units, seed } = options;
  const features = inputShape.reduce((a, b) => a * b, 1);
  const random = mulberry32(seed);
  const x = uniformValues(random, rows * features, -1, 1);
  const scale = 2.5 / Math.sqrt(features);
  const w = Array.from({ length: features * units }, () => (random() * 2 - 1) * scale);
  const b = Array.from({ length: units }, () => (random() * 2 - 1) * 0.2);
  const teacherLogits = new Float32Array(rows * units);
  const teacherProbabilities = new Float32Array(rows * units);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const z: number[] = [];
    for (let u = 0; u < units; u++) {
      let s = b[u]!;
      for (let f = 0; f < features; f++) s += x[r * features + f]! * w[f * units + u]!;
      z.push(s);
      teacherLogits[r * units + u] = s;
    }
    const flip = random() < 0.125;
    if (units === 1) {
      teacherProbabilities[r] = 1 / (1 + Math.exp(-z[0]!));
      labels[r] = Number(z[0]! > 0) ^ Number(flip);
    } else {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const sum = e.reduce((a, v) => a + v, 0);
      e.forEach((v, u) => (teacherProbabilities[r * units + u] = v / sum));
      const best = z.indexOf(m);
      labels[r] = flip ? (best + 1) % units : best;
    }
  }
  return { rows, inputShape: [...inputShape], units, x, labels, teacherLogits, teacherProbabilities };
}
