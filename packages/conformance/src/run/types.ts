import type { KdRuntime, Student, TrainableLayersModel } from '@kd/core';
import type { Tolerance } from '../reference/tolerance.js';

/** A runtime to check, and how to make it. */
export interface RuntimeCandidate {
  /** Name shown in the table: `cpu`, `wasm`, `node`, or your own. */
  name: string;
  /** Makes the runtime. Throwing (or a failing `init()`) means the runtime is not usable here. */
  create: () => KdRuntime | Promise<KdRuntime>;
  /**
   * Whether a runtime that cannot start is a failure (`true`) or only reported as unavailable
   * (`false`, the default for runtimes found by looking at what is installed).
   */
  required?: boolean;
}

/** What a student module exports (see `kd-conformance --student`). */
export interface StudentModule {
  /**
   * Builds the student with weights drawn from `seed`: a tfjs-layers model (`tf.sequential`,
   * `tf.model`) or a core `Student` (`customStudent`, `layersStudent`). Called once per runtime
   * after that runtime is up, so its tensors live on that runtime's backend.
   */
  createStudent(seed: number): Student | TrainableLayersModel | Promise<Student | TrainableLayersModel>;
  /** Shape of one input row without the batch axis; read from a layers model when absent. */
  inputShape?: number[];
  /** Number of classes (2 for a one-unit binary student); must match the student's outputs. */
  classes?: number;
}

/** `pass`, `fail`, or `unavailable` (a runtime that is not installed or cannot start here). */
export type ConformanceStatus = 'pass' | 'fail' | 'unavailable';

/** One line of the conformance table. */
export interface ConformanceRow {
  runtime: string;
  check: string;
  status: ConformanceStatus;
  /** Largest absolute difference from the reference, where the check measures one. */
  maxAbsDiff?: number;
  /** Largest relative difference from the reference, where the check measures one. */
  maxRelDiff?: number;
  /** The tolerance the differences were held to. */
  tolerance?: Tolerance;
  /** What was compared, or why the check failed. */
  detail: string;
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /**
   * Runtimes to check: names (`'cpu'`, `'wasm'`, `'node'`) or candidates. Named runtimes are
   * required to start. Default: cpu, plus wasm and node where their packages are installed.
   * cpu is always checked first: it is the reference.
   */
  runtimes?: Array<string | RuntimeCandidate>;
  /** A custom student to check on every runtime. */
  student?: StudentModule;
  /** Training steps of the student parity check (default 20). */
  steps?: number;
  /**
   * Run kd's own checks (loss fixtures, reference training runs) on every runtime; default
   * true. `false` checks only that the runtimes start and the student.
   */
  builtInChecks?: boolean;
  /** Called with every row as soon as it is known (for progress output). */
  onRow?: (row: ConformanceRow) => void;
}
