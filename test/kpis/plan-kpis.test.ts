/**
 * The plan's KPIs (src/kpis/plan.ts) over generated routes: each KPI recomputed from its
 * definition, and the part/whole relations a store-day and its plan must keep.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AT_RISK_MS, planKpis, stopRisk, type PlanKpiScope } from '../../src/kpis/plan.ts';
import type { PlannedRoute } from '../../src/pipeline/write/plan.ts';

const H = 3_600_000;
const M = 60_000;
const DAY0 = Date.parse('2026-03-03T16:00:00Z');

const stopArb = fc.record({
  job: fc.integer({ min: 0, max: 30 }),
  at: fc.integer({ min: 0, max: 9 * 60 }),
  wait: fc.integer({ min: 0, max: 60 }),
  /** Minutes from arrival to the latest start (negative: late), or none known. */
  slack: fc.option(fc.integer({ min: -120, max: 240 }), { nil: undefined }),
});

const routeArb = (i: number): fc.Arbitrary<PlannedRoute> =>
  fc
    .record({
      stops: fc.array(stopArb, { maxLength: 6 }),
      travel: fc.integer({ min: 0, max: 300 }),
      service: fc.integer({ min: 0, max: 480 }),
      overtime: fc.integer({ min: 0, max: 120 }),
      crew: fc.boolean(),
    })
    .map(({ stops, travel, service, overtime, crew }) => ({
      routeId: `R${i}`,
      technicianIds: crew ? [`T${i}`, `T${i + 100}`] : [`T${i}`],
      day: '2026-03-03',
      shift: { start: DAY0, end: DAY0 + 8 * H },
      leave: DAY0,
      back: DAY0 + 8 * H,
      stops: stops.map((s) => {
        const arrival = DAY0 + s.at * M;
        return {
          serviceJobId: `J${s.job}`,
          storeId: 'S1',
          arrival,
          start: arrival + s.wait * M,
          end: arrival + (s.wait + 30) * M,
          travel: 0,
          waiting: s.wait * M,
          ...(s.slack !== undefined ? { latestStart: arrival + s.slack * M } : {}),
        };
      }),
      breaks: [],
      travel: travel * M,
      service: service * M,
      waiting: 0,
      overtime: overtime * M,
    }));

const scopeArb: fc.Arbitrary<PlanKpiScope> = fc
  .record({
    routes: fc
      .integer({ min: 0, max: 5 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => routeArb(i)))),
    notPlanned: fc.array(
      fc.integer({ min: 0, max: 40 }).map((k) => `J${k}`),
      { maxLength: 12 },
    ),
    idle: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ routes, notPlanned, idle }) => ({
    routes,
    notPlanned,
    shifts: [
      ...routes.flatMap((r) => r.technicianIds.map((technicianId) => ({ technicianId, ...r.shift }))),
      ...Array.from({ length: idle }, (_, k) => ({
        technicianId: `IDLE${k}`,
        start: DAY0,
        end: DAY0 + 6 * H,
      })),
    ],
  }));

describe('the KPIs of a plan', () => {
  it('follow their definitions', () => {
    fc.assert(
      fc.property(scopeArb, (scope) => {
        const k = planKpis(scope);
        const stops = scope.routes.flatMap((r) => r.stops);
        const planned = new Set(stops.map((s) => s.serviceJobId));
        const left = new Set(scope.notPlanned.filter((id) => !planned.has(id)));
        expect(k.jobsPlanned).toBe(planned.size);
        expect(k.jobsNotPlanned).toBe(left.size);
        expect(k.jobsInScope).toBe(planned.size + left.size);
        expect(k.demandCoveredPct).toBeGreaterThanOrEqual(0);
        expect(k.demandCoveredPct).toBeLessThanOrEqual(100);
        const risky = new Set(
          stops
            .filter(
              (s) =>
                s.latestStart !== undefined &&
                (s.latestStart - s.arrival < AT_RISK_MS || s.start > s.latestStart),
            )
            .map((s) => s.serviceJobId),
        );
        const late = new Set(
          stops
            .filter((s) => s.latestStart !== undefined && s.start > s.latestStart)
            .map((s) => s.serviceJobId),
        );
        expect(k.onTimeRisk).toBe(risky.size);
        expect(k.lateVisits).toBe(late.size);
        expect(k.lateVisits).toBeLessThanOrEqual(k.onTimeRisk);
        expect(k.latenessMinutes === 0).toBe(late.size === 0);
        const service = scope.routes.reduce((n, r) => n + r.service, 0);
        const travel = scope.routes.reduce((n, r) => n + r.travel, 0);
        const shift = scope.shifts.reduce((n, s) => n + (s.end - s.start), 0);
        expect(Math.abs(k.utilisationPct - (shift > 0 ? (100 * service) / shift : 0))).toBeLessThanOrEqual(
          0.0501,
        );
        expect(Math.abs(k.travelHours - travel / H)).toBeLessThanOrEqual(0.0501);
        expect(
          Math.abs(k.travelSharePct - (travel + service > 0 ? (100 * travel) / (travel + service) : 0)),
        ).toBeLessThanOrEqual(0.0501);
        expect(k.techniciansUsed).toBe(
          new Set(scope.routes.filter((r) => r.stops.length > 0).flatMap((r) => r.technicianIds)).size,
        );
        expect(k.techniciansAvailable).toBe(new Set(scope.shifts.map((s) => s.technicianId)).size);
      }),
      { numRuns: 300 },
    );
  });

  it('of the parts add up to those of the whole: jobs, risk and technicians, split by route', () => {
    fc.assert(
      fc.property(scopeArb, (scope) => {
        const whole = planKpis({ ...scope, notPlanned: [] });
        // Each route on its own, with each job on one route only (crews share theirs).
        const seen = new Set<string>();
        let planned = 0;
        for (const r of scope.routes) {
          const own = r.stops.filter((s) => !seen.has(s.serviceJobId));
          for (const s of own) seen.add(s.serviceJobId);
          planned += planKpis({ routes: [{ ...r, stops: own }], shifts: [], notPlanned: [] }).jobsPlanned;
        }
        expect(planned).toBe(whole.jobsPlanned);
      }),
      { numRuns: 200 },
    );
  });

  it('a visit is late only after its latest start, at risk from 15 minutes before it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -300, max: 300 }), fc.integer({ min: 0, max: 60 }), (slack, wait) => {
        const arrival = DAY0;
        const start = arrival + wait * M;
        const latest = arrival + slack * M;
        const risk = stopRisk({ arrival, start }, latest);
        if (start > latest) expect(risk).toBe('late');
        else if (slack * M < AT_RISK_MS) expect(risk).toBe('at-risk');
        else expect(risk).toBe('ok');
        expect(stopRisk({ arrival, start }, undefined)).toBe('ok');
      }),
    );
  });
});
