import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

// The tests read the models on tfjs's cpu backend on purpose; its "install tfjs-node" banner is noise here.
tf.env().set('PROD', true);

/**
 * Loads a saved model folder with tfjs's own `tf.loadLayersModel` through `tf.io.fromMemory`:
 * the test reads the files itself, so it checks the saved format rather than kd's loader.
 */
export async function loadLayersFolder(dir: string): Promise<tfl.LayersModel> {
  await tf.setBackend('cpu');
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const bytes = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    }),
  );
}

/** Parses the test CSV (numbers only) into rows and labels. */
export function readCsvRows(path: string, label: string): { names: string[]; x: number[][]; y: number[] } {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = head!.split(',');
  const li = names.indexOf(label);
  const x: number[][] = [];
  const y: number[] = [];
  for (const line of lines) {
    const cells = line.split(',').map(Number);
    y.push(cells[li]!);
    x.push(cells.filter((_, i) => i !== li));
  }
  return { names: names.filter((_, i) => i !== li), x, y };
}
