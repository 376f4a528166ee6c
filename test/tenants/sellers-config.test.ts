/**
 * The sellers file: paths are taken relative to it, every problem is named by its field with
 * what is expected, secrets are refused in it and never echoed from where they do live.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SELLER_ID,
  isSellerId,
  parseSellersConfig,
  SellersConfigError,
} from '../../src/tenants/index.ts';
import { sellerCredentials, sellerDataKeys, sellerEnvironment } from '../../src/tenants/seller-secrets.ts';
import { chooseSellerId } from '../../src/tenants/sellers.ts';
import { tempDir } from '../pipeline/support/world.ts';

const issuesOf = (
  text: string,
  file = '/etc/fieldplan/sellers.yaml',
): { path: string; message: string }[] => {
  try {
    parseSellersConfig(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(SellersConfigError);
    return [...(error as SellersConfigError).issues];
  }
  throw new Error('expected the sellers file to be refused');
};

describe('sellers file', () => {
  it('reads sellers with paths relative to the file', () => {
    const cfg = parseSellersConfig(
      [
        'secretsFile: secrets.yaml',
        'sellers:',
        '  - id: acme',
        '    marketplace: ATVPDKIKX0DER',
        '    config: crews/acme.yaml',
        '    credentials: { env: ACME }',
        '    dataKey: { file: keys/acme.key }',
        '  - id: bolt',
        '    marketplace: A2EUQ1WTGCTBG2',
        '    config: /srv/bolt.yaml',
        '    credentials: { secrets: bolt }',
      ].join('\n'),
      '/etc/fieldplan/sellers.yaml',
    );
    expect(cfg.secretsFile).toBe('/etc/fieldplan/secrets.yaml');
    expect(cfg.sellers.map((s) => [s.id, s.marketplaceId, s.configFile])).toEqual([
      ['acme', 'ATVPDKIKX0DER', '/etc/fieldplan/crews/acme.yaml'],
      ['bolt', 'A2EUQ1WTGCTBG2', '/srv/bolt.yaml'],
    ]);
    expect(cfg.sellers[0]!.dataKey).toEqual({ file: '/etc/fieldplan/keys/acme.key' });
  });

  it('names every wrong field and what is expected', () => {
    const issues = issuesOf(
      [
        'sellers:',
        '  - id: Acme!',
        '    marketplace: us',
        '    config: a.yaml',
        '    credentials: { clientSecret: hunter2 }',
        '  - id: bolt',
        '    marketplace: ATVPDKIKX0DER',
        '    config: b.yaml',
        '    credentials: { secrets: bolt }',
        '  - id: bolt',
        '    marketplace: ATVPDKIKX0DER',
        '    config: c.yaml',
        '    colour: red',
      ].join('\n'),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'sellers[0].id',
        'sellers[0].marketplace',
        'sellers[0].credentials',
        'sellers[2]',
      ]),
    );
    const text = JSON.stringify(issues);
    // A secret put in the sellers file is refused, never echoed.
    expect(text).not.toContain('hunter2');
    expect(text).toContain('secrets never go in the sellers file');
    expect(text).toContain('lower-case letters');
    const dup = issuesOf(
      'sellers:\n  - { id: a, marketplace: ATVPDKIKX0DER, config: a.yaml }\n  - { id: a, marketplace: ATVPDKIKX0DER, config: b.yaml }\n',
    );
    expect(dup).toEqual([{ path: 'sellers[1].id', message: 'seller id a is already used by sellers[0]' }]);
    // Checks across sellers follow once each seller is well formed.
    expect(
      issuesOf(
        'sellers:\n  - { id: a, marketplace: ATVPDKIKX0DER, config: a.yaml, credentials: { secrets: a } }\n',
      ),
    ).toEqual([
      {
        path: 'sellers[0].credentials.secrets',
        message: 'names an entry of the secrets file, but the file names no secretsFile',
      },
    ]);
    expect(issuesOf('sellers: []')[0]!.path).toBe('sellers');
    expect(issuesOf('sellers: [\n')[0]!.message).toMatch(/not valid YAML/);
  });

  it('accepts exactly the seller ids of the documented form', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (id) => {
        const valid = /^[a-z0-9][a-z0-9_-]{0,62}$/.test(id);
        expect(isSellerId(id)).toBe(valid);
        const text = `sellers:\n  - { id: ${JSON.stringify(id)}, marketplace: ATVPDKIKX0DER, config: a.yaml }\n`;
        if (valid) expect(parseSellersConfig(text, 'sellers.yaml').sellers[0]!.id).toBe(id);
        else expect(issuesOf(text).some((i) => i.path === 'sellers[0].id')).toBe(true);
      }),
    );
  });

  it('resolves credentials from the environment, a file or the secrets file, naming what is missing', () => {
    const dir = tempDir('fieldplan-sellers-');
    mkdirSync(join(dir, 'lwa'));
    writeFileSync(
      join(dir, 'lwa/cobalt.json'),
      JSON.stringify({ clientId: 'c-id', clientSecret: 'c-secret' }),
    );
    writeFileSync(
      join(dir, 'secrets.yaml'),
      'bolt: { clientId: b-id, clientSecret: b-secret, refreshToken: b-refresh }\n',
    );
    const cfg = parseSellersConfig(
      [
        'secretsFile: secrets.yaml',
        'sellers:',
        '  - { id: acme, marketplace: ATVPDKIKX0DER, config: a.yaml, credentials: { env: ACME } }',
        '  - { id: bolt, marketplace: ATVPDKIKX0DER, config: b.yaml, credentials: { secrets: bolt } }',
        '  - { id: cobalt, marketplace: ATVPDKIKX0DER, config: c.yaml, credentials: { file: lwa/cobalt.json } }',
        '  - { id: dune, marketplace: ATVPDKIKX0DER, config: d.yaml, credentials: { secrets: nobody } }',
        '  - { id: echo, marketplace: ATVPDKIKX0DER, config: e.yaml, dataKey: { env: ECHO } }',
      ].join('\n'),
      join(dir, 'sellers.yaml'),
    );
    const [acme, bolt, cobalt, dune, echo] = cfg.sellers as [never, never, never, never, never];
    const env = {
      ACME_LWA_CLIENT_ID: 'a-id',
      ACME_LWA_CLIENT_SECRET: 'a-secret',
      LWA_REFRESH_TOKEN: 'global',
    };
    // The deployment's own LWA_REFRESH_TOKEN is not the seller's.
    expect(() => sellerCredentials(acme, cfg, env)).toThrow(/ACME_LWA_REFRESH_TOKEN/);
    expect(sellerCredentials(acme, cfg, { ...env, ACME_LWA_REFRESH_TOKEN: 'a-refresh' })).toMatchObject({
      clientId: 'a-id',
      refreshToken: 'a-refresh',
    });
    expect(sellerCredentials(bolt, cfg, {})).toMatchObject({ clientId: 'b-id', refreshToken: 'b-refresh' });
    let message = '';
    try {
      sellerCredentials(cobalt, cfg, {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('refreshToken');
    expect(message).not.toContain('c-secret');
    expect(() => sellerCredentials(dune, cfg, {})).toThrow(/no entry nobody/);
    expect(sellerCredentials(echo, cfg, {})).toBeUndefined();
    expect(() => sellerDataKeys(echo, cfg, {})).toThrow(/ECHO_DATA_KEY/);
    const key = Buffer.alloc(32, 3).toString('base64');
    expect(sellerDataKeys(echo, cfg, { ECHO_DATA_KEY: key })?.current.bytes.toString('base64')).toBe(key);
    expect(sellerEnvironment({ LWA_CLIENT_ID: 'x', SPAPI_CONFIG_FILE: 'y', HOME: '/h' })).toEqual({
      HOME: '/h',
    });
  });

  it('picks the seller a command acts for', () => {
    const one = parseSellersConfig(
      'sellers:\n  - { id: acme, marketplace: ATVPDKIKX0DER, config: a.yaml }\n',
      's.yaml',
    );
    const two = parseSellersConfig(
      'sellers:\n  - { id: acme, marketplace: ATVPDKIKX0DER, config: a.yaml }\n  - { id: bolt, marketplace: ATVPDKIKX0DER, config: b.yaml }\n',
      's.yaml',
    );
    expect(chooseSellerId(undefined, undefined)).toBe(DEFAULT_SELLER_ID);
    expect(chooseSellerId(undefined, one)).toBe('acme');
    expect(() => chooseSellerId(undefined, two)).toThrow(/name one with --seller \(acme, bolt\)/);
    expect(chooseSellerId('bolt', two)).toBe('bolt');
    expect(() => chooseSellerId('nope', two)).toThrow(/no seller nope/);
    expect(() => chooseSellerId('acme', undefined)).toThrow(/needs the sellers file/);
    expect(() => chooseSellerId('Bad Id', two)).toThrow(/--seller/);
  });
});
