/**
 * The reconcile stage: the plan set against what Amazon holds now. Each appointment learns
 * the one Amazon has (from the pull, or read back job by job on resume), breaks Amazon
 * already holds are kept where they still fit (stability/kept-breaks.ts) and breaks reserved
 * elsewhere are not reserved twice (stability/breaks-held-elsewhere.ts). A new plan is saved;
 * a resumed one first has its calls left in doubt checked against Amazon (reconcile.ts).
 */
import type { PlannableJob } from '../read/normalise.ts';
import { normaliseJobs } from '../read/normalise.ts';
import type { ReadJobs } from '../read/read-stage.ts';
import type { RunContext } from '../run-context.ts';
import type { Decision } from '../solve/decide-stage.ts';
import { dropBreaksHeldElsewhere } from '../stability/breaks-held-elsewhere.ts';
import { keepHeldBreaks } from '../stability/kept-breaks.ts';
import type { ServicesPort } from '../ports.ts';
import type { PlanningSetup } from '../setup/planning-setup.ts';
import { foldLedger, type Ledger } from './ledger.ts';
import type { Plan, PlannedStop } from './plan.ts';
import { withKpiFacts } from '../../kpis/plan.ts';
import { isBlocking } from '../issues.ts';
import { reconcile } from './reconcile.ts';

export interface Reconciled {
  planId: string;
  /** The plan with what Amazon holds now beside each appointment. */
  plan: Plan;
  /** What Amazon holds of this engine's capacity writes. */
  ledger: Ledger;
}

export async function reconcileStage(
  run: RunContext,
  read: ReadJobs,
  decision: Decision,
): Promise<Reconciled> {
  const { deps, options, setup, timed } = run;
  const { planId } = decision;
  let plan = withCurrentAppointments(decision.plan, read.byId);
  if (read.underWay.length > 0) plan = { ...plan, underWay: read.underWay };
  if (run.unavailable.size > 0 && setup.rules.resources === 'per-technician')
    plan = { ...plan, absentResources: [...run.unavailable].sort() };
  let ledger = read.ledger;
  plan = keepHeldBreaks(plan, ledger.reservations, setup);
  const heldSlots = decision.heldSlots;
  if (heldSlots !== undefined) {
    const current = plan;
    plan = await timed('capacity-read', async () => {
      const held = await heldSlots;
      if ('err' in held) throw held.err;
      return dropBreaksHeldElsewhere(current, deps.services, ledger.reservations, held.ok);
    });
  }
  // What the KPIs are worked out from, stored with the plan so that its report agrees later.
  plan = withKpiFacts(plan, {
    setup,
    excluded: [...read.issues, ...decision.issues].flatMap((i) =>
      isBlocking(i) && i.serviceJobId !== undefined ? [{ serviceJobId: i.serviceJobId, code: i.code }] : [],
    ),
    latestStart: (stop) => latestStart(stop, read.byId),
  });
  if (!decision.resumed) {
    const saved = plan;
    await timed('save', () => deps.store.savePlan(planId, saved, { seed: options.seed ?? 1 }));
    return { planId, plan, ledger };
  }
  // A resumed write-back: what landed of the calls left in doubt is recorded before anything is repeated.
  const r = await reconcile(
    planId,
    options.marketplaceId,
    deps.store.journal,
    deps.services,
    ledger.reservations,
  );
  if (r.checked > 0)
    run.progress.note(
      `checked ${r.checked} calls left in doubt: ${r.landed} had landed, ${r.notLanded} had not`,
    );
  ledger = foldLedger(await deps.store.ledgerEvents(run.storeIds));
  plan = withCurrentAppointments(
    plan,
    await freshAppointments(plan, deps.services, read.byId, setup, run.now),
  );
  return { planId, plan, ledger };
}

function withCurrentAppointments(plan: Plan, jobs: ReadonlyMap<string, PlannableJob>): Plan {
  const currentOf = (serviceJobId: string) => {
    const current = jobs.get(serviceJobId)?.activeAppointment;
    return current
      ? {
          appointmentId: current.appointmentId,
          time: { start: current.start, minutes: current.durationMinutes },
          technicianIds: [...current.technicianIds].sort(),
        }
      : undefined;
  };
  return {
    ...plan,
    appointments: plan.appointments.map((a) => ({ ...a, current: currentOf(a.serviceJobId) })),
    // What a booked job the plan leaves out holds at Amazon: released when it starts later (diff.ts).
    unassigned: plan.unassigned.map((u) => {
      const current = currentOf(u.serviceJobId);
      return current !== undefined ? { ...u, current } : u;
    }),
  };
}

/** On resume, the appointments of the plan's jobs are read back one by one from Amazon (parsed here, where they come in). */
async function freshAppointments(
  plan: Plan,
  services: ServicesPort,
  pulled: ReadonlyMap<string, PlannableJob>,
  setup: PlanningSetup,
  now: number,
): Promise<Map<string, PlannableJob>> {
  const out = new Map(pulled);
  const raws = await Promise.all(plan.appointments.map((a) => services.getServiceJob(a.serviceJobId)));
  const fresh = normaliseJobs(
    raws.filter((r) => r !== undefined),
    setup,
    now,
  );
  for (const j of fresh.jobs) out.set(j.serviceJobId, j);
  return out;
}

/** The end of the window the visit starts in: the latest start it allows. */
function latestStart(stop: PlannedStop, jobs: ReadonlyMap<string, PlannableJob>): number | undefined {
  return jobs.get(stop.serviceJobId)?.windows.find((x) => stop.start >= x.start && stop.start <= x.end)?.end;
}
