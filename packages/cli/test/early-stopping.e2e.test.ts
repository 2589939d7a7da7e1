// `--early-stopping N`: every model a command trains may go N epochs in a row without a lower
// validation log-loss; the next such epoch ends its training, and it keeps the weights of its best
// validation epoch. A small noisy data set and a large learning rate make val_loss turn up early.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOneLine, kd, readHistory, tempDir, writeCurveCsv, type KdRun } from './helpers.js';

const EPOCHS = 40;
const PATIENCE = 2;
const recipe = [
  '--label',
  'label',
  '--standardize',
  '--epochs',
  String(EPOCHS),
  '--learning-rate',
  '0.03',
  '--batch-size',
  '16',
  '--runtime',
  'cpu',
];
/** The arguments distill and search-alpha share here: data, the teacher trained first, the student, patience. */
const studentRecipe = [
  '--data',
  'data.csv',
  '--validation-data',
  'val.csv',
  ...recipe,
  '--teacher',
  't/teacher-1',
  '--student',
  'mlp:32',
  '--early-stopping',
  String(PATIENCE),
];
let dir: string;

beforeAll(() => {
  dir = tempDir('early-stopping');
  writeCurveCsv(join(dir, 'data.csv'), 160, 7);
  writeCurveCsv(join(dir, 'val.csv'), 80, 8);
});

interface EpochEvent {
  type: 'epoch';
  model: string;
  seed: number;
  epoch: number;
  val: { val_loss: number };
}
interface TrainEnd {
  type: 'train-end';
  model: string;
  seed: number;
  earlyStopping?: { epochs: number; stoppedEarly: boolean; bestEpoch: number; bestValLoss: number };
}

const jsonLines = (run: KdRun) =>
  run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string } & Record<string, unknown>);

/** Equal within float32 rounding of a log-loss (1e-5 relative). */
const expectSameLoss = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.abs(b));

/**
 * One model's val_loss per epoch: trained fewer than EPOCHS epochs, stopped PATIENCE + 1 epochs
 * after its lowest val_loss, and its last epoch's val_loss clearly above that minimum (so ending
 * with the last weights instead of the best would show).
 */
function checkStoppedEarly(losses: number[], what: string): { best: number; bestEpoch: number } {
  expect(losses.length, what).toBeLessThan(EPOCHS);
  const best = Math.min(...losses);
  const bestEpoch = losses.indexOf(best);
  expect(losses.length, what).toBe(bestEpoch + 1 + PATIENCE + 1);
  expect(losses.at(-1)! - best, what).toBeGreaterThan(1e-3 * best);
  return { best, bestEpoch };
}

describe('--early-stopping', () => {
  it('train-teacher: each teacher and fold model stops early and keeps its best validation epoch', async () => {
    const run = await kd(
      [
        'train-teacher',
        '--data',
        'data.csv',
        ...recipe,
        '--model',
        'mlp:32,32',
        '--ensemble',
        '2',
        '--folds',
        '2',
        '--early-stopping',
        String(PATIENCE),
        '--json',
        '--out',
        't',
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run);
    const epochs = lines.filter((l): l is EpochEvent & typeof l => l.type === 'epoch');
    const ends = lines.filter((l): l is TrainEnd & typeof l => l.type === 'train-end');
    const result = lines.at(-1) as unknown as {
      teachers: Array<{ validation: { logLoss: number }; earlyStopping: TrainEnd['earlyStopping'] }>;
    };
    // Two teachers, each with two fold models.
    expect(ends.map((e) => e.model)).toEqual([
      'teacher 1',
      'teacher 1, fold 1/2',
      'teacher 1, fold 2/2',
      'teacher 2',
      'teacher 2, fold 1/2',
      'teacher 2, fold 2/2',
    ]);
    for (const end of ends) {
      const losses = epochs.filter((e) => e.model === end.model).map((e) => e.val.val_loss);
      const { best, bestEpoch } = checkStoppedEarly(losses, end.model);
      expect(end.earlyStopping, end.model).toEqual({
        epochs: losses.length,
        stoppedEarly: true,
        bestEpoch,
        bestValLoss: best,
      });
    }
    // Each saved teacher's validation log-loss, measured after training, is its lowest val_loss: the best weights.
    result.teachers.forEach((t, i) => {
      const losses = epochs.filter((e) => e.model === `teacher ${i + 1}`).map((e) => e.val.val_loss);
      expectSameLoss(t.validation.logLoss, Math.min(...losses));
      expect(t.earlyStopping).toEqual(ends.find((e) => e.model === `teacher ${i + 1}`)!.earlyStopping);
    });
    for (const t of ['teacher-1', 'teacher-2']) expect(existsSync(join(dir, 't', t, 'oof-outputs.json')), t).toBe(true);
  });

  it('distill: the distilled and the scratch student stop early; the saved student has its best validation weights', async () => {
    const run = await kd(['distill', ...studentRecipe, '--json', '--out', 'run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const history = readHistory(join(dir, 'run', 'history.jsonl'));
    const ends = jsonLines(run).filter((l): l is TrainEnd & typeof l => l.type === 'train-end');
    expect(ends.map((e) => e.model)).toEqual(['distilled', 'scratch']);
    for (const end of ends) {
      // One line per epoch trained, and no more.
      const rows = history.filter((h) => h.model === end.model);
      expect(rows.map((h) => h.epoch)).toEqual(rows.map((_, i) => i));
      const { bestEpoch } = checkStoppedEarly(
        rows.map((h) => h.val.val_loss!),
        end.model,
      );
      expect(end.earlyStopping).toMatchObject({ epochs: rows.length, stoppedEarly: true, bestEpoch });
    }

    // The saved (distilled) student, measured afresh on the validation file, has the lowest val_loss of its history.
    const evaluated = await kd(
      ['evaluate', '--model', 'run/student', '--data', 'val.csv', '--label', 'label', '--runtime', 'cpu', '--json'],
      { cwd: dir },
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const { metrics } = jsonLines(evaluated).at(-1) as unknown as { metrics: { logLoss: number } };
    const distilled = history.filter((h) => h.model === 'distilled').map((h) => h.val.val_loss!);
    expectSameLoss(metrics.logLoss, Math.min(...distilled));
  });

  it('search-alpha: every run of the search stops early', async () => {
    const run = await kd(['search-alpha', ...studentRecipe, '--alphas', '0,1', '--seeds', '1', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const runs = jsonLines(run).filter((l) => l.type === 'search-run') as unknown as Array<{ epochs: number }>;
    expect(runs).toHaveLength(2);
    for (const r of runs) expect(r.epochs).toBeLessThan(EPOCHS);
  });

  it('refuses a patience that is not a whole number ≥ 1, and no validation rows to watch, in one line, exit 2', async () => {
    const commands = [
      ['train-teacher', '--data', 'data.csv', '--label', 'label', '--out', 'never'],
      ['distill', '--data', 'data.csv', '--label', 'label', '--teacher', 't', '--student', 'mlp:8', '--out', 'never'],
    ];
    for (const args of commands) {
      for (const bad of ['0', '-1', '1.5', 'x'])
        expectOneLine(await kd([...args, '--early-stopping', bad], { cwd: dir }), /^kd: --early-stopping: /);
      expectOneLine(
        await kd([...args, '--early-stopping', '2', '--validation', '0'], { cwd: dir }),
        /--early-stopping watches the validation log-loss, but --validation 0 holds out no validation rows/,
      );
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('is the config key earlyStopping, checked like the flag', async () => {
    const cwd = tempDir('early-stopping-config');
    writeCurveCsv(join(cwd, 'data.csv'), 160, 7);
    writeFileSync(join(cwd, 'kd.config.json'), JSON.stringify({ earlyStopping: PATIENCE, epochs: EPOCHS }));
    const run = await kd(
      [
        'train-teacher',
        '--data',
        'data.csv',
        ...recipe.filter((a) => a !== '--epochs' && a !== String(EPOCHS)),
        '--model',
        'mlp:32,32',
        '--json',
        '--out',
        't',
      ],
      { cwd },
    );
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run);
    const losses = (lines.filter((l) => l.type === 'epoch') as unknown as EpochEvent[]).map((e) => e.val.val_loss);
    checkStoppedEarly(losses, 'teacher 1');
    const result = lines.at(-1) as unknown as { teachers: Array<{ validation: { logLoss: number } }> };
    expectSameLoss(result.teachers[0]!.validation.logLoss, Math.min(...losses));

    writeFileSync(join(cwd, 'bad.json'), JSON.stringify({ 'train-teacher': { earlyStopping: 1.5 } }));
    expectOneLine(
      await kd(['train-teacher', '--data', 'data.csv', '--label', 'label', '--out', 'x', '--config', 'bad.json'], {
        cwd,
      }),
      /"train-teacher\.earlyStopping"/,
    );
  });

  it('distill --checkpoint-every: a run killed after early stopping began and resumed ends as the uninterrupted run', async () => {
    const args = (out: string) => ['distill', ...studentRecipe, '--checkpoint-every', '3', '--out', out];
    const whole = await kd(args('whole'), { cwd: dir });
    expect(whole.code, whole.stderr).toBe(0);

    // Killed once history.jsonl holds two epochs of the distilled student: early stopping has a best epoch and weights.
    const history = join(dir, 'cut', 'history.jsonl');
    let killedAt = '';
    const cut = await kd(args('cut'), {
      cwd: dir,
      onStart: (child) => {
        const poll = setInterval(() => {
          if (!existsSync(history) || readFileSync(history, 'utf8').split('\n').length < 3) return;
          clearInterval(poll);
          killedAt = readFileSync(history, 'utf8');
          child.kill('SIGKILL');
        }, 2);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(cut.code).toBeNull(); // killed, not finished
    const resumed = await kd(['distill', '--resume', 'cut'], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    const bytes = (run: string, file: string) => readFileSync(join(dir, run, file));
    expect(bytes('cut', 'student/weights.bin').equals(bytes('whole', 'student/weights.bin'))).toBe(true);
    expect(bytes('cut', 'history.jsonl').toString()).toBe(bytes('whole', 'history.jsonl').toString());
    const distilled = readHistory(join(dir, 'whole', 'history.jsonl')).filter((h) => h.model === 'distilled');
    expect(distilled.length).toBeLessThan(EPOCHS);
    // Killed within the distilled student's training, which stopped early after the resume.
    expect(killedAt.split('\n').filter((l) => l.includes('"distilled"')).length).toBeLessThan(distilled.length);
  });
});
