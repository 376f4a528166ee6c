/**
 * Planning runs: what was planned (period, stores), how it went (status, solver stats,
 * KPIs) and the plan itself as JSON. A plan refers to jobs and technicians by id only;
 * writing personal data into it is refused.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import {
  isoTimestamp,
  readNullableJson,
  readNullableTimestamp,
  readTimestamp,
  writeJson,
} from './column-values.ts';
import type { Database, PlansTable } from './database.ts';
import { assertNoPersonalData } from './personal-data-guard.ts';
import { StoreError } from './store-error.ts';

type PlanKind = 'nightly' | 'optimize_today' | 'what_if' | 'manual';
type PlanStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
type FinishedPlanStatus = Exclude<PlanStatus, 'running'>;

export interface NewPlan {
  planId?: string;
  kind: PlanKind;
  /** Inclusive local calendar dates, YYYY-MM-DD. */
  periodStart: string;
  periodEnd: string;
  storeIds: readonly string[];
}

/** A plan without its (possibly large) content: what lists return. */
export interface PlanSummary {
  planId: string;
  kind: PlanKind;
  periodStart: string;
  periodEnd: string;
  storeIds: string[];
  status: PlanStatus;
  createdAt: string;
  finishedAt: string | null;
  solverStats: unknown;
  kpis: unknown;
  failure: { code: string; message: string | null } | null;
}

export interface PlanRecord extends PlanSummary {
  plan: unknown;
}

export interface PlanContent {
  plan?: unknown;
  solverStats?: unknown;
  kpis?: unknown;
}

export interface PlanOutcome extends PlanContent {
  status: FinishedPlanStatus;
  failure?: { code: string; message?: string };
}

export interface PlanListFilter {
  storeId?: string;
  status?: PlanStatus;
  /** Default 100. */
  limit?: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class Plans {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    /** Every read and write is confined to this seller's plans. */
    private readonly sellerId: string,
  ) {}

  async create(input: NewPlan): Promise<PlanRecord> {
    if (!DATE.test(input.periodStart) || !DATE.test(input.periodEnd) || input.periodEnd < input.periodStart) {
      throw new RangeError('plan period must be two YYYY-MM-DD dates with start <= end');
    }
    const planId = input.planId ?? randomUUID();
    await this.db.transaction().execute(async (trx) => {
      if (input.planId !== undefined) await this.#clearUnsaved(trx, planId);
      await trx
        .insertInto('plans')
        .values({
          plan_id: planId,
          seller_id: this.sellerId,
          kind: input.kind,
          period_start: input.periodStart,
          period_end: input.periodEnd,
          status: 'running',
          created_at: isoTimestamp(this.clock()),
          finished_at: null,
          solver_stats: null,
          kpis: null,
          plan: null,
          failure_code: null,
          failure_message: null,
        })
        .execute();
      const storeIds = [...new Set(input.storeIds)];
      if (storeIds.length > 0) {
        await trx
          .insertInto('plan_stores')
          .values(
            storeIds.map((storeId) => ({ plan_id: planId, store_id: storeId, seller_id: this.sellerId })),
          )
          .execute();
      }
    });
    return this.#require(planId);
  }

  /**
   * A plan id given by the caller (a queue partition's) may already name the row of an
   * attempt that stopped before its plan was saved: nothing was written under it, so the row
   * is made again. A row that holds a plan is never replaced.
   */
  async #clearUnsaved(trx: Transaction<Database>, planId: string): Promise<void> {
    const existing = await trx
      .selectFrom('plans')
      .select(['plan'])
      .where('seller_id', '=', this.sellerId)
      .where('plan_id', '=', planId)
      .executeTakeFirst();
    if (existing === undefined) return;
    if (existing.plan !== null)
      throw new StoreError(
        'PLAN_EXISTS',
        `plan ${planId} already exists with its content; resume it instead`,
      );
    await trx
      .deleteFrom('plan_stores')
      .where('seller_id', '=', this.sellerId)
      .where('plan_id', '=', planId)
      .execute();
    await trx
      .deleteFrom('plans')
      .where('seller_id', '=', this.sellerId)
      .where('plan_id', '=', planId)
      .execute();
  }

  /** Saves the solved plan (and its stats) while the run goes on, e.g. before write-back. */
  async saveContent(planId: string, content: PlanContent): Promise<PlanRecord> {
    await this.#update(planId, content, undefined);
    return this.#require(planId);
  }

  async finish(planId: string, outcome: PlanOutcome): Promise<PlanRecord> {
    await this.#update(planId, outcome, outcome);
    return this.#require(planId);
  }

  /**
   * A finished plan back to `running`, so its write-back can be made (resumed) under its own
   * id, e.g. a dry run a planner has reviewed. Refused while it is running.
   */
  async reopen(planId: string): Promise<PlanRecord> {
    const result = await this.db
      .updateTable('plans')
      .set({ status: 'running', finished_at: null, failure_code: null, failure_message: null })
      .where('seller_id', '=', this.sellerId)
      .where('plan_id', '=', planId)
      .where('status', '!=', 'running')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) {
      const existing = await this.get(planId);
      if (existing === undefined) throw new StoreError('PLAN_NOT_FOUND', `no plan ${planId}`);
      throw new StoreError('PLAN_RUNNING', `plan ${planId} is running`);
    }
    return this.#require(planId);
  }

  async get(planId: string): Promise<PlanRecord | undefined> {
    const row = await this.db
      .selectFrom('plans')
      .selectAll()
      .where('seller_id', '=', this.sellerId)
      .where('plan_id', '=', planId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const stores = await this.#storesOf([planId]);
    return { ...toSummary(row, stores.get(planId) ?? []), plan: readNullableJson(row.plan) };
  }

  /** Newest first, without plan content. */
  async list(filter: PlanListFilter = {}): Promise<PlanSummary[]> {
    let query = this.db
      .selectFrom('plans')
      .select([
        'plan_id',
        'kind',
        'period_start',
        'period_end',
        'status',
        'created_at',
        'finished_at',
        'solver_stats',
        'kpis',
        'failure_code',
        'failure_message',
      ])
      .where('seller_id', '=', this.sellerId)
      .orderBy('created_at', 'desc')
      .orderBy('plan_id')
      .limit(filter.limit ?? 100);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.storeId !== undefined) {
      const storeId = filter.storeId;
      query = query.where('plan_id', 'in', (eb) =>
        eb
          .selectFrom('plan_stores')
          .select('plan_id')
          .where('seller_id', '=', this.sellerId)
          .where('store_id', '=', storeId),
      );
    }
    const rows = await query.execute();
    const stores = await this.#storesOf(rows.map((r) => r.plan_id));
    return rows.map((row) => toSummary(row, stores.get(row.plan_id) ?? []));
  }

  async #storesOf(planIds: readonly string[]): Promise<Map<string, string[]>> {
    const byPlan = new Map<string, string[]>();
    if (planIds.length === 0) return byPlan;
    const rows = await this.db
      .selectFrom('plan_stores')
      .select(['plan_id', 'store_id'])
      .where('seller_id', '=', this.sellerId)
      .where('plan_id', 'in', [...planIds])
      .orderBy('store_id')
      .execute();
    for (const row of rows) byPlan.set(row.plan_id, [...(byPlan.get(row.plan_id) ?? []), row.store_id]);
    return byPlan;
  }

  async #update(planId: string, content: PlanContent, outcome: PlanOutcome | undefined): Promise<void> {
    for (const key of ['plan', 'solverStats', 'kpis'] as const) {
      if (content[key] !== undefined) assertNoPersonalData(content[key], `plan ${planId} ${key}`);
    }
    const result = await this.db
      .updateTable('plans')
      .set({
        ...(content.plan !== undefined && { plan: writeJson(content.plan) }),
        ...(content.solverStats !== undefined && { solver_stats: writeJson(content.solverStats) }),
        ...(content.kpis !== undefined && { kpis: writeJson(content.kpis) }),
        ...(outcome !== undefined && {
          status: outcome.status,
          finished_at: isoTimestamp(this.clock()),
          failure_code: outcome.failure?.code ?? null,
          failure_message: outcome.failure?.message ?? null,
        }),
      })
      .where('seller_id', '=', this.sellerId)
      .where('plan_id', '=', planId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) {
      const existing = await this.get(planId);
      if (existing === undefined) throw new StoreError('PLAN_NOT_FOUND', `no plan ${planId}`);
      throw new StoreError('PLAN_ALREADY_FINISHED', `plan ${planId} is already ${existing.status}`);
    }
  }

  async #require(planId: string): Promise<PlanRecord> {
    const plan = await this.get(planId);
    if (plan === undefined) throw new StoreError('PLAN_NOT_FOUND', `no plan ${planId}`);
    return plan;
  }
}

type SummaryRow = Omit<Selectable<PlansTable>, 'plan' | 'seller_id'>;

function toSummary(row: SummaryRow, storeIds: string[]): PlanSummary {
  return {
    planId: row.plan_id,
    kind: row.kind as PlanKind,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    storeIds,
    status: row.status as PlanStatus,
    createdAt: readTimestamp(row.created_at),
    finishedAt: readNullableTimestamp(row.finished_at),
    solverStats: readNullableJson(row.solver_stats),
    kpis: readNullableJson(row.kpis),
    failure: row.failure_code === null ? null : { code: row.failure_code, message: row.failure_message },
  };
}
