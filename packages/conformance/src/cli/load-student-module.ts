import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StudentModule } from '../run/types.js';
import { UsageError } from './parse-args.js';

/** Imports the user's student module (a path relative to the working folder). */
export async function loadStudentModule(file: string, cwd = process.cwd()): Promise<StudentModule> {
  const url = pathToFileURL(resolve(cwd, file)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`Cannot import the student module ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const source =
    (typeof mod.createStudent === 'function' ? mod : (mod.default as Record<string, unknown> | undefined)) ?? mod;
  if (typeof source.createStudent !== 'function') {
    throw new UsageError(
      `${file} does not export createStudent(seed). Export a function that returns a tfjs-layers model or a kd Student.`,
    );
  }
  return source as unknown as StudentModule;
}
