/**
 * The what-if's staffing answer as a planner reads it: N technicians of a profile serve X %
 * (10th–90th percentile over the sampled days), found by planning those days with the solver;
 * the LP's number beside it is labelled as what it is — a lower bound that ignores travel and
 * time windows, with what the simulation serves at that number.
 */
import { h } from './dom.ts';
import type { Distribution, WhatIfResult } from './types.ts';

type StaffingAnswer = NonNullable<WhatIfResult['staffing']>;

const PERCENTILE: Record<StaffingAnswer['percentile'], string> = {
  p10: '10th percentile (9 sampled days in 10)',
  median: 'median (half the sampled days)',
  p90: '90th percentile (1 sampled day in 10)',
};

const pct = (d: Distribution): string =>
  d.p10 === d.p90 ? `${d.median} %` : `${d.median} % (${d.p10}–${d.p90} %, 10th–90th percentile)`;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function answerLine(a: StaffingAnswer): string {
  const profile = `profile ${a.profile.skills.join(' + ') || 'without skills'} (like ${a.profile.like})`;
  const others =
    a.otherTechnicians.max > 0
      ? `, beside the scenario's ${a.otherTechnicians.median} other technicians`
      : '';
  if (!a.reached || a.technicians === null || a.servedPct === null)
    return `No staffing answer for ${a.targetServedPct} % at the ${PERCENTILE[a.percentile]}: ${a.note ?? 'not reached'}.`;
  const exact = a.smallest ? '' : ` (fewer may do: ${a.note ?? 'the search stopped'})`;
  return `${plural(a.technicians, 'technician')} of ${profile}${others} serve ${pct(a.servedPct)} of the sampled days' jobs; the target, ${a.targetServedPct} % at the ${PERCENTILE[a.percentile]}, is met${exact}.`;
}

function boundLine(a: StaffingAnswer): string {
  if (a.lowerBound.technicians === null)
    return 'Lower bound from linear programming: none (it ignores travel, time windows and the order of visits, and even so no number of this profile reaches the target).';
  const first = a.steps.find((s) => s.technicians === a.lowerBound.technicians);
  const served = first ? `; planned with that many, the sampled days are served ${pct(first.servedPct)}` : '';
  return `Lower bound from linear programming: ${a.lowerBound.technicians} (it ignores travel, time windows and the order of visits, so fewer cannot reach the target but that many may serve much less${served}). It is the search's starting point, not the answer.`;
}

/** The staffing section of a finished what-if; nothing when the run did not ask for one. */
export function renderStaffing(result: WhatIfResult): HTMLElement | null {
  const a = result.staffing;
  if (!a) return null;
  const how = `Found by planning the ${plural(a.samples, 'sampled day')} with the solver (${a.iterations} iterations a day) at ${plural(a.steps.length, 'staffing level')}: ${a.steps.map((s) => `${s.technicians} → ${s.servedPct.median} %${s.met ? ' ✓' : ''}`).join(', ') || 'none'}.`;
  return h(
    'section',
    { class: 'whatif-staffing', 'aria-label': 'Staffing answer', 'data-reached': String(a.reached) },
    h('h4', {}, 'Staffing answer (simulated)'),
    h('p', { class: 'staffing-answer' }, answerLine(a)),
    h('p', { class: 'staffing-bound' }, boundLine(a)),
    h('p', { class: 'hint' }, how),
  );
}
