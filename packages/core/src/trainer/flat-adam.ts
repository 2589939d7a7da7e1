import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';

type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];
type Gradients = Parameters<tf.Optimizer['applyGradients']>[0];

/** One variable's place in the flat moment vectors: position order, as tfjs's Adam keeps its slots. */
interface Slot {
  /** Names getWeights gives the slot's moments (`${variable}/m`, `${variable}/v`). */
  mName: string;
  vName: string;
  shape: number[];
  size: number;
}

/**
 * The flat moments. Kept in an object of their own, not as properties of the optimizer: kd's
 * checkpoints and successive halving save an optimizer's own `tf.Variable` properties that its
 * `getWeights` leaves out (Adam's `accBeta1` and `accBeta2`), and these two must not be among them.
 */
interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

/** The JS numbers of the update as float32 scalars, made once (again only if one of the numbers changes). */
interface Constants {
  from: [number, number, number, number];
  one: tf.Scalar;
  beta1: tf.Scalar;
  oneMinusBeta1: tf.Scalar;
  beta2: tf.Scalar;
  oneMinusBeta2: tf.Scalar;
  epsilon: tf.Scalar;
  negLearningRate: tf.Scalar;
}

/**
 * Adam that updates all variables at once: each step concatenates the gradients into one vector,
 * runs tfjs-core's Adam update once on it and on one flat first and one flat second moment,
 * and splits the new values back per variable. The operations are tfjs-core 4.22's
 * `AdamOptimizer`'s, in its order, with the same float32 constants; each is elementwise, so the
 * numbers are exactly `tf.train.adam(learningRate, beta1, beta2, epsilon)`'s, in far fewer
 * kernel calls per step (about 20 plus a few reshapes, against 14 per variable).
 *
 * It stands in for tfjs's Adam everywhere kd looks at an optimizer: its class name is `Adam` and
 * its config the same, `getWeights`/`setWeights` give and take tfjs's list (the iteration count,
 * then `${variable}/m` for every variable, then `${variable}/v`, in variable order), and the
 * running β powers are the same `accBeta1`/`accBeta2` variables, so a checkpoint written with
 * one optimizer resumes with the other. Unlike tfjs's, `getWeights` returns new tensors (the
 * moments are not kept per variable): the caller disposes them, as it does the iteration count.
 *
 * Slots go by position in the gradient list, as tfjs's do. A variable whose gradient is null is
 * left as it is, its moments too, while the β powers advance (tfjs's rule). Such a step, or one
 * with a different set of variables, takes a slower path that updates variable by variable.
 */
export class FlatAdamOptimizer extends tf.Optimizer {
  /** Name matters: kd's run identity and tfjs's Python-compatible serialisation see an Adam. */
  static get className(): string {
    return 'Adam';
  }

  protected accBeta1: tf.Variable;
  protected accBeta2: tf.Variable;
  private slots: Slot[] = [];
  private moments: Moments | undefined;
  private constants: Constants | undefined;
  /**
   * The variables' values after this optimizer's last flat step, as one vector, and the data each
   * variable held then: while every variable still holds that data (nothing assigned it since),
   * the next step starts from this vector instead of concatenating the variables again.
   */
  private lastValues: { flat: tf.Tensor; dataIds: object[] } | undefined;

  constructor(
    protected learningRate: number,
    protected beta1: number,
    protected beta2: number,
    protected epsilon: number,
  ) {
    super();
    this.accBeta1 = tf.tidy(() => tf.scalar(beta1).variable());
    this.accBeta2 = tf.tidy(() => tf.scalar(beta2).variable());
  }

  override applyGradients(variableGradients: Gradients): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((g) => g.name)
      : Object.keys(variableGradients);
    const gradientAt = (i: number): tf.Tensor | null | undefined =>
      Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[names[i]!];
    const registered = tf.engine().registeredVariables;
    const values = names.map((name) => {
      const value = registered[name];
      if (!value)
        throw new KdError('KD_INVALID_ARGUMENT', `Adam was given a gradient for "${name}", which is not a variable.`, {
          name,
        });
      return value;
    });
    const c = this.constantsNow();
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(c.one, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(c.one, this.accBeta2);
      const gradients = names.map((_, i) => gradientAt(i));
      if (this.fitsFlat(values, gradients))
        this.flatStep(values, gradients as tf.Tensor[], oneMinusAccBeta1, oneMinusAccBeta2, c);
      else this.slotStep(names, values, gradients, oneMinusAccBeta1, oneMinusAccBeta2, c);
      this.accBeta1.assign(tf.mul(this.accBeta1, c.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, c.beta2));
    });
    this.incrementIterations();
  }

  /** Whether this step can run on the flat vectors: a gradient for every slot, no more, no fewer, of its shape. */
  private fitsFlat(values: tf.Variable[], gradients: Array<tf.Tensor | null | undefined>): boolean {
    if (!this.moments || values.length !== this.slots.length) return false;
    return values.every((value, i) => {
      const g = gradients[i];
      return g != null && value.dtype === 'float32' && sameShape(value.shape, this.slots[i]!.shape);
    });
  }

  /** tfjs's update, once, on all variables concatenated. */
  private flatStep(
    values: tf.Variable[],
    gradients: tf.Tensor[],
    oneMinusAccBeta1: tf.Tensor,
    oneMinusAccBeta2: tf.Tensor,
    c: Constants,
  ): void {
    const { m, v } = this.moments!;
    const gradient = tf.concat(gradients.map(flat));
    const newFirstMoment = tf.add(tf.mul(m, c.beta1), tf.mul(gradient, c.oneMinusBeta1));
    const newSecondMoment = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(gradient), c.oneMinusBeta2));
    const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
    const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
    m.assign(newFirstMoment);
    v.assign(newSecondMoment);
    const last = this.lastValues;
    const unchanged = last !== undefined && values.every((value, i) => value.dataId === last.dataIds[i]);
    const newValue = tf.add(
      tf.mul(
        tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), c.epsilon)),
        c.negLearningRate,
      ),
      unchanged ? last.flat : tf.concat(values.map(flat)),
    );
    const parts = tf.split(
      newValue,
      this.slots.map((s) => s.size),
    );
    values.forEach((value, i) => value.assign(shaped(parts[i]!, this.slots[i]!.shape)));
    this.forgetValues();
    this.lastValues = { flat: tf.keep(newValue), dataIds: values.map((value) => value.dataId) };
  }

  private forgetValues(): void {
    this.lastValues?.flat.dispose();
    this.lastValues = undefined;
  }

  /**
   * tfjs's update variable by variable, on each slot's part of the flat moments, for steps the
   * flat path does not fit: a null gradient, new variables (their slots made as tfjs makes them,
   * zeros, even when their gradient is null), or fewer variables than slots.
   */
  private slotStep(
    names: string[],
    values: tf.Variable[],
    gradients: Array<tf.Tensor | null | undefined>,
    oneMinusAccBeta1: tf.Tensor,
    oneMinusAccBeta2: tf.Tensor,
    c: Constants,
  ): void {
    values.forEach((value, i) => {
      const slot = this.slots[i];
      if (value.dtype !== 'float32' || (slot && !sameShape(slot.shape, value.shape)))
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `Adam's slot ${i} (${slot?.mName ?? names[i]}) has shape [${slot?.shape ?? []}], but variable "${names[i]}" at that position is ` +
            `${value.dtype} of shape [${value.shape}]: give an optimizer the same float32 variables in the same order every step.`,
          { position: i, variable: names[i], slotShape: slot?.shape, shape: value.shape, dtype: value.dtype },
        );
    });
    this.forgetValues();
    const ms = this.perSlot(this.moments?.m);
    const vs = this.perSlot(this.moments?.v);
    values.forEach((value, i) => {
      if (i >= this.slots.length) {
        this.slots.push({ mName: `${names[i]}/m`, vName: `${names[i]}/v`, shape: value.shape, size: value.size });
        ms.push(tf.zerosLike(value));
        vs.push(tf.zerosLike(value));
      }
      const gradient = gradients[i];
      if (gradient == null) return;
      const newFirstMoment = tf.add(tf.mul(ms[i]!, c.beta1), tf.mul(gradient, c.oneMinusBeta1));
      const newSecondMoment = tf.add(tf.mul(vs[i]!, c.beta2), tf.mul(tf.square(gradient), c.oneMinusBeta2));
      const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
      const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
      ms[i] = newFirstMoment;
      vs[i] = newSecondMoment;
      const newValue = tf.add(
        tf.mul(
          tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), c.epsilon)),
          c.negLearningRate,
        ),
        value,
      );
      value.assign(newValue);
    });
    this.replaceMoments(ms, vs);
  }

  /** The flat moment `flatMoment` cut into one tensor per slot, in the slot's shape. */
  private perSlot(flatMoment: tf.Variable | undefined): tf.Tensor[] {
    if (!flatMoment || this.slots.length === 0) return [];
    const parts = tf.split(
      flatMoment,
      this.slots.map((s) => s.size),
    );
    return parts.map((p, i) => shaped(p, this.slots[i]!.shape));
  }

  /** Makes the flat moments the concatenation of these per-slot ones (any tidy scope keeps the new variables). */
  private replaceMoments(ms: tf.Tensor[], vs: tf.Tensor[]): void {
    const old = this.moments;
    this.moments =
      ms.length === 0
        ? undefined
        : {
            m: tf.variable(tf.concat(ms.map(flat)), false),
            v: tf.variable(tf.concat(vs.map(flat)), false),
          };
    if (old) tf.dispose([old.m, old.v]);
  }

  private constantsNow(): Constants {
    const from: Constants['from'] = [this.learningRate, this.beta1, this.beta2, this.epsilon];
    const c = this.constants;
    if (c && c.from.every((n, i) => Object.is(n, from[i]))) return c;
    if (c) disposeConstants(c);
    // tfjs's Adam passes these numbers to its ops, which make float32 scalars of them each step.
    // Kept: this runs inside the caller's tidy (minimize's, the trainer's).
    const kept = (x: number) => tf.keep(tf.scalar(x));
    this.constants = {
      from,
      one: kept(1),
      beta1: kept(this.beta1),
      oneMinusBeta1: kept(1 - this.beta1),
      beta2: kept(this.beta2),
      oneMinusBeta2: kept(1 - this.beta2),
      epsilon: kept(this.epsilon),
      negLearningRate: kept(-this.learningRate),
    };
    return this.constants;
  }

  override dispose(): void {
    this.accBeta1.dispose();
    this.accBeta2.dispose();
    if (this.moments) tf.dispose([this.moments.m, this.moments.v]);
    this.moments = undefined;
    this.slots = [];
    if (this.constants) disposeConstants(this.constants);
    this.constants = undefined;
    this.forgetValues();
  }

  /** tfjs's list: the iteration count, every slot's first moment, then every slot's second; new tensors the caller disposes. */
  override async getWeights(): Promise<NamedTensor[]> {
    const iterations = await this.saveIterations();
    const [ms, vs] = tf.tidy(() => [this.perSlot(this.moments?.m), this.perSlot(this.moments?.v)]);
    return [
      iterations,
      ...ms.map((tensor, i) => ({ name: this.slots[i]!.mName, tensor })),
      ...vs.map((tensor, i) => ({ name: this.slots[i]!.vName, tensor })),
    ];
  }

  /** Takes tfjs's list (as getWeights gives it); the β powers become β^(iterations + 1), as tfjs's Adam sets them. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const moments = await this.extractIterations(weightValues);
    if (moments.length % 2 !== 0)
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Adam's weights are the iteration count and a first and a second moment per variable, but ${weightValues.length} were given.`,
        { count: weightValues.length },
      );
    const n = moments.length / 2;
    const firsts = moments.slice(0, n);
    const seconds = moments.slice(n);
    firsts.forEach((f, i) => {
      const s = seconds[i]!;
      if (!sameShape(f.tensor.shape, s.tensor.shape) || f.tensor.dtype !== 'float32' || s.tensor.dtype !== 'float32')
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `Adam's moments ${f.name} and ${s.name} must be float32 of one shape, but are ${f.tensor.dtype} [${f.tensor.shape}] and ${s.tensor.dtype} [${s.tensor.shape}].`,
          { first: f.name, second: s.name, firstShape: f.tensor.shape, secondShape: s.tensor.shape },
        );
    });
    tf.tidy(() => {
      this.accBeta1.assign(tf.pow(this.beta1, this.iterations_ + 1));
      this.accBeta2.assign(tf.pow(this.beta2, this.iterations_ + 1));
      this.slots = firsts.map((f, i) => ({
        mName: f.name,
        vName: seconds[i]!.name,
        shape: f.tensor.shape,
        size: f.tensor.size,
      }));
      this.replaceMoments(
        firsts.map((f) => f.tensor),
        seconds.map((s) => s.tensor),
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config['learningRate'], config['beta1'], config['beta2'], config['epsilon']);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** As a vector (a reshape only where the tensor is not one already: each is a kernel call on some backends). */
function flat(t: tf.Tensor): tf.Tensor {
  return t.rank === 1 ? t : tf.reshape(t, [-1]);
}

function shaped(t: tf.Tensor, shape: number[]): tf.Tensor {
  return shape.length === 1 ? t : tf.reshape(t, shape);
}

function disposeConstants(c: Constants): void {
  tf.dispose([c.one, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.epsilon, c.negLearningRate]);
}
