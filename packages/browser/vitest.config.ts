import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { browserCommands } from './test/browser-commands.js';
import { serveDocModels } from './test/docs/serve-doc-models.js';

const CHROMIUM_FLAGS = [
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

export default defineConfig({
  // The teachers docs/runtimes/browser.md loads from /models/…, answered with test fixtures.
  plugins: [serveDocModels()],
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-converter',
    ],
  },
  test: {
    // `npm run bench` sets KD_BROWSER_BENCH to run the benchmark instead of the tests.
    include: process.env.KD_BROWSER_BENCH ? ['bench/**/*.bench.ts'] : ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Writes docs/runtimes/browser.md's examples as modules for test/docs/pages.test.ts.
    globalSetup: ['test/docs/generate-doc-modules.ts'],
    // One page at a time: WebGL runs on the CPU here (SwiftShader) and timing tests need the cores.
    fileParallelism: false,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS } }),
      instances: [{ browser: 'chromium' }],
      commands: browserCommands,
    },
  },
});
