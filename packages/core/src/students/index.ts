export * from './student.js';
export * from './layers-student.js';
export * from './custom-student.js';
export * from './required-kernels.js';
