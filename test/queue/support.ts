/** Queue-mode tests: Redis and PostgreSQL from the environment, a fresh prefix and schema per test. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { operations, type OperationId, type UsagePlan } from '../../src/spapi/index.ts';
import type { RequestLogEntry } from '../../src/sandbox/request-log.ts';

export const REDIS_URL = process.env['REDIS_URL'];
export const DATABASE_URL = process.env['DATABASE_URL'];
export const queueTestsEnabled = REDIS_URL !== undefined && REDIS_URL !== '' && DATABASE_URL !== undefined;

export function skipMessage(): string {
  return 'queue-mode tests skipped: set REDIS_URL=redis://127.0.0.1:6379 and DATABASE_URL=postgres://postgres@127.0.0.1:5432/test';
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** DATABASE_URL with its search_path set to `schema` (for child processes). */
export function schemaUrl(schema: string): string {
  const u = new URL(DATABASE_URL!);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export async function createSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`create schema if not exists "${schema}"`);
  await c.end();
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
}

/** Amazon's usage plans `scale` times faster (the tests' and benchmarks' time scaling). */
export function scaledPlans(scale: number): Partial<Record<OperationId, UsagePlan>> {
  const plans: Partial<Record<OperationId, UsagePlan>> = {};
  for (const id of Object.keys(operations) as OperationId[]) {
    const p = operations[id].usagePlan;
    plans[id] = { rate: p.rate * scale, burst: p.burst };
  }
  return plans;
}

/**
 * Replays the sandbox's request log through each operation's token bucket (Amazon's model:
 * `burst` tokens, refilled at `rate` a second); returns the requests that found it empty.
 */
export function bucketViolations(
  log: readonly RequestLogEntry[],
  plans: Partial<Record<OperationId, UsagePlan>>,
): { operation: string; at: number }[] {
  const out: { operation: string; at: number }[] = [];
  const byOp = new Map<string, number[]>();
  for (const e of log) {
    if (!(e.operation in plans)) continue;
    const list = byOp.get(e.operation) ?? [];
    list.push(e.timestamp);
    byOp.set(e.operation, list);
  }
  for (const [op, times] of byOp) {
    const plan = plans[op as OperationId]!;
    times.sort((a, b) => a - b);
    let tokens = plan.burst;
    let last = times[0] ?? 0;
    for (const t of times) {
      tokens = Math.min(plan.burst, tokens + ((t - last) / 1000) * plan.rate);
      last = t;
      if (tokens < 1 - 1e-9) out.push({ operation: op, at: t });
      else tokens -= 1;
    }
  }
  return out;
}

/**
 * Polls `fn` every 50 ms until it gives a value; fails naming `what` after `timeoutMs`. With
 * `errorsMeanNotYet`, a poll that throws counts as no value yet (a server being restarted).
 */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  options: { errorsMeanNotYet?: boolean } = {},
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = options.errorsMeanNotYet === true ? await fn().catch(() => undefined) : await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
