// The models the page compares: the distilled student (float32 and uint8 exports of one `kd distill`
// run) and the teacher ensemble it was distilled from, all loaded with @kd/browser's loadStudent.
import * as tf from '@tensorflow/tfjs-core';
import { loadStudent, type LoadedStudent, type StudentInput } from '@kd/browser';

/** What the page needs of a classifier: preprocessing, and P(class) for a preprocessed batch. */
export interface Classifier {
  name: string;
  preprocess(input: StudentInput | readonly StudentInput[]): tf.Tensor;
  /** `[rows, 2]` class probabilities. */
  predictTensor(x: tf.Tensor): tf.Tensor2D;
  /** Bytes downloaded, and the same files gzipped (what a server sending gzip would send). */
  bytes: number;
  gzipBytes: number;
  parameters: number;
  dispose(): void;
}

export const MODEL_URLS = {
  'student-float32': 'models/student-float32/model.json',
  'student-uint8': 'models/student-uint8/model.json',
  teachers: [
    'models/teachers/teacher-1/model.json',
    'models/teachers/teacher-2/model.json',
    'models/teachers/teacher-3/model.json',
  ],
};

/** Sizes of the files behind a model.json, as served and gzipped in the page (CompressionStream). */
async function gzipSize(modelUrl: string): Promise<number> {
  const folder = new URL('.', new URL(modelUrl, location.href));
  const files = ['model.json', 'weights.bin', 'preprocessing.json'];
  let total = 0;
  for (const file of files) {
    const response = await fetch(new URL(file, folder));
    if (!response.ok) continue;
    const gz = (await response.blob()).stream().pipeThrough(new CompressionStream('gzip'));
    total += (await new Response(gz).arrayBuffer()).byteLength;
  }
  return total;
}

const parametersOf = (s: LoadedStudent) => s.model.countParams();

export async function loadStudentClassifier(
  name: string,
  url: string,
): Promise<Classifier & { student: LoadedStudent }> {
  const [student, gzipBytes] = await Promise.all([loadStudent(url), gzipSize(url)]);
  return fromStudent(name, student, { bytes: student.download.total, gzipBytes });
}

export function fromStudent(name: string, student: LoadedStudent, sizes: { bytes: number; gzipBytes: number }) {
  return {
    name,
    student,
    preprocess: student.preprocess,
    predictTensor: student.predictTensor,
    ...sizes,
    parameters: parametersOf(student),
    dispose: () => student.dispose(),
  };
}

/** The teachers as one classifier: the mean of their probabilities, as `kd distill` combined them. */
export async function loadEnsemble(urls: string[]): Promise<Classifier> {
  const members = await Promise.all(urls.map((u) => loadStudent(u)));
  const sizes = await Promise.all(urls.map(gzipSize));
  const first = JSON.stringify(members[0]!.preprocessing);
  if (members.some((m) => JSON.stringify(m.preprocessing) !== first))
    throw new Error('The teachers were saved with different preprocessing; they cannot share one input batch.');
  return {
    name: `ensemble of ${members.length}`,
    preprocess: members[0]!.preprocess,
    predictTensor: (x) =>
      tf.tidy(() => tf.div(tf.addN(members.map((m) => m.predictTensor(x))), members.length) as tf.Tensor2D),
    bytes: members.reduce((n, m) => n + m.download.total, 0),
    gzipBytes: sizes.reduce((a, b) => a + b, 0),
    parameters: members.reduce((n, m) => n + parametersOf(m), 0),
    dispose: () => members.forEach((m) => m.dispose()),
  };
}

/** P(class 1) of each input, read back once. */
export async function probabilityOfShirt(model: Classifier, x: tf.Tensor): Promise<Float32Array> {
  const p = tf.tidy(() => tf.squeeze(tf.slice(model.predictTensor(x), [0, 1], [-1, 1]), [1]));
  try {
    return (await p.data()) as Float32Array;
  } finally {
    p.dispose();
  }
}
