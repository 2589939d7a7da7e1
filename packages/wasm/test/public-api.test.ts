import { describePublicApi } from '@kd/test-utils/public-api';
import { describe, expect, it } from 'vitest';

// Every export of @kd/wasm, in test/public-api.txt: a name added or dropped is a visible change
// to that file in review. After a deliberate change: npx vitest run -u test/public-api.test.ts
const api = describePublicApi({ '@kd/wasm': 'src/index.ts' }, { tsconfig: 'tsconfig.json' });

describe('the public API of @kd/wasm', () => {
  it('is the committed list of names and kinds', async () => {
    await expect(api.report).toMatchFileSnapshot('./public-api.txt');
  });

  it('exists at run time exactly as the declarations say', async () => {
    expect(Object.keys(await import('../src/index.js')).sort()).toEqual(api.values['@kd/wasm']);
  });
});
