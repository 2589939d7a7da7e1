import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');

// The same program `npx kd-conformance` runs: the bin of the installed @kd/conformance.
function conformanceBin() {
  const require = createRequire(join(exampleDir, 'package.json'));
  const manifestPath = require.resolve('@kd/conformance/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return join(dirname(manifestPath), manifest.bin['kd-conformance']);
}

function runCli(args) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [conformanceBin(), ...args],
      { cwd: exampleDir, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? error.code : 0, stdout, stderr });
      },
    );
  });
}

it('kd-conformance --student ./my-student.mjs passes on cpu and wasm', async () => {
  const { code, stdout, stderr } = await runCli(['--student', './my-student.mjs', '--json']);
  const report = JSON.parse(stdout);
  const failing = report.rows.filter((r) => r.status === 'fail');
  expect(failing, `failing rows:\n${JSON.stringify(failing, null, 2)}\n${stderr}`).toEqual([]);
  expect(code).toBe(0);
  expect(report.ok).toBe(true);

  for (const runtime of ['cpu', 'wasm']) {
    const rows = report.rows.filter((r) => r.runtime === runtime);
    const checks = rows.map((r) => r.check);
    expect(checks).toEqual(
      expect.arrayContaining([
        'starts',
        'loss values and gradients',
        'student builds',
        'student trains like cpu',
        'student export → reload',
      ]),
    );
    expect(
      rows.every((r) => r.status === 'pass'),
      JSON.stringify(rows, null, 2),
    ).toBe(true);
  }
  const wasmTraining = report.rows.find((r) => r.runtime === 'wasm' && r.check === 'student trains like cpu');
  expect(wasmTraining.maxRelDiff).toBeLessThan(1e-4);
});

it('prints a table that says PASS or FAIL per check', async () => {
  const { stdout } = await runCli(['--student', './my-student.mjs', '--runtimes', 'cpu', '--steps', '5']);
  expect(stdout).toMatch(/^runtime\s+check\s+result/m);
  expect(stdout).toMatch(/^cpu\s+student trains like cpu\s+PASS/m);
  expect(stdout).toMatch(/^cpu\s+student export → reload\s+PASS/m);
});
