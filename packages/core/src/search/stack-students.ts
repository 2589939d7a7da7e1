import type { OutputKind } from '../outputs/output-kind.js';
import type { StackedStudents } from './stacked.js';
import { stackConv } from './stacked-conv.js';
import { stackDense } from './stacked-dense.js';

/**
 * Stacks `models` (tfjs-layers models of one architecture, one output unit), or says why they
 * cannot be stacked. Models of Dense layers only take the dense path ({@link stackDense}) where it
 * fits; others (and dense models it refuses, such as ones without biases) the layer-by-layer one ({@link stackConv}: Conv2D, pooling, Flatten, Dense, activations,
 * Dropout). The variables start from the models' current weights; the models stay the caller's
 * and must outlive the stack ({@link StackedStudents.writeBack} writes into them).
 */
export function stackStudents(models: unknown[], output: OutputKind): StackedStudents | string {
  if (models.length === 0) return 'there are no students to stack';
  const layers = (models[0] as { layers?: unknown }).layers;
  if (!Array.isArray(layers) || layers.length === 0) return 'the student must be a tfjs-layers model';
  const denseOnly = (layers as Array<{ getClassName?: () => string }>).every((l) => {
    const name = typeof l.getClassName === 'function' ? l.getClassName() : '';
    return name === 'Dense' || name === 'InputLayer';
  });
  if (denseOnly) {
    const dense = stackDense(models, output);
    if (typeof dense !== 'string') return dense;
  }
  return stackConv(models, output);
}
