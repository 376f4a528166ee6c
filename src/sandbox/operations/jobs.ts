import { createHash } from 'node:crypto';
import { CANCELLATION_REASON_CODES } from '../catalog.ts';
import { invalidInput, missingOrInvalid, unauthorizedAction } from '../errors.ts';
import type { OperationResult } from '../errors.ts';
import { renderJob } from '../render.ts';
import type { JobRecord, JobStatus } from '../state.ts';
import { activeAppointment } from '../state.ts';
import { parseIsoInstant } from '../time.ts';
import { checkMarketplace, touch, validId } from './context.ts';
import type { OperationContext } from './context.ts';
import { SERVICE_JOB_STATUSES } from '../../spapi/statuses.ts';

/** Job data and closing operations: get one, list, cancel, complete. */

const JOB_STATUSES: readonly JobStatus[] = SERVICE_JOB_STATUSES;

export function getServiceJobByServiceJobId(ctx: OperationContext): OperationResult {
  const id = ctx.params.serviceJobId;
  if (!validId(id)) return missingOrInvalid(['serviceJobId']);
  const job = ctx.world.jobs.get(id);
  if (!job) return invalidInput(404, `Job not found for jobId ${id}`);
  if (job.sellerId !== ctx.world.sellerId) return unauthorizedAction();
  return { status: 200, body: { payload: renderJob(ctx.world, job) } };
}

export function cancelServiceJobByServiceJobId(ctx: OperationContext): OperationResult {
  const id = ctx.params.serviceJobId;
  const reason = ctx.query.scalar('cancellationReasonCode');
  const bad: string[] = [];
  if (!validId(id)) bad.push('serviceJobId');
  if (!validId(reason) || !/^[A-Z0-9_]*$/.test(reason)) bad.push('cancellationReasonCode');
  if (bad.length > 0 || !validId(id) || !validId(reason)) return missingOrInvalid(bad);
  const job = ctx.world.jobs.get(id);
  if (!job) return invalidInput(422, `Job not found for jobId ${id}`);
  if (job.sellerId !== ctx.world.sellerId) return unauthorizedAction();
  if (job.status === 'COMPLETED' || job.status === 'CANCELLED') {
    return invalidInput(422, `Job with jobId ${id} and jobStatus ${job.status} cannot be cancelled`);
  }
  if (!CANCELLATION_REASON_CODES.has(reason)) {
    return invalidInput(422, `Received invalid input reason code ${reason} for jobId ${id}`);
  }
  const active = activeAppointment(job);
  if (active) active.status = 'CANCELLED';
  job.status = 'CANCELLED';
  job.cancellationReasonCode = reason;
  touch(job, ctx.nowMs);
  return { status: 200, body: {} };
}

export function completeServiceJobByServiceJobId(ctx: OperationContext): OperationResult {
  const id = ctx.params.serviceJobId;
  if (!validId(id)) return missingOrInvalid(['serviceJobId']);
  const job = ctx.world.jobs.get(id);
  if (!job) return invalidInput(422, `Job not found for jobId ${id}`);
  if (job.sellerId !== ctx.world.sellerId) return unauthorizedAction();
  const active = activeAppointment(job);
  if (job.status !== 'NOT_SERVICED' || !active) {
    return invalidInput(422, `Operation not allowed on job with jobId : ${id} and jobState : ${job.status}`);
  }
  active.status = 'COMPLETED';
  job.status = 'COMPLETED';
  touch(job, ctx.nowMs);
  return { status: 200, body: {} };
}

interface ListFilter {
  statuses?: string[];
  serviceOrderIds?: string[];
  productOrderIds?: string[];
  trackingIds?: string[];
  asins?: string[];
  requiredSkills?: string[];
  storeIds?: string[];
  createdAfter?: number;
  createdBefore?: number;
  lastUpdatedAfter?: number;
  lastUpdatedBefore?: number;
  scheduleStart?: number;
  scheduleEnd?: number;
  sortField: 'JOB_DATE' | 'JOB_STATUS';
  sortOrder: 'ASC' | 'DESC';
  pageSize: number;
}

const badListInput = (details: string): OperationResult =>
  invalidInput(400, 'Invalid Input', 'wrapped', details);

function parseListFilter(ctx: OperationContext): ListFilter | OperationResult {
  const q = ctx.query;
  const filter: ListFilter = { sortField: 'JOB_DATE', sortOrder: 'ASC', pageSize: 20 };
  const arrays: [keyof ListFilter, string, number, (v: string) => boolean][] = [
    ['serviceOrderIds', 'serviceOrderIds', 20, (v) => /^[0-9-]+$/.test(v)],
    ['productOrderIds', 'productOrderIds', 20, (v) => /^[0-9-]+$/.test(v)],
    ['trackingIds', 'trackingIds', 20, (v) => /^[A-Za-z0-9-]+$/.test(v)],
    ['asins', 'asins', 20, (v) => v.length === 10],
    ['requiredSkills', 'requiredSkills', 20, (v) => v.length >= 1 && v.length <= 50],
    ['storeIds', 'storeIds', 50, (v) => v.length >= 1 && v.length <= 100],
    ['statuses', 'serviceJobStatus', 7, (v) => (JOB_STATUSES as readonly string[]).includes(v)],
  ];
  for (const [field, name, max, ok] of arrays) {
    const values = q.list(name);
    if (values === undefined) continue;
    if (values.length === 0 || values.length > max || !values.every(ok)) {
      return badListInput(`${name} must hold 1 to ${max} valid values`);
    }
    (filter as unknown as Record<string, string[]>)[field] = values;
  }
  const dates: [keyof ListFilter, string][] = [
    ['createdAfter', 'createdAfter'],
    ['createdBefore', 'createdBefore'],
    ['lastUpdatedAfter', 'lastUpdatedAfter'],
    ['lastUpdatedBefore', 'lastUpdatedBefore'],
    ['scheduleStart', 'scheduleStartDate'],
    ['scheduleEnd', 'scheduleEndDate'],
  ];
  for (const [field, name] of dates) {
    const raw = q.scalar(name);
    if (raw === undefined) continue;
    const parsed = raw === null ? undefined : parseIsoInstant(raw);
    if (!parsed) return badListInput(`${name} must be an ISO 8601 date-time`);
    (filter as unknown as Record<string, number>)[field] = parsed.ms;
  }
  if ((filter.createdAfter === undefined) === (filter.lastUpdatedAfter === undefined)) {
    return badListInput('Exactly one of createdAfter and lastUpdatedAfter is required');
  }
  if (
    filter.scheduleStart !== undefined &&
    filter.scheduleEnd !== undefined &&
    filter.scheduleEnd < filter.scheduleStart
  ) {
    return badListInput('Schedule end date should not be earlier than schedule start date');
  }
  const pageSize = q.scalar('pageSize');
  if (pageSize !== undefined) {
    if (pageSize === null || !/^\d{1,3}$/.test(pageSize) || Number(pageSize) < 1 || Number(pageSize) > 20) {
      return badListInput('pageSize must be an integer from 1 to 20');
    }
    filter.pageSize = Number(pageSize);
  }
  const sortField = q.scalar('sortField');
  if (sortField !== undefined) {
    if (sortField !== 'JOB_DATE' && sortField !== 'JOB_STATUS')
      return badListInput('sortField must be JOB_DATE or JOB_STATUS');
    filter.sortField = sortField;
  }
  const sortOrder = q.scalar('sortOrder');
  if (sortOrder !== undefined) {
    if (sortOrder !== 'ASC' && sortOrder !== 'DESC') return badListInput('sortOrder must be ASC or DESC');
    filter.sortOrder = sortOrder;
  }
  return filter;
}

function matches(job: JobRecord, f: ListFilter): boolean {
  const inList = (list: string[] | undefined, value: string): boolean => !list || list.includes(value);
  const anyIn = (list: string[] | undefined, values: readonly string[]): boolean =>
    !list || values.some((v) => list.includes(v));
  if (!inList(f.statuses, job.status)) return false;
  if (!inList(f.serviceOrderIds, job.serviceOrderId)) return false;
  if (!anyIn(f.productOrderIds, job.productOrderIds)) return false;
  if (!anyIn(f.trackingIds, job.trackingIds)) return false;
  if (!inList(f.asins, job.scope.asin)) return false;
  if (f.requiredSkills && !f.requiredSkills.every((s) => job.scope.requiredSkills.includes(s as never)))
    return false;
  if (!inList(f.storeIds, job.storeId)) return false;
  if (f.createdAfter !== undefined && job.createdMs < f.createdAfter) return false;
  if (f.createdBefore !== undefined && job.createdMs > f.createdBefore) return false;
  if (f.lastUpdatedAfter !== undefined && job.lastUpdatedMs < f.lastUpdatedAfter) return false;
  if (f.lastUpdatedBefore !== undefined && job.lastUpdatedMs > f.lastUpdatedBefore) return false;
  if (f.scheduleStart !== undefined || f.scheduleEnd !== undefined) {
    const start = f.scheduleStart ?? Number.NEGATIVE_INFINITY;
    const end = f.scheduleEnd ?? Number.POSITIVE_INFINITY;
    const active = activeAppointment(job);
    if (!active || active.startMs < start || active.startMs > end) return false;
  }
  return true;
}

function filterFingerprint(ctx: OperationContext): string {
  const parts = ctx.query
    .keys()
    .filter((k) => k !== 'pageToken' && k !== 'pageSize')
    .sort()
    .map((k) => `${k}=${(ctx.query.list(k) ?? []).join(',')}`);
  return createHash('sha256').update(parts.join('&')).digest('base64url').slice(0, 16);
}

function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64url');
}

function decodeToken(token: string, fingerprint: string): number | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { o, f } = value as { o?: unknown; f?: unknown };
    if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || f !== fingerprint) return undefined;
    return o;
  } catch {
    return undefined;
  }
}

export function getServiceJobs(ctx: OperationContext): OperationResult {
  const market = checkMarketplace(ctx);
  if (market) return market;
  const filter = parseListFilter(ctx);
  if ('status' in filter) return filter;
  const fingerprint = filterFingerprint(ctx);
  let offset = 0;
  const token = ctx.query.scalar('pageToken');
  if (token !== undefined) {
    const decoded = token === null ? undefined : decodeToken(token, fingerprint);
    if (decoded === undefined) return badListInput('pageToken is not valid for this query');
    offset = decoded;
  }
  const direction = filter.sortOrder === 'ASC' ? 1 : -1;
  const found = [...ctx.world.jobs.values()]
    .filter((j) => j.sellerId === ctx.world.sellerId && matches(j, filter))
    .sort((a, b) => {
      const primary =
        filter.sortField === 'JOB_DATE' ? a.createdMs - b.createdMs : a.status.localeCompare(b.status);
      return (primary !== 0 ? primary : a.serviceJobId.localeCompare(b.serviceJobId)) * direction;
    });
  const page = found.slice(offset, offset + filter.pageSize);
  const next =
    offset + filter.pageSize < found.length ? encodeToken(offset + filter.pageSize, fingerprint) : undefined;
  const previous = offset > 0 ? encodeToken(Math.max(0, offset - filter.pageSize), fingerprint) : undefined;
  return {
    status: 200,
    body: {
      payload: {
        totalResultSize: found.length,
        ...(next ? { nextPageToken: next } : {}),
        ...(previous ? { previousPageToken: previous } : {}),
        jobs: page.map((j) => renderJob(ctx.world, j)),
      },
    },
  };
}
