// The shape of a `kd distill` run's metrics.json and history.jsonl: the contract between the
// command that writes them and the report that reads them. Change both sides together.

/** Metrics of one model on the test split. */
export interface TestMetrics {
  accuracy: number;
  auc: number;
  logLoss: number;
  brier: number;
  ece: number;
}

/** A value over seeds. */
export interface Spread {
  mean: number;
  std: number;
  values: number[];
}

/** One row of the comparison: a teacher, the ensemble, or a student. */
export interface ModelEntry {
  role: 'teacher' | 'ensemble' | 'distilled' | 'scratch';
  /** e.g. 'teacher 1', 'ensemble of 3 (mean-probability)', 'student, distilled'. */
  name: string;
  params: number;
  weightBytes: number;
  /** Null when a layer kind is unknown (e.g. graph models). */
  flopsPerSample: number | null;
  /** Per sample, measured on the run's runtime. */
  latencyMs: { batch1: number; batch256: number } | null;
  /** For students: metrics of the first seed's model (the one saved). */
  test: TestMetrics;
  /** Students only, when more than one seed was trained. */
  seeds?: Record<keyof TestMetrics, Spread>;
}

/** One row of the α search table. */
export type SearchRowEntry = { alpha: number; temperature: number } & Spread;

/** One reliability-diagram bin. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  meanPredicted: number;
  fractionPositive: number;
  count: number;
}

/** Everything `kd distill` measured, as written to metrics.json. */
export interface RunMetrics {
  kd: { version: string; command: string; createdAt: string };
  /** '@kd/core', '@tensorflow/tfjs-core', the backend package, ... */
  versions: Record<string, string>;
  runtime: { name: string; backend: string };
  data: {
    file: string;
    sha256: string;
    label: string;
    /** Column names, or the feature count for images / IDX. */
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
  /** (distilled − scratch) / (ensemble − scratch) of the seed means; null without a gap or without scratch. */
  gapClosed: { accuracy: number | null; logLoss: number | null };
  /** On validation data only. */
  search: null | {
    metric: string;
    rows: SearchRowEntry[];
    chosen: { alpha: number; temperature: number };
  };
  curves: {
    /** Test split, one per model entry. */
    roc: Array<{ name: string; fpr: number[]; tpr: number[] }>;
    reliability: Array<{ name: string; bins: ReliabilityBin[] }>;
  };
  /** Written by `kd export --quantize`. */
  quantization: null | {
    dtype: 'float16' | 'uint8';
    bytesBefore: number;
    bytesAfter: number;
    accuracyChange: number;
    aucChange: number;
  };
}

/** One line of history.jsonl: one epoch of one trained model. */
export interface HistoryLine {
  model: string;
  seed: number;
  epoch: number;
  loss: number;
  hardLoss: number;
  /** 0 for runs without a teacher. */
  softLoss: number;
  val: Record<string, number>;
}
