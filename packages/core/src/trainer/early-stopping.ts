import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { metricDirection, type MetricName } from '../metrics/index.js';
import type { Student } from '../students/student.js';
import type { TrainingCallback } from './callback-list.js';
import type { DistillResult, EarlyStoppingOptions, EpochLog } from './types.js';

/** Reads a monitored value (`loss`, `hardLoss`, `softLoss`, `val_loss`, `val_<metric>`) from an epoch log. */
export function monitoredValue(log: EpochLog, monitor: string): number | undefined {
  if (monitor === 'loss' || monitor === 'hardLoss' || monitor === 'softLoss') return log[monitor];
  return log.val[monitor];
}

/** Whether larger is better for a monitored value. */
export function monitorMode(monitor: string): 'min' | 'max' {
  if (!monitor.startsWith('val_') || monitor === 'val_loss') return 'min';
  return metricDirection(monitor.slice(4) as MetricName);
}

/** What early stopping has seen so far, as a checkpoint stores it (the best weights travel separately). */
export interface EarlyStoppingState {
  /** The best monitored value, or null before the first finite one. */
  best: number | null;
  wait: number;
  bestEpoch: number;
}

/**
 * Early stopping as one of the run's callbacks: tracks the best epoch, keeps a copy of its
 * weights, asks to stop once patience has run out, and puts the best weights back when training
 * ends (before the caller's own `onTrainEnd` sees the result).
 */
export class EarlyStopping implements TrainingCallback {
  readonly mode: 'min' | 'max';
  private best = Number.NaN;
  private wait = 0;
  bestEpoch = -1;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(
    private readonly options: EarlyStoppingOptions,
    private readonly student: Student,
    available: string[],
  ) {
    if (!available.includes(options.monitor)) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `earlyStopping.monitor "${options.monitor}" is not logged by this run; choose one of: ${available.join(', ')}.`,
        { monitor: options.monitor },
      );
    }
    if (options.patience !== undefined && !(Number.isInteger(options.patience) && options.patience >= 0)) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `earlyStopping.patience must be an integer ≥ 0; got ${options.patience}.`,
      );
    }
    this.mode = options.mode ?? monitorMode(options.monitor);
  }

  onEpochEnd(log: EpochLog): 'stop' | undefined {
    const value = monitoredValue(log, this.options.monitor);
    const minDelta = Math.abs(this.options.minDelta ?? 0);
    const improved =
      value !== undefined &&
      Number.isFinite(value) &&
      (Number.isNaN(this.best) || (this.mode === 'min' ? value < this.best - minDelta : value > this.best + minDelta));
    if (improved) {
      this.best = value;
      this.bestEpoch = log.epoch;
      this.wait = 0;
      if (this.keepsWeights) this.replaceBestWeights(this.student.getWeights());
      return undefined;
    }
    this.wait++;
    return this.wait > (this.options.patience ?? 3) ? 'stop' : undefined;
  }

  onTrainEnd(result: DistillResult): void {
    result.bestEpoch = this.restoreBest() ?? (this.bestEpoch >= 0 ? this.bestEpoch : result.history.length - 1);
  }

  /** Puts the best weights back (if kept) and frees them; returns their epoch, or undefined when none are kept. */
  restoreBest(): number | undefined {
    if (!this.bestWeights) return undefined;
    this.student.setWeights(this.bestWeights);
    this.replaceBestWeights(undefined);
    return this.bestEpoch;
  }

  /** The state a checkpoint needs, and the best weights (still owned here). */
  state(): { state: EarlyStoppingState; bestWeights?: tf.Tensor[] } {
    const state = { best: Number.isNaN(this.best) ? null : this.best, wait: this.wait, bestEpoch: this.bestEpoch };
    return this.bestWeights ? { state, bestWeights: this.bestWeights } : { state };
  }

  /** Continues from a checkpoint's state; takes ownership of `bestWeights`. */
  restore(state: EarlyStoppingState, bestWeights: tf.Tensor[] | undefined): void {
    this.best = state.best ?? Number.NaN;
    this.wait = state.wait;
    this.bestEpoch = state.bestEpoch;
    this.replaceBestWeights(bestWeights);
  }

  dispose(): void {
    this.replaceBestWeights(undefined);
  }

  private get keepsWeights(): boolean {
    return this.options.restoreBestWeights ?? true;
  }

  private replaceBestWeights(weights: tf.Tensor[] | undefined): void {
    if (this.bestWeights) tf.dispose(this.bestWeights);
    this.bestWeights = weights;
  }
}
