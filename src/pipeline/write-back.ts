/**
 * Write-back: make the calls the diff asked for, each recorded in the journal before it is
 * sent and marked with its result after. Calls run concurrently; the Services client paces
 * them at each operation's rate limit.
 */
import { formatWireTime } from '../schedule/index.ts';
import { callsOf, type AppointmentWrite, type WriteOperation } from './operations.ts';
import { ServicesCallError, type JournalPort, type JournalRecord, type ServicesPort } from './ports.ts';

export interface WriteFailure {
  key: string;
  operation: string;
  serviceJobId: string | undefined;
  code: string;
  message: string;
}

export interface WriteProgress {
  done: number;
  total: number;
  calls: number;
  failed: number;
}

export interface WriteBackResult {
  calls: number;
  failures: WriteFailure[];
  /** Calls whose outcome is unknown (a transport failure); checked by reconcile before any repeat. */
  inDoubt: number;
}

export interface WriteBackContext {
  planId: string;
  marketplaceId: string;
  services: ServicesPort;
  journal: JournalPort;
  concurrency?: number;
  onProgress?: (p: WriteProgress) => void;
}

export async function writeBack(
  ops: readonly WriteOperation[],
  ctx: WriteBackContext,
): Promise<WriteBackResult> {
  const result: WriteBackResult = { calls: 0, failures: [], inDoubt: 0 };
  const total = ops.reduce((n, op) => n + callsOf(op), 0);
  let done = 0;
  const tick = (n: number): void => {
    done += n;
    ctx.onProgress?.({ done, total, calls: result.calls, failed: result.failures.length });
  };
  // Capacity first (schedules, freed reservations), then appointments that exist (their
  // technicians may move and free others), then new appointments and reservations.
  const phaseOf = (op: WriteOperation): number =>
    op.op === 'updateSchedule' || op.op === 'cancelReservation'
      ? 0
      : op.op === 'appointment' && op.set?.kind !== 'add'
        ? 1
        : 2;
  const phases: WriteOperation[][] = [0, 1, 2].map((n) => ops.filter((op) => phaseOf(op) === n));
  for (const phase of phases) {
    await pool(phase, ctx.concurrency ?? 32, async (op) => {
      await execute(op, ctx, result);
      tick(callsOf(op));
    });
  }
  return result;
}

async function pool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

async function execute(op: WriteOperation, ctx: WriteBackContext, result: WriteBackResult): Promise<void> {
  const { services, marketplaceId } = ctx;
  switch (op.op) {
    case 'updateSchedule':
      await step(ctx, result, {
        key: op.key,
        operation: 'updateSchedule',
        resourceId: op.resourceId,
        body: { resourceId: op.resourceId, records: op.records },
        personal: false,
        send: async () => {
          const r = await services.updateSchedule(marketplaceId, op.resourceId, op.records);
          return { warningCodes: r.warnings };
        },
      });
      return;
    case 'createReservation':
      await step(ctx, result, {
        key: op.key,
        operation: 'createReservation',
        resourceId: op.block.resourceId,
        body: { block: op.block },
        personal: false,
        send: async () => {
          const r = await services.createReservation(marketplaceId, op.block);
          return { reservationId: r.reservationId };
        },
      });
      return;
    case 'updateReservation':
      await step(ctx, result, {
        key: op.key,
        operation: 'updateReservation',
        resourceId: op.block.resourceId,
        body: { reservationId: op.reservationId, block: op.block },
        personal: false,
        send: async () => {
          await services.updateReservation(marketplaceId, op.reservationId, op.block);
          return { reservationId: op.reservationId };
        },
      });
      return;
    case 'cancelReservation':
      await step(ctx, result, {
        key: op.key,
        operation: 'cancelReservation',
        resourceId: op.previous.resourceId,
        body: { reservationId: op.reservationId },
        personal: false,
        send: async () => {
          try {
            await services.cancelReservation(marketplaceId, op.reservationId);
          } catch (err) {
            // Already gone (an earlier attempt landed): the goal is reached.
            if (!(err instanceof ServicesCallError && err.status === 404)) throw err;
          }
          return { reservationId: op.reservationId };
        },
      });
      return;
    case 'appointment':
      await appointment(op, ctx, result);
      return;
  }
}

async function appointment(
  op: AppointmentWrite,
  ctx: WriteBackContext,
  result: WriteBackResult,
): Promise<void> {
  const { services } = ctx;
  const time = { startTime: formatWireTime(op.time.start), durationInMinutes: op.time.minutes };
  let appointmentId = op.appointmentId;
  if (op.set !== undefined) {
    const set = op.set;
    const outcome = await step(ctx, result, {
      key: `${op.key}|set`,
      operation:
        set.kind === 'add'
          ? 'addAppointmentForServiceJobByServiceJobId'
          : 'rescheduleAppointmentForServiceJobByServiceJobId',
      serviceJobId: op.serviceJobId,
      body: {
        serviceJobId: op.serviceJobId,
        ...time,
        ...(set.kind === 'reschedule' ? { appointmentId: set.appointmentId } : {}),
      },
      personal: true,
      send: async () => {
        const r =
          set.kind === 'add'
            ? await services.addAppointment(op.serviceJobId, time)
            : await services.rescheduleAppointment(op.serviceJobId, set.appointmentId, time, set.reasonCode);
        return { appointmentId: r.appointmentId, warningCodes: r.warnings };
      },
    });
    const id = outcome?.appointmentId;
    appointmentId = typeof id === 'string' ? id : undefined;
    if (appointmentId === undefined) return;
  }
  if (op.assign !== undefined && appointmentId !== undefined) {
    const resourceIds = op.assign;
    const id = appointmentId;
    await step(ctx, result, {
      key: `${op.key}|assign|${id}`,
      operation: 'assignAppointmentResources',
      serviceJobId: op.serviceJobId,
      body: { serviceJobId: op.serviceJobId, appointmentId: id, resourceIds },
      personal: false,
      send: async () => {
        const r = await services.assignAppointmentResources(op.serviceJobId, id, resourceIds);
        return { appointmentId: id, warningCodes: r.warnings };
      },
    });
  }
}

interface Step {
  key: string;
  operation: string;
  serviceJobId?: string;
  resourceId?: string;
  body: unknown;
  personal: boolean;
  send: () => Promise<Record<string, string | string[] | undefined>>;
}

/** One journaled call. Returns its result ids when it succeeded now or in an earlier attempt. */
async function step(
  ctx: WriteBackContext,
  result: WriteBackResult,
  s: Step,
): Promise<JournalRecord['result'] | undefined> {
  const entry = await ctx.journal.intend(ctx.planId, {
    key: `${ctx.planId}|${s.key}`,
    operation: s.operation,
    ...(s.serviceJobId !== undefined ? { serviceJobId: s.serviceJobId } : {}),
    ...(s.resourceId !== undefined ? { resourceId: s.resourceId } : {}),
    body: s.body,
    personal: s.personal,
  });
  if (entry.state === 'succeeded') return entry.result ?? {};
  if (entry.state === 'failed' && entry.errorCode !== 'NOT_APPLIED') {
    // Amazon refused it in an earlier attempt of this plan: report, do not repeat.
    result.failures.push({
      key: s.key,
      operation: s.operation,
      serviceJobId: s.serviceJobId,
      code: entry.errorCode ?? 'FAILED',
      message: 'refused in an earlier attempt of this plan',
    });
    return undefined;
  }
  if (entry.state === 'sent' || entry.state === 'unknown') {
    // Left in doubt by an earlier attempt: reconcile decides, never a blind repeat.
    result.inDoubt += 1;
    return undefined;
  }
  await ctx.journal.markSent(entry.entryId);
  result.calls += 1;
  try {
    const ids = await s.send();
    await ctx.journal.markResult(entry.entryId, { state: 'succeeded', result: ids });
    return ids;
  } catch (err) {
    const known = err instanceof ServicesCallError;
    const status = known ? err.status : undefined;
    const code = known ? err.code : 'ERROR';
    if (status === undefined || status >= 500) {
      // May have landed: reconcile checks Amazon before anything is repeated.
      await ctx.journal.markResult(entry.entryId, { state: 'unknown', errorCode: code });
      result.inDoubt += 1;
    } else if (status === 0 || status === 429) {
      // Never reached Amazon, or throttled after every retry: safe to send again.
      await ctx.journal.markResult(entry.entryId, { state: 'failed', errorCode: 'NOT_APPLIED' });
      result.inDoubt += 1;
    } else {
      await ctx.journal.markResult(entry.entryId, { state: 'failed', errorCode: code });
      result.failures.push({
        key: s.key,
        operation: s.operation,
        serviceJobId: s.serviceJobId,
        code,
        // Amazon's error text can echo what was sent (appointment times), so the record that
        // reaches reports keeps only the status, code and request id.
        message: known
          ? `HTTP ${err.status} ${err.code}${err.requestId ? ` (request ${err.requestId})` : ''}`
          : `unexpected ${err instanceof Error ? err.name : 'error'}`,
      });
    }
    return undefined;
  }
}
