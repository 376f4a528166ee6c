/**
 * The board's only way to the server: the `/v1` routes with the bearer token. The token lives
 * in this object (memory) only; nothing is written to browser storage or cookies.
 */
import type { BoardView, OptimizeResult, WhatIfRequest, WhatIfRun } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type TokenScope = 'viewer' | 'planner' | 'admin';

export interface BoardQuery {
  storeId: string;
  date: string;
  planId?: string;
}

export interface OptimizeRequest {
  storeId: string;
  timeBudgetMs: number;
  apply?: boolean;
  unavailableTechnicians?: string[];
  freezeMinutes?: number;
}

export interface PlanSummary {
  planId: string;
  storeIds: string[];
  days: string[];
  status: string;
  kind?: string;
  createdAt?: string;
}

const DAY = 86_400_000;

function boardPath(q: BoardQuery): string {
  const params = new URLSearchParams({ storeId: q.storeId, date: q.date });
  if (q.planId) params.set('planId', q.planId);
  return `/v1/board?${params.toString()}`;
}

/** The calendar dates of a plan's period (`periodStart`..`periodEnd`, dates or instants), at most 31. */
export function periodDays(start: unknown, end: unknown): string[] {
  if (typeof start !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(start)) return [];
  const first = Date.parse(`${start.slice(0, 10)}T00:00:00Z`);
  const lastText =
    typeof end === 'string' && /^\d{4}-\d{2}-\d{2}/.test(end) ? end.slice(0, 10) : start.slice(0, 10);
  const last = Date.parse(`${lastText}T00:00:00Z`);
  if (Number.isNaN(first) || Number.isNaN(last)) return [];
  const out: string[] = [];
  for (let t = first; t <= last && out.length < 31; t += DAY)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function explain(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : `HTTP_${status}`;
  let message = typeof err?.message === 'string' ? err.message : `the server answered ${status}`;
  if (Array.isArray(err?.issues) && err.issues.length > 0) {
    const lines = err.issues
      .map((i: unknown) => {
        const issue = i as { path?: unknown; message?: unknown };
        // The contract's issue path is already written out (`body.jobs[0].windows[0]`).
        const path =
          typeof issue.path === 'string'
            ? issue.path
            : Array.isArray(issue.path)
              ? issue.path
                  .map((p: unknown, k: number) =>
                    typeof p === 'number' ? `[${p}]` : `${k > 0 ? '.' : ''}${String(p)}`,
                  )
                  .join('')
              : '';
        return `${path}: ${String(issue.message ?? '')}`;
      })
      .join('; ');
    message = `${message} (${lines})`;
  }
  if (status === 401) message = `Sign-in refused: ${message}`;
  if (status === 403) message = `Not allowed with this token's scope: ${message}`;
  return new ApiError(status, code, message);
}

/** Reads a plan list in the shapes a history route may answer with (an array or `{ plans }`). */
export function readPlanList(body: unknown): PlanSummary[] {
  const list = Array.isArray(body)
    ? body
    : Array.isArray((body as { plans?: unknown } | null)?.plans)
      ? (body as { plans: unknown[] }).plans
      : Array.isArray((body as { items?: unknown } | null)?.items)
        ? (body as { items: unknown[] }).items
        : [];
  const out: PlanSummary[] = [];
  for (const raw of list) {
    const p = raw as Record<string, unknown>;
    const planId = typeof p.planId === 'string' ? p.planId : typeof p.id === 'string' ? p.id : undefined;
    if (!planId) continue;
    const strings = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
    const days = strings(p.days);
    const summary: PlanSummary = {
      planId,
      storeIds: strings(p.storeIds),
      days: days.length > 0 ? days : periodDays(p.periodStart, p.periodEnd),
      status: typeof p.status === 'string' ? p.status : '',
    };
    if (typeof p.kind === 'string') summary.kind = p.kind;
    if (typeof p.createdAt === 'string') summary.createdAt = p.createdAt;
    out.push(summary);
  }
  return out;
}

export interface StoreSummary {
  storeId: string;
  name: string;
  timeZone?: string;
}

/** Reads `GET /v1/board/stores`; null when the answer is not a store list (an older server). */
function readStoreList(body: unknown): StoreSummary[] | null {
  const list = (body as { stores?: unknown } | null)?.stores;
  if (!Array.isArray(list)) return null;
  const out: StoreSummary[] = [];
  for (const raw of list) {
    const st = raw as Record<string, unknown>;
    if (typeof st.storeId !== 'string') continue;
    out.push({
      storeId: st.storeId,
      name: typeof st.name === 'string' && st.name !== '' ? st.name : st.storeId,
      ...(typeof st.timeZone === 'string' ? { timeZone: st.timeZone } : {}),
    });
  }
  return out;
}

export class BoardApi {
  readonly #token: string;
  readonly #base: string;
  readonly #fetch: FetchLike;

  constructor(token: string, options: { base?: string; fetch?: FetchLike } = {}) {
    this.#token = token.trim();
    this.#base = options.base ?? '';
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return (await this.#send<T>(method, path, body)).body as T;
  }

  async #send<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<{ status: number; etag: string | null; body: T | null }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      accept: 'application/json',
      ...extra,
    };
    const init: RequestInit = { method, headers, credentials: 'omit', cache: 'no-store' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}${path}`, init);
    } catch {
      throw new ApiError(0, 'NETWORK', 'The server could not be reached; check that it is running.');
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (res.status === 304) return { status: 304, etag: res.headers.get('etag'), body: null };
    if (!res.ok) throw explain(res.status, parsed);
    return { status: res.status, etag: res.headers.get('etag'), body: parsed as T };
  }

  board(q: BoardQuery): Promise<BoardView> {
    return this.#call<BoardView>('GET', boardPath(q));
  }

  /**
   * The board again, if it changed since the version `etag` names: null when it did not
   * (the server answered 304 Not Modified). For the page's live updates.
   */
  async boardIfChanged(
    q: BoardQuery,
    etag: string | null,
  ): Promise<{ view: BoardView; etag: string | null } | null> {
    const r = await this.#send<BoardView>(
      'GET',
      boardPath(q),
      undefined,
      etag ? { 'if-none-match': etag } : {},
    );
    if (r.status === 304 || r.body === null) return null;
    return { view: r.body, etag: r.etag };
  }

  /** The stores by name; null from a server without `GET /v1/board/stores`. */
  async stores(): Promise<StoreSummary[] | null> {
    try {
      return readStoreList(await this.#call<unknown>('GET', '/v1/board/stores'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * The token's scope (`GET /v1/session`), which also checks the token. A server without that
   * route answers 404: the scope is then unknown (null) and the server still enforces it.
   */
  async session(): Promise<{ scope: TokenScope | null }> {
    try {
      const body = await this.#call<{ scope?: unknown }>('GET', '/v1/session');
      const scope = body?.scope;
      return { scope: scope === 'viewer' || scope === 'planner' || scope === 'admin' ? scope : null };
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return { scope: null };
      throw err;
    }
  }

  async plans(): Promise<PlanSummary[]> {
    return readPlanList(await this.#call<unknown>('GET', '/v1/plans'));
  }

  optimizeToday(req: OptimizeRequest): Promise<OptimizeResult> {
    return this.#call<OptimizeResult>('POST', '/v1/optimize-today', req);
  }

  /** Starts a what-if simulation (planner); answers at once with the run's id. */
  startWhatIf(req: WhatIfRequest): Promise<{ id: string; status: string }> {
    return this.#call<{ id: string; status: string }>('POST', '/v1/what-if', req);
  }

  whatIf(id: string): Promise<WhatIfRun> {
    return this.#call<WhatIfRun>('GET', `/v1/what-if/${encodeURIComponent(id)}`);
  }

  applyPlan(planId: string): Promise<unknown> {
    return this.#call<unknown>('POST', `/v1/plans/${encodeURIComponent(planId)}/apply`, {});
  }
}
