export type { ValueSource, Values } from './value-source.js';
export { findNonFinite } from './finite.js';
export { findBinaryLabelProblem, findClassIndexProblem, findOneHotProblem, oneHotClasses } from './labels.js';
export { PROBABILITY_ROW_SUM_TOLERANCE, findProbabilityProblem, findProbabilityRowProblem } from './probabilities.js';
export { findSampleWeightProblem, findZeroWeightTotal } from './sample-weights.js';
export {
  assertAlpha,
  assertTemperature,
  assertScheduledRange,
  findAlphaProblem,
  findTemperatureProblem,
  type RangeContext,
} from './ranges.js';
export { MAX_EPOCHS, MAX_TOTAL_STEPS, requireWholeNumber } from './sizes.js';
export { findSingleUnitSoftmax } from './single-unit-softmax.js';
