export { readCsv, csvBatches, type CsvOptions } from './csv.js';
export { readJsonLines, jsonLinesBatches, type JsonLinesOptions } from './json-lines.js';
export { readIdx, readIdxDataset, type IdxDatasetOptions, type IdxValues } from './idx.js';
export { readImageFolder, type ImageFolderOptions } from './image-folder.js';
export { csvStream, jsonLinesStream, type TabularStream } from './tabular-stream.js';
export type { TabularBatch, TabularData, TabularOptions } from './tabular.js';
