import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { distill, streamingData, teacher, type KdRuntime } from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(120);
let teacherId = 0;

function countingTeacher() {
  let calls = 0;
  const t = teacher(
    (x) => {
      calls++;
      return tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]]));
    },
    { output: 'logits', id: `abort-teacher-${++teacherId}` },
  );
  return { t, calls: () => calls };
}

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y]));

describe('aborting a run', () => {
  it('stops the pass over a stream before training, resolving with aborted: true', async () => {
    const controller = new AbortController();
    let passes = 0;
    let pulled = 0;
    let open = 0;
    const stream = streamingData(
      async function* () {
        passes++;
        open++;
        try {
          for (let s = 0; s < 120; s += 20) {
            pulled++;
            if (pulled === 3) controller.abort();
            yield { x: tf.slice(data.x, s, 20), y: tf.slice(data.y, s, 20) };
          }
        } finally {
          open--;
        }
      },
      { featureShape: [4] },
    );
    const m = denseStudent(4, 0, 1, 8);
    const weights = Array.from(m.getWeights()[0]!.dataSync());
    const counting = countingTeacher();
    let began = false;
    const before = tf.memory().numTensors;
    const r = await distill({
      runtime,
      teacher: counting.t,
      student: m,
      data: stream,
      epochs: 3,
      signal: controller.signal,
      callbacks: { onTrainBegin: () => void (began = true) },
    });
    expect(r).toMatchObject({ aborted: true, history: [], stoppedEarly: false });
    // The pass stopped at the batch after the abort: no epoch began, the teacher saw two batches.
    expect(passes).toBe(1);
    expect(pulled).toBe(3);
    expect(counting.calls()).toBe(2);
    expect(open).toBe(0);
    expect(began).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(m.getWeights()[0]!.dataSync())).toEqual(weights);
    m.dispose();
  });

  it('with a signal aborted before the call, resolves at once without running the teacher', async () => {
    const counting = countingTeacher();
    const m = denseStudent(4, 0, 1, 9);
    const before = tf.memory().numTensors;
    const r = await distill({
      runtime,
      teacher: counting.t,
      student: m,
      data: { x: data.x, y: data.y },
      epochs: 2,
      signal: AbortSignal.abort(),
    });
    expect(r).toMatchObject({ aborted: true, history: [], bestEpoch: -1 });
    expect(counting.calls()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
