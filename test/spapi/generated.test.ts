import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedDir, readModels } from '../../src/spapi/generate/model-files.ts';
import { parseUsagePlan, renderAll } from '../../src/spapi/generate/render.ts';
import { operationIds, operations } from '../../src/spapi/generated/operations.ts';
import * as services from '../../src/spapi/generated/services.ts';

describe('generated wire types', () => {
  it('match a fresh run of the generator byte for byte (run `npm run generate:spapi` after changing a model)', () => {
    const { services: s, tokens: t } = readModels();
    const fresh = renderAll(s, t);
    expect([...fresh.keys()].sort()).toEqual(readdirSync(generatedDir).sort());
    for (const [name, text] of fresh) {
      expect(readFileSync(`${generatedDir}${name}`, 'utf8'), `${name} is stale`).toBe(text);
    }
  });

  it('have a zod schema for every definition of the Services model', () => {
    const model = JSON.parse(readModels().services.text) as { definitions: Record<string, unknown> };
    for (const name of Object.keys(model.definitions)) {
      expect(services, name).toHaveProperty(`${name}Schema`);
    }
  });

  it('list the 17 Services operations and the Restricted Data Token operation', () => {
    const servicesOps = operationIds.filter((id) => operations[id].api === 'services');
    expect(servicesOps).toHaveLength(17);
    expect(operationIds).toContain('getAppointmmentSlotsByJobId');
    expect(operations.createRestrictedDataToken.path).toBe('/tokens/2021-03-01/restrictedDataToken');
    expect(operations.createRestrictedDataToken.usagePlan).toEqual({ rate: 1, burst: 10 });
  });

  it('carry the usage plans from the operation descriptions', () => {
    expect(operations.assignAppointmentResources.usagePlan).toEqual({ rate: 1, burst: 2 });
    expect(operations.getServiceJobs.usagePlan).toEqual({ rate: 10, burst: 40 });
    expect(operations.getServiceJobByServiceJobId.usagePlan).toEqual({ rate: 20, burst: 40 });
    expect(operations.createReservation.usagePlan).toEqual({ rate: 5, burst: 20 });
    expect(() => parseUsagePlan('x', 'no table here')).toThrow(/usage-plan/);
  });

  it('keep the envelopes of the model: 204s, bare error arrays, unwrapped appointment results', () => {
    expect(operations.setAppointmentFulfillmentData.successStatus).toBe(204);
    expect(operations.cancelReservation.successStatus).toBe(204);
    expect(
      operations.setAppointmentFulfillmentData.responses[400].schema?.safeParse([
        { code: 'InvalidInput', message: 'm' },
      ]).success,
    ).toBe(true);
    expect(
      operations.addAppointmentForServiceJobByServiceJobId.responses[200].schema?.safeParse({
        appointmentId: 'abcde-1',
      }).success,
    ).toBe(true);
  });

  it('validate parameters with the model constraints', () => {
    const p = operations.getServiceJobs.paramsSchema;
    expect(p.safeParse({ marketplaceIds: ['ATVPDKIKX0DER'], pageSize: 20 }).success).toBe(true);
    expect(p.safeParse({ marketplaceIds: ['ATVPDKIKX0DER'], pageSize: 21 }).success).toBe(false);
    expect(p.safeParse({ marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2'] }).success).toBe(false);
    expect(p.safeParse({ marketplaceIds: ['ATVPDKIKX0DER'], serviceJobStatus: ['DONE'] }).success).toBe(
      false,
    );
    const pageSize = operations.getServiceJobs.parameters.find((x) => x.name === 'pageSize');
    expect(pageSize).toMatchObject({ in: 'query', minimum: 1, maximum: 20, default: 20 });
    const mkt = operations.getServiceJobs.parameters.find((x) => x.name === 'marketplaceIds');
    expect(mkt).toMatchObject({ required: true, maxItems: 1, collectionFormat: 'csv' });
    const body = operations.addAppointmentForServiceJobByServiceJobId.paramsSchema;
    expect(
      body.safeParse({ serviceJobId: 'j', body: { appointmentTime: { startTime: '2030-01-01T10:00:00Z' } } })
        .success,
    ).toBe(true);
    // request bodies reject unknown keys so that a misspelt optional field is not dropped silently
    expect(
      body.safeParse({
        serviceJobId: 'j',
        body: { appointmentTime: { startTime: '2030-01-01T10:00:00Z', durationInMinute: 60 } },
      }).success,
    ).toBe(false);
  });
});

describe('generated response schemas against the model examples', () => {
  it('accept every static sandbox response of the Services model', () => {
    interface Example {
      response: unknown;
    }
    type PathItem = Record<
      string,
      { operationId: string; responses: Record<string, Record<string, unknown>> }
    >;
    const model = JSON.parse(readModels().services.text) as { paths: Record<string, PathItem> };
    let checked = 0;
    for (const item of Object.values(model.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const definition = operations[op.operationId as keyof typeof operations];
        for (const [status, response] of Object.entries(op.responses)) {
          const examples =
            (response['x-amzn-api-sandbox'] as { static?: Example[] } | undefined)?.static ?? [];
          const schema = (
            definition.responses as Record<
              string,
              { schema: { safeParse: (v: unknown) => { success: boolean } } | null }
            >
          )[status]?.schema;
          for (const example of examples) {
            checked += 1;
            expect(schema?.safeParse(example.response).success, `${op.operationId} ${status}`).toBe(true);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
