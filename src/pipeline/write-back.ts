/**
 * Write-back: make the calls the diff asked for, each recorded in the journal before it is
 * sent and marked with its result after. Every Amazon operation has its own usage plan, so
 * each gets its own lane: calls of different operations go out side by side, and the Services
 * client paces each lane at its operation's rate. Only real dependencies wait:
 *
 * - a job's technicians are assigned once its appointment exists (after an add or a reschedule);
 * - capacity changes go in three stages: schedules and cancelled reservations, then moved
 *   appointments and reservations, then new ones; a stage waits for the writes of the ones
 *   before it (not for their assignments). The last stage only adds to what Amazon holds, so
 *   no order within it can overfill a slot the finished plan fits in.
 *
 * Assignments of appointments that are kept need no wait and go first in their lane.
 *
 * Within a stage, calls go out side by side, so an appointment can reach a slot before the
 * appointment moving out of it has left. Amazon refuses it (422, slot not available); such a
 * refusal is tried once more after every stage has landed, and only a second refusal is
 * reported.
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
  /** Calls of one operation in flight or waiting for the rate limiter at once (default 16). */
  concurrency?: number;
  onProgress?: (p: WriteProgress) => void;
}

/** A bounded FIFO of tasks for one operation. */
class Lane {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

export async function writeBack(
  ops: readonly WriteOperation[],
  ctx: WriteBackContext,
): Promise<WriteBackResult> {
  const result: WriteBackResult = { calls: 0, failures: [], inDoubt: 0 };
  let total = ops.reduce((n, op) => n + callsOf(op), 0);
  let done = 0;
  const tick = (): void => {
    done += 1;
    ctx.onProgress?.({ done, total, calls: result.calls, failed: result.failures.length });
  };
  const lanes = new Map<string, Lane>();
  const lane = (operation: string): Lane => {
    let l = lanes.get(operation);
    if (l === undefined) {
      l = new Lane(ctx.concurrency ?? 16);
      lanes.set(operation, l);
    }
    return l;
  };
  const call = async (s: Step): Promise<StepOutcome> => {
    const r = await lane(s.operation).run(() => step(ctx, result, s));
    tick();
    return r;
  };
  const appointmentIdOf = (ids: StepOutcome): string | undefined =>
    ids !== REFUSED && typeof ids?.['appointmentId'] === 'string' ? ids['appointmentId'] : undefined;
  let allPlaced: () => void = () => undefined;
  const everyStagePlaced = new Promise<void>((resolve) => (allPlaced = resolve));

  /** Starts an operation; `placed` settles when what it does to capacity is done, `finished` when all of it is. */
  const start = (op: WriteOperation): { placed: Promise<unknown>; finished: Promise<unknown> } => {
    if (op.op !== 'appointment') {
      const p = call(capacityStep(op, ctx));
      return { placed: p, finished: p };
    }
    const first: Promise<StepOutcome> =
      op.set === undefined ? Promise.resolve({ appointmentId: op.appointmentId }) : call(setStep(op, ctx));
    const placed = first.then(appointmentIdOf);
    const finished = first
      .then((ids) =>
        ids === REFUSED
          ? everyStagePlaced
              .then(() => {
                total += 1;
                return call(setStep(op, ctx, 'retry'));
              })
              .then(appointmentIdOf)
          : appointmentIdOf(ids),
      )
      .then((id) =>
        op.assign !== undefined && id !== undefined ? call(assignStep(op, id, ctx)) : undefined,
      );
    return { placed, finished };
  };

  // Assignments of kept appointments start at once; every other operation waits for the
  // capacity writes of the stages before it (see stageOf), never for another lane's pace.
  const stages: WriteOperation[][] = [[], [], []];
  const immediate: WriteOperation[] = [];
  for (const op of ops) {
    const n = stageOf(op);
    if (n === undefined) immediate.push(op);
    else stages[n]!.push(op);
  }
  const finished: Promise<unknown>[] = immediate.map((op) => start(op).finished);
  let before: Promise<unknown> = Promise.resolve();
  for (const stage of stages) {
    const gate = before;
    const started = stage.map((op) => gate.then(() => start(op)));
    for (const s of started) finished.push(s.then((x) => x.finished));
    // Through the gate, so that an empty stage still waits for the ones before it.
    before = gate.then(() => Promise.all(started.map((s) => s.then((x) => x.placed))));
    // A failure reaches the caller through `finished`; the last gate is awaited by no one.
    before.catch(() => undefined);
  }
  void before.then(allPlaced, allPlaced);
  await Promise.all(finished);
  return result;
}

/**
 * 0: schedules and cancelled reservations (capacity Amazon gains or gets back); 1: moved
 * appointments and reservations; 2: new appointments and reservations; none: technicians of
 * an appointment that stays.
 */
function stageOf(op: WriteOperation): number | undefined {
  switch (op.op) {
    case 'updateSchedule':
    case 'cancelReservation':
      return 0;
    case 'updateReservation':
      return 1;
    case 'createReservation':
      return 2;
    case 'appointment':
      return op.set === undefined ? undefined : op.set.kind === 'reschedule' ? 1 : 2;
  }
}

function capacityStep(op: Exclude<WriteOperation, AppointmentWrite>, ctx: WriteBackContext): Step {
  const { services, marketplaceId } = ctx;
  switch (op.op) {
    case 'updateSchedule':
      return {
        key: op.key,
        operation: 'updateSchedule',
        resourceId: op.resourceId,
        body: { resourceId: op.resourceId, records: op.records },
        personal: false,
        send: async () => {
          const r = await services.updateSchedule(marketplaceId, op.resourceId, op.records);
          return { warningCodes: r.warnings };
        },
      };
    case 'createReservation':
      return {
        key: op.key,
        operation: 'createReservation',
        resourceId: op.block.resourceId,
        body: { block: op.block },
        personal: false,
        send: async () => ({
          reservationId: (await services.createReservation(marketplaceId, op.block)).reservationId,
        }),
      };
    case 'updateReservation':
      return {
        key: op.key,
        operation: 'updateReservation',
        resourceId: op.block.resourceId,
        body: { reservationId: op.reservationId, block: op.block },
        personal: false,
        send: async () => {
          await services.updateReservation(marketplaceId, op.reservationId, op.block);
          return { reservationId: op.reservationId };
        },
      };
    case 'cancelReservation':
      return {
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
      };
  }
}

/**
 * Add the appointment, or move the current one. The first attempt's refusal for a slot is
 * held back (see the header); the retry is its own journal entry and reports as usual.
 */
function setStep(op: AppointmentWrite, ctx: WriteBackContext, attempt: 'first' | 'retry' = 'first'): Step {
  const { services } = ctx;
  const set = op.set!;
  const time = { startTime: formatWireTime(op.time.start), durationInMinutes: op.time.minutes };
  return {
    key: attempt === 'first' ? `${op.key}|set` : `${op.key}|set|retry`,
    holdRefusal: attempt === 'first',
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
  };
}

function assignStep(op: AppointmentWrite, appointmentId: string, ctx: WriteBackContext): Step {
  const resourceIds = op.assign!;
  return {
    key: `${op.key}|assign|${appointmentId}`,
    operation: 'assignAppointmentResources',
    serviceJobId: op.serviceJobId,
    body: { serviceJobId: op.serviceJobId, appointmentId, resourceIds },
    personal: false,
    send: async () => {
      const r = await ctx.services.assignAppointmentResources(op.serviceJobId, appointmentId, resourceIds);
      return { appointmentId, warningCodes: r.warnings };
    },
  };
}

interface Step {
  key: string;
  operation: string;
  serviceJobId?: string;
  resourceId?: string;
  body: unknown;
  personal: boolean;
  /** A refusal (422) is returned as REFUSED for one later retry instead of being reported. */
  holdRefusal?: boolean;
  send: () => Promise<Record<string, string | string[] | undefined>>;
}

const REFUSED = Symbol('refused');
type StepOutcome = JournalRecord['result'] | undefined | typeof REFUSED;

/** One journaled call. Returns its result ids when it succeeded now or in an earlier attempt. */
async function step(ctx: WriteBackContext, result: WriteBackResult, s: Step): Promise<StepOutcome> {
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
    // Amazon refused it in an earlier attempt of this plan: the retry's own entry decides.
    if (s.holdRefusal === true) return REFUSED;
    // Otherwise report, do not repeat.
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
      if (s.holdRefusal === true && status === 422) return REFUSED;
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
