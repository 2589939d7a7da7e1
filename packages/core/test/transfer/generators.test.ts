import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { gaussianNoise, isKdError, mixup, munge } from '../../src/index.js';
import { seededSampler } from '../../src/transfer/seeded-samplers.js';
import { mulberry32 } from '../../src/util/random.js';
import '../../src/cpu.js'; // registers the cpu backend the tensors below live on

/** Random tabular rows with columns on very different scales. */
function table(rows: number, seed: number): { x: tf.Tensor2D; xs: number[][] } {
  const random = mulberry32(seed);
  const xs = Array.from({ length: rows }, () => [random(), 100 * random() - 50, random() * 0.01]);
  return { x: tf.tensor2d(xs), xs };
}

/** Nearest other row by brute force in float64, each column scaled by its population sd. */
function nearest64(xs: number[][]): number[] {
  const n = xs.length;
  const sd = xs[0]!.map((_, c) => {
    const m = xs.reduce((a, r) => a + r[c]!, 0) / n;
    return Math.sqrt(xs.reduce((a, r) => a + (r[c]! - m) ** 2, 0) / n);
  });
  return xs.map((row, i) => {
    let best = -1;
    let bestD = Infinity;
    xs.forEach((other, j) => {
      if (j === i) return;
      const d = row.reduce((a, v, c) => a + ((v - other[c]!) / sd[c]!) ** 2, 0);
      if (d < bestD) [best, bestD] = [j, d];
    });
    return best;
  });
}

const data = table(40, 1);
afterAll(() => data.x.dispose());
const rowsOf = async (t: tf.Tensor) => {
  const v = (await t.array()) as number[][];
  t.dispose();
  return v;
};

describe('munge', () => {
  it('keeps each value or swaps it, with probability p, for Normal(b, |a − b| / s) of the nearest neighbour', async () => {
    const p = 0.3;
    const s = 2;
    const multiple = 25;
    const out = await rowsOf(await munge(data.x, { multiple, p, s, seed: 9 }));
    expect(out).toHaveLength(multiple * 40);
    const xs32 = (await data.x.array()) as number[][]; // the float32 values munge saw
    const nn = nearest64(xs32);
    let swapped = 0;
    const z: number[] = [];
    out.forEach((row, k) => {
      const i = k % 40;
      row.forEach((v, c) => {
        const a = xs32[i]![c]!;
        const b = xs32[nn[i]!]![c]!;
        if (v === a) return;
        swapped++;
        z.push((v - b) / (Math.abs(a - b) / s));
      });
    });
    const total = multiple * 40 * 3;
    // Binomial(total, p): 4 standard deviations.
    expect(Math.abs(swapped / total - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / total));
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1);
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(z.length));
    expect(Math.abs(variance - 1)).toBeLessThan(0.15);
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(6);
  });

  it('takes the neighbour value itself for a nominal column, and swaps everything at p = 1', async () => {
    const xs = [
      [0, 0],
      [0.1, 1],
      [5, 2],
      [5.2, 3],
    ];
    const x = tf.tensor2d(xs);
    const out = await rowsOf(await munge(x, { p: 1, categorical: [1], seed: 0 }));
    x.dispose();
    // Nearest neighbours (scaled): 0 ↔ 1, 2 ↔ 3.
    expect(out.map((r) => r[1])).toEqual([1, 0, 3, 2]);
    const partner = [1, 0, 3, 2];
    out.forEach((r, i) => expect(r[0]).not.toBe(xs[i]![0]));
    // The continuous column is drawn around the neighbour, with sd = |a − b|.
    out.forEach((r, i) =>
      expect(Math.abs(r[0]! - xs[partner[i]!]![0]!)).toBeLessThan(6 * Math.abs(xs[i]![0]! - xs[partner[i]!]![0]!)),
    );
  });

  it('is a pure function of (x, options): same seed, same rows; another seed, other rows; shape multiple × N', async () => {
    const a = await rowsOf(await munge(data.x, { multiple: 3, seed: 4 }));
    const b = await rowsOf(await munge(data.x, { multiple: 3, seed: 4 }));
    const c = await rowsOf(await munge(data.x, { multiple: 3, seed: 5 }));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect([a.length, a[0]!.length]).toEqual([120, 3]);
    expect(await data.x.array()).toEqual(await tf.tensor2d(data.xs).array());
  });

  it('refuses images, one row, p outside [0, 1], s ≤ 0 and a fractional multiple', async () => {
    const img = tf.zeros([2, 2, 2, 1]);
    const one = tf.zeros([1, 3]);
    const errors = await Promise.all(
      [
        () => munge(img),
        () => munge(one),
        () => munge(data.x, { p: 1.5 }),
        () => munge(data.x, { s: 0 }),
        () => munge(data.x, { multiple: 1.5 }),
        () => munge(data.x, { categorical: [3] }),
      ].map((f) =>
        f().then(
          () => 'no error',
          (e: unknown) => (isKdError(e) ? e.code : String(e)),
        ),
      ),
    );
    expect(errors).toEqual([
      'KD_DATA_INVALID',
      'KD_DATA_INVALID',
      'KD_INVALID_ARGUMENT',
      'KD_INVALID_ARGUMENT',
      'KD_INVALID_ARGUMENT',
      'KD_INVALID_ARGUMENT',
    ]);
    tf.dispose([img, one]);
  });
});

describe('mixup', () => {
  it('mixes each row with one partner per pass: λ·x_i + (1 − λ)·x_j, with λ ~ Beta(α, α)', async () => {
    // Rows of the identity: a mixed row shows its two sources and λ directly.
    const n = 50;
    const eye = tf.eye(n);
    const multiple = 8;
    const out = await rowsOf(await mixup(eye, { multiple, alpha: 0.4, seed: 2 }));
    eye.dispose();
    expect(out).toHaveLength(n * multiple);
    const lambdas: number[] = [];
    for (let pass = 0; pass < multiple; pass++) {
      const partners = new Set<number>();
      for (let i = 0; i < n; i++) {
        const row = out[pass * n + i]!;
        const nonzero = row.flatMap((v, c) => (v !== 0 && c !== i ? [c] : []));
        expect(nonzero.length).toBeLessThanOrEqual(1);
        const total = row.reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(1, 5);
        lambdas.push(row[i]!);
        partners.add(nonzero[0] ?? i);
      }
      // Partners come from a permutation: each row is used once as a partner per pass.
      expect(partners.size).toBe(n);
    }
    // Beta(0.4, 0.4): mean 1/2, variance 1/(4·(2·0.4 + 1)) = 0.1389.
    const mean = lambdas.reduce((a, b) => a + b, 0) / lambdas.length;
    const variance = lambdas.reduce((a, b) => a + (b - mean) ** 2, 0) / (lambdas.length - 1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(0.1389 / lambdas.length));
    expect(variance).toBeCloseTo(0.1389, 1);
  });

  it('keeps the image shape and is fixed by the seed', async () => {
    const images = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 3);
    const a = await mixup(images, { multiple: 3, seed: 1 });
    expect(a.shape).toEqual([18, 4, 4, 1]);
    const b = await mixup(images, { multiple: 3, seed: 1 });
    const c = await mixup(images, { multiple: 3, seed: 2 });
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    expect(Array.from(await c.data())).not.toEqual(Array.from(await a.data()));
    tf.dispose([images, a, b, c]);
  });
});

describe('gaussianNoise', () => {
  it('adds Normal(0, (sd·σ_f)²) per feature and leaves a constant feature alone', async () => {
    const xs = data.xs.map((r) => [...r, 7]);
    const x = tf.tensor2d(xs);
    const x32 = (await x.array()) as number[][];
    const out = await rowsOf(await gaussianNoise(x, { multiple: 30, sd: 0.2, seed: 3 }));
    x.dispose();
    expect(out).toHaveLength(1200);
    for (let c = 0; c < 4; c++) {
      const col = x32.map((r) => r[c]!);
      const m = col.reduce((a, b) => a + b, 0) / 40;
      const sigma = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / 40);
      const z = out.map((r, k) => (r[c]! - x32[k % 40]![c]!) / (0.2 * sigma));
      if (c === 3) {
        expect(out.every((r) => r[3] === 7)).toBe(true);
        continue;
      }
      const mean = z.reduce((a, b) => a + b, 0) / z.length;
      const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1);
      expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(z.length));
      expect(Math.abs(variance - 1)).toBeLessThan(0.15);
    }
  });
});

describe('seededSampler', () => {
  it('draws Gamma and Beta with the right moments (closed forms)', () => {
    const s = seededSampler(11);
    const n = 20000;
    const g = Array.from({ length: n }, () => s.gamma(0.5));
    const gm = g.reduce((a, b) => a + b, 0) / n; // Gamma(0.5): mean 0.5, variance 0.5
    expect(Math.abs(gm - 0.5)).toBeLessThan(4 * Math.sqrt(0.5 / n));
    const b = Array.from({ length: n }, () => s.beta(2, 5));
    const bm = b.reduce((a, v) => a + v, 0) / n; // Beta(2, 5): mean 2/7, variance 10/392
    expect(Math.abs(bm - 2 / 7)).toBeLessThan(4 * Math.sqrt(10 / 392 / n));
    expect(b.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
