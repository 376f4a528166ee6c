/**
 * Signing in and out, and loading the board the pickers name, through the contract-typed
 * client (the token is kept in that client, in memory only).
 */
import { ApiError, BoardApi, type BoardQuery } from './api-client.ts';
import { fillPlanOptions, showView } from './board-view.ts';
import { message, storeNameOf, type Ctx } from './state.ts';
import { localDate } from './time.ts';

/** Loads the board of the store, date and (optional) plan id the pickers name. */
export async function loadBoard(ctx: Ctx): Promise<void> {
  const { state, page, setError, setStatus } = ctx;
  const api = state.api;
  if (!api) return;
  setError('');
  const storeId = page.storeInput.value.trim();
  const date = page.dateInput.value;
  if (!storeId || !date) {
    setError('Choose a store and a date.');
    return;
  }
  setStatus('Loading the plan…');
  try {
    const planId = page.planInput.value.trim();
    const query: BoardQuery = planId ? { storeId, date, planId } : { storeId, date };
    const got = await api.boardIfChanged(query, null);
    if (!got) throw new ApiError(0, 'EMPTY', 'The server sent no board.');
    state.query = query;
    state.etag = got.etag;
    state.showingProposal = false;
    await showView(ctx, got.view);
    setStatus(`Showing plan ${got.view.planId} of ${storeNameOf(state, got.view)}.`);
  } catch (err) {
    setStatus('');
    setError(message(err));
  }
}

/** Checks the token, reads the plans and stores it may see, then shows the latest board. */
export async function signIn(ctx: Ctx, token: string): Promise<void> {
  const { state, page, options, setError, setStatus } = ctx;
  const api = new BoardApi(token, options.fetch ? { fetch: options.fetch } : {});
  setError('');
  setStatus('Signing in…');
  try {
    const { scope } = await api.session();
    state.plans = await api.plans();
    state.stores = (await api.stores()) ?? [];
    page.signedInText.textContent = scope ? `Signed in (${scope})` : 'Signed in';
    // The server enforces scopes; the page only hides what this token may not do.
    page.optimizeSection.hidden = scope === 'viewer';
    page.whatIfSection.hidden = scope === 'viewer';
    page.viewerNote.hidden = scope !== 'viewer';
  } catch (err) {
    setStatus('');
    setError(message(err));
    return;
  }
  state.api = api;
  page.signInForm.hidden = true;
  page.signedIn.hidden = false;
  fillPlanOptions(ctx);
  // The board route picks the day's latest plan that has routes; the history gives store and day.
  const latest = state.plans.find((p) => p.storeIds.length > 0 && p.days.length > 0);
  if (latest?.storeIds[0]) page.storeInput.value = latest.storeIds[0];
  if (!page.dateInput.value)
    page.dateInput.value =
      latest?.days[0] ?? localDate(ctx.clock(), Intl.DateTimeFormat().resolvedOptions().timeZone);
  setStatus('Signed in.');
  if (page.storeInput.value && page.dateInput.value) await loadBoard(ctx);
}

/** Forgets the token and everything read with it, and empties every view. */
export function signOut(ctx: Ctx): void {
  const { state, page } = ctx;
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
  page.board.hidden = true;
  for (const slot of [
    page.kpiSlot,
    page.mapStage,
    page.legendSlot,
    page.detailsSlot,
    page.unassignedSlot,
    page.timelineSlot,
    page.optimizeResult,
    page.compareResult,
    page.whatIfResult,
  ]) {
    slot.replaceChildren();
  }
  page.storeInput.replaceChildren();
  page.planOptions.replaceChildren();
  page.planStatus.replaceChildren();
  page.liveNote.textContent = '';
  page.compareA.value = '';
  page.compareB.value = '';
  page.whatIfRunInput.value = '';
  page.whatIfDate.value = '';
  page.baseMapNote.textContent = '';
  page.signInForm.hidden = false;
  page.signedIn.hidden = true;
  ctx.setStatus('Signed out.');
  page.tokenInput.focus();
}
