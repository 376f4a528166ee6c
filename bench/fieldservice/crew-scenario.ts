/**
 * Two-person jobs on the local sandbox: one store, technicians of whom two share a skill that
 * some seeded jobs need, and that skill made a two-person one. The same jobs are planned
 * three ways (no write-back):
 *   (a) crew    — the two configured as a crew working together all day;
 *   (b) synced  — no crew: two technicians, each on their own route, meet for each such job;
 *   (c) none    — no two-person jobs at all (every job needs one technician).
 * The claim: (b) serves at least (c) minus what the two-person jobs genuinely take, i.e. the
 * second member's service minutes on them, in jobs of (c)'s average length with travel.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { validatePlanningConfig, type PlanningConfig } from '../../src/config/index.ts';
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
import { createServicesClient, RateLimiterRegistry } from '../../src/spapi/index.ts';
import { openStore } from '../../src/store/index.ts';

export interface CrewScenarioOptions {
  seed: number;
  /** Solver iterations per plan (a fixed budget: the comparison does not depend on machine load). */
  iterations: number;
  /** Planning day (a weekday: the seeded technicians work Monday to Friday). */
  date: string;
  out?: string;
}

interface Row {
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

function summarise(variant: string, plan: Plan): Row {
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

export async function runCrewScenario(options: CrewScenarioOptions): Promise<void> {
  // Both clocks pinned to the evening before the planning day: the run is the same on any date.
  const clock = runningClock(Date.parse(`${options.date}T00:00:00Z`) - 6 * 3_600_000);
  const sandbox = await startSandbox({
    clock,
    seed: options.seed,
    stores: 1,
    technicians: 6,
    jobs: 60,
    rateLimits: 'off',
    logger: false,
    startDate: options.date,
  });
  const dirs: string[] = [];
  try {
    const crews = sandbox.seededCrews();
    const jobs = sandbox.snapshot().jobs;
    const needed = (j: (typeof jobs)[number]): string[] =>
      ((j.scopeOfWork as { requiredSkills?: string[] } | undefined) ?? {}).requiredSkills ?? [];
    // The pair and skill (HVAC first) with the most single-skill jobs: the scenario's two-person work.
    let pick: { skill: string; members: [string, string]; jobs: number } | undefined;
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
    if (!pick) throw new Error('crew scenario: no two seeded technicians share a skill the jobs need');
    const base = seededPlanningConfig(crews, sandbox.seededStores());
    const variants: [string, PlanningConfig][] = [
      [
        '(a) crew all day',
        validatePlanningConfig(
          {
            ...base,
            crews: [{ id: 'CREW-1', members: pick.members }],
            planning: { ...base.planning, twoTechnicianSkills: [pick.skill] },
          },
          'crew-scenario',
        ),
      ],
      [
        '(b) synchronised visits',
        validatePlanningConfig(
          { ...base, planning: { ...base.planning, twoTechnicianSkills: [pick.skill] } },
          'crew-scenario',
        ),
      ],
      ['(c) no two-person jobs', validatePlanningConfig(base, 'crew-scenario')],
    ];
    const rows: Row[] = [];
    for (const [name, config] of variants) {
      const dir = mkdtempSync(join(tmpdir(), 'fieldplan-crews-'));
      dirs.push(dir);
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
          seed: options.seed,
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
      rows.push(summarise(name, result.plan));
      await store.close();
    }
    const [, synced, none] = rows as [Row, Row, Row];
    // What the two-person jobs genuinely take: the second member's service minutes on them,
    // counted in jobs of (c)'s average length (service plus travel).
    const twoPersonMinutes = synced.extraMemberMinutes;
    const perJob = none.served > 0 ? (none.serviceMinutes + none.travelMinutes) / none.served : 1;
    const allowance = Math.ceil(twoPersonMinutes / perJob);
    const holds = synced.served >= none.served - allowance && rows.every((r) => r.faults === 0);

    const header = `Crew scenario: sandbox seed ${options.seed}, 1 store, 6 technicians, ${jobs.length} jobs; two-person skill ${pick.skill} (${pick.jobs} jobs), pair ${pick.members.join('+')}; ${options.iterations} solver iterations per plan`;
    const table = [
      '| plan | served | two-person served | unassigned | service min | travel min | unassigned by reason | plan faults |',
      '|---|---:|---:|---:|---:|---:|---|---:|',
      ...rows.map(
        (r) =>
          `| ${r.variant} | ${r.served} | ${r.twoPerson} | ${r.unassigned} | ${r.serviceMinutes} | ${r.travelMinutes} | ${r.reasons} | ${r.faults} |`,
      ),
    ].join('\n');
    const claim = `Claim (b) >= (c) - allowance: ${synced.served} >= ${none.served} - ${allowance} (second member's ${Math.round(twoPersonMinutes)} min on two-person jobs / ${perJob.toFixed(1)} min per job in (c)): ${holds ? 'HOLDS' : 'FAILS'}`;
    const text = `${header}\n\n${table}\n\n${claim}\n`;
    console.log(text);
    const out = options.out ?? join(import.meta.dirname, '../results/crew-scenario.md');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `# Two-person jobs on the sandbox: crew, synchronised visits, none\n\n${text}`);
    console.log(`written ${out}`);
  } finally {
    await sandbox.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
