// The outputs of a `kd distill` run, as `metrics.json` and `history.jsonl` hold them. This is the
// contract between the command that writes them and the report that reads them: change both together.

/** A model's metrics on the test split. */
export interface TestMetrics {
  accuracy: number;
  auc: number;
  logLoss: number;
  brier: number;
  ece: number;
}

/** A value measured once per seed: its mean, standard deviation and the values themselves. */
export interface Spread {
  mean: number;
  std: number;
  values: number[];
}

/** One model of the run: a teacher, the ensemble, or the student trained with or without distillation. */
export interface ModelEntry {
  role: 'teacher' | 'ensemble' | 'distilled' | 'scratch';
  /** e.g. 'teacher 1', 'ensemble of 3 (mean-probability)', 'student, distilled'. */
  name: string;
  params: number;
  weightBytes: number;
  /** null when a layer kind is unknown. */
  flopsPerSample: number | null;
  /** Per sample, measured on the runtime. */
  latencyMs: { batch1: number; batch256: number } | null;
  /** distilled/scratch: metrics of seed 0's model (the one saved). */
  test: TestMetrics;
  /** distilled/scratch only, when the run used more than one seed. */
  seeds?: Record<keyof TestMetrics, Spread>;
}

/** One calibration bin of a reliability diagram. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  meanPredicted: number;
  fractionPositive: number;
  count: number;
}

/**
 * How much the soft targets the student trained on say beyond the labels, measured on the training
 * rows at the run's temperature (`softTargetSharpness` of @kd/core).
 */
export interface SoftTargetDiagnostics {
  /** Mean |t − y| (binary); mean total variation to the one-hot label (multi-class). */
  meanAbsGap: number;
  /** Mean entropy of the targets, in nats. */
  meanEntropy: number;
  /** Share of rows whose target is soft (largest probability below 0.95 and, binary, above 0.05). */
  softShare: number;
  /** `meanAbsGap` below `threshold`: the targets are nearly the labels, so distillation adds little. */
  nearlyLabels: boolean;
  threshold: number;
  /** Training rows measured. */
  rows: number;
  /** The temperature the targets were softened at (the run's). */
  temperature: number;
  /** Where the targets came from: the teachers' out-of-fold outputs, or their own (in-fold) outputs. */
  targets: 'out-of-fold' | 'in-fold';
}

/** A run of an α (× T) search whose student learned nothing; it is left out of its row's mean. */
export interface DeadSearchRun {
  alpha: number;
  temperature: number;
  /** The run's transfer multiple (searches with a transfer set only). */
  transferMultiple?: number;
  seed: number;
  /** 'constant-predictions' or 'stuck-at-chance'. */
  reason: string;
  /** Set on a re-initialised run that was dead too: the seed of the dead run it replaced. */
  retryOf?: number;
  /** The seed of the run that re-initialised this one (absent for a re-initialised run: it is not retried again). */
  retriedWith?: number;
}

/** One (α, T) of a search: mean ± std over its live runs (null when every run was dead). */
export interface SearchRowEntry {
  alpha: number;
  temperature: number;
  /** The setting's transfer multiple (searches with a transfer set only; 0: no generated rows). */
  transferMultiple?: number;
  mean: number | null;
  std: number | null;
  /** The metric of each live run, in run order. */
  values: number[];
  /** The seed of each value (a re-initialised run has its own). */
  seeds: number[];
  /** How many of this setting's runs were dead; none of them is in `values`. */
  dead: number;
}

/** Everything `metrics.json` holds. */
export interface RunMetrics {
  kd: { version: string; command: string; createdAt: string };
  /** '@kd/core', '@tensorflow/tfjs-core', the backend package... */
  versions: Record<string, string>;
  runtime: { name: string; backend: string };
  data: {
    file: string;
    sha256: string;
    label: string;
    /** Names, or a count for images/IDX. */
    features: string[] | number;
    rows: { train: number; validation: number; test: number };
  };
  settings: {
    alpha: number;
    alphaSource: 'given' | 'search';
    temperature: number;
    epochs: number;
    batchSize: number;
    learningRate: number;
    seeds: number[];
    combine: string | null;
    /** The soft targets of the training rows: the teachers' out-of-fold outputs, or their own outputs. */
    teacherTargets: 'out-of-fold' | 'in-fold';
    /** With out-of-fold targets: how many folds the teachers' fold models used. */
    outOfFold: null | { folds: number };
    /**
     * Rows without labels read from a file (`--unlabeled`), trained on against the teachers alone:
     * the file's name (no folders) and its rows; null without.
     */
    unlabeled: null | { file: string; rows: number };
    /**
     * Rows generated from the training rows before training (`--transfer`) and labelled by the
     * teachers: the generator, the multiple, its seed and the rows made (multiple × training rows); null without.
     */
    transfer: null | { method: 'munge' | 'mixup' | 'noise'; multiple: number; seed: number; rows: number };
  };
  /** Every teacher, the ensemble (if more than one teacher), distilled, scratch (trained on the labelled rows only). */
  models: ModelEntry[];
  /** (distilled − scratch) / (ensemble − scratch) from the seed means; null when there is no gap or no scratch run. */
  gapClosed: { accuracy: number | null; logLoss: number | null };
  /** Measured on the training rows the student learned from. */
  diagnostics: { softTargets: SoftTargetDiagnostics };
  /** On validation data only. */
  search: null | {
    metric: string;
    /** One row per (α, T), and transfer multiple when the search had a transfer set. */
    rows: SearchRowEntry[];
    chosen: { alpha: number; temperature: number; transferMultiple?: number };
    /** Every dead run, in run order; each was re-initialised once with another seed. */
    dead: DeadSearchRun[];
  };
  curves: {
    /** Test split, per model entry. */
    roc: Array<{ name: string; fpr: number[]; tpr: number[] }>;
    reliability: Array<{ name: string; bins: ReliabilityBin[] }>;
  };
  /** Written by `kd export`. */
  quantization: null | {
    dtype: 'float16' | 'uint8';
    bytesBefore: number;
    bytesAfter: number;
    accuracyChange: number;
    aucChange: number;
  };
}

/** One line of `history.jsonl`: one epoch of one trained model. */
export interface HistoryRow {
  /** 'distilled', 'scratch', 'teacher 1', ... */
  model: string;
  seed: number;
  epoch: number;
  loss: number;
  hardLoss: number;
  /** 0 for runs without a teacher. */
  softLoss: number;
  /** Validation metrics of the epoch, e.g. `{ val_loss: 0.6, val_auc: 0.8 }`. */
  val: Record<string, number>;
}

/** What {@link renderReport} draws. */
export interface ReportInput {
  metrics: RunMetrics;
  history: HistoryRow[];
}
