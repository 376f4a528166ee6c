/**
 * A what-if scenario against its base: the rows of the side-by-side KPI table (distributions
 * over the sampled days) and the two sampled plans made comparable. No DOM here.
 */
import type { BoardView, Distribution, WhatIfResult, WhatIfSummary } from './types.ts';

export interface WhatIfRow {
  key: string;
  label: string;
  unit: string;
  base: Distribution | null;
  scenario: Distribution | null;
  /** Scenario mean minus base mean. */
  delta: number;
  /**
   * Whether a rise is an improvement; null when neither way is (the staffing bound: a linear
   * relaxation without travel or windows, so a lower bound, never the staff a plan needs).
   */
  higherIsBetter: boolean | null;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

const REASON_LABELS: Record<string, string> = {
  NO_SKILLED_TECHNICIAN: 'no skilled technician',
  NO_TEAM_LARGE_ENOUGH: 'no crew large enough',
  OUTSIDE_TERRITORY: 'outside territory',
  PIN_UNSATISFIABLE: 'fixed time cannot be kept',
  EXCEEDS_CAPACITY: 'exceeds capacity',
  NO_WINDOW_FITS: 'no window fits',
  DISPLACED: 'displaced by other work',
};

function row(
  key: string,
  label: string,
  unit: string,
  base: Distribution | null | undefined,
  scenario: Distribution | null | undefined,
  higherIsBetter: boolean | null,
): WhatIfRow {
  const b = base ?? null;
  const s = scenario ?? null;
  return {
    key,
    label,
    unit,
    base: b,
    scenario: s,
    delta: round2((s?.mean ?? 0) - (b?.mean ?? 0)),
    higherIsBetter,
  };
}

/** Every KPI of the two variants, one row each; reasons and slots of either variant appear. */
export function whatIfRows(result: WhatIfResult): WhatIfRow[] {
  const b: WhatIfSummary = result.base.summary;
  const s: WhatIfSummary = result.scenario.summary;
  const rows: WhatIfRow[] = [
    row('servedPct', 'Served', '%', b.servedPct, s.servedPct, true),
    row('travelHours', 'Travel', 'h', b.travelHours, s.travelHours, false),
    row('utilisationPct', 'Utilisation', '%', b.utilisationPct, s.utilisationPct, true),
    row('overtimeHours', 'Overtime', 'h', b.overtimeHours, s.overtimeHours, false),
  ];
  const reasons = [
    ...new Set([...Object.keys(b.unservedByReason), ...Object.keys(s.unservedByReason)]),
  ].sort();
  for (const r of reasons) {
    rows.push(
      row(
        `unserved:${r}`,
        `Unserved: ${REASON_LABELS[r] ?? r}`,
        '',
        b.unservedByReason[r],
        s.unservedByReason[r],
        false,
      ),
    );
  }
  const slots = [...new Set([...Object.keys(b.capacityPerSlot), ...Object.keys(s.capacityPerSlot)])].sort();
  const skill = result.capacitySkill ? ` (${result.capacitySkill})` : '';
  for (const slot of slots) {
    rows.push(
      row(
        `capacity:${slot}`,
        `Free capacity ${slot}${skill}`,
        '',
        b.capacityPerSlot[slot],
        s.capacityPerSlot[slot],
        true,
      ),
    );
  }
  if (b.staffingTechnicians || s.staffingTechnicians) {
    rows.push(
      row(
        'staffing',
        `Lower bound on technicians for ${result.targetServedPct} % served (ignores travel and windows)`,
        '',
        b.staffingTechnicians,
        s.staffingTechnicians,
        null,
      ),
    );
  }
  return rows;
}

export function verdictOf(
  delta: number,
  higherIsBetter: boolean | null,
): 'same' | 'better' | 'worse' | 'changed' {
  if (delta === 0) return 'same';
  if (higherIsBetter === null) return 'changed';
  return delta > 0 === higherIsBetter ? 'better' : 'worse';
}

/**
 * The scenario's plan with its technicians in the base's order, so each technician keeps one
 * colour in both columns; technicians the scenario removed stay listed, off, so the rows line up.
 */
export function alignScenario(base: BoardView, scenario: BoardView): BoardView {
  const inScenario = new Map(scenario.technicians.map((t) => [t.resourceId, t]));
  const technicians: BoardView['technicians'] = [];
  for (const t of base.technicians) {
    const s = inScenario.get(t.resourceId);
    if (s) technicians.push(s);
    else technicians.push({ ...t, name: `${t.name} (removed)`, shift: null });
  }
  const known = new Set(base.technicians.map((t) => t.resourceId));
  for (const t of scenario.technicians) if (!known.has(t.resourceId)) technicians.push(t);
  return { ...scenario, technicians };
}

/** A what-if run id as the API gives it (UUID); null when the text is not one. */
export function whatIfRunId(text: string): string | null {
  const id = text.trim();
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : null;
}
