/**
 * After optimize-today with `apply`, Amazon holds exactly the plan the answer shows. Read back
 * with getServiceJobs, inside the plan's day:
 * - every planned visit has its active appointment at the planned time with the planned
 *   technicians;
 * - every booked visit the plan leaves out keeps its time with no technician assigned (released,
 *   diff.ts), and the answer lists it as "buyer needs a new time" with its reason;
 * - a sick technician's visit under way is left as it was and counted as kept;
 * - no other active appointment exists, and nobody out sick is assigned to a later visit.
 * The answer's diff lists each job once. A second, no-change optimize-today right after it
 * drops and moves none of the booked visits. A property over seeded sellers, and the seeded
 * store-day of the issue (seed 9, 8 technicians, 120 jobs) where the inconsistency was seen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffAgainstCurrent } from '../../api/routes/optimize.ts';
import type { RunResult } from '../../src/pipeline/run.ts';
import {
  busiest,
  optimizeToday,
  readBack,
  storeDay,
  technicianUnderWay,
  type HeldAppointment,
} from './support/today.ts';

const CASES = Number(process.env['APPLY_CASES'] ?? 3);

const key = (a: { start: number; minutes: number; technicianIds: readonly string[] }): string =>
  `${new Date(a.start).toISOString()}/${a.minutes}/${[...a.technicianIds].sort().join('+')}`;

/** Every way Amazon's state after the apply differs from the plan; empty when they agree. */
function mismatches(
  result: RunResult,
  held: ReadonlyMap<string, HeldAppointment>,
  before: ReadonlyMap<string, HeldAppointment>,
  now: number,
  sick: readonly string[],
): string[] {
  const plan = result.plan;
  const out: string[] = [];
  const expected = new Map<string, string>();
  for (const a of plan.appointments)
    expected.set(
      a.serviceJobId,
      key({ start: a.time.start, minutes: a.time.minutes, technicianIds: a.technicianIds }),
    );
  for (const u of plan.unassigned) {
    if (u.current === undefined) continue;
    const { time, technicianIds } = u.current;
    // Released when it starts later: same time, nobody assigned.
    expected.set(
      u.serviceJobId,
      key({ start: time.start, minutes: time.minutes, technicianIds: time.start > now ? [] : technicianIds }),
    );
  }
  for (const id of plan.underWay ?? []) {
    const b = before.get(id);
    if (b === undefined) out.push(`${id}: under way but Amazon had no appointment for it`);
    else expected.set(id, key(b));
  }
  for (const [id, want] of expected) {
    const got = held.get(id);
    if (got === undefined) out.push(`${id}: planned ${want}, no active appointment at Amazon`);
    else if (key(got) !== want) out.push(`${id}: planned ${want}, Amazon holds ${key(got)}`);
  }
  const unplanned = new Set(
    plan.unassigned.filter((u) => u.current === undefined).map((u) => u.serviceJobId),
  );
  for (const [id, got] of held) {
    const inDay = got.start >= plan.horizon.start && got.start < plan.horizon.end;
    if (!inDay || expected.has(id)) continue;
    out.push(
      unplanned.has(id)
        ? `${id}: the plan has no appointment for it, Amazon holds ${key(got)}`
        : `${id}: Amazon holds ${key(got)}, unknown to the plan`,
    );
  }
  for (const [id, got] of held) {
    const today = got.start >= plan.horizon.start && got.start < plan.horizon.end;
    if (today && got.start > now && got.technicianIds.some((t) => sick.includes(t)))
      out.push(`${id}: still assigned to ${got.technicianIds.join('+')}, who is out`);
  }
  return out;
}

/** What is wrong with the answer's diff: a job listed twice, under way not kept, a booked drop without its action item. */
function diffProblems(result: RunResult): string[] {
  const plan = result.plan;
  const diff = diffAgainstCurrent(plan, result.issues);
  const out: string[] = [];
  const ids = diff.unassigned.map((u) => u.serviceJobId);
  for (const [i, id] of ids.entries())
    if (ids.indexOf(id) !== i) out.push(`${id} listed twice as unassigned`);
  const planned = new Set(plan.appointments.map((a) => a.serviceJobId));
  for (const id of ids) if (planned.has(id)) out.push(`${id} both planned and unassigned`);
  for (const id of plan.underWay ?? [])
    if (ids.includes(id)) out.push(`${id}: under way, listed as unassigned`);
  const changed = new Set([...diff.rescheduled, ...diff.reassigned].map((d) => d.serviceJobId));
  const kept = plan.appointments.length - changed.size - diff.added.length + (plan.underWay?.length ?? 0);
  if (diff.unchanged !== kept) out.push(`unchanged ${diff.unchanged}, expected ${kept} (under way included)`);
  const actions = new Map(diff.actionItems.map((a) => [a.serviceJobId, a]));
  for (const u of plan.unassigned) {
    if (u.current === undefined) continue;
    const a = actions.get(u.serviceJobId);
    if (a === undefined) out.push(`${u.serviceJobId}: booked, left out, no action item`);
    else if (a.text !== 'buyer needs a new time' || !a.reason.includes(u.reason))
      out.push(`${u.serviceJobId}: action item without its reason`);
  }
  return out;
}

interface Case {
  seed: number;
  technicians: number;
  jobs: number;
  time: string;
  /** Who is out: nobody, the busiest, one with a visit under way, or the n-th technician by id (1-based). */
  out: 'nobody' | 'busiest' | 'under-way' | number;
}

async function check(c: Case, iterations = { morning: 300, today: 150 }) {
  const day = await storeDay({
    seed: c.seed,
    technicians: c.technicians,
    jobs: c.jobs,
    iterations: iterations.morning,
  });
  try {
    let now = day.at(c.time);
    const sick =
      c.out === 'nobody'
        ? undefined
        : c.out === 'busiest'
          ? busiest(day, now)
          : c.out === 'under-way'
            ? technicianUnderWay(day)
            : day.world.config.technicians.map((t) => t.resourceId).sort()[c.out - 1];
    now = day.now();
    const unavailable = sick !== undefined ? [sick] : [];
    const before = await readBack(day);
    const applied = await optimizeToday(day, { apply: true, unavailable, iterations: iterations.today });
    const held = await readBack(day);
    // The same day again with nothing changed: the applied plan keeps every booked visit.
    const again = await optimizeToday(day, { apply: false, unavailable, iterations: iterations.today });
    const booked = applied.plan.appointments.filter((a) => a.time.start > day.now());
    const after = new Map(again.plan.appointments.map((a) => [a.serviceJobId, a]));
    // Booked visits of technicians at work, as the day's plan wrote them: none may be dropped.
    const morning = new Map(day.morning.plan.appointments.map((a) => [a.serviceJobId, a]));
    const planned = new Set(applied.plan.appointments.map((a) => a.serviceJobId));
    const dropped = [...before.values()]
      .filter((b) => b.start > now && b.start < applied.plan.horizon.end && b.technicianIds.length > 0)
      .filter((b) => !b.technicianIds.some((t) => unavailable.includes(t)))
      .filter((b) => {
        const m = morning.get(b.serviceJobId);
        return m !== undefined && key({ ...m.time, technicianIds: m.technicianIds }) === key(b);
      })
      .filter((b) => !planned.has(b.serviceJobId))
      .map((b) => b.serviceJobId);
    return {
      sick,
      dropped,
      underWay: applied.plan.underWay ?? [],
      released: applied.plan.unassigned.filter((u) => u.current !== undefined).length,
      failures: applied.writeBack?.failures.map((f) => `${f.operation} ${f.code}`) ?? [],
      mismatches: mismatches(applied, held, before, now, unavailable),
      diff: diffProblems(applied),
      againDropped: booked.filter((a) => !after.has(a.serviceJobId)).map((a) => a.serviceJobId),
      againMoved: booked
        .filter((a) => {
          const b = after.get(a.serviceJobId);
          return (
            b !== undefined &&
            key({ ...b.time, technicianIds: b.technicianIds }) !==
              key({ ...a.time, technicianIds: a.technicianIds })
          );
        })
        .map((a) => a.serviceJobId),
    };
  } finally {
    await day.close();
  }
}

const clean = (o: Awaited<ReturnType<typeof check>>) => ({
  dropped: o.dropped,
  failures: o.failures,
  mismatches: o.mismatches,
  diff: o.diff,
  againDropped: o.againDropped,
  againMoved: o.againMoved,
});
const none = { dropped: [], failures: [], mismatches: [], diff: [], againDropped: [], againMoved: [] };

describe('optimize-today with apply leaves Amazon as the plan says', () => {
  // The nightly plan leaves booked visits unserved at Amazon (not released); optimize-today's
  // holds for them were moved off a route whose booked visit they left out, and new work then
  // took the unit Amazon still counts for them: the new appointment was refused.
  it('seed 1, 5 technicians, 60 jobs, nobody out at 06:05: no booked visit dropped by a hold that no longer fits its route', async () => {
    const o = await check({ seed: 1, technicians: 5, jobs: 60, time: '06:05', out: 'nobody' });
    expect(clean(o)).toEqual(none);
  }, 180_000);

  it("seed 16, 5 technicians, 60 jobs, the 4th technician out at 06:05: a hold placed again elsewhere keeps that route's booked visit", async () => {
    // Both holds of a round moved off a route whose booked visit they left out, onto another
    // route, where together they left no room for lunch: its booked visit was dropped.
    const o = await check(
      { seed: 16, technicians: 5, jobs: 60, time: '06:05', out: 4 },
      { morning: 200, today: 150 },
    );
    expect(o.sick).toBeDefined();
    expect(clean(o)).toEqual(none);
  }, 180_000);

  it('seed 9, 8 technicians, 120 jobs, the busiest technician out at 06:05 (issue 13, seen 1 and 3)', async () => {
    const o = await check({ seed: 9, technicians: 8, jobs: 120, time: '06:05', out: 'busiest' });
    expect(o.sick).toBeDefined();
    // The case of the issue: visits nobody can serve, some of them the sick technician's.
    expect(o.released).toBeGreaterThan(0);
    expect(clean(o)).toEqual(none);
  }, 180_000);

  it('a technician out with a visit under way: kept; a move into a span a booking nobody serves takes is not made', async () => {
    // Seed 17517: the sick technician's later visit was moved into 18:00, where a booked visit
    // nobody serves (and no technician could be kept free for) took Amazon's last unit: refused.
    const o = await check(
      { seed: 17517, technicians: 6, jobs: 21, time: '09:30', out: 'under-way' },
      { morning: 200, today: 100 },
    );
    expect(o.sick).toBeDefined();
    expect(o.underWay.length).toBeGreaterThan(0);
    expect(clean(o)).toEqual(none);
  }, 180_000);

  it(
    'for every seeded seller, with nobody, the busiest or a technician under way out',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            seed: fc.integer({ min: 1, max: 100_000 }),
            technicians: fc.integer({ min: 3, max: 6 }),
            jobs: fc.integer({ min: 20, max: 50 }),
            time: fc.constantFrom('06:05', '09:30', '12:30'),
            out: fc.constantFrom('nobody' as const, 'busiest' as const, 'under-way' as const),
          }),
          async (c) => {
            expect(clean(await check(c, { morning: 200, today: 100 }))).toEqual(none);
          },
        ),
        { numRuns: CASES, seed: Number(process.env['FC_SEED'] ?? 29) },
      );
    },
    60_000 + CASES * 60_000,
  );
});
