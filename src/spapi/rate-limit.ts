import Bottleneck from 'bottleneck';
import { operations, type OperationId } from './generated/operations.ts';

/**
 * Which usage plans pace the calls: Amazon's per-operation defaults from the model,
 * Amazon's sandbox (5 requests/s, burst 15 for every operation), or no pacing.
 */
export type RateLimitPlan = 'amazon' | 'amazon-sandbox' | 'off';

export interface UsagePlan {
  /** Requests per second. */
  rate: number;
  burst: number;
}

export const amazonSandboxPlan: UsagePlan = { rate: 5, burst: 15 };

export function usagePlanFor(plan: RateLimitPlan, operationId: OperationId): UsagePlan | undefined {
  if (plan === 'off') return undefined;
  if (plan === 'amazon-sandbox') return amazonSandboxPlan;
  return operations[operationId].usagePlan;
}

/** Parses `x-amzn-RateLimit-Limit` ("5.0"); undefined when absent or not a positive number. */
export function parseRateLimitHeader(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const rate = Number(value);
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

export interface RateLimiterOptions {
  /**
   * Fraction by which the refill is slowed so that network jitter between our send time
   * and Amazon's arrival time cannot make two requests look closer than the plan allows.
   */
  safetyMargin?: number;
}

/**
 * One token bucket (Bottleneck reservoir: `burst` tokens, one more every 1/rate s) for one
 * operation at one endpoint for one selling-partner identity, as Amazon counts them.
 */
export class OperationRateLimiter {
  private readonly limiter: Bottleneck;
  private readonly margin: number;
  private current: UsagePlan;

  constructor(plan: UsagePlan, options: RateLimiterOptions = {}) {
    if (!(plan.rate > 0) || !(plan.burst >= 1))
      throw new Error(`usage plan needs rate > 0 and burst >= 1, got ${JSON.stringify(plan)}`);
    this.margin = options.safetyMargin ?? 0.05;
    this.current = { ...plan };
    const interval = this.intervalMs(plan.rate);
    // Bottleneck refills on a clock that keeps ticking while the bucket is full, so a token
    // can arrive up to one interval earlier than in Amazon's continuous bucket. Holding one
    // token back keeps our bucket at or below Amazon's at every instant; with a burst of 1,
    // spacing every start by a full interval does the same.
    const reservoir = Math.max(1, plan.burst - 1);
    this.limiter = new Bottleneck({
      reservoir,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: interval,
      reservoirIncreaseMaximum: reservoir,
      minTime: plan.burst === 1 ? interval : 0,
      // The refill is checked on a heartbeat (250 ms by default), too coarse for 20 requests/s.
      heartbeatInterval: Math.min(50, Math.max(5, Math.floor(interval / 10))),
    } as Bottleneck.ConstructorOptions);
  }

  get plan(): UsagePlan {
    return { ...this.current };
  }

  private intervalMs(rate: number): number {
    // A few milliseconds on top cover jitter at high rates, where 5 % is too little.
    return Math.ceil((1000 / rate) * (1 + this.margin)) + 3;
  }

  /** Runs `task` once a token is available. */
  schedule<T>(task: () => Promise<T>): Promise<T> {
    return this.limiter.schedule(async () => {
      await this.sendGate();
      return task();
    });
  }

  // Bottleneck decides on timers, and a busy event loop runs two decisions made an interval
  // apart almost together. This gate checks Amazon's continuous bucket again at the moment
  // of sending, from the actual send times, and waits out any shortfall.
  private gateTokens: number | undefined;
  private gateLast = 0;

  private async sendGate(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const perMs = this.current.rate / (1 + this.margin) / 1000;
      const tokens =
        this.gateTokens === undefined
          ? this.current.burst
          : Math.min(this.current.burst, this.gateTokens + (now - this.gateLast) * perMs);
      this.gateLast = now;
      if (tokens >= 1) {
        this.gateTokens = tokens - 1;
        return;
      }
      this.gateTokens = tokens;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil((1 - tokens) / perMs)));
    }
  }

  /** Follows the rate Amazon says it applied; the burst stays as planned (the header has none). */
  adaptRate(rate: number | undefined): void {
    if (rate === undefined || Math.abs(rate - this.current.rate) < 1e-9) return;
    this.current = { rate, burst: this.current.burst };
    const interval = this.intervalMs(rate);
    this.limiter.updateSettings({
      reservoirIncreaseInterval: interval,
      minTime: this.current.burst === 1 ? interval : 0,
    });
  }

  /** After a 429 every caller waits for a fresh token rather than spending the rest of the burst. */
  drain(): void {
    this.limiter.updateSettings({ reservoir: 0 });
    this.gateTokens = 0;
    this.gateLast = Date.now();
  }

  async stop(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: false });
  }
}

/**
 * Limiters shared by every client in the process, keyed by endpoint, selling-partner
 * identity and operation, so two clients for the same seller never add up past the plan.
 */
export class RateLimiterRegistry {
  private readonly limiters = new Map<string, OperationRateLimiter>();

  constructor(private readonly options: RateLimiterOptions = {}) {}

  get(key: string, plan: UsagePlan): OperationRateLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new OperationRateLimiter(plan, this.options);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  get size(): number {
    return this.limiters.size;
  }

  async clear(): Promise<void> {
    const all = [...this.limiters.values()];
    this.limiters.clear();
    await Promise.all(all.map((l) => l.stop()));
  }
}

/** The process-wide registry clients use unless given their own. */
export const sharedRateLimiters = new RateLimiterRegistry();
