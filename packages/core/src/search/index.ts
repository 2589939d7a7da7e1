export * from './search-alpha.js';
export * from './search-distillation.js';
export * from './dead-run.js';
export * from './format-search-table.js';
export type { HalvingRung, SearchHalving, SuccessiveHalvingOptions } from './successive-halving.js';
