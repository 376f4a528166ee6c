/**
 * Board views are built once per plan, store, day and scope: the cache shares a build,
 * keeps scopes apart, forgets failed builds, the least recently used and old entries; over
 * HTTP a board read again is the same but for `now`, a viewer never gets the planner's
 * buyer data from the cache, and a new plan is drawn as soon as it is stored.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardCache, type BoardKey } from '../../api/board-cache.ts';
import type { BoardView } from '../../api/board-view.ts';
import { startApiWorld, waitForPlan, type ApiWorld } from './support/api-world.ts';

const key = (over: Partial<BoardKey> = {}): BoardKey => ({
  planId: 'p1',
  storeId: 's1',
  date: '2026-11-24',
  withPersonal: false,
  withIssues: false,
  stamp: 'succeeded|2026-11-23T01:00:00.000Z',
  ...over,
});

// The caller's now only stamps the view; a fixed one keeps the test off the calendar.
const AT = new Date('2026-11-23T10:00:00Z');

const view = (planId: string, extra: Partial<BoardView> = {}): BoardView =>
  ({ planId, now: 'built', routes: [], unassigned: [], ...extra }) as unknown as BoardView;

describe('BoardCache', () => {
  it('builds a view once, shares a build under way, and sets each caller’s now', async () => {
    const cache = new BoardCache();
    let builds = 0;
    const build = async (): Promise<BoardView> => {
      builds += 1;
      await new Promise((r) => setTimeout(r, 5));
      return view('p1');
    };
    const [a, b] = await Promise.all([
      cache.view(key(), new Date('2026-11-23T08:00:00Z'), build),
      cache.view(key(), new Date('2026-11-23T08:00:01Z'), build),
    ]);
    expect(builds).toBe(1);
    expect(a.now).toBe('2026-11-23T08:00:00.000Z');
    expect(b.now).toBe('2026-11-23T08:00:01.000Z');
    const json = JSON.parse(await cache.json(key(), new Date('2026-11-23T09:00:00Z'), build)) as BoardView;
    expect(builds).toBe(1);
    expect(json).toEqual({ ...view('p1'), now: '2026-11-23T09:00:00.000Z' });
  });

  it('keeps scopes, days, stamps and the presence of issues apart', async () => {
    const cache = new BoardCache();
    let builds = 0;
    const build = async (): Promise<BoardView> => view(`p${++builds}`);
    for (const k of [
      key(),
      key({ withPersonal: true }),
      key({ date: '2026-11-25' }),
      key({ stamp: 'failed|x' }),
      key({ withIssues: true }),
      key({ storeId: 's2' }),
    ])
      await cache.view(k, AT, build);
    expect(builds).toBe(6);
    expect(cache.size).toBe(6);
  });

  it('does not keep a failed build, drops the least recently used and old entries', async () => {
    let t = 0;
    const cache = new BoardCache(2, 1_000, () => t);
    await expect(cache.view(key(), AT, () => Promise.reject(new Error('no plan')))).rejects.toThrow(
      'no plan',
    );
    expect(cache.size).toBe(0);
    let builds = 0;
    const build = async (): Promise<BoardView> => view(`p${++builds}`);
    await cache.view(key({ planId: 'a' }), AT, build);
    await cache.view(key({ planId: 'b' }), AT, build);
    await cache.view(key({ planId: 'a' }), AT, build); // a is now the most recent
    await cache.view(key({ planId: 'c' }), AT, build); // b goes
    expect(builds).toBe(3);
    await cache.view(key({ planId: 'a' }), AT, build);
    expect(builds).toBe(3);
    await cache.view(key({ planId: 'b' }), AT, build);
    expect(builds).toBe(4);
    t = 2_000;
    await cache.view(key({ planId: 'b' }), AT, build);
    expect(builds).toBe(5);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe('GET /v1/board from the cache', () => {
  let w: ApiWorld;
  let storeId: string;
  beforeAll(async () => {
    w = await startApiWorld();
    storeId = w.world.config.stores[0]!.storeId;
  });
  afterAll(async () => {
    await w?.close();
  });

  const plan = async (seed: number): Promise<string> => {
    const started = await w.call('POST', '/v1/plans', {
      token: 'planner',
      body: { from: w.world.date, solverSeconds: 1, seed },
    });
    expect(started.status, started.text).toBe(202);
    const id = (started.body as { planId: string }).planId;
    await waitForPlan(w, id);
    return id;
  };
  type Board = { planId: string; now: string; routes: { stops: { buyer?: unknown }[] }[] };
  const board = async (token: 'viewer' | 'planner', planId?: string): Promise<Board> => {
    const r = await w.call(
      'GET',
      `/v1/board?storeId=${storeId}&date=${w.world.date}${planId !== undefined ? `&planId=${planId}` : ''}`,
      { token },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    return r.body as Board;
  };
  const stops = (b: Board) => b.routes.flatMap((r) => r.stops);

  it('serves the same board again, buyer data only to a planner, and a new plan at once', async () => {
    const first = await plan(1);
    const a = await board('viewer');
    expect(a.planId).toBe(first);
    expect(stops(a).length).toBeGreaterThan(0);
    const again = await board('viewer');
    expect({ ...again, now: '' }).toEqual({ ...a, now: '' });
    expect(stops(a).every((s) => s.buyer === undefined)).toBe(true);

    const planner = await board('planner');
    expect(stops(planner).every((s) => s.buyer !== undefined)).toBe(true);
    // The planner's build is not what a viewer gets next.
    expect(stops(await board('viewer')).every((s) => s.buyer === undefined)).toBe(true);

    const second = await plan(2);
    expect((await board('viewer')).planId).toBe(second);
    expect((await board('viewer', first)).planId).toBe(first);
  });
});

describe('the plan the board opens by default', () => {
  let w: ApiWorld;
  afterAll(async () => {
    await w?.close();
  });

  it('is not an optimize-today preview nobody applied, and is the optimize-today plan once applied', async () => {
    let offset = 0;
    const clock = (): Date => new Date(Date.now() + offset);
    const probe = await startApiWorld({ sandbox: { jobs: 40, technicians: 4, seed: 11 } });
    const zone = probe.world.config.stores[0]!.timeZone;
    const date = probe.world.date;
    await probe.close();
    offset = DateTime.fromISO(`${date}T07:00`, { zone }).toMillis() - Date.now();
    w = await startApiWorld({ sandbox: { jobs: 40, technicians: 4, seed: 11, clock, date }, api: { clock } });
    const storeId = w.world.config.stores[0]!.storeId;
    const opened = async (): Promise<string> => {
      const r = await w.call('GET', `/v1/board?storeId=${storeId}&date=${date}`, { token: 'viewer' });
      expect(r.status, r.text).toBe(200);
      return (r.body as { planId: string }).planId;
    };
    const started = await w.call('POST', '/v1/plans', {
      token: 'planner',
      body: { from: date, apply: true, solverSeconds: 1, seed: 1 },
    });
    expect(started.status, started.text).toBe(202);
    const nightly = (started.body as { planId: string }).planId;
    await waitForPlan(w, nightly);
    expect(await opened()).toBe(nightly);

    const optimize = (apply: boolean) =>
      w.call('POST', '/v1/optimize-today', {
        token: 'planner',
        body: { storeId, timeBudgetMs: 1000, apply },
      });
    const preview = await optimize(false);
    expect(preview.status, preview.text).toBe(200);
    expect((preview.body as { planId: string }).planId).not.toBe(nightly);
    expect(await opened()).toBe(nightly);

    const applied = await optimize(true);
    expect(applied.status, applied.text).toBe(200);
    expect(await opened()).toBe((applied.body as { planId: string }).planId);
  }, 120_000);
});
