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
  };
  /** Every teacher, the ensemble (if more than one teacher), distilled, scratch. */
  models: ModelEntry[];
  /** (distilled − scratch) / (ensemble − scratch) from the seed means; null when there is no gap or no scratch run. */
  gapClosed: { accuracy: number | null; logLoss: number | null };
  /** On validation data only. */
  search: null | {
    metric: string;
    rows: Array<{ alpha: number; temperature: number } & Spread>;
    chosen: { alpha: number; temperature: number };
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
