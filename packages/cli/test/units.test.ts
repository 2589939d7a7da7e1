import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../src/data/split.js';
import { quantizeWeights, toFloat16Bits } from '../src/models/quantize.js';
import { teacherInputMap } from '../src/run/teachers.js';
import type { Preprocessing } from '../src/data/preprocessing.js';

describe('toFloat16Bits', () => {
  it('gives the IEEE 754 half-precision bit patterns of known values', () => {
    // Reference patterns from the IEEE 754 binary16 tables.
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1 / 3)).toBe(0x3555);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(toFloat16Bits(1e6)).toBe(0x7c00); // overflow → infinity
    expect(toFloat16Bits(0)).toBe(0);
    expect(toFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });
});

describe('quantizeWeights', () => {
  it('uint8 maps min to 0 and max to 255, with scale (max − min) / 255', () => {
    const values = new Float32Array([-1, 0, 0.5, 3]);
    const { specs, data } = quantizeWeights([{ name: 'w', shape: [4], dtype: 'float32' }], values.buffer, 'uint8');
    expect(specs[0]!.quantization).toEqual({ dtype: 'uint8', min: -1, scale: 4 / 255 });
    expect(Array.from(data)).toEqual([0, Math.round(255 / 4), Math.round((1.5 * 255) / 4), 255]);
  });
});

describe('stratifiedSplit', () => {
  it('keeps each class share in every split, is seeded, and uses every row once', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // 250 positives
    const a = stratifiedSplit(labels, { validation: 0.2, test: 0.2, seed: 3 });
    const b = stratifiedSplit(labels, { validation: 0.2, test: 0.2, seed: 3 });
    const c = stratifiedSplit(labels, { validation: 0.2, test: 0.2, seed: 4 });
    expect(a).toEqual(b);
    expect(a.test).not.toEqual(c.test);
    expect(a.test.filter((i) => labels[i] === 1)).toHaveLength(50);
    expect(a.validation.filter((i) => labels[i] === 1)).toHaveLength(50);
    expect(a.test).toHaveLength(200);
    expect(new Set([...a.train, ...a.validation, ...a.test]).size).toBe(1000);
  });
});

describe('teacherInputMap', () => {
  const pre = (standardize: Preprocessing['standardize']): Preprocessing => ({
    format: 'kd-preprocessing',
    version: 1,
    source: 'csv',
    features: ['a', 'b'],
    label: 'y',
    classes: null,
    numClasses: 2,
    inputShape: [2],
    image: null,
    standardize,
  });
  it('takes the student’s standardised input to the teacher’s', () => {
    const student = pre({ mean: [10, -1], std: [2, 4] });
    const teacher = pre({ mean: [11, 0], std: [5, 1] });
    const map = teacherInputMap(teacher, student)!;
    const raw = [13, 7];
    const s = raw.map((v, i) => (v - student.standardize!.mean[i]!) / student.standardize!.std[i]!);
    const t = raw.map((v, i) => (v - teacher.standardize!.mean[i]!) / teacher.standardize!.std[i]!);
    s.forEach((v, i) => expect(v * map.scale[i]! + map.shift[i]!).toBeCloseTo(t[i]!, 12));
    expect(teacherInputMap(student, student)).toBeNull();
    expect(teacherInputMap(pre(null), pre(null))).toBeNull();
  });
});

describe('flopsPerSample', () => {
  it('counts cnn-tiny on 28×28×1 images as a hand count of its layers gives', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    const { buildModel } = await import('../src/models/model-spec.js');
    const { flopsPerSample } = await import('../src/models/model-flops.js');
    const model = await buildModel('cnn-tiny', { inputShape: [28, 28, 1], units: 1, seed: 0, name: 'cnn' });
    const conv1 = 26 * 26 * 8; // valid 3×3 conv outputs
    const pool1 = 13 * 13 * 8;
    const conv2 = 11 * 11 * 16;
    const pool2 = 5 * 5 * 16;
    const expected =
      2 * 9 * 1 * conv1 + conv1 + conv1 + 4 * pool1 + (2 * 9 * 8 * conv2 + conv2 + conv2) + 4 * pool2 + (2 * pool2 + 1);
    expect(flopsPerSample(model.layers as never)).toBe(expected);
    expect(expected).toBe(398625);
    model.dispose();
  });
});

describe('student presets', () => {
  it('initialise the same weights from the same seed, seed 0 included (tfjs reads a 0 seed as none)', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    const { buildModel } = await import('../src/models/model-spec.js');
    const weightsOf = async (seed: number) => {
      const model = await buildModel('mlp:8,4', { inputShape: [3], units: 1, seed, name: `s${seed}` });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    for (const seed of [0, 3]) expect(await weightsOf(seed)).toEqual(await weightsOf(seed));
    expect(await weightsOf(0)).not.toEqual(await weightsOf(1));
  });
});
