import { expectSilentNodeScript } from '@kd/test-utils/silent-node';
import { describe, it } from 'vitest';

// A library prints nothing it was not asked to: importing kd and training a step on its cpu
// runtime in a fresh Node process writes nothing to stdout or stderr.
const script = `
  const tf = await import('@tensorflow/tfjs-core');
  await import('@kd/core');
  const { cpuRuntime } = await import('@kd/core/cpu');
  await cpuRuntime().init();
  tf.dispose(tf.add(tf.tensor1d([1, 2]), 1));
`;

describe('@kd/core in Node', () => {
  it('prints nothing on import, init and first tensor of the cpu runtime', () => {
    expectSilentNodeScript(script, new URL('..', import.meta.url));
  });
});
