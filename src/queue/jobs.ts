/**
 * Queue mode's vocabulary: the one BullMQ queue of partitions, the jobs on it and their ids.
 * Every job carries the seller it works for; ids are built from seller, kind, store and date
 * or run, so adding the same partition twice (two servers, a repeated firing) adds it once.
 */
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { StaffingOptions } from '../whatif/demand.ts';

/** The seller of a deployment without a sellers file (the tenants module's). */
export { DEFAULT_SELLER_ID } from '../tenants/seller-id.ts';
/** Redis key prefix of the deployment (BullMQ `prefix`); tests use their own. */
export const DEFAULT_QUEUE_PREFIX = 'fieldplan';
export const PARTITION_QUEUE = 'partitions';

export interface PlanPartitionData {
  sellerId: string;
  runId: string;
  partitionKey: string;
  storeId: string;
  planId: string;
  date: string;
  days: number;
  apply: boolean;
  kind: 'nightly' | 'optimize_today';
  solverSeconds?: number | undefined;
  /** Iteration budget (reproducible plans). */
  solverIterations?: number | undefined;
  seed?: number | undefined;
  actor: string;
}

export interface NightlyTriggerData {
  sellerId: string;
  storeId: string;
  days: number;
  solverSeconds?: number | undefined;
}

export interface WhatIfPrepareData {
  sellerId: string;
  runId: string;
  storeId: string;
  /** The validated `POST /v1/what-if` body. */
  request: WhatIfRequest;
}

export interface WhatIfRequest {
  storeId: string;
  base: { kind: 'date'; date: string } | { kind: 'history'; week: string; lookbackDays?: number | undefined };
  changes: Record<string, unknown>;
  samples: number;
  seed: number;
  iterations: number;
  targetServedPct: number;
  capacitySkill?: string | undefined;
  samplePlans: boolean;
  /** The staffing search's options; false or absent: no search (the route defaults it to {}). */
  staffing?: StaffingOptions | false | undefined;
}

export interface WhatIfDayData {
  sellerId: string;
  runId: string;
  sample: number;
}

export interface WhatIfMergeData {
  sellerId: string;
  runId: string;
}

export interface CapacityData {
  sellerId: string;
  runId: string;
  query: {
    storeId: string;
    from: string;
    to: string;
    skill?: string | undefined;
    slotMinutes?: number | undefined;
  };
  dryRun: boolean;
  actor: string;
}

/** Job ids may not hold BullMQ's `:` separator; the parts are joined with `.` and kept readable. */
export function jobId(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9_-]/g, '_')).join('.');
}

/** A UUID that is a function of its parts (a name-based, version 5 style id). */
export function derivedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const nightlyJobId = (sellerId: string, storeId: string, date: string): string =>
  jobId('nightly', sellerId, storeId, date);
export const nightlySchedulerId = (sellerId: string, storeId: string): string =>
  jobId('nightly-schedule', sellerId, storeId);

export interface RetryPolicy {
  /** Attempts per partition, the first included (default 5). */
  attempts: number;
  /** First retry after this; doubled each time (default 5 s: 5, 10, 20, 40 s). */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 5_000 };

export function partitionJobOptions(retry: RetryPolicy, id?: string): JobsOptions {
  return {
    ...(id !== undefined ? { jobId: id } : {}),
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    // Finished jobs stay a week (their ids keep deduplicating), failed ones two.
    removeOnComplete: { age: 7 * 86_400, count: 100_000 },
    removeOnFail: { age: 14 * 86_400, count: 100_000 },
  };
}
