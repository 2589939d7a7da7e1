import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { KdRuntime } from '../runtime/types.js';
import type { Teacher } from '../teachers/teacher.js';
import {
  cachedTeacherOutputs,
  computeTeacherOutputs,
  fingerprintValues,
  teacherOutputsKey,
  type TeacherOutputs,
} from '../teachers/teacher-outputs.js';
import { throwIfAborted } from './abort.js';
import { toSpace } from '../outputs/to-space.js';
import { findNonFinite } from '../values/index.js';
import { checkLabeledShapes, labeledTargets, prepareLabeled } from './prepare-data.js';
import type { SoftTargetTally } from './run-diagnostics.js';
import { streamBatchTensors, type StreamBatch, type StreamBatchTensors, type StreamingData } from './streaming-data.js';
import { batchTensors, checkTeacherUnits, type BatchSource, type TrainBatch } from './train-batch.js';
import { batchTransferSeed, generateTransferRows } from './transfer-set.js';
import type { TransferOptions, UnlabeledStream, UnlabeledStreamBatch } from './types.js';

/** Options for {@link streamSource}. */
export interface StreamSourceOptions {
  runtime: KdRuntime;
  data: StreamingData;
  /** The stream's checked feature shape. */
  featureShape: number[];
  /** The student's output units (1 for binary). */
  units: number;
  teacher?: Teacher;
  /** Labels the unlabelled and generated rows (default `teacher`). */
  transferTeacher?: Teacher;
  /** A second stream of rows without labels: its batch k joins the training stream's batch k. */
  unlabeled?: UnlabeledStream;
  /** `mixup` or `noise`, run on every training batch (seeded per batch); the rows join that batch. */
  transfer?: TransferOptions;
  /** Gathers the soft-target measures from the teacher's outputs on the labelled batches. */
  tally?: SoftTargetTally;
  teacherBatchSize: number;
  /** Checked before each batch of the pass before training: the pass stops when it fires. */
  signal?: AbortSignal;
}

/** What both kinds of pass share: the options, and the teachers' keys (hashing their weights once per run). */
interface StreamContext extends StreamSourceOptions {
  teacherKey?: string;
  labellerKey?: string;
  compute(x: tf.Tensor, dataKey: string | undefined): Promise<TeacherOutputs>;
  computeExtra(x: tf.Tensor, dataKey: string): Promise<TeacherOutputs>;
}

/**
 * A stream as batches. Building it makes one pass over the stream before anything trains: every
 * batch is checked as in-memory data is (shapes, finite features, label range, weights), rows
 * and batches are counted, and the teacher's outputs for each batch are computed once and stored
 * in `runtime.cache`, keyed by the teacher and a hash of the batch's features. Each epoch then
 * streams again and reads every batch's teacher outputs back from the cache.
 *
 * With `unlabeled` and/or `transfer`, step k trains on training batch k together with unlabelled
 * batch k and the rows generated from training batch k; when one stream ends before the other,
 * its partner's remaining batches are steps of their own. The extra rows' teacher outputs are
 * cached per step in the same pass, keyed by a hash of those rows.
 */
export async function streamSource(options: StreamSourceOptions): Promise<BatchSource> {
  const { runtime, teacher, teacherBatchSize } = options;
  const teacherKey = teacher ? await teacher.cacheKey() : undefined;
  const labeller = options.transferTeacher ?? teacher;
  const labellerKey = options.transferTeacher ? await options.transferTeacher.cacheKey() : teacherKey;
  const ctx: StreamContext = {
    ...options,
    ...(teacherKey ? { teacherKey } : {}),
    ...(labellerKey ? { labellerKey } : {}),
    compute: (x, dataKey) =>
      computeTeacherOutputs(runtime, teacher!, x, {
        batchSize: teacherBatchSize,
        ...(teacherKey ? { teacherKey } : {}),
        ...(dataKey ? { dataKey } : {}),
      }),
    computeExtra: (x, dataKey) =>
      computeTeacherOutputs(runtime, labeller!, x, {
        batchSize: teacherBatchSize,
        ...(labellerKey ? { teacherKey: labellerKey } : {}),
        dataKey,
      }),
  };
  const pass = await checkingPass(ctx);
  return {
    rows: pass.rows,
    labelledRows: pass.labelledRows,
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

/** One step's raw batches: the training stream's and the unlabelled stream's batch of that index (either may be past its end). */
interface RawStep {
  index: number;
  labelled?: StreamBatch;
  unlabeled?: UnlabeledStreamBatch;
}

/** The pass before training: checks and counts every batch, caches the teacher's outputs, keeps two rows for the probe. */
async function checkingPass(ctx: StreamContext): Promise<{
  rows: number;
  labelledRows: number;
  batches: number;
  largest: number;
  probe: TrainBatch;
}> {
  let rows = 0;
  let labelledRows = 0;
  let batches = 0;
  let largest = 0;
  let probe: TrainBatch | undefined;
  let trainingBatches = 0;
  try {
    for await (const raw of stepsOf(ctx)) {
      const owned: tf.Tensor[] = [];
      let step: StepParts;
      try {
        if (ctx.signal?.aborted) disposeRaw(raw);
        throwIfAborted(ctx.signal);
        step = await stepParts(ctx, raw, owned, 'check');
        if (!probe) {
          const batch = joinStep(ctx, step, owned);
          probe = firstRows(batch, step.labelled?.rows ?? 0);
        }
      } finally {
        tf.dispose(owned);
      }
      if (raw.labelled) trainingBatches++;
      const stepRows = (step.labelled?.rows ?? 0) + (step.extra?.rows ?? 0);
      rows += stepRows;
      labelledRows += step.labelled?.rows ?? 0;
      largest = Math.max(largest, stepRows);
      batches++;
      await ctx.runtime.nextTick();
    }
  } catch (e) {
    if (probe) tf.dispose(batchTensors(probe));
    throw e;
  }
  if (!probe || trainingBatches === 0) {
    if (probe) tf.dispose(batchTensors(probe));
    throw new KdError(
      'KD_DATA_INVALID',
      'The training stream yielded no batches: data.batches() must yield at least one { x, y } batch on every pass.',
    );
  }
  return { rows, labelledRows, batches, largest, probe };
}

/** One epoch's pass, from step `skipBatches` on; each step's tensors are freed when the next is asked for. */
async function* trainingPass(ctx: StreamContext, skipBatches: number): AsyncGenerator<TrainBatch> {
  for await (const raw of stepsOf(ctx)) {
    if (raw.index < skipBatches) {
      // Trained on before the checkpoint this run resumed from: read past it.
      disposeRaw(raw);
      continue;
    }
    const owned: tf.Tensor[] = [];
    try {
      const step = await stepParts(ctx, raw, owned, 'train');
      yield joinStep(ctx, step, owned);
    } finally {
      tf.dispose(owned);
    }
  }
}

/** A step's checked parts: the labelled batch with its targets and teacher outputs, and the extra rows with theirs. */
interface StepParts {
  labelled?: { x: tf.Tensor; y: tf.Tensor2D; sampleWeight?: tf.Tensor1D; teacher?: tf.Tensor2D; rows: number };
  extra?: { x: tf.Tensor; teacher: tf.Tensor2D; rows: number };
}

/**
 * Turns a raw step into checked tensors (all pushed to `owned`). In the pass before training
 * (`check`) every value is read and checked and the teachers' outputs are computed (or found in
 * the cache); in a training pass they come from the cache, recomputed after the same checks only
 * for features the first pass did not see.
 */
async function stepParts(
  ctx: StreamContext,
  raw: RawStep,
  owned: tf.Tensor[],
  mode: 'check' | 'train',
): Promise<StepParts> {
  const { featureShape, units, teacher } = ctx;
  // Handed over with the step: freed with it, whatever check fails first.
  if (raw.unlabeled?.x instanceof tf.Tensor) owned.push(raw.unlabeled.x);
  const parts: StepParts = {};
  let labelledX: tf.Tensor | undefined;
  if (raw.labelled) {
    const what = `data batch ${raw.index}`;
    const t = streamBatchTensors(raw.labelled, featureShape, what);
    owned.push(...t.owned);
    labelledX = t.x;
    let teacherValues: tf.Tensor2D | undefined;
    if (mode === 'check') {
      const prepared = await prepareLabeled(t, units, what, { fingerprint: teacher !== undefined });
      owned.push(...prepared.owned);
      if (teacher) {
        const out = await ctx.compute(t.x, prepared.fingerprint);
        owned.push(out.values);
        checkTeacherUnits(out.values.shape[1], units);
        await ctx.tally?.add(out.values, out.kind, prepared.labels);
        teacherValues = out.values;
      }
    } else {
      checkLabeledShapes(t, units, what);
      if (teacher) teacherValues = await cachedOrFresh(ctx, t, what, owned);
    }
    const targets = labeledTargets(t, units);
    owned.push(...targets.owned);
    parts.labelled = {
      x: t.x,
      y: targets.y,
      ...(targets.sampleWeight ? { sampleWeight: targets.sampleWeight } : {}),
      ...(teacherValues ? { teacher: teacherValues } : {}),
      rows: t.rows,
    };
  }
  const extraParts: tf.Tensor[] = [];
  if (raw.unlabeled)
    extraParts.push(unlabeledTensor(raw.unlabeled, featureShape, `unlabeled batch ${raw.index}`, owned));
  if (ctx.transfer && labelledX) {
    const generated = await generateTransferRows(
      labelledX,
      ctx.transfer,
      batchTransferSeed(ctx.transfer.seed ?? 0, raw.index),
    );
    owned.push(generated);
    extraParts.push(generated);
  }
  if (extraParts.length > 0) {
    const x = tf.tidy(() => tf.concat(extraParts.map((p) => tf.cast(p, 'float32'))));
    owned.push(x);
    const values = await x.data();
    if (mode === 'check') {
      const problem = findNonFinite(
        values,
        { name: raw.unlabeled ? `unlabeled batch ${raw.index}.x` : `transfer rows of data batch ${raw.index}` },
        'Clean or impute the features first.',
      );
      if (problem) throw problem;
    }
    const dataKey = fingerprintValues(x, values);
    let out =
      mode === 'train'
        ? await cachedTeacherOutputs(ctx.runtime, labellerOf(ctx), `${ctx.labellerKey}|${dataKey}`, x.shape[0]!)
        : undefined;
    if (!out) {
      if (mode === 'train') {
        // Rows the pass before training did not see: check them the same way before the teacher runs.
        const problem = findNonFinite(values, { name: `unlabeled rows of step ${raw.index}` });
        if (problem) throw problem;
      }
      out = await ctx.computeExtra(x, dataKey);
    }
    owned.push(out.values);
    checkTeacherUnits(out.values.shape[1], units);
    const kind = teacher!.output;
    const teacherValues = out.kind === kind ? out.values : toSpace(out.values, out.kind, kind);
    if (teacherValues !== out.values) owned.push(teacherValues);
    parts.extra = { x, teacher: teacherValues, rows: x.shape[0]! };
  }
  return parts;
}

function labellerOf(ctx: StreamContext): Teacher {
  return ctx.transferTeacher ?? ctx.teacher!;
}

/**
 * One step's batch. Without extra rows it is the training batch as it came; with them, the
 * training rows then the extra rows, with placeholder labels 0, a label mask, weight 1 for the
 * extra rows when the training rows have weights, and the count of labelled rows.
 */
function joinStep(ctx: StreamContext, step: StepParts, owned: tf.Tensor[]): TrainBatch {
  const { labelled, extra } = step;
  if (!extra) {
    const l = labelled!;
    return {
      x: l.x,
      y: l.y,
      ...(l.teacher ? { teacher: l.teacher } : {}),
      ...(l.sampleWeight ? { sampleWeight: l.sampleWeight } : {}),
      rows: l.rows,
    };
  }
  const units = ctx.units;
  const labelledRows = labelled?.rows ?? 0;
  const batch = tf.tidy(() => {
    const x = labelled ? tf.concat([tf.cast(labelled.x, 'float32'), extra.x]) : tf.clone(extra.x);
    const placeholders = tf.zeros([extra.rows, units]);
    const y = (labelled ? tf.concat([labelled.y, placeholders]) : placeholders) as tf.Tensor2D;
    const none = tf.zeros([extra.rows, 1]);
    const labelMask = (labelled ? tf.concat([tf.ones([labelledRows, 1]), none]) : none) as tf.Tensor2D;
    const teacher = (labelled ? tf.concat([labelled.teacher!, extra.teacher]) : tf.clone(extra.teacher)) as tf.Tensor2D;
    const sampleWeight = labelled?.sampleWeight
      ? (tf.concat([labelled.sampleWeight, tf.ones([extra.rows])]) as tf.Tensor1D)
      : undefined;
    return { x, y, labelMask, teacher, ...(sampleWeight ? { sampleWeight } : {}) };
  });
  owned.push(...batchTensors({ ...batch, rows: 0 }));
  return { ...batch, rows: labelledRows + extra.rows, labelledRows };
}

/** An unlabelled batch's features as a tensor (pushed to `owned`), checked against the stream's feature shape. */
function unlabeledTensor(
  batch: UnlabeledStreamBatch,
  featureShape: number[],
  what: string,
  owned: tf.Tensor[],
): tf.Tensor {
  if (typeof batch !== 'object' || batch === null || batch.x === undefined)
    throw new KdError('KD_DATA_INVALID', `${what} must be { x }; got ${batch === null ? 'null' : typeof batch}.`);
  if (batch.x instanceof tf.Tensor) {
    const x = batch.x;
    if (
      x.rank !== featureShape.length + 1 ||
      x.shape[0] === 0 ||
      x.shape.slice(1).some((d, i) => d !== featureShape[i])
    )
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `${what}.x has shape [${x.shape.join(', ')}] but the training stream's featureShape is [${featureShape.join(', ')}]; every unlabelled batch must be [rows, ${featureShape.join(', ')}].`,
        { x: x.shape, featureShape },
      );
    return x;
  }
  if (batch.x instanceof Float32Array) {
    const perRow = featureShape.reduce((a, b) => a * b, 1);
    if (batch.x.length === 0 || batch.x.length % perRow !== 0)
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `${what}.x holds ${batch.x.length} values, which is not a whole number (> 0) of rows of featureShape [${featureShape.join(', ')}] (${perRow} values each).`,
        { length: batch.x.length, featureShape },
      );
    const x = tf.tensor(batch.x, [batch.x.length / perRow, ...featureShape], 'float32');
    owned.push(x);
    return x;
  }
  throw new KdError(
    'KD_DATA_INVALID',
    `${what}.x must be a tensor or a Float32Array (row-major [rows, ${featureShape.join(', ')}]).`,
  );
}

/** Frees the tensors a skipped step's batches handed over. */
function disposeRaw(raw: RawStep): void {
  const given = [raw.labelled?.x, raw.labelled?.y, raw.labelled?.sampleWeight, raw.unlabeled?.x];
  tf.dispose(given.filter((t): t is tf.Tensor => t instanceof tf.Tensor));
}

/** The steps of one pass: the training stream's batches zipped with the unlabelled stream's (when there is one). */
async function* stepsOf(ctx: StreamContext): AsyncGenerator<RawStep> {
  const labelled = iteratorOf(startPass(ctx.data));
  const unlabeled = ctx.unlabeled ? iteratorOf(startUnlabeledPass(ctx.unlabeled)) : undefined;
  let labelledDone = false;
  let unlabeledDone = unlabeled === undefined;
  try {
    for (let index = 0; ; index++) {
      const a = labelledDone ? undefined : await labelled.next();
      if (a?.done) labelledDone = true;
      const b = unlabeledDone ? undefined : await unlabeled!.next();
      if (b?.done) unlabeledDone = true;
      if (labelledDone && unlabeledDone) return;
      yield {
        index,
        ...(a && !a.done ? { labelled: a.value } : {}),
        ...(b && !b.done ? { unlabeled: b.value } : {}),
      };
    }
  } finally {
    // A pass left early (a failed check, an abort) closes both sources.
    if (!labelledDone) await labelled.return?.();
    if (!unlabeledDone) await unlabeled?.return?.();
  }
}

function iteratorOf<T>(pass: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  const asyncIterable = pass as AsyncIterable<T>;
  if (typeof asyncIterable[Symbol.asyncIterator] === 'function') return asyncIterable[Symbol.asyncIterator]();
  return (pass as Iterable<T>)[Symbol.iterator]();
}

/** Starts a pass over the unlabelled stream, or says why it cannot start one. */
function startUnlabeledPass(
  data: UnlabeledStream,
): AsyncIterable<UnlabeledStreamBatch> | Iterable<UnlabeledStreamBatch> {
  const pass = data.batches();
  if (!isIterable(pass))
    throw new KdError(
      'KD_DATA_INVALID',
      'unlabeled.batches() must return an async iterable (or iterable) of { x } batches, e.g. by being an async generator function.',
    );
  return pass;
}

function isIterable(pass: unknown): boolean {
  return (
    typeof pass === 'object' &&
    pass !== null &&
    (typeof (pass as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' ||
      typeof (pass as Iterable<unknown>)[Symbol.iterator] === 'function')
  );
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
  if (!isIterable(pass))
    throw new KdError(
      'KD_DATA_INVALID',
      'data.batches() must return an async iterable (or iterable) of { x, y } batches, e.g. by being an async generator function.',
    );
  return pass;
}

/**
 * Two rows of a batch (or its one row), kept for the kernel probe: the first row, and the first
 * row without a label when the batch has some (at `labelled`), so the probe runs the masked loss.
 */
function firstRows(batch: TrainBatch, labelled: number): TrainBatch {
  const second = batch.labelMask && labelled < batch.rows ? labelled : Math.min(1, batch.rows - 1);
  const n = second === 0 ? 1 : 2;
  return tf.tidy(() => {
    const idx = tf.tensor1d(n === 1 ? [0] : [0, second], 'int32');
    return {
      x: tf.gather(batch.x, idx),
      y: tf.gather(batch.y!, idx) as tf.Tensor2D,
      ...(batch.teacher ? { teacher: tf.gather(batch.teacher, idx) as tf.Tensor2D } : {}),
      ...(batch.sampleWeight ? { sampleWeight: tf.gather(batch.sampleWeight, idx) as tf.Tensor1D } : {}),
      ...(batch.labelMask ? { labelMask: tf.gather(batch.labelMask, idx) as tf.Tensor2D } : {}),
      rows: n,
      ...(batch.labelMask ? { labelledRows: labelled > 0 ? 1 : 0 } : {}),
    };
  });
}
