/**
 * A seller's secrets as the process needs them: its LWA credentials and, when it has one of
 * its own, its data key. Read from the environment, a file per seller or the deployment's
 * secrets file; held in memory only, never written to the database, never in a message
 * (errors name the variable, file or field that is missing, never a value).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { jsonNestsDeeperThan, MAX_NESTING_DEPTH } from '../input/nesting.ts';
import { yamlNestsDeeperThan } from '../input/yaml-nesting.ts';
import { loadDataKeyRing, type DataKeyRing } from '../privacy/data-key.ts';
import { credentialsFromFile, type LwaCredentials } from '../spapi/credentials.ts';
import { SellersConfigError, type SellerDefinition, type SellersConfig } from './sellers-config.ts';
import { formatIssuePath } from '../../solver/issue-path.ts';

const secretEntry = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  tokenUrl: z.url().optional(),
});
const secretsFileSchema = z.record(z.string(), secretEntry);

type Env = Readonly<Record<string, string | undefined>>;

/** Parsed secrets files, by path: read once per process. */
const secretsCache = new Map<string, Record<string, LwaCredentials>>();

function readSecretsFile(file: string): Record<string, LwaCredentials> {
  const cached = secretsCache.get(file);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SellersConfigError(file, [
      {
        path: '',
        message: `the secrets file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      },
    ]);
  }
  const yaml = !/\.json$/i.test(file);
  if (yaml ? yamlNestsDeeperThan(text) : jsonNestsDeeperThan(text))
    throw new SellersConfigError(file, [
      { path: '', message: `nests deeper than ${MAX_NESTING_DEPTH} levels` },
    ]);
  let raw: unknown;
  try {
    raw = yaml ? parseYaml(text) : JSON.parse(text);
  } catch {
    // The parser's message can quote the file's text, which holds secrets.
    throw new SellersConfigError(file, [{ path: '', message: `not valid ${yaml ? 'YAML' : 'JSON'}` }]);
  }
  const parsed = secretsFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SellersConfigError(
      file,
      parsed.error.issues.map((i) => ({
        path: formatIssuePath(i.path),
        message: 'expected { <seller>: { clientId, clientSecret, refreshToken, tokenUrl? } }',
      })),
    );
  }
  secretsCache.set(file, parsed.data);
  return parsed.data;
}

/**
 * The seller's LWA credentials, or undefined when it names none (only a local sandbox works
 * without). Throws naming what is missing.
 */
export function sellerCredentials(
  seller: SellerDefinition,
  sellers: SellersConfig,
  env: Env,
): LwaCredentials | undefined {
  const source = seller.credentials;
  if (source === undefined) return undefined;
  const where = `sellers[${seller.id}].credentials`;
  let found: Partial<LwaCredentials>;
  let names: Record<'clientId' | 'clientSecret' | 'refreshToken', string>;
  if ('env' in source) {
    const p = source.env;
    names = {
      clientId: `${p}_LWA_CLIENT_ID`,
      clientSecret: `${p}_LWA_CLIENT_SECRET`,
      refreshToken: `${p}_LWA_REFRESH_TOKEN`,
    };
    found = {
      clientId: env[names.clientId] || undefined,
      clientSecret: env[names.clientSecret] || undefined,
      refreshToken: env[names.refreshToken] || undefined,
      tokenUrl: env[`${p}_LWA_TOKEN_URL`] || undefined,
    };
  } else if ('file' in source) {
    found = credentialsFromFile(source.file);
    names = { clientId: 'clientId', clientSecret: 'clientSecret', refreshToken: 'refreshToken' };
  } else {
    const file = sellers.secretsFile!;
    const entry = readSecretsFile(file)[source.secrets];
    if (entry === undefined)
      throw new SellersConfigError(sellers.file, [
        { path: `${where}.secrets`, message: `the secrets file has no entry ${source.secrets}` },
      ]);
    return entry;
  }
  const missing = (['clientId', 'clientSecret', 'refreshToken'] as const).filter((k) => !found[k]);
  if (missing.length > 0) {
    const what = 'env' in source ? 'environment variables' : `fields of ${source.file}`;
    throw new SellersConfigError(sellers.file, [
      { path: where, message: `missing ${what}: ${missing.map((k) => names[k]).join(', ')}` },
    ]);
  }
  return found as LwaCredentials;
}

/** The seller's own data key ring, or undefined when it uses the deployment's key. */
export function sellerDataKeys(
  seller: SellerDefinition,
  sellers: SellersConfig,
  env: Env,
): DataKeyRing | undefined {
  const source = seller.dataKey;
  if (source === undefined) return undefined;
  if ('file' in source) return loadDataKeyRing({ keyFile: source.file, createKeyFile: true });
  const current = env[`${source.env}_DATA_KEY`];
  if (current === undefined || current.trim() === '')
    throw new SellersConfigError(sellers.file, [
      {
        path: `sellers[${seller.id}].dataKey.env`,
        message: `the environment variable ${source.env}_DATA_KEY is not set (32 bytes as base64 or hex)`,
      },
    ]);
  return loadDataKeyRing({
    env: {
      FIELDPLAN_DATA_KEY: current,
      FIELDPLAN_DATA_KEY_PREVIOUS: env[`${source.env}_DATA_KEY_PREVIOUS`],
    },
  });
}

/** The environment a seller's Services client sees: without the deployment's own LWA variables. */
export function sellerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const name of [
    'LWA_CLIENT_ID',
    'LWA_CLIENT_SECRET',
    'LWA_REFRESH_TOKEN',
    'LWA_TOKEN_URL',
    'SPAPI_CONFIG_FILE',
  ])
    delete out[name];
  return out;
}
