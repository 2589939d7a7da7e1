/**
 * `@kd/core/internal`: helpers kd's own packages share (runtime packages, the conformance suite,
 * their tests) that are not part of the public API. Anything here may change in any release;
 * build on `@kd/core` instead.
 *
 * This entry point has no import-time effects: it registers no gradients and no backend.
 */

/* type guards the runtime packages use on values they are handed */
export { isLayersModel } from './teachers/teacher.js';
export { isStudent } from './students/student.js';

/* the seeded generator kd shuffles with; references and tests draw the same numbers from it */
export { mulberry32, permutation } from './util/random.js';

/* logits <-> probabilities, as the trainer and the kd command convert teacher outputs */
export { toSpace } from './outputs/to-space.js';

/* "share a start, forget it on failure": runtime init, worker start-up, database opening */
export { memoPromise, type MemoPromise } from './util/memo-promise.js';

/* why a cached teacher output cannot be used (caches and core share the check) */
export { cachedOutputsProblem } from './runtime/cached-outputs-check.js';

/* a student's probabilities for every row, in batches, read back once (the kd command's test metrics) */
export { predictProbabilities } from './trainer/evaluate.js';

/* preprocessing.json: its file name and version, and the one check its readers (kd evaluate, loadStudent) share */
export { parsePreprocessing, PREPROCESSING_FILE, PREPROCESSING_VERSION } from './io/preprocessing.js';
