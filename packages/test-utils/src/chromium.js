// Plain JavaScript (with chromium.d.ts beside it): vitest configs import this, and Node loads a
// config's dependencies natively, without a TypeScript transform.
import { playwright } from '@vitest/browser-playwright';

/**
 * Flags under which WebGL2 works in Debian's headless Chromium through SwiftShader (no GPU),
 * and which keep Chromium from reaching for the network at start.
 */
export const CHROMIUM_FLAGS = Object.freeze([
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
]);

/** tfjs's ESM build has no `type: module`: the browser can only load these pre-bundled (optimizeDeps.include). */
export const TFJS_BROWSER_ENTRIES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-core/dist/register_all_gradients',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-converter',
];

/**
 * A fresh vitest `browser` config on the system's Chromium (never a downloaded browser;
 * `KD_CHROMIUM` overrides the path). Fresh per call: vitest fails when projects share one object.
 */
export function chromiumBrowser(extra = {}) {
  return {
    enabled: true,
    headless: true,
    screenshotFailures: false,
    provider: playwright({
      launchOptions: { executablePath: process.env.KD_CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_FLAGS] },
    }),
    instances: [{ browser: 'chromium' }],
    ...extra,
  };
}
