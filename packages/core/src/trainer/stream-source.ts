import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { KdRuntime } from '../runtime/types.js';
import type { Teacher } from '../teachers/teacher.js';
import { cachedTeacherOutputs, computeTeacherOutputs, teacherOutputsKey } from '../teachers/teacher-outputs.js';
import { throwIfAborted } from './abort.js';
import { checkLabeledShapes, labeledTargets, prepareLabeled } from './prepare-data.js';
import { streamBatchTensors, type StreamBatch, type StreamingData } from './streaming-data.js';
import { batchTensors, checkTeacherUnits, type BatchSource, type TrainBatch } from './train-batch.js';

/** Options for {@link streamSource}. */
export interface StreamSourceOptions {
  runtime: KdRuntime;
  data: StreamingData;
  /** The stream's checked feature shape. */
  featureShape: number[];
  /** The student's output units (1 for binary). */
  units: number;
  teacher?: Teacher;
  teacherBatchSize: number;
  /** Checked before each batch of the pass before training: the pass stops when it fires. */
  signal?: AbortSignal;
}

/**
 * A stream as batches. Building it makes one pass over the stream before anything trains: every
 * batch is checked as in-memory data is (shapes, finite features, label range, weights), rows
 * and batches are counted, and the teacher's outputs for each batch are computed once and stored
 * in `runtime.cache`, keyed by the teacher and a hash of the batch's features. Each epoch then
 * streams again and reads every batch's teacher outputs back from the cache.
 */
export async function streamSource(options: StreamSourceOptions): Promise<BatchSource> {
  const { runtime, data, featureShape, units, teacher, teacherBatchSize } = options;
  const teacherKey = teacher ? await teacher.cacheKey() : undefined;
  const compute = (x: tf.Tensor, dataKey: string | undefined) =>
    computeTeacherOutputs(runtime, teacher!, x, {
      batchSize: teacherBatchSize,
      ...(teacherKey ? { teacherKey } : {}),
      ...(dataKey ? { dataKey } : {}),
    });

  let rows = 0;
  let batches = 0;
  let largest = 0;
  let probeBatch: TrainBatch | undefined;
  try {
    for await (const raw of startPass(data)) {
      const what = `data batch ${batches}`;
      const t = streamBatchTensors(raw, featureShape, what);
      const owned = [...t.owned];
      try {
        throwIfAborted(options.signal);
        const prepared = await prepareLabeled(t, units, what, { fingerprint: teacher !== undefined });
        owned.push(...prepared.owned);
        const out = teacher ? await compute(t.x, prepared.fingerprint) : undefined;
        if (out) {
          owned.push(out.values);
          checkTeacherUnits(out.values.shape[1], units);
        }
        probeBatch ??= firstRows({
          x: t.x,
          y: prepared.y,
          ...(out ? { teacher: out.values } : {}),
          ...(prepared.sampleWeight ? { sampleWeight: prepared.sampleWeight } : {}),
          rows: t.rows,
        });
      } finally {
        tf.dispose(owned);
      }
      rows += t.rows;
      largest = Math.max(largest, t.rows);
      batches++;
      await runtime.nextTick?.();
    }
  } catch (e) {
    if (probeBatch) tf.dispose(batchTensors(probeBatch));
    throw e;
  }
  if (!probeBatch)
    throw new KdError(
      'KD_DATA_INVALID',
      'The training stream yielded no batches: data.batches() must yield at least one { x, y } batch on every pass.',
    );
  const probe = probeBatch;

  return {
    rows,
    batchesPerEpoch: batches,
    batchSize: largest,
    ...(teacher ? { teacherKind: teacher.output } : {}),
    probeBatch: probe,
    async *epoch(skipBatches = 0) {
      let index = 0;
      for await (const raw of startPass(data)) {
        const what = `data batch ${index++}`;
        const t = streamBatchTensors(raw, featureShape, what);
        if (index <= skipBatches) {
          // Trained on before the checkpoint this run resumed from: read past it.
          tf.dispose(t.owned);
          continue;
        }
        const owned = [...t.owned];
        try {
          checkLabeledShapes(t, units, what);
          let teacherValues: tf.Tensor2D | undefined;
          if (teacher) {
            let out = await cachedTeacherOutputs(
              runtime,
              teacher,
              await teacherOutputsKey(teacher, t.x, teacherKey),
              t.rows,
            );
            if (!out) {
              // Features the pass before training did not see (a source that changes between passes,
              // or a cache that dropped the entry): check them the same way before the teacher runs.
              const prepared = await prepareLabeled(t, units, what, { fingerprint: true });
              owned.push(...prepared.owned);
              out = await compute(t.x, prepared.fingerprint);
            }
            owned.push(out.values);
            checkTeacherUnits(out.values.shape[1], units);
            teacherValues = out.values;
          }
          const targets = labeledTargets(t, units);
          owned.push(...targets.owned);
          yield {
            x: t.x,
            y: targets.y,
            ...(teacherValues ? { teacher: teacherValues } : {}),
            ...(targets.sampleWeight ? { sampleWeight: targets.sampleWeight } : {}),
            rows: t.rows,
          };
        } finally {
          tf.dispose(owned);
        }
      }
    },
    dispose() {
      tf.dispose(batchTensors(probe));
    },
  };
}

/** Starts a pass, or says why the stream cannot start one. */
function startPass(data: StreamingData): AsyncIterable<StreamBatch> | Iterable<StreamBatch> {
  const pass = data.batches();
  const iterable =
    typeof pass === 'object' &&
    pass !== null &&
    (typeof (pass as AsyncIterable<StreamBatch>)[Symbol.asyncIterator] === 'function' ||
      typeof (pass as Iterable<StreamBatch>)[Symbol.iterator] === 'function');
  if (!iterable)
    throw new KdError(
      'KD_DATA_INVALID',
      'data.batches() must return an async iterable (or iterable) of { x, y } batches, e.g. by being an async generator function.',
    );
  return pass;
}

/** The first (up to) two rows of a batch, kept for the kernel probe. */
function firstRows(batch: TrainBatch): TrainBatch {
  const n = Math.min(2, batch.rows);
  return tf.tidy(() => ({
    x: tf.slice(batch.x, 0, n),
    y: tf.slice(batch.y, 0, n),
    ...(batch.teacher ? { teacher: tf.slice(batch.teacher, 0, n) } : {}),
    ...(batch.sampleWeight ? { sampleWeight: tf.slice(batch.sampleWeight, 0, n) } : {}),
    rows: n,
  }));
}
