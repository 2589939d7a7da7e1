import * as tf from '@tensorflow/tfjs-core';
import { isKdError, KdError, type TrainableLayersModel } from '@kd/core';
import type { SerializedError, SerializedModel, SerializedTensor } from './protocol.js';

/** Copies a tensor's values out (a copy, so transferring them never detaches the tensor's storage). */
export async function serializeTensor(t: tf.Tensor, what: string): Promise<SerializedTensor> {
  if (!(t instanceof tf.Tensor)) throw new KdError('KD_DATA_INVALID', `${what} must be a tf.Tensor.`, { what });
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
    throw new KdError('KD_DATA_INVALID', `${what} has dtype ${t.dtype}; workers take float32, int32 or bool tensors.`, {
      what,
      dtype: t.dtype,
    });
  }
  const data = (await t.data()) as Float32Array | Int32Array | Uint8Array;
  return { values: data.slice(), shape: [...t.shape], dtype: t.dtype };
}

export function deserializeTensor(s: SerializedTensor): tf.Tensor {
  return tf.tensor(s.values, s.shape, s.dtype);
}

/** A layers model's topology and weights, as `model.save` produces them. */
export async function serializeModel(model: Pick<TrainableLayersModel, 'save'>): Promise<SerializedModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (
    !saved?.modelTopology ||
    !saved.weightSpecs ||
    saved.weightData === undefined ||
    saved.modelTopology instanceof ArrayBuffer
  ) {
    throw new KdError(
      'KD_STUDENT_INVALID',
      'The model did not save a JSON topology with weights; only tfjs-layers models can go to a worker.',
    );
  }
  return {
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightSpecs,
    weightData: tf.io.CompositeArrayBuffer.join(saved.weightData),
  };
}

/** The model's weights in `getWeights()` order. The caller disposes them. */
export function decodeModelWeights(model: SerializedModel): tf.Tensor[] {
  const named = tf.io.decodeWeights(model.weightData, model.weightSpecs);
  return model.weightSpecs.map((spec) => named[spec.name]!);
}

export function serializeError(e: unknown): SerializedError {
  if (isKdError(e))
    return {
      name: e.name,
      message: e.message,
      code: e.code,
      details: JSON.parse(JSON.stringify(e.details ?? {})) as Record<string, unknown>,
    };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

export function deserializeError(e: SerializedError): Error {
  if (e.code) return new KdError(e.code as KdError['code'], e.message, e.details ?? {});
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}
