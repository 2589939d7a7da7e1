import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { distill, teacher, type DistillCallbacks, type KdRuntime } from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(60);
const teacherFn = teacher((x) => tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]])), {
  output: 'logits',
  id: 'callbacks-teacher',
});

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y]));

describe('the callback list', () => {
  it('calls every hook of every callback in order; a stop from one still lets the others see the epoch', async () => {
    const calls: string[] = [];
    const recorder = (name: string, stopAt?: number): DistillCallbacks => ({
      onTrainBegin: () => void calls.push(`${name}:begin`),
      onBatchEnd: (log) => void (log.batch === 0 && calls.push(`${name}:batch${log.epoch}`)),
      onEpochEnd: (log) => {
        calls.push(`${name}:epoch${log.epoch}`);
        return log.epoch === stopAt ? 'stop' : undefined;
      },
      onTrainEnd: () => void calls.push(`${name}:end`),
    });
    const m = denseStudent(4, 0, 1, 2);
    const r = await distill({
      runtime,
      teacher: teacherFn,
      student: m,
      data: { x: data.x, y: data.y },
      epochs: 5,
      batchSize: 30,
      callbacks: [recorder('a', 1), recorder('b')],
    });
    expect(r.stoppedEarly).toBe(true);
    expect(calls).toEqual([
      'a:begin',
      'b:begin',
      'a:batch0',
      'b:batch0',
      'a:epoch0',
      'b:epoch0',
      'a:batch1',
      'b:batch1',
      'a:epoch1',
      'b:epoch1',
      'a:end',
      'b:end',
    ]);
    m.dispose();
  });

  it("runs early stopping before the caller's onTrainEnd, which sees the best weights and epoch", async () => {
    const m = denseStudent(4, 0, 1, 4);
    const atEpochEnd: number[][] = [];
    let seen: { bestEpoch: number; weights: number[] } | undefined;
    await distill({
      runtime,
      teacher: teacherFn,
      student: m,
      data: { x: data.x, y: data.y },
      epochs: 6,
      batchSize: 10,
      optimizer: tf.train.sgd(0.5),
      // The loss falls every epoch, so in 'max' mode epoch 0 stays the best.
      earlyStopping: { monitor: 'loss', mode: 'max', patience: 2 },
      callbacks: {
        onEpochEnd: () => void atEpochEnd.push(Array.from(m.getWeights()[0]!.dataSync())),
        onTrainEnd: (result) =>
          void (seen = { bestEpoch: result.bestEpoch, weights: Array.from(m.getWeights()[0]!.dataSync()) }),
      },
    });
    expect(seen).toEqual({ bestEpoch: 0, weights: atEpochEnd[0] });
    m.dispose();
  });
});
