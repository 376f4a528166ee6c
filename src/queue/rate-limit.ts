/**
 * Amazon's usage plans shared by every worker of a seller through Redis. Amazon counts a
 * token bucket per operation and selling-partner identity, whatever number of processes
 * call it; in queue mode several workers write for one seller at once, so the bucket lives
 * in Redis and every worker takes its tokens there.
 *
 * The bucket is the one `OperationRateLimiter` keeps in process (continuous refill computed
 * from send times, one token fewer than Amazon's burst, refill slowed by a 3 % margin), kept
 * in a Redis hash and updated by one Lua script, so taking a token is atomic across workers
 * and timed by Redis's own clock (workers' clocks may disagree; Redis's is the one clock).
 * A worker that finds the bucket empty is told how long to wait and asks again then.
 */
import type { Redis } from 'ioredis';
import {
  OperationRateLimiter,
  RateLimiterRegistry,
  type RateLimiterOptions,
  type UsagePlan,
} from '../spapi/rate-limit.ts';

/**
 * KEYS[1] bucket hash; ARGV: capacity, tokens per ms, ttl ms, mode ('take' | 'drain').
 * Returns 0 when a token was taken, else the milliseconds to wait before asking again.
 */
const TAKE_TOKEN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens = tonumber(state[1])
local last = tonumber(state[2])
if tokens == nil or last == nil then
  tokens = capacity
  last = now
end
if now > last then
  tokens = math.min(capacity, tokens + (now - last) * perMs)
  last = now
end
if ARGV[4] == 'drain' then
  redis.call('HSET', KEYS[1], 'tokens', 0, 'last', now)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return 0
end
if tokens >= 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'last', last)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', last)
redis.call('PEXPIRE', KEYS[1], ttl)
return math.max(1, math.ceil((1 - tokens) / perMs))
`;

interface BucketRedis extends Redis {
  fieldplanTakeToken(
    key: string,
    capacity: number,
    perMs: number,
    ttlMs: number,
    mode: string,
  ): Promise<number>;
}

function withScript(redis: Redis): BucketRedis {
  const r = redis as BucketRedis;
  if (typeof r.fieldplanTakeToken !== 'function')
    redis.defineCommand('fieldplanTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
  return r;
}

/** One operation's bucket for one seller, in Redis. */
export class RedisOperationRateLimiter extends OperationRateLimiter {
  readonly #redis: BucketRedis;
  readonly #key: string;
  readonly #margin: number;
  #plan: UsagePlan;
  /** Callers of this process queue here first, so they take tokens in the order they asked. */
  #tail: Promise<void> = Promise.resolve();

  constructor(redis: Redis, key: string, plan: UsagePlan, options: RateLimiterOptions = {}) {
    super(plan, options);
    this.#redis = withScript(redis);
    this.#key = key;
    this.#margin = options.safetyMargin ?? 0.03;
    this.#plan = { ...plan };
  }

  override get plan(): UsagePlan {
    return { ...this.#plan };
  }

  #args(): [number, number, number] {
    const capacity = Math.max(1, this.#plan.burst - 1);
    const perMs = this.#plan.rate / (1 + this.#margin) / 1000;
    // The bucket is full again long before this; an idle key leaves Redis.
    const ttl = Math.ceil(capacity / perMs) + 60_000;
    return [capacity, perMs, ttl];
  }

  async #take(): Promise<void> {
    for (;;) {
      const wait = await this.#redis.fieldplanTakeToken(this.#key, ...this.#args(), 'take');
      if (wait === 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  override async schedule<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.#tail.then(() => this.#take());
    this.#tail = turn.catch(() => undefined);
    await turn;
    return task();
  }

  override adaptRate(rate: number | undefined): void {
    if (rate === undefined || Math.abs(rate - this.#plan.rate) < 1e-9) return;
    this.#plan = { rate, burst: this.#plan.burst };
  }

  override drain(): void {
    void this.#redis.fieldplanTakeToken(this.#key, ...this.#args(), 'drain').catch(() => undefined);
  }

  override async stop(): Promise<void> {
    await this.#tail;
    await super.stop();
  }
}

/**
 * The registry a worker's Services client takes its limiters from: keys are the client's
 * (endpoint, identity, plan, operation) prefixed by the seller and the deployment's prefix,
 * so every worker of a seller shares one bucket per operation.
 */
export class RedisRateLimiterRegistry extends RateLimiterRegistry {
  readonly #limiters = new Map<string, RedisOperationRateLimiter>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly sellerId: string,
    private readonly limiterOptions: RateLimiterOptions = {},
  ) {
    super(limiterOptions);
  }

  override get(key: string, plan: UsagePlan): OperationRateLimiter {
    let limiter = this.#limiters.get(key);
    if (limiter === undefined) {
      const redisKey = `${this.prefix}:ratelimit:${this.sellerId}:${key}`;
      limiter = new RedisOperationRateLimiter(this.redis, redisKey, plan, this.limiterOptions);
      this.#limiters.set(key, limiter);
    }
    return limiter;
  }

  override get size(): number {
    return this.#limiters.size;
  }

  override async clear(): Promise<void> {
    const all = [...this.#limiters.values()];
    this.#limiters.clear();
    await Promise.all(all.map((l) => l.stop()));
  }
}
