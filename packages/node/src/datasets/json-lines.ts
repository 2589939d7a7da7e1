import { KdError } from '@kd/core';
import { readTextChunks } from './open-text.js';
import {
  BatchCollector,
  collectBatches,
  parseLabel,
  parseNumber,
  type TabularBatch,
  type TabularData,
  type TabularOptions,
} from './tabular.js';

/** Options for {@link readJsonLines}: `features` names keys; a key may hold a number or an array of numbers. */
export interface JsonLinesOptions extends TabularOptions {
  label: string;
  features: string[];
}

/**
 * Streams a JSON-lines file (one object per line, plain or gzip) in batches of plain arrays. A
 * feature key may hold a number or a fixed-length array of numbers (flattened in order).
 *
 * @example
 * ```ts
 * for await (const b of jsonLinesBatches('rows.jsonl', { label: 'y', features: ['x'], batchSize: 512 })) use(b);
 * ```
 */
export async function* jsonLinesBatches(
  path: string,
  options: JsonLinesOptions & { batchSize?: number },
): AsyncGenerator<TabularBatch> {
  if (!Array.isArray(options.features) || options.features.length === 0) {
    throw new KdError('KD_INVALID_ARGUMENT', 'JSON lines need `features`: the keys to read, in order.', { path });
  }
  let collector: BatchCollector | undefined;
  let widths: number[] | undefined;
  let pending = '';
  let lineNumber = 0;

  const take = function* (line: string): Generator<TabularBatch> {
    lineNumber += 1;
    if (line.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (cause) {
      throw new KdError(
        'KD_DATA_INVALID',
        `${path} line ${lineNumber} is not valid JSON: ${(cause as Error).message}.`,
        { path, line: lineNumber },
        { cause },
      );
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new KdError('KD_DATA_INVALID', `${path} line ${lineNumber} is not a JSON object.`, {
        path,
        line: lineNumber,
      });
    const where = (key: string) => `${path} line ${lineNumber}, key "${key}"`;
    const parts = options.features.map((key) => {
      const value = row[key];
      return Array.isArray(value)
        ? value.map((v, i) => parseNumber(v, `${where(key)}[${i}]`))
        : [parseNumber(value, where(key))];
    });
    if (!widths) {
      widths = parts.map((p) => p.length);
      const names = options.features.flatMap((key, k) =>
        (widths as number[])[k] === 1 && !Array.isArray(row[key]) ? [key] : parts[k]!.map((_, i) => `${key}[${i}]`),
      );
      collector = new BatchCollector(names, options.batchSize ?? 1024);
    }
    parts.forEach((p, k) => {
      if (p.length !== widths![k])
        throw new KdError(
          'KD_DATA_INVALID',
          `${where(options.features[k] as string)} has ${p.length} values; the first row had ${widths![k]}.`,
          { path, line: lineNumber },
        );
    });
    const batch = collector!.add(parts.flat(), parseLabel(row[options.label], options.classes, where(options.label)));
    if (batch) yield batch;
  };

  for await (const text of readTextChunks(path)) {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) yield* take(line);
  }
  if (pending) yield* take(pending);
  const last = collector?.flush();
  if (last) yield last;
}

/**
 * Reads a whole JSON-lines file into `{ x: [N, F], y: [N] }` float32 tensors (caller disposes).
 *
 * @example
 * ```ts
 * const data = await readJsonLines('rows.jsonl.gz', { label: 'label', features: ['age', 'pixels'] });
 * ```
 */
export function readJsonLines(path: string, options: JsonLinesOptions): Promise<TabularData> {
  return collectBatches(jsonLinesBatches(path, { ...options, batchSize: 8192 }), path);
}
