import type * as tf from '@tensorflow/tfjs-core';
import type { SoftTargetSharpness } from '../diagnostics/soft-target-sharpness.js';
import type { KdWarning } from '../errors/kd-warning.js';
import type { MetricName } from '../metrics/index.js';
import type { KdRuntime, RuntimeInfo } from '../runtime/types.js';
import type { Schedule } from '../schedules/index.js';
import type { TrainableLayersModel } from '../students/layers-student.js';
import type { Student } from '../students/student.js';
import type { Teacher, TeacherSource } from '../teachers/teacher.js';
import type { GaussianNoiseOptions } from '../transfer/gaussian-noise.js';
import type { MixupOptions } from '../transfer/mixup.js';
import type { MungeOptions } from '../transfer/munge.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { StreamingData } from './streaming-data.js';

/** Features and labels. Binary labels: 0/1 as [N] or [N, 1]. Multi-class: int labels [N] or one-hot [N, K]. */
export interface LabeledData {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Optional per-sample weights [N]. */
  sampleWeight?: tf.Tensor;
}

/** Rows without ground truth, for the teacher to label (see {@link DistillOptions.unlabeled}). */
export interface UnlabeledData {
  /** Features [U, ...features], shaped like the training rows. */
  x: tf.Tensor;
}

/** One batch of an {@link UnlabeledStream}: features only, a tensor or row-major values (handed over like a {@link StreamBatch}'s). */
export interface UnlabeledStreamBatch {
  x: tf.Tensor | Float32Array;
}

/**
 * Unlabelled rows read batch by batch, next to a training stream: `batches()` starts a new pass
 * each time it is called (once for the pass before training, then once per epoch). Rows have the
 * training stream's `featureShape`.
 */
export interface UnlabeledStream {
  batches(): AsyncIterable<UnlabeledStreamBatch> | Iterable<UnlabeledStreamBatch>;
}

/** The transfer-set generators {@link DistillOptions.transfer} can run. */
export type TransferMethod = 'munge' | 'mixup' | 'noise';

/** What every {@link TransferOptions} holds. */
export interface TransferCommonOptions {
  /** Generated rows = multiple × training rows: a whole number ≥ 1. */
  multiple: number;
  /** Seeds the generator (default 0); independent of the run's `seed`, so every run of a search gets the same rows. */
  seed?: number;
}

/**
 * A transfer set generated from the training features before training: `munge`
 * ({@link munge}: `p`, `s`, `categorical`), `mixup` ({@link mixup}: `alpha`, the Beta parameter)
 * or `noise` ({@link gaussianNoise}: `sd`), with that generator's defaults.
 */
export type TransferOptions =
  | (TransferCommonOptions & { method: 'munge' } & Pick<MungeOptions, 'p' | 's' | 'categorical'>)
  | (TransferCommonOptions & { method: 'mixup' } & Pick<MixupOptions, 'alpha'>)
  | (TransferCommonOptions & { method: 'noise' } & Pick<GaussianNoiseOptions, 'sd'>);

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
  /** Mean hard part: the loss against the ground truth, over the labelled rows (rows without labels have none). */
  hardLoss: number;
  /** Mean soft part: the loss against the teacher, over every row (0 when training from scratch). */
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
  /** Labelled training rows. */
  trainRows: number;
  /** Rows without labels trained on next to them (`unlabeled` and `transfer`); 0 without. */
  unlabeledRows: number;
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
  /** A warning about the run (e.g. `KD_SOFT_TARGETS_NEARLY_LABELS`), right after onTrainBegin; also in `DistillResult.warnings`. */
  onWarning?(warning: KdWarning): void | Promise<void>;
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
  /** Any tfjs optimizer (kept by the caller: dispose it when done). Default: Adam with epsilon 1e-7 on every backend (kd's multi-variable Adam, the numbers of `tf.train.adam(lr, 0.9, 0.999, 1e-7)`), created and freed by kd. */
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
  /**
   * Rows without ground truth, trained on next to the labelled ones: the teacher labels them
   * (once per run, cached in `runtime.cache` like the training rows' outputs), and every batch
   * takes `total = α·(mean hard loss over its labelled rows) + (1 − α)·(mean soft loss over all
   * its rows)`; a batch without a labelled row has hard part 0. In-memory `{ x }` for in-memory
   * data (shuffled in with the training rows every epoch), or an {@link UnlabeledStream} next to a
   * stream (step k trains on the training stream's batch k and this stream's batch k together).
   * Unlabelled rows count with sample weight 1. Validation stays on labelled data.
   */
  unlabeled?: UnlabeledData | UnlabeledStream;
  /**
   * Generates `multiple × N` rows from the N training rows before training (seeded) and trains on
   * them as on `unlabeled` rows (the two can be combined: unlabelled rows first, then generated
   * ones). With a stream, `mixup` and `noise` run on each streamed batch; `munge` needs in-memory data.
   */
  transfer?: TransferOptions;
  /**
   * The teacher that labels the unlabelled and generated rows (default: `teacher`). Required when
   * `teacher` answers by row position (a precomputed teacher, e.g. `outOfFoldOutputs(...).teacher`),
   * which has no outputs for those rows: typically the full ensemble. A precomputed transferTeacher
   * gives row i the output for row i of the unlabelled rows followed by the generated ones.
   * Its outputs are converted to `teacher`'s kind (logits or probabilities) where they differ.
   */
  transferTeacher?: TeacherSource | Teacher;
}

/** What a run measured before training (see {@link DistillResult.diagnostics}). */
export interface RunDiagnostics {
  /** {@link softTargetSharpness} of the teacher's targets on the labelled training rows, softened at `temperature`. */
  softTargets: SoftTargetSharpness;
  /** The temperature of the run's first step, at which `softTargets` was measured. */
  temperature: number;
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
  /** Measured on the run's own teacher outputs before training; absent without a teacher, or when aborted before it was measured. */
  diagnostics?: RunDiagnostics;
  /** Warnings about the run, as also given to the callbacks' onWarning (empty when none). */
  warnings: KdWarning[];
}
