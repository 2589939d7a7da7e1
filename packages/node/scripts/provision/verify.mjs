import { readdir, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import process from 'node:process';
import { lastLines } from './errors.mjs';
import { runCommand, which } from './run.mjs';

/**
 * Runs in a child process so a crash of the native addon cannot take the caller down and so a
 * fresh build is loaded (a process caches a failed `require`). It checks real numbers, not just
 * that the module loads: a 2×2 matMul, a gradient, and (when asked) a small model's training.
 */
const CHILD = String.raw`
const [dir, mode] = process.argv.slice(1);
const out = (r) => process.stdout.write('\nKD_CHECK_RESULT ' + JSON.stringify(r) + '\n');
(async () => {
  let tf;
  try { tf = require(dir); } catch (e) { out({ ok: false, stage: 'load', error: String(e && e.message || e) }); return; }
  const result = { ok: true, backend: tf.getBackend(), tfjsVersion: tf.version['tfjs-node'], tfVersion: tf.backend().binding && tf.backend().binding.TF_Version };
  const close = (a, b, tol) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol);
  const m = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync();
  result.matMul = Array.from(m);
  if (!close(result.matMul, [19, 22, 43, 50], 0)) { result.ok = false; result.error = 'matMul gave ' + result.matMul; }
  // d/dx sum(x^3) = 3x^2
  const g = tf.grad((x) => tf.sum(tf.pow(x, 3)))(tf.tensor1d([1, 2, -3])).dataSync();
  result.gradient = Array.from(g);
  if (!close(result.gradient, [3, 12, 27], 1e-5)) { result.ok = false; result.error = 'gradient gave ' + result.gradient; }
  if (mode === 'full' && result.ok) {
    const model = tf.sequential({ layers: [
      tf.layers.dense({ units: 8, inputShape: [2], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ] });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
    const xs = [], ys = [];
    for (let i = 0; i < 64; i++) { const a = Math.cos(i), b = Math.sin(3 * i); xs.push([a, b]); ys.push([a + b > 0 ? 1 : 0]); }
    const h = await model.fit(tf.tensor2d(xs), tf.tensor2d(ys), { epochs: 40, batchSize: 16, verbose: 0, shuffle: false });
    const loss = h.history.loss;
    result.fit = { first: loss[0], last: loss[loss.length - 1] };
    if (!(loss[loss.length - 1] < 0.5 * loss[0])) { result.ok = false; result.error = 'training did not lower the loss: ' + JSON.stringify(result.fit); }
  }
  out(result);
})().catch((e) => out({ ok: false, stage: 'compute', error: String(e && e.stack || e) }));
`;

/**
 * Whether tfjs-node in `tfjsNodeDir` loads and computes correctly, asked of a child process.
 * @returns {Promise<{ ok: boolean, backend?: string, tfVersion?: string, tfjsVersion?: string, error?: string, fit?: { first: number, last: number } }>}
 */
export async function checkTfjsNode(tfjsNodeDir, { full = false, env = process.env, timeoutMs = 180_000 } = {}) {
  const result = await runCommand(process.execPath, ['-e', CHILD, tfjsNodeDir, full ? 'full' : 'quick'], {
    env: { TF_CPP_MIN_LOG_LEVEL: '1', ...env },
    timeoutMs,
  });
  const line = result.output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('KD_CHECK_RESULT '));
  if (line) return JSON.parse(line.slice('KD_CHECK_RESULT '.length));
  const why = result.signal
    ? `the check process was killed by ${result.signal}`
    : `the check process exited with ${result.code}`;
  return { ok: false, stage: 'crash', error: `${why}:\n${lastLines(result.output, 10)}` };
}

/**
 * What the dynamic linker will see: the addon's NEEDED libraries and RUNPATH (`readelf -d`), and
 * any undefined Python symbol in the TensorFlow libraries (`nm -D --undefined-only`), which would
 * mean the libraries need a Python interpreter to load. Skipped when binutils is absent.
 */
export async function inspectBinaries({ tfjsNodeDir, addonPath }) {
  const readelf = await which('readelf');
  const nm = await which('nm');
  if (!readelf || !nm) return { skipped: 'binutils (readelf, nm) is not installed' };
  const dynamic = (await runCommand(readelf, ['-d', addonPath])).output;
  const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const runpath = /\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[([^\]]+)\]/.exec(dynamic)?.[1];
  const libDir = join(tfjsNodeDir, 'deps', 'lib');
  const real = new Set();
  for (const name of await readdir(libDir)) real.add(await realpath(join(libDir, name)));
  const pythonSymbols = {};
  for (const lib of real) {
    const undefinedSymbols = (await runCommand(nm, ['-D', '--undefined-only', lib])).output;
    const python = undefinedSymbols
      .split('\n')
      .map((l) => l.trim().split(/\s+/).pop() ?? '')
      .filter((s) => /^_?Py[A-Z_]|^_Py/.test(s));
    pythonSymbols[basename(lib)] = python;
  }
  return { needed, runpath, pythonSymbols };
}
