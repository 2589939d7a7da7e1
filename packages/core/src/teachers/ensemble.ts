import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { ContentHash } from '../util/hash.js';
import type { OutputKind } from '../outputs/output-kind.js';
import { toSpace } from '../outputs/to-space.js';
import { teacher, type PredictDatasetOptions, type Teacher, type TeacherSource } from './teacher.js';

/** How {@link ensemble} combines its members' outputs. */
export type EnsembleCombine = 'mean-probability' | 'mean-logit' | 'weighted';

/** Options for {@link ensemble}. */
export interface EnsembleOptions {
  /**
   * - `mean-probability` (default): average the members' probabilities; output probabilities.
   * - `mean-logit`: average logits (a geometric mean of the odds); output logits.
   * - `weighted`: weighted average of probabilities with `weights` (normalised to sum 1).
   */
  combine?: EnsembleCombine;
  weights?: number[];
  name?: string;
}

/**
 * Combines several teachers into one, e.g. to compress an ensemble into one small student.
 * Members may mix logits and probabilities; each is converted to the space the combination
 * needs (sigmoid for one output unit, softmax for several).
 *
 * @example
 * ```ts
 * const t = ensemble([modelA, modelB, modelC], { combine: 'mean-probability' });
 * const w = ensemble([modelA, modelB], { combine: 'weighted', weights: [2, 1] });
 * ```
 */
export function ensemble(members: TeacherSource[], options: EnsembleOptions = {}): Teacher {
  const combine = options.combine ?? 'mean-probability';
  if (!['mean-probability', 'mean-logit', 'weighted'].includes(combine)) {
    throw new KdError(
      'KD_ENSEMBLE_INVALID',
      `Unknown ensemble combine "${combine}"; use 'mean-probability', 'mean-logit' or 'weighted'.`,
    );
  }
  if (!Array.isArray(members) || members.length === 0) {
    throw new KdError('KD_ENSEMBLE_INVALID', 'An ensemble needs at least one teacher.');
  }
  const teachers = members.map((m) => teacher(m));
  const weights = normaliseWeights(combine, options.weights, teachers.length);
  const output: OutputKind = combine === 'mean-logit' ? 'logits' : 'probabilities';

  return {
    name: options.name ?? `ensemble(${teachers.map((t) => t.name).join(', ')})`,
    output,
    ...(teachers.some((t) => t.byRowPosition) ? { byRowPosition: true } : {}),
    async predictDataset(x: tf.Tensor, predictOptions: PredictDatasetOptions): Promise<tf.Tensor2D> {
      let acc: tf.Tensor2D | undefined;
      for (let i = 0; i < teachers.length; i++) {
        const t = teachers[i]!;
        const raw = await t.predictDataset(x, predictOptions);
        if (acc && !sameShape(acc.shape, raw.shape)) {
          const shape = raw.shape;
          raw.dispose();
          acc.dispose();
          throw new KdError(
            'KD_ENSEMBLE_INVALID',
            `Ensemble member "${t.name}" outputs shape [${shape.join(', ')}] but earlier members output ` +
              `[${acc.shape.join(', ')}]. All members must have the same number of output units.`,
          );
        }
        const next: tf.Tensor2D = tf.tidy(() => {
          const term = tf.mul(toSpace(raw, t.output, output), weights[i]!) as tf.Tensor2D;
          return acc ? tf.add(acc, term) : term;
        });
        raw.dispose();
        acc?.dispose();
        acc = next;
      }
      return acc!;
    },
    async cacheKey() {
      const h = new ContentHash().update(combine).update(Float64Array.from(weights));
      for (const t of teachers) h.update(await t.cacheKey());
      return `ens-${h.digest()}`;
    },
  };
}

function normaliseWeights(combine: EnsembleCombine, weights: number[] | undefined, n: number): number[] {
  if (combine !== 'weighted') {
    if (weights !== undefined)
      throw new KdError(
        'KD_ENSEMBLE_INVALID',
        `Weights are only used with combine: 'weighted' (got combine: '${combine}'). Remove them or switch to 'weighted'.`,
      );
    return new Array<number>(n).fill(1 / n);
  }
  if (!weights || weights.length !== n) {
    throw new KdError(
      'KD_ENSEMBLE_INVALID',
      `A weighted ensemble of ${n} teachers needs ${n} weights, got ${weights?.length ?? 0}.`,
    );
  }
  if (weights.some((w) => !Number.isFinite(w) || w < 0))
    throw new KdError('KD_ENSEMBLE_INVALID', 'Ensemble weights must be finite and non-negative.', { weights });
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw new KdError('KD_ENSEMBLE_INVALID', 'Ensemble weights must not all be zero.', { weights });
  return weights.map((w) => w / sum);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
