#!/usr/bin/env node
// npm run demo: distil a teacher ensemble into a tiny student on embedded Fashion-MNIST data and
// print how the distilled student compares with the teachers and with the same student trained
// from scratch. Options: --quick (a fast smoke run), --alpha <0..1>.
import { cpuRuntime } from '@kd/core/cpu';
import { formatTable, runDemo } from './run-demo.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const alphaAt = args.indexOf('--alpha');
const alpha = alphaAt >= 0 ? Number(args[alphaAt + 1]) : 0.3;

const started = Date.now();
const rows = await runDemo({ runtime: cpuRuntime(), quick, alpha, progress: true, log: (line) => console.log(line) });
console.log('\nTest set (1000 images never seen in training):\n');
console.log(formatTable(rows));
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
