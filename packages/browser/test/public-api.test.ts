import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';

// Every export of both entry points, in test/public-api.txt: a name added or dropped is a visible
// change to that file in review. After a deliberate change: npx vitest run -u test/public-api.test.ts
describe('the public API of @kd/browser', () => {
  it('is the committed list of names and kinds, and exists at run time as declared', async () => {
    const api = await commands.publicApi();
    await expect(api.report).toMatchFileSnapshot('./public-api.txt');
    const modules = {
      '@kd/browser': await import('../src/index.js'),
      '@kd/browser/worker': await import('../src/worker.js'),
    };
    for (const [entry, module] of Object.entries(modules)) {
      expect(Object.keys(module).sort(), entry).toEqual(api.values[entry]);
    }
  });
});
