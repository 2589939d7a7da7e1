import * as tf from '@tensorflow/tfjs-core';
import { PREPROCESSING_FILE, type Preprocessing } from '../data/preprocessing.js';
import { WEIGHTS_FILE, writeModelFolder } from '../run/run-folder.js';

export { WEIGHTS_FILE };

/** What `model.save` hands an IOHandler, captured in memory. */
export async function captureArtifacts(model: {
  save(handler: tf.io.IOHandler): Promise<unknown>;
}): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save({
    save: async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  });
  return captured!;
}

/** model.json text for artifacts whose weights are stored in `weightsFile` (default {@link WEIGHTS_FILE}). */
export function modelJsonText(
  artifacts: tf.io.ModelArtifacts,
  specs = artifacts.weightSpecs ?? [],
  weightsFile = WEIGHTS_FILE,
): string {
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format ?? 'layers-model',
    ...(artifacts.generatedBy !== undefined ? { generatedBy: artifacts.generatedBy } : {}),
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsFile], weights: specs }],
  };
  return JSON.stringify(json);
}

/**
 * Saves a layers model with its preprocessing as one folder (model.json, weights.bin,
 * preprocessing.json), the layout `tf.loadLayersModel('file://…')` reads. An earlier model in
 * the folder is replaced so that the folder holds the old model or the new one at every instant
 * (see {@link writeModelFolder}).
 */
export async function saveModelFolder(
  dir: string,
  model: { save(handler: tf.io.IOHandler): Promise<unknown> },
  preprocessing: Preprocessing,
): Promise<void> {
  const artifacts = await captureArtifacts(model);
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
  await writeModelFolder(dir, {
    modelJson: (file) => modelJsonText(artifacts, artifacts.weightSpecs ?? [], file),
    weights,
    files: { [PREPROCESSING_FILE]: JSON.stringify(preprocessing, null, 2) + '\n' },
  });
}
