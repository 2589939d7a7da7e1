import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { dataFormat } from '../data/dataset.js';
import { prepareData, toTensors, type DataOptions } from '../data/prepare-data.js';
import { checkModelSpec, modelFactory } from '../models/model-spec.js';
import { saveModelFolder } from '../models/save-model.js';
import type { OnEvent } from '../output/events.js';
import { checkOutputFolder, claimOutputFolder } from './run-folder.js';
import { startRuntime, type RuntimeName } from './runtimes.js';
import { studentProbabilities, testMetrics } from './test-metrics.js';
import { layersStudent } from '@kd/core';
import type { TestMetrics } from '@kd/report';
import { trainModel } from './train-model.js';

/** Options of {@link runTrainTeacher}: the flags of `kd train-teacher`, camelCased. */
export interface TrainTeacherRunOptions extends DataOptions {
  /** Architecture spec (default mlp:64,32). */
  model?: string;
  /** Number of teachers, seeds `seed`, `seed + 1`, ... (default 1). */
  ensemble?: number;
  epochs?: number;
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
  teachers: Array<{ dir: string; seed: number; params: number; validation: TestMetrics }>;
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
  checkOutputFolder(out);
  const spec = options.model ?? 'mlp:64,32';
  await checkModelSpec(spec);
  const runtime = await startRuntime(options.runtime ?? 'wasm');
  const data = await prepareData(options);
  await checkModelSpec(spec, data.preprocessing.inputShape.length);
  const factory = await modelFactory(spec);
  await claimOutputFolder(out, 'train-teacher');
  const train = toTensors(data.train);
  const validation = toTensors(data.validation);
  const units = data.numClasses === 2 ? 1 : data.numClasses;
  const seed0 = options.seed ?? 0;
  const result: TrainTeacherRunResult = { out, teachers: [], aborted: false };
  try {
    for (let i = 0; i < (options.ensemble ?? 1); i++) {
      const seed = seed0 + i;
      const name = `teacher ${i + 1}`;
      const model = factory({
        inputShape: data.preprocessing.inputShape,
        units,
        seed: 1000 + seed,
        name: `teacher_${i + 1}`,
      });
      try {
        const run = await trainModel({
          runtime,
          model,
          name,
          train,
          validation,
          alpha: 1,
          temperature: 1,
          epochs: options.epochs ?? 20,
          batchSize: options.batchSize ?? 64,
          learningRate: options.learningRate ?? 3e-3,
          seed,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        });
        if (run.aborted) {
          result.aborted = true;
          break;
        }
        const dir = join(out, `teacher-${i + 1}`);
        await saveModelFolder(dir, model, data.preprocessing);
        const probs = await studentProbabilities(layersStudent(model), validation.x);
        result.teachers.push({
          dir,
          seed,
          params: model.countParams(),
          validation: testMetrics(probs, data.validation.y),
        });
      } finally {
        model.dispose();
      }
    }
    return result;
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y]);
  }
}
