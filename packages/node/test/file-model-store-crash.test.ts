// A save killed with SIGKILL at any moment leaves the key holding the old model or the new one,
// and the next save cleans up what the killed one left.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { isKdError } from '@kd/core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileModelStore } from '../src/index.js';
import { CRASH_MODEL_VALUES, crashModelArtifacts } from './helpers/crash-models.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Inside node_modules so the bundle's bare imports (@kd/core, tfjs) resolve as the package's do.
const childScript = join(here, '..', 'node_modules', '.kd-test', 'save-loop-child.mjs');
const KILLS = 30;

/** Which of the two crash models `artifacts` is, or a description of what else it is. */
function whichModel(artifacts: tf.io.ModelArtifacts): number | string {
  const name = (artifacts.modelTopology as { config?: { name?: string } }).config?.name;
  const data = new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  if (data.length !== CRASH_MODEL_VALUES) return `${data.length} weights`;
  const which = data[0]! - 1;
  if (name !== `model-${which}`) return `topology ${name} with weights of model ${which}`;
  if (!data.every((v) => v === which + 1)) return `mixed weights in ${name}`;
  return which;
}

describe('FileModelStore under SIGKILL', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kd-store-crash-'));
    await build({
      entryPoints: [join(here, 'helpers', 'save-loop-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['@kd/core', '@tensorflow/*'],
      outfile: childScript,
      logLevel: 'silent',
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`holds the old or the new model after each of ${KILLS} kills at random points, and leaves nothing behind`, async () => {
    const root = join(dir, 'models');
    const store = new FileModelStore(root);
    const seen: Array<number | string> = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const child = spawn(process.execPath, [childScript, root, 'student'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      // Wait for a save or two to finish (none on the first run: then the key starts absent),
      // then kill at a random moment of the next ones.
      const savesFirst = kill === 0 ? 0 : 1 + (kill % 2);
      await new Promise<void>((resolve, reject) => {
        let saves = 0;
        if (savesFirst === 0) resolve();
        child.stdout.on('data', (d: Buffer) => {
          saves += d.toString().split('\n').length - 1;
          if (saves >= savesFirst) resolve();
        });
        child.on('exit', () => reject(new Error(`the saving child exited by itself: ${stderr}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
      child.kill('SIGKILL');
      await exited;
      const artifacts = await store.loadHandler('student').load!().catch((e: unknown) => e);
      if (kill === 0 && isKdError(artifacts, 'KD_MODEL_NOT_FOUND')) {
        seen.push('absent');
        continue;
      }
      seen.push(
        artifacts instanceof Error
          ? `${(artifacts as { code?: string }).code ?? 'raw'}: ${artifacts.message}`
          : whichModel(artifacts as tf.io.ModelArtifacts),
      );
    }
    expect(seen.filter((s) => s !== 0 && s !== 1 && s !== 'absent')).toEqual([]);
    // A save after the crashes leaves the key's folder as one model: model.json and one weights file.
    await store.saveHandler('student').save!(crashModelArtifacts(1));
    expect(whichModel(await store.loadHandler('student').load!())).toBe(1);
    expect(await readdir(root)).toEqual(['student']);
    expect((await readdir(join(root, 'student'))).sort()).toEqual(['model.json', expect.stringMatching(/\.bin$/)]);
  }, 60_000);

  it('serialises concurrent saves to one key and leaves one model', async () => {
    const root = join(dir, 'concurrent');
    const store = new FileModelStore(root);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.saveHandler('student').save!(crashModelArtifacts(i % 2))),
    );
    await Promise.all([
      new FileModelStore(root).saveHandler('student').save!(crashModelArtifacts(0)),
      new FileModelStore(root).saveHandler('student').save!(crashModelArtifacts(1)),
      new FileModelStore(root).remove('other'),
    ]);
    const which = whichModel(await store.loadHandler('student').load!());
    expect(which === 0 || which === 1).toBe(true);
    expect((await readdir(join(root, 'student'))).length).toBe(2);
  });

  it('waits for a save held by another live process, then fails with KD_MODEL_BUSY', async () => {
    const root = join(dir, 'busy');
    const store = new FileModelStore(root, { lockTimeoutMs: 150 });
    await store.saveHandler('student').save!(crashModelArtifacts(0));
    // The lock file another process would hold: the pid of a live process (a sleeping child).
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    await writeFile(join(root, 'student', '.kd-lock'), String(sleeper.pid));
    const error = await store.saveHandler('student').save!(crashModelArtifacts(1)).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_MODEL_BUSY')).toBe(true);
    expect(whichModel(await store.loadHandler('student').load!())).toBe(0);
    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.on('exit', resolve));
    // Its owner gone, the lock is stale: the next save takes it over.
    await store.saveHandler('student').save!(crashModelArtifacts(1));
    expect(whichModel(await store.loadHandler('student').load!())).toBe(1);
  });

  it('puts back the previous model an interrupted earlier save left in a hidden .old folder, and drops stale .tmp folders', async () => {
    const root = join(dir, 'legacy');
    // What the earlier two-rename save left when killed between its renames: no key, the old model
    // hidden next to it, and a half-written temporary folder.
    const orphan = join(root, '.student.old-4242-0123456789ab');
    await mkdir(orphan, { recursive: true });
    await writeFile(
      join(orphan, 'model.json'),
      JSON.stringify({
        modelTopology: { class_name: 'Sequential', config: { name: 'model-0', layers: [] } },
        weightsManifest: [
          { paths: ['weights.bin'], weights: [{ name: 'w', shape: [CRASH_MODEL_VALUES], dtype: 'float32' }] },
        ],
      }),
    );
    await writeFile(join(orphan, 'weights.bin'), new Uint8Array(new Float32Array(CRASH_MODEL_VALUES).fill(1).buffer));
    await mkdir(join(root, '.student.tmp-4243-0123456789ab'));
    await writeFile(join(root, '.student.tmp-4243-0123456789ab', 'weights.bin'), 'half');
    const store = new FileModelStore(root);
    expect(whichModel(await store.loadHandler('student').load!())).toBe(0);
    await store.saveHandler('student').save!(crashModelArtifacts(1));
    expect(await readdir(root)).toEqual(['student']);
    expect(whichModel(await store.loadHandler('student').load!())).toBe(1);
  });
});
