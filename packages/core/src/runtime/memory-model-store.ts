import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { ModelStore } from './types.js';

/**
 * A {@link ModelStore} that keeps model artifacts in memory (copies, so a later change of the
 * caller's buffers cannot corrupt what was saved).
 */
export class MemoryModelStore implements ModelStore {
  private readonly artifacts = new Map<string, tf.io.ModelArtifacts>();

  saveHandler(key: string): tf.io.IOHandler {
    return {
      save: async (a: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
        this.artifacts.set(key, copyArtifacts(a));
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      },
    };
  }

  loadHandler(key: string): tf.io.IOHandler {
    return {
      load: async (): Promise<tf.io.ModelArtifacts> => {
        const a = this.artifacts.get(key);
        if (!a) {
          throw new KdError(
            'KD_MODEL_NOT_FOUND',
            `No model saved under "${key}" in the memory store. Save one first or use one of: ${[...this.artifacts.keys()].join(', ') || '(none)'}.`,
            { key },
          );
        }
        return copyArtifacts(a);
      },
    };
  }

  async list(): Promise<string[]> {
    return [...this.artifacts.keys()];
  }

  async remove(key: string): Promise<void> {
    this.artifacts.delete(key);
  }
}

function copyArtifacts(a: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const weightData =
    a.weightData === undefined
      ? undefined
      : Array.isArray(a.weightData)
        ? a.weightData.map((b) => b.slice(0))
        : a.weightData.slice(0);
  return { ...structuredClone({ ...a, weightData: undefined }), weightData } as tf.io.ModelArtifacts;
}
