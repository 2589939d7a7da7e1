import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  KD_ERROR_CODES,
  KD_WARNING_CODES,
  binaryDistillationLoss,
  binaryDistillationLossFromLogits,
  checkLossInputs,
  computeMetrics,
  createBackendRuntime,
  customStudent,
  distill,
  ensemble,
  layersStudent,
  linear,
  memoryCheckpointStore,
  MemoryModelStore,
  parseModelJson,
  precomputedTeacher,
  searchAlpha,
  softmaxDistillationLoss,
  teacher,
  type KdErrorCode,
  type CheckpointStore,
  type KdRuntime,
  type MetricName,
} from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import { checkOutputFolder, commandDef, COMMANDS, readConfig } from '@kd/cli';
import { trainInWorker, type MessageEndpoint } from '@kd/browser';
import { FileModelStore, provisionTfjsNode, readIdx } from '@kd/node';
import { expectKdError } from '@kd/test-utils/kd-error';
import { withSyncReadsForbidden } from '../../src/checks/sync-read-guard.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One row per code in KD_ERROR_CODES: a real call that raises it. A new code needs one line here
// (the Record type and the first test fail without it) and one row in docs/errors.md.

const runtime = cpuRuntime();
let scratch: string;
beforeAll(async () => {
  await runtime.init();
  scratch = await mkdtemp(join(tmpdir(), 'kd-error-codes-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const v = (values: number[]) => tf.tensor1d(values);
const m = (rows: number[][]) => tf.tensor2d(rows);
const x4 = () => tf.tensor2d([[1, 2, 3, 4]]);
const data = () => ({ x: x4(), y: v([1]) });
const dense = () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 1 })] });
const logitsTeacher = teacher((x: tf.Tensor) => tf.sum(x, 1, true), { output: 'logits', id: 'sum' });

const RAISES: Record<KdErrorCode, () => unknown> = {
  KD_SHAPE_MISMATCH: () =>
    binaryDistillationLoss({ yTrue: v([1, 0]), teacher: v([0.5]), student: v([0.5]), alpha: 0.5 }),
  KD_ALPHA_RANGE: () => binaryDistillationLoss({ yTrue: v([1]), teacher: v([0.5]), student: v([0.5]), alpha: 1.5 }),
  KD_TEMPERATURE_RANGE: () =>
    binaryDistillationLossFromLogits({ yTrue: v([1]), teacher: v([0]), student: v([0]), alpha: 0.5, temperature: 0 }),
  KD_LABEL_RANGE: () => checkLossInputs({ loss: 'binary', yTrue: v([2]), teacher: v([0.5]), student: v([0.5]) }),
  KD_PROBABILITY_RANGE: () => checkLossInputs({ loss: 'binary', yTrue: v([1]), teacher: v([1.5]), student: v([0.5]) }),
  KD_NON_FINITE: () => checkLossInputs({ loss: 'binary', yTrue: v([1]), teacher: v([0.5]), student: v([Number.NaN]) }),
  KD_SINGLE_UNIT_SOFTMAX: () =>
    softmaxDistillationLoss({ yTrue: m([[1]]), teacher: m([[0]]), student: m([[0]]), alpha: 0.5, temperature: 1 }),
  KD_INVALID_ARGUMENT: () =>
    distill({ runtime, teacher: logitsTeacher, student: dense(), data: data(), learningRate: -1 }),
  KD_CONFIG_INVALID: () =>
    readConfig(commandDef('distill'), COMMANDS, { cwd: scratch, file: 'no-such-kd.config.json' }),
  KD_SCHEDULE_INVALID: () => linear({ from: 0, to: Number.NaN }),
  KD_TEACHER_INVALID: () => teacher(42 as never),
  KD_STUDENT_INVALID: () => layersStudent({} as never),
  KD_ENSEMBLE_INVALID: () => ensemble([]),
  KD_DATA_INVALID: () => computeMetrics(['accuracy'], { yTrue: [], probs: [] }),
  KD_INPUT_TOO_LARGE: async () => readIdx(await idxFile([3, 1, 4]), { maxBytes: 2 }),
  KD_METRIC_UNKNOWN: () => computeMetrics(['f1' as MetricName], { yTrue: [1], probs: [0.5] }),
  KD_KERNEL_MISSING: () =>
    distill({
      runtime: { ...runtime, hasKernel: () => false },
      teacher: logitsTeacher,
      student: dense(),
      data: data(),
    }),
  KD_SYNC_READ: async () => {
    const t = tf.tensor1d([1]);
    const run = await withSyncReadsForbidden(async () => t.dataSync());
    t.dispose();
    throw run.error;
  },
  KD_BACKEND_UNAVAILABLE: () => createBackendRuntime({ name: 'ghost', backend: 'no-such-backend' }).init(),
  KD_RUNTIME_NOT_INITIALIZED: () =>
    distill({ runtime: claimsBackend('webgl'), teacher: logitsTeacher, student: dense(), data: data() }),
  KD_WORKER_FAILED: () => trainInWorker(failingWorker(), { student: dense(), data: data() }),
  KD_MODEL_NOT_FOUND: () => new MemoryModelStore().loadHandler('missing').load!(),
  KD_MODEL_INVALID: () => parseModelJson('{"modelTopology": ', 'model.json'),
  KD_TARGET_EXISTS: async () => {
    await writeFile(join(scratch, 'notes'), 'a file of the user');
    return dense().save(new FileModelStore(scratch).saveHandler('notes'));
  },
  KD_MODEL_BUSY: async () => {
    const store = new FileModelStore(join(scratch, 'busy'), { lockTimeoutMs: 100 });
    await mkdir(join(scratch, 'busy', 'student'), { recursive: true });
    // The lock of a save in progress in a live process (this one).
    await writeFile(join(scratch, 'busy', 'student', '.kd-lock'), String(process.pid));
    return dense().save(store.saveHandler('student'));
  },
  KD_OUTPUT_NOT_EMPTY: async () => {
    await writeFile(join(scratch, 'a-users-file.txt'), 'not kd output');
    return checkOutputFolder(join(scratch, 'a-users-file.txt'));
  },
  KD_TRAINING_DIVERGED: () => distill({ runtime, teacher: logitsTeacher, student: nanStudent(), data: data() }),
  KD_STUDENT_SATURATED: () =>
    distill({ runtime, teacher: logitsTeacher, student: pinnedSigmoid(), data: data(), optimizer: tf.train.sgd(0.1) }),
  KD_CHECKPOINT_MISMATCH: async () => {
    const store = memoryCheckpointStore();
    const run = (seed: number, resume: boolean) =>
      distill({ runtime, teacher: logitsTeacher, student: dense(), data: data(), seed, checkpoint: { store }, resume });
    (await run(1, false)).student.dispose();
    return run(2, true);
  },
  KD_CHECKPOINT_CORRUPT: () => {
    const store: CheckpointStore = {
      readLatest: async () => ({ meta: '{"format": "kd-checkpoint", "vers', tensors: [] }),
      write: async () => undefined,
    };
    return distill({
      runtime,
      teacher: logitsTeacher,
      student: dense(),
      data: data(),
      checkpoint: { store },
      resume: true,
    });
  },
  KD_SEARCH_ALL_DEAD: () =>
    searchAlpha({
      runtime,
      teacher: logitsTeacher,
      data: {
        x: m([
          [1, 2, 3, 4],
          [4, 3, 2, 1],
          [0, 1, 0, 1],
          [1, 0, 1, 0],
        ]),
        y: v([1, 0, 1, 0]),
      },
      validation: {
        x: m([
          [1, 1, 1, 1],
          [2, 0, 2, 0],
        ]),
        y: v([1, 0]),
      },
      alphas: [0.5],
      seeds: [0],
      epochs: 1,
      metric: 'val_loss',
      makeStudent: () => constantStudent(),
    }),
  KD_PROVISION_FAILED: async () =>
    provisionTfjsNode({ projectDir: await mkdtemp(join(scratch, 'empty-')), quiet: true }),
};

describe('every KdError code', () => {
  it('has a row in this table', () => {
    expect(Object.keys(RAISES).sort()).toEqual([...KD_ERROR_CODES].sort());
  });

  it.each([...KD_ERROR_CODES])('%s is raised by its condition', async (code) => {
    await expectKdError(async () => RAISES[code](), code);
  });

  it('is listed once in docs/errors.md, and nothing else is', () => {
    const [errors] = errorsPageSections();
    const listed = [...errors!.matchAll(/^\| `(KD_[A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual([...KD_ERROR_CODES].sort());
  });
});

describe('every KdWarning code', () => {
  it('is listed once in the warnings table of docs/errors.md, and nothing else is', () => {
    const [, warnings] = errorsPageSections();
    const listed = [...warnings!.matchAll(/^\| `(KD_[A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual([...KD_WARNING_CODES].sort());
  });

  it('KD_SOFT_TARGETS_NEARLY_LABELS is given by a run whose teacher reproduces the labels', async () => {
    const labels = [1, 0, 1, 1];
    const seen: string[] = [];
    const result = await distill({
      runtime,
      teacher: precomputedTeacher(
        labels.map((y) => [y === 1 ? 12 : -12]),
        { output: 'logits' },
      ),
      student: dense(),
      data: {
        x: m([
          [1, 2, 3, 4],
          [0, 1, 0, 1],
          [2, 2, 2, 2],
          [1, 0, 1, 0],
        ]),
        y: v(labels),
      },
      epochs: 1,
      callbacks: { onWarning: (w) => void seen.push(w.code) },
    });
    expect(seen).toEqual(['KD_SOFT_TARGETS_NEARLY_LABELS']);
    expect(result.warnings.map((w) => w.code)).toEqual(seen);
  });
});

/** docs/errors.md split at its warnings section: [the error codes' part, the warnings' part]. */
function errorsPageSections(): [string, string] {
  const page = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  const at = page.indexOf('\n## Warnings\n');
  return at < 0 ? [page, ''] : [page.slice(0, at), page.slice(at)];
}

/** An uncompressed IDX file of unsigned bytes, rank 1. */
async function idxFile(values: number[]): Promise<string> {
  const path = join(scratch, 'values.idx');
  const header = Buffer.from([0, 0, 0x08, 1, 0, 0, 0, values.length]);
  await writeFile(path, Buffer.concat([header, Buffer.from(values)]));
  return path;
}

/** A sigmoid student pinned at 0 on the wrong side of its label, where the clamp passes no gradient. */
function pinnedSigmoid() {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 1, activation: 'sigmoid' })] });
  const pinned = [tf.tensor2d([[-1000], [500], [-1000], [500]]), tf.zeros([1])];
  model.setWeights(pinned);
  tf.dispose(pinned);
  return layersStudent(model);
}

/** A runtime that says it set up a backend it never activated. */
function claimsBackend(backend: string): KdRuntime {
  return { ...runtime, init: async () => ({ backend, floatPrecision: 32 }) };
}

/** A worker whose script fails to load: it answers the first message with an error event. */
function failingWorker(): MessageEndpoint {
  const target = new EventTarget();
  return Object.assign(target, {
    postMessage: () => {
      const event = Object.assign(new Event('error', { cancelable: true }), { message: 'SyntaxError in kd.worker.js' });
      queueMicrotask(() => target.dispatchEvent(event));
    },
  }) as unknown as MessageEndpoint;
}

/** A student whose prediction never depends on its input: every search run with it is dead. */
function constantStudent() {
  const b = tf.variable(tf.zeros([1]), true, `b_constant_${Math.random()}`);
  return customStudent({
    name: 'constant',
    output: 'logits',
    variables: { b },
    forward: (x) => tf.mul(tf.ones([x.shape[0]!, 1]), b),
  });
}

/** A student whose weights are NaN: its loss is not finite after the first epoch. */
function nanStudent() {
  const w = tf.variable(tf.fill([4, 1], Number.NaN), true, `w_nan_${Math.random()}`);
  return customStudent({ name: 'nan', output: 'logits', variables: { w }, forward: (x) => tf.matMul(x, w) });
}
