/**
 * Two-person jobs on the local sandbox: one store, technicians of whom two share a skill that
 * some seeded jobs need, and that skill made a two-person one. The same jobs are planned
 * three ways (no write-back):
 *   (a) crew    — the two configured as a crew working together all day;
 *   (b) synced  — no crew: two technicians, each on their own route, meet for each such job;
 *   (c) none    — no two-person jobs at all (every job needs one technician).
 * The claim: (b) serves at least (c) minus what the two-person jobs genuinely take, i.e. the
 * second member's service minutes on them, in jobs of (c)'s average length with travel.
 *
 * The seeded demand is half the technicians' working time over the seeded days (`load` 0.5),
 * the buyers' windows spread over those days, as a seller staffed for its demand sees its
 * week. At load 1 the sandbox packs the jobs into as few days as the work needs, so one
 * planned day holds the flexible demand of all of them (35 candidate jobs for about 15 a day
 * with this travel and whole-hour starts): every variant is then short of technicians, and a
 * two-person job, worth one job for two people's time, is never worth serving.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  validatePlanningConfig,
  type PlanningConfig,
  type PlanningConfigInput,
} from '../../src/config/index.ts';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../../src/geo/index.ts';
import { servicesPort } from '../../src/pipeline/adapters/services.ts';
import { storePort } from '../../src/pipeline/adapters/store.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { runningClock, startSandbox } from '../../src/sandbox/index.ts';
import type { SeededCrew } from '../../src/sandbox/state.ts';
import { createServicesClient, RateLimiterRegistry } from '../../src/spapi/index.ts';
import { openStore } from '../../src/store/index.ts';

export interface CrewScenarioOptions {
  /** Sandbox seeds: one seeded world per seed, each planned three ways. */
  seeds: number[];
  /** Demand as a share of the technicians' working time over the seeded days (seed.ts `load`). */
  load: number;
  /** Solver iterations per plan (a fixed budget: the comparison does not depend on machine load). */
  iterations: number;
  /** Planning day, the first seeded one (a weekday: the seeded technicians work Monday to Friday). */
  date: string;
  out?: string;
}

interface Row {
  seed: number;
  variant: string;
  served: number;
  twoPerson: number;
  unassigned: number;
  reasons: string;
  serviceMinutes: number;
  travelMinutes: number;
  /** Plan faults: a technician's stops overlapping, or a two-person job's visits not starting together. */
  faults: number;
  /** Minutes the members beyond the first spend serving two-person jobs. */
  extraMemberMinutes: number;
}

const MINUTE = 60_000;

function summarise(seed: number, variant: string, plan: Plan): Row {
  const stops = plan.routes.flatMap((r) => r.stops);
  const duration = new Map(stops.map((x) => [x.serviceJobId, x.end - x.start]));
  const extra = plan.appointments
    .filter((a) => a.technicianIds.length >= 2)
    .reduce((s, a) => s + (a.technicianIds.length - 1) * (duration.get(a.serviceJobId) ?? 0), 0);
  let faults = 0;
  const byTech = new Map<string, { start: number; end: number }[]>();
  for (const r of plan.routes)
    for (const id of r.technicianIds)
      byTech.set(id, [...(byTech.get(id) ?? []), ...r.stops.map((x) => ({ start: x.start, end: x.end }))]);
  for (const list of byTech.values()) {
    list.sort((x, y) => x.start - y.start);
    for (let i = 1; i < list.length; i++) if (list[i]!.start < list[i - 1]!.end) faults++;
  }
  for (const a of plan.appointments.filter((x) => x.technicianIds.length >= 2)) {
    const starts = new Set(
      plan.routes.flatMap((r) =>
        r.stops.filter((x) => x.serviceJobId === a.serviceJobId).map((x) => x.start),
      ),
    );
    if (starts.size !== 1) faults++;
  }
  return {
    seed,
    variant,
    faults,
    served: plan.appointments.length,
    twoPerson: plan.appointments.filter((a) => a.technicianIds.length >= 2).length,
    unassigned: plan.unassigned.length,
    reasons: [...count(plan.unassigned.map((u) => u.reason))].map(([r, n]) => `${r} ${n}`).join(', '),
    serviceMinutes: Math.round(stops.reduce((s, x) => s + x.end - x.start, 0) / MINUTE),
    travelMinutes: Math.round(stops.reduce((s, x) => s + x.travel, 0) / MINUTE),
    extraMemberMinutes: Math.round(extra / MINUTE),
  };
}

function count(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of [...values].sort()) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

interface Pick {
  skill: string;
  members: [string, string];
  jobs: number;
}

interface SeedResult {
  seed: number;
  jobs: number;
  pick: Pick;
  rows: [Row, Row, Row];
  allowance: number;
  holds: boolean;
}

type SeededJob = ReturnType<Awaited<ReturnType<typeof startSandbox>>['snapshot']>['jobs'][number];

/** The pair and skill (HVAC first) with the most single-skill jobs: the scenario's two-person work. */
function pickPair(crews: readonly SeededCrew[], jobs: readonly SeededJob[]): Pick | undefined {
  const needed = (j: SeededJob): string[] =>
    ((j.scopeOfWork as { requiredSkills?: string[] } | undefined) ?? {}).requiredSkills ?? [];
  let pick: Pick | undefined;
  for (const a of crews)
    for (const b of crews)
      for (const skill of a.skills) {
        if (a.resourceId >= b.resourceId || !b.skills.includes(skill)) continue;
        const n = jobs.filter((j) => needed(j).length === 1 && needed(j)[0] === skill).length;
        const better =
          pick === undefined ||
          (skill.startsWith('HVAC') && !pick.skill.startsWith('HVAC')) ||
          (skill.startsWith('HVAC') === pick.skill.startsWith('HVAC') && n > pick.jobs);
        if (n > 0 && better) pick = { skill, members: [a.resourceId, b.resourceId], jobs: n };
      }
  return pick;
}

function variantsOf(base: PlanningConfigInput, pick: Pick): [string, PlanningConfig][] {
  const twoPerson = { ...base.planning, twoTechnicianSkills: [pick.skill] };
  return [
    [
      '(a) crew all day',
      validatePlanningConfig(
        { ...base, crews: [{ id: 'CREW-1', members: pick.members }], planning: twoPerson },
        'crew-scenario',
      ),
    ],
    ['(b) synchronised visits', validatePlanningConfig({ ...base, planning: twoPerson }, 'crew-scenario')],
    ['(c) no two-person jobs', validatePlanningConfig(base, 'crew-scenario')],
  ];
}

async function planOnce(
  sandbox: Awaited<ReturnType<typeof startSandbox>>,
  config: PlanningConfig,
  options: CrewScenarioOptions,
  seed: number,
  clock: ReturnType<typeof runningClock>,
): Promise<Plan> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-crews-'));
  try {
    const store = storePort(await openStore(join(dir, 'fieldplan.db')), { actor: 'bench' });
    const services = servicesPort(
      createServicesClient({
        baseUrl: sandbox.url,
        credentials: { ...sandbox.credentials, tokenUrl: `${sandbox.url}/auth/o2/token` },
        rateLimits: 'off',
        rateLimiters: new RateLimiterRegistry(),
        validateResponses: false,
        retry: { initialDelayMs: 5, maxDelayMs: 50 },
      }),
    );
    const result = await runPlanning(
      {
        date: options.date,
        days: 1,
        marketplaceId: sandbox.marketplaceId,
        apply: false,
        solverIterations: options.iterations,
        seed,
      },
      {
        config,
        services,
        store,
        geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
        travel: new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }),
        clock,
      },
    );
    await store.close();
    return result.plan;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One seeded world planned three ways; undefined when no two technicians share a skill the jobs need. */
async function runSeed(options: CrewScenarioOptions, seed: number): Promise<SeedResult | undefined> {
  // Both clocks pinned to the evening before the planning day: the run is the same on any date.
  const clock = runningClock(Date.parse(`${options.date}T00:00:00Z`) - 6 * 3_600_000);
  const sandbox = await startSandbox({
    clock,
    seed,
    stores: 1,
    technicians: TECHNICIANS,
    jobs: JOBS,
    load: options.load,
    rateLimits: 'off',
    logger: false,
    startDate: options.date,
  });
  try {
    const jobs = sandbox.snapshot().jobs;
    const pick = pickPair(sandbox.seededCrews(), jobs);
    if (!pick) return undefined;
    const base = seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores());
    const rows: Row[] = [];
    for (const [name, config] of variantsOf(base, pick))
      rows.push(summarise(seed, name, await planOnce(sandbox, config, options, seed, clock)));
    const [, synced, none] = rows as [Row, Row, Row];
    // What the two-person jobs genuinely take: the second member's service minutes on them,
    // counted in jobs of (c)'s average length (service plus travel).
    const perJob = none.served > 0 ? (none.serviceMinutes + none.travelMinutes) / none.served : 1;
    const allowance = Math.ceil(synced.extraMemberMinutes / perJob);
    const holds = synced.served >= none.served - allowance && rows.every((r) => r.faults === 0);
    return { seed, jobs: jobs.length, pick, rows: rows as [Row, Row, Row], allowance, holds };
  } finally {
    await sandbox.close();
  }
}

const JOBS = 60;
const TECHNICIANS = 6;

function report(options: CrewScenarioOptions, results: SeedResult[]): string {
  const header = `Crew scenario: sandbox seeds ${options.seeds.join(', ')}, 1 store, ${TECHNICIANS} technicians, ${JOBS} jobs seeded at load ${options.load} (demand / working time over the seeded days); the first working day ${options.date} planned; ${options.iterations} solver iterations per plan (a fixed budget: the table does not depend on machine load)`;
  const pairs = results.map(
    (r) =>
      `- seed ${r.seed}: two-person skill ${r.pick.skill} (${r.pick.jobs} jobs seeded), pair ${r.pick.members.join('+')}`,
  );
  const table = [
    '| seed | plan | served | two-person served | unassigned | service min | travel min | unassigned by reason | plan faults |',
    '|---:|---|---:|---:|---:|---:|---:|---|---:|',
    ...results.flatMap((s) =>
      s.rows.map(
        (r) =>
          `| ${r.seed} | ${r.variant} | ${r.served} | ${r.twoPerson} | ${r.unassigned} | ${r.serviceMinutes} | ${r.travelMinutes} | ${r.reasons} | ${r.faults} |`,
      ),
    ),
  ].join('\n');
  const sum = (k: 0 | 1 | 2, f: 'served' | 'twoPerson'): number =>
    results.reduce((t, s) => t + s.rows[k][f], 0);
  const totals = `Totals over the seeds: served (a) ${sum(0, 'served')}, (b) ${sum(1, 'served')}, (c) ${sum(2, 'served')}; two-person jobs served (a) ${sum(0, 'twoPerson')}, (b) ${sum(1, 'twoPerson')}.`;
  const claims = results.map((s) => {
    const [, b, c] = s.rows;
    return `- seed ${s.seed}: ${b.served} >= ${c.served} - ${s.allowance} (second member's ${b.extraMemberMinutes} min on two-person jobs): ${s.holds ? 'HOLDS' : 'FAILS'}`;
  });
  return `${header}\n\n${pairs.join('\n')}\n\n${table}\n\n${totals}\n\nClaim (b) >= (c) - allowance, per seed (allowance: the second member's minutes / (c)'s minutes per served job, service + travel):\n\n${claims.join('\n')}\n`;
}

export async function runCrewScenario(options: CrewScenarioOptions): Promise<void> {
  const results: SeedResult[] = [];
  for (const seed of options.seeds) {
    const r = await runSeed(options, seed);
    if (r === undefined)
      console.log(`seed ${seed}: no two seeded technicians share a skill the jobs need; skipped`);
    else results.push(r);
  }
  if (results.length === 0)
    throw new Error('crew scenario: no seed gave two technicians sharing a skill the jobs need');
  const text = report(options, results);
  console.log(text);
  const out = options.out ?? join(import.meta.dirname, '../results/crew-scenario.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `# Two-person jobs on the sandbox: crew, synchronised visits, none\n\n${text}`);
  console.log(`written ${out}`);
}
