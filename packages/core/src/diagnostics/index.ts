export * from './soft-target-sharpness.js';
export * from './teacher-sharpness.js';
export * from './gap-closed.js';
