import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { KdRuntime } from '../runtime/types.js';
import type { Teacher } from '../teachers/teacher.js';
import {
  cachedTeacherOutputs,
  computeTeacherOutputs,
  teacherOutputsKey,
  type TeacherOutputs,
} from '../teachers/teacher-outputs.js';
import { throwIfAborted } from './abort.js';
import { checkLabeledShapes, labeledTargets, prepareLabeled } from './prepare-data.js';
import { streamBatchTensors, type StreamBatch, type StreamBatchTensors, type StreamingData } from './streaming-data.js';
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

/** What both kinds of pass share: the options, and the teacher's key (hashing its weights once per run). */
interface StreamContext extends StreamSourceOptions {
  teacherKey?: string;
  compute(x: tf.Tensor, dataKey: string | undefined): Promise<TeacherOutputs>;
}

/**
 * A stream as batches. Building it makes one pass over the stream before anything trains: every
 * batch is checked as in-memory data is (shapes, finite features, label range, weights), rows
 * and batches are counted, and the teacher's outputs for each batch are computed once and stored
 * in `runtime.cache`, keyed by the teacher and a hash of the batch's features. Each epoch then
 * streams again and reads every batch's teacher outputs back from the cache.
 */
export async function streamSource(options: StreamSourceOptions): Promise<BatchSource> {
  const { runtime, teacher, teacherBatchSize } = options;
  const teacherKey = teacher ? await teacher.cacheKey() : undefined;
  const ctx: StreamContext = {
    ...options,
    ...(teacherKey ? { teacherKey } : {}),
    compute: (x, dataKey) =>
      computeTeacherOutputs(runtime, teacher!, x, {
        batchSize: teacherBatchSize,
        ...(teacherKey ? { teacherKey } : {}),
        ...(dataKey ? { dataKey } : {}),
      }),
  };
  const pass = await checkingPass(ctx);
  return {
    rows: pass.rows,
    batchesPerEpoch: pass.batches,
    batchSize: pass.largest,
    ...(teacher ? { teacherKind: teacher.output } : {}),
    probeBatch: pass.probe,
    epoch: (skipBatches = 0) => trainingPass(ctx, skipBatches),
    dispose() {
      tf.dispose(batchTensors(pass.probe));
    },
  };
}

/** The pass before training: checks and counts every batch, caches the teacher's outputs, keeps two rows for the probe. */
async function checkingPass(
  ctx: StreamContext,
): Promise<{ rows: number; batches: number; largest: number; probe: TrainBatch }> {
  const { featureShape, units, teacher } = ctx;
  let rows = 0;
  let batches = 0;
  let largest = 0;
  let probe: TrainBatch | undefined;
  try {
    for await (const raw of startPass(ctx.data)) {
      const what = `data batch ${batches}`;
      const t = streamBatchTensors(raw, featureShape, what);
      const owned = [...t.owned];
      try {
        throwIfAborted(ctx.signal);
        const prepared = await prepareLabeled(t, units, what, { fingerprint: teacher !== undefined });
        owned.push(...prepared.owned);
        const out = teacher ? await ctx.compute(t.x, prepared.fingerprint) : undefined;
        if (out) {
          owned.push(out.values);
          checkTeacherUnits(out.values.shape[1], units);
        }
        probe ??= firstRows({
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
      await ctx.runtime.nextTick();
    }
  } catch (e) {
    if (probe) tf.dispose(batchTensors(probe));
    throw e;
  }
  if (!probe)
    throw new KdError(
      'KD_DATA_INVALID',
      'The training stream yielded no batches: data.batches() must yield at least one { x, y } batch on every pass.',
    );
  return { rows, batches, largest, probe };
}

/** One epoch's pass, from batch `skipBatches` on; each batch's tensors are freed when the next is asked for. */
async function* trainingPass(ctx: StreamContext, skipBatches: number): AsyncGenerator<TrainBatch> {
  const { featureShape, units } = ctx;
  let index = 0;
  for await (const raw of startPass(ctx.data)) {
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
      const teacherValues = ctx.teacher ? await cachedOrFresh(ctx, t, what, owned) : undefined;
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
}

/** The teacher's outputs for a batch from the cache, or computed (after the checks) when the cache lacks them. */
async function cachedOrFresh(
  ctx: StreamContext,
  t: StreamBatchTensors,
  what: string,
  owned: tf.Tensor[],
): Promise<tf.Tensor2D> {
  const teacher = ctx.teacher!;
  let out = await cachedTeacherOutputs(
    ctx.runtime,
    teacher,
    await teacherOutputsKey(teacher, t.x, ctx.teacherKey),
    t.rows,
  );
  if (!out) {
    // Features the pass before training did not see (a source that changes between passes,
    // or a cache that dropped the entry): check them the same way before the teacher runs.
    const prepared = await prepareLabeled(t, ctx.units, what, { fingerprint: true });
    owned.push(...prepared.owned);
    out = await ctx.compute(t.x, prepared.fingerprint);
  }
  owned.push(out.values);
  checkTeacherUnits(out.values.shape[1], ctx.units);
  return out.values;
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
    y: tf.slice(batch.y!, 0, n) as tf.Tensor2D,
    ...(batch.teacher ? { teacher: tf.slice(batch.teacher, 0, n) } : {}),
    ...(batch.sampleWeight ? { sampleWeight: tf.slice(batch.sampleWeight, 0, n) } : {}),
    rows: n,
  }));
}
