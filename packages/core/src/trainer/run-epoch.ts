import { KdError } from '../errors/kd-error.js';
import type { Checkpointer } from './checkpointer.js';
import { checkRunHealth } from './divergence.js';
import { EpochTotals } from './epoch-totals.js';
import { evaluateStudent } from './evaluate.js';
import type { Run, RunProgress } from './run.js';
import type { TrainBatch } from './train-batch.js';
import { trainStep, trainStepUnlessNonFinite, type StepScalars } from './train-step.js';
import type { EpochLog } from './types.js';

/**
 * Trains one epoch (from `progress.batch` when resuming mid-epoch) and returns its log, or
 * undefined when the run's signal fired at a batch boundary (after saving a checkpoint there). Reads from the device only at the
 * epoch end and at checkpoints; fails there if the loss stopped being finite.
 */
export async function runEpoch(
  run: Run,
  progress: RunProgress,
  checkpointer?: Checkpointer,
): Promise<EpochLog | undefined> {
  const started = Date.now();
  const totals = new EpochTotals(progress.totals);
  delete progress.totals;
  let read;
  try {
    if (!(await trainBatches(run, progress, totals, checkpointer))) {
      // An abort keeps the work done so far: resume continues from this very step.
      if (checkpointer) await saveWithinEpoch(run, progress, totals, checkpointer);
      return undefined;
    }
    read = await totals.read();
  } finally {
    totals.dispose();
  }
  checkRunHealth(run, progress, read, true);
  const [loss, hardLoss, softLoss] = read.means;
  const last = progress.globalStep - 1;
  return {
    epoch: progress.epoch,
    loss,
    hardLoss,
    softLoss: run.teacher ? softLoss : 0,
    alpha: run.alphas[last]!,
    temperature: run.temperatures[last]!,
    val: await validationMetrics(run),
    durationMs: Date.now() - started,
    ...(run.options.onNonFinite === 'skip-batch' ? { skippedBatches: progress.skipped } : {}),
  };
}

/** The epoch's steps; false when aborted. */
async function trainBatches(
  run: Run,
  progress: RunProgress,
  totals: EpochTotals,
  checkpointer: Checkpointer | undefined,
): Promise<boolean> {
  const { options, stepsPerEpoch } = run;
  for await (const batch of run.source.epoch(progress.batch)) {
    if (options.signal?.aborted) return false;
    if (progress.batch === stepsPerEpoch) throw batchCountChanged(progress.epoch, stepsPerEpoch, 'more than');
    const alpha = run.alphas[progress.globalStep]!;
    const temperature = run.temperatures[progress.globalStep]!;
    totals.add(
      await step(run, progress, batch, alpha, temperature),
      batch.rows,
      progress.batch,
      batch.labelledRows ?? batch.rows,
    );
    await run.callbacks.onBatchEnd({
      epoch: progress.epoch,
      batch: progress.batch,
      step: progress.globalStep,
      batchesPerEpoch: stepsPerEpoch,
      totalSteps: run.totalSteps,
      size: batch.rows,
      alpha,
      temperature,
    });
    progress.batch++;
    progress.globalStep++;
    if (checkpointer?.dueWithinEpoch(run, progress)) await saveWithinEpoch(run, progress, totals, checkpointer);
    await options.runtime.nextTick();
  }
  if (progress.batch !== stepsPerEpoch)
    throw batchCountChanged(progress.epoch, stepsPerEpoch, `${progress.batch}, not`);
  return true;
}

async function step(
  run: Run,
  progress: RunProgress,
  batch: TrainBatch,
  alpha: number,
  temperature: number,
): Promise<StepScalars> {
  if (run.options.onNonFinite !== 'skip-batch')
    return trainStep(run.setup, run.optimizer, run.vars, batch, alpha, temperature);
  const result = await trainStepUnlessNonFinite(run.setup, run.optimizer, run.vars, batch, alpha, temperature);
  if (!result.applied) progress.skipped++;
  return result;
}

/** A checkpoint within an epoch: only of weights known to be finite, which also become the fallback copy. */
async function saveWithinEpoch(run: Run, progress: RunProgress, totals: EpochTotals, checkpointer: Checkpointer) {
  const read = await totals.read();
  checkRunHealth(run, progress, read, false);
  run.lastGood.capture(progress.globalStep);
  await checkpointer.save(run, progress, read);
}

async function validationMetrics(run: Run): Promise<Record<string, number>> {
  const { val, options } = run;
  const out: Record<string, number> = {};
  if (!val) return out;
  const m = await evaluateStudent(run.student, val.x, val.labels, run.metrics, {
    batchSize: Math.max(run.source.batchSize, 256),
    nextTick: () => options.runtime.nextTick(),
  });
  for (const [k, v] of Object.entries(m)) out[`val_${k}`] = v;
  return out;
}

function batchCountChanged(epoch: number, expected: number, got: string): KdError {
  return new KdError(
    'KD_DATA_INVALID',
    `In epoch ${epoch} the training stream yielded ${got} the ${expected} batches ` +
      'it yielded in the pass before training. ' +
      'data.batches() must yield the same number of batches on every pass ' +
      '(schedules and the checks were planned for that many steps).',
    { epoch, expected },
  );
}
