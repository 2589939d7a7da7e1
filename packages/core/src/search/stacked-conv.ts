import * as tf from '@tensorflow/tfjs-core';
import type { OutputKind } from '../outputs/output-kind.js';
import { frozenWeights, stackedVariableName, type LayerLike, type StackedStudents } from './stacked.js';

/**
 * Where the activations of all K students stand between two layers:
 * - `shared`: `[B, ...]`, before any weighted layer, the same for every student;
 * - `grouped`: images `[B, H, W, K·C]`, student k's channels at `k·C … k·C + C − 1`;
 * - `stacked`: flat `[K, B, n]`, one slice per student.
 */
type Layout = 'shared' | 'grouped' | 'stacked';

/** One layer of the stacked model. */
interface Op {
  /** What must be equal across students for them to stack: class, configuration, weight shapes. */
  signature: string;
  /** The layer in `model.layers`, when it has weights. */
  layer?: number;
  /** That layer's weights of every student (each as `layer.getWeights()`) as this op's stacked tensors. */
  combine?(perStudent: ReadonlyArray<readonly tf.Tensor[]>): tf.Tensor[];
  /** Student k's part of this op's stacked tensors, as `layer.getWeights()` lists them. */
  split?(values: readonly tf.Tensor[], k: number): tf.Tensor[];
  forward(h: tf.Tensor, weights: readonly tf.Tensor[], training: boolean): tf.Tensor;
}

/** The layers that stack, for the refusal message. */
const STACKABLE =
  'Conv2D, Dense, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Flatten, ' +
  'Dropout, Activation, ReLU, LeakyReLU, ELU, ThresholdedReLU';

/** tfjs-layers activations that act on each value alone, so they stack over any layout. */
const ELEMENTWISE = new Set([
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
]);

/**
 * K students of one architecture made of Conv2D, pooling, Flatten, Dense, activation and Dropout
 * layers, side by side in one model:
 *
 * - the first Conv2D reads the shared input, so the K convolutions of F filters are one of K·F;
 * - a later Conv2D is a grouped convolution (K groups, C_in → C_out each), run as K convolutions
 *   of the split channels, concatenated: the grouped convolution's FLOPs, with gradients on every
 *   backend. (A depthwise convolution with channel multiplier C_out summed over C_in has the same
 *   FLOPs, but its backward pass on TensorFlow's CPU kernels took about 5× as long as the K
 *   convolutions' for the Keras example's student at K = 11.)
 * - pooling and activations act per channel, so they stack as they are;
 * - Flatten takes each student's channels in the order its own Flatten does, and the Dense
 *   layers after it are one batched matMul per layer.
 *
 * Dropout draws its masks over the stacked tensor: each student gets masks of its own after its
 * first weighted layer (the same for all students before it), not the ones its sequential run
 * would draw. Anything else (batch normalization, other convolutions, reshapes, merges,
 * channels-first data, dilated convolutions, frozen layers) is refused with the reason.
 */
export function stackConv(models: unknown[], output: OutputKind): StackedStudents | string {
  const K = models.length;
  const plans = models.map((m) => planOf(m, K, output));
  const first = plans[0]!;
  if (typeof first === 'string') return first;
  for (const p of plans) {
    if (typeof p === 'string') return p;
    if (p.length !== first.length || p.some((op, i) => op.signature !== first[i]!.signature))
      return 'every student must have the same layers (classes, configurations and weight shapes)';
  }
  const layersOf = (m: unknown) => (m as { layers: LayerLike[] }).layers;
  const weighted = first.filter((op) => op.layer !== undefined);
  // Where each weighted op's stacked tensors start in `variables`.
  const offsets: number[] = [];
  let count = 0;
  for (const op of weighted) {
    offsets.push(count);
    count += layersOf(models[0])[op.layer!]!.getWeights().length;
  }
  const sizes = weighted.map((_, i) => (offsets[i + 1] ?? count) - offsets[i]!);
  const perModelOrder = (w: readonly tf.Tensor[], i: number) => w.slice(offsets[i]!, offsets[i]! + sizes[i]!);

  const combine = (perStudent: ReadonlyArray<readonly tf.Tensor[]>): tf.Tensor[] =>
    tf.tidy(() => weighted.flatMap((op, i) => op.combine!(perStudent.map((w) => perModelOrder(w, i)))));
  const split = (values: readonly tf.Tensor[], k: number): tf.Tensor[] =>
    tf.tidy(() => weighted.flatMap((op, i) => op.split!(perModelOrder(values, i), k)));

  const initial = combine(models.map((m) => weighted.flatMap((op) => layersOf(m)[op.layer!]!.getWeights())));
  // tf.variable copies its initial value: the stacked tensors are freed here.
  const variables = initial.map((t, i) => tf.variable(t, true, stackedVariableName(`conv_${i}`)));
  tf.dispose(initial);
  const opWeights = first.map((op) => {
    const i = weighted.indexOf(op);
    return i < 0 ? [] : variables.slice(offsets[i]!, offsets[i]! + sizes[i]!);
  });

  return {
    count: K,
    output,
    variables,
    apply(x, training) {
      let h = x;
      first.forEach((op, i) => {
        h = op.forward(h, opWeights[i]!, training);
      });
      return h as tf.Tensor3D;
    },
    split,
    combine,
    writeBack() {
      tf.tidy(() =>
        models.forEach((m, k) => {
          const weights = split(variables, k);
          weighted.forEach((op, i) => layersOf(m)[op.layer!]!.setWeights(perModelOrder(weights, i)));
        }),
      );
    },
    dispose: () => tf.dispose(variables),
  };
}

/** What the plan knows about the activations after each layer. */
interface State {
  layout: Layout;
  /** Rank of one student's activations, batch axis included (4 for images). */
  rank: number;
  /** Channels per student of an image layout. */
  channels: number;
  /** The last activation applied (for the output kind), and whether a Dense layer produced the output. */
  activation: string;
  units?: number;
}

function planOf(model: unknown, K: number, output: OutputKind): Op[] | string {
  const m = model as { layers?: unknown; inputs?: Array<{ shape?: unknown }>; outputs?: unknown[] };
  if (!Array.isArray(m.layers) || m.layers.length === 0) return 'the student must be a tfjs-layers model';
  if ((m.inputs && m.inputs.length !== 1) || (m.outputs && m.outputs.length !== 1))
    return 'the student must have one input and one output';
  const inputShape = m.inputs?.[0]?.shape;
  if (!Array.isArray(inputShape)) return 'the student must be built (give its first layer an inputShape)';
  const state: State = {
    layout: 'shared',
    rank: inputShape.length,
    channels: Number(inputShape[inputShape.length - 1]),
    activation: 'linear',
  };
  const ops: Op[] = [];
  for (const [index, layer] of (m.layers as LayerLike[]).entries()) {
    const name = typeof layer.getClassName === 'function' ? layer.getClassName() : '';
    if (name === 'InputLayer') continue;
    const op = opOf(name, layer, index, state, K);
    if (typeof op === 'string') return op;
    ops.push(op);
  }
  // After the layers: a layer that cannot stack says so before the weights it would freeze.
  const frozen = frozenWeights(model);
  if (frozen) return frozen;
  if (state.layout !== 'stacked' || state.units === undefined)
    return 'the student must end in a Dense layer (after Flatten or a global pooling on images)';
  if (state.units !== 1) return 'the student must have one output unit (a binary task)';
  if (output === 'probabilities' && state.activation !== 'sigmoid')
    return 'a probabilities student must end in a sigmoid';
  return ops;
}

function opOf(name: string, layer: LayerLike, index: number, state: State, K: number): Op | string {
  const config = layer.getConfig();
  if (config.dataFormat === 'channelsFirst' && state.rank > 2)
    return `${name} layers with dataFormat 'channelsFirst' cannot be stacked; use channelsLast`;
  const signature = (extra: Record<string, unknown>) =>
    JSON.stringify({ name, ...extra, weights: layer.getWeights().map((w) => w.shape) });
  switch (name) {
    case 'Conv2D':
      return convOp(layer, index, state, K, config, signature);
    case 'Dense':
      return denseOp(layer, index, state, config, signature);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      if (state.rank !== 4 || state.layout === 'stacked') return `${name} must act on images to be stacked`;
      const poolSize = pair(config.poolSize);
      const strides = pair(config.strides ?? config.poolSize);
      const padding = config.padding === 'same' ? 'same' : 'valid';
      const pool = name === 'MaxPooling2D' ? tf.maxPool : tf.avgPool;
      return {
        signature: signature({ poolSize, strides, padding }),
        forward: (h) => pool(h as tf.Tensor4D, poolSize, strides, padding),
      };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      if (state.rank !== 4 || state.layout === 'stacked') return `${name} must act on images to be stacked`;
      if (config.keepDims === true) return `${name} with keepDims cannot be stacked`;
      const reduce = name === 'GlobalAveragePooling2D' ? tf.mean : tf.max;
      const grouped = state.layout === 'grouped';
      const channels = state.channels;
      state.rank = 2;
      if (grouped) {
        state.layout = 'stacked';
        state.units = channels;
      }
      return {
        signature: signature({}),
        forward: (h) => {
          const pooled = reduce(h, [1, 2]);
          if (!grouped) return pooled;
          return tf.transpose(tf.reshape(pooled, [pooled.shape[0]!, K, channels]), [1, 0, 2]);
        },
      };
    }
    case 'Flatten': {
      const from = state.layout;
      const channels = state.channels;
      if (from === 'grouped') {
        state.layout = 'stacked';
        delete state.units;
      }
      state.rank = 2;
      return {
        signature: signature({}),
        forward: (h) => {
          if (from === 'stacked') return h;
          if (from === 'shared') return tf.reshape(h, [h.shape[0]!, -1]);
          // [B, H, W, K·C] → [K, B, H·W·C], each student's values in its own Flatten's order.
          const [b, height, width] = h.shape as [number, number, number, number];
          const split = tf.transpose(tf.reshape(h, [b, height, width, K, channels]), [3, 0, 1, 2, 4]);
          return tf.reshape(split, [K, b, height * width * channels]);
        },
      };
    }
    case 'Dropout': {
      if (config.noiseShape != null) return 'a Dropout layer with a noiseShape cannot be stacked';
      const rate = Number(config.rate ?? 0);
      const seed = typeof config.seed === 'number' ? config.seed : undefined;
      return {
        signature: signature({ rate }),
        forward: (h, _w, training) => (training && rate > 0 && rate < 1 ? tf.dropout(h, rate, undefined, seed) : h),
      };
    }
    case 'Activation': {
      const activation = String(config.activation);
      const apply = activationOf(layer, activation, state, name);
      if (typeof apply === 'string') return apply;
      state.activation = activation;
      return { signature: signature({ activation }), forward: apply };
    }
    case 'ReLU': {
      const maxValue = typeof config.maxValue === 'number' ? config.maxValue : undefined;
      state.activation = 'relu';
      return {
        signature: signature({ maxValue }),
        forward: (h) => (maxValue === undefined ? tf.relu(h) : tf.clipByValue(tf.relu(h), 0, maxValue)),
      };
    }
    case 'LeakyReLU': {
      const alpha = Number(config.alpha ?? 0.3);
      state.activation = 'leakyReLU';
      return { signature: signature({ alpha }), forward: (h) => tf.leakyRelu(h, alpha) };
    }
    case 'ELU':
      state.activation = 'elu';
      return { signature: signature({ alpha: config.alpha }), forward: (h) => tf.elu(h) };
    case 'ThresholdedReLU': {
      const theta = Number(config.theta ?? 1);
      state.activation = 'thresholdedReLU';
      return {
        signature: signature({ theta }),
        forward: (h) => tf.mul(h, tf.cast(tf.greater(h, theta), 'float32')),
      };
    }
    default:
      return `${name || 'non-layer'} layers cannot be stacked (these can: ${STACKABLE})`;
  }
}

type Signature = (extra: Record<string, unknown>) => string;

function convOp(
  layer: LayerLike,
  index: number,
  state: State,
  K: number,
  config: Record<string, unknown>,
  signature: Signature,
): Op | string {
  if (state.rank !== 4 || state.layout === 'stacked') return 'a Conv2D layer must act on images to be stacked';
  const dilation = pair(config.dilationRate ?? 1);
  if (dilation.some((d) => d !== 1)) return 'a dilated Conv2D layer cannot be stacked';
  const strides = pair(config.strides ?? 1);
  const padding = config.padding === 'same' ? 'same' : config.padding === 'valid' ? 'valid' : undefined;
  if (padding === undefined) return `a Conv2D layer with padding "${String(config.padding)}" cannot be stacked`;
  const activation = String(config.activation ?? 'linear');
  const act = activationOf(layer, activation, { ...state, layout: 'grouped' }, 'Conv2D');
  if (typeof act === 'string') return act;
  const [kernel, bias] = layer.getWeights();
  const [kh, kw, cin, filters] = kernel!.shape as [number, number, number, number];
  const shared = state.layout === 'shared';
  state.layout = 'grouped';
  state.channels = filters;
  state.activation = activation;
  const withBias = (y: tf.Tensor, w: readonly tf.Tensor[]) => (bias ? tf.add(y, w[1]!) : y);
  // The first convolution reads the shared input: K·F filters of it (kernels side by side on the
  // output axis). A later one is grouped: the students' kernels side by side on the input axis.
  const axis = shared ? 3 : 2;
  return {
    signature: signature({ strides, padding, activation, useBias: bias !== undefined }),
    layer: index,
    combine: (per: ReadonlyArray<readonly tf.Tensor[]>) => [
      tf.concat(
        per.map((w) => w[0]!),
        axis,
      ),
      ...(bias
        ? [
            tf.concat(
              per.map((w) => w[1]!),
              0,
            ),
          ]
        : []),
    ],
    split: (values: readonly tf.Tensor[], k: number) => [
      shared
        ? tf.slice(values[0]!, [0, 0, 0, k * filters], [kh, kw, cin, filters])
        : tf.slice(values[0]!, [0, 0, k * cin, 0], [kh, kw, cin, filters]),
      ...(bias ? [tf.slice(values[1]!, [k * filters], [filters])] : []),
    ],
    forward: (h, w) => {
      const x = h as tf.Tensor4D;
      const filter = w[0] as tf.Tensor4D;
      if (shared || K === 1) return act(withBias(tf.conv2d(x, filter, strides, padding), w));
      // K convolutions, each on its student's channels with its student's kernel: tf.split's
      // gradient is one concat, so the backward pass costs what K separate students' would.
      const inputs = tf.split(x, K, 3) as tf.Tensor4D[];
      const kernels = tf.split(filter, K, 2) as tf.Tensor4D[];
      const y = tf.concat(
        inputs.map((input, k) => tf.conv2d(input, kernels[k]!, strides, padding)),
        3,
      );
      return act(withBias(y, w));
    },
  };
}

function denseOp(
  layer: LayerLike,
  index: number,
  state: State,
  config: Record<string, unknown>,
  signature: Signature,
): Op | string {
  const flat = state.layout === 'stacked' || (state.layout === 'shared' && state.rank === 2);
  if (!flat) return 'a Dense layer must act on flat inputs to be stacked (put a Flatten before it)';
  const activation = String(config.activation ?? 'linear');
  const act = activationOf(layer, activation, { ...state, layout: 'stacked' }, 'Dense');
  if (typeof act === 'string') return act;
  const [kernel, bias] = layer.getWeights();
  const [inputs, units] = kernel!.shape as [number, number];
  const shared = state.layout === 'shared';
  state.layout = 'stacked';
  state.units = units;
  state.activation = activation;
  return {
    signature: signature({ activation, useBias: bias !== undefined }),
    layer: index,
    combine: (per: ReadonlyArray<readonly tf.Tensor[]>) => [
      tf.stack(per.map((w) => w[0]!)),
      ...(bias ? [tf.reshape(tf.stack(per.map((w) => w[1]!)), [per.length, 1, units])] : []),
    ],
    split: (values: readonly tf.Tensor[], k: number) => [
      tf.reshape(tf.slice(values[0]!, [k, 0, 0], [1, inputs, units]), [inputs, units]),
      ...(bias ? [tf.reshape(tf.slice(values[1]!, [k, 0, 0], [1, 1, units]), [units])] : []),
    ],
    forward: (h, w) => {
      // [1, B, in] × [K, in, out]: the batch axis of the product broadcasts over the students.
      const y = tf.matMul(shared ? tf.expandDims(h, 0) : h, w[0]!);
      return act(bias ? tf.add(y, w[1]!) : y);
    },
  };
}

/** The layer's own activation function when it stacks over `state`'s layout, or why not. */
function activationOf(
  layer: LayerLike,
  activation: string,
  state: State,
  name: string,
): ((x: tf.Tensor) => tf.Tensor) | string {
  const own = (layer as { activation?: { apply?: (x: tf.Tensor) => tf.Tensor } }).activation;
  const perStudent = state.layout === 'stacked' || (state.layout === 'shared' && state.rank === 2);
  if (!(ELEMENTWISE.has(activation) || (activation === 'softmax' && perStudent)))
    return `a ${name} layer with activation "${activation}" cannot be stacked here`;
  if (typeof own?.apply !== 'function') return `the ${name} layer's activation cannot be read`;
  return (x) => own.apply!(x);
}

/** A tfjs-layers size argument (a number or a pair) as a pair. */
function pair(v: unknown): [number, number] {
  if (Array.isArray(v)) return [Number(v[0]), Number(v[1] ?? v[0])];
  return [Number(v), Number(v)];
}
