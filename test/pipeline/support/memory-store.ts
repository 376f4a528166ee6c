/** An in-memory PipelineStorePort for tests of the run's logic (the store itself is tested on its own). */
import type { LedgerEvent } from '../../../src/pipeline/write/ledger.ts';
import type { Plan } from '../../../src/pipeline/write/plan.ts';
import type { JournalRecord, PipelineStorePort, StoredPlan } from '../../../src/pipeline/ports.ts';

interface PlanRow {
  planId: string;
  days: string[];
  storeIds: string[];
  plan: Plan | undefined;
  status: 'running' | 'succeeded' | 'failed';
}

export function memoryStore(): PipelineStorePort & { journalEntries: JournalRecord[] } {
  const jobs = new Map<string, unknown>();
  const marks = new Map<string, string>();
  const plans: PlanRow[] = [];
  const journalEntries: (JournalRecord & { planId: string })[] = [];
  let next = 1;
  return {
    journalEntries,
    journal: {
      async intend(planId, intent) {
        const found = journalEntries.find((e) => e.key === intent.key);
        if (found) return { ...found };
        const e = {
          planId,
          entryId: next++,
          key: intent.key,
          operation: intent.operation,
          state: 'intended' as const,
          result: null,
          body: intent.body,
          serviceJobId: intent.serviceJobId ?? null,
          errorCode: null,
        };
        journalEntries.push(e);
        return { ...e };
      },
      async markSent(id) {
        const e = journalEntries.find((x) => x.entryId === id)!;
        e.state = 'sent';
      },
      async markResult(id, outcome) {
        const e = journalEntries.find((x) => x.entryId === id)!;
        e.state = outcome.state;
        e.result = outcome.result ?? null;
        e.errorCode = outcome.errorCode ?? null;
      },
      async inDoubt(planId) {
        for (const e of journalEntries) if (e.planId === planId && e.state === 'sent') e.state = 'unknown';
        return journalEntries.filter((e) => e.planId === planId && ['intended', 'unknown'].includes(e.state));
      },
    },
    async saveJobs(raws) {
      for (const r of raws)
        jobs.set(String((r as { serviceJobId: string }).serviceJobId), structuredClone(r));
      return { inserted: raws.length, updated: 0 };
    },
    async plannableJobs(storeIds) {
      return [...jobs.values()].filter((j) => storeIds.includes(String((j as { storeId?: string }).storeId)));
    },
    async getWatermark(s, m) {
      return marks.get(`${s}|${m}`);
    },
    async setWatermark(s, m, v) {
      marks.set(`${s}|${m}`, v);
    },
    async createPlan(input) {
      const planId = `plan-${plans.length + 1}`;
      plans.push({ planId, days: input.days, storeIds: input.storeIds, plan: undefined, status: 'running' });
      return planId;
    },
    async savePlan(planId, plan) {
      plans.find((p) => p.planId === planId)!.plan = structuredClone(plan);
    },
    async finishPlan(planId, status) {
      plans.find((p) => p.planId === planId)!.status = status;
    },
    async latestPlan(days, storeIds): Promise<StoredPlan | undefined> {
      const p = [...plans]
        .reverse()
        .find((x) => x.plan && x.days.join() === days.join() && x.storeIds.join() === storeIds.join());
      return p ? { planId: p.planId, plan: p.plan!, status: p.status } : undefined;
    },
    async ledgerEvents(): Promise<LedgerEvent[]> {
      return journalEntries
        .filter((e) => e.state === 'succeeded')
        .flatMap((e): LedgerEvent[] => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const b = e.body as any;
          const r = (e.result ?? {}) as { reservationId?: string };
          if (e.operation === 'updateSchedule')
            return [{ op: 'updateSchedule', resourceId: b.resourceId, records: b.records }];
          if (e.operation === 'createReservation')
            return [{ op: 'createReservation', reservationId: r.reservationId, block: b.block }];
          if (e.operation === 'updateReservation')
            return r.reservationId !== undefined && r.reservationId !== b.reservationId
              ? [
                  { op: 'cancelReservation', reservationId: b.reservationId },
                  { op: 'createReservation', reservationId: r.reservationId, block: b.block },
                ]
              : [{ op: 'updateReservation', reservationId: b.reservationId, block: b.block }];
          if (e.operation === 'cancelReservation')
            return [{ op: 'cancelReservation', reservationId: b.reservationId }];
          return [];
        });
    },
    async refusedAppointmentTimes() {
      const out = new Set<string>();
      for (const e of journalEntries) {
        const b = (e.body ?? {}) as { serviceJobId?: string; startTime?: string };
        if (e.state === 'failed' && e.errorCode !== 'NOT_APPLIED' && b.startTime && b.serviceJobId) {
          out.add(`${b.serviceJobId}|${Date.parse(b.startTime)}`);
        }
      }
      return out;
    },
    async purge() {
      return { jobs: 0 };
    },
    async audit() {},
    async acquireLock() {
      return { acquired: true } as const;
    },
    async releaseLock() {},
    async close() {},
  };
}
