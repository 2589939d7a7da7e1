/** One tensor of a checkpoint, as plain values. */
export interface CheckpointTensor {
  name: string;
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * What a training run saves to continue later: `meta` is JSON text written and read by kd (its
 * progress, history, early-stopping state and the identity of the run), `tensors` the student's
 * weights, the optimizer's state and the best weights kept for early stopping. A store treats
 * both as opaque.
 */
export interface Checkpoint {
  meta: string;
  tensors: CheckpointTensor[];
}

/**
 * Where checkpoints live. kd only ever needs the latest one, so a store holds one checkpoint and
 * replaces it whole: a reader (a resumed run after a crash) sees the previous checkpoint or the
 * new one, never a mix or a half-written one. `@kd/node` has `fileCheckpointStore(dir)`;
 * {@link memoryCheckpointStore} keeps one in memory.
 *
 * @example
 * ```ts
 * const store: CheckpointStore = {
 *   async readLatest() { return saved; },
 *   async write(checkpoint) { saved = structuredClone(checkpoint); },
 * };
 * ```
 */
export interface CheckpointStore {
  /** The latest complete checkpoint, or undefined when none was written yet. */
  readLatest(): Promise<Checkpoint | undefined>;
  /** Replaces the latest checkpoint atomically. */
  write(checkpoint: Checkpoint): Promise<void>;
}

/**
 * A {@link CheckpointStore} in memory: survives an exception or an abort within the process
 * (call `distill` again with `resume: true`), not a crash. Holds copies, never the caller's arrays.
 *
 * @example
 * ```ts
 * const store = memoryCheckpointStore();
 * await distill({ ...options, checkpoint: { store, everySteps: 100 } });
 * ```
 */
export function memoryCheckpointStore(): CheckpointStore {
  let latest: Checkpoint | undefined;
  const copy = (c: Checkpoint): Checkpoint => ({
    meta: c.meta,
    tensors: c.tensors.map((t) => ({ ...t, shape: [...t.shape], values: t.values.slice() })),
  });
  return {
    async readLatest() {
      return latest ? copy(latest) : undefined;
    },
    async write(checkpoint) {
      latest = copy(checkpoint);
    },
  };
}
