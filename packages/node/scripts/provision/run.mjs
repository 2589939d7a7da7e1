import { clearTimeout, setTimeout } from 'node:timers';
import process from 'node:process';
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Runs `command args` and collects its output. Never rejects for a non-zero exit: callers turn
 * the result into an error naming the step. `onLine` sees each output line as it arrives.
 * @returns {Promise<{ code: number | null, signal: string | null, output: string, error?: Error }>}
 */
export function runCommand(command, args, { cwd, env, onLine, timeoutMs } = {}) {
  return new Promise((resolve) => {
    let output = '';
    let pending = '';
    let child;
    try {
      child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: null, signal: null, output, error });
      return;
    }
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    const take = (chunk) => {
      const text = chunk.toString();
      output += text;
      if (!onLine) return;
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      resolve({ code: null, signal: null, output, error });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (onLine && pending) onLine(pending);
      resolve({ code, signal, output });
    });
  });
}

/** The absolute path of `name` on PATH (or `name` itself when it is a path that exists). */
export async function which(name, env = process.env) {
  if (!name) return undefined;
  if (isAbsolute(name) || name.includes('/')) return (await isExecutable(name)) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file) {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `file` exists (following symlinks). */
export async function exists(file) {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
