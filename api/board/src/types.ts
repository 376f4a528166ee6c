/**
 * The shapes the board reads from the API (`GET /v1/board`, `POST /v1/optimize-today`, the
 * what-if routes): the API contract's types (api/contract/), so the page and the server share
 * one definition. Times are ISO-8601 UTC strings; the page shows them in the view's
 * `timeZone`. The only additions are the page's own: a stop it marks as kept.
 */
import type {
  BoardRoute as ContractRoute,
  BoardStop as ContractStop,
  BoardView as ContractView,
  OptimizeResult as ContractOptimizeResult,
  TodayDiff,
  WhatIfResult as ContractWhatIfResult,
  WhatIfRun as ContractWhatIfRun,
} from '../../contract/index.ts';

export type {
  BlockKind,
  Distribution,
  MultiPolygonGeometry,
  PlaceLabel,
  PlanKpis as BoardKpis,
  PolygonGeometry,
  Position,
  StopRisk,
  WhatIfSummary,
} from '../../contract/index.ts';

interface BoardStop extends ContractStop {
  /** Set by the page only: a visit done or under way that a proposal keeps as it was. */
  kept?: 'done' | 'under way';
  /** The job was closed out (completed or cancelled) since the plan was made. */
  closed?: 'completed' | 'cancelled';
}

export interface BoardRoute extends Omit<ContractRoute, 'stops'> {
  stops: BoardStop[];
}

export interface BoardView extends Omit<ContractView, 'routes'> {
  routes: BoardRoute[];
}

/**
 * One line of the optimize-today diff as the page lists it: the job id, then every other
 * field (each of TodayDiff's entries is one).
 */
export interface DiffEntry {
  serviceJobId: string;
  [field: string]: unknown;
}

/** The diff as the page draws it: TodayDiff, read field by field. */
export interface OptimizeDiff {
  rescheduled: DiffEntry[];
  reassigned: DiffEntry[];
  added: DiffEntry[];
  unassigned: TodayDiff['unassigned'];
  unchanged: number;
}

export interface OptimizeResult extends Omit<ContractOptimizeResult, 'board'> {
  board: BoardView;
}

export interface WhatIfResult extends Omit<ContractWhatIfResult, 'representative'> {
  representative: { sample: number; day: string; base: BoardView; scenario: BoardView } | null;
}

export interface WhatIfRun extends Omit<ContractWhatIfRun, 'result'> {
  result: WhatIfResult | null;
}

/** The changes the board's what-if form can express (a subset of the API's). */
export interface WhatIfRequest {
  storeId: string;
  base: { kind: 'date'; date: string };
  changes: {
    addTechnicians?: { like: string; count: number }[];
    removeTechnicians?: string[];
    scaleDemand?: { factor: number }[];
  };
  samples: number;
  iterations: number;
}
