import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  customStudent,
  distill,
  evaluateStudent,
  evaluateTeacher,
  isKdError,
  layersStudent,
  streamingData,
  teacher,
  type DistillOptions,
  type KdRuntime,
  type TrainingData,
} from '../../src/index.js';
import { MAX_EPOCHS } from '../../src/values/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(60, 4, 5);

/**
 * A teacher that gives up after `limit` batches: on the old code a zero batch size looped forever,
 * so the guard turns that hang into a plain (non-Kd) error the test can see.
 */
function guardedTeacher(limit = 50) {
  let calls = 0;
  return teacher(
    (x) => {
      if (++calls > limit) throw new Error(`teacher called ${calls} times: the batching loop does not advance`);
      return tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]]));
    },
    { output: 'logits', id: `guarded-${Math.random()}` },
  );
}

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y]));

async function failure(options: Partial<DistillOptions<TrainingData>>): Promise<{ error: unknown; batches: number }> {
  let batches = 0;
  const model = denseStudent(4, 0, 1, 2);
  const error = await distill({
    runtime,
    teacher: guardedTeacher(),
    student: model,
    data: { x: data.x, y: data.y },
    epochs: 1,
    callbacks: { onBatchEnd: () => void batches++ },
    ...options,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  model.dispose();
  return { error, batches };
}

function expectCode(error: unknown, code: string, text?: string): void {
  expect(isKdError(error, code as never), String(error)).toBe(true);
  if (text !== undefined) expect((error as Error).message).toContain(text);
}

describe('training options are checked at the entry point', () => {
  it('refuses teacherBatchSize 0 (the batching loop never advanced) and 1.5 (misaligned teacher outputs)', async () => {
    for (const teacherBatchSize of [0, 1.5, -4, Number.NaN]) {
      const { error, batches } = await failure({ teacherBatchSize });
      expectCode(error, 'KD_INVALID_ARGUMENT', 'teacherBatchSize');
      expect(batches).toBe(0);
    }
  });

  it('refuses plain arrays as data or validation with KD_DATA_INVALID, not a TypeError from inside', async () => {
    const plain = [
      { data: { x: [[1, 2, 3, 4]], y: [1] } },
      { data: [[1, 2, 3, 4]] },
      { data: null },
      { validation: { x: [[1, 2, 3, 4]], y: [1] } },
    ] as unknown as Partial<DistillOptions<TrainingData>>[];
    for (const options of plain) {
      const { error, batches } = await failure(options);
      expectCode(error, 'KD_DATA_INVALID', 'tf.tensor2d');
      expect(batches).toBe(0);
    }
  });

  it('refuses epochs beyond the documented bound with a KdError, not a failure while planning', async () => {
    const { error } = await failure({ epochs: 1e9 });
    expectCode(error, 'KD_INVALID_ARGUMENT', `[1, ${MAX_EPOCHS}]`);
  });

  it('refuses validation rows of another width before the first step', async () => {
    const narrow = tf.zeros([10, 3]);
    const labels = tf.zeros([10]);
    const { error, batches } = await failure({ validation: { x: narrow, y: labels } });
    expectCode(error, 'KD_SHAPE_MISMATCH', 'validation.x');
    expect(batches).toBe(0);
    tf.dispose([narrow, labels]);
  });

  it('refuses validation rows of another width next to a stream, before its pass', async () => {
    let passes = 0;
    const stream = streamingData(
      function* () {
        passes++;
        yield { x: Float32Array.from(data.xs.flat()), y: data.ys };
      },
      { featureShape: [4] },
    );
    const wide = tf.zeros([10, 5]);
    const labels = tf.zeros([10]);
    const { error, batches } = await failure({ data: stream, validation: { x: wide, y: labels } });
    expectCode(error, 'KD_SHAPE_MISMATCH', '[4]');
    expect(batches).toBe(0);
    expect(passes).toBe(0);
    tf.dispose([wide, labels]);
  });

  it('refuses a student ending in a one-unit softmax, as the softmax loss does', async () => {
    const model = denseStudent(4, 0, 1, 3, 'softmax');
    const { error, batches } = await failure({ student: model });
    expectCode(error, 'KD_SINGLE_UNIT_SOFTMAX');
    expect(batches).toBe(0);
    let wrapped: unknown;
    try {
      layersStudent(model);
    } catch (e) {
      wrapped = e;
    }
    expectCode(wrapped, 'KD_SINGLE_UNIT_SOFTMAX');
    model.dispose();
  });

  it('still trains a one-unit sigmoid student and a two-unit softmax student', async () => {
    for (const [units, activation] of [
      [1, 'sigmoid'],
      [2, 'softmax'],
    ] as const) {
      const model = denseStudent(4, 0, units, 4, activation);
      const r = await distill({
        runtime,
        teacher: teacher((x) => tf.matMul(x, tf.ones([4, units])), { output: 'logits', id: `ok-${units}` }),
        student: model,
        data: { x: data.x, y: data.y },
        epochs: 1,
      });
      expect(r.history).toHaveLength(1);
      model.dispose();
    }
  });

  it('refuses soft label rows, as the losses do (soft targets are the teacher)', async () => {
    const model = denseStudent(4, 0, 2, 5, 'linear');
    const soft = tf.tensor2d(data.ys.map((y) => (y === 1 ? [0.2, 0.8] : [0.9, 0.1])));
    const { error, batches } = await failure({
      student: model,
      teacher: teacher((x) => tf.matMul(x, tf.ones([4, 2])), { output: 'logits', id: 'two-units' }),
      data: { x: data.x, y: soft },
    });
    expectCode(error, 'KD_LABEL_RANGE', 'not one-hot');
    expect(batches).toBe(0);
    tf.dispose(soft);
    model.dispose();
  });
});

describe('evaluation batch sizes', () => {
  it('evaluateStudent and evaluateTeacher refuse batchSize 0 or 1.5 instead of looping', async () => {
    let applies = 0;
    const w = tf.variable(tf.ones([4, 1]));
    const student = customStudent({
      name: 'guarded',
      output: 'logits',
      variables: { w },
      forward: (x) => {
        if (++applies > 50) throw new Error('student applied 50 times: the batching loop does not advance');
        return tf.matMul(x, w);
      },
    });
    for (const batchSize of [0, 1.5]) {
      const s = await evaluateStudent(student, data.x, data.ys, ['accuracy'], { batchSize }).catch((e: unknown) => e);
      expectCode(s, 'KD_INVALID_ARGUMENT', 'batchSize');
      const t = await evaluateTeacher(runtime, guardedTeacher(), data.x, data.ys, ['accuracy'], { batchSize }).catch(
        (e: unknown) => e,
      );
      expectCode(t, 'KD_INVALID_ARGUMENT', 'batchSize');
    }
    student.dispose();
  });
});
