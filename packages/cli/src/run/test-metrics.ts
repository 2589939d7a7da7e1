import * as tf from '@tensorflow/tfjs-core';
import { computeMetrics, type Student, type Teacher } from '@kd/core';
import { predictProbabilities, toSpace } from '@kd/core/internal';
import type { ReliabilityBin, Spread, TestMetrics } from '@kd/report';

const NAMES = ['accuracy', 'auc', 'logLoss', 'brier', 'ece'] as const;

/** Probabilities of a model on `x`: one per row (binary) or K per row. */
export interface Probabilities {
  probs: Float32Array;
  units: number;
}

export async function teacherProbabilities(t: Teacher, x: tf.Tensor): Promise<Probabilities> {
  const raw = await t.predictDataset(x, { batchSize: 256 });
  const p = tf.tidy(() => toSpace(raw, t.output, 'probabilities'));
  raw.dispose();
  const units = p.shape[1];
  const probs = (await p.data()) as Float32Array;
  p.dispose();
  return { probs, units };
}

export function studentProbabilities(s: Student, x: tf.Tensor): Promise<Probabilities> {
  return predictProbabilities(s, x, 256);
}

/** The five test metrics of the contract. */
export function testMetrics(p: Probabilities, labels: ArrayLike<number>): TestMetrics {
  const m = computeMetrics([...NAMES], { yTrue: labels, probs: p.probs, numClasses: p.units });
  return { accuracy: m.accuracy!, auc: m.auc!, logLoss: m.logLoss!, brier: m.brier!, ece: m.ece! };
}

/** Mean, population std and values of each metric over seeds. */
export function spreadOf(runs: TestMetrics[]): Record<keyof TestMetrics, Spread> {
  const out = {} as Record<keyof TestMetrics, Spread>;
  for (const name of NAMES) out[name] = spread(runs.map((r) => r[name]));
  return out;
}

export function spread(values: number[]): Spread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std, values };
}

/** Score of the positive class (binary), or of the top class with "correct" as the event (K > 2). */
function scores(p: Probabilities, labels: ArrayLike<number>): { score: number[]; positive: boolean[] } {
  const n = labels.length;
  if (p.units === 1) return { score: Array.from(p.probs), positive: Array.from(labels, (y) => y === 1) };
  const score: number[] = [];
  const positive: boolean[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < p.units; k++) if (p.probs[i * p.units + k]! > p.probs[i * p.units + best]!) best = k;
    score.push(p.probs[i * p.units + best]!);
    positive.push(best === labels[i]);
  }
  return { score, positive };
}

/**
 * ROC curve points (false and true positive rates as the threshold falls), at most ~200 points.
 * For more than two classes, the event is "the top class is right", scored by its probability.
 */
export function rocCurve(p: Probabilities, labels: ArrayLike<number>): { fpr: number[]; tpr: number[] } {
  const { score, positive } = scores(p, labels);
  const order = score.map((_, i) => i).sort((a, b) => score[b]! - score[a]!);
  const pos = positive.filter(Boolean).length;
  const neg = positive.length - pos;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  const step = Math.max(1, Math.floor(order.length / 200));
  order.forEach((i, rank) => {
    if (positive[i]) tp++;
    else fp++;
    const last = rank === order.length - 1;
    const tie = !last && score[order[rank + 1]!] === score[i];
    if (last || (!tie && rank % step === 0)) {
      fpr.push(neg ? fp / neg : 0);
      tpr.push(pos ? tp / pos : 0);
    }
  });
  return { fpr, tpr };
}

/** Ten equal-width bins of predicted probability with the observed frequency in each (empty bins left out). */
export function reliabilityBins(p: Probabilities, labels: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const { score, positive } = scores(p, labels);
  const sum = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  score.forEach((s, i) => {
    const b = Math.min(bins - 1, Math.floor(s * bins));
    sum[b]! += s;
    hits[b]! += positive[i] ? 1 : 0;
    count[b]! += 1;
  });
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++)
    if (count[b]! > 0)
      out.push({
        lower: b / bins,
        upper: (b + 1) / bins,
        meanPredicted: sum[b]! / count[b]!,
        fractionPositive: hits[b]! / count[b]!,
        count: count[b]!,
      });
  return out;
}
