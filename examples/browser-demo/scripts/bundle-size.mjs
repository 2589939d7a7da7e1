#!/usr/bin/env node
// Prints what @kd/browser's loadStudent adds to an app's download, minified and gzipped: alone
// (tfjs is a peer an app already ships) and with the tfjs packages it needs to run
// (core, layers, the webgl backend). Run by `npm run build`; the numbers go to BENCHMARKS.md.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

async function size(contents, external) {
  const out = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external,
    logLevel: 'silent',
  });
  const bytes = out.outputFiles[0].contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const entry = "export { loadStudent } from '@kd/browser';";
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const alone = await size(entry, ['@tensorflow/*']);
const withTfjs = await size(`${entry}\nimport '@tensorflow/tfjs-backend-webgl';`, []);
console.log(`loadStudent bundle: ${kb(alone.min)} min, ${kb(alone.gzip)} gzip (tfjs peers excluded)`);
console.log(
  `loadStudent + tfjs-core, tfjs-layers, tfjs-backend-webgl: ${kb(withTfjs.min)} min, ${kb(withTfjs.gzip)} gzip`,
);
