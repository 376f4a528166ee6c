/**
 * The board page: sign-in, store/date/plan pickers, map, timeline, KPIs, unassigned jobs,
 * details, optimize-today and plan comparison. State is held in memory only.
 */
import { ApiError, BoardApi, type BoardQuery, type PlanSummary, type StoreSummary } from './api-client.ts';
import { createBaseMap, tileUrlProblem, type BaseMap } from './basemap.ts';
import { compareBoards, withKeptVisits } from './compare.ts';
import { contextLines, loadAtlas, renderContext, type ContextLines } from './context-map.ts';
import { h } from './dom.ts';
import { fitProjector, layoutMap, mapBounds } from './map-layout.ts';
import { renderLegend, renderMap } from './map-view.ts';
import {
  renderComparison,
  renderDetails,
  renderKpis,
  renderOptimizeDiff,
  renderPlanStatus,
  renderUnassigned,
} from './panels.ts';
import { clockTime, localDate, toMs } from './time.ts';
import { layoutTimeline } from './timeline-layout.ts';
import { renderTimeline, timelineDefs } from './timeline-view.ts';
import type { BoardView, OptimizeResult, WhatIfRequest, WhatIfRun } from './types.ts';
import { whatIfRunId } from './whatif.ts';
import { renderWhatIfRun } from './whatif-view.ts';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface AppOptions {
  fetch?: FetchLike;
  /** Wall clock (ms), for the current-time line between server answers. */
  clock?: () => number;
  /** A tile URL template given in the page address (`?tiles=`). */
  tilesUrl?: string | null;
  /** Pause between two reads of a running what-if, ms. */
  pollMs?: number;
  /** Pause between two checks of the shown day for changes (live updates), ms; 0 turns them off. */
  liveMs?: number;
  /** Draw the offline map's outlines (state and county lines); on unless told otherwise. */
  outlines?: boolean;
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
  /** Bumped on sign-out and on each new what-if, so an older poll stops. */
  whatIfGeneration: number;
  stores: StoreSummary[];
  /** What the shown board was asked with and the version it came in, for live updates. */
  query: BoardQuery | null;
  etag: string | null;
  /** A proposal (not the day's plan) is on screen: live updates wait until another plan is picked. */
  showingProposal: boolean;
  /** The offline map's outlines near the shown day, once loaded. */
  outlines: ContextLines | null;
  /** Bumped on every board shown, so a slow check does not replace a newer board. */
  boardGeneration: number;
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
    whatIfGeneration: 0,
    stores: [],
    query: null,
    etag: null,
    showingProposal: false,
    outlines: null,
    boardGeneration: 0,
  };
  const pollMs = options.pollMs ?? 500;
  const liveMs = options.liveMs ?? 5000;
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

  const storeInput = h('select', { id: 'store', name: 'store', required: true });
  const dateInput = h('input', { id: 'date', name: 'date', type: 'date', required: true });
  const planInput = h('input', { id: 'plan', name: 'plan', list: 'plan-options', placeholder: 'latest' });
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
    planOptions,
  );

  const statusLine = h('p', { class: 'status', role: 'status' });
  const errorLine = h('p', { class: 'error', role: 'alert' });
  const planTitle = h('h2', { class: 'plan-title' });
  const planStatus = h('div', { class: 'plan-status' });
  const liveNote = h('p', { class: 'hint live-note', role: 'status', 'aria-live': 'polite' });
  const kpiSlot = h('div', { class: 'kpi-slot' });
  const mapStage = h('div', { class: 'map-stage' });
  const legendSlot = h('div', { class: 'legend-slot' });
  const baseMapNote = h('p', { class: 'hint basemap-note', role: 'status' });
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
    baseMapNote,
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
  const whatIfDate = h('input', { id: 'whatif-date', name: 'whatif-date', type: 'date', required: true });
  const whatIfLike = h('select', { id: 'whatif-like', name: 'whatif-like' });
  const whatIfAdd = h('input', {
    id: 'whatif-add',
    name: 'whatif-add',
    type: 'number',
    min: 0,
    max: 20,
    step: 1,
    value: 1,
  });
  const whatIfRemove = h('fieldset', { class: 'whatif-remove' }, h('legend', {}, 'Remove technicians'));
  const whatIfDemand = h('input', {
    id: 'whatif-demand',
    name: 'whatif-demand',
    type: 'number',
    min: 0,
    max: 10,
    step: 0.05,
    value: 1,
  });
  const whatIfSamples = h('input', {
    id: 'whatif-samples',
    name: 'whatif-samples',
    type: 'number',
    min: 1,
    max: 50,
    step: 1,
    value: 5,
  });
  const whatIfIterations = h('input', {
    id: 'whatif-iterations',
    name: 'whatif-iterations',
    type: 'number',
    min: 10,
    max: 20000,
    step: 10,
    value: 300,
  });
  const whatIfButton = h('button', { type: 'submit' }, 'Run what-if');
  const whatIfForm = h(
    'form',
    { class: 'whatif-form', 'aria-label': 'Run a what-if scenario' },
    h('label', { for: 'whatif-date' }, 'Base: jobs of'),
    whatIfDate,
    h('label', { for: 'whatif-like' }, 'Add technicians like'),
    whatIfLike,
    h('label', { for: 'whatif-add' }, 'How many'),
    whatIfAdd,
    h('label', { for: 'whatif-demand' }, 'Demand ×'),
    whatIfDemand,
    h('label', { for: 'whatif-samples' }, 'Sampled days'),
    whatIfSamples,
    h('label', { for: 'whatif-iterations' }, 'Solver iterations'),
    whatIfIterations,
    whatIfRemove,
    whatIfButton,
  );
  const whatIfRunInput = h('input', {
    id: 'whatif-run',
    name: 'whatif-run',
    placeholder: 'what-if run id',
    required: true,
    autocomplete: 'off',
  });
  const whatIfOpenForm = h(
    'form',
    { class: 'whatif-open', 'aria-label': 'Open a what-if run' },
    h('label', { for: 'whatif-run' }, 'What-if run'),
    whatIfRunInput,
    h('button', { type: 'submit' }, 'Open'),
  );
  const whatIfResult = h('div', { class: 'whatif-result', 'aria-live': 'polite' });
  const whatIfSection = h(
    'div',
    { class: 'whatif' },
    h(
      'p',
      { class: 'hint' },
      'Simulates sampled days of the base with and without the changes; never writes to Amazon.',
    ),
    whatIfForm,
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
    'Optimize-today, applying plans and running what-ifs need a planner token; this one may only read (and open a what-if run by its id).',
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
    h('h3', {}, 'What-if scenario against its base'),
    whatIfSection,
    whatIfOpenForm,
    whatIfResult,
  );

  const board = h(
    'main',
    { class: 'board', hidden: true },
    planTitle,
    planStatus,
    liveNote,
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
      const layout = layoutMap(view, project);
      svg = renderMap(view, layout, {
        width: MAP_WIDTH,
        height: MAP_HEIGHT,
        onSelect: selectJob,
      });
      // Orientation under the routes: outlines and place names, all offline.
      const context = renderContext(state.outlines, view.places ?? [], project, {
        width: MAP_WIDTH,
        height: MAP_HEIGHT,
        avoid: [...layout.routes.flatMap((r) => r.stops), ...layout.homes, ...layout.unassigned],
      });
      svg.querySelector('.map-bg')?.after(context);
      mapStage.replaceChildren(svg);
    }
    if (state.selected) selectJob(state.selected);
  };

  const showBaseMap = async (): Promise<void> => {
    state.baseMap?.destroy();
    state.baseMap = null;
    mapStage.replaceChildren();
    mapStage.classList.remove('with-basemap');
    baseMapNote.textContent = '';
    const view = state.view;
    if (!view) return;
    if (!state.tilesUrl && options.outlines !== false) {
      // The outlines come in their own chunk: the map is drawn at once, then again with them.
      const bounds = mapBounds(view);
      void loadAtlas()
        .then((atlas) => {
          if (state.view !== view || state.tilesUrl) return;
          state.outlines = contextLines(atlas, bounds);
          drawOverlay();
        })
        .catch(() => {
          baseMapNote.textContent =
            'The state and county outlines could not be loaded; place names are shown.';
        });
    }
    if (state.tilesUrl) {
      const container = h('div', { class: 'basemap-canvas' });
      mapStage.classList.add('with-basemap');
      mapStage.append(container);
      try {
        const base = await createBaseMap(container, state.tilesUrl, mapBounds(view), (note) => {
          baseMapNote.textContent = note;
        });
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

  /** The boxes ticked in a fieldset, so a redraw (a live update) keeps what the user chose. */
  const ticked = (set: HTMLElement): Set<string> =>
    new Set([...set.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((c) => c.value));

  /** A fieldset of one checkbox per technician (its value the resource id), ticks kept. */
  const technicianChecks = (slot: HTMLElement, legend: string, idPrefix: string, view: BoardView): void => {
    const was = ticked(slot);
    slot.replaceChildren(h('legend', {}, legend));
    for (const t of view.technicians) {
      const id = `${idPrefix}${t.resourceId}`;
      slot.append(
        h(
          'label',
          { for: id, class: 'check' },
          h('input', { id, type: 'checkbox', value: t.resourceId, checked: was.has(t.resourceId) }),
          ` ${t.name}`,
        ),
      );
    }
  };

  const renderSick = (view: BoardView): void =>
    technicianChecks(sickSlot, 'Unavailable today', 'sick-', view);

  const renderWhatIfTechnicians = (view: BoardView): void => {
    const chosen = whatIfLike.value;
    whatIfLike.replaceChildren(
      h('option', { value: '' }, '— none —'),
      ...view.technicians.map((t) => h('option', { value: t.resourceId }, t.name)),
    );
    if (view.technicians.some((t) => t.resourceId === chosen)) whatIfLike.value = chosen;
    technicianChecks(whatIfRemove, 'Remove technicians', 'whatif-remove-', view);
  };

  const storeNameOf = (view: BoardView): string =>
    view.storeName ?? state.stores.find((st) => st.storeId === view.storeId)?.name ?? view.storeId;

  const showView = async (view: BoardView, how: { keepSelection?: boolean } = {}): Promise<void> => {
    const selected = how.keepSelection ? state.selected : null;
    state.boardGeneration += 1;
    state.view = view;
    state.loadedAt = clock();
    state.selected = null;
    board.hidden = false;
    const storeName = storeNameOf(view);
    planTitle.textContent = `${storeName} · ${view.date} · plan ${view.planId} · ${view.status}`;
    planStatus.replaceChildren(renderPlanStatus(view));
    kpiSlot.replaceChildren(renderKpis(view, `Key figures of ${storeName} on ${view.date}`));
    const project = fitProjector(mapBounds(view), { width: MAP_WIDTH, height: MAP_HEIGHT, padding: 30 });
    legendSlot.replaceChildren(renderLegend(view, layoutMap(view, project)));
    detailsSlot.replaceChildren(renderDetails(view, null));
    unassignedSlot.replaceChildren(renderUnassigned(view, selectJob));
    renderSick(view);
    renderWhatIfTechnicians(view);
    if (!whatIfDate.value) whatIfDate.value = view.date;
    if (!compareA.value) compareA.value = view.planId;
    drawTimeline();
    await showBaseMap();
    if (selected && root.querySelector(`[data-job-id="${CSS.escape(selected)}"]`)) selectJob(selected);
  };

  const nameOfStore = (id: string): string => state.stores.find((st) => st.storeId === id)?.name ?? id;

  const fillPlanOptions = (): void => {
    // The stores by name (the config's, then any other a plan names), each once.
    const chosen = storeInput.value;
    const ids = [
      ...state.stores.map((st) => st.storeId),
      ...[...new Set(state.plans.flatMap((p) => p.storeIds))].sort(),
    ].filter((id, i, all) => all.indexOf(id) === i);
    storeInput.replaceChildren(...ids.map((id) => h('option', { value: id }, nameOfStore(id))));
    if (ids.includes(chosen)) storeInput.value = chosen;
    planOptions.replaceChildren(
      ...state.plans.map((p) =>
        h(
          'option',
          { value: p.planId },
          [p.kind, p.days.join(', '), p.storeIds.map(nameOfStore).join(', '), p.status]
            .filter(Boolean)
            .join(' · '),
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
      const query: BoardQuery = planId ? { storeId, date, planId } : { storeId, date };
      const got = await api.boardIfChanged(query, null);
      if (!got) throw new ApiError(0, 'EMPTY', 'The server sent no board.');
      state.query = query;
      state.etag = got.etag;
      state.showingProposal = false;
      await showView(got.view);
      setStatus(`Showing plan ${got.view.planId} of ${storeNameOf(got.view)}.`);
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
        state.stores = (await api.stores()) ?? [];
        signedInText.textContent = scope ? `Signed in (${scope})` : 'Signed in';
        // The server enforces scopes; the page only hides what this token may not do.
        optimizeSection.hidden = scope === 'viewer';
        whatIfSection.hidden = scope === 'viewer';
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
      if (latest?.storeIds[0]) storeInput.value = latest.storeIds[0];
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
    state.stores = [];
    state.query = null;
    state.etag = null;
    state.showingProposal = false;
    state.whatIfGeneration += 1;
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
      whatIfResult,
    ]) {
      slot.replaceChildren();
    }
    storeInput.replaceChildren();
    planOptions.replaceChildren();
    planStatus.replaceChildren();
    liveNote.textContent = '';
    compareA.value = '';
    compareB.value = '';
    whatIfRunInput.value = '';
    whatIfDate.value = '';
    baseMapNote.textContent = '';
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
        const comparison = sameDay ? compareBoards(view, result.board) : null;
        const shown = comparison ? withKeptVisits(view, result.board, comparison) : result.board;
        const showProposal = h('button', { type: 'button', class: 'show-proposal' }, 'Show it on the board');
        showProposal.addEventListener('click', () => {
          state.showingProposal = true;
          void showView(shown).then(() => {
            const kept = comparison?.kept.length ?? 0;
            planTitle.textContent =
              `${planTitle.textContent ?? ''} · proposal, not applied` +
              (kept > 0 ? ` · ${kept} visit${kept === 1 ? '' : 's'} done or under way kept` : '');
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
          renderOptimizeDiff(
            result.diff,
            result.board.timeZone,
            new Map(result.board.technicians.map((t) => [t.resourceId, t.name])),
          ),
          comparison
            ? renderComparison(view, result.board, comparison)
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
            h('h4', {}, `${storeNameOf(v)} · ${v.date} · plan ${v.planId} · ${v.status}`),
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

  const selectSampled = (id: string): void => {
    for (const el of whatIfResult.querySelectorAll<Element>('[data-job-id]')) {
      const on = el.getAttribute('data-job-id') === id;
      el.classList.toggle('selected', on);
      if (on) el.setAttribute('aria-current', 'true');
      else el.removeAttribute('aria-current');
    }
    for (const el of whatIfResult.querySelectorAll<Element>('[data-window-for]')) {
      el.classList.toggle('selected', el.getAttribute('data-window-for') === id);
    }
  };

  /** Reads the run until it has finished, showing its progress; stops when another starts. */
  const followWhatIf = async (api: BoardApi, id: string): Promise<void> => {
    const generation = ++state.whatIfGeneration;
    const half = Math.max(360, Math.floor((whatIfResult.clientWidth || 1000) / 2) - LABEL_WIDTH - 40);
    whatIfRunInput.value = id;
    for (;;) {
      let run: WhatIfRun;
      try {
        run = await api.whatIf(id);
      } catch (err) {
        if (generation !== state.whatIfGeneration) return;
        whatIfResult.replaceChildren();
        setError(message(err));
        return;
      }
      if (generation !== state.whatIfGeneration) return;
      whatIfResult.replaceChildren(renderWhatIfRun(run, { onSelect: selectSampled, timelineWidth: half }));
      if (run.status === 'succeeded' || run.status === 'failed') {
        setStatus(`What-if ${id} ${run.status}.`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      if (generation !== state.whatIfGeneration) return;
    }
  };

  /** The request the what-if form describes, or a message naming the field that is wrong. */
  const whatIfRequest = (view: BoardView): WhatIfRequest | string => {
    const date = whatIfDate.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
      return 'Base date: choose the day whose jobs the what-if starts from.';
    const count = Number(whatIfAdd.value || '0');
    if (!Number.isInteger(count) || count < 0 || count > 20)
      return 'How many: expected a whole number of technicians from 0 to 20.';
    const factor = Number(whatIfDemand.value || '1');
    if (!Number.isFinite(factor) || factor < 0 || factor > 10)
      return 'Demand ×: expected a factor from 0 to 10.';
    const samples = Number(whatIfSamples.value);
    if (!Number.isInteger(samples) || samples < 1 || samples > 50)
      return 'Sampled days: expected a whole number from 1 to 50.';
    const iterations = Number(whatIfIterations.value);
    if (!Number.isInteger(iterations) || iterations < 10 || iterations > 20000)
      return 'Solver iterations: expected a whole number from 10 to 20000.';
    const remove = [...whatIfRemove.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map(
      (c) => c.value,
    );
    const changes: WhatIfRequest['changes'] = {};
    if (whatIfLike.value && count > 0) changes.addTechnicians = [{ like: whatIfLike.value, count }];
    if (remove.length > 0) changes.removeTechnicians = remove;
    if (factor !== 1) changes.scaleDemand = [{ factor }];
    return { storeId: view.storeId, base: { kind: 'date', date }, changes, samples, iterations };
  };

  whatIfForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const api = state.api;
    const view = state.view;
    if (!api || !view) return;
    const req = whatIfRequest(view);
    if (typeof req === 'string') {
      setError(req);
      return;
    }
    void (async () => {
      setError('');
      whatIfButton.disabled = true;
      whatIfResult.replaceChildren(h('p', { class: 'whatif-progress' }, 'Starting the what-if…'));
      try {
        const started = await api.startWhatIf(req);
        setStatus(`What-if ${started.id} started.`);
        await followWhatIf(api, started.id);
      } catch (err) {
        whatIfResult.replaceChildren();
        setError(message(err));
      } finally {
        whatIfButton.disabled = false;
      }
    })();
  });

  whatIfOpenForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const api = state.api;
    if (!api) return;
    const id = whatIfRunId(whatIfRunInput.value);
    if (!id) {
      setError('What-if run: expected the run id the what-if answered with (a UUID).');
      return;
    }
    setError('');
    void followWhatIf(api, id);
  });

  // ---- keyboard access to what scrolls ------------------------------------------------------
  // Tables, lists and timelines that may scroll sideways on a narrow screen take the focus, so
  // they can be scrolled with the arrow keys too.
  const SCROLLERS = 'table, .diff-list, .table-scroll, .whatif-timeline, .timeline-slot';
  const focusScrollers = (): void => {
    for (const el of root.querySelectorAll<HTMLElement>(SCROLLERS)) {
      if (
        !el.hasAttribute('tabindex') &&
        !el.closest('.table-scroll[tabindex]') &&
        !el.querySelector('table[tabindex]')
      )
        el.setAttribute('tabindex', '0');
    }
  };
  let scrollObserver: MutationObserver | null = null;
  if (typeof MutationObserver !== 'undefined') {
    scrollObserver = new MutationObserver(focusScrollers);
    scrollObserver.observe(root, { childList: true, subtree: true });
  }
  focusScrollers();

  // ---- live updates -------------------------------------------------------------------------
  // Polling with ETags (see docs/board.md): the page asks for the shown day again with the
  // version it has, and the server answers 304 until a plan, an optimize-today apply or a
  // close-out changes it.
  let checking = false;
  const checkForChanges = async (): Promise<void> => {
    const api = state.api;
    const query = state.query;
    if (!api || !query || checking || state.showingProposal || !state.view) return;
    // A page in a background tab checks again when it is looked at.
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    checking = true;
    const generation = state.boardGeneration;
    try {
      const got = await api.boardIfChanged(query, state.etag);
      if (!got || generation !== state.boardGeneration || state.api !== api || state.showingProposal) return;
      const before = state.view;
      state.etag = got.etag;
      await showView(got.view, { keepSelection: true });
      const at = clockTimeOf(got.view);
      liveNote.textContent =
        before && before.planId !== got.view.planId
          ? `Updated at ${at}: plan ${got.view.planId} replaced plan ${before.planId}.`
          : `Updated at ${at}: the plan changed (${got.view.status}).`;
    } catch {
      // A missed check is not an error the dispatcher must act on; the next one tries again.
    } finally {
      checking = false;
    }
  };
  const clockTimeOf = (view: BoardView): string =>
    clockTime(toMs(view.now) + (clock() - state.loadedAt), view.timeZone);
  if (liveMs > 0) timers.push(setInterval(() => void checkForChanges(), liveMs));

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
      state.whatIfGeneration += 1;
      resizeObserver?.disconnect();
      scrollObserver?.disconnect();
      state.baseMap?.destroy();
    },
  };
}
