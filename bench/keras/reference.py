"""The Keras side of bench/keras-side-by-side.mjs: the same cases, written as a Keras user would.

A line protocol, so one TensorFlow import serves every case and the Node side can alternate kd
and Keras case by case: it prints {"ready": ...} once, then reads one JSON case per stdin line
and answers one JSON line with the seconds the case took (imports and data loading excluded).
A case trains on its first `rows` rows; the accuracy case also answers the test accuracy of each
model it trained (the share of test rows whose logit falls on the right side of 0).

Data: T-shirt/top (0) vs Shirt (6) from the Fashion-MNIST IDX files given on the command line,
read exactly as kd's readIdx reads them (uint8 / 255), the first `rows` matching rows in file
order. The Distiller follows the Keras knowledge-distillation example: the teacher is frozen and
evaluated on every step inside compute_loss; at T = 1 with one logit the distillation loss is
the binary cross-entropy against sigmoid(teacher logits).
"""

import gzip
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

NEGATIVE, POSITIVE = 0, 6


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def pair(images, labels, rows):
    keep = np.flatnonzero((labels == NEGATIVE) | (labels == POSITIVE))[:rows]
    x = (images[keep].astype(np.float32) * np.float32(1 / 255)).reshape(-1, 28, 28, 1)
    y = (labels[keep] == POSITIVE).astype(np.float32).reshape(-1, 1)
    return x, y


def build(arch, seed):
    init = lambda i: keras.initializers.GlorotUniform(seed=seed * 100 + i)  # noqa: E731
    if arch in ("conv-teacher", "conv-student"):
        a, b = (256, 512) if arch == "conv-teacher" else (16, 32)
        return keras.Sequential(
            [
                keras.Input(shape=(28, 28, 1)),
                layers.Conv2D(a, (3, 3), strides=(2, 2), padding="same", kernel_initializer=init(1)),
                layers.LeakyReLU(negative_slope=0.2),
                layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
                layers.Conv2D(b, (3, 3), strides=(2, 2), padding="same", kernel_initializer=init(2)),
                layers.Flatten(),
                layers.Dense(1, kernel_initializer=init(3)),
            ]
        )
    hidden = [128, 64] if arch == "mlp-teacher" else [8]
    stack = [keras.Input(shape=(784,))]
    stack += [layers.Dense(u, activation="relu", kernel_initializer=init(i + 1)) for i, u in enumerate(hidden)]
    stack.append(layers.Dense(1, kernel_initializer=init(9)))
    return keras.Sequential(stack)


class Distiller(keras.Model):
    """The Keras example's Distiller, for one logit at temperature 1."""

    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student

    def compile(self, optimizer, metrics, alpha, run_eagerly=False):
        super().compile(optimizer=optimizer, metrics=metrics, run_eagerly=run_eagerly)
        self.alpha = alpha
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        teacher_pred = self.teacher(x, training=False)
        student_loss = self.bce(y, y_pred)
        distillation_loss = self.bce(ops.sigmoid(teacher_pred), y_pred)
        return self.alpha * student_loss + (1 - self.alpha) * distillation_loss

    def call(self, x):
        return self.student(x)


def adam():
    return keras.optimizers.Adam(learning_rate=1e-3, epsilon=1e-7)


def eager(case):
    """`"eager": true` in a case: Keras runs op by op (run_eagerly) instead of one traced graph per step."""
    return bool(case.get("eager", False))


def shaped(x, arch):
    return x.reshape(-1, 784) if arch.startswith("mlp") else x


def train_rows(case, data):
    """The case's first `rows` training rows (all of them when it names none)."""
    x, y = data["train"]
    n = case.get("rows", len(x))
    return x[:n], y[:n]


def accuracy(model, x, y):
    logits = model.predict(x, batch_size=256, verbose=0)
    return float(np.mean((logits > 0).astype(np.float32) == y))


def fit(case, data):
    x, y = train_rows(case, data)
    keras.utils.set_random_seed(case.get("seed", 0))
    model = build(case["arch"], case.get("seed", 0))
    model.compile(
        optimizer=adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True), run_eagerly=eager(case)
    )
    started = time.perf_counter()
    history = model.fit(shaped(x, case["arch"]), y, batch_size=case["batch"], epochs=case["epochs"], verbose=0)
    return time.perf_counter() - started, {"loss": float(history.history["loss"][-1])}


def distill_runs(case, data):
    """One Distiller per (seed, α), each with its own fit: what the example has a user write."""
    x, y = train_rows(case, data)
    xs = shaped(x, case["student"])
    keras.utils.set_random_seed(1000)
    teacher = build(case["teacher"], 1000)
    teacher.trainable = False
    validation = None
    if case["kind"] == "sweep":
        xv, yv = data["val"]
        validation = (shaped(xv, case["student"]), yv)
    started = time.perf_counter()
    last = None
    for seed in case.get("seeds", [0]):
        for alpha in case.get("alphas", [0.5]):
            keras.utils.set_random_seed(seed)
            distiller = Distiller(build(case["student"], seed), teacher)
            metrics = [keras.metrics.AUC(from_logits=True, name="auc")] if validation else []
            distiller.compile(optimizer=adam(), metrics=metrics, alpha=alpha, run_eagerly=eager(case))
            history = distiller.fit(
                xs, y, batch_size=case["batch"], epochs=case["epochs"], validation_data=validation, verbose=0
            )
            last = float(history.history["loss"][-1])
    return time.perf_counter() - started, {"loss": last}


def train_and_test(case, data):
    """One seed of the accuracy case: the teacher trained, then a student from scratch and one
    distilled from that teacher by the example's Distiller; each scored on the test rows."""
    x, y = train_rows(case, data)
    xt, yt = data["val"]
    seed = case["seed"]
    phase = {}
    keras.utils.set_random_seed(1000 + seed)
    teacher = build(case["teacher"], 1000 + seed)
    teacher.compile(optimizer=adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    started = time.perf_counter()
    teacher.fit(shaped(x, case["teacher"]), y, batch_size=case["batch"], epochs=case["teacherEpochs"], verbose=0)
    phase["teacher"] = time.perf_counter() - started
    teacher.trainable = False

    keras.utils.set_random_seed(seed)
    scratch = build(case["student"], seed)
    scratch.compile(optimizer=adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    started = time.perf_counter()
    scratch.fit(shaped(x, case["student"]), y, batch_size=case["batch"], epochs=case["studentEpochs"], verbose=0)
    phase["scratch"] = time.perf_counter() - started

    keras.utils.set_random_seed(seed)
    distiller = Distiller(build(case["student"], seed), teacher)
    distiller.compile(optimizer=adam(), metrics=[], alpha=case["alpha"])
    started = time.perf_counter()
    distiller.fit(shaped(x, case["student"]), y, batch_size=case["batch"], epochs=case["studentEpochs"], verbose=0)
    phase["distilled"] = time.perf_counter() - started

    scores = {
        "teacher": accuracy(teacher, shaped(xt, case["teacher"]), yt),
        "scratch": accuracy(scratch, shaped(xt, case["student"]), yt),
        "distilled": accuracy(distiller.student, shaped(xt, case["student"]), yt),
    }
    return sum(phase.values()), {"phaseSeconds": phase, "accuracy": scores}


def main():
    images, labels, test_images, test_labels, rows, val_rows = sys.argv[1:7]
    data = {
        "train": pair(read_idx(images), read_idx(labels), int(rows)),
        "val": pair(read_idx(test_images), read_idx(test_labels), int(val_rows)),
    }
    intra = tf.config.threading.get_intra_op_parallelism_threads()
    print(json.dumps({"ready": True, "tensorflow": tf.__version__, "keras": keras.__version__, "intraOp": intra}))
    sys.stdout.flush()
    for line in sys.stdin:
        case = json.loads(line)
        run = {"fit": fit, "accuracy": train_and_test}.get(case["kind"], distill_runs)
        seconds, extra = run(case, data)
        print(json.dumps({"seconds": seconds, **extra}))
        sys.stdout.flush()
        keras.backend.clear_session()


if __name__ == "__main__":
    main()
