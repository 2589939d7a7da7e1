export { readCsv, csvBatches, type CsvOptions } from './csv.js';
export { DEFAULT_MAX_FIELD_LENGTH, DEFAULT_MAX_RECORD_LENGTH } from './csv-record-parser.js';
export { readJsonLines, jsonLinesBatches, DEFAULT_MAX_LINE_LENGTH, type JsonLinesOptions } from './json-lines.js';
export {
  readIdx,
  readIdxDataset,
  DEFAULT_IDX_MAX_BYTES,
  type IdxDatasetOptions,
  type IdxOptions,
  type IdxValues,
} from './idx.js';
export { readImageFolder, DEFAULT_MAX_PIXELS, type ImageFolderOptions } from './image-folder.js';
export { csvStream, jsonLinesStream, type TabularStream } from './tabular-stream.js';
export type { TabularBatch, TabularData, TabularOptions } from './tabular.js';
