#!/usr/bin/env node
// `npm run bench`: every benchmark, one after another (over an hour on 2 cores), each writing
// bench/results/*.json. Pass --quick for the short versions (seconds to minutes; their numbers
// mean nothing, they show the scripts run); quick results go to *.quick.json beside the full ones.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJson } from './write-json.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const results = join(here, 'results');
mkdirSync(results, { recursive: true });
const quick = process.argv.includes('--quick');
const q = quick ? ['--quick'] : [];
const file = (name) => (quick ? `${name}.quick.json` : `${name}.json`);
// The conv α search at the harness's 12,000 rows is over an hour of Keras on 2 cores; this size
// keeps it to minutes (BENCHMARKS.md states the size each result was measured at).
const CONV_SEARCH_ROWS = '1000';

async function script(name, args, jsonOut) {
  console.log(`\n== ${name} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [join(here, name), ...args], {
    stdio: jsonOut ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  if (jsonOut) {
    await writeJson(join(results, jsonOut), r.stdout);
    console.log(`wrote ${join(results, jsonOut)}`);
  }
}

await script('steps-per-second.mjs', ['--json', ...q], file('steps-per-second'));
await script('profile-step.mjs', ['--json', ...(quick ? ['--rows', '640'] : [])], file('profile-step'));
await script('streaming-memory.mjs', ['--json', ...q], file('streaming-memory'));
await script('browser-steps.mjs', ['--json', ...q], file('browser-steps'));
await script('keras-side-by-side.mjs', q);
await script('keras-side-by-side.mjs', [
  ...q,
  '--cases',
  'conv-accuracy',
  '--out',
  join(results, file('keras-conv-accuracy')),
]);
await script('keras-side-by-side.mjs', [
  ...q,
  '--cases',
  'conv-sweep-3seeds',
  ...(quick ? [] : ['--rows', CONV_SEARCH_ROWS, '--rounds', '1']),
  '--out',
  join(results, file('keras-conv-search')),
]);
