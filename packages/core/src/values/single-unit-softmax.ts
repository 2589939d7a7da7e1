import { KdError } from '../errors/kd-error.js';

/** What the rule reads of a tfjs-layers model: its layers' configs and its output shape. */
interface LayersModelShape {
  name?: string;
  layers?: ReadonlyArray<{ getConfig(): Record<string, unknown>; getClassName(): string }>;
  outputs?: ReadonlyArray<{ shape: ReadonlyArray<number | null> }>;
}

/**
 * A softmax over one unit is always 1, so a model ending in one is refused
 * (`KD_SINGLE_UNIT_SOFTMAX`) wherever kd would train it, as the softmax loss refuses a one-unit
 * input: it would train without error and never learn. Returns undefined for any other model.
 */
export function findSingleUnitSoftmax(model: unknown): KdError | undefined {
  const m = model as LayersModelShape | null;
  if (typeof m !== 'object' || m === null || !Array.isArray(m.layers) || m.layers.length === 0) return undefined;
  const last = m.layers[m.layers.length - 1]!;
  const softmax = last.getClassName() === 'Softmax' || last.getConfig().activation === 'softmax';
  const shape = m.outputs?.[0]?.shape;
  if (!softmax || shape === undefined || shape[shape.length - 1] !== 1) return undefined;
  return new KdError(
    'KD_SINGLE_UNIT_SOFTMAX',
    `Model "${m.name ?? 'student'}" ends in a softmax over a single unit, which is always 1: it would train without ` +
      'learning anything. For a binary task end in one unit with a sigmoid (or linear, for logits); for K classes use K ' +
      'softmax units.',
    { model: m.name, shape: [...shape] },
  );
}
