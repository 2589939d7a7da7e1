import { KdError } from '../errors/kd-error.js';
import { PROBABILITY_EPSILON } from '../losses/elementwise-losses.js';
import type { EpochTotalsRead } from './epoch-totals.js';
import type { Run, RunProgress } from './run.js';

/** A probabilities student pinned at the clamp, against its labels, on at least this share of an epoch's rows cannot learn. */
export const SATURATED_SHARE = 0.5;

/**
 * Checks what an epoch's totals say about the run's health: a non-finite loss (stop mode), every
 * step skipped (skip mode), or a probabilities student pinned at the clamp. On a failure the
 * student gets back the best weights early stopping kept, or else the last copy known to be
 * finite, and the error carries the history of the finished epochs.
 */
export function checkRunHealth(run: Run, progress: RunProgress, read: EpochTotalsRead, epochDone: boolean): void {
  const skipping = run.options.onNonFinite === 'skip-batch';
  if ((!skipping && read.firstBadBatch >= 0) || (skipping && epochDone && read.rows === 0)) {
    const restored = restoreAfterFailure(run);
    throw divergedError(run, progress, read, restored);
  }
  // Only labelled rows can be pinned against their label.
  const labelled = run.source.labelledRows ?? run.source.rows;
  if (epochDone && run.student.output === 'probabilities' && read.pinnedRows >= SATURATED_SHARE * labelled) {
    throw saturatedError(run, progress, read.pinnedRows / labelled);
  }
}

/** What the student holds after a failed run. */
interface Restored {
  weights: 'best' | 'last-finite';
  /** The best epoch, or the number of steps taken when the finite copy was made. */
  epoch?: number;
  step?: number;
}

function restoreAfterFailure(run: Run): Restored {
  const best = run.earlyStopping?.restoreBest();
  if (best !== undefined) return { weights: 'best', epoch: best };
  run.lastGood.restore();
  return { weights: 'last-finite', step: run.lastGood.step };
}

function divergedError(run: Run, progress: RunProgress, read: EpochTotalsRead, restored: Restored): KdError {
  const epoch = progress.epoch;
  const batch = read.firstBadBatch >= 0 ? read.firstBadBatch : 0;
  const step = progress.globalStep - progress.batch + batch;
  const where =
    run.options.onNonFinite === 'skip-batch'
      ? `Every step of epoch ${epoch} had a non-finite loss, so every one was skipped.`
      : `The loss became non-finite (NaN or ±Infinity) at step ${step} (epoch ${epoch}, batch ${batch}).`;
  const holds =
    restored.weights === 'best'
      ? `The student holds the weights of its best epoch (${restored.epoch}).`
      : `The student holds its last weights known to be finite (after ${restored.step} steps).`;
  return new KdError('KD_TRAINING_DIVERGED', `${where} ${whatToTry(run)} ${holds}`, {
    epoch,
    batch,
    step,
    history: [...progress.history],
    restored,
  });
}

function whatToTry(run: Run): string {
  const skip = "or pass onNonFinite: 'skip-batch' to leave out the steps whose loss or gradients are not finite";
  if (run.student.output === 'probabilities') {
    return (
      `Student "${run.student.name}" outputs probabilities, ` +
      'whose loss and gradients lose precision near 0 and 1: ' +
      `give it a linear last layer and declare output: 'logits' (recommended), lower the learning rate, ${skip}.`
    );
  }
  return (
    `Student "${run.student.name}" outputs logits: lower the learning rate (or clip gradients in your optimizer), ` +
    `check that the features are scaled (e.g. standardised), ${skip}.`
  );
}

function saturatedError(run: Run, progress: RunProgress, share: number): KdError {
  return new KdError(
    'KD_STUDENT_SATURATED',
    `Student "${run.student.name}" outputs probabilities, ` +
      `and in epoch ${progress.epoch} ${(share * 100).toFixed(1)}% of the rows had a probability ` +
      `below ${PROBABILITY_EPSILON} for their true class: ` +
      'the loss clamps them, no gradient flows back, and the student cannot learn. ' +
      `Give it a linear last layer and declare output: 'logits', or start from smaller initial weights, ` +
      'scale the features, or lower the learning rate.',
    { epoch: progress.epoch, share, history: [...progress.history] },
  );
}
