/**
 * Live updates and the page's upkeep: polling the shown day with ETags (see docs/board.md),
 * the timeline's clock and size, and keyboard access to what scrolls sideways.
 */
import { drawTimeline, showView } from './board-view.ts';
import type { Ctx } from './state.ts';
import { clockTime, toMs } from './time.ts';
import type { BoardView } from './types.ts';

/**
 * The check for changes: the page asks for the shown day again with the version it has, and
 * the server answers 304 until a plan, an optimize-today apply or a close-out changes it.
 */
export function changeChecker(ctx: Ctx): () => Promise<void> {
  const { state, page } = ctx;
  let checking = false;
  const clockTimeOf = (view: BoardView): string =>
    clockTime(toMs(view.now) + (ctx.clock() - state.loadedAt), view.timeZone);
  return async (): Promise<void> => {
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
      await showView(ctx, got.view, { keepSelection: true });
      const at = clockTimeOf(got.view);
      page.liveNote.textContent =
        before && before.planId !== got.view.planId
          ? `Updated at ${at}: plan ${got.view.planId} replaced plan ${before.planId}.`
          : `Updated at ${at}: the plan changed (${got.view.status}).`;
    } catch {
      // A missed check is not an error the dispatcher must act on; the next one tries again.
    } finally {
      checking = false;
    }
  };
}

// Tables, lists and timelines that may scroll sideways on a narrow screen take the focus, so
// they can be scrolled with the arrow keys too.
const SCROLLERS = 'table, .diff-list, .table-scroll, .whatif-timeline, .timeline-slot';

/** Keeps every sideways scroller under `root` focusable; returns the observer to disconnect. */
export function focusScrollers(root: HTMLElement): MutationObserver | null {
  const mark = (): void => {
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
    scrollObserver = new MutationObserver(mark);
    scrollObserver.observe(root, { childList: true, subtree: true });
  }
  mark();
  return scrollObserver;
}

/** Redraws the timeline when its width changes by more than a few pixels. */
export function watchTimelineWidth(ctx: Ctx): ResizeObserver | null {
  if (typeof ResizeObserver === 'undefined') return null;
  let lastWidth = 0;
  const resizeObserver = new ResizeObserver(() => {
    const w = ctx.page.timelineSlot.clientWidth;
    if (Math.abs(w - lastWidth) < 8) return;
    lastWidth = w;
    drawTimeline(ctx);
  });
  resizeObserver.observe(ctx.page.timelineSlot);
  return resizeObserver;
}
