import { describePublicApi } from '@kd/test-utils/public-api';
import { describe, expect, it } from 'vitest';

// Every export of both entry points, in test/public-api.txt: a name added or dropped is a visible
// change to that file in review. After a deliberate change: npx vitest run -u test/public-api.test.ts
const ENTRIES = { '@kd/report': 'src/index.ts', '@kd/report/node': 'src/node.ts' };
const api = describePublicApi(ENTRIES, { tsconfig: 'tsconfig.json' });

describe('the public API of @kd/report', () => {
  it('is the committed list of names and kinds', async () => {
    await expect(api.report).toMatchFileSnapshot('./public-api.txt');
  });

  it('exists at run time exactly as the declarations say', async () => {
    const modules = {
      '@kd/report': await import('../src/index.js'),
      '@kd/report/node': await import('../src/node.js'),
    };
    for (const [entry, module] of Object.entries(modules)) {
      expect(Object.keys(module).sort(), entry).toEqual(api.values[entry]);
    }
  });
});
