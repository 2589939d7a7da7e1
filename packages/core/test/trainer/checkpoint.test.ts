import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  distill,
  isKdError,
  linear,
  memoryCheckpointStore,
  streamingData,
  teacher,
  type CheckpointStore,
  type DistillOptions,
  type KdRuntime,
  type TrainingData,
} from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(120);
const val = toyBinary(40, 4, 11);
const teacherFn = teacher((x) => tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]])), {
  output: 'logits',
  id: 'checkpoint-teacher',
});

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y, val.x, val.y]));

const crash = new Error('simulated crash');

/** Everything that shapes the numbers: default Adam, shuffling, an α schedule, validation and early stopping. */
function options(
  store: CheckpointStore,
  // `undefined` removes a default below (a stream takes no batchSize or validation split).
  extra: { [K in keyof DistillOptions<TrainingData>]?: DistillOptions<TrainingData>[K] | undefined } = {},
): DistillOptions<TrainingData> {
  return {
    runtime,
    teacher: teacherFn,
    student: denseStudent(4, 6, 1, 21),
    data: { x: data.x, y: data.y },
    validation: { x: val.x, y: val.y },
    alpha: linear({ from: 0.9, to: 0.2 }),
    temperature: 2,
    epochs: 4,
    batchSize: 16,
    seed: 5,
    learningRate: 0.02,
    earlyStopping: { monitor: 'val_loss', patience: 10 },
    checkpoint: { store, everySteps: 3 },
    ...extra,
  } as DistillOptions<TrainingData>;
}

const weightsOf = (r: { student: { getWeights(): tf.Tensor[] } }) => {
  const ws = r.student.getWeights();
  const values = ws.map((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return values;
};

describe('checkpoints and resume', () => {
  it('a run interrupted mid-epoch and resumed ends with exactly the weights and history of an uninterrupted run', async () => {
    const whole = await distill(options(memoryCheckpointStore()));
    const store = memoryCheckpointStore();
    // 8 steps per epoch: the crash at step 13 (epoch 1, batch 5) loses the steps after the checkpoint at step 12.
    const first = options(store, {
      callbacks: {
        onBatchEnd: (log) => {
          if (log.step === 13) throw crash;
        },
      },
    });
    await expect(distill(first)).rejects.toBe(crash);
    let resumedAt: number | undefined;
    const before = tf.memory().numTensors;
    const resumed = await distill(
      options(store, { resume: true, callbacks: { onTrainBegin: (log) => void (resumedAt = log.resumedAtStep) } }),
    );
    expect(resumedAt).toBe(12);
    expect(weightsOf(resumed)).toEqual(weightsOf(whole));
    const strip = (h: typeof whole.history) => h.map(({ durationMs: _d, ...rest }) => rest);
    expect(strip(resumed.history)).toEqual(strip(whole.history));
    expect(resumed.bestEpoch).toBe(whole.bestEpoch);
    resumed.student.dispose();
    // The resumed student's own weights are all that stays.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    whole.student.dispose();
  });

  it('an aborted run saves a checkpoint at the step it stopped, and resuming it ends like an uninterrupted run', async () => {
    const whole = await distill(options(memoryCheckpointStore()));
    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const aborted = await distill(
      options(store, {
        signal: controller.signal,
        callbacks: { onBatchEnd: (log) => void (log.step === 10 && controller.abort()) },
      }),
    );
    expect(aborted.aborted).toBe(true);
    aborted.student.dispose();
    let resumedAt: number | undefined;
    const resumed = await distill(
      options(store, { resume: true, callbacks: { onTrainBegin: (log) => void (resumedAt = log.resumedAtStep) } }),
    );
    expect(resumedAt).toBe(11);
    expect(weightsOf(resumed)).toEqual(weightsOf(whole));
    whole.student.dispose();
    resumed.student.dispose();
  });

  it("a checkpoint written with tf.train.adam resumes with kd's default Adam and the other way round, ending like an uninterrupted run", async () => {
    // defaultOptimizer(0.02) is tf.train.adam(0.02, 0.9, 0.999, 1e-7) in numbers, class name and config.
    const whole = await distill(options(memoryCheckpointStore()));
    const tfjsAdam: { [K in keyof DistillOptions<TrainingData>]?: DistillOptions<TrainingData>[K] | undefined } = {
      learningRate: undefined,
    };
    for (const [writer, reader] of [
      ['tfjs', 'default'],
      ['default', 'tfjs'],
    ] as const) {
      const optimizers: tf.Optimizer[] = [];
      const pick = (which: 'tfjs' | 'default') => {
        if (which === 'default') return {};
        const optimizer = tf.train.adam(0.02, 0.9, 0.999, 1e-7);
        optimizers.push(optimizer);
        return { ...tfjsAdam, optimizer };
      };
      const store = memoryCheckpointStore();
      const first = options(store, {
        ...pick(writer),
        callbacks: {
          onBatchEnd: (log) => {
            if (log.step === 13) throw crash;
          },
        },
      });
      await expect(distill(first)).rejects.toBe(crash);
      const resumed = await distill(options(store, { ...pick(reader), resume: true }));
      expect(weightsOf(resumed), `${writer} -> ${reader}`).toEqual(weightsOf(whole));
      resumed.student.dispose();
      optimizers.forEach((o) => o.dispose());
    }
    whole.student.dispose();
  });

  it('resumes a stream mid-epoch by reading past the batches already trained on', async () => {
    const stream = () =>
      streamingData(
        async function* () {
          for (let s = 0; s < 120; s += 20) yield { x: tf.slice(data.x, s, 20), y: tf.slice(data.y, s, 20) };
        },
        { featureShape: [4] },
      );
    const base = (store: CheckpointStore): DistillOptions<TrainingData> => ({
      ...options(store, { data: stream(), batchSize: undefined, validation: undefined, earlyStopping: undefined }),
      checkpoint: { store, everySteps: 4 },
    });
    const whole = await distill(base(memoryCheckpointStore()));
    const store = memoryCheckpointStore();
    const crashing = {
      ...base(store),
      callbacks: { onBatchEnd: (log: { step: number }) => void (log.step === 9 && crashNow()) },
    };
    const crashNow = () => {
      throw crash;
    };
    await expect(distill(crashing)).rejects.toBe(crash);
    const resumed = await distill({ ...base(store), resume: true });
    expect(weightsOf(resumed)).toEqual(weightsOf(whole));
    whole.student.dispose();
    resumed.student.dispose();
  });

  it('resuming a run that already finished trains nothing and returns its history and best weights', async () => {
    const store = memoryCheckpointStore();
    const done = await distill(options(store, { epochs: 2 }));
    let steps = 0;
    const again = await distill(
      options(store, { epochs: 2, resume: true, callbacks: { onBatchEnd: () => void steps++ } }),
    );
    expect(steps).toBe(0);
    expect(again.history).toEqual(done.history);
    expect(again.bestEpoch).toBe(done.bestEpoch);
    expect(weightsOf(again)).toEqual(weightsOf(done));
    done.student.dispose();
    again.student.dispose();
  });

  it('starts afresh with resume: true when the store holds no checkpoint', async () => {
    const r = await distill(options(memoryCheckpointStore(), { resume: true, epochs: 1 }));
    expect(r.history).toHaveLength(1);
    r.student.dispose();
  });

  it('refuses a checkpoint written with other options or data, naming what differs', async () => {
    const store = memoryCheckpointStore();
    const done = await distill(options(store, { epochs: 1 }));
    done.student.dispose();
    const err = await distill(options(store, { epochs: 1, seed: 6, resume: true })).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_CHECKPOINT_MISMATCH'), String(err)).toBe(true);
    expect((err as Error).message).toContain('seed (checkpoint 5, now 6)');
    const y = tf.tensor1d(data.ys.map((v, i) => (i === 0 ? 1 - v : v)));
    const other = await distill(options(store, { epochs: 1, data: { x: data.x, y }, resume: true })).catch(
      (e: unknown) => e,
    );
    expect(isKdError(other, 'KD_CHECKPOINT_MISMATCH'), String(other)).toBe(true);
    expect((other as Error).message).toContain('data (checkpoint');
    y.dispose();
  });

  it('refuses a corrupt checkpoint with KD_CHECKPOINT_CORRUPT', async () => {
    const store: CheckpointStore = {
      readLatest: async () => ({ meta: '{"format": "kd-checkpoint", "vers', tensors: [] }),
      write: async () => undefined,
    };
    const err = await distill(options(store, { resume: true })).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_CHECKPOINT_CORRUPT'), String(err)).toBe(true);
  });

  it('rejects bad checkpoint options before anything starts', async () => {
    const store = memoryCheckpointStore();
    for (const [extra, what] of [
      [{ checkpoint: { store, everySteps: 0 } }, 'everySteps'],
      [{ checkpoint: { store: {} as CheckpointStore } }, 'CheckpointStore'],
      [{ checkpoint: undefined, resume: true }, 'resume: true needs'],
    ] as const) {
      const err = await distill(options(store, extra as Partial<DistillOptions<TrainingData>>)).catch(
        (e: unknown) => e,
      );
      expect(isKdError(err, 'KD_INVALID_ARGUMENT'), String(err)).toBe(true);
      expect((err as Error).message).toContain(what);
    }
  });
});
