// @vitest-environment happy-dom
/** The what-if scenario against its base on the board: the KPI table, the two sampled plans, the form. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp } from '../../api/board/src/app.ts';
import type { BoardView, Distribution, WhatIfResult, WhatIfRun } from '../../api/board/src/types.ts';
import { alignScenario, whatIfRows, whatIfRunId } from '../../api/board/src/whatif.ts';
import { renderWhatIfRun } from '../../api/board/src/whatif-view.ts';
import { boardFixture } from './fixture.ts';

const RUN_ID = '3f0c1b9e-1d2a-4c5b-8e7f-0a1b2c3d4e5f';

const dist = (median: number, spread = 0): Distribution => ({
  mean: median,
  min: median - spread,
  p10: median - spread,
  median,
  p90: median + spread,
  max: median + spread,
});

function sampled(label: string, view: BoardView): BoardView {
  return { ...view, planId: label, status: 'simulated', now: '2026-11-24T08:00:00Z' };
}

function result(): WhatIfResult {
  const base = sampled('base, sample 2', boardFixture());
  // The scenario: TECH-3 removed, one technician added like TECH-2, who takes JOB-5.
  const scenario = sampled('scenario, sample 2', boardFixture());
  scenario.technicians = [
    scenario.technicians[1]!,
    scenario.technicians[0]!,
    { ...scenario.technicians[1]!, resourceId: 'WHATIF-001', name: 'Added technician' },
  ];
  scenario.routes.push({
    ...scenario.routes[1]!,
    routeId: 'R-3',
    technicianIds: ['WHATIF-001'],
    stops: [{ ...scenario.routes[1]!.stops[0]!, serviceJobId: 'JOB-5' }],
    blocks: [],
  });
  scenario.unassigned = scenario.unassigned.filter((u) => u.serviceJobId !== 'JOB-5');
  scenario.kpis = { ...scenario.kpis!, jobsPlanned: 5 };
  return {
    samples: 3,
    seed: 1,
    iterations: 100,
    targetServedPct: 95,
    capacitySkill: 'TV_MOUNTING',
    base: {
      summary: {
        servedPct: dist(66.67, 5),
        travelHours: dist(1.5),
        utilisationPct: dist(35.2),
        overtimeHours: dist(0),
        unservedByReason: { NO_SKILLED_TECHNICIAN: dist(1) },
        capacityPerSlot: { '08:00-12:00': dist(2) },
        staffingTechnicians: dist(3),
        staffingBySkill: {},
      },
      days: [],
    },
    scenario: {
      summary: {
        servedPct: dist(83.33, 5),
        travelHours: dist(2),
        utilisationPct: dist(30),
        overtimeHours: dist(0),
        unservedByReason: { POSTAL_CODE_UNKNOWN: dist(1) },
        capacityPerSlot: { '08:00-12:00': dist(3) },
        staffingTechnicians: dist(3),
        staffingBySkill: {},
      },
      days: [],
    },
    representative: { sample: 1, day: '2026-11-24', base, scenario },
    staffing: {
      profile: { like: 'T1', skills: ['HVAC', 'TV_MOUNTING'] },
      percentile: 'median',
      targetServedPct: 95,
      samples: 3,
      iterations: 100,
      maxSteps: 8,
      daysNeeded: 2,
      lowerBound: { technicians: 3, perDay: [3, 3, 2] },
      technicians: 5,
      servedPct: dist(96, 4),
      reached: true,
      smallest: true,
      otherTechnicians: dist(1),
      steps: [
        { technicians: 3, servedPct: dist(47, 3), daysMeeting: 0, met: false },
        { technicians: 4, servedPct: dist(80, 3), daysMeeting: 0, met: false },
        { technicians: 6, servedPct: dist(100, 0), daysMeeting: 3, met: true },
        { technicians: 5, servedPct: dist(96, 4), daysMeeting: 2, met: true },
      ],
      note: null,
    },
  };
}

describe('what-if against its base', () => {
  it('puts every KPI of both variants in a row: served, unserved by reason, travel, utilisation, overtime, slots', () => {
    const rows = whatIfRows(result());
    expect(rows.map((r) => r.key)).toEqual([
      'servedPct',
      'travelHours',
      'utilisationPct',
      'overtimeHours',
      'unserved:NO_SKILLED_TECHNICIAN',
      'unserved:POSTAL_CODE_UNKNOWN',
      'capacity:08:00-12:00',
      'staffing',
    ]);
    const served = rows[0]!;
    expect(served.delta).toBe(16.66);
    // A reason only one variant has is absent (0) in the other.
    expect(rows[4]!.scenario).toBeNull();
    expect(rows[4]!.delta).toBe(-1);
  });

  it('keeps each technician in one colour in both columns; a removed one stays listed, off', () => {
    const r = result();
    r.representative!.scenario.technicians = r.representative!.scenario.technicians.filter(
      (t) => t.resourceId !== 'TECH-3',
    );
    const aligned = alignScenario(r.representative!.base, r.representative!.scenario);
    expect(aligned.technicians.map((t) => t.resourceId)).toEqual([
      'TECH-1',
      'TECH-2',
      'TECH-3',
      'WHATIF-001',
    ]);
    expect(aligned.technicians[2]).toMatchObject({ name: 'Tech Three (removed)', shift: null });
  });

  it('reads run ids only as UUIDs', () => {
    expect(whatIfRunId(` ${RUN_ID} `)).toBe(RUN_ID);
    expect(whatIfRunId('../plans')).toBeNull();
  });

  it('draws the table and the sampled day side by side: maps, timelines, KPIs', () => {
    const run: WhatIfRun = {
      id: RUN_ID,
      status: 'succeeded',
      progress: { done: 6, total: 6 },
      createdAt: '2026-11-24T08:00:00Z',
      finishedAt: '2026-11-24T08:01:00Z',
      result: result(),
      error: null,
    };
    const picked: string[] = [];
    const el = renderWhatIfRun(run, { onSelect: (id) => picked.push(id) });
    const row = el.querySelector('.whatif-kpis tr[data-metric="servedPct"]')!;
    expect(row.querySelector('[data-variant="base"]')!.textContent).toBe('66.67 % (61.67–71.67)');
    expect(row.querySelector('[data-variant="scenario"]')!.textContent).toBe('83.33 % (78.33–88.33)');
    expect(row.querySelector('.delta')!.textContent).toBe('+16.66 (better)');
    expect(el.querySelector('tr[data-metric="travelHours"] .delta')!.textContent).toBe('+0.5 (worse)');
    expect(el.querySelector('tr[data-metric="staffing"] .delta')!.textContent).toBe('0 (same)');
    // The bound is labelled as one, and the note says what the numbers mean and how sure they are.
    expect(el.querySelector('tr[data-metric="staffing"] th')!.textContent).toContain('Lower bound');
    const note = el.querySelector('.whatif-kpis .whatif-note')!.textContent!;
    expect(note).toContain(`(only ${run.result!.samples} sampled days: a rough range)`);
    expect(note).toContain('10th–90th percentile');
    expect(note).toContain('ignores travel and time windows');
    const cols = [...el.querySelectorAll('.whatif-day')];
    expect(cols.map((c) => c.getAttribute('data-variant'))).toEqual(['base', 'scenario']);
    expect(cols.map((c) => c.querySelectorAll('.map-svg .route').length)).toEqual([2, 3]);
    expect(cols.map((c) => c.querySelectorAll('.timeline-row').length)).toEqual([3, 4]);
    expect(cols[1]!.querySelector('.timeline-row[data-resource-id="WHATIF-001"]')!.textContent).toContain(
      'Added technician',
    );
    // No current-time line on a simulated day.
    expect(el.querySelectorAll('.now-line')).toHaveLength(0);
    // Same technician, same colour on both maps.
    const colour = (c: Element, id: string): string | null =>
      c.querySelector(`.route[data-technician-ids="${id}"] .route-line`)!.getAttribute('stroke');
    expect(colour(cols[0]!, 'TECH-2')).toBe(colour(cols[1]!, 'TECH-2'));
    // Sampled visits are keyboard-activatable.
    const stop = cols[1]!.querySelector('.stop[data-job-id="JOB-5"]')!;
    expect(stop.getAttribute('tabindex')).toBe('0');
    stop.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(picked).toEqual(['JOB-5']);
  });

  it('shows progress while running, the error when it fails, and a note without sampled plans', () => {
    const base: WhatIfRun = {
      id: RUN_ID,
      status: 'running',
      progress: { done: 2, total: 6 },
      createdAt: '',
      finishedAt: null,
      result: null,
      error: null,
    };
    expect(renderWhatIfRun(base).textContent).toBe(
      `What-if ${RUN_ID}: running, 2 of 6 steps done (two plans per sampled day, then the staffing levels)…`,
    );
    const failed = renderWhatIfRun({
      ...base,
      status: 'failed',
      error: { code: 'BAD_SCENARIO', message: 'no jobs on that date', field: 'base.date' },
    });
    expect(failed.querySelector('[role=alert]')!.textContent).toBe(
      `What-if ${RUN_ID} failed: no jobs on that date (base.date)`,
    );
    const bare = renderWhatIfRun({
      ...base,
      status: 'succeeded',
      result: { ...result(), representative: null },
    });
    expect(bare.querySelector('.whatif-kpis')).not.toBeNull();
    expect(bare.querySelector('.whatif-day')).toBeNull();
    expect(bare.textContent).toContain('carries no sampled plans');
  });
});

describe('the staffing answer', () => {
  const run = (staffing: WhatIfResult['staffing']): HTMLElement =>
    renderWhatIfRun({
      id: RUN_ID,
      status: 'succeeded',
      progress: { done: 14, total: 14 },
      createdAt: '',
      finishedAt: null,
      result: { ...result(), staffing },
      error: null,
    });

  it('says the simulated N with its percentile range, and what the LP bound means', () => {
    const el = run(result().staffing);
    const answer = el.querySelector('.whatif-staffing .staffing-answer')!.textContent!;
    expect(answer).toContain('5 technicians of profile HVAC + TV_MOUNTING (like T1)');
    expect(answer).toMatch(/serve 96 % \(\d+(\.\d+)?–\d+(\.\d+)? %, 10th–90th percentile\)/);
    expect(answer).toContain('95 % at the median');
    const bound = el.querySelector('.whatif-staffing .staffing-bound')!.textContent!;
    expect(bound).toContain('Lower bound from linear programming: 3');
    expect(bound).toContain('ignores travel, time windows');
    expect(bound).toContain('not the answer');
    expect(bound).toMatch(/served 47 %/);
    expect(el.querySelector('.whatif-staffing .hint')!.textContent).toContain(
      '3 → 47 %, 4 → 80 %, 6 → 100 % ✓, 5 → 96 % ✓',
    );
  });

  it('says when the target was not reached, and shows nothing when none was asked for', () => {
    const missed = run({
      ...result().staffing!,
      reached: false,
      smallest: false,
      technicians: null,
      servedPct: null,
      note: 'the target was not met within 8 simulated staffing levels (up to 20 technicians of this profile)',
    });
    expect(missed.querySelector('.whatif-staffing')!.getAttribute('data-reached')).toBe('false');
    expect(missed.querySelector('.staffing-answer')!.textContent).toContain('No staffing answer for 95 %');
    expect(missed.querySelector('.staffing-answer')!.textContent).toContain('not met within 8');
    expect(run(null).querySelector('.whatif-staffing')).toBeNull();
  });
});

describe('the what-if form on the page', () => {
  let root: HTMLElement;
  let app: { destroy(): void };
  let scope = 'planner';
  let reads = 0;
  const calls: { method: string; url: string; body: unknown }[] = [];

  const fakeFetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const method = init?.method ?? 'GET';
    calls.push({ method, url, body });
    const json = (value: unknown, code = 200): Response =>
      new Response(JSON.stringify(value), { status: code });
    if (url === '/v1/session') return json({ scope });
    if (url === '/v1/plans')
      return json([{ planId: 'PLAN-A', storeIds: ['STORE-1'], days: ['2026-11-24'], status: 'applied' }]);
    if (url.startsWith('/v1/board')) return json(boardFixture());
    if (url === '/v1/what-if' && method === 'POST')
      return json({ id: RUN_ID, status: 'queued', location: `/v1/what-if/${RUN_ID}` }, 202);
    if (url === `/v1/what-if/${RUN_ID}`) {
      reads += 1;
      const run: WhatIfRun = {
        id: RUN_ID,
        status: reads < 2 ? 'running' : 'succeeded',
        progress: reads < 2 ? { done: 1, total: 6 } : { done: 6, total: 6 },
        createdAt: '2026-11-24T08:00:00Z',
        finishedAt: reads < 2 ? null : '2026-11-24T08:01:00Z',
        result: reads < 2 ? null : result(),
        error: null,
      };
      return json(run);
    }
    return json({ error: { code: 'NOT_FOUND', message: 'no route' } }, 404);
  };

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i += 1) await new Promise((r) => setTimeout(r, 0));
  };

  const signIn = async (): Promise<void> => {
    root.querySelector<HTMLInputElement>('#token')!.value = 'tok';
    root.querySelector('form.sign-in')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
  };

  beforeEach(() => {
    calls.length = 0;
    reads = 0;
    scope = 'planner';
    document.body.innerHTML = '<div id="app"></div>';
    root = document.getElementById('app')!;
    app = startApp(root, { fetch: fakeFetch, clock: () => Date.parse('2026-11-24T18:45:00Z'), pollMs: 0 });
  });
  afterEach(() => app.destroy());

  it('runs a scenario against the base day, follows it, and shows both side by side', async () => {
    await signIn();
    expect(root.querySelector<HTMLInputElement>('#whatif-date')!.value).toBe('2026-11-24');
    const like = root.querySelector<HTMLSelectElement>('#whatif-like')!;
    expect([...like.options].map((o) => o.value)).toEqual(['', 'TECH-1', 'TECH-2', 'TECH-3']);
    like.value = 'TECH-2';
    root.querySelector<HTMLInputElement>('#whatif-add')!.value = '2';
    root.querySelector<HTMLInputElement>('#whatif-remove-TECH-3')!.checked = true;
    root.querySelector<HTMLInputElement>('#whatif-demand')!.value = '1.2';
    root.querySelector<HTMLInputElement>('#whatif-samples')!.value = '3';
    root.querySelector<HTMLInputElement>('#whatif-iterations')!.value = '100';
    root.querySelector('form.whatif-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls.find((c) => c.method === 'POST' && c.url === '/v1/what-if')!.body).toEqual({
      storeId: 'STORE-1',
      base: { kind: 'date', date: '2026-11-24' },
      changes: {
        addTechnicians: [{ like: 'TECH-2', count: 2 }],
        removeTechnicians: ['TECH-3'],
        scaleDemand: [{ factor: 1.2 }],
      },
      samples: 3,
      iterations: 100,
    });
    expect(reads).toBe(2);
    const out = root.querySelector('.whatif-result')!;
    expect(out.querySelector('.whatif-run')!.getAttribute('data-status')).toBe('succeeded');
    expect(out.querySelectorAll('.whatif-kpis tbody tr').length).toBe(8);
    expect(out.querySelectorAll('.whatif-day')).toHaveLength(2);
    expect(root.querySelector<HTMLInputElement>('#whatif-run')!.value).toBe(RUN_ID);
    // Selecting a sampled visit highlights it in both columns, not on the main board.
    out
      .querySelector('.whatif-day[data-variant="base"] .timeline .visit[data-job-id="JOB-1"]')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(out.querySelectorAll('.stop.selected[data-job-id="JOB-1"]')).toHaveLength(2);
    expect(root.querySelectorAll('.map-panel .selected')).toHaveLength(0);
  });

  it('names the wrong field before asking the server', async () => {
    await signIn();
    root.querySelector<HTMLInputElement>('#whatif-samples')!.value = '0';
    root.querySelector('form.whatif-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(root.querySelector('.error')!.textContent).toBe(
      'Sampled days: expected a whole number from 1 to 50.',
    );
    expect(calls.some((c) => c.url === '/v1/what-if')).toBe(false);
  });

  it('lets a viewer open a run by its id, but not start one', async () => {
    scope = 'viewer';
    await signIn();
    expect(root.querySelector<HTMLElement>('.whatif')!.hidden).toBe(true);
    root.querySelector<HTMLInputElement>('#whatif-run')!.value = 'not-an-id';
    root.querySelector('form.whatif-open')!.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(root.querySelector('.error')!.textContent).toContain('What-if run: expected');
    root.querySelector<HTMLInputElement>('#whatif-run')!.value = RUN_ID;
    root.querySelector('form.whatif-open')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(root.querySelectorAll('.whatif-result .whatif-day')).toHaveLength(2);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('stops following a run on sign-out', async () => {
    await signIn();
    root.querySelector<HTMLInputElement>('#whatif-run')!.value = RUN_ID;
    root.querySelector('form.whatif-open')!.dispatchEvent(new Event('submit', { cancelable: true }));
    root.querySelector<HTMLButtonElement>('button.sign-out')!.click();
    await settle();
    expect(root.querySelector('.whatif-result')!.children).toHaveLength(0);
  });
});
