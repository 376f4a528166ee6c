/**
 * The board page: sign-in, store/date/plan pickers, map, timeline, KPIs, unassigned jobs,
 * details, optimize-today and plan comparison. State is held in memory only.
 *
 * This file wires the page together: the skeleton (skeleton.ts), the state (state.ts), the
 * board's views (board-view.ts), signing in and loading (session.ts), the planner's actions
 * (planner-actions.ts, whatif-actions.ts) and the live updates (live.ts).
 */
import { tileUrlProblem } from './basemap.ts';
import { drawTimeline, showBaseMap } from './board-view.ts';
import { changeChecker, focusScrollers, watchTimelineWidth } from './live.ts';
import { applyProposal, comparePlans, previewOptimize } from './planner-actions.ts';
import { loadBoard, signIn, signOut } from './session.ts';
import { buildPage } from './skeleton.ts';
import { initialState, type AppOptions, type Ctx } from './state.ts';
import { openWhatIf, startWhatIf } from './whatif-actions.ts';

/** A form's submit, kept from reloading the page. */
function onSubmit(form: HTMLFormElement, act: () => void): void {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act();
  });
}

function wireSession(ctx: Ctx): void {
  const { page } = ctx;
  onSubmit(page.signInForm, () => {
    const token = page.tokenInput.value.trim();
    page.tokenInput.value = '';
    if (!token) {
      ctx.setError('Enter an API token.');
      return;
    }
    void signIn(ctx, token);
  });
  page.signOutButton.addEventListener('click', () => signOut(ctx));
  onSubmit(page.pickForm, () => void loadBoard(ctx));
}

function wireBaseMap(ctx: Ctx): void {
  const { page, state } = ctx;
  onSubmit(page.tilesForm, () => {
    const url = page.tilesInput.value.trim();
    const problem = tileUrlProblem(url);
    if (problem) {
      ctx.setError(problem);
      return;
    }
    ctx.setError('');
    state.tilesUrl = url;
    void showBaseMap(ctx);
  });
  page.tilesForm.querySelector('.tiles-off')?.addEventListener('click', () => {
    state.tilesUrl = null;
    void showBaseMap(ctx);
  });
}

function wirePlanner(ctx: Ctx): void {
  const { page } = ctx;
  onSubmit(page.optimizeForm, () => previewOptimize(ctx));
  page.applyButton.addEventListener('click', () => applyProposal(ctx));
  onSubmit(page.compareForm, () => comparePlans(ctx));
  onSubmit(page.whatIfForm, () => startWhatIf(ctx));
  onSubmit(page.whatIfOpenForm, () => openWhatIf(ctx));
}

export function startApp(root: HTMLElement, options: AppOptions = {}): { destroy(): void } {
  const clock = options.clock ?? (() => Date.now());
  const state = initialState(options, clock());
  const liveMs = options.liveMs ?? 5000;
  const timers: ReturnType<typeof setInterval>[] = [];
  const page = buildPage(root);
  const ctx: Ctx = {
    root,
    page,
    state,
    options,
    clock,
    setStatus: (text) => {
      page.statusLine.textContent = text;
    },
    setError: (text) => {
      page.errorLine.textContent = text;
    },
  };

  wireSession(ctx);
  wireBaseMap(ctx);
  wirePlanner(ctx);
  const scrollObserver = focusScrollers(root);
  const checkForChanges = changeChecker(ctx);
  if (liveMs > 0) timers.push(setInterval(() => void checkForChanges(), liveMs));
  timers.push(setInterval(() => drawTimeline(ctx), 60_000));
  const resizeObserver = watchTimelineWidth(ctx);

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
