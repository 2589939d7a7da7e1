import { wasmRuntime } from '@kd/wasm';
import { defineConformanceSuite } from '../src/suite/index.js';

defineConformanceSuite({ name: 'wasm-node', createRuntime: () => wasmRuntime() });
