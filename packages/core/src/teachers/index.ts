export * from './teacher.js';
export * from './precomputed-teacher.js';
export * from './ensemble.js';
export * from './teacher-outputs.js';
