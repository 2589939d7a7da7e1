import { env } from '@tensorflow/tfjs-core';
import { main } from './cli/main.js';

// Production mode silences tfjs's console hints (e.g. "install tfjs-node"): the table is the output.
env().set('PROD', true);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`kd-conformance crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
