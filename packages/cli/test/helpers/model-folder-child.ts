// Run as a child process by model-folder-crash.test.ts. Writes crash students to one model folder:
//   loop            student 0, 1, 0, ... forever, printing "saved" after each, until killed;
//   count           student 0, then student 1, printing how many file-system steps the second took;
//   kill:S:N        student 0 then student 1, killing itself with SIGKILL just before the Nth step
//                   of save S (0: the folder is new, 1: it replaces student 0); "done" if it got through.
// A step is a call that changes the folder: open, mkdir, rename, rm, unlink.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { readFileSync } from 'node:fs';
import { writeModelFolder } from '../../src/run/run-folder.js';
import { crashStudent } from './crash-students.js';

const [target, topologyFile, mode] = process.argv.slice(2) as [string, string, string];
const topology = JSON.parse(readFileSync(topologyFile, 'utf8')) as Parameters<typeof crashStudent>[1];

let steps = 0;
let killAt = Infinity;
let counting = false;
const fsp = createRequire(import.meta.url)('node:fs/promises') as Record<string, unknown>;
for (const name of ['open', 'mkdir', 'rename', 'rm', 'unlink']) {
  const original = fsp[name] as (...args: unknown[]) => unknown;
  fsp[name] = (...args: unknown[]) => {
    if (counting && ++steps === killAt) process.kill(process.pid, 'SIGKILL');
    return original(...args);
  };
}
// Makes `import { rename } from 'node:fs/promises'` everywhere (kd and @kd/node) see the wrappers.
syncBuiltinESMExports();

if (mode === 'loop') {
  for (let i = 0; ; i++) {
    await writeModelFolder(target, crashStudent(i % 2, topology));
    process.stdout.write('saved\n');
  }
} else if (mode === 'count') {
  await writeModelFolder(target, crashStudent(0, topology));
  counting = true;
  await writeModelFolder(target, crashStudent(1, topology));
  process.stdout.write(`${steps}\n`);
} else {
  const [, save, n] = mode.split(':').map(Number) as [number, number, number];
  killAt = n;
  counting = save === 0;
  await writeModelFolder(target, crashStudent(0, topology));
  counting = save === 1;
  steps = 0;
  await writeModelFolder(target, crashStudent(1, topology));
  process.stdout.write('done\n');
}
