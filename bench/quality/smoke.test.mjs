// The quality benchmark's smoke version: one seed, a few hundred rows, two members and folds, a
// transfer set of 2× the training rows. It
// checks that the script runs end to end and reports every arm; its numbers mean nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./run.mjs', import.meta.url));

test(
  'bench/quality/run.mjs --smoke reports every arm with gap closed and paired wins/losses',
  { timeout: 400_000 },
  async () => {
    const stdout = await new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        [script, '--smoke', '--tasks', 'fashion', '--json'],
        { maxBuffer: 1 << 24 },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      ),
    );
    const report = JSON.parse(stdout);
    assert.equal(report.smoke, true);
    assert.equal(report.tasks.length, 1);
    const task = report.tasks[0];
    const arms = Object.keys(task.rows);
    assert.deepEqual(arms, [
      'ensemble',
      'capacity ceiling (fit to the test rows)',
      'scratch',
      'distilled T=1',
      '+ OOF',
      '+ transfer set',
      '+ OOF + transfer set',
      '+ OOF + transfer set + α×T search',
    ]);
    for (const [arm, row] of Object.entries(task.rows)) {
      for (const metric of ['accuracy', 'logLoss']) {
        assert.ok(Number.isFinite(row[metric].mean), `${arm} ${metric} mean`);
        assert.equal(row[metric].std, 0, 'one seed: no spread');
      }
      assert.ok(row.accuracy.mean >= 0 && row.accuracy.mean <= 1);
      if (arm === 'ensemble' || arm === 'scratch') continue;
      for (const g of Object.values(row.gapClosed)) assert.ok(g === null || Number.isFinite(g), `${arm} gap closed`);
      const { wins, losses } = row.logLossWinsLosses;
      assert.ok(wins + losses <= 1);
    }
    // Every trained arm kept one of the grid's learning rates, chosen on validation.
    const grid = report.settings.student.learningRates;
    for (const arm of Object.keys(task.rows).filter((a) => a !== 'ensemble')) {
      assert.equal(task.learningRates[arm].length, 1, `${arm}: one learning rate per seed`);
      assert.ok(grid.includes(task.learningRates[arm][0]), `${arm}: learning rate from the grid`);
    }
    assert.equal(task.chosen.length, 1);
    assert.ok(grid.includes(task.chosen[0].learningRate));
    assert.ok([0.5].includes(task.chosen[0].alpha) && [1, 2].includes(task.chosen[0].temperature));
    assert.equal(typeof task.chosen[0].scratchKept, 'boolean');
    // The search arm keeps the scratch student where that is better on validation: then its test
    // numbers are scratch's exactly.
    if (task.chosen[0].scratchKept) assert.deepEqual(task.arms[arms.at(-1)], task.arms.scratch);
    for (const s of task.sharpness)
      for (const side of ['inFold', 'outOfFold']) assert.ok(s[side].meanAbsGap >= 0 && s[side].meanAbsGap <= 1);
  },
);

test(
  '--print joins reports of one task run as separate groups of seeds into one table',
  { timeout: 400_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-quality-'));
    try {
      const runScript = (args) =>
        new Promise((resolve, reject) =>
          execFile(process.execPath, [script, ...args], { maxBuffer: 1 << 24 }, (err, out, errOut) =>
            err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
          ),
        );
      const part = (seed) => join(dir, `seed-${seed}.json`);
      for (const seed of [0, 1])
        await runScript(['--smoke', '--tasks', 'tabular', '--seed-list', String(seed), '--out', part(seed)]);
      const [a, b] = [0, 1].map((seed) => JSON.parse(readFileSync(part(seed), 'utf8')));
      assert.deepEqual(a.seeds, [0]);
      assert.deepEqual(b.seeds, [1]);
      // Finished runs say so (a run cut short leaves its finished seeds with complete: false).
      assert.equal(a.complete, true);
      assert.deepEqual(readdirSync(dir).sort(), ['seed-0.json', 'seed-1.json']); // no temporary file left
      const printed = await runScript(['--print', `${part(0)},${part(1)}`, '--out', join(dir, 'joined.json')]);
      assert.match(printed, /breast cancer.*: 2 seeds/);
      const joined = JSON.parse(readFileSync(join(dir, 'joined.json'), 'utf8')).tasks[0];
      assert.deepEqual(joined.seeds, [0, 1]);
      for (const arm of Object.keys(a.tasks[0].arms))
        assert.deepEqual(joined.arms[arm], [...a.tasks[0].arms[arm], ...b.tasks[0].arms[arm]], arm);
      // The table is computed over both seeds: scratch's mean is the mean of the two runs.
      const scratch = joined.arms.scratch.map((m) => m.accuracy);
      assert.ok(Math.abs(joined.rows.scratch.accuracy.mean - (scratch[0] + scratch[1]) / 2) < 1e-12);
      // Seeds 0 and 1 differ (their teachers and students are seeded by them).
      assert.notDeepEqual(a.tasks[0].arms.ensemble, b.tasks[0].arms.ensemble);
      await assert.rejects(
        runScript(['--print', `${join(dir, 'joined.json')},${part(0)}`]),
        /seed 0 of tabular is in two reports/,
      );

      // The same seed run as two groups of arms joins into one table with both, each as the
      // full run trained it (the runs are seeded).
      const armsPart = (arm, file) =>
        runScript(['--smoke', '--tasks', 'tabular', '--seed-list', '0', '--arms', arm, '--out', join(dir, file)]);
      await armsPart('+ OOF', 'oof.json');
      await armsPart('distilled T=1', 't1.json');
      await runScript(['--print', `${join(dir, 'oof.json')},${join(dir, 't1.json')}`, '--out', join(dir, 'arms.json')]);
      const arms = JSON.parse(readFileSync(join(dir, 'arms.json'), 'utf8')).tasks[0];
      assert.deepEqual(arms.seeds, [0]);
      for (const arm of ['ensemble', 'scratch', '+ OOF', 'distilled T=1'])
        assert.deepEqual(arms.arms[arm], a.tasks[0].arms[arm], arm);
      assert.deepEqual(arms.arms['+ transfer set'], []);
      assert.ok(arms.rows['+ OOF'] && arms.rows['distilled T=1'] && !arms.rows['+ transfer set']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
