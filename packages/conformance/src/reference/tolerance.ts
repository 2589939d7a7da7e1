/**
 * How close a measured value must be to its reference: `|actual − expected| ≤ atol + rtol·|expected|`
 * (the rule of numpy's `isclose`).
 */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Tolerances for every kind of check, chosen for one float precision. */
export interface ToleranceSet {
  /** Loss values against float64 fixtures. */
  loss: Tolerance;
  /** Gradients of losses against float64 fixtures. */
  gradient: Tolerance;
  /** Ensemble combinations against float64 fixtures. */
  ensemble: Tolerance;
  /** Schedules are plain JavaScript numbers: only float64 rounding is allowed. */
  schedule: Tolerance;
  /** Per-step training losses against the cpu reference: rounding compounds over the steps. */
  trajectory: Tolerance;
}

const FLOAT32: ToleranceSet = {
  loss: { rtol: 1e-5, atol: 1e-6 },
  gradient: { rtol: 1e-5, atol: 1e-6 },
  ensemble: { rtol: 1e-5, atol: 1e-6 },
  schedule: { rtol: 1e-12, atol: 1e-12 },
  trajectory: { rtol: 1e-4, atol: 1e-5 },
};

const FLOAT16: ToleranceSet = {
  loss: { rtol: 1e-2, atol: 1e-3 },
  gradient: { rtol: 1e-2, atol: 1e-3 },
  ensemble: { rtol: 1e-2, atol: 1e-3 },
  schedule: { rtol: 1e-12, atol: 1e-12 },
  trajectory: { rtol: 5e-2, atol: 5e-3 },
};

/**
 * The tolerances for a backend's float precision (`RuntimeInfo.floatPrecision`): float32
 * backends must match float64 references to about 1e-5 relative, float16 ones to about 1e-2.
 *
 * @example
 * ```ts
 * const info = await runtime.init();
 * const { loss } = tolerancesFor(info.floatPrecision); // { rtol: 1e-5, atol: 1e-6 } on float32
 * ```
 */
export function tolerancesFor(floatPrecision: 16 | 32): ToleranceSet {
  return floatPrecision === 16 ? FLOAT16 : FLOAT32;
}
