import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '@kd/core';
import { writeReport } from '@kd/report/node';
import { prepareData, toTensors, type DataOptions } from '../data/prepare-data.js';
import { PREPROCESSING_FILE } from '../data/preprocessing.js';
import { loadModel, modelLocations, type LoadedModel } from '../models/load-model.js';
import { quantizeWeights, type QuantizeDtype } from '../models/quantize.js';
import { captureArtifacts, modelJsonText, WEIGHTS_FILE } from '../models/save-model.js';
import type { OnEvent } from '../output/events.js';
import type { RunMetrics, TestMetrics } from '@kd/report';
import { writeFileAtomic } from '@kd/node';
import { checkOutputFolder, readRunMarker, RUN_MARKER, writeModelFolder } from './run-folder.js';
import { startRuntime, type RuntimeName } from './runtimes.js';
import { plainTeacher } from './teachers.js';
import { teacherProbabilities, testMetrics } from './test-metrics.js';

/** Options of {@link runExport}: the flags of `kd export`, camelCased. */
export interface ExportRunOptions {
  /** The model folder, e.g. `run/student`. */
  model: string;
  out: string;
  quantize?: QuantizeDtype;
  runtime?: RuntimeName;
  onEvent?: OnEvent;
}

/** What {@link runExport} returns. */
export interface ExportRunResult {
  out: string;
  bytesBefore: number;
  bytesAfter: number;
  /** Test-split metrics before and after quantisation, when the model sits in a kd run folder. */
  test: { before: TestMetrics; after: TestMetrics; accuracyChange: number; aucChange: number } | null;
  /** The run's metrics.json that got the `quantization` entry, if any. */
  metricsFile: string | null;
  /** The run's report.html, drawn again with the quantisation, if metrics.json was updated. */
  reportFile: string | null;
}

/**
 * `kd export` as a function: writes the model alone (tfjs layers format, loadable with
 * `tf.loadLayersModel`) and its preprocessing.json to `out`, with weights quantised to float16 or
 * uint8 when asked. When the model is the student of a kd run, the test split is rebuilt from the
 * run's data options, the accuracy and AUC change caused by quantisation is measured on it and
 * recorded in the run's metrics.json, and the run's report.html is drawn again.
 *
 * @example
 * ```ts
 * import { runExport } from '@kd/cli';
 * const { bytesAfter, test } = await runExport({ model: 'run/student', out: 'web-model', quantize: 'uint8' });
 * ```
 */
export async function runExport(options: ExportRunOptions): Promise<ExportRunResult> {
  const out = resolve(options.out);
  const locations = modelLocations(options.model);
  if (locations.length !== 1)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `--model ${options.model} holds ${locations.length} models; export one at a time.`,
    );
  checkOutputFolder(out);
  const previous = await readRunMarker(out);
  if (previous && previous.command !== 'export')
    throw new KdError(
      'KD_OUTPUT_NOT_EMPTY',
      `--out ${options.out} holds a kd ${previous.command} run; export to a new folder (an export replaces its --out folder whole).`,
      { dir: out },
    );
  await startRuntime(options.runtime ?? 'wasm');
  const source = await loadModel(locations[0]!);
  if (source.kind !== 'layers') {
    source.model.dispose();
    throw new KdError(
      'KD_STUDENT_INVALID',
      `${options.model} is a graph model; kd exports layers models (students) only.`,
    );
  }
  const modelDir = dirname(locations[0]!);
  try {
    const artifacts = await captureArtifacts(source.model);
    const floatData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
    const packed = options.quantize
      ? quantizeWeights(artifacts.weightSpecs ?? [], floatData, options.quantize)
      : { specs: artifacts.weightSpecs ?? [], data: new Uint8Array(floatData) };
    const files: Record<string, string | Uint8Array> = {
      [RUN_MARKER]: JSON.stringify({ format: 'kd-run', command: 'export', createdAt: new Date().toISOString() }) + '\n',
    };
    const withPreprocessing = existsSync(join(modelDir, PREPROCESSING_FILE));
    if (withPreprocessing) files[PREPROCESSING_FILE] = readFileSync(join(modelDir, PREPROCESSING_FILE));
    await writeModelFolder(out, {
      modelJson: (file) => modelJsonText(artifacts, packed.specs, file),
      weights: packed.data,
      files,
      ...(withPreprocessing ? {} : { drop: [PREPROCESSING_FILE] }),
    });
    const result: ExportRunResult = {
      out,
      bytesBefore: floatData.byteLength,
      bytesAfter: statSync(join(out, WEIGHTS_FILE)).size,
      test: null,
      metricsFile: null,
      reportFile: null,
    };
    const runDir = dirname(modelDir);
    const metricsFile = join(runDir, 'metrics.json');
    const marker = await readRunMarker(runDir);
    if (marker?.data && existsSync(metricsFile)) {
      result.test = await quantizationChange(
        source,
        join(out, 'model.json'),
        marker.data as DataOptions,
        options.onEvent,
      );
      if (result.test && options.quantize) {
        const metrics = JSON.parse(readFileSync(metricsFile, 'utf8')) as RunMetrics;
        metrics.quantization = {
          dtype: options.quantize,
          bytesBefore: result.bytesBefore,
          bytesAfter: result.bytesAfter,
          accuracyChange: result.test.accuracyChange,
          aucChange: result.test.aucChange,
        };
        await writeFileAtomic(metricsFile, JSON.stringify(metrics, null, 2) + '\n');
        result.metricsFile = metricsFile;
        // The report shows the quantisation: draw it again from the updated metrics.
        if (existsSync(join(runDir, 'history.jsonl'))) result.reportFile = await writeReport(runDir);
      }
    }
    return result;
  } finally {
    source.model.dispose();
  }
}

async function quantizationChange(
  source: LoadedModel,
  exportedJson: string,
  data: DataOptions,
  onEvent?: OnEvent,
): Promise<ExportRunResult['test']> {
  if (!existsSync(data.data)) {
    onEvent?.({
      type: 'note',
      message: `the run's data file ${data.data} is gone: the quantisation change was not measured`,
    });
    return null;
  }
  const prepared = await prepareData(data);
  const test = toTensors(prepared.test);
  const exported = await loadModel(exportedJson);
  try {
    const before = testMetrics(await teacherProbabilities(plainTeacher(source, 'float32'), test.x), prepared.test.y);
    const after = testMetrics(await teacherProbabilities(plainTeacher(exported, 'exported'), test.x), prepared.test.y);
    return { before, after, accuracyChange: after.accuracy - before.accuracy, aucChange: after.auc - before.auc };
  } finally {
    exported.model.dispose();
    tf.dispose([test.x, test.y]);
  }
}
