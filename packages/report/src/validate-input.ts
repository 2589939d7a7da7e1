import { KdError } from '@kd/core';
import type { ReportInput } from './types.js';

type Check = [path: string, ok: boolean, expected: string];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), root);
}

const isNumberOrNull = (v: unknown) => v === null || typeof v === 'number';
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

/**
 * Checks the parts of a run's outputs the page draws from, so a wrong or truncated metrics.json
 * gives one clear error naming the key instead of a blank chart. Extra keys are allowed.
 */
export function validateReportInput(input: unknown): asserts input is ReportInput {
  if (!isObject(input)) fail('input', 'an object { metrics, history }', input);
  const m = input.metrics;
  const checks: Check[] = [
    ['metrics', isObject(m), 'an object (the contents of metrics.json)'],
    ['metrics.kd.version', typeof at(m, 'kd.version') === 'string', 'a string'],
    ['metrics.kd.command', typeof at(m, 'kd.command') === 'string', 'a string'],
    ['metrics.data.file', typeof at(m, 'data.file') === 'string', 'a string'],
    ['metrics.settings.alpha', typeof at(m, 'settings.alpha') === 'number', 'a number'],
    ['metrics.settings.temperature', typeof at(m, 'settings.temperature') === 'number', 'a number'],
    ['metrics.settings.seeds', Array.isArray(at(m, 'settings.seeds')), 'an array of seeds'],
    ['metrics.models', Array.isArray(at(m, 'models')), 'an array of model entries'],
    [
      'metrics.settings.teacherTargets',
      ['out-of-fold', 'in-fold'].includes(at(m, 'settings.teacherTargets') as string),
      "'out-of-fold' or 'in-fold'",
    ],
    [
      'metrics.settings.unlabeled',
      at(m, 'settings.unlabeled') === null ||
        (typeof at(m, 'settings.unlabeled.file') === 'string' && isCount(at(m, 'settings.unlabeled.rows'))),
      'null or { file, rows }',
    ],
    [
      'metrics.settings.transfer',
      at(m, 'settings.transfer') === null ||
        (['munge', 'mixup', 'noise'].includes(at(m, 'settings.transfer.method') as string) &&
          isCount(at(m, 'settings.transfer.multiple')) &&
          Number.isInteger(at(m, 'settings.transfer.seed')) &&
          isCount(at(m, 'settings.transfer.rows'))),
      "null or { method: 'munge', 'mixup' or 'noise', multiple, seed, rows }",
    ],
    ['metrics.gapClosed.accuracy', isNumberOrNull(at(m, 'gapClosed.accuracy')), 'a number or null'],
    ['metrics.gapClosed.logLoss', isNumberOrNull(at(m, 'gapClosed.logLoss')), 'a number or null'],
    ...(['meanAbsGap', 'meanEntropy', 'softShare', 'threshold', 'temperature'] as const).map((k): Check => [
      `metrics.diagnostics.softTargets.${k}`,
      isNumber(at(m, `diagnostics.softTargets.${k}`)),
      'a number',
    ]),
    ['metrics.diagnostics.softTargets.rows', isNumber(at(m, 'diagnostics.softTargets.rows')), 'a number'],
    [
      'metrics.diagnostics.softTargets.nearlyLabels',
      typeof at(m, 'diagnostics.softTargets.nearlyLabels') === 'boolean',
      'true or false',
    ],
    [
      'metrics.diagnostics.softTargets.targets',
      ['out-of-fold', 'in-fold'].includes(at(m, 'diagnostics.softTargets.targets') as string),
      "'out-of-fold' or 'in-fold'",
    ],
    [
      'metrics.search',
      at(m, 'search') === null || (Array.isArray(at(m, 'search.rows')) && Array.isArray(at(m, 'search.dead'))),
      'null or { metric, rows, chosen, dead }',
    ],
    ['metrics.curves.roc', Array.isArray(at(m, 'curves.roc')), 'an array of { name, fpr, tpr }'],
    ['metrics.curves.reliability', Array.isArray(at(m, 'curves.reliability')), 'an array of { name, bins }'],
    ['history', Array.isArray(input.history), 'an array of history rows (the lines of history.jsonl)'],
  ];
  for (const [path, ok, expected] of checks) if (!ok) fail(path, expected, path === 'metrics' ? m : at(input, path));

  const models = (m as { models: unknown[] }).models;
  models.forEach((entry, i) => {
    const path = `metrics.models[${i}]`;
    if (!isObject(entry) || typeof entry.name !== 'string')
      fail(`${path}.name`, 'a string', isObject(entry) ? entry.name : entry);
    if (!['teacher', 'ensemble', 'distilled', 'scratch'].includes(entry.role as string))
      fail(`${path}.role`, "'teacher', 'ensemble', 'distilled' or 'scratch'", entry.role);
    if (typeof entry.weightBytes !== 'number') fail(`${path}.weightBytes`, 'a number', entry.weightBytes);
    if (!isObject(entry.test)) fail(`${path}.test`, 'an object of test metrics', entry.test);
  });
  const search = (m as { search: { rows: unknown[]; dead: unknown[] } | null }).search;
  search?.rows.forEach((row, i) => {
    const ok =
      isObject(row) &&
      isNumber(row.alpha) &&
      isNumber(row.temperature) &&
      isNumberOrNull(row.mean) &&
      isNumberOrNull(row.std) &&
      Array.isArray(row.values) &&
      Array.isArray(row.seeds) &&
      typeof row.dead === 'number' &&
      (row.transferMultiple === undefined || isCount(row.transferMultiple));
    if (!ok)
      fail(
        `metrics.search.rows[${i}]`,
        '{ alpha, temperature, transferMultiple?, mean, std, values, seeds, dead }',
        row,
      );
  });
  search?.dead.forEach((run, i) => {
    const ok = isObject(run) && isNumber(run.alpha) && isNumber(run.temperature) && typeof run.reason === 'string';
    if (!ok) fail(`metrics.search.dead[${i}]`, '{ alpha, temperature, seed, reason }', run);
  });
  (m as { curves: { roc: unknown[] } }).curves.roc.forEach((c, i) => {
    const ok = isObject(c) && Array.isArray(c.fpr) && Array.isArray(c.tpr) && c.fpr.length === c.tpr.length;
    if (!ok) fail(`metrics.curves.roc[${i}]`, '{ name, fpr, tpr } with fpr and tpr of one length', c);
  });
  (input.history as unknown[]).forEach((row, i) => {
    const ok =
      isObject(row) && typeof row.model === 'string' && typeof row.epoch === 'number' && typeof row.loss === 'number';
    if (!ok) fail(`history[${i}]`, '{ model, seed, epoch, loss, hardLoss, softLoss, val }', row);
  });
}

function fail(path: string, expected: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80);
  throw new KdError(
    'KD_DATA_INVALID',
    `The report input has a bad ${path}: expected ${expected}, got ${shown}. Pass the metrics.json and history.jsonl a kd run wrote, unchanged.`,
    { path },
  );
}
