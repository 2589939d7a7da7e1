import { KdError } from '../errors/kd-error.js';
import type { EpochLog } from '../trainer/types.js';

/**
 * When a search run counts as dead (a student that learned nothing: a ReLU layer killed by a too
 * large step, a saturated output). A run is dead when **either**
 *
 * - its validation predictions are constant: for every output unit, the spread (max − min over the
 *   validation rows) of the predicted probability is at most `constantSpread`; or
 * - its validation log-loss never left chance: in every epoch, |val_loss − ln K| ≤ `chanceTolerance`,
 *   where K is the number of classes (2 for a binary task, so ln 2 ≈ 0.693).
 */
export interface DeadRunOptions {
  /** Largest spread of predicted probabilities that still counts as constant (default 1e-3). */
  constantSpread?: number;
  /** Distance from ln K within which a validation log-loss counts as chance (default 5e-3). */
  chanceTolerance?: number;
  /** The seed of the one retry of a dead run (default `seed + 7919`, a seed outside usual grids). */
  reseed?(seed: number): number;
}

/** Why a run was judged dead. */
export type DeadReason = 'constant-predictions' | 'stuck-at-chance';

/** The defaults of {@link DeadRunOptions}. */
export const DEAD_RUN_DEFAULTS = { constantSpread: 1e-3, chanceTolerance: 5e-3 } as const;

/** The seed a dead run with `seed` is retried with, unless `reseed` says otherwise. */
export const defaultReseed = (seed: number): number => seed + 7919;

/** Checks {@link DeadRunOptions} before any run starts. */
export function resolveDeadRunOptions(options: DeadRunOptions | false | undefined): Required<DeadRunOptions> | false {
  if (options === false) return false;
  const constantSpread = options?.constantSpread ?? DEAD_RUN_DEFAULTS.constantSpread;
  const chanceTolerance = options?.chanceTolerance ?? DEAD_RUN_DEFAULTS.chanceTolerance;
  for (const [name, v] of [
    ['constantSpread', constantSpread],
    ['chanceTolerance', chanceTolerance],
  ] as const) {
    if (!Number.isFinite(v) || v < 0)
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `deadRun.${name} is ${v}; it must be a finite number ≥ 0 (default ${DEAD_RUN_DEFAULTS[name]}).`,
        { [name]: v },
      );
  }
  return { constantSpread, chanceTolerance, reseed: options?.reseed ?? defaultReseed };
}

/**
 * Whether a finished run is dead, from its validation predictions (`probs`, [rows, units] row-major)
 * and its epoch logs. Returns the reason, or undefined for a live run.
 *
 * @example
 * ```ts
 * deadReason(new Float32Array([0.3, 0.3, 0.3]), 1, [], { constantSpread: 1e-3, chanceTolerance: 5e-3 }); // 'constant-predictions'
 * ```
 */
export function deadReason(
  probs: ArrayLike<number>,
  units: number,
  history: readonly EpochLog[],
  options: { constantSpread: number; chanceTolerance: number },
): DeadReason | undefined {
  if (predictionSpread(probs, units) <= options.constantSpread) return 'constant-predictions';
  const chance = Math.log(Math.max(2, units));
  const losses = history.map((h) => h.val.val_loss).filter((v): v is number => v !== undefined);
  if (losses.length > 0 && losses.every((v) => Math.abs(v - chance) <= options.chanceTolerance))
    return 'stuck-at-chance';
  return undefined;
}

/** The largest, over output units, of max − min of the unit's values over the rows. */
export function predictionSpread(probs: ArrayLike<number>, units: number): number {
  const rows = probs.length / units;
  let spread = 0;
  for (let u = 0; u < units; u++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < rows; r++) {
      const v = probs[r * units + u]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (rows > 0) spread = Math.max(spread, hi - lo);
  }
  return spread;
}
