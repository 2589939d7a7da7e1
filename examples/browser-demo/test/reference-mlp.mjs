// An independent forward pass, in float64 plain JavaScript, of the layers models kd writes here
// (Flatten and Dense layers with relu, sigmoid or linear activations, float32 or uint8 weights): the
// page's numbers are checked against it, not against tfjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The weights of a model folder, dequantised as tfjs documents it: value = min + scale × code. */
function readWeights(folder, manifest) {
  const bytes = readFileSync(join(folder, manifest[0].paths[0]));
  const out = new Map();
  let offset = 0;
  for (const spec of manifest.flatMap((g) => g.weights)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    let values;
    if (q?.dtype === 'uint8') {
      values = Array.from(bytes.subarray(offset, offset + n), (c) => q.min + q.scale * c);
      offset += n;
    } else if (!q && spec.dtype === 'float32') {
      values = Array.from(
        new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * n)),
      );
      offset += 4 * n;
    } else throw new Error(`reference-mlp: weights ${spec.name} in ${JSON.stringify(q ?? spec.dtype)} are not handled`);
    out.set(spec.name, { values, shape: spec.shape });
  }
  return out;
}

const ACTIVATIONS = {
  linear: (z) => z,
  relu: (z) => Math.max(0, z),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
};

/** A model folder as a function from 784 scaled pixels to P(class 1). */
export function referenceModel(folder) {
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
  const pre = JSON.parse(readFileSync(join(folder, 'preprocessing.json'), 'utf8'));
  const weights = readWeights(folder, json.weightsManifest);
  const layers = json.modelTopology.config.layers.filter((l) => l.class_name === 'Dense');
  if (json.modelTopology.config.layers.some((l) => !['Dense', 'Flatten'].includes(l.class_name)))
    throw new Error(`reference-mlp: ${folder} has layers other than Flatten and Dense`);
  const dense = layers.map((l) => ({
    kernel: weights.get(`${l.config.name}/kernel`),
    bias: weights.get(`${l.config.name}/bias`),
    act: ACTIVATIONS[l.config.activation],
  }));
  return (pixels) => {
    let x = Array.from(pixels, (v) => v * pre.image.scale);
    for (const { kernel, bias, act } of dense) {
      const [n, m] = kernel.shape;
      const y = new Array(m);
      for (let j = 0; j < m; j++) {
        let s = bias.values[j];
        for (let i = 0; i < n; i++) s += x[i] * kernel.values[i * m + j];
        y[j] = act(s);
      }
      x = y;
    }
    // kd students and teachers end in one linear unit: a logit.
    return layers.at(-1).config.activation === 'sigmoid' ? x[0] : 1 / (1 + Math.exp(-x[0]));
  };
}
