import { mulberry32 } from '../util/random.js';

/** Seeded samplers built on mulberry32, so generated rows are the same on every runtime. */
export interface SeededSampler {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Gamma(shape, 1) (Marsaglia–Tsang; shape < 1 through the boost U^(1/shape)). */
  gamma(shape: number): number;
  /** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
  beta(a: number, b: number): number;
}

/**
 * A {@link SeededSampler} for `seed`.
 *
 * @example
 * ```ts
 * const s = seededSampler(0);
 * const lambda = s.beta(0.2, 0.2);
 * ```
 */
export function seededSampler(seed: number): SeededSampler {
  const uniform = mulberry32(seed);
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    // 1 − u keeps the log away from 0.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(1 - uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let z: number;
      let v: number;
      do {
        z = normal();
        v = 1 + c * z;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - uniform();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const beta = (a: number, b: number): number => {
    const x = gamma(a);
    const y = gamma(b);
    // Both can underflow to 0 for tiny shapes; either end is then as likely.
    return x + y > 0 ? x / (x + y) : uniform() < a / (a + b) ? 1 : 0;
  };
  return { uniform, normal, gamma, beta };
}
