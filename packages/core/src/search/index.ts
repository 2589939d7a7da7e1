export * from './search-alpha.js';
