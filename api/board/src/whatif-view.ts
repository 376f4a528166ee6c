/** A what-if scenario beside its base: the KPI distributions, then one sampled day's two plans. */
import { h } from './dom.ts';
import { fitProjector, layoutMap, mapBounds } from './map-layout.ts';
import { renderMap } from './map-view.ts';
import { renderKpis } from './panels.ts';
import { renderStaffing } from './staffing-view.ts';
import { toMs } from './time.ts';
import { layoutTimeline } from './timeline-layout.ts';
import { renderTimeline } from './timeline-view.ts';
import type { BoardView, Distribution, WhatIfResult, WhatIfRun } from './types.ts';
import { alignScenario, verdictOf, whatIfRows } from './whatif.ts';

export interface WhatIfViewOptions {
  /** Called when a sampled visit is activated (map stop or timeline bar). */
  onSelect?: (serviceJobId: string) => void;
  /** Width of each timeline's time axis, px. */
  timelineWidth?: number;
}

/** A number with at most two decimals, without trailing zeros. */
const num = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '—');

/** "4 of 5 jobs" (sampled days always carry their KPIs). */
const jobsLine = (v: BoardView): string =>
  v.kpis === null ? 'jobs not counted' : `${v.kpis.jobsPlanned} of ${v.kpis.jobsInScope} jobs`;

function spread(d: Distribution | null, unit: string): string {
  if (!d) return '—';
  const u = unit ? ` ${unit}` : '';
  return d.p10 === d.p90 ? `${num(d.median)}${u}` : `${num(d.median)}${u} (${num(d.p10)}–${num(d.p90)})`;
}

const signed = (x: number): string => (x > 0 ? `+${num(x)}` : num(x));

/**
 * What the numbers mean and how sure they are: every measure comes from the simulated plans of
 * the sampled days (the spread is over those days, so few days give a rough answer); the
 * technicians row is a lower bound from a linear relaxation, not a simulated staffing answer.
 */
function whatIfNote(result: WhatIfResult, rows: readonly { key: string }[]): string {
  const days = `${result.samples} sampled day${result.samples === 1 ? '' : 's'}`;
  const parts = [
    `Each measure is what the planner's own plans of the ${days} give, base and scenario on the same days; the range is the 10th–90th percentile over those days${result.samples < 10 ? ` (only ${days}: a rough range)` : ''}.`,
  ];
  if (rows.some((r) => r.key === 'staffing'))
    parts.push(
      `The technicians row is a lower bound from a linear relaxation that ignores travel and time windows: fewer technicians cannot reach ${result.targetServedPct} %, but that many may serve much less in a real plan.`,
    );
  return parts.join(' ');
}

function renderWhatIfTable(result: WhatIfResult): HTMLElement {
  const rows = whatIfRows(result);
  return h(
    'table',
    { class: 'whatif-kpis' },
    h(
      'caption',
      {},
      `Base against scenario over ${result.samples} sampled day${result.samples === 1 ? '' : 's'}: median (10th–90th percentile)`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Measure', 'Base', 'Scenario', 'Change of the mean'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h('tfoot', {}, h('tr', {}, h('td', { colspan: '4', class: 'whatif-note' }, whatIfNote(result, rows)))),
    h(
      'tbody',
      {},
      ...rows.map((r) => {
        const verdict = verdictOf(r.delta, r.higherIsBetter);
        return h(
          'tr',
          { 'data-metric': r.key },
          h('th', { scope: 'row' }, r.label),
          h('td', { 'data-variant': 'base' }, spread(r.base, r.unit)),
          h('td', { 'data-variant': 'scenario' }, spread(r.scenario, r.unit)),
          h('td', { class: `delta ${verdict}` }, `${signed(r.delta)} (${verdict})`),
        );
      }),
    ),
  );
}

function dayColumn(
  title: string,
  variant: 'base' | 'scenario',
  view: BoardView,
  options: WhatIfViewOptions,
): HTMLElement {
  const project = fitProjector(mapBounds(view), { width: 400, height: 280, padding: 20 });
  const select = options.onSelect ? { onSelect: options.onSelect } : {};
  const width = options.timelineWidth ?? 420;
  return h(
    'section',
    { class: 'whatif-day', 'data-variant': variant, 'aria-label': title },
    h('h4', {}, title),
    renderKpis(view),
    renderMap(view, layoutMap(view, project, { spreadRadius: 8 }), {
      width: 400,
      height: 280,
      label: `Map of the ${variant}'s sampled day`,
      ...select,
    }),
    h(
      'div',
      { class: 'whatif-timeline' },
      renderTimeline(view, layoutTimeline(view, width, toMs(view.now)), {
        onSelect: options.onSelect ?? (() => {}),
      }),
    ),
  );
}

/** The two plans of the sampled day side by side, or a note when the run carries none. */
function renderWhatIfDays(result: WhatIfResult, options: WhatIfViewOptions = {}): HTMLElement {
  const rep = result.representative;
  if (!rep) {
    return h('p', { class: 'hint' }, 'This run carries no sampled plans; only the distributions above.');
  }
  const scenario = alignScenario(rep.base, rep.scenario);
  return h(
    'div',
    { class: 'whatif-sample' },
    h(
      'h4',
      {},
      `Sampled day ${rep.sample + 1} of ${result.samples} (${rep.day}), the one nearest the medians; job ids are made up`,
    ),
    h(
      'div',
      { class: 'compare-columns whatif-days' },
      dayColumn(`Base · ${jobsLine(rep.base)}`, 'base', rep.base, options),
      dayColumn(`Scenario · ${jobsLine(scenario)}`, 'scenario', scenario, options),
    ),
  );
}

/** A run's state: progress while it runs, its error, or the comparison when done. */
export function renderWhatIfRun(run: WhatIfRun, options: WhatIfViewOptions = {}): HTMLElement {
  const root = h('div', { class: 'whatif-run', 'data-run-id': run.id, 'data-status': run.status });
  if (run.status === 'failed') {
    const field = run.error?.field ? ` (${run.error.field})` : '';
    root.append(
      h(
        'p',
        { class: 'whatif-error', role: 'alert' },
        `What-if ${run.id} failed: ${run.error?.message ?? 'unknown error'}${field}`,
      ),
    );
    return root;
  }
  if (run.status !== 'succeeded' || !run.result) {
    const { done, total } = run.progress;
    root.append(
      h(
        'p',
        { class: 'whatif-progress' },
        `What-if ${run.id}: ${run.status}${total > 0 ? `, ${done} of ${total} steps done (two plans per sampled day, then the staffing levels)` : ''}…`,
      ),
    );
    return root;
  }
  root.append(
    h('p', {}, `What-if ${run.id}: ${run.result.samples} sampled days, seed ${run.result.seed}.`),
    renderWhatIfTable(run.result),
    ...[renderStaffing(run.result)].filter((x) => x !== null),
    renderWhatIfDays(run.result, options),
  );
  return root;
}
