#!/usr/bin/env node
// Writes docs/images/browser-demo.png, the README's picture of the page: the built page (dist/,
// from `npm run build`) served on a loopback port, measured on webgl, one test image classified.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { CHROMIUM_FLAGS } from '@kd/test-utils/chromium';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('../../../docs/images/browser-demo.png', import.meta.url));
const server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, open: false } });
const browser = await chromium.launch({
  executablePath: process.env.KD_CHROMIUM ?? '/usr/bin/chromium',
  args: [...CHROMIUM_FLAGS],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  await page.goto(server.resolvedUrls.local[0]);
  await page.waitForFunction(() => globalThis.document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
  await page.getByTestId('measure').click();
  await page.waitForFunction(
    () => globalThis.document.querySelector('[data-testid="measure-info"]').dataset.run,
    undefined,
    { timeout: 90_000 },
  );
  await page.getByTestId('cell-7').click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
