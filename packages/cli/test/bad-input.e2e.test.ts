import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOneLine, kd, tempDir, writeCurveCsv } from './helpers.js';

let dir: string;

beforeAll(() => {
  dir = tempDir('bad');
  writeCurveCsv(join(dir, 'ok.csv'), 120);
  writeFileSync(join(dir, 'text.csv'), 'a,b,label\n1,2,0\n3,oops,1\n');
  writeFileSync(join(dir, 'ragged.csv'), 'a,b,label\n1,2,0\n3,1\n');
  mkdirSync(join(dir, 'mine'));
  writeFileSync(join(dir, 'mine', 'notes.txt'), 'my own file\n');
  writeFileSync(join(dir, 'broken.json'), '{ "epochs": 3,');
});

const distill = ['distill', '--label', 'label', '--teacher', 'nowhere', '--student', 'mlp:8', '--out', 'run'];

describe('bad usage and bad input exit 2 with one clear line', () => {
  it('rejects an unknown flag and suggests the right one', async () => {
    expectOneLine(await kd(['distill', '--epoch', '3'], { cwd: dir }), /unknown option '--epoch'.*--epochs/);
  });

  it('rejects an unknown command and suggests the right one', async () => {
    expectOneLine(await kd(['distil'], { cwd: dir }), /unknown command 'distil'.*distill/);
  });

  it('names a missing required option', async () => {
    expectOneLine(await kd(['distill', '--data', 'ok.csv'], { cwd: dir }), /--label|--teacher|--student|--out/);
  });

  it('rejects an out-of-range value naming the flag', async () => {
    expectOneLine(await kd([...distill, '--data', 'ok.csv', '--alpha', '1.5'], { cwd: dir }), /--alpha: .*1/);
    expectOneLine(await kd([...distill, '--data', 'ok.csv', '--epochs', 'many'], { cwd: dir }), /--epochs: /);
  });

  it('says which data file is missing', async () => {
    expectOneLine(await kd([...distill, '--data', 'missing.csv'], { cwd: dir }), /missing\.csv does not exist/);
  });

  it('says which teacher is missing', async () => {
    expectOneLine(await kd([...distill, '--data', 'ok.csv'], { cwd: dir }), /model nowhere does not exist/);
  });

  it('names the line and column of a malformed field, and a ragged row', async () => {
    const teachers = await kd(
      ['train-teacher', '--data', 'ok.csv', '--label', 'label', '--epochs', '1', '--out', 't', '--runtime', 'cpu'],
      {
        cwd: dir,
      },
    );
    expect(teachers.code).toBe(0);
    const args = ['--label', 'label', '--teacher', 't', '--student', 'mlp:8', '--runtime', 'cpu'];
    expectOneLine(
      await kd(['distill', '--data', 'text.csv', ...args, '--out', 'r1'], { cwd: dir }),
      /text\.csv line 3, column 2 \("b"\)/,
    );
    expectOneLine(
      await kd(['distill', '--data', 'ragged.csv', ...args, '--out', 'r2'], { cwd: dir }),
      /ragged\.csv line 3 has 2 fields/,
    );
    expectOneLine(
      await kd(['evaluate', '--model', 't/teacher-1', '--data', 'ok.csv', '--label', 'nope'], { cwd: dir }),
      /no label column "nope"/,
    );
  });

  it('refuses to write into a folder kd did not create, and leaves it alone', async () => {
    expectOneLine(
      await kd(['train-teacher', '--data', 'ok.csv', '--label', 'label', '--out', 'mine', '--runtime', 'cpu'], {
        cwd: dir,
      }),
      /--out .*mine already holds files that kd did not write/,
    );
    expect(readFileSync(join(dir, 'mine', 'notes.txt'), 'utf8')).toBe('my own file\n');
    expect(existsSync(join(dir, 'mine', 'kd-run.json'))).toBe(false);
  });

  it('reports an invalid config file by key path', async () => {
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ distill: { alpah: 0.3 } }));
    expectOneLine(
      await kd([...distill, '--data', 'ok.csv', '--config', 'typo.json'], { cwd: dir }),
      /unknown key "distill\.alpah".*"alpha"/,
    );
    writeFileSync(join(dir, 'range.json'), JSON.stringify({ distill: { alpha: 7 } }));
    expectOneLine(
      await kd([...distill, '--data', 'ok.csv', '--config', 'range.json'], { cwd: dir }),
      /"distill\.alpha"/,
    );
    expectOneLine(
      await kd([...distill, '--data', 'ok.csv', '--config', 'broken.json'], { cwd: dir }),
      /broken\.json is not valid JSON/,
    );
    expectOneLine(
      await kd([...distill, '--data', 'ok.csv', '--config', 'absent.json'], { cwd: dir }),
      /absent\.json does not exist/,
    );
  });
});

describe('help', () => {
  it('every command has --help generated from its definition, exit 0', async () => {
    for (const command of ['train-teacher', 'distill', 'search-alpha', 'evaluate', 'inspect', 'export']) {
      const run = await kd([command, '--help'], { cwd: dir });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: kd ${command}`));
      expect(run.stdout).toMatch(/Examples:/);
    }
    const distillHelp = await kd(['distill', '--help'], { cwd: dir });
    for (const flag of [
      '--teacher',
      '--student',
      '--search-alpha',
      '--seeds',
      '--temperature',
      '--combine',
      '--no-scratch',
      '--json',
      '--runtime',
    ])
      expect(distillHelp.stdout).toContain(flag);
  });
});

describe('kd.config.json', () => {
  it('supplies options; the command line wins over it', async () => {
    const cwd = tempDir('config');
    writeCurveCsv(join(cwd, 'data.csv'), 120);
    writeFileSync(
      join(cwd, 'kd.config.json'),
      JSON.stringify({
        data: 'data.csv',
        label: 'label',
        runtime: 'cpu',
        epochs: 5,
        'train-teacher': { model: 'logistic', out: 'from-config' },
      }),
    );
    const run = await kd(['train-teacher', '--epochs', '1', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'epoch')).toHaveLength(1);
    expect(lines.at(-1).teachers[0].params).toBe(5);
    expect(existsSync(join(cwd, 'from-config', 'teacher-1', 'model.json'))).toBe(true);
  });
});
