/**
 * Showing one board: the title, status and key figures, the map (offline or over a tile
 * server), the timeline, the side panels, the planner forms' technician lists, and the
 * selection of one job across all of them.
 */
import { createBaseMap } from './basemap.ts';
import { contextLines, loadAtlas, renderContext } from './context-map.ts';
import { h } from './dom.ts';
import { fitProjector, layoutMap, mapBounds } from './map-layout.ts';
import { renderLegend, renderMap } from './map-view.ts';
import { renderDetails, renderKpis, renderPlanStatus, renderUnassigned } from './panels.ts';
import { LABEL_WIDTH, MAP_HEIGHT, MAP_WIDTH, message, storeNameOf, type Ctx } from './state.ts';
import { toMs } from './time.ts';
import { layoutTimeline } from './timeline-layout.ts';
import { renderTimeline } from './timeline-view.ts';
import type { BoardView } from './types.ts';

/** Marks one job selected on the map, the timeline and the lists, and shows its details. */
function selectJob(ctx: Ctx, id: string): void {
  const { root, state, page } = ctx;
  const { timelineSlot } = page;
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
  if (state.view) page.detailsSlot.replaceChildren(renderDetails(state.view, id));
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
}

/** Draws the routes: over the base map when there is one, else on the offline map. */
function drawOverlay(ctx: Ctx): void {
  const { state, page } = ctx;
  const { mapStage } = page;
  const view = state.view;
  if (!view) return;
  const onSelect = (id: string): void => selectJob(ctx, id);
  const base = state.baseMap;
  let svg: SVGSVGElement;
  if (base) {
    const { width, height } = base.size();
    svg = renderMap(view, layoutMap(view, base.projector()), {
      width,
      height,
      onSelect,
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
      onSelect,
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
  if (state.selected) selectJob(ctx, state.selected);
}

/** Starts the map again for the shown board: the tile server's when one is set, else offline. */
export async function showBaseMap(ctx: Ctx): Promise<void> {
  const { state, page } = ctx;
  const { mapStage, baseMapNote } = page;
  state.baseMap?.destroy();
  state.baseMap = null;
  mapStage.replaceChildren();
  mapStage.classList.remove('with-basemap');
  baseMapNote.textContent = '';
  const view = state.view;
  if (!view) return;
  if (!state.tilesUrl && ctx.options.outlines !== false) {
    // The outlines come in their own chunk: the map is drawn at once, then again with them.
    const bounds = mapBounds(view);
    void loadAtlas()
      .then((atlas) => {
        if (state.view !== view || state.tilesUrl) return;
        state.outlines = contextLines(atlas, bounds);
        drawOverlay(ctx);
      })
      .catch(() => {
        baseMapNote.textContent = 'The state and county outlines could not be loaded; place names are shown.';
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
      base.onMove(() => drawOverlay(ctx));
    } catch (err) {
      ctx.setError(`The base map could not start (${message(err)}); showing the offline map.`);
      state.tilesUrl = null;
      mapStage.classList.remove('with-basemap');
      mapStage.replaceChildren();
    }
  }
  drawOverlay(ctx);
}

function timelineWidth(ctx: Ctx): number {
  const w = ctx.page.timelineSlot.clientWidth;
  return Math.max(480, (w > 0 ? w : 1000) - LABEL_WIDTH - 24);
}

/** Draws the timeline of the shown board, its "now" line moved on by the time since it came. */
export function drawTimeline(ctx: Ctx): void {
  const { state } = ctx;
  const view = state.view;
  if (!view) return;
  const now = toMs(view.now) + (ctx.clock() - state.loadedAt);
  ctx.page.timelineSlot.replaceChildren(
    renderTimeline(view, layoutTimeline(view, timelineWidth(ctx), now), {
      onSelect: (id) => selectJob(ctx, id),
    }),
  );
  if (state.selected) selectJob(ctx, state.selected);
}

/** The boxes ticked in a fieldset, so a redraw (a live update) keeps what the user chose. */
function ticked(set: HTMLElement): Set<string> {
  return new Set(
    [...set.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((c) => c.value),
  );
}

/** A fieldset of one checkbox per technician (its value the resource id), ticks kept. */
function technicianChecks(slot: HTMLElement, legend: string, idPrefix: string, view: BoardView): void {
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
}

function renderWhatIfTechnicians(ctx: Ctx, view: BoardView): void {
  const { whatIfLike, whatIfRemove } = ctx.page;
  const chosen = whatIfLike.value;
  whatIfLike.replaceChildren(
    h('option', { value: '' }, '— none —'),
    ...view.technicians.map((t) => h('option', { value: t.resourceId }, t.name)),
  );
  if (view.technicians.some((t) => t.resourceId === chosen)) whatIfLike.value = chosen;
  technicianChecks(whatIfRemove, 'Remove technicians', 'whatif-remove-', view);
}

/** Shows a board in every view of the page; keeps the selected job if asked and still there. */
export async function showView(
  ctx: Ctx,
  view: BoardView,
  how: { keepSelection?: boolean } = {},
): Promise<void> {
  const { state, page, root } = ctx;
  const selected = how.keepSelection ? state.selected : null;
  state.boardGeneration += 1;
  state.view = view;
  state.loadedAt = ctx.clock();
  state.selected = null;
  page.board.hidden = false;
  const storeName = storeNameOf(state, view);
  page.planTitle.textContent = `${storeName} · ${view.date} · plan ${view.planId} · ${view.status}`;
  page.planStatus.replaceChildren(renderPlanStatus(view));
  page.kpiSlot.replaceChildren(renderKpis(view, `Key figures of ${storeName} on ${view.date}`));
  const project = fitProjector(mapBounds(view), { width: MAP_WIDTH, height: MAP_HEIGHT, padding: 30 });
  page.legendSlot.replaceChildren(renderLegend(view, layoutMap(view, project)));
  page.detailsSlot.replaceChildren(renderDetails(view, null));
  page.unassignedSlot.replaceChildren(renderUnassigned(view, (id) => selectJob(ctx, id)));
  technicianChecks(page.sickSlot, 'Unavailable today', 'sick-', view);
  renderWhatIfTechnicians(ctx, view);
  if (!page.whatIfDate.value) page.whatIfDate.value = view.date;
  if (!page.compareA.value) page.compareA.value = view.planId;
  drawTimeline(ctx);
  await showBaseMap(ctx);
  if (selected && root.querySelector(`[data-job-id="${CSS.escape(selected)}"]`)) selectJob(ctx, selected);
}

/** Fills the store picker and the plan ids offered (by name, the config's stores first). */
export function fillPlanOptions(ctx: Ctx): void {
  const { state, page } = ctx;
  const nameOfStore = (id: string): string => state.stores.find((st) => st.storeId === id)?.name ?? id;
  // The stores by name (the config's, then any other a plan names), each once.
  const chosen = page.storeInput.value;
  const ids = [
    ...state.stores.map((st) => st.storeId),
    ...[...new Set(state.plans.flatMap((p) => p.storeIds))].sort(),
  ].filter((id, i, all) => all.indexOf(id) === i);
  page.storeInput.replaceChildren(...ids.map((id) => h('option', { value: id }, nameOfStore(id))));
  if (ids.includes(chosen)) page.storeInput.value = chosen;
  page.planOptions.replaceChildren(
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
}
