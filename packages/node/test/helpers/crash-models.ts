import type * as tf from '@tensorflow/tfjs-core';

/** Elements per model: 1 MiB of weights, so a save takes long enough to be killed in the middle. */
export const CRASH_MODEL_VALUES = 256 * 1024;

/** Model `which` (0 or 1) of the crash test: every weight equals `which + 1`, and its name says which. */
export function crashModelArtifacts(which: number): tf.io.ModelArtifacts {
  const values = new Float32Array(CRASH_MODEL_VALUES).fill(which + 1);
  return {
    modelTopology: { class_name: 'Sequential', config: { name: `model-${which}`, layers: [] } },
    format: 'layers-model',
    weightSpecs: [{ name: 'w', shape: [CRASH_MODEL_VALUES], dtype: 'float32' }],
    weightData: values.buffer,
  };
}
