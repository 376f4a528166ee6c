/**
 * The sellers file (`--sellers <file>` or `FIELDPLAN_SELLERS_FILE`): which sellers this
 * deployment serves, and for each its marketplace, crews config, where its LWA credentials
 * come from and which data key encrypts its buyers' personal data. The file never holds a
 * secret itself: credentials come from environment variables, a file per seller or one
 * secrets file, and are never written to the database.
 *
 * ```yaml
 * secretsFile: /run/secrets/fieldplan-sellers.yaml   # optional: { <seller>: { clientId, clientSecret, refreshToken } }
 * sellers:
 *   - id: acme
 *     marketplace: ATVPDKIKX0DER
 *     config: acme-crews.yaml                          # relative to this file
 *     credentials: { env: ACME }                       # ACME_LWA_CLIENT_ID, ACME_LWA_CLIENT_SECRET, ACME_LWA_REFRESH_TOKEN
 *     dataKey: { file: keys/acme.key }                 # optional; default: the deployment's data key
 *   - id: bolt
 *     marketplace: ATVPDKIKX0DER
 *     config: bolt-crews.yaml
 *     credentials: { secrets: bolt }                   # the entry `bolt` of secretsFile
 * ```
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssuePath } from '../../solver/issue-path.ts';
import { jsonNestsDeeperThan, MAX_NESTING_DEPTH } from '../input/nesting.ts';
import { yamlNestsDeeperThan } from '../input/yaml-nesting.ts';
import { SELLER_ID_PATTERN } from './seller-id.ts';

/** Where a seller's LWA credentials come from (never the sellers file itself). */
type SellerCredentialSource =
  /** `<PREFIX>_LWA_CLIENT_ID`, `<PREFIX>_LWA_CLIENT_SECRET`, `<PREFIX>_LWA_REFRESH_TOKEN` (and `<PREFIX>_LWA_TOKEN_URL`). */
  | { env: string }
  /** A JSON or YAML file of the seller's own, as `--credentials` reads. */
  | { file: string }
  /** The seller's entry in the deployment's secrets file. */
  | { secrets: string };

/** Which key encrypts the seller's personal data; absent: the deployment's data key. */
type SellerDataKeySource =
  /** `<PREFIX>_DATA_KEY` (and `<PREFIX>_DATA_KEY_PREVIOUS`). */
  | { env: string }
  /** A key file of the seller's own (created with the seller's first data if missing). */
  | { file: string };

export interface SellerDefinition {
  id: string;
  /** A display name (not personal data: a company). */
  name: string | undefined;
  marketplaceId: string;
  /** Services endpoint for this seller; default: the command's `--endpoint`. */
  endpoint: string | undefined;
  /** Absolute path of the seller's crews config. */
  configFile: string;
  /** Absent: none configured (only a local sandbox endpoint works without). */
  credentials: SellerCredentialSource | undefined;
  dataKey: SellerDataKeySource | undefined;
}

export interface SellersConfig {
  file: string;
  /** Absolute path of the secrets file, when one is named. */
  secretsFile: string | undefined;
  sellers: SellerDefinition[];
}

export class SellersConfigError extends Error {
  override readonly name = 'SellersConfigError';
  readonly code = 'SELLERS_CONFIG_INVALID';
  constructor(
    readonly file: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      [
        `invalid sellers file ${file} (${count}):`,
        ...issues.map((i) => `  - ${i.path === '' ? '(file)' : i.path}: ${i.message}`),
      ].join('\n'),
    );
  }
}

const ENV_PREFIX = /^[A-Z][A-Z0-9_]{0,40}$/;
const envPrefix = z
  .string()
  .regex(ENV_PREFIX, 'expected an environment variable prefix of capital letters, digits and _, e.g. ACME');
const path = z.string().min(1, 'expected a file path');

const credentials = z.union(
  [
    z.strictObject({ env: envPrefix }),
    z.strictObject({ file: path }),
    z.strictObject({ secrets: z.string().min(1, "expected the seller's key in the secrets file") }),
  ],
  {
    error:
      'expected exactly one of { env: PREFIX }, { file: path } or { secrets: key }; secrets never go in the sellers file',
  },
);

const dataKey = z.union([z.strictObject({ env: envPrefix }), z.strictObject({ file: path })], {
  error: 'expected exactly one of { env: PREFIX } or { file: path }',
});

const seller = z.strictObject({
  id: z
    .string()
    .regex(
      SELLER_ID_PATTERN,
      'expected 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit',
    ),
  name: z.string().min(1).max(200).optional(),
  marketplace: z.string().regex(/^[A-Z0-9]{5,20}$/, 'expected an Amazon marketplace id, e.g. ATVPDKIKX0DER'),
  endpoint: z.string().min(1).optional(),
  config: path,
  credentials: credentials.optional(),
  dataKey: dataKey.optional(),
});

const schema = z
  .strictObject({
    secretsFile: path.optional(),
    sellers: z.array(seller).min(1, 'expected at least one seller').max(10_000),
  })
  .superRefine((value, ctx) => {
    const seen = new Map<string, number>();
    value.sellers.forEach((s, i) => {
      const first = seen.get(s.id);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['sellers', i, 'id'],
          message: `seller id ${s.id} is already used by sellers[${first}]`,
        });
      else seen.set(s.id, i);
      if (s.credentials !== undefined && 'secrets' in s.credentials && value.secretsFile === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['sellers', i, 'credentials', 'secrets'],
          message: 'names an entry of the secrets file, but the file names no secretsFile',
        });
    });
  });

/** Parses and validates a sellers file's text; paths in it are taken relative to the file. */
export function parseSellersConfig(text: string, file: string): SellersConfig {
  const yaml = !/\.json$/i.test(file);
  if (yaml ? yamlNestsDeeperThan(text) : jsonNestsDeeperThan(text))
    throw new SellersConfigError(file, [
      { path: '', message: `nests deeper than ${MAX_NESTING_DEPTH} levels` },
    ]);
  let raw: unknown;
  try {
    raw = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new SellersConfigError(file, [
      {
        path: '',
        message: `not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
      },
    ]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new SellersConfigError(
      file,
      parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })),
    );
  }
  const base = dirname(resolve(file));
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  return {
    file,
    secretsFile: parsed.data.secretsFile === undefined ? undefined : at(parsed.data.secretsFile),
    sellers: parsed.data.sellers.map((s) => ({
      id: s.id,
      name: s.name,
      marketplaceId: s.marketplace,
      endpoint: s.endpoint,
      configFile: at(s.config),
      credentials:
        s.credentials === undefined
          ? undefined
          : 'file' in s.credentials
            ? { file: at(s.credentials.file) }
            : s.credentials,
      dataKey:
        s.dataKey === undefined ? undefined : 'file' in s.dataKey ? { file: at(s.dataKey.file) } : s.dataKey,
    })),
  };
}

export function loadSellersFile(file: string): SellersConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SellersConfigError(file, [
      { path: '', message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
    ]);
  }
  return parseSellersConfig(text, file);
}
