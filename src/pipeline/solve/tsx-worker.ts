/**
 * Worker threads run the same kind of module as their parent: compiled JavaScript (dist/) as
 * it is, TypeScript sources (development, tests) through tsx, which such a worker registers
 * itself (`--import` in a worker's execArgv is not honoured on every Node 20). An eval'd worker
 * resolves bare names from the current directory, so tsx is resolved here, from this package,
 * and passed as a file URL: the command then works from any directory (cron, systemd units).
 */
import type { Worker } from 'node:worker_threads';

/** The tsx loader's URL (resolved only when a TypeScript worker is started). */
function tsxEsmApiUrl(): string {
  return import.meta.resolve('tsx/esm/api');
}

/** Source of an eval'd worker that imports `moduleUrl`, registering tsx first unless it is JavaScript. */
export function tsxWorkerSource(moduleUrl: string): string {
  if (/\.[cm]?js$/.test(moduleUrl)) return `import(${JSON.stringify(moduleUrl)});`;
  return (
    `import(${JSON.stringify(tsxEsmApiUrl())})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(moduleUrl)}); });`
  );
}

/**
 * The answer of a worker that posts `{ type: 'progress', progress }` messages, then one
 * `{ type: 'done', [answer]: … }` or `{ type: 'error', message }`; the worker is stopped once it
 * has answered. A worker that fails or exits first rejects, naming `what`.
 */
export function workerAnswer<P, R>(
  worker: Worker,
  o: {
    what: string;
    answer: string;
    failed: (message: string | undefined) => string;
    onProgress?: ((p: P) => void) | undefined;
  },
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    worker.on(
      'message',
      (msg: { type: string; progress?: P; message?: string } & Record<string, unknown>) => {
        const answer = msg[o.answer] as R | undefined;
        if (msg.type === 'progress' && msg.progress) o.onProgress?.(msg.progress);
        else if (msg.type === 'done' && answer) {
          settled = true;
          resolve(answer);
          void worker.terminate();
        } else if (msg.type === 'error') {
          settled = true;
          reject(new Error(o.failed(msg.message)));
          void worker.terminate();
        }
      },
    );
    worker.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`${o.what} worker stopped with exit code ${code}`));
      settled = true;
    });
  });
}

/**
 * URL of a module next to `baseUrl` (a caller's `import.meta.url`), with the caller's own
 * extension: `worker.js` beside compiled code, `worker.ts` beside the sources.
 */
export function siblingModuleUrl(name: string, baseUrl: string): string {
  const ext = baseUrl.endsWith('.js') ? '.js' : '.ts';
  return new URL(`./${name}${ext}`, baseUrl).href;
}
