export { checkWeightPath, checkWeightPaths } from './weight-paths.js';
export { checkModelJson, parseModelJson, weightBytes } from './model-json.js';
export { parsePreprocessing, PREPROCESSING_FILE, PREPROCESSING_VERSION, type Preprocessing } from './preprocessing.js';
