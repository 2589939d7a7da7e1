import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isKdError } from '@kd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../scripts/provision/cli.mjs';
import { extractZipEntries, listZip } from '../scripts/provision/zip.mjs';
import { checkTfjsNode, provisionTfjsNode } from '../src/index.js';

const projectDir = fileURLToPath(new URL('../../..', import.meta.url));
const tfjsNodeDir = join(projectDir, 'node_modules', '@tensorflow', 'tfjs-node');
const quietStream = { write: () => true } as unknown as NodeJS.WritableStream;

/** Writes a zip with Python's zipfile: an implementation independent of the reader under test. */
function pythonZip(file: string, entries: Record<string, string>, method: 'deflated' | 'stored'): void {
  const script = `import sys, zipfile, json
entries = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_${method.toUpperCase()}) as z:
    for name, src in entries.items():
        z.write(src, name)`;
  execFileSync('python3', ['-c', script, file, JSON.stringify(entries)]);
}

describe('offline provisioning of tfjs-node', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kd-provision-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('finds tfjs-node working in a child process, with the right numbers', async () => {
    const result = await checkTfjsNode(tfjsNodeDir, { full: true });
    expect(result.ok).toBe(true);
    expect(result.backend).toBe('tensorflow');
    expect(result.matMul).toEqual([19, 22, 43, 50]);
    expect(result.gradient).toEqual([3, 12, 27]);
    expect(result.fit?.last).toBeLessThan(0.5 * (result.fit?.first ?? 0));
    expect(await runCli(['check', '--project', projectDir])).toBe(0);
  });

  it('does nothing when tfjs-node already works', async () => {
    // A source that does not exist: if tfjs-node did not work, this would fail instead of rebuilding.
    const result = await provisionTfjsNode({ projectDir, libtensorflow: join(scratch, 'absent'), stream: quietStream });
    expect(result.status).toBe('already-working');
    expect(result.tfVersion).toMatch(/^2\.\d+\.\d+/);
  });

  it('fails with KD_PROVISION_FAILED naming a missing source, before touching deps/', async () => {
    const marker = await readFile(join(tfjsNodeDir, 'deps', 'kd-provision.json'), 'utf8').catch(() => 'none');
    const error = await provisionTfjsNode({
      projectDir,
      force: true,
      libtensorflow: join(scratch, 'nope.tar.gz'),
      stream: quietStream,
    }).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_PROVISION_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/nope\.tar\.gz does not exist/);
    expect(await readFile(join(tfjsNodeDir, 'deps', 'kd-provision.json'), 'utf8').catch(() => 'none')).toBe(marker);
  });

  it('rejects a wheel without the C library and leaves the working install as it was', async () => {
    const header = join(scratch, 'c_api.h');
    await writeFile(header, '/* not a library */\n');
    const wheel = join(scratch, 'tensorflow_cpu-2.11.0-cp311-none-any.whl');
    pythonZip(wheel, { 'tensorflow/include/tensorflow/c/c_api.h': header }, 'deflated');
    const error = await provisionTfjsNode({ projectDir, force: true, libtensorflow: wheel, stream: quietStream }).catch(
      (e: unknown) => e,
    );
    expect(isKdError(error, 'KD_PROVISION_FAILED')).toBe(true);
    expect((error as Error).message).toContain('libtensorflow_cc.so.2');
    expect((error as Error).message).toContain('2.14');
    expect((await readdir(tfjsNodeDir)).filter((n) => n.startsWith('deps.kd-'))).toEqual([]);
    expect((await checkTfjsNode(tfjsNodeDir)).ok).toBe(true);
  });

  it('reads zips written by Python, deflated or stored, and catches a damaged entry by its CRC', async () => {
    const big = join(scratch, 'big.bin');
    const small = join(scratch, 'small.txt');
    const bigBytes = Buffer.concat([randomBytes(300_000), Buffer.alloc(700_000, 7)]);
    await writeFile(big, bigBytes);
    await writeFile(small, 'hello wheel\n');
    for (const method of ['deflated', 'stored'] as const) {
      const zip = join(scratch, `${method}.zip`);
      pythonZip(zip, { 'a/big.bin': big, 'b/small.txt': small }, method);
      const entries = await listZip(zip);
      expect(entries.map((e) => [e.name, e.size])).toEqual([
        ['a/big.bin', bigBytes.length],
        ['b/small.txt', 12],
      ]);
      const out = join(scratch, `out-${method}`);
      let bytes = 0;
      await extractZipEntries(
        zip,
        entries,
        (name) => join(out, name),
        (n) => (bytes += n),
      );
      expect(bytes).toBe(bigBytes.length + 12);
      expect((await readFile(join(out, 'a/big.bin'))).equals(bigBytes)).toBe(true);
      expect(await readFile(join(out, 'b/small.txt'), 'utf8')).toBe('hello wheel\n');
    }
    const damaged = await readFile(join(scratch, 'stored.zip'));
    damaged[1000] = (damaged[1000] as number) ^ 0xff; // inside the stored data of a/big.bin
    await writeFile(join(scratch, 'damaged.zip'), damaged);
    const entries = await listZip(join(scratch, 'damaged.zip'));
    const error = await extractZipEntries(join(scratch, 'damaged.zip'), entries, (name) =>
      join(scratch, 'out-damaged', name),
    ).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_PROVISION_FAILED')).toBe(true);
    expect((error as Error).message).toContain('CRC-32');
  });
});
