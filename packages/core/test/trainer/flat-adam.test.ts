import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { isKdError } from '../../src/index.js';
import { FlatAdamOptimizer } from '../../src/trainer/flat-adam.js';
import { mulberry32 } from '../../src/util/random.js';

beforeAll(async () => {
  await cpuRuntime().init();
});

/** Shapes of every rank a model has: a kernel, a bias, a conv-like kernel, a scalar, a column. */
const SHAPES = [[3, 4], [4], [2, 3, 2], [], [5, 1]];

type Named = { name: string; tensor: tf.Tensor | null };

/** One model's variables, the same seeded values for every call. */
function variables(tag: string, shapes = SHAPES): tf.Variable[] {
  const random = mulberry32(3);
  return shapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: size }, () => random() * 2 - 1);
    return tf.tidy(() => tf.variable(tf.tensor(values, shape), true, `${tag}/w${i}`));
  });
}

/** Step `step`'s gradients, the same for every model; `skip` lists positions whose gradient is null. */
function gradients(vars: tf.Variable[], step: number, skip: number[] = []): Named[] {
  const random = mulberry32(100 + step);
  return vars.map((v, i) => ({
    name: v.name,
    tensor: skip.includes(i)
      ? null
      : tf.tensor(
          Array.from({ length: v.size }, () => (random() * 2 - 1) * 10 ** (i - 2)),
          v.shape,
        ),
  }));
}

const valuesOf = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

const reference = (lr = 0.01) => tf.train.adam(lr, 0.9, 0.999, 1e-7);
const flatAdam = (lr = 0.01) => new FlatAdamOptimizer(lr, 0.9, 0.999, 1e-7);

/** Applies the same steps to two copies of the variables, one per optimizer, and returns both. */
function run(
  steps: Array<{ skip?: number[]; learningRate?: number; assign?: boolean }>,
  shapes = SHAPES,
): { tfjs: tf.Variable[]; flat: tf.Variable[]; a: tf.Optimizer; b: tf.Optimizer } {
  const tfjs = variables('ref', shapes);
  const flat = variables('flat', shapes);
  const a = reference();
  const b = flatAdam();
  steps.forEach(({ skip, learningRate, assign }, step) => {
    for (const [opt, vars] of [
      [a, tfjs],
      [b, flat],
    ] as const) {
      // Something else writing a variable between steps (a restore of best weights, say).
      if (assign) tf.tidy(() => vars[1]!.assign(tf.mul(vars[1]!, 0.5)));
      if (learningRate !== undefined) (opt as unknown as { learningRate: number }).learningRate = learningRate;
      const g = gradients(vars, step, skip);
      opt.applyGradients(g as Array<{ name: string; tensor: tf.Tensor }>);
      tf.dispose(g.map((n) => n.tensor).filter((t): t is tf.Tensor => t !== null));
    }
  });
  return { tfjs, flat, a, b };
}

function free(r: ReturnType<typeof run>): void {
  r.a.dispose();
  r.b.dispose();
  tf.dispose([...r.tfjs, ...r.flat]);
}

describe('FlatAdamOptimizer', () => {
  it('gives bit for bit the weights of tf.train.adam(lr, 0.9, 0.999, 1e-7) over several steps', () => {
    const before = tf.memory().numTensors;
    const initial = variables('initial');
    const start = valuesOf(initial);
    tf.dispose(initial);
    const r = run(Array.from({ length: 6 }, () => ({})));
    expect(valuesOf(r.flat)).toEqual(valuesOf(r.tfjs));
    // Not trivially: the weights moved.
    expect(valuesOf(r.flat)).not.toEqual(start);
    expect(r.b.iterations).toBe(6);
    free(r);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves a variable with a null gradient as it is, as tfjs does, and stays exact afterwards', () => {
    const r = run([{}, { skip: [1] }, {}, { skip: [0, 4] }, {}]);
    expect(valuesOf(r.flat)).toEqual(valuesOf(r.tfjs));
    free(r);
  });

  it('a null gradient on the first step still makes the slot (zeros), as tfjs does', async () => {
    const r = run([{ skip: [2] }, {}, {}]);
    expect(valuesOf(r.flat)).toEqual(valuesOf(r.tfjs));
    const [wa, wb] = [await r.a.getWeights(), await r.b.getWeights()];
    expect(wb.map((w) => w.name)).toEqual(wa.map((w) => w.name.replace('ref/', 'flat/')));
    expect(valuesOf(wb.map((w) => w.tensor))).toEqual(valuesOf(wa.map((w) => w.tensor)));
    tf.dispose([wa[0]!.tensor, ...wb.map((w) => w.tensor)]);
    free(r);
  });

  it('sees a variable assigned by something else between steps', () => {
    const r = run([{}, {}, { assign: true }, {}, {}]);
    expect(valuesOf(r.flat)).toEqual(valuesOf(r.tfjs));
    free(r);
  });

  it('follows a change of learning rate between steps exactly', () => {
    const r = run([{}, {}, { learningRate: 0.003 }, {}, { learningRate: 0.05 }]);
    expect(valuesOf(r.flat)).toEqual(valuesOf(r.tfjs));
    free(r);
  });

  it('minimize (gradients as a map, all trainable variables) gives the same weights as tfjs', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([
      [1, -2, 0.5],
      [0.3, 0.1, -1],
    ]);
    const result: number[][][] = [];
    for (const make of [reference, flatAdam]) {
      const [w, b] = variables(make === reference ? 'mr' : 'mf', [[3, 4], [4]]) as [tf.Variable, tf.Variable];
      const opt = make(0.05);
      for (let s = 0; s < 5; s++)
        opt.minimize(() => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), 1))) as tf.Scalar, false, [w, b]);
      for (let s = 0; s < 3; s++) opt.minimize(() => tf.sum(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar);
      result.push(valuesOf([w, b]));
      opt.dispose();
      tf.dispose([w, b]);
    }
    expect(result[1]).toEqual(result[0]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('calls far fewer kernels per step than tf.train.adam for four variables', async () => {
    const shapes = [[784, 8], [8], [8, 1], [1]];
    const count = async (opt: tf.Optimizer, tag: string) => {
      const vars = variables(tag, shapes);
      const [g0, g1, g] = [0, 1, 2].map((s) => gradients(vars, s) as Array<{ name: string; tensor: tf.Tensor }>);
      opt.applyGradients(g0!); // the slots made
      opt.applyGradients(g1!); // the first flat step
      const profile = await tf.profile(() => opt.applyGradients(g!));
      tf.dispose([...vars, ...[g0!, g1!, g!].flatMap((gs) => gs.map((n) => n.tensor))]);
      opt.dispose();
      return profile.kernels.length;
    };
    const tfjs = await count(reference(), 'kr');
    const flat = await count(flatAdam(), 'kf');
    // tfjs: 14 per variable and 4 for the β powers (60). Flat: the same 18 once, the gradients
    // concatenated (a reshape for each that is not a vector, and the concat), the new values split
    // and reshaped back (24).
    expect(tfjs).toBe(60);
    expect(flat).toBeLessThanOrEqual(24);
  });

  it("getWeights gives tfjs's list: the iteration count, then every /m, then every /v, with tfjs's values", async () => {
    const r = run([{}, {}, {}]);
    const [wa, wb] = [await r.a.getWeights(), await r.b.getWeights()];
    const names = wb.map((w) => w.name);
    expect(names).toEqual(wa.map((w) => w.name.replace('ref/', 'flat/')));
    expect(names).toEqual(['iter', ...SHAPES.map((_, i) => `flat/w${i}/m`), ...SHAPES.map((_, i) => `flat/w${i}/v`)]);
    expect(wb.map((w) => w.tensor.shape)).toEqual(wa.map((w) => w.tensor.shape));
    expect(valuesOf(wb.map((w) => w.tensor))).toEqual(valuesOf(wa.map((w) => w.tensor)));
    tf.dispose([wa[0]!.tensor, ...wb.map((w) => w.tensor)]);
    free(r);
  });

  it('takes either optimizer’s weights and goes on exactly as tfjs does after setWeights', async () => {
    for (const [fromFlat, toFlat] of [
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const r = run([{}, {}, {}]);
      const saved = await (fromFlat ? r.b : r.a).getWeights();
      // Both continue from the same saved state on the same copy of the weights.
      const restoredA = reference();
      const restoredB = toFlat ? flatAdam() : reference();
      for (const opt of [restoredA, restoredB]) {
        const copies = saved.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
        await opt.setWeights(copies);
        // As kd's checkpoints do: tfjs's variables share the data of what they were given.
        tf.dispose(copies.map((c) => c.tensor));
      }
      const va = r.tfjs;
      const vb = variables('again');
      vb.forEach((v, i) => v.assign(va[i]!));
      for (let step = 3; step < 6; step++) {
        for (const [opt, vars] of [
          [restoredA, va],
          [restoredB, vb],
        ] as const) {
          const g = gradients(vars, step) as Array<{ name: string; tensor: tf.Tensor }>;
          opt.applyGradients(g);
          tf.dispose(g.map((n) => n.tensor));
        }
      }
      expect(valuesOf(vb)).toEqual(valuesOf(va));
      expect(restoredB.iterations).toBe(6);
      tf.dispose(saved.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
      restoredA.dispose();
      restoredB.dispose();
      tf.dispose(vb);
      free(r);
    }
  });

  it('keeps the same own variables as tfjs (accBeta1, accBeta2) and its class name and config', () => {
    const a = reference();
    const b = flatAdam();
    const own = (o: object) =>
      Object.keys(o)
        .filter((k) => (o as Record<string, unknown>)[k] instanceof tf.Variable)
        .sort();
    expect(own(b)).toEqual(own(a));
    expect(own(b)).toEqual(['accBeta1', 'accBeta2']);
    expect(b.getClassName()).toBe(a.getClassName());
    expect(b.getConfig()).toEqual(a.getConfig());
    a.dispose();
    b.dispose();
  });

  it('refuses variables whose shapes do not fit its slots, and odd weight lists, with KdErrors', async () => {
    const r = run([{}]);
    const other = variables('other', [[2, 2], [4], [2, 3, 2], [], [5, 1]]);
    const g = gradients(other, 0) as Array<{ name: string; tensor: tf.Tensor }>;
    g[0] = { name: other[0]!.name, tensor: null as unknown as tf.Tensor };
    let err: unknown;
    try {
      r.b.applyGradients(g);
    } catch (e) {
      err = e;
    }
    expect(isKdError(err, 'KD_SHAPE_MISMATCH'), String(err)).toBe(true);
    const iter = tf.scalar(1, 'int32');
    const fresh = flatAdam();
    const odd = await fresh
      .setWeights([
        { name: 'iter', tensor: iter },
        { name: 'x/m', tensor: iter },
      ])
      .catch((e: unknown) => e);
    expect(isKdError(odd, 'KD_INVALID_ARGUMENT'), String(odd)).toBe(true);
    fresh.dispose();
    tf.dispose([iter, ...other, ...g.map((n) => n.tensor).filter((t) => t !== null)]);
    free(r);
  });
});
