import { isKdError, type KdError } from '@kd/core';
import { expect, it } from 'vitest';
import { wasmRuntime } from '../src/index.js';

// Its own process: a failed start leaves tfjs-backend-wasm unable to take new paths.
it('fails init with KD_BACKEND_UNAVAILABLE when the binaries are not where wasmPaths says', async () => {
  const err = await wasmRuntime({ wasmPaths: '/no/such/folder/' })
    .init()
    .catch((e: unknown) => e);
  expect(isKdError(err, 'KD_BACKEND_UNAVAILABLE')).toBe(true);
  expect((err as KdError).message).toContain('"wasm"');
});
