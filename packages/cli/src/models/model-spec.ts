import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tfl from '@tensorflow/tfjs-layers';
import { KdError } from '@kd/core';

/** What a model factory is told about the data. */
export interface ModelFactoryInput {
  /** Shape of one input row: `[F]` or `[H, W, C]`. */
  inputShape: number[];
  /** Output units: 1 for two classes (a sigmoid logit), K for K > 2 classes (softmax logits). */
  units: number;
  seed: number;
  name: string;
}

/** What a `--student ./my-student.mjs` module exports: a function building a fresh model (synchronously). */
export type ModelFactory = (input: ModelFactoryInput) => tfl.LayersModel;

/** The presets `--student` and `--model` accept. */
export const MODEL_PRESETS = ['logistic', 'mlp:UNITS[,UNITS...]', 'cnn-tiny'] as const;

/**
 * Builds a fresh model from a spec: a preset or the path of a module exporting `createStudent`
 * (or a default export) of type {@link ModelFactory}. Initial weights are seeded, and the last
 * layer is linear (logits).
 *
 * @example
 * ```ts
 * const model = await buildModel('mlp:64,32', { inputShape: [10], units: 1, seed: 0, name: 'teacher_1' });
 * ```
 */
export async function buildModel(spec: string, input: ModelFactoryInput): Promise<tfl.LayersModel> {
  return (await modelFactory(spec))(input);
}

/** The factory a spec names, wrapped so that whatever it returns is checked to be a layers model. */
export async function modelFactory(spec: string): Promise<ModelFactory> {
  const factory = await resolveFactory(spec);
  return (input) => {
    const model = factory(input) as unknown;
    if (
      !model ||
      typeof (model as tfl.LayersModel).predict !== 'function' ||
      !Array.isArray((model as tfl.LayersModel).layers)
    )
      throw new KdError(
        'KD_STUDENT_INVALID',
        `The model spec ${spec} did not give a tfjs-layers model${model instanceof Promise ? ' (it returned a Promise: build the model synchronously)' : ''}.`,
        { spec },
      );
    return model as tfl.LayersModel;
  };
}

/** Checks a spec without building anything, so bad specs fail before data is read. */
export async function checkModelSpec(spec: string, inputRank?: number): Promise<void> {
  await resolveFactory(spec);
  if (spec === 'cnn-tiny' && inputRank !== undefined && inputRank !== 3)
    throw new KdError(
      'KD_STUDENT_INVALID',
      'cnn-tiny needs image inputs (IDX images or an image folder); for tables use logistic or mlp:UNITS.',
      { spec },
    );
}

async function resolveFactory(spec: string): Promise<ModelFactory> {
  if (spec === 'logistic') return (i) => dense([], i);
  if (spec === 'cnn-tiny') return cnnTiny;
  const mlp = /^mlp:(\d+(?:,\d+)*)$/.exec(spec);
  if (mlp) {
    const hidden = mlp[1]!.split(',').map(Number);
    if (hidden.some((u) => u < 1))
      throw new KdError('KD_STUDENT_INVALID', `Every layer of ${spec} needs at least one unit.`, { spec });
    return (i) => dense(hidden, i);
  }
  if (/[/\\]|\.(m?js|cjs)$/.test(spec)) {
    const path = resolve(spec);
    if (!existsSync(path))
      throw new KdError('KD_STUDENT_INVALID', `The student module ${spec} does not exist. Check the path.`, { spec });
    let mod: { createStudent?: unknown; default?: unknown };
    try {
      mod = (await import(pathToFileURL(path).href)) as typeof mod;
    } catch (cause) {
      throw new KdError(
        'KD_STUDENT_INVALID',
        `The student module ${spec} failed to load: ${(cause as Error).message}`,
        { spec },
        { cause },
      );
    }
    const factory = mod.createStudent ?? mod.default;
    if (typeof factory !== 'function')
      throw new KdError(
        'KD_STUDENT_INVALID',
        `The student module ${spec} must export createStudent({ inputShape, units, seed, name }) (or a default function) returning a tfjs-layers model.`,
        { spec },
      );
    return factory as ModelFactory;
  }
  throw new KdError(
    'KD_STUDENT_INVALID',
    `Unknown model spec "${spec}". Use logistic, mlp:UNITS[,UNITS...] (e.g. mlp:64,32), cnn-tiny, or a path to a module exporting createStudent.`,
    { spec },
  );
}

/**
 * The initializer seed of layer `i`: never 0, because tfjs's normal sampler takes a seed of 0 for
 * "no seed" and draws from Math.random, so seed 0's first layer would differ on every run.
 */
function layerSeed(seed: number, i: number): number {
  return seed * 100 + i + 1;
}

function dense(hidden: number[], { inputShape, units, seed, name }: ModelFactoryInput): tfl.LayersModel {
  const layers: tfl.layers.Layer[] = [];
  if (inputShape.length > 1) layers.push(tfl.layers.flatten({ inputShape }));
  hidden.forEach((u, i) =>
    layers.push(
      tfl.layers.dense({
        ...(layers.length === 0 ? { inputShape } : {}),
        units: u,
        activation: 'relu',
        kernelInitializer: tfl.initializers.heNormal({ seed: layerSeed(seed, i) }),
      }),
    ),
  );
  layers.push(
    tfl.layers.dense({
      ...(layers.length === 0 ? { inputShape } : {}),
      units,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 100 + 99 }),
    }),
  );
  return tfl.sequential({ name, layers });
}

function cnnTiny({ inputShape, units, seed, name }: ModelFactoryInput): tfl.LayersModel {
  if (inputShape.length !== 3)
    throw new KdError('KD_STUDENT_INVALID', 'cnn-tiny needs image inputs [height, width, channels].', { inputShape });
  // Two valid 3×3 convolutions, each followed by a 2×2 pool, leave nothing of images under 10×10.
  if (inputShape[0]! < 10 || inputShape[1]! < 10)
    throw new KdError(
      'KD_STUDENT_INVALID',
      `cnn-tiny needs images of at least 10×10 pixels; these are ${inputShape[0]}×${inputShape[1]}. Pass a larger --image-size.`,
      { inputShape },
    );
  const init = (i: number) => tfl.initializers.heNormal({ seed: layerSeed(seed, i) });
  return tfl.sequential({
    name,
    layers: [
      tfl.layers.conv2d({ inputShape, filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(0) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 100 + 99 }) }),
    ],
  });
}
