#!/usr/bin/env node
// `npm run bench`: every benchmark, one after another (minutes), each writing bench/results/*.json.
// Pass --quick for the short versions the smoke test runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJson } from './write-json.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const results = join(here, 'results');
mkdirSync(results, { recursive: true });
const quick = process.argv.includes('--quick');

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

script(
  'steps-per-second.mjs',
  ['--json', ...(quick ? ['--rounds', '1', '--steps', '10'] : [])],
  quick ? 'steps-per-second.quick.json' : 'steps-per-second.json',
);
await script(
  'profile-step.mjs',
  ['--json', ...(quick ? ['--rows', '640'] : [])],
  quick ? 'profile-step.quick.json' : 'profile-step.json',
);
await script('keras-side-by-side.mjs', quick ? ['--quick'] : []);
