#!/usr/bin/env node
/* global document, window */ // The callbacks passed to page.waitForFunction and evaluate run in the page.
// Distillation samples per second in Chromium: the page in bench/browser/ runs the MLP pair of
// bench/steps-per-second.mjs (784-128-64-1 teacher → 784-8-1 student, batch 64, the teacher's
// pass included) and the student alone from precomputed teacher outputs, on @kd/browser (webgl),
// @kd/wasm and tfjs's cpu kernels, interleaved round by round in one page. Prints the median of
// the rounds and the ratio against the page's cpu backend, the baseline measured in the same run.
// Headless Chromium here has no GPU: its WebGL is SwiftShader, the GPU emulated on the CPU.
//
//   node bench/browser-steps.mjs [--quick] [--rounds 3] [--steps 40] [--json]
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_FLAGS } from '@kd/test-utils/chromium';
import { loadLine, machine } from './machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const rounds = arg('rounds', quick ? 1 : 3);
const steps = arg('steps', quick ? 5 : 40);
const json = argv.includes('--json');

/** A port nothing listens on now, on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const loadAtStart = machine().loadAverage;
const outDir = await mkdtemp(join(tmpdir(), 'kd-bench-page-'));
let server;
let browser;
let page;
try {
  const root = join(here, 'browser');
  await build({
    root,
    base: './',
    logLevel: 'error', // not rollup's notes on how tfjs's modules chunk
    configFile: false,
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  });
  const port = await freePort();
  server = await preview({
    root,
    configFile: false,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  browser = await chromium.launch({
    executablePath: process.env.KD_CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS],
  });
  page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, {
    timeout: 60_000,
  });
  const raw = await page.evaluate((options) => window.kdBench(options), { rounds, steps });
  if (errors.length > 0) throw new Error(`the page failed: ${errors.join('\n')}`);
  const results = {};
  for (const [label, samples] of Object.entries(raw.results)) {
    const cpu = samples.cpu.map((s) => s.samplesPerSecond);
    results[label] = Object.fromEntries(
      Object.entries(samples).map(([name, list]) => {
        const rates = list.map((s) => s.samplesPerSecond);
        return [
          name,
          {
            samplesPerSecond: median(rates),
            stepsPerSecond: median(rates) / 64,
            ratioToCpu: median(rates) / median(cpu),
            // Each round's rate over cpu's in the same round, then the median.
            pairedRatioToCpu: median(rates.map((r, i) => r / cpu[i])),
            warmUpSeconds: median(list.map((s) => s.warmSeconds)),
            samples: rates,
          },
        ];
      }),
    );
  }
  const report = {
    when: new Date().toISOString(),
    quick,
    rounds,
    steps,
    batchSize: 64,
    machine: machine(),
    load: { start: loadAtStart, end: machine().loadAverage },
    browser: { version: browser.version(), userAgent: raw.userAgent, webglRenderer: raw.webglRenderer },
    crossOriginIsolated: raw.crossOriginIsolated,
    runtimes: raw.runtimes,
    tfjs: raw.tfjs,
    results,
  };
  if (json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(
      `Chromium ${report.browser.version}, WebGL renderer: ${report.browser.webglRenderer} (SwiftShader is the GPU emulated on the CPU)`,
    );
    console.log(
      `distillation samples per second in the page (median of ${rounds} interleaved rounds of ${steps} steps; ratio against the page's cpu backend)\n`,
    );
    for (const [label, byRuntime] of Object.entries(results)) {
      console.log(label);
      for (const [name, r] of Object.entries(byRuntime))
        console.log(
          `  ${name.padEnd(5)} ${r.samplesPerSecond.toFixed(0).padStart(8)} samples/s   ×${r.ratioToCpu.toFixed(2)} (per round ×${r.pairedRatioToCpu.toFixed(2)})   warm-up epoch ${r.warmUpSeconds.toFixed(1)} s`,
        );
    }
    console.log(
      `load average (1, 5, 15 min): ${loadLine(report.load.start)} at the start, ${loadLine(report.load.end)} at the end`,
    );
  }
} finally {
  await browser?.close();
  await new Promise((resolve) => (server ? server.httpServer.close(resolve) : resolve()));
  await rm(outDir, { recursive: true, force: true });
}
