import * as tfl from '@tensorflow/tfjs-layers';

/** The activations the tests' MLPs use. */
export type MlpActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax';

/** Options of {@link seededMlp}. */
export interface SeededMlpOptions {
  /** Features, then the units of each dense layer: `[8, 16, 1]` is 8 inputs, 16 hidden, 1 output. */
  units: readonly number[];
  /** Seed of the first layer's glorot-uniform kernel (default 1). */
  seed?: number;
  /** Layer `i` (0-based) is seeded with `seed + i * seedStep` (default 1). */
  seedStep?: number;
  /** Activation of every layer but the last (default relu). */
  hidden?: MlpActivation;
  /** Activation of the last layer (default linear: logits). */
  output?: MlpActivation;
}

/**
 * A dense network with seeded glorot-uniform kernels and zero biases: the same options give
 * bit-identical initial weights on every tfjs backend, so two runs (or two runtimes) can be
 * compared weight for weight.
 *
 * @example
 * ```ts
 * const student = seededMlp({ units: [8, 16, 1], seed: 31 }); // logits out
 * ```
 */
export function seededMlp(options: SeededMlpOptions): tfl.Sequential {
  const { units, seed = 1, seedStep = 1, hidden = 'relu', output = 'linear' } = options;
  if (units.length < 2) throw new Error(`seededMlp needs inputs and at least one layer; got units [${units}]`);
  const layers: tfl.layers.Layer[] = [];
  for (let i = 1; i < units.length; i++) {
    layers.push(
      tfl.layers.dense({
        ...(i === 1 ? { inputShape: [units[0]!] } : {}),
        units: units[i]!,
        activation: i === units.length - 1 ? output : hidden,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + (i - 1) * seedStep }),
        biasInitializer: 'zeros',
      }),
    );
  }
  return tfl.sequential({ layers });
}
