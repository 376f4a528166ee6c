/**
 * Reading ahead: a server started with `readAhead` pulls its stores' service jobs and checks the
 * crews config's resources as soon as it listens. An optimize-today that arrives meanwhile waits
 * for it, so Amazon's pages are read once in full; the run itself asks only what changed since,
 * and plans the same jobs as a server that did not read ahead.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

const SANDBOX = { jobs: 80, technicians: 6, seed: 3 };

interface Answer {
  board: { kpis: { jobsInScope: number } };
}

/** getServiceJobs calls in the order made: a full pull asks `createdAfter`, a later one `lastUpdatedAfter`. */
function jobListings(w: ApiWorld): { full: boolean; first: boolean }[] {
  return w.world.sandbox.requestLog
    .filter((e) => e.operation === 'getServiceJobs')
    .map((e) => ({ full: e.path.includes('createdAfter'), first: !e.path.includes('pageToken') }));
}

async function optimizeAtEight(readAhead: boolean): Promise<{ w: ApiWorld; answer: Answer }> {
  const probe = await startApiWorld({ sandbox: SANDBOX });
  const zone = probe.world.config.stores[0]!.timeZone;
  const date = probe.world.date;
  await probe.close();
  const offset = DateTime.fromISO(`${date}T08:00`, { zone }).toMillis() - Date.now();
  const clock = (): Date => new Date(Date.now() + offset);
  const w = await startApiWorld({ sandbox: { ...SANDBOX, clock, date }, api: { clock, readAhead } });
  const r = await w.call('POST', '/v1/optimize-today', {
    token: 'planner',
    body: { storeId: w.world.config.stores[0]!.storeId, timeBudgetMs: 3000 },
  });
  expect(r.status, r.text).toBe(200);
  return { w, answer: r.body as Answer };
}

describe('a server that reads ahead', () => {
  it('reads the pages once in full before the first call plans, and the call pulls only what changed', async () => {
    const ahead = await optimizeAtEight(true);
    const plain = await optimizeAtEight(false);
    try {
      const calls = jobListings(ahead.w);
      const fullPulls = calls.filter((c) => c.full && c.first).length;
      expect(fullPulls).toBe(1);
      // The run's own pull came after the full one, and asked only for changes.
      const lastFull = calls.map((c) => c.full).lastIndexOf(true);
      const changes = calls.slice(lastFull + 1);
      expect(changes.length).toBeGreaterThan(0);
      expect(changes.every((c) => !c.full)).toBe(true);
      // Without reading ahead the call pulls in full itself: the same jobs either way.
      expect(jobListings(plain.w).filter((c) => c.full && c.first)).toHaveLength(1);
      expect(ahead.answer.board.kpis.jobsInScope).toBeGreaterThan(0);
      expect(ahead.answer.board.kpis.jobsInScope).toBe(plain.answer.board.kpis.jobsInScope);
    } finally {
      await ahead.w.close();
      await plain.w.close();
    }
  }, 120_000);
});
