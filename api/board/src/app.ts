/**
 * The board page: sign-in, store/date/plan pickers, map, timeline, KPIs, unassigned jobs,
 * details, optimize-today and plan comparison. State is held in memory only.
 */
import { ApiError, BoardApi, type PlanSummary } from './api-client.ts';
import { createBaseMap, tileUrlProblem, type BaseMap } from './basemap.ts';
import { compareBoards } from './compare.ts';
import { h } from './dom.ts';
import { fitProjector, layoutMap, mapBounds } from './map-layout.ts';
import { renderLegend, renderMap } from './map-view.ts';
import {
  renderComparison,
  renderDetails,
  renderKpis,
  renderOptimizeDiff,
  renderUnassigned,
} from './panels.ts';
import { localDate, toMs } from './time.ts';
import { layoutTimeline } from './timeline-layout.ts';
import { renderTimeline, timelineDefs } from './timeline-view.ts';
import type { BoardView, OptimizeResult } from './types.ts';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface AppOptions {
  fetch?: FetchLike;
  /** Wall clock (ms), for the current-time line between server answers. */
  clock?: () => number;
  /** A tile URL template given in the page address (`?tiles=`). */
  tilesUrl?: string | null;
}

const MAP_WIDTH = 800;
const MAP_HEIGHT = 520;
const LABEL_WIDTH = 170;

interface State {
  api: BoardApi | null;
  plans: PlanSummary[];
  view: BoardView | null;
  loadedAt: number;
  selected: string | null;
  proposal: OptimizeResult | null;
  tilesUrl: string | null;
  baseMap: BaseMap | null;
}

function message(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export function startApp(root: HTMLElement, options: AppOptions = {}): { destroy(): void } {
  const clock = options.clock ?? (() => Date.now());
  const state: State = {
    api: null,
    plans: [],
    view: null,
    loadedAt: clock(),
    selected: null,
    proposal: null,
    tilesUrl: options.tilesUrl ?? null,
    baseMap: null,
  };
  const timers: ReturnType<typeof setInterval>[] = [];

  // ---- skeleton -----------------------------------------------------------------------------
  const tokenInput = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    'aria-describedby': 'token-hint',
  });
  const signInForm = h(
    'form',
    { class: 'sign-in', 'aria-label': 'Sign in' },
    h('label', { for: 'token' }, 'API token'),
    tokenInput,
    h('button', { type: 'submit' }, 'Sign in'),
    h('small', { id: 'token-hint' }, 'Kept in this page only; reloading signs you out.'),
  );
  const signOutButton = h('button', { type: 'button', class: 'sign-out' }, 'Sign out');
  const signedInText = h('span', {}, 'Signed in');
  const signedIn = h('div', { class: 'signed-in', hidden: true }, signedInText, signOutButton);

  const storeInput = h('input', {
    id: 'store',
    name: 'store',
    list: 'store-options',
    required: true,
    placeholder: 'STORE-1',
  });
  const dateInput = h('input', { id: 'date', name: 'date', type: 'date', required: true });
  const planInput = h('input', { id: 'plan', name: 'plan', list: 'plan-options', placeholder: 'latest' });
  const storeOptions = h('datalist', { id: 'store-options' });
  const planOptions = h('datalist', { id: 'plan-options' });
  const pickForm = h(
    'form',
    { class: 'pickers', 'aria-label': 'Choose a plan' },
    h('label', { for: 'store' }, 'Store'),
    storeInput,
    h('label', { for: 'date' }, 'Date'),
    dateInput,
    h('label', { for: 'plan' }, 'Plan id'),
    planInput,
    h('button', { type: 'submit' }, 'Show plan'),
    storeOptions,
    planOptions,
  );

  const statusLine = h('p', { class: 'status', role: 'status' });
  const errorLine = h('p', { class: 'error', role: 'alert' });
  const planTitle = h('h2', { class: 'plan-title' });
  const kpiSlot = h('div', { class: 'kpi-slot' });
  const mapStage = h('div', { class: 'map-stage' });
  const legendSlot = h('div', { class: 'legend-slot' });
  const tilesInput = h('input', {
    id: 'tiles',
    name: 'tiles',
    type: 'url',
    placeholder: 'https://tiles.example.org/{z}/{x}/{y}.png',
  });
  const tilesForm = h(
    'form',
    { class: 'tiles-form' },
    h('label', { for: 'tiles' }, 'Tile server URL'),
    tilesInput,
    h('button', { type: 'submit' }, 'Use base map'),
    h('button', { type: 'button', class: 'tiles-off' }, 'No base map'),
  );
  const mapPanel = h(
    'section',
    { class: 'panel map-panel', 'aria-labelledby': 'map-title' },
    h('h2', { id: 'map-title' }, 'Map'),
    mapStage,
    legendSlot,
    h('details', { class: 'basemap' }, h('summary', {}, 'Base map'), tilesForm),
  );
  const detailsSlot = h('div', { class: 'details-slot' });
  const unassignedSlot = h('div', { class: 'unassigned-slot' });
  const side = h('aside', { class: 'side' }, detailsSlot, unassignedSlot);
  const timelineSlot = h('div', { class: 'timeline-slot' });
  const timelinePanel = h(
    'section',
    { class: 'panel timeline-panel', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h(
      'p',
      { class: 'hint' },
      'Bars: visits (numbered, in the technician’s colour); hatched: travel; dotted: breaks; thin line: waiting; ',
      'shaded box: appointment window; “!” at risk, “!!” late; dashed line: now.',
    ),
    timelineSlot,
  );

  const budgetInput = h('input', {
    id: 'budget',
    name: 'budget',
    type: 'number',
    min: 1,
    max: 300,
    step: 1,
    value: 10,
    required: true,
  });
  const freezeInput = h('input', {
    id: 'freeze',
    name: 'freeze',
    type: 'number',
    min: 0,
    max: 1440,
    step: 5,
    placeholder: 'default',
  });
  const sickSlot = h('fieldset', { class: 'sick' }, h('legend', {}, 'Unavailable today'));
  const previewButton = h('button', { type: 'submit' }, 'Preview optimize-today');
  const applyButton = h('button', { type: 'button', class: 'apply', disabled: true }, 'Apply this plan');
  const optimizeResult = h('div', { class: 'optimize-result', 'aria-live': 'polite' });
  const optimizeForm = h(
    'form',
    { class: 'optimize-form', 'aria-label': 'Optimize today' },
    h('label', { for: 'budget' }, 'Time budget (s)'),
    budgetInput,
    h('label', { for: 'freeze' }, 'Freeze (min)'),
    freezeInput,
    sickSlot,
    previewButton,
    applyButton,
  );
  const compareA = h('input', { id: 'compare-a', name: 'compare-a', list: 'plan-options', required: true });
  const compareB = h('input', { id: 'compare-b', name: 'compare-b', list: 'plan-options', required: true });
  const compareResult = h('div', { class: 'compare-result', 'aria-live': 'polite' });
  const compareForm = h(
    'form',
    { class: 'compare-form', 'aria-label': 'Compare two plans' },
    h('label', { for: 'compare-a' }, 'Plan A'),
    compareA,
    h('label', { for: 'compare-b' }, 'Plan B'),
    compareB,
    h('button', { type: 'submit' }, 'Compare'),
  );
  const optimizeSection = h(
    'div',
    { class: 'optimize' },
    h('h3', {}, 'Optimize today'),
    h(
      'p',
      { class: 'hint' },
      'Re-plans the store’s current day around reality; nothing changes until you apply.',
    ),
    optimizeForm,
    optimizeResult,
  );
  const viewerNote = h(
    'p',
    { class: 'hint viewer-note', hidden: true },
    'Optimize-today and applying plans need a planner token; this one may only read.',
  );
  const plannerPanel = h(
    'section',
    { class: 'panel planner', 'aria-labelledby': 'planner-title' },
    h('h2', { id: 'planner-title' }, 'Planner'),
    optimizeSection,
    viewerNote,
    h('h3', {}, 'Compare two plans'),
    compareForm,
    compareResult,
  );

  const board = h(
    'main',
    { class: 'board', hidden: true },
    planTitle,
    kpiSlot,
    h('div', { class: 'board-grid' }, mapPanel, side),
    timelinePanel,
    plannerPanel,
  );
  root.replaceChildren(
    timelineDefs(),
    h('header', { class: 'top' }, h('h1', {}, 'Dispatch board'), signInForm, signedIn),
    pickForm,
    statusLine,
    errorLine,
    board,
  );

  const setStatus = (text: string): void => {
    statusLine.textContent = text;
  };
  const setError = (text: string): void => {
    errorLine.textContent = text;
  };

  // ---- rendering ----------------------------------------------------------------------------
  const selectJob = (id: string): void => {
    state.selected = id;
    for (const el of root.querySelectorAll<Element>('[data-job-id]')) {
      const on = el.getAttribute('data-job-id') === id;
      el.classList.toggle('selected', on);
      if (on) el.setAttribute('aria-current', 'true');
      else el.removeAttribute('aria-current');
    }
    for (const el of root.querySelectorAll<Element>('[data-window-for]')) {
      el.classList.toggle('selected', el.getAttribute('data-window-for') === id);
    }
    if (state.view) detailsSlot.replaceChildren(renderDetails(state.view, id));
    // Bring the visit into the timeline's horizontal view (never scrolls the page itself).
    const visit = [...timelineSlot.querySelectorAll('.visit')].find(
      (el) => el.getAttribute('data-job-id') === id,
    );
    if (visit) {
      const slot = timelineSlot.getBoundingClientRect();
      const box = visit.getBoundingClientRect();
      if (box.left < slot.left + LABEL_WIDTH || box.right > slot.right) {
        timelineSlot.scrollLeft += box.left - slot.left - LABEL_WIDTH - 24;
      }
    }
  };

  const drawOverlay = (): void => {
    const view = state.view;
    if (!view) return;
    const base = state.baseMap;
    let svg: SVGSVGElement;
    if (base) {
      const { width, height } = base.size();
      svg = renderMap(view, layoutMap(view, base.projector()), {
        width,
        height,
        onSelect: selectJob,
        transparent: true,
      });
      svg.classList.add('map-overlay');
      mapStage.querySelector('.map-overlay')?.remove();
      mapStage.append(svg);
    } else {
      const project = fitProjector(mapBounds(view), { width: MAP_WIDTH, height: MAP_HEIGHT, padding: 30 });
      svg = renderMap(view, layoutMap(view, project), {
        width: MAP_WIDTH,
        height: MAP_HEIGHT,
        onSelect: selectJob,
      });
      mapStage.replaceChildren(svg);
    }
    if (state.selected) selectJob(state.selected);
  };

  const showBaseMap = async (): Promise<void> => {
    state.baseMap?.destroy();
    state.baseMap = null;
    mapStage.replaceChildren();
    mapStage.classList.remove('with-basemap');
    const view = state.view;
    if (!view) return;
    if (state.tilesUrl) {
      const container = h('div', { class: 'basemap-canvas' });
      mapStage.classList.add('with-basemap');
      mapStage.append(container);
      try {
        const base = await createBaseMap(container, state.tilesUrl, mapBounds(view));
        state.baseMap = base;
        base.onMove(drawOverlay);
      } catch (err) {
        setError(`The base map could not start (${message(err)}); showing the offline map.`);
        state.tilesUrl = null;
        mapStage.classList.remove('with-basemap');
        mapStage.replaceChildren();
      }
    }
    drawOverlay();
  };

  const timelineWidth = (): number => {
    const w = timelineSlot.clientWidth;
    return Math.max(480, (w > 0 ? w : 1000) - LABEL_WIDTH - 24);
  };

  const drawTimeline = (): void => {
    const view = state.view;
    if (!view) return;
    const now = toMs(view.now) + (clock() - state.loadedAt);
    timelineSlot.replaceChildren(
      renderTimeline(view, layoutTimeline(view, timelineWidth(), now), { onSelect: selectJob }),
    );
    if (state.selected) selectJob(state.selected);
  };

  const renderSick = (view: BoardView): void => {
    sickSlot.replaceChildren(h('legend', {}, 'Unavailable today'));
    for (const t of view.technicians) {
      const id = `sick-${t.resourceId}`;
      sickSlot.append(
        h(
          'label',
          { for: id, class: 'check' },
          h('input', { id, type: 'checkbox', value: t.resourceId }),
          ` ${t.name}`,
        ),
      );
    }
  };

  const showView = async (view: BoardView): Promise<void> => {
    state.view = view;
    state.loadedAt = clock();
    state.selected = null;
    board.hidden = false;
    planTitle.textContent = `Plan ${view.planId} · ${view.storeId} · ${view.date} · ${view.status}`;
    kpiSlot.replaceChildren(renderKpis(view));
    const project = fitProjector(mapBounds(view), { width: MAP_WIDTH, height: MAP_HEIGHT, padding: 30 });
    legendSlot.replaceChildren(renderLegend(view, layoutMap(view, project)));
    detailsSlot.replaceChildren(renderDetails(view, null));
    unassignedSlot.replaceChildren(renderUnassigned(view, selectJob));
    renderSick(view);
    if (!compareA.value) compareA.value = view.planId;
    drawTimeline();
    await showBaseMap();
  };

  const fillPlanOptions = (): void => {
    const stores = [...new Set(state.plans.flatMap((p) => p.storeIds))].sort();
    storeOptions.replaceChildren(...stores.map((id) => h('option', { value: id })));
    planOptions.replaceChildren(
      ...state.plans.map((p) =>
        h(
          'option',
          { value: p.planId },
          [p.kind, p.days.join(', '), p.storeIds.join(', '), p.status].filter(Boolean).join(' · '),
        ),
      ),
    );
  };

  // ---- actions ------------------------------------------------------------------------------
  const loadBoard = async (): Promise<void> => {
    const api = state.api;
    if (!api) return;
    setError('');
    const storeId = storeInput.value.trim();
    const date = dateInput.value;
    if (!storeId || !date) {
      setError('Choose a store and a date.');
      return;
    }
    setStatus('Loading the plan…');
    try {
      const planId = planInput.value.trim();
      const view = await api.board(planId ? { storeId, date, planId } : { storeId, date });
      await showView(view);
      setStatus(`Showing plan ${view.planId}.`);
    } catch (err) {
      setStatus('');
      setError(message(err));
    }
  };

  signInForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = tokenInput.value.trim();
    tokenInput.value = '';
    if (!token) {
      setError('Enter an API token.');
      return;
    }
    void (async () => {
      const api = new BoardApi(token, options.fetch ? { fetch: options.fetch } : {});
      setError('');
      setStatus('Signing in…');
      try {
        const { scope } = await api.session();
        state.plans = await api.plans();
        signedInText.textContent = scope ? `Signed in (${scope})` : 'Signed in';
        // The server enforces scopes; the page only hides what this token may not do.
        optimizeSection.hidden = scope === 'viewer';
        viewerNote.hidden = scope !== 'viewer';
      } catch (err) {
        setStatus('');
        setError(message(err));
        return;
      }
      state.api = api;
      signInForm.hidden = true;
      signedIn.hidden = false;
      fillPlanOptions();
      // The board route picks the day's latest plan that has routes; the history gives store and day.
      const latest = state.plans.find((p) => p.storeIds.length > 0 && p.days.length > 0);
      if (!storeInput.value && latest?.storeIds[0]) storeInput.value = latest.storeIds[0];
      if (!dateInput.value)
        dateInput.value =
          latest?.days[0] ?? localDate(clock(), Intl.DateTimeFormat().resolvedOptions().timeZone);
      setStatus('Signed in.');
      if (storeInput.value && dateInput.value) await loadBoard();
    })();
  });

  signOutButton.addEventListener('click', () => {
    state.api = null;
    state.view = null;
    state.proposal = null;
    state.plans = [];
    state.baseMap?.destroy();
    state.baseMap = null;
    board.hidden = true;
    for (const slot of [
      kpiSlot,
      mapStage,
      legendSlot,
      detailsSlot,
      unassignedSlot,
      timelineSlot,
      optimizeResult,
      compareResult,
    ]) {
      slot.replaceChildren();
    }
    storeOptions.replaceChildren();
    planOptions.replaceChildren();
    compareA.value = '';
    compareB.value = '';
    signInForm.hidden = false;
    signedIn.hidden = true;
    setStatus('Signed out.');
    tokenInput.focus();
  });

  pickForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void loadBoard();
  });

  tilesForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const url = tilesInput.value.trim();
    const problem = tileUrlProblem(url);
    if (problem) {
      setError(problem);
      return;
    }
    setError('');
    state.tilesUrl = url;
    void showBaseMap();
  });
  tilesForm.querySelector('.tiles-off')?.addEventListener('click', () => {
    state.tilesUrl = null;
    void showBaseMap();
  });

  optimizeForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const api = state.api;
    const view = state.view;
    if (!api || !view) return;
    const seconds = Number(budgetInput.value);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) {
      setError('The time budget must be between 1 and 300 seconds.');
      return;
    }
    const unavailable = [...sickSlot.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map(
      (c) => c.value,
    );
    const freeze = freezeInput.value === '' ? undefined : Number(freezeInput.value);
    void (async () => {
      setError('');
      previewButton.disabled = true;
      applyButton.disabled = true;
      state.proposal = null;
      optimizeResult.replaceChildren(h('p', {}, `Optimizing (up to ${seconds} s)…`));
      try {
        const result = await api.optimizeToday({
          storeId: view.storeId,
          timeBudgetMs: Math.round(seconds * 1000),
          apply: false,
          ...(unavailable.length > 0 ? { unavailableTechnicians: unavailable } : {}),
          ...(freeze !== undefined ? { freezeMinutes: freeze } : {}),
        });
        state.proposal = result;
        const sameDay = result.board.date === view.date && result.board.storeId === view.storeId;
        const showProposal = h('button', { type: 'button', class: 'show-proposal' }, 'Show it on the board');
        showProposal.addEventListener('click', () => {
          void showView(result.board).then(() => {
            planTitle.textContent = `${planTitle.textContent ?? ''} · proposal, not applied`;
            setStatus(`Showing the proposed plan ${result.planId}; apply it or pick another plan.`);
          });
        });
        optimizeResult.replaceChildren(
          h(
            'p',
            { class: 'proposal' },
            `Proposed plan ${result.planId} for ${result.board.date} (not applied). `,
            showProposal,
          ),
          renderOptimizeDiff(result.diff, result.board.timeZone),
          sameDay
            ? renderComparison(view, result.board)
            : h('p', {}, 'The proposal is for another day than the one shown.'),
        );
        compareB.value = result.planId;
        applyButton.disabled = result.applied;
      } catch (err) {
        optimizeResult.replaceChildren();
        setError(message(err));
      } finally {
        previewButton.disabled = false;
      }
    })();
  });

  applyButton.addEventListener('click', () => {
    const api = state.api;
    const proposal = state.proposal;
    if (!api || !proposal) return;
    void (async () => {
      applyButton.disabled = true;
      setError('');
      setStatus(`Applying plan ${proposal.planId}…`);
      try {
        await api.applyPlan(proposal.planId);
        setStatus(`Plan ${proposal.planId} applied.`);
        storeInput.value = proposal.board.storeId;
        dateInput.value = proposal.board.date;
        planInput.value = proposal.planId;
        state.proposal = null;
        await loadBoard();
      } catch (err) {
        applyButton.disabled = false;
        setStatus('');
        setError(message(err));
      }
    })();
  });

  compareForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const api = state.api;
    const view = state.view;
    if (!api || !view) return;
    const a = compareA.value.trim();
    const b = compareB.value.trim();
    void (async () => {
      setError('');
      compareResult.replaceChildren(h('p', {}, 'Loading both plans…'));
      try {
        const viewFor = async (planId: string): Promise<BoardView> => {
          if (state.proposal?.planId === planId) return state.proposal.board;
          const summary = state.plans.find((p) => p.planId === planId);
          const date = summary?.days.includes(view.date) || !summary?.days[0] ? view.date : summary.days[0];
          return api.board({ storeId: view.storeId, date, planId });
        };
        const [va, vb] = await Promise.all([viewFor(a), viewFor(b)]);
        const column = (v: BoardView): HTMLElement => {
          const project = fitProjector(mapBounds(v), { width: 400, height: 280, padding: 20 });
          return h(
            'div',
            { class: 'compare-column', 'data-plan-id': v.planId },
            h('h4', {}, `Plan ${v.planId} · ${v.date} · ${v.status}`),
            renderKpis(v),
            renderMap(v, layoutMap(v, project, { spreadRadius: 8 }), {
              width: 400,
              height: 280,
              label: `Map of plan ${v.planId}`,
            }),
          );
        };
        compareResult.replaceChildren(
          h('div', { class: 'compare-columns' }, column(va), column(vb)),
          renderComparison(va, vb, compareBoards(va, vb)),
        );
      } catch (err) {
        compareResult.replaceChildren();
        setError(message(err));
      }
    })();
  });

  // ---- clocks and sizes ---------------------------------------------------------------------
  timers.push(setInterval(drawTimeline, 60_000));
  let resizeObserver: ResizeObserver | null = null;
  if (typeof ResizeObserver !== 'undefined') {
    let lastWidth = 0;
    resizeObserver = new ResizeObserver(() => {
      const w = timelineSlot.clientWidth;
      if (Math.abs(w - lastWidth) < 8) return;
      lastWidth = w;
      drawTimeline();
    });
    resizeObserver.observe(timelineSlot);
  }

  return {
    destroy() {
      for (const t of timers) clearInterval(t);
      resizeObserver?.disconnect();
      state.baseMap?.destroy();
    },
  };
}
