import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A library prints nothing it was not asked to: importing @kd/wasm and computing on its runtime
// in a fresh Node process writes nothing to stdout or stderr.
const script = `
  const tf = await import('@tensorflow/tfjs-core');
  const { wasmRuntime } = await import('@kd/wasm');
  await wasmRuntime().init();
  tf.dispose(tf.add(tf.tensor1d([1, 2]), 1));
`;

describe('@kd/wasm in Node', () => {
  it('prints nothing on import, init and first tensor', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
  });
});
