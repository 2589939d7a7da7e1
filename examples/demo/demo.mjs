#!/usr/bin/env node
// npm run demo: distil a teacher ensemble into a tiny student on embedded Fashion-MNIST data and
// print how the distilled student compares with the teachers and with the same student trained
// from scratch.
//
//   node examples/demo/demo.mjs [--runtime wasm|cpu|node] [--alpha 0.3 | --search] [--quick]
//
// --search chooses α with searchAlpha (0, 0.25, 0.5, 0.75, 1 × 2 seeds) on held-out training images.
// wasm (the default) needs no setup; node needs the native addon (npx kd-node provision).
import { formatTable, runDemo } from './run-demo.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const quick = args.includes('--quick');
const alpha = Number(option('alpha', '0.3'));
const runtimeName = option('runtime', 'wasm');
const search = args.includes('--search') ? { alphas: [0, 0.25, 0.5, 0.75, 1], seeds: [0, 1] } : undefined;

async function makeRuntime(name) {
  if (name === 'wasm') return (await import('@kd/wasm')).wasmRuntime();
  if (name === 'cpu') return (await import('@kd/core/cpu')).cpuRuntime();
  if (name === 'node') return (await import('@kd/node')).nodeRuntime();
  throw new Error(`Unknown --runtime "${name}"; use wasm, cpu or node.`);
}

const started = Date.now();
const rows = await runDemo({
  runtime: await makeRuntime(runtimeName),
  quick,
  alpha,
  search,
  progress: true,
  log: (line) => console.log(line),
});
console.log('\nTest set (1000 images never seen in training):\n');
console.log(formatTable(rows));
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
