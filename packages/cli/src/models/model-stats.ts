import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from './load-model.js';
import { flopsPerSample } from './model-flops.js';

/** Size and cost of one model, as `kd inspect` and metrics.json report them. */
export interface ModelStats {
  params: number;
  /** Bytes of the weights as stored (quantised weights count at their stored size). */
  weightBytes: number;
  flopsPerSample: number | null;
  /** Milliseconds per sample, measured at batch 1 and batch 256; null when not measured. */
  latencyMs: { batch1: number; batch256: number } | null;
}

/** Anything with layers and weights that kd can measure: a layers model or a loaded graph model. */
export type Measurable = { kind: 'layers'; model: LoadedModel['model'] & { layers: unknown[] } } | LoadedModel;

/** Parameter count of a layers or graph model. */
export function countParams(m: Measurable): number {
  if (m.kind === 'layers') return (m.model as { countParams(): number }).countParams();
  return Object.values(m.model.weights).reduce((sum, ts) => sum + ts.reduce((s, t) => s + t.size, 0), 0);
}

/** Input shape of one sample, from the model itself. */
export function sampleShape(m: LoadedModel): number[] {
  if (m.kind === 'layers') return (m.model.inputs[0]!.shape.slice(1) as Array<number | null>).map((v) => v ?? 1);
  const input = m.model.inputs[0];
  return ((input?.shape ?? [-1, 1]).slice(1) as number[]).map((v) => (v > 0 ? v : 1));
}

/** Parameters, bytes and FLOPs; latency when `runLatency` (it runs the model on the active backend). */
export async function modelStats(m: LoadedModel, options: { latency: boolean }): Promise<ModelStats> {
  const params = countParams(m);
  return {
    params,
    weightBytes: m.storedWeightBytes ?? params * 4,
    flopsPerSample:
      m.kind === 'layers' ? flopsPerSample(m.model.layers as unknown as Parameters<typeof flopsPerSample>[0]) : null,
    latencyMs: options.latency ? await measureLatency((x) => predictOnce(m, x), sampleShape(m)) : null,
  };
}

function predictOnce(m: LoadedModel, x: tf.Tensor): tf.Tensor {
  const out = m.model.predict(x) as tf.Tensor | tf.Tensor[];
  if (Array.isArray(out)) {
    out.slice(1).forEach((t) => t.dispose());
    return out[0]!;
  }
  return out;
}

/**
 * Milliseconds per sample of `predict` at batch 1 and batch 256: after one warm-up call, the
 * fastest of several timed calls, each waiting for the result to be read back. The fastest, not
 * the median: on a shared machine other work only ever adds time.
 */
export async function measureLatency(
  predict: (x: tf.Tensor) => tf.Tensor | Promise<tf.Tensor>,
  shape: number[],
): Promise<{ batch1: number; batch256: number }> {
  const time = async (batch: number, repeats: number): Promise<number> => {
    const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 1);
    const times: number[] = [];
    try {
      for (let i = 0; i <= repeats; i++) {
        const start = performance.now();
        const y = await predict(x);
        await y.data();
        y.dispose();
        if (i > 0) times.push(performance.now() - start);
      }
    } finally {
      x.dispose();
    }
    return Math.min(...times) / batch;
  };
  return { batch1: await time(1, 15), batch256: await time(256, 5) };
}
