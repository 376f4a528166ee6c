import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.ts';
import { declaresRateLimitHeader, modelOperations, responseProblems } from './model.ts';

/** A small HTTP client for tests, driven by the model's operation table (not the sandbox's routes). */
export interface CallOptions {
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string | string[]>;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly token?: string | null;
  readonly marketplace?: boolean;
}

export interface CallResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

const NEEDS_MARKETPLACE = new Set([
  'getServiceJobs',
  'getRangeSlotCapacity',
  'getFixedSlotCapacity',
  'updateSchedule',
  'createReservation',
  'updateReservation',
  'cancelReservation',
  'getAppointmmentSlotsByJobId',
  'getAppointmentSlots',
]);

export class SandboxClient {
  private accessToken: string | undefined;

  constructor(private readonly sandbox: Sandbox) {}

  async token(): Promise<string> {
    if (this.accessToken) return this.accessToken;
    const { clientId, clientSecret, refreshToken } = this.sandbox.credentials;
    const res = await fetch(`${this.sandbox.url}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    const body = (await res.json()) as { access_token: string };
    this.accessToken = body.access_token;
    return body.access_token;
  }

  /** Calls an operation and checks the answer against the model: status declared, body schema, headers. */
  async call(operationId: string, options: CallOptions = {}): Promise<CallResult> {
    const op = modelOperations.get(operationId);
    if (!op) throw new Error(`unknown operation ${operationId}`);
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
      encodeURIComponent(options.params?.[name] ?? ''),
    );
    const search = new URLSearchParams();
    if (NEEDS_MARKETPLACE.has(operationId) && options.marketplace !== false)
      search.set('marketplaceIds', this.sandbox.marketplaceId);
    for (const [k, v] of Object.entries(options.query ?? {}))
      search.set(k, Array.isArray(v) ? v.join(',') : v);
    const qs = search.toString();
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? await this.token() : options.token;
    if (token !== null) headers['x-amz-access-token'] = token;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.sandbox.url}${path}${qs ? `?${qs}` : ''}`, {
      method: op.method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    expect(res.headers.get('x-amzn-requestid'), `${operationId} x-amzn-RequestId`).toBeTruthy();
    expect(
      responseProblems(operationId, res.status, parsed),
      `${operationId} ${res.status} ${text.slice(0, 300)}`,
    ).toEqual([]);
    if (res.headers.has('x-amzn-ratelimit-limit')) {
      expect(
        declaresRateLimitHeader(operationId, res.status),
        `${operationId} ${res.status} must not carry x-amzn-RateLimit-Limit`,
      ).toBe(true);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
}

/** The first error of a wrapped or bare error body. */
export function firstError(body: unknown): { code: string; message: string; details?: string } {
  const list = Array.isArray(body) ? body : (body as { errors?: unknown[] }).errors;
  const first = list?.[0] as { code: string; message: string; details?: string } | undefined;
  if (!first) throw new Error(`no error in ${JSON.stringify(body)}`);
  return first;
}

export function errorMessages(body: unknown): string[] {
  const list = (Array.isArray(body) ? body : ((body as { errors?: unknown[] }).errors ?? [])) as {
    message: string;
  }[];
  return list.map((e) => e.message);
}
