// A student folder being replaced when the process is killed with SIGKILL holds, at the
// documented path, the old complete student or the new one; the next write cleans up.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/models/load-model.js';
import { captureArtifacts } from '../src/models/save-model.js';
import { writeModelFolder } from '../src/run/run-folder.js';
import { CRASH_INPUTS, CRASH_PREPROCESSING, crashStudent, type CrashTopology } from './helpers/crash-students.js';

tf.env().set('PROD', true);
const here = fileURLToPath(new URL('.', import.meta.url));
// Inside node_modules so the bundle's bare imports (@kd/*, tfjs) resolve as the package's do.
const childScript = join(here, '..', 'node_modules', '.kd-test', 'model-folder-child.mjs');
const KILLS = 10;

let dir: string;
let topologyFile: string;
let topology: CrashTopology;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'kd-cli-crash-'));
  await build({
    entryPoints: [join(here, 'helpers', 'model-folder-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@kd/*', '@tensorflow/*'],
    outfile: childScript,
    logLevel: 'silent',
  });
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [CRASH_INPUTS], units: 500 })] });
  const artifacts = await captureArtifacts(model);
  model.dispose();
  topology = {
    modelTopology: artifacts.modelTopology as object,
    weightSpecs: artifacts.weightSpecs!,
    values: CRASH_INPUTS * 500 + 500,
  };
  topologyFile = join(dir, 'topology.json');
  await writeFile(topologyFile, JSON.stringify(topology));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Which crash student the folder holds (0 or 1), loaded as kd loads a student, or what is wrong. */
async function whichStudent(folder: string): Promise<number | string> {
  let loaded;
  try {
    loaded = await loadModel(join(folder, 'model.json'));
  } catch (error) {
    return `not loadable: ${(error as Error).message}`;
  }
  try {
    if (loaded.kind !== 'layers') return 'not a layers model';
    if (JSON.stringify(loaded.preprocessing) !== JSON.stringify(JSON.parse(CRASH_PREPROCESSING)))
      return `preprocessing ${JSON.stringify(loaded.preprocessing)}`;
    const values = new Float32Array(loaded.model.getWeights().flatMap((w) => Array.from(w.dataSync())));
    if (values.length !== topology.values) return `${values.length} weights`;
    const first = values[0]!;
    if (first !== 1 && first !== 2) return `weights ${first}`;
    if (!values.every((v) => v === first)) return 'mixed weights';
    return first - 1;
  } finally {
    loaded.model.dispose();
  }
}

/** Runs the child in `mode` and resolves with what it printed and how it ended. */
function child(target: string, mode: string): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [childScript, target, topologyFile, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('exit', (code, signal) =>
      code === 0 || signal === 'SIGKILL' ? resolve({ stdout, signal }) : reject(new Error(`child failed: ${stderr}`)),
    );
  });
}

describe('writeModelFolder under SIGKILL', () => {
  it('leaves the old or the new student loadable when killed before any one of its file-system steps', async () => {
    const counted = await child(join(dir, 'count', 'student'), 'count');
    const steps = Number(counted.stdout.trim());
    // Weights staged, model.json switched, weights.bin replaced, switched back, staged file removed.
    expect(steps).toBeGreaterThanOrEqual(8);
    const seen: string[] = [];
    for (const save of [0, 1])
      for (let n = 1; n <= steps + 1; n++) {
        const run = join(dir, `step-${save}-${n}`);
        const target = join(run, 'student');
        const result = await child(target, `kill:${save}:${n}`);
        const killed = result.signal === 'SIGKILL';
        const which = await whichStudent(target);
        const absent = (await readdir(run).catch(() => [])).every((name) => name !== 'student');
        // A new folder is absent or whole; a replaced one holds the old student (0) or the new (1).
        const ok = save === 0 ? !killed || absent || which === 0 : which === 0 || which === 1;
        if (!ok) seen.push(`save ${save}, killed before step ${n}: ${absent ? 'absent' : which}`);
        if (!killed) expect(which).toBe(1);
        // Whatever the kill left, the next write leaves the documented layout and nothing else.
        await writeModelFolder(target, crashStudent(1, topology));
        expect((await readdir(target)).sort()).toEqual(['model.json', 'preprocessing.json', 'weights.bin']);
        expect(await readdir(run)).toEqual(['student']);
      }
    expect(seen).toEqual([]);
  }, 300_000);

  it(`leaves the old or the new student loadable after each of ${KILLS} kills at random moments`, async () => {
    const run = join(dir, 'run');
    const target = join(run, 'student');
    const seen: Array<number | string> = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const c = spawn(process.execPath, [childScript, target, topologyFile, 'loop'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<void>((resolve) => c.on('exit', () => resolve()));
      // Wait for a write or two to finish (none on the first run: then the folder starts absent),
      // then kill at a random moment of the next ones.
      const savesFirst = kill === 0 ? 0 : 1 + (kill % 2);
      await new Promise<void>((resolve, reject) => {
        let saves = 0;
        if (savesFirst === 0) resolve();
        c.stdout.on('data', (d: Buffer) => {
          saves += d.toString().split('\n').length - 1;
          if (saves >= savesFirst) resolve();
        });
        c.on('exit', () => reject(new Error(`the writing child exited by itself: ${stderr}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
      c.kill('SIGKILL');
      await exited;
      const absent = (await readdir(run).catch(() => [])).every((name) => name !== 'student');
      seen.push(kill === 0 && absent ? 'absent' : await whichStudent(target));
    }
    expect(seen.filter((s) => s !== 0 && s !== 1 && s !== 'absent')).toEqual([]);
    await writeModelFolder(target, crashStudent(1, topology));
    expect(await whichStudent(target)).toBe(1);
    expect((await readdir(target)).sort()).toEqual(['model.json', 'preprocessing.json', 'weights.bin']);
    expect(await readdir(run)).toEqual(['student']);
  }, 120_000);

  it('replaces a folder in place and drops the files the new student has not', async () => {
    const target = join(dir, 'again', 'student');
    await writeModelFolder(target, crashStudent(0, topology));
    expect(await whichStudent(target)).toBe(0);
    await writeModelFolder(target, { ...crashStudent(1, topology), drop: ['preprocessing.json'], files: {} });
    expect((await readdir(target)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadModel(join(target, 'model.json'));
    expect(loaded.preprocessing).toBeUndefined();
    expect(loaded.kind === 'layers' && loaded.model.getWeights()[0]!.dataSync()[0]).toBe(2);
    loaded.model.dispose();
  });
});
