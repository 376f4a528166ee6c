/** KPIs: the definitions on hand-made cases, and the whole read against the sandbox after a close-out. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFulfillment, completeJob } from '../../src/closeout/index.ts';
import { computeKpis, loadKpis, type KpiInput } from '../../src/kpis/index.ts';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import { capacityWorld, type CapacityWorld } from '../capacity/support.ts';

const H = 3_600_000;
const T = Date.parse('2026-11-02T16:00:00Z');
const appt = (id: string, status: string, tech: string, startH = 0) => ({
  serviceJobId: id,
  appointmentId: `A-${id}`,
  jobStatus: status,
  start: T + startH * H,
  end: T + (startH + 2) * H,
  technicianIds: [tech],
});
const route = (tech: string, service: number, travel: number): Plan['routes'][number] => ({
  routeId: `${tech}@d`,
  technicianIds: [tech],
  day: '2026-11-02',
  shift: { start: T, end: T + 8 * H },
  leave: T,
  back: T + 8 * H,
  stops: [],
  breaks: [],
  travel,
  service,
  waiting: 0,
  overtime: 0,
});

describe('on time and in the window check both bounds of the window', () => {
  it('a fulfilment recorded before the window opens (the day before, or an hour early) counts as neither', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('arrival-window' as const, 'service-interval' as const),
        fc.integer({ min: 1, max: 48 * 60 }),
        fc.integer({ min: 1, max: 300 }),
        (appointmentTime, earlyMinutes, minutes) => {
          const start = T - earlyMinutes * 60_000;
          const end = Math.min(start + minutes * 60_000, T + H);
          const k = computeKpis({
            appointments: [appt('early', 'COMPLETED', 'T1')],
            fulfilments: [
              { serviceJobId: 'early', appointmentId: 'A-early', start, end, technicianIds: ['T1'] },
            ],
            routes: [],
            appointmentTime,
            graceMinutes: 15,
            now: T + 24 * H,
          });
          expect(k.store.onTimeStarts.count).toBe(0);
          expect(k.store.completedWithinWindow.count).toBe(0);
        },
      ),
    );
  });
});

describe('KPI definitions', () => {
  const input: KpiInput = {
    appointments: [
      appt('on-time', 'COMPLETED', 'T1'),
      appt('late', 'COMPLETED', 'T1', 3),
      appt('no-show', 'NOT_SERVICED', 'T2'),
      appt('silent', 'COMPLETED', 'T2', 3),
      appt('open', 'NOT_SERVICED', 'T2', 40),
      appt('wrong-tech', 'NOT_SERVICED', 'T1', 5),
    ],
    fulfilments: [
      {
        serviceJobId: 'on-time',
        appointmentId: 'A-on-time',
        start: T + 0.1 * H,
        end: T + 1.5 * H,
        technicianIds: ['T1'],
      },
      {
        serviceJobId: 'late',
        appointmentId: 'A-late',
        start: T + 4 * H,
        end: T + 6 * H,
        technicianIds: ['T1'],
      },
      {
        serviceJobId: 'wrong-tech',
        appointmentId: 'A-wrong-tech',
        start: T + 5 * H,
        end: T + 6 * H,
        technicianIds: ['T9'],
      },
    ],
    routes: [route('T1', 4 * H, 2 * H), route('T2', 2 * H, 2 * H)],
    appointmentTime: 'service-interval',
    graceMinutes: 15,
    now: T + 24 * H,
  };
  const r = computeKpis(input);

  it('counts on-time starts, completion in the window, no-shows and fulfilment breaks', () => {
    expect(r.store.appointments).toBe(6);
    expect(r.store.fulfilmentRecorded).toBe(3);
    expect(r.store.onTimeStarts).toEqual({ count: 2, sharePct: 66.7 });
    expect(r.store.completedWithinWindow).toEqual({ count: 2, sharePct: 66.7 });
    expect(r.store.noShows).toBe(1);
    expect(r.store.fulfilmentBreaks).toEqual({
      completedWithoutFulfilment: 1,
      fulfilledNotCompleted: 1,
      technicianMismatch: 1,
      total: 3,
    });
  });

  it('splits per technician, with utilisation and travel share from the routes', () => {
    const t1 = r.technicians.find((t) => t.technicianId === 'T1')!;
    const t2 = r.technicians.find((t) => t.technicianId === 'T2')!;
    expect(t1.appointments).toBe(3);
    expect(t2.noShows).toBe(1);
    expect(t1.utilisationPct).toBe(50);
    expect(t1.travelSharePct).toBe(33.3);
    expect(r.store.utilisationPct).toBe(37.5);
    expect(r.store.travelSharePct).toBe(40);
  });

  it('arrival-window appointments are on time up to the window end', () => {
    const w = computeKpis({ ...input, appointmentTime: 'arrival-window' });
    expect(w.store.onTimeStarts.count).toBe(3);
  });
});

describe('KPIs against the sandbox', () => {
  let cw: CapacityWorld;
  beforeAll(async () => {
    cw = await capacityWorld({ apply: true });
  }, 120_000);
  afterAll(async () => cw?.close());

  it('reads appointments, the close-out journal and the plan routes', async () => {
    const snap = cw.world.sandbox.snapshot();
    const a = snap.appointments.find((x) => x.status === 'ACTIVE' && x.startTime.startsWith(cw.world.date))!;
    const deps = { client: cw.client, db: cw.db, actor: 'test' };
    const ago = (h: number) => new Date(Date.now() - h * H).toISOString().replace(/\.\d+Z$/, 'Z');
    await setFulfillment(deps, a.serviceJobId, {
      fulfillmentTime: { startTime: ago(2), endTime: ago(1) },
      technicianIds: [...a.technicianIds],
    });
    await completeJob(deps, a.serviceJobId);
    const k = await loadKpis(
      {
        client: cw.client,
        db: cw.db,
        config: cw.world.config,
        marketplaceId: cw.deps.marketplaceId,
        clock: () => new Date(),
      },
      { storeId: cw.storeId, from: cw.world.date, to: cw.world.date },
    );
    expect(k.store.appointments).toBeGreaterThan(0);
    expect(k.store.completed).toBe(1);
    expect(k.store.fulfilmentRecorded).toBe(1);
    // Recorded now, before the appointment's window opens (it is on the next day): not on time.
    expect(k.store.onTimeStarts.count).toBe(0);
    expect(k.store.plannedRoutes).toBeGreaterThan(0);
    expect(k.store.utilisationPct).toBeGreaterThan(0);
    expect(k.technicians.length).toBeGreaterThan(0);
    expect(JSON.stringify(k)).not.toMatch(/name|phone|address|"startTime"/i);
  });
});
