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
export { mulberry32 } from './util/random.js';
