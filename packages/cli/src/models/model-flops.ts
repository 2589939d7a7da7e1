/** The parts of a tfjs-layers layer the FLOP count reads. */
interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  outputShape: unknown;
  // Layer.input throws for layers with several inbound nodes; read through a guard.
  readonly input?: unknown;
}

const FREE = new Set([
  'InputLayer',
  'Flatten',
  'Dropout',
  'Reshape',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
]);

/**
 * FLOPs per sample of a forward pass, counted from the layers: a multiply-add is 2 FLOPs, a bias
 * add 1 per output, an activation (relu, sigmoid, tanh, softmax, ...) 1 per output (linear: 0),
 * pooling 1 per window element per output. Null when any layer is of a kind it does not know.
 *
 * Example: dense 4→8 relu then dense 8→1 linear is (2·4·8 + 8 + 8) + (2·8·1 + 1) = 97.
 *
 * @example
 * ```ts
 * flopsPerSample(model.layers); // 97 for the MLP above
 * ```
 */
export function flopsPerSample(layers: readonly LayerLike[]): number | null {
  let total = 0;
  for (const layer of layers) {
    const f = layerFlops(layer);
    if (f === null) return null;
    total += f;
  }
  return total;
}

function shapeOf(s: unknown): number[] {
  const shape = (Array.isArray(s) && Array.isArray(s[0]) ? s[0] : s) as Array<number | null>;
  return shape.slice(1).map((v) => v ?? 1);
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function activationFlops(activation: unknown, elements: number): number {
  return activation === undefined || activation === null || activation === 'linear' ? 0 : elements;
}

function layerFlops(layer: LayerLike): number | null {
  const kind = layer.getClassName();
  if (FREE.has(kind)) return 0;
  const config = layer.getConfig();
  const out = shapeOf(layer.outputShape);
  const outElements = count(out);
  let input: number[];
  try {
    const symbolic = layer.input as { shape?: unknown } | Array<{ shape?: unknown }>;
    input = shapeOf(Array.isArray(symbolic) ? symbolic[0]?.shape : symbolic.shape);
  } catch {
    return null;
  }
  const bias = config.useBias === false ? 0 : outElements;
  switch (kind) {
    case 'Dense': {
      const inUnits = input[input.length - 1]!;
      return 2 * inUnits * outElements + bias + activationFlops(config.activation, outElements);
    }
    case 'Conv1D':
    case 'Conv2D': {
      const kernel = (config.kernelSize as number[]).reduce((a, b) => a * b, 1);
      const cin = input[input.length - 1]!;
      return 2 * kernel * cin * outElements + bias + activationFlops(config.activation, outElements);
    }
    case 'DepthwiseConv2D': {
      const kernel = (config.kernelSize as number[]).reduce((a, b) => a * b, 1);
      return 2 * kernel * outElements + bias + activationFlops(config.activation, outElements);
    }
    case 'MaxPooling1D':
    case 'AveragePooling1D':
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = config.poolSize as number | number[];
      const window = Array.isArray(pool) ? pool.reduce((a, b) => a * b, 1) : pool;
      return window * outElements;
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return count(input);
    case 'Activation':
      return activationFlops(config.activation, outElements);
    case 'ReLU':
    case 'LeakyReLU':
    case 'ELU':
    case 'Softmax':
    case 'ThresholdedReLU':
      return outElements;
    case 'BatchNormalization':
      return 2 * outElements;
    default:
      return null;
  }
}
