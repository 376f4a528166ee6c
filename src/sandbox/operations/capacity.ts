import { capacityOf, resolveResource } from '../capacity.ts';
import type { CapacityTimelines } from '../capacity.ts';
import { errorResult, invalidInput, missingOrInvalid } from '../errors.ts';
import type { OperationResult } from '../errors.ts';
import { renderAvailability } from '../render.ts';
import { envelopeOf } from '../schedule-rules.ts';
import type { ScheduleRecord } from '../state.ts';
import { extremaOver } from '../timeline.ts';
import type { Timeline } from '../timeline.ts';
import { DAY_MS, MINUTE_MS, parseIsoInstant, toIso } from '../time.ts';
import { checkMarketplace, isRecord, jsonBody, validId } from './context.ts';
import type { OperationContext } from './context.ts';
import { readAvailability } from './availability.ts';

/** Capacity reads (range and fixed slots) and schedule writes for a store or technician resource. */

const CAPACITY_TYPES = [
  'SCHEDULED_CAPACITY',
  'AVAILABLE_CAPACITY',
  'ENCUMBERED_CAPACITY',
  'RESERVED_CAPACITY',
] as const;
type CapacityType = (typeof CAPACITY_TYPES)[number];
/** A range page covers at most 35 days (the model's sandbox pages a 90-day query after 35 days). */
const RANGE_PAGE_MS = 35 * DAY_MS;
const FIXED_PAGE_SLOTS = 500;
const MAX_QUERY_MS = 366 * DAY_MS;

function capacityErrors(problems: string[]): OperationResult {
  return invalidInput(
    400,
    'This is invalid input',
    'wrapped',
    `Received the following errors: [${problems.join(', ')}]`,
  );
}

interface CapacityQuery {
  resourceId: string;
  types: CapacityType[];
  start: number;
  end: number;
  pageStart: number;
  slotMinutes: number;
}

function readQuery(ctx: OperationContext, fixed: boolean): CapacityQuery | OperationResult {
  const market = checkMarketplace(ctx);
  if (market) return market;
  const problems: string[] = [];
  const resourceId = ctx.params.resourceId;
  if (!validId(resourceId)) problems.push('Missing or invalid request parameters: [resourceId]');
  const body = jsonBody(ctx);
  const value = body.ok ? body.value : {};
  let types: CapacityType[] = ['SCHEDULED_CAPACITY'];
  if (value.capacityTypes !== undefined) {
    const t = value.capacityTypes;
    if (
      !Array.isArray(t) ||
      t.length === 0 ||
      !t.every((x) => (CAPACITY_TYPES as readonly unknown[]).includes(x))
    ) {
      problems.push('capacityTypes is not valid');
    } else types = [...new Set(t as CapacityType[])];
  }
  let start = 0;
  let end = 0;
  if (value.startDateTime === undefined || value.endDateTime === undefined) {
    problems.push('startDateTime or endDateTime are not present');
  } else {
    const s = parseIsoInstant(value.startDateTime);
    const e = parseIsoInstant(value.endDateTime);
    if (!s) problems.push('startDateTime is not a valid ISO date/time object');
    if (!e) problems.push('endDateTime is not a valid ISO date/time object');
    if (s && e) {
      if (e.ms <= s.ms) problems.push('endDateTime should be after Start Time');
      else if (e.ms - s.ms > MAX_QUERY_MS) problems.push('the requested range is longer than 366 days');
      start = s.ms;
      end = e.ms;
    }
  }
  let slotMinutes = 30;
  if (fixed && value.slotDuration !== undefined) {
    const d = value.slotDuration;
    if (typeof d !== 'number' || !Number.isInteger(d) || d % 5 !== 0 || d < 5 || d > 360) {
      problems.push('Slot duration is not valid, it should be a multiple of 5 and within allowed range.');
    } else slotMinutes = d;
  }
  if (problems.length > 0 || resourceId === undefined) return capacityErrors(problems);
  let pageStart = start;
  const token = ctx.query.scalar('nextPageToken');
  if (token !== undefined) {
    const decoded =
      token === null ? undefined : parseIsoInstant(Buffer.from(token, 'base64').toString('utf8'));
    if (!decoded || decoded.ms <= start || decoded.ms >= end)
      return capacityErrors(['nextPageToken is not valid']);
    pageStart = decoded.ms;
  }
  return { resourceId, types, start, end, pageStart, slotMinutes };
}

function notFound(resourceId: string): OperationResult {
  return invalidInput(404, `Could not find resource with ID: [${resourceId}]`);
}

function timelineOf(c: CapacityTimelines, type: CapacityType): Timeline {
  if (type === 'SCHEDULED_CAPACITY') return c.scheduled;
  if (type === 'AVAILABLE_CAPACITY') return c.available;
  if (type === 'ENCUMBERED_CAPACITY') return c.encumbered;
  return c.reserved;
}

const pageToken = (ms: number): string => Buffer.from(toIso(ms)).toString('base64');

export function getRangeSlotCapacity(ctx: OperationContext): OperationResult {
  const q = readQuery(ctx, false);
  if ('status' in q) return q;
  const resource = resolveResource(ctx.world, q.resourceId);
  if (!resource) return notFound(q.resourceId);
  const pageEnd = Math.min(q.end, q.pageStart + RANGE_PAGE_MS);
  const c = capacityOf(ctx.world, resource, q.pageStart, pageEnd);
  return {
    status: 200,
    body: {
      resourceId: q.resourceId,
      capacities: q.types.map((type) => ({
        capacityType: type,
        slots: timelineOf(c, type).map((s) => ({
          startDateTime: toIso(s.start),
          endDateTime: toIso(s.end),
          capacity: s.value,
        })),
      })),
      ...(pageEnd < q.end ? { nextPageToken: pageToken(pageEnd) } : {}),
    },
  };
}

export function getFixedSlotCapacity(ctx: OperationContext): OperationResult {
  const q = readQuery(ctx, true);
  if ('status' in q) return q;
  const resource = resolveResource(ctx.world, q.resourceId);
  if (!resource) return notFound(q.resourceId);
  const step = q.slotMinutes * MINUTE_MS;
  const pageEnd = Math.min(q.end, q.pageStart + FIXED_PAGE_SLOTS * step);
  const c = capacityOf(ctx.world, resource, q.pageStart, pageEnd);
  const slots: Record<string, unknown>[] = [];
  for (let t = q.pageStart; t < pageEnd; t += step) {
    const slotEnd = Math.min(t + step, pageEnd);
    const slot: Record<string, unknown> = { startDateTime: toIso(t) };
    // Conservative within a slot: what is guaranteed throughout it.
    if (q.types.includes('SCHEDULED_CAPACITY'))
      slot.scheduledCapacity = extremaOver(c.scheduled, t, slotEnd).min;
    if (q.types.includes('AVAILABLE_CAPACITY'))
      slot.availableCapacity = extremaOver(c.available, t, slotEnd).min;
    if (q.types.includes('ENCUMBERED_CAPACITY'))
      slot.encumberedCapacity = extremaOver(c.encumbered, t, slotEnd).max;
    if (q.types.includes('RESERVED_CAPACITY'))
      slot.reservedCapacity = extremaOver(c.reserved, t, slotEnd).max;
    slots.push(slot);
  }
  return {
    status: 200,
    body: {
      resourceId: q.resourceId,
      slotDuration: q.slotMinutes,
      capacities: slots,
      ...(pageEnd < q.end ? { nextPageToken: pageToken(pageEnd) } : {}),
    },
  };
}

export function updateSchedule(ctx: OperationContext): OperationResult {
  const market = checkMarketplace(ctx);
  if (market) return market;
  const resourceId = ctx.params.resourceId;
  if (!validId(resourceId)) return missingOrInvalid(['resourceId']);
  const body = jsonBody(ctx);
  const schedules = body.ok ? body.value.schedules : undefined;
  if (!Array.isArray(schedules) || schedules.length === 0) return missingOrInvalid(['schedule']);
  const rules = [];
  for (const [i, s] of schedules.entries()) {
    const read = readAvailability(s);
    if (!read.ok) {
      return invalidInput(
        400,
        'Missing or invalid request parameters: [schedule]',
        'wrapped',
        `schedules[${i}]: ${read.problem}`,
      );
    }
    rules.push({ rule: read.rule, raw: isRecord(s) ? s : {} });
  }
  if (!resolveResource(ctx.world, resourceId)) {
    return errorResult(200, [{ code: 'InvalidInput', message: 'Invalid request parameters: [resourceId]' }]);
  }
  const records: Record<string, unknown>[] = [];
  const earlier = ctx.world.schedules.filter((existing) => existing.resourceId === resourceId);
  const batch = ctx.world.schedules.length;
  for (const { rule } of rules) {
    const env = envelopeOf(rule);
    // Only earlier requests are overridden; the records of this one are read together.
    const overlaps = earlier.some((existing) => {
      const other = envelopeOf(existing.rule);
      return other.start < env.end && env.start < other.end;
    });
    const record: ScheduleRecord = { resourceId, rule, writtenMs: ctx.nowMs, batch };
    ctx.world.schedules.push(record);
    if (overlaps) {
      records.push({
        availability: renderAvailability(rule),
        warnings: [
          {
            code: 'ScheduleOverride',
            message: 'This AvailabilityRecord will override the current schedule as the time-ranges overlap',
          },
        ],
      });
    }
  }
  return { status: 200, body: records.length > 0 ? { payload: records } : {} };
}
