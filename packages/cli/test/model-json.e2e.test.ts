// Every model the command reads (teachers, --model, inspect paths) goes through core's model.json
// check first, so a model.json naming weights files outside its folder is refused before any read.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorLines, kd, tempDir, writeCurveCsv } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = tempDir('model-json');
  writeCurveCsv(join(dir, 'data.csv'), 120, 5);
  const teachers = await kd(
    [
      'train-teacher',
      '--data',
      'data.csv',
      '--label',
      'label',
      '--model',
      'logistic',
      '--epochs',
      '1',
      '--runtime',
      'cpu',
      '--out',
      't',
    ],
    { cwd: dir },
  );
  expect(teachers.code, teachers.stderr).toBe(0);
  // A copy of the teacher whose manifest points one folder up, at a file of the right size
  // (a user's file it must never read as weights).
  const json = JSON.parse(readFileSync(join(dir, 't', 'teacher-1', 'model.json'), 'utf8'));
  const weights = readFileSync(join(dir, 't', 'teacher-1', json.weightsManifest[0].paths[0]));
  writeFileSync(join(dir, 'private.bin'), weights);
  mkdirSync(join(dir, 'hostile'));
  json.weightsManifest[0].paths = ['../private.bin'];
  writeFileSync(join(dir, 'hostile', 'model.json'), JSON.stringify(json));
  cpSync(join(dir, 't', 'teacher-1', 'preprocessing.json'), join(dir, 'hostile', 'preprocessing.json'));
  mkdirSync(join(dir, 'null-model'));
  writeFileSync(join(dir, 'null-model', 'model.json'), 'null');
});

const refused = async (args: string[], message: RegExp) => {
  const run = await kd(args, { cwd: dir });
  expect(run.code, run.stderr).toBe(2);
  expect(errorLines(run)).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
};

describe('model.json files the command reads', () => {
  it('refuses weights paths that leave the model folder, for --teacher, --model and inspect (KD_MODEL_INVALID, exit 2)', async () => {
    const outside = /hostile\/model\.json lists the weights file "\.\.\/private\.bin", which leaves the model folder/;
    await refused(
      [
        'distill',
        '--data',
        'data.csv',
        '--label',
        'label',
        '--teacher',
        'hostile',
        '--student',
        'logistic',
        '--runtime',
        'cpu',
        '--out',
        'run',
      ],
      outside,
    );
    await refused(
      ['evaluate', '--model', 'hostile', '--data', 'data.csv', '--label', 'label', '--runtime', 'cpu'],
      outside,
    );
    await refused(['inspect', 'hostile', '--runtime', 'cpu', '--no-latency'], outside);
    await refused(['export', '--model', 'hostile', '--out', 'web', '--runtime', 'cpu'], outside);
  });

  it('refuses a model.json that is not a model description', async () => {
    await refused(
      ['inspect', 'null-model', '--runtime', 'cpu', '--no-latency'],
      /null-model\/model\.json holds null, not a tfjs model/,
    );
  });
});
