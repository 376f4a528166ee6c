import { NetworkError } from './errors.ts';
import type { OperationDefinition } from './generated/operations.ts';
import { parseRateLimitHeader } from './rate-limit.ts';

/** A request ready to send, built once per call and reused by every attempt. */
export interface PreparedRequest {
  method: string;
  /** Concrete path (template filled in), as the Tokens API wants it for an RDT. */
  path: string;
  url: string;
  body: string | undefined;
}

function queryValue(value: unknown, collectionFormat: string | undefined): string {
  if (!Array.isArray(value)) return String(value);
  const separator = { csv: ',', ssv: ' ', tsv: '\t', pipes: '|' }[collectionFormat ?? 'csv'] ?? ',';
  return value.map(String).join(separator);
}

/** Fills the path template, serialises query parameters (csv arrays by Swagger default) and the JSON body. */
export function prepareRequest(
  baseUrl: string,
  definition: OperationDefinition,
  params: Record<string, unknown>,
): PreparedRequest {
  let path = definition.path;
  const query = new URLSearchParams();
  let body: string | undefined;
  for (const p of definition.parameters) {
    const value = params[p.name];
    if (value === undefined) continue;
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(String(value)));
    else if (p.in === 'query') {
      if (p.collectionFormat === 'multi' && Array.isArray(value))
        for (const v of value) query.append(p.name, String(v));
      else query.set(p.name, queryValue(value, p.collectionFormat));
    } else if (p.in === 'body') body = JSON.stringify(value);
  }
  const search = query.toString();
  return { method: definition.method, path, url: `${baseUrl}${path}${search ? `?${search}` : ''}`, body };
}

export interface RawResponse {
  status: number;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  requestId: string | undefined;
  rateLimit: number | undefined;
}

/** Connect-phase failures: the request bytes never left this process. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function failureCode(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'TIMEOUT';
  let node: unknown = error;
  for (let depth = 0; depth < 4 && node; depth += 1) {
    const code = (node as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (node as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) node = errors[0];
    else node = (node as { cause?: unknown }).cause;
  }
  return 'UNKNOWN';
}

/** Formats `x-amz-date` (YYYYMMDDTHHMMSSZ). */
function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export interface SendOptions {
  fetch: typeof fetch;
  operation: string;
  accessToken: string;
  userAgent: string;
  timeoutMs: number;
  now: number;
  signal?: AbortSignal | undefined;
}

/** One HTTP exchange. Network trouble becomes a NetworkError; any HTTP answer is returned as is. */
export async function send(request: PreparedRequest, options: SendOptions): Promise<RawResponse> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-amz-access-token': options.accessToken,
    'x-amz-date': amzDate(options.now),
    'user-agent': options.userAgent,
  };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const code = failureCode(error);
    throw new NetworkError(options.operation, code, !notSentCodes.has(code), error);
  }
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return {
    status: response.status,
    body,
    requestId: response.headers.get('x-amzn-requestid') ?? undefined,
    rateLimit: parseRateLimitHeader(response.headers.get('x-amzn-ratelimit-limit')),
  };
}
