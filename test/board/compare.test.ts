import { describe, expect, it } from 'vitest';
import { ApiError, BoardApi, periodDays, readPlanList } from '../../api/board/src/api-client.ts';
import { compareBoards, describeDiffEntry, withKeptVisits } from '../../api/board/src/compare.ts';
import { boardFixture } from './fixture.ts';

describe('comparing two plans', () => {
  it('finds reassigned, rescheduled, added and dropped jobs and the KPI changes', () => {
    const a = boardFixture();
    const b = boardFixture();
    b.planId = 'PLAN-B';
    const [r1, r2] = b.routes as [(typeof b.routes)[0], (typeof b.routes)[0]];
    // JOB-2 moves to TECH-2, JOB-1 starts later, JOB-3 is dropped, JOB-5 is added.
    const job2 = r1.stops.splice(1, 1)[0]!;
    r2.stops.push({ ...job2, seq: 2 });
    r1.stops[0] = { ...r1.stops[0]!, start: '2026-11-24T17:15:00Z' };
    r1.stops.pop();
    r2.stops.push({ ...job2, serviceJobId: 'JOB-5', seq: 3 });
    b.kpis = { ...a.kpis!, travelHours: 2, jobsPlanned: 4 };

    const c = compareBoards(a, b);
    const kinds = Object.fromEntries(c.changes.map((x) => [x.serviceJobId, x.kind]));
    expect(kinds).toEqual({
      'JOB-1': 'rescheduled',
      'JOB-2': 'reassigned',
      'JOB-3': 'dropped',
      'JOB-5': 'added',
    });
    expect(c.unchanged).toBe(1); // JOB-4
    const travel = c.kpis.find((k) => k.key === 'travelHours')!;
    expect(travel).toMatchObject({ a: 1.5, b: 2, delta: 0.5, higherIsBetter: false });
    expect(c.kpis.find((k) => k.key === 'jobsPlanned')!.delta).toBe(0);
  });

  it('keeps the finished and under-way visits of a technician gone sick, rather than dropping them', () => {
    // The board is at 18:45 (fixture): TECH-1 finished JOB-1 (17:00–18:00), is on JOB-2
    // (18:30–19:30) and has JOB-3 at 20:00 to come. Optimize-today with TECH-1 out re-plans only
    // JOB-3, which no one else can take: it is left out with its reason.
    const a = boardFixture();
    const b = boardFixture();
    b.planId = 'PLAN-B';
    b.routes = b.routes.filter((r) => !r.technicianIds.includes('TECH-1'));
    b.unassigned.push({
      serviceJobId: 'JOB-3',
      code: 'NO_WINDOW_FITS',
      reason: 'technician TECH-1 is unavailable today; no other technician can take it',
      skills: ['TV_MOUNTING'],
    });
    const c = compareBoards(a, b);
    expect(c.kept.map((k) => [k.serviceJobId, k.state])).toEqual([
      ['JOB-1', 'done'],
      ['JOB-2', 'under way'],
    ]);
    expect(c.changes.map((x) => [x.serviceJobId, x.kind])).toEqual([['JOB-3', 'dropped']]);
    expect(c.unchanged).toBe(1); // JOB-4
    // The kept visits count as planned on the proposal's side: only JOB-3 is lost.
    const jobs = c.kpis.find((k) => k.key === 'jobsPlanned')!;
    expect(jobs.b).toBe(b.kpis!.jobsPlanned + 2);

    // A visit not yet started that the new plan simply lacks is still dropped.
    b.unassigned.pop();
    expect(compareBoards(a, b).changes.map((x) => [x.serviceJobId, x.kind])).toEqual([['JOB-3', 'dropped']]);
    // So is one the new plan leaves out with a reason, even if it had started.
    b.unassigned.push({
      serviceJobId: 'JOB-2',
      code: 'PIN_UNSATISFIABLE',
      reason: 'cannot keep',
      skills: [],
    });
    expect(compareBoards(a, b).changes.map((x) => x.serviceJobId)).toEqual(['JOB-2', 'JOB-3']);
  });

  it("puts the kept visits back on the sick technician's row of the proposal, marked", () => {
    const a = boardFixture();
    const b = boardFixture();
    b.planId = 'PLAN-B';
    b.routes = b.routes.filter((r) => !r.technicianIds.includes('TECH-1'));
    const shown = withKeptVisits(a, b);
    const r1 = shown.routes.find((r) => r.technicianIds.includes('TECH-1'))!;
    expect(r1.stops.map((st) => [st.seq, st.serviceJobId, st.kept])).toEqual([
      [1, 'JOB-1', 'done'],
      [2, 'JOB-2', 'under way'],
    ]);
    expect(r1.blocks.filter((x) => x.kind === 'service').map((x) => x.serviceJobId)).toEqual([
      'JOB-1',
      'JOB-2',
    ]);
    expect(r1.blocks.filter((x) => x.kind === 'travel')).toHaveLength(2);
    // The proposal itself is left as it was; a plan with nothing kept comes back unchanged.
    expect(b.routes.some((r) => r.technicianIds.includes('TECH-1'))).toBe(false);
    expect(withKeptVisits(a, a)).toBe(a);
  });

  it('a plan compared with itself has no changes', () => {
    const c = compareBoards(boardFixture(), boardFixture());
    expect(c.changes).toEqual([]);
    expect(c.unchanged).toBe(4);
    expect(c.kept).toEqual([]);
    expect(c.kpis.every((k) => k.delta === 0)).toBe(true);
  });
});

describe('optimize-today diff lines', () => {
  it('shows the job id then every other field, times in the store zone', () => {
    const line = describeDiffEntry(
      {
        serviceJobId: 'JOB-9',
        from: { start: '2026-11-24T17:00:00Z', end: '2026-11-24T18:00:00Z' },
        toTechnicianIds: ['TECH-1', 'TECH-2'],
        minutesMoved: 30,
      },
      'America/Los_Angeles',
    );
    expect(line).toBe('JOB-9 — from: 09:00–10:00; toTechnicianIds: TECH-1, TECH-2; minutesMoved: 30');
    expect(describeDiffEntry({ serviceJobId: 'JOB-1' }, 'UTC')).toBe('JOB-1');
  });

  it('names technicians by name where their ids are known', () => {
    const names = new Map([['TECH-1', 'Ana Ruiz']]);
    expect(describeDiffEntry({ serviceJobId: 'JOB-9', from: ['TECH-1'], to: ['TECH-2'] }, 'UTC', names)).toBe(
      'JOB-9 — from: Ana Ruiz; to: TECH-2',
    );
  });
});

describe('API client', () => {
  const answer = (status: number, body: unknown) => async () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('sends the bearer token and the query, and reads the board', async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const api = new BoardApi(' tok-1 ', {
      fetch: async (url, init) => {
        seen.push({ url, init });
        return new Response(JSON.stringify(boardFixture()), { status: 200 });
      },
    });
    const view = await api.board({ storeId: 'STORE 1', date: '2026-11-24', planId: 'P/1' });
    expect(view.planId).toBe('PLAN-A');
    expect(seen[0]!.url).toBe('/v1/board?storeId=STORE+1&date=2026-11-24&planId=P%2F1');
    expect((seen[0]!.init!.headers as Record<string, string>).authorization).toBe('Bearer tok-1');
    expect(seen[0]!.init!.credentials).toBe('omit');
  });

  it('turns error answers into messages that name the wrong fields', async () => {
    const api = new BoardApi('t', {
      fetch: answer(400, {
        error: {
          code: 'BAD_REQUEST',
          message: 'invalid query',
          issues: [{ path: ['date'], message: 'expected YYYY-MM-DD' }],
        },
      }),
    });
    const err = await api.board({ storeId: 'S', date: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('BAD_REQUEST');
    expect((err as ApiError).message).toBe('invalid query (date: expected YYYY-MM-DD)');
    const refused = await new BoardApi('t', {
      fetch: answer(401, { error: { code: 'UNAUTHORIZED', message: 'bad token' } }),
    })
      .plans()
      .catch((e: unknown) => e);
    expect((refused as ApiError).message).toBe('Sign-in refused: bad token');
    const down = await new BoardApi('t', {
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    })
      .plans()
      .catch((e: unknown) => e);
    expect((down as ApiError).code).toBe('NETWORK');
  });

  it('reads plan history as an array or wrapped, skipping entries without an id', () => {
    const entry = { planId: 'P1', storeIds: ['S1'], days: ['2026-11-24'], status: 'applied', extra: 1 };
    expect(readPlanList([entry, { nope: 1 }])).toEqual([
      { planId: 'P1', storeIds: ['S1'], days: ['2026-11-24'], status: 'applied' },
    ]);
    expect(readPlanList({ plans: [{ id: 'P2' }] })).toEqual([
      { planId: 'P2', storeIds: [], days: [], status: '' },
    ]);
    expect(readPlanList({ items: [entry] })[0]!.planId).toBe('P1');
    expect(readPlanList(null)).toEqual([]);
  });

  it('reads the API history shape, taking the days from the plan period', () => {
    const list = readPlanList({
      plans: [
        {
          planId: 'a1',
          kind: 'nightly',
          periodStart: '2026-11-24',
          periodEnd: '2026-11-25',
          storeIds: ['S1'],
          status: 'succeeded',
          createdAt: '2026-11-23T02:00:00Z',
        },
      ],
    });
    expect(list).toEqual([
      {
        planId: 'a1',
        kind: 'nightly',
        storeIds: ['S1'],
        days: ['2026-11-24', '2026-11-25'],
        status: 'succeeded',
        createdAt: '2026-11-23T02:00:00Z',
      },
    ]);
    expect(periodDays('2026-11-24T08:00:00Z', undefined)).toEqual(['2026-11-24']);
    expect(periodDays('2026-01-01', '2027-01-01')).toHaveLength(31);
    expect(periodDays('soon', '2026-11-24')).toEqual([]);
  });
});
