import { KdError } from '@kd/core';
import { CsvRecordParser, CsvSyntaxError, type CsvParserLimits } from './csv-record-parser.js';
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

/** Options for {@link readCsv} and {@link csvBatches}. */
export interface CsvOptions extends TabularOptions, CsvParserLimits {
  /** Field separator (default `,`). */
  delimiter?: string;
  /** Whether the first record names the columns (default true). Without one, columns are indices. */
  header?: boolean;
}

/**
 * Streams a CSV file (plain or gzip) in batches of plain arrays, without loading it whole.
 * Every feature must be a finite number; errors name the line and column.
 *
 * @example
 * ```ts
 * for await (const batch of csvBatches('train.csv.gz', { label: 'churned', batchSize: 4096 })) {
 *   console.log(batch.rows, batch.featureNames);
 * }
 * ```
 */
export async function* csvBatches(
  path: string,
  options: CsvOptions & { batchSize?: number },
): AsyncGenerator<TabularBatch> {
  // Without a label the rows would come back unlabelled: that is readCsvFeatures, asked for by name.
  if (options?.label === undefined)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `Reading ${path} needs \`label\`: the label column (a header name or index). For rows without labels use readCsvFeatures.`,
      { path },
    );
  yield* csvRows(path, options);
}

/** Options for {@link readCsvFeatures}: which columns to read, and how the file is written. */
export interface CsvFeaturesOptions extends CsvParserLimits {
  /** Feature columns, in order: header names or 0-based indices (default: every column). Other columns are not read. */
  features?: Array<string | number>;
  /** Field separator (default `,`). */
  delimiter?: string;
  /** Whether the first record names the columns (default true). */
  header?: boolean;
}

/** What {@link readCsvFeatures} returns: the feature rows and every column the file has. */
export interface CsvFeatureRows extends FeatureRows {
  /** Every column of the file, in order (header names, or indices as text without a header). */
  columns: string[];
}

/**
 * Reads the feature columns of a CSV file (plain or gzip) into an `[N, F]` float32 tensor, for
 * rows without labels (`distill`'s `unlabeled`). Columns not in `features`, such as a label
 * column that is empty or absent, are not read. The caller disposes `x`.
 *
 * @example
 * ```ts
 * const pool = await readCsvFeatures('unlabeled.csv', { features: ['age', 'income'] });
 * console.log(pool.x.shape, pool.columns); // [5000, 2] ['age', 'income', 'label']
 * ```
 */
export async function readCsvFeatures(path: string, options: CsvFeaturesOptions = {}): Promise<CsvFeatureRows> {
  let columns: string[] = [];
  const rows = await collectFeatures(
    csvRows(path, { ...options, batchSize: 8192 }, (names) => (columns = names)),
    path,
  );
  return { ...rows, columns };
}

/** The CSV reader: with `label`, labelled batches; without, features only (batches with an empty `y`). */
async function* csvRows(
  path: string,
  options: Omit<CsvOptions, 'label'> & { label?: string | number; batchSize?: number },
  onColumns?: (names: string[]) => void,
): AsyncGenerator<TabularBatch> {
  let parser: CsvRecordParser;
  try {
    parser = new CsvRecordParser(options.delimiter ?? ',', options);
  } catch (cause) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      (cause as Error).message,
      { path, delimiter: options.delimiter },
      { cause },
    );
  }
  const hasHeader = options.header ?? true;
  let columns: { names: string[]; feature: number[]; label: number } | undefined;
  let collector: BatchCollector | undefined;

  const take = function* (records: Array<{ fields: string[]; line: number }>): Generator<TabularBatch> {
    for (const { fields, line } of records) {
      if (!columns) {
        columns = chooseColumns(hasHeader ? fields : fields.map((_, i) => String(i)), options, path);
        onColumns?.(columns.names);
        collector = new BatchCollector(
          columns.feature.map((i) => columns!.names[i] as string),
          options.batchSize ?? 1024,
        );
        if (hasHeader) continue;
      }
      if (fields.length !== columns.names.length) {
        throw new KdError(
          'KD_DATA_INVALID',
          `${path} line ${line} has ${fields.length} fields but ` +
            `the ${hasHeader ? 'header has' : 'first row has'} ${columns.names.length}. ` +
            'Check the delimiter and quoting.',
          { path, line },
        );
      }
      const features = columns.feature.map((i) =>
        parseNumber(fields[i], `${path} line ${line}, column ${i + 1} (${describeValue(columns!.names[i])})`),
      );
      const label =
        columns.label < 0
          ? undefined
          : parseLabel(
              fields[columns.label],
              options.classes,
              `${path} line ${line}, column ${columns.label + 1} (label)`,
            );
      const batch = collector!.add(features, label);
      if (batch) yield batch;
    }
  };

  try {
    for await (const text of readTextChunks(path)) yield* take(parser.push(text));
    yield* take(parser.end());
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new KdError(
        error.tooLarge ? 'KD_INPUT_TOO_LARGE' : 'KD_DATA_INVALID',
        `${path} ${error.message}`,
        { path, line: error.line, column: error.column },
        { cause: error },
      );
    throw error;
  }
  const last = collector?.flush();
  if (last) yield last;
}

/**
 * Reads a whole CSV file (plain or gzip) into `{ x: [N, F], y: [N] }` float32 tensors — the
 * `LabeledData` `distill` takes. The caller owns (and disposes) the tensors.
 *
 * @example
 * ```ts
 * const train = await readCsv('train.csv', { label: 'label' });
 * console.log(train.featureNames, train.x.shape); // ['age', 'income'] [1000, 2]
 * ```
 */
export function readCsv(path: string, options: CsvOptions): Promise<TabularData> {
  return collectBatches(csvBatches(path, { ...options, batchSize: 8192 }), path);
}

/** The feature and label columns (label -1 when the rows are read without one). */
function chooseColumns(
  names: string[],
  options: Pick<TabularOptions, 'features'> & { label?: string | number },
  path: string,
): { names: string[]; feature: number[]; label: number } {
  const indexOf = (column: string | number, role: string): number => {
    const index = typeof column === 'number' ? column : names.indexOf(column);
    if (index < 0 || index >= names.length) {
      throw new KdError(
        'KD_DATA_INVALID',
        `${path} has no ${role} column ${describeValue(column)}; its columns are ${names
          .slice(0, 20)
          .map(describeValue)
          .join(', ')}${names.length > 20 ? ` and ${names.length - 20} more` : ''}.`,
        { path, column },
      );
    }
    return index;
  };
  const label = options.label === undefined ? -1 : indexOf(options.label, 'label');
  const feature = options.features
    ? options.features.map((f) => indexOf(f, 'feature'))
    : names.map((_, i) => i).filter((i) => i !== label);
  if (feature.length === 0)
    throw new KdError('KD_DATA_INVALID', `${path} has no feature columns besides the label.`, { path });
  if (label >= 0 && feature.includes(label))
    throw new KdError(
      'KD_DATA_INVALID',
      `The label column ${JSON.stringify(options.label)} is also listed as a feature.`,
      { path },
    );
  return { names, feature, label };
}
