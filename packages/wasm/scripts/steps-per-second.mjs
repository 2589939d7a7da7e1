// Training steps per second on the wasm and cpu backends, measured in one process.
// Run after building: `npm run build && node scripts/steps-per-second.mjs` (in packages/wasm).
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuRuntime } from '@kd/core/cpu';
import { wasmRuntime } from '@kd/wasm';

const glorot = (seed) => tfl.initializers.glorotUniform({ seed });

const WORKLOADS = [
  {
    name: 'MLP 32-64-32-1, batch 256, Adam',
    seconds: 3,
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ inputShape: [32], units: 64, activation: 'relu', kernelInitializer: glorot(1) }),
          tfl.layers.dense({ units: 32, activation: 'relu', kernelInitializer: glorot(2) }),
          tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: glorot(3) }),
        ],
      }),
    data: () => ({
      x: tf.randomUniform([256, 32], -1, 1, 'float32', 1),
      y: tf.cast(tf.greater(tf.randomUniform([256, 1], 0, 1, 'float32', 2), 0.5), 'float32'),
    }),
    loss: tfl.metrics.binaryCrossentropy,
  },
  {
    name: 'conv student 28x28x1 (Conv2D 8, MaxPool, SeparableConv2D 16, BN, GAP, Dense 10), batch 32, Adam',
    seconds: 4,
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({
            inputShape: [28, 28, 1],
            filters: 8,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: glorot(1),
          }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.separableConv2d({
            filters: 16,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
            depthwiseInitializer: glorot(2),
            pointwiseInitializer: glorot(3),
          }),
          tfl.layers.batchNormalization(),
          tfl.layers.globalAveragePooling2d({}),
          tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: glorot(4) }),
        ],
      }),
    data: () => ({
      x: tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 1),
      y: tf.oneHot(tf.randomUniform([32], 0, 10, 'int32', 2), 10),
    }),
    loss: tfl.metrics.categoricalCrossentropy,
  },
];

async function stepsPerSecond(backend, workload) {
  await tf.setBackend(backend);
  const model = workload.build();
  const { x, y } = workload.data();
  const optimizer = tf.train.adam(0.001);
  // dataSync each step, as a training loop that reports its loss does.
  const step = () =>
    optimizer.minimize(() => tf.mean(workload.loss(y, model.apply(x, { training: true }))), true).dataSync();
  tf.tidy(() => {
    for (let i = 0; i < 3; i++) step(); // warm-up: kernel setup, XNNPACK operators, JIT
  });
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < workload.seconds * 1000) {
    tf.tidy(step);
    steps++;
  }
  const rate = steps / ((performance.now() - start) / 1000);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return rate;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const ROUNDS = 3; // cpu and wasm alternate, so load from other processes hits both alike

const wasmInfo = await wasmRuntime().init();
await cpuRuntime().init();
console.log(
  `wasm: simd=${wasmInfo.simd} threads=${wasmInfo.threads} binary=${wasmInfo.binary}; Node ${process.version}`,
);
for (const workload of WORKLOADS) {
  const rates = { cpu: [], wasm: [] };
  for (let r = 0; r < ROUNDS; r++)
    for (const backend of ['cpu', 'wasm']) rates[backend].push(await stepsPerSecond(backend, workload));
  const cpu = median(rates.cpu);
  const wasm = median(rates.wasm);
  console.log(
    `${workload.name}: cpu ${cpu.toFixed(1)} steps/s, wasm ${wasm.toFixed(1)} steps/s, wasm/cpu ${(wasm / cpu).toFixed(2)}x`,
  );
}
