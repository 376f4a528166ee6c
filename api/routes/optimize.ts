/**
 * `POST /v1/optimize-today` (planner): re-plans the store's current local day around what
 * is happening. Visits under way and those starting within the freeze horizon stay where
 * they are; new and urgent jobs are pulled and inserted; unavailable technicians are taken
 * out and their later visits go to others or are reported with the reason. It is the
 * planning run (pull → normalise → pin → solve → plan → diff → write-back) on one store and
 * day, solving until the request's budget is spent. Answers with the new plan as the board
 * shows it and the diff against what Amazon holds; with `apply` the write-back is made.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { appointmentChange } from '../../src/pipeline/write/diff.ts';
import type { PlanningIssue } from '../../src/pipeline/issues.ts';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import { maySeePersonalData, requireScope } from '../auth.ts';
import { bodyErrors, OptimizeResultSchema, type TodayDiff } from '../contract/index.ts';
import type { ApiContext } from '../context.ts';
import type { StartRun } from '../planner.ts';
import { ApiError, badRequest } from '../errors.ts';
import { StoreIdSchema } from '../schemas.ts';
import { boardFor } from '../boards.ts';
import { serviceJobRecordsFromWire, type ServiceJobRecord } from '../../src/store/index.ts';

const OptimizeBody = z
  .object({
    storeId: StoreIdSchema,
    timeBudgetMs: z
      .number({ error: 'expected the time budget in milliseconds' })
      .int()
      .min(500, { error: 'must be at least 500 ms' })
      .max(600_000, { error: 'must be at most 600 000 ms (10 minutes)' }),
    apply: z.boolean().default(false),
    unavailableTechnicians: z.array(z.string().min(1).max(200)).max(500).default([]),
    freezeMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .optional(),
  })
  .strict();

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * What the plan changes against what Amazon holds now (each appointment's `current`), judged
 * as the write-back's diff judges it (appointmentChange), a crew in another order not counting
 * as reassigned.
 */
export function diffAgainstCurrent(plan: Plan, issues: readonly PlanningIssue[]): TodayDiff {
  const diff: TodayDiff = {
    rescheduled: [],
    reassigned: [],
    added: [],
    unassigned: [],
    unchanged: 0,
    actionItems: [],
  };
  for (const a of plan.appointments) {
    const cur = a.current;
    const change = appointmentChange(a);
    if (cur === undefined || change === undefined) {
      diff.added.push({
        serviceJobId: a.serviceJobId,
        start: iso(a.time.start),
        technicianIds: a.technicianIds,
      });
      continue;
    }
    if (change.time)
      diff.rescheduled.push({
        serviceJobId: a.serviceJobId,
        from: iso(cur.time.start),
        to: iso(a.time.start),
      });
    if (change.crew)
      diff.reassigned.push({
        serviceJobId: a.serviceJobId,
        from: [...cur.technicianIds].sort(),
        to: [...a.technicianIds].sort(),
      });
    if (!change.time && !change.crew) diff.unchanged += 1;
  }
  const planned = new Set(plan.appointments.map((a) => a.serviceJobId));
  // Under way when its technician went out: history, left at Amazon as it is.
  diff.unchanged += new Set((plan.underWay ?? []).filter((id) => !planned.has(id))).size;
  const unavailable = new Map(
    issues
      .filter((i) => i.code === 'TECHNICIAN_UNAVAILABLE' && i.serviceJobId)
      .map((i) => [i.serviceJobId!, i.detail]),
  );
  for (const u of plan.unassigned) {
    const why = unavailable.get(u.serviceJobId);
    diff.unassigned.push({
      serviceJobId: u.serviceJobId,
      code: u.reason,
      reason: why !== undefined ? `${why}; no other technician can take it: ${u.reason}` : u.reason,
    });
  }
  for (const i of issues) {
    if (i.level === 'error' && i.serviceJobId !== undefined)
      diff.unassigned.push({ serviceJobId: i.serviceJobId, code: i.code, reason: i.detail });
  }
  // Each job once: the plan's reason first, then the first issue that kept it out.
  const seen = new Set<string>([...planned, ...(plan.underWay ?? [])]);
  diff.unassigned = diff.unassigned.filter(
    (u) => !seen.has(u.serviceJobId) && seen.add(u.serviceJobId) !== undefined,
  );
  const reasons = new Map(diff.unassigned.map((u) => [u.serviceJobId, u.reason]));
  for (const u of plan.unassigned) {
    if (u.booked !== true && u.current === undefined) continue;
    if (planned.has(u.serviceJobId) || diff.actionItems.some((x) => x.serviceJobId === u.serviceJobId))
      continue;
    diff.actionItems.push({
      serviceJobId: u.serviceJobId,
      action: 'BUYER_NEEDS_NEW_TIME',
      text: 'buyer needs a new time',
      reason: reasons.get(u.serviceJobId) ?? u.reason,
    });
  }
  return diff;
}

/**
 * The planning run optimize-today makes for a store's local day. Booked visits Amazon holds as
 * the last plan wrote them are kept where they are (`keepPrevious`, the default): a re-plan
 * moves them only when it must (docs/replanning.md).
 */
export function todayRun(
  body: Pick<
    z.output<typeof OptimizeBody>,
    'storeId' | 'apply' | 'freezeMinutes' | 'unavailableTechnicians' | 'timeBudgetMs'
  >,
  date: string,
): StartRun {
  return {
    kind: 'optimize_today',
    date,
    days: 1,
    storeIds: [body.storeId],
    apply: body.apply,
    freezeMinutes: body.freezeMinutes,
    unavailableTechnicians: body.unavailableTechnicians,
    solverSeconds: body.timeBudgetMs / 1000,
  };
}

/** The run's jobs (Amazon's form, as the store gave them to it) as store records by id. */
function jobRecordsById(raws: readonly unknown[]): Map<string, ServiceJobRecord> {
  return new Map(serviceJobRecordsFromWire(raws).map((r) => [r.serviceJobId, r]));
}

/**
 * Time kept back from the solve for the work after it (storing, diff, report, board): a share
 * of the budget, or more when earlier calls for the store measured more (a busy machine, a
 * large day), at most half the budget.
 */
export function solveReserveMs(budgetMs: number, measuredAfterSolveMs?: number): number {
  const base = Math.min(2_000, Math.max(150, budgetMs * 0.15));
  if (measuredAfterSolveMs === undefined) return base;
  return Math.min(budgetMs * 0.5, Math.max(base, measuredAfterSolveMs * 1.25));
}

/** Per job of the day: the solver's first plan and the work after the solve grow with it. */
const RESERVE_PER_JOB_MS = 0.3;

/**
 * More time kept back for a large day, once its size is known (after the pull and before the
 * solve): `RESERVE_PER_JOB_MS` per job, so that with `reserveMs` kept back already the total stays
 * at most half the budget.
 */
export function sizeReserveMs(budgetMs: number, reserveMs: number, jobs: number): number {
  return Math.max(0, Math.min(budgetMs * 0.5 - reserveMs, jobs * RESERVE_PER_JOB_MS));
}

/** Measured time from the end of the solve (or its deadline, if later) to the answer, per server and store. */
const afterSolve = new WeakMap<ApiContext, Map<string, number>>();

function afterSolveOf(ctx: ApiContext): Map<string, number> {
  let m = afterSolve.get(ctx);
  if (m === undefined) {
    m = new Map();
    afterSolve.set(ctx, m);
  }
  return m;
}

/**
 * What a call measured of the time its reserve must cover: from the end of the solve to the
 * answer, or from the solve's deadline to the answer when the solve ran past its deadline
 * (the solver's first plan and the passes' fixed costs grow with the day).
 */
export function observedTailMs(afterSolveMs: number, sinceDeadlineMs: number): number {
  return Math.max(afterSolveMs, sinceDeadlineMs);
}

/** Rises at once with a slower call, comes down slowly with faster ones. */
export function nextAfterSolveEstimate(previous: number | undefined, observed: number): number {
  return previous === undefined ? observed : Math.max(observed, 0.8 * previous + 0.2 * observed);
}

export async function optimizeRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/optimize-today',
    {
      onRequest: requireScope('planner'),
      schema: {
        summary: "Re-plan the store's current local day around reality; apply when asked",
        operationId: 'optimizeToday',
        tags: ['plans'],
        body: OptimizeBody,
        response: { 200: OptimizeResultSchema, ...bodyErrors(409, 422, 502) },
      },
    },
    async (request) => {
      const t0 = performance.now();
      const body = request.body;
      const store = ctx.config.stores.find((s) => s.storeId === body.storeId);
      if (store === undefined) {
        throw badRequest(`store ${body.storeId} is not in the crews config`, [
          {
            path: 'body.storeId',
            message: `unknown store; expected one of ${ctx.config.stores.map((s) => s.storeId).join(', ')}`,
          },
        ]);
      }
      const known = new Set(
        ctx.config.technicians
          .filter((t) => t.stores === undefined || t.stores.includes(body.storeId))
          .map((t) => t.resourceId),
      );
      const unknown = body.unavailableTechnicians
        .map((id, i) => ({ id, i }))
        .filter(({ id }) => !known.has(id));
      if (unknown.length > 0) {
        throw badRequest(
          `unknown technicians for store ${body.storeId}`,
          unknown.map(({ i }) => ({
            path: `body.unavailableTechnicians[${i}]`,
            message: `not a technician of store ${body.storeId} in the crews config`,
          })),
        );
      }
      if (ctx.planner.running().some((r) => r.storeIds.includes(body.storeId))) {
        throw new ApiError(
          409,
          'CONFLICT',
          `a planning run for store ${body.storeId} is in progress; try again when it ends`,
        );
      }
      const date = DateTime.fromJSDate(ctx.clock(), { zone: store.timeZone }).toISODate()!;
      const measured = afterSolveOf(ctx);
      const reserve = solveReserveMs(body.timeBudgetMs, measured.get(body.storeId));
      const solveDeadline = t0 + body.timeBudgetMs - reserve;
      const state = await ctx.planner.run({
        ...todayRun(body, date),
        solveDeadline,
        solveReserveForSize: (jobs) => sizeReserveMs(body.timeBudgetMs, reserve, jobs),
        actor: `api:${request.auth?.tokenId ?? 'unknown'}`,
      });
      if (state.status === 'failed' || state.result === undefined) {
        const code = state.error?.code ?? 'RUN_FAILED';
        const status =
          code === 'LOCKED' ? 409 : code === 'NO_TECHNICIANS' || code === 'NO_STORES' ? 422 : 502;
        throw new ApiError(status, code, state.error?.message ?? 'the run failed');
      }
      const result = state.result;
      const tRun = performance.now();
      const board = await boardFor(
        ctx,
        result.planId,
        body.storeId,
        date,
        maySeePersonalData(request),
        result.issues,
        // A dry run changed nothing at Amazon or in the store: the jobs it read are the board's.
        { plan: result.plan, ...(body.apply ? {} : { jobs: jobRecordsById(result.jobs) }) },
      );
      const diff = diffAgainstCurrent(result.plan, result.issues);
      const answerMs = performance.now() - tRun;
      const solvedToRunEnd = result.timingsMs['after-solve'];
      // Only a dry run's tail is a guide (a write-back is not bounded by the budget).
      if (solvedToRunEnd !== undefined && !body.apply) {
        measured.set(
          body.storeId,
          nextAfterSolveEstimate(
            measured.get(body.storeId),
            observedTailMs(solvedToRunEnd + answerMs, performance.now() - solveDeadline),
          ),
        );
      }
      return {
        planId: result.planId,
        applied: body.apply,
        outcome: result.outcome,
        date,
        board,
        diff,
        writeBack: body.apply
          ? {
              calls: result.report.writeBack.callsMade,
              failures: result.report.writeBack.failures,
              inDoubt: result.report.writeBack.inDoubt,
            }
          : { planned: result.report.writeBack.planned },
        elapsedMs: Math.round(performance.now() - t0),
        timingsMs: { ...result.timingsMs, run: Math.round(tRun - t0), answer: Math.round(answerMs) },
      };
    },
  );
}
