// The demo's embedded Fashion-MNIST subset (examples/demo/data), served with the page as an asset
// and parsed with the demo's own format module, so the page sees the same images as `kd`.
import { parseFashionSubset } from '../../demo/subset-format.mjs';
import subsetUrl from '../../demo/data/fashion-tshirt-vs-shirt.kdsubset.gz?url';

export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface TestImages {
  train: Split;
  test: Split;
  height: number;
  width: number;
  classNames: string[];
  /** Bytes downloaded (gzip file as served). */
  bytes: number;
}

const hex = (buffer: ArrayBuffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

export async function loadTestImages(): Promise<TestImages> {
  const response = await fetch(subsetUrl);
  if (!response.ok) throw new Error(`The test images (${subsetUrl}) answered HTTP ${response.status}.`);
  const body = new Uint8Array(await response.arrayBuffer());
  // A server may send the .gz file with Content-Encoding: gzip, and the browser then hands over
  // the file already decompressed: gunzip only what still starts with the gzip magic bytes.
  const gzipped = body[0] === 0x1f && body[1] === 0x8b;
  const bytes = gzipped
    ? new Uint8Array(
        await new Response(new Blob([body]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer(),
      )
    : body;
  const timing = performance.getEntriesByName(response.url)[0] as PerformanceResourceTiming | undefined;
  // The format module checks the payload's SHA-256 with a synchronous function; the browser's is
  // asynchronous, so it is computed first over the payload (after the 16-byte prefix and header).
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12);
  const digest = hex(await crypto.subtle.digest('SHA-256', bytes.subarray(16 + headerLength)));
  const subset = parseFashionSubset(bytes, () => digest);
  return { ...subset, bytes: timing?.encodedBodySize || body.byteLength };
}

/** One image of a split as pixel bytes, the form `predict` takes. */
export function pixelImage(split: Split, i: number, height = 28, width = 28) {
  return { data: split.images.subarray(i * height * width, (i + 1) * height * width), width, height };
}
