// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp } from '../../api/board/src/app.ts';
import { fitProjector, layoutMap, mapBounds } from '../../api/board/src/map-layout.ts';
import { renderMap } from '../../api/board/src/map-view.ts';
import { renderDetails, renderOptimizeDiff } from '../../api/board/src/panels.ts';
import { layoutTimeline } from '../../api/board/src/timeline-layout.ts';
import { renderTimeline } from '../../api/board/src/timeline-view.ts';
import type { BoardView, OptimizeResult } from '../../api/board/src/types.ts';
import { boardFixture } from './fixture.ts';

function mapOf(view: BoardView, onSelect?: (id: string) => void): SVGSVGElement {
  const layout = layoutMap(view, fitProjector(mapBounds(view), { width: 800, height: 520, padding: 30 }));
  return renderMap(view, layout, { width: 800, height: 520, ...(onSelect ? { onSelect } : {}) });
}

describe('map view', () => {
  it('draws a line per route with work, numbered focusable stops, homes and unassigned marks', () => {
    const svg = mapOf(boardFixture(), () => {});
    expect(svg.querySelectorAll('.route')).toHaveLength(2);
    expect(svg.querySelector('.route[data-route-id="R-1"] .route-line')!.getAttribute('stroke')).not.toBe(
      svg.querySelector('.route[data-route-id="R-2"] .route-line')!.getAttribute('stroke'),
    );
    const stops = [...svg.querySelectorAll('.stop')];
    expect(stops.map((s) => s.textContent)).toEqual(['1', '2', '3', '1']);
    expect(
      stops.every((s) => s.getAttribute('tabindex') === '0' && s.getAttribute('role') === 'button'),
    ).toBe(true);
    expect(stops[2]!.getAttribute('aria-label')).toBe('Stop 3 of Tech One: job JOB-3, late');
    expect(svg.querySelectorAll('.home')).toHaveLength(3);
    expect(svg.querySelectorAll('.territory')).toHaveLength(1);
    const mark = svg.querySelector('.unassigned-mark')!;
    expect(mark.getAttribute('aria-label')).toBe(
      'Unassigned job JOB-5: no technician on shift has the skill SOLAR',
    );
  });

  it('is read-only without a select handler', () => {
    const svg = mapOf(boardFixture());
    expect(svg.querySelectorAll('[tabindex]')).toHaveLength(0);
  });

  it('activates a stop with the keyboard', () => {
    const picked: string[] = [];
    const svg = mapOf(boardFixture(), (id) => picked.push(id));
    const stop = svg.querySelector('.stop[data-job-id="JOB-2"]')!;
    stop.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    stop.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true }));
    stop.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(picked).toEqual(['JOB-2', 'JOB-2']);
  });
});

describe('keyboard', () => {
  it('walks a route on the map and the timeline with the arrow keys', () => {
    const view = boardFixture();
    document.body.replaceChildren();
    const svg = mapOf(view, () => {});
    const timeline = renderTimeline(view, layoutTimeline(view, 800), { onSelect: () => {} });
    document.body.append(svg, timeline);
    const press = (el: Element, key: string): void => {
      el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    };
    const first = svg.querySelector<SVGGElement>('.stop[data-job-id="JOB-1"]')!;
    first.focus();
    press(first, 'ArrowRight');
    expect(document.activeElement?.getAttribute('data-job-id')).toBe('JOB-2');
    press(document.activeElement!, 'ArrowLeft');
    expect(document.activeElement?.getAttribute('data-job-id')).toBe('JOB-1');

    const visit = timeline.querySelector<SVGGElement>('.visit[data-job-id="JOB-2"]')!;
    visit.focus();
    press(visit, 'ArrowRight');
    expect(document.activeElement?.getAttribute('data-job-id')).toBe('JOB-3');
    press(document.activeElement!, 'ArrowDown');
    expect(document.activeElement?.getAttribute('data-job-id')).toBe('JOB-4');
    press(document.activeElement!, 'ArrowDown');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Tech Three: off');
    press(document.activeElement!, 'ArrowUp');
    expect(document.activeElement?.getAttribute('data-job-id')).toBe('JOB-4');
    press(document.activeElement!, 'ArrowLeft');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Tech Two: 1 visit, shift 08:00–15:59');
  });
});

describe('timeline view', () => {
  it('has a row per technician whose visits are the route stops, with risk and windows', () => {
    const view = boardFixture();
    const el = renderTimeline(view, layoutTimeline(view, 800), { onSelect: () => {} });
    const rows = [...el.querySelectorAll('.timeline-row')];
    expect(rows.map((r) => r.getAttribute('data-resource-id'))).toEqual(['TECH-1', 'TECH-2', 'TECH-3']);
    expect(
      rows.map((r) => [...r.querySelectorAll('.visit')].map((v) => v.getAttribute('data-job-id'))),
    ).toEqual([['JOB-1', 'JOB-2', 'JOB-3'], ['JOB-4'], []]);
    expect(rows[0]!.querySelector('.visit[data-job-id="JOB-3"]')!.classList.contains('risk-late')).toBe(true);
    expect(rows[0]!.querySelector('.visit[data-job-id="JOB-2"]')!.classList.contains('risk-at-risk')).toBe(
      true,
    );
    expect(rows[0]!.querySelectorAll('.window')).toHaveLength(3);
    expect(rows[0]!.querySelectorAll('.block-travel')).toHaveLength(3);
    expect(rows[0]!.querySelectorAll('.block-break')).toHaveLength(1);
    expect(rows[0]!.querySelectorAll('.shift-limit')).toHaveLength(2);
    expect(rows[2]!.querySelectorAll('.shift-limit')).toHaveLength(0);
    expect(rows[2]!.textContent).toContain('off');
    expect(el.querySelectorAll('.now-line')).toHaveLength(3);
    expect(el.querySelector('.now-label')!.textContent).toBe('now 10:45');
    expect(rows[0]!.querySelector('.visit[data-job-id="JOB-2"]')!.getAttribute('aria-label')).toBe(
      'Visit 2 of Tech One: job JOB-2, 10:30–11:30, window 10:00–12:00, at-risk',
    );
  });
});

describe('details', () => {
  it('shows job, skills and window; buyer name and address only when the API sent them', () => {
    const view = boardFixture();
    const plain = renderDetails(view, 'JOB-1').textContent ?? '';
    expect(plain).toContain('JOB-1');
    expect(plain).toContain('TV_MOUNTING');
    expect(plain).toContain('08:00–10:00');
    expect(plain).not.toContain('Buyer');
    view.routes[0]!.stops[0]!.buyer = { name: 'Pat Example', address: '1 Example St' };
    const withBuyer = renderDetails(view, 'JOB-1').textContent ?? '';
    expect(withBuyer).toContain('Pat Example');
    expect(withBuyer).toContain('1 Example St');
    const unassigned = renderDetails(view, 'JOB-5').textContent ?? '';
    expect(unassigned).toContain('no technician on shift has the skill SOLAR (NO_SKILLED_TECHNICIAN)');
  });

  it('renders the optimize-today diff with counts and lines', () => {
    const el = renderOptimizeDiff(
      {
        rescheduled: [{ serviceJobId: 'JOB-1', to: '2026-11-24T18:00:00Z' }],
        reassigned: [],
        added: [{ serviceJobId: 'JOB-7' }],
        unassigned: [
          { serviceJobId: 'JOB-5', code: 'NO_SKILLED_TECHNICIAN', reason: 'no skill' },
          { serviceJobId: 'JOB-8', code: 'NO_WINDOW_FITS', reason: 'NO_WINDOW_FITS' },
        ],
        unchanged: 3,
      },
      'America/Los_Angeles',
    );
    expect([...el.querySelectorAll('.diff-counts li')].map((li) => li.textContent)).toEqual([
      'Rescheduled: 1',
      'Reassigned: 0',
      'Added: 1',
      'Left unassigned: 2',
      'Unchanged: 3',
    ]);
    expect(el.querySelector('.diff-rescheduled li')!.textContent).toBe('JOB-1 — to: 10:00');
    expect(el.querySelector('.diff-reassigned')).toBeNull();
    expect([...el.querySelectorAll('.diff-unassigned li')].map((li) => li.textContent)).toEqual([
      'JOB-5 — no skill (NO_SKILLED_TECHNICIAN)',
      'JOB-8 — NO_WINDOW_FITS',
    ]);
    // With the technicians' names, a reason that names one by id says the name.
    const named = renderOptimizeDiff(
      {
        rescheduled: [],
        reassigned: [{ serviceJobId: 'JOB-2', from: ['TECH-1'], to: ['TECH-2'] }],
        added: [],
        unassigned: [
          { serviceJobId: 'JOB-3', code: 'NO_WINDOW_FITS', reason: 'technician TECH-1 is unavailable today' },
        ],
        unchanged: 0,
      },
      'UTC',
      new Map([
        ['TECH-1', 'Tech One'],
        ['TECH-2', 'Tech Two'],
      ]),
    );
    expect(named.querySelector('.diff-reassigned li')!.textContent).toBe(
      'JOB-2 — from: Tech One; to: Tech Two',
    );
    expect(named.querySelector('.diff-unassigned li')!.textContent).toBe(
      'JOB-3 — technician Tech One is unavailable today (NO_WINDOW_FITS)',
    );
  });
});

describe('the page', () => {
  let root: HTMLElement;
  let app: { destroy(): void };
  const calls: { method: string; url: string; auth: string | undefined; body: unknown }[] = [];
  let status = 200;
  let scope: string | null = 'planner';
  let next: OptimizeResult | null = null;

  const proposal = (): OptimizeResult => {
    const board = boardFixture();
    board.planId = 'PLAN-B';
    board.routes[1]!.stops.push({ ...board.routes[0]!.stops.pop()!, seq: 2 });
    return {
      planId: 'PLAN-B',
      applied: false,
      board,
      diff: {
        rescheduled: [],
        reassigned: [{ serviceJobId: 'JOB-3', from: ['TECH-1'], to: ['TECH-2'] }],
        added: [],
        unassigned: [],
        unchanged: 3,
        actionItems: [],
      },
      outcome: 'nothing-to-do',
      date: board.date,
      writeBack: { planned: {} },
      elapsedMs: 900,
      timingsMs: {},
    };
  };

  const fakeFetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ method: init?.method ?? 'GET', url, auth: headers.authorization, body });
    const json = (value: unknown, code = 200): Response =>
      new Response(JSON.stringify(value), { status: code });
    if (status !== 200) return json({ error: { code: 'UNAUTHORIZED', message: 'unknown token' } }, status);
    if (url === '/v1/session') return scope ? json({ scope }) : json({ error: { code: 'NOT_FOUND' } }, 404);
    if (url === '/v1/plans')
      return json([{ planId: 'PLAN-A', storeIds: ['STORE-1'], days: ['2026-11-24'], status: 'applied' }]);
    if (url === '/v1/board/stores')
      return json({ stores: [{ storeId: 'STORE-1', name: 'Seattle service centre', timeZone: 'UTC' }] });
    if (url.startsWith('/v1/board')) return json(url.includes('PLAN-B') ? proposal().board : boardFixture());
    if (url === '/v1/optimize-today') return json(next ?? proposal());
    if (url === '/v1/plans/PLAN-B/apply') return json({ planId: 'PLAN-B', applied: true });
    return json({ error: { code: 'NOT_FOUND', message: 'no route' } }, 404);
  };

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i += 1) await new Promise((r) => setTimeout(r, 0));
  };

  const signIn = async (token = 'tok-secret'): Promise<void> => {
    const input = root.querySelector<HTMLInputElement>('#token')!;
    input.value = token;
    root.querySelector('form.sign-in')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
  };

  beforeEach(() => {
    calls.length = 0;
    status = 200;
    scope = 'planner';
    next = null;
    document.body.innerHTML = '<div id="app"></div>';
    root = document.getElementById('app')!;
    app = startApp(root, { fetch: fakeFetch, clock: () => Date.parse('2026-11-24T18:45:00Z') });
  });
  afterEach(() => app.destroy());

  it('signs in with the token in memory only, then shows the latest plan of the latest store and day', async () => {
    await signIn();
    expect(calls.map((c) => c.url)).toEqual([
      '/v1/session',
      '/v1/plans',
      '/v1/board/stores',
      '/v1/board?storeId=STORE-1&date=2026-11-24',
    ]);
    // Stores by name: in the picker and the title, never only their ids.
    const picker = root.querySelector<HTMLSelectElement>('#store')!;
    expect(picker.value).toBe('STORE-1');
    expect(picker.selectedOptions[0]!.textContent).toBe('Seattle service centre');
    expect(root.querySelector('.plan-title')!.textContent).toMatch(
      /^Seattle service centre · 2026-11-24 · plan /,
    );
    expect(root.querySelector('.kpis')!.getAttribute('aria-label')).toBe(
      'Key figures of Seattle service centre on 2026-11-24',
    );
    expect(root.querySelector('.signed-in')!.textContent).toContain('Signed in (planner)');
    expect(root.querySelector<HTMLElement>('.optimize')!.hidden).toBe(false);
    expect(calls.every((c) => c.auth === 'Bearer tok-secret')).toBe(true);
    expect(root.querySelector<HTMLInputElement>('#token')!.value).toBe('');
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    expect(root.innerHTML).not.toContain('tok-secret');
    expect(root.querySelectorAll('.map-svg .route')).toHaveLength(2);
    expect(root.querySelectorAll('.timeline-row')).toHaveLength(3);
    expect(root.querySelector('.unassigned')!.textContent).toContain('the postal code is unknown');
    expect(root.querySelector('.kpis')!.textContent).toContain('4 / 6');
  });

  it('offers a viewer no planner actions, and shows them when the server cannot tell the scope', async () => {
    scope = 'viewer';
    await signIn();
    expect(root.querySelector<HTMLElement>('.optimize')!.hidden).toBe(true);
    expect(root.querySelector<HTMLElement>('.viewer-note')!.hidden).toBe(false);
    expect(root.querySelector<HTMLElement>('.compare-form')!.closest('[hidden]')).toBeNull();
    root.querySelector<HTMLButtonElement>('button.sign-out')!.click();
    scope = null;
    await signIn();
    expect(root.querySelector('.board')!.hasAttribute('hidden')).toBe(false);
    expect(root.querySelector<HTMLElement>('.optimize')!.hidden).toBe(false);
    expect(root.querySelector('.signed-in')!.textContent).toBe('Signed inSign out');
  });

  it('says when the token is refused and stays signed out', async () => {
    status = 401;
    await signIn('wrong');
    expect(root.querySelector('.error')!.textContent).toBe('Sign-in refused: unknown token');
    expect(root.querySelector<HTMLElement>('.board')!.hidden).toBe(true);
  });

  it('highlights a visit on the map and the timeline and shows its details', async () => {
    await signIn();
    root
      .querySelector('.timeline .visit[data-job-id="JOB-2"]')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(root.querySelector('.map-svg .stop[data-job-id="JOB-2"]')!.classList.contains('selected')).toBe(
      true,
    );
    expect(root.querySelector('.timeline .visit[data-job-id="JOB-2"]')!.getAttribute('aria-current')).toBe(
      'true',
    );
    expect(root.querySelector('.window[data-window-for="JOB-2"]')!.classList.contains('selected')).toBe(true);
    expect(root.querySelectorAll('.selected')).toHaveLength(3);
    expect(root.querySelector('.details')!.textContent).toContain('JOB-2');
    root.querySelector<HTMLButtonElement>('.unassigned-item[data-job-id="JOB-6"]')!.click();
    expect(root.querySelectorAll('.stop.selected')).toHaveLength(0);
    expect(root.querySelector('.details')!.textContent).toContain('POSTAL_CODE_UNKNOWN');
  });

  it('previews optimize-today with its diff, then applies it and shows the applied plan', async () => {
    await signIn();
    root.querySelector<HTMLInputElement>('#budget')!.value = '3';
    root.querySelector<HTMLInputElement>('#sick-TECH-2')!.checked = true;
    root.querySelector('form.optimize-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const post = calls.find((c) => c.url === '/v1/optimize-today')!;
    expect(post.body).toEqual({
      storeId: 'STORE-1',
      timeBudgetMs: 3000,
      apply: false,
      unavailableTechnicians: ['TECH-2'],
    });
    const result = root.querySelector('.optimize-result')!;
    expect(result.textContent).toContain('Reassigned: 1');
    expect(result.querySelector('.job-changes tr[data-job-id="JOB-3"]')!.textContent).toContain('reassigned');
    root.querySelector<HTMLButtonElement>('button.show-proposal')!.click();
    await settle();
    expect(root.querySelector('.plan-title')!.textContent).toMatch(
      /^Seattle service centre · .* plan PLAN-B .* proposal, not applied$/,
    );
    expect(root.querySelector('.timeline-row[data-resource-id="TECH-2"]')!.getAttribute('data-visits')).toBe(
      'JOB-4 JOB-3',
    );
    const apply = root.querySelector<HTMLButtonElement>('button.apply')!;
    expect(apply.disabled).toBe(false);
    apply.click();
    await settle();
    expect(calls.some((c) => c.method === 'POST' && c.url === '/v1/plans/PLAN-B/apply')).toBe(true);
    expect(calls.at(-1)!.url).toBe('/v1/board?storeId=STORE-1&date=2026-11-24&planId=PLAN-B');
    expect(root.querySelector('.plan-title')!.textContent).toContain('PLAN-B');
  });

  it("shows a sick technician's visits done or under way as kept, in the comparison and on the proposal", async () => {
    await signIn();
    const sick = proposal();
    sick.board.routes = sick.board.routes
      .filter((r) => !r.technicianIds.includes('TECH-1'))
      .map((r) => ({ ...r, stops: r.stops.filter((st) => st.serviceJobId !== 'JOB-3') }));
    sick.board.unassigned.push({
      serviceJobId: 'JOB-3',
      code: 'NO_WINDOW_FITS',
      reason: 'technician TECH-1 is unavailable today',
      skills: ['TV_MOUNTING'],
    });
    sick.diff = { rescheduled: [], reassigned: [], added: [], unassigned: [], unchanged: 1, actionItems: [] };
    next = sick;
    root.querySelector<HTMLInputElement>('#sick-TECH-1')!.checked = true;
    root.querySelector('form.optimize-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const result = root.querySelector('.optimize-result')!;
    const changes = [...result.querySelectorAll('.job-changes tbody tr')].map((tr) => tr.textContent);
    expect(changes).toEqual(['JOB-3droppedTech One 12:00not planned']);
    expect(
      [...result.querySelectorAll('.kept-visits tbody tr')].map((tr) => tr.getAttribute('data-state')),
    ).toEqual(['done', 'under way']);
    root.querySelector<HTMLButtonElement>('button.show-proposal')!.click();
    await settle();
    expect(root.querySelector('.plan-title')!.textContent).toContain('2 visits done or under way kept');
    expect(root.querySelector('.timeline-row[data-resource-id="TECH-1"]')!.getAttribute('data-visits')).toBe(
      'JOB-1 JOB-2',
    );
    root
      .querySelector('.timeline .visit[data-job-id="JOB-1"]')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(root.querySelector('.details')!.textContent).toContain('done, kept as it was (not re-planned)');
  });

  it('compares two plans side by side', async () => {
    await signIn();
    root.querySelector<HTMLInputElement>('#compare-a')!.value = 'PLAN-A';
    root.querySelector<HTMLInputElement>('#compare-b')!.value = 'PLAN-B';
    root.querySelector('form.compare-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const cols = [...root.querySelectorAll('.compare-column')];
    expect(cols.map((c) => c.getAttribute('data-plan-id'))).toEqual(['PLAN-A', 'PLAN-B']);
    expect(cols.every((c) => c.querySelector('.map-svg') !== null)).toBe(true);
    expect(root.querySelector('.compare-result .job-changes')!.textContent).toContain('JOB-3');
  });

  it('signs out and forgets the plan', async () => {
    await signIn();
    root.querySelector<HTMLButtonElement>('button.sign-out')!.click();
    expect(root.querySelector<HTMLElement>('.board')!.hidden).toBe(true);
    expect(root.querySelectorAll('.route')).toHaveLength(0);
    expect(root.querySelector<HTMLElement>('form.sign-in')!.hidden).toBe(false);
  });
});

describe('live updates and plan status', () => {
  // The server's side of polling with ETags: the board at a version, 304 while it holds.
  let version = 1;
  let board: BoardView = boardFixture();
  const reads: { url: string; ifNoneMatch: string | undefined; status: number }[] = [];
  const fakeFetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const json = (value: unknown, extra: Record<string, string> = {}): Response =>
      new Response(JSON.stringify(value), { status: 200, headers: extra });
    if (url === '/v1/session') return json({ scope: 'viewer' });
    if (url === '/v1/plans')
      return json([{ planId: 'PLAN-A', storeIds: ['STORE-1'], days: ['2026-11-24'], status: 'succeeded' }]);
    if (url === '/v1/board/stores')
      return json({ stores: [{ storeId: 'STORE-1', name: 'Austin service centre' }] });
    if (url.startsWith('/v1/board')) {
      const tag = `"v${version}"`;
      const notModified = headers['if-none-match'] === tag;
      reads.push({ url, ifNoneMatch: headers['if-none-match'], status: notModified ? 304 : 200 });
      if (notModified) return new Response(null, { status: 304, headers: { etag: tag } });
      return json(board, { etag: tag });
    }
    return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route' } }), {
      status: 404,
    });
  };
  let root: HTMLElement;
  let app: { destroy(): void };
  const until = async (what: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !what(); i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(what()).toBe(true);
  };

  beforeEach(() => {
    version = 1;
    board = boardFixture();
    reads.length = 0;
    document.body.innerHTML = '<div id="app"></div>';
    root = document.getElementById('app')!;
    app = startApp(root, { fetch: fakeFetch, liveMs: 20, outlines: false });
  });
  afterEach(() => app.destroy());

  it('asks again with the version it has and redraws in place when the day changed', async () => {
    root.querySelector<HTMLInputElement>('#token')!.value = 'tok';
    root.querySelector('form.sign-in')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await until(() => reads.some((r) => r.status === 304));
    expect(reads[0]).toEqual({
      url: '/v1/board?storeId=STORE-1&date=2026-11-24',
      ifNoneMatch: undefined,
      status: 200,
    });
    expect(reads.filter((r) => r.status === 304).every((r) => r.ifNoneMatch === '"v1"')).toBe(true);
    expect(root.querySelector('.live-note')!.textContent).toBe('');
    const oldTitle = root.querySelector('.plan-title')!.textContent ?? '';

    // What the user was choosing stays chosen across the redraw.
    root.querySelector<HTMLInputElement>('#sick-TECH-2')!.checked = true;
    // Elsewhere, a new plan of the day is applied: the page shows it without being asked.
    const next = boardFixture();
    next.planId = 'PLAN-C';
    next.routes = next.routes.slice(0, 1);
    board = next;
    version = 2;
    await until(() => (root.querySelector('.plan-title')!.textContent ?? '').includes('PLAN-C'));
    expect(oldTitle).not.toContain('PLAN-C');
    expect(root.querySelectorAll('.map-svg .route')).toHaveLength(1);
    expect(root.querySelector('.live-note')!.textContent).toMatch(
      /^Updated at \d\d:\d\d: plan PLAN-C replaced plan /,
    );
    expect(root.querySelector<HTMLInputElement>('#sick-TECH-2')!.checked).toBe(true);
    expect(root.querySelector<HTMLInputElement>('#sick-TECH-1')!.checked).toBe(false);
    await until(() => reads.filter((r) => r.ifNoneMatch === '"v2"').length > 0);
  });

  it('says what a partial plan is and lists the calls Amazon refused, with its reason', async () => {
    board = {
      ...boardFixture(),
      status: 'partial',
      refused: [
        {
          serviceJobId: 'JOB-2',
          operation: 'assignAppointmentResources',
          code: 'RESOURCES_MISSING_REQUIRED_SKILLS',
          reason: 'technician lacks a skill the job requires',
        },
      ],
    };
    root.querySelector<HTMLInputElement>('#token')!.value = 'tok';
    root.querySelector('form.sign-in')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await until(() => root.querySelector('.plan-status-box') !== null);
    const box = root.querySelector('.plan-status-box')!;
    expect(box.getAttribute('data-status')).toBe('partial');
    expect(box.textContent).toContain('Status: partial.');
    expect(box.textContent).toContain('1 refused for this store.');
    expect([...box.querySelectorAll('tbody td')].map((td) => td.textContent)).toEqual([
      'JOB-2',
      'assign technicians',
      'technician lacks a skill the job requires (RESOURCES_MISSING_REQUIRED_SKILLS)',
    ]);
    expect(root.querySelector('.plan-title')!.textContent).toMatch(
      /^Austin service centre · 2026-11-24 · plan /,
    );
  });
});
