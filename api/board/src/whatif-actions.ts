/**
 * The what-if scenarios on the board: the form's request, starting a run, opening one by its
 * id, and following a run until it has finished.
 */
import type { BoardApi } from './api-client.ts';
import { h } from './dom.ts';
import { LABEL_WIDTH, message, type Ctx } from './state.ts';
import type { BoardView, WhatIfRequest, WhatIfRun } from './types.ts';
import { whatIfRunId } from './whatif.ts';
import { renderWhatIfRun } from './whatif-view.ts';

/** Marks one sampled job selected in the what-if result (its own views, not the board's). */
function selectSampled(ctx: Ctx, id: string): void {
  const { whatIfResult } = ctx.page;
  for (const el of whatIfResult.querySelectorAll<Element>('[data-job-id]')) {
    const on = el.getAttribute('data-job-id') === id;
    el.classList.toggle('selected', on);
    if (on) el.setAttribute('aria-current', 'true');
    else el.removeAttribute('aria-current');
  }
  for (const el of whatIfResult.querySelectorAll<Element>('[data-window-for]')) {
    el.classList.toggle('selected', el.getAttribute('data-window-for') === id);
  }
}

/** Reads the run until it has finished, showing its progress; stops when another starts. */
async function followWhatIf(ctx: Ctx, api: BoardApi, id: string): Promise<void> {
  const { state, page, setError } = ctx;
  const { whatIfResult } = page;
  const pollMs = ctx.options.pollMs ?? 500;
  const generation = ++state.whatIfGeneration;
  const half = Math.max(360, Math.floor((whatIfResult.clientWidth || 1000) / 2) - LABEL_WIDTH - 40);
  page.whatIfRunInput.value = id;
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
    whatIfResult.replaceChildren(
      renderWhatIfRun(run, { onSelect: (job) => selectSampled(ctx, job), timelineWidth: half }),
    );
    if (run.status === 'succeeded' || run.status === 'failed') {
      ctx.setStatus(`What-if ${id} ${run.status}.`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    if (generation !== state.whatIfGeneration) return;
  }
}

/** The request the what-if form describes, or a message naming the field that is wrong. */
function whatIfRequest(ctx: Ctx, view: BoardView): WhatIfRequest | string {
  const { whatIfDate, whatIfAdd, whatIfDemand, whatIfSamples, whatIfIterations, whatIfRemove, whatIfLike } =
    ctx.page;
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
}

/** The what-if form: starts the run it describes and follows it. */
export function startWhatIf(ctx: Ctx): void {
  const { state, page, setError } = ctx;
  const api = state.api;
  const view = state.view;
  if (!api || !view) return;
  const req = whatIfRequest(ctx, view);
  if (typeof req === 'string') {
    setError(req);
    return;
  }
  void (async () => {
    setError('');
    page.whatIfButton.disabled = true;
    page.whatIfResult.replaceChildren(h('p', { class: 'whatif-progress' }, 'Starting the what-if…'));
    try {
      const started = await api.startWhatIf(req);
      ctx.setStatus(`What-if ${started.id} started.`);
      await followWhatIf(ctx, api, started.id);
    } catch (err) {
      page.whatIfResult.replaceChildren();
      setError(message(err));
    } finally {
      page.whatIfButton.disabled = false;
    }
  })();
}

/** The form opening a what-if run by its id (any token may read one). */
export function openWhatIf(ctx: Ctx): void {
  const api = ctx.state.api;
  if (!api) return;
  const id = whatIfRunId(ctx.page.whatIfRunInput.value);
  if (!id) {
    ctx.setError('What-if run: expected the run id the what-if answered with (a UUID).');
    return;
  }
  ctx.setError('');
  void followWhatIf(ctx, api, id);
}
