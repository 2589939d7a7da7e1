import { isKdError } from '@kd/core';
import { describe, expect, it, vi } from 'vitest';
import { nodeRuntime } from '../src/index.js';

// Stands in for a tfjs-node whose native addon was never built.
vi.mock('@tensorflow/tfjs-node', () => {
  throw new Error(
    'The Node.js native addon module (tfjs_binding.node) can not be found at path: lib/napi-v8/tfjs_binding.node.',
  );
});

describe('nodeRuntime without a working addon', () => {
  it('fails init with KD_BACKEND_UNAVAILABLE and tells the user to provision', async () => {
    const runtime = nodeRuntime();
    const error = await runtime.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isKdError(error, 'KD_BACKEND_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('could not be loaded');
    const causes: string[] = [];
    for (let c = (error as Error).cause; c instanceof Error; c = c.cause) causes.push(c.message);
    expect(causes.join('\n')).toContain('tfjs_binding.node');
    expect((error as Error).message).toContain('npx kd-node provision');
  });
});
