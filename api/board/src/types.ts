/**
 * The shapes the board reads from the API (`GET /v1/board`, `POST /v1/optimize-today`).
 * Times are ISO-8601 UTC strings; the page shows them in the view's `timeZone`.
 */

export interface Interval {
  start: string;
  end: string;
}

export interface BoardKpis {
  jobsInScope: number;
  jobsPlanned: number;
  demandCoveredPct: number;
  travelHours: number;
  serviceHours: number;
  utilisationPct: number;
  overtimeHours: number;
  onTimeRisk: number;
  techniciansUsed: number;
  techniciansAvailable: number;
}

export type Position = number[];

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}

export interface BoardTechnician {
  resourceId: string;
  name: string;
  skills: string[];
  home: { lat: number; lon: number };
  shift: Interval | null;
  territory?: PolygonGeometry | MultiPolygonGeometry;
}

export type StopRisk = 'ok' | 'at-risk' | 'late';

export interface BoardStop {
  seq: number;
  serviceJobId: string;
  lat: number;
  lon: number;
  arrival: string;
  start: string;
  end: string;
  window: Interval | null;
  skills: string[];
  risk: StopRisk;
  buyer?: { name: string; address: string };
  /** Set by the page only: a visit done or under way that a proposal keeps as it was. */
  kept?: 'done' | 'under way';
  /** The job was closed out (completed or cancelled) since the plan was made. */
  closed?: 'completed' | 'cancelled';
}

export type BlockKind = 'travel' | 'service' | 'break' | 'wait';

export interface BoardBlock {
  kind: BlockKind;
  start: string;
  end: string;
  serviceJobId?: string;
}

export interface BoardRoute {
  routeId: string;
  technicianIds: string[];
  shift: Interval;
  travelMinutes: number;
  serviceMinutes: number;
  overtimeMinutes: number;
  utilisationPct: number;
  stops: BoardStop[];
  blocks: BoardBlock[];
}

export interface BoardUnassigned {
  serviceJobId: string;
  code: string;
  reason: string;
  lat?: number;
  lon?: number;
  window?: Interval | null;
  skills: string[];
}

/** A write-back call Amazon refused, with its reason. */
export interface RefusedCall {
  serviceJobId: string | null;
  operation: string;
  code: string;
  reason: string;
}

/** A place name for orientation on the offline map. */
export interface PlaceLabel {
  kind: 'city' | 'postal-code';
  name: string;
  lat: number;
  lon: number;
}

export interface BoardView {
  planId: string;
  /** `succeeded`, `partial` (some write-back calls refused, see `refused`), `failed`, … */
  status: string;
  storeId: string;
  /** The store's name (absent from older servers and from what-if sampled days). */
  storeName?: string;
  refused?: RefusedCall[];
  places?: PlaceLabel[];
  date: string;
  timeZone: string;
  generatedAt: string;
  now: string;
  kpis: BoardKpis;
  bounds: [number, number, number, number];
  technicians: BoardTechnician[];
  routes: BoardRoute[];
  unassigned: BoardUnassigned[];
}

/** One line of the optimize-today diff; the server may add fields beyond the job id. */
export interface DiffEntry {
  serviceJobId: string;
  [field: string]: unknown;
}

export interface OptimizeDiff {
  rescheduled: DiffEntry[];
  reassigned: DiffEntry[];
  added: DiffEntry[];
  unassigned: { serviceJobId: string; code: string; reason: string }[];
  unchanged: number;
}

export interface OptimizeResult {
  planId: string;
  applied: boolean;
  board: BoardView;
  diff: OptimizeDiff;
}

/** A KPI over the sampled days of a what-if. */
export interface Distribution {
  mean: number;
  min: number;
  p10: number;
  median: number;
  p90: number;
  max: number;
}

export interface WhatIfSummary {
  servedPct: Distribution;
  travelHours: Distribution;
  utilisationPct: Distribution;
  overtimeHours: Distribution;
  unservedByReason: Record<string, Distribution>;
  capacityPerSlot: Record<string, Distribution>;
  staffingTechnicians: Distribution | null;
  staffingBySkill: Record<string, number>;
}

export interface WhatIfResult {
  samples: number;
  seed: number;
  iterations: number;
  targetServedPct: number;
  capacitySkill: string | null;
  base: { summary: WhatIfSummary; days: { day: string; servedPct: number }[] };
  scenario: { summary: WhatIfSummary; days: { day: string; servedPct: number }[] };
  /** One sampled day planned for base and scenario, in the board's shape (absent on older servers). */
  representative?: { sample: number; day: string; base: BoardView; scenario: BoardView } | null;
}

export interface WhatIfRun {
  id: string;
  status: 'queued' | 'preparing' | 'running' | 'succeeded' | 'failed';
  progress: { done: number; total: number };
  createdAt: string;
  finishedAt: string | null;
  result: WhatIfResult | null;
  error: { code: string; message: string; field?: string } | null;
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
