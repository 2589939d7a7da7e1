import * as tf from '@tensorflow/tfjs-core';
import type { Student, TrainableLayersModel } from '@kd/core';
import { isStudent } from '@kd/core/internal';

/** Inference outputs of a student or a layers model, read asynchronously. */
export async function predictValues(model: Student | TrainableLayersModel, x: tf.Tensor): Promise<number[]> {
  const out = tf.tidy(() => (isStudent(model) ? model.apply(x, { training: false }) : (model.predict(x) as tf.Tensor)));
  try {
    return Array.from(await out.data());
  } finally {
    out.dispose();
  }
}
