/**
 * Built board views, kept per plan, store, day and scope (with or without personal data),
 * so a board that many dispatchers poll is built once, not per request: building one reads
 * and decrypts every job of the plan. An entry is keyed by the plan's stamp (status and
 * finish time) too, so a plan that is resumed and finishes again is built again; a new plan
 * has a new id. Entries live in memory only (never logged), at most `max` of them for at most
 * `ttlMs` (jobs change and personal data is purged; another server may resume a plan), the
 * least recently used going first; every planning run that ends here empties the cache.
 * Concurrent requests for a view being built share the build.
 */
import type { BoardView } from './contract/board.ts';

export interface BoardKey {
  planId: string;
  storeId: string;
  date: string;
  withPersonal: boolean;
  /** The run's issues were known when it was built (they add jobs left out). */
  withIssues: boolean;
  /** What changes when a stored plan changes: its status and finish time. */
  stamp: string;
}

const keyOf = (k: BoardKey): string =>
  [k.planId, k.storeId, k.date, k.withPersonal ? 'p' : 'v', k.withIssues ? 'i' : '-', k.stamp].join('\u0000');

interface Entry {
  builtAt: number;
  view: BoardView;
  /** The view as JSON without `now`, from just after its opening brace. */
  rest: string;
}

export class BoardCache {
  readonly #views = new Map<string, Promise<Entry>>();
  /** Plans known to carry routes (their content does not go away once stored). */
  readonly #withRoutes = new Set<string>();

  constructor(
    private readonly max = 32,
    private readonly ttlMs = 5 * 60_000,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** The cached view (its `now` set to the caller's), or a new one built once. */
  async view(key: BoardKey, now: Date, build: () => Promise<BoardView>): Promise<BoardView> {
    const entry = await this.#entry(key, build);
    return { ...entry.view, now: now.toISOString() };
  }

  /** The same view serialised (`now` first): a cached board is not serialised again per request. */
  async json(key: BoardKey, now: Date, build: () => Promise<BoardView>): Promise<string> {
    const entry = await this.#entry(key, build);
    const head = `{"now":${JSON.stringify(now.toISOString())}`;
    return entry.rest === '}' ? `${head}}` : `${head},${entry.rest}`;
  }

  #entry(key: BoardKey, build: () => Promise<BoardView>): Promise<Entry> {
    const k = keyOf(key);
    const found = this.#views.get(k);
    if (found !== undefined) {
      this.#views.delete(k);
      this.#views.set(k, found);
      return found.then((e) => {
        if (this.clock() - e.builtAt <= this.ttlMs) return e;
        if (this.#views.get(k) === found) this.#views.delete(k);
        return this.#entry(key, build);
      });
    }
    const entry = build().then((view) => {
      const { now: _now, ...rest } = view;
      return { builtAt: this.clock(), view, rest: JSON.stringify(rest).slice(1) };
    });
    this.#views.set(k, entry);
    entry.then(
      () => this.markHasRoutes(key.planId),
      () => {
        if (this.#views.get(k) === entry) this.#views.delete(k);
      },
    );
    while (this.#views.size > this.max) {
      const oldest = this.#views.keys().next().value as string;
      this.#views.delete(oldest);
    }
    return entry;
  }

  hasRoutes(planId: string): boolean {
    return this.#withRoutes.has(planId);
  }

  markHasRoutes(planId: string): void {
    if (this.#withRoutes.size >= 10_000) this.#withRoutes.clear();
    this.#withRoutes.add(planId);
  }

  /** Drops every view (a planning run ended: jobs were pulled, personal data purged). */
  clear(): void {
    this.#views.clear();
  }

  get size(): number {
    return this.#views.size;
  }
}

/** Keyed by the context's store: one cache per seller (a seller's view of the store is its own object). */
const caches = new WeakMap<object, BoardCache>();

/** The server's cache of built board views (the requesting seller's, on a server of several). */
export function boardCache(ctx: { readonly store: object }): BoardCache {
  let cache = caches.get(ctx.store);
  if (cache === undefined) {
    cache = new BoardCache();
    caches.set(ctx.store, cache);
  }
  return cache;
}
