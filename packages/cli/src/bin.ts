import * as tf from '@tensorflow/tfjs-core';
import { main } from './commands/program.js';

// tfjs's cpu kernels (also loaded under wasm) print a "use tfjs-node" banner on first use; the
// command chooses its runtime with --runtime and prints only what it was asked for.
tf.env().set('PROD', true);
// Native TensorFlow (image decoding, --runtime node) logs CPU-feature notes at start; keep warnings and errors.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';

// Ctrl-C stops training at the next batch (the run keeps what it wrote); a second one exits at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nkd: stopping at the next batch (Ctrl-C again to quit now)\n');
  controller.abort();
});

const code = await main(process.argv.slice(2), {
  io: {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
    isTty: Boolean(process.stderr.isTTY),
  },
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
