import { resolveResource } from '../capacity.ts';
import { errorResult, invalidInput, missingOrInvalid } from '../errors.ts';
import type { OperationResult } from '../errors.ts';
import { renderReservation } from '../render.ts';
import type { ReservationRecord, ReservationType } from '../state.ts';
import { checkMarketplace, isRecord, jsonBody, validId } from './context.ts';
import type { OperationContext } from './context.ts';
import { readAvailability } from './availability.ts';

/**
 * Reservations reduce a resource's capacity. An update replaces the reservation and answers with
 * a new reservationId, as the model describes ("will only contain the new reservationId").
 */

const TYPES: readonly ReservationType[] = ['APPOINTMENT', 'TRAVEL', 'VACATION', 'BREAK', 'TRAINING'];
const RESERVATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

type ReadReservation = { resourceId: string; type: ReservationType; rule: ReservationRecord['rule'] };

function readRequest(ctx: OperationContext): ReadReservation | OperationResult {
  const body = jsonBody(ctx);
  if (!body.ok) return missingOrInvalid(['resourceId', 'reservation']);
  const { resourceId, reservation } = body.value;
  if (!validId(resourceId)) return missingOrInvalid(['resourceId']);
  if (!isRecord(reservation) || !TYPES.includes(reservation.type as ReservationType)) {
    return missingOrInvalid(['reservation']);
  }
  const read = readAvailability(reservation.availability);
  if (!read.ok) {
    return invalidInput(400, 'Missing or invalid request parameters: [reservation]', 'wrapped', read.problem);
  }
  return { resourceId, type: reservation.type as ReservationType, rule: read.rule };
}

function store(ctx: OperationContext, r: ReadReservation): OperationResult {
  if (!resolveResource(ctx.world, r.resourceId)) {
    return errorResult(200, [{ code: 'InvalidInput', message: 'Invalid request parameters: [resourceId]' }]);
  }
  const reservationId = String(++ctx.world.sequence);
  const record: ReservationRecord = {
    reservationId,
    resourceId: r.resourceId,
    type: r.type,
    rule: r.rule,
    origin: 'api',
  };
  ctx.world.reservations.set(reservationId, record);
  return { status: 200, body: { payload: { reservation: renderReservation(record) } } };
}

export function createReservation(ctx: OperationContext): OperationResult {
  const market = checkMarketplace(ctx);
  if (market) return market;
  const read = readRequest(ctx);
  if ('status' in read) return read;
  return store(ctx, read);
}

export function updateReservation(ctx: OperationContext): OperationResult {
  const market = checkMarketplace(ctx);
  if (market) return market;
  const id = ctx.params.reservationId;
  if (!validId(id) || !RESERVATION_ID.test(id)) return missingOrInvalid(['reservationId']);
  const read = readRequest(ctx);
  if ('status' in read) return read;
  if (!ctx.world.reservations.has(id))
    return invalidInput(404, `Could not find reservation with ID: [${id}]`);
  const result = store(ctx, read);
  if (isRecord(result.body) && 'payload' in result.body) ctx.world.reservations.delete(id);
  return result;
}

export function cancelReservation(ctx: OperationContext): OperationResult {
  const market = checkMarketplace(ctx);
  if (market) return market;
  const id = ctx.params.reservationId;
  if (!validId(id) || !RESERVATION_ID.test(id)) return missingOrInvalid(['reservationId']);
  if (!ctx.world.reservations.delete(id)) return invalidInput(404, 'Reservation does not exist');
  return { status: 204 };
}
