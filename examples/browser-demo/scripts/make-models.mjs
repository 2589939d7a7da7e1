#!/usr/bin/env node
// Regenerates the models the page serves (public/models/) with the kd command, on the demo's
// embedded Fashion-MNIST subset (T-shirt/top vs Shirt), with the demo's settings: an ensemble of
// three mlp:128,64 teachers distilled into an mlp:8 student, exported as float32 and as uint8.
//
//   npm run make-models -w examples/browser-demo      (after: npx nx run @kd/cli:build)
//
// kd reads IDX files, so the subset's splits are first written as IDX pairs to a temporary folder.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionSubset } from '../../demo/fashion-subset.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'public', 'models');
const kdBin = join(dirname(createRequire(import.meta.url).resolve('@kd/cli/package.json')), 'dist', 'bin.js');
const runtime = process.env.KD_RUNTIME ?? 'wasm';

/** An uncompressed IDX file of uint8 values (type 0x08) with the given dimensions. */
function idx(values, dims) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
}

function kd(...args) {
  console.log(`$ kd ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [kdBin, ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`kd ${args[0]} exited with ${r.status}`);
}

/**
 * Keeps only what the page loads (model.json, weights, preprocessing.json), and records the label
 * file by name only: the temporary folder it was written to means nothing to a reader.
 */
function tidy(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tidy(path);
    else if (entry.name === 'preprocessing.json') {
      const p = JSON.parse(readFileSync(path, 'utf8'));
      if (p.label) p.label = basename(p.label);
      writeFileSync(path, `${JSON.stringify(p, null, 2)}\n`);
    } else if (!['model.json', 'weights.bin'].includes(entry.name)) rmSync(path);
  }
}

const work = mkdtempSync(join(tmpdir(), 'kd-browser-demo-'));
try {
  const { train, test, height, width, classNames } = loadFashionSubset();
  const files = {};
  for (const [name, split] of [
    ['train', train],
    ['test', test],
  ]) {
    files[`${name}Images`] = join(work, `${name}-images-idx3-ubyte`);
    files[`${name}Labels`] = join(work, `${name}-labels-idx1-ubyte`);
    writeFileSync(files[`${name}Images`], idx(split.images, [split.count, height, width]));
    writeFileSync(files[`${name}Labels`], idx(split.labels, [split.count]));
  }
  const data = ['--data', files.trainImages, '--label', files.trainLabels, '--classes', classNames.join(',')];
  const common = ['--validation', '0.2', '--test-data', files.testImages, '--test-label', files.testLabels];
  const shared = ['--batch-size', '64', '--seed', '1', '--runtime', runtime];
  kd(
    'train-teacher',
    ...data,
    ...common,
    ...shared,
    '--model',
    'mlp:128,64',
    '--ensemble',
    '3',
    '--epochs',
    '10',
    '--out',
    join(work, 'teachers'),
  );
  kd(
    'distill',
    ...data,
    ...common,
    ...shared,
    '--teacher',
    join(work, 'teachers'),
    '--student',
    'mlp:8',
    '--alpha',
    '0.3',
    '--epochs',
    '20',
    '--no-scratch',
    '--out',
    join(work, 'run'),
  );
  kd(
    'export',
    '--model',
    join(work, 'run', 'student'),
    '--out',
    join(work, 'student-uint8'),
    '--quantize',
    'uint8',
    '--runtime',
    runtime,
  );

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(join(work, 'teachers'), join(out, 'teachers'), { recursive: true });
  cpSync(join(work, 'run', 'student'), join(out, 'student-float32'), { recursive: true });
  cpSync(join(work, 'student-uint8'), join(out, 'student-uint8'), { recursive: true });
  tidy(out);
  console.log(`models written to ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
