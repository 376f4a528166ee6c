import { describe, expect, it } from 'vitest';
import {
  createServicesClient,
  marketplaceId,
  regionOfMarketplace,
  resolveEndpoint,
} from '../../src/spapi/index.ts';

describe('endpoints', () => {
  it('resolve Amazon production and sandbox hosts per region', () => {
    expect(resolveEndpoint({})).toEqual({
      baseUrl: 'https://sellingpartnerapi-na.amazon.com',
      amazonSandbox: false,
      region: 'na',
    });
    expect(resolveEndpoint({ region: 'eu' }).baseUrl).toBe('https://sellingpartnerapi-eu.amazon.com');
    expect(resolveEndpoint({ region: 'fe', sandbox: true })).toEqual({
      baseUrl: 'https://sandbox.sellingpartnerapi-fe.amazon.com',
      amazonSandbox: true,
      region: 'fe',
    });
  });

  it('take any base URL, which wins over a region', () => {
    expect(resolveEndpoint({ region: 'eu', baseUrl: 'http://127.0.0.1:4010/' })).toEqual({
      baseUrl: 'http://127.0.0.1:4010',
      amazonSandbox: false,
      region: 'eu',
    });
    expect(
      resolveEndpoint({ baseUrl: 'https://sandbox.sellingpartnerapi-na.amazon.com' }).amazonSandbox,
    ).toBe(true);
    expect(() => resolveEndpoint({ baseUrl: 'not a url' })).toThrow(/absolute http\(s\) URL/);
    expect(() => resolveEndpoint({ baseUrl: 'ftp://x' })).toThrow(/http or https/);
  });

  it('know the marketplaces of each region', () => {
    expect(marketplaceId('US')).toBe('ATVPDKIKX0DER');
    expect(marketplaceId('de')).toBe('A1PA6795UKMFR9');
    expect(regionOfMarketplace('A1VC38T7YXB528')).toBe('fe');
    expect(regionOfMarketplace('A2Q3Y263D00KWC')).toBe('na');
    expect(regionOfMarketplace('NOPE')).toBeUndefined();
  });

  it('pace Amazon sandbox hosts at the sandbox plan by default', () => {
    const creds = { credentials: { clientId: 'a', clientSecret: 'b', refreshToken: 'c' } };
    expect(createServicesClient({ ...creds, sandbox: true }).rateLimitPlan).toBe('amazon-sandbox');
    expect(createServicesClient({ ...creds }).rateLimitPlan).toBe('amazon');
    expect(
      createServicesClient({ ...creds, baseUrl: 'http://127.0.0.1:1234', rateLimits: 'off' }).rateLimitPlan,
    ).toBe('off');
  });
});
