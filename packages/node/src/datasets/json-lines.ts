import { KdError } from '@kd/core';
import { readTextChunks } from './open-text.js';
import {
  BatchCollector,
  collectBatches,
  collectFeatures,
  parseLabel,
  describeValue,
  parseNumber,
  type FeatureRows,
  type TabularBatch,
  type TabularData,
  type TabularOptions,
} from './tabular.js';

/** Options for {@link readJsonLines}: `features` names keys; a key may hold a number or an array of numbers. */
export interface JsonLinesOptions extends TabularOptions {
  label: string;
  features: string[];
  /** Longest line, in characters (default 16 777 216); a longer one is refused with `KD_INPUT_TOO_LARGE`. */
  maxLineLength?: number;
}

/** The default of {@link JsonLinesOptions.maxLineLength}. */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 24;

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
  checkFeatureKeys(path, options);
  if (typeof options.label !== 'string')
    throw new KdError('KD_INVALID_ARGUMENT', 'JSON lines need `label`: the key holding the label.', { path });
  // readCsv refuses this too: a label that is also a feature lets the model read the answer.
  if (options.features.includes(options.label))
    throw new KdError(
      'KD_DATA_INVALID',
      `The label key ${describeValue(options.label)} is also listed as a feature. Remove it from \`features\`.`,
      { path },
    );
  yield* jsonRows(path, options);
}

/** Options for {@link readJsonLinesFeatures}: the feature keys, in order; every other key is not read. */
export interface JsonLinesFeaturesOptions {
  features: string[];
  /** Longest line, in characters (default 16 777 216); a longer one is refused with `KD_INPUT_TOO_LARGE`. */
  maxLineLength?: number;
}

/**
 * Reads the feature keys of a JSON-lines file (plain or gzip) into an `[N, F]` float32 tensor, for
 * rows without labels (`distill`'s `unlabeled`); a key may hold a number or an array of numbers,
 * as for {@link readJsonLines}. Other keys, such as a label, are not read. The caller disposes `x`.
 *
 * @example
 * ```ts
 * const pool = await readJsonLinesFeatures('unlabeled.jsonl', { features: ['age', 'pixels'] });
 * ```
 */
export async function readJsonLinesFeatures(path: string, options: JsonLinesFeaturesOptions): Promise<FeatureRows> {
  checkFeatureKeys(path, options);
  return collectFeatures(jsonRows(path, { ...options, batchSize: 8192 }), path);
}

function checkFeatureKeys(path: string, options: { features?: unknown }): asserts options is { features: string[] } {
  if (
    !Array.isArray(options.features) ||
    options.features.length === 0 ||
    !options.features.every((f) => typeof f === 'string')
  ) {
    throw new KdError('KD_INVALID_ARGUMENT', 'JSON lines need `features`: the keys to read, in order.', { path });
  }
}

/** The JSON-lines reader: with `label`, labelled batches; without, features only (batches with an empty `y`). */
async function* jsonRows(
  path: string,
  options: Omit<JsonLinesOptions, 'label'> & { label?: string; batchSize?: number },
): AsyncGenerator<TabularBatch> {
  const maxLine = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  let collector: BatchCollector | undefined;
  let widths: number[] | undefined;
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
        `${path} line ${lineNumber} is not valid JSON: ${(cause as Error).message.slice(0, 160)}.`,
        { path, line: lineNumber },
        { cause },
      );
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new KdError('KD_DATA_INVALID', `${path} line ${lineNumber} is not a JSON object.`, {
        path,
        line: lineNumber,
      });
    const where = (key: string) => `${path} line ${lineNumber}, key ${describeValue(key)}`;
    const parts = options.features.map((key) => {
      const value = row[key];
      // The place is spelled out only for a bad value: building it for each of millions of values is slow.
      const number = (v: unknown, i?: number) =>
        typeof v === 'number' && Number.isFinite(v)
          ? v
          : parseNumber(v, i === undefined ? where(key) : `${where(key)}[${i}]`);
      return Array.isArray(value) ? value.map((v, i) => number(v, i)) : [number(value)];
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
    const label =
      options.label === undefined ? undefined : parseLabel(row[options.label], options.classes, where(options.label));
    const batch = collector!.add(parts.flat(), label);
    if (batch) yield batch;
  };

  // A line is kept as the chunks it spans and joined once complete: joining on every chunk made a
  // long line cost time quadratic in its length.
  let pending: string[] = [];
  let pendingLength = 0;
  const tooLong = () =>
    new KdError(
      'KD_INPUT_TOO_LARGE',
      `${path} line ${lineNumber + 1} is longer than ${maxLine} characters. ` +
        'Is the file JSON lines (one object per line)? Raise the limit with `maxLineLength` if the data is right.',
      { path, line: lineNumber + 1, maxLineLength: maxLine },
    );
  for await (const text of readTextChunks(path)) {
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      if (pendingLength + end - start > maxLine) throw tooLong();
      const piece = text.slice(start, end);
      const line = pending.length === 0 ? piece : pending.join('') + piece;
      pending = [];
      pendingLength = 0;
      start = end + 1;
      yield* take(line);
    }
    if (start < text.length) {
      pendingLength += text.length - start;
      if (pendingLength > maxLine) throw tooLong();
      pending.push(start === 0 ? text : text.slice(start));
    }
  }
  if (pending.length > 0) yield* take(pending.join(''));
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
