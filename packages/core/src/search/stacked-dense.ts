import * as tf from '@tensorflow/tfjs-core';
import type { OutputKind } from '../outputs/output-kind.js';
import type { Student } from '../students/student.js';

/** The activations a stacked dense layer can apply (tfjs-layers names). */
const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  elu: (x) => tf.elu(x),
  softplus: (x) => tf.softplus(x),
};

/** The duck-typed view of a tfjs-layers layer that stacking needs. */
interface DenseLike {
  getClassName(): string;
  getConfig(): { activation?: unknown; useBias?: unknown };
  getWeights(): tf.Tensor[];
}

/**
 * K copies of one dense architecture trained side by side: layer l's kernels stacked into one
 * [K, in, out] variable and its biases into [K, 1, out], so a forward pass of all K students is
 * one batched matMul per layer. Elementwise optimizers (Adam and every tfjs optimizer) update
 * each slice exactly as they would update that student alone.
 */
export interface StackedDense {
  readonly count: number;
  readonly output: OutputKind;
  readonly variables: tf.Variable[];
  /** Outputs of all K students for x [B, in]: [K, B, 1]. */
  apply(x: tf.Tensor): tf.Tensor3D;
  /** Student k alone, reading the stacked weights (for evaluation). */
  view(k: number): Student;
  dispose(): void;
}

/**
 * Stacks the weights of `models` (tfjs-layers models of Dense layers only, one output unit, the
 * same shapes and activations), or says why they cannot be stacked. The models stay the caller's.
 */
export function stackDense(models: unknown[], output: OutputKind): StackedDense | string {
  const plans = models.map(denseLayers);
  const free = () => plans.forEach((p) => typeof p !== 'string' && p.forEach((l) => tf.dispose(l.weights)));
  const first = plans[0]!;
  const refusal =
    typeof first === 'string'
      ? first
      : plans
          .map((p) =>
            typeof p === 'string'
              ? p
              : p.length !== first.length || p.some((l, i) => l.activation !== first[i]!.activation)
                ? 'every student must have the same layers'
                : undefined,
          )
          .find((r) => r !== undefined);
  if (refusal !== undefined || typeof first === 'string') {
    free();
    return refusal!;
  }
  const last = first[first.length - 1]!;
  const outputRefusal =
    last.weights[0]!.shape[1] !== 1
      ? 'the student must have one output unit (a binary task)'
      : output === 'probabilities' && last.activation !== 'sigmoid'
        ? 'a probabilities student must end in a sigmoid'
        : plans.some((p) =>
              (p as DenseLayerPlan[]).some((l, i) => l.weights[0]!.shape.join() !== first[i]!.weights[0]!.shape.join()),
            )
          ? 'every student must have the same layer shapes'
          : undefined;
  if (outputRefusal) {
    free();
    return outputRefusal;
  }
  const variables: tf.Variable[] = [];
  for (let l = 0; l < first.length; l++) {
    const kernels = plans.map((p) => (p as DenseLayerPlan[])[l]!.weights[0]!);
    const biases = plans.map((p) => (p as DenseLayerPlan[])[l]!.weights[1]!);
    // tf.variable copies its initial value: the stacked tensors are freed here.
    const kernel = tf.stack(kernels) as tf.Tensor3D;
    const bias = tf.tidy(() => tf.expandDims(tf.stack(biases), 1));
    variables.push(tf.variable(kernel, true, `stacked_kernel_${l}`), tf.variable(bias, true, `stacked_bias_${l}`));
    tf.dispose([kernel, bias]);
  }
  free();
  // A sigmoid last layer makes a probabilities student; its output stays probabilities here too.
  const activations = first.map((l) => ACTIVATIONS[l.activation]!);
  const forward = (x: tf.Tensor, kernel: (l: number) => tf.Tensor, bias: (l: number) => tf.Tensor) => {
    let h = x;
    activations.forEach((act, l) => {
      h = act(tf.add(tf.matMul(h, kernel(l)), bias(l)));
    });
    return h;
  };
  const count = models.length;
  return {
    count,
    output,
    variables,
    apply: (x) =>
      forward(
        tf.expandDims(x, 0),
        (l) => variables[2 * l]!,
        (l) => variables[2 * l + 1]!,
      ) as tf.Tensor3D,
    view(k) {
      const at = (v: tf.Variable) => tf.squeeze(tf.slice(v, [k, 0, 0], [1, -1, -1]), [0]);
      return viewStudent(`stacked-${k}`, output, (x) =>
        forward(
          x,
          (l) => at(variables[2 * l]!),
          (l) => at(variables[2 * l + 1]!),
        ),
      );
    },
    dispose: () => tf.dispose(variables),
  };
}

interface DenseLayerPlan {
  activation: string;
  /** Copies: kernel [in, out], bias [out]. */
  weights: tf.Tensor[];
}

function denseLayers(model: unknown): DenseLayerPlan[] | string {
  const layers = (model as { layers?: unknown }).layers;
  if (!Array.isArray(layers) || layers.length === 0) return 'the student must be a tfjs-layers model';
  const dense: Array<{ layer: DenseLike; activation: string }> = [];
  for (const layer of layers as DenseLike[]) {
    const name = typeof layer.getClassName === 'function' ? layer.getClassName() : '';
    if (name === 'InputLayer') continue;
    if (name !== 'Dense') return `only Dense layers can be stacked; the student has a ${name || 'non-layer'} layer`;
    const config = layer.getConfig();
    const activation = String(config.activation ?? 'linear');
    if (!(activation in ACTIVATIONS)) return `activation "${activation}" cannot be stacked`;
    if (config.useBias === false) return 'every Dense layer must use a bias';
    dense.push({ layer, activation });
  }
  // Copied only once every layer is known to stack, so a refusal leaves nothing to free.
  return dense.map(({ layer, activation }) => ({ activation, weights: layer.getWeights().map((w) => tf.clone(w)) }));
}

/** A Student that only runs forward (all evaluation needs). */
function viewStudent(name: string, output: OutputKind, apply: (x: tf.Tensor) => tf.Tensor): Student {
  const unsupported = (): never => {
    throw new Error(`Internal: ${name} is a view for evaluation only.`);
  };
  return {
    name,
    output,
    trainableVariables: unsupported,
    apply: (x) => tf.tidy(() => apply(x)),
    getWeights: unsupported,
    setWeights: unsupported,
    countParams: unsupported,
    weightBytes: unsupported,
    save: unsupported,
    dispose: () => undefined,
  };
}
