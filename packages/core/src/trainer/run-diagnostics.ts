import * as tf from '@tensorflow/tfjs-core';
import { NEARLY_LABELS_THRESHOLD, softTargetSharpness } from '../diagnostics/soft-target-sharpness.js';
import type { KdWarning } from '../errors/kd-warning.js';
import type { OutputKind } from '../outputs/output-kind.js';
import { toSpace } from '../outputs/to-space.js';
import type { RunDiagnostics } from './types.js';

/** A chunk kept until the temperature is known. */
interface Pending {
  values: Float32Array;
  shape: [number, number];
  kind: OutputKind;
  labels: Int32Array;
}

/**
 * {@link softTargetSharpness} of the teacher's outputs on the labelled training rows, gathered
 * chunk by chunk from the outputs a run computes anyway (all rows at once in memory, one batch at
 * a time in a stream's pass). Every measure is a mean over rows, so chunks combine by their row
 * counts. When the temperature is known up front each chunk is folded in at once; otherwise (a
 * temperature schedule on a stream, whose first value needs the run's length) the chunks are
 * kept until {@link SoftTargetTally.result} gives it.
 */
export class SoftTargetTally {
  private rows = 0;
  private gap = 0;
  private entropy = 0;
  private soft = 0;
  private readonly pending: Pending[] = [];

  constructor(
    private readonly units: number,
    private readonly temperature?: number,
  ) {}

  /** One chunk: the teacher's outputs [n, units] of `kind`, and the rows' labels (0/1 or class indices). */
  async add(values: tf.Tensor2D, kind: OutputKind, labels: Int32Array): Promise<void> {
    if (this.temperature !== undefined) {
      this.fold(await softened(values, kind, this.temperature), labels);
      return;
    }
    this.pending.push({
      values: Float32Array.from(await values.data()),
      shape: values.shape,
      kind,
      labels: Int32Array.from(labels),
    });
  }

  /** The measures at `temperature` (the run's first step's), or undefined when no chunk came. */
  async result(temperature: number): Promise<RunDiagnostics | undefined> {
    for (const p of this.pending.splice(0)) {
      const t = tf.tensor2d(p.values, p.shape);
      try {
        this.fold(await softened(t, p.kind, temperature), p.labels);
      } finally {
        t.dispose();
      }
    }
    if (this.rows === 0) return undefined;
    const meanAbsGap = this.gap / this.rows;
    return {
      softTargets: {
        rows: this.rows,
        meanAbsGap,
        meanEntropy: this.entropy / this.rows,
        softShare: this.soft / this.rows,
        nearlyLabels: meanAbsGap < NEARLY_LABELS_THRESHOLD,
        threshold: NEARLY_LABELS_THRESHOLD,
      },
      temperature: this.temperature ?? temperature,
    };
  }

  private fold(probabilities: Float32Array, labels: Int32Array): void {
    const s = softTargetSharpness(probabilities, labels, { units: this.units });
    this.rows += s.rows;
    this.gap += s.meanAbsGap * s.rows;
    this.entropy += s.meanEntropy * s.rows;
    this.soft += s.softShare * s.rows;
  }
}

/** The targets as the soft loss sees them at `temperature`: σ(z/T) or softmax(z/T), as probabilities. */
async function softened(values: tf.Tensor2D, kind: OutputKind, temperature: number): Promise<Float32Array> {
  const probs = tf.tidy(() => {
    if (temperature === 1) return toSpace(values, kind, 'probabilities');
    const logits = toSpace(values, kind, 'logits');
    return toSpace(tf.div(logits, temperature) as tf.Tensor2D, 'logits', 'probabilities');
  });
  try {
    return (await probs.data()) as Float32Array;
  } finally {
    probs.dispose();
  }
}

/** The warning a run gives when its soft targets are nearly its labels; undefined when they are not. */
export function nearlyLabelsWarning(diagnostics: RunDiagnostics | undefined): KdWarning | undefined {
  if (!diagnostics?.softTargets.nearlyLabels) return undefined;
  const { meanAbsGap, threshold, rows } = diagnostics.softTargets;
  return {
    code: 'KD_SOFT_TARGETS_NEARLY_LABELS',
    message:
      `The teacher's soft targets on the ${rows} training rows are nearly their labels (mean |t − y| = ${meanAbsGap.toPrecision(3)} < ${threshold} at T = ${diagnostics.temperature}): ` +
      'the soft loss says almost nothing the hard loss does not. Try out-of-fold targets (outOfFoldOutputs), a higher temperature, or rows for the teacher to label (unlabeled or transfer).',
    details: { meanAbsGap, threshold, rows, temperature: diagnostics.temperature },
  };
}
