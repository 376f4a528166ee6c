/**
 * Benchmark: storefront bookings after publishing, over HTTP against the local sandbox. The
 * nightly plan over the days is applied (POST /v1/plans), capacity is published (POST
 * /v1/capacity/publish), then a storefront books pending jobs the way Amazon's does: it asks
 * getAppointmentSlots for the job and books the earliest slot with capacity (addAppointment),
 * the engine publishing again after each booking. The next nightly plan (dry run) is then
 * asked whether it serves every booking at the booked time. Reported: pending jobs tried,
 * bookings Amazon took, served at the booked time, moved, left out (with reasons).
 *
 * The seller's demand is spread over the weeks ahead (`--load` below 1), so most pending buyers
 * prefer later days and shop the days on sale; the clocks are pinned to a Sunday, the days on
 * sale start on the Monday after it (as in test/capacity/storefront-bookings.test.ts).
 *
 *   node --import tsx bench/storefront-bookings.ts [--seed 7] [--technicians 12] [--jobs 160] [--load 0.1] [--days 2] [--bookings 20]
 *
 * Prints a table and writes bench/results/storefront-bookings.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Plan } from '../src/pipeline/write/plan.ts';
import { runningClock } from '../src/sandbox/index.ts';
import { ServicesApiError } from '../src/spapi/index.ts';
import { startApiWorld, waitForPlan, type ApiWorld } from '../test/api/support/api-world.ts';
import { clientFor } from '../test/capacity/support.ts';
import { projectRoot } from './paths.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '7' },
    technicians: { type: 'string', default: '12' },
    jobs: { type: 'string', default: '160' },
    load: { type: 'string', default: '0.1' },
    days: { type: 'string', default: '2' },
    bookings: { type: 'string', default: '20' },
  },
});
const days = Number(values.days);
const wanted = Number(values.bookings);

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function plan(w: ApiWorld, body: Record<string, unknown>): Promise<{ plan: Plan; status: unknown }> {
  const started = await w.call('POST', '/v1/plans', { token: 'planner', body });
  const planId = (started.body as { planId: string }).planId;
  const done = await waitForPlan(w, planId, 600_000);
  return { plan: (await w.api.ctx.store.plans.get(planId))!.plan as Plan, status: done['status'] };
}

const clock = runningClock(Date.parse('2031-01-12T18:00:00Z'));
const w = await startApiWorld({
  sandbox: {
    seed: Number(values.seed),
    technicians: Number(values.technicians),
    jobs: Number(values.jobs),
    load: Number(values.load),
    date: '2031-01-13',
    clock,
  },
  api: { clock },
});
try {
  const from = w.world.date;
  const to = addDays(from, days - 1);
  const storeId = w.world.config.stores[0]!.storeId;
  const applied = await plan(w, { from, to, apply: true, seed: 1, solverSeconds: 3 });
  await w.call('POST', '/v1/capacity/publish', { token: 'planner', body: { storeId, from, to } });

  const client = clientFor(w.world);
  const marketplaceIds = [w.world.sandbox.marketplaceId];
  const pending = w.world.sandbox
    .snapshot()
    .jobs.filter((j) => j.serviceJobStatus === 'PENDING_SCHEDULE' && j.storeId === storeId)
    .map((j) => j.serviceJobId!)
    .sort();
  const booked = new Map<string, number>();
  let noSlot = 0;
  let refused = 0;
  for (const id of pending) {
    if (booked.size === wanted) break;
    const slots = await client.getAppointmmentSlotsByJobId({
      serviceJobId: id,
      marketplaceIds,
      startTime: new Date(`${from}T00:00:00Z`).toISOString(),
      endTime: new Date(`${addDays(to, 1)}T00:00:00Z`).toISOString(),
    });
    const slot = (slots.payload?.appointmentSlots ?? [])
      .filter((s) => (s.capacity ?? 0) > 0 && s.startTime !== undefined && s.endTime !== undefined)
      .sort((a, b) => Date.parse(a.startTime!) - Date.parse(b.startTime!))[0];
    if (slot === undefined) {
      noSlot += 1;
      continue;
    }
    const start = Date.parse(slot.startTime!);
    try {
      await client.addAppointmentForServiceJobByServiceJobId({
        serviceJobId: id,
        body: {
          appointmentTime: {
            startTime: slot.startTime!,
            durationInMinutes: Math.round((Date.parse(slot.endTime!) - start) / 60_000),
          },
        },
      });
    } catch (err) {
      if (err instanceof ServicesApiError && err.status === 422) {
        refused += 1;
        continue;
      }
      throw err;
    }
    booked.set(id, start);
    await w.call('POST', '/v1/capacity/publish', { token: 'planner', body: { storeId, from, to } });
  }

  const next = await plan(w, { from, to, apply: false, seed: 2, solverSeconds: 3 });
  const stops = new Map(next.plan.routes.flatMap((r) => r.stops.map((s) => [s.serviceJobId, s.start])));
  const atTime = [...booked].filter(([id, start]) => stops.get(id) === start).length;
  const moved = [...booked].filter(([id, start]) => stops.has(id) && stops.get(id) !== start).length;
  const out = next.plan.unassigned.filter((u) => booked.has(u.serviceJobId));
  const reasons = new Map<string, number>();
  for (const u of out) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
  const row = [
    values.seed!,
    `${values.technicians} / ${values.jobs} / ${values.load} / ${days}`,
    String(applied.status),
    String(pending.length),
    String(noSlot),
    String(refused),
    String(booked.size),
    String(atTime),
    String(moved),
    `${out.length}${reasons.size > 0 ? ` (${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
  ];
  const header = [
    'seed',
    'technicians / jobs / load / days on sale',
    'applied plan',
    'pending after apply',
    'no slot offered',
    'refused by Amazon',
    'booked',
    'served at the booked time',
    'moved by the next plan',
    'left out',
  ];
  const table = [header, header.map(() => '---'), row].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const md = `# Storefront bookings after publishing\n\n${table}\n`;
  console.log(md);
  mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
  writeFileSync(join(projectRoot, 'bench/results/storefront-bookings.md'), md);
} finally {
  await w.close();
}
