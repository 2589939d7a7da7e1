import * as tf from '@tensorflow/tfjs-core';

/** Something a run owns and frees when it ends: a tensor, tensors, or an object with `dispose()`. */
export type Owned = tf.Tensor | tf.Tensor[] | { dispose(): void };

/**
 * Everything one training run allocates outside `tf.tidy` (prepared data, teacher outputs, the
 * batch source, the default optimizer), freed together in reverse order when the run ends.
 * Training is async, so `tf.tidy` cannot hold these across awaits.
 */
export class TensorScope {
  private readonly owned: Owned[] = [];

  /** Takes `value` into the scope and hands it back. */
  own<T extends Owned>(value: T): T {
    this.owned.push(value);
    return value;
  }

  dispose(): void {
    for (const value of this.owned.splice(0).reverse()) {
      if (value instanceof tf.Tensor || Array.isArray(value)) tf.dispose(value);
      else value.dispose();
    }
  }
}
