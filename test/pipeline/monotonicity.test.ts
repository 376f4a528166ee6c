/**
 * More capacity never serves fewer jobs of any priority: adding a technician, an hour of one
 * technician's shift, or a day of horizon. The solver's search is fixed (seed, iterations) and
 * the larger case is seeded with the smaller case's plan (its visits kept where they are, as
 * the pipeline keeps an applied plan), so the property is about the model, not search luck:
 * everything the smaller plan serves must stay feasible, and served, in the larger one.
 * Seeded sellers from the local sandbox's generator, planned as the pipeline builds them.
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index.ts';
import type { Solution } from '../../solver/solution.ts';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../../src/geo/index.ts';
import { buildProblem, type BuiltProblem, type Placement } from '../../src/pipeline/solve/build-problem.ts';
import { locate } from '../../src/pipeline/solve/geography.ts';
import { normaliseJobs } from '../../src/pipeline/read/normalise.ts';
import { setupFromConfig } from '../../src/pipeline/setup/from-config.ts';
import type { PlanningSetup } from '../../src/pipeline/setup/planning-setup.ts';
import { withoutTechnicians } from '../../src/pipeline/read/absent-technicians.ts';
import { partOf } from '../../src/pipeline/solve/multi-day.ts';
import { startWorld, type World } from './support/world.ts';

const DATE = '2026-11-24'; // a Tuesday
const ZONE = 'America/Los_Angeles';
const ITERATIONS = 200;
const CASES = Number(process.env['MONOTONE_CASES'] ?? 12);
const HOUR = 3_600_000;

const geocoder = new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey);
const travel = new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 });

interface Solved {
  built: BuiltProblem;
  solution: Solution;
}

async function plan(
  setup: PlanningSetup,
  raws: readonly unknown[],
  now: number,
  keep?: Map<string, Placement>,
): Promise<Solved> {
  const { jobs } = normaliseJobs(raws, setup, now);
  const located = await locate(jobs, setup, geocoder);
  const matrix = await travel.matrix(located.points);
  const built = buildProblem(setup, located, matrix, keep !== undefined ? { keep } : {});
  const solution = solve(built.problem, {
    seed: 1,
    maxIterations: ITERATIONS,
    clock: () => performance.now(),
  });
  return { built, solution };
}

/** Where the smaller plan put each visit: the larger case starts from it. */
function placements(s: Solved): Map<string, Placement> {
  const out = new Map<string, Placement>();
  for (const r of s.solution.routes)
    for (const v of r.visits)
      out.set(v.job, { routeId: r.technician, start: s.built.origin + v.start * 1000 });
  return out;
}

/** Served jobs per priority (the job's own priority, not the weight a kept visit gets). */
function servedByPriority(s: Solved): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of s.solution.routes) {
    for (const v of r.visits) {
      // A multi-day visit's later parts are not jobs of their own: its first part counts for it.
      if (partOf(v.job) !== undefined) continue;
      const p = s.built.jobs.get(v.job)!.priority;
      out.set(p, (out.get(p) ?? 0) + 1);
    }
  }
  return out;
}

function served(s: Solved): Set<string> {
  return new Set(s.solution.routes.flatMap((r) => r.visits.map((v) => v.job)));
}

type Growth = 'technician' | 'hour' | 'day';

async function pair(world: World, growth: Growth, pick: number) {
  const now = DateTime.fromISO(`${DATE}T05:00`, { zone: ZONE }).toMillis();
  const raws: unknown[] = [];
  for await (const page of world.services.listServiceJobs({
    marketplaceId: world.sandbox.marketplaceId,
    storeIds: world.config.stores.map((s) => s.storeId),
    createdAfter: new Date(now - 90 * 86_400_000).toISOString(),
  }))
    raws.push(...page.jobs);
  const large = setupFromConfig(world.config, { date: DATE, days: growth === 'day' ? 2 : 1 });
  const ids = large.technicians
    .filter((t) => t.shifts.length > 0)
    .map((t) => t.technicianId)
    .sort();
  const chosen = ids[pick % ids.length]!;
  const small: PlanningSetup =
    growth === 'technician'
      ? withoutTechnicians(large, new Set([chosen]))
      : growth === 'hour'
        ? {
            ...large,
            technicians: large.technicians.map((t) =>
              t.technicianId !== chosen
                ? t
                : { ...t, shifts: t.shifts.map((s) => ({ ...s, end: s.end - HOUR })) },
            ),
          }
        : setupFromConfig(world.config, { date: DATE, days: 1 });
  const a = await plan(small, raws, now);
  const b = await plan(large, raws, now, placements(a));
  const before = servedByPriority(a);
  const after = servedByPriority(b);
  const fewer = [...before]
    .filter(([p, n]) => (after.get(p) ?? 0) < n)
    .map(([p, n]) => `priority ${p}: ${n} → ${after.get(p) ?? 0}`);
  const lost = [...served(a)].filter((id) => !served(b).has(id));
  return { served: served(a).size, fewer, lost };
}

describe('more capacity never serves fewer jobs of a priority', () => {
  it(
    'adding a technician, an hour of shift or a day of horizon, for seeded sellers',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            seed: fc.integer({ min: 1, max: 100_000 }),
            technicians: fc.integer({ min: 2, max: 5 }),
            jobs: fc.integer({ min: 20, max: 60 }),
            growth: fc.constantFrom<Growth>('technician', 'hour', 'day'),
            pick: fc.nat(10),
          }),
          async ({ seed, technicians, jobs, growth, pick }) => {
            const clock = (): Date => new Date(DateTime.fromISO(`${DATE}T05:00`, { zone: ZONE }).toMillis());
            const world = await startWorld({ seed, technicians, jobs, stores: 1, clock, date: DATE });
            try {
              const r = await pair(world, growth, pick);
              expect(r.served).toBeGreaterThan(0);
              expect({ fewer: r.fewer, lost: r.lost }).toEqual({ fewer: [], lost: [] });
            } finally {
              await world.close();
            }
          },
        ),
        { numRuns: CASES, seed: Number(process.env['FC_SEED'] ?? 31) },
      );
    },
    30_000 + CASES * 30_000,
  );
});
