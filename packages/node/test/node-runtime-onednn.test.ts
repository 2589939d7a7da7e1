// nodeRuntime({ onednn }) sets TF_ENABLE_ONEDNN_OPTS before the addon loads, and TensorFlow
// itself acts on it: it logs "oneDNN custom operations are on" exactly when oneDNN is on. Each
// case runs in a fresh Node process (TensorFlow reads the variable once per process), against
// the built package. The option's type check is in node-runtime.test.ts with the others.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onednnSetting } from '../src/runtime/node-runtime.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const ONEDNN_ON = 'oneDNN custom operations are on';

/** Starts the runtime in a child with `options`, TensorFlow's logs on; returns its info, product and stderr. */
function child(options: string, env: NodeJS.ProcessEnv = {}) {
  const code = `
    import * as tf from '@tensorflow/tfjs-core';
    import { nodeRuntime } from '@kd/node';
    const info = await nodeRuntime(${options}).init();
    const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).arraySync();
    console.log(JSON.stringify({ onednn: info.onednn ?? null, env: process.env.TF_ENABLE_ONEDNN_OPTS ?? null, product }));
  `;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '0', ...env };
  if (!('TF_ENABLE_ONEDNN_OPTS' in env)) delete childEnv.TF_ENABLE_ONEDNN_OPTS;
  return new Promise<{ out: { onednn: boolean | null; env: string | null; product: number[][] }; stderr: string }>(
    (resolve, reject) =>
      execFile(
        process.execPath,
        ['--input-type=module', '-e', code],
        { cwd: packageRoot, env: childEnv, maxBuffer: 1 << 22 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ out: JSON.parse(stdout), stderr }),
      ),
  );
}

describe('nodeRuntime({ onednn })', () => {
  it('off: TensorFlow starts without oneDNN, and computes the same numbers', async () => {
    const { out, stderr } = await child('{ onednn: false, quietNativeLogs: false }');
    expect(out).toEqual({
      onednn: false,
      env: '0',
      product: [
        [19, 22],
        [43, 50],
      ],
    });
    expect(stderr).not.toContain(ONEDNN_ON);
  }, 60_000);

  it('on: TensorFlow says oneDNN is on', async () => {
    const { out, stderr } = await child('{ onednn: true, quietNativeLogs: false }');
    expect(out.onednn).toBe(true);
    expect(out.env).toBe('1');
    expect(stderr).toContain(ONEDNN_ON);
  }, 60_000);

  it('not given: off, unless TF_ENABLE_ONEDNN_OPTS is set, which is left as it is', async () => {
    const unset = await child('{ quietNativeLogs: false }');
    expect(unset.out).toMatchObject({ onednn: false, env: '0' });
    expect(unset.stderr).not.toContain(ONEDNN_ON);
    const on = await child('{ quietNativeLogs: false }', { TF_ENABLE_ONEDNN_OPTS: 'True' });
    expect(on.out).toMatchObject({ onednn: true, env: 'True' });
    expect(on.stderr).toContain(ONEDNN_ON);
    const unread = await child('{ quietNativeLogs: false }', { TF_ENABLE_ONEDNN_OPTS: 'yes' });
    expect(unread.out).toMatchObject({ onednn: null, env: 'yes' }); // TensorFlow's own default then
  }, 60_000);

  it('reads TF_ENABLE_ONEDNN_OPTS as TensorFlow does', () => {
    expect(onednnSetting('1')).toBe(true);
    expect(onednnSetting('TRUE')).toBe(true);
    expect(onednnSetting('0')).toBe(false);
    expect(onednnSetting('False')).toBe(false);
    expect(onednnSetting(' 0')).toBeUndefined(); // no trimming in TensorFlow either
    expect(onednnSetting(undefined)).toBeUndefined();
    expect(onednnSetting('yes')).toBeUndefined(); // TensorFlow warns and keeps its default
  });
});
