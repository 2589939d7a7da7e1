// The showcase page: wires the models, the measurements and "Distil here" to the HTML.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { StudentInput } from '@kd/browser';
import { distilHere } from './distil-here.js';
import { LossChart } from './loss-chart.js';
import { measureSpeed, scoreTestSet } from './measure.js';
import {
  fromStudent,
  loadEnsemble,
  loadStudentClassifier,
  MODEL_URLS,
  probabilityOfShirt,
  type Classifier,
} from './models.js';
import { loadTestImages, pixelImage, type TestImages } from './test-images.js';

// The wasm binaries are served with the page (no CDN): the page works offline once loaded.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`)!;
const GRID_IMAGES = 60;

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
/** Shows a number, rounded for the eye, and keeps the exact value in data-value for scripts. */
function show(id: string, value: number, text: string): void {
  const el = $(id);
  el.textContent = text;
  el.dataset.value = String(value);
}
const status = (line: string) => ($('status').textContent = line);

interface State {
  data: TestImages;
  testImages: StudentInput[];
  variants: Record<string, Classifier & { student: import('@kd/browser').LoadedStudent }>;
  variant: string;
  /** A student distilled in this page, when there is one; it replaces the loaded variant. */
  distilled: (Classifier & { student: import('@kd/browser').LoadedStudent }) | null;
  ensemble: Classifier;
  busy: boolean;
}
let state: State;
let measureRuns = 0;

/** While a measurement or a switch runs, the buttons that would start another wait. */
function setBusy(busy: boolean): void {
  state.busy = busy;
  document
    .querySelectorAll<HTMLButtonElement>('[data-backend], [data-testid="measure"]')
    .forEach((b) => (b.disabled = busy));
}

const student = () => state.distilled ?? state.variants[state.variant]!;

function drawPixels(canvas: HTMLCanvasElement, pixels: Uint8Array | Uint8ClampedArray): void {
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(28, 28);
  pixels.forEach((v, i) => image.data.set([v, v, v, 255], i * 4));
  ctx.putImageData(image, 0, 0);
}

function renderModels(): void {
  const rows = [
    ...Object.values(state.variants).map((v) => ({ name: v.name, c: v })),
    ...(state.distilled ? [{ name: 'student (distilled here)', c: state.distilled }] : []),
    { name: state.ensemble.name, c: state.ensemble },
  ];
  $('models').innerHTML = rows
    .map(
      ({ name, c }) =>
        `<tr data-model="${name}"><td>${name}</td><td>${c.parameters.toLocaleString('en')}</td>` +
        `<td data-bytes="${c.bytes}">${c.bytes ? kb(c.bytes) : '–'}</td><td data-gzip="${c.gzipBytes}">${c.gzipBytes ? kb(c.gzipBytes) : '–'}</td></tr>`,
    )
    .join('');
  $('student-name').textContent = student().name;
  // A student distilled here is neither export: picking an export again swaps it out.
  document.querySelectorAll<HTMLInputElement>('input[name="variant"]').forEach((r) => {
    r.checked = !state.distilled && r.value === state.variant;
  });
}

/** Classifies one image with both models and shows the result. */
async function classify(input: StudentInput, label: string, preview: Uint8Array | Uint8ClampedArray): Promise<boolean> {
  const s = student();
  const xs = s.preprocess(input);
  const xe = state.ensemble.preprocess(input);
  try {
    const [ps, pe] = await Promise.all([probabilityOfShirt(s, xs), probabilityOfShirt(state.ensemble, xe)]);
    const agree = ps[0]! > 0.5 === pe[0]! > 0.5;
    drawPixels($<HTMLCanvasElement>('preview'), preview);
    $('result-image').textContent = label;
    show('result-student', ps[0]!, ps[0]!.toFixed(3));
    show('result-ensemble', pe[0]!, pe[0]!.toFixed(3));
    show('result-agree', Number(agree), agree ? 'yes' : 'no');
    return agree;
  } finally {
    tf.dispose([xs, xe]);
  }
}

function classifyTestImage(i: number): Promise<boolean> {
  const truth = state.data.classNames[state.data.test.labels[i]!];
  document
    .querySelectorAll('.grid canvas')
    .forEach((c) => c.classList.toggle('selected', c.getAttribute('data-index') === String(i)));
  const image = pixelImage(state.data.test, i);
  return classify(image, `test #${i} (${truth})`, image.data);
}

function renderGrid(): void {
  const grid = $('grid');
  for (let i = 0; i < GRID_IMAGES; i++) {
    const c = document.createElement('canvas');
    c.width = 28;
    c.height = 28;
    c.dataset.index = String(i);
    c.dataset.testid = `cell-${i}`;
    c.title = state.data.classNames[state.data.test.labels[i]!]!;
    drawPixels(c, pixelImage(state.data.test, i).data);
    c.addEventListener('click', () => void classifyTestImage(i));
    grid.append(c);
  }
}

/** Stream mode: classifies test image after test image, as fast as the page allows. */
function setupStream(): void {
  const box = $<HTMLInputElement>('stream');
  let next = 0;
  let count = 0;
  let since = performance.now();
  const step = async () => {
    if (!box.checked) return;
    if (!state.busy) {
      await classifyTestImage(next);
      next = (next + 1) % state.data.test.count;
      count++;
      const now = performance.now();
      if (now - since > 500) {
        show('stream-rate', (count * 1000) / (now - since), `${((count * 1000) / (now - since)).toFixed(0)} images/s`);
        count = 0;
        since = now;
      }
    }
    requestAnimationFrame(() => void step());
  };
  box.addEventListener('change', () => {
    if (box.checked) {
      count = 0;
      since = performance.now();
      void step();
    } else $('stream-rate').textContent = '';
  });
}

function setupDrawing(): void {
  const canvas = $<HTMLCanvasElement>('draw');
  const ctx = canvas.getContext('2d')!;
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let drawing = false;
  const at = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height] as const;
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...at(e));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    ctx.strokeStyle = '#ddd';
    ctx.lineWidth = 14;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  canvas.addEventListener('pointerup', () => {
    drawing = false;
    // loadStudent's preprocessing turns the 140×140 RGB drawing into the student's 28×28 grey input.
    const small = document.createElement('canvas');
    small.width = 28;
    small.height = 28;
    const sctx = small.getContext('2d')!;
    sctx.drawImage(canvas, 0, 0, 28, 28);
    const rgba = sctx.getImageData(0, 0, 28, 28).data;
    const grey = Uint8ClampedArray.from({ length: 784 }, (_, i) => rgba[i * 4]!);
    void classify(canvas, 'your drawing', grey);
  });
  $('draw-clear').addEventListener('click', clear);
}

/** Speed of both models and their scores on the whole test set, on the backend in use. */
async function measure(): Promise<void> {
  if (state.busy) return;
  setBusy(true);
  try {
    const backend = tf.getBackend();
    status(`Measuring on ${backend}…`);
    const scores = await scoreTestSet(student(), state.ensemble, state.testImages, state.data.test.labels);
    show('acc-student', scores.studentAccuracy, pct(scores.studentAccuracy));
    show('acc-ensemble', scores.ensembleAccuracy, pct(scores.ensembleAccuracy));
    show('agreement', scores.agreement, pct(scores.agreement));
    for (const [id, model] of [
      ['student', student()],
      ['ensemble', state.ensemble],
    ] as const) {
      const speed = await measureSpeed(model, state.testImages);
      show(`lat-${id}`, speed.latencyMs, `${speed.latencyMs.toFixed(2)} ms`);
      show(`thr-${id}`, speed.throughput, `${Math.round(speed.throughput).toLocaleString('en')} images/s`);
    }
    show('measure-info', scores.count, `(${scores.count} test images, ${backend}, ${student().name})`);
    // Tensors alive after the measurement: the page's test checks that measuring leaks none.
    $('measure-info').dataset.tensors = String(tf.memory().numTensors);
    $('measure-info').dataset.run = String(++measureRuns);
    status(`Ready on ${backend}. Measured on ${scores.count} test images.`);
  } catch (e) {
    status(`Measurement failed: ${(e as Error).message}`);
    throw e;
  } finally {
    setBusy(false);
  }
}

async function useBackend(name: string): Promise<void> {
  if (state.busy) return;
  setBusy(true);
  try {
    status(`Switching to ${name}…`);
    if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend could not start in this browser`);
    await tf.ready();
    $('backend').textContent = tf.getBackend();
    document
      .querySelectorAll<HTMLButtonElement>('[data-backend]')
      .forEach((b) => b.classList.toggle('active', b.dataset.backend === name));
  } catch (e) {
    status(`Could not switch to ${name}: ${(e as Error).message}`);
    return;
  } finally {
    setBusy(false);
  }
  await measure();
}

function setupDistil(): void {
  const start = $<HTMLButtonElement>('distil-start');
  const stop = $<HTMLButtonElement>('distil-stop');
  const progress = $<HTMLProgressElement>('distil-progress');
  const chart = new LossChart($<HTMLCanvasElement>('loss-chart'));
  chart.reset();
  let controller: AbortController | null = null;
  start.addEventListener('click', async () => {
    if (state.busy) return;
    controller = new AbortController();
    start.disabled = true;
    stop.disabled = false;
    chart.reset();
    progress.value = 0;
    const line = (text: string) => ($('distil-status').textContent = text);
    const epochs = Math.max(1, Math.min(200, Number($<HTMLInputElement>('epochs').value) || 20));
    line('starting the worker…');
    try {
      const out = await distilHere({
        current: student().student,
        ensemble: state.ensemble,
        train: state.data.train,
        epochs,
        signal: controller.signal,
        onStatus: line,
        onProgress: (p) => {
          if (p.type === 'batch') {
            progress.value = (p.log.step + 1) / p.log.totalSteps; // steps count from 0
            line(`epoch ${p.log.epoch + 1}/${epochs}, batch ${p.log.batch + 1}/${p.log.batchesPerEpoch}`);
          } else if (p.type === 'epoch') chart.push(p.log.loss, p.log.val.val_loss ?? NaN);
        },
      });
      if (!out) {
        line(`stopped: kept ${student().name}`);
        $('distil-status').dataset.outcome = 'stopped';
        return;
      }
      state.distilled?.dispose();
      state.distilled = fromStudent('student (distilled here)', out.student, { bytes: 0, gzipBytes: 0 });
      progress.value = 1;
      renderModels();
      line(
        `done in ${out.seconds.toFixed(1)} s on ${out.backend} in a worker (teacher outputs ${out.teacherFrom}): the new student is in use`,
      );
      $('distil-status').dataset.outcome = 'done';
      await measure();
    } catch (e) {
      line(`failed: ${(e as Error).message}`);
      $('distil-status').dataset.outcome = 'failed';
    } finally {
      start.disabled = false;
      stop.disabled = true;
      controller = null;
    }
  });
  stop.addEventListener('click', () => controller?.abort());
  start.disabled = false;
}

async function main(): Promise<void> {
  await tf.setBackend('webgl');
  await tf.ready();
  $('backend').textContent = tf.getBackend();
  document.querySelector<HTMLButtonElement>('[data-backend="webgl"]')!.classList.add('active');
  const [data, f32, u8, ensemble] = await Promise.all([
    loadTestImages(),
    loadStudentClassifier('student (float32)', MODEL_URLS['student-float32']),
    loadStudentClassifier('student (uint8)', MODEL_URLS['student-uint8']),
    loadEnsemble(MODEL_URLS.teachers),
  ]);
  state = {
    data,
    testImages: Array.from({ length: data.test.count }, (_, i) => pixelImage(data.test, i)),
    variants: { 'student-float32': f32, 'student-uint8': u8 },
    variant: 'student-uint8',
    distilled: null,
    ensemble,
    busy: false,
  };
  renderModels();
  renderGrid();
  setupStream();
  setupDrawing();
  setupDistil();
  document.querySelectorAll<HTMLInputElement>('input[name="variant"]').forEach((r) =>
    r.addEventListener('change', () => {
      state.variant = r.value;
      state.distilled?.dispose();
      state.distilled = null;
      renderModels();
      void measure();
    }),
  );
  document
    .querySelectorAll<HTMLButtonElement>('[data-backend]')
    .forEach((b) => b.addEventListener('click', () => void useBackend(b.dataset.backend!)));
  $('measure').addEventListener('click', () => void measure());
  $<HTMLButtonElement>('measure').disabled = false;
  status('Ready. Click an image, draw, or measure on the test set.');
  document.body.dataset.ready = 'true';
  await classifyTestImage(0);
}

main().catch((e) => {
  status(`The page could not start: ${(e as Error).message}`);
  document.body.dataset.ready = 'failed';
  console.error(e);
});
