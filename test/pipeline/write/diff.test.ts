import { describe, expect, it } from 'vitest';
import { diffPlan } from '../../../src/pipeline/write/diff.ts';
import { foldLedger, type LedgerEvent } from '../../../src/pipeline/write/ledger.ts';
import type { Plan } from '../../../src/pipeline/write/plan.ts';

const H = 3_600_000;
const base = Date.parse('2026-11-24T16:00:00Z');

function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    days: ['2026-11-24'],
    storeIds: ['S1'],
    marketplaceId: 'ATVPDKIKX0DER',
    horizon: { start: base - 16 * H, end: base + 8 * H },
    routes: [],
    appointments: [
      {
        serviceJobId: 'J1',
        storeId: 'S1',
        time: { start: base + H, minutes: 120 },
        technicianIds: ['T1'],
        current: undefined,
      },
      {
        serviceJobId: 'J2',
        storeId: 'S1',
        time: { start: base + 3 * H, minutes: 120 },
        technicianIds: ['T1'],
        current: { appointmentId: 'A2', time: { start: base + 3 * H, minutes: 120 }, technicianIds: ['T1'] },
      },
      {
        serviceJobId: 'J3',
        storeId: 'S1',
        time: { start: base + 5 * H, minutes: 120 },
        technicianIds: ['T2'],
        current: { appointmentId: 'A3', time: { start: base + 5 * H, minutes: 120 }, technicianIds: ['T1'] },
      },
      {
        serviceJobId: 'J4',
        storeId: 'S1',
        time: { start: base + 6 * H, minutes: 120 },
        technicianIds: ['T2'],
        current: { appointmentId: 'A4', time: { start: base + 2 * H, minutes: 120 }, technicianIds: ['T2'] },
      },
    ],
    blocks: [
      { resourceId: 'T1', type: 'TRAVEL', start: base + 2 * H, end: base + 2.5 * H },
      { resourceId: 'T1', type: 'BREAK', start: base + 4 * H, end: base + 4.5 * H },
    ],
    schedules: [{ resourceId: 'T1', records: [{ start: base, end: base + 9 * H, capacity: 1 }] }],
    unassigned: [],
    ...overrides,
  };
}

describe('diff', () => {
  it('makes only the calls the plan needs', () => {
    const ops = diffPlan(plan(), foldLedger([]), { rescheduleReasonCode: 'R1' });
    const summary = ops.map((o) =>
      o.op === 'appointment'
        ? `${o.serviceJobId}:${o.set?.kind ?? 'keep'}:${o.assign?.join('+') ?? '-'}`
        : o.op,
    );
    expect(summary.sort()).toEqual(
      [
        'J1:add:T1',
        'J3:keep:T2',
        'J4:reschedule:T2',
        'createReservation',
        'createReservation',
        'updateSchedule',
      ].sort(),
    );
    // J2 already matches: no call.
    expect(summary.some((s) => s.startsWith('J2'))).toBe(false);
  });

  it('finds nothing to do once the ledger holds the capacity writes and Amazon the appointments', () => {
    const p = plan();
    const events: LedgerEvent[] = [
      { op: 'updateSchedule', resourceId: 'T1', records: p.schedules[0]!.records },
      { op: 'createReservation', reservationId: 'R1', block: p.blocks[0]! },
      { op: 'createReservation', reservationId: 'R2', block: p.blocks[1]! },
    ];
    const done: Plan = {
      ...p,
      appointments: p.appointments.map((a) => ({
        ...a,
        current: { appointmentId: `A-${a.serviceJobId}`, time: a.time, technicianIds: a.technicianIds },
      })),
    };
    expect(diffPlan(done, foldLedger(events), { rescheduleReasonCode: 'R1' })).toEqual([]);
  });

  it('moves a reservation that changed and cancels one no longer needed', () => {
    const p = plan();
    const events: LedgerEvent[] = [
      { op: 'updateSchedule', resourceId: 'T1', records: p.schedules[0]!.records },
      { op: 'createReservation', reservationId: 'R1', block: { ...p.blocks[0]!, start: base + 1.5 * H } },
      { op: 'createReservation', reservationId: 'R2', block: p.blocks[1]! },
      {
        op: 'createReservation',
        reservationId: 'R3',
        block: { resourceId: 'T1', type: 'BREAK', start: base + 6 * H, end: base + 6.5 * H },
      },
    ];
    const ops = diffPlan({ ...p, appointments: [] }, foldLedger(events), { rescheduleReasonCode: 'R1' });
    expect(ops.map((o) => o.op).sort()).toEqual(['cancelReservation', 'updateReservation']);
    const update = ops.find((o) => o.op === 'updateReservation');
    expect(update?.op === 'updateReservation' && update.reservationId).toBe('R1');
  });

  it('never touches reservations outside the horizon', () => {
    const p = plan({ blocks: [] });
    const events: LedgerEvent[] = [
      {
        op: 'createReservation',
        reservationId: 'OLD',
        block: { resourceId: 'T1', type: 'TRAVEL', start: base - 48 * H, end: base - 47 * H },
      },
    ];
    const ops = diffPlan({ ...p, appointments: [] }, foldLedger(events), { rescheduleReasonCode: 'R1' });
    expect(ops.map((o) => o.op)).toEqual(['updateSchedule']);
  });
});
