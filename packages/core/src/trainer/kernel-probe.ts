import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { KdRuntime } from '../runtime/types.js';
import type { Student } from '../students/student.js';

const MISSING_KERNEL = /Kernel '([^']+)' not registered for backend '([^']+)'/;
const MISSING_GRADIENT = /gradient function not found for ([A-Za-z0-9_]+)/;

/**
 * Checks the kernels the student declares with the runtime's `hasKernel`, then runs one forward
 * and backward pass on two rows before training, so a kernel the runtime lacks (e.g.
 * Conv2DBackpropFilter on stock wasm) fails now with KD_KERNEL_MISSING instead of midway.
 * The student's weights (batch-norm statistics included) are restored afterwards.
 */
export function probeTrainingStep(runtime: KdRuntime, student: Student, step: () => void): void {
  const declared = student.requiredKernels?.() ?? [];
  const absent = declared.filter((k) => !runtime.hasKernel(k));
  if (absent.length > 0) throw missingKernels(runtime, student, absent);
  const saved = student.getWeights();
  try {
    // tf.profile would list the kernels, but it breaks custom gradients (logSigmoid) in tfjs 4.22,
    // so the probe runs the step and maps tfjs's missing-kernel errors instead.
    step();
  } catch (e) {
    if (e instanceof KdError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const kernel = MISSING_KERNEL.exec(message)?.[1];
    if (kernel) throw missingKernels(runtime, student, [kernel], e);
    const grad = MISSING_GRADIENT.exec(message)?.[1];
    if (grad) {
      throw new KdError(
        'KD_KERNEL_MISSING',
        `No gradient is registered for op "${grad}", which student "${student.name}" uses. ` +
          `Import '@tensorflow/tfjs-layers' (it registers all gradients) or avoid this op.`,
        { gradient: grad },
        { cause: e },
      );
    }
    throw e;
  } finally {
    student.setWeights(saved);
    tf.dispose(saved);
  }
}

function missingKernels(runtime: KdRuntime, student: Student, kernels: string[], cause?: unknown): KdError {
  return new KdError(
    'KD_KERNEL_MISSING',
    `Runtime "${runtime.name}" has no ${kernels.join(', ')} kernel${kernels.length > 1 ? 's' : ''}, ` +
      `which training student "${student.name}" needs. ` +
      `Use a runtime that provides ${kernels.length > 1 ? 'them' : 'it'} ` +
      "(e.g. @kd/wasm fills the conv gradients stock tfjs-backend-wasm lacks) or change the student's layers.",
    { kernels, runtime: runtime.name },
    cause === undefined ? undefined : { cause },
  );
}
