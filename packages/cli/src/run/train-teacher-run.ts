import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { dataFormat } from '../data/dataset.js';
import { prepareData, toTensors, type DataOptions, type PreparedData } from '../data/prepare-data.js';
import { checkModelSpec, modelFactory, type ModelFactory } from '../models/model-spec.js';
import { saveModelFolder } from '../models/save-model.js';
import type { OnEvent } from '../output/events.js';
import { checkOutputFolder, claimOutputFolder } from './run-folder.js';
import { startRuntime, type RuntimeName } from './runtimes.js';
import { studentProbabilities, teacherProbabilities, testMetrics, type Probabilities } from './test-metrics.js';
import { KdError, layersStudent, outOfFoldOutputs, type KdRuntime, type OutputKind } from '@kd/core';
import { OOF_FILE, removeOofOutputs, weightsSha256, writeOofOutputs } from './out-of-fold.js';
import type { TestMetrics } from '@kd/report';
import { checkEarlyStopping, earlyStoppingSummary, trainModel, type EarlyStoppingSummary } from './train-model.js';

/** Options of {@link runTrainTeacher}: the flags of `kd train-teacher`, camelCased. */
export interface TrainTeacherRunOptions extends DataOptions {
  /** Architecture spec (default mlp:64,32). */
  model?: string;
  /** Number of teachers, seeds `seed`, `seed + 1`, ... (default 1). */
  ensemble?: number;
  /**
   * Also train `folds` (≥ 2) fold models per teacher, each on every training fold but one
   * (stratified, seeded by the teacher's seed), and save each training row's output from the fold
   * model that did not see it as the teacher's out-of-fold outputs (`oof-outputs.json` and its
   * binary file). `kd distill` then trains on those as the soft targets of the training rows.
   */
  folds?: number;
  epochs?: number;
  /**
   * Early stopping of every teacher and fold model on its validation log-loss: the epochs in a
   * row without a lower `val_loss` a model may train (≥ 1) before the next such epoch ends it; it
   * keeps the weights of its best validation epoch. Off when undefined.
   */
  earlyStopping?: number;
  batchSize?: number;
  learningRate?: number;
  runtime?: RuntimeName;
  out: string;
  signal?: AbortSignal;
  onEvent?: OnEvent;
}

/** What {@link runTrainTeacher} returns: each teacher's folder and its metrics on the validation split. */
export interface TrainTeacherRunResult {
  out: string;
  teachers: Array<{
    dir: string;
    seed: number;
    params: number;
    validation: TestMetrics;
    /** With `earlyStopping`: the epochs the teacher trained and the epoch whose weights it kept. */
    earlyStopping?: EarlyStoppingSummary;
    /** With `folds`: the saved out-of-fold outputs, and the metrics they give on the training rows (cross-validated). */
    outOfFold?: { file: string; folds: number; rows: number; train: TestMetrics };
  }>;
  aborted: boolean;
}

/**
 * `kd train-teacher` as a function: trains `ensemble` models on the training split (the split
 * `kd distill` makes with the same data options and seed) and saves each, with its
 * preprocessing, as `out/teacher-N`.
 *
 * @example
 * ```ts
 * import { runTrainTeacher } from '@kd/cli';
 * await runTrainTeacher({ data: 'train.csv', label: 'churned', model: 'mlp:64,32', ensemble: 3, out: 'teachers' });
 * ```
 */
export async function runTrainTeacher(options: TrainTeacherRunOptions): Promise<TrainTeacherRunResult> {
  const out = resolve(options.out);
  dataFormat(options.data);
  checkEarlyStopping(options);
  checkOutputFolder(out);
  const folds = options.folds;
  if (folds !== undefined && (!Number.isInteger(folds) || folds < 2))
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `--folds ${folds}: give a whole number of folds ≥ 2 (e.g. --folds 5); each fold model trains on all folds but one.`,
      { folds },
    );
  const spec = options.model ?? 'mlp:64,32';
  await checkModelSpec(spec);
  const runtime = await startRuntime(options.runtime ?? 'wasm');
  const data = await prepareData(options);
  await checkModelSpec(spec, data.preprocessing.inputShape.length);
  if (folds !== undefined && folds > data.train.rows)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `--folds ${folds} is more than the ${data.train.rows} training rows; give at most ${data.train.rows} folds (5 or 10 is usual).`,
      { folds, rows: data.train.rows },
    );
  const factory = await modelFactory(spec);
  await claimOutputFolder(out, 'train-teacher');
  const train = toTensors(data.train);
  const validation = toTensors(data.validation);
  const units = data.numClasses === 2 ? 1 : data.numClasses;
  const seed0 = options.seed ?? 0;
  const result: TrainTeacherRunResult = { out, teachers: [], aborted: false };
  const training = {
    runtime,
    validation,
    alpha: 1,
    temperature: 1,
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 3e-3,
    ...(options.earlyStopping !== undefined ? { earlyStopping: options.earlyStopping } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
  try {
    for (let i = 0; i < (options.ensemble ?? 1); i++) {
      const seed = seed0 + i;
      const name = `teacher ${i + 1}`;
      const dir = join(out, `teacher-${i + 1}`);
      const model = factory({
        inputShape: data.preprocessing.inputShape,
        units,
        seed: 1000 + seed,
        name: `teacher_${i + 1}`,
      });
      try {
        const run = await trainModel({ ...training, model, name, train, seed });
        if (run.aborted) {
          result.aborted = true;
          break;
        }
        await saveModelFolder(dir, model, data.preprocessing);
        // Outputs of an earlier teacher in this folder belong to it, not to the new one.
        await removeOofOutputs(dir);
        const probs = await studentProbabilities(layersStudent(model), validation.x);
        result.teachers.push({
          dir,
          seed,
          params: model.countParams(),
          validation: testMetrics(probs, data.validation.y),
          ...(training.earlyStopping !== undefined ? { earlyStopping: earlyStoppingSummary(run) } : {}),
        });
      } finally {
        model.dispose();
      }
      if (folds === undefined) continue;
      const oof = await foldOutputs({ ...training, factory, data, train, units, folds, seed, teacher: i + 1 });
      if (!oof) {
        result.aborted = true;
        break;
      }
      const record = await writeOofOutputs(
        dir,
        {
          rows: data.train.rows,
          units: oof.units,
          kind: oof.kind,
          folds,
          seed,
          foldSeeds: Array.from({ length: folds }, (_, f) => seed * folds + f),
          trainRowsSha256: data.trainRowsSha256,
          data: {
            sha256: data.sha256,
            validation: options.validationData ? 0 : (options.validation ?? 0.2),
            test: options.testData ? 0 : (options.test ?? 0.2),
            seed: seed0,
            separateValidation: options.validationData !== undefined,
            separateTest: options.testData !== undefined,
          },
          teacherWeightsSha256: await weightsSha256(dir),
        },
        oof.values,
        oof.folds,
      );
      result.teachers[i]!.outOfFold = {
        file: join(dir, OOF_FILE),
        folds,
        rows: record.rows,
        train: testMetrics(oof.probs, data.train.y),
      };
    }
    return result;
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y]);
  }
}

/** Thrown inside a fold's training when the run is stopped, to leave outOfFoldOutputs. */
class Stopped extends Error {}

/**
 * Trains the fold models of one teacher with the teacher's recipe and returns its out-of-fold
 * outputs on the training rows, or null when the run was stopped.
 */
async function foldOutputs(args: {
  runtime: KdRuntime;
  factory: ModelFactory;
  data: PreparedData;
  train: { x: tf.Tensor; y: tf.Tensor };
  validation: { x: tf.Tensor; y: tf.Tensor };
  units: number;
  folds: number;
  seed: number;
  teacher: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  earlyStopping?: number;
  signal?: AbortSignal;
  onEvent?: OnEvent;
}): Promise<{ values: Float32Array; folds: Int32Array; kind: OutputKind; units: number; probs: Probabilities } | null> {
  const { factory, data, units, folds, teacher } = args;
  try {
    const oof = await outOfFoldOutputs({
      runtime: args.runtime,
      folds,
      data: args.train,
      seed: args.seed,
      trainTeacher: async (x, y, foldSeed, fold) => {
        const model = factory({
          inputShape: data.preprocessing.inputShape,
          units,
          seed: 100_000 + foldSeed,
          name: `teacher_${teacher}_fold_${fold + 1}`,
        });
        const run = await trainModel({
          runtime: args.runtime,
          model,
          name: `teacher ${teacher}, fold ${fold + 1}/${folds}`,
          train: { x, y },
          validation: args.validation,
          alpha: 1,
          temperature: 1,
          epochs: args.epochs,
          batchSize: args.batchSize,
          learningRate: args.learningRate,
          seed: foldSeed,
          ...(args.earlyStopping !== undefined ? { earlyStopping: args.earlyStopping } : {}),
          ...(args.signal ? { signal: args.signal } : {}),
          ...(args.onEvent ? { onEvent: args.onEvent } : {}),
        }).catch((error: unknown) => {
          model.dispose();
          throw error;
        });
        if (run.aborted) {
          model.dispose();
          throw new Stopped();
        }
        return model;
      },
    });
    const raw = await oof.teacher.predictDataset(args.train.x, { batchSize: 256 });
    const values = Float32Array.from(await raw.data());
    raw.dispose();
    const probs = await teacherProbabilities(oof.teacher, args.train.x);
    return { values, folds: oof.folds, kind: oof.kind, units: values.length / data.train.rows, probs };
  } catch (error) {
    if (error instanceof Stopped) return null;
    throw error;
  }
}
