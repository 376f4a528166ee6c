/**
 * Publish the engine's capacity view to Amazon for one store, skill and slot length: per slot,
 * the store's AVAILABLE capacity is brought to the number of technicians who can really take one
 * more such job in it (concurrent units, as Amazon counts capacity). Where Amazon shows more,
 * TRAVEL reservations on the store hold the difference (one unit each); where it shows less,
 * a schedule record for the store raises SCHEDULED over that slot. The calls go through the
 * plan write-back (journal before sending, reconcile of calls left in doubt), under a plan
 * record of kind `manual`, so the ledger folds them like every other capacity write and a
 * second publish of the same view makes no call.
 *
 * Only for `planning.resources: per-technician`: with `per-store` the nightly plan writes the
 * store resource's own reservations and schedule, and the two would undo each other.
 */
import type { Store } from '../store/index.ts';
import { diffPlan } from '../pipeline/diff.ts';
import { foldLedger } from '../pipeline/ledger.ts';
import type { CapacityBlock, Plan, ScheduleRecordOut } from '../pipeline/plan.ts';
import type { ServicesPort } from '../pipeline/ports.ts';
import { reconcile } from '../pipeline/reconcile.ts';
import { storePort } from '../pipeline/store-adapter.ts';
import { writeBack, type WriteBackResult } from '../pipeline/write-back.ts';
import { formatWireTime } from '../schedule/index.ts';
import {
  AmazonCapacityError,
  capacityReport,
  CapacityQueryError,
  type CapacityDeps,
  type CapacityQuery,
} from './index.ts';

export interface PublishDeps extends Omit<CapacityDeps, 'store'> {
  /** The store itself: the publish is recorded as a plan of kind `manual`. */
  db: Store;
  services: ServicesPort;
  actor?: string;
}

export interface PublishedSlot {
  start: string;
  end: string;
  /** Technicians who can really take one more job of the kind in the slot. */
  engineUnits: number;
  /** Amazon's AVAILABLE before, without this engine's earlier publish reservations. */
  amazonAvailable: number;
  /** Units held by TRAVEL reservations after the publish. */
  reservedUnits: number;
  /** SCHEDULED written for the slot when it had to be raised (null otherwise). */
  scheduleRaisedTo: number | null;
}

export interface PublishResult {
  planId: string;
  dryRun: boolean;
  slots: PublishedSlot[];
  operations: {
    updateSchedule: number;
    createReservation: number;
    updateReservation: number;
    cancelReservation: number;
  };
  writeBack: WriteBackResult | null;
  outcome: 'succeeded' | 'partial' | 'nothing-to-do' | 'dry-run';
}

export async function publishCapacity(
  deps: PublishDeps,
  q: CapacityQuery,
  options: { dryRun?: boolean } = {},
): Promise<PublishResult> {
  if (deps.config.planning.resources === 'per-store') {
    throw new CapacityQueryError(
      'storeId',
      'publishing capacity needs planning.resources per-technician: with per-store the nightly plan owns the store resource',
    );
  }
  const port = storePort(deps.db, { actor: deps.actor ?? 'api' });
  const { report, engine, fixed, model } = await capacityReport({ ...deps, store: port }, q);
  if (report.amazonError !== null) throw new AmazonCapacityError(report.amazonError);
  if (engine.slots.length === 0)
    throw new CapacityQueryError('from', 'the store offers no slot on these days');
  const storeId = q.storeId;
  const horizon = { start: engine.slots[0]!.start, end: engine.slots[engine.slots.length - 1]!.end };
  const ledgerAll = foldLedger(await port.ledgerEvents([storeId]));
  const previous = ledgerAll.reservations.filter(
    (r) => r.resourceId === storeId && r.type === 'TRAVEL' && r.start < horizon.end && r.end > horizon.start,
  );

  const blocks: CapacityBlock[] = [];
  const raise: ScheduleRecordOut[] = [];
  const slots: PublishedSlot[] = [];
  for (const s of engine.slots) {
    const f = fixed.find((x) => x.start === s.start);
    if (f === undefined) continue;
    const held = previous.filter((r) => r.start < s.end && r.end > s.start).length;
    const reserved = Math.max(0, f.reserved - held);
    const available = Math.max(0, f.scheduled - reserved - f.encumbered);
    const units = s.routes.length;
    let reservedUnits = 0;
    let raisedTo: number | null = null;
    if (available > units) {
      reservedUnits = available - units;
      for (let i = 0; i < reservedUnits; i++)
        blocks.push({ resourceId: storeId, type: 'TRAVEL', start: s.start, end: s.end });
    } else if (available < units) {
      raisedTo = reserved + f.encumbered + units;
      raise.push({ start: s.start, end: s.end, capacity: raisedTo });
    }
    slots.push({
      start: formatWireTime(s.start),
      end: formatWireTime(s.end),
      engineUnits: units,
      amazonAvailable: available,
      reservedUnits,
      scheduleRaisedTo: raisedTo,
    });
  }

  const plan: Plan = {
    days: model.setup.days,
    storeIds: [storeId],
    marketplaceId: deps.marketplaceId,
    horizon,
    routes: [],
    appointments: [],
    blocks,
    schedules: [{ resourceId: storeId, records: raise }],
    unassigned: [],
  };
  // Only this store's TRAVEL reservations are this publish's to move; the store's schedule records too.
  const ledger = { schedules: ledgerAll.schedules, reservations: previous };
  const ops = diffPlan(plan, ledger, { rescheduleReasonCode: 'R1' }).filter(
    (op) => op.op !== 'updateSchedule' || op.records.length > 0,
  );
  const counts = { updateSchedule: 0, createReservation: 0, updateReservation: 0, cancelReservation: 0 };
  for (const op of ops) if (op.op !== 'appointment') counts[op.op] += 1;

  const record = await deps.db.plans.create({
    kind: 'manual',
    periodStart: report.from,
    periodEnd: report.to,
    storeIds: [storeId],
  });
  const planId = record.planId;
  if (options.dryRun === true || ops.length === 0) {
    const outcome = options.dryRun === true ? 'dry-run' : 'nothing-to-do';
    await deps.db.plans.finish(planId, {
      status: 'succeeded',
      kpis: { capacityPublish: { outcome, ...counts } },
    });
    return { planId, dryRun: options.dryRun === true, slots, operations: counts, writeBack: null, outcome };
  }
  const ctx = { planId, marketplaceId: deps.marketplaceId, services: deps.services, journal: port.journal };
  let result = await writeBack(ops, ctx);
  if (result.inDoubt > 0) {
    const again = foldLedger(await port.ledgerEvents([storeId]));
    await reconcile(planId, deps.marketplaceId, port.journal, deps.services, again.reservations);
    const second = await writeBack(ops, ctx);
    result = {
      calls: result.calls + second.calls,
      failures: [...result.failures, ...second.failures],
      inDoubt: second.inDoubt,
    };
  }
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
      storeId,
      skill: q.skill,
      slotMinutes: q.slotMinutes,
      calls: result.calls,
      failures: result.failures.length,
    },
  });
  return {
    planId,
    dryRun: false,
    slots,
    operations: counts,
    writeBack: result,
    outcome: partial ? 'partial' : 'succeeded',
  };
}
