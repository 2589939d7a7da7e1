import type { KdRuntime } from '@kd/core';
import type { IndexedDbTeacherCache } from '@kd/browser';

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Changes one stored value of `key`'s IndexedDB record behind the cache's back, as a buggy writer would. */
export async function corruptIndexedDbEntry(runtime: KdRuntime, key: string): Promise<void> {
  const cache = runtime.cache as IndexedDbTeacherCache;
  const db = await done(indexedDB.open(cache.databaseName));
  try {
    const store = db.transaction('outputs', 'readwrite').objectStore('outputs');
    const record = (await done(store.get(key))) as { values: Float32Array };
    record.values[0] = (record.values[0] as number) + 1;
    await done(store.put(record, key));
  } finally {
    db.close();
  }
}
