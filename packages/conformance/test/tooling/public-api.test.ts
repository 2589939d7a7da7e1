import { describePublicApi } from '@kd/test-utils/public-api';
import { describe, expect, it } from 'vitest';

// Every export of @kd/conformance, in public-api.txt beside this file: a name added or dropped is
// a visible change to that file in review. After a deliberate change:
// npx vitest run --project tooling -u test/tooling/public-api.test.ts
const api = describePublicApi(
  { '@kd/conformance': 'src/index.ts', '@kd/conformance/vitest': 'src/vitest.ts' },
  { tsconfig: 'tsconfig.json' },
);

describe('the public API of @kd/conformance', () => {
  it('is the committed list of names and kinds', async () => {
    await expect(api.report).toMatchFileSnapshot('./public-api.txt');
  });

  it('exists at run time exactly as the declarations say', async () => {
    expect(Object.keys(await import('../../src/index.js')).sort()).toEqual(api.values['@kd/conformance']);
    expect(Object.keys(await import('../../src/vitest.js')).sort()).toEqual(api.values['@kd/conformance/vitest']);
  });
});
