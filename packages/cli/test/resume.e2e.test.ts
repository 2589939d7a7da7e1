// A `kd distill --checkpoint-every` run killed with SIGKILL (no chance to clean up) and continued
// with `kd distill --resume` ends with the same student, bit for bit, as a run never interrupted.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunMetrics } from '@kd/report';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorLines, kd, tempDir, writeCurveCsv } from './helpers.js';

let dir: string;
const distill = (out: string) => [
  'distill',
  '--data',
  'data.csv',
  '--label',
  'label',
  '--teacher',
  't',
  '--student',
  'mlp:8',
  '--epochs',
  '12',
  '--batch-size',
  '8',
  '--runtime',
  'cpu',
  '--checkpoint-every',
  '5',
  '--out',
  out,
];

beforeAll(async () => {
  dir = tempDir('resume');
  writeCurveCsv(join(dir, 'data.csv'), 250, 11);
  const teachers = await kd(
    [
      'train-teacher',
      '--data',
      'data.csv',
      '--label',
      'label',
      '--model',
      'mlp:8',
      '--epochs',
      '5',
      '--runtime',
      'cpu',
      '--out',
      't',
    ],
    { cwd: dir },
  );
  expect(teachers.code, teachers.stderr).toBe(0);
});

describe('kd distill --resume', () => {
  it('continues a run killed after its first checkpoint to the same weights as an uninterrupted run', async () => {
    const whole = await kd(distill('whole'), { cwd: dir });
    expect(whole.code, whole.stderr).toBe(0);
    // Finished runs keep no checkpoints.
    expect(existsSync(join(dir, 'whole', 'checkpoints'))).toBe(false);

    const checkpoint = join(dir, 'cut', 'checkpoints', 'distilled-seed0', 'checkpoint.kdckpt');
    let killedAt = '';
    const cut = await kd(distill('cut'), {
      cwd: dir,
      onStart: (child) => {
        const poll = setInterval(() => {
          if (!existsSync(checkpoint)) return;
          clearInterval(poll);
          const history = join(dir, 'cut', 'history.jsonl');
          killedAt = existsSync(history) ? readFileSync(history, 'utf8') : '';
          child.kill('SIGKILL');
        }, 5);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(cut.code).toBeNull(); // killed, not finished
    expect(existsSync(join(dir, 'cut', 'metrics.json'))).toBe(false);
    // Killed within the distilled student's 12 epochs, long before the scratch student's.
    expect(killedAt.split('\n').filter((l) => l.includes('"distilled"')).length).toBeLessThan(12);

    // Resumed from inside the run folder: the recorded relative paths must still lead to the files.
    const resumed = await kd(['distill', '--resume', '.'], { cwd: join(dir, 'cut') });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resum|training distilled/);
    const bytes = (run: string, file: string) => readFileSync(join(dir, run, file));
    expect(bytes('cut', 'student/weights.bin').equals(bytes('whole', 'student/weights.bin'))).toBe(true);
    // One line per epoch of each student, none twice, and the same values as the whole run's.
    expect(bytes('cut', 'history.jsonl').toString()).toBe(bytes('whole', 'history.jsonl').toString());
    for (const f of ['metrics.json', 'report.html']) expect(existsSync(join(dir, 'cut', f)), f).toBe(true);
    const metrics = (run: string) => JSON.parse(bytes(run, 'metrics.json').toString()) as RunMetrics;
    expect(metrics('cut').models.map((m) => m.test)).toEqual(metrics('whole').models.map((m) => m.test));
    // Resumed elsewhere, the data path is the absolute one; the command is the one that started the run.
    expect(metrics('cut').data.file).toBe(join(dir, 'data.csv'));
    expect(metrics('cut').kd.command).toMatch(/^kd distill --data data\.csv .*--out cut$/);
  });

  it('refuses what it cannot continue, in one line, exit 2', async () => {
    const refused = async (args: string[], message: RegExp) => {
      const run = await kd(args, { cwd: dir });
      expect(run.code, run.stderr).toBe(2);
      expect(errorLines(run)).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    };
    await refused(['distill', '--resume', 'whole', '--epochs', '3'], /leave out --epochs/);
    await refused(['distill', '--resume', 'whole'], /the run finished/);
    await refused(['distill', '--resume', 't'], /not a kd distill run folder/);
    const plain = await kd(
      [...distill('plain').filter((a) => a !== '--checkpoint-every' && a !== '5'), '--epochs', '1'],
      {
        cwd: dir,
      },
    );
    expect(plain.code, plain.stderr).toBe(0);
    rmSync(join(dir, 'plain', 'metrics.json'));
    await refused(['distill', '--resume', 'plain'], /without --checkpoint-every/);
  });
});
