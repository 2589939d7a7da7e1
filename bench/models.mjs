// The benchmarks' architectures, built the same way by every script that times them (and by
// bench/keras/reference.py on the Keras side): the Keras knowledge-distillation example's conv
// teacher (Conv 256/512) and student (Conv 16/32) with one logit, and the MLP pair 784-128-64-1 /
// 784-8-1. Layer i's kernel is Glorot-uniform with seed `seed * 100 + i`.
import * as tfl from '@tensorflow/tfjs-layers';

/** The architectures by name. */
export const ARCHITECTURES = ['conv-teacher', 'conv-student', 'mlp-teacher', 'mlp-student'];

/** One of {@link ARCHITECTURES}, initialised from `seed`. */
export function buildBenchModel(arch, seed) {
  if (!ARCHITECTURES.includes(arch)) throw new Error(`unknown architecture ${arch}; use ${ARCHITECTURES.join(', ')}`);
  const init = (i) => tfl.initializers.glorotUniform({ seed: seed * 100 + i });
  if (arch.startsWith('conv')) {
    const [a, b] = arch === 'conv-teacher' ? [256, 512] : [16, 32];
    return tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [28, 28, 1],
          filters: a,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          kernelInitializer: init(1),
        }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tfl.layers.conv2d({ filters: b, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(2) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1, kernelInitializer: init(3) }),
      ],
    });
  }
  const hidden = arch === 'mlp-teacher' ? [128, 64] : [8];
  const layers = hidden.map((units, i) =>
    tfl.layers.dense({
      ...(i === 0 ? { inputShape: [784] } : {}),
      units,
      activation: 'relu',
      kernelInitializer: init(i + 1),
    }),
  );
  layers.push(tfl.layers.dense({ units: 1, kernelInitializer: init(9) }));
  return tfl.sequential({ layers });
}
