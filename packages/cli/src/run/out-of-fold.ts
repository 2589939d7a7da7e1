// The out-of-fold outputs `kd train-teacher --folds K` saves beside a teacher, and how `kd distill`
// reads them back. The format (docs/cli.md, "Out-of-fold teacher targets"):
//
//   oof-outputs.json         the description below ({@link OofRecord}); written last, so it is the switch
//   oof-outputs.<hex>.bin    `rows × units` float32 outputs, row-major, then `rows` int32 fold indices,
//                            all little-endian; <hex> is the start of the file's SHA-256
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputKind } from '@kd/core';
import { writeFileAtomic } from '@kd/node';

/** The description file of a teacher's out-of-fold outputs. */
export const OOF_FILE = 'oof-outputs.json';
const OOF_BIN = /^oof-outputs\.[0-9a-f]{12}\.bin$/;

/** What `oof-outputs.json` holds. */
export interface OofRecord {
  format: 'kd-oof-outputs';
  version: 1;
  /** Training rows, in the order of the training split. */
  rows: number;
  /** Output units per row (1 for a binary task). */
  units: number;
  /** What the values are: the fold models' raw outputs, logits (kd's models) or probabilities. */
  kind: OutputKind;
  /** Number of fold models k; row i's value comes from the one model of the k not trained on row i. */
  folds: number;
  /** Seeds the stratified fold assignment (`stratifiedFolds(labels, folds, seed)` of @kd/core). */
  seed: number;
  /** The seed of each fold model (initial weights: 100000 + seed; shuffling: seed). */
  foldSeeds: number[];
  /** SHA-256 of the training rows before preprocessing: the rows these outputs belong to. */
  trainRowsSha256: string;
  /** SHA-256 of the data file (or folder) and the split options, for people reading the file. */
  data: {
    sha256: string;
    validation: number;
    test: number;
    seed: number;
    separateValidation: boolean;
    separateTest: boolean;
  };
  /** SHA-256 of the deployed teacher's weight bytes: the teacher these outputs were made for. */
  teacherWeightsSha256: string;
  /** The binary file: its name in the folder and its SHA-256. */
  file: string;
  sha256: string;
}

/** Out-of-fold outputs read back: the record, the outputs and each row's fold. */
export interface OofOutputs {
  record: OofRecord;
  values: Float32Array;
  folds: Int32Array;
}

/** SHA-256 (hex) of the bytes of the weight files a model folder's model.json names, in order. */
export async function weightsSha256(dir: string): Promise<string> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    weightsManifest: Array<{ paths: string[] }>;
  };
  const hash = createHash('sha256');
  for (const group of json.weightsManifest)
    for (const path of group.paths) hash.update(await readFile(join(dir, path)));
  return hash.digest('hex');
}

/**
 * Saves out-of-fold outputs beside a teacher: the binary file first, then `oof-outputs.json`
 * naming it (each with an atomic write), then removes earlier binary files. At every instant the
 * folder holds the old outputs or the new ones, whole.
 */
export async function writeOofOutputs(
  dir: string,
  record: Omit<OofRecord, 'format' | 'version' | 'file' | 'sha256'>,
  values: Float32Array,
  folds: Int32Array,
): Promise<OofRecord> {
  const bytes = new Uint8Array(values.length * 4 + folds.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  folds.forEach((f, i) => view.setInt32(values.length * 4 + i * 4, f, true));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = `oof-outputs.${sha256.slice(0, 12)}.bin`;
  const full: OofRecord = { format: 'kd-oof-outputs', version: 1, ...record, file, sha256 };
  await writeFileAtomic(join(dir, file), bytes);
  await writeFileAtomic(join(dir, OOF_FILE), JSON.stringify(full, null, 2) + '\n');
  for (const name of readdirSync(dir))
    if (OOF_BIN.test(name) && name !== file) await rm(join(dir, name), { force: true });
  return full;
}

/** Removes a teacher folder's out-of-fold outputs (the description first, so none are half there). */
export async function removeOofOutputs(dir: string): Promise<void> {
  await rm(join(dir, OOF_FILE), { force: true });
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (OOF_BIN.test(name)) await rm(join(dir, name), { force: true });
}

/**
 * A teacher folder's out-of-fold outputs: `null` when it has none, `{ problem }` when they are
 * there but cannot be used (unreadable, truncated, another format), else the outputs.
 */
export async function readOofOutputs(dir: string): Promise<OofOutputs | { problem: string } | null> {
  let text: string;
  try {
    text = await readFile(join(dir, OOF_FILE), 'utf8');
  } catch {
    return null;
  }
  let record: OofRecord;
  try {
    record = JSON.parse(text) as OofRecord;
  } catch (cause) {
    return { problem: `${OOF_FILE} is not JSON (${(cause as Error).message})` };
  }
  const whole = (n: unknown, min: number) => Number.isInteger(n) && (n as number) >= min;
  if (
    record?.format !== 'kd-oof-outputs' ||
    record.version !== 1 ||
    !whole(record.rows, 1) ||
    !whole(record.units, 1) ||
    !whole(record.folds, 2) ||
    (record.kind !== 'logits' && record.kind !== 'probabilities') ||
    typeof record.file !== 'string' ||
    !OOF_BIN.test(record.file) ||
    typeof record.trainRowsSha256 !== 'string' ||
    typeof record.teacherWeightsSha256 !== 'string'
  )
    return { problem: `${OOF_FILE} is not a kd out-of-fold description of a known version` };
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, record.file));
  } catch (cause) {
    return { problem: `${record.file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})` };
  }
  const n = record.rows * record.units;
  if (bytes.length !== (n + record.rows) * 4 || createHash('sha256').update(bytes).digest('hex') !== record.sha256)
    return { problem: `${record.file} does not hold the bytes ${OOF_FILE} describes` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
  const folds = Int32Array.from({ length: record.rows }, (_, i) => view.getInt32((n + i) * 4, true));
  if (!values.every(Number.isFinite) || !folds.every((f) => f >= 0 && f < record.folds))
    return { problem: `${record.file} holds values that are not finite or folds out of range` };
  return { record, values, folds };
}
