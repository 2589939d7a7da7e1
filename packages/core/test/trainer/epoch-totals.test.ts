import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EpochTotals } from '../../src/trainer/epoch-totals.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Step i's loss parts: distinct, exactly representable values. */
const partsOf = (i: number) => [1 + i / 8, 2 + i / 16, 3 + i / 32];
const rowsOf = (i: number) => 16 + (i % 5);

describe('EpochTotals across several groups of steps', () => {
  it('sums the finite steps row-weighted, counts pinned rows, and finds the first bad step past a group boundary', async () => {
    const before = tf.memory().numTensors;
    const totals = new EpochTotals();
    const bad = new Set([45, 50]);
    const sums = [0, 0, 0];
    let rows = 0;
    for (let i = 0; i < 70; i++) {
      const [c, h, s] = partsOf(i);
      totals.add(
        {
          cost: tf.scalar(bad.has(i) ? NaN : c!),
          parts: tf.tensor2d([[h!, bad.has(i) ? Infinity : s!]]),
          ...(i % 3 === 0 ? { pinned: tf.scalar(1) } : {}),
        },
        rowsOf(i),
        i,
      );
      if (!bad.has(i)) {
        [c!, h!, s!].forEach((v, k) => (sums[k]! += v * rowsOf(i)));
        rows += rowsOf(i);
      }
    }
    const read = await totals.read();
    totals.dispose();
    expect(read.rows).toBe(rows);
    read.means.forEach((m, k) => expect(m).toBeCloseTo(sums[k]! / rows, 5));
    expect(read.firstBadBatch).toBe(45);
    expect(read.pinnedRows).toBe(24);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('continues from raw totals exactly as from the totals they came from', async () => {
    const a = new EpochTotals();
    for (let i = 0; i < 40; i++) {
      const [c, h, s] = partsOf(i);
      a.add({ cost: tf.scalar(c!), parts: tf.tensor2d([[h!, s!]]) }, rowsOf(i), i);
    }
    const first = await a.read();
    a.dispose();
    const b = new EpochTotals(first.raw);
    b.add({ cost: tf.scalar(NaN), parts: tf.tensor2d([[1, 1]]) }, 8, 40);
    const second = await b.read();
    b.dispose();
    expect(second.rows).toBe(first.rows);
    expect(second.means).toEqual(first.means);
    expect(second.firstBadBatch).toBe(40);
  });

  it("weighs the hard part by each step's labelled rows, the rest by all its rows", async () => {
    const totals = new EpochTotals();
    // [rows, labelled]: a step without labelled rows (hard 0) must not pull the hard mean down.
    const steps = [
      [10, 4],
      [8, 0],
      [12, 12],
    ] as const;
    let cost = 0;
    let hard = 0;
    let soft = 0;
    steps.forEach(([rows, labelled], i) => {
      const [c, h, s] = partsOf(i);
      const hi = labelled === 0 ? 0 : h!;
      totals.add({ cost: tf.scalar(c!), parts: tf.tensor2d([[hi, s!]]) }, rows, i, labelled);
      cost += c! * rows;
      hard += hi * labelled;
      soft += s! * rows;
    });
    const read = await totals.read();
    totals.dispose();
    expect(read.rows).toBe(30);
    expect(read.labelledRows).toBe(16);
    expect(read.means[0]).toBeCloseTo(cost / 30, 6);
    expect(read.means[1]).toBeCloseTo(hard / 16, 6);
    expect(read.means[2]).toBeCloseTo(soft / 30, 6);
  });

  it('reads totals saved before the labelled-rows slot as all rows labelled', async () => {
    // [cost, hard, soft] sums, rows, pinned, first bad step: the six slots of older checkpoints.
    const old = Float32Array.of(20, 10, 30, 10, 0, -1);
    const totals = new EpochTotals(old);
    totals.add({ cost: tf.scalar(1), parts: tf.tensor2d([[2, 3]]) }, 10, 5);
    const read = await totals.read();
    totals.dispose();
    expect(read.labelledRows).toBe(20);
    expect(read.means).toEqual([30 / 20, 30 / 20, 60 / 20]);
  });
});
