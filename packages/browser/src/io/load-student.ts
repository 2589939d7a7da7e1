import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { checkWeightPaths, KdError, parseModelJson } from '@kd/core';
import { PREPROCESSING_FILE } from '@kd/core/internal';
import {
  parseStudentPreprocessing,
  preprocessInputs,
  type StudentInput,
  type StudentPreprocessing,
} from './student-preprocessing.js';

/** Options for {@link loadStudent}. */
export interface LoadStudentOptions {
  /** The `fetch` to download with (default: the global one), e.g. one that adds headers. */
  fetch?: typeof fetch;
  /** Passed to every request (credentials, headers, cache mode). */
  requestInit?: RequestInit;
}

/** Bytes downloaded by {@link loadStudent}, as served (after any HTTP content decoding). */
export interface StudentDownload {
  modelJson: number;
  weights: number;
  preprocessing: number;
  total: number;
}

/** What {@link LoadedStudent.predict} resolves with. */
export interface StudentPrediction {
  rows: number;
  numClasses: number;
  /** `rows × numClasses` class probabilities, row after row (a one-unit sigmoid gives [1 − p, p]). */
  probabilities: Float32Array;
  /** The most probable class of each row. */
  labels: Int32Array;
}

/** A student loaded by {@link loadStudent}. */
export interface LoadedStudent {
  readonly model: LayersModel;
  /** Shape of one input row, without the batch dimension. */
  readonly inputShape: readonly number[];
  /** The saved preprocessing, or null when the folder has no preprocessing.json. */
  readonly preprocessing: StudentPreprocessing | null;
  /** Class names in output order, when the preprocessing lists them. */
  readonly classes: readonly string[] | null;
  /** Whether the model ends in a sigmoid/softmax (`probabilities`) or not (`logits`). */
  readonly output: 'logits' | 'probabilities';
  readonly download: StudentDownload;
  /** Applies the saved preprocessing: a `[rows, ...inputShape]` tensor, for code that runs the model itself. */
  preprocess(input: StudentInput | readonly StudentInput[]): tf.Tensor;
  /** Class probabilities of one input or a batch (images, feature rows or named rows). */
  predict(input: StudentInput | readonly StudentInput[]): Promise<StudentPrediction>;
  /** Class probabilities of already preprocessed inputs, as a `[rows, numClasses]` tensor. */
  predictTensor(x: tf.Tensor): tf.Tensor2D;
  /** Frees the model's weights. */
  dispose(): void;
}

/**
 * Loads a student written by `kd distill` (its `student/` folder) or `kd export` over HTTP: the
 * tfjs layers `model.json`, its weights (float32, float16 or uint8; quantised weights are
 * expanded on load) and the `preprocessing.json` beside it, which `predict` applies so the
 * deployed student sees the features it was trained on (feature order, image size and scale,
 * standardisation). Weight files must sit in the model's folder (or below it).
 *
 * @example
 * ```ts
 * const student = await loadStudent('/models/student-uint8/model.json');
 * const { probabilities } = await student.predict(canvas); // or a Float32Array of features
 * console.log(student.classes?.[1], probabilities[1]);
 * student.dispose();
 * ```
 */
export async function loadStudent(url: string, options: LoadStudentOptions = {}): Promise<LoadedStudent> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = typeof location !== 'undefined' ? location.href : undefined;
  let modelUrl: URL;
  try {
    modelUrl = new URL(url, base);
  } catch (cause) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `loadStudent needs the URL of a model.json; ${JSON.stringify(url)} is not a URL.`,
      { url },
      { cause },
    );
  }
  const get = async (target: URL, what: string, missingOk = false): Promise<Response | null> => {
    let response: Response;
    try {
      response = await doFetch(target.href, options.requestInit);
    } catch (cause) {
      throw new KdError(
        'KD_MODEL_NOT_FOUND',
        `Could not download ${what} ${target.href}: ${(cause as Error).message}.`,
        { url: target.href },
        { cause },
      );
    }
    if (response.ok) return response;
    if (missingOk && response.status === 404) return null;
    throw new KdError(
      'KD_MODEL_NOT_FOUND',
      `Downloading ${what} ${target.href} answered HTTP ${response.status}. Check that the student's folder is served next to the page.`,
      { url: target.href, status: response.status },
    );
  };

  const modelText = await (await get(modelUrl, 'the student'))!.text();
  // One model.json check for every loader kd has: it must be a tfjs model whose weight files sit
  // inside its folder, refused before any weights are fetched.
  const modelJson = parseModelJson(modelText, modelUrl.href);
  const weightUrls = checkWeightPaths(modelJson.weightsManifest, modelUrl.href).map((p) => weightUrl(modelUrl, p));

  const preprocessingUrl = new URL(PREPROCESSING_FILE, modelUrl);
  const [weightBuffers, preprocessingResponse] = await Promise.all([
    Promise.all(weightUrls.map(async (u) => (await get(u, 'the weight file'))!.arrayBuffer())),
    get(preprocessingUrl, 'the preprocessing', true),
  ]);
  const preprocessingText = preprocessingResponse ? await preprocessingResponse.text() : null;
  let preprocessing: StudentPreprocessing | null = null;
  if (preprocessingText !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(preprocessingText);
    } catch (cause) {
      throw new KdError(
        'KD_DATA_INVALID',
        `${preprocessingUrl.href} is not JSON: ${(cause as Error).message}.`,
        { url: preprocessingUrl.href },
        { cause },
      );
    }
    preprocessing = parseStudentPreprocessing(parsed, preprocessingUrl.href);
  }

  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => [
    tf.io.getWeightSpecs(manifest),
    weightBuffers,
  ]);
  const model = await loadLayersModel(tf.io.fromMemory(artifacts));
  try {
    const download = {
      modelJson: modelText.length,
      weights: weightBuffers.reduce((n, b) => n + b.byteLength, 0),
      preprocessing: preprocessingText?.length ?? 0,
    };
    return studentFromModel(model, preprocessing, { download, name: modelUrl.href });
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * The URL of a weight file named in a model.json (already checked by core's `checkWeightPaths`),
 * refused when it still resolves outside the model's folder: a model.json from elsewhere must
 * not make the page fetch other files of the site.
 */
export function weightUrl(modelUrl: URL, path: string): URL {
  const folder = new URL('.', modelUrl);
  const resolved = typeof path === 'string' && path.length > 0 ? new URL(path, folder) : null;
  if (
    !resolved ||
    resolved.origin !== folder.origin ||
    !resolved.pathname.startsWith(folder.pathname) ||
    /^[a-z][\w+.-]*:|^[/\\]/i.test(path)
  )
    throw new KdError(
      'KD_MODEL_INVALID',
      `${modelUrl.href} names the weight file ${JSON.stringify(path)}, ` +
        `which is outside the model's folder ${folder.href}. ` +
        'Weight paths must be relative names inside it, as kd export writes them.',
      { url: modelUrl.href, path },
    );
  return resolved;
}

/**
 * Wraps a tfjs layers model already in memory (e.g. one just trained with {@link trainInWorker})
 * with a preprocessing, giving it the same `predict` as {@link loadStudent}.
 *
 * @example
 * ```ts
 * const next = studentFromModel(trainedModel, current.preprocessing);
 * const { labels } = await next.predict(image);
 * ```
 */
export function studentFromModel(
  model: LayersModel,
  preprocessing: StudentPreprocessing | null,
  options: { download?: Omit<StudentDownload, 'total'>; name?: string } = {},
): LoadedStudent {
  const where = options.name ?? model.name;
  const bytes = options.download ?? { modelJson: 0, weights: 0, preprocessing: 0 };
  if (preprocessing) preprocessing = parseStudentPreprocessing(preprocessing, `the preprocessing of ${where}`);
  const inputShape = model.inputs[0]!.shape.slice(1) as number[];
  if (inputShape.some((d) => d === null))
    throw new KdError('KD_STUDENT_INVALID', `${where} has an input of unknown size [${inputShape.join(', ')}].`, {
      where,
    });
  if (preprocessing && preprocessing.inputShape.join() !== inputShape.join())
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${where} takes inputs of shape [${inputShape.join(', ')}] but its preprocessing.json says ` +
        `[${preprocessing.inputShape.join(', ')}]; the two files come from different runs.`,
      { expected: inputShape, got: preprocessing.inputShape },
    );
  const units = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1]!;
  const activation = (model.layers[model.layers.length - 1]!.getConfig() as { activation?: string }).activation;
  const output = activation === 'sigmoid' || activation === 'softmax' ? 'probabilities' : 'logits';
  const numClasses = units === 1 ? 2 : units;

  const predictTensor = (x: tf.Tensor): tf.Tensor2D =>
    tf.tidy(() => {
      const y = tf.reshape(model.predict(x) as tf.Tensor, [x.shape[0]!, units]) as tf.Tensor2D;
      if (units === 1) {
        const p = output === 'logits' ? tf.sigmoid(y) : y;
        return tf.concat([tf.sub(1, p), p], 1) as tf.Tensor2D;
      }
      return output === 'logits' ? tf.softmax(y) : y;
    });
  const preprocess = (input: StudentInput | readonly StudentInput[]): tf.Tensor => {
    const list =
      Array.isArray(input) && typeof input[0] !== 'number'
        ? (input as readonly StudentInput[])
        : [input as StudentInput];
    if (list.length === 0) throw new KdError('KD_INVALID_ARGUMENT', 'predict needs at least one input.');
    return preprocessInputs(list, preprocessing, inputShape);
  };

  return {
    model,
    inputShape,
    preprocessing,
    classes: preprocessing?.classes ?? null,
    output,
    download: { ...bytes, total: bytes.modelJson + bytes.weights + bytes.preprocessing },
    preprocess,
    predictTensor,
    async predict(input) {
      const probabilities = tf.tidy(() => predictTensor(preprocess(input)));
      const labels = tf.tidy(() => tf.argMax(probabilities, 1));
      try {
        const [p, l] = await Promise.all([probabilities.data(), labels.data()]);
        return {
          rows: probabilities.shape[0],
          numClasses,
          probabilities: p as Float32Array,
          labels: Int32Array.from(l),
        };
      } finally {
        tf.dispose([probabilities, labels]);
      }
    },
    dispose: () => model.dispose(),
  };
}
