import { chromiumBrowser, TFJS_BROWSER_ENTRIES } from '@kd/test-utils/chromium';
import { defineConfig } from 'vitest/config';
import { browserCommands } from './test/browser-commands.js';
import { serveDocModels } from './test/docs/serve-doc-models.js';

export default defineConfig({
  // The teachers docs/runtimes/browser.md loads from /models/…, answered with test fixtures.
  plugins: [serveDocModels()],
  optimizeDeps: { include: TFJS_BROWSER_ENTRIES },
  test: {
    // `npm run bench` sets KD_BROWSER_BENCH to run the benchmark instead of the tests.
    include: process.env.KD_BROWSER_BENCH ? ['bench/**/*.bench.ts'] : ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Writes docs/runtimes/browser.md's examples as modules for test/docs/pages.test.ts.
    globalSetup: ['test/docs/generate-doc-modules.ts'],
    // One page at a time: WebGL runs on the CPU here (SwiftShader) and timing tests need the cores.
    fileParallelism: false,
    browser: chromiumBrowser({ commands: browserCommands }),
  },
});
