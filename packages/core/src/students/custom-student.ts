import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { OutputKind } from '../outputs/output-kind.js';
import { bytesOf, type Student } from './student.js';

/** The definition of a hand-written student for {@link customStudent}. */
export interface CustomStudentSpec {
  name: string;
  output: OutputKind;
  /** Named variables. Those with `trainable: false` are saved and restored but not optimised. */
  variables: Record<string, tf.Variable>;
  /** The forward pass; must be built from tfjs ops only so gradients flow. */
  forward(x: tf.Tensor, options: { training: boolean }): tf.Tensor;
}

/** Format tag written into saved custom students. */
export const CUSTOM_STUDENT_FORMAT = 'kd-custom-student';

/**
 * Makes a {@link Student} from variables and a forward function, for architectures that are
 * easier to write by hand than with layers. Save writes its variables by name; load them into
 * a freshly built student with its `loadWeights`.
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.randomNormal([784, 1], 0, 0.01, 'float32', 1), true, 'w');
 * const b = tf.variable(tf.zeros([1]), true, 'b');
 * const logistic = customStudent({
 *   name: 'logistic', output: 'logits', variables: { w, b },
 *   forward: (x) => tf.add(tf.matMul(tf.reshape(x, [x.shape[0]!, -1]), w), b),
 * });
 * ```
 */
/** A hand-written student; `loadWeights` restores what `save` wrote. */
export interface CustomStudent extends Student {
  /** Loads saved weights; names and shapes are checked before anything is assigned. */
  loadWeights(handler: tf.io.IOHandler): Promise<void>;
}

export function customStudent(spec: CustomStudentSpec): CustomStudent {
  const entries = Object.entries(spec.variables);
  if (entries.length === 0) throw new KdError('KD_STUDENT_INVALID', `Custom student "${spec.name}" has no variables.`);
  if (spec.output !== 'logits' && spec.output !== 'probabilities') {
    throw new KdError(
      'KD_STUDENT_INVALID',
      `Custom student "${spec.name}": output must be 'logits' or 'probabilities'.`,
    );
  }
  for (const [key, v] of entries) {
    if (!(v instanceof tf.Variable))
      throw new KdError(
        'KD_STUDENT_INVALID',
        `Custom student "${spec.name}": variables.${key} is not a tf.Variable; create it with tf.variable(...).`,
      );
  }
  const vars = entries.map(([, v]) => v);
  return {
    name: spec.name,
    output: spec.output,
    trainableVariables: () => vars.filter((v) => v.trainable),
    apply: (x, options) => spec.forward(x, options),
    getWeights: () => vars.map((v) => tf.clone(v)),
    setWeights: (weights) => {
      if (weights.length !== vars.length)
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `Custom student "${spec.name}" has ${vars.length} variables, got ${weights.length} weights.`,
        );
      vars.forEach((v, i) => v.assign(weights[i]!));
    },
    countParams: () => vars.reduce((s, v) => s + v.size, 0),
    weightBytes: () => bytesOf(vars),
    save: async (handler) => {
      if (!handler.save) throw new KdError('KD_INVALID_ARGUMENT', 'The IOHandler given to save() cannot save.');
      const named = entries.map(([name, tensor]) => ({ name, tensor }));
      const { data, specs } = await tf.io.encodeWeights(named);
      const artifacts: tf.io.ModelArtifacts = {
        format: CUSTOM_STUDENT_FORMAT,
        generatedBy: '@kd/core',
        convertedBy: null,
        modelTopology: {
          name: spec.name,
          output: spec.output,
          variables: entries.map(([k, v]) => ({ name: k, shape: v.shape, trainable: v.trainable })),
        },
        weightSpecs: specs,
        weightData: data,
      };
      return handler.save(artifacts);
    },
    loadWeights: (handler) => loadNamedWeights(spec, handler),
    dispose: () => vars.forEach((v) => v.dispose()),
  };
}

// Checks every name and shape before assigning, so a mismatch leaves the student as it was.
async function loadNamedWeights(spec: CustomStudentSpec, handler: tf.io.IOHandler): Promise<void> {
  if (!handler.load) throw new KdError('KD_INVALID_ARGUMENT', 'The IOHandler given to load cannot load.');
  const artifacts = await handler.load();
  if (artifacts.format !== CUSTOM_STUDENT_FORMAT || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new KdError(
      'KD_MODEL_NOT_FOUND',
      `The loaded artifacts are not a saved kd custom student (format "${artifacts.format ?? 'none'}").`,
    );
  }
  const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    for (const [name, v] of Object.entries(spec.variables)) {
      const t = decoded[name];
      if (!t) throw new KdError('KD_SHAPE_MISMATCH', `Saved student for "${spec.name}" has no variable "${name}".`);
      if (t.shape.join(',') !== v.shape.join(','))
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `Variable "${name}" was saved with shape [${t.shape}] but the student has [${v.shape}].`,
        );
    }
    for (const [name, v] of Object.entries(spec.variables)) v.assign(decoded[name]!);
  } finally {
    Object.values(decoded).forEach((t) => t.dispose());
  }
}
