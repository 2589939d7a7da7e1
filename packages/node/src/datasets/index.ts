export {
  readCsv,
  readCsvFeatures,
  csvBatches,
  type CsvFeatureRows,
  type CsvFeaturesOptions,
  type CsvOptions,
} from './csv.js';
export { DEFAULT_MAX_FIELD_LENGTH, DEFAULT_MAX_RECORD_LENGTH } from './csv-record-parser.js';
export {
  readJsonLines,
  readJsonLinesFeatures,
  jsonLinesBatches,
  DEFAULT_MAX_LINE_LENGTH,
  type JsonLinesFeaturesOptions,
  type JsonLinesOptions,
} from './json-lines.js';
export {
  readIdx,
  readIdxDataset,
  DEFAULT_IDX_MAX_BYTES,
  type IdxDatasetOptions,
  type IdxOptions,
  type IdxValues,
} from './idx.js';
export {
  readImageFolder,
  readImages,
  DEFAULT_MAX_PIXELS,
  type ImageFolderOptions,
  type ImagesOptions,
} from './image-folder.js';
export { csvStream, jsonLinesStream, type TabularStream } from './tabular-stream.js';
export type { FeatureRows, TabularBatch, TabularData, TabularOptions } from './tabular.js';
