// "Distil here": trains a fresh student in a Web Worker from the ensemble's outputs on the training
// images, cached in IndexedDB so a reload does not recompute them.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  IndexedDbTeacherCache,
  studentFromModel,
  trainInWorker,
  type LoadedStudent,
  type WorkerProgress,
} from '@kd/browser';
import type { CachedTeacherOutputs } from '@kd/core';
import { probabilityOfShirt, type Classifier } from './models.js';
import { pixelImage, type Split } from './test-images.js';

const TEACHER_KEY = 'browser-demo/ensemble-of-3/train-2000';

export interface DistilOptions {
  current: LoadedStudent;
  ensemble: Classifier;
  train: Split;
  epochs: number;
  signal: AbortSignal;
  onProgress: (p: WorkerProgress) => void;
  onStatus: (line: string) => void;
}

/** The ensemble's P(Shirt) on the training images: from IndexedDB, or computed once and stored. */
async function teacherOutputs(
  ensemble: Classifier,
  train: Split,
  onStatus: (l: string) => void,
): Promise<CachedTeacherOutputs & { from: string }> {
  const cache = new IndexedDbTeacherCache();
  try {
    const cached = await cache.get(TEACHER_KEY);
    if (cached && cached.shape[0] === train.count) {
      onStatus(`teacher outputs: read from IndexedDB (${train.count} images)`);
      return { ...cached, from: 'read from IndexedDB' };
    }
    const images = Array.from({ length: train.count }, (_, i) => pixelImage(train, i));
    const x = ensemble.preprocess(images);
    let values: Float32Array;
    try {
      values = await probabilityOfShirt(ensemble, x);
    } finally {
      x.dispose();
    }
    const outputs: CachedTeacherOutputs = { values, shape: [train.count, 1], kind: 'probabilities' };
    await cache.set(TEACHER_KEY, outputs);
    onStatus(`teacher outputs: computed and stored in IndexedDB (${train.count} images)`);
    return { ...outputs, from: 'computed, stored in IndexedDB' };
  } finally {
    await cache.close();
  }
}

/**
 * Trains a student of the current one's architecture from fresh initial weights. Resolves with the
 * new student, or null when stopped (the caller keeps the current one).
 */
export async function distilHere(
  o: DistilOptions,
): Promise<{ student: LoadedStudent; seconds: number; backend: string; teacherFrom: string } | null> {
  const teacher = await teacherOutputs(o.ensemble, o.train, o.onStatus);
  const topology = o.current.model.toJSON(undefined, false) as Parameters<typeof tfl.models.modelFromJSON>[0];
  const fresh = (await tfl.models.modelFromJSON(topology)) as tfl.LayersModel;
  // Every fifth training image is held out for validation; the teacher outputs of the others go
  // with them (precomputed outputs must match the training rows one to one).
  const fit: number[] = [];
  const held: number[] = [];
  for (let i = 0; i < o.train.count; i++) (i % 5 === 4 ? held : fit).push(i);
  const rows = (list: number[]) => {
    const x = o.current.preprocess(list.map((i) => pixelImage(o.train, i)));
    const y = tf.tensor2d(
      Float32Array.from(list, (i) => o.train.labels[i]!),
      [list.length, 1],
    );
    return { x, y };
  };
  const data = rows(fit);
  const validation = rows(held);
  const fitOutputs: CachedTeacherOutputs = {
    values: Float32Array.from(fit, (i) => teacher.values[i]!),
    shape: [fit.length, 1],
    kind: teacher.kind,
  };
  const worker = new Worker(new URL('./distil.worker.ts', import.meta.url), { type: 'module' });
  const t0 = performance.now();
  try {
    const result = await trainInWorker(worker, {
      student: fresh,
      studentOutput: o.current.output,
      teacher: fitOutputs,
      data,
      validation,
      epochs: o.epochs,
      batchSize: 64,
      alpha: 0.3,
      seed: Math.floor(Math.random() * 1e6),
      onProgress: o.onProgress,
      signal: o.signal,
    });
    if (result.aborted) {
      fresh.dispose();
      return null;
    }
    return {
      student: studentFromModel(fresh, o.current.preprocessing, { name: 'distilled here' }),
      seconds: (performance.now() - t0) / 1000,
      backend: result.runtime.backend,
      teacherFrom: teacher.from,
    };
  } catch (e) {
    fresh.dispose();
    throw e;
  } finally {
    worker.terminate();
    tf.dispose([data.x, data.y, validation.x, validation.y]);
  }
}
