export { defineConformanceSuite, type ConformanceSuiteOptions } from './define-conformance-suite.js';
export type { SuiteContext } from './context.js';
