import { wasmRuntime } from '@kd/wasm';
import { defineConformanceSuite } from '../src/suite/index.js';
import { WASM_BINARY_URLS } from './browser/wasm-binaries.js';

defineConformanceSuite({ name: 'wasm-chromium', createRuntime: () => wasmRuntime({ wasmPaths: WASM_BINARY_URLS }) });
