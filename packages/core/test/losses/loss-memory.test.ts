import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryDistillationLoss,
  binaryDistillationLossFromLogits,
  softmaxDistillationLoss,
  type LossParts,
  type LossReduction,
} from '../../src/losses/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const reductions: LossReduction[] = ['mean', 'sum', 'none'];

function disposeParts(parts: LossParts<tf.Tensor>): void {
  tf.dispose([parts.total, parts.hard, parts.soft]);
}

describe('losses and memory', () => {
  it('leave exactly their three results behind, for every loss, option and reduction', () => {
    const y = tf.tensor1d([1, 0, 1, 1]);
    const tP = tf.tensor1d([0.8, 0.3, 0, 1]);
    const sP = tf.tensor2d([0.6, 0.5, 0.2, 0.9], [4, 1]);
    const tZ = tf.tensor1d([2, -1, 0.5, 4]);
    const sZ = tf.tensor1d([1, 0, -1, 2]);
    const w = tf.tensor1d([1, 2, 0, 1]);
    const labels = tf.tensor1d([0, 2, 1, 1], 'int32');
    const tK = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 1],
      [2, 1, 0],
      [-1, 0, 1],
    ]);
    const pK = tf.softmax(tK);
    const sK = tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
      [0.5, 0.5, 0],
    ]);

    const calls: Array<(r: LossReduction) => LossParts<tf.Tensor>> = [
      (reduction) => binaryDistillationLoss({ yTrue: y, teacher: tP, student: sP, alpha: 0.3, reduction }),
      (reduction) =>
        binaryDistillationLoss({
          yTrue: y,
          teacher: tZ,
          teacherKind: 'logits',
          student: sP,
          alpha: 0.3,
          reduction,
          sampleWeight: w,
          checkValues: true,
        }),
      (reduction) => binaryDistillationLossFromLogits({ yTrue: y, teacher: tZ, student: sZ, alpha: 0.3, reduction }),
      (reduction) =>
        binaryDistillationLossFromLogits({
          yTrue: y,
          teacher: tP,
          teacherKind: 'probabilities',
          student: sZ,
          alpha: 0.3,
          temperature: 3,
          reduction,
          sampleWeight: w,
        }),
      (reduction) =>
        softmaxDistillationLoss({
          yTrue: labels,
          teacher: tK,
          student: sK,
          alpha: 0.3,
          temperature: 2,
          reduction,
          checkValues: true,
        }),
      (reduction) =>
        softmaxDistillationLoss({
          yTrue: labels,
          teacher: pK,
          teacherKind: 'probabilities',
          student: sK,
          alpha: 0.3,
          reduction,
          sampleWeight: w,
        }),
      (reduction) =>
        softmaxDistillationLoss({
          yTrue: labels,
          teacher: pK,
          teacherKind: 'probabilities',
          student: sK,
          alpha: 0.3,
          temperature: 4,
          reduction,
        }),
    ];
    for (const call of calls) {
      for (const reduction of reductions) {
        const before = tf.memory().numTensors;
        const parts = call(reduction);
        expect(tf.memory().numTensors).toBe(before + 3);
        expect(parts.total.shape).toEqual(reduction === 'none' ? [4] : []);
        disposeParts(parts);
        expect(tf.memory().numTensors).toBe(before);
      }
    }
    tf.dispose([y, tP, sP, tZ, sZ, w, labels, tK, pK, sK]);
  });

  it('survive an enclosing tf.tidy when returned from it, and are freed by it otherwise', () => {
    const y = tf.tensor1d([1, 0]);
    const t = tf.tensor1d([0.5, -0.5]);
    const s = tf.tensor1d([0.1, 0.2]);
    const before = tf.memory().numTensors;
    const total = tf.tidy(
      () => binaryDistillationLossFromLogits({ yTrue: y, teacher: t, student: s, alpha: 0.5, temperature: 2 }).total,
    );
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Number.isFinite(total.dataSync()[0])).toBe(true);
    total.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, t, s]);
  });

  it('train a student inside optimizer.minimize without leaking, and lower the loss', () => {
    const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
    const teacher = tf.tensor2d([
      [3, 0, -1],
      [0, 2, 0],
      [-1, 0, 3],
      [0, 3, 1],
    ]);
    const features = tf.tensor2d([
      [1, 0],
      [0, 1],
      [-1, 0],
      [0.5, 1],
    ]);
    const kernel = tf.variable(tf.zeros([2, 3]));
    const optimizer = tf.train.sgd(0.5);
    const step = () =>
      optimizer.minimize(
        () =>
          softmaxDistillationLoss({
            yTrue: labels,
            teacher,
            student: tf.matMul(features, kernel),
            alpha: 0.2,
            temperature: 2,
          }).total,
        true,
      )!;

    const first = step();
    const firstValue = first.dataSync()[0]!;
    first.dispose();
    const before = tf.memory().numTensors;
    let last = Infinity;
    for (let i = 0; i < 20; i++) {
      const loss = step();
      last = loss.dataSync()[0]!;
      loss.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(firstValue);
    tf.dispose([labels, teacher, features, kernel]);
    optimizer.dispose();
  });

  it('backpropagate through a student computed inside the closure, as a model output is', () => {
    // A loss built on tf.logSigmoid fails here: its gradient reads an input the loss's tidy freed.
    const features = tf.tensor2d([
      [1, 2],
      [3, -1],
      [-2, 0.5],
    ]);
    const kernel = tf.variable(tf.tensor2d([[0.1], [-0.2]]));
    const y = tf.tensor2d([1, 0, 1], [3, 1]);
    const t = tf.tensor2d([2, -1, 0.5], [3, 1]);
    for (const temperature of [1, 3]) {
      const { value, grads } = tf.variableGrads(
        () =>
          binaryDistillationLossFromLogits({
            yTrue: y,
            teacher: t,
            student: tf.matMul(features, kernel),
            alpha: 0.4,
            temperature,
          }).total,
        [kernel],
      );
      const g = grads[kernel.name]!;
      expect(g.shape).toEqual([2, 1]);
      expect(Array.from(g.dataSync()).every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
      tf.dispose([value, g]);
    }
    tf.dispose([features, kernel, y, t]);
  });

  it('give gradients through tf.variableGrads for all three losses, without leaking', () => {
    const student = tf.variable(tf.tensor1d([0.3, -0.2, 0.9]));
    const probs = tf.variable(tf.tensor1d([0.3, 0.6, 0.9]));
    const multi = tf.variable(
      tf.tensor2d([
        [0.1, 0.2],
        [0.3, -0.4],
        [1, 0],
      ]),
    );
    const y = tf.tensor1d([1, 0, 1]);
    const t = tf.tensor1d([0.7, 0.2, 0.9]);
    const tK = tf.tensor2d([
      [1, 0],
      [0, 1],
      [2, -2],
    ]);
    const before = tf.memory().numTensors;
    const results = [
      tf.variableGrads(
        () =>
          binaryDistillationLossFromLogits({
            yTrue: y,
            teacher: t,
            teacherKind: 'probabilities',
            student,
            alpha: 0.4,
            temperature: 2,
          }).total,
        [student],
      ),
      tf.variableGrads(
        () => binaryDistillationLoss({ yTrue: y, teacher: t, student: probs, alpha: 0.4 }).total,
        [probs],
      ),
      tf.variableGrads(
        () => softmaxDistillationLoss({ yTrue: y, teacher: tK, student: multi, alpha: 0.4 }).total,
        [multi],
      ),
    ];
    for (const { value, grads } of results) {
      const g = Object.values(grads)[0]!;
      expect(Array.from(g.dataSync()).some((v) => v !== 0)).toBe(true);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([student, probs, multi, y, t, tK]);
  });
});
