import type { ModelFolderFiles } from '../../src/run/run-folder.js';

/** Inputs of the crash students: one dense layer of CRASH_INPUTS → 500, 2 MB of weights. */
export const CRASH_INPUTS = 1000;

/** The layers topology and weight specs of the crash students, as captured from a real model. */
export interface CrashTopology {
  modelTopology: object;
  weightSpecs: Array<{ name: string; shape: number[]; dtype: string }>;
  values: number;
}

/** The preprocessing both crash students share (a folder reused by the same run keeps it). */
export const CRASH_PREPROCESSING =
  JSON.stringify({
    format: 'kd-preprocessing',
    version: 1,
    source: 'csv',
    features: null,
    label: 'y',
    classes: null,
    numClasses: 2,
    inputShape: [CRASH_INPUTS],
    image: null,
    standardize: null,
  }) + '\n';

/** Student `which` (0 or 1): every weight equals which + 1, so a mix of the two shows. */
export function crashStudent(which: number, topology: CrashTopology): ModelFolderFiles {
  return {
    modelJson: (file) =>
      JSON.stringify({
        modelTopology: topology.modelTopology,
        format: 'layers-model',
        convertedBy: null,
        weightsManifest: [{ paths: [file], weights: topology.weightSpecs }],
      }),
    weights: new Uint8Array(new Float32Array(topology.values).fill(which + 1).buffer),
    files: { 'preprocessing.json': CRASH_PREPROCESSING },
  };
}
