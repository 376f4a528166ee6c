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

const amazonSandboxPlan: UsagePlan = { rate: 5, burst: 15 };

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
 * One token bucket (`burst` tokens, one more every 1/rate s) for one operation at one
 * endpoint for one selling-partner identity, as Amazon counts them.
 *
 * The bucket is continuous and computed from the actual send times, so a timer that fires
 * late never costs rate: the next send simply finds more in the bucket. (Bottleneck's
 * reservoir refill restarts its clock at the heartbeat that adds a token, so every token
 * arrives up to a heartbeat late; at 5 requests/s that lost 5–10 % of the allowed rate.)
 * Bottleneck serves as the FIFO queue in front of the bucket: callers take tokens in the
 * order they asked, one at a time, and their requests then run side by side.
 *
 * Our bucket holds one token fewer than Amazon's (and never less than one), so Amazon's
 * always has one to spare: a request delayed on its way (by the network, or a busy event
 * loop at either end) by up to one refill interval cannot make the next one look early.
 */
export class OperationRateLimiter {
  private readonly queue: Bottleneck;
  private readonly margin: number;
  private current: UsagePlan;
  private tokens: number;
  private last: number | undefined;

  constructor(plan: UsagePlan, options: RateLimiterOptions = {}) {
    if (!(plan.rate > 0) || !(plan.burst >= 1))
      throw new Error(`usage plan needs rate > 0 and burst >= 1, got ${JSON.stringify(plan)}`);
    this.margin = options.safetyMargin ?? 0.03;
    this.current = { ...plan };
    this.tokens = this.capacity(plan);
    this.queue = new Bottleneck({ maxConcurrent: 1 });
  }

  get plan(): UsagePlan {
    return { ...this.current };
  }

  /** Runs `task` once a token is available. */
  async schedule<T>(task: () => Promise<T>): Promise<T> {
    await this.queue.schedule(() => this.takeToken());
    return task();
  }

  private capacity(plan: UsagePlan): number {
    return Math.max(1, plan.burst - 1);
  }

  private refill(now: number): void {
    // Tokens per millisecond, slowed by the margin so that jitter between our send time and
    // Amazon's arrival time cannot make two requests look closer than the plan allows.
    const perMs = this.current.rate / (1 + this.margin) / 1000;
    if (this.last !== undefined)
      this.tokens = Math.min(this.capacity(this.current), this.tokens + (now - this.last) * perMs);
    this.last = now;
  }

  private async takeToken(): Promise<void> {
    for (;;) {
      this.refill(Date.now());
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const perMs = this.current.rate / (1 + this.margin) / 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil((1 - this.tokens) / perMs))));
    }
  }

  /** Follows the rate Amazon says it applied; the burst stays as planned (the header has none). */
  adaptRate(rate: number | undefined): void {
    if (rate === undefined || Math.abs(rate - this.current.rate) < 1e-9) return;
    this.refill(Date.now());
    this.current = { rate, burst: this.current.burst };
  }

  /** After a 429 every caller waits for a fresh token rather than spending the rest of the burst. */
  drain(): void {
    this.tokens = 0;
    this.last = Date.now();
  }

  async stop(): Promise<void> {
    await this.queue.stop({ dropWaitingJobs: false });
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
