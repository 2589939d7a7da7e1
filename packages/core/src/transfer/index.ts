export * from './munge.js';
export * from './mixup.js';
export * from './gaussian-noise.js';
export * from './seeded-samplers.js';
