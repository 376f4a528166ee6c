/**
 * What the planning run needs from the outside world, as narrow interfaces: the Services API
 * (reads and writes), the store, geography and the solver. Adapters in this folder bind them
 * to the Services client, the store, the geocoder and the worker-thread solver; tests bind
 * them to the local sandbox.
 */
import type { Interval } from './setup/planning-setup.ts';
import type { CapacityBlock, Plan, ScheduleRecordOut } from './write/plan.ts';
import type { LedgerEvent } from './write/ledger.ts';
import type { JobPreferenceSet } from '../store/job-preferences.ts';

export interface JobQuery {
  marketplaceId: string;
  storeIds: string[];
  /** Exactly one of the two, as the Services API demands. */
  createdAfter?: string | undefined;
  lastUpdatedAfter?: string | undefined;
}

export interface JobPage {
  jobs: unknown[];
  totalResultSize: number | undefined;
}

/** A failed Services call, reduced to what the write-back branches on. */
export class ServicesCallError extends Error {
  override readonly name = 'ServicesCallError';
  constructor(
    readonly operation: string,
    /** HTTP status, or undefined for a transport failure (the call may or may not have landed). */
    readonly status: number | undefined,
    readonly code: string,
    message: string,
    /** Amazon's `x-amzn-RequestId`, when the call got an answer. */
    readonly requestId?: string,
    /** Amazon's own words for a refusal (its first error's message), e.g. "slot not available". */
    readonly reason?: string,
  ) {
    super(message);
  }
  /** Amazon refused the request itself: repeating it unchanged will not help. */
  get permanent(): boolean {
    return this.status !== undefined && this.status >= 400 && this.status < 500 && this.status !== 429;
  }
}

export interface ServicesPort {
  listServiceJobs(query: JobQuery): AsyncIterable<JobPage>;
  /** The job as Amazon has it now; undefined when it does not exist. */
  getServiceJob(serviceJobId: string): Promise<unknown>;
  addAppointment(
    serviceJobId: string,
    time: { startTime: string; durationInMinutes: number },
  ): Promise<{ appointmentId: string; warnings: string[] }>;
  rescheduleAppointment(
    serviceJobId: string,
    appointmentId: string,
    time: { startTime: string; durationInMinutes: number },
    reasonCode: string,
  ): Promise<{ appointmentId: string; warnings: string[] }>;
  assignAppointmentResources(
    serviceJobId: string,
    appointmentId: string,
    resourceIds: string[],
  ): Promise<{ warnings: string[] }>;
  updateSchedule(
    marketplaceId: string,
    resourceId: string,
    records: ScheduleRecordOut[],
  ): Promise<{ warnings: string[] }>;
  createReservation(
    marketplaceId: string,
    block: CapacityBlock,
  ): Promise<{ reservationId: string | undefined }>;
  /** Amazon replaces the reservation: the answer names the new reservationId (when it says). */
  updateReservation(
    marketplaceId: string,
    reservationId: string,
    block: CapacityBlock,
  ): Promise<{ reservationId: string | undefined } | void>;
  cancelReservation(marketplaceId: string, reservationId: string): Promise<void>;
  /** RESERVED capacity over the interval as Amazon reports it (a capacity read): breaks, travel, leave. */
  reservedSlots(
    marketplaceId: string,
    resourceId: string,
    interval: Interval,
  ): Promise<{ start: number; end: number; capacity: number }[]>;
}

type JournalState = 'intended' | 'sent' | 'succeeded' | 'failed' | 'unknown';

export interface JournalRecord {
  entryId: number;
  key: string;
  operation: string;
  state: JournalState;
  /** Ids returned by Amazon (appointmentId, reservationId). */
  result: Record<string, string | string[] | undefined> | null;
  /** The call's content, for resume: what the pipeline needs to check or repeat it. */
  body: unknown;
  serviceJobId: string | null;
  errorCode: string | null;
}

export interface JournalPort {
  /** Records the intent (idempotent by key); returns the entry, possibly from an earlier attempt. */
  intend(
    planId: string,
    intent: {
      key: string;
      operation: string;
      serviceJobId?: string;
      resourceId?: string;
      body: unknown;
      personal: boolean;
    },
  ): Promise<JournalRecord>;
  markSent(entryId: number): Promise<void>;
  markResult(
    entryId: number,
    outcome: {
      state: 'succeeded' | 'failed' | 'unknown';
      result?: Record<string, string | string[] | undefined>;
      errorCode?: string;
    },
  ): Promise<void>;
  /** Entries of the plan left `sent` by a crash become `unknown`; returns the pending ones (intended, unknown). */
  inDoubt(planId: string): Promise<JournalRecord[]>;
}

export interface StoredPlan {
  planId: string;
  plan: Plan;
  status: 'running' | 'succeeded' | 'failed';
}

export interface PipelineStorePort {
  journal: JournalPort;
  saveJobs(raws: unknown[]): Promise<{ inserted: number; updated: number }>;
  /** Jobs of these stores as last pulled, personal fields decrypted, in the Services wire shape. */
  plannableJobs(storeIds: string[], horizon: Interval): Promise<unknown[]>;
  /** Technician preferences set per job through the API (absent: none are kept). */
  jobPreferences?(serviceJobIds: string[]): Promise<Map<string, JobPreferenceSet>>;
  /**
   * Per product order id, who served the latest job of that order completed at or after
   * `since` (epoch ms), jobs `exceptJobIds` aside (absent: no history is kept).
   */
  previousTechnicians?(
    orderIds: string[],
    since: number,
    exceptJobIds: string[],
  ): Promise<Map<string, string[]>>;
  getWatermark(storeId: string, marketplaceId: string): Promise<string | undefined>;
  setWatermark(storeId: string, marketplaceId: string, value: string): Promise<void>;
  createPlan(input: {
    days: string[];
    storeIds: string[];
    planId?: string;
    kind?: 'nightly' | 'optimize_today';
  }): Promise<string>;
  savePlan(planId: string, plan: Plan, stats: unknown): Promise<void>;
  finishPlan(
    planId: string,
    status: 'succeeded' | 'failed',
    kpis: unknown,
    failure?: { code: string; message: string },
  ): Promise<void>;
  /** The latest plan for the same days and stores, if any. */
  latestPlan(days: string[], storeIds: string[]): Promise<StoredPlan | undefined>;
  /** Confirmed capacity writes for these resources, oldest first (for the ledger). */
  ledgerEvents(storeIds: string[]): Promise<LedgerEvent[]>;
  /** Appointment times Amazon refused for a job (add or reschedule answered 4xx), as `${jobId}|${startMs}`. */
  refusedAppointmentTimes(storeIds: string[]): Promise<Set<string>>;
  purge(now: Date): Promise<{ jobs: number }>;
  audit(action: string, details: Record<string, unknown>): Promise<void>;
  acquireLock(
    name: string,
    holder: string,
    ttlMs: number,
  ): Promise<{ acquired: true } | { acquired: false; heldBy: string }>;
  releaseLock(name: string, holder: string): Promise<void>;
  close(): Promise<void>;
}
