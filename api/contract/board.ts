/**
 * The dispatch board's shape of a plan's day (`GET /v1/board`, the board in an optimize-today
 * answer, a what-if's sampled days). One definition: the server builds it
 * (src/report/board-shape.ts, api/board-view.ts) and the board page reads it
 * (api/board/src/types.ts), both through these types. Times are ISO-8601 UTC strings.
 */
import { z } from 'zod';

const IntervalSchema = z.object({ start: z.string(), end: z.string() });
export type Interval = z.infer<typeof IntervalSchema>;

const GeoPointSchema = z.object({ lat: z.number(), lon: z.number() });

const StopRiskSchema = z.enum(['ok', 'at-risk', 'late']);
export type StopRisk = z.infer<typeof StopRiskSchema>;

const BuyerSchema = z
  .object({ name: z.string(), address: z.string() })
  .describe("The buyer's name and address: only for planner and admin tokens");

const BoardStopSchema = z.object({
  seq: z.number().int(),
  serviceJobId: z.string(),
  lat: z.number(),
  lon: z.number(),
  arrival: z.string(),
  start: z.string(),
  end: z.string(),
  window: IntervalSchema.nullable(),
  skills: z.array(z.string()),
  risk: StopRiskSchema,
  buyer: BuyerSchema.optional(),
  closed: z
    .enum(['completed', 'cancelled'])
    .optional()
    .describe('The job was closed out (completed or cancelled) since the plan was made'),
});
export type BoardStop = z.infer<typeof BoardStopSchema>;

const BlockKindSchema = z.enum(['travel', 'service', 'break', 'wait']);
export type BlockKind = z.infer<typeof BlockKindSchema>;

const BoardBlockSchema = z.object({
  kind: BlockKindSchema,
  start: z.string(),
  end: z.string(),
  serviceJobId: z.string().optional(),
});

const BoardRouteSchema = z.object({
  routeId: z.string(),
  technicianIds: z.array(z.string()),
  shift: IntervalSchema,
  travelMinutes: z.number(),
  serviceMinutes: z.number(),
  overtimeMinutes: z.number(),
  utilisationPct: z.number(),
  stops: z.array(BoardStopSchema),
  blocks: z.array(BoardBlockSchema),
});
export type BoardRoute = z.infer<typeof BoardRouteSchema>;

const PositionSchema = z.array(z.number());
export type Position = z.infer<typeof PositionSchema>;
const PolygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(PositionSchema)),
});
export type PolygonGeometry = z.infer<typeof PolygonSchema>;
const MultiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(PositionSchema))),
});
export type MultiPolygonGeometry = z.infer<typeof MultiPolygonSchema>;

const BoardTechnicianSchema = z.object({
  resourceId: z.string(),
  name: z.string(),
  skills: z.array(z.string()),
  home: GeoPointSchema,
  shift: IntervalSchema.nullable(),
  territory: z.union([PolygonSchema, MultiPolygonSchema]).optional(),
});
export type BoardTechnician = z.infer<typeof BoardTechnicianSchema>;

const BoardUnassignedSchema = z.object({
  serviceJobId: z.string(),
  code: z.string(),
  reason: z.string(),
  lat: z.number().optional(),
  lon: z.number().optional(),
  window: IntervalSchema.nullable().optional(),
  skills: z.array(z.string()),
});
export type BoardUnassigned = z.infer<typeof BoardUnassignedSchema>;

/** The plan's KPIs as the run's report computes them. */
export const PlanKpisSchema = z
  .object({
    jobsInScope: z.number().describe('Jobs planned plus jobs left out, each once'),
    jobsPlanned: z.number().describe('Distinct jobs with a visit on a route in scope'),
    jobsNotPlanned: z
      .number()
      .describe("Jobs left out: the solver's and those kept out by their data")
      .optional(),
    demandCoveredPct: z.number(),
    travelHours: z.number(),
    serviceHours: z.number(),
    utilisationPct: z
      .number()
      .describe('Planned service time / shift time of every technician on shift, routed or not'),
    travelSharePct: z.number().describe('Travel / (travel + service)').optional(),
    overtimeHours: z.number(),
    onTimeRisk: z
      .number()
      .describe('Jobs whose visit arrives less than 15 minutes before the latest start its window allows'),
    lateVisits: z
      .number()
      .describe('Jobs whose visit starts after the latest start its window allows')
      .optional(),
    latenessMinutes: z
      .number()
      .describe('Minutes by which late visits start after their latest start')
      .optional(),
    techniciansUsed: z.number(),
    techniciansAvailable: z.number().describe('Technicians on shift in scope'),
  })
  .describe(
    'KPIs of a plan or of one store-day of it (docs/planning-run.md#kpis); plans stored before a KPI was recorded lack it',
  );
export type PlanKpis = z.infer<typeof PlanKpisSchema>;

/** A write-back call Amazon refused, with its reason (ids, codes and Amazon's text: no buyer's data). */
export const RefusedCallSchema = z.object({
  serviceJobId: z.string().nullable(),
  operation: z.string(),
  code: z.string(),
  reason: z.string(),
});
export type RefusedCall = z.infer<typeof RefusedCallSchema>;

/** A place name for orientation on the offline map. */
const PlaceLabelSchema = z.object({
  kind: z.enum(['city', 'postal-code']),
  name: z.string(),
  lat: z.number(),
  lon: z.number(),
});
export type PlaceLabel = z.infer<typeof PlaceLabelSchema>;

export const BoardViewSchema = z.object({
  planId: z.string(),
  status: z
    .string()
    .describe(
      'succeeded, running, failed, cancelled, or partial: written back except the calls in `refused`',
    ),
  storeId: z.string(),
  storeName: z.string().optional().describe("The store's name (its id when the crews config names none)"),
  refused: z.array(RefusedCallSchema).optional(),
  places: z
    .array(PlaceLabelSchema)
    .optional()
    .describe('City and postal-code labels in and around the drawn area'),
  date: z.string(),
  timeZone: z.string(),
  generatedAt: z.string(),
  now: z.string(),
  kpis: PlanKpisSchema.nullable(),
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[west, south, east, north]'),
  technicians: z.array(BoardTechnicianSchema),
  routes: z.array(BoardRouteSchema),
  unassigned: z.array(BoardUnassignedSchema),
});
export type BoardView = z.infer<typeof BoardViewSchema>;

export const BoardStoresSchema = z.object({
  stores: z.array(z.object({ storeId: z.string(), name: z.string(), timeZone: z.string() })),
});
