import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { isKdError, searchAlpha, teacher, type KdRuntime, type SearchAlphaOptions } from '../../src/index.js';
import { stackStudents } from '../../src/search/stack-students.js';
import type { StackedStudents } from '../../src/search/stacked.js';

const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed });
/** Non-zero biases, so that a bias in the wrong place shows. */
const biases = (seed: number) => tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });

/**
 * Three convolutions (the first on the shared input, two grouped), every pooling, Flatten,
 * Dropout and two Dense layers: each kind of stacked layer, with strides, both paddings and a
 * convolution without bias. 9×12 images end as 3×2×5 before Flatten, so a Flatten that took
 * height and width (or students and channels) in another order would show.
 */
function convStudent(seed: number, extra: tfl.layers.Layer[] = []): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [9, 12, 2],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        kernelInitializer: seeded(seed),
        biasInitializer: biases(seed + 1),
      }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
      tfl.layers.conv2d({
        filters: 3,
        kernelSize: [2, 3],
        padding: 'valid',
        activation: 'relu',
        kernelInitializer: seeded(seed + 2),
        biasInitializer: biases(seed + 3),
      }),
      tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'valid' }),
      tfl.layers.conv2d({
        filters: 5,
        kernelSize: 2,
        strides: [1, 2],
        padding: 'same',
        useBias: false,
        activation: 'tanh',
        kernelInitializer: seeded(seed + 4),
      }),
      ...extra,
      tfl.layers.flatten(),
      tfl.layers.dropout({ rate: 0.4 }),
      tfl.layers.dense({
        units: 6,
        activation: 'elu',
        kernelInitializer: seeded(seed + 5),
        biasInitializer: biases(seed + 6),
      }),
      tfl.layers.dense({ units: 1, kernelInitializer: seeded(seed + 7), biasInitializer: biases(seed + 8) }),
    ],
  });
}

function stack(models: tfl.LayersModel[]): StackedStudents {
  const stacked = stackStudents(models, 'logits');
  if (typeof stacked === 'string') throw new Error(stacked);
  return stacked;
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('stacked conv students', () => {
  it('run forward and backward as the separate students do, and write their weights back', () => {
    const models = [11, 22, 33].map((s) => convStudent(s));
    const before = tf.memory().numTensors;
    const stacked = stack(models);
    const x = tf.randomNormal([5, 9, 12, 2], 0, 1, 'float32', 3);
    // A different weight per student and row, so the loss of each student is its own.
    const w = tf.randomNormal([3, 5, 1], 0, 1, 'float32', 4);

    tf.tidy(() => {
      const z = stacked.apply(x, false);
      expect(z.shape).toEqual([3, 5, 1]);
      models.forEach((m, k) => {
        const own = m.predict(x) as tf.Tensor;
        expect(maxAbsDiff(tf.squeeze(tf.slice(z, [k, 0, 0], [1, -1, -1]), [0]), own)).toBeLessThan(1e-5);
      });

      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(stacked.apply(x, false), w)) as tf.Scalar,
        stacked.variables,
      );
      const stackedGrads = stacked.variables.map((v) => grads[v.name]!);
      models.forEach((m, k) => {
        const vars = m.trainableWeights.map((t) => t.read() as tf.Variable);
        const own = tf.variableGrads(
          () =>
            tf.sum(
              tf.mul(m.apply(x, { training: false }) as tf.Tensor, tf.slice(w, [k, 0, 0], [1, -1, -1])),
            ) as tf.Scalar,
          vars,
        ).grads;
        const mine = stacked.split(stackedGrads, k);
        expect(mine.map((g) => g.shape)).toEqual(vars.map((v) => v.shape));
        mine.forEach((g, i) => {
          const scale = Math.max(1, tf.max(tf.abs(own[vars[i]!.name]!)).dataSync()[0]!);
          expect(maxAbsDiff(g, own[vars[i]!.name]!) / scale).toBeLessThan(1e-5);
        });
      });
    });

    // combine is split's inverse, and it stacks the models' own weights.
    tf.tidy(() => {
      const again = stacked.combine(models.map((m) => m.getWeights()));
      again.forEach((t, i) => expect(maxAbsDiff(t, stacked.variables[i]!)).toBe(0));
    });

    // Change the stacked weights, write them back: each model now computes what its slice does.
    tf.tidy(() => stacked.variables.forEach((v, i) => v.assign(tf.randomNormal(v.shape, 0, 0.3, 'float32', 50 + i))));
    stacked.writeBack();
    tf.tidy(() => {
      const z = stacked.apply(x, false);
      models.forEach((m, k) => {
        expect(
          maxAbsDiff(tf.squeeze(tf.slice(z, [k, 0, 0], [1, -1, -1]), [0]), m.predict(x) as tf.Tensor),
        ).toBeLessThan(1e-5);
      });
    });
    stacked.dispose();
    tf.dispose([x, w]);
    expect(tf.memory().numTensors).toBe(before);
    models.forEach((m) => m.dispose());
  });

  it('gives each student its own dropout masks after its first weighted layer', () => {
    // Three copies of one student: without dropout their outputs are equal; with it they differ.
    const models = [7, 7, 7].map((s) => convStudent(s));
    const stacked = stack(models);
    const x = tf.randomNormal([4, 9, 12, 2], 0, 1, 'float32', 5);
    tf.tidy(() => {
      const off = stacked.apply(x, false);
      const on = stacked.apply(x, true);
      const slice = (t: tf.Tensor, k: number) => tf.slice(t, [k, 0, 0], [1, -1, -1]);
      expect(maxAbsDiff(slice(off, 0), slice(off, 1))).toBe(0);
      expect(maxAbsDiff(slice(on, 0), slice(on, 1))).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(slice(on, 1), slice(on, 2))).toBeGreaterThan(1e-3);
    });
    stacked.dispose();
    x.dispose();
    models.forEach((m) => m.dispose());
  });

  it('stacks a single student, global pooling, and a dense student without biases', () => {
    const x = tf.randomNormal([3, 9, 9, 2], 0, 1, 'float32', 6);
    const pooled = (seed: number) =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: [9, 9, 2], filters: 3, kernelSize: 3, kernelInitializer: seeded(seed) }),
          tfl.layers.conv2d({ filters: 2, kernelSize: 3, kernelInitializer: seeded(seed + 1) }),
          tfl.layers.globalAveragePooling2d({}),
          tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: seeded(seed + 2) }),
        ],
      });
    const noBias = (seed: number) =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ inputShape: [6], units: 4, useBias: false, kernelInitializer: seeded(seed) }),
          tfl.layers.dense({ units: 1, useBias: false, kernelInitializer: seeded(seed + 1) }),
        ],
      });
    const flat = tf.randomNormal([3, 6], 0, 1, 'float32', 7);
    const wide = tf.randomNormal([3, 9, 12, 2], 0, 1, 'float32', 8);
    for (const [models, input, output] of [
      [[convStudent(1)], wide, 'logits'],
      [[pooled(1), pooled(2)], x, 'probabilities'],
      [[noBias(1), noBias(2)], flat, 'logits'],
    ] as const) {
      const stacked = stackStudents([...models], output);
      if (typeof stacked === 'string') throw new Error(stacked);
      tf.tidy(() => {
        const z = stacked.apply(input, false);
        models.forEach((m, k) =>
          expect(
            maxAbsDiff(tf.squeeze(tf.slice(z, [k, 0, 0], [1, -1, -1]), [0]), m.predict(input) as tf.Tensor),
          ).toBeLessThan(1e-5),
        );
      });
      stacked.dispose();
      models.forEach((m) => m.dispose());
    }
    tf.dispose([x, flat, wide]);
  });

  it('says why a student cannot be stacked, leaving nothing behind', () => {
    const before = tf.memory().numTensors;
    const cases: Array<[tfl.LayersModel[], RegExp]> = [
      [
        [0, 1].map((s) => convStudent(s, [tfl.layers.batchNormalization({})])),
        /BatchNormalization layers cannot be stacked/,
      ],
      [[convStudent(0), convStudent(1, [tfl.layers.leakyReLU({ alpha: 0.1 })])], /same layers/],
      [
        [0, 1].map((s) =>
          tfl.sequential({
            layers: [
              tfl.layers.conv2d({
                inputShape: [9, 9, 2],
                filters: 2,
                kernelSize: 3,
                dilationRate: 2,
                kernelInitializer: seeded(s),
              }),
              tfl.layers.flatten(),
              tfl.layers.dense({ units: 1 }),
            ],
          }),
        ),
        /dilated/,
      ],
      [
        [0, 1].map(() =>
          tfl.sequential({
            layers: [
              tfl.layers.conv2d({ inputShape: [9, 9, 2], filters: 2, kernelSize: 3 }),
              tfl.layers.flatten(),
              tfl.layers.dense({ units: 2 }),
            ],
          }),
        ),
        /one output unit/,
      ],
    ];
    for (const [models, why] of cases) {
      const tensors = tf.memory().numTensors;
      const refusal = stackStudents(models, 'logits');
      expect(refusal).toMatch(why);
      expect(tf.memory().numTensors).toBe(tensors);
      models.forEach((m) => m.dispose());
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('searchAlpha({ parallel: true }) on conv students', () => {
  let runtime: KdRuntime;
  const rows = (n: number, seed: number) => {
    const x = tf.randomUniform([n, 6, 6, 1], 0, 1, 'float32', seed);
    const y = tf.tidy(() =>
      tf.cast(tf.greater(tf.sum(tf.slice(x, [0, 0, 0, 0], [-1, 3, -1, -1]), [1, 2, 3]), 9), 'float32'),
    );
    return { x, y };
  };
  const train = rows(70, 1);
  const val = rows(30, 2);
  const t = teacher(
    (x) =>
      tf.tidy(() =>
        tf.reshape(tf.mul(tf.sub(tf.sum(tf.slice(x, [0, 0, 0, 0], [-1, 3, -1, -1]), [1, 2, 3]), 9), 0.7), [-1, 1]),
      ),
    { output: 'logits', id: 'conv-parallel-test' },
  );
  /** The Keras example's student, shrunk: conv, LeakyReLU, max pooling, conv, Flatten, Dense. */
  const student = (seed: number) =>
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [6, 6, 1],
          filters: 3,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          kernelInitializer: seeded(seed),
        }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tfl.layers.conv2d({
          filters: 4,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          kernelInitializer: seeded(seed + 1),
        }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1, kernelInitializer: seeded(seed + 2) }),
      ],
    });
  const options = (extra: Partial<SearchAlphaOptions> = {}): SearchAlphaOptions => ({
    runtime,
    teacher: t,
    data: train,
    validation: val,
    makeStudent: student,
    makeOptimizer: () => tf.train.adam(0.02),
    alphas: [0, 0.5, 1],
    seeds: [0, 1],
    epochs: 2,
    // 70 rows in batches of 16: the last batch of every epoch is short.
    batchSize: 16,
    metric: 'val_loss',
    select: 'last',
    deadRun: false,
    ...extra,
  });
  beforeAll(async () => {
    runtime = cpuRuntime();
    await runtime.init();
  });
  afterAll(() => tf.dispose([train.x, train.y, val.x, val.y]));

  it('gives every (α, seed) the validation loss its sequential run gives, without leaking', async () => {
    const sequential = await searchAlpha(options());
    const before = tf.memory().numTensors;
    const parallel = await searchAlpha(options({ parallel: true }));
    expect(tf.memory().numTensors).toBe(before);
    expect(parallel.runs.map((r) => [r.alpha, r.seed, r.epochs])).toEqual(
      sequential.runs.map((r) => [r.alpha, r.seed, r.epochs]),
    );
    parallel.runs.forEach((r, i) => {
      const expected = sequential.runs[i]!.value;
      expect(Math.abs(r.value - expected)).toBeLessThanOrEqual(1e-4 * Math.abs(expected));
    });
    expect(new Set(sequential.runs.map((r) => r.value.toFixed(6))).size).toBe(sequential.runs.length);
    expect(parallel.best.alpha).toBe(sequential.best.alpha);
  });

  it('halves conv students as the sequential halving does, the survivor restacked with its optimizer state', async () => {
    const halving = { successiveHalving: { eta: 3, minEpochs: 1 } };
    const sequential = await searchAlpha(options(halving));
    const before = tf.memory().numTensors;
    const parallel = await searchAlpha(options({ ...halving, parallel: true }));
    expect(tf.memory().numTensors).toBe(before);
    // 3 settings, eta 3: one goes on to the second epoch.
    expect(parallel.halving?.rungs).toEqual([
      { epochs: 1, settings: 3, kept: 1 },
      { epochs: 2, settings: 1, kept: 1 },
    ]);
    expect(parallel.runs.map((r) => [r.alpha, r.seed, r.epochs, r.droppedAtRung])).toEqual(
      sequential.runs.map((r) => [r.alpha, r.seed, r.epochs, r.droppedAtRung]),
    );
    parallel.runs.forEach((r, i) => {
      const expected = sequential.runs[i]!.value;
      expect(Math.abs(r.value - expected)).toBeLessThanOrEqual(1e-4 * Math.abs(expected));
    });
    expect(parallel.halving?.epochsTrained).toBe((3 * 1 + 1 * 1) * 2);
  });

  it('refuses a student with a layer it cannot stack before training, with KD_INVALID_ARGUMENT', async () => {
    let built = 0;
    const error = await searchAlpha(
      options({
        parallel: true,
        makeStudent: (seed) => {
          built++;
          return tfl.sequential({
            layers: [
              tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, kernelInitializer: seeded(seed) }),
              tfl.layers.batchNormalization({}),
              tfl.layers.flatten(),
              tfl.layers.dense({ units: 1, kernelInitializer: seeded(seed + 1) }),
            ],
          });
        },
      }),
    ).catch((e: unknown) => e);
    expect(isKdError(error) && error.code).toBe('KD_INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(/parallel: true.*BatchNormalization layers cannot be stacked/);
    // The probe student and one seed's students: nothing trained.
    expect(built).toBe(1 + 3);
  });
});
