import { findOffer } from '../catalog.ts';
import { invalidInput, missingOrInvalid, unauthorizedAction } from '../errors.ts';
import type { OperationResult } from '../errors.ts';
import { listSlots } from '../slots.ts';
import type { SlotQuery } from '../slots.ts';
import { DAY_MS, parseIsoInstant, toIso } from '../time.ts';
import { checkMarketplace, validId } from './context.ts';
import type { OperationContext } from './context.ts';

/** Appointment slots by job and by ASIN + store. Default window: the next 7 days; at most 90. */

const DEFAULT_WINDOW_MS = 7 * DAY_MS;
const MAX_WINDOW_MS = 90 * DAY_MS;

function readWindow(
  ctx: OperationContext,
  prefix: '' | 'Range ',
): { start: number; end: number } | OperationResult {
  const rawStart = ctx.query.scalar('startTime');
  const rawEnd = ctx.query.scalar('endTime');
  if (rawStart === undefined && rawEnd === undefined)
    return { start: ctx.nowMs, end: ctx.nowMs + DEFAULT_WINDOW_MS };
  const start = rawStart === undefined || rawStart === null ? undefined : parseIsoInstant(rawStart);
  const end = rawEnd === undefined || rawEnd === null ? undefined : parseIsoInstant(rawEnd);
  if (rawStart !== undefined && !start)
    return invalidInput(400, `${prefix}Start Time is not a valid ISO date/time object`);
  if (rawEnd !== undefined && !end)
    return invalidInput(400, `${prefix}End Time is not a valid ISO date/time object`);
  if (!start || !end) return missingOrInvalid(['startTime', 'endTime']);
  if (end.ms <= start.ms) {
    return invalidInput(
      400,
      prefix ? 'Range End Time should be after Range Start Time' : 'End Time should be after Start Time',
    );
  }
  if (end.ms - start.ms > MAX_WINDOW_MS)
    return invalidInput(400, `${prefix}Time window should not exceed 90 days`);
  return { start: start.ms, end: end.ms };
}

function report(
  ctx: OperationContext,
  query: SlotQuery,
  window: { start: number; end: number },
): OperationResult {
  // Only slots that start in the future can be booked.
  const slots = listSlots(ctx.world, query, Math.max(window.start, ctx.nowMs + 1), window.end);
  return {
    status: 200,
    body: {
      payload: {
        startTime: toIso(window.start),
        endTime: toIso(window.end),
        schedulingType: 'REAL_TIME_SCHEDULING',
        appointmentSlots: slots.map((s) => ({
          startTime: toIso(s.startMs),
          endTime: toIso(s.endMs),
          capacity: s.capacity,
        })),
      },
    },
  };
}

export function getAppointmmentSlotsByJobId(ctx: OperationContext): OperationResult {
  const id = ctx.params.serviceJobId;
  if (!validId(id)) return missingOrInvalid(['serviceJobId']);
  const market = checkMarketplace(ctx);
  if (market) return market;
  const window = readWindow(ctx, '');
  if ('status' in window) return window;
  const job = ctx.world.jobs.get(id);
  if (!job) return invalidInput(404, `Job not found for jobId ${id}`);
  if (job.sellerId !== ctx.world.sellerId) return unauthorizedAction();
  if (job.status === 'COMPLETED' || job.status === 'CANCELLED') {
    return invalidInput(422, `Operation not allowed on job with jobId : ${id} and jobState : ${job.status}`);
  }
  return report(
    ctx,
    { storeId: job.storeId, requiredSkills: job.scope.requiredSkills, durationMinutes: job.durationMinutes },
    window,
  );
}

export function getAppointmentSlots(ctx: OperationContext): OperationResult {
  const asin = ctx.query.scalar('asin');
  const storeId = ctx.query.scalar('storeId');
  const offer = typeof asin === 'string' ? findOffer(asin) : undefined;
  if (!offer) return missingOrInvalid(['asin']);
  if (!validId(storeId) || !ctx.world.stores.some((s) => s.storeId === storeId))
    return missingOrInvalid(['storeId']);
  const market = checkMarketplace(ctx);
  if (market) return market;
  const window = readWindow(ctx, 'Range ');
  if ('status' in window) return window;
  return report(
    ctx,
    { storeId, requiredSkills: offer.requiredSkills, durationMinutes: offer.durationMinutes },
    window,
  );
}
