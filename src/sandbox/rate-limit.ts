/**
 * Token buckets per operation, as Amazon's usage plans work: `rate` tokens a second refill a bucket
 * of `burst` tokens; a request without a token is answered 429. Time is monotonic wall time, not the
 * sandbox clock, so a test's frozen clock does not freeze throttling.
 */
export type RateLimitMode = 'amazon' | 'amazon-sandbox' | 'off';

export interface UsagePlan {
  readonly rate: number;
  readonly burst: number;
}

/** Amazon's sandbox endpoints throttle every operation at 5 requests a second, burst 15. */
const SANDBOX_PLAN: UsagePlan = { rate: 5, burst: 15 };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly mode: RateLimitMode,
    private readonly now: () => number = () => performance.now(),
  ) {}

  planFor(operationPlan: UsagePlan): UsagePlan | undefined {
    if (this.mode === 'off') return undefined;
    return this.mode === 'amazon-sandbox' ? SANDBOX_PLAN : operationPlan;
  }

  /** Takes a token for the operation; false when the bucket is empty. */
  take(key: string, operationPlan: UsagePlan): boolean {
    const plan = this.planFor(operationPlan);
    if (!plan) return true;
    const bucketKey = this.mode === 'amazon-sandbox' ? '*' : key;
    const now = this.now();
    const bucket = this.buckets.get(bucketKey) ?? { tokens: plan.burst, at: now };
    bucket.tokens = Math.min(plan.burst, bucket.tokens + ((now - bucket.at) / 1000) * plan.rate);
    bucket.at = now;
    this.buckets.set(bucketKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
