// Which kernels do students' training steps need that the wasm backend lacks, and do the
// gradients wasm computes agree with cpu's?
//
//   node scripts/find-missing-kernels.mjs            stock tfjs-backend-wasm
//   node scripts/find-missing-kernels.mjs --with-kd  after registerWasmTrainingKernels() (needs `npm run build`)
//
// Every kernel the cpu backend has and wasm lacks is registered for wasm as a recording
// stand-in that copies the inputs to the cpu backend, runs cpu's kernel and copies the result
// back, so a step runs to the end and every missing kernel it reaches is listed (not only the
// first). Re-run it when upgrading tfjs.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

if (process.argv.includes('--with-kd')) (await import('@kd/wasm')).registerWasmTrainingKernels();

const reached = new Set();
for (const { kernelName } of tf.getKernelsForBackend('cpu')) {
  if (tf.getKernel(kernelName, 'wasm')) continue;
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      reached.add(kernelName);
      const cpu = tf.engine().findBackend('cpu');
      const onCpu = Object.fromEntries(
        Object.entries(inputs).map(([k, t]) => [
          k,
          { dataId: cpu.write(backend.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype },
        ]),
      );
      const out = tf.getKernel(kernelName, 'cpu').kernelFunc({ inputs: onCpu, backend: cpu, attrs });
      const outs = Array.isArray(out) ? out : [out];
      const back = outs.map((o) => backend.makeOutput(o.shape, o.dtype, undefined, cpu.readSync(o.dataId)));
      for (const t of [...Object.values(onCpu), ...outs]) cpu.disposeData(t.dataId);
      return Array.isArray(out) ? back : back[0];
    },
  });
}

const g = (seed) => tfl.initializers.glorotUniform({ seed });
const STUDENTS = {
  'Conv2D + MaxPool + DepthwiseConv2D + BN + SeparableConv2D + AvgPool + Dense': () => [
    tfl.layers.conv2d({
      inputShape: [12, 12, 2],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: g(1),
    }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, depthwiseInitializer: g(2) }),
    tfl.layers.batchNormalization(),
    tfl.layers.separableConv2d({
      filters: 5,
      kernelSize: 2,
      padding: 'same',
      depthMultiplier: 2,
      depthwiseInitializer: g(3),
      pointwiseInitializer: g(4),
    }),
    tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: g(5) }),
  ],
  'strided valid Conv2D (elu) + Conv2DTranspose + ZeroPadding2D + Cropping2D + LeakyReLU + GAP': () => [
    tfl.layers.conv2d({
      inputShape: [8, 8, 1],
      filters: 3,
      kernelSize: 3,
      strides: 2,
      activation: 'elu',
      kernelInitializer: g(1),
    }),
    tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: g(6) }),
    tfl.layers.zeroPadding2d({ padding: 1 }),
    tfl.layers.cropping2D({ cropping: 1 }),
    tfl.layers.leakyReLU(),
    tfl.layers.globalAveragePooling2d({}),
    tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: g(7) }),
  ],
  'Conv1D + MaxPooling1D + GlobalMaxPooling1D': () => [
    tfl.layers.conv1d({ inputShape: [16, 2], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: g(1) }),
    tfl.layers.maxPooling1d({ poolSize: 2 }),
    tfl.layers.globalMaxPooling1d({}),
    tfl.layers.dense({ units: 2, activation: 'tanh', kernelInitializer: g(2) }),
  ],
  'Dense MLP + BN + Dropout + relu6/softplus': () => [
    tfl.layers.dense({ inputShape: [6], units: 8, activation: 'relu6', kernelInitializer: g(1) }),
    tfl.layers.batchNormalization(),
    tfl.layers.dropout({ rate: 0.2, seed: 3 }),
    tfl.layers.dense({ units: 4, activation: 'softplus', kernelInitializer: g(2) }),
  ],
  'Embedding + LSTM': () => [
    tfl.layers.embedding({
      inputDim: 10,
      outputDim: 4,
      inputLength: 5,
      embeddingsInitializer: tfl.initializers.randomUniform({ seed: 1 }),
    }),
    tfl.layers.lstm({ units: 3, kernelInitializer: g(2), recurrentInitializer: g(3) }),
  ],
  'GRU + bidirectional LSTM + SimpleRNN': () => [
    tfl.layers.gru({
      inputShape: [5, 3],
      units: 3,
      returnSequences: true,
      kernelInitializer: g(2),
      recurrentInitializer: g(3),
    }),
    tfl.layers.bidirectional({
      layer: tfl.layers.lstm({ units: 2, returnSequences: true, kernelInitializer: g(4), recurrentInitializer: g(5) }),
    }),
    tfl.layers.simpleRNN({ units: 2, kernelInitializer: g(6), recurrentInitializer: g(7) }),
  ],
  'PReLU, SELU, hard sigmoid, softsign, swish, mish, GELU, LayerNormalization, L1L2': () => [
    tfl.layers.dense({
      inputShape: [6],
      units: 5,
      activation: 'selu',
      kernelInitializer: g(1),
      kernelRegularizer: tfl.regularizers.l1l2({ l1: 0.01, l2: 0.01 }),
    }),
    tfl.layers.prelu({ alphaInitializer: tfl.initializers.constant({ value: 0.2 }) }),
    ...['hardSigmoid', 'softsign', 'swish', 'mish', 'gelu'].map((activation, i) =>
      tfl.layers.dense({ units: 5, activation, kernelInitializer: g(2 + i) }),
    ),
    tfl.layers.layerNormalization(),
  ],
  // The cpu backend's nearest-neighbour resize gradient is wrong (docs/runtimes/wasm.md), so this
  // one differs from cpu by design; wasm's is the right one.
  'UpSampling2D (nearest and bilinear)': () => [
    tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: g(1) }),
    tfl.layers.upSampling2d({ size: [2, 2] }),
    tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }),
    tfl.layers.flatten(),
  ],
};

function gradients(layers) {
  const model = tfl.sequential({ layers: layers() });
  const inShape = model.inputs[0].shape.slice(1);
  const x =
    model.layers[0].getClassName() === 'Embedding'
      ? tf.randomUniform([4, ...inShape], 0, 10, 'int32', 9)
      : tf.randomUniform([4, ...inShape], -1, 1, 'float32', 9);
  const weights = tf.randomUniform([4, ...model.outputs[0].shape.slice(1)], -1, 1, 'float32', 10);
  const vars = model.trainableWeights.map((w) => w.read());
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, { training: true }), weights)), vars);
  const out = vars.map((v) => grads[v.name].dataSync());
  tf.dispose([x, weights, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

const missing = new Set();
for (const [name, layers] of Object.entries(STUDENTS)) {
  await tf.setBackend('cpu');
  const cpu = gradients(layers);
  await tf.setBackend('wasm');
  reached.clear();
  let wasm;
  try {
    wasm = gradients(layers);
  } catch (e) {
    console.log(`${name}: wasm failed: ${e.message}`);
    continue;
  }
  const worst = Math.max(
    ...cpu.map(
      (c, v) =>
        Math.max(...Array.from(c, (want, i) => Math.abs(wasm[v][i] - want))) /
        Math.max(1e-3, ...Array.from(c, Math.abs)),
    ),
  );
  for (const k of reached) missing.add(k);
  console.log(
    `${name}\n  missing on wasm: ${[...reached].join(', ') || 'none'}\n  largest gradient difference from cpu (relative): ${worst.toExponential(1)}`,
  );
}
console.log(`\nAll missing kernels reached: ${[...missing].sort().join(', ') || 'none'}`);
