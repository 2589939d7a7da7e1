import { describePublicApi } from '@kd/test-utils/public-api';
import { describe, expect, it } from 'vitest';

// Every export of every entry point, in test/public-api.txt: a name added or dropped is a visible
// change to that file in review. After a deliberate change: npx vitest run -u test/public-api.test.ts
const ENTRIES = { '@kd/core': 'src/index.ts', '@kd/core/cpu': 'src/cpu.ts', '@kd/core/internal': 'src/internal.ts' };
const api = describePublicApi(ENTRIES, { tsconfig: 'tsconfig.json' });

describe('the public API of @kd/core', () => {
  it('is the committed list of names and kinds', async () => {
    await expect(api.report).toMatchFileSnapshot('./public-api.txt');
  });

  it('exists at run time exactly as the declarations say', async () => {
    const modules = {
      '@kd/core': await import('../src/index.js'),
      '@kd/core/cpu': await import('../src/cpu.js'),
      '@kd/core/internal': await import('../src/internal.js'),
    };
    for (const [entry, module] of Object.entries(modules)) {
      expect(Object.keys(module).sort(), entry).toEqual(api.values[entry]);
    }
  });
});
