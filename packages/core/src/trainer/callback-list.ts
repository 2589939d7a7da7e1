import type { KdWarning } from '../errors/kd-warning.js';
import type { BatchLog, DistillCallbacks, DistillResult, EpochLog, TrainBeginLog } from './types.js';

/** A callback the trainer itself adds (early stopping) or the caller gives. */
export type TrainingCallback = DistillCallbacks;

/**
 * Fans every hook out to the run's callbacks in order, like tfjs-layers' `CallbackList`: the
 * training loop calls each hook once and never looks at who is listening.
 */
export class CallbackList {
  constructor(private readonly callbacks: TrainingCallback[]) {}

  async onTrainBegin(log: TrainBeginLog): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainBegin?.(log);
  }

  async onWarning(warning: KdWarning): Promise<void> {
    for (const cb of this.callbacks) await cb.onWarning?.(warning);
  }

  async onBatchEnd(log: BatchLog): Promise<void> {
    for (const cb of this.callbacks) await cb.onBatchEnd?.(log);
  }

  /** Returns true when any callback asked to stop after this epoch (every callback still sees the log). */
  async onEpochEnd(log: EpochLog): Promise<boolean> {
    let stop = false;
    for (const cb of this.callbacks) if ((await cb.onEpochEnd?.(log)) === 'stop') stop = true;
    return stop;
  }

  async onTrainEnd(result: DistillResult): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainEnd?.(result);
  }
}
