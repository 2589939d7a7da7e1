import * as tfl from '@tensorflow/tfjs-layers';

// Says 4 classes but outputs 3 units: the conformance run must reject it.
export const classes = 4;

export function createStudent(seed) {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [3], units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
    ],
  });
}
