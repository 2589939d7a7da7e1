import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  gapClosed,
  isKdError,
  softTargetSharpness,
  teacher,
  teacherSharpness,
  type KdRuntime,
} from '../../src/index.js';

// Expected values below were computed by hand in float64 (Python, math.log), not by the code under test.
describe('softTargetSharpness', () => {
  it('binary: mean |t − y|, mean binary entropy in nats, share in (0.05, 0.95)', () => {
    const s = softTargetSharpness([0.99, 0.02, 0.7], [1, 0, 1]);
    expect(s.rows).toBe(3);
    expect(s.meanAbsGap).toBeCloseTo(0.11, 14); // (0.01 + 0.02 + 0.3) / 3
    expect(s.meanEntropy).toBeCloseTo(0.2549683165631576, 14);
    expect(s.softShare).toBeCloseTo(1 / 3, 14);
    expect(s.nearlyLabels).toBe(false);
  });

  it('flags targets that are nearly the labels: mean |t − y| below 0.02, or a given threshold', () => {
    const s = softTargetSharpness([0.99, 0.015], [1, 0]); // gap 0.0125
    expect(s.nearlyLabels).toBe(true);
    expect(s.threshold).toBe(0.02);
    expect(softTargetSharpness([0.99, 0.015], [1, 0], { threshold: 0.01 }).nearlyLabels).toBe(false);
    // Exactly 0 and 1: no entropy, nothing soft; the interval is open at 0.05 and 0.95.
    const hard = softTargetSharpness([1, 0, 0.05, 0.95], [1, 0, 0, 1]);
    expect(hard.softShare).toBe(0);
    expect(hard.meanAbsGap).toBeCloseTo(0.025, 15);
  });

  it('multi-class: total variation against the one-hot label, Shannon entropy, largest probability below 0.95', () => {
    const s = softTargetSharpness([0.7, 0.2, 0.1, 0.1, 0.1, 0.8], [0, 2], { units: 3 });
    expect(s.meanAbsGap).toBeCloseTo(0.25, 14); // (0.3 + 0.2) / 2
    expect(s.meanEntropy).toBeCloseTo(0.7204252060967571, 14);
    expect(s.softShare).toBe(1);
  });

  it('refuses mismatched lengths, probabilities outside [0, 1] and non-binary labels', () => {
    const codes = [
      () => softTargetSharpness([0.5, 0.5], [1]),
      () => softTargetSharpness([1.2], [1]),
      () => softTargetSharpness([0.5], [2]),
      () => softTargetSharpness([], []),
    ].map((f) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return isKdError(e) ? e.code : String(e);
      }
    });
    expect(codes).toEqual(['KD_SHAPE_MISMATCH', 'KD_PROBABILITY_RANGE', 'KD_LABEL_RANGE', 'KD_SHAPE_MISMATCH']);
  });
});

describe('teacherSharpness', () => {
  let runtime: KdRuntime;
  beforeAll(async () => {
    runtime = cpuRuntime();
    await runtime.init();
  });

  it('judges the teacher outputs on the training rows as softened at T', async () => {
    const x = tf.tensor2d([[3], [-1], [0.5], [-4]]);
    const y = tf.tensor1d([1, 0, 0, 0]);
    const before = tf.memory().numTensors;
    const s = await teacherSharpness({
      runtime,
      teacher: teacher((b) => tf.clone(b), { output: 'logits', id: 'identity-logit' }),
      data: { x, y },
      temperature: 2,
    });
    // t = sigmoid(z / 2) for z = 3, −1, 0.5, −4.
    expect(s.meanAbsGap).toBeCloseTo(0.31033640387810435, 6);
    expect(s.meanEntropy).toBeCloseTo(0.547157008004017, 6);
    expect(s.softShare).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});

describe('gapClosed', () => {
  const scratch = { accuracy: 0.9, logLoss: 0.3 };
  const ensemble = { accuracy: 0.96, logLoss: 0.1 };

  it('is the share of the scratch → ensemble gap closed, per metric', () => {
    const g = gapClosed({ scratch, distilled: { accuracy: 0.93, logLoss: 0.25 }, ensemble });
    expect(g.accuracy).toBeCloseTo(0.5, 12); // 0.03 / 0.06
    expect(g.logLoss).toBeCloseTo(0.25, 12); // 0.05 / 0.2
  });

  it('is negative when the distilled student is worse than scratch, and above 1 beyond the ensemble', () => {
    const g = gapClosed({ scratch, distilled: { accuracy: 0.88, logLoss: 0.08 }, ensemble });
    expect(g.accuracy).toBeCloseTo(-1 / 3, 12); // −0.02 / 0.06
    expect(g.logLoss).toBeCloseTo(1.1, 12); // 0.22 / 0.2
  });

  it('is null where there is no gap: the ensemble no better than scratch, or within minGap', () => {
    const same = gapClosed({ scratch, distilled: scratch, ensemble: { accuracy: 0.9, logLoss: 0.35 } });
    expect(same).toEqual({ accuracy: null, logLoss: null });
    const small = gapClosed({ scratch, distilled: scratch, ensemble }, { minGap: { accuracy: 0.1, logLoss: 0.1 } });
    expect(small).toEqual({ accuracy: null, logLoss: 0 });
  });

  it('refuses a missing or non-finite point', () => {
    let err: unknown;
    try {
      gapClosed({ scratch, distilled: { accuracy: Number.NaN, logLoss: 0.2 }, ensemble });
    } catch (e) {
      err = e;
    }
    expect(isKdError(err, 'KD_INVALID_ARGUMENT')).toBe(true);
  });
});
