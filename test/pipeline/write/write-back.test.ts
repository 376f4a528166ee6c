/**
 * The write-back's order: operations with their own usage plans run side by side, and only
 * real dependencies wait (an assignment for its appointment; new capacity for the writes that
 * free or move capacity). A fake Services port records when each call starts and ends.
 */
import { describe, expect, it } from 'vitest';
import type { WriteOperation } from '../../../src/pipeline/write/operations.ts';
import { ServicesCallError, type ServicesPort } from '../../../src/pipeline/ports.ts';
import { writeBack } from '../../../src/pipeline/write/write-back.ts';
import { memoryStore } from '../support/memory-store.ts';

interface Call {
  name: string;
  start: number;
  end: number;
}

/** Every call takes `ms`; an operation named in `slow` takes 5× as long (a tight usage plan). */
function recordingServices(ms: number, slow: string): { services: ServicesPort; calls: Call[] } {
  const calls: Call[] = [];
  const t0 = performance.now();
  const timed = async <T>(name: string, op: string, value: T): Promise<T> => {
    const start = performance.now() - t0;
    await new Promise((r) => setTimeout(r, op === slow ? ms * 5 : ms));
    calls.push({ name, start, end: performance.now() - t0 });
    return value;
  };
  const services = {
    listServiceJobs: () => {
      throw new Error('not used');
    },
    getServiceJob: async () => undefined,
    addAppointment: (id: string) => timed(`add ${id}`, 'add', { appointmentId: `${id}-new`, warnings: [] }),
    rescheduleAppointment: (id: string) =>
      timed(`reschedule ${id}`, 'reschedule', { appointmentId: `${id}-moved`, warnings: [] }),
    assignAppointmentResources: (id: string) => timed(`assign ${id}`, 'assign', { warnings: [] }),
    updateSchedule: (_m: string, r: string) => timed(`schedule ${r}`, 'schedule', { warnings: [] }),
    createReservation: (_m: string, b: { resourceId: string; start: number }) =>
      timed(`reserve ${b.resourceId}@${b.start}`, 'reserve', { reservationId: `R${b.start}` }),
    updateReservation: async () => {},
    cancelReservation: (_m: string, id: string) => timed(`cancel ${id}`, 'cancel', undefined),
    reservedSlots: async () => [],
  } as unknown as ServicesPort;
  return { services, calls };
}

const time = { start: Date.parse('2030-01-07T17:00:00Z'), minutes: 60 };
const block = (resourceId: string, start: number) => ({
  resourceId,
  type: 'TRAVEL' as const,
  start,
  end: start + 1,
});

function operations(): WriteOperation[] {
  const ops: WriteOperation[] = [
    { op: 'updateSchedule', key: 's1', resourceId: 'T1', records: [{ start: 0, end: 1, capacity: 1 }] },
    { op: 'cancelReservation', key: 'c1', reservationId: 'OLD', previous: block('T1', 0) },
    {
      op: 'appointment',
      key: 'moved',
      serviceJobId: 'J-MOVED',
      time,
      set: { kind: 'reschedule', appointmentId: 'A-OLD', reasonCode: 'R1' },
      appointmentId: undefined,
      assign: ['T1'],
    },
  ];
  for (let i = 0; i < 6; i++) {
    ops.push({
      op: 'appointment',
      key: `kept${i}`,
      serviceJobId: `J-KEPT${i}`,
      time,
      set: undefined,
      appointmentId: `A-KEPT${i}`,
      assign: ['T2'],
    });
    ops.push({
      op: 'appointment',
      key: `new${i}`,
      serviceJobId: `J-NEW${i}`,
      time,
      set: { kind: 'add' },
      appointmentId: undefined,
      assign: ['T3'],
    });
    ops.push({ op: 'createReservation', key: `r${i}`, block: block('T3', 100 + i) });
  }
  return ops;
}

describe('write-back order', () => {
  it('runs operations side by side and waits only for real dependencies', async () => {
    const { services, calls } = recordingServices(20, 'assign');
    const store = memoryStore();
    const result = await writeBack(operations(), {
      planId: 'P',
      marketplaceId: 'M',
      services,
      journal: store.journal,
    });
    expect(result.failures).toEqual([]);
    expect(result.calls).toBe(3 + 1 + 6 * 4);
    const of = (prefix: string) => calls.filter((c) => c.name.startsWith(prefix));
    const first = (prefix: string) => Math.min(...of(prefix).map((c) => c.start));
    const last = (prefix: string) => Math.max(...of(prefix).map((c) => c.end));

    // Capacity in stages: schedules and cancellations, then the move, then new appointments and reservations.
    expect(first('reschedule')).toBeGreaterThanOrEqual(Math.max(last('schedule'), last('cancel')));
    expect(first('add')).toBeGreaterThanOrEqual(last('reschedule'));
    expect(first('reserve')).toBeGreaterThanOrEqual(last('reschedule'));
    // Each assignment follows its own appointment.
    for (let i = 0; i < 6; i++) {
      const add = of(`add J-NEW${i}`)[0]!;
      const assign = of(`assign J-NEW${i}`)[0]!;
      expect(assign.start).toBeGreaterThanOrEqual(add.end);
    }
    expect(of('assign J-MOVED')[0]!.start).toBeGreaterThanOrEqual(of('reschedule')[0]!.end);
    // Kept appointments' assignments need no wait: they start with the first stage.
    expect(first('assign J-KEPT')).toBeLessThan(last('schedule'));
    // The slow assignment lane does not hold the others back: every add and reservation is
    // done while assignments are still going out.
    expect(Math.max(last('add'), last('reserve'))).toBeLessThan(last('assign'));
    // New appointments and reservations overlap (separate lanes).
    const adds = of('add');
    expect(of('reserve').some((r) => adds.some((a) => r.start < a.end && a.start < r.end))).toBe(true);
  });

  it('repeats nothing on a second pass over the same operations (the journal answers)', async () => {
    const { services, calls } = recordingServices(1, 'none');
    const store = memoryStore();
    const ctx = { planId: 'P', marketplaceId: 'M', services, journal: store.journal };
    await writeBack(operations(), ctx);
    const made = calls.length;
    const again = await writeBack(operations(), ctx);
    expect(again.calls).toBe(0);
    expect(calls.length).toBe(made);
  });
});

describe('an appointment refused for its slot', () => {
  /** J-IN wants the slot J-OUT is leaving: refused until J-OUT's move has landed. */
  function slotServices(opts: { outMoves: boolean }): { services: ServicesPort; sent: string[] } {
    const sent: string[] = [];
    let slotFree = false;
    const services = {
      rescheduleAppointment: async (id: string) => {
        sent.push(`reschedule ${id}`);
        if (id === 'J-IN' && !slotFree)
          throw new ServicesCallError('reschedule', 422, 'InvalidInput', 'slot is not available');
        await new Promise((r) => setTimeout(r, 5));
        if (id === 'J-OUT' && opts.outMoves) slotFree = true;
        return { appointmentId: `${id}-moved`, warnings: [] };
      },
      assignAppointmentResources: async (id: string) => {
        sent.push(`assign ${id}`);
        return { warnings: [] };
      },
    } as unknown as ServicesPort;
    return { services, sent };
  }
  const move = (id: string): WriteOperation => ({
    op: 'appointment',
    key: id,
    serviceJobId: id,
    time,
    set: { kind: 'reschedule', appointmentId: `${id}-A`, reasonCode: 'R1' },
    appointmentId: undefined,
    assign: ['T1'],
  });

  it('is sent again once the rest of the plan has landed, then assigned', async () => {
    const { services, sent } = slotServices({ outMoves: true });
    const store = memoryStore();
    const ctx = { planId: 'P', marketplaceId: 'M', services, journal: store.journal };
    const result = await writeBack([move('J-IN'), move('J-OUT')], ctx);
    expect(result.failures).toEqual([]);
    expect(sent.filter((c) => c === 'reschedule J-IN')).toHaveLength(2);
    expect(sent.indexOf('reschedule J-IN', 1)).toBeGreaterThan(sent.indexOf('reschedule J-OUT'));
    expect(sent).toContain('assign J-IN');
    expect(result.calls).toBe(5);
    // A second pass repeats nothing: both attempts are in the journal.
    const again = await writeBack([move('J-IN'), move('J-OUT')], ctx);
    expect(again.calls).toBe(0);
    expect(again.failures).toEqual([]);
  });

  it('is reported when the retry is refused too, and tried no third time', async () => {
    const { services, sent } = slotServices({ outMoves: false });
    const store = memoryStore();
    const ctx = { planId: 'P', marketplaceId: 'M', services, journal: store.journal };
    const result = await writeBack([move('J-IN'), move('J-OUT')], ctx);
    expect(result.failures.map((f) => [f.serviceJobId, f.code])).toEqual([['J-IN', 'InvalidInput']]);
    expect(sent.filter((c) => c === 'reschedule J-IN')).toHaveLength(2);
    expect(sent).not.toContain('assign J-IN');
    const again = await writeBack([move('J-IN'), move('J-OUT')], ctx);
    expect(again.calls).toBe(0);
    expect(again.failures).toHaveLength(1);
  });
});
