/**
 * Builds the shared capacity model of a store (see fixpoint.ts) from what the engine and Amazon
 * know: the kinds of work Amazon sells there (each ASIN the store's jobs show, with its skills
 * and duration, and each technician skill on its own with its configured duration), every hour
 * Amazon may offer a window at (the store is scheduled over it), the routes' capacity for a job
 * of each kind starting then, and Amazon's exact capacity timelines of the store and each
 * technician with this engine's own holds taken out.
 */
import { DateTime } from 'luxon';
import { resolveServiceDuration } from '../config/index.ts';
import type { CapacityBlock } from '../pipeline/write/plan.ts';
import type { Store } from '../store/index.ts';
import type { AmazonCapacityPort, CapacitySegment, RangeCapacity } from './amazon.ts';
import type { DayModel } from './day-model.ts';
import { engineCapacity } from './engine.ts';
import { AmazonCapacityError } from './index.ts';
import type { HoldModel, ModelKind, ModelOffer } from './fixpoint.ts';

interface OfferKind {
  asin: string | null;
  skills: string[];
  durationMinutes: number;
}

/** A reservation this engine holds to keep Amazon from over-offering. */
interface OwnHold extends CapacityBlock {
  reservationId: string | undefined;
}

/** Journal keys of hold writes carry this tag, so holds are told apart from the plans' own blocks. */
export const HOLD_KEY_TAG = 'capacity-hold';

const HOUR_MS = 3_600_000;
const CAPACITY_WRITES = new Set(['createReservation', 'updateReservation', 'cancelReservation']);

function offerKinds(model: DayModel): OfferKind[] {
  const have = model.setup.technicians.map((t) => new Set(t.skills));
  const servable = (skills: readonly string[]): boolean => have.some((h) => skills.every((s) => h.has(s)));
  const rules = model.setup.rules.serviceDurations.map((r) => ({ ...r })) as Parameters<
    typeof resolveServiceDuration
  >[0];
  const duration = (asin: string | undefined, skills: string[]): number =>
    resolveServiceDuration(rules, { asin, requiredSkills: skills }, model.setup.rules.defaultServiceMinutes)
      .minutes;
  const out = new Map<string, OfferKind>();
  for (const raw of model.raws) {
    const sow = (raw as { scopeOfWork?: { asin?: unknown; requiredSkills?: unknown } }).scopeOfWork;
    if (typeof sow?.asin !== 'string') continue;
    const skills = (Array.isArray(sow.requiredSkills) ? sow.requiredSkills : [])
      .filter((s): s is string => typeof s === 'string')
      .sort();
    if (skills.length === 0 || !servable(skills)) continue;
    out.set(`${sow.asin}|${skills.join('+')}`, {
      asin: sow.asin,
      skills,
      durationMinutes: duration(sow.asin, skills),
    });
  }
  const skills = [...new Set(model.setup.technicians.flatMap((t) => t.skills))].sort();
  for (const s of skills)
    out.set(`|${s}`, { asin: null, skills: [s], durationMinutes: duration(undefined, [s]) });
  return [...out.values()].sort(
    (a, b) => (a.asin ?? '~').localeCompare(b.asin ?? '~') || a.skills.join().localeCompare(b.skills.join()),
  );
}

/** Matrix indices of the places a buyer of this kind may be at: the store, each pending job of the kind, and each shopper of the kind. */
function probeLocations(model: DayModel, kind: OfferKind): number[] {
  const onRoutes = new Set(model.routes.flatMap((r) => r.jobIds));
  const key = kind.skills.join('+');
  const out = new Set<number>([model.storeLocation]);
  for (const job of model.built.problem.jobs) {
    const p = model.jobs.get(job.id);
    if (p === undefined || p.activeAppointment !== undefined || onRoutes.has(job.id)) continue;
    if ([...p.skills].sort().join('+') !== key) continue;
    if (kind.asin !== null && p.asin !== kind.asin) continue;
    out.add(job.location);
  }
  // Buyers whose preferred times lie after these days may book now too (the storefront sells them any slot).
  for (const s of model.shoppers) {
    if (s.skills.join('+') !== key) continue;
    if (kind.asin !== null && s.asin !== kind.asin) continue;
    out.add(s.location);
  }
  return [...out].sort((a, b) => a - b);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Reservations this engine holds for the store, folded from the journal (the nightly plan may take one over). */
async function ownHolds(db: Store, storeId: string): Promise<OwnHold[]> {
  const entries: {
    resolvedAt: string;
    entryId: number;
    ours: boolean;
    operation: string;
    body: unknown;
    result: unknown;
  }[] = [];
  for (const p of await db.plans.list({ storeId, limit: 200 })) {
    for (const e of await db.journal.list(p.planId)) {
      if (e.state !== 'succeeded' || !CAPACITY_WRITES.has(e.operation)) continue;
      const block = (e.requestBody as { block?: CapacityBlock } | null)?.block;
      // Earlier publishes held the store resource itself with TRAVEL reservations: those are ours too.
      const ours =
        e.idempotencyKey.includes(`|${HOLD_KEY_TAG}|`) ||
        (p.kind === 'manual' && block?.resourceId === storeId && block.type === 'TRAVEL');
      entries.push({
        resolvedAt: e.resolvedAt ?? '',
        entryId: e.entryId,
        ours,
        operation: e.operation,
        body: e.requestBody,
        result: e.result,
      });
    }
  }
  entries.sort((a, b) => a.resolvedAt.localeCompare(b.resolvedAt) || a.entryId - b.entryId);
  const held = new Map<string, OwnHold & { ours: boolean }>();
  let unknown = 0;
  for (const e of entries) {
    const body = (e.body ?? {}) as { block?: CapacityBlock; reservationId?: string };
    const answered = (e.result as { reservationId?: string } | null)?.reservationId;
    const id = body.reservationId ?? answered;
    if (e.operation === 'cancelReservation') {
      if (id !== undefined) held.delete(id);
    } else if (e.operation === 'updateReservation' && body.block !== undefined) {
      // An update replaces the reservation: Amazon answers with the new reservationId.
      if (body.reservationId !== undefined) held.delete(body.reservationId);
      const now = answered ?? body.reservationId;
      held.set(now ?? `?${unknown++}`, { ...body.block, reservationId: now, ours: e.ours });
    } else if (body.block !== undefined) {
      held.set(id ?? `?${unknown++}`, { ...body.block, reservationId: id, ours: e.ours });
    }
  }
  return [...held.values()].filter((h) => h.ours).map(({ ours: _ours, ...h }) => h);
}

/** Per cell, the minimum of SCHEDULED − RESERVED − ENCUMBERED (+ the given holds taken back out). */
function rawPerCell(
  range: RangeCapacity,
  holds: readonly { start: number; end: number }[],
  origin: number,
  cellMs: number,
  cells: number,
): { raw: number[]; scheduled: number[] } {
  const parts: [CapacitySegment[], number][] = [
    [range.scheduled, 1],
    [range.reserved, -1],
    [range.encumbered, -1],
    [holds.map((h) => ({ start: h.start, end: h.end, capacity: 1 })), 1],
  ];
  const valueAt = (t: number, list: CapacitySegment[]): number => {
    let v = 0;
    for (const s of list) if (s.start <= t && t < s.end) v += s.capacity;
    return v;
  };
  const cuts = [...new Set(parts.flatMap(([l]) => l.flatMap((s) => [s.start, s.end])))].sort((a, b) => a - b);
  const raw: number[] = [];
  const scheduled: number[] = [];
  for (let c = 0; c < cells; c++) {
    const a = origin + c * cellMs;
    const b = a + cellMs;
    const points = [a, ...cuts.filter((t) => t > a && t < b)];
    let r = Infinity;
    let s = Infinity;
    for (const t of points) {
      r = Math.min(
        r,
        parts.reduce((sum, [l, sign]) => sum + sign * valueAt(t, l), 0),
      );
      s = Math.min(s, valueAt(t, range.scheduled));
    }
    raw.push(r);
    scheduled.push(s);
  }
  return { raw, scheduled };
}

/** Amazon's side could not be read: nothing can be published against it. */
async function read<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    const e = err as { code?: unknown; status?: unknown; name?: unknown };
    const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'ERROR';
    throw new AmazonCapacityError(typeof e.status === 'number' ? `${e.status} ${code}` : code);
  }
}

export interface BuiltOffers {
  model: HoldModel;
  kinds: OfferKind[];
  origin: number;
  cellMs: number;
  blockMs: number;
  /** Technician (resource) ids in model order. */
  technicianIds: string[];
  holds: OwnHold[];
}

export async function buildOffers(
  day: DayModel,
  deps: {
    amazon: AmazonCapacityPort;
    marketplaceId: string;
    db: Store;
    now: number;
    /** After each resource's capacity is read: `done` of `total` (the technicians, then the store). */
    onRead?: (done: number, total: number) => void;
  },
  storeId: string,
): Promise<BuiltOffers> {
  const kinds = offerKinds(day);
  const zone = day.setup.stores[0]!.timeZone;
  const days = day.setup.days;
  const local = (d: string): number => DateTime.fromISO(d, { zone }).startOf('day').toMillis();
  // Amazon's windows start on the hour: the grid runs from the hour at or before local midnight.
  const origin = Math.floor(local(days[0]!) / HOUR_MS) * HOUR_MS;
  const lastEnd = DateTime.fromISO(days[days.length - 1]!, { zone })
    .plus({ days: 1 })
    .startOf('day')
    .toMillis();
  const longest = Math.max(60, ...kinds.map((k) => k.durationMinutes));
  const cellMinutes = kinds.reduce((g, k) => gcd(g, k.durationMinutes), 60);
  const cellMs = cellMinutes * 60_000;
  const cells = Math.ceil((lastEnd + longest * 60_000 - origin) / cellMs);
  const end = origin + cells * cellMs;

  const technicians = day.setup.technicians;
  const holds = (await ownHolds(deps.db, storeId)).filter((h) => h.start < end && h.end > origin);
  const ids = technicians.map((t) => t.technicianId);
  const techRows = [];
  for (const t of technicians) {
    const range = await read(() =>
      deps.amazon.rangeCapacity(deps.marketplaceId, t.technicianId, origin, end),
    );
    const mine = holds.filter((h) => h.resourceId === t.technicianId);
    techRows.push({
      id: t.technicianId,
      skills: t.skills,
      ...rawPerCell(range, mine, origin, cellMs, cells),
    });
    deps.onRead?.(techRows.length, technicians.length + 1);
  }
  const storeRange = await read(() => deps.amazon.rangeCapacity(deps.marketplaceId, storeId, origin, end));
  deps.onRead?.(technicians.length + 1, technicians.length + 1);
  const storeHolds = holds.filter((h) => h.resourceId === storeId || ids.includes(h.resourceId));
  const store = rawPerCell(storeRange, storeHolds, origin, cellMs, cells);

  const cellsPerBlock = HOUR_MS / cellMs;
  const modelKinds: ModelKind[] = kinds.map((k) => ({
    skills: k.skills,
    cells: k.durationMinutes / cellMinutes,
  }));
  const offers: ModelOffer[] = [];
  for (const [ki, kind] of kinds.entries()) {
    const starts: number[] = [];
    for (let t = Math.max(origin, Math.ceil((deps.now + 1) / HOUR_MS) * HOUR_MS); t < lastEnd; t += HOUR_MS) {
      const c = (t - origin) / cellMs;
      const k = modelKinds[ki]!.cells;
      // Amazon offers a window only where the store is scheduled throughout.
      if (store.scheduled.slice(c, c + k).every((s) => s > 0) && c + k <= cells) starts.push(t);
    }
    if (starts.length === 0) continue;
    // Amazon sells a slot to any buyer of the kind, wherever they live: the routes' capacity is
    // taken at the store and at every pending buyer's place of the kind, and the least counts.
    const slots = starts.map((t) => ({ start: t, end: t + kind.durationMinutes * 60_000 }));
    const least = starts.map(() => Infinity);
    for (const location of probeLocations(day, kind)) {
      const engine = engineCapacity(day, slots, {
        skills: kind.skills,
        durationMinutes: kind.durationMinutes,
        location,
      });
      for (const [i, s] of engine.slots.entries()) least[i] = Math.min(least[i]!, s.capacity);
    }
    for (const [i, t] of starts.entries())
      offers.push({ kind: ki, cell: (t - origin) / cellMs, engine: least[i]! });
  }
  offers.sort((a, b) => a.cell - b.cell || a.kind - b.kind);
  return {
    model: { cells, cellsPerBlock, technicians: techRows, store, kinds: modelKinds, offers },
    kinds,
    origin,
    cellMs,
    blockMs: HOUR_MS,
    technicianIds: ids,
    holds,
  };
}
