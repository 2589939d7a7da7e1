#!/usr/bin/env node
// npm run demo: the kd command on embedded Fashion-MNIST data (T-shirt/top vs Shirt) — train a
// teacher ensemble, distil it into a tiny student, compare it with the teachers and with the same
// student trained from scratch, and inspect size and speed.
//
//   node examples/demo/demo.mjs [--runtime wasm|cpu|node] [--alpha 0.3 | --search] [--quick] [--out DIR]
//
// --search chooses α on held-out training images (0, 0.25, 0.5, 0.75, 1 × 2 seeds).
// wasm (the default) needs no setup; node needs the native addon (npx kd-node provision).
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { runDemo } from './run-demo.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};

const started = Date.now();
const out = option('out', fileURLToPath(new URL('./output', import.meta.url)));
try {
  await runDemo({
    out,
    quick: args.includes('--quick'),
    alpha: Number(option('alpha', '0.3')),
    search: args.includes('--search'),
    runtime: option('runtime', 'wasm'),
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
console.log(
  `\nthe demo's data, teachers and run are in ${relative(process.cwd(), out) || '.'}; done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
