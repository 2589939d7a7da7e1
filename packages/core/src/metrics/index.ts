export { accuracy, logLoss, brierScore } from './binary-metrics.js';
export { aucRoc } from './auc-roc.js';
export { expectedCalibrationError, type CalibrationOptions } from './calibration.js';
export {
  multiclassAccuracy,
  multiclassLogLoss,
  multiclassBrierScore,
  multiclassExpectedCalibrationError,
  multiclassAucRoc,
} from './multiclass-metrics.js';
export {
  METRIC_NAMES,
  type MetricName,
  type MetricInputs,
  isMetricName,
  metricDirection,
  computeMetrics,
} from './registry.js';
