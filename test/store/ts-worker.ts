import { Worker } from 'node:worker_threads';

/** A worker thread running a TypeScript module, loaded through tsx as bin/fieldplan.js does. */
export function tsWorker(module: URL, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Resolves with every message once the worker exits cleanly. */
export function collect<T>(worker: Worker): Promise<T[]> {
  const messages: T[] = [];
  return new Promise((resolve, reject) => {
    worker.on('message', (m: T) => messages.push(m));
    worker.on('error', reject);
    worker.on('exit', (code) =>
      code === 0 ? resolve(messages) : reject(new Error(`worker exited with ${code}`)),
    );
  });
}
