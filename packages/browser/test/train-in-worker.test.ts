import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { distill, linear, precomputedTeacher, trainFromScratch, type EpochLog } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectKdError } from '@kd/test-utils/kd-error';
import { trainInWorker, type WorkerProgress } from '../src/index.js';
import { binaryProblem, maxRelativeError, mlp, weightsOf } from './helpers/data.js';

const settings = { epochs: 3, batchSize: 32, alpha: 0.4, seed: 5 } as const;

function workerTensors(worker: Worker): Promise<number> {
  return new Promise((resolve) => {
    const listen = (event: MessageEvent) => {
      if (typeof event.data?.numTensors !== 'number') return;
      worker.removeEventListener('message', listen);
      resolve(event.data.numTensors);
    };
    worker.addEventListener('message', listen);
    worker.postMessage('test:numTensors');
  });
}

describe('trainInWorker', () => {
  let worker: Worker;
  const problem = binaryProblem(160, 8, 13);
  let x: tf.Tensor2D;
  let y: tf.Tensor1D;

  beforeAll(async () => {
    await cpuRuntime().init();
    worker = new Worker(new URL('./fixtures/distill.worker.ts', import.meta.url), { type: 'module' });
    x = tf.tensor2d(problem.x);
    y = tf.tensor1d(problem.y);
  });
  afterAll(() => {
    worker.terminate();
    tf.dispose([x, y]);
  });

  it('trains on WebGL in the worker, reports progress, and returns the weights the same run on cpu gives', async () => {
    const start = tf.memory().numTensors;
    const teacherModel = mlp([8, 12, 1], 40);
    const student = mlp([8, 16, 1], 31);
    const reference = mlp([8, 16, 1], 31);
    const initial = await weightsOf(student);
    const progress: WorkerProgress[] = [];
    const temperature = linear({ from: 2, to: 1 });

    const result = await trainInWorker(worker, {
      student,
      teacher: teacherModel,
      data: { x, y },
      ...settings,
      temperature,
      learningRate: 0.01,
      onProgress: (p) => progress.push(p),
    });
    expect(result.runtime.backend).toBe('webgl');
    expect(result.runtime).toMatchObject({ offscreenCanvas: true });
    expect(result.aborted).toBe(false);
    expect(result.history).toHaveLength(settings.epochs);
    const steps = settings.epochs * Math.ceil(160 / settings.batchSize);
    expect(progress.filter((p) => p.type === 'begin')).toHaveLength(1);
    expect(progress.filter((p) => p.type === 'batch')).toHaveLength(steps);
    expect(progress.filter((p) => p.type === 'epoch').map((p) => (p.log as EpochLog).epoch)).toEqual([0, 1, 2]);

    const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const expected = await distill({
      runtime: cpuRuntime(),
      teacher: teacherModel,
      student: reference,
      data: { x, y },
      ...settings,
      temperature,
      optimizer,
    });
    optimizer.dispose();
    const lossError = maxRelativeError([result.history.map((h) => h.loss)], [expected.history.map((h) => h.loss)]);
    const weightError = maxRelativeError(await weightsOf(student), await weightsOf(reference));
    console.log(
      `worker (webgl) vs page (cpu): max relative loss error ${lossError.toExponential(2)}, weights ${weightError.toExponential(2)}`,
    );
    expect(lossError).toBeLessThan(1e-4);
    expect(weightError).toBeLessThan(1e-3);
    // The weights really changed, and the returned artifacts hold the same model.
    expect(maxRelativeError(await weightsOf(student), initial)).toBeGreaterThan(1e-2);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(result.artifacts));
    const [a, b] = [student, loaded].map((m) => m.predict(x) as tf.Tensor);
    expect(Array.from(await a!.data())).toEqual(Array.from(await b!.data()));
    tf.dispose([a!, b!]);
    loaded.dispose();
    [teacherModel, student, reference].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(start);
    expect(await workerTensors(worker)).toBe(0);
  });

  it('loads a URL teacher inside the worker (relative URLs are resolved against the page)', async () => {
    const small = binaryProblem(64, 3, 17);
    const xs = tf.tensor2d(small.x);
    const ys = tf.tensor1d(small.y);
    const student = mlp([3, 4, 1], 3);
    const result = await trainInWorker(worker, {
      student,
      teacher: '/test/fixtures/http-teacher-layers/model.json',
      data: { x: xs, y: ys },
      epochs: 2,
      batchSize: 16,
    });
    expect(result.history).toHaveLength(2);
    expect(result.history[0]!.softLoss).toBeGreaterThan(0);
    tf.dispose([xs, ys]);
    student.dispose();
    expect(await workerTensors(worker)).toBe(0);
  });

  it('holds out the split rows of precomputed teacher outputs, as distill on the page does', async () => {
    const start = tf.memory().numTensors;
    // One output per row of data (160), the 40 held-out rows of the split included.
    const values = Float32Array.from(problem.teacher);
    const options = { data: { x, y }, validation: { split: 0.25 }, ...settings, learningRate: 0.01 } as const;
    const student = mlp([8, 16, 1], 21);
    const reference = mlp([8, 16, 1], 21);
    const result = await trainInWorker(worker, {
      student,
      teacher: { values, shape: [160, 1], kind: 'probabilities' },
      ...options,
    });
    const expected = await distill({
      runtime: cpuRuntime(),
      teacher: precomputedTeacher(values, { output: 'probabilities', shape: [160, 1] }),
      student: reference,
      ...options,
    });
    expect(result.history).toHaveLength(settings.epochs);
    expect(Object.keys(result.history[0]!.val).sort()).toEqual(Object.keys(expected.history[0]!.val).sort());
    expect(Object.keys(result.history[0]!.val)).toContain('val_auc');
    const logged = (h: EpochLog[]) => h.map((log) => [log.loss, log.softLoss, log.val.val_loss!, log.val.val_logLoss!]);
    expect(maxRelativeError(logged(result.history), logged(expected.history))).toBeLessThan(1e-4);
    expect(maxRelativeError(await weightsOf(student), await weightsOf(reference))).toBeLessThan(1e-3);
    [student, reference].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(start);
    expect(await workerTensors(worker)).toBe(0);
  });

  it('trains on unlabelled and generated rows, with a transferTeacher for precomputed outputs, as distill on the page does', async () => {
    const start = tf.memory().numTensors;
    const pool = tf.tensor2d(binaryProblem(40, 8, 29).x);
    const teacherModel = mlp([8, 12, 1], 41);
    const transfer = { method: 'mixup', multiple: 2, seed: 3, alpha: 0.4 } as const;
    const common = { data: { x, y }, unlabeled: { x: pool }, transfer, ...settings } as const;
    const compare = async (
      inWorker: { history: EpochLog[] },
      expected: { history: EpochLog[] },
      a: tfl.LayersModel,
      b: tfl.LayersModel,
    ) => {
      const losses = (h: EpochLog[]) => [h.map((l) => l.loss), h.map((l) => l.softLoss), h.map((l) => l.hardLoss)];
      expect(maxRelativeError(losses(inWorker.history), losses(expected.history))).toBeLessThan(1e-4);
      expect(maxRelativeError(await weightsOf(a), await weightsOf(b))).toBeLessThan(1e-3);
    };
    const onPage = async (student: tfl.LayersModel, options: Record<string, unknown>) => {
      const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
      const result = await distill({ runtime: cpuRuntime(), student, ...settings, optimizer, ...options } as never);
      optimizer.dispose();
      return result;
    };

    // A model teacher labels the 40 unlabelled rows and the 2 × 160 mixup rows.
    const student = mlp([8, 16, 1], 22);
    const reference = mlp([8, 16, 1], 22);
    const begins: WorkerProgress[] = [];
    const result = await trainInWorker(worker, {
      student,
      teacher: teacherModel,
      ...common,
      learningRate: 0.01,
      onProgress: (p) => p.type === 'begin' && begins.push(p),
    });
    expect(begins[0]!.log).toMatchObject({ trainRows: 160, unlabeledRows: 40 + 2 * 160 });
    await compare(result, await onPage(reference, { teacher: teacherModel, ...common }), student, reference);
    // The extra rows changed the student: the run without them ends elsewhere.
    const plain = mlp([8, 16, 1], 22);
    await onPage(plain, { teacher: teacherModel, data: { x, y } });
    expect(maxRelativeError(await weightsOf(student), await weightsOf(plain))).toBeGreaterThan(1e-2);

    // Precomputed outputs for the training rows, the model for the others (the out-of-fold recipe).
    const values = Float32Array.from(problem.teacher);
    const outputs = { values, shape: [160, 1], kind: 'probabilities' as const };
    const student2 = mlp([8, 16, 1], 23);
    const reference2 = mlp([8, 16, 1], 23);
    const result2 = await trainInWorker(worker, {
      student: student2,
      teacher: outputs,
      transferTeacher: teacherModel,
      ...common,
      learningRate: 0.01,
    });
    const expected2 = await onPage(reference2, {
      teacher: precomputedTeacher(values, { output: 'probabilities', shape: [160, 1] }),
      transferTeacher: teacherModel,
      ...common,
    });
    await compare(result2, expected2, student2, reference2);
    // Without the transferTeacher, the precomputed outputs have nothing for the extra rows: the worker's KdError.
    await expectKdError(
      trainInWorker(worker, { student: student2, teacher: outputs, ...common }),
      'KD_TEACHER_INVALID',
    );
    await expectKdError(
      trainInWorker(worker, { student: student2, transferTeacher: teacherModel, ...common }),
      'KD_INVALID_ARGUMENT',
    );
    // Without a teacher there is nothing to label the rows: trainFromScratch's own error, from the worker.
    await expectKdError(trainInWorker(worker, { student: student2, ...common }), 'KD_INVALID_ARGUMENT');

    [teacherModel, student, reference, plain, student2, reference2].forEach((m) => m.dispose());
    pool.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(await workerTensors(worker)).toBe(0);
  });

  it('stops at the next batch when aborted', async () => {
    const student = mlp([8, 16, 1], 8);
    const controller = new AbortController();
    const result = await trainInWorker(worker, {
      student,
      data: { x, y },
      epochs: 50,
      batchSize: 8,
      signal: controller.signal,
      onProgress: (p) => p.type === 'epoch' && controller.abort(),
    });
    expect(result.aborted).toBe(true);
    expect(result.history.length).toBeGreaterThanOrEqual(1);
    expect(result.history.length).toBeLessThan(50);
    student.dispose();
    expect(await workerTensors(worker)).toBe(0);
  });

  it('passes kd errors from the worker back with their code', async () => {
    const student = mlp([8, 16, 1], 8);
    await expectKdError(
      trainInWorker(worker, {
        student,
        teacher: { values: new Float32Array(10), shape: [10, 1], kind: 'probabilities' },
        data: { x, y },
      }),
      'KD_SHAPE_MISMATCH',
    );
    student.dispose();
    expect(await workerTensors(worker)).toBe(0);
  });

  it('returns aborted: true without training for a signal aborted before the call, as distill does', async () => {
    const options = { data: { x, y }, epochs: 5, batchSize: 8, signal: AbortSignal.abort() };
    const student = mlp([8, 16, 1], 8);
    const initial = await weightsOf(student);
    const progress: WorkerProgress[] = [];
    const inWorker = await trainInWorker(worker, { student, ...options, onProgress: (p) => progress.push(p) });
    const pageStudent = mlp([8, 16, 1], 8);
    const onPage = await trainFromScratch({ runtime: cpuRuntime(), student: pageStudent, ...options });
    for (const result of [inWorker, onPage]) {
      expect(result.aborted).toBe(true);
      expect(result.history).toEqual([]);
      expect(result.stoppedEarly).toBe(false);
    }
    expect(progress.filter((p) => p.type !== 'begin')).toEqual([]);
    expect(await weightsOf(student)).toEqual(initial);
    [pageStudent, student].forEach((m) => m.dispose());
    expect(await workerTensors(worker)).toBe(0);
  });

  it('reports a worker script that fails as KD_WORKER_FAILED', async () => {
    const broken = new Worker(new URL('./fixtures/failing.worker.ts', import.meta.url), { type: 'module' });
    const student = mlp([8, 16, 1], 8);
    try {
      const e = await expectKdError(trainInWorker(broken, { student, data: { x, y } }), 'KD_WORKER_FAILED');
      expect(e.message).toContain('serveDistillWorker()');
    } finally {
      broken.terminate();
      student.dispose();
    }
  });
});
