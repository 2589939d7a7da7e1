// Everything the page reports is measured here, in the page, on the backend in use.
import * as tf from '@tensorflow/tfjs-core';
import type { StudentInput } from '@kd/browser';
import { probabilityOfShirt, type Classifier } from './models.js';

export interface Speed {
  /** Mean milliseconds from an image to its probability on the page (preprocess, predict, read back). */
  latencyMs: number;
  /** Images per second when the whole test set goes through in batches of 256. */
  throughput: number;
}

/**
 * Latency per image (the mean of `runs` single-image calls one after another, after a warm-up: the
 * page's clock ticks in 0.1 ms steps, too coarse to time one call) and batch throughput.
 */
export async function measureSpeed(model: Classifier, images: StudentInput[], runs = 40): Promise<Speed> {
  const one = async (i: number) => {
    const x = model.preprocess(images[i % images.length]!);
    try {
      await probabilityOfShirt(model, x);
    } finally {
      x.dispose();
    }
  };
  for (let i = 0; i < 5; i++) await one(i); // shader compilation and first uploads
  const start = performance.now();
  for (let i = 0; i < runs; i++) await one(i);
  const latencyMs = (performance.now() - start) / runs;
  const batches: tf.Tensor[] = [];
  for (let i = 0; i < images.length; i += 256) batches.push(model.preprocess(images.slice(i, i + 256)));
  try {
    await probabilityOfShirt(model, batches[0]!); // warm-up at the batch size
    const t0 = performance.now();
    for (const x of batches) await probabilityOfShirt(model, x);
    const seconds = (performance.now() - t0) / 1000;
    return { latencyMs, throughput: images.length / seconds };
  } finally {
    tf.dispose(batches);
  }
}

export interface TestSetScores {
  count: number;
  studentAccuracy: number;
  ensembleAccuracy: number;
  /** Share of images where the student and the ensemble pick the same class. */
  agreement: number;
}

/** Accuracy of both and their agreement over every image given. */
export async function scoreTestSet(
  student: Classifier,
  ensemble: Classifier,
  images: StudentInput[],
  labels: Uint8Array,
): Promise<TestSetScores> {
  let right = [0, 0];
  let agree = 0;
  for (let i = 0; i < images.length; i += 256) {
    const batch = images.slice(i, i + 256);
    const xs = student.preprocess(batch);
    const xe = ensemble.preprocess(batch);
    try {
      const [s, e] = await Promise.all([probabilityOfShirt(student, xs), probabilityOfShirt(ensemble, xe)]);
      for (let r = 0; r < s.length; r++) {
        const a = s[r]! > 0.5 ? 1 : 0;
        const b = e[r]! > 0.5 ? 1 : 0;
        right = [right[0]! + Number(a === labels[i + r]), right[1]! + Number(b === labels[i + r])];
        agree += Number(a === b);
      }
    } finally {
      tf.dispose([xs, xe]);
    }
  }
  const n = images.length;
  return { count: n, studentAccuracy: right[0]! / n, ensembleAccuracy: right[1]! / n, agreement: agree / n };
}
