// Run as a child process by file-model-store-crash.test.ts: saves two models to one key, turn
// about, forever, until the test kills it with SIGKILL. Prints "saved" after each save.
import { FileModelStore } from '../../src/io/file-model-store.js';
import { crashModelArtifacts } from './crash-models.js';

const [root, key] = process.argv.slice(2) as [string, string];
const store = new FileModelStore(root);
for (let i = 0; ; i++) {
  await store.saveHandler(key).save!(crashModelArtifacts(i % 2));
  process.stdout.write('saved\n');
}
