/**
 * Built board views, kept per plan, store, day and scope (with or without personal data),
 * so a board that many dispatchers poll is built once, not per request: building one reads
 * and decrypts every job of the plan. An entry is keyed by the plan's stamp (status and
 * finish time) too, so a plan that is resumed and finishes again is built again; a new plan
 * has a new id. Entries live in memory only (never logged), at most `max` of them, the
 * least recently used going first. Concurrent requests for a view being built share the
 * build.
 */
import type { BoardView } from './board-view.ts';

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

export class BoardCache {
  readonly #views = new Map<string, Promise<BoardView>>();
  /** Plans known to carry routes (their content does not go away once stored). */
  readonly #withRoutes = new Set<string>();

  constructor(private readonly max = 32) {}

  /** The cached view (its `now` set to the caller's), or a new one built once. */
  async view(key: BoardKey, now: Date, build: () => Promise<BoardView>): Promise<BoardView> {
    const k = keyOf(key);
    let entry = this.#views.get(k);
    if (entry !== undefined) {
      this.#views.delete(k);
      this.#views.set(k, entry);
    } else {
      entry = build();
      this.#views.set(k, entry);
      entry.then(
        () => this.markHasRoutes(key.planId),
        () => this.#views.delete(k),
      );
      while (this.#views.size > this.max) {
        const oldest = this.#views.keys().next().value as string;
        this.#views.delete(oldest);
      }
    }
    const view = await entry;
    return { ...view, now: now.toISOString() };
  }

  hasRoutes(planId: string): boolean {
    return this.#withRoutes.has(planId);
  }

  markHasRoutes(planId: string): void {
    if (this.#withRoutes.size >= 10_000) this.#withRoutes.clear();
    this.#withRoutes.add(planId);
  }

  /** Drops every view of a plan (a plan whose content or jobs changed). */
  forget(planId: string): void {
    for (const k of [...this.#views.keys()]) if (k.startsWith(`${planId}\u0000`)) this.#views.delete(k);
    this.#withRoutes.delete(planId);
  }

  get size(): number {
    return this.#views.size;
  }
}
