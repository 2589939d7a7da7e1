export { checkWeightPath, checkWeightPaths } from './weight-paths.js';
export { checkModelJson, parseModelJson, weightBytes } from './model-json.js';
