/**
 * What the board page holds while it is open (in memory only), the options it starts with,
 * and the context every view and action of the page is given.
 */
import {
  ApiError,
  type BoardApi,
  type BoardQuery,
  type PlanSummary,
  type StoreSummary,
} from './api-client.ts';
import type { BaseMap } from './basemap.ts';
import type { ContextLines } from './context-map.ts';
import type { Page } from './skeleton.ts';
import type { BoardView, OptimizeResult } from './types.ts';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface AppOptions {
  fetch?: FetchLike;
  /** Wall clock (ms), for the current-time line between server answers. */
  clock?: () => number;
  /** A tile URL template given in the page address (`?tiles=`). */
  tilesUrl?: string | null;
  /** Pause between two reads of a running what-if, ms. */
  pollMs?: number;
  /** Pause between two checks of the shown day for changes (live updates), ms; 0 turns them off. */
  liveMs?: number;
  /** Draw the offline map's outlines (state and county lines); on unless told otherwise. */
  outlines?: boolean;
}

export const MAP_WIDTH = 800;
export const MAP_HEIGHT = 520;
export const LABEL_WIDTH = 170;

export interface State {
  api: BoardApi | null;
  plans: PlanSummary[];
  view: BoardView | null;
  loadedAt: number;
  selected: string | null;
  proposal: OptimizeResult | null;
  tilesUrl: string | null;
  baseMap: BaseMap | null;
  /** Bumped on sign-out and on each new what-if, so an older poll stops. */
  whatIfGeneration: number;
  stores: StoreSummary[];
  /** What the shown board was asked with and the version it came in, for live updates. */
  query: BoardQuery | null;
  etag: string | null;
  /** A proposal (not the day's plan) is on screen: live updates wait until another plan is picked. */
  showingProposal: boolean;
  /** The offline map's outlines near the shown day, once loaded. */
  outlines: ContextLines | null;
  /** Bumped on every board shown, so a slow check does not replace a newer board. */
  boardGeneration: number;
}

/** What every view and action of the page works with. */
export interface Ctx {
  root: HTMLElement;
  page: Page;
  state: State;
  options: AppOptions;
  clock: () => number;
  setStatus(text: string): void;
  setError(text: string): void;
}

export function initialState(options: AppOptions, now: number): State {
  return {
    api: null,
    plans: [],
    view: null,
    loadedAt: now,
    selected: null,
    proposal: null,
    tilesUrl: options.tilesUrl ?? null,
    baseMap: null,
    whatIfGeneration: 0,
    stores: [],
    query: null,
    etag: null,
    showingProposal: false,
    outlines: null,
    boardGeneration: 0,
  };
}

export function message(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export function storeNameOf(state: State, view: BoardView): string {
  return view.storeName ?? state.stores.find((st) => st.storeId === view.storeId)?.name ?? view.storeId;
}
