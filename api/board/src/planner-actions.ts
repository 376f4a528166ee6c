/**
 * The planner panel's actions: previewing optimize-today and showing its proposal, applying
 * it, and comparing two plans side by side.
 */
import type { BoardApi } from './api-client.ts';
import { showView } from './board-view.ts';
import { compareBoards, withKeptVisits } from './compare.ts';
import { h } from './dom.ts';
import { fitProjector, layoutMap, mapBounds } from './map-layout.ts';
import { renderMap } from './map-view.ts';
import { renderComparison, renderKpis, renderOptimizeDiff } from './panels.ts';
import { loadBoard } from './session.ts';
import { message, storeNameOf, type Ctx } from './state.ts';
import type { BoardView, OptimizeResult } from './types.ts';

/** The button that puts a proposal on the board (with the visits done or under way kept). */
function showProposalButton(
  ctx: Ctx,
  result: OptimizeResult,
  shown: BoardView,
  kept: number,
): HTMLButtonElement {
  const { state, page } = ctx;
  const button = h('button', { type: 'button', class: 'show-proposal' }, 'Show it on the board');
  button.addEventListener('click', () => {
    state.showingProposal = true;
    void showView(ctx, shown).then(() => {
      page.planTitle.textContent =
        `${page.planTitle.textContent ?? ''} · proposal, not applied` +
        (kept > 0 ? ` · ${kept} visit${kept === 1 ? '' : 's'} done or under way kept` : '');
      ctx.setStatus(`Showing the proposed plan ${result.planId}; apply it or pick another plan.`);
    });
  });
  return button;
}

/** Shows an optimize-today proposal beside the shown board: its changes and the comparison. */
function showProposal(ctx: Ctx, view: BoardView, result: OptimizeResult): void {
  const { page } = ctx;
  const sameDay = result.board.date === view.date && result.board.storeId === view.storeId;
  const comparison = sameDay ? compareBoards(view, result.board) : null;
  const shown = comparison ? withKeptVisits(view, result.board, comparison) : result.board;
  const button = showProposalButton(ctx, result, shown, comparison?.kept.length ?? 0);
  page.optimizeResult.replaceChildren(
    h(
      'p',
      { class: 'proposal' },
      `Proposed plan ${result.planId} for ${result.board.date} (not applied). `,
      button,
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
  page.compareB.value = result.planId;
  page.applyButton.disabled = result.applied;
}

/** The optimize-today form: asks for a proposal (never applied here) and shows it. */
export function previewOptimize(ctx: Ctx): void {
  const { state, page, setError } = ctx;
  const api = state.api;
  const view = state.view;
  if (!api || !view) return;
  const seconds = Number(page.budgetInput.value);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) {
    setError('The time budget must be between 1 and 300 seconds.');
    return;
  }
  const unavailable = [
    ...page.sickSlot.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked'),
  ].map((c) => c.value);
  const freeze = page.freezeInput.value === '' ? undefined : Number(page.freezeInput.value);
  void (async () => {
    setError('');
    page.previewButton.disabled = true;
    page.applyButton.disabled = true;
    state.proposal = null;
    page.optimizeResult.replaceChildren(h('p', {}, `Optimizing (up to ${seconds} s)…`));
    try {
      const result = await api.optimizeToday({
        storeId: view.storeId,
        timeBudgetMs: Math.round(seconds * 1000),
        apply: false,
        ...(unavailable.length > 0 ? { unavailableTechnicians: unavailable } : {}),
        ...(freeze !== undefined ? { freezeMinutes: freeze } : {}),
      });
      state.proposal = result;
      showProposal(ctx, view, result);
    } catch (err) {
      page.optimizeResult.replaceChildren();
      setError(message(err));
    } finally {
      page.previewButton.disabled = false;
    }
  })();
}

/** Applies the proposal on screen, then loads the board it made. */
export function applyProposal(ctx: Ctx): void {
  const { state, page, setError, setStatus } = ctx;
  const api = state.api;
  const proposal = state.proposal;
  if (!api || !proposal) return;
  void (async () => {
    page.applyButton.disabled = true;
    setError('');
    setStatus(`Applying plan ${proposal.planId}…`);
    try {
      await api.applyPlan(proposal.planId);
      setStatus(`Plan ${proposal.planId} applied.`);
      page.storeInput.value = proposal.board.storeId;
      page.dateInput.value = proposal.board.date;
      page.planInput.value = proposal.planId;
      state.proposal = null;
      await loadBoard(ctx);
    } catch (err) {
      page.applyButton.disabled = false;
      setStatus('');
      setError(message(err));
    }
  })();
}

/** One plan's column of the comparison: its title, key figures and a small map. */
function compareColumn(ctx: Ctx, v: BoardView): HTMLElement {
  const project = fitProjector(mapBounds(v), { width: 400, height: 280, padding: 20 });
  return h(
    'div',
    { class: 'compare-column', 'data-plan-id': v.planId },
    h('h4', {}, `${storeNameOf(ctx.state, v)} · ${v.date} · plan ${v.planId} · ${v.status}`),
    renderKpis(v),
    renderMap(v, layoutMap(v, project, { spreadRadius: 8 }), {
      width: 400,
      height: 280,
      label: `Map of plan ${v.planId}`,
    }),
  );
}

/** A plan's board for the comparison: the proposal on screen, else the plan's day (the shown one if it has it). */
async function boardOfPlan(ctx: Ctx, api: BoardApi, view: BoardView, planId: string): Promise<BoardView> {
  const { state } = ctx;
  if (state.proposal?.planId === planId) return state.proposal.board;
  const summary = state.plans.find((p) => p.planId === planId);
  const date = summary?.days.includes(view.date) || !summary?.days[0] ? view.date : summary.days[0];
  return api.board({ storeId: view.storeId, date, planId });
}

/** The comparison form: both plans side by side and what differs between them. */
export function comparePlans(ctx: Ctx): void {
  const { state, page, setError } = ctx;
  const api = state.api;
  const view = state.view;
  if (!api || !view) return;
  const a = page.compareA.value.trim();
  const b = page.compareB.value.trim();
  void (async () => {
    setError('');
    page.compareResult.replaceChildren(h('p', {}, 'Loading both plans…'));
    try {
      const [va, vb] = await Promise.all([boardOfPlan(ctx, api, view, a), boardOfPlan(ctx, api, view, b)]);
      page.compareResult.replaceChildren(
        h('div', { class: 'compare-columns' }, compareColumn(ctx, va), compareColumn(ctx, vb)),
        renderComparison(va, vb, compareBoards(va, vb)),
      );
    } catch (err) {
      page.compareResult.replaceChildren();
      setError(message(err));
    }
  })();
}
