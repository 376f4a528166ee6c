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
 * appointment moving out of it has left, and a call of an earlier stage can end in doubt
 * (a server error or a dropped connection) with the slot still taken. Amazon refuses the
 * appointment (422, slot not available); such a refusal is tried again only once what could
 * free the slot has a final outcome (see retryRefused), and reported when the slot stays full.
 */
import { formatWireTime } from '../../schedule/index.ts';
import { callsOf, type AppointmentWrite, type WriteOperation } from './operations.ts';
import { ServicesCallError, type JournalPort, type JournalRecord, type ServicesPort } from '../ports.ts';

export interface WriteFailure {
  key: string;
  operation: string;
  serviceJobId: string | undefined;
  code: string;
  message: string;
}

interface WriteProgress {
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
    typeof ids === 'object' &&
    ids !== null &&
    !(ids instanceof Refusal) &&
    typeof ids['appointmentId'] === 'string'
      ? ids['appointmentId']
      : undefined;

  // Per stage: whether one of its capacity writes (a retry included) was left in doubt, and
  // the appointments refused for their slot that wait for a second try.
  const doubtful = [false, false, false];
  const held: HeldRefusal[][] = [[], [], []];
  const settled = (n: number, outcome: StepOutcome): StepOutcome => {
    if (outcome === IN_DOUBT && n >= 0) doubtful[n] = true;
    return outcome;
  };

  /** Starts an operation; `placed` settles when its first capacity write has an outcome, `finished` when all of it has. */
  const start = (op: WriteOperation, n: number): { placed: Promise<unknown>; finished: Promise<unknown> } => {
    if (op.op !== 'appointment') {
      const p = call(capacityStep(op, ctx)).then((o) => settled(n, o));
      return { placed: p, finished: p };
    }
    const attempt: Promise<StepOutcome> =
      op.set === undefined ? Promise.resolve({ appointmentId: op.appointmentId }) : call(setStep(op, ctx));
    // A refusal is held before `placed` settles, so the retry phase below always finds it.
    const placed = attempt.then((ids): { later: Promise<StepOutcome> } | { now: StepOutcome } =>
      ids instanceof Refusal
        ? { later: new Promise<StepOutcome>((resolve) => held[n]!.push({ op, resolve })) }
        : { now: settled(n, ids) },
    );
    const finished = placed
      .then((x): Promise<StepOutcome> | StepOutcome => ('later' in x ? x.later : x.now))
      .then((ids) => {
        const id = appointmentIdOf(ids);
        return op.assign !== undefined && id !== undefined ? call(assignStep(op, id, ctx)) : undefined;
      });
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
  const finished: Promise<unknown>[] = immediate.map((op) => start(op, -1).finished);
  let before: Promise<unknown> = Promise.resolve();
  stages.forEach((stage, n) => {
    const gate = before;
    const started = stage.map((op) => gate.then(() => start(op, n)));
    for (const s of started) finished.push(s.then((x) => x.finished));
    // Through the gate, so that an empty stage still waits for the ones before it.
    before = gate.then(() => Promise.all(started.map((s) => s.then((x) => x.placed))));
  });
  // A failure reaches the caller through `finished`; the retries need only the settling.
  const retry = (op: AppointmentWrite, attempt: number): Promise<StepOutcome> => {
    total += 1;
    return call(setStep(op, ctx, attempt));
  };
  finished.push(before.then(() => retryRefused(held, doubtful, retry, result)));
  await Promise.all(finished);
  return result;
}

interface HeldRefusal {
  op: AppointmentWrite;
  resolve: (outcome: StepOutcome) => void;
}

/**
 * Tries again the appointments Amazon refused for their slot, only when the try can meet
 * capacity other than what refused the one before:
 *
 * - not before every stage's first writes have a final outcome (the client's own retries of
 *   throttled or failed calls included), and a stage's retries not before those of the stages
 *   before it have one too;
 * - not while a write that could free the slot (in an earlier stage, or a move in the same
 *   stage) is in doubt: reconcile checks and resends it first, so the retry is left for the
 *   next pass over the plan and counted in doubt, which makes the caller reconcile and pass
 *   again;
 * - moves of one stage can wait on each other in a chain (A into the slot B leaves, B into
 *   the slot C leaves), so a stage's refused moves are tried again in rounds for as long as a
 *   round lands one of them. New appointments take capacity and free none: one round.
 *
 * A refusal is reported when a round lands nothing, or after the new appointments' round.
 */
async function retryRefused(
  held: HeldRefusal[][],
  doubtful: boolean[],
  retry: (op: AppointmentWrite, attempt: number) => Promise<StepOutcome>,
  result: WriteBackResult,
): Promise<void> {
  let doubt = false;
  for (let n = 0; n < held.length; n++) {
    const takesOnly = n === held.length - 1;
    // The last stage's own doubtful writes cannot free a slot.
    if (!takesOnly) doubt ||= doubtful[n]!;
    let waiting = held[n]!;
    for (let attempt = 1; waiting.length > 0; attempt++) {
      if (doubt) {
        result.inDoubt += waiting.length;
        for (const h of waiting) h.resolve(IN_DOUBT);
        break;
      }
      const outcomes = await Promise.all(waiting.map((h) => retry(h.op, attempt)));
      const refused: { h: HeldRefusal; refusal: Refusal }[] = [];
      let landed = false;
      outcomes.forEach((o, i) => {
        const h = waiting[i]!;
        if (o instanceof Refusal) return void refused.push({ h, refusal: o });
        if (o === IN_DOUBT && !takesOnly) doubt = true;
        else if (o !== undefined && o !== IN_DOUBT) landed = true;
        h.resolve(o);
      });
      if (!doubt && (!landed || takesOnly)) {
        for (const r of refused) {
          result.failures.push(r.refusal.failure);
          r.h.resolve(undefined);
        }
        break;
      }
      waiting = refused.map((r) => r.h);
    }
  }
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
          const r = await services.updateReservation(marketplaceId, op.reservationId, op.block);
          // Amazon answers with a new reservationId: later updates and cancels must name that one.
          return {
            reservationId: r?.reservationId ?? op.reservationId,
            previousReservationId: op.reservationId,
          };
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
 * Add the appointment, or move the current one (try 0 is the first). A refusal for a slot is
 * held back (see retryRefused); every later try is its own journal entry.
 */
function setStep(op: AppointmentWrite, ctx: WriteBackContext, attempt = 0): Step {
  const { services } = ctx;
  const set = op.set!;
  const time = { startTime: formatWireTime(op.time.start), durationInMinutes: op.time.minutes };
  return {
    key:
      attempt === 0
        ? `${op.key}|set`
        : attempt === 1
          ? `${op.key}|set|retry`
          : `${op.key}|set|retry${attempt}`,
    // A later try's refusal of any kind is held too, so that a pass over the plan that the
    // journal answers takes the same turns as the pass that made the calls.
    holdRefusal: attempt === 0 ? 'slot' : 'any',
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
  /** A refusal (422 for `slot`, any 4xx for `any`) is returned as a Refusal, for the caller to try again or report. */
  holdRefusal?: 'slot' | 'any';
  send: () => Promise<Record<string, string | string[] | undefined>>;
}

/** A refusal held back from the report: the write-back decides whether it is tried again. */
class Refusal {
  constructor(readonly failure: WriteFailure) {}
}
/** Sent without a known outcome (or not sent for want of one): reconcile decides. */
const IN_DOUBT = Symbol('in doubt');
type StepOutcome = JournalRecord['result'] | undefined | Refusal | typeof IN_DOUBT;

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
    const failure = {
      key: s.key,
      operation: s.operation,
      serviceJobId: s.serviceJobId,
      code: entry.errorCode ?? 'FAILED',
      message: 'refused in an earlier attempt of this plan',
    };
    // Amazon refused it in an earlier attempt of this plan: the next try's own entry decides.
    if (s.holdRefusal !== undefined) return new Refusal(failure);
    // Otherwise report, do not repeat.
    result.failures.push(failure);
    return undefined;
  }
  if (entry.state === 'sent' || entry.state === 'unknown') {
    // Left in doubt by an earlier attempt: reconcile decides, never a blind repeat.
    result.inDoubt += 1;
    return IN_DOUBT;
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
      return IN_DOUBT;
    } else if (status === 0 || status === 429) {
      // Never reached Amazon, or throttled after every retry: safe to send again.
      await ctx.journal.markResult(entry.entryId, { state: 'failed', errorCode: 'NOT_APPLIED' });
      result.inDoubt += 1;
      return IN_DOUBT;
    } else {
      await ctx.journal.markResult(entry.entryId, { state: 'failed', errorCode: code });
      const failure = {
        key: s.key,
        operation: s.operation,
        serviceJobId: s.serviceJobId,
        code,
        // Amazon's reason is kept ("slot not available"); what it may echo of the request
        // (appointment times, phones, e-mail addresses) is masked in it (refusalMessage).
        message: known
          ? refusalMessage(err.status, err.code, err.reason, err.requestId)
          : `unexpected ${err instanceof Error ? err.name : 'error'}`,
      };
      if (s.holdRefusal === 'any' || (s.holdRefusal === 'slot' && status === 422))
        return new Refusal(failure);
      result.failures.push(failure);
    }
    return undefined;
  }
}

/** Values a refusal's text may echo from the request, masked by what they are. */
const ECHOED_VALUES: readonly [RegExp, string][] = [
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '[time]'],
  [/[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/gi, '[e-mail]'],
  // Digits in groups (+1 206-555-0123, (206) 555 0123); bare ids (job ids) are not phones.
  [/(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}/g, '[phone]'],
];

/** `HTTP 422 InvalidInput: slot not available (request …)`: Amazon's reason, echoed values masked. */
export function refusalMessage(
  status: number | undefined,
  code: string,
  reason: string | undefined,
  requestId: string | undefined,
): string {
  let text = (reason ?? '').trim().slice(0, 300);
  for (const [pattern, mask] of ECHOED_VALUES) text = text.replace(pattern, mask);
  return `HTTP ${status ?? '-'} ${code}${text !== '' ? `: ${text}` : ''}${requestId ? ` (request ${requestId})` : ''}`;
}
