import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { OutputKind } from '../outputs/output-kind.js';
import { inferLayersOutput, isLayersModel } from '../teachers/teacher.js';
import { findSingleUnitSoftmax } from '../values/single-unit-softmax.js';
import { kernelsForLayers } from './required-kernels.js';
import { bytesOf, type Student } from './student.js';

/** What kd needs of a tfjs-layers `LayersModel` used as a student. */
export interface TrainableLayersModel {
  name: string;
  layers: Array<{ getConfig(): Record<string, unknown>; name: string; getClassName(): string }>;
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[] | unknown;
  predict(x: tf.Tensor | tf.Tensor[], config?: unknown): tf.Tensor | tf.Tensor[];
  getWeights(trainableOnly?: boolean): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
  countParams(): number;
  readonly trainableWeights: Array<{ read(): tf.Tensor; trainable: boolean }>;
  save(handler: tf.io.IOHandler | string, config?: unknown): Promise<tf.io.SaveResult>;
  dispose(): unknown;
  toJSON(unused?: unknown, returnString?: boolean): string | object;
}

/** Options for {@link layersStudent}. */
export interface LayersStudentOptions {
  /** Inferred from the last layer's activation (`linear` → logits, `sigmoid`/`softmax` → probabilities). */
  output?: OutputKind;
}

/**
 * Uses a tfjs-layers model as the student. Give the last layer a linear activation (logits):
 * losses on logits are exact where probabilities need clamping.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const model = tfl.sequential({ layers: [
 *   tfl.layers.dense({ inputShape: [784], units: 16, activation: 'relu' }),
 *   tfl.layers.dense({ units: 1 }), // logits
 * ] });
 * const student = layersStudent(model);
 * ```
 */
export function layersStudent(model: TrainableLayersModel, options: LayersStudentOptions = {}): Student {
  if (!isLayersModel(model) || typeof (model as TrainableLayersModel).apply !== 'function') {
    throw new KdError(
      'KD_STUDENT_INVALID',
      'layersStudent needs a tfjs-layers LayersModel (tf.sequential or tf.model).',
    );
  }
  const singleUnitSoftmax = findSingleUnitSoftmax(model);
  if (singleUnitSoftmax !== undefined) throw singleUnitSoftmax;
  const output = options.output ?? inferLayersOutput(model);
  if (!output) {
    throw new KdError(
      'KD_STUDENT_INVALID',
      `Say whether student "${model.name}" outputs logits or probabilities: layersStudent(model, { output: 'logits' }).`,
    );
  }
  return {
    name: model.name,
    output,
    trainableVariables: () => model.trainableWeights.map((w) => w.read() as tf.Variable),
    apply: (x, { training }) => {
      const y = model.apply(x, { training });
      if (!(y instanceof tf.Tensor))
        throw new KdError('KD_STUDENT_INVALID', `Student "${model.name}" must have exactly one output tensor.`);
      return y;
    },
    getWeights: () => model.getWeights().map((w) => tf.clone(w)),
    setWeights: (w) => model.setWeights(w),
    countParams: () => model.countParams(),
    requiredKernels: () => kernelsForLayers(model.layers.map((l) => l.getClassName())),
    weightBytes: () => bytesOf(model.getWeights()),
    save: (handler) => model.save(handler),
    dispose: () => {
      model.dispose();
    },
  };
}
