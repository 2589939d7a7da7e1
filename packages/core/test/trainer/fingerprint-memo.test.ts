import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprintData } from '../../src/teachers/teacher-outputs.js';
import { prepareLabeled } from '../../src/trainer/prepare-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const fingerprint = async (x: tf.Tensor, y: tf.Tensor) => {
  const prepared = await prepareLabeled({ x, y }, 1, 'data', { fingerprint: true });
  tf.dispose(prepared.owned);
  return prepared.fingerprint!;
};

describe('data fingerprints remembered per tensor', () => {
  it('are the hash of the values, for a tensor hashed again', async () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const y = tf.tensor1d([0, 1, 0]);
    const expected = await fingerprintData(x);
    expect(await fingerprint(x, y)).toBe(expected);
    expect(await fingerprint(x, y)).toBe(expected);
    tf.dispose([x, y]);
  });

  it('follow a Variable whose values were reassigned', async () => {
    const v = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]));
    const y = tf.tensor1d([0, 1, 0]);
    const first = await fingerprint(v, y);
    const other = tf.tensor2d([6, 5, 4, 3, 2, 1], [3, 2]);
    v.assign(other);
    const second = await fingerprint(v, y);
    expect(second).not.toBe(first);
    expect(second).toBe(await fingerprintData(other));
    tf.dispose([v, y, other]);
  });
});
