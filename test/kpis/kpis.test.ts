/** KPIs: the definitions on hand-made cases, and the whole read against the sandbox after a close-out. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFulfillment, completeJob } from '../../src/closeout/index.ts';
import type { PlanningConfig } from '../../src/config/index.ts';
import { computeKpis, fulfilmentOnAmazon, loadKpis, type KpiInput } from '../../src/kpis/index.ts';
import type { ServicesClient } from '../../src/spapi/index.ts';
import { openStore } from '../../src/store/index.ts';
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
              {
                serviceJobId: 'early',
                appointmentId: 'A-early',
                source: 'journal',
                start,
                end,
                technicianIds: ['T1'],
              },
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
      { ...appt('silent', 'COMPLETED', 'T2', 3), closedHere: true },
      appt('elsewhere', 'COMPLETED', 'T2', 6),
      appt('open', 'NOT_SERVICED', 'T2', 40),
      appt('wrong-tech', 'NOT_SERVICED', 'T1', 5),
    ],
    fulfilments: [
      {
        serviceJobId: 'on-time',
        appointmentId: 'A-on-time',
        source: 'journal',
        start: T + 0.1 * H,
        end: T + 1.5 * H,
        technicianIds: ['T1'],
      },
      {
        serviceJobId: 'late',
        appointmentId: 'A-late',
        source: 'journal',
        start: T + 4 * H,
        end: T + 6 * H,
        technicianIds: ['T1'],
      },
      {
        serviceJobId: 'wrong-tech',
        appointmentId: 'A-wrong-tech',
        source: 'journal',
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
    expect(r.store.appointments).toBe(7);
    expect(r.store.fulfilmentRecorded).toBe(3);
    // Completed elsewhere with no fulfilment either source shows: not known to be a break.
    expect(r.store.completedFulfilmentUnknown).toBe(1);
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

describe("fulfilment from Amazon's job data where it carries it, from the journal otherwise", () => {
  const base = {
    routes: [],
    appointmentTime: 'arrival-window' as const,
    graceMinutes: 15,
    now: T + 24 * H,
  };

  it('a job closed elsewhere with proof of appointment at Amazon is fulfilled, not a break', () => {
    const k = computeKpis({
      ...base,
      appointments: [
        appt('elsewhere', 'COMPLETED', 'T1'),
        { ...appt('here', 'COMPLETED', 'T1', 3), closedHere: true },
      ],
      fulfilments: [
        fulfilmentOnAmazon('elsewhere', 'A-elsewhere', {
          technicians: [{ technicianId: 'T1' }],
          uploadTime: new Date(T + H).toISOString(),
          poaType: 'CUSTOMER_SIGNATURE',
        })!,
      ],
    });
    expect(k.store.fulfilmentRecorded).toBe(1);
    expect(k.store.fulfilmentSources).toEqual({ amazon: 1, journal: 0 });
    expect(k.store.fulfilmentBreaks.completedWithoutFulfilment).toBe(1); // `here`: closed by this engine
    expect(k.store.fulfilmentBreaks.technicianMismatch).toBe(0);
    // Amazon carries no fulfilment times: neither on time nor late, the share has no base.
    expect(k.store.onTimeStarts).toEqual({ count: 0, sharePct: null });
  });

  it("Amazon's proof names who did the work; the journal's times are kept with it", () => {
    const k = computeKpis({
      ...base,
      appointments: [appt('j', 'COMPLETED', 'T1')],
      fulfilments: [
        {
          serviceJobId: 'j',
          appointmentId: 'A-j',
          source: 'journal',
          start: T + 0.5 * H,
          end: T + H,
          technicianIds: ['T1'],
        },
        fulfilmentOnAmazon('j', 'A-j', { technicians: [{ technicianId: 'T2' }] })!,
      ],
    });
    expect(k.store.fulfilmentSources).toEqual({ amazon: 1, journal: 0 });
    expect(k.store.onTimeStarts.count).toBe(1);
    expect(k.store.fulfilmentBreaks.technicianMismatch).toBe(1);
  });

  it('reads no fulfilment from an appointment without proof', () => {
    expect(fulfilmentOnAmazon('j', 'A-j', undefined)).toBeUndefined();
    expect(fulfilmentOnAmazon('j', 'A-j', {})).toBeUndefined();
    expect(fulfilmentOnAmazon('j', 'A-j', { uploadingTechnician: 'T3' })?.technicianIds).toEqual(['T3']);
  });

  it('over generated stores: every completion is fulfilled, unknown or a break of this engine, once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            status: fc.constantFrom('COMPLETED', 'NOT_SERVICED', 'CANCELLED'),
            closedHere: fc.boolean(),
            poa: fc.boolean(),
            journal: fc.boolean(),
          }),
          { maxLength: 30 },
        ),
        (jobs) => {
          const appointments = jobs.map((j, i) => ({
            ...appt(`J${i}`, j.status, 'T1'),
            closedHere: j.closedHere,
          }));
          const fulfilments = jobs.flatMap((j, i) => [
            ...(j.poa
              ? [fulfilmentOnAmazon(`J${i}`, `A-J${i}`, { technicians: [{ technicianId: 'T1' }] })!]
              : []),
            ...(j.journal
              ? [
                  {
                    serviceJobId: `J${i}`,
                    appointmentId: `A-J${i}`,
                    source: 'journal' as const,
                    start: T,
                    end: T + H,
                    technicianIds: ['T1'],
                  },
                ]
              : []),
          ]);
          const k = computeKpis({ ...base, appointments, fulfilments }).store;
          const completed = jobs.filter((j) => j.status === 'COMPLETED');
          const seen = completed.filter((j) => j.poa || j.journal).length;
          expect(k.fulfilmentRecorded).toBe(jobs.filter((j) => j.poa || j.journal).length);
          expect(k.fulfilmentSources.amazon).toBe(jobs.filter((j) => j.poa).length);
          expect(k.fulfilmentBreaks.completedWithoutFulfilment).toBe(
            completed.filter((j) => !j.poa && !j.journal && j.closedHere).length,
          );
          expect(k.completedFulfilmentUnknown).toBe(
            completed.filter((j) => !j.poa && !j.journal && !j.closedHere).length,
          );
          expect(seen + k.fulfilmentBreaks.completedWithoutFulfilment + k.completedFulfilmentUnknown).toBe(
            completed.length,
          );
        },
      ),
    );
  });

  it("loadKpis reads the proof from Amazon's job data and the close-out journal", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldplan-kpis-'));
    const db = await openStore(join(dir, 'fieldplan.db'));
    try {
      const day = '2026-11-02';
      const at = (h: number): string => new Date(T + h * H).toISOString().replace('.000Z', 'Z');
      const job = (id: string, status: string, poa?: unknown) => ({
        serviceJobId: id,
        serviceJobStatus: status,
        storeId: 'S1',
        appointments: [
          {
            appointmentId: `A-${id}`,
            appointmentStatus: status === 'COMPLETED' ? 'COMPLETED' : 'ACTIVE',
            appointmentTime: { startTime: at(0), durationInMinutes: 120 },
            assignedTechnicians: [{ technicianId: 'T1' }],
            ...(poa !== undefined ? { poa } : {}),
          },
        ],
      });
      const jobs = [
        job('by-poa', 'COMPLETED', { technicians: [{ technicianId: 'T1' }], uploadTime: at(1.5) }),
        job('by-journal', 'NOT_SERVICED'),
        job('closed-elsewhere', 'COMPLETED'),
      ];
      const client = {
        async *serviceJobs() {
          yield* jobs;
        },
        getServiceJobByServiceJobId: async ({ serviceJobId }: { serviceJobId: string }) => ({
          payload: jobs.find((j) => j.serviceJobId === serviceJobId),
        }),
        setAppointmentFulfillmentData: async () => '',
        completeServiceJobByServiceJobId: async () => ({}),
      } as unknown as ServicesClient;
      const deps = { client, db, actor: 'test' };
      await setFulfillment(deps, 'by-journal', {
        fulfillmentTime: { startTime: at(0.25), endTime: at(1) },
        technicianIds: ['T1'],
      });
      await completeJob(deps, 'by-journal');
      jobs[1]!.serviceJobStatus = 'COMPLETED';
      const config = {
        stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles' }],
        planning: { appointmentTime: 'arrival-window' },
      } as unknown as PlanningConfig;
      const k = await loadKpis(
        { client, db, config, marketplaceId: 'M', clock: () => new Date(T + 48 * H) },
        { storeId: 'S1', from: day, to: day },
      );
      expect(k.store.appointments).toBe(3);
      expect(k.store.completed).toBe(3);
      expect(k.store.fulfilmentSources).toEqual({ amazon: 1, journal: 1 });
      expect(k.store.onTimeStarts).toEqual({ count: 1, sharePct: 100 });
      expect(k.store.completedFulfilmentUnknown).toBe(1);
      expect(k.store.fulfilmentBreaks.total).toBe(0);
    } finally {
      await db.close();
    }
  });
});
