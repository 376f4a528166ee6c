import { describe, expect, it } from 'vitest';
import { RequestValidationError, type ServicesClient } from '../../src/spapi/index.ts';
import { clientFor } from './helpers.ts';

let fetchCalls = 0;
const client: ServicesClient = clientFor(
  { url: 'http://127.0.0.1:9' },
  {
    fetch: (async () => {
      fetchCalls += 1;
      throw new Error('nothing may be sent');
    }) as typeof fetch,
  },
);

async function rejection(promise: Promise<unknown>): Promise<RequestValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestValidationError);
  return error as RequestValidationError;
}

const mkt = ['ATVPDKIKX0DER'];

describe('parameters are validated before anything is sent', () => {
  it('marketplaceIds holds at most one id, and at least one', async () => {
    const e = await rejection(
      client.getServiceJobs({
        marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2'],
        createdAfter: '2026-01-01T00:00:00Z',
      }),
    );
    expect(e.message).toMatch(/getServiceJobs: invalid parameters: marketplaceIds: holds at most 1 item\b/);
    const empty = await rejection(
      client.getServiceJobs({ marketplaceIds: [], createdAfter: '2026-01-01T00:00:00Z' }),
    );
    expect(empty.message).toContain('marketplaceIds: must hold exactly one marketplace id');
  });

  it('getServiceJobs needs exactly one of createdAfter and lastUpdatedAfter', async () => {
    const none = await rejection(client.getServiceJobs({ marketplaceIds: mkt }));
    expect(none.message).toContain('exactly one of createdAfter and lastUpdatedAfter is required');
    const both = await rejection(
      client.getServiceJobs({
        marketplaceIds: mkt,
        createdAfter: '2026-01-01T00:00:00Z',
        lastUpdatedAfter: '2026-01-01T00:00:00Z',
      }),
    );
    expect(both.message).toContain('not both');
  });

  it('pageSize is 1 to 20', async () => {
    const big = await rejection(
      client.getServiceJobs({ marketplaceIds: mkt, createdAfter: '2026-01-01T00:00:00Z', pageSize: 21 }),
    );
    expect(big.message).toContain('pageSize: must be at most 20');
    const small = await rejection(
      client.getServiceJobs({ marketplaceIds: mkt, createdAfter: '2026-01-01T00:00:00Z', pageSize: 0 }),
    );
    expect(small.message).toContain('pageSize: must be at least 1');
    const enumIssue = await rejection(
      client.getServiceJobs({
        marketplaceIds: mkt,
        createdAfter: '2026-01-01T00:00:00Z',
        serviceJobStatus: ['DONE' as never],
      }),
    );
    expect(enumIssue.issues[0]?.path).toBe('serviceJobStatus[0]');
    expect(enumIssue.message).toContain('must be one of "NOT_SERVICED"');
  });

  it('appointment times are UTC with a Z, and the value is not echoed', async () => {
    const e = await rejection(
      client.addAppointmentForServiceJobByServiceJobId({
        serviceJobId: 'job-1',
        body: { appointmentTime: { startTime: '2026-03-01T10:00:00.000+05:30', durationInMinutes: 60 } },
      }),
    );
    expect(e.issues).toEqual([
      { path: 'body.appointmentTime.startTime', rule: expect.stringContaining('UTC time ending in Z') },
    ]);
    expect(e.message).not.toContain('2026-03-01T10');
  });

  it('required fields and unknown fields are named', async () => {
    const missing = await rejection(
      client.assignAppointmentResources({
        serviceJobId: 'job-1',
        appointmentId: 'appt-1',
        body: {} as never,
      }),
    );
    expect(missing.message).toContain('body.resources: is required');
    const unknown = await rejection(
      client.addAppointmentForServiceJobByServiceJobId({
        serviceJobId: 'job-1',
        body: { appointmentTime: { startTime: '2026-03-01T10:00:00Z', durationInMinute: 60 } as never },
      }),
    );
    expect(unknown.message).toContain('body.appointmentTime: unknown field durationInMinute');
    const longId = await rejection(client.getServiceJobByServiceJobId({ serviceJobId: 'x'.repeat(101) }));
    expect(longId.message).toContain('serviceJobId: must be at most 100 characters long');
  });

  it('slot windows come in pairs, in order, within 90 days', async () => {
    const half = await rejection(
      client.getAppointmmentSlotsByJobId({
        serviceJobId: 'j',
        marketplaceIds: mkt,
        startTime: '2026-03-01T00:00:00Z',
      }),
    );
    expect(half.message).toContain('give both or neither');
    const long = await rejection(
      client.getAppointmentSlots({
        asin: 'B000000001',
        storeId: 's',
        marketplaceIds: mkt,
        startTime: '2026-01-01T00:00:00Z',
        endTime: '2026-06-01T00:00:00Z',
      }),
    );
    expect(long.message).toContain('at most 90 days');
  });

  it('fulfilment data needs something to say, with both ends of the fulfilment time', async () => {
    const empty = await rejection(
      client.setAppointmentFulfillmentData({ serviceJobId: 'j', appointmentId: 'a', body: {} }),
    );
    expect(empty.message).toContain('give at least one of');
    const half = await rejection(
      client.setAppointmentFulfillmentData({
        serviceJobId: 'j',
        appointmentId: 'a',
        body: { fulfillmentTime: { startTime: '2026-01-01T00:00:00Z' } },
      }),
    );
    expect(half.message).toContain('body.fulfillmentTime.endTime: is required with fulfillmentTime');
  });

  it('capacity queries check the model bounds', async () => {
    const e = await rejection(
      client.getFixedSlotCapacity({
        resourceId: 'store-1',
        marketplaceIds: mkt,
        body: { startDateTime: '2026-03-02T00:00:00Z', endDateTime: '2026-03-01T00:00:00Z', slotDuration: 7 },
      }),
    );
    expect(e.message).toContain('body.slotDuration: must be a multiple of 5');
    const order = await rejection(
      client.getRangeSlotCapacity({
        resourceId: 'store-1',
        marketplaceIds: mkt,
        body: { startDateTime: '2026-03-02T00:00:00Z', endDateTime: '2026-03-01T00:00:00Z' },
      }),
    );
    expect(order.message).toContain('body.endDateTime: must be after body.startDateTime');
  });

  it('sent nothing for any of the calls above', () => {
    expect(fetchCalls).toBe(0);
  });
});
