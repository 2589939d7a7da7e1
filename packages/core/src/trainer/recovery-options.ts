import { KdError } from '../errors/kd-error.js';
import type { TrainingData, TrainOptions } from './types.js';

/** Checks the options for surviving failures (`onNonFinite`, `checkpoint`, `resume`) before anything starts. */
export function checkRecoveryOptions(options: TrainOptions<TrainingData>): void {
  const { checkpoint, resume } = options;
  if (options.onNonFinite !== undefined && options.onNonFinite !== 'stop' && options.onNonFinite !== 'skip-batch')
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `onNonFinite must be 'stop' or 'skip-batch'; got ${JSON.stringify(options.onNonFinite)}.`,
    );
  if (resume !== undefined && typeof resume !== 'boolean')
    throw new KdError('KD_INVALID_ARGUMENT', `resume must be true or false; got ${JSON.stringify(resume)}.`);
  if (resume && !checkpoint) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'resume: true needs checkpoint: { store } to resume from, e.g. ' +
        "checkpoint: { store: fileCheckpointStore('runs/ckpt') } with fileCheckpointStore from '@kd/node'.",
    );
  }
  if (checkpoint === undefined) return;
  const store = checkpoint?.store as { readLatest?: unknown; write?: unknown } | undefined;
  if (!store || typeof store.readLatest !== 'function' || typeof store.write !== 'function') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'checkpoint.store must be a CheckpointStore ({ readLatest(), write(checkpoint) }): ' +
        "fileCheckpointStore(dir) from '@kd/node', memoryCheckpointStore(), or your own.",
    );
  }
  const every = checkpoint.everySteps;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1))
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `checkpoint.everySteps must be an integer ≥ 1 (or left out to save at epoch ends only); got ${every}.`,
    );
}
