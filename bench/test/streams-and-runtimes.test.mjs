// Short runs of the streaming and per-runtime benchmarks. Times are not asserted (the machine's
// load decides them); what is: streaming trains on the same batches as in memory (same loss) while
// its tensor memory does not grow with the file, and every runtime measures every workload.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const node = (script, args) =>
  JSON.parse(
    execFileSync(process.execPath, [join(here, '..', script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }),
  );

describe('bench smoke: streams and runtimes', () => {
  it('streamed training holds one batch of tensors however many rows the file has', { timeout: 300_000 }, () => {
    const report = node('streaming-memory.mjs', ['--quick', '--json']);
    expect(report.results.map((r) => r.rows)).toEqual([1000, 10000]);
    for (const r of report.results) {
      // The same batches in the same order: the same final loss, up to float32 summation order.
      expect(Math.abs(r.stream.loss - r.memory.loss)).toBeLessThan(1e-5);
      expect(r.stream.peakRss).toBeGreaterThan(0);
    }
    const [small, large] = report.results;
    // In memory the features are one tensor: ten times the rows, about ten times the bytes.
    expect(large.memory.peakTensorBytes / small.memory.peakTensorBytes).toBeGreaterThan(5);
    // Streamed: one batch of 256 rows at a time, whatever the file's length.
    expect(report.flat.streamPeakTensorBytesGrowth).toBeLessThan(1.2);
    expect(large.stream.peakTensorBytes).toBeLessThan(large.memory.peakTensorBytes / 10);
  });

  it('measures every workload on cpu, wasm and node in one process', { timeout: 300_000 }, () => {
    const report = node('steps-per-second.mjs', ['--quick', '--json']);
    expect(Object.keys(report.results)).toHaveLength(3);
    for (const byRuntime of Object.values(report.results)) {
      expect(Object.keys(byRuntime)).toEqual(['cpu', 'wasm', 'node']);
      for (const r of Object.values(byRuntime)) {
        expect(r.stepsPerSecond).toBeGreaterThan(0);
        expect(Number.isFinite(r.pairedRatioToCpu)).toBe(true);
      }
      expect(byRuntime.cpu.ratioToCpu).toBe(1);
    }
    expect(report.versions.wasm.simd).toBe(true);
    expect(report.load.start).toHaveLength(3);
  });
});
