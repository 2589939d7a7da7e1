import * as tfl from '@tensorflow/tfjs-layers';

// A layers student: its input shape comes from the model itself.
export const classes = 2;

export function createStudent(seed) {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [5],
        units: 6,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
      tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}
