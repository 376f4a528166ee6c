/**
 * Who holds a planning lock. A holder is named `<actor>:<pid>@<host>`; on this host, whether
 * its process still runs can be asked of the kernel. On another host it cannot: there the
 * lock's expiry (or the queue's stalled-job detection) is the only sign that it is gone.
 */
import { hostname } from 'node:os';

export type HolderState = 'alive' | 'gone' | 'elsewhere';

export function lockHolderName(actor: string): string {
  return `${actor}:${process.pid}@${hostname()}`;
}

export function holderState(holder: string): HolderState {
  const match = /^[^:]*:(\d+)@(.*)$/.exec(holder);
  if (match === null || match[2] !== hostname()) return 'elsewhere';
  return processAlive(Number(match[1])) ? 'alive' : 'gone';
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
