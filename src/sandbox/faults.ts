import { createRandom, deriveSeed } from './random.ts';
import type { Random } from './random.ts';

/**
 * Fault injection, e.g. `429=0.1,5xx=0.05,drop=0.02,dropafter=0.01,latency=20-200ms`.
 * - `429` and `5xx` answer before the operation runs: state is unchanged.
 * - `drop` destroys the connection before the operation runs (nothing happened).
 * - `dropafter` runs the operation, then destroys the connection instead of answering: the write
 *   took effect but the client never learns it, as when a response is lost on the way back.
 * - `latency` delays every answer by a uniform draw from the range.
 * Draws come from a generator seeded by the sandbox seed, one per request in arrival order.
 */
export interface FaultSpec {
  readonly throttle: number;
  readonly serverError: number;
  readonly drop: number;
  readonly dropAfter: number;
  readonly latency?: { readonly min: number; readonly max: number };
}

type FaultKind = '429' | '5xx' | 'drop' | 'dropafter';

export interface FaultDecision {
  readonly kind?: FaultKind;
  readonly latencyMs: number;
  /** For 5xx: 500 or 503. */
  readonly status?: number;
}

const NO_FAULTS: FaultSpec = { throttle: 0, serverError: 0, drop: 0, dropAfter: 0 };

class FaultSpecError extends Error {
  readonly code = 'INVALID_FAULT_SPEC';
}

export function parseFaultSpec(spec: string | undefined): FaultSpec {
  if (spec === undefined || spec.trim() === '' || spec.trim() === 'off') return NO_FAULTS;
  const out = { throttle: 0, serverError: 0, drop: 0, dropAfter: 0 } as {
    throttle: number;
    serverError: number;
    drop: number;
    dropAfter: number;
    latency?: { min: number; max: number };
  };
  for (const part of spec.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (!key || value === undefined) throw new FaultSpecError(`fault "${part}" must look like kind=value`);
    if (key === 'latency') {
      const m = /^(\d+)(?:-(\d+))?(?:ms)?$/.exec(value);
      if (!m) throw new FaultSpecError(`latency "${value}" must look like 20-200ms`);
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : Number(m[2]);
      if (max < min) throw new FaultSpecError(`latency range "${value}" has its maximum below its minimum`);
      out.latency = { min, max };
      continue;
    }
    const p = Number(value);
    if (!Number.isFinite(p) || p < 0 || p > 1)
      throw new FaultSpecError(`probability for ${key} must be in [0, 1], got "${value}"`);
    if (key === '429') out.throttle = p;
    else if (key === '5xx') out.serverError = p;
    else if (key === 'drop') out.drop = p;
    else if (key === 'dropafter') out.dropAfter = p;
    else
      throw new FaultSpecError(`unknown fault kind "${key}" (expected 429, 5xx, drop, dropafter, latency)`);
  }
  if (out.throttle + out.serverError + out.drop + out.dropAfter > 1) {
    throw new FaultSpecError('fault probabilities add up to more than 1');
  }
  return out;
}

export class FaultInjector {
  private readonly rng: Random;

  constructor(
    private readonly spec: FaultSpec,
    seed: number,
  ) {
    this.rng = createRandom(deriveSeed(seed, 'faults'));
  }

  get active(): boolean {
    const s = this.spec;
    return s.throttle + s.serverError + s.drop + s.dropAfter > 0 || s.latency !== undefined;
  }

  decide(): FaultDecision {
    // Always the same number of draws per request, so one request's outcome never shifts the next's.
    const r = this.rng.next();
    const which = this.rng.next();
    const l = this.rng.next();
    const s = this.spec;
    const latencyMs = s.latency ? Math.round(s.latency.min + l * (s.latency.max - s.latency.min)) : 0;
    let edge = s.throttle;
    if (r < edge) return { kind: '429', latencyMs };
    edge += s.serverError;
    if (r < edge) return { kind: '5xx', latencyMs, status: which < 0.5 ? 500 : 503 };
    edge += s.drop;
    if (r < edge) return { kind: 'drop', latencyMs };
    edge += s.dropAfter;
    if (r < edge) return { kind: 'dropafter', latencyMs };
    return { latencyMs };
  }
}
