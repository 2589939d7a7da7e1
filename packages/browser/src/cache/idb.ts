import { KdError } from '@kd/core';

/** Resolves with a request's result, rejects with its error. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when a transaction commits. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Opens (and on first use creates) a database with one object store of out-of-line keys. */
export function openDatabase(name: string, store: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(
      new KdError(
        'KD_INVALID_ARGUMENT',
        'IndexedDB is not available here (private mode in some browsers, or not a browser). ' +
          'Pass a different cache to the runtime, e.g. new MemoryTeacherCache() from @kd/core.',
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains(store)) open.result.createObjectStore(store);
    };
    open.onsuccess = () => {
      const db = open.result;
      // Another tab upgrading or deleting the database must not wait on this connection.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    open.onerror = () => reject(open.error);
    open.onblocked = () =>
      reject(
        new KdError(
          'KD_INVALID_ARGUMENT',
          `The IndexedDB database "${name}" is blocked by a connection in another tab; close it and retry.`,
          { database: name },
        ),
      );
  });
}
