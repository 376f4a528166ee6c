import type { OperationResult } from '../errors.ts';
import { missingOrInvalid } from '../errors.ts';
import type { Random } from '../random.ts';
import type { SandboxWorld } from '../state.ts';

/** What an operation handler sees: the world, the clock, and the request already split apart. */
export interface OperationContext {
  readonly world: SandboxWorld;
  readonly nowMs: number;
  readonly rng: Random;
  readonly baseUrl: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: QueryParams;
  readonly body: ParsedBody;
}

export type ParsedBody = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'invalid' };

export type OperationHandler = (ctx: OperationContext) => OperationResult;

/**
 * Query parameters as the model sends them: arrays are comma-separated (Swagger's default CSV);
 * a repeated key is accepted too and its values are concatenated.
 */
export class QueryParams {
  private readonly values = new Map<string, string[]>();

  constructor(search: string) {
    for (const [key, value] of new URLSearchParams(search)) {
      const list = this.values.get(key) ?? [];
      list.push(value);
      this.values.set(key, list);
    }
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** The single value of a scalar parameter; undefined when absent, `null` when repeated. */
  scalar(key: string): string | undefined | null {
    const list = this.values.get(key);
    if (!list) return undefined;
    return list.length === 1 ? (list[0] as string) : null;
  }

  list(key: string): string[] | undefined {
    const list = this.values.get(key);
    if (!list) return undefined;
    return list.flatMap((v) => v.split(','));
  }

  keys(): string[] {
    return [...this.values.keys()];
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Path and body identifiers: 1..100 characters; the literal strings null/undefined count as missing. */
export function validId(value: unknown, min = 1, max = 100): value is string {
  return (
    typeof value === 'string' &&
    value.length >= min &&
    value.length <= max &&
    value.trim() === value &&
    !['null', 'undefined', 'NULL'].includes(value)
  );
}

export function checkMarketplace(ctx: OperationContext): OperationResult | undefined {
  const ids = ctx.query.list('marketplaceIds');
  if (!ids || ids.length !== 1 || ids[0] !== ctx.world.marketplaceId)
    return missingOrInvalid(['marketplaceIds']);
  return undefined;
}

export function jsonBody(
  ctx: OperationContext,
): { ok: true; value: Record<string, unknown> } | { ok: false } {
  if (ctx.body.kind !== 'json' || !isRecord(ctx.body.value)) return { ok: false };
  return { ok: true, value: ctx.body.value };
}

export function touch(job: { lastUpdatedMs: number }, nowMs: number): void {
  job.lastUpdatedMs = Math.max(nowMs, job.lastUpdatedMs + 1);
}
