/**
 * Benchmark: route-aware slot offers. On a seeded seller, pending jobs are booked one after the
 * other, each in the top-ranked window (`evaluateJobWindows`: the cheapest insertion into the
 * routes as they stand after the earlier bookings), or each in the buyer's first preferred
 * time. Then the days are re-planned with every booking fixed to its window and held by the
 * buyer (mandatory, as the nightly run treats a booked appointment), the search starting from
 * the routes in force with the bookings where they were inserted (the nightly run's warm start
 * from the plan in force). Reported: jobs booked, booked jobs the re-plan serves, total travel
 * of the re-plan, and the time to rank one job.
 *
 *   node --import tsx bench/slot-offers.ts [--jobs 200] [--seed 11] [--technicians 12] [--days 3] [--iterations 3000]
 *
 * Prints a table and writes bench/results/slot-offers.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { solve, type Job, type Problem } from '../solver/index.ts';
import { loadDayModel, type DayModel } from '../src/capacity/index.ts';
import { bookInModel, evaluateJobWindows } from '../src/capacity/job-slots.ts';
import { validatePlanningConfig } from '../src/config/index.ts';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../src/geo/index.ts';
import { servicesPort } from '../src/pipeline/adapters/services.ts';
import { storePort } from '../src/pipeline/adapters/store.ts';
import { runPlanning } from '../src/pipeline/run.ts';
import { seededPlanningConfig } from '../src/sandbox/crews-config.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { createServicesClient, RateLimiterRegistry } from '../src/spapi/index.ts';
import { openStore } from '../src/store/index.ts';
import { projectRoot } from './paths.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '200' },
    seed: { type: 'string', default: '11' },
    technicians: { type: 'string', default: '12' },
    days: { type: 'string', default: '3' },
    iterations: { type: 'string', default: '3000' },
  },
});
const wanted = Number(values.jobs);
const days = Number(values.days);
const iterations = Number(values.iterations);

let date = DateTime.utc().plus({ days: 1 });
while (date.weekday > 5) date = date.plus({ days: 1 });
const day = date.toISODate()!;
// Enough seeded jobs that `wanted` of them are pending (the rest hold appointments already).
const sandbox = await startSandbox({
  seed: Number(values.seed),
  jobs: Math.round(wanted * 2),
  technicians: Number(values.technicians),
  stores: 1,
  rateLimits: 'off',
  logger: false,
  startDate: day,
});
const config = validatePlanningConfig(
  seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores()),
  'sandbox',
);
const client = createServicesClient({
  baseUrl: sandbox.url,
  credentials: { ...sandbox.credentials, tokenUrl: `${sandbox.url}/auth/o2/token` },
  rateLimits: 'off',
  rateLimiters: new RateLimiterRegistry(),
  validateResponses: false,
});
const db = await openStore(':memory:');
const store = storePort(db, { actor: 'bench' });
const common = {
  config,
  geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
  travel: new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }),
  clock: () => new Date(),
};
// A dry run pulls the jobs into the store; the routes to book into are the booked work alone.
await runPlanning(
  { date: day, days, marketplaceId: sandbox.marketplaceId, apply: false, solverIterations: 50, seed: 1 },
  { ...common, services: servicesPort(client), store },
);
const storeId = sandbox.seededStores()[0]!.storeId;
const model = await loadDayModel(
  { ...common, store: { ...store, latestPlan: async () => undefined } },
  { storeId, from: day, days, marketplaceId: sandbox.marketplaceId, iterations: 1000 },
);
await sandbox.close();
await db.close();

const pending = model.built.problem.jobs
  .filter((j) => {
    const p = model.jobs.get(j.id);
    return (
      p !== undefined &&
      p.activeAppointment === undefined &&
      p.pin === undefined &&
      (j.windows ?? []).length > 0
    );
  })
  .map((j) => j.id)
  .slice(0, wanted);
const bookedBefore = new Set(
  model.built.problem.jobs
    .filter((j) => model.jobs.get(j.id)?.activeAppointment !== undefined)
    .map((j) => j.id),
);

interface Outcome {
  booked: Map<string, NonNullable<Job['windows']>[number]>;
  rankMs: number | null;
  /** The routes with the bookings inserted where they were evaluated (the re-plan's start). */
  routes: DayModel['routes'];
}

const unbookable = new Map<string, number>();

/**
 * Book every pending job in turn, inserting it where it was evaluated: in the top-ranked window
 * (`ranked`), or in the first of the buyer's preferred times that the routes can still take.
 */
function bookInTurn(ranked: boolean): Outcome {
  let m: DayModel = model;
  const booked = new Map<string, NonNullable<Job['windows']>[number]>();
  let ms = 0;
  for (const id of pending) {
    const t0 = performance.now();
    const evals = evaluateJobWindows(m, id);
    ms += performance.now() - t0;
    const servable = evals.filter((e) => e.best !== undefined);
    const best = ranked
      ? servable.sort((a, b) => a.best!.cost - b.best!.cost || a.window.start - b.window.start)[0]
      : servable[0];
    if (best === undefined) {
      if (ranked) for (const e of evals) unbookable.set(e.reason!, (unbookable.get(e.reason!) ?? 0) + 1);
      continue;
    }
    booked.set(id, best.window);
    m = bookInModel(m, id, best);
  }
  return { booked, rankMs: ranked ? ms / pending.length : null, routes: m.routes };
}

function bookFirstPreferred(ids: readonly string[]): Outcome {
  const booked = new Map<string, NonNullable<Job['windows']>[number]>();
  for (const id of ids) {
    const j = model.built.problem.jobs.find((x) => x.id === id)!;
    booked.set(id, j.windows![0]!);
  }
  // Nobody checked the routes: the bookings are the solver's to place.
  return { booked, rankMs: null, routes: model.routes };
}

/**
 * The days with the earlier bookings and the new ones only, each new booking fixed to its
 * window and, like every appointment a buyer holds, mandatory.
 */
function problemWith(
  booked: Map<string, NonNullable<Job['windows']>[number]>,
  only?: ReadonlySet<string>,
): Problem {
  const jobs = model.built.problem.jobs
    .filter((j) => bookedBefore.has(j.id) || booked.has(j.id))
    .filter((j) => only === undefined || only.has(j.id))
    .map((j) => (booked.has(j.id) ? { ...j, windows: [booked.get(j.id)!], mandatory: true } : j));
  return { ...model.built.problem, jobs };
}

const rows: string[][] = [];

interface Replan {
  label: string;
  outcome: Outcome;
  /** Only these jobs (earlier and new bookings) are planned: a like-for-like comparison. */
  only?: ReadonlySet<string>;
}

function replan({ label, outcome, only }: Replan): Set<string> {
  const keep = (id: string): boolean => only === undefined || only.has(id);
  const booked = new Map([...outcome.booked].filter(([id]) => keep(id)));
  const sol = solve(problemWith(booked, only), {
    seed: 1,
    maxIterations: iterations,
    start: outcome.routes.map((r) => ({ technician: r.routeId, jobs: r.jobIds.filter(keep) })),
  });
  const unassigned = new Set(sol.unassigned.map((u) => u.job));
  const served = [...booked.keys()].filter((id) => !unassigned.has(id)).length;
  const visits = sol.routes.reduce((n, r) => n + r.visits.length, 0);
  const km = sol.routes.reduce((n, r) => n + r.travelDistance, 0) / 1000;
  const hours = sol.routes.reduce((n, r) => n + r.travelDuration, 0) / 3600;
  rows.push([
    label,
    `${booked.size} / ${pending.length}`,
    `${served} / ${booked.size}`,
    String([...bookedBefore].filter((id) => keep(id) && unassigned.has(id)).length),
    String(visits),
    km.toFixed(1),
    hours.toFixed(1),
    (km / Math.max(1, visits)).toFixed(2),
    outcome.rankMs === null ? '-' : outcome.rankMs.toFixed(1),
  ]);
  return new Set(sol.routes.flatMap((r) => r.visits.map((v) => v.job)));
}

const top = bookInTurn(true);
replan({ label: 'top-ranked window', outcome: top });
replan({ label: 'first preferred time the routes can take', outcome: bookInTurn(false) });
replan({ label: "buyer's first preferred time (blind)", outcome: bookFirstPreferred(pending) });
// The same jobs as the top-ranked run, so that the bookings compare like with like ...
const blindServed = replan({
  label: "buyer's first preferred time, the top-ranked run's jobs",
  outcome: bookFirstPreferred([...top.booked.keys()]),
});
// ... and, since that plan leaves bookings out, the top-ranked windows of exactly the visits it
// serves: the same work, so total travel compares like with like.
replan({
  label: 'top-ranked window, the visits the row above serves',
  outcome: top,
  only: blindServed,
});

const header = [
  'booking',
  'jobs booked',
  'booked jobs the re-plan serves',
  'earlier bookings dropped',
  'visits served',
  'travel km',
  'travel h',
  'km per visit',
  'ms to rank one job',
];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
const md = `# Route-aware slot offers

Seed ${values.seed}, 1 store, ${values.technicians} technicians, ${days} days, ${pending.length} pending jobs booked in turn
(${bookedBefore.size} earlier bookings), re-planned with ${iterations} solver iterations (seed 1).

${table}

Windows of jobs no route could take (top-ranked run), by reason: ${[...unbookable].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.
`;
console.log(md);
mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench/results/slot-offers.md'), md);
