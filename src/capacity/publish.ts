/**
 * Publish the engine's capacity to Amazon for one store over a few days, for every kind of work
 * at once (see fixpoint.ts and docs/capacity.md): technician hours are held with TRAVEL
 * reservations on the technician's resource so that Amazon's slot capacity, for every ASIN and
 * skill, never exceeds what the routes can absorb. The holds are a function of Amazon's capacity
 * without them and of the routes, so publishing again writes nothing, and after a plan is
 * applied one publish settles. The calls go through the plan write-back (journal before sending,
 * reconcile of calls left in doubt) under a plan record of kind `manual`.
 *
 * Only for `planning.resources: per-technician`: with `per-store` Amazon cannot tell the
 * technicians apart, so one store's kinds of work cannot be held apart either.
 */
import type { Store } from '../store/index.ts';
import { diffPlan } from '../pipeline/write/diff.ts';
import { foldLedger } from '../pipeline/write/ledger.ts';
import type { WriteOperation } from '../pipeline/write/operations.ts';
import type { CapacityBlock, Plan } from '../pipeline/write/plan.ts';
import type { ServicesPort } from '../pipeline/ports.ts';
import { publishDetail, silentProgress, type ProgressSink } from '../pipeline/progress.ts';
import { reconcile } from '../pipeline/write/reconcile.ts';
import { storePort } from '../pipeline/adapters/store.ts';
import { writeBack, type WriteBackResult } from '../pipeline/write/write-back.ts';
import { formatWireTime } from '../schedule/index.ts';
import { pullJobsShown } from '../pipeline/read/pull.ts';
import { setupFromConfig } from '../pipeline/setup/from-config.ts';
import { loadDayModel, type DayModel } from './day-model.ts';
import { holdRuns, solveHolds, type OfferState } from './fixpoint.ts';
import { capacitySlots, CapacityQueryError, daysBetween, type CapacityDeps } from './index.ts';
import { buildOffers, HOLD_KEY_TAG, type BuiltOffers } from './offers.ts';

export interface PublishDeps extends Omit<CapacityDeps, 'store'> {
  /** The store itself: the publish is recorded as a plan of kind `manual`. */
  db: Store;
  services: ServicesPort;
  actor?: string;
  /** The long steps (pull, Amazon's capacity read, the calls written); default: none shown. */
  progress?: ProgressSink;
}

export interface PublishQuery {
  storeId: string;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  /** Only list offers of work that needs this skill (the publication always covers all skills). */
  skill?: string | undefined;
  /** Length of the slots of the per-skill summary (default: the store's slot grid). */
  slotMinutes?: number | undefined;
}

/** Per slot and skill: the most the routes absorb and Amazon offers for a window starting in it. */
interface SlotSummary {
  start: string;
  end: string;
  label: string;
  skill: string;
  engine: number;
  offered: number;
}

type ShortReason = 'amazon-busy' | 'held-for-other-work' | 'store-capacity';

interface PublishedOffer {
  asin: string | null;
  skills: string[];
  start: string;
  end: string;
  /** Jobs of this kind starting here that the routes can absorb. */
  engine: number;
  /** Amazon's capacity without holds (what it would sell). */
  amazonWithoutHolds: number;
  /** Amazon's capacity with the published holds. */
  offered: number;
}

interface UnderOffer extends PublishedOffer {
  shortBy: number;
  reasons: { code: ShortReason; count: number; message: string }[];
}

export interface PublishResult {
  planId: string;
  dryRun: boolean;
  storeId: string;
  from: string;
  to: string;
  routesFrom: DayModel['routesFrom'];
  planIds: string[];
  kinds: { asin: string | null; skills: string[]; durationMinutes: number }[];
  holds: { technicianId: string; start: string; end: string }[];
  offers: PublishedOffer[];
  slots: SlotSummary[];
  underOffered: UnderOffer[];
  totals: { engine: number; offered: number; overOfferedWithoutHolds: number; underOffered: number };
  operations: { createReservation: number; updateReservation: number; cancelReservation: number };
  writeBack: WriteBackResult | null;
  outcome: 'succeeded' | 'partial' | 'nothing-to-do' | 'dry-run';
}

/** Why Amazon offers fewer than the routes can take, in the order the shortfall is explained. */
function explain(engine: number, before: OfferState, after: OfferState): UnderOffer['reasons'] {
  const out: UnderOffer['reasons'] = [];
  let left = engine - after.offered;
  const add = (code: ShortReason, n: number, message: string): void => {
    const count = Math.min(left, n);
    if (count > 0) out.push({ code, count, message });
    left -= Math.max(0, count);
  };
  add(
    'held-for-other-work',
    before.qualifiedFree - after.qualifiedFree,
    'qualified technicians are held here so that other work or other times do not over-offer',
  );
  add(
    'store-capacity',
    after.qualifiedFree - after.offered,
    "the store's AVAILABLE capacity over the window is lower than the qualified technicians free",
  );
  add(
    'amazon-busy',
    left,
    'the routes can take it, but Amazon sees no more qualified technician free for the whole window (appointments, reservations or schedule), or counts one job per technician',
  );
  return out;
}

function summarise(
  model: DayModel,
  deps: PublishDeps,
  q: PublishQuery,
  offers: readonly PublishedOffer[],
): SlotSummary[] {
  const store = deps.config.stores.find((x) => x.storeId === q.storeId)!;
  const slots = capacitySlots(model, deps.config, q.storeId, q.slotMinutes ?? store.slotGrid.slotMinutes);
  const skills = [...new Set(model.setup.technicians.flatMap((t) => t.skills))]
    .filter((s) => q.skill === undefined || s === q.skill)
    .sort();
  const out: SlotSummary[] = [];
  for (const slot of slots) {
    for (const skill of skills) {
      // The skill on its own (the kind without an ASIN) stands for the skill.
      const inSlot = offers.filter((o) => {
        const t = Date.parse(o.start);
        return o.asin === null && o.skills.join() === skill && t >= slot.start && t < slot.end;
      });
      out.push({
        start: formatWireTime(slot.start),
        end: formatWireTime(slot.end),
        label: slot.label,
        skill,
        engine: Math.max(0, ...inSlot.map((o) => o.engine)),
        offered: Math.max(0, ...inSlot.map((o) => o.offered)),
      });
    }
  }
  return out;
}

function describe(built: BuiltOffers, solved: ReturnType<typeof solveHolds>, skill: string | undefined) {
  const offers: PublishedOffer[] = [];
  const under: UnderOffer[] = [];
  let overBefore = 0;
  for (const [i, o] of built.model.offers.entries()) {
    const kind = built.kinds[o.kind]!;
    const before = solved.before[i]!;
    const after = solved.after[i]!;
    if (before.offered > o.engine) overBefore += 1;
    if (skill !== undefined && !kind.skills.includes(skill)) continue;
    const start = built.origin + o.cell * built.cellMs;
    const view: PublishedOffer = {
      asin: kind.asin,
      skills: kind.skills,
      start: formatWireTime(start),
      end: formatWireTime(start + kind.durationMinutes * 60_000),
      engine: o.engine,
      amazonWithoutHolds: before.offered,
      offered: after.offered,
    };
    offers.push(view);
    if (after.offered < o.engine && after.scheduled)
      under.push({ ...view, shortBy: o.engine - after.offered, reasons: explain(o.engine, before, after) });
  }
  return { offers, under, overBefore };
}

/** Appointments booked since the last pull (a storefront, a phone) take room on the routes: read the jobs as Amazon has them now. */
async function pullBooked(
  deps: PublishDeps,
  q: PublishQuery,
  port: ReturnType<typeof storePort>,
): Promise<void> {
  if (!deps.config.stores.some((s) => s.storeId === q.storeId)) return;
  const setup = setupFromConfig(deps.config, { date: q.from, days: 1, storeIds: [q.storeId] });
  await pullJobsShown(
    deps.services,
    port,
    {
      storeIds: [q.storeId],
      marketplaceId: deps.marketplaceId,
      now: deps.clock().getTime(),
      lookbackDays: setup.rules.pullLookbackDays,
    },
    deps.progress ?? silentProgress,
  );
}

function checkSkill(model: DayModel, q: PublishQuery): void {
  if (q.skill === undefined || model.setup.technicians.some((t) => t.skills.includes(q.skill!))) return;
  const known = [...new Set(model.setup.technicians.flatMap((t) => t.skills))].sort().join(', ');
  throw new CapacityQueryError(
    'skill',
    `no technician of store ${q.storeId} has skill ${q.skill}; expected one of ${known}`,
  );
}

/** The hold reservations as a plan of blocks, diffed against the holds Amazon has: the calls to make. */
function holdOperations(
  built: BuiltOffers,
  model: DayModel,
  q: PublishQuery,
  deps: PublishDeps,
  held: boolean[][],
): { blocks: CapacityBlock[]; ops: WriteOperation[]; counts: PublishResult['operations'] } {
  const blocks: CapacityBlock[] = holdRuns(held).map((r) => ({
    resourceId: built.technicianIds[r.technician]!,
    type: 'TRAVEL',
    start: built.origin + r.from * built.blockMs,
    end: built.origin + r.to * built.blockMs,
  }));
  const horizon = { start: built.origin, end: built.origin + built.model.cells * built.cellMs };
  const resources = [q.storeId, ...built.technicianIds];
  const plan: Plan = {
    days: model.setup.days,
    storeIds: [q.storeId],
    marketplaceId: deps.marketplaceId,
    horizon,
    routes: [],
    appointments: [],
    blocks,
    // Empty schedules put every resource of the store in scope, so a hold no longer needed is cancelled.
    schedules: resources.map((resourceId) => ({ resourceId, records: [] })),
    unassigned: [],
  };
  const ledger = {
    schedules: new Map(resources.map((r) => [r, new Set<string>()])),
    reservations: built.holds,
  };
  const ops: WriteOperation[] = diffPlan(plan, ledger, { rescheduleReasonCode: 'R1' })
    .filter((op) => op.op !== 'updateSchedule' && op.op !== 'appointment')
    .map((op) => ({ ...op, key: `${HOLD_KEY_TAG}|${op.key}` }));
  const counts = { createReservation: 0, updateReservation: 0, cancelReservation: 0 };
  for (const op of ops) if (op.op in counts) counts[op.op as keyof typeof counts] += 1;
  return { blocks, ops, counts };
}

type PublishBase = Omit<PublishResult, 'planId' | 'dryRun' | 'writeBack' | 'outcome'>;

/** Records the publish as a `manual` plan and sends the calls (unless a dry run or nothing to do). */
async function record(
  deps: PublishDeps,
  q: PublishQuery,
  port: ReturnType<typeof storePort>,
  ops: WriteOperation[],
  base: PublishBase,
  dryRun: boolean,
): Promise<PublishResult> {
  const counts = base.operations;
  const created = await deps.db.plans.create({
    kind: 'manual',
    periodStart: q.from,
    periodEnd: q.to,
    storeIds: [q.storeId],
  });
  const planId = created.planId;
  if (dryRun || ops.length === 0) {
    const outcome = dryRun ? 'dry-run' : 'nothing-to-do';
    await deps.db.plans.finish(planId, {
      status: 'succeeded',
      kpis: { capacityPublish: { outcome, ...counts } },
    });
    return { planId, dryRun, ...base, writeBack: null, outcome };
  }
  const result = await write(ops, planId, q.storeId, deps, port);
  const partial = result.failures.length > 0 || result.inDoubt > 0;
  await deps.db.plans.finish(planId, {
    status: partial ? 'failed' : 'succeeded',
    kpis: {
      capacityPublish: {
        calls: result.calls,
        failures: result.failures.length,
        inDoubt: result.inDoubt,
        ...counts,
      },
    },
    ...(partial
      ? {
          failure: {
            code: 'PARTIAL_WRITE_BACK',
            message: `${result.failures.length} calls failed, ${result.inDoubt} in doubt`,
          },
        }
      : {}),
  });
  await deps.db.audit.record({
    actor: deps.actor ?? 'api',
    action: 'capacity.publish',
    planId,
    details: {
      storeId: q.storeId,
      from: q.from,
      to: q.to,
      calls: result.calls,
      failures: result.failures.length,
    },
  });
  return { planId, dryRun: false, ...base, writeBack: result, outcome: partial ? 'partial' : 'succeeded' };
}

export async function publishCapacity(
  deps: PublishDeps,
  q: PublishQuery,
  options: { dryRun?: boolean } = {},
): Promise<PublishResult> {
  if (deps.config.planning.resources === 'per-store') {
    throw new CapacityQueryError(
      'storeId',
      'publishing capacity needs planning.resources per-technician: with per-store Amazon cannot tell technicians apart',
    );
  }
  const port = storePort(deps.db, { actor: deps.actor ?? 'api' });
  const days = daysBetween(q.from, q.to);
  await pullBooked(deps, q, port);
  const model = await loadDayModel(
    { ...deps, store: port, plans: deps.plans ?? deps.db.plans },
    { storeId: q.storeId, from: q.from, days: days.length, marketplaceId: deps.marketplaceId },
  );
  checkSkill(model, q);
  const reading = (deps.progress ?? silentProgress).start('capacity', "Reading Amazon's capacity");
  const built = await buildOffers(
    model,
    {
      amazon: deps.amazon,
      marketplaceId: deps.marketplaceId,
      db: deps.db,
      now: deps.clock().getTime(),
      onRead: (done, total) => reading.update(done, total, 'technicians, then the store'),
    },
    q.storeId,
  );
  reading.done(`${model.setup.technicians.length} technicians and the store read`);
  const solved = solveHolds(built.model);
  const { blocks, ops, counts } = holdOperations(built, model, q, deps, solved.held);
  const { offers, under, overBefore } = describe(built, solved, q.skill);
  const base: PublishBase = {
    storeId: q.storeId,
    from: q.from,
    to: q.to,
    routesFrom: model.routesFrom,
    planIds: model.planIds,
    kinds: built.kinds,
    holds: blocks.map((b) => ({
      technicianId: b.resourceId,
      start: formatWireTime(b.start),
      end: formatWireTime(b.end),
    })),
    offers,
    slots: summarise(model, deps, q, offers),
    underOffered: under,
    totals: {
      engine: offers.reduce((n, o) => n + o.engine, 0),
      offered: offers.reduce((n, o) => n + o.offered, 0),
      overOfferedWithoutHolds: overBefore,
      underOffered: under.length,
    },
    operations: counts,
  };
  return record(deps, q, port, ops, base, options.dryRun === true);
}

async function write(
  ops: WriteOperation[],
  planId: string,
  storeId: string,
  deps: PublishDeps,
  port: ReturnType<typeof storePort>,
): Promise<WriteBackResult> {
  const step = (deps.progress ?? silentProgress).start('publish', 'Publishing holds');
  // Calls done of the total, and how many Amazon refused so far; the display adds the time left.
  const ctx = {
    planId,
    marketplaceId: deps.marketplaceId,
    services: deps.services,
    journal: port.journal,
    onProgress: (p: { done: number; total: number; calls: number; failed: number }) =>
      step.update(p.done, p.total, publishDetail(p)),
  };
  const first = await writeBack(ops, ctx);
  let result = first;
  if (first.inDoubt > 0) {
    const again = foldLedger(await port.ledgerEvents([storeId]));
    await reconcile(planId, deps.marketplaceId, port.journal, deps.services, again.reservations);
    const second = await writeBack(ops, { ...ctx, onProgress: () => {} });
    result = {
      calls: first.calls + second.calls,
      failures: [...first.failures, ...second.failures],
      inDoubt: second.inDoubt,
    };
  }
  step.done(`${result.calls} calls, ${result.failures.length} refused, ${result.inDoubt} in doubt`);
  return result;
}
