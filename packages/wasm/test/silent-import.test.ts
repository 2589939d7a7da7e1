import { expectSilentNodeScript } from '@kd/test-utils/silent-node';
import { describe, it } from 'vitest';

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
    expectSilentNodeScript(script, new URL('..', import.meta.url));
  });
});
