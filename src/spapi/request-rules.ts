import type { ValidationIssue } from './errors.ts';
import type { OperationId } from './generated/operations.ts';

/**
 * Rules that Amazon states only in the operation texts (the model cannot express them),
 * checked after the generated schema so a bad call fails before it is sent.
 */
type Params = Record<string, unknown>;
type Rule = (params: Params) => ValidationIssue[];

/** UTC with a `Z` suffix: Amazon rejects offsets such as +05:30 on these fields. */
const utcPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function utc(path: string, value: unknown): ValidationIssue[] {
  if (value === undefined) return [];
  if (typeof value !== 'string' || !utcPattern.test(value) || Number.isNaN(Date.parse(value))) {
    return [{ path, rule: 'must be an ISO 8601 UTC time ending in Z (e.g. 2026-03-01T09:00:00Z)' }];
  }
  return [];
}

function ordered(
  startPath: string,
  start: unknown,
  endPath: string,
  end: unknown,
  strict: boolean,
): ValidationIssue[] {
  if (typeof start !== 'string' || typeof end !== 'string') return [];
  const a = Date.parse(start);
  const b = Date.parse(end);
  if (Number.isNaN(a) || Number.isNaN(b)) return [];
  if (strict ? b <= a : b < a)
    return [{ path: endPath, rule: `must be ${strict ? 'after' : 'at or after'} ${startPath}` }];
  return [];
}

const get = (value: unknown, ...keys: string[]): unknown => {
  let node = value;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
};

/** `marketplaceIds` is required with maxItems 1 and no minItems: an empty list would send nothing. */
const oneMarketplace: Rule = (p) =>
  Array.isArray(p['marketplaceIds']) && p['marketplaceIds'].length === 0
    ? [{ path: 'marketplaceIds', rule: 'must hold exactly one marketplace id' }]
    : [];

const slotWindow: Rule = (p) => {
  const start = p['startTime'];
  const end = p['endTime'];
  const issues: ValidationIssue[] = [...utc('startTime', start), ...utc('endTime', end)];
  if ((start === undefined) !== (end === undefined)) {
    issues.push({
      path: start === undefined ? 'startTime' : 'endTime',
      rule: 'startTime and endTime go together: give both or neither',
    });
  }
  issues.push(...ordered('startTime', start, 'endTime', end, true));
  if (
    typeof start === 'string' &&
    typeof end === 'string' &&
    Date.parse(end) - Date.parse(start) > 90 * 86_400_000
  ) {
    issues.push({ path: 'endTime', rule: 'the window may span at most 90 days' });
  }
  return [...oneMarketplace(p), ...issues];
};

const capacityQuery: Rule = (p) => [
  ...oneMarketplace(p),
  ...ordered(
    'body.startDateTime',
    get(p, 'body', 'startDateTime'),
    'body.endDateTime',
    get(p, 'body', 'endDateTime'),
    true,
  ),
];

const schedules: Rule = (p) => {
  const list = get(p, 'body', 'schedules');
  const issues = oneMarketplace(p);
  if (Array.isArray(list) && list.length === 0)
    issues.push({ path: 'body.schedules', rule: 'must hold at least one availability record' });
  if (Array.isArray(list)) {
    list.forEach((record, i) =>
      issues.push(
        ...ordered(
          `body.schedules.${i}.startTime`,
          get(record, 'startTime'),
          `body.schedules.${i}.endTime`,
          get(record, 'endTime'),
          true,
        ),
      ),
    );
  }
  return issues;
};

const reservation: Rule = (p) => [
  ...oneMarketplace(p),
  ...ordered(
    'body.reservation.availability.startTime',
    get(p, 'body', 'reservation', 'availability', 'startTime'),
    'body.reservation.availability.endTime',
    get(p, 'body', 'reservation', 'availability', 'endTime'),
    true,
  ),
];

const serviceJobDates = [
  'createdAfter',
  'createdBefore',
  'lastUpdatedAfter',
  'lastUpdatedBefore',
  'scheduleStartDate',
  'scheduleEndDate',
];

export const requestRules: Partial<Record<OperationId, Rule>> = {
  getServiceJobs: (p) => {
    const issues = oneMarketplace(p);
    const created = p['createdAfter'] !== undefined;
    const updated = p['lastUpdatedAfter'] !== undefined;
    if (created === updated) {
      issues.push({
        path: created ? 'createdAfter' : 'createdAfter|lastUpdatedAfter',
        rule: created
          ? 'give exactly one of createdAfter and lastUpdatedAfter, not both'
          : 'exactly one of createdAfter and lastUpdatedAfter is required',
      });
    }
    for (const name of serviceJobDates) issues.push(...utc(name, p[name]));
    issues.push(
      ...ordered('scheduleStartDate', p['scheduleStartDate'], 'scheduleEndDate', p['scheduleEndDate'], false),
    );
    issues.push(...ordered('createdAfter', p['createdAfter'], 'createdBefore', p['createdBefore'], false));
    issues.push(
      ...ordered(
        'lastUpdatedAfter',
        p['lastUpdatedAfter'],
        'lastUpdatedBefore',
        p['lastUpdatedBefore'],
        false,
      ),
    );
    return issues;
  },
  addAppointmentForServiceJobByServiceJobId: (p) =>
    utc('body.appointmentTime.startTime', get(p, 'body', 'appointmentTime', 'startTime')),
  rescheduleAppointmentForServiceJobByServiceJobId: (p) => {
    const issues = utc('body.appointmentTime.startTime', get(p, 'body', 'appointmentTime', 'startTime'));
    if (get(p, 'body', 'rescheduleReasonCode') === '')
      issues.push({ path: 'body.rescheduleReasonCode', rule: 'must not be empty' });
    return issues;
  },
  setAppointmentFulfillmentData: (p) => {
    const body = (get(p, 'body') ?? {}) as Record<string, unknown>;
    const issues: ValidationIssue[] = [];
    if (Object.values(body).every((v) => v === undefined)) {
      issues.push({
        path: 'body',
        rule: 'give at least one of estimatedArrivalTime, fulfillmentTime, appointmentResources, fulfillmentDocuments',
      });
    }
    const ft = body['fulfillmentTime'];
    if (ft !== undefined) {
      const start = get(ft, 'startTime');
      const end = get(ft, 'endTime');
      if (start === undefined)
        issues.push({ path: 'body.fulfillmentTime.startTime', rule: 'is required with fulfillmentTime' });
      if (end === undefined)
        issues.push({ path: 'body.fulfillmentTime.endTime', rule: 'is required with fulfillmentTime' });
      issues.push(
        ...utc('body.fulfillmentTime.startTime', start),
        ...utc('body.fulfillmentTime.endTime', end),
      );
      issues.push(
        ...ordered('body.fulfillmentTime.startTime', start, 'body.fulfillmentTime.endTime', end, true),
      );
    }
    const eta = body['estimatedArrivalTime'];
    if (eta !== undefined) {
      const start = get(eta, 'startTime');
      const end = get(eta, 'endTime');
      issues.push(
        ...utc('body.estimatedArrivalTime.startTime', start),
        ...utc('body.estimatedArrivalTime.endTime', end),
      );
      issues.push(
        ...ordered(
          'body.estimatedArrivalTime.startTime',
          start,
          'body.estimatedArrivalTime.endTime',
          end,
          true,
        ),
      );
    }
    return issues;
  },
  getRangeSlotCapacity: capacityQuery,
  getFixedSlotCapacity: (p) => {
    const issues = capacityQuery(p);
    const duration = get(p, 'body', 'slotDuration');
    if (typeof duration === 'number' && (duration < 5 || duration > 360)) {
      issues.push({ path: 'body.slotDuration', rule: 'must be between 5 and 360 minutes' });
    }
    return issues;
  },
  updateSchedule: schedules,
  createReservation: reservation,
  updateReservation: reservation,
  cancelReservation: oneMarketplace,
  getAppointmmentSlotsByJobId: slotWindow,
  getAppointmentSlots: slotWindow,
};
