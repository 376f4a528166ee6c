import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { jsonNestsDeeperThan, MAX_NESTING_DEPTH } from '../input/nesting.ts';
import { yamlNestsDeeperThan } from '../input/yaml-nesting.ts';
import { z } from 'zod';
import { AuthError } from './errors.ts';
import { formatIssuePath } from '../../solver/issue-path.ts';

/**
 * Login with Amazon application credentials. Looked up in this order, field by field:
 * explicit options, then the environment (LWA_CLIENT_ID, LWA_CLIENT_SECRET,
 * LWA_REFRESH_TOKEN, LWA_TOKEN_URL), then a JSON or YAML file named by the `configFile`
 * option or SPAPI_CONFIG_FILE.
 */
export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Token endpoint; Amazon's by default, the local sandbox's in development. */
  tokenUrl?: string | undefined;
}

const fileSchema = z.object({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
  tokenUrl: z.url().optional(),
});

export type CredentialSource = Partial<LwaCredentials>;

function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): CredentialSource {
  return {
    clientId: env['LWA_CLIENT_ID'] || undefined,
    clientSecret: env['LWA_CLIENT_SECRET'] || undefined,
    refreshToken: env['LWA_REFRESH_TOKEN'] || undefined,
    tokenUrl: env['LWA_TOKEN_URL'] || undefined,
  };
}

export function credentialsFromFile(path: string): CredentialSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuthError('missing_credentials', `cannot read credentials file ${path}`, { cause: error });
  }
  const yaml = /\.ya?ml$/i.test(path);
  if (yaml ? yamlNestsDeeperThan(text) : jsonNestsDeeperThan(text))
    throw new AuthError(
      'missing_credentials',
      `credentials file ${path} nests deeper than ${MAX_NESTING_DEPTH} levels; expected a flat map of LWA fields`,
    );
  let raw: unknown;
  try {
    raw = yaml ? parseYaml(text) : JSON.parse(text);
  } catch {
    // The parser's message can quote the file's text, which holds secrets.
    throw new AuthError(
      'missing_credentials',
      `credentials file ${path} is not valid ${yaml ? 'YAML' : 'JSON'}`,
    );
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => formatIssuePath(i.path)).join(', ');
    throw new AuthError('missing_credentials', `credentials file ${path} has invalid fields: ${fields}`);
  }
  return parsed.data;
}

/** Merges the sources and checks that the three secrets are present (naming the missing ones, never the values). */
export function resolveCredentials(
  explicit: CredentialSource = {},
  options: { env?: NodeJS.ProcessEnv; configFile?: string | undefined } = {},
): LwaCredentials {
  const env = options.env ?? process.env;
  const file = options.configFile ?? env['SPAPI_CONFIG_FILE'];
  const fromFile = file ? credentialsFromFile(file) : {};
  const fromEnv = credentialsFromEnv(env);
  const pick = (key: keyof LwaCredentials): string | undefined =>
    explicit[key] ?? fromEnv[key] ?? fromFile[key];
  const merged = {
    clientId: pick('clientId'),
    clientSecret: pick('clientSecret'),
    refreshToken: pick('refreshToken'),
    tokenUrl: pick('tokenUrl'),
  };
  const missing = (['clientId', 'clientSecret', 'refreshToken'] as const).filter((k) => !merged[k]);
  if (missing.length > 0) {
    throw new AuthError(
      'missing_credentials',
      `missing LWA credentials: ${missing.join(', ')} (pass them as options, set LWA_CLIENT_ID / LWA_CLIENT_SECRET / LWA_REFRESH_TOKEN, or name a config file in SPAPI_CONFIG_FILE)`,
    );
  }
  return merged as LwaCredentials;
}
