import '@tensorflow/tfjs-backend-cpu';
import { createBackendRuntime } from '@kd/core';
import { defineConformanceSuite } from '@kd/conformance/vitest';

// A runtime written outside kd: tfjs's cpu kernels behind kd's runtime building block.
defineConformanceSuite({
  name: 'my-runtime',
  createRuntime: () => createBackendRuntime({ name: 'my-runtime', backend: 'cpu' }),
});
