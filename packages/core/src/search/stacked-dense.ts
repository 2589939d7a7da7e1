import * as tf from '@tensorflow/tfjs-core';
import type { OutputKind } from '../outputs/output-kind.js';
import { frozenWeights, stackedVariableName, type LayerLike, type StackedStudents } from './stacked.js';

/** The activations a stacked dense layer can apply (tfjs-layers names). */
const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  elu: (x) => tf.elu(x),
  softplus: (x) => tf.softplus(x),
};

/**
 * K copies of one dense architecture side by side: layer l's kernels stacked into one
 * [K, in, out] variable and its biases into [K, 1, out], so a forward pass of all K students is
 * one batched matMul per layer.
 *
 * Stacks the weights of `models` (tfjs-layers models of Dense layers only, one output unit, the
 * same shapes and activations), or says why they cannot be stacked.
 */
export function stackDense(models: unknown[], output: OutputKind): StackedStudents | string {
  const plans = models.map(denseLayers);
  const first = plans[0]!;
  if (typeof first === 'string') return first;
  for (const p of plans) {
    if (typeof p === 'string') return p;
    if (p.length !== first.length || p.some((l, i) => l.activation !== first[i]!.activation))
      return 'every student must have the same layers';
  }
  const dense = plans as DenseLayerPlan[][];
  const shapes = (p: DenseLayerPlan[]) => p.map((l) => l.layer.getWeights()[0]!.shape.join('x')).join();
  const last = first[first.length - 1]!;
  if (last.layer.getWeights()[0]!.shape[1] !== 1) return 'the student must have one output unit (a binary task)';
  if (output === 'probabilities' && last.activation !== 'sigmoid')
    return 'a probabilities student must end in a sigmoid';
  if (dense.some((p) => shapes(p) !== shapes(first))) return 'every student must have the same layer shapes';

  const combine = (perStudent: ReadonlyArray<readonly tf.Tensor[]>): tf.Tensor[] =>
    tf.tidy(() =>
      first.flatMap((_, l) => [
        tf.stack(perStudent.map((w) => w[2 * l]!)),
        tf.expandDims(tf.stack(perStudent.map((w) => w[2 * l + 1]!)), 1),
      ]),
    );
  const split = (values: readonly tf.Tensor[], k: number): tf.Tensor[] =>
    tf.tidy(() =>
      values.map((v, i) => {
        const part = tf.squeeze(tf.slice(v, [k, 0, 0], [1, -1, -1]), [0]);
        // Kernels [in, out] at even places; biases [1, out] → [out] after them.
        return i % 2 === 1 ? tf.reshape(part, [-1]) : part;
      }),
    );
  const initial = combine(dense.map((p) => p.flatMap((l) => l.layer.getWeights())));
  // tf.variable copies its initial value: the stacked tensors are freed here.
  const variables = initial.map((t, i) =>
    tf.variable(t, true, stackedVariableName(`dense_${i % 2 === 0 ? 'kernel' : 'bias'}_${Math.floor(i / 2)}`)),
  );
  tf.dispose(initial);
  // A sigmoid last layer makes a probabilities student; its output stays probabilities here too.
  const activations = first.map((l) => ACTIVATIONS[l.activation]!);
  return {
    count: models.length,
    output,
    variables,
    apply: (x) => {
      let h: tf.Tensor = tf.expandDims(x, 0);
      activations.forEach((act, l) => {
        h = act(tf.add(tf.matMul(h, variables[2 * l]!), variables[2 * l + 1]!));
      });
      return h as tf.Tensor3D;
    },
    split,
    combine,
    writeBack() {
      tf.tidy(() =>
        dense.forEach((p, k) => {
          const weights = split(variables, k);
          p.forEach((l, i) => l.layer.setWeights([weights[2 * i]!, weights[2 * i + 1]!]));
        }),
      );
    },
    dispose: () => tf.dispose(variables),
  };
}

interface DenseLayerPlan {
  layer: LayerLike;
  activation: string;
}

function denseLayers(model: unknown): DenseLayerPlan[] | string {
  const layers = (model as { layers?: unknown }).layers;
  if (!Array.isArray(layers) || layers.length === 0) return 'the student must be a tfjs-layers model';
  const frozen = frozenWeights(model);
  if (frozen) return frozen;
  const dense: DenseLayerPlan[] = [];
  for (const layer of layers as LayerLike[]) {
    const name = typeof layer.getClassName === 'function' ? layer.getClassName() : '';
    if (name === 'InputLayer') continue;
    if (name !== 'Dense') return `only Dense layers can be stacked; the student has a ${name || 'non-layer'} layer`;
    const config = layer.getConfig();
    const activation = String(config.activation ?? 'linear');
    if (!(activation in ACTIVATIONS)) return `activation "${activation}" cannot be stacked`;
    if (config.useBias === false) return 'every Dense layer must use a bias';
    dense.push({ layer, activation });
  }
  return dense;
}
