import { describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  isKdError,
  MemoryModelStore,
  MemoryTeacherCache,
  optionRules,
  RUNTIME_OPTION_RULES,
  validateRuntimeOptions,
  type KdError,
} from '../../src/index.js';

function thrown(f: () => unknown): KdError {
  try {
    f();
  } catch (e) {
    if (isKdError(e)) return e;
    throw e;
  }
  throw new Error('expected a KdError');
}

describe('validateRuntimeOptions', () => {
  const rules = { ...RUNTIME_OPTION_RULES, threads: optionRules.wholeNumber(1, 8), simd: optionRules.boolean };

  it('passes good options and undefined values through, and treats no options as {}', () => {
    const cache = new MemoryTeacherCache();
    expect(validateRuntimeOptions('r', { threads: 8, simd: undefined, cache }, rules)).toEqual({
      threads: 8,
      simd: undefined,
      cache,
    });
    expect(validateRuntimeOptions('r', undefined, rules)).toEqual({});
  });

  it.each([
    [{ threads: 0 }, /r\(\{ threads \}\) must be a whole number from 1 to 8; got 0/],
    [{ threads: 9 }, /from 1 to 8; got 9/],
    [{ threads: 1.5 }, /got 1\.5/],
    [{ threads: '2' }, /got "2"/],
    [{ simd: 1 }, /simd \}\) must be true or false/],
    [{ models: { save: () => 0 } }, /ModelStore/],
    [{ cache: new MemoryModelStore() }, /TeacherCache/],
    [{ thread: 2 }, /has no option "thread". Its options are: models, cache, threads, simd/],
  ])('%j → KD_INVALID_ARGUMENT %s', (options, message) => {
    const e = thrown(() => validateRuntimeOptions('r', options as Record<string, unknown>, rules as never));
    expect(e.code).toBe('KD_INVALID_ARGUMENT');
    expect(e.message).toMatch(message);
  });

  it('refuses options that are not an object', () => {
    for (const bad of [null, 3, 'x', []]) {
      expect(
        thrown(() => validateRuntimeOptions('r', bad as unknown as Record<string, unknown>, rules as never)).message,
      ).toMatch(/options object/);
    }
  });
});

describe('cpuRuntime options', () => {
  it('uses the model store and teacher cache it is given', () => {
    const models = new MemoryModelStore();
    const cache = new MemoryTeacherCache();
    const runtime = cpuRuntime({ models, cache });
    expect(runtime.models).toBe(models);
    expect(runtime.cache).toBe(cache);
  });

  it('checks them like every runtime factory does', () => {
    expect(thrown(() => cpuRuntime({ cache: {} as never })).message).toMatch(/cpuRuntime\(\{ cache \}\)/);
    expect(thrown(() => cpuRuntime({ threads: 2 } as never)).message).toMatch(/cpuRuntime\(\) has no option "threads"/);
  });
});
