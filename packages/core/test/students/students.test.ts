import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { customStudent, isKdError, layersStudent, type KdRuntime } from '../../src/index.js';
import { denseStudent } from '../helpers/fixtures.js';

let runtime: KdRuntime;
beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});

function logistic(seed: number) {
  const w = tf.variable(tf.randomNormal([3, 1], 0, 1, 'float32', seed), true, `w${seed}_${Math.random()}`);
  const b = tf.variable(tf.scalar(seed), true, `b${seed}_${Math.random()}`);
  const count = tf.variable(tf.scalar(0), false, `n${seed}_${Math.random()}`);
  const variables = { w, b, count };
  return {
    variables,
    student: customStudent({
      name: 'logistic',
      output: 'logits',
      variables,
      forward: (x) => tf.add(tf.matMul(x, w), b),
    }),
  };
}

describe('students', () => {
  it('layers students report parameters and weight bytes, and save/load through a runtime store', async () => {
    const model = denseStudent(4, 3, 1, 1);
    const s = layersStudent(model);
    expect(s.output).toBe('logits');
    expect(s.countParams()).toBe(4 * 3 + 3 + 3 + 1);
    expect(s.weightBytes()).toBe(19 * 4);
    await s.save(runtime.models.saveHandler('student'));
    const loaded = await tfl.loadLayersModel(runtime.models.loadHandler('student'));
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const p1 = model.predict(x) as tf.Tensor;
    const p2 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(await p2.data())).toEqual(Array.from(await p1.data()));
    tf.dispose([x, p1, p2]);
    model.dispose();
    loaded.dispose();
  });

  it('custom students save by name and load back, trainable and not', async () => {
    const a = logistic(1);
    const b = logistic(2);
    expect(a.student.trainableVariables()).toHaveLength(2);
    expect(a.student.countParams()).toBe(5);
    await a.student.save(runtime.models.saveHandler('custom'));
    await b.student.loadWeights(runtime.models.loadHandler('custom'));
    for (const k of ['w', 'b', 'count'] as const) {
      expect(Array.from(await b.variables[k].data())).toEqual(Array.from(await a.variables[k].data()));
    }
    a.student.dispose();
    b.student.dispose();
  });

  it('a mismatching saved student leaves the target untouched', async () => {
    const a = logistic(3);
    await a.student.save(runtime.models.saveHandler('three'));
    const w = tf.variable(tf.zeros([5, 1]), true, `w_other_${Math.random()}`);
    const other = customStudent({ name: 'other', output: 'logits', variables: { w }, forward: (x) => tf.matMul(x, w) });
    const err = await other.loadWeights(runtime.models.loadHandler('three')).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_SHAPE_MISMATCH')).toBe(true);
    expect(Array.from(await w.data())).toEqual([0, 0, 0, 0, 0]);
    a.student.dispose();
    other.dispose();
  });

  it('rejects what is not a student', () => {
    expect(() => customStudent({ name: 'x', output: 'logits', variables: {}, forward: (x) => x })).toThrow(
      /no variables/,
    );
    expect(() =>
      customStudent({ name: 'x', output: 'logits', variables: { w: tf.zeros([1]) as never }, forward: (x) => x }),
    ).toThrow(/tf.variable/);
    expect(() => layersStudent({} as never)).toThrow(/LayersModel/);
  });
});
