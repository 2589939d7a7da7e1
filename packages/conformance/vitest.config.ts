import { chromiumBrowser, TFJS_BROWSER_ENTRIES } from '@kd/test-utils/chromium';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * One conformance suite, one vitest project per runtime. The Node projects run in forked
 * processes; the Chromium ones in the system's headless Chromium (never a downloaded one).
 */

const TIMEOUTS = { testTimeout: 180_000, hookTimeout: 180_000 };

function nodeProject(name: string, include: string[]): TestProjectInlineConfiguration {
  return { test: { name, include, environment: 'node', pool: 'forks', ...TIMEOUTS } };
}

// A fresh browser config per project: vitest fails when projects share one object.
function chromiumProject(name: string, include: string[]): TestProjectInlineConfiguration {
  return {
    optimizeDeps: { include: TFJS_BROWSER_ENTRIES },
    test: { name, include, ...TIMEOUTS, browser: chromiumBrowser() },
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
      // The published entry, as a runtime written outside this repository uses it (docs/conformance.md).
      nodeProject('external', ['test/external/**/*.test.ts']),
      nodeProject('tooling', ['test/tooling/**/*.test.ts', 'test/docs/**/*.test.ts']),
    ],
  },
});
