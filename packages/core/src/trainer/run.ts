import type * as tf from '@tensorflow/tfjs-core';
import type { MetricName } from '../metrics/index.js';
import type { RuntimeInfo } from '../runtime/types.js';
import type { Student } from '../students/student.js';
import type { Teacher } from '../teachers/teacher.js';
import type { LossTask } from './batch-loss.js';
import type { CallbackList } from './callback-list.js';
import type { EarlyStopping } from './early-stopping.js';
import type { LastGoodWeights } from './last-good-weights.js';
import type { PreparedData } from './prepare-data.js';
import type { BatchSource } from './train-batch.js';
import type { StepSetup } from './train-step.js';
import type { KdWarning } from '../errors/kd-warning.js';
import type { ExtraRows } from './extra-rows.js';
import type { DistillOptions, EpochLog, RunDiagnostics, TrainingData } from './types.js';

/** Everything a prepared run holds; fixed once preparation is done. */
export interface Run {
  options: DistillOptions<TrainingData>;
  runtimeInfo: RuntimeInfo;
  student: Student;
  teacher?: Teacher;
  /** Labels the rows without labels, when it is not `teacher`. */
  transferTeacher?: Teacher;
  source: BatchSource;
  /** In-memory training data (absent for a stream). */
  train?: PreparedData;
  /** In-memory rows without labels (`unlabeled`, `transfer`). */
  extra?: ExtraRows;
  val?: PreparedData;
  task: LossTask;
  /** The student's output units (1 for binary). */
  units: number;
  epochs: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** α and T for every step of the run. */
  alphas: number[];
  temperatures: number[];
  metrics: MetricName[];
  setup: StepSetup;
  vars: tf.Variable[];
  optimizer: tf.Optimizer;
  callbacks: CallbackList;
  earlyStopping?: EarlyStopping;
  /** The weights to fall back to when the loss stops being finite. */
  lastGood: LastGoodWeights;
  /** The soft-target measures (absent without a teacher). */
  diagnostics?: RunDiagnostics;
  warnings: KdWarning[];
}

/** Where a run stands: what has been trained, and where the next step starts. */
export interface RunProgress {
  history: EpochLog[];
  /** The epoch in progress (or the next one). */
  epoch: number;
  /** Steps of `epoch` already taken (non-zero only when resuming mid-epoch). */
  batch: number;
  globalStep: number;
  /** The totals of `epoch` so far, when resuming mid-epoch. */
  totals?: Float32Array;
  /** Steps skipped in `epoch` so far (with `onNonFinite: 'skip-batch'`). */
  skipped: number;
  stoppedEarly: boolean;
  aborted: boolean;
}
