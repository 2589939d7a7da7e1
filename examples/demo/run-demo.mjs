// The quick-start demo as `kd` commands: write the embedded Fashion-MNIST subset (T-shirt/top vs
// Shirt) as IDX files, train a teacher ensemble with `kd train-teacher`, distil it into a tiny
// student with `kd distill` (which also trains the student from scratch and compares), and
// `kd inspect` the models.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { loadFashionSubset } from './fashion-subset.mjs';
import { encodeIdxUint8 } from './write-idx.mjs';

/** Settings of the full demo; `quick` shrinks every run for tests. */
export const DEMO_SETTINGS = {
  full: { teachers: 3, teacherEpochs: 10, studentEpochs: 20, batchSize: 64 },
  quick: { teachers: 2, teacherEpochs: 2, studentEpochs: 2, batchSize: 128 },
};

/** The `kd` executable of the installed @kd/cli. */
export function kdBin() {
  const pkg = createRequire(import.meta.url).resolve('@kd/cli/package.json');
  return join(dirname(pkg), 'dist', 'bin.js');
}

const MARKER = '.kd-demo';

/**
 * Writes the subset's training and test images and labels as four IDX files in `dir/data`.
 * Refuses a non-empty `dir` that an earlier demo did not write.
 * @param {string} dir
 */
export function writeDemoData(dir) {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MARKER)))
    throw new Error(`${dir} is not empty and was not written by the demo; choose another --out.`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, MARKER), 'written by examples/demo\n');
  const { train, test, height, width } = loadFashionSubset();
  // Paths relative to `dir`, where the commands run, so the printed commands read as a user types them.
  const files = {
    trainImages: 'data/train-images-idx3-ubyte',
    trainLabels: 'data/train-labels-idx1-ubyte',
    testImages: 'data/test-images-idx3-ubyte',
    testLabels: 'data/test-labels-idx1-ubyte',
  };
  writeFileSync(join(dir, files.trainImages), encodeIdxUint8(train.images, [train.count, height, width]));
  writeFileSync(join(dir, files.trainLabels), encodeIdxUint8(train.labels, [train.count]));
  writeFileSync(join(dir, files.testImages), encodeIdxUint8(test.images, [test.count, height, width]));
  writeFileSync(join(dir, files.testLabels), encodeIdxUint8(test.labels, [test.count]));
  return files;
}

/**
 * The demo's `kd` commands (argument lists, run in the output folder), in order. The 1000 test
 * images are the test split; 20% of the 2000 training images are held out for validation.
 * @param {{ files: ReturnType<typeof writeDemoData>, quick?: boolean, alpha?: number, search?: boolean, runtime?: string }} options
 */
export function demoCommands({ files, quick = false, alpha = 0.3, search = false, runtime = 'wasm' }) {
  const s = quick ? DEMO_SETTINGS.quick : DEMO_SETTINGS.full;
  const data = [
    '--data',
    files.trainImages,
    '--label',
    files.trainLabels,
    '--test-data',
    files.testImages,
    '--test-label',
    files.testLabels,
    '--validation',
    '0.2',
    '--batch-size',
    String(s.batchSize),
    '--runtime',
    runtime,
  ];
  const teachers = 'teachers';
  const run = 'run';
  return [
    [
      'train-teacher',
      ...data,
      '--model',
      'mlp:128,64',
      '--ensemble',
      String(s.teachers),
      '--epochs',
      String(s.teacherEpochs),
      '--learning-rate',
      '0.001',
      '--out',
      teachers,
    ],
    [
      'distill',
      ...data,
      '--teacher',
      teachers,
      '--student',
      'mlp:8',
      '--epochs',
      String(s.studentEpochs),
      '--learning-rate',
      '0.003',
      ...(search ? ['--search-alpha', '0,0.25,0.5,0.75,1', '--seeds', '2'] : ['--alpha', String(alpha)]),
      '--out',
      run,
    ],
    ['inspect', teachers, join(run, 'student'), '--runtime', runtime],
  ];
}

/** Runs one `kd` command; resolves with its exit code and (when piped) its output. */
function kd(args, { cwd, pipe, log }) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [kdBin(), ...args], {
      cwd,
      stdio: pipe ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`kd ${args[0]} exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`));
      else done({ stdout, stderr });
    });
    log(`\n$ kd ${args.join(' ')}`);
  });
}

/**
 * Runs the demo and returns the run's metrics.json and each command's output (when `pipe`).
 * @param {{ out: string, quick?: boolean, alpha?: number, search?: boolean, runtime?: string, pipe?: boolean, log?: (line: string) => void }} options
 */
export async function runDemo({ out, pipe = false, log = () => {}, ...options }) {
  const dir = resolve(out);
  const files = writeDemoData(dir);
  const outputs = [];
  log(`(in ${relative(process.cwd(), dir) || '.'})`);
  for (const args of demoCommands({ files, ...options })) outputs.push(await kd(args, { cwd: dir, pipe, log }));
  const metrics = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8'));
  return { out: dir, metrics, outputs };
}
