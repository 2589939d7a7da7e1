import type * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { metricDirection, type MetricName } from '../metrics/index.js';
import type { Student } from '../students/student.js';
import type { EarlyStoppingOptions, EpochLog } from './types.js';

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

/** Tracks the best epoch, keeps its weights, and says when patience has run out. */
export class EarlyStopping {
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

  /** Records an epoch; returns true when training should stop. */
  update(log: EpochLog): boolean {
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
      if (this.options.restoreBestWeights ?? true) {
        this.bestWeights?.forEach((w) => w.dispose());
        this.bestWeights = this.student.getWeights();
      }
      return false;
    }
    this.wait++;
    return this.wait > (this.options.patience ?? 3);
  }

  /** Puts the best weights back (if kept) and frees them. Returns the epoch the student now holds. */
  finish(lastEpoch: number): number {
    if (!this.bestWeights) return this.bestEpoch >= 0 ? this.bestEpoch : lastEpoch;
    this.student.setWeights(this.bestWeights);
    this.bestWeights.forEach((w) => w.dispose());
    this.bestWeights = undefined;
    return this.bestEpoch;
  }

  dispose(): void {
    this.bestWeights?.forEach((w) => w.dispose());
    this.bestWeights = undefined;
  }
}
