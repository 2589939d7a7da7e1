import type * as tf from '@tensorflow/tfjs-core';
import type { MetricName } from '../metrics/index.js';
import type { KdRuntime, RuntimeInfo } from '../runtime/types.js';
import type { Schedule } from '../schedules/index.js';
import type { TrainableLayersModel } from '../students/layers-student.js';
import type { Student } from '../students/student.js';
import type { Teacher, TeacherSource } from '../teachers/teacher.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { StreamingData } from './streaming-data.js';

/** Features and labels. Binary labels: 0/1 as [N] or [N, 1]. Multi-class: int labels [N] or one-hot [N, K]. */
export interface LabeledData {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Optional per-sample weights [N]. */
  sampleWeight?: tf.Tensor;
}

/** Training data: tensors in memory, or a stream read batch by batch (see {@link streamingData}). */
export type TrainingData = LabeledData | StreamingData;

/** Validation data, or the fraction of the training rows (taken from the end, before shuffling) to hold out. */
export type ValidationOption = LabeledData | { split: number };

/** Stop when a monitored value stops improving. */
export interface EarlyStoppingOptions {
  /** `loss`, `val_loss` or `val_<metric>` such as `val_auc`. */
  monitor: string;
  /** Inferred from the metric (`auc`, `accuracy` → max; losses, `brier`, `ece` → min). */
  mode?: 'min' | 'max';
  /** Epochs without improvement before stopping (default 3). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends (default true). */
  restoreBestWeights?: boolean;
}

/** Everything logged for one epoch. */
export interface EpochLog {
  epoch: number;
  /** Mean total loss over the epoch's batches (weighted by batch size). */
  loss: number;
  /** Mean hard part: the loss against the ground truth. */
  hardLoss: number;
  /** Mean soft part: the loss against the teacher (0 when training from scratch). */
  softLoss: number;
  /** α and T at the epoch's last step. */
  alpha: number;
  temperature: number;
  /** Validation metrics, keyed `val_loss`, `val_accuracy`, `val_auc`, ... (empty without validation). */
  val: Record<string, number>;
  durationMs: number;
  /** Steps whose update was left out because their loss or gradients were not finite (only with `onNonFinite: 'skip-batch'`). */
  skippedBatches?: number;
}

/** Per-batch progress, without tensor values (reading them would stall the device). */
export interface BatchLog {
  epoch: number;
  batch: number;
  step: number;
  batchesPerEpoch: number;
  totalSteps: number;
  size: number;
  alpha: number;
  temperature: number;
}

/** What a training run reports at its start. */
export interface TrainBeginLog {
  runtime: RuntimeInfo;
  task: 'binary' | 'multiclass';
  classes: number;
  trainRows: number;
  validationRows: number;
  epochs: number;
  /** Rows per step: the `batchSize` option, or with a stream the largest batch it yielded. */
  batchSize: number;
  totalSteps: number;
  fromScratch: boolean;
  /** Steps already taken when this run continued from a checkpoint (absent on a fresh start). */
  resumedAtStep?: number;
}

/**
 * Hooks into training; any may be async, and the loop waits for each. They are called in the
 * order given (after kd's own early stopping, before the progress display). Return `'stop'` from
 * onEpochEnd to stop after that epoch. onTrainEnd sees the result after early stopping has put the
 * best weights back; it is not called when training fails or is aborted before its first step.
 */
export interface DistillCallbacks {
  onTrainBegin?(log: TrainBeginLog): void | Promise<void>;
  onBatchEnd?(log: BatchLog): void | Promise<void>;
  onEpochEnd?(log: EpochLog): void | 'stop' | Promise<void | 'stop'>;
  onTrainEnd?(result: DistillResult): void | Promise<void>;
}

/**
 * Options shared by {@link distill} and {@link trainFromScratch}. `D` is the form of the training
 * data: in-memory tensors ({@link LabeledData}, the default) or a stream ({@link StreamingData}).
 */
export interface TrainOptions<D extends TrainingData = LabeledData> {
  runtime: KdRuntime;
  student: Student | TrainableLayersModel;
  /**
   * In-memory `{ x, y, sampleWeight? }` tensors, or a {@link StreamingData} stream for data larger
   * than memory: then each batch the stream yields is one step, and the teacher's outputs are kept
   * in `runtime.cache` instead of memory.
   */
  data: D;
  /** In-memory validation data, or (for in-memory training data only) the fraction of it to hold out. */
  validation?: ValidationOption;
  /** Any tfjs optimizer (kept by the caller: dispose it when done). Default: Adam with epsilon 1e-7 on every backend, created and freed by kd. */
  optimizer?: tf.Optimizer;
  /** Learning rate of the default Adam optimizer (default 1e-3). Not used with `optimizer`. */
  learningRate?: number;
  epochs?: number;
  /** Rows per step for in-memory data (default 32). A stream's batches are its steps: passing it with a stream is an error. */
  batchSize?: number;
  /** Seeds the shuffling of in-memory data (default 0). No effect on a stream. */
  seed?: number;
  /** Reorder in-memory rows every epoch (default true). A stream is never reordered (that is its source's job): `true` with a stream is an error. */
  shuffle?: boolean;
  /** Validation metrics (default: accuracy, auc, logLoss, brier, ece for binary; accuracy, logLoss for multi-class). */
  metrics?: MetricName[];
  earlyStopping?: EarlyStoppingOptions;
  callbacks?: DistillCallbacks | DistillCallbacks[];
  /** Print a progress line per epoch (and a bar on a terminal). Default false. */
  progress?: boolean;
  /**
   * Aborting never throws: `distill` resolves with `aborted: true` and the epochs finished in
   * `history`. It is checked before each step, between the batches of the pass over a stream, and
   * between the stages of preparation; an abort before the first step leaves the student untouched.
   * With `checkpoint`, an abort during training saves a checkpoint at the step it stopped.
   */
  signal?: AbortSignal;
  /**
   * What to do when a step's loss is NaN or ±Infinity. `'stop'` (default): fail with
   * `KD_TRAINING_DIVERGED`, the student back at its best (early stopping) or last finite weights,
   * and the history in `error.details.history`; checked on the device and read at each epoch end
   * and checkpoint, so no step waits. `'skip-batch'`: leave that step's update out and go on
   * (counted in `EpochLog.skippedBatches`); this waits for one flag per step.
   */
  onNonFinite?: 'stop' | 'skip-batch';
  /** Save the run's state to `store` every `everySteps` steps (if given) and at each epoch end. */
  checkpoint?: CheckpointOptions;
  /**
   * Continue from the latest checkpoint in `checkpoint.store` when there is one (else start
   * afresh). The checkpoint must come from the same options and data: a different one fails with
   * `KD_CHECKPOINT_MISMATCH`.
   */
  resume?: boolean;
}

/** Where and how often a run saves checkpoints (see {@link TrainOptions.checkpoint}). */
export interface CheckpointOptions {
  /** Holds the latest checkpoint: `fileCheckpointStore(dir)` from `@kd/node`, {@link memoryCheckpointStore}, or your own. */
  store: CheckpointStore;
  /** Also save every this many steps within an epoch (an integer ≥ 1); without it, only at epoch ends. */
  everySteps?: number;
}

/** Options for {@link distill}; `D` as for {@link TrainOptions}. */
export interface DistillOptions<D extends TrainingData = LabeledData> extends TrainOptions<D> {
  /** The teacher (or {@link ensemble}); never trained. */
  teacher: TeacherSource | Teacher;
  /** Weight of the hard (ground-truth) part; a number or a schedule. Default 0.5. */
  alpha?: number | Schedule;
  /** Softening temperature; a number or a schedule. Default 1. */
  temperature?: number | Schedule;
  /** Batch size for computing the teacher's outputs (default 256). */
  teacherBatchSize?: number;
}

/** What {@link distill} returns. */
export interface DistillResult {
  history: EpochLog[];
  /** Epoch whose weights the student holds at the end (the best one with early stopping). */
  bestEpoch: number;
  stoppedEarly: boolean;
  aborted: boolean;
  student: Student;
  runtime: RuntimeInfo;
}
