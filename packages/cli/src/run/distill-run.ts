import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KdError, layersStudent, type DistillResult, type Teacher } from '@kd/core';
import { fileCheckpointStore } from '@kd/node';
import type { ModelEntry, RunMetrics, SoftTargetDiagnostics, TestMetrics } from '@kd/report';
import { writeReport } from '@kd/report/node';
import { dataOptionsOf, toTensors } from '../data/prepare-data.js';
import { flopsPerSample } from '../models/model-flops.js';
import { measureLatency, modelStats, type ModelStats } from '../models/model-stats.js';
import { saveModelFolder } from '../models/save-model.js';
import { DEFAULT_ALPHAS, runAlphaGrid, searchEntry } from './alpha-search.js';
import { extraRowOptions, loadDistillInputs, type TeacherStudentOptions } from './distill-inputs.js';
import { CHECKPOINTS_FOLDER, keepWholeHistory, REPORT_FILE, resumableOptions } from './resume.js';
import { writeFileAtomic } from '@kd/node';
import { checkOutputFolder, claimOutputFolder } from './run-folder.js';
import { ensembleName } from './teachers.js';
import { checkEarlyStopping, trainModel } from './train-model.js';
import {
  reliabilityBins,
  rocCurve,
  spreadOf,
  studentProbabilities,
  teacherProbabilities,
  testMetrics,
  type Probabilities,
} from './test-metrics.js';
import { packageVersions } from './versions.js';

/** Options of {@link runDistill}: the flags of `kd distill`, camelCased. */
export interface DistillRunOptions extends TeacherStudentOptions {
  out: string;
  /** Hard-loss weight (default 0.5); not with `searchAlpha`. */
  alpha?: number;
  /** Choose α on the validation split: `true` for 0, 0.1, ..., 1, or the values to try. */
  searchAlpha?: true | number[];
  /** Temperatures searched with α (default: `temperature` alone). */
  temperatures?: number[];
  temperature?: number;
  /** Students per kind, seeds `seed`, `seed + 1`, ... (default 1). */
  seeds?: number;
  epochs?: number;
  /**
   * Early stopping of every student trained (distilled, from scratch, and the runs of the α
   * search) on its validation log-loss: the epochs in a row without a lower `val_loss` a student
   * may train (≥ 1) before the next such epoch ends it; it keeps the weights of its best
   * validation epoch. Off when undefined.
   */
  earlyStopping?: number;
  batchSize?: number;
  learningRate?: number;
  /** Also train the student from scratch, to report the gain (default true). */
  scratch?: boolean;
  /** Stops at the next batch; what was written is kept. */
  signal?: AbortSignal;
  /** The command line, recorded in metrics.json. */
  command?: string;
  /**
   * Save each student's training state to `out/checkpoints/` every this many steps and at every
   * epoch end, so an interrupted run can be continued with `resume`.
   */
  checkpointEvery?: number;
  /**
   * Continue an interrupted run in `out` from its checkpoints (call with the same options; `kd
   * distill --resume DIR` reads them from DIR/kd-run.json). Finished trainings are not repeated,
   * the one that was cut off continues from its last checkpoint, and the α search, which keeps
   * no checkpoints, runs again; with the same options the result is the same as an uninterrupted run's.
   */
  resume?: boolean;
}

/** What {@link runDistill} returns. */
export interface DistillRunResult {
  /** The contents of metrics.json (absent when the run was stopped before the end). */
  metrics: RunMetrics | null;
  out: string;
  studentDir: string;
  metricsFile: string;
  historyFile: string;
  /** report.html (absent when the run was stopped before the end). */
  reportFile: string | null;
  aborted: boolean;
}

/**
 * `kd distill` as a function: distils the teachers into the student, trains the same student from
 * scratch, measures every model on the test split and writes `student/`, `metrics.json`,
 * `history.jsonl` and `report.html` to `out`.
 *
 * @example
 * ```ts
 * import { runDistill } from '@kd/cli';
 * const { metrics } = await runDistill({
 *   data: 'train.csv', label: 'churned', teacher: ['teachers'], student: 'mlp:8', out: 'run', runtime: 'wasm',
 * });
 * console.log(metrics?.gapClosed);
 * ```
 */
export async function runDistill(options: DistillRunOptions): Promise<DistillRunResult> {
  const out = resolve(options.out);
  const files = {
    out,
    studentDir: join(out, 'student'),
    metricsFile: join(out, 'metrics.json'),
    historyFile: join(out, 'history.jsonl'),
  };
  const checkpointsDir = join(out, CHECKPOINTS_FOLDER);
  if (options.alpha !== undefined && options.searchAlpha !== undefined)
    throw new KdError('KD_INVALID_ARGUMENT', 'Give --alpha or --search-alpha, not both: the search chooses α.');
  if (options.resume && !options.checkpointEvery)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'resume continues from checkpoints: give checkpointEvery as well (the same as the interrupted run).',
    );
  checkEarlyStopping(options);
  checkOutputFolder(out);
  const settings = {
    epochs: options.epochs ?? 20,
    ...(options.earlyStopping !== undefined ? { earlyStopping: options.earlyStopping } : {}),
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 3e-3,
    temperature: options.temperature ?? 1,
    seed: options.seed ?? 0,
  };
  const seeds = Array.from({ length: options.seeds ?? 1 }, (_, i) => settings.seed + i);
  const inputs = await loadDistillInputs(options);
  const { runtime, data, combined, trainingTeacher, factory, units } = inputs;
  const note = (message: string) => options.onEvent?.({ type: 'note', message });
  await claimOutputFolder(out, 'distill', dataOptionsOf(options), resumableOptions(options));
  await rm(files.metricsFile, { force: true });
  await rm(join(out, REPORT_FILE), { force: true });
  // A resumed run keeps the history of the epochs it will not train again; a fresh one starts both anew.
  const historyWritten = options.resume ? await keepWholeHistory(files.historyFile) : new Set<string>();
  if (!options.resume) {
    await rm(files.historyFile, { force: true });
    await rm(checkpointsDir, { recursive: true, force: true });
  }

  const train = toTensors(data.train);
  const validation = toTensors(data.validation);
  const test = toTensors(data.test);
  const extra = extraRowOptions(inputs.extra);
  const inputShape = data.preprocessing.inputShape;
  if (inputs.extra && options.scratch !== false)
    note(
      `the student from scratch trains on the ${data.train.rows} labelled training rows only (no teacher labels the others), so the gap closed is what distillation with these rows gained`,
    );
  try {
    let alpha = options.alpha ?? 0.5;
    let temperature = settings.temperature;
    let search: RunMetrics['search'] = null;
    if (options.searchAlpha !== undefined) {
      const alphas = options.searchAlpha === true ? DEFAULT_ALPHAS : options.searchAlpha;
      const result = await runAlphaGrid({
        runtime,
        teacher: trainingTeacher,
        factory,
        inputShape,
        units,
        train,
        validation,
        alphas,
        ...(options.temperatures ? { temperatures: options.temperatures } : {}),
        temperature,
        seeds,
        metric: 'val_loss',
        epochs: settings.epochs,
        ...(settings.earlyStopping !== undefined ? { earlyStopping: settings.earlyStopping } : {}),
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        extra: extra.options,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
      alpha = result.best.alpha;
      temperature = result.best.temperature;
      search = searchEntry(result);
      note(
        `search chose α = ${alpha}${(options.temperatures?.length ?? 0) > 1 ? `, T = ${temperature}` : ''} (lowest validation log-loss)`,
      );
    }

    const students = async (role: 'distilled' | 'scratch', teacher: Teacher | undefined) => {
      const runs: { metrics: TestMetrics; probs: Probabilities; model: tfl.LayersModel }[] = [];
      for (const seed of seeds) {
        const model = factory({ inputShape, units, seed, name: `student_${seed}` });
        const result = await trainModelFor(role, model, teacher, seed);
        if (role === 'distilled' && seed === seeds[0]) firstDiagnostics = result.diagnostics;
        const probs = await studentProbabilities(layersStudent(model), test.x);
        if (seed === seeds[0] && role === 'distilled')
          await saveModelFolder(files.studentDir, model, data.preprocessing);
        runs.push({ metrics: testMetrics(probs, data.test.y), probs, model });
        if (result.aborted) return { runs, aborted: true };
      }
      return { runs, aborted: false };
    };
    let firstDiagnostics: DistillResult['diagnostics'];
    const trainModelFor = async (role: string, model: tfl.LayersModel, teacher: Teacher | undefined, seed: number) => {
      return trainModel({
        runtime,
        model,
        name: role,
        // Only distillation has a teacher to label the rows without labels; scratch trains on labelled rows.
        ...(teacher ? { teacher, extra: extra.options } : {}),
        train,
        validation,
        alpha,
        temperature,
        epochs: settings.epochs,
        ...(settings.earlyStopping !== undefined ? { earlyStopping: settings.earlyStopping } : {}),
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        seed,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        historyFile: files.historyFile,
        historyWritten,
        ...(options.checkpointEvery
          ? {
              checkpoint: {
                store: fileCheckpointStore(join(checkpointsDir, `${role}-seed${seed}`)),
                everySteps: options.checkpointEvery,
              },
              resume: options.resume === true,
            }
          : {}),
      });
    };

    const distilled = await students('distilled', trainingTeacher);
    // How much the soft targets say beyond the labels, on the rows and at the T the student trains
    // with: measured by the first distillation run from the outputs it trains on (no extra pass).
    const sharpness = firstDiagnostics?.softTargets;
    if (!sharpness && !distilled.aborted) throw new Error('Internal: the distillation run reported no diagnostics.');
    const softTargets: SoftTargetDiagnostics | undefined = sharpness && {
      meanAbsGap: sharpness.meanAbsGap,
      meanEntropy: sharpness.meanEntropy,
      softShare: sharpness.softShare,
      nearlyLabels: sharpness.nearlyLabels,
      threshold: sharpness.threshold,
      rows: sharpness.rows,
      temperature,
      targets: inputs.teacherTargets,
    };
    if (softTargets?.nearlyLabels)
      options.onEvent?.({
        type: 'warning',
        message: nearlyLabelsWarning(softTargets),
      });
    const scratch = distilled.aborted || options.scratch === false ? null : await students('scratch', undefined);
    const disposeStudents = () => [...distilled.runs, ...(scratch?.runs ?? [])].forEach((r) => r.model.dispose());
    if (distilled.aborted || options.signal?.aborted) {
      disposeStudents();
      note(
        options.checkpointEvery
          ? `stopped: kept history.jsonl and the checkpoints; continue with kd distill --resume ${options.out}`
          : 'stopped: kept history.jsonl and the student saved so far; metrics.json was not written',
      );
      return { ...files, metrics: null, reportFile: null, aborted: true };
    }

    const models: ModelEntry[] = [];
    const curves: RunMetrics['curves'] = { roc: [], reliability: [] };
    const addCurves = (name: string, p: Probabilities) => {
      curves.roc.push({ name, ...rocCurve(p, data.test.y) });
      curves.reliability.push({ name, bins: reliabilityBins(p, data.test.y) });
    };
    const teacherStats: ModelStats[] = [];
    for (let i = 0; i < inputs.loaded.length; i++) {
      const stats = await modelStats(inputs.loaded[i]!, { latency: true });
      teacherStats.push(stats);
      const probs = await teacherProbabilities(inputs.teachers[i]!, test.x);
      const name = `teacher ${i + 1}`;
      models.push({ role: 'teacher', name, ...stats, test: testMetrics(probs, data.test.y) });
      addCurves(name, probs);
    }
    const ensembleProbs = await teacherProbabilities(combined, test.x);
    const ensembleTest = testMetrics(ensembleProbs, data.test.y);
    if (inputs.loaded.length > 1) {
      const name = ensembleName(inputs.loaded.length, options.combine ?? 'mean-probability');
      const sum = (f: (s: (typeof teacherStats)[number]) => number) => teacherStats.reduce((a, s) => a + f(s), 0);
      const flops = teacherStats.every((s) => s.flopsPerSample !== null) ? sum((s) => s.flopsPerSample!) : null;
      models.push({
        role: 'ensemble',
        name,
        params: sum((s) => s.params),
        weightBytes: sum((s) => s.weightBytes),
        flopsPerSample: flops,
        latencyMs: await measureLatency((x) => combined.predictDataset(x, { batchSize: 256 }), inputShape),
        test: ensembleTest,
      });
      addCurves(name, ensembleProbs);
    }
    const studentEntry = async (role: 'distilled' | 'scratch', runs: NonNullable<typeof scratch>['runs']) => {
      const model = runs[0]!.model;
      const name = role === 'distilled' ? 'student, distilled' : 'student, from scratch';
      const entry: ModelEntry = {
        role,
        name,
        params: model.countParams(),
        weightBytes: model.countParams() * 4,
        flopsPerSample: flopsPerSample(model.layers as unknown as Parameters<typeof flopsPerSample>[0]),
        latencyMs: await measureLatency((x) => model.predict(x) as tf.Tensor, inputShape),
        test: runs[0]!.metrics,
        ...(runs.length > 1 ? { seeds: spreadOf(runs.map((r) => r.metrics)) } : {}),
      };
      models.push(entry);
      addCurves(name, runs[0]!.probs);
      return entry;
    };
    const distilledEntry = await studentEntry('distilled', distilled.runs);
    const scratchEntry = scratch ? await studentEntry('scratch', scratch.runs) : null;
    disposeStudents();

    const mean = (e: ModelEntry, k: keyof TestMetrics) => e.seeds?.[k].mean ?? e.test[k];
    const gap = (k: 'accuracy' | 'logLoss', higherIsBetter: boolean): number | null => {
      if (!scratchEntry) return null;
      const s = mean(scratchEntry, k);
      const e = ensembleTest[k];
      const d = mean(distilledEntry, k);
      if (higherIsBetter ? e <= s : e >= s) return null;
      return (d - s) / (e - s);
    };
    const metrics: RunMetrics = {
      kd: {
        version: packageVersions()['@kd/cli'] ?? '0.0.0',
        command: options.command ?? 'runDistill',
        createdAt: new Date().toISOString(),
      },
      versions: packageVersions(),
      runtime: { name: runtime.name, backend: tf.getBackend() },
      data: {
        file: options.data,
        sha256: data.sha256,
        label: options.label ?? '',
        features: data.preprocessing.features ?? inputShape.reduce((a, b) => a * b, 1),
        rows: { train: data.train.rows, validation: data.validation.rows, test: data.test.rows },
      },
      settings: {
        alpha,
        alphaSource: search ? 'search' : 'given',
        temperature,
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        seeds,
        combine: inputs.loaded.length > 1 ? (options.combine ?? 'mean-probability') : null,
        teacherTargets: inputs.teacherTargets,
        outOfFold: inputs.outOfFold,
        unlabeled: inputs.extra?.unlabeled
          ? { file: inputs.extra.unlabeled.file, rows: inputs.extra.unlabeled.rows }
          : null,
        transfer: inputs.extra?.transfer
          ? {
              method: inputs.extra.transfer.method,
              multiple: inputs.extra.transfer.multiple,
              seed: inputs.extra.transfer.seed ?? 0,
              rows: inputs.extra.transfer.multiple * data.train.rows,
            }
          : null,
      },
      diagnostics: { softTargets: softTargets! },
      models,
      gapClosed: { accuracy: gap('accuracy', true), logLoss: gap('logLoss', false) },
      search,
      curves,
      quantization: null,
    };
    await writeFileAtomic(files.metricsFile, JSON.stringify(metrics, null, 2) + '\n');
    const reportFile = await writeReport(out);
    // A finished run has nothing to resume: its checkpoints would only take disk space.
    await rm(checkpointsDir, { recursive: true, force: true });
    return { ...files, metrics, reportFile, aborted: false };
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);
    extra.dispose();
    inputs.loaded.forEach((m) => m.model.dispose());
  }
}

/** The one warning line of a run whose soft targets are nearly its labels. */
export function nearlyLabelsWarning(s: SoftTargetDiagnostics): string {
  const fix =
    s.targets === 'out-of-fold'
      ? 'try a higher --temperature'
      : 'train the teachers with kd train-teacher --folds 5 (out-of-fold targets), or try a higher --temperature';
  return `the soft targets are nearly the labels (mean |t − y| = ${s.meanAbsGap.toFixed(4)} < ${s.threshold} on the training rows at T = ${s.temperature}), so distillation adds little: ${fix}`;
}
