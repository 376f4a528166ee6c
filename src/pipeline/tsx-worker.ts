/**
 * Worker threads that run TypeScript sources register tsx themselves (`--import` in a worker's
 * execArgv is not honoured on every Node 20). An eval'd worker resolves bare names from the
 * current directory, so tsx is resolved here, from this package, and passed as a file URL:
 * the command then works from any directory (cron, systemd units).
 */
export const TSX_ESM_API_URL: string = import.meta.resolve('tsx/esm/api');

/** Source of an eval'd worker that registers tsx and then imports `moduleUrl`. */
export function tsxWorkerSource(moduleUrl: string): string {
  return (
    `import(${JSON.stringify(TSX_ESM_API_URL)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(moduleUrl)}); });`
  );
}
