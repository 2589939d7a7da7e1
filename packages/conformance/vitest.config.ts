import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * One conformance suite, one vitest project per runtime. The Node projects run in forked
 * processes; the Chromium ones in the system's headless Chromium (never a downloaded one).
 */

// Flags under which WebGL2 works in headless Chromium through SwiftShader (no GPU needed).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// tfjs's ESM build has no `type: module`: the browser can only load it pre-bundled.
const TFJS_ENTRIES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-core/dist/register_all_gradients',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-wasm',
];

const TIMEOUTS = { testTimeout: 180_000, hookTimeout: 180_000 };

function nodeProject(name: string, include: string[]): TestProjectInlineConfiguration {
  return { test: { name, include, environment: 'node', pool: 'forks', ...TIMEOUTS } };
}

// A fresh browser config per project: vitest fails when projects share one object.
function chromiumProject(name: string, include: string[]): TestProjectInlineConfiguration {
  return {
    optimizeDeps: { include: [...TFJS_ENTRIES] },
    test: {
      name,
      include,
      ...TIMEOUTS,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({
          launchOptions: { executablePath: process.env.KD_CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS] },
        }),
        instances: [{ browser: 'chromium' }],
      },
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      nodeProject('cpu', ['test/cpu.test.ts']),
      nodeProject('wasm-node', ['test/wasm-node.test.ts']),
      nodeProject('node', ['test/node.test.ts']),
      chromiumProject('wasm-chromium', ['test/wasm-chromium.test.ts']),
      chromiumProject('webgl-chromium', ['test/webgl-chromium.test.ts']),
      nodeProject('tooling', ['test/tooling/**/*.test.ts', 'test/docs/**/*.test.ts']),
    ],
  },
});
