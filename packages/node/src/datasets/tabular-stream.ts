import { KdError, streamingData, type StreamingData } from '@kd/core';
import { csvBatches, type CsvOptions } from './csv.js';
import { jsonLinesBatches, type JsonLinesOptions } from './json-lines.js';
import type { TabularBatch } from './tabular.js';

/** A CSV or JSON-lines file as training data for `distill`, read batch by batch on every pass. */
export interface TabularStream extends StreamingData {
  /** The feature columns, in order (`key[i]` for an array-valued JSON key). */
  featureNames: string[];
  path: string;
}

/**
 * A CSV file (plain or gzip) as a stream for `distill` / `trainFromScratch`: every epoch reads the
 * file again in batches of `batchSize` rows (each batch is one training step), so only one batch
 * is in memory at a time. Opening it reads the first batch to learn the feature columns.
 *
 * @example
 * ```ts
 * const runtime = nodeRuntime(); // teacher outputs are cached on disk, one file per batch
 * const data = await csvStream('train.csv.gz', { label: 'churned', batchSize: 1024 });
 * await distill({ runtime, teacher, student, data, validation: await readCsv('val.csv', { label: 'churned' }), epochs: 5 });
 * ```
 */
export function csvStream(path: string, options: CsvOptions & { batchSize?: number }): Promise<TabularStream> {
  return tabularStream(path, () => csvBatches(path, options));
}

/**
 * A JSON-lines file (plain or gzip) as a stream for `distill` / `trainFromScratch`, read again in
 * batches of `batchSize` rows every epoch; see {@link csvStream}.
 *
 * @example
 * ```ts
 * const data = await jsonLinesStream('rows.jsonl.gz', { label: 'y', features: ['pixels'], batchSize: 512 });
 * ```
 */
export function jsonLinesStream(
  path: string,
  options: JsonLinesOptions & { batchSize?: number },
): Promise<TabularStream> {
  return tabularStream(path, () => jsonLinesBatches(path, options));
}

async function tabularStream(path: string, open: () => AsyncGenerator<TabularBatch>): Promise<TabularStream> {
  const peek = open();
  let first: IteratorResult<TabularBatch>;
  try {
    first = await peek.next();
  } finally {
    await peek.return(undefined); // stop reading after the first batch, and close the file
  }
  if (first.done) throw new KdError('KD_DATA_INVALID', `${path} holds no data rows.`, { path });
  const featureNames = first.value.featureNames;
  const data = streamingData(
    async function* () {
      for await (const batch of open()) {
        // The file changed between passes: the columns no longer match the ones training started with.
        if (batch.featureNames.join('\u0000') !== featureNames.join('\u0000')) {
          throw new KdError(
            'KD_DATA_INVALID',
            `${path} now has the feature columns [${batch.featureNames.join(', ')}], not [${featureNames.join(', ')}] as when training started.`,
            { path },
          );
        }
        yield { x: batch.x, y: batch.y };
      }
    },
    { featureShape: [featureNames.length] },
  );
  return { ...data, featureNames, path };
}
